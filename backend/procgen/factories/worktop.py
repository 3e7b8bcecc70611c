"""Edition-3 kitchen counter (bpy-free): a run of base units (casework.case) under one continuous worktop slab
with a rounded front edge, overhanging the fronts by about 28 mm, and an inset steel sink (flange on the worktop,
bowl through a cut-out, a drain with a strainer) with a gooseneck tap. Back at +Y.

Worktop and sink are ``ring_loop`` solids: a closed loop of rounded-rectangle sections (outer edge profile up,
across the top, down the cut-out, back along the underside), so the cut-out is real geometry, not a texture.
"""
from __future__ import annotations

import numpy as np

from ..geometry import _orient, _planar_uvs, Mesh, detail_level, lathe, merge, rng_for, rod, tube
from .. import finishes
from ..registry import Asset
from .casework import GAP, case, case_materials, drawer_heights, grid, styles


_RRECT: dict = {}
"""Per corner-step count: the corner angles' cosines and sines and the corners' signs (built once)."""


def rrect(cx, cy, hx, hy, r, z):
    """Float["K 3"]: a rounded rectangle at height ``z`` (counter-clockwise seen from above), corner radius ``r``;
    the same K for the same detail level, so sections of one solid line up."""
    n = max(2, int(round(3 * detail_level())))
    r = float(min(max(r, 1e-4), hx * 0.95, hy * 0.95))
    if n not in _RRECT:
        t = np.concatenate([np.linspace(a0, a0 + 0.5 * np.pi, n + 1) for a0 in (0.0, 0.5 * np.pi, np.pi, 1.5 * np.pi)])
        _RRECT[n] = (np.cos(t), np.sin(t), np.repeat([1.0, -1.0, -1.0, 1.0], n + 1), np.repeat([1.0, 1.0, -1.0, -1.0], n + 1))
    cos, sin, sx, sy = _RRECT[n]
    return np.stack([cx + sx * (hx - r) + r * cos, cy + sy * (hy - r) + r * sin, np.full(len(cos), float(z))], axis=1)


def ring_loop(rings, mat: int = 0) -> Mesh:
    """Closed solid of genus one: quads between consecutive sections of ``rings`` (Float["N K 3"], each a planar
    convex loop, the last joined back to the first). UVs are metric planar projections per face."""
    rings = np.asarray(rings, np.float64)
    n, k = rings.shape[:2]
    idx = np.arange(n * k).reshape(n, k)
    j2 = np.roll(np.arange(k), -1)
    i2 = np.roll(np.arange(n), -1)
    quads = np.stack([idx, idx[:, j2], idx[i2][:, j2], idx[i2]], axis=-1).reshape(-1, 4)
    verts = rings.reshape(-1, 3)
    uvs = _planar_uvs(verts[quads]).reshape(-1, 2)
    return _orient(Mesh(verts, quads.ravel(), np.full(len(quads), 4), uvs, mat, False))


def _edge_profile(t, e):
    """(inset, z) of a worktop edge ``t`` thick, rounded on top with radius ``e``, a 2 mm arris below."""
    prof = [(0.002, 0.0), (0.0, 0.002)]
    for a in np.linspace(0.0, 0.5 * np.pi, max(2, int(round(4 * detail_level()))) + 1):
        prof.append((e * (1 - np.cos(a)), t - e + e * np.sin(a)))
    return prof


def slab(w, d, z0, t, hole=None, mat=3, e=0.005):
    """Worktop ``w`` x ``d`` from ``z0`` to ``z0 + t`` with a rounded top edge; ``hole`` (cx, cy, hx, hy, r): a cut-out."""
    outer = [rrect(0.0, 0.0, w / 2 - i, d / 2 - i, 0.006 - i, z0 + z) for i, z in _edge_profile(t, e)]
    if hole is None:
        from ..geometry import loft
        return loft(outer, mat, smooth=False)
    cx, cy, hx, hy, r = hole
    return ring_loop(outer + [rrect(cx, cy, hx, hy, r, z0 + t), rrect(cx, cy, hx, hy, r, z0)], mat)


def sink(cx, cy, hx, hy, top, depth, mat):
    """Inset steel sink: a 15 mm flange 4 mm above the worktop (its underside 1 mm into it), a bowl with slightly
    drafted walls, 1.5 mm sheet, a 40 mm drain, and a strainer disc on the floor over it."""
    t, r = 0.0015, 0.035
    rings = [rrect(cx, cy, hx + 0.016, hy + 0.016, r + 0.016, top + 0.004),
             rrect(cx, cy, hx + 0.016, hy + 0.016, r + 0.016, top - 0.001),
             rrect(cx, cy, hx, hy, r, top - 0.001),
             rrect(cx, cy, hx - 0.01, hy - 0.01, r, top - depth),
             rrect(cx, cy, 0.02, 0.02, 0.019, top - depth),
             rrect(cx, cy, 0.02, 0.02, 0.019, top - depth + t),
             rrect(cx, cy, hx - 0.01 - t, hy - 0.01 - t, r - t, top - depth + t),
             rrect(cx, cy, hx - t, hy - t, r - t, top + 0.004)]
    bowl = ring_loop(rings, mat)
    bowl.smooth[:] = True
    z = top - depth + t
    strainer = lathe([(0, z - 0.0005), (0.034, z - 0.0005), (0.036, z + 0.002), (0.012, z + 0.004), (0, z + 0.004)], 24,
                     mat).transformed(offset=(cx, cy, 0))
    return [bowl, strainer]


