"""Edition-3 door and window (bpy-free): joinery as it is built.

Door: the lining of edition 2, stop beads the leaf closes against, a moulded architrave round the opening on
both wall faces (mitred at the head, its back 2 mm into the wall), and a leaf of real construction: stiles and
rails with raised and fielded panels between them (four or six panels), a flush slab, or a half-glazed leaf with
glazing bars; butt hinges on the hinge edge, lever handles on roses or backplates with a keyhole escutcheon on
both faces. Window: a frame with a stepped section (an outside lip the sashes close against), mullions and a
transom, sashes with a bevelled inner edge, glass 6 mm thick, glazing bars, a handle or a sash catch, a sill
board inside with an apron under its nosing and a sloped sill outside.

The outer bounds of edition 2 are kept for the same params (the planner fits both into wall openings): the door's
lining fills the opening, its leaf is hung from the same hinge line and swings by ``open_angle`` as before; the
window's lowest point is 30 mm under the opening and its horns reach 40 mm past it. Every part is a closed shell
sunk into its neighbour or clear of it (no faces laid on faces). Same conventions as interior.py.
"""
from __future__ import annotations

import numpy as np

from ..geometry import lathe, loft, merge, rbox, rng_for, rot_align_z, rot_z
from .. import finishes
from ..materials import material
from ..registry import Asset
from .casework import board_uvs
from .parts import bar, rect_ring

JT = 0.03          # lining thickness (as edition 2)
ARCHITRAVE_REACH = 0.066
"""How far a door's architrave reaches past each side of the opening over the wall (m)."""
PLINTH_H = 0.095   # the architrave's plinth blocks: taller than a room's skirting (layout: 8 cm), in front of it
LT = 0.04          # leaf thickness


def _casing_profile(cw: float, ct: float, k: int = 4):
    """A convex architrave section [(o, t)]: o across from the opening's edge (0) outwards, t out from the wall;
    a back band at the outer edge, a rounded face falling to a thin inner edge."""
    pts = [(0.0, 0.0), (cw, 0.0), (cw, ct), (cw - 0.008, ct)]
    for a in np.linspace(0.0, np.pi / 2, k + 1)[1:]:
        pts.append(((cw - 0.008) * (1 - np.sin(a)), ct * 0.55 + ct * 0.45 * np.cos(a)))
    return np.array(pts)


def architrave(w: float, h: float, face_y: float, sy: int, cw: float, ct: float, mat: int = 0):
    """Legs and head of an architrave round an opening ``w`` x ``h`` on the wall face at ``face_y`` (facing ``sy``
    = -1 for -Y); mitred at the head, each leg's mitre 0.7 mm short of the head's (a joint, not shared faces). It
    reaches ARCHITRAVE_REACH past the opening's sides; its legs stand on plinth blocks held 15.5 mm off the wall,
    so a room's skirting (14 mm) runs behind them to the opening."""
    prof = _casing_profile(cw, ct)
    xi, zi = w / 2 - 0.004, h - 0.004           # the inner edges: a 4 mm lip over the lining
    y = face_y + sy * (0.0005 + prof[:, 1])     # the back 0.5 mm off the wall (clear of it and of the lining)
    o = prof[:, 0]
    out = []
    for sx in (-1, 1):
        x = sx * (xi + o)
        bottom = np.stack([x, y, np.full_like(o, PLINTH_H - 0.007)], 1)    # 7 mm into the plinth block
        top = np.stack([x, y, zi + o - 0.0007], 1)
        out.append(board_uvs(loft([bottom, top], mat, smooth=False), 2))
        # a plinth block at the foot, standing 15.5 mm off the wall: a room's skirting runs behind it, up to the opening
        x0, x1 = sorted((sx * (xi - 0.002), sx * (xi + cw + 0.004)))
        y0, y1 = sorted((face_y + sy * 0.0155, face_y + sy * (0.0155 + ct + 0.004)))
        out.append(board_uvs(rbox((x0, y0, 0.0015), (x1, y1, PLINTH_H), 0.0025, 1, mat), 2))
    left = np.stack([-(xi + o), y, zi + o], 1)
    right = np.stack([xi + o, y, zi + o], 1)
    out.append(board_uvs(loft([left, right], mat, smooth=False), 0))
    return out


