"""Edition-3 wall shelf and wardrobe (bpy-free), built as a joiner builds them (issue #14: "real detail where the
object has it", "wood grain following the board").

* ``wall_shelf3``: one bevelled board (chamfered front edges and ends, the grain along it): a tapered floating
  shelf (a deep front edge thinning towards the wall, on a hidden fixing), or a board on two braced metal L
  brackets screwed to the wall, or on two wooden corbels; a third of the bracketed ones with a lip along the
  front. Its support surface is the board's real top, inside the lip.
* ``wardrobe3``: the ``casework.case`` carcass (sides, bottom, back, recessed kick board, overhanging top) with an
  ovolo cornice mitred round the front and sides under the top, frame-and-panel doors (two raised and fielded or
  flat recessed panels each, one door mirrored on some), long bars at hand height, a 3 mm gap between doors, and
  sometimes a row of drawers at the bottom.

Conventions as ``household.py`` (the shelf: back on the wall at y = 0) and ``casework.py`` (the wardrobe: slots 0
carcass, 1 fronts, 2 handles, 3 mirror).
"""
from __future__ import annotations

import numpy as np

from ..geometry import _seg, box, lathe, loft, merge, rbox, rng_for, rot_x
from .. import finishes
from ..materials import material
from ..registry import Asset
from .casework import BOARD, DOOR, GAP, _handle, board_uvs, case, case_materials, grid, styles
from .household import corbel
from .openings import _raised_panel
from .sewn import sweep


def _board(w, d, z0, t, front_t, bevel):
    """The shelf board along X, back at y = 0, underside from z0: ``front_t`` thick at the front thinning to ``t``
    at the wall (a plain board when equal), its front edges chamfered by ``bevel``, its ends chamfered too."""
    under_back = front_t - t                       # the underside rises from the front to the wall
    sec = np.array([(0.0, z0 + front_t), (-d + bevel, z0 + front_t), (-d, z0 + front_t - bevel), (-d, z0 + bevel),
                    (-d + bevel, z0), (-d + min(0.05, d * 0.3), z0), (0.0, z0 + under_back)])
    c = z0 + front_t / 2

    def ring(x, k):
        return np.stack([np.full(len(sec), x), sec[:, 0] * (1 - k / d), c + (sec[:, 1] - c) * (1 - 2 * k / front_t)], 1)
    return loft([ring(-w / 2, bevel), ring(-w / 2 + bevel, 0.0), ring(w / 2 - bevel, 0.0), ring(w / 2, bevel)], 0, smooth=False)


def _bracket(x, d, drop, bw, screws):
    """A metal L bracket at x: a flat strap on the wall (back at y = 0) from z = 0 up into the arm, the arm under
    the board (its underside at ``drop``), a flat diagonal brace between them, domed screw heads on the strap."""
    parts = [rbox((x - bw / 2, -0.004, 0.0), (x + bw / 2, 0.0, drop - 0.001), 0.0012, 1, mat=1),   # (its top in the arm)
             rbox((x - bw / 2, -d * 0.82, drop - 0.004), (x + bw / 2, -0.003, drop + 0.0005), 0.0012, 1, mat=1)]
    a, b = np.array([-0.0045, drop * 0.22]), np.array([-d * 0.55, drop - 0.003])
    L = float(np.linalg.norm(b - a))
    ang = float(np.arctan2(b[1] - a[1], b[0] - a[0]))
    brace = rbox((-bw * 0.35, -L / 2, -0.002), (bw * 0.35, L / 2, 0.002), 0.001, 1, mat=1)
    mid = (a + b) / 2
    parts.append(brace.transformed(rot_x(ang), (x, mid[0], mid[1])))
    head = lathe([(0, 0), (0.0045, 0), (0.0042, 0.0012), (0.0025, 0.0022), (0, 0.0025)], _seg(10, 4), 1)
    for z in screws:
        parts.append(head.transformed(rot_x(np.pi / 2), (x, -0.0035, z)))
    return parts


