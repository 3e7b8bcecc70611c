"""An assembly of mesh parts merged in order, its lathed parts built together (bpy-free).

A lamp is ~17 turned parts (lathes, and rods, which are lathes turned onto an axis), each a few dozen vertices:
built one by one, each costs ~30 numpy calls whose overhead outweighs the arithmetic. ``Assembly`` takes the same
calls (``lathe``, ``rod``) and ready meshes (``add``) in order and makes them, at ``merge``, in a few numpy calls
over all its lathed parts at once. The result is the same, byte for byte, as ``geometry.merge`` of the parts made
one by one with ``geometry.lathe`` / ``geometry.rod`` (``tests/test_procgen_same_bytes.py``): every vertex, UV and
winding comes from the same floating-point operations on the same numbers, only batched.
"""
from __future__ import annotations

import numpy as np

from .geometry import Mesh, _lathe_outward, _lathe_topology, _ring_angles, _seg, rot_align_z

_TOPO: dict = {}  # (on-axis flags, segments, loop) -> _Shape


class _Shape:
    """One lathe topology's arrays, per winding (outward as made, or flipped): callers must not mutate."""
    __slots__ = ("nv", "vr", "vsingle", "cos", "sin", "sizes", "tris", "corners", "u", "vrow")

    def __init__(self, single, n, loop):
        vr, vc, vsingle, corners, sizes, u, vrow, tris, rev = _lathe_topology(np.array(single, bool), n, loop)
        cos, sin = _ring_angles(n)
        self.nv, self.vr, self.vsingle, self.cos, self.sin = len(vr), vr, vsingle, cos[vc], sin[vc]
        self.sizes, self.tris = sizes, tris
        self.corners, self.u, self.vrow = (corners, corners[rev]), (u, u[rev]), (vrow, vrow[rev])


def _shape(single: tuple, n: int, loop: bool) -> _Shape:
    key = (single, n, loop)
    hit = _TOPO.get(key)
    if hit is None:
        hit = _TOPO[key] = _Shape(single, n, loop)
    return hit


class Assembly:
    """Parts in order: ``lathe`` and ``rod`` take ``geometry.lathe`` / ``geometry.rod``'s arguments, ``add`` a
    ready ``Mesh``; ``merge()`` is ``geometry.merge`` of them all."""

    def __init__(self):
        self._parts: list = []  # a Mesh, or a lathe spec [profile rows, on-axis flags, n, loop, mat, smooth, rod]

    def add(self, mesh: Mesh) -> None:
        self._parts.append(mesh)

    def extend(self, meshes) -> None:
        self._parts.extend(meshes)

    def lathe(self, profile, segments: int = 24, mat: int = 0, loop: bool = False, smooth: bool = True) -> None:
        rows = [(float(r), float(z)) for r, z in profile]
        on_axis = tuple(r <= 1e-12 for r, _ in rows)
        if not loop and not (on_axis[0] and on_axis[-1]):
            raise ValueError("open lathe profile must start and end on the axis")
        single = tuple(a and not loop for a in on_axis)
        self._parts.append([rows, single, _seg(segments, 6), bool(loop), int(mat), bool(smooth), None])

    def rod(self, p0, p1, r: float, segments: int = 10, mat: int = 0, r1=None) -> None:
        p0, p1 = np.asarray(p0, np.float64), np.asarray(p1, np.float64)
        d = p1 - p0
        h = float(np.linalg.norm(d))
        self.lathe([(0.0, 0.0), (r, 0.0), (r if r1 is None else r1, h), (0.0, h)], segments, mat)
        self._parts[-1][6] = (rot_align_z(d).T, p0)

    def merge(self) -> Mesh:
        specs = [s for s in self._parts if not isinstance(s, Mesh)]
        made = iter(_lathes(specs))
        return _merge([p if isinstance(p, Mesh) else next(made) for p in self._parts])