def _raised_panel(x0, x1, z0, z1, tf, te, bevel, mat):
    """A raised and fielded panel filling (x0..x1, z0..z1) of a frame and 6 mm into it: a field ``2 tf`` thick,
    bevelled on both faces down to an edge ``2 te`` thick."""
    rings = []
    for y, grow in ((-tf, -bevel), (-te, 0.006), (te, 0.006), (tf, -bevel)):
        rings.append([(x0 - grow, y, z0 - grow), (x1 + grow, y, z0 - grow), (x1 + grow, y, z1 + grow), (x0 - grow, y, z1 + grow)])
    return board_uvs(loft(rings, mat, smooth=False), 2 if z1 - z0 > x1 - x0 else 0)


def _lever(x, z, face_y, sy, plate: bool, mat: int):
    """A lever handle on a rose (or a backplate) on the leaf face at ``face_y`` facing ``sy``, pointing -X (towards
    the hinge), with a keyhole escutcheon under it."""
    out_dir = np.array([0.0, float(sy), 0.0])
    R = rot_align_z(out_dir)
    base = np.array([x, face_y - sy * 0.001, z])
    parts = []
    if plate:
        y0, y1 = sorted((face_y - sy * 0.001, face_y + sy * 0.006))
        parts.append(rbox((x - 0.022, y0, z - 0.13), (x + 0.022, y1, z + 0.05), 0.003, 2, mat))
        neck0 = 0.006
    else:
        rose = lathe([(0, 0), (0.026, 0), (0.026, 0.005), (0.021, 0.009), (0, 0.009)], 24, mat)
        parts.append(rose.transformed(R, base))
        esc = lathe([(0, 0), (0.016, 0), (0.016, 0.004), (0.012, 0.006), (0, 0.006)], 16, mat)
        parts.append(esc.transformed(R, base + np.array([0.0, 0.0, -0.075])))
        neck0 = 0.008
    neck = lathe([(0, 0), (0.009, 0), (0.009, 0.05), (0.0, 0.058)], 16, mat)
    parts.append(neck.transformed(R, base + out_dir * (neck0 - 0.002)))
    yb = face_y + sy * (neck0 + 0.045)
    parts.append(bar((x + 0.004, yb, z), (x - 0.125, yb + sy * 0.008, z - 0.004), 0.0075, mat))
    if plate:   # a keyhole cover standing on the plate
        key = lathe([(0, 0), (0.006, 0), (0.006, 0.004), (0.004, 0.006), (0, 0.006)], 12, mat)
        parts.append(key.transformed(R, base + out_dir * 0.005 + np.array([0.0, 0.0, -0.085])))
    return parts


def door_leaf(g, lw: float, lh: float, z0: float, style: str):
    """The leaf from x = 0 (hinge edge) to ``lw``, y = +-LT/2, z0 to z0 + lh. Slots: 1 wood/paint, 2 metal, 3 glass."""
    t = LT / 2
    parts = []
    if style == "flush":
        parts.append(board_uvs(rbox((0, -t, z0), (lw, t, z0 + lh), 0.0025, 2, mat=1), 2))
    else:
        sw, tr, br = 0.115, 0.115, 0.2
        lock = 0.17
        parts += [board_uvs(rbox((0, -t, z0), (sw, t, z0 + lh), 0.002, 1, mat=1), 2),
                  board_uvs(rbox((lw - sw, -t, z0), (lw, t, z0 + lh), 0.002, 1, mat=1), 2)]
        zl = z0 + min(lh * (0.4 if style == "panel6" else 0.45), 0.95)
        rails = [(z0 + 0.001, z0 + br), (zl - lock / 2, zl + lock / 2), (z0 + lh - tr, z0 + lh - 0.001)]
        if style == "panel6":
            zf = z0 + lh * 0.76
            rails.insert(2, (zf - 0.06, zf + 0.06))
        rt = t - 0.0006
        for a, b in rails:
            parts.append(board_uvs(rbox((sw - 0.008, -rt, a), (lw - sw + 0.008, rt, b), 0.002, 1, mat=1), 0))
        mw = 0.1
        xm = lw / 2
        for (a0, a1), (b0, b1) in zip(rails[:-1], rails[1:]):
            glazed = style == "glazed" and a1 > zl
            cols = ((sw, lw - sw),) if glazed else ((sw, xm - mw / 2), (xm + mw / 2, lw - sw))
            if not glazed:
                parts.append(board_uvs(rbox((xm - mw / 2, -(rt - 0.0006), a1 - 0.008), (xm + mw / 2, rt - 0.0006, b0 + 0.008),
                                            0.002, 1, mat=1), 2))
            for c0, c1 in cols:
                if glazed:
                    parts.append(rbox((c0 - 0.006, -0.003, a1 - 0.006), (c1 + 0.006, 0.003, b0 + 0.006), 0.0, 0, mat=3))
                    xb = (c0 + c1) / 2       # glazing bars: 2 x 3 lights, the horizontal ones 0.8 mm thinner
                    parts.append(rbox((xb - 0.011, -0.012, a1 - 0.004), (xb + 0.011, 0.012, b0 + 0.004), 0.002, 1, mat=1))
                    for k in (1, 2):
                        zb = a1 + (b0 - a1) * k / 3
                        parts.append(rbox((c0 - 0.004, -0.0112, zb - 0.011), (c1 + 0.004, 0.0112, zb + 0.011), 0.002, 1, mat=1))
                else:
                    parts.append(_raised_panel(c0, c1, a1, b0, t - 0.009, 0.0045, 0.04, 1))
    return parts


