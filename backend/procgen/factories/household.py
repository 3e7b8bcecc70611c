"""Household things (bpy-free): folded towels, a toilet-roll holder, a wall shelf, a soap dispenser, a tooth
mug and a corner shower: what a bathroom (and a bedroom's or kitchen's wall) holds besides its other fixtures.

New in edition 3 (there is no older edition of them to keep). Conventions: metres, Z up, origin at the centre of
the footprint (min z = 0), front facing -Y; wall-mounted ones have their back at y = max (it goes against the
wall, the room kit turns +Y to the wall). Every part a closed shell, sunk into its neighbour or clear of it.
"""
from __future__ import annotations

import numpy as np

from ..geometry import edition, lathe, loft, merge, rbox, rng_for, rod, rot_x, rot_y, tube
from ..materials import material
from ..registry import Asset, Param, factory

_CHROME = {"kind": "metal", "params": {"base_color": [0.8, 0.8, 0.8], "metallic": 1.0, "roughness": 0.12, "brushed": 0.0,
                                       "scale": 40.0, "bump": 0.0, "painted": 0}}
_PAPER = {"kind": "plastic", "params": {"base_color": [0.86, 0.85, 0.82], "roughness": 0.9}}


def _towel_fabric(seed, k, g):
    return material("fabric", rng_for(seed, "towel", "mat", k), ("white", "rug", "carpet")[int(g.integers(0, 3))])


@factory("towel", (
    Param("width", 0.2, 0.34, doc="Folded width along X, m"),
    Param("depth", 0.12, 0.26, doc="Folded depth along Y, m"),
    Param("count", 1, 4, integer=True, doc="Towels in the stack"),
), ("object", "bathroom", "towel"), small=True)
def towel(seed, p):
    """Folded towels in a stack: each a soft, crowned pad folded in thirds (the rolled fold shows along its front
    edge, the loose edge along one side), stacked a little askew, in up to three colours. Edition 3: each towel
    one shell with its fold, layered back edge, rounded ends and dobby bands, terry cloth (``sewn.towel3``)."""
    if edition() >= 3:
        from .sewn import towel3
        return towel3(seed, p)
    g = rng_for(seed, "towel", "shape")
    w, d, n = p["width"], p["depth"], int(p["count"])
    parts, z = [], 0.0
    colours = [_towel_fabric(seed, k, g) for k in range(min(n, 1 + int(g.integers(0, 3))))]
    for k in range(n):
        t = g.uniform(0.028, 0.04)     # a folded towel's height
        dx, dy = g.uniform(-0.006, 0.006), g.uniform(-0.006, 0.006)
        ww, dd = w - g.uniform(0, 0.012), d - g.uniform(0, 0.012)
        mat = k % len(colours)
        sink = 0.003 if k else 0.0     # rests sunk a little into the one below (soft on soft)
        parts.append(rbox((dx - ww / 2, dy - dd / 2 + t * 0.3, z - sink), (dx + ww / 2, dy + dd / 2, z + t), min(0.012, t * 0.4), 3,
                          mat=mat, bulge=t * 0.15))
        # the fold: a rolled front edge, a flattened tube across the width
        r = t * 0.5
        x = np.linspace(dx - ww / 2 + 0.004, dx + ww / 2 - 0.004, 7)
        path = np.stack([x, np.full(7, dy - dd / 2 + r + 0.001), np.full(7, z - sink + r)], 1)
        parts.append(tube(path, np.full(7, r * 0.98), 12, mat))
        z += t - sink
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    return Asset(m, tuple(colours))


