"""Closed mesh primitives in numpy (bpy-free).

A ``Mesh`` holds polygons of mixed size as flat arrays, the way Blender stores them:

    verts   Float[ndarray, "V 3"]   metres, Z up
    corners Int[ndarray, "C"]       vertex index of each face corner
    sizes   Int[ndarray, "F"]       corners per face (3 or 4, caps may be larger)
    uvs     Float[ndarray, "C 2"]   one UV per face corner
    mat     Int[ndarray, "F"]       material slot per face
    smooth  Bool[ndarray, "F"]      shade smooth per face

Every primitive here is a closed 2-manifold shell with outward (counter-clockwise seen from outside) winding;
``_orient`` checks the signed volume and flips a shell whose winding came out inward, so callers never have to.
"""
from __future__ import annotations

import contextlib
import hashlib
import math
import threading
import zlib

import numpy as np

_LOCAL = threading.local()


def detail_level() -> float:
    """Tessellation multiplier for the primitives built on this thread (1 = default; see ``detail``)."""
    return getattr(_LOCAL, "detail", 1.0)


@contextlib.contextmanager
def detail(level: float):
    """Build primitives with ``level`` times the default segments (bevel steps, lathe segments, sphere
    subdivisions): the knob behind a per-asset triangle budget. Deterministic: same level, same bytes."""
    old = detail_level()
    _LOCAL.detail = float(level)
    try:
        yield
    finally:
        _LOCAL.detail = old


EDITION = 3
"""The factories' current edition. Edition 1 is the geometry the embedded model's corpus was built from (its
fingerprint pins it: ``embedded.corpus.CORPUS_EDITION``); edition 2 adds the small-scale detail the model cannot
resolve at its 64-point decode grid anyway: leaf cards on tree and bush crowns, bark ridges, rock facets and
cracks, book pages and spines, bottle caps and labels, ceramic rims and feet, veined leaves, bevels and handles;
edition 3 gives furniture, appliances, rugs and lamps their real construction and finishes (profiled legs, framed
panels and drawer fronts with shadow gaps, appliance doors, handles and controls, rug pile and fringes), and rocks,
stumps and grass tufts their outdoor look (large facets and cracks; furrowed bark, roots and growth rings; keeled,
arching blades), and trees their build (a broadleaf trunk forking into limbs under separate crown lobes; a conifer's
whorls of drooping, needled branches). Every
edition is frozen once released (``tests/test_procgen_editions.py`` pins edition 2's bytes for every category): a
graph saved with edition ``n`` rebuilds to the same meshes. Scenes and the asset sheet use the current edition."""


def edition() -> int:
    """The factory edition for assets built on this thread (see ``factory_edition``)."""
    return getattr(_LOCAL, "edition", EDITION)


@contextlib.contextmanager
def factory_edition(n: int):
    """Build assets as edition ``n`` of the factories made them (1 to ``EDITION``): same edition, same bytes."""
    old = edition()
    _LOCAL.edition = int(n)
    try:
        yield
    finally:
        _LOCAL.edition = old


def norm3(x) -> float:
    """``np.linalg.norm`` of a 1-D float64 vector, as it computes it (``sqrt(x.dot(x))``), without its checks:
    the same bits, a few microseconds less per call."""
    return math.sqrt(x.dot(x))


def _seg(n: int, lo: int = 3) -> int:
    return max(lo, int(round(n * detail_level())))


class Mesh:
    __slots__ = ("verts", "corners", "sizes", "uvs", "mat", "smooth")

    def __init__(self, verts, corners, sizes, uvs, mat=None, smooth=False):
        self.verts = np.asarray(verts, dtype=np.float64).reshape(-1, 3)
        self.corners = np.asarray(corners, dtype=np.int64).ravel()
        self.sizes = np.asarray(sizes, dtype=np.int64).ravel()
        self.uvs = np.asarray(uvs, dtype=np.float64).reshape(-1, 2)
        nf = len(self.sizes)
        self.mat = np.zeros(nf, np.int64) if mat is None else np.broadcast_to(np.asarray(mat, np.int64), (nf,)).copy()
        self.smooth = np.broadcast_to(np.asarray(smooth, bool), (nf,)).copy()

    @classmethod
    def raw(cls, verts, corners, sizes, uvs, mat, smooth) -> "Mesh":
        """A mesh from arrays already in ``Mesh``'s shapes and dtypes (float64 (V, 3) and (C, 2), int64 corners,
        sizes and per-face mat, bool per-face smooth), taken as they are: no conversion, no copy."""
        m = cls.__new__(cls)
        m.verts, m.corners, m.sizes, m.uvs, m.mat, m.smooth = verts, corners, sizes, uvs, mat, smooth
        return m

    # ----------------------------------------------------------------- transforms
    def copy(self) -> "Mesh":
        return Mesh(self.verts.copy(), self.corners.copy(), self.sizes.copy(), self.uvs.copy(),
                    self.mat.copy(), self.smooth.copy())

    def transformed(self, rot=None, offset=(0.0, 0.0, 0.0), scale=None) -> "Mesh":
        """Scale (per axis, positive), then rotate (3x3, proper), then translate."""
        m = self.copy()
        v = m.verts
        if scale is not None:
            v = v * np.asarray(scale, np.float64)
        if rot is not None:
            v = v @ np.asarray(rot, np.float64).T
        m.verts = v + np.asarray(offset, np.float64)
        return m

    def with_material(self, slot: int) -> "Mesh":
        m = self.copy()
        m.mat[:] = slot
        return m

    def bounds(self):
        return self.verts.min(axis=0), self.verts.max(axis=0)

    def digest(self) -> str:
        h = hashlib.sha256()
        for a in (self.verts, self.corners, self.sizes, self.uvs, self.mat, self.smooth):
            h.update(np.ascontiguousarray(a).tobytes())
        return h.hexdigest()