def tap(x, y, z, reach, height, mat):
    """Gooseneck mixer tap standing at (x, y, z) on a worktop, its spout ``reach`` m towards -Y pointing down."""
    rr = reach / 2
    zc = z + height - rr
    a = np.linspace(0.0, np.pi, 13)
    path = np.concatenate([[(x, y, z + 0.03), (x, y, zc - 0.05)],
                           np.stack([np.full_like(a, x), y - rr + rr * np.cos(a), zc + rr * np.sin(a)], 1),
                           [(x, y - reach, zc - 0.04)]])
    return [rod((x, y, z - 0.002), (x, y, z + 0.05), 0.024, 20, mat, r1=0.021), tube(path, 0.011, 12, mat),
            rod((x + 0.012, y, z + 0.04), (x + 0.06, y + 0.03, z + 0.075), 0.005, 8, mat)]


def kitchen_counter3(seed, p):
    """Edition-3 kitchen counter: see the module docstring. Units about 60 cm wide; the unit under the sink has
    doors, the others a drawer over doors, a stack of three drawers or doors, with one door and handle style for
    the whole run."""
    g = rng_for(seed, "kitchen_counter", "shape", "e3")
    w, d = p["width"], p["depth"]
    h, wt = 0.9, round(float(g.uniform(0.028, 0.04)), 4)
    hu = h - wt
    units = max(1, int(round(w / 0.6)))
    du = d - 0.03
    span = w - 0.006
    uw = (span - 0.002 * (units - 1)) / units
    style, handle = styles(seed, "kitchen_counter")
    plinth, recess = float(g.uniform(0.1, 0.14)), float(g.uniform(0.05, 0.07))
    sink_unit = int(g.integers(0, units)) if p["sink"] else -1
    parts = []
    for k in range(units):
        kind = "doors" if k == sink_unit else ("drawer_doors", "drawers", "doors")[int(g.choice(3, p=[0.45, 0.3, 0.25]))]
        doors = 1 if uw < 0.55 else 2
        top_h = float(g.uniform(0.145, 0.175))

        def cells(x0, x1, z0, z1, kind=kind, doors=doors, top_h=top_h):
            if kind == "drawers":
                return grid(x0, x1, z0, z1, 1, drawer_heights(z1 - z0, 0.14, 0.3), "drawer")
            if kind == "doors":
                return grid(x0, x1, z0, z1, doors, [1.0], "door", 1 if k % 2 else -1)
            zs = z1 - top_h
            return (grid(x0, x1, z0, zs - GAP / 2, doors, [1.0], "door", 1 if k % 2 else -1)
                    + grid(x0, x1, zs + GAP / 2, z1, 1, [1.0], "drawer"))
        cx = -span / 2 + uw / 2 + k * (uw + 0.002)
        unit = case(uw, du, hu, cells, top="none", base="plinth", plinth=plinth, recess=recess, style=style,
                    handle=handle, at="high")
        parts += [m.transformed(offset=(cx, d / 2 - du / 2, 0.0)) for m in unit]
    surfaces = [{"lo": [-w / 2 + 0.03, -d / 2 + 0.03], "hi": [w / 2 - 0.03, d / 2 - 0.03], "z": h, "clear": 0.6}]
    hole = None
    if p["sink"]:
        sx = -span / 2 + uw / 2 + sink_unit * (uw + 0.002)
        hx = float(min(0.25, uw / 2 - 0.05))
        hy = float(min(0.21, d / 2 - 0.12))
        sy = -0.01
        parts += sink(sx, sy, hx, hy, h, float(g.uniform(0.17, 0.2)), 4)
        parts += tap(sx, sy + hy + 0.05, h, float(g.uniform(0.17, 0.22)), float(g.uniform(0.3, 0.38)), 4)
        hole = (sx, sy, hx + 0.002, hy + 0.002, 0.037)
        surfaces = [{"lo": [-w / 2 + 0.03, -d / 2 + 0.03], "hi": [sx - 0.3, d / 2 - 0.03], "z": h, "clear": 0.6},
                    {"lo": [sx + 0.3, -d / 2 + 0.03], "hi": [w / 2 - 0.03, d / 2 - 0.03], "z": h, "clear": 0.6}]
        surfaces = [s for s in surfaces if s["hi"][0] - s["lo"][0] > 0.2]
    parts.append(slab(w, d, h - wt, wt, hole))
    gm = rng_for(seed, "kitchen_counter", "mat", "e3")
    steel = {"kind": "metal", "params": {"base_color": [0.6, 0.6, 0.61], "metallic": 1.0, "roughness": 0.25,
                                         "scale": 400.0, "bump": 0.02, "brushed": 1.0, "painted": 0}}
    return Asset(merge(parts), tuple(case_materials(seed, "kitchen_counter")) + (finishes.worktop(gm), steel),
                 tuple(surfaces))