@factory("toilet_roll", (
    Param("style", 0, 1, integer=True, doc="0: an arm on a round rose; 1: a bar between two posts on a back plate"),
    Param("roll_radius", 0.045, 0.06, doc="Radius of the paper roll, m"),
), ("decor", "bathroom", "toilet_roll"))
def toilet_roll(seed, p):
    """Toilet-roll holder on the wall with a roll of paper on it (its back against the wall, +Y): chrome or
    matt-black fittings, the roll's cardboard core showing at its ends and a loose sheet hanging off the front."""
    g = rng_for(seed, "toilet_roll", "shape")
    R = p["roll_radius"]
    fit = dict(_CHROME) if g.uniform() < 0.7 else {"kind": "metal", "params": {"base_color": [0.02, 0.02, 0.022], "metallic": 1.0,
                                                                               "roughness": 0.45, "brushed": 0.0, "scale": 40.0,
                                                                               "bump": 0.0, "painted": 1}}
    L = 0.115                      # the roll's length
    axis_y = -(R + 0.018)          # the roll's axis, out from the wall
    axis_z = R + 0.012             # above the holder's lowest point
    parts = []
    if int(p["style"]) == 0:       # a round rose on the wall, an arm out, then along the roll (open end at -X)
        rose = lathe([(0, 0), (0.026, 0), (0.028, 0.004), (0.024, 0.009), (0, 0.01)], 24, 0).transformed(rot_x(np.pi / 2))
        parts.append(rose.transformed(np.eye(3), (L / 2 + 0.012, 0.0, axis_z)))
        parts.append(tube(np.array([[L / 2 + 0.012, -0.008, axis_z], [L / 2 + 0.012, axis_y + 0.01, axis_z],
                                    [L / 2 + 0.002, axis_y, axis_z], [-L / 2 - 0.004, axis_y, axis_z]]),
                          np.array([0.007, 0.007, 0.006, 0.006]), 12, 0))
    else:                          # a plate on the wall, two posts out of it, a bar between them
        parts.append(rbox((-L / 2 - 0.02, -0.006, axis_z - 0.03), (L / 2 + 0.02, 0.0, axis_z + R + 0.02), 0.003, 2, mat=0))
        for sx in (-1, 1):
            parts.append(rbox((sx * (L / 2 + 0.012) - 0.005, axis_y - 0.008, axis_z - 0.008),
                              (sx * (L / 2 + 0.012) + 0.005, -0.005, axis_z + 0.008), 0.003, 2, mat=0))
        parts.append(tube(np.array([[-L / 2 - 0.012, axis_y, axis_z], [L / 2 + 0.012, axis_y, axis_z]]), np.array([0.005, 0.005]), 10, 0))
    # the roll: paper round a core (a lathe about X), a sheet hanging off its front
    prof = [(0.021, -L / 2 + 0.002), (R - 0.003, -L / 2), (R, -L / 2 + 0.004), (R, L / 2 - 0.004), (R - 0.003, L / 2),
            (0.021, L / 2 - 0.002)]
    roll = lathe(prof, 28, 1, loop=True).transformed(rot_y(np.pi / 2), (0.0, axis_y, axis_z))
    core = lathe([(0.0185, -L / 2 + 0.001), (0.0215, -L / 2 + 0.001), (0.0215, L / 2 - 0.001), (0.0185, L / 2 - 0.001)],
                 20, 2, loop=True).transformed(rot_y(np.pi / 2), (0.0, axis_y, axis_z))
    drop = g.uniform(0.02, 0.07)
    sheet = rbox((-L / 2 + 0.004, axis_y - R - 0.0016, axis_z - drop), (L / 2 - 0.004, axis_y - R + 0.0004, axis_z), 0.0006, 1, mat=1)
    parts += [roll, core, sheet]
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    m.verts[:, 1] -= m.verts[:, 1].max()
    card = {"kind": "plastic", "params": {"base_color": [0.42, 0.3, 0.18], "roughness": 0.85}}
    return Asset(m, (fit, _PAPER, card))


def corbel(x, reach, drop, half=0.016, inner=0.014, mat=0):
    """A wooden corbel centred on x, its back on the wall (y = 0) from z = 0 up to 1 mm into a board at ``drop``:
    as deep as ``reach`` at the top, its front curving back to the wall (a quarter sine), its sides chamfered
    from ``inner`` to ``half`` each side of x."""
    s = np.linspace(0, 1, 9)
    prof = [(0.0, drop + 0.001), (-reach, drop + 0.001)] + [(-(0.012 + (reach - 0.012) * np.sin(np.pi / 2 * v)), drop * v)
                                                           for v in s[::-1][1:]] + [(0.0, 0.0)]
    prof = np.array(prof)

    def ring(xx, grow):
        c = prof.mean(0)
        q = c + (prof - c) * grow
        return np.stack([np.full(len(q), xx), q[:, 0], q[:, 1]], 1)
    return loft([ring(x - half, 0.96), ring(x - inner, 1.0), ring(x + inner, 1.0), ring(x + half, 0.96)], mat)


