"""Furniture factories: chair, table, sofa, bed, bookshelf, cabinet (bpy-free).

Conventions for every factory: metres, Z up, origin at the centre of the footprint on the floor (min z = 0),
front facing -Y, back at +Y (the planner turns +Y towards a wall).
"""
from __future__ import annotations

import numpy as np

from ..geometry import box, edition, lathe, merge, rbox, rbox_c, rng_for, rod, rot_x, tube
from .. import finishes
from ..materials import material
from ..registry import Asset, Param, factory


def _frame_material(seed, name, rng):
    if edition() >= 3:   # edition 3: a natural wood (oak, walnut, ash, cherry, pine) or a furniture paint
        return finishes.furniture(rng_for(seed, name, "mat", "frame", "e3"), 0.75)
    kind = "wood" if rng.uniform() < 0.7 else ("metal" if rng.uniform() < 0.5 else "paint")
    return material(kind, rng_for(seed, name, "mat", "frame"))


def _legs_at(xs, ys, z0, z1, t, r, mat=0):
    return [rbox_c(x, y, z0, t, t, z1 - z0, r, 2, mat) for x in xs for y in ys]


@factory("chair", (
    Param("seat_height", 0.40, 0.50, doc="Seat top above the floor, m"),
    Param("seat_width", 0.40, 0.55, doc="Seat width, m"),
    Param("seat_depth", 0.38, 0.50, doc="Seat depth, m"),
    Param("back_height", 0.30, 0.55, doc="Backrest height above the seat, m"),
    Param("leg_thickness", 0.025, 0.05, doc="Square leg side, m"),
    Param("cushion", 0, 1, integer=True, doc="1 adds a fabric seat cushion"),
), ("furniture", "seating", "chair"))
def chair(seed, p):
    """Four-legged chair: bevelled seat, legs inset from the seat's edges, stretchers, a slatted or panel backrest
    carried by the back legs, an optional stuffed cushion. Parts overlap (joined) without coincident faces."""
    if edition() >= 3:   # edition 3: rounded seat, tapered or turned legs (joinery.py)
        from .joinery import chair3
        return chair3(seed, p)
    rng = rng_for(seed, "chair", "shape")
    w, d, sh, t = p["seat_width"], p["seat_depth"], p["seat_height"], p["leg_thickness"]
    st = rng.uniform(0.025, 0.04)
    bev = min(0.006, st * 0.3)
    parts = [rbox_c(0, 0, sh - st, w, d, st, bev, 3)]
    lx, ly = w / 2 - 0.008 - t / 2, d / 2 - 0.008 - t / 2
    top_back = sh + p["back_height"]
    parts += _legs_at((-lx, lx), (-ly,), 0.0, sh - st * 0.5, t, t * 0.2)
    parts += _legs_at((-lx, lx), (ly,), 0.0, top_back, t, t * 0.2)
    # stretchers between the legs, a third of the way up (ends buried in the legs)
    zs = sh * rng.uniform(0.2, 0.35)
    for sx in (-1, 1):
        parts.append(rbox((sx * lx - t * 0.3, -ly, zs), (sx * lx + t * 0.3, ly, zs + t * 0.5), t * 0.1, 2))
    parts.append(rbox((-lx, ly - t * 0.3, zs + t * 0.6), (lx, ly + t * 0.3, zs + t * 1.1), t * 0.1, 2))
    # backrest: slats or one panel between the back legs
    style = int(rng.integers(0, 3))
    span = p["back_height"] * 0.6
    if style < 2:
        rails = 2 + style
        for k in range(rails):
            z = top_back - 0.02 - k * span / rails
            parts.append(rbox((-lx, ly - t * 0.35, z - 0.045), (lx, ly + t * 0.25, z), 0.006, 2))
    else:
        z = top_back - 0.02
        parts.append(rbox((-lx, ly - t * 0.35, z - span), (lx, ly + t * 0.25, z), 0.01, 3, bulge=0.004))
    if p["cushion"]:
        cd = (ly - t / 2 - 0.004) - (-d / 2 + 0.015)
        parts.append(rbox_c(0, -d / 2 + 0.015 + cd / 2, sh - 0.004, 2 * (lx - t / 2) - 0.01, cd, 0.05, 0.02, 4, mat=1,
                            bulge=0.012))
    mats = (_frame_material(seed, "chair", rng), material("fabric", rng_for(seed, "chair", "mat", "cushion")))
    return Asset(merge(parts), mats)


