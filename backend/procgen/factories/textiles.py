"""Edition 3 of the rug (bpy-free): a pile with real thickness and rounded edges, an overcast selvedge along the
long sides, knotted fringe tassels at the short ends lying on the floor, and a woven pattern (the ``rug`` material
kind: border, field and medallion; stripes; or a lattice).

``interior.py``'s ``rug`` calls this when ``geometry.edition() >= 3``; editions 1 and 2 stay there, unchanged.
Conventions: metres, Z up, origin at the centre of the footprint (min z = 0); every part a closed shell, the
fringes' roots buried in the pile, the selvedge cords overlapping its edge, nothing face to face.
"""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _orient, detail_level, merge, rbox, rng_for, rod
from ..materials import material, rug_pattern
from ..registry import Asset


def strands(paths, width: float, thick: float, mat: int) -> Mesh:
    """Flat strands (a tassel of yarn: ``width`` across, ``thick`` high) along polylines ``paths`` (Float["N P 3"],
    every strand the same number of points), capped at both ends: one closed shell per strand, built at once."""
    paths = np.asarray(paths, np.float64)
    n, P = paths.shape[:2]
    tang = np.gradient(paths, axis=1)
    tang /= np.linalg.norm(tang, axis=2, keepdims=True)
    side = np.cross(tang, np.array([0.0, 0.0, 1.0]))
    side /= np.maximum(np.linalg.norm(side, axis=2, keepdims=True), 1e-12)
    up = np.cross(side, tang)
    sect = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float64) * [width / 2, thick / 2]
    verts = paths[:, :, None, :] + sect[None, None, :, 0, None] * side[:, :, None, :] + sect[None, None, :, 1, None] * up[:, :, None, :]
    verts = verts.reshape(n, P * 4, 3)
    i = np.arange(P - 1)[:, None]
    j = np.arange(4)[None, :]
    quads = np.stack([i * 4 + j, i * 4 + (j + 1) % 4, (i + 1) * 4 + (j + 1) % 4, (i + 1) * 4 + j], -1).reshape(-1, 4)
    caps = np.array([[3, 2, 1, 0], [(P - 1) * 4 + k for k in range(4)]])
    one = np.concatenate([quads, caps])
    faces = (one[None] + (np.arange(n) * P * 4)[:, None, None]).reshape(-1, 4)
    flat = verts.reshape(-1, 3)
    uv_one = np.stack([np.repeat(np.arange(P), 4) / max(P - 1, 1), np.tile([0.0, 0.25, 0.5, 0.75], P)], 1)
    uvs = np.tile(uv_one, (n, 1))[faces.ravel()]
    m = Mesh(flat, faces.ravel(), np.full(len(faces), 4), uvs, mat, True)
    return _orient(m)


def rug(seed, p):
    g = rng_for(seed, "rug", "e3")
    w, d, t = p["width"], p["depth"], p["pile"]
    L, B = max(w, d), min(w, d)
    along = 0 if w >= d else 1                     # the axis the rug's length runs along (fringes at its ends)
    r = min(t * 0.5, 0.008)
    parts = [rbox((-w / 2, -d / 2, 0.0), (w / 2, d / 2, t), r, 3)]
    # 1. Overcast selvedge cords along the long sides, overlapping the pile's edge
    cr = t * 0.46
    for s in (-1, 1):
        a = np.zeros(3)
        b = np.zeros(3)
        a[along], b[along] = -L / 2 + cr, L / 2 - cr
        a[1 - along] = b[1 - along] = s * (B / 2 - cr * 0.6)
        a[2] = b[2] = t / 2
        parts.append(rod(a, b, cr, 10, mat=1))
    # 2. Knotted tassels at the short ends: rooted in the pile, bending down to lie on the floor
    spacing = 0.012 / min(1.0, max(0.5, detail_level()))
    k = max(4, int((B - 0.03) / spacing))
    across = np.linspace(-B / 2 + 0.02, B / 2 - 0.02, k)
    paths = []
    th = 0.0016
    for s in (-1, 1):
        n = len(across)
        length = g.uniform(0.05, 0.075) * (1 + 0.12 * g.standard_normal(n)).clip(0.75, 1.25)
        drift = g.uniform(-0.0035, 0.0035, n)     # tips wander, never onto a neighbour (12 mm apart, 4.2 mm wide)
        edge = L / 2
        pts = np.zeros((n, 4, 3))
        pts[:, :, 1 - along] = across[:, None] + drift[:, None] * np.array([0, 0.2, 0.6, 1.0])[None]
        pts[:, 0, along] = s * (edge - 0.012)
        pts[:, 1, along] = s * (edge + 0.004)
        pts[:, 2, along] = s * (edge + 0.012)
        pts[:, 3, along] = s * (edge + length)
        pts[:, 0, 2] = t * 0.5
        pts[:, 1, 2] = t * 0.35
        pts[:, 2, 2] = th / 2 + 0.0004
        pts[:, 3, 2] = th / 2 + 0.0004
        paths.append(pts)
    parts.append(strands(np.concatenate(paths), 0.0042, th, 2))
    m = merge(parts)
    top = float(m.verts[:, 2].max())
    inset = [0.03, 0.03]    # off the selvedge cords; inside the fringes at the tasselled ends
    inset[along] = 0.1
    surf = ({"lo": [-w / 2 + inset[0], -d / 2 + inset[1]], "hi": [w / 2 - inset[0], d / 2 - inset[1]], "z": top,
             "clear": 2.5},)
    pile = rug_pattern(rng_for(seed, "rug", "mat", "pattern"), L, B)
    binding = {"kind": "fabric", "params": {**material("fabric", rng_for(seed, "rug", "mat", "binding"))["params"],
                                            "base_color": pile["params"]["color2"],
                                            "color2": [round(c * 0.7, 4) for c in pile["params"]["color2"]]}}
    fringe = material("fabric", rng_for(seed, "rug", "mat", "fringe"), "paper")
    return Asset(m, (pile, binding, fringe), surf)