@factory("wall_shelf", (
    Param("width", 0.4, 1.1, doc="Shelf length along X, m"),
    Param("depth", 0.14, 0.26, doc="Shelf depth out from the wall, m"),
    Param("style", 0, 2, integer=True, doc="0: floating board; 1: board on two metal brackets; 2: board on wooden corbels"),
), ("furniture", "storage", "wall_shelf"))
def wall_shelf(seed, p):
    """Wall shelf (its back against the wall, +Y): a board with rounded edges, floating on a hidden fixing or held
    by two L brackets or two shaped wooden corbels; what stands on it goes on its top (one support surface).
    Edition 3: bevelled boards with the grain along them, a tapered floating shelf, braced and screwed brackets,
    a lip on some (``storage3.wall_shelf3``)."""
    if edition() >= 3:
        from .storage3 import wall_shelf3
        return wall_shelf3(seed, p)
    g = rng_for(seed, "wall_shelf", "shape")
    w, d, style = p["width"], p["depth"], int(p["style"])
    t = 0.032 if style == 0 else g.uniform(0.018, 0.026)
    drop = 0.0 if style == 0 else g.uniform(0.12, 0.17)     # the brackets hang below the board
    parts = [rbox((-w / 2, -d, drop), (w / 2, 0.0, drop + t), min(0.004, t * 0.2), 2, mat=0)]
    inset = min(w * 0.2, 0.12)
    for sx in (-1, 1):
        x = sx * (w / 2 - inset)
        if style == 1:      # an L bracket: a strap down the wall, an arm under the board, a brace between them
            parts.append(rbox((x - 0.009, -0.004, 0.0), (x + 0.009, 0.0, drop + 0.001), 0.0015, 1, mat=1))
            parts.append(rbox((x - 0.009, -d * 0.85, drop - 0.004), (x + 0.009, -0.003, drop + 0.0005), 0.0015, 1, mat=1))
            parts.append(tube(np.array([[x, -0.004, drop * 0.25], [x, -d * 0.6, drop - 0.004]]), np.array([0.0035, 0.0035]), 8, 1))
        elif style == 2:    # a corbel: a wooden block as deep as the shelf at the top, its front curving back to the wall
            parts.append(corbel(x, d * 0.7, drop))
    m = merge(parts)
    m.verts[:, 1] -= m.verts[:, 1].max()
    top = float(m.verts[:, 2].max())
    wood = material("wood", rng_for(seed, "wall_shelf", "mat", "wood"))
    if g.uniform() < 0.35:
        wood = material("paint", rng_for(seed, "wall_shelf", "mat", "paint"), "white")
    bracket = {"kind": "metal", "params": {"base_color": [0.025, 0.025, 0.028], "metallic": 1.0, "roughness": 0.5, "brushed": 0.0,
                                           "scale": 40.0, "bump": 0.0, "painted": 1}}
    surf = {"lo": [round(-w / 2 + 0.02, 4), round(-d + 0.015, 4)], "hi": [round(w / 2 - 0.02, 4), -0.015], "z": float(np.floor(top * 1e6) / 1e6),
            "clear": 0.38}
    return Asset(m, (wood, bracket), (surf,))