@factory("table", (
    Param("height", 0.68, 0.78, doc="Top surface above the floor, m"),
    Param("width", 0.8, 1.8, doc="Length along X, m"),
    Param("depth", 0.6, 1.0, doc="Depth along Y, m"),
    Param("top_thickness", 0.025, 0.05, doc="Table top thickness, m"),
    Param("pedestal", 0, 1, integer=True, doc="0: four legs, 1: central pedestal"),
), ("furniture", "table"))
def table(seed, p):
    """Dining/desk table: bevelled top on four inset legs joined by an apron set back from the legs' faces,
    or on a turned pedestal. Edition 2: the aprons' edges are bevelled too."""
    if edition() >= 3:   # edition 3: profiled top, tapered or turned legs (joinery.py)
        from .joinery import table3
        return table3(seed, p)[0]
    rng = rng_for(seed, "table", "shape")
    w, d, h, tt = p["width"], p["depth"], p["height"], p["top_thickness"]
    parts = [rbox_c(0, 0, h - tt, w, d, tt, min(0.008, tt * 0.3), 3)]
    if p["pedestal"]:
        rb = min(w, d) * 0.32
        parts.append(lathe([(0, 0), (rb, 0), (rb * 0.97, 0.02), (rb * 0.6, 0.035), (0.07, 0.06), (0.05, 0.1),
                            (0.045, h - tt - 0.08), (0.07, h - tt - 0.02), (0.09, h - tt + 0.004), (0, h - tt + 0.004)], 32))
    else:
        lt = rng.uniform(0.04, 0.07)
        inset = rng.uniform(0.03, 0.08)
        lx, ly = w / 2 - inset - lt / 2, d / 2 - inset - lt / 2
        parts += _legs_at((-lx, lx), (-ly, ly), 0.0, h - tt + 0.004, lt, lt * 0.15)
        ah = rng.uniform(0.06, 0.1)
        za, zb = h - tt - ah, h - tt + 0.003
        yo = ly + lt / 2 - 0.006  # apron's outer face 6 mm behind the legs' faces
        xo = lx + lt / 2 - 0.006
        apron = box if edition() < 2 else (lambda lo, hi: rbox(lo, hi, 0.0025, 1))   # edition 2: bevelled aprons
        for sy in (-1, 1):
            y0, y1 = sorted((sy * yo, sy * (yo - 0.02)))
            parts.append(apron((-lx, y0, za), (lx, y1, zb)))
        for sx in (-1, 1):  # side aprons 1 mm lower so no face meets the front aprons' faces
            x0, x1 = sorted((sx * xo, sx * (xo - 0.02)))
            parts.append(apron((x0, -ly, za - 0.001), (x1, ly, zb - 0.001)))
    mats = (_frame_material(seed, "table", rng),)
    surf = ({"lo": [-w / 2 + 0.02, -d / 2 + 0.02], "hi": [w / 2 - 0.02, d / 2 - 0.02], "z": h, "clear": 1.2},)
    return Asset(merge(parts), mats, surf)


