"""Edition-3 curtain (bpy-free): a pole with finials on two wall brackets, rings on the pole, and a panel hanging
from the rings: the heading scalloped front and back between rings spaced unevenly (each fold its own width and
depth, deep as an open, gathered curtain's are), the folds loosening and drifting towards the hem, and a hem (a
double layer: the sheet thicker over its last few centimetres). Same conventions as interior.py: back (+Y) to the
wall at y = 0, lowest point z = 0, top of the finials at most the ``height`` asked for.
"""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _orient, _seg, lathe, merge, rng_for, rod, rot_align_z, rot_y
from .. import finishes
from ..registry import Asset


CLOTHS = {   # curtain fabric colours, linear RGB: undyed linen, off-white, greys, deep dyes
    "linen": (0.52, 0.45, 0.34), "off_white": (0.75, 0.72, 0.64), "stone_grey": (0.32, 0.31, 0.29),
    "charcoal": (0.045, 0.045, 0.05), "navy": (0.02, 0.035, 0.09), "sage": (0.26, 0.32, 0.22),
    "terracotta": (0.42, 0.13, 0.06), "mustard": (0.5, 0.33, 0.04), "bottle_green": (0.02, 0.08, 0.045),
}


def cloth(rng) -> dict:
    """A curtain fabric: a colour from CLOTHS (varied by +-12 %), the weave's second colour 80-90 % of it."""
    names = list(CLOTHS)
    name = names[int(rng.choice(len(names), p=(0.2, 0.17, 0.13, 0.08, 0.1, 0.1, 0.08, 0.07, 0.07)))]
    k = float(rng.uniform(0.88, 1.12))
    base = [round(min(1.0, c * k), 4) for c in CLOTHS[name]]
    shade = float(rng.uniform(0.8, 0.9))
    return {"kind": "fabric", "params": {"base_color": base, "color2": [round(c * shade, 4) for c in base],
                                         "roughness": round(float(rng.uniform(0.7, 0.9)), 4),
                                         "scale": round(float(rng.uniform(250.0, 450.0)), 3),
                                         "sheen": round(float(rng.uniform(0.3, 0.7)), 4),
                                         "bump": round(float(rng.uniform(0.04, 0.09)), 4), "finish": name}}


def sheet(X, Y, Z, T, mat: int = 0) -> Mesh:
    """A closed hanging sheet over the grid (X, Y, Z: Float["NZ NX"], rows bottom to top; X increasing along each
    row) ``T`` thick (per vertex), its faces offset +-T/2 along the row's normal in the XY plane (so the cloth is as
    thick on the steep side of a fold as on its crest)."""
    nz, nx = X.shape
    dx, dy = np.gradient(X, axis=1), np.gradient(Y, axis=1)
    ln = np.hypot(dx, dy)
    nx_, ny_ = -dy / ln * T / 2, dx / ln * T / 2
    front = np.stack([X - nx_, Y - ny_, Z], -1).reshape(-1, 3)
    back = np.stack([X + nx_, Y + ny_, Z], -1).reshape(-1, 3)
    verts = np.concatenate([front, back])
    off = nx * nz
    jj, ii = np.meshgrid(np.arange(nx - 1), np.arange(nz - 1))
    a = (ii * nx + jj).ravel()
    q = np.stack([a, a + 1, a + nx + 1, a + nx], 1)
    ring = np.concatenate([np.arange(nx), np.arange(1, nz) * nx + nx - 1, (nz - 1) * nx + np.arange(nx - 2, -1, -1),
                           np.arange(nz - 2, 0, -1) * nx])
    rim = np.stack([np.roll(ring, -1), ring, ring + off, np.roll(ring, -1) + off], 1)
    faces = np.concatenate([q, q[:, ::-1] + off, rim])
    u = np.concatenate([X.ravel(), X.ravel()])
    v = np.concatenate([Z.ravel(), Z.ravel()])
    uvs = np.stack([u, v], 1)[faces.ravel()]
    return _orient(Mesh(verts, faces.ravel(), np.full(len(faces), 4), uvs, mat, True))


def _scallops(x, knots, amp, sign):
    """Y of a line through the rings at ``knots`` bulging +-``amp[k]`` (sign alternating) between each pair."""
    k = np.clip(np.searchsorted(knots, x, side="right") - 1, 0, len(knots) - 2)
    u = (x - knots[k]) / (knots[k + 1] - knots[k])
    return sign[k] * amp[k] * np.sin(np.pi * np.clip(u, 0, 1))


