"""The speed-ups in ``geometry`` and ``worktop`` (a cached lathe topology, vectorised fan triangles, cross products
without ``np.cross``, cached corner angles) change no output: each is checked against the straightforward code it
replaced, kept here as the reference. Released editions must rebuild to the same bytes. bpy-free."""
import numpy as np
import pytest

from backend.procgen import geometry as geo
from backend.procgen.factories import build_registry, worktop
from backend.procgen.registry import generate

REG = build_registry()


def _fan_reference(m):
    starts = geo.face_starts(m)
    tris, owner = [], []
    for k in range(1, int(m.sizes.max()) - 1 if len(m.sizes) else 0):
        sel = m.sizes > k + 1
        s = starts[sel]
        tris.append(np.stack([m.corners[s], m.corners[s + k], m.corners[s + k + 1]], axis=1))
        owner.append(np.flatnonzero(sel))
    if not tris:
        return np.zeros((0, 3), np.int64)
    order = np.argsort(np.concatenate(owner), kind="stable")
    return np.concatenate(tris)[order]


def _lathe_reference(profile, segments=24, mat=0, loop=False, smooth=True):
    p = np.asarray(profile, np.float64)
    n = geo._seg(segments, 6)
    on_axis = p[:, 0] <= 1e-12
    theta = np.linspace(0.0, 2 * np.pi, n + 1)[:-1]
    single = on_axis & (not loop)
    count = np.where(single, 1, n)
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    vid = np.where(single[:, None], first[:, None], first[:, None] + np.arange(n)[None, :])
    ring = np.stack([np.outer(p[:, 0], np.cos(theta)), np.outer(p[:, 0], np.sin(theta)),
                     np.repeat(p[:, 1:2], n, axis=1)], axis=-1)
    verts = np.where(single[:, None, None], np.stack([np.zeros(len(p)), np.zeros(len(p)), p[:, 1]], 1)[:, None, :], ring)
    verts = np.concatenate([verts[i, :count[i]] for i in range(len(p))])
    seg = np.linalg.norm(np.diff(np.vstack([p, p[:1]]) if loop else p, axis=0), axis=1)
    vcoord = np.concatenate([[0.0], np.cumsum(seg)])
    rows = len(p) if loop else len(p) - 1
    i = np.arange(rows)[:, None, None]
    i2 = (i + 1) % len(p)
    j = np.arange(n)[None, :, None]
    a_idx = np.broadcast_to(np.concatenate([i, i, i2, i2], axis=2), (rows, n, 4))
    b_idx = np.broadcast_to(np.concatenate([j, j + 1, j + 1, j], axis=2), (rows, n, 4))
    ids = vid[a_idx, b_idx % n]
    uv = np.stack([b_idx / n, np.broadcast_to(np.concatenate([vcoord[i], vcoord[i], vcoord[i + 1], vcoord[i + 1]], axis=2),
                                               (rows, n, 4))], axis=-1)
    dup = np.zeros(ids.shape, bool)
    dup[..., 1:] = ids[..., 1:] == ids[..., :-1]
    dup[..., 3] |= ids[..., 3] == ids[..., 0]
    keep = ~dup
    m = geo.Mesh(verts, ids[keep], keep.sum(axis=-1).ravel(), uv[keep], mat, smooth)
    t = _fan_reference(m)
    a, b, c = m.verts[t[:, 0]], m.verts[t[:, 1]], m.verts[t[:, 2]]
    if float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0) >= 0:
        return m
    starts = geo.face_starts(m)
    face = np.repeat(np.arange(len(m.sizes)), m.sizes)
    rev = 2 * starts[face] + m.sizes[face] - 1 - np.arange(len(m.corners))
    return geo.Mesh(m.verts, m.corners[rev], m.sizes, m.uvs[rev], m.mat, m.smooth)