@factory("sofa", (
    Param("width", 1.4, 2.4, doc="Overall width, m"),
    Param("depth", 0.8, 1.0, doc="Overall depth, m"),
    Param("seat_height", 0.40, 0.48, doc="Seat cushion top above the floor, m"),
    Param("back_height", 0.75, 0.95, doc="Backrest top above the floor, m"),
    Param("arm_width", 0.1, 0.22, doc="Armrest width, m"),
    Param("cushions", 1, 3, integer=True, doc="Number of seat cushions"),
), ("furniture", "seating", "sofa"))
def sofa(seed, p):
    """Upholstered sofa: rounded arms and back, stuffed seat and back cushions with gaps between them,
    turned wooden legs. Edition 3: separate crowned seat and back cushions with piped seams, rolled, track or
    sloped arms, tapered or metal legs or a plinth (upholstery.py)."""
    if edition() >= 3:
        from .upholstery import sofa3
        return sofa3(seed, p)
    rng = rng_for(seed, "sofa", "shape")
    w, d, sh, bh, aw = p["width"], p["depth"], p["seat_height"], p["back_height"], p["arm_width"]
    leg = rng.uniform(0.05, 0.12)
    back_d = rng.uniform(0.15, 0.22)
    parts = []
    for sx in (-1, 1):
        for sy in (-1, 1):
            parts.append(lathe([(0, 0), (0.018, 0), (0.025, leg * 0.8), (0.025, leg + 0.01), (0, leg + 0.01)], 16,
                               mat=1).transformed(offset=(sx * (w / 2 - 0.07), sy * (d / 2 - 0.07), 0)))
    base_top = sh - 0.12
    arm_h = sh + rng.uniform(0.12, 0.22)
    soft = min(0.05, aw * 0.4)
    for sx in (-1, 1):
        x0, x1 = sorted((sx * w / 2, sx * (w / 2 - aw)))
        parts.append(rbox((x0, -d / 2, leg), (x1, d / 2, arm_h), soft, 4, bulge=0.01))
    inner = w - 2 * aw
    parts.append(rbox((-inner / 2 - 0.02, -d / 2 + 0.03, leg + 0.02), (inner / 2 + 0.02, d / 2 - 0.02, base_top), 0.02, 3))
    parts.append(rbox((-inner / 2 - 0.02, d / 2 - back_d, base_top - 0.03), (inner / 2 + 0.02, d / 2 - 0.01, bh),
                      min(0.06, back_d * 0.35), 4, bulge=0.01))
    n = p["cushions"]
    cw = inner / n
    for k in range(n):
        cx = -inner / 2 + cw * (k + 0.5)
        parts.append(rbox_c(cx, (-d / 2 + 0.01 + d / 2 - back_d + 0.02) / 2, base_top - 0.006, cw - 0.012,
                            d - back_d + 0.01, sh - base_top - 0.01, 0.045, 4, bulge=0.02))
        parts.append(rbox((cx - cw / 2 + 0.008, d / 2 - back_d - 0.13, sh - 0.02),
                          (cx + cw / 2 - 0.008, d / 2 - back_d + 0.02, sh + (bh - sh) * 0.82), 0.05, 4, bulge=0.025))
    mats = (material("fabric", rng_for(seed, "sofa", "mat", "fabric")), material("wood", rng_for(seed, "sofa", "mat", "legs")))
    # the seat between the arms, back to the back frame (throw cushions lean against the back cushions)
    seat = {"lo": [round(-inner / 2, 6), round(-d / 2 + 0.03, 6)], "hi": [round(inner / 2, 6), round(d / 2 - back_d - 0.01, 6)],
            "z": round(sh, 6), "clear": round(bh - sh + 0.3, 6)}
    return Asset(merge(parts), mats, (seat,))


@factory("bed", (
    Param("width", 0.9, 1.9, doc="Mattress width, m"),
    Param("length", 1.9, 2.2, doc="Mattress length, m"),
    Param("mattress_top", 0.45, 0.6, doc="Mattress top above the floor, m"),
    Param("headboard_height", 0.9, 1.3, doc="Headboard top above the floor, m"),
    Param("pillows", 1, 2, integer=True, doc="Number of pillows"),
), ("furniture", "bed"))
def bed(seed, p):
    """Bed: bevelled frame on legs, upholstered headboard, a soft mattress, a blanket folded over it and stuffed
    pillows; the headboard is at +Y. Edition 3: a buttoned, channelled or panelled headboard, a piped mattress with
    rounded edges, a duvet draped over its sides in folds, crowned pillows, a frame on legs or a divan (upholstery.py)."""
    if edition() >= 3:
        from .upholstery import bed3
        return bed3(seed, p)
    rng = rng_for(seed, "bed", "shape")
    w, l, mt, hh = p["width"], p["length"], p["mattress_top"], p["headboard_height"]
    fw, fl = w + 0.06, l + 0.08
    leg = rng.uniform(0.08, 0.18)
    mh = rng.uniform(0.18, 0.26)
    frame_top = mt - mh
    parts = [rbox((-fw / 2, -fl / 2, leg), (fw / 2, fl / 2 - 0.05, frame_top), 0.01, 2)]
    parts += _legs_at((-(fw / 2 - 0.05), fw / 2 - 0.05), (-(fl / 2 - 0.05), fl / 2 - 0.1), 0.0, leg + 0.005, 0.06, 0.008)
    parts.append(rbox((-fw / 2 - 0.01, fl / 2 - 0.08, 0.0), (fw / 2 + 0.01, fl / 2, hh), 0.03, 4, bulge=0.015))
    my0, my1 = -fl / 2 + 0.04, fl / 2 - 0.085
    parts.append(rbox((-w / 2, my0, frame_top - 0.005), (w / 2, my1, mt), 0.05, 4, mat=1, bulge=0.012))
    blanket_l = (my1 - my0) * rng.uniform(0.55, 0.72)
    parts.append(rbox((-w / 2 - 0.025, my0 - 0.02, frame_top + mh * 0.25), (w / 2 + 0.025, my0 + blanket_l, mt + 0.03),
                      0.04, 4, mat=2, bulge=0.01))
    n = p["pillows"]
    pw = (w - 0.1) / n
    for k in range(n):
        cx = -w / 2 + 0.05 + pw * (k + 0.5)
        parts.append(rbox_c(cx, my1 - 0.25, mt - 0.012, pw - 0.06, 0.36, 0.1, 0.04, 4, mat=1, bulge=0.03))
    mats = (_frame_material(seed, "bed", rng), material("fabric", rng_for(seed, "bed", "mat", "sheet"), "white"),
            material("fabric", rng_for(seed, "bed", "mat", "blanket")))
    top = {"lo": [round(-w / 2, 6), round(my0, 6)], "hi": [round(w / 2, 6), round(my1, 6)], "z": round(mt, 6), "clear": 1.0}  # the mattress
    return Asset(merge(parts), mats, (top,))