def hinges(lh: float, z0: float, mat: int = 2):
    """Butt hinges' knuckles on the hinge edge (x = 0) at the leaf's -Y face: three on a tall leaf."""
    zs = (z0 + 0.2, z0 + lh / 2 + 0.1, z0 + lh - 0.2) if lh > 2.0 else (z0 + 0.2, z0 + lh - 0.2)
    out = []
    for z in zs:
        out.append(bar((0.0, -LT / 2, z - 0.05), (0.0, -LT / 2, z + 0.05), 0.0065, mat, 16))
        out.append(lathe([(0, 0), (0.0035, 0), (0.0035, 0.008), (0.0015, 0.012), (0, 0.012)], 10, mat)
                   .transformed(None, (0.0, -LT / 2, z + 0.048)))
    return out


def door3(seed, p):
    """Edition-3 door (see the module's docstring). Origin: bottom centre of the opening, wall plane y = 0."""
    g = rng_for(seed, "door", "shape", "e3")
    w, h, d = p["width"], p["height"], p["depth"]
    style = ("panel4", "panel6", "flush", "glazed")[int(g.choice(4, p=(0.3, 0.3, 0.2, 0.2)))]
    parts = []
    # 1. lining (as edition 2, within the wall's thickness, 1.5 mm short of the architraves: a shadow gap; the
    #    head's faces 0.5 mm back from the jambs') and stop beads on three sides behind the leaf (+Y of it)
    for sx in (-1, 1):
        x0, x1 = sorted((sx * (w / 2 - 0.001), sx * (w / 2 - JT)))
        parts.append(board_uvs(rbox((x0, -d / 2 + 0.001, 0), (x1, d / 2 - 0.001, h - 0.001), 0.002, 1), 2))
    parts.append(board_uvs(rbox((-w / 2 + JT - 0.002, -d / 2 + 0.0015, h - JT), (w / 2 - JT + 0.002, d / 2 - 0.0015, h - 0.0015),
                                0.002, 1), 0))
    ys = -d / 2 + 0.004 + LT + 0.0015
    for sx in (-1, 1):
        x0, x1 = sorted((sx * (w / 2 - JT + 0.001), sx * (w / 2 - JT - 0.012)))
        parts.append(board_uvs(rbox((x0, ys, 0.001), (x1, ys + 0.012, h - JT + 0.0005), 0.0015, 1), 2))
    parts.append(board_uvs(rbox((-w / 2 + JT - 0.002, ys + 0.0005, h - JT - 0.012), (w / 2 - JT + 0.002, ys + 0.0115, h - JT + 0.001),
                                0.0015, 1), 0))
    # 2. architraves on both faces
    cw, ct = ARCHITRAVE_REACH + 0.004, float(g.uniform(0.016, 0.022))
    for sy in (-1, 1):
        parts += architrave(w, h, sy * d / 2, sy, cw, ct)
    # 3. the leaf, hinges and handles, hung and swung as in edition 2
    lw, lh, z0 = w - 2 * JT - 0.006, h - JT - 0.012, 0.008
    leaf = door_leaf(g, lw, lh, z0, style)
    leaf += hinges(lh, z0)
    plate = g.uniform() < 0.35
    hz = z0 + min(1.0, lh * 0.48)
    for sy in (-1, 1):
        leaf += _lever(lw - 0.06, hz, sy * LT / 2, sy, plate, 2)
    hinge = np.array([-w / 2 + JT + 0.003, -d / 2 + LT / 2 + 0.004, 0.0])
    parts.append(merge(leaf).transformed(rot_z(-p["open_angle"]), hinge))
    gm = rng_for(seed, "door", "mat", "e3")
    painted = gm.uniform() < 0.6
    leaf_mat = (finishes.paint(gm, "off_white" if gm.uniform() < 0.5 else None) if painted else finishes.wood(gm))
    frame = finishes.paint(gm, "off_white") if painted or gm.uniform() < 0.5 else finishes.wood(gm, leaf_mat["params"]["finish"])
    glass = material("glass", rng_for(seed, "door", "mat", "glass"))
    return Asset(merge(parts), (frame, leaf_mat, finishes.hardware(gm), glass))