@factory("soap_dispenser", (
    Param("height", 0.14, 0.2, doc="Height to the top of the pump head, m"),
    Param("radius", 0.03, 0.042, doc="Body radius, m"),
), ("object", "bathroom", "soap_dispenser"), small=True)
def soap_dispenser(seed, p):
    """Soap dispenser: a ceramic, glass or plastic body with a shoulder, a chrome or black pump with a collar, a
    stem and a head with a spout pointing forward (-Y)."""
    g = rng_for(seed, "soap_dispenser", "shape")
    H, R = p["height"], p["radius"]
    hb = H * g.uniform(0.66, 0.74)
    square = g.uniform() < 0.35
    prof = [(0, 0), (R * 0.92, 0), (R, R * 0.1), (R, hb * 0.85), (R * 0.75, hb * 0.96), (R * 0.42, hb), (0, hb)]
    body = lathe(prof, 4 if square else 32, 0, smooth=not square)
    if square:
        body = body.transformed(np.array([[np.cos(np.pi / 4), -np.sin(np.pi / 4), 0], [np.sin(np.pi / 4), np.cos(np.pi / 4), 0], [0, 0, 1]]))
    collar = lathe([(0, hb - 0.003), (R * 0.45, hb - 0.003), (R * 0.45, hb + 0.012), (R * 0.3, hb + 0.016), (0, hb + 0.016)], 20, 1)
    stem = lathe([(0, hb + 0.014), (0.0055, hb + 0.014), (0.0055, H - 0.013), (0, H - 0.013)], 12, 1)
    head = rbox((-0.011, -0.012, H - 0.016), (0.011, 0.013, H), 0.004, 2, mat=1)
    spout = tube(np.array([[0.0, -0.01, H - 0.009], [0.0, -0.03, H - 0.011], [0.0, -0.04, H - 0.017]]), np.array([0.004, 0.0036, 0.0033]), 10, 1)
    m = merge([body, collar, stem, head, spout])
    pal = int(g.integers(0, 3))
    if pal == 0:
        b = material("ceramic", rng_for(seed, "soap_dispenser", "mat", "body"))
    elif pal == 1:
        b = {"kind": "glass", "params": {"base_color": [0.75, 0.8, 0.72], "roughness": 0.05, "ior": 1.5, "transmission": 1.0}}
    else:
        b = material("plastic", rng_for(seed, "soap_dispenser", "mat", "body"), "white")
    pump = dict(_CHROME) if g.uniform() < 0.7 else {"kind": "plastic", "params": {"base_color": [0.02, 0.02, 0.02], "roughness": 0.4}}
    return Asset(m, (b, pump))


@factory("tooth_mug", (
    Param("brushes", 0, 3, integer=True, doc="Toothbrushes standing in it"),
    Param("height", 0.09, 0.12, doc="Mug height, m"),
), ("object", "bathroom", "tooth_mug"), small=True)
def tooth_mug(seed, p):
    """Tooth mug: a thick-walled ceramic or frosted-glass tumbler with toothbrushes (a handle, a neck and a bristle
    head facing out) leaning in it."""
    g = rng_for(seed, "tooth_mug", "shape")
    H = p["height"]
    r = g.uniform(0.032, 0.04)
    wall = 0.004
    cup = lathe([(0, 0), (r * 0.92, 0), (r, 0.006), (r * 1.04, H), (r * 1.04 - wall, H), (r - wall, 0.012), (0, 0.012)], 32, 0)
    parts = [cup]
    mats = [material("ceramic", rng_for(seed, "tooth_mug", "mat", "cup"))]
    n = int(p["brushes"])
    for k in range(n):
        a = 2 * np.pi * k / max(1, n) + g.uniform(-0.4, 0.4)
        ri = r - wall                  # fanned out from near the middle, leaning out to rest inside the rim
        lean = np.arctan((0.7 * ri - 0.0053 - 0.3 * ri) / H)
        base = np.array([np.cos(a) * 0.3 * ri, np.sin(a) * 0.3 * ri, 0.0125])
        d = np.array([np.cos(a) * np.sin(lean), np.sin(a) * np.sin(lean), np.cos(lean)])
        L = 0.185
        pts = base + np.outer(np.array([0.0, 0.55, 0.8, 1.0]), d * L)
        parts.append(tube(pts, np.array([0.0045, 0.0052, 0.0032, 0.0035]), 8, 1 + k))
        side = np.array([-np.sin(a), np.cos(a), 0.0])
        head_c = base + d * (L - 0.012)
        bristle_c = head_c + np.cross(d, side) * 0.0055
        # bristles: a small block on the head's face
        lo = np.array([-0.0045, -0.0045, -0.0125])
        hi = np.array([0.0045, 0.0045, 0.0125])
        frame = np.stack([side, np.cross(d, side), d], 1)
        parts.append(rbox(lo, hi, 0.0015, 1, mat=1 + n).transformed(frame, bristle_c))
        mats.append({"kind": "plastic", "params": {"base_color": [round(float(c), 4) for c in
                                                                  ((0.02, 0.12, 0.35), (0.5, 0.04, 0.05), (0.05, 0.3, 0.12),
                                                                   (0.7, 0.7, 0.68), (0.6, 0.35, 0.02))[int(g.integers(0, 5))]],
                                                   "roughness": 0.35}})
    if n:
        mats.append({"kind": "plastic", "params": {"base_color": [0.85, 0.88, 0.9], "roughness": 0.6}})
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    return Asset(m, tuple(mats))