def merge(meshes) -> Mesh:
    meshes = list(meshes)
    offs = np.cumsum([0] + [len(m.verts) for m in meshes[:-1]])
    return Mesh(np.concatenate([m.verts for m in meshes]),
                np.concatenate([m.corners + o for m, o in zip(meshes, offs)]),
                np.concatenate([m.sizes for m in meshes]),
                np.concatenate([m.uvs for m in meshes]),
                np.concatenate([m.mat for m in meshes]),
                np.concatenate([m.smooth for m in meshes]))


# --------------------------------------------------------------------- measures
def face_starts(m: Mesh):
    return np.concatenate([[0], np.cumsum(m.sizes)[:-1]])


def fan_triangles(m: Mesh):
    """Int[ndarray, "T 3"] triangles fanned from each face's first corner, in face order (face f gives
    sizes[f] - 2 consecutive triangles; ``fan_owner`` names the face of each)."""
    if not len(m.sizes) or int(m.sizes.max()) < 3:
        return np.zeros((0, 3), np.int64)
    starts = face_starts(m)
    per = np.maximum(m.sizes - 2, 0)
    owner = np.repeat(np.arange(len(m.sizes)), per)
    k = np.arange(len(owner)) - np.repeat(np.cumsum(per) - per, per) + 1    # 1 .. size - 2 within each face
    s = starts[owner]
    return np.stack([m.corners[s], m.corners[s + k], m.corners[s + k + 1]], axis=1)


def fan_owner(m: Mesh):
    """Int[ndarray, "T"]: the face each of ``fan_triangles(m)`` comes from."""
    return np.repeat(np.arange(len(m.sizes)), np.maximum(m.sizes - 2, 0))


def signed_volume(m: Mesh) -> float:
    t = fan_triangles(m)
    a, b, c = m.verts[t[:, 0]], m.verts[t[:, 1]], m.verts[t[:, 2]]
    return float(np.einsum("ij,ij->i", a, _cross(b, c)).sum() / 6.0)


def face_areas(m: Mesh):
    t = fan_triangles(m)
    a, b, c = m.verts[t[:, 0]], m.verts[t[:, 1]], m.verts[t[:, 2]]
    tri_area = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)
    owner = np.repeat(np.arange(len(m.sizes)), np.maximum(m.sizes - 2, 0))
    return np.bincount(owner, weights=tri_area, minlength=len(m.sizes))


def edge_use_counts(m: Mesh):
    """Dict-free count of how often each undirected edge is used; closed manifold => all 2,
    and each directed edge appears once (consistent winding)."""
    starts = face_starts(m)
    nxt = np.arange(len(m.corners)) + 1
    ends = starts + m.sizes
    wrap = np.zeros(len(m.corners), bool)
    wrap[ends - 1] = True
    nxt[wrap] = starts
    a, b = m.corners, m.corners[nxt]
    directed = a * (len(m.verts) + 1) + b
    und = np.minimum(a, b) * (len(m.verts) + 1) + np.maximum(a, b)
    _, und_counts = np.unique(und, return_counts=True)
    _, dir_counts = np.unique(directed, return_counts=True)
    return und_counts, dir_counts


def _orient(m: Mesh, key=None) -> Mesh:
    """Flip the winding of a closed shell whose signed volume is negative. ``key``: names the shell's topology
    (its corners and sizes) for callers that make many of one shape; its fan triangles and flip order are then
    kept (``_ORIENT_TOPO``): the same sums, the same bytes."""
    topo = _ORIENT_TOPO.get(key) if key is not None else None
    if topo is None:
        tris = fan_triangles(m)
        starts = face_starts(m)
        face = np.repeat(np.arange(len(m.sizes)), m.sizes)   # each corner's face; reverse the corners within it
        rev = 2 * starts[face] + m.sizes[face] - 1 - np.arange(len(m.corners))
        topo = (tris, rev)
        if key is not None:
            _ORIENT_TOPO[key] = topo
    tris, rev = topo
    a, b, c = m.verts[tris[:, 0]], m.verts[tris[:, 1]], m.verts[tris[:, 2]]
    if float(np.einsum("ij,ij->i", a, _cross(b, c)).sum() / 6.0) >= 0:     # ``signed_volume``
        return m
    return Mesh(m.verts, m.corners[rev], m.sizes, m.uvs[rev], m.mat, m.smooth)


_ORIENT_TOPO: dict = {}


# --------------------------------------------------------------------- rotations
def rot_z(a: float):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def rot_x(a: float):
    c, s = np.cos(a), np.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rot_y(a: float):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rot_align_z(d):
    """Proper rotation taking +Z onto unit direction ``d``."""
    d = np.asarray(d, np.float64)
    d = d / norm3(d)
    z = np.array([0.0, 0.0, 1.0])
    d0, d1, d2 = d.tolist()
    v = np.array([0.0 * d2 - 1.0 * d1, 1.0 * d0 - 0.0 * d2, 0.0 * d1 - 0.0 * d0])   # np.cross(z, d), its very ops
    c = float(d @ z)
    if norm3(v) < 1e-12:
        return np.eye(3) if c > 0 else np.diag([1.0, -1.0, -1.0])
    vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + vx + vx @ vx * (1.0 / (1.0 + c))


# --------------------------------------------------------------------- primitives
_BOX_FACES = np.array([[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]])
_BOX_UV_AXES = np.array([[0, 1], [0, 1], [0, 2], [0, 2], [1, 2], [1, 2]])


def box(lo, hi, mat: int = 0) -> Mesh:
    """Axis-aligned closed box from corner ``lo`` to ``hi``; UVs are metric planar projections per face."""
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    idx = np.arange(8)
    bits = np.stack([(idx >> 0) & 1, (idx >> 1) & 1, (idx >> 2) & 1], axis=1)
    verts = lo + bits * (hi - lo)
    corners = _BOX_FACES.ravel()
    uvs = np.concatenate([verts[f][:, ax] for f, ax in zip(_BOX_FACES, _BOX_UV_AXES)])
    return _orient(Mesh(verts, corners, np.full(6, 4), uvs, mat, False), "box")


def box_c(cx, cy, z0, sx, sy, sz, mat: int = 0) -> Mesh:
    """Box centred on (cx, cy) in XY, resting on z0."""
    return box((cx - sx / 2, cy - sy / 2, z0), (cx + sx / 2, cy + sy / 2, z0 + sz), mat)


