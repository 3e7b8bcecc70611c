"""Edition-3 sewn textiles (bpy-free): the throw cushion and the stack of folded towels, built the way they are
sewn and folded (issue #14: "soft upholstery", "fabric weave").

* ``cushion3``: two panels sewn at a seam that stands out as a thin flange (a knife edge) or holds a cord (a piped
  welt); the corners poke out as flattened dog-ears between sides pulled in; the stuffing has settled (the lower
  half is fuller, the top edge sags); a centre dimple or a grid of buttoned tufts pulls both panels in, with
  pleats radiating from each; a coarse visible weave.
* ``towel3``: each towel one closed shell swept along its width: a half-round where the cloth turns at the front,
  the loose layers' edges at the back, rounded folded ends, a flat-woven (dobby) band near each end in its own
  slot; towels stacked slightly askew, each resting on the soft crown of the one below (never in it); terry cloth.

Conventions as ``soft.py`` / ``household.py``: metres, Z up, origin at the footprint centre on what it rests on,
front -Y.
"""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _orient, _seg, lathe, merge, rng_for, rot_x, rot_z
from ..materials import material
from ..registry import Asset
from .. import finishes
from .soft import SQUASH, cord, spaced

CROWN = 0.7
"""Share of the stuffing's profile that is a dome, as ``soft.CROWN``."""
EDGE = 0.0035
"""Thickness (m) of each panel's stuffing where it meets the seam allowance: the flange starts from 7 mm."""


def _spacing(n):
    """n + 1 values from -1 to 1, half evenly spaced, half crowded towards the ends (sine)."""
    t = np.linspace(-1.0, 1.0, n + 1)
    return 0.5 * t + 0.5 * np.sin(t * np.pi / 2)


def _dimples(X, Z, centres, rho, g):
    """(pull, pleat): how far each point is drawn in by the tufts at ``centres`` (1 at a button), and the pleats
    radiating from each (1 on a pleat's crest)."""
    pull, pleat = np.zeros_like(X), np.zeros_like(X)
    for cx, cz in centres:
        dx, dz = X - cx, Z - cz
        d = np.hypot(dx, dz)
        pull += np.exp(-(d / rho) ** 2)
        k, ph = int(g.integers(5, 8)), g.uniform(0, 2 * np.pi)
        ring = np.exp(-(d / (2.2 * rho)) ** 2) * (1 - np.exp(-(d / (0.8 * rho)) ** 2))
        pleat += ring * np.maximum(0.0, np.cos(k * np.arctan2(dz, dx) + ph)) ** 3
    return np.minimum(pull, 1.0), pleat


