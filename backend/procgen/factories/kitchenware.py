"""Kitchenware (bpy-free): kettle, saucepan, cutting board, knife block: what stands on a kitchen's worktops.

New in edition 3 (there is no older edition of them to keep). Conventions: metres, Z up, origin at the centre of
the footprint (min z = 0), front facing -Y; every part a closed shell, sunk into its neighbour or clear of it.
"""
from __future__ import annotations

import numpy as np

from ..geometry import edition, lathe, loft, merge, rbox, rbox_c, rng_for, rot_x, rot_y, tube
from ..materials import material
from ..registry import Asset, Param, factory
from .appliances import _steel
from .parts import window_panel
from .small import _rim

_BLACK = {"kind": "plastic", "params": {"base_color": [0.018, 0.018, 0.02], "roughness": 0.4}}


def _section(x, z, w, t, n=8):
    """A rounded-rectangle cross-section (``w`` wide along y, ``t`` thick along z) in the plane x = const."""
    a = np.linspace(0, 2 * np.pi, n + 1)[:-1] + np.pi / n
    c, s = np.cos(a), np.sin(a)
    k = 0.5
    y = np.sign(c) * np.abs(c) ** k * w / 2
    zz = np.sign(s) * np.abs(s) ** k * t / 2
    return np.stack([np.full(n, x), y, z + zz], 1)


@factory("kettle", (
    Param("height", 0.17, 0.26, doc="Height to the top of the handle or lid knob, m"),
    Param("radius", 0.07, 0.1, doc="Body radius at its widest, m"),
), ("object", "kitchen", "kettle"), small=True)
def kettle(seed, p):
    """Kettle: a stovetop kettle (a domed steel or enamel body, a curved spout, a lid with a knob, a handle
    arching over the top) or an electric jug (a tapered body on a power base, a side handle, a pouring lip, a
    water gauge). Spout to +X."""
    g = rng_for(seed, "kettle", "shape")
    H, R = p["height"], p["radius"]
    parts = []
    if g.uniform() < 0.5:      # stovetop
        hb = H * 0.62                              # the body's top (the lid seat)
        body = [(0, 0), (R * 0.9, 0), (R * 0.97, 0.006), (R, 0.03), (R, hb * 0.4)]
        for t in np.linspace(0.15, 1.0, 6):
            body.append((R - (R - 0.42 * R) * np.sin(t * np.pi / 2) ** 1.4, hb * 0.4 + (hb - hb * 0.4) * np.sin(t * np.pi / 2)))
        body += [(0, hb)]
        parts.append(lathe(body, 40, 0))
        lr = 0.44 * R
        parts.append(lathe([(0, hb - 0.004), (lr, hb - 0.004), (lr, hb + 0.002), (lr * 0.8, hb + 0.012), (lr * 0.35, hb + 0.016),
                            (0, hb + 0.017)], 32, 0))
        parts.append(lathe([(0, hb + 0.014), (0.011, hb + 0.014), (0.013, hb + 0.024), (0.008, hb + 0.03), (0, hb + 0.031)], 16, 1))
        # the spout: from low on the body, up and out, narrowing
        s = np.linspace(0, 1, 7)
        path = np.stack([R * 0.7 + R * 0.65 * s, np.zeros(7), hb * 0.3 + (hb * 0.75 - hb * 0.3) * s ** 0.7], 1)
        parts.append(tube(path, np.linspace(0.016, 0.008, 7), 12, 0))
        # the handle: posts on the shoulder, a grip arching over the lid
        a = np.linspace(0.12, np.pi - 0.12, 13)
        span = R * 0.62
        top = H - 0.012
        arch = np.stack([span * np.cos(a), np.zeros(13), hb * 0.86 + (top - hb * 0.86) * np.sin(a)], 1)
        parts.append(tube(arch, 0.0105, 12, 1))
        for x in (arch[0], arch[-1]):
            parts.append(tube(np.array([[x[0] * 0.92, 0, hb * 0.8], [x[0], 0, x[2] + 0.006]]), 0.005, 8, 0))
        mats = (_steel(g) if g.uniform() < 0.6 else
                {"kind": "paint", "params": {"base_color": [round(float(c), 4) for c in
                                                            ((0.5, 0.05, 0.04), (0.02, 0.05, 0.2), (0.8, 0.78, 0.72), (0.08, 0.2, 0.12))[int(g.integers(0, 4))]],
                                             "roughness": 0.15, "wear": 0.1}}, _BLACK)
        return Asset(merge(parts), mats + (_BLACK,))
    # electric jug on a power base
    base_h = 0.02
    parts.append(lathe([(0, 0), (R * 1.05, 0), (R * 1.05, base_h - 0.004), (R, base_h), (0, base_h)], 40, 1))
    hb = H - 0.02
    body = [(0, base_h - 0.003), (R * 0.95, base_h - 0.003), (R, base_h + 0.01), (R * 0.86, hb - 0.01), (R * 0.84, hb), (0, hb)]
    parts.append(lathe(body, 40, 0))
    parts.append(lathe([(0, hb - 0.004), (R * 0.78, hb - 0.004), (R * 0.8, hb + 0.006), (R * 0.6, hb + 0.012), (0, hb + 0.013)], 32, 1))
    parts.append(rbox_c(-R * 0.3, 0, hb + 0.009, 0.03, 0.018, 0.008, 0.003, 1, 1))             # lid button
    # a pouring lip: a short flattened spout at the top front
    parts.append(tube(np.array([[R * 0.6, 0, hb - 0.04], [R * 0.9, 0, hb - 0.012], [R * 1.12, 0, hb + 0.003]]),
                      np.array([0.02, 0.016, 0.01]), 12, 0).transformed(scale=(1.0, 1.3, 1.0)))
    # a D handle on the back
    a = np.linspace(-np.pi / 2, np.pi / 2, 11)
    zc, hz = (base_h + hb) / 2 + 0.01, (hb - base_h) * 0.36
    loop = np.stack([-(R * 0.82 + 0.035 * np.cos(a)), np.zeros(11), zc + hz * np.sin(a)], 1)
    loop[0, 0] = loop[-1, 0] = -R * 0.78
    parts.append(tube(loop, 0.012, 12, 1))
    # a water gauge beside the handle
    ang = np.pi * 0.72
    gz = np.linspace(base_h + 0.03, hb - 0.04, 5)
    gr = np.interp(gz, [base_h + 0.01, hb - 0.01], [R, R * 0.86]) - 0.0015     # half out of the tapered wall
    parts.append(tube(np.stack([gr * np.cos(ang), gr * np.sin(ang), gz], 1), 0.005, 10, 2))
    body_m = _steel(g) if g.uniform() < 0.4 else {"kind": "plastic", "params": {
        "base_color": [round(float(c), 4) for c in ((0.8, 0.8, 0.78), (0.02, 0.02, 0.02), (0.45, 0.45, 0.46))[int(g.integers(0, 3))]],
        "roughness": 0.3}}
    gauge_m = {"kind": "glass", "params": {"base_color": [0.55, 0.7, 0.8], "roughness": 0.1, "ior": 1.5, "transmission": 1.0}}
    return Asset(merge(parts), (body_m, _BLACK, gauge_m))