_LATHE_TOPO: dict = {}


def _cross(b, c):
    """``np.cross`` of (N, 3) arrays without its axis juggling: the same products and differences, the same bits."""
    return np.stack([b[:, 1] * c[:, 2] - b[:, 2] * c[:, 1], b[:, 2] * c[:, 0] - b[:, 0] * c[:, 2],
                     b[:, 0] * c[:, 1] - b[:, 1] * c[:, 0]], axis=1)


def _lathe_topology(single, n: int, loop: bool):
    """Everything about a lathe that depends only on which profile points sit on the axis (``single``), the
    segment count and ``loop``: which ring vertices exist, the face corners and sizes, each corner's u and profile
    row (for v), the fan triangles (for the signed volume) and the corner order that flips the winding. Built once
    per shape; callers must not mutate."""
    key = (single.tobytes(), n, loop)
    if key in _LATHE_TOPO:
        return _LATHE_TOPO[key]
    P = len(single)
    count = np.where(single, 1, n)
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    vid = np.where(single[:, None], first[:, None], first[:, None] + np.arange(n)[None, :])
    keep_v = np.arange(n)[None, :] < count[:, None]
    rows = P if loop else P - 1
    i = np.arange(rows)[:, None, None]
    i2 = (i + 1) % P
    j = np.arange(n)[None, :, None]
    a_idx = np.broadcast_to(np.concatenate([i, i, i2, i2], axis=2), (rows, n, 4))
    b_idx = np.broadcast_to(np.concatenate([j, j + 1, j + 1, j], axis=2), (rows, n, 4))
    ids = vid[a_idx, b_idx % n]
    vrow = np.broadcast_to(np.concatenate([i, i, i + 1, i + 1], axis=2), (rows, n, 4))
    dup = np.zeros(ids.shape, bool)                             # corners repeated where a quad meets the axis
    dup[..., 1:] = ids[..., 1:] == ids[..., :-1]
    dup[..., 3] |= ids[..., 3] == ids[..., 0]
    keep = ~dup
    corners, sizes = ids[keep], keep.sum(axis=-1).ravel()
    skel = Mesh(np.zeros((int(count.sum()), 3)), corners, sizes, np.zeros((len(corners), 2)))
    tris = fan_triangles(skel)
    starts = face_starts(skel)
    face = np.repeat(np.arange(len(sizes)), sizes)
    rev = 2 * starts[face] + sizes[face] - 1 - np.arange(len(corners))
    vr, vc = np.nonzero(keep_v)                                 # each kept vertex's profile row and ring column
    out = (vr, vc, single[vr], skel.corners, skel.sizes, (b_idx / n)[keep], vrow[keep], tris, rev)
    _LATHE_TOPO[key] = out
    return out


class LatheShape:
    """One lathe topology (``_lathe_topology``) in the form its writer reads, per winding (outward as made, or
    flipped): cached per (on-axis flags, segments, loop) by ``lathe_shape``; callers must not mutate."""
    __slots__ = ("single", "loop", "nv", "nc", "nf", "vr", "vsingle", "cos", "sin", "sizes", "tris", "corners", "u",
                 "vrow")

    def __init__(self, single: tuple, n: int, loop: bool):
        self.single, self.loop = np.array(single, bool), loop
        vr, vc, vsingle, corners, sizes, u, vrow, tris, rev = _lathe_topology(self.single, n, loop)
        cos, sin = _ring_angles(n)
        self.nv, self.nc, self.nf = len(vr), len(corners), len(sizes)
        self.vr, self.vsingle, self.cos, self.sin = vr, vsingle, cos[vc], sin[vc]
        self.sizes, self.tris = sizes, tris
        self.corners, self.u, self.vrow = (corners, corners[rev]), (u, u[rev]), (vrow, vrow[rev])


_LATHE_SHAPE: dict = {}


def lathe_shape(single: tuple, n: int, loop: bool) -> LatheShape:
    """The cached ``LatheShape`` of a profile whose points on the axis are ``single`` (a tuple of bools; always
    all False for a ``loop``), revolved in ``n`` segments."""
    key = (single, n, loop)
    hit = _LATHE_SHAPE.get(key)
    if hit is None:
        hit = _LATHE_SHAPE[key] = LatheShape(single, n, loop)
    return hit


def lathe_into(p, sh: LatheShape, turn, verts, corners, offset: int, uvs) -> None:
    """Write the lathe of profile ``p`` (Float[P, 2], float64) of shape ``sh`` into the given arrays (views of a
    merged mesh's, or a lone part's): ``verts`` Float[sh.nv, 3], ``corners`` Int[sh.nc] (each vertex index plus
    ``offset``), ``uvs`` Float[sh.nc, 2]. ``turn``: None, or (rotation applied on the right, offset) for a rod
    turned onto its axis. The one implementation of the lathe's arithmetic (``lathe``, ``rod``,
    ``assembly.Assembly``)."""
    # 1. the vertices in order (profile row, then angle), as np.outer of radii and cos / sin gives them; an axis
    #    point is (0, 0, z)
    r = p[sh.vr, 0]
    np.multiply(r, sh.cos, out=verts[:, 0])
    np.multiply(r, sh.sin, out=verts[:, 1])
    verts[sh.vsingle, :2] = 0.0
    verts[:, 2] = p[sh.vr, 1]
    # 2. the winding: from the profile, or by the fan triangles' signed volume (``_orient``) when too close to call
    outward = _lathe_outward(p, sh.single, sh.loop)
    if outward is None:
        a, b, c = verts[sh.tris[:, 0]], verts[sh.tris[:, 1]], verts[sh.tris[:, 2]]
        outward = float(np.einsum("ij,ij->i", a, _cross(b, c)).sum() / 6.0) >= 0
    f = 0 if outward else 1
    if turn is not None:
        verts[:] = verts @ turn[0] + turn[1]
    # 3. each row's UV v: its distance along the profile, summed in order (as np.cumsum sums)
    pts = np.vstack([p, p[:1]]) if sh.loop else p
    vcoord = np.zeros(len(pts))
    np.cumsum(np.linalg.norm(pts[1:] - pts[:-1], axis=1), out=vcoord[1:])
    np.add(sh.corners[f], offset, out=corners)
    uvs[:, 0] = sh.u[f]
    np.take(vcoord, sh.vrow[f], out=uvs[:, 1], mode="clip")