def _cushion_shell(W, H, T, shape, n, g):
    """The stuffed cover in the XZ plane, facing -Y: front and back panels sharing the seam's outer ring (its
    tip at y = 0; so the shell is closed); returns (mesh, seam ring (M x 3), tufts [(x, z, y front, y back)])."""
    pinch, ear, sag, flange, tufts, depth = shape
    s = np.concatenate([[-1.0 - flange], _spacing(n - 2), [1.0 + flange]])
    U, V = np.meshgrid(s, s)  # [row = v, col = u]
    Uc, Vc = np.clip(U, -1, 1), np.clip(V, -1, 1)
    c = (Uc * Vc) ** 4                                             # 1 at the corners, 0 along the middles
    pin = pinch * (1 + 1.5 * sag * np.clip(Vc, 0, 1))              # the top edge pulled down more (it sags)
    grow = 1 + ear * c                                             # dog-ears: corners drawn out past the sides
    X = U * W / 2 * (1 - pin * (1 - Vc ** 2)) * grow
    Z = V * H / 2 * (1 - pin * (1 - Uc ** 2)) * grow
    q = np.clip((1 - Uc ** 2) * (1 - Vc ** 2) * (1 - sag * Vc), 0, None)   # settled: fuller below the middle
    q /= q.max()
    puff = (1 - CROWN) * q ** 0.35 + CROWN * q
    puff *= 1 - 0.55 * c                                           # the ears are flat flaps of cover
    pull, pleat = _dimples(X, Z, tufts, 0.045 * min(W, H) / 0.45, g)
    half = EDGE + (T / 2 - EDGE) * puff * (1 - depth * pull) - 0.004 * pleat
    a, b, ph = g.uniform(2, 5), g.uniform(2, 5), g.uniform(0, 2 * np.pi, 2)
    wrinkle = 0.005 * np.sin(a * Uc * np.pi + ph[0]) * np.sin(b * Vc * np.pi + ph[1]) * (1 - Uc ** 2) * (1 - Vc ** 2)
    for su, sv in ((1, 1), (1, -1), (-1, 1), (-1, -1)):            # creases running in from the corners
        along = np.clip((su * Uc + sv * Vc) / 2, 0, 1)
        wrinkle += 0.004 * along ** 2 * np.cos((su * Uc - sv * Vc) / 2 * np.pi * g.uniform(5, 8)) * np.sqrt((1 - Uc ** 2) * (1 - Vc ** 2))
    rim = (np.abs(U) > 1) | (np.abs(V) > 1)
    half = np.where(rim, 0.0, half)
    wrinkle = np.where(rim, 0.0, wrinkle)
    N = (n + 1) ** 2
    front = np.stack([X, -half + wrinkle, Z], -1).reshape(-1, 3)
    back = np.stack([X, half + wrinkle * 0.7, Z], -1).reshape(-1, 3)
    ids_back = np.where(rim.ravel(), np.arange(N), N + np.arange(N))
    verts = np.concatenate([front, back])
    ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    k = (ii * (n + 1) + jj).ravel()
    quads_f = np.stack([k, k + 1, k + n + 2, k + n + 1], 1)
    quads = np.concatenate([quads_f, ids_back[quads_f][:, ::-1]])
    used = np.unique(quads)
    remap = np.full(len(verts), -1, np.int64)
    remap[used] = np.arange(len(used))
    verts, quads = verts[used], remap[quads]
    uvs = verts[quads.ravel()][:, [0, 2]] + 0.5
    ring = [(0, j) for j in range(n)] + [(i, n) for i in range(n)] + [(n, j) for j in range(n, 0, -1)] + [(i, 0) for i in range(n, 0, -1)]
    seam = np.array([(X[i, j], 0.0, Z[i, j]) for i, j in ring])
    at = []
    for cx, cz in tufts:
        i, j = np.unravel_index(np.argmin((X - cx) ** 2 + (Z - cz) ** 2), X.shape)
        at.append((X[i, j], Z[i, j], front[i * (n + 1) + j, 1], back[i * (n + 1) + j, 1]))
    return _orient(Mesh(verts, quads.ravel(), np.full(len(quads), 4), uvs, 0, True)), seam, at


def cushion3(seed, p):
    """Edition-3 throw cushion (see the module docstring); same parameters and footing as edition 2's."""
    g = rng_for(seed, "cushion", "shape", "e3")
    W, H, T = p["width"], min(p["height"], p["width"]), p["thickness"]
    piped = bool(p["piping"])
    r = float(g.uniform(0.0035, 0.005))
    flange = (r * 0.9 if piped else float(g.uniform(0.007, 0.011))) / (W / 2)
    style = int(g.choice(3, p=(0.4, 0.35, 0.25)))                  # plain, a centre button, buttoned tufts
    if style == 2:
        cols = 3 if W > 0.46 else 2
        rows = 3 if H > 0.46 else 2
        tufts = [(x, z) for x in np.linspace(-1, 1, cols) * W * (0.18 if cols == 2 else 0.27)
                 for z in np.linspace(-1, 1, rows) * H * (0.18 if rows == 2 else 0.27)]
    else:
        tufts = [(0.0, 0.0)] if style == 1 else []
    shape = (float(g.uniform(0.07, 0.12)), float(g.uniform(0.04, 0.08)), float(g.uniform(0.12, 0.25)), flange, tufts,
             float(g.uniform(0.5, 0.65)))
    n = _seg(30, 6)
    body, seam, at = _cushion_shell(W, H, T, shape, n, g)
    parts = [body]
    if piped:   # the cord: 3 r apart at least where the grid crowds into the ears, 3 n points at most
        P = spaced(list(seam), 3 * r)
        parts.append(cord(P[np.unique(np.linspace(0, len(P), (3 if n >= 20 else 2) * n, endpoint=False).astype(int))], r, _seg(8, 3), 1))
    button = lathe([(0, 0), (0.011, 0), (0.011, 0.003), (0.008, 0.0055), (0, 0.0062)], _seg(12, 4), 1)
    for x, z, yf, yb in at if n >= 12 else ():                     # covered buttons, sunk 2 mm into the dimples
        parts.append(button.transformed(rot_x(np.pi / 2), (x, yf + 0.002, z)))
        if n >= 20:                                                # (the back's only at full detail)
            parts.append(button.transformed(rot_x(-np.pi / 2), (x, yb - 0.002, z)))
    m = merge(parts).transformed(rot_x(-np.radians(p["lean"])))
    v = m.verts
    z0 = v[:, 2].min() + SQUASH
    v[:, 2] = np.where(v[:, 2] < z0, z0 + (v[:, 2] - z0) * 0.08, v[:, 2])
    v[:, 2] -= v[:, 2].min()
    lo, hi = v.min(axis=0), v.max(axis=0)
    v[:, 0] -= (lo[0] + hi[0]) / 2
    v[:, 1] -= (lo[1] + hi[1]) / 2
    fabric = finishes.cushion_cloth(rng_for(seed, "cushion", "mat", "fabric", "e3"))
    trim = finishes.cushion_cloth(rng_for(seed, "cushion", "mat", "cord", "e3")) if g.uniform() < 0.4 else fabric
    return Asset(m, (fabric, trim))