def _merge(parts) -> Mesh:
    """``geometry.merge`` of ``parts``: Meshes, or (verts, corners, sizes, uvs, mat, smooth) tuples."""
    arrays = [(p.verts, p.corners, p.sizes, p.uvs, p.mat, p.smooth) if isinstance(p, Mesh) else p for p in parts]
    offs = np.cumsum([0] + [len(a[0]) for a in arrays[:-1]])
    return Mesh.raw(np.concatenate([a[0] for a in arrays]),
                    np.concatenate([a[1] + o for a, o in zip(arrays, offs)]),
                    np.concatenate([a[2] for a in arrays]), np.concatenate([a[3] for a in arrays]),
                    np.concatenate([a[4] for a in arrays]), np.concatenate([a[5] for a in arrays]))


def _lathes(specs) -> list:
    """Each spec's lathe (a rod's turned onto its axis) as (verts, corners, sizes, uvs, mat, smooth), computed
    together: the vertices of all in one pass, then each part's winding, then the corners and UVs in one pass."""
    if not specs:
        return []
    # 1. every part's profile rows and topology; each row's UV v (its distance along the profile, summed as
    #    np.cumsum sums: in order)
    shapes, rows, vcoord, row0, v0 = [], [], [], [], []
    for prof, single, n, loop, *_ in specs:
        shapes.append(_shape(single, n, loop))
        row0.append(len(rows))
        v0.append(len(vcoord))
        rows += prof
        vcoord.append(0.0)
        pts = np.asarray(prof + prof[:1] if loop else prof, np.float64)
        acc = 0.0
        for s in np.linalg.norm(pts[1:] - pts[:-1], axis=1).tolist():
            acc += s
            vcoord.append(acc)
    p = np.asarray(rows, np.float64)
    nv = [sh.nv for sh in shapes]
    # 2. the vertices, as ``lathe`` makes them (r cos, r sin, z; an axis point (0, 0, z))
    vr = np.concatenate([sh.vr for sh in shapes]) + np.repeat(row0, nv)
    r = p[vr, 0]
    verts = np.empty((len(vr), 3))
    verts[:, 0] = r * np.concatenate([sh.cos for sh in shapes])
    verts[:, 1] = r * np.concatenate([sh.sin for sh in shapes])
    verts[np.concatenate([sh.vsingle for sh in shapes]), :2] = 0.0
    verts[:, 2] = p[vr, 1]
    # 3. each part's winding (from its profile; by its signed volume when that is too close to call), then a
    #    rod's turn onto its axis
    ends = np.cumsum([0] + nv)
    flips = []
    for k, ((prof, single, n, loop, mat, smooth, turn), sh) in enumerate(zip(specs, shapes)):
        v = verts[ends[k]:ends[k + 1]]
        outward = _lathe_outward(p[row0[k]:row0[k] + len(prof)], np.array(single, bool), loop)
        if outward is None:
            from .geometry import _cross
            a, b, c = v[sh.tris[:, 0]], v[sh.tris[:, 1]], v[sh.tris[:, 2]]
            outward = float(np.einsum("ij,ij->i", a, _cross(b, c)).sum() / 6.0) >= 0
        flips.append(0 if outward else 1)
        if turn is not None:
            v[:] = v @ turn[0] + turn[1]
    # 4. corners and UVs in the winding each part needs
    vrow = np.concatenate([sh.vrow[f] for sh, f in zip(shapes, flips)])
    nc = [len(sh.corners[0]) for sh in shapes]
    uvs = np.empty((len(vrow), 2))
    uvs[:, 0] = np.concatenate([sh.u[f] for sh, f in zip(shapes, flips)])
    uvs[:, 1] = np.asarray(vcoord)[vrow + np.repeat(v0, nc)]
    cends = np.cumsum([0] + nc)
    out = []
    for k, (spec, sh, f) in enumerate(zip(specs, shapes, flips)):
        nf = len(sh.sizes)
        out.append((verts[ends[k]:ends[k + 1]], sh.corners[f], sh.sizes, uvs[cends[k]:cends[k + 1]],
                    np.full(nf, spec[4], np.int64), np.full(nf, spec[5])))
    return out