def wall_shelf3(seed, p):
    """Edition-3 wall shelf (see the module docstring); same parameters, footprint and mounting as edition 2's."""
    g = rng_for(seed, "wall_shelf", "shape", "e3")
    w, d, style = p["width"], p["depth"], int(p["style"])
    bevel = float(g.uniform(0.002, 0.004))
    if style == 0:      # floating: 36-48 mm at the front, thinning to the wall
        front_t = float(g.uniform(0.036, 0.048))
        t, drop = front_t * float(g.uniform(0.6, 0.8)), 0.0
    else:
        t = front_t = float(g.uniform(0.02, 0.028))
        drop = float(g.uniform(0.12, 0.17))
    board = _board(w, d, drop, t, front_t, bevel)
    top = drop + front_t
    parts = [board_uvs(board, 0).transformed(offset=(0.0, -0.0005, 0.0))]   # (its back 0.5 mm off the fixings' plane)
    inset = min(w * 0.2, 0.12)
    bw = float(g.uniform(0.018, 0.025))
    for sx in (-1, 1):
        x = sx * (w / 2 - inset)
        if style == 1:
            parts += _bracket(x, d, drop, bw, (drop * 0.45, drop * 0.8))
        elif style == 2:
            parts.append(corbel(x, d * 0.7, drop))
    lip = style != 0 and g.uniform() < 0.33
    front = -d + 0.015
    if lip:             # a rounded lip along the front, sunk 1 mm into the board
        lh = float(g.uniform(0.008, 0.014))
        parts.append(board_uvs(rbox((-w / 2 + 0.006, -d + 0.003, top - 0.001), (w / 2 - 0.006, -d + 0.015, top + lh), 0.004, 2, mat=0), 0))
        front = -d + 0.03
    m = merge(parts)
    m.verts[:, 1] -= m.verts[:, 1].max()
    wood = finishes.wood(rng_for(seed, "wall_shelf", "mat", "e3")) if g.uniform() < 0.7 else \
        finishes.paint(rng_for(seed, "wall_shelf", "mat", "e3"))
    metal = finishes.hardware(rng_for(seed, "wall_shelf", "mat", "metal", "e3"))
    surf = {"lo": [round(-w / 2 + 0.02, 4), round(front, 4)], "hi": [round(w / 2 - 0.02, 4), -0.015],
            "z": float(np.floor(top * 1e6) / 1e6), "clear": 0.38}
    return Asset(m, (wood, metal), (surf,))


# ------------------------------------------------------------------ wardrobe
def _cornice(xs, yc, yb, z0, hc, proj):
    """An ovolo cornice (a quarter-round under a fascia; a convex section) from z0 up 1.5 mm into the top, ``proj`` proud of the carcass's front (y = ``yc``) and its
    sides (x = +-``xs``), running back to ``yb``: three lengths (the grain along each) mitred at the front corners
    with a hairline joint; its inner part (16 mm) closes the opening over the doors and is buried in the sides."""
    f, th = hc * 0.7, np.linspace(0, np.pi / 2, _seg(6, 3) + 1)   # a quarter-round from the bottom out to a fascia
    prof = [(-0.016, 0.0)] + [(0.003 + (proj - 0.003) * np.sin(a), f * (1 - np.cos(a))) for a in th] \
        + [(proj, hc + 0.0015), (-0.016, hc + 0.0015)]
    o, z = np.array(prof).T
    z = z0 + z
    back, mitre = np.full(len(o), yb), yc - o
    one = np.zeros(1, np.int64)
    return [sweep(np.array([np.stack([-(xs + o), mitre, z], 1), np.stack([xs + o, mitre, z], 1)]), one, ("cornice3", 2, len(o)))] + [
        sweep(np.array([np.stack([sx * (xs + o), mitre + 0.0003, z], 1), np.stack([sx * (xs + o), back, z], 1)]), one, ("cornice3", 2, len(o)))
        for sx in (-1, 1)]