def _ring(x0, x1, z0, z1, prof, mat):
    """A frame round the rectangle (x0..x1, z0..z1) with the section ``prof`` [(o, y)]: o inwards from the
    rectangle's edge, y through the wall (a closed loop, mitred at the corners)."""
    return rect_ring([(x0 + o, x1 - o, z0 + o, z1 - o, y) for o, y in prof], mat)


def _sash(x0, x1, z0, z1, y0, y1, sw, bars, slots):
    """A sash filling (x0..x1, z0..z1), ``y0`` (room side) to ``y1``: a frame ``sw`` wide with its inner room-side
    edge bevelled, glass 6 mm thick sunk 8 mm into it, glazing bars ``bars`` = (columns, rows) proud of the glass on
    both sides (the horizontal ones 1 mm thinner, so no faces meet)."""
    frame, glass = slots
    prof = [(0.0, y0), (0.0, y1), (sw - 0.004, y1), (sw, y1 - 0.004), (sw, y0 + 0.01), (sw - 0.01, y0)]
    parts = [_ring(x0, x1, z0, z1, prof, frame)]
    yc = (y0 + y1) / 2
    parts.append(rbox((x0 + sw - 0.008, yc - 0.003, z0 + sw - 0.008), (x1 - sw + 0.008, yc + 0.003, z1 - sw + 0.008), 0.0, 0, glass))
    ix0, ix1, iz0, iz1 = x0 + sw, x1 - sw, z0 + sw, z1 - sw
    cols = max(1, min(bars[0], int((ix1 - ix0) / 0.13)))       # no light narrower than 13 cm
    rows = max(1, min(bars[1], int((iz1 - iz0) / 0.13)))
    hy = (y1 - y0) / 2 - 0.003
    for k in range(1, cols):
        x = ix0 + (ix1 - ix0) * k / cols
        parts.append(rbox((x - 0.009, yc - hy, iz0 - 0.004), (x + 0.009, yc + hy, iz1 + 0.004), 0.002, 1, frame))
    for k in range(1, rows):
        z = iz0 + (iz1 - iz0) * k / rows
        parts.append(rbox((ix0 - 0.004, yc - hy + 0.001, z - 0.009), (ix1 + 0.004, yc + hy - 0.001, z + 0.009), 0.002, 1, frame))
    return parts


def _window_handle(x, z, face_y, mat):
    """A casement handle on a sash's room face at ``face_y``: a base plate and a lever hanging down."""
    return [rbox((x - 0.015, face_y - 0.009, z - 0.032), (x + 0.015, face_y + 0.001, z + 0.032), 0.004, 2, mat),
            lathe([(0, 0), (0.009, 0), (0.008, 0.02), (0, 0.022)], 14, mat).transformed(rot_align_z((0, -1, 0)), (x, face_y - 0.007, z)),
            bar((x, face_y - 0.022, z + 0.006), (x, face_y - 0.026, z - 0.1), 0.0065, mat)]


