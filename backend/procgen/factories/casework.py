"""Edition-3 case furniture (bpy-free): the carcass construction shared by the cabinet (and so the nightstand,
TV stand, wardrobe, vanity and the desk's drawer pedestal), kitchen base units and wall cabinets.

A case is built the way a cabinet maker builds one: two side panels (18 mm, their front edges visible), a bottom
board, a back panel housed in the sides, a top that overhangs the sides and the fronts with a rounded edge (or an
inset top board, or none under a worktop), and a recessed plinth: a kick board set back between the sides. The
fronts (doors and drawers) sit between the sides, each separated from its neighbours and the carcass by a 3 mm
shadow gap; doors are slab or frame-and-panel (Shaker), drawers are slabs in real proportions (14-30 cm high, the
width of the unit or half of it); handles stand off the fronts: bar pulls on two posts, knobs or cup pulls.

Parts either overlap (one surface buried in the other, never coplanar) or stand apart. Slots: 0 carcass, 1 fronts,
2 handles, 3 glass (glazed doors only). Same conventions as furniture.py: origin at the footprint centre on the
floor, front -Y.
"""
from __future__ import annotations

import numpy as np

from ..geometry import box, face_starts, loft, merge, rbox, rng_for
from .. import finishes
from ..registry import Asset
from .furniture import _knob, _pull

GAP = 0.003
"""Shadow gap between fronts, and between a front and the carcass (m)."""
BOARD = 0.018
DOOR = 0.019


def board_uvs(m, axis: int):
    """Metric planar UVs in place, u along ``axis`` (0 x, 1 y, 2 z) on every face whose plane contains it (the
    grain of a board or a leg), v along the remaining in-plane axis."""
    starts = face_starts(m)
    nxt = lambda k: m.verts[m.corners[starts + k]]
    n = np.cross(nxt(1) - nxt(0), nxt(2) - nxt(0))
    drop = np.argmax(np.abs(n), axis=1)
    u_ax = np.where(drop == axis, (axis + 1) % 3, axis)
    v_ax = 3 - drop - u_ax
    face = np.repeat(np.arange(len(m.sizes)), m.sizes)
    p = m.verts[m.corners]
    m.uvs = np.stack([p[np.arange(len(p)), u_ax[face]], p[np.arange(len(p)), v_ax[face]]], axis=1)
    return m


def _board(lo, hi, mat=0):
    """A plain box whose grain (UV u) runs along its longest side."""
    return board_uvs(box(lo, hi, mat), int(np.argmax(np.subtract(hi, lo))))


def grid(x0, x1, z0, z1, cols, heights, kind, opens=1):
    """Cells [(x0, x1, z0, z1, kind, opens)] of ``cols`` columns by rows of relative ``heights`` (bottom first),
    GAP apart inside the region. ``opens`` is the side a door opens on (+1 right, -1 left: the handle's side):
    ``opens`` for a single column; doors side by side open towards the middle, so a pair's handles meet there."""
    xs = np.linspace(x0, x1, cols + 1)
    hs = np.asarray(heights, np.float64)
    zs = z0 + np.concatenate([[0.0], np.cumsum(hs / hs.sum())]) * (z1 - z0)
    out = []
    for i in range(cols):
        a = xs[i] + (GAP / 2 if i > 0 else 0.0)
        b = xs[i + 1] - (GAP / 2 if i < cols - 1 else 0.0)
        side = (1 if i < cols / 2 else -1) if cols > 1 else opens
        for j in range(len(hs)):
            c = zs[j] + (GAP / 2 if j > 0 else 0.0)
            e = zs[j + 1] - (GAP / 2 if j < len(hs) - 1 else 0.0)
            out.append((float(a), float(b), float(c), float(e), kind, side))
    return out


