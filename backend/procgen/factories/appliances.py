"""Edition 3 of the fridge and the cooker (bpy-free): what makes them read as appliances rather than white boxes.

``kitchen_bath.py``'s ``fridge`` and ``stove`` call these when ``geometry.edition() >= 3``; editions 1 and 2 stay
there, unchanged. Same conventions: metres, Z up, origin at the centre of the footprint (min z = 0), front facing
-Y; every part is a closed shell, sunk into its neighbour or separated from it by a gap, never face to face.

* Fridge: a cabinet with well-rounded edges on four levelling feet, two doors (freezer below or above) with a
  visible shadow gap between them and a black door seal showing in it, bar handles on posts standing 4-5.5 cm off
  the doors (a horizontal one on a bottom freezer drawer), a louvred grille in the plinth, a badge; brushed steel
  doors with painted sides, or an enamel finish (white, cream, black, a retro colour).
* Cooker: an oven door framed round a glass window (the dark oven cavity and two shelf rails behind it), a bar
  handle on posts, a storage drawer, a recessed plinth, a control fascia with a row of knobs (one per burner and
  two for the oven, fins turned at seeded angles) and a clock window; a gas hob (burner crowns and caps on drip
  rings under cast-iron pan grates) or a black glass-ceramic top with printed zone rings.
"""
from __future__ import annotations

import numpy as np

from ..geometry import box, lathe, merge, rbox, rng_for, rod
from ..materials import material
from ..registry import Asset
from .parts import knob, louvres, ring, standoff_bar, window_panel

ENAMELS = ((0.8, 0.79, 0.76), (0.78, 0.72, 0.6), (0.025, 0.025, 0.027), (0.55, 0.12, 0.08), (0.35, 0.55, 0.55),
           (0.62, 0.66, 0.7))
"""Enamel finishes (linear RGB): white, cream, black, a retro red, a retro mint, a pale grey."""
ENAMEL_WEIGHTS = (0.4, 0.15, 0.2, 0.04, 0.04, 0.17)
"""How often each finish is drawn: mostly white, black and grey, the retro colours now and then."""


def _steel(rng, shade=(0.58, 0.7)):
    v = round(float(rng.uniform(*shade)), 4)
    return {"kind": "metal", "params": {"base_color": [v, v, round(v * 1.01, 4)], "metallic": 1.0,
                                        "roughness": round(float(rng.uniform(0.22, 0.34)), 4), "scale": 500.0,
                                        "bump": 0.015, "brushed": 1.0, "painted": 0}}


def _enamel(rng):
    c = ENAMELS[int(rng.choice(len(ENAMELS), p=ENAMEL_WEIGHTS))]
    return {"kind": "paint", "params": {"base_color": list(c), "roughness": round(float(rng.uniform(0.12, 0.28)), 4),
                                        "wear": 0.0}}


def _painted_grey(rng):
    v = round(float(rng.uniform(0.18, 0.4)), 4)
    return {"kind": "metal", "params": {"base_color": [v, v, round(v * 1.03, 4)], "metallic": 0.0, "roughness": 0.45,
                                        "scale": 300.0, "bump": 0.02, "brushed": 0.0, "painted": 1}}


_BLACK = {"kind": "plastic", "params": {"base_color": [0.015, 0.015, 0.016], "roughness": 0.55}}