def lathe_spec(profile, segments: int, loop: bool):
    """(profile Float[P, 2], its ``LatheShape``) for ``lathe``'s arguments; raises ValueError for an open profile
    that does not start and end on the axis."""
    p = np.asarray(profile, np.float64)
    on_axis = p[:, 0] <= 1e-12
    if not loop and not (on_axis[0] and on_axis[-1]):
        raise ValueError("open lathe profile must start and end on the axis")
    single = tuple((on_axis & (not loop)).tolist())           # an axis point is one vertex, not a ring
    return p, lathe_shape(single, _seg(segments, 6), bool(loop))


def _lathe_mesh(p, sh: LatheShape, mat, smooth, turn=None) -> Mesh:
    verts, corners, uvs = np.empty((sh.nv, 3)), np.empty(sh.nc, np.int64), np.empty((sh.nc, 2))
    lathe_into(p, sh, turn, verts, corners, 0, uvs)
    return Mesh.raw(verts, corners, sh.sizes.copy(), uvs, np.full(sh.nf, mat, np.int64),
                    np.full(sh.nf, bool(smooth)))


def lathe(profile, segments: int = 24, mat: int = 0, loop: bool = False, smooth: bool = True) -> Mesh:
    """Revolve a 2D profile [(r, z), ...] about Z.

    An open profile must start and end on the axis (r == 0) so the result is closed; a ``loop`` profile is a
    closed polygon with r > 0 everywhere (a ring such as a lamp shade or a tyre). The topology is built once per
    shape (``_lathe_topology``); the result is the same, byte for byte, as building it afresh."""
    p, sh = lathe_spec(profile, segments, loop)
    return _lathe_mesh(p, sh, mat, smooth)


_RING: dict = {}


def _ring_angles(n: int):
    """(cos, sin) of a lathe's ``n`` ring angles; cached, callers must not mutate."""
    hit = _RING.get(n)
    if hit is None:
        theta = np.linspace(0.0, 2 * np.pi, n + 1)[:-1]
        hit = _RING[n] = (np.cos(theta), np.sin(theta))
    return hit


def _lathe_outward(p, single, loop):
    """Whether a lathe of profile ``p`` has a positive signed volume, from the profile alone, or None when that is
    too close to call. Revolving a profile edge (r1, z1) -> (r2, z2) through one ring step of angle a adds
    sin(a) (r1 + r2) (r1 z2 - r2 z1) / 6 to the fan triangles' signed volume (their quad's two fans against the
    origin on the axis; an axis point has r = 0), the same for every step: so the volume's sign is the sign of the
    sum over edges of (r1 + r2) (r1 z2 - r2 z1). Trusted only when that sum is far from zero next to the sizes
    of its terms (1e-6), so the float sum over the triangles cannot round to the other sign."""
    r = [0.0 if a else x for a, x in zip(single.tolist(), p[:, 0].tolist())]   # a few points: plain floats
    z = p[:, 1].tolist()
    k = len(r) if loop else len(r) - 1
    q = size = 0.0
    for i in range(k):
        r1, z1, r2, z2 = r[i], z[i], r[(i + 1) % len(r)], z[(i + 1) % len(r)]
        q += (r1 + r2) * (r1 * z2 - r2 * z1)
        size += (abs(r1) + abs(r2)) * (abs(r1 * z2) + abs(r2 * z1))
    if abs(q) <= 1e-6 * size:
        return None
    return q > 0


def cylinder(r: float, h: float, z0: float = 0.0, segments: int = 16, mat: int = 0, r_top=None) -> Mesh:
    rt = r if r_top is None else r_top
    m = lathe([(0.0, z0), (r, z0), (rt, z0 + h), (0.0, z0 + h)], segments, mat)
    m.smooth[:] = False
    return m


def rod(p0, p1, r: float, segments: int = 10, mat: int = 0, r1=None) -> Mesh:
    """Closed (tapered) cylinder from point p0 to point p1."""
    p, sh, turn = rod_spec(p0, p1, r, segments, r1)
    return _lathe_mesh(p, sh, mat, True, turn)


def rod_spec(p0, p1, r: float, segments: int, r1=None):
    """``lathe_spec`` of a rod's profile (along +Z, ``|p1 - p0|`` long) and its turn onto p0 -> p1."""
    p0, p1 = np.asarray(p0, np.float64), np.asarray(p1, np.float64)
    d = p1 - p0
    h = norm3(d)
    p, sh = lathe_spec([(0.0, 0.0), (r, 0.0), (r if r1 is None else r1, h), (0.0, h)], segments, False)
    return p, sh, (rot_align_z(d).T, p0)


def _icosahedron():
    t = (1.0 + 5 ** 0.5) / 2.0
    v = np.array([[-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t], [0, -1, -t], [0, 1, -t],
                  [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1]], np.float64)
    f = np.array([[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4], [11, 10, 2],
                  [10, 7, 6], [7, 1, 8], [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8], [3, 8, 9], [4, 9, 5],
                  [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1]])
    return v / np.linalg.norm(v, axis=1, keepdims=True), f


_ICO_CACHE: dict = {}


def unit_icosphere(subdiv: int):
    """(verts, faces) of a unit icosphere; cached, callers must not mutate."""
    if subdiv in _ICO_CACHE:
        return _ICO_CACHE[subdiv]
    v, f = _icosahedron()
    verts = [tuple(x) for x in v]
    for _ in range(subdiv):
        mid: dict = {}
        nf = []

        def midpoint(a, b):
            key = (a, b) if a < b else (b, a)
            if key not in mid:
                p = (np.asarray(verts[a]) + np.asarray(verts[b])) / 2
                verts.append(tuple(p / np.linalg.norm(p)))
                mid[key] = len(verts) - 1
            return mid[key]

        for a, b, c in f:
            ab, bc, ca = midpoint(a, b), midpoint(b, c), midpoint(c, a)
            nf += [[a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]]
        f = np.array(nf)
    out = (np.array(verts, np.float64), np.asarray(f, np.int64))
    _ICO_CACHE[subdiv] = out
    return out