def drawer_heights(total: float, lo: float = 0.14, hi: float = 0.3):
    """Relative heights of a drawer stack filling ``total`` m, graduated (deeper at the bottom), each front
    between ``lo`` and ``hi`` m where the height allows."""
    n = int(np.clip(round(total / 0.2), 1, 6))
    while n > 1 and total / n < lo:
        n -= 1
    while total / n > hi and n < 6:
        n += 1
    w = np.linspace(1.25, 1.0, n) if n > 1 else np.ones(1)
    return list(w)


def _cup(x, z, y_face, length, mat):
    """Cup (hood) pull: a half-round shell bulging 16 mm out of the front, its back sunk 2 mm into it."""
    hc, bo = 0.028, 0.016
    th = np.linspace(np.pi / 2, -np.pi / 2, 9)
    sec = [(0.002, hc / 2)] + [(-bo * np.cos(t), hc / 2 * np.sin(t)) for t in th] + [(0.002, -hc / 2)]
    sec = np.array(sec)
    rings = []
    for u in np.linspace(-1, 1, 7):
        s = 0.45 + 0.55 * np.sqrt(max(0.0, 1 - u * u))
        rings.append(np.stack([np.full(len(sec), x + u * length / 2), y_face + np.where(sec[:, 0] > 0, 0.002, sec[:, 0] * s),
                               z + sec[:, 1] * s], axis=1))
    return loft(rings, mat)


def _handle(style, cell, y_face, at, mat):
    x0, x1, z0, z1, kind, opens = cell
    w, hgt = x1 - x0, z1 - z0
    if kind == "drawer":
        zc = (z0 + z1) / 2 if hgt < 0.22 else z1 - 0.08
        if style == "knob":
            xs = ((x0 + x1) / 2,) if w < 0.5 else (x0 + w * 0.25, x0 + w * 0.75)
            return [_knob(x, zc, y_face, 0.015, mat) for x in xs]
        if style == "cup":
            xs = ((x0 + x1) / 2,) if w < 0.8 else (x0 + w * 0.25, x0 + w * 0.75)
            return [_cup(x, zc, y_face, 0.085, mat) for x in xs]
        return _pull((x0 + x1) / 2, zc, y_face, float(np.clip(w * 0.4, 0.096, 0.32)), False, mat)
    hx = x1 - 0.035 if opens > 0 else x0 + 0.035
    length = float(np.clip(hgt * 0.35, 0.096, 0.32 if hgt > 1.2 else 0.2))
    hz = {"high": z1 - 0.06 - length / 2, "low": z0 + 0.06 + length / 2, "mid": min(z1 - 0.1 - length / 2, 1.05)}[at]
    if style == "knob":
        return [_knob(hx, z1 - 0.07 if at == "high" else (z0 + 0.07 if at == "low" else hz), y_face, 0.015, mat)]
    return _pull(hx, hz, y_face, length, True, mat)


def _door(cell, y_f, style, glazed, handle, at):
    """One door: slab, or Shaker (a frame of rails and stiles 5 mm proud of the panel board), or a frame round a
    glass pane. The handle sits on the frame (or the slab) at its opening edge."""
    x0, x1, z0, z1 = cell[:4]
    fs = float(min(0.065, 0.2 * min(x1 - x0, z1 - z0)))
    out = []
    if style == "slab" and not glazed:
        out.append(rbox((x0, y_f, z0), (x1, y_f + DOOR, z1), 0.002, 2, mat=1))
        return out + _handle(handle, cell, y_f, at, 2)
    back = y_f + DOOR
    if glazed:
        out.append(box((x0 + fs - 0.006, y_f + 0.008, z0 + fs - 0.006), (x1 - fs + 0.006, y_f + 0.012, z1 - fs + 0.006), mat=3))
        ry, sy = (y_f, back), (y_f + 0.0005, back - 0.0005)
    else:
        out.append(rbox((x0, y_f + 0.005, z0), (x1, back, z1), 0.0015, 1, mat=1))   # the panel board
        ry, sy = (y_f, y_f + 0.0055), (y_f + 0.0005, y_f + 0.006)
    for za, zb in ((z0 + 0.0005, z0 + 0.0005 + fs), (z1 - 0.0005 - fs, z1 - 0.0005)):          # rails, full width
        out.append(rbox((x0 + 0.0005, ry[0], za), (x1 - 0.0005, ry[1], zb), 0.0015, 1, mat=1))
    for xa, xb in ((x0 + 0.001, x0 + 0.001 + fs), (x1 - 0.001 - fs, x1 - 0.001)):              # stiles between them
        out.append(rbox((xa, sy[0], z0 + fs), (xb, sy[1], z1 - fs), 0.0015, 1, mat=1))
    sc = x1 - 0.001 - fs / 2 if cell[5] > 0 else x0 + 0.001 + fs / 2     # the opening stile's centre
    hx_cell = (sc - 0.035, sc + 0.035, z0, z1, "door", cell[5])
    return out + _handle(handle, hx_cell, sy[0], at, 2)