def fridge(seed, p):
    g = rng_for(seed, "fridge", "e3")
    w, h = p["width"], p["height"]
    d, dt = 0.65, 0.05                    # depth, door thickness
    yf = -d / 2                           # door fronts
    yb = yf + dt + 0.004                  # the cabinet's front, 4 mm behind the doors (the seal bridges the gap)
    parts = [rbox((-w / 2, yb, 0.012), (w / 2, d / 2, h), min(0.035, w * 0.06), 4, mat=3)]
    for sx in (-1, 1):                    # levelling feet, their tops sunk into the cabinet's base
        for y in (yb + 0.05, d / 2 - 0.06):
            parts.append(lathe([(0, 0), (0.016, 0), (0.016, 0.006), (0.011, 0.009), (0.011, 0.017), (0, 0.017)], 16, mat=2)
                         .transformed(offset=(sx * (w / 2 - 0.05), y, 0)))
    # 1. Plinth grille under the doors: a black panel with louvres standing out of it
    gz0, gz1 = 0.022, 0.092
    parts.append(box((-w / 2 + 0.03, yf + 0.012, gz0), (w / 2 - 0.03, yb + 0.004, gz1), mat=2))
    parts += louvres(-w / 2 + 0.045, w / 2 - 0.045, gz0 + 0.006, gz1 - 0.006, yf + 0.008, 0.006, int(g.integers(5, 8)), 2)
    # 2. Doors with a shadow gap and a seal behind each; freezer below (a drawer) or above
    bottom_freezer = g.uniform() < 0.7
    split = h * (g.uniform(0.33, 0.42) if bottom_freezer else g.uniform(0.7, 0.76))
    gap = round(float(g.uniform(0.006, 0.01)), 4)
    doors = ((0.1, split - gap / 2), (split + gap / 2, h - 0.004))
    hinge_left = g.uniform() < 0.5
    hx = (w / 2 - 0.06) * (1 if hinge_left else -1)        # handles on the side away from the hinges
    out, hr = round(float(g.uniform(0.04, 0.055)), 4), round(float(g.uniform(0.009, 0.012)), 4)
    for k, (z0, z1) in enumerate(doors):
        parts.append(rbox((-w / 2 + 0.002, yf, z0), (w / 2 - 0.002, yf + dt, z1), 0.012, 3))
        parts.append(rbox((-w / 2 + 0.012, yf + dt - 0.004, z0 + 0.01), (w / 2 - 0.012, yb + 0.003, z1 - 0.01), 0.004, 1, mat=2))
        freezer = (k == 0) == bottom_freezer
        dh = z1 - z0
        if freezer and bottom_freezer:     # a drawer: a horizontal bar along its top
            L = w * 0.6
            parts += standoff_bar((-L / 2, z1 - 0.06), (L / 2, z1 - 0.06), yf, out, hr, 1)
        else:
            L = min(0.6, dh * (0.5 if freezer else 0.45))
            zc = float(np.clip(1.15, z0 + L / 2 + 0.08, z1 - L / 2 - 0.08)) if not freezer else z0 + L / 2 + 0.07
            parts += standoff_bar((hx, zc - L / 2), (hx, zc + L / 2), yf, out, hr, 1)
    # 3. A maker's badge near the top of the upper door
    parts.append(box((-w / 2 + 0.045, yb - 0.002, split - 0.012), (w / 2 - 0.045, yb + 0.003, split + 0.012), mat=2))  # dark in the gap
    parts.append(rbox((-0.035, yf - 0.002, h - 0.09), (0.035, yf + 0.003, h - 0.076), 0.002, 1, mat=1))
    steel = g.uniform() < 0.5
    if steel:
        front, sides, handle = _steel(g), _painted_grey(g), _steel(g, (0.6, 0.75))
    else:
        front = _enamel(g)
        sides = front
        handle = _steel(g, (0.75, 0.9)) if g.uniform() < 0.6 else {"kind": "plastic", "params": {
            "base_color": [round(c * 0.9, 4) for c in front["params"]["base_color"]], "roughness": 0.35}}
    m = merge(parts)
    return Asset(m, (front, handle, _BLACK, sides))