def blob(rng, radii, subdiv: int = 2, rough: float = 0.15, octaves: int = 6, mat: int = 0,
         flat_bottom: float | None = None) -> Mesh:
    """Icosphere scaled to ``radii`` and displaced radially by seeded smooth noise (a sum of random plane waves).
    ``flat_bottom`` (fraction of the z radius, e.g. -0.4) clamps the underside flat, like a rock resting on ground.
    Origin stays at the blob's centre; callers move it."""
    subdiv = blob_subdiv(subdiv)
    unit, faces = unit_icosphere(subdiv)
    disp = np.zeros(len(unit))
    for k in range(octaves):
        d = rng.normal(size=3)
        d /= norm3(d)
        freq = 1.5 * (1.7 ** k)
        disp += (rough / (1.6 ** k)) * np.sin(freq * (unit @ d) + rng.uniform(0, 2 * np.pi))
    v = unit * np.clip(1.0 + disp, 0.35, None)[:, None] * np.asarray(radii, np.float64)
    if flat_bottom is not None:
        fb = flat_bottom * radii[2]  # squash (not clamp: clamping folds triangles onto one plane) below fb
        v[:, 2] = np.where(v[:, 2] < fb, fb + (v[:, 2] - fb) * 0.04, v[:, 2])
    return _orient(Mesh(v, faces.ravel(), np.full(len(faces), 3), sphere_uvs(unit, faces), mat, True), ("blob", subdiv))


def ellipsoid(radii, subdiv: int = 2, mat: int = 0, offset=None) -> Mesh:
    """``blob`` with no noise (``rough`` 0: every displacement is +0.0, so its generator's draws change nothing),
    moved by ``offset`` as ``Mesh.transformed`` moves it: the same bytes without the noise's arithmetic or a
    generator (a lamp's bulb)."""
    subdiv = blob_subdiv(subdiv)
    unit, faces = unit_icosphere(subdiv)
    hit = _SPHERE_UVS.get(subdiv)
    if hit is None:
        hit = _SPHERE_UVS[subdiv] = sphere_uvs(unit, faces)
    m = _orient(Mesh.raw(unit * np.asarray(radii, np.float64), faces.ravel(), np.full(len(faces), 3, np.int64),
                         hit.copy(), np.full(len(faces), mat, np.int64), np.full(len(faces), True)), ("blob", subdiv))
    if offset is not None:
        m.verts = m.verts + np.asarray(offset, np.float64)
    return m


_SPHERE_UVS: dict = {}   # subdivision -> ``sphere_uvs`` of its unit icosphere (``ellipsoid`` copies them)


def blob_subdiv(subdiv: int) -> int:
    """The icosphere subdivision a blob asked for ``subdiv`` gets at this thread's detail level."""
    lvl = detail_level()
    return max(0, min(5, subdiv + (1 if lvl >= 3 else 0) + (1 if lvl >= 12 else 0) - (1 if lvl < 0.5 else 0)))


def sphere_uvs(unit, faces):
    """Float["3F 2"]: per-corner spherical UVs of a unit sphere's ``unit`` vertices, the seam fixed per face."""
    u = 0.5 + np.arctan2(unit[:, 1], unit[:, 0]) / (2 * np.pi)
    w = 0.5 + np.arcsin(np.clip(unit[:, 2], -1, 1)) / np.pi
    fu = u[faces]
    span = fu.max(axis=1) - fu.min(axis=1)
    fu = np.where((span[:, None] > 0.5) & (fu < 0.5), fu + 1.0, fu)
    return np.stack([fu.ravel(), w[faces].ravel()], axis=1)


def leaf_cards(rng, core: Mesh, count: int, length, mat: int = 0, lift: float = 0.3,
               min_z: float | None = None, weight=None) -> Mesh:
    """``count`` (times the detail level) leaves scattered by area over ``core``'s surface, each growing out of
    it tilted at random about the surface normal, ``length`` long (+-30 %). A leaf is a thin closed diamond (its
    outline of stalk, two edges and tip around a midrib raised on both faces: 8 triangles), so the asset stays a
    set of closed shells. Leaves reaching below ``min_z`` are left out. What turns a foliage blob into a leafy
    crown. ``length`` may instead be Float["T"], per fan triangle of ``core`` (the leaves growing from it), and
    ``weight`` (Float["T"]) scales each triangle's share of the leaves beyond its area: one call can leaf many
    clumps of different densities and leaf sizes."""
    n = _seg(count, 8)
    tris = fan_triangles(core)
    a, b, c = core.verts[tris[:, 0]], core.verts[tris[:, 1]], core.verts[tris[:, 2]]
    cross = np.cross(b - a, c - a)
    area = 0.5 * np.linalg.norm(cross, axis=1)
    share = area if weight is None else area * weight
    idx = rng.choice(len(tris), size=n, p=share / share.sum())
    u, v = rng.random(n), rng.random(n)
    flip = u + v > 1
    u[flip], v[flip] = 1 - u[flip], 1 - v[flip]
    base = a[idx] + u[:, None] * (b[idx] - a[idx]) + v[:, None] * (c[idx] - a[idx])
    normal = cross[idx] / np.maximum(np.linalg.norm(cross[idx], axis=1, keepdims=True), 1e-12)
    # leaf axis: the normal tilted by a random direction, then a side vector across the blade
    rnd = rng.normal(size=(n, 3))
    axis = normal * lift + rnd / np.linalg.norm(rnd, axis=1, keepdims=True)
    axis /= np.maximum(np.linalg.norm(axis, axis=1, keepdims=True), 1e-12)
    side = np.cross(axis, normal + 1e-3 * rnd)
    side /= np.maximum(np.linalg.norm(side, axis=1, keepdims=True), 1e-12)
    up = np.cross(side, axis)
    if np.ndim(length):
        length = np.asarray(length, np.float64)[idx][:, None]
    size = length * rng.uniform(0.7, 1.3, n)[:, None]
    base = base - axis * size * 0.15                       # the stalk end sits a little inside the core
    mid = base + axis * size * 0.45
    bend = up * size * rng.uniform(0.0, 0.12, n)[:, None]  # edges and tip curl a little to one side
    ring = np.stack([base, mid - side * size * 0.22 + bend, base + axis * size + bend * 1.5,
                     mid + side * size * 0.22 + bend], axis=1)             # stalk, right, tip, left
    rib = up * size * 0.03
    verts = np.concatenate([ring, (mid + bend * 0.6 + rib)[:, None], (mid + bend * 0.6 - rib)[:, None]], axis=1)
    if min_z is not None:
        verts = verts[verts[:, :, 2].min(axis=1) >= min_z]
        n = len(verts)
    k = np.arange(n)[:, None] * 6
    top = [[4, i, (i + 1) % 4] for i in range(4)]
    bottom = [[5, (i + 1) % 4, i] for i in range(4)]
    faces = (k[:, None, :] + np.array(top + bottom)[None]).reshape(-1)
    flat = np.array([[0.5, 0.0], [0.0, 0.45], [0.5, 1.0], [1.0, 0.45], [0.5, 0.45], [0.5, 0.45]])
    uv = np.tile(flat[np.array(top + bottom).reshape(-1)], (n, 1))
    verts = verts.reshape(-1, 3)
    tris = faces.reshape(-1, 3)                            # ``signed_volume`` and ``_orient``: all triangles
    a, b, c = verts[tris[:, 0]], verts[tris[:, 1]], verts[tris[:, 2]]
    if float(np.einsum("ij,ij->i", a, _cross(b, c)).sum() / 6.0) < 0:
        faces, uv = tris[:, ::-1].ravel(), uv.reshape(-1, 3, 2)[:, ::-1].reshape(-1, 2)
    return Mesh(verts, faces, np.full(8 * n, 3), uv, mat, True)