@factory("bookshelf", (
    Param("width", 0.6, 1.2, doc="Outer width, m"),
    Param("depth", 0.25, 0.4, doc="Outer depth, m"),
    Param("height", 0.9, 2.1, doc="Outer height, m"),
    Param("shelves", 2, 6, integer=True, doc="Number of compartments stacked vertically"),
    Param("board", 0.018, 0.03, doc="Board thickness, m"),
), ("furniture", "storage", "bookshelf"))
def bookshelf(seed, p):
    """Open bookcase: two sides under an overhanging top, a recessed plinth, evenly spaced shelves housed in the
    sides and a thin back panel. Every declared surface is the top of a real board (the top board's top at
    ``height``). Edition 3: a rounded top edge, palette finishes, and doors on the lowest compartment of some tall
    bookcases."""
    rng = rng_for(seed, "bookshelf", "shape")
    w, d, h, b, n = p["width"], p["depth"], p["height"], p["board"], p["shelves"]
    plinth = rng.uniform(0.03, 0.08)
    back = 0.008
    r = min(0.003, b * 0.2)
    xi = w / 2 - b  # inner face of the sides
    rt, kt = (r, 2) if edition() < 3 else (min(0.007, b * 0.35), 3)   # edition 3: the top's edge rounded
    parts = [rbox((-w / 2 - 0.005, -d / 2 - 0.006, h - b), (w / 2 + 0.005, d / 2, h), rt, kt)]  # top
    for sx in (-1, 1):
        x0, x1 = sorted((sx * w / 2, sx * xi))
        parts.append(rbox((x0, -d / 2, 0.0), (x1, d / 2 - 0.001, h - b + 0.002), r, 2))
    panel = box if edition() < 2 else (lambda lo, hi: rbox(lo, hi, 0.0015, 1))   # edition 2: bevelled back and plinth
    parts.append(panel((-xi - 0.002, d / 2 - back - 0.002, plinth + 0.002), (xi + 0.002, d / 2 - 0.003, h - b + 0.002)))
    parts.append(panel((-xi - 0.0025, -d / 2 + 0.03, 0.002), (xi + 0.0025, d / 2 - back - 0.0005, plinth + 0.003)))
    spacing = (h - b - plinth) / n
    surfaces = []
    for k in range(n):
        z = plinth + k * spacing
        parts.append(rbox((-xi - 0.003, -d / 2 + 0.012, z), (xi + 0.003, d / 2 - back + 0.001, z + b), r * 0.7, 2))
        surfaces.append({"lo": [-xi + 0.003, -d / 2 + 0.012 + 0.005], "hi": [xi - 0.003, d / 2 - back - 0.004],
                         "z": z + b, "clear": spacing - b})
    if h < 1.3:
        surfaces.append({"lo": [-w / 2 + 0.01, -d / 2 + 0.005], "hi": [w / 2 - 0.01, d / 2 - 0.01], "z": h, "clear": 0.6})
    mats = (_frame_material(seed, "bookshelf", rng),)
    if edition() >= 3:   # edition 3: one in five tall bookcases close their lowest compartment with doors
        from .casework import GAP, _door, grid, styles
        if h > 1.2 and n >= 3 and rng_for(seed, "bookshelf", "shape", "e3").uniform() < 0.2:
            style, handle = styles(seed, "bookshelf")
            cells = grid(-xi + GAP, xi - GAP, plinth + b + GAP, plinth + spacing - GAP, 2 if w > 0.7 else 1, [1.0], "door")
            for c in cells:   # between the sides and the two lowest shelves, 2 mm proud of the sides' edges
                parts += _door(c, -d / 2 - 0.002, style, False, "knob" if handle == "knob" else "bar", "high")
            surfaces = surfaces[1:]
        mats = (mats[0], mats[0], finishes.hardware(rng_for(seed, "bookshelf", "mat", "handle")))
    return Asset(merge(parts), mats, tuple(surfaces))