def stove(seed, p):
    g = rng_for(seed, "stove", "e3")
    w, d, h = p["width"], 0.6, 0.9
    nb = 6 if p["burners"] >= 5 and w >= 0.75 else 4
    yf = -d / 2                     # the door's front
    yb = yf + 0.03                  # the body's front
    hz = h - 0.012                  # the hob's top
    gas = g.uniform() < 0.6
    parts = [rbox((-w / 2, yb, 0.03), (w / 2, d / 2, hz - 0.004), 0.008, 3)]
    parts.append(box((-w / 2 + 0.015, yb + 0.03, 0.0), (w / 2 - 0.015, d / 2 - 0.015, 0.036), mat=2))      # plinth
    # 1. Hob: a plate on the body; gas burners under grates, or printed zones on black glass
    parts.append(rbox((-w / 2 + 0.001, yb - 0.006, hz - 0.008), (w / 2 - 0.001, d / 2 - 0.001, hz), 0.003, 2, mat=2))
    cols = nb // 2
    xs = [-w / 2 + w * (i + 0.5) / cols for i in range(cols)]
    ys = [yb + (d / 2 - yb) * 0.3, yb + (d / 2 - yb) * 0.74]
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            big = (i + j) % 2 == 0
            if gas:
                rb = 0.042 if big else 0.032
                parts.append(ring(rb + 0.006, rb + 0.024, hz - 0.002, hz + 0.0015, 5, 40).transformed(offset=(x, y, 0)))
                parts.append(lathe([(0, hz - 0.003), (rb, hz - 0.003), (rb, hz + 0.011), (rb * 0.9, hz + 0.015), (0, hz + 0.015)],
                                   32, mat=5).transformed(offset=(x, y, 0)))
                rc = rb * 0.78
                parts.append(lathe([(0, hz + 0.013), (rc, hz + 0.013), (rc, hz + 0.019), (rc * 0.75, hz + 0.023), (0, hz + 0.024)],
                                   32, mat=6).transformed(offset=(x, y, 0)))
            else:
                rz = 0.1 if big else 0.075
                parts.append(ring(rz - 0.004, rz, hz - 0.001, hz + 0.0004, 7, 64).transformed(offset=(x, y, 0)))
                if big and g.uniform() < 0.5:   # a dual zone: a second ring inside
                    parts.append(ring(rz * 0.6 - 0.003, rz * 0.6, hz - 0.001, hz + 0.0004, 7, 48).transformed(offset=(x, y, 0)))
        if gas:   # a cast-iron grate over each pair of burners: frame, fingers towards the burners, feet
            x0, x1 = x - w / cols / 2 + 0.012, x + w / cols / 2 - 0.012
            y0, y1 = yb + 0.012, d / 2 - 0.02
            zg, rr = hz + 0.03, 0.0045
            corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
            for a, b in zip(corners, corners[1:] + corners[:1]):
                parts.append(rod((*a, zg), (*b, zg), rr, 8, mat=4))
            ym = (ys[0] + ys[1]) / 2
            parts.append(rod((x0, ym, zg), (x1, ym, zg), rr, 8, mat=4))
            for y in ys:
                rb = 0.045
                for tx, ty in ((x0, y), (x1, y), (x, y0 if y == ys[0] else y1)):
                    v = np.array([tx - x, ty - y])
                    e = np.array([x, y]) + v / np.linalg.norm(v) * (rb + 0.014)
                    parts.append(rod((tx, ty, zg - 0.001), (*e, zg - 0.001), rr * 0.85, 8, mat=4))
            for cx, cy in corners:
                parts.append(rod((cx, cy, zg), (cx, cy, hz - 0.002), rr * 0.9, 8, mat=4))
    # 2. Control fascia with knobs and a clock window
    fz0, fz1 = h - 0.13, hz - 0.012
    parts.append(rbox((-w / 2 + 0.012, yb - 0.01, fz0), (w / 2 - 0.012, yb + 0.004, fz1), 0.004, 2, mat=1))
    nk = nb + 2
    kz = (fz0 + fz1) / 2
    clock = w >= 0.55
    slots = np.linspace(-w / 2 + 0.06, w / 2 - 0.06, nk + (1 if clock else 0))
    if clock:
        mid = len(slots) // 2
        cx = slots[mid]
        slots = np.delete(slots, mid)
        parts.append(rbox((cx - 0.03, yb - 0.012, kz - 0.014), (cx + 0.03, yb - 0.008, kz + 0.014), 0.002, 1, mat=6))
    kr = min(0.02, (slots[1] - slots[0]) * 0.38)
    for x in slots:
        parts += knob(x, kz, yb - 0.01, kr, float(g.uniform(-2.4, 2.4)) if g.uniform() < 0.4 else 0.0, 3, 7)
    # 3. Oven door: a frame round a glass window; behind it the dark cavity and two shelf rails
    dz0, dz1 = 0.2, fz0 - 0.008
    dx = w / 2 - 0.012
    wx, wz0, wz1 = dx - max(0.06, w * 0.11), dz0 + 0.07, dz1 - 0.12
    parts.append(window_panel(-dx, dx, dz0, dz1, -wx, wx, wz0, wz1, yf, yb + 0.003, 0.004, mat=0))
    parts.append(box((-wx - 0.012, yf + 0.006, wz0 - 0.012), (wx + 0.012, yf + 0.011, wz1 + 0.012), mat=8))
    parts.append(box((-wx - 0.02, yb - 0.006, wz0 - 0.02), (wx + 0.02, yb + 0.002, wz1 + 0.02), mat=6))
    for t in (0.35, 0.7):
        zr = wz0 + (wz1 - wz0) * t
        parts.append(rod((-wx - 0.01, yb - 0.012, zr), (wx + 0.01, yb - 0.012, zr), 0.0025, 8, mat=3))
    L = w * 0.72
    parts += standoff_bar((-L / 2, dz1 - 0.05), (L / 2, dz1 - 0.05), yf, 0.04, 0.009, 3)
    # 4. A storage drawer under the door, with a short bar
    parts.append(rbox((-dx, yf + 0.004, 0.045), (dx, yb + 0.003, dz0 - 0.008), 0.004, 2, mat=0))
    parts += standoff_bar((-0.1, dz0 - 0.045), (0.1, dz0 - 0.045), yf + 0.004, 0.03, 0.007, 3)
    # materials
    steel = g.uniform() < 0.4
    body = _steel(g) if steel else _enamel(g)
    fascia = body if g.uniform() < 0.5 else (_BLACK if not steel else _steel(g, (0.5, 0.6)))
    hob = {"kind": "plastic", "params": {"base_color": [0.012, 0.012, 0.013], "roughness": 0.06}} if not gas else \
        (_steel(g) if g.uniform() < 0.5 else {"kind": "paint", "params": {"base_color": [0.02, 0.02, 0.022], "roughness": 0.2, "wear": 0}})
    trim = _steel(g, (0.65, 0.85))
    iron = {"kind": "paint", "params": {"base_color": [0.02, 0.02, 0.02], "roughness": 0.6, "wear": 0.0}}   # cast iron
    crown = {"kind": "metal", "params": {"base_color": [0.45, 0.45, 0.44], "metallic": 1.0, "roughness": 0.5,
                                         "scale": 300.0, "bump": 0.03, "brushed": 0.0, "painted": 0}}
    cavity = {"kind": "paint", "params": {"base_color": [0.015, 0.016, 0.02], "roughness": 0.3, "wear": 0}}
    marks = {"kind": "paint", "params": {"base_color": [0.6, 0.6, 0.6], "roughness": 0.4, "wear": 0}}
    glass = material("glass", rng_for(seed, "stove", "mat", "glass"))
    glass["params"]["base_color"] = [0.35, 0.33, 0.3]   # smoked oven glass
    # a glass-ceramic top holds a pan (its zone prints are the highest thing on it); gas grates are left bare
    surfaces = () if gas else ({"lo": [-w / 2 + 0.03, yb + 0.02], "hi": [w / 2 - 0.03, d / 2 - 0.03], "z": hz + 0.0004,
                                "clear": 0.5},)
    return Asset(merge(parts), (body, fascia, hob, trim, iron, crown, cavity, marks, glass), surfaces)