_TUBE_TOPO: dict = {}


def _tube_topology(P: int, S: int):
    """A tube's corners, sizes, UVs, fan triangles and winding flip for ``P`` path points and ``S`` sides: they
    depend on nothing else. Built once per shape; callers must not mutate."""
    key = (P, S)
    if key in _TUBE_TOPO:
        return _TUBE_TOPO[key]
    theta = np.linspace(0, 2 * np.pi, S + 1)[:-1]
    c0, c1 = P * S, P * S + 1
    i = np.arange(P - 1)[:, None]
    j = np.arange(S)[None, :]
    j2 = (j + 1) % S
    quads = np.stack([i * S + j, i * S + j2, (i + 1) * S + j2, (i + 1) * S + j], axis=-1).reshape(-1, 4)
    fi, fj = np.broadcast_to(i, (P - 1, S)).ravel().astype(np.float64), np.broadcast_to(j, (P - 1, S)).ravel()
    quv = np.stack([np.stack([fj / S, fi], 1), np.stack([(fj + 1) / S, fi], 1), np.stack([(fj + 1) / S, fi + 1], 1),
                    np.stack([fj / S, fi + 1], 1)], axis=1).reshape(-1, 2)
    jj = np.arange(S)
    jn = (jj + 1) % S
    caps = np.stack([np.full(S, c0), jn, jj, np.full(S, c1), (P - 1) * S + jj, (P - 1) * S + jn], axis=1).reshape(-1, 3)
    tri_uv = np.stack([np.tile([0.5, 0.5], (S, 1)), np.stack([0.5 + 0.5 * np.cos(theta[jn]), 0.5 + 0.5 * np.sin(theta[jn])], 1),
                       np.stack([0.5 + 0.5 * np.cos(theta[jj]), 0.5 + 0.5 * np.sin(theta[jj])], 1)], axis=1)
    cuv = np.concatenate([tri_uv, tri_uv], axis=1).reshape(-1, 2)
    corners = np.concatenate([quads.ravel(), caps.ravel()])
    sizes = np.concatenate([np.full(len(quads), 4), np.full(2 * S, 3)])
    uvs = np.concatenate([quv, cuv])
    skel = Mesh(np.zeros((P * S + 2, 3)), corners, sizes, uvs)
    tris = fan_triangles(skel)
    starts = face_starts(skel)
    face = np.repeat(np.arange(len(sizes)), sizes)
    rev = 2 * starts[face] + sizes[face] - 1 - np.arange(len(corners))
    out = (np.cos(theta)[:, None], np.sin(theta)[:, None], skel.corners, skel.sizes, skel.uvs, tris, rev)
    _TUBE_TOPO[key] = out
    return out


