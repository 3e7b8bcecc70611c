"""Edition-3 cutting board and coffee table (bpy-free).

Cutting board: a board with corners rounded in plan (a superellipse), its edges rounded above and below, a
hanging hole (round or a slot) with chamfered edges near one end and, on some, a juice groove round the top. Grain
runs along its length: natural wood, glued edge-grain strips of one or two alternating woods or an end-grain
checker of square blocks showing their growth rings (the ``butcher_block`` kind), or a plastic board. Coffee table: four legs with aprons and a lower shelf housed in the legs (``joinery.table3``), or two
sled frames (a closed loop of square section at each end) carrying a lower shelf, under a top with a profiled edge;
natural wood, the sleds in wood or metal. Same conventions as the factories: origin at the footprint centre on
the floor (or under the board), front -Y.
"""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _orient, _seg, merge, rbox, rng_for, rot_z
from .. import finishes
from ..materials import material
from ..registry import Asset
from .casework import board_uvs
from .parts import rect_ring


def _ray_superellipse(cx, th, a, b, n):
    """Distance along each ray from (cx, 0) at angles ``th`` to the superellipse |x/a|^n + |y/b|^n = 1."""
    lo, hi = np.zeros_like(th), np.full_like(th, 2 * (a + b))
    for _ in range(34):                  # 2 (a + b) / 2^34: under a nanometre
        r = (lo + hi) / 2
        f = np.abs((cx + r * np.cos(th)) / a) ** n + np.abs(r * np.sin(th) / b) ** n
        lo, hi = np.where(f < 1, r, lo), np.where(f < 1, hi, r)
    return (lo + hi) / 2


def loops_ring(loops, mat: int = 0) -> Mesh:
    """A closed ring solid through ``loops`` (Float["K N 3"]: K closed contours of N points each, taken in order
    round the ring's cross-section, the last joined back to the first)."""
    L = np.asarray(loops, np.float64)
    K, N = L.shape[:2]
    i = np.arange(N)[None, :]
    j = np.arange(K)[:, None]
    quads = np.stack([j * N + i, j * N + (i + 1) % N, ((j + 1) % K) * N + (i + 1) % N, ((j + 1) % K) * N + i], -1).reshape(-1, 4)
    verts = L.reshape(-1, 3)
    uvs = verts[quads.ravel()][:, :2]
    return _orient(Mesh(verts, quads.ravel(), np.full(len(quads), 4), uvs, mat, False))


def cutting_board3(seed, p):
    """Edition-3 cutting board (see the module's docstring)."""
    g = rng_for(seed, "cutting_board", "shape", "e3")
    w, d, t = p["width"], p["depth"], p["thickness"]
    a, b = w / 2, d / 2
    n = float(g.uniform(5.0, 9.0))                   # the squareness of the corners (higher: tighter corners)
    c = min(0.004, t * 0.22)                         # the chamfers
    slot = g.uniform() < 0.45
    hr = float(g.uniform(0.009, 0.014))
    hx = a - 0.045 - (0.02 if slot else 0.0)         # the hole's centre, near the +X end
    groove = g.uniform() < 0.5
    N = _seg(96, 32)
    th = np.linspace(0, 2 * np.pi, N + 1)[:-1]

    def outer(o, z):
        r = _ray_superellipse(hx, th, a - o, b - o, n)
        return np.stack([hx + r * np.cos(th), r * np.sin(th), np.full(N, z)], 1)

    def hole(o, z):      # a circle, or a slot (a stadium 2.5 hole radii long across the board)
        ys = np.sign(np.sin(th)) * hr * 1.25 if slot else 0.0      # a slot: the half-circles 2.5 radii apart
        return np.stack([hx + (hr + o) * np.cos(th), (hr + o) * np.sin(th) + ys, np.full(N, z)], 1)

    k = _seg(4, 2)         # the edges rounded (a quarter circle of radius c), the hole's chamfered
    arc = np.linspace(0, np.pi / 2, k + 1)
    loops = ([outer(c - c * np.sin(x), t - c + c * np.cos(x)) for x in arc] + [outer(c - c * np.cos(x), c - c * np.sin(x)) for x in arc]
             + [hole(c, 0), hole(0, c), hole(0, t - c), hole(c, t)])
    if groove:   # a juice groove round the top: 9 mm wide, 3 mm deep, 15 mm in from the edge, rounded in section
        gw, gd, gi = 0.009, min(0.003, t * 0.2), 0.015
        for k, ang in enumerate(np.linspace(0, np.pi, 5)):
            loops.append(outer(gi + gw - gw * k / 4, t - gd * np.sin(ang)))
    m = loops_ring(loops, 0)
    board_uvs(m, 0 if w >= d else 1)                 # the grain along the board's length
    gm = rng_for(seed, "cutting_board", "mat", "e3")
    u = gm.uniform()
    if u < 0.35:
        desc = finishes.wood(gm)
    elif u < 0.8:     # glued strips along the board (edge grain), or an end-grain checker of square blocks
        wd = finishes.wood(gm)
        pw = round(float(gm.uniform(0.025, 0.045)), 4)
        end = gm.uniform() < 0.35
        g2 = rng_for(seed, "cutting_board", "mat", "e3", "second")
        if g2.uniform() < 0.65:      # two woods alternating: a contrasting species (dark with light)
            dark = wd["params"]["finish"] in ("walnut", "cherry")
            w2 = finishes.wood(g2, ("ash", "oak")[int(g2.integers(0, 2))] if dark else ("walnut", "cherry")[int(g2.integers(0, 2))])
        else:                        # one wood, its blocks or strips a little lighter or darker
            w2 = {"params": {"base_color": [round(c * 0.82, 4) for c in wd["params"]["base_color"]],
                             "color2": [round(c * 0.82, 4) for c in wd["params"]["color2"]], "finish": wd["params"]["finish"]}}
        desc = {"kind": "butcher_block", "params": {
            "base_color": wd["params"]["base_color"], "color2": wd["params"]["color2"], "color3": w2["params"]["base_color"],
            "color4": w2["params"]["color2"], "style": 0 if end else 1, "block": pw,
            "rings": round(float(g2.uniform(180.0, 320.0)), 2), "roughness": round(float(g2.uniform(0.45, 0.65)), 4),
            "seam": 0.0006, "finish": ("end_grain_" if end else "strips_") + wd["params"]["finish"] +
            ("" if w2["params"]["finish"] == wd["params"]["finish"] else "_" + w2["params"]["finish"])}}
    else:
        col = ((0.82, 0.82, 0.8), (0.1, 0.3, 0.12), (0.4, 0.05, 0.04), (0.03, 0.03, 0.03))[int(gm.integers(0, 4))]
        desc = {"kind": "plastic", "params": {"base_color": list(col), "roughness": 0.55, "finish": "hdpe"}}
    return Asset(m, (desc,))