PROFILES = [
    ([(0, 0), (0.03, 0), (0.04, 0.05), (0.02, 0.1), (0, 0.11)], False),
    ([(0, 0.11), (0.02, 0.1), (0.04, 0.05), (0.03, 0), (0, 0)], False),            # drawn the other way: flipped
    ([(0, 0), (0.05, 0), (0.0, 0.02), (0.04, 0.05), (0, 0.08)], False),            # an axis point in the middle
    ([(0.1, 0), (0.12, 0.01), (0.1, 0.02), (0.09, 0.01)], True),
    ([(0.1, 0), (0.09, 0.01), (0.1, 0.02), (0.12, 0.01)], True),
]


@pytest.mark.parametrize("profile, loop", PROFILES)
@pytest.mark.parametrize("level", [0.35, 1.0, 3.0])
def test_cached_lathe_gives_the_same_bytes(profile, loop, level):
    with geo.detail(level):
        for _ in range(2):      # the second call comes from the cache
            assert geo.lathe(profile, 20, 2, loop).digest() == _lathe_reference(profile, 20, 2, loop).digest()


def test_fan_triangles_and_cross_products_match_the_reference():
    rng = np.random.default_rng(0)
    b, c = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    assert np.cross(b, c).tobytes() == geo._cross(b, c).tobytes()
    for cat in REG.names():
        for ed in (1, 2, 3):
            m = generate(REG, cat, 0, edition=ed)[0].mesh
            assert np.array_equal(geo.fan_triangles(m), _fan_reference(m)), (cat, ed)


def test_rounded_rectangles_match_the_corner_loop():
    def reference(cx, cy, hx, hy, r, z):
        n = max(2, int(round(3 * geo.detail_level())))
        r = float(min(max(r, 1e-4), hx * 0.95, hy * 0.95))
        pts = []
        for sx, sy, a0 in ((1, 1, 0.0), (-1, 1, 0.5 * np.pi), (-1, -1, np.pi), (1, -1, 1.5 * np.pi)):
            ccx, ccy = cx + sx * (hx - r), cy + sy * (hy - r)
            for t in np.linspace(a0, a0 + 0.5 * np.pi, n + 1):
                pts.append((ccx + r * np.cos(t), ccy + r * np.sin(t), z))
        return np.array(pts)
    for level in (0.35, 1.0, 8.0):
        with geo.detail(level):
            for args in ((0.1, -0.2, 0.5, 0.3, 0.04, 0.7), (0.0, 0.0, 0.02, 0.02, 0.5, 0.0)):
                assert worktop.rrect(*args).tobytes() == reference(*args).tobytes()


def test_lathe_orientation_from_the_profile_matches_the_triangles():
    """``_lathe_outward`` (the sign of the signed volume from the profile alone) agrees with the fan triangles'
    signed volume on random profiles, open and looped, drawn either way; and says None (the triangles decide)
    for a profile with no volume."""
    rng = np.random.default_rng(7)
    decided = 0
    for k in range(300):
        loop = bool(k % 2)
        n = int(rng.integers(3, 9))
        if loop:
            prof = np.stack([rng.uniform(0.01, 0.2, n), rng.uniform(0.0, 1.6, n)], 1)
        else:
            prof = np.concatenate([[[0.0, 0.0]], np.stack([rng.uniform(0.001, 0.2, n), np.sort(rng.uniform(0, 1.6, n))], 1),
                                   [[0.0, 1.7]]])
        if k % 3 == 0:
            prof = prof[::-1]
        p = np.asarray(prof, np.float64)
        single = (p[:, 0] <= 1e-12) & (not loop)
        got = geo._lathe_outward(p, single, loop)
        ref = _lathe_reference(p, 16, 0, loop)          # oriented by its triangles' signed volume
        assert geo.lathe(p, 16, 0, loop).digest() == ref.digest()
        if got is not None:
            decided += 1
            as_built = geo._lathe_topology(single, geo._seg(16, 6), loop)[3]   # the corners before any flip
            assert got == np.array_equal(ref.corners, as_built), k
    assert decided > 250
    flat = np.array([[0.1, 0.5], [0.2, 0.5], [0.3, 0.5]])          # a loop with no area: no volume
    assert geo._lathe_outward(flat, np.zeros(3, bool), True) is None