def case(w, d, h, cells, *, top="over", base="plinth", plinth=0.08, recess=0.035, top_t=0.025, style="shaker",
         handle="bar", at="high", glazed=(), over_front=0.018, over_side=0.012, door=None):
    """The parts of one case ``w`` x ``d`` x ``h`` (top surface at ``h``). ``cells(fx0, fx1, fz0, fz1)`` lays the
    fronts out in the opening between the sides, the bottom board and the top (see ``grid``).

    top: "over" (a top board overhanging sides and fronts, rounded edge), "inset" (a top board between the sides,
    its edge visible like the sides'), "none" (under a worktop: the sides reach 2 mm into it). base: "plinth" (the
    sides stand on the floor, a kick board ``recess`` m behind their front edges) or "none" (hung). ``door``: the
    builder of a door cell, called as ``_door`` is (default ``_door``)."""
    if top != "over":
        over_front = over_side = 0.0
    xs = w / 2 - over_side
    xi = xs - BOARD
    yc = -d / 2 + over_front                      # the sides' front edges
    y_f = yc - 0.002                              # door faces, 2 mm proud of them
    yb = d / 2                                    # back
    r = 0.0015
    side_top = {"over": h - top_t + 0.002, "inset": h, "none": h + 0.002}[top]
    parts = []
    for sx in (-1, 1):
        a, b = sorted((sx * xs, sx * xi))
        parts.append(rbox((a, yc, 0.0), (b, yb - 0.001, side_top), r, 1))
    zb0 = plinth if base == "plinth" else 0.001
    zb1 = zb0 + BOARD if base == "plinth" else BOARD
    parts.append(rbox((-xi - 0.002, yc + 0.001, zb0), (xi + 0.002, yb - 0.004, zb1), r, 1))          # bottom
    if base == "plinth":
        parts.append(_board((-xi - 0.0015, yc + recess, 0.003), (xi + 0.0015, yc + recess + 0.016, plinth + 0.001)))
    if top == "over":
        parts.append(rbox((-w / 2, -d / 2, h - top_t), (w / 2, d / 2, h), float(min(0.008, top_t * 0.35)), 3))
        z_top = h - top_t
    elif top == "inset":
        parts.append(rbox((-xi - 0.0025, yc + 0.001, h - BOARD), (xi + 0.0025, yb - 0.004, h - 0.001), r, 1))
        z_top = h - BOARD
    else:
        z_top = h
    bp = yb - 0.002
    parts.append(_board((-xi - 0.003, bp - 0.006, zb0 + 0.002), (xi + 0.003, bp, z_top + 0.001 if top != "none" else h - 0.002)))
    fx0, fx1, fz0, fz1 = -xi + GAP, xi - GAP, zb1 + GAP, z_top - GAP
    for k, cell in enumerate(cells(fx0, fx1, fz0, fz1)):
        if cell[4] == "drawer":
            x0, x1, z0, z1 = cell[:4]
            parts.append(rbox((x0, y_f, z0), (x1, y_f + DOOR, z1), 0.002, 2, mat=1))
            parts += _handle(handle, cell, y_f, at, 2)
        else:
            parts += (door or _door)(cell, y_f, style, k in glazed, "knob" if handle == "knob" else "bar", at)
    return parts