def curtain3(seed, p):
    """Edition-3 curtain (see the module's docstring)."""
    g = rng_for(seed, "curtain", "shape", "e3")
    w, h, folds = p["width"], p["height"], p["folds"]
    rr, ring_r, ring_t = 0.012, 0.022, 0.003            # pole radius, ring radius (tube centre), ring tube radius
    rod_z, rod_y = h - 0.035, -0.075
    # 1. rings: 2 per fold, spaced unevenly (a gathered panel: each scallop 70-130 % of the mean)
    n = 2 * folds + 1
    gaps = g.uniform(0.7, 1.3, n - 1)
    knots = -w / 2 + w * np.concatenate([[0.0], np.cumsum(gaps) / gaps.sum()])
    parts = []
    ring_zc = rod_z - (ring_r - ring_t - rr) - 0.0006    # each ring hangs on the pole, 0.6 mm clear of it
    hoop = lathe([(ring_r + ring_t * np.cos(a), ring_t * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 9)[:-1]], 24, 1, loop=True)
    for x in knots:
        parts.append(hoop.transformed(rot_y(np.pi / 2), (x, rod_y, ring_zc)))
    # 2. the panel: scallops at the heading, folds of their own at the hem, blended down the drop
    top = ring_zc - ring_r + ring_t + 0.004             # the heading's top edge: the rings pass through it
    nx = _seg(max(48, 14 * folds), 20)
    nz = _seg(34, 14)
    spacing = np.diff(knots)
    sign = np.where(np.arange(n - 1) % 2 == 0, -1.0, 1.0)
    depth = np.where(sign < 0, 0.09, 0.045)              # folds bulge further into the room than towards the wall
    amp_top = np.minimum(spacing * g.uniform(0.45, 0.75, n - 1), depth)
    knots_b = knots + np.concatenate([[0.0], g.uniform(-0.2, 0.2, n - 2) * spacing[1:], [0.0]])
    amp_b = np.minimum(np.diff(knots_b) * g.uniform(0.5, 0.9, n - 1), depth)
    flare = float(g.uniform(0.04, 0.12))
    hem = float(g.uniform(0.04, 0.07))
    s = np.linspace(0, 1, nx)
    zs = np.concatenate([np.linspace(0, hem - 0.002, 4), np.linspace(hem + 0.002, top, nz - 4)])
    Z, S = np.meshgrid(zs, s, indexing="ij")
    b = (1 - Z / top) ** 1.3                            # 0 at the heading, 1 at the hem
    Xh = -w / 2 + w * S
    Xb = Xh * (1 + flare)
    X = Xh + (Xb - Xh) * b
    yh = _scallops(Xh, knots, amp_top, sign)
    yb = _scallops(np.clip(Xh, knots_b[0], knots_b[-1]), knots_b, amp_b, sign) * (1 + flare)
    sway = 0.012 * np.sin(2 * np.pi * (S * float(g.uniform(0.6, 1.4)) + float(g.uniform(0, 1)))) * b
    Y = np.minimum(rod_y + yh + (yb - yh) * b + sway, -0.012)    # never into the wall
    T = np.where(Z < hem, 0.009, 0.0035)
    parts.append(sheet(X, Y, Z, T, 0))
    # 3. the pole with finials, on two brackets (a wall plate, an arm and a cup under the pole)
    L = w / 2 + 0.09
    parts.append(rod((-L, rod_y, rod_z), (L, rod_y, rod_z), rr, 16, mat=1))
    fr = 0.022                                           # a collar, a neck and a ball
    fin = lathe([(0, 0), (rr * 0.9, 0), (rr * 1.25, 0.005), (rr * 1.1, 0.01), (fr * 0.35, 0.016)] +
                [(fr * np.sin(a), 0.016 + fr - fr * np.cos(a)) for a in np.linspace(0.45, np.pi, 8)], 20, 1)
    for sx in (-1, 1):
        parts.append(fin.transformed(rot_align_z((sx, 0.0, 0.0)), (sx * (L - 0.004), rod_y, rod_z)))
        bx = sx * (w / 2 + 0.045)
        parts.append(lathe([(0, 0), (0.03, 0), (0.03, 0.004), (0.026, 0.007), (0, 0.007)], 20, 1)
                     .transformed(rot_align_z((0, -1, 0)), (bx, 0.0, rod_z)))
        parts.append(rod((bx, -0.005, rod_z - 0.008), (bx, rod_y, rod_z - 0.008), 0.007, 12, mat=1))
        parts.append(lathe([(0, 0), (0.016, 0), (0.017, 0.014), (0.0, 0.016)], 16, 1)
                     .transformed(None, (bx, rod_y, rod_z - rr - 0.012)))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    m.verts[:, 1] -= m.verts[:, 1].max()
    gm = rng_for(seed, "curtain", "mat", "e3")
    pole = finishes.hardware(gm) if gm.uniform() < 0.6 else finishes.wood(gm)
    return Asset(m, (cloth(gm), pole))
