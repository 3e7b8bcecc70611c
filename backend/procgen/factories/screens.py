"""Edition-3 TV and monitor (bpy-free): a thin bezel standing 2.5 mm proud of a dark glossy screen (the
``screen`` kind), a rear panel, and a back housing that bulges behind the panel, deepest at the bottom where the
electronics sit, with vent ribs and a row of ports; on two feet (flat blades or rods splayed fore and aft onto floor
pads) or
a central pedestal (a neck into the housing on a plate or a disc), seeded. The monitor stands on a
height-adjustable stand: a base plate, a column, and a carriage on the column holding the tilted panel. Same
conventions as living.py: origin at the footprint centre on the floor, front -Y; the bounds of edition 2 for the
same params (the planner places them by those).
"""
from __future__ import annotations

import numpy as np

from ..geometry import lathe, merge, rbox, rng_for, rod, rot_align_z, rot_x
from ..registry import Asset
from .parts import window_panel

BODY, GLASS, STAND, PORT = 0, 1, 2, 3


def panel(w, h, depth, bezel, g):
    """A flat panel w x h standing on z = 0, its front at y = -0.0165: the bezel (a ring, 12 mm deep), the screen
    2.5 mm behind the bezel's face, a rear panel and the back housing, ``depth`` m deep at its bottom, about half that
    at the top, with vent ribs and a row of ports."""
    y0 = -0.0165
    parts = [window_panel(-w / 2, w / 2, 0.0, h, -w / 2 + bezel, w / 2 - bezel, bezel * (1.6 if h > 0.4 else 1.0), h - bezel,
                          y0, y0 + 0.012, 0.0012, BODY)]
    zb = bezel * (1.6 if h > 0.4 else 1.0)
    # the screen: its face 2.5 mm behind the bezel's, its edges 3 mm under the bezel
    parts.append(rbox((-w / 2 + bezel - 0.003, y0 + 0.0025, zb - 0.003), (w / 2 - bezel + 0.003, y0 + 0.009, h - bezel + 0.003),
                      0.0, 1, GLASS))                                # its edges are hidden: a plain box
    # the rear panel, 1 mm into the bezel's back, 2 mm inside its outline
    parts.append(rbox((-w / 2 + 0.002, y0 + 0.011, 0.002), (w / 2 - 0.002, y0 + 0.02, h - 0.002), 0.003, 2, BODY))
    yb = y0 + 0.019                                  # the housing starts 1 mm inside the rear panel
    # the housing: a deep lower box (power supply, boards) and a shallower upper one sunk into it
    hw = w * float(g.uniform(0.62, 0.8))
    lo_top = h * float(g.uniform(0.36, 0.46))
    parts.append(rbox((-hw / 2, yb, h * 0.06), (hw / 2, yb + depth, lo_top), min(0.012, depth * 0.35), 3, BODY))
    up = depth * float(g.uniform(0.45, 0.6))
    parts.append(rbox((-hw / 2 + 0.015, yb + 0.0004, lo_top - 0.03), (hw / 2 - 0.015, yb + up, h * 0.82), min(0.01, up * 0.4), 3, BODY))
    # vent ribs across the upper box's back (standing 2.5 mm proud of it), ports in the lower box's back
    n = int(np.clip(round((h * 0.82 - lo_top) / 0.012), 4, 40))
    zs = np.linspace(lo_top + 0.01, h * 0.82 - 0.02, n)
    for z in zs[::2]:
        parts.append(rbox((-hw * 0.3, yb + up - 0.002, z - 0.002), (hw * 0.3, yb + up + 0.0025, z + 0.002), 0.0, 1, BODY))
    for k in range(int(g.integers(3, 6))):
        x = -hw * 0.35 + k * 0.035
        parts.append(rbox((x, yb + depth - 0.003, h * 0.16), (x + 0.022, yb + depth + 0.002, h * 0.16 + 0.012), 0.0, 1, PORT))
    return parts, yb, up