@factory("saucepan", (
    Param("radius", 0.07, 0.13, doc="Radius of the pan, m"),
    Param("height", 0.07, 0.15, doc="Height of the pan's wall, m"),
    Param("handles", 0, 1, integer=True, doc="0: one long handle (a saucepan), 1: two side handles (a casserole)"),
), ("object", "kitchen", "saucepan"), small=True)
def saucepan(seed, p):
    """Saucepan or casserole with its lid: a hollow steel or enamel pan with a rolled rim on a thicker capsule base,
    a long riveted handle or two loop handles, and a domed lid (steel or glass with a steel rim) with a knob.
    The long handle points to -X."""
    g = rng_for(seed, "saucepan", "shape")
    R, H = p["radius"], p["height"]
    t = 0.0025
    outer = [(R * 0.97, 0.004), (R, 0.012), (R, H - 0.004), (R * 1.01, H)]
    prof = [(0.0, 0.004)] + outer + _rim(R * 1.01, R * 1.01 - t, H) + [(R - t, H - 0.004), (R - t, 0.012), (R * 0.97 - t, 0.004 + t),
                                                                          (0.0, 0.004 + t)]
    parts = [lathe(prof, 48, 0)]
    parts.append(lathe([(0, 0), (R * 0.9, 0), (R * 0.92, 0.002), (R * 0.9, 0.0055), (0, 0.0055)], 48, 0))   # capsule base
    # the lid: a dome resting on the rim, its flange inside the wall
    glass = g.uniform() < 0.5
    dome_h = R * g.uniform(0.12, 0.22)
    z0 = H - 0.001
    lid = [(R - t - 0.002, z0 - 0.006), (R - t - 0.002, z0), (R * 1.02, z0), (R * 1.02, z0 + 0.003)]
    for u in np.linspace(0.1, 1.0, 6):
        lid.append((R * 1.02 * np.cos(u * np.pi / 2) ** 0.8 if u < 1 else 0.0, z0 + 0.003 + dome_h * np.sin(u * np.pi / 2)))
    lid[-1] = (0.0, z0 + 0.003 + dome_h)
    lid_prof = [(0.0, z0 - 0.006)] + lid
    parts.append(lathe(lid_prof, 48, 2 if glass else 0))
    if glass:   # a steel band round the glass lid's edge
        parts.append(lathe([(R * 1.015, z0 - 0.001), (R * 1.03, z0 - 0.001), (R * 1.03, z0 + 0.005), (R * 1.015, z0 + 0.005)], 48, 0, loop=True))
    kt = z0 + 0.003 + dome_h
    parts.append(lathe([(0, kt - 0.004), (0.008, kt - 0.004), (0.008, kt + 0.012), (0.017, kt + 0.018), (0.016, kt + 0.024),
                        (0, kt + 0.025)], 20, 1))
    if p["handles"]:    # two loop handles on the sides
        for sx in (-1, 1):
            a = np.linspace(-np.pi / 2, np.pi / 2, 9)
            xe = np.sqrt((R - 0.0012) ** 2 - 0.035 ** 2)      # the ends sunk into the curved wall
            loop = np.stack([sx * (xe + 0.022 * np.cos(a)), 0.035 * np.sin(a), np.full(9, H * 0.78)], 1)
            parts.append(tube(loop, 0.005, 10, 0))
    else:               # a long handle: a tapered bar riveted to a bracket on the wall, a hanging hole at its end
        L = R * g.uniform(1.4, 1.8)
        zh = H * 0.72
        xs = np.linspace(-R + 0.0015, -R - L, 9)
        secs = [_section(x, zh + (abs(x) - R) * 0.25, 0.028 - 0.01 * i / 8 + 0.006 * (i == 8), 0.012 - 0.003 * i / 8)
                for i, x in enumerate(xs)]
        parts.append(loft(secs, 1))
        parts.append(rbox_c(-R - 0.0055, 0, zh - 0.014, 0.013, 0.03, 0.03, 0.003, 1, 0))       # the bracket
        for y in (-0.008, 0.008):     # rivet heads inside the pan
            parts.append(lathe([(0, -0.0012), (0.003, -0.0012), (0.003, 0.0003), (0.0022, 0.001), (0, 0.0013)], 12, 0)
                         .transformed(rot_y(np.pi / 2), (-(R - t), y, zh - 0.004)))
    pan = _steel(g) if g.uniform() < 0.6 else {"kind": "paint", "params": {"base_color": [round(float(c), 4) for c in
                                                                             ((0.45, 0.06, 0.03), (0.02, 0.04, 0.12), (0.75, 0.72, 0.62), (0.12, 0.25, 0.2))[int(g.integers(0, 4))]],
                                                                             "roughness": 0.2, "wear": 0.15}}
    lid_glass = {"kind": "glass", "params": {"base_color": [0.9, 0.92, 0.9], "roughness": 0.02, "ior": 1.5, "transmission": 1.0}}
    return Asset(merge(parts), (pan, _BLACK, lid_glass))