def window3(seed, p):
    """Edition-3 window (see the module's docstring): casements (with a transom and top lights on tall
    openings, uPVC or painted or natural timber) or vertical sliding sashes with glazing bars. Origin: bottom
    centre of the opening less 30 mm (the sill's apron), wall plane y = 0, inside towards -Y."""
    g = rng_for(seed, "window", "shape", "e3")
    w, h, d, n = p["width"], p["height"], p["depth"], p["columns"]
    sliding = g.uniform() < 0.4
    upvc = not sliding and g.uniform() < 0.4
    ft, lip = 0.055, (0.028 if sliding else 0.012)
    X0, X1, Z0, Z1 = -w / 2 + 0.001, w / 2 - 0.001, 0.001, h - 0.001
    parts = [_ring(X0, X1, Z0, Z1, [(0.0, -0.035), (0.0, 0.035), (ft + 0.012, 0.035), (ft + 0.012, lip), (ft, lip), (ft, -0.031),
                                    (ft - 0.004, -0.035)], 0)]
    mw = 0.06
    cw = (X1 - X0 - 2 * ft - (n - 1) * mw) / n
    for k in range(1, n):        # mullions, their ends sunk into the frame's head and sill
        x = X0 + ft + k * cw + (k - 0.5) * mw
        parts.append(board_uvs(rbox((x - mw / 2, -0.034, Z0 + ft - 0.006), (x + mw / 2, 0.034, Z1 - ft + 0.006), 0.002, 1), 2))
    transom = None if sliding or h < 1.0 or g.uniform() < 0.3 else Z1 - ft - (h - 2 * ft) * float(g.uniform(0.26, 0.34))
    bars = (1, 1) if upvc or (not sliding and g.uniform() < 0.65) else (int(g.integers(2, 4)), 2)
    sw = 0.05 if upvc else 0.045
    gap = 0.003
    for k in range(n):
        x0 = X0 + ft + k * (cw + mw)
        x1 = x0 + cw
        z0, z1 = Z0 + ft, Z1 - ft
        if transom is not None:
            parts.append(board_uvs(rbox((x0 - 0.006, -0.0335, transom - 0.03), (x1 + 0.006, 0.0335, transom + 0.03), 0.002, 1), 0))
            cells = ((z0, transom - 0.03), (transom + 0.03, z1))
        else:
            cells = ((z0, z1),)
        if sliding:
            zm = (z0 + z1) / 2
            parts += _sash(x0 + gap, x1 - gap, z0 + gap, zm + 0.02, -0.03, -0.004, sw, bars, (0, 1))
            parts += _sash(x0 + gap, x1 - gap, zm - 0.02, z1 - gap, -0.001, lip - 0.002, sw, bars, (0, 1))
            parts.append(lathe([(0, 0), (0.012, 0), (0.01, 0.008), (0.004, 0.011), (0.004, 0.018), (0, 0.02)], 14, 3)
                         .transformed(None, ((x0 + x1) / 2, -0.017, zm + 0.02 - 0.002)))
        else:
            for i, (c0, c1) in enumerate(cells):
                sb = bars if i == 0 else (bars[0], 1)
                parts += _sash(x0 + gap, x1 - gap, c0 + gap, c1 - gap, -0.03, lip - 0.002, sw, sb, (0, 1))
            c0, c1 = cells[0]
            hx = x1 - gap - sw / 2 if k % 2 == 0 else x0 + gap + sw / 2
            parts += _window_handle(hx, (c0 + c1) / 2, -0.03, 3)
    # sills: a board inside (horns past the reveal, a rounded nosing, an apron under it), a sloped one outside
    #    (nothing sunk into the wall: the nosing and the apron stand 0.8 mm off its face, the boards in the reveal
    #    0.5 mm over its bottom and 1.5 mm in from its sides)
    parts.append(board_uvs(rbox((-w / 2 - 0.04, -d / 2 - 0.045, 0.0005), (w / 2 + 0.04, -d / 2 - 0.0008, 0.022), 0.006, 2, 2), 0))
    parts.append(board_uvs(rbox((-w / 2 + 0.0015, -d / 2 - 0.012, 0.0007), (w / 2 - 0.0015, -0.028, 0.02), 0.002, 1, 2), 0))
    parts.append(board_uvs(rbox((-w / 2 - 0.02, -d / 2 - 0.014, -0.03), (w / 2 + 0.02, -d / 2 - 0.0008, 0.004), 0.002, 1, 2), 0))
    sec = [(0.02, 0.0005), (d / 2 + 0.04, 0.0005), (d / 2 + 0.04, 0.008), (d / 2 + 0.035, 0.012), (0.02, 0.03)]
    parts.append(loft([[(x, y, z) for y, z in sec] for x in (-w / 2 + 0.0015, w / 2 - 0.0015)], 4, smooth=False))
    m = merge(parts)
    m.verts[:, 2] += 0.03
    gm = rng_for(seed, "window", "mat", "e3")
    if upvc:
        frame = {"kind": "plastic", "params": {"base_color": [0.8, 0.8, 0.78], "roughness": 0.3, "finish": "upvc_white"}}
    else:
        u = gm.uniform()
        frame = finishes.paint(gm, "off_white") if u < 0.55 else finishes.paint(gm) if u < 0.7 else finishes.wood(gm)
    u = gm.uniform()
    sill = (finishes.paint(gm, "off_white") if u < 0.5 else finishes.wood(gm) if u < 0.75
            else material("stone", rng_for(seed, "window", "mat", "sill"), "white"))
    return Asset(m, (frame, material("glass", rng_for(seed, "window", "mat", "glass")), sill, finishes.hardware(gm),
                     material("stone", rng_for(seed, "window", "mat", "outer_sill"))))