def _sled(xc, half_y, z1, b, mat):
    """A sled frame at x = ``xc``: a closed loop of ``b`` x ``b`` section in the YZ plane, ``half_y`` either side of
    the middle, from the floor up to ``z1``."""
    ring = rect_ring([(-half_y, half_y, 0.0, z1, -b / 2), (-half_y, half_y, 0.0, z1, b / 2),
                      (-half_y + b, half_y - b, b, z1 - b, b / 2), (-half_y + b, half_y - b, b, z1 - b, -b / 2)], mat)
    return ring.transformed(rot_z(np.pi / 2), (xc, 0.0, 0.0))


def coffee_table3(seed, p):
    """Edition-3 coffee table (see the module's docstring): four legs with aprons and a lower shelf, or two sled
    frames with a shelf on cross rails between them, under a top with a profiled edge; natural wood."""
    from .joinery import profiled_top, table3
    g = rng_for(seed, "coffee_table", "shape", "e3")
    w, d, h = p["width"], p["depth"], p["height"]
    tt = round(float(g.uniform(0.025, 0.045)), 4)
    gm = rng_for(seed, "coffee_table", "mat", "e3")
    wood = finishes.wood(gm)
    if g.uniform() < 0.55:
        base, _ = table3(seed, {"width": w, "depth": d, "height": h, "top_thickness": tt, "pedestal": 0, "shelf": 1})
        return Asset(base.mesh, (wood,), base.surfaces)
    metal = g.uniform() < 0.6
    b = float(g.uniform(0.022, 0.032)) if metal else float(g.uniform(0.035, 0.045))
    rc = float(g.uniform(0.004, 0.03))
    profile = ("bevel", "bullnose", "round")[int(g.integers(0, 3))]
    parts = [profiled_top(w, d, h - tt, tt, rc, profile, 0)]
    inset = float(g.uniform(0.05, 0.1))
    xs, hy = w / 2 - inset - b / 2, d / 2 - float(g.uniform(0.03, 0.06))
    zs = float(g.uniform(0.1, 0.16))
    for sx in (-1, 1):
        parts.append(_sled(sx * xs, hy, h - tt + 0.003, b, 1))        # its top member 3 mm into the top
        # a cross rail under the shelf, its ends in the sled's legs, 1 mm narrower than the sled each side
        parts.append(board_uvs(rbox((sx * xs - b / 2 + 0.001, -hy + b - 0.004, zs - b * 0.8), (sx * xs + b / 2 - 0.001, hy - b + 0.004, zs + 0.002),
                                    0.002, 1, 1), 1))
    parts.append(board_uvs(rbox((-xs - b / 2 + 0.003, -hy + b / 2, zs), (xs + b / 2 - 0.003, hy - b / 2, zs + 0.018), 0.002, 1, 0),
                           0 if w >= d else 1))
    sled = finishes.hardware(gm) if metal else wood
    flat = max(0.02, tt / 2 + 0.003, rc * 0.3 + 0.003)
    surf = ({"lo": [-w / 2 + flat, -d / 2 + flat], "hi": [w / 2 - flat, d / 2 - flat], "z": h, "clear": 1.2},)
    return Asset(merge(parts), (wood, sled), surf)