@factory("cutting_board", (
    Param("width", 0.25, 0.45, doc="Length along X, m"),
    Param("depth", 0.17, 0.3, doc="Width along Y, m"),
    Param("thickness", 0.015, 0.035, doc="Thickness, m"),
), ("object", "kitchen", "cutting_board"), small=True)
def cutting_board(seed, p):
    """Cutting board lying flat: a butcher-block board of glued strips (rounded edges) or a board with a handle
    slot at one end, in wood or plastic. Edition 3: corners rounded in plan, chamfered edges, a hanging hole or slot,
    an optional juice groove, natural wood, glued strips or end grain, or plastic (``boards.cutting_board3``)."""
    if edition() >= 3:
        from .boards import cutting_board3
        return cutting_board3(seed, p)
    g = rng_for(seed, "cutting_board", "shape")
    w, d, t = p["width"], p["depth"], p["thickness"]
    wood = g.uniform() < 0.75
    if g.uniform() < 0.5:
        board = rbox((-w / 2, -d / 2, 0.0), (w / 2, d / 2, t), min(0.006, t * 0.35), 3)
    else:   # a slot to hang it by near one end (a panel with a hole, laid flat)
        sl = min(0.08, d * 0.4)
        hx0 = w / 2 - 0.045
        board = window_panel(-w / 2, w / 2, -d / 2, d / 2, hx0 - 0.022, hx0, -sl / 2, sl / 2, -t, 0.0, min(0.004, t * 0.25), 0)
        board = board.transformed(rot_x(-np.pi / 2))
        board.verts[:, 2] -= board.verts[:, 2].min()
    if wood:
        desc = material("planks", rng_for(seed, "cutting_board", "mat", "wood"))
        desc["params"].update(plank_width=round(float(g.uniform(0.025, 0.045)), 4), plank_length=10.0, wear=0.0)
    else:
        desc = {"kind": "plastic", "params": {"base_color": [round(float(c), 4) for c in
                                                            ((0.82, 0.82, 0.8), (0.1, 0.3, 0.12), (0.4, 0.05, 0.04), (0.03, 0.03, 0.03))[int(g.integers(0, 4))]],
                                              "roughness": 0.55}}
    return Asset(board, (desc,))