def _pull(hx, hz, y_face, length, vertical, mat):
    """Bar pull on two standoffs, its feet sunk 2 mm into the front at ``y_face``."""
    out = []
    for s in (-1, 1):
        px, pz = (hx, hz + s * length * 0.4) if vertical else (hx + s * length * 0.4, hz)
        out.append(rod((px, y_face + 0.002, pz), (px, y_face - 0.03, pz), 0.004, 10, mat))
    a = (hx, y_face - 0.03, hz - length / 2) if vertical else (hx - length / 2, y_face - 0.03, hz)
    b = (hx, y_face - 0.03, hz + length / 2) if vertical else (hx + length / 2, y_face - 0.03, hz)
    out.append(rod(a, b, 0.0055, 12, mat))
    return out


def _knob(x, z, y_face, r, mat):
    """Round knob on a short neck, its foot sunk 2 mm into the front at ``y_face`` (which faces -Y)."""
    prof = [(0, -0.002), (r * 0.45, -0.002), (r * 0.45, 0.008), (r * 0.3, 0.012), (r * 0.9, 0.017), (r, 0.021),
            (r * 0.9, 0.025), (r * 0.5, 0.027), (0, 0.0275)]
    return lathe(prof, 20, mat).transformed(rot_x(np.pi / 2), (x, y_face, z))


def _bow(x, z, y_face, length, mat):
    """Bow handle: a round bar arching 25 mm out of the front between two feet sunk 2 mm into it."""
    a = np.linspace(0, np.pi, 11)
    path = np.stack([x - length / 2 * np.cos(a), y_face + 0.002 - 0.027 * np.sin(a) ** 0.7, np.full_like(a, z)], axis=1)
    return tube(path, 0.0045, 10, mat)


def _fronts2(seed, w, cols, rows, fw, fh, gap, plinth, front, drawers):
    """Edition 2 door and drawer fronts: shaker doors (rails and stiles 4 mm proud of the panel, the stiles 0.5 mm
    in from the rails' ends so no faces meet) with a bar pull on the stile; drawers with one style of handle per
    cabinet: bar pulls, knobs (two on wide drawers) or bow handles."""
    g = rng_for(seed, "cabinet", "handles")
    style = ("bar", "knob", "bow")[int(g.integers(0, 3))]
    face = front - 0.018
    out = []
    for i in range(cols):
        for j in range(rows):
            x0 = -w / 2 + 0.01 + i * fw + gap / 2
            z0 = plinth + 0.01 + j * fh + gap / 2
            x1, z1 = x0 + fw - gap, z0 + fh - gap
            out.append(rbox((x0, face, z0), (x1, front + 0.002, z1), 0.003, 2, mat=1))
            if drawers:
                zc = z0 + (z1 - z0) * 0.6
                if style == "bar":
                    out += _pull((x0 + x1) / 2, zc, face, min(0.16, fw * 0.4), False, 2)
                elif style == "knob":
                    xs = ((x0 + x1) / 2,) if fw < 0.5 else (x0 + (x1 - x0) * 0.25, x0 + (x1 - x0) * 0.75)
                    out += [_knob(x, zc, face, 0.014, 2) for x in xs]
                else:
                    out.append(_bow((x0 + x1) / 2, zc, face, min(0.12, fw * 0.35), 2))
                continue
            fs = min(0.07, 0.16 * min(x1 - x0, z1 - z0))      # frame width
            for zr in ((z0 + 0.002, z0 + 0.002 + fs), (z1 - 0.002 - fs, z1 - 0.002)):   # rails, full width
                out.append(rbox((x0 + 0.002, face - 0.004, zr[0]), (x1 - 0.002, face + 0.002, zr[1]), 0.0015, 1, mat=1))
            for xr in ((x0 + 0.0025, x0 + 0.0025 + fs), (x1 - 0.0025 - fs, x1 - 0.0025)):  # stiles between them
                out.append(rbox((xr[0], face - 0.0035, z0 + fs), (xr[1], face + 0.002, z1 - fs), 0.0015, 1, mat=1))
            hx = x0 + 0.0025 + fs / 2 if i % 2 else x1 - 0.0025 - fs / 2
            out += _pull(hx, z0 + fh * 0.72 if fh > 0.3 else (z0 + z1) / 2, face - 0.0035, min(0.14, fh * 0.4), True, 2)
    return out