def tv3(seed, p):
    """Edition-3 TV (see the module's docstring)."""
    g = rng_for(seed, "tv", "shape", "e3")
    w, h = p["diagonal"] * 0.87, p["diagonal"] * 0.49
    lift = 0.0651 if p["stand"] else 0.06          # edition 2's height (its feet sank 5.1 mm below the floor)
    depth = 0.035 if p["stand"] else float(g.uniform(0.035, 0.05))
    bezel = float(g.uniform(0.006, 0.012))
    scr, yb, _ = panel(w, h, depth, bezel, g)
    parts = [m.transformed(offset=(0, 0, lift)) for m in scr]
    if p["stand"]:    # two feet: flat blades (or round rods) from the housing splayed to a pad in front and one behind
        fx = w * float(g.uniform(0.3, 0.4))
        blade = g.uniform() < 0.6
        for sx in (-1, 1):
            x = sx * fx
            top = np.array([x, yb - 0.004, lift + 0.05])
            for toe in (-0.12, 0.05):
                end = np.array([x, toe, 0.005 if blade else 0.006])         # into the pad, clear of the floor
                if blade:    # a bar 24 mm wide (the back one 22: their sides meet at the top), 7 mm thick
                    d = end - top
                    bw = 0.012 if toe < 0 else 0.011
                    bar = rbox((-bw, -0.0035, 0.0), (bw, 0.0035, float(np.linalg.norm(d))), 0.0, 1, STAND)
                    parts.append(bar.transformed(rot_align_z(d), top))
                else:
                    parts.append(rod(top, end, 0.007, 8, STAND))
                parts.append(rbox((x - 0.018, toe - 0.01, 0.0), (x + 0.018, toe + 0.01, 0.008), 0.003, 1, STAND))
    else:             # a central pedestal: a neck from the base into the lower housing
        nw = float(g.uniform(0.05, 0.09))
        parts.append(rbox((-nw / 2, yb + 0.006, 0.008), (nw / 2, yb + min(0.03, depth - 0.006), lift + h * 0.2), 0.006, 2, STAND))
        if g.uniform() < 0.5:
            parts.append(rbox((-0.18, -0.1, 0.0), (0.18, 0.1, 0.012), 0.005, 2, STAND))
        else:
            parts.append(lathe([(0, 0), (0.096, 0), (0.1, 0.004), (0.097, 0.01), (0.08, 0.013), (0, 0.013)], 40, STAND))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    return Asset(m, screen_materials(seed, "tv"))


def monitor3(seed, p):
    """Edition-3 monitor: a panel tilted back on a carriage that slides on a column rising from a base plate."""
    g = rng_for(seed, "monitor", "shape", "e3")
    w, h = p["diagonal"] * 0.87, p["diagonal"] * 0.49
    lift = 0.12
    depth = float(g.uniform(0.025, 0.04))
    scr, yb, up = panel(w, h, depth, float(g.uniform(0.005, 0.01)), g)
    # a carriage (a VESA block) sunk into the upper housing's back at mid-height, reaching past the lower one's
    zc = h * 0.5
    scr.append(rbox((-0.05, yb + up * 0.5, zc - 0.05), (0.05, yb + depth + 0.012, zc + 0.05), 0.006, 2, STAND))
    tilt = rot_x(-0.08)
    parts = [m.transformed(tilt, (0, 0, lift)) for m in scr]
    # the column behind the carriage, from the base plate up past it
    cy0 = (np.array([0.0, yb + depth + 0.006, zc]) @ tilt.T)[1] + 0.0
    cw = float(g.uniform(0.045, 0.06))
    parts.append(rbox((-cw / 2, cy0, 0.008), (cw / 2, cy0 + 0.028, lift + h * 0.5 + 0.09), 0.008, 2, STAND))
    # the base plate: a rounded rectangle or an ellipse, under the column
    if g.uniform() < 0.5:
        parts.append(rbox((-0.11, -0.11, 0.0), (0.11, 0.11, 0.012), 0.006, 2, STAND))
    else:
        base = lathe([(0, 0), (0.104, 0), (0.11, 0.005), (0.104, 0.011), (0, 0.012)], 40, STAND)
        parts.append(base)
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    return Asset(m, screen_materials(seed, "monitor"))


def screen_materials(seed, name):
    """(body, screen, stand, ports): satin black plastic, the ``screen`` kind (a dark glossy panel under a clear
    coat), brushed or painted metal or plastic for the stand, matte black for the ports."""
    gm = rng_for(seed, name, "mat", "e3")
    shade = float(gm.uniform(0.015, 0.05))
    body = {"kind": "plastic", "params": {"base_color": [round(shade, 4), round(shade, 4), round(shade * 1.08, 4)],
                                          "roughness": round(float(gm.uniform(0.3, 0.5)), 4)}}
    screen = {"kind": "screen", "params": {"base_color": [0.004, 0.0045, 0.006], "roughness": round(float(gm.uniform(0.02, 0.06)), 4),
                                           "coat": 1.0, "smudge": round(float(gm.uniform(0.1, 0.4)), 4),
                                           "pixel": round(float(gm.uniform(2500.0, 4000.0)), 1)}}
    if gm.uniform() < 0.5:
        stand = {"kind": "metal", "params": {"base_color": [0.55, 0.55, 0.56], "metallic": 1.0, "roughness": 0.3, "scale": 400.0,
                                             "bump": 0.02, "brushed": 1.0, "painted": 0}}
    else:
        stand = {"kind": "plastic", "params": {"base_color": body["params"]["base_color"], "roughness": 0.45}}
    port = {"kind": "plastic", "params": {"base_color": [0.005, 0.005, 0.005], "roughness": 0.8}}
    return body, screen, stand, port