_TRAY = {"kind": "ceramic", "params": {"base_color": [0.82, 0.82, 0.8], "color2": [0.76, 0.76, 0.74], "roughness": 0.18,
                                       "coat": 0.4, "scale": 10.0}}
_SCREEN = {"kind": "glass", "params": {"base_color": [0.9, 0.95, 0.93], "roughness": 0.02, "ior": 1.52, "transmission": 1.0}}


def wall_disc(x, yw, z, r, depth, mat=2):
    """A round chrome wall plate (a rose) ``r`` wide and ``depth`` deep, its back on the wall plane y = ``yw``."""
    return lathe([(0, 0), (r, 0), (r, depth * 0.7), (r * 0.8, depth), (0, depth)], 24, mat).transformed(rot_x(np.pi / 2), (x, yw, z))


def riser(g, fx, yw, mz, top, low, ws, mat=2):
    """A shower's wall fittings at x = ``fx`` on the wall plane y = ``yw`` (the room towards -Y): a mixer with a lever
    at height ``mz``, a riser rail on two brackets from 12 cm over it up to at most ``top`` with its slider (drawn
    from ``g``) holding a hand shower, and the hose hanging from the handle in a loop (no lower than ``low``, swinging
    towards ``ws`` * +X) up to the mixer's outlet. [Mesh]"""
    parts = [wall_disc(fx, yw, mz, 0.035, 0.012, mat)]
    parts.append(rod((fx, yw - 0.011, mz), (fx, yw - 0.05, mz), 0.014, 16, mat))
    parts.append(rod((fx, yw - 0.045, mz + 0.005), (fx, yw - 0.05, mz + 0.09), 0.007, 10, mat))    # the lever
    out_z = mz - 0.045
    parts.append(rod((fx, yw - 0.02, mz - 0.012), (fx, yw - 0.075, out_z), 0.008, 10, mat))        # the hose outlet
    rz0, rz1 = mz + 0.12, min(top, mz + 0.95)
    ry = yw - 0.045
    for z in (rz0, rz1):
        parts.append(wall_disc(fx, yw, z, 0.018, 0.01, mat))
        parts.append(rod((fx, yw - 0.009, z), (fx, ry, z), 0.007, 10, mat))
    parts.append(rod((fx, ry, rz0 - 0.02), (fx, ry, rz1 + 0.02), 0.011, 16, mat))
    sz = float(g.uniform(rz0 + 0.3, rz1 - 0.12))
    parts.append(rod((fx, ry, sz - 0.03), (fx, ry, sz + 0.03), 0.017, 16, mat))                    # the slider
    # the hand shower: its handle down and out of the slider's clip, its head tilted out over the tray
    hy = ry - 0.04
    parts.append(rod((fx, ry - 0.015, sz), (fx, hy, sz), 0.008, 10, mat))
    handle_lo = (fx, hy - 0.01, sz - 0.14)
    parts.append(rod(handle_lo, (fx, hy, sz + 0.05), 0.013, 14, mat, r1=0.016))
    head = lathe([(0, 0), (0.05, 0), (0.052, 0.008), (0.046, 0.022), (0, 0.026)], 28, mat)
    parts.append(head.transformed(rot_x(np.pi / 2 + 0.35), (fx, hy - 0.012, sz + 0.08)))
    # the hose: from the handle's foot down in a loop and up to the outlet, in front of the rail
    t = np.linspace(0.0, 1.0, 13)
    low = max(low, min(out_z, handle_lo[2]) - 0.35)
    path = np.stack([fx + ws * 0.03 * np.sin(np.pi * t),
                     np.full(13, yw - 0.075),
                     (1 - t) * handle_lo[2] + t * out_z - (4 * t * (1 - t)) * (min(out_z, handle_lo[2]) - low)], 1)
    path[0] = (fx, hy - 0.01, handle_lo[2] + 0.002)
    parts.append(tube(path, np.full(13, 0.0065), 8, mat))
    return parts