# ------------------------------------------------------------------ folded towels
def _section(d, t, layers, wave, k):
    """A folded towel's cross-section in the YZ plane (front at y = -d/2, resting on z = 0; K x 2), one way round:
    the flat underside, the half-round fold at the front, the top, and the back's ``layers`` loose edges one
    above the other, each a rounded lip ``wave`` m proud of the grooves between them."""
    r = t / 2
    yf, yb = -d / 2 + r, d / 2 - wave
    a = np.linspace(-np.pi / 2, -3 * np.pi / 2, k + 1)              # the fold: from the bottom round to the top
    fold = np.stack([yf + r * np.cos(a), r + r * np.sin(a)], 1)
    under = np.stack([np.linspace(yb, yf, k + 1)[:-1], np.zeros(k)], 1)
    top = np.stack([np.linspace(yf, yb, k + 1)[1:], np.full(k, t)], 1)
    m = layers * (k // 2 + 2)
    z = np.linspace(t, 0, m + 1)[1:-1]
    lip = np.abs(np.sin(np.pi * layers * z / t)) ** 0.6            # 0 in a groove, 1 at a layer's edge
    back = np.stack([yb + wave * lip, z], 1)
    return np.concatenate([under, fold, top, back])


def _zip(ring):
    """Triangles (T x 3, indices into ``ring``, a flat closed loop of K points) closing the loop: its two chains
    between its extremes along its longest side zipped together, each triangle using the loop's edges forwards.
    Unlike a fan, right for any loop whose chains run one way along that side (a bent, flattened or concave one)."""
    k = len(ring)
    s = ring[:, int(np.argmax(np.ptp(ring, axis=0)))]
    a, b = int(np.argmin(s)), int(np.argmax(s))
    c1 = [(a + i) % k for i in range((b - a) % k + 1)]              # a to b forwards
    c2 = [(a - i) % k for i in range((a - b) % k + 1)]              # a to b backwards
    tris, i, j = [], 0, 0
    while i < len(c1) - 1 or j < len(c2) - 1:
        if j == len(c2) - 1 or (i < len(c1) - 1 and s[c1[i + 1]] <= s[c2[j + 1]]):
            tris.append((c1[i], c1[i + 1], c2[j]))
            i += 1
        else:
            tris.append((c1[i], c2[j + 1], c2[j]))
            j += 1
    return np.array([t for t in tris if len(set(t)) == 3], np.int64)   # (the first and last meet at an extreme)


def sweep(rings, mat_faces, key):
    """A closed shell through ``rings`` (N x K x 3, each a closed loop), the ends closed by zipping each end ring
    (``_zip``); ``mat_faces`` the slot of each band of quads (N - 1); ``key`` names the topology for ``_orient``.
    UVs metric: u along the sweep's axis (first to last ring: a straight sweep's grain), v round the section."""
    n, k = rings.shape[:2]
    idx = np.arange(n * k).reshape(n, k)
    j2 = np.roll(np.arange(k), -1)
    quads = np.stack([idx[:-1], idx[:-1][:, j2], idx[1:][:, j2], idx[1:]], -1).reshape(-1, 4)
    cap0 = idx[0][_zip(rings[0])][:, ::-1]                         # the first ring's edges backwards, as its quads'
    cap1 = idx[-1][_zip(rings[-1])]
    verts = rings.reshape(-1, 3)
    corners = np.concatenate([quads.ravel(), cap0.ravel(), cap1.ravel()])
    sizes = np.concatenate([np.full(len(quads), 4), np.full(len(cap0) + len(cap1), 3)])
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(rings[n // 2], axis=0), axis=1))])
    axis = rings[-1].mean(0) - rings[0].mean(0)
    p = verts[corners]
    quad = sizes.repeat(sizes) == 4
    uvs = np.stack([np.where(quad, p @ (axis / np.linalg.norm(axis)), p[:, 0]), np.where(quad, arc[corners % k], p[:, 1])], 1)
    mat = np.concatenate([np.repeat(mat_faces, k), np.full(len(cap0) + len(cap1), mat_faces[0])])
    return _orient(Mesh(verts, corners, sizes, uvs, mat, True), key)


def _one_towel(w, d, t, layers, band_mat, mat, k):
    """One folded towel ``w`` x ``d`` x ``t`` centred on the origin, resting on z = 0: the section swept along x,
    its ends rounded over (the cloth turns there too), a dobby band 3.5-7 cm in from each end sunk 1.2 mm (the flat
    weave lies lower than the terry's loops), in slot ``band_mat``."""
    wave = min(0.004, t * 0.12)
    r = t * 0.45
    th = np.linspace(0, np.pi / 2, _seg(4, 2) + 1)[::-1]          # the rounded end: from the tip to full size
    fine = _seg(4, 2) > 2                                          # (coarse: the band's step spreads wider)
    b0, b1 = w / 2 - 0.07, w / 2 - 0.035                           # the band
    half = ([(w / 2 - r + r * np.sin(a), r * (1 - np.cos(a)), 0) for a in th]
            + ([(b1 + 0.002, 0.0, 0)] if fine else []) + [(b1, 0.0012, 1), (b0, 0.0012, 1)] + ([(b0 - 0.002, 0.0, 0)] if fine else [])
            + [(x, 0.0, 0) for x in np.linspace(b0 - 0.002, 0, _seg(4, 2) + 1)[1:]])   # from +x's tip to the middle
    full = np.array(half + [(-x, o, b) for x, o, b in half[::-1][1:]])
    rings = []
    for x, o, _ in full:    # drawn in by ``o`` towards the section's middle, as an ellipse is; the layers' edges
        pts = _section(d, t, layers, wave * float(np.clip(1 - o / (0.3 * r), 0, 1)), k)   # fade into the ends
        rings.append(np.empty((len(pts), 3)))
        rings[-1][:, 0] = x
        rings[-1][:, 1] = pts[:, 0] * (1 - 2 * o / d)
        rings[-1][:, 2] = t / 2 + (pts[:, 1] - t / 2) * (1 - 2 * o / t)
    rings = np.array(rings)
    band = (full[:-1, 2] > 0) & (full[1:, 2] > 0)
    return sweep(rings, np.where(band, band_mat, mat), ("towel3", len(full), len(pts)))


def _crown(x, y, frame, w, d, c):
    """How far (m) a towel's soft crown lifts the cloth over world (x, y): ``c`` at its middle, 0 past its edges."""
    (ox, oy), R = frame
    lx, ly = R[0, 0] * (x - ox) + R[1, 0] * (y - oy), R[0, 1] * (x - ox) + R[1, 1] * (y - oy)
    return c * np.clip(1 - (2 * lx / w) ** 2, 0, 1) ** 0.7 * np.clip(1 - (2 * ly / d) ** 2, 0, 1) ** 0.7


def towel3(seed, p):
    """Edition-3 stack of folded towels (see the module docstring); same parameters and footprint as before."""
    g = rng_for(seed, "towel", "shape", "e3")
    w, d, n = p["width"], p["depth"], int(p["count"])
    colours = int(min(n, 1 + int(g.integers(0, 3))))
    k = _seg(10, 4)
    parts, frames, z = [], [], 0.0
    for i in range(n):
        t = float(g.uniform(0.03, 0.042))
        ww, dd = w - float(g.uniform(0, 0.014)), d - float(g.uniform(0, 0.012))
        ox, oy, yaw = float(g.uniform(-0.006, 0.006)), float(g.uniform(-0.006, 0.006)), float(g.uniform(-0.035, 0.035))
        c = i % colours
        m = _one_towel(ww, dd, t, int(g.integers(2, 4)), colours + c, c, k)
        R = rot_z(yaw)
        v = m.verts @ R.T + [ox, oy, 0.0]
        lift = sum(_crown(v[:, 0], v[:, 1], f, fw, fd, fc) for f, fw, fd, fc in frames)   # rests on the crowns below
        c_top = float(g.uniform(0.0015, 0.004))     # its own crown: the top rises, the underside stays on the one below
        mine = _crown(v[:, 0], v[:, 1], ((ox, oy), R), ww, dd, c_top) * (m.verts[:, 2] / t)
        v[:, 2] = z + m.verts[:, 2] + lift + mine
        parts.append(Mesh.raw(v, m.corners, m.sizes, m.uvs, m.mat, m.smooth))
        frames.append((((ox, oy), R), ww, dd, c_top))
        z += t + 0.0005
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    terry = [finishes.terry(rng_for(seed, "towel", "mat", k2, "e3")) for k2 in range(colours)]
    return Asset(m, tuple(terry) + tuple(finishes.dobby(x) for x in terry))