def case_materials(seed, name):
    """(carcass, fronts, handles): a natural wood or a furniture paint; the fronts the same finish, or (a third
    of the time) a contrasting one (painted fronts on a wood carcass, wood fronts on a painted one)."""
    g = rng_for(seed, name, "mat", "e3")
    body = finishes.furniture(g)
    if g.uniform() < 0.67:
        front = body
    else:
        front = finishes.paint(g) if body["kind"] == "wood" else finishes.wood(g)
    return body, front, finishes.hardware(g)


def styles(seed, name):
    """(door style, handle style) for one piece."""
    g = rng_for(seed, name, "style", "e3")
    return ("shaker" if g.uniform() < 0.55 else "slab"), ("bar", "knob", "cup")[int(g.choice(3, p=[0.55, 0.2, 0.25]))]


def cabinet3(seed, p):
    """Edition-3 cabinet / sideboard / nightstand / wardrobe: see the module docstring. Drawer units get a stack
    of full-width drawers (two columns past 0.9 m); door units a row of drawers above the doors on most
    sideboards; tall units (wardrobes) doors to the top with long bars at hand height."""
    g = rng_for(seed, "cabinet", "shape", "e3")
    w, d, h, n = p["width"], p["depth"], p["height"], p["doors"]
    plinth = float(g.uniform(0.05, 0.1))
    top_t = float(g.uniform(0.02, 0.032))
    style, handle = styles(seed, "cabinet")
    tall = h > 1.4
    opening = h - top_t - plinth - BOARD - 2 * GAP
    if p["drawers"]:
        cols = max(1, min(n, int(w // 0.45)))
        heights = drawer_heights(opening)

        def cells(x0, x1, z0, z1):
            return grid(x0, x1, z0, z1, cols, heights, "drawer")
    else:
        top_row = (not tall) and opening > 0.45 and g.uniform() < 0.5
        dh = float(g.uniform(0.13, 0.17))
        opens = 1 if g.uniform() < 0.5 else -1

        def cells(x0, x1, z0, z1):
            if not top_row:
                return grid(x0, x1, z0, z1, n, [1.0], "door", opens)
            zs = z1 - dh
            return grid(x0, x1, z0, zs - GAP / 2, n, [1.0], "door", opens) + grid(x0, x1, zs + GAP / 2, z1, n, [1.0], "drawer")
    parts = case(w, d, h, cells, top="over", base="plinth", plinth=plinth, recess=float(g.uniform(0.025, 0.045)),
                 top_t=top_t, style=style, handle=handle, at="mid" if tall else "high")
    surf = ({"lo": [-w / 2 + 0.02, -d / 2 + 0.02], "hi": [w / 2 - 0.02, d / 2 - 0.02], "z": h, "clear": 0.9},)
    return Asset(merge(parts), case_materials(seed, "cabinet"), surf)


def wall_cabinet3(seed, p):
    """Edition-3 wall cabinet (origin at its bottom): hung carcass with inset top and bottom boards, doors between
    the sides with shadow gaps, handles near the bottom edge; sometimes one glazed frame door."""
    g = rng_for(seed, "wall_cabinet", "shape", "e3")
    w, h, d, n = p["width"], p["height"], p["depth"], p["doors"]
    style, handle = styles(seed, "wall_cabinet")
    glazed = int(g.integers(0, n + 2))
    opens = 1 if g.uniform() < 0.5 else -1
    parts = case(w, d, h, lambda x0, x1, z0, z1: grid(x0, x1, z0, z1, n, [1.0], "door", opens), top="inset",
                 base="none", style=style, handle="knob" if handle == "knob" else "bar", at="low",
                 glazed=(glazed,) if glazed < n else ())
    body, front, metal = case_materials(seed, "wall_cabinet")
    return Asset(merge(parts), (body, front, metal, {"kind": "glass", "params": {
        "base_color": [0.9, 0.92, 0.9], "roughness": 0.02, "ior": 1.5, "transmission": 1.0}}))