@factory("shower", (
    Param("width", 0.8, 1.4, doc="Tray length along X, m"),
    Param("depth", 0.76, 1.0, doc="Tray depth along Y (out from the back wall), m"),
    Param("height", 1.9, 2.05, doc="Top of the glass above the floor, m"),
    Param("style", 0, 1, integer=True, doc="0: a walk-in screen (one fixed glass panel); 1: an enclosure (a fixed "
                                           "panel and a door across the front, a side panel, a corner post)"),
    Param("wall_side", 0, 1, integer=True, doc="Which end stands against a side wall: 0 at -X, 1 at +X (the glass "
                                               "side panel is on the other)"),
), ("furniture", "bathroom", "shower"))
def shower(seed, p):
    """A corner shower: a low stone-resin tray with a raised rim round a dished floor and a chrome drain; toughened
    glass (8 mm) on chrome wall channels: a walk-in screen braced to the back wall, or a fixed panel, a door with a bar
    handle and a side panel meeting at a corner post; on the back wall a mixer with a lever, a riser rail with its
    slider and hand shower, the hose hanging in a loop, and (seeded) a rain head on an arm. Its back (+Y) and one end
    go against walls; nothing stands on it."""
    g = rng_for(seed, "shower", "shape")
    W, D, H = p["width"], p["depth"], p["height"]
    enclosure, ws = int(p["style"]) == 1, (-1.0 if int(p["wall_side"]) == 0 else 1.0)
    x0, x1, y0, y1 = -W / 2, W / 2, -D / 2, D / 2
    th = float(g.uniform(0.035, 0.06))         # tray height
    rim = 0.05
    # 1. The tray: a slab to just under the rim's top, the rim round it sunk 4 mm in, a drain in the dished floor
    parts = [rbox((x0, y0, 0.0), (x1, y1, th - 0.01), 0.006, 2, 0),
             rbox((x0, y0, th - 0.014), (x1, y0 + rim, th), 0.005, 2, 0), rbox((x0, y1 - rim, th - 0.014), (x1, y1, th), 0.005, 2, 0),
             rbox((x0, y0 + rim - 0.004, th - 0.014), (x0 + rim, y1 - rim + 0.004, th), 0.005, 2, 0),
             rbox((x1 - rim, y0 + rim - 0.004, th - 0.014), (x1, y1 - rim + 0.004, th), 0.005, 2, 0)]
    dx = float(g.uniform(-0.15, 0.15)) * W
    parts.append(lathe([(0, th - 0.0105), (0.045, th - 0.0105), (0.045, th - 0.008), (0.0, th - 0.008)], 24, 2).transformed(offset=(dx, 0.0, 0)))
    # 2. Glass on the rim (sunk 2 mm into it), clear of the wall by its channel
    gt, gz0, gz1 = 0.008, th - 0.002, H
    gy = y0 + rim / 2                          # the front panels' middle
    wall_x = x0 if ws < 0 else x1
    open_x = -wall_x
    ch = 0.022                                 # a wall channel's width
    cx0, cx1 = sorted((wall_x, wall_x - ws * ch))
    parts.append(rbox((cx0, gy - ch / 2, gz0), (cx1, gy + ch / 2, gz1 + 0.005), 0.002, 1, 2))   # the wall channel
    if enclosure:
        gx = open_x + ws * rim / 2            # the side panel's middle, over the open end's rim
        post = 0.02
        parts.append(rbox((gx - post / 2, gy - post / 2, gz0), (gx + post / 2, gy + post / 2, gz1 + 0.01), 0.003, 1, 2))
        # the side panel: from the corner post (sunk 3 mm) to a channel on the back wall
        parts.append(rbox((gx - gt / 2, gy + post / 2 - 0.003, gz0 + 0.001), (gx + gt / 2, y1 - ch + 0.003, gz1), 0.001, 1, 1))
        parts.append(rbox((gx - ch / 2, y1 - ch, gz0), (gx + ch / 2, y1, gz1 + 0.005), 0.002, 1, 2))
        # the front: a fixed panel from the wall channel; the door slides behind it from the post, overlapping 4 cm
        split = wall_x + (open_x - wall_x) * float(g.uniform(0.4, 0.5))
        fx0, fx1 = sorted((wall_x - ws * (ch - 0.003), split - ws * 0.02))
        parts.append(rbox((fx0, gy - gt / 2, gz0 + 0.001), (fx1, gy + gt / 2, gz1), 0.001, 1, 1))
        dy = gy + gt + 0.008                  # clear of the fixed panel and of the post
        dx0, dx1 = sorted((split + ws * 0.02, gx + ws * (post / 2 - 0.003)))
        parts.append(rbox((dx0, dy - gt / 2, gz0 + 0.012), (dx1, dy + gt / 2, gz1 - 0.01), 0.001, 1, 1))
        # a bar handle on standoffs on the door's outer face, near its free end (clear of the fixed panel)
        hx = (dx0 + dx1) / 2 - ws * (dx1 - dx0) * 0.3
        hy = dy - gt / 2
        parts += [rod((hx, hy + 0.001, 0.95), (hx, hy - 0.035, 0.95), 0.006, 10, 2),
                  rod((hx, hy + 0.001, 1.25), (hx, hy - 0.035, 1.25), 0.006, 10, 2),
                  rod((hx, hy - 0.035, 0.9), (hx, hy - 0.035, 1.3), 0.01, 12, 2)]
    else:
        # a walk-in screen: one fixed panel from the wall channel over 60-80 % of the front, braced to the back wall
        reach = (x1 - x0) * float(g.uniform(0.6, 0.8))
        fx0, fx1 = sorted((wall_x - ws * (ch - 0.003), wall_x - ws * reach))
        parts.append(rbox((fx0, gy - gt / 2, gz0 + 0.001), (fx1, gy + gt / 2, gz1), 0.001, 1, 1))
        bx = wall_x - ws * (reach - 0.04)
        parts.append(rod((bx, gy + gt / 2 - 0.002, gz1 - 0.06), (bx, y1 - 0.001, gz1 - 0.06), 0.008, 12, 2))
        parts.append(lathe([(0, 0), (0.022, 0), (0.022, 0.008), (0, 0.008)], 16, 2).transformed(rot_x(np.pi / 2), (bx, y1, gz1 - 0.06)))
    # 3. On the back wall, away from the glass end: the mixer, the riser rail with the hand shower, the hose
    fx = wall_x - ws * float(g.uniform(0.22, 0.3)) * W
    yw = y1                                   # the wall plane (the asset's back)
    parts += riser(g, fx, yw, float(g.uniform(0.95, 1.05)), gz1 - 0.05, th + 0.12, ws)
    if g.uniform() < 0.5:   # a rain head on an arm from the wall, over the middle of the tray
        az = gz1 - float(g.uniform(0.02, 0.08))
        ax = (wall_x + open_x) / 2 if enclosure else wall_x - ws * 0.5 * (x1 - x0) * 0.7
        ax = float(np.clip(ax, x0 + 0.15, x1 - 0.15))
        reach = min(0.35, D - rim - 0.15)
        parts.append(wall_disc(ax, yw, az, 0.025, 0.01))
        parts.append(rod((ax, yw - 0.009, az), (ax, yw - reach, az), 0.01, 12, 2))
        parts.append(lathe([(0, 0), (0.1, 0), (0.1, 0.006), (0.094, 0.012), (0, 0.014)], 40, 2)
                     .transformed(offset=(ax, yw - reach, az - 0.024)))
    return Asset(merge(parts), (_TRAY, _SCREEN, _CHROME))


FACTORIES = (towel, toilet_roll, wall_shelf, soap_dispenser, tooth_mug, shower)