@factory("cabinet", (
    Param("width", 0.4, 1.2, doc="Outer width, m"),
    Param("depth", 0.35, 0.6, doc="Outer depth, m"),
    Param("height", 0.5, 1.0, doc="Top surface above the floor, m"),
    Param("doors", 1, 3, integer=True, doc="Number of doors (or drawers) across the front"),
    Param("drawers", 0, 1, integer=True, doc="1: stacked drawers instead of doors"),
), ("furniture", "storage", "cabinet"))
def cabinet(seed, p):
    """Closed cabinet / sideboard / nightstand: bevelled carcass on a recessed plinth, door or drawer fronts with
    shadow gaps, metal bar pulls on standoffs. Edition 2: shaker doors (a raised frame round a recessed panel) with
    the pull on the frame; drawers with bar pulls, one or two knobs or bow handles (``_fronts2``)."""
    if edition() >= 3:   # edition 3: real carcass construction and finishes (casework.py)
        from .casework import cabinet3
        return cabinet3(seed, p)
    rng = rng_for(seed, "cabinet", "shape")
    w, d, h, n = p["width"], p["depth"], p["height"], p["doors"]
    plinth = rng.uniform(0.02, 0.1)
    parts = [rbox_c(0, 0.01, 0, w - 0.04, d - 0.03, plinth + 0.003, 0.002, 1), rbox_c(0, 0, plinth, w, d, h - plinth, 0.004, 2)]
    front = -d / 2
    gap = 0.004
    rows = int(rng.integers(2, 5)) if p["drawers"] else 1
    cols = n
    fw, fh = (w - 0.02) / cols, (h - plinth - 0.02) / rows
    if edition() >= 2:
        parts += _fronts2(seed, w, cols, rows, fw, fh, gap, plinth, front, bool(p["drawers"]))
    for i in range(cols if edition() < 2 else 0):
        for j in range(rows):
            x0 = -w / 2 + 0.01 + i * fw + gap / 2
            z0 = plinth + 0.01 + j * fh + gap / 2
            parts.append(rbox((x0, front - 0.018, z0), (x0 + fw - gap, front + 0.002, z0 + fh - gap), 0.003, 2, mat=1))
            if p["drawers"]:
                parts += _pull(x0 + (fw - gap) / 2, z0 + fh * 0.6, front - 0.018, min(0.16, fw * 0.4), False, 2)
            else:
                hx = x0 + (fw - gap) * (0.88 if i % 2 == 0 else 0.12)
                parts += _pull(hx, z0 + fh * 0.72 if fh > 0.3 else z0 + fh / 2, front - 0.018, min(0.14, fh * 0.4), True, 2)
    mats = (_frame_material(seed, "cabinet", rng), material("paint" if rng.uniform() < 0.5 else "wood",
            rng_for(seed, "cabinet", "mat", "front")), material("metal", rng_for(seed, "cabinet", "mat", "handle")))
    surf = ({"lo": [-w / 2 + 0.02, -d / 2 + 0.02], "hi": [w / 2 - 0.02, d / 2 - 0.02], "z": h, "clear": 0.9},)
    return Asset(merge(parts), mats, surf)


FACTORIES = (chair, table, sofa, bed, bookshelf, cabinet)