@factory("knife_block", (
    Param("knives", 3, 6, integer=True, doc="Knives in the block"),
    Param("height", 0.2, 0.28, doc="Height of the block's top edge, m"),
), ("object", "kitchen", "knife_block"), small=True)
def knife_block(seed, p):
    """Knife block: a wooden block leaning back on a foot, knife handles (black, with steel bolsters and rivets)
    standing out of slots in its sloping top, biggest at the back."""
    g = rng_for(seed, "knife_block", "shape")
    n, H = p["knives"], p["height"]
    w, dep = 0.1 + 0.012 * n, 0.1
    lean = np.radians(g.uniform(15, 25))
    foot = rbox((-w / 2 - 0.006, -0.075, 0.0), (w / 2 + 0.006, 0.085, 0.014), 0.004, 2)
    # the block in side view: a flat bottom sunk into the foot, a front leaning back, a top square to the lean
    up = np.array([0.0, np.sin(lean), np.cos(lean)])
    across = np.array([0.0, np.cos(lean), -np.sin(lean)])
    A = np.array([0.0, -dep / 2, 0.008])
    D = A + up * (H - 0.008) / np.cos(lean)
    C = D + across * dep
    B = np.array([0.0, dep / 2 + 0.02, 0.008])
    side = np.array([A, B, C, D])
    mid = side.mean(0)

    def ring(x, inset):
        r = mid + (side - mid) * (1 - inset)
        r[:, 0] = x
        return r
    parts = [foot, loft([ring(-w / 2, 0.04), ring(-w / 2 + 0.003, 0.0), ring(w / 2 - 0.003, 0.0), ring(w / 2, 0.04)], 0, False)]
    # slots in the sloping top: handles in two rows, the longer ones behind
    for i in range(n):
        row = i % 2
        x = -w / 2 + w * (i + 0.5) / n
        L = 0.1 + 0.02 * row + g.uniform(-0.01, 0.01)
        base = D + (C - D) * (0.3 + 0.4 * row) - up * 0.012
        base[0] = x
        bolster = rbox((-0.011, -0.0085, 0.0), (0.011, 0.0085, 0.024), 0.002, 1, mat=2).transformed(rot_x(-lean), base)
        handle = rbox((-0.01, -0.0075, 0.0), (0.01, 0.0075, L), 0.005, 2, mat=1).transformed(rot_x(-lean), base + up * 0.018)
        parts += [handle, bolster]
        for f in (0.35, 0.7):   # rivet heads on the handle's side
            c = base + up * (0.018 + L * f)
            parts.append(lathe([(0, -0.0012), (0.0025, -0.0012), (0.0025, 0.0003), (0, 0.0006)], 10, 2)
                         .transformed(rot_y(np.pi / 2), c + np.array([0.0098, 0, 0])))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    return Asset(m, (material("wood", rng_for(seed, "knife_block", "mat", "wood")), _BLACK,
                     _steel(g, (0.6, 0.75))))


FACTORIES = (kettle, saucepan, cutting_board, knife_block)