def test_orientation_shortcuts_change_no_asset(monkeypatch):
    """Every category, editions 1-3, at two detail levels: the same bytes with the lathe's orientation from its
    profile and ``_orient``'s triangles kept per topology as with the triangles built and deciding every time."""
    def digests():
        out = {}
        for cat in REG.names():
            for ed in (1, 2, 3):
                for level in (0.35, 2.0):
                    out[cat, ed, level] = generate(REG, cat, 1, edition=ed, detail_level=level)[0].mesh.digest()
        return out
    fast = digests()
    monkeypatch.setattr(geo, "_lathe_outward", lambda p, single, loop: None)
    plain = geo._orient
    monkeypatch.setattr(geo, "_orient", lambda m, key=None: plain(m))    # nothing kept per topology
    assert digests() == fast



def _tube_reference(path, radii, segments=8, mat=0):
    """Closed tube swept along a polyline ``path`` (P x 3) with per-point ``radii``, capped by fans at both ends."""
    path = np.asarray(path, np.float64)
    segments = geo._seg(segments, 3)
    radii = np.broadcast_to(np.asarray(radii, np.float64), (len(path),))
    tang = np.gradient(path, axis=0)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    ref = np.array([0.0, 0.0, 1.0]) if abs(tang[0][2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    n_prev = np.cross(tang[0], ref)
    n_prev /= np.linalg.norm(n_prev)
    theta = np.linspace(0, 2 * np.pi, segments + 1)[:-1]
    cos, sin = np.cos(theta)[:, None], np.sin(theta)[:, None]
    rings = []
    for t, p, r in zip(tang, path, radii):
        n = n_prev - t * (n_prev @ t)  # parallel transport of the ring frame
        n /= np.linalg.norm(n)
        b = np.array([t[1] * n[2] - t[2] * n[1], t[2] * n[0] - t[0] * n[2], t[0] * n[1] - t[1] * n[0]])  # t x n
        rings.append(p + r * (cos * n + sin * b))
        n_prev = n
    verts = np.concatenate(rings + [path[:1], path[-1:]])
    P, S = len(path), segments
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
    return geo._orient(geo.Mesh(verts, corners, sizes, uvs, mat, True))


def test_cached_tube_gives_the_same_bytes():
    rng = np.random.default_rng(3)
    for k in range(40):
        P = int(rng.integers(2, 25))
        path = np.cumsum(rng.normal(size=(P, 3)) * 0.05, axis=0) + rng.normal(size=3)
        radii = rng.uniform(0.001, 0.02, P) if k % 2 else 0.004
        for level in (0.35, 1.0, 3.0):
            with geo.detail(level):
                for _ in range(2):      # the second call comes from the cache
                    assert geo.tube(path, radii, 8, 1).digest() == _tube_reference(path, radii, 8, 1).digest(), k


def _rot_align_z_reference(d):
    d = np.asarray(d, np.float64)
    d = d / np.linalg.norm(d)
    z = np.array([0.0, 0.0, 1.0])
    v = np.cross(z, d)
    c = float(d @ z)
    if np.linalg.norm(v) < 1e-12:
        return np.eye(3) if c > 0 else np.diag([1.0, -1.0, -1.0])
    vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + vx + vx @ vx * (1.0 / (1.0 + c))


def test_rot_align_z_matches_np_cross():
    rng = np.random.default_rng(5)
    dirs = list(rng.normal(size=(300, 3))) + [(0, 0, 1), (0, 0, -1), (1, 0, 0), (0, -1, 0), (-0.0, 0.0, 2.0),
                                              (0.0, -0.0, -3.0), (-1.0, -0.0, 0.0), (1e-9, 0, 1)]
    for d in dirs:
        assert geo.rot_align_z(d).tobytes() == _rot_align_z_reference(d).tobytes(), d