def tube(path, radii, segments: int = 8, mat: int = 0) -> Mesh:
    """Closed tube swept along a polyline ``path`` (P x 3) with per-point ``radii``, capped by fans at both ends.
    The topology is built once per shape (``_tube_topology``); the result is the same, byte for byte, as building
    it afresh (each ring's frame by parallel transport, point by point; the rings from the frames at once)."""
    path = np.asarray(path, np.float64)
    segments = _seg(segments, 3)
    radii = np.broadcast_to(np.asarray(radii, np.float64), (len(path),))
    P, S = len(path), segments
    cos, sin, corners, sizes, uvs, tris, rev = _tube_topology(P, S)
    tang = np.gradient(path, axis=0)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    ref = np.array([0.0, 0.0, 1.0]) if abs(tang[0][2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    n_prev = np.cross(tang[0], ref)
    n_prev /= norm3(n_prev)
    normals = np.empty((P, 3))
    for k, t in enumerate(tang):
        n = n_prev - t * (n_prev @ t)  # parallel transport of the ring frame
        n /= norm3(n)
        normals[k] = n
        n_prev = n
    binormals = _cross(tang, normals)  # t x n
    rings = path[:, None, :] + radii[:, None, None] * (cos[None] * normals[:, None, :] + sin[None] * binormals[:, None, :])
    verts = np.concatenate([rings.reshape(-1, 3), path[:1], path[-1:]])
    nf = len(sizes)
    a, b, c = verts[tris[:, 0]], verts[tris[:, 1]], verts[tris[:, 2]]
    if float(np.einsum("ij,ij->i", a, _cross(b, c)).sum() / 6.0) >= 0:      # ``_orient``, its triangles cached
        return Mesh.raw(verts, corners.copy(), sizes.copy(), uvs.copy(), np.full(nf, mat, np.int64), np.full(nf, True))
    return Mesh.raw(verts, corners[rev], sizes.copy(), uvs[rev], np.full(nf, mat, np.int64), np.full(nf, True))


def grid_heightfield(heights, size_x: float, size_y: float, base: float, mat: int = 0, closed: bool = True) -> Mesh:
    """Closed terrain slab: a heightfield top (heights: Float[ndarray, "NY NX"]) centred on the origin,
    vertical skirts and a flat bottom at z = ``base``; with ``closed`` False the top alone (facing up)."""
    ny, nx = heights.shape
    xs = np.linspace(-size_x / 2, size_x / 2, nx)
    ys = np.linspace(-size_y / 2, size_y / 2, ny)
    X, Y = np.meshgrid(xs, ys)
    top = np.stack([X.ravel(), Y.ravel(), heights.ravel()], axis=1)
    bottom = np.stack([X.ravel(), Y.ravel(), np.full(nx * ny, base)], axis=1)
    verts = np.concatenate([top, bottom])
    off = nx * ny
    jj, ii = np.meshgrid(np.arange(nx - 1), np.arange(ny - 1))
    a = (ii * nx + jj).ravel()
    quads = np.stack([a, a + 1, a + nx + 1, a + nx], axis=1)
    if not closed:
        return Mesh(verts[:off], quads.ravel(), np.full(len(quads), 4), top[quads.ravel()][:, :2] / 4.0, mat, True)
    border = np.concatenate([np.arange(nx), (np.arange(1, ny) * nx + nx - 1), (ny - 1) * nx + np.arange(nx - 2, -1, -1),
                             np.arange(ny - 2, 0, -1) * nx])
    nb = len(border)
    skirt = np.stack([border, border + off, np.roll(border, -1) + off, np.roll(border, -1)], axis=1)
    inner = (np.arange(ny - 1)[:, None] * nx + np.arange(nx - 1)[None, :]).ravel()
    bottom_q = np.stack([inner + off, inner + off + nx, inner + off + nx + 1, inner + off + 1], axis=1)
    faces = np.concatenate([quads, skirt, bottom_q])
    uvs = verts[faces.ravel()][:, :2] / 4.0
    m = Mesh(verts, faces.ravel(), np.full(len(faces), 4), uvs, mat, False)
    m.smooth[:len(quads)] = True
    del nb
    return _orient(m)


# --------------------------------------------------------------------- seeds
def stable_key(*parts) -> int:
    """Process-independent 32-bit key from strings/ints (never Python's hash())."""
    return zlib.crc32("/".join(str(p) for p in parts).encode("utf-8"))


def rng_for(seed: int, *parts) -> np.random.Generator:
    """An independent generator for one sub-part of one seeded asset."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), stable_key(*parts)])))


# --------------------------------------------------------------------- bevelled and soft boxes
def _bevel_coords(half: float, r: float, k: int):
    """Coordinates along one axis of a box of half-extent ``half`` bevelled by ``r`` in ``k`` steps:
    [-half .. -(half - r)] then [(half - r) .. half], denser where the bevel turns."""
    if r <= 1e-9 or k < 1:
        return np.array([-half, half])
    r = min(r, half * 0.999)
    u = np.linspace(1.0, 0.0, k + 1)
    side = -(half - r) - r * u
    return np.concatenate([side, -side[::-1]])


def rbox(lo, hi, r: float = 0.004, k: int = 2, mat: int = 0, bulge: float = 0.0, smooth: bool = True) -> Mesh:
    """Closed box from ``lo`` to ``hi`` with every edge and corner rounded by radius ``r`` in ``k`` segments.
    UV u runs along the longer edge of each side (wood grain follows the board).

    ``bulge`` (m) pushes the top and the sides outwards in the middle, like a stuffed cushion; the base stays flat
    so the box still rests on z = lo.z. UVs are metric planar projections per side. ``r = 0`` gives ``box``."""
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    if r <= 1e-9 and bulge == 0.0:
        return box(lo, hi, mat)
    half = (hi - lo) / 2
    centre = (hi + lo) / 2
    r = float(min(r, half.min() * 0.8))
    k = _seg(k, 1)
    coords = [_bevel_coords(h, r, k) for h in half]
    grid, faces, side_axis = _rbox_topology(k)
    q = np.stack([coords[ax][grid[:, ax]] for ax in range(3)], axis=1)
    inner = half - r
    core = np.clip(q, -inner, inner)
    d = q - core
    n = np.linalg.norm(d, axis=1, keepdims=True)
    p = core + np.where(n > 1e-12, d / np.maximum(n, 1e-12) * r, d)
    if bulge:
        t = np.clip(np.abs(p) / np.maximum(half, 1e-9), 0, 1)
        w = (1 - t[:, 0] ** 2) * (1 - t[:, 1] ** 2)
        zt = (p[:, 2] + half[2]) / (2 * half[2])  # 0 at the base, 1 at the top
        p[:, 2] += bulge * w * zt
        side = (1 - t[:, 2] ** 2) * np.clip(zt * 2, 0, 1)
        p[:, 0] += bulge * 0.5 * side * (1 - t[:, 1] ** 2) * np.sign(p[:, 0]) * t[:, 0]
        p[:, 1] += bulge * 0.5 * side * (1 - t[:, 0] ** 2) * np.sign(p[:, 1]) * t[:, 1]
    verts = p + centre
    # UV axes per side: the two in-plane axes, the longer one first (u along the board)
    others = np.array([[1, 2], [0, 2], [0, 1]])[side_axis]
    swap = half[others[:, 1]] > half[others[:, 0]]
    uv_ax = np.where(swap[:, None], others[:, ::-1], others)
    cv = verts[faces]  # (F, 4, 3)
    corner_uv = np.stack([np.take_along_axis(cv, uv_ax[:, None, 0:1].repeat(4, 1), 2)[..., 0],
                          np.take_along_axis(cv, uv_ax[:, None, 1:2].repeat(4, 1), 2)[..., 0]], axis=-1).reshape(-1, 2)
    return _orient(Mesh(verts, faces.ravel(), np.full(len(faces), 4), corner_uv, mat, smooth), ("rbox", k))


_RBOX_TOPO: dict = {}


def _rbox_topology(k: int):
    """(grid Int["V 3"] coordinate indices per welded vertex, faces Int["F 4"], side axis Int["F"]) of a box whose
    sides are (2k+2) x (2k+2) grids, built once per ``k``; callers must not mutate."""
    if k in _RBOX_TOPO:
        return _RBOX_TOPO[k]
    m = 2 * (k + 1)
    verts, quads, axis = [], [], []
    for a in range(3):
        b, c = [x for x in range(3) if x != a]
        for s in (0, m - 1):
            B, C = np.meshgrid(np.arange(m), np.arange(m), indexing="ij")
            q = np.zeros(B.shape + (3,), np.int64)
            q[..., a], q[..., b], q[..., c] = s, B, C
            base = sum(len(v) for v in verts)
            ii, jj = np.meshgrid(np.arange(m - 1), np.arange(m - 1), indexing="ij")
            i0 = (ii * m + jj).ravel()
            f = np.stack([i0, i0 + m, i0 + m + 1, i0 + 1], axis=1)  # (b+1) then (c+1): normal +a if (a, b, c) is right-handed
            if (s > 0) != ((b - a) % 3 == 1):
                f = f[:, ::-1]
            verts.append(q.reshape(-1, 3))
            quads.append(f + base)
            axis += [a] * len(f)
    q = np.concatenate(verts)
    uniq, inv = np.unique(q, axis=0, return_inverse=True)  # weld the shared edges of the six sides
    out = (uniq, inv.ravel()[np.concatenate(quads)], np.asarray(axis))
    _RBOX_TOPO[k] = out
    return out


def rbox_c(cx, cy, z0, sx, sy, sz, r: float = 0.004, k: int = 2, mat: int = 0, bulge: float = 0.0) -> Mesh:
    """``rbox`` centred on (cx, cy) in XY, resting on z0."""
    return rbox((cx - sx / 2, cy - sy / 2, z0), (cx + sx / 2, cy + sy / 2, z0 + sz), r, k, mat, bulge)


# --------------------------------------------------------------------- lofts
def _planar_uvs(pts):
    """Float["F C 2"]: metric planar UVs of faces ``pts`` (Float["F C 3"]), the axis each face's normal leans on
    most dropped (the remaining two in x, y, z order)."""
    nrm = _cross(pts[:, 1] - pts[:, 0], pts[:, -1] - pts[:, 0])
    drop = np.argmax(np.abs(nrm), axis=1)
    keep = np.array([[1, 2], [0, 2], [0, 1]])[drop]
    return np.take_along_axis(pts, keep[:, None, :].repeat(pts.shape[1], 1), axis=2)


def loft(rings, mat: int = 0, smooth: bool = True) -> Mesh:
    """Closed solid through ``rings`` (Float["N K 3"]: N cross-sections, each a planar convex loop of K points in
    the same order), side quads between consecutive rings, flat K-gon caps at both ends. UVs are metric planar
    projections per face (the axis the face's normal leans on most dropped), so a texture's u runs along x on
    faces that face y or z. A rounded spine, a page block with a concave fore-edge, a band wrapped on a curve."""
    rings = np.asarray(rings, np.float64)
    n, k = rings.shape[:2]
    idx = np.arange(n * k).reshape(n, k)
    j2 = np.roll(np.arange(k), -1)
    quads = np.stack([idx[:-1], idx[:-1][:, j2], idx[1:][:, j2], idx[1:]], axis=-1).reshape(-1, 4)
    caps = [idx[0, ::-1], idx[-1]]
    verts = rings.reshape(-1, 3)
    corners = np.concatenate([quads.ravel()] + caps)
    sizes = np.concatenate([np.full(len(quads), 4), [k, k]])
    uvs = np.concatenate([_planar_uvs(verts[quads]).reshape(-1, 2)] + [_planar_uvs(verts[c][None])[0] for c in caps])
    m = Mesh(verts, corners, sizes, uvs, mat, smooth)
    m.smooth[-2:] = False
    return _orient(m, ("loft", n, k))


def boxes(lo, hi, mat: int = 0) -> Mesh:
    """Many axis-aligned closed boxes at once (Float["B 3"] corners ``lo`` to ``hi``): the same shells as ``box``
    gives one by one, built in one go (embossed letters, slats)."""
    lo, hi = np.asarray(lo, np.float64).reshape(-1, 3), np.asarray(hi, np.float64).reshape(-1, 3)
    one = box((0, 0, 0), (1, 1, 1))
    verts = (lo[:, None, :] + one.verts[None] * (hi - lo)[:, None, :]).reshape(-1, 3)
    corners = (one.corners[None] + 8 * np.arange(len(lo))[:, None]).ravel()
    face_pts = verts[corners].reshape(-1, 4, 3)
    ax = np.tile(_BOX_UV_AXES, (len(lo), 1))
    uvs = np.take_along_axis(face_pts, ax[:, None, :].repeat(4, 1), axis=2).reshape(-1, 2)
    return Mesh(verts, corners, np.full(6 * len(lo), 4), uvs, mat, False)


def squash_above(m: Mesh, z0: float, h: float) -> None:
    """Scale ``m``'s vertices above ``z0`` down (in place) so its top is at most ``h``: a plant kept within the
    height it was asked for, its pot and soil untouched."""
    top = m.verts[:, 2].max()
    if top > h:
        z = m.verts[:, 2]
        m.verts[:, 2] = np.where(z > z0, z0 + (z - z0) * (h - z0) / (top - z0), z)