def _panel_door(cell, y_f, split, kind, handle, mirror):
    """A frame-and-panel door: rails and stiles the door's full thickness (the bottom rail wider), a middle rail at
    ``split`` of its height, and two panels: raised and fielded (``kind`` "raised") or flat and recessed ("flat");
    a mirrored door has one mirror (slot 3) in its frame instead. The bar on the opening stile at hand height."""
    x0, x1, z0, z1, _, opens = cell
    fs = float(min(0.08, 0.2 * (x1 - x0)))
    fb = fs * 1.3
    back = y_f + DOOR
    out = [board_uvs(rbox((x0 + 0.0003, y_f, za), (x1 - 0.0003, back, zb), 0.0015, 1, mat=1), 0)
           for za, zb in ((z0 + 0.0005, z0 + 0.0005 + fb), (z1 - 0.0005 - fs, z1 - 0.0005))]
    out += [board_uvs(rbox((xa, y_f + 0.0005, z0 + fb), (xb, back - 0.0005, z1 - fs), 0.0015, 1, mat=1), 2)
            for xa, xb in ((x0 + 0.0008, x0 + 0.0008 + fs), (x1 - 0.0008 - fs, x1 - 0.0008))]
    px0, px1 = x0 + 0.0008 + fs, x1 - 0.0008 - fs
    pz0, pz1 = z0 + 0.0005 + fb, z1 - 0.0005 - fs
    yc = y_f + DOOR / 2
    if mirror:
        out.append(box((px0 - 0.006, y_f + 0.006, pz0 - 0.006), (px1 + 0.006, y_f + 0.01, pz1 + 0.006), mat=3))
    else:
        zm = pz0 + split * (pz1 - pz0)
        out.append(board_uvs(rbox((px0 - 0.001, y_f + 0.001, zm - fs / 2), (px1 + 0.001, back - 0.001, zm + fs / 2), 0.0015, 1, mat=1), 0))
        for za, zb in ((pz0, zm - fs / 2), (zm + fs / 2, pz1)):
            if kind == "raised":
                out.append(_raised_panel(px0, px1, za, zb, 0.0065, 0.0025, float(min(0.03, (px1 - px0) * 0.12)), 1)
                           .transformed(offset=(0.0, yc, 0.0)))
            else:
                out.append(board_uvs(box((px0 - 0.006, yc - 0.003, za - 0.006), (px1 + 0.006, yc + 0.003, zb + 0.006), mat=1), 2))
    sc = x1 - 0.0008 - fs / 2 if opens > 0 else x0 + 0.0008 + fs / 2
    return out + _handle(handle, (sc - 0.035, sc + 0.035, z0, z1, "door", opens), y_f, "mid", 2)


def wardrobe3(seed, p):
    """Edition-3 wardrobe (see the module docstring); same parameters and outer bounds as edition 2's (the top
    spans the width and depth; the cornice stays under its overhang)."""
    g = rng_for(seed, "wardrobe", "shape", "e3")
    w, d, h = p["width"], p["depth"], p["height"]
    n = 2 if w < 1.3 else 3
    top_t, proj, hc = float(g.uniform(0.022, 0.03)), float(g.uniform(0.016, 0.026)), float(g.uniform(0.06, 0.1))
    over = proj + 0.006
    kind = ("raised", "flat")[int(g.integers(0, 2))]
    mirror = int(g.integers(0, 2)) if n == 2 else 1
    mirror = mirror if g.uniform() < 0.3 else -1
    split = float(g.uniform(0.3, 0.4))
    drawers = (h > 1.95 and g.uniform() < 0.4)
    dh = float(g.uniform(0.18, 0.24))
    _, handle = styles(seed, "wardrobe")
    handle = "knob" if handle == "knob" else "bar"
    row = (1 if w < 1.0 else 2) if drawers else 0

    def cells(x0, x1, z0, z1):
        z1 -= hc                                           # the doors stop under the cornice
        if not drawers:
            return grid(x0, x1, z0, z1, n, [1.0], "door")
        return grid(x0, x1, z0, z0 + dh, row, [1.0], "drawer") + grid(x0, x1, z0 + dh + GAP, z1, n, [1.0], "door")

    def door(cell, y_f, style, glazed, hd, at):
        return _panel_door(cell, y_f, split, kind, hd, glazed)
    plinth = float(g.uniform(0.07, 0.11))
    parts = case(w, d, h, cells, top="over", base="plinth", plinth=plinth, recess=float(g.uniform(0.03, 0.05)), top_t=top_t,
                 handle=handle, at="mid", glazed=(row + mirror,) if mirror >= 0 else (), over_front=over, over_side=over,
                 door=door)
    xs = w / 2 - over
    parts += _cornice(xs, -d / 2 + over, d / 2 - 0.004, h - top_t - hc, hc, proj)
    body, front, metal = case_materials(seed, "wardrobe")
    return Asset(merge(parts), (body, front, metal, material("mirror", rng_for(seed, "wardrobe", "mat", "mirror", "e3"))))
