"""Furniture factories: chair, table, sofa, bed, bookshelf, cabinet (bpy-free).

Conventions for every factory: metres, Z up, origin at the centre of the footprint on the floor (min z = 0),
front facing -Y, back at +Y (the planner turns +Y towards a wall).
"""
from __future__ import annotations

from ..geometry import box, box_c, cylinder, merge, rng_for
from ..materials import material
from ..registry import Asset, Param, factory


def _frame_material(seed, name, rng):
    kind = "wood" if rng.uniform() < 0.7 else ("metal" if rng.uniform() < 0.5 else "paint")
    return material(kind, rng_for(seed, name, "mat", "frame"))


@factory("chair", (
    Param("seat_height", 0.40, 0.50, doc="Seat top above the floor, m"),
    Param("seat_width", 0.40, 0.55, doc="Seat width, m"),
    Param("seat_depth", 0.38, 0.50, doc="Seat depth, m"),
    Param("back_height", 0.30, 0.55, doc="Backrest height above the seat, m"),
    Param("leg_thickness", 0.025, 0.05, doc="Square leg side, m"),
    Param("cushion", 0, 1, integer=True, doc="1 adds a fabric seat cushion"),
), ("furniture", "seating", "chair"))
def chair(seed, p):
    """Four-legged chair with a slatted backrest and an optional cushion."""
    rng = rng_for(seed, "chair", "shape")
    w, d, sh, t = p["seat_width"], p["seat_depth"], p["seat_height"], p["leg_thickness"]
    st = rng.uniform(0.025, 0.04)
    parts = [box_c(0, 0, sh - st, w, d, st)]
    for sx in (-1, 1):
        for sy in (-1, 1):
            top = sh + p["back_height"] if sy > 0 else sh - st
            parts.append(box_c(sx * (w - t) / 2, sy * (d - t) / 2, 0, t, t, top))
    rails = 1 + int(rng.integers(0, 3))
    span = p["back_height"] * 0.55
    for k in range(rails):
        z = sh + p["back_height"] - 0.03 - k * span / rails
        parts.append(box((-w / 2 + t, d / 2 - t * 0.8, z - 0.05), (w / 2 - t, d / 2 - t * 0.2, z)))
    if p["cushion"]:
        parts.append(box_c(0, -0.005, sh, w - 0.03, d - 0.04, 0.04, mat=1))
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
    """Dining/desk table with four legs and an apron, or a round-based pedestal."""
    rng = rng_for(seed, "table", "shape")
    w, d, h, tt = p["width"], p["depth"], p["height"], p["top_thickness"]
    parts = [box_c(0, 0, h - tt, w, d, tt)]
    if p["pedestal"]:
        parts.append(cylinder(min(w, d) * 0.32, 0.03, 0.0, 32))
        parts.append(cylinder(0.05, h - tt - 0.03 + 0.001, 0.0299, 16))
    else:
        lt = rng.uniform(0.04, 0.07)
        inset = rng.uniform(0.03, 0.08)
        for sx in (-1, 1):
            for sy in (-1, 1):
                parts.append(box_c(sx * (w / 2 - inset - lt / 2), sy * (d / 2 - inset - lt / 2), 0, lt, lt, h - tt + 0.001))
        ah = rng.uniform(0.06, 0.1)
        parts.append(box((-w / 2 + inset, -d / 2 + inset, h - tt - ah), (w / 2 - inset, -d / 2 + inset + 0.02, h - tt + 0.001)))
        parts.append(box((-w / 2 + inset, d / 2 - inset - 0.02, h - tt - ah), (w / 2 - inset, d / 2 - inset, h - tt + 0.001)))
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
    """Upholstered sofa: plinth, seat cushions, back cushions, two arms, short legs."""
    rng = rng_for(seed, "sofa", "shape")
    w, d, sh, bh, aw = p["width"], p["depth"], p["seat_height"], p["back_height"], p["arm_width"]
    leg = rng.uniform(0.05, 0.12)
    back_d = rng.uniform(0.15, 0.22)
    parts = []
    for sx in (-1, 1):
        for sy in (-1, 1):
            parts.append(cylinder(0.025, leg + 0.001, 0.0, 12, mat=1).transformed(
                offset=(sx * (w / 2 - 0.08), sy * (d / 2 - 0.08), 0)))
    base_top = sh - 0.12
    parts.append(box_c(0, 0, leg, w, d, base_top - leg))
    arm_h = sh + rng.uniform(0.12, 0.22)
    for sx in (-1, 1):
        parts.append(box_c(sx * (w - aw) / 2, 0, base_top - 0.001, aw, d, arm_h - base_top))
    parts.append(box_c(0, d / 2 - back_d / 2, base_top - 0.001, w - 2 * aw + 0.002, back_d, bh - base_top))
    n = p["cushions"]
    inner = w - 2 * aw
    cw = inner / n
    for k in range(n):
        cx = -inner / 2 + cw * (k + 0.5)
        parts.append(box_c(cx, -back_d / 2, base_top, cw - 0.01, d - back_d - 0.01, sh - base_top))
        parts.append(box_c(cx, d / 2 - back_d - 0.06, sh, cw - 0.01, 0.12, (bh - sh) * 0.8))
    mats = (material("fabric", rng_for(seed, "sofa", "mat", "fabric")), material("wood", rng_for(seed, "sofa", "mat", "legs")))
    return Asset(merge(parts), mats)


@factory("bed", (
    Param("width", 0.9, 1.9, doc="Mattress width, m"),
    Param("length", 1.9, 2.2, doc="Mattress length, m"),
    Param("mattress_top", 0.45, 0.6, doc="Mattress top above the floor, m"),
    Param("headboard_height", 0.9, 1.3, doc="Headboard top above the floor, m"),
    Param("pillows", 1, 2, integer=True, doc="Number of pillows"),
), ("furniture", "bed"))
def bed(seed, p):
    """Bed frame with legs, headboard, mattress, blanket and pillows; the headboard is at +Y."""
    rng = rng_for(seed, "bed", "shape")
    w, l, mt, hh = p["width"], p["length"], p["mattress_top"], p["headboard_height"]
    fw, fl = w + 0.06, l + 0.08
    leg = rng.uniform(0.08, 0.18)
    mh = rng.uniform(0.18, 0.26)
    frame_top = mt - mh
    parts = [box_c(0, -0.02, leg, fw, fl - 0.04, frame_top - leg)]
    for sx in (-1, 1):
        for sy in (-1, 1):
            parts.append(box_c(sx * (fw / 2 - 0.04), -0.02 + sy * ((fl - 0.04) / 2 - 0.04), 0, 0.06, 0.06, leg + 0.001))
    parts.append(box_c(0, fl / 2 - 0.03, 0, fw, 0.06, hh))
    parts.append(box_c(0, -0.02, frame_top - 0.001, w, l - 0.02, mh, mat=1))
    blanket_l = l * rng.uniform(0.55, 0.75)
    parts.append(box_c(0, -0.02 - (l - 0.02) / 2 + blanket_l / 2 - 0.01, frame_top + mh * 0.3, w + 0.04, blanket_l, mh * 0.7 + 0.03, mat=2))
    n = p["pillows"]
    pw = (w - 0.1) / n
    for k in range(n):
        parts.append(box_c(-w / 2 + 0.05 + pw * (k + 0.5), l / 2 - 0.3, mt - 0.002, pw - 0.06, 0.38, 0.1, mat=1))
    mats = (_frame_material(seed, "bed", rng), material("fabric", rng_for(seed, "bed", "mat", "sheet"), "white"),
            material("fabric", rng_for(seed, "bed", "mat", "blanket")))
    return Asset(merge(parts), mats)


@factory("bookshelf", (
    Param("width", 0.6, 1.2, doc="Outer width, m"),
    Param("depth", 0.25, 0.4, doc="Outer depth, m"),
    Param("height", 0.9, 2.1, doc="Outer height, m"),
    Param("shelves", 2, 6, integer=True, doc="Number of compartments stacked vertically"),
    Param("board", 0.018, 0.03, doc="Board thickness, m"),
), ("furniture", "storage", "bookshelf"))
def bookshelf(seed, p):
    """Open bookcase: two sides, top, bottom plinth, evenly spaced shelves and a thin back panel."""
    rng = rng_for(seed, "bookshelf", "shape")
    w, d, h, b, n = p["width"], p["depth"], p["height"], p["board"], p["shelves"]
    plinth = rng.uniform(0.03, 0.08)
    back = 0.008
    parts = [box_c(sx * (w - b) / 2, 0, 0, b, d, h) for sx in (-1, 1)]
    parts.append(box((-w / 2 + b - 0.001, d / 2 - back, plinth), (w / 2 - b + 0.001, d / 2, h - b + 0.001)))
    parts.append(box((-w / 2 + b - 0.001, -d / 2 + 0.01, 0), (w / 2 - b + 0.001, d / 2 - back + 0.001, plinth + 0.001)))
    spacing = (h - plinth - b) / n
    surfaces = []
    for k in range(n + 1):
        z = plinth + k * spacing
        z0 = z - b if k == n else z
        parts.append(box((-w / 2 + b - 0.001, -d / 2, z0), (w / 2 - b + 0.001, d / 2 - back + 0.001, z0 + b)))
        if k < n:
            surfaces.append({"lo": [-w / 2 + b, -d / 2 + 0.005], "hi": [w / 2 - b, d / 2 - back], "z": z + b,
                             "clear": spacing - b})
    if h < 1.3:
        surfaces.append({"lo": [-w / 2 + 0.01, -d / 2 + 0.01], "hi": [w / 2 - 0.01, d / 2 - 0.01], "z": h, "clear": 0.6})
    mats = (_frame_material(seed, "bookshelf", rng),)
    return Asset(merge(parts), mats, tuple(surfaces))


@factory("cabinet", (
    Param("width", 0.4, 1.2, doc="Outer width, m"),
    Param("depth", 0.35, 0.6, doc="Outer depth, m"),
    Param("height", 0.5, 1.0, doc="Top surface above the floor, m"),
    Param("doors", 1, 3, integer=True, doc="Number of doors (or drawers) across the front"),
    Param("drawers", 0, 1, integer=True, doc="1: stacked drawers instead of doors"),
), ("furniture", "storage", "cabinet"))
def cabinet(seed, p):
    """Closed cabinet / sideboard / nightstand: carcass on a plinth, door or drawer fronts, metal handles."""
    rng = rng_for(seed, "cabinet", "shape")
    w, d, h, n = p["width"], p["depth"], p["height"], p["doors"]
    plinth = rng.uniform(0.02, 0.1)
    parts = [box_c(0, 0.01, 0, w - 0.04, d - 0.03, plinth + 0.001), box_c(0, 0, plinth, w, d, h - plinth)]
    front = -d / 2
    gap = 0.004
    rows = int(rng.integers(2, 5)) if p["drawers"] else 1
    cols = n
    fw, fh = (w - 0.02) / cols, (h - plinth - 0.02) / rows
    for i in range(cols):
        for j in range(rows):
            x0 = -w / 2 + 0.01 + i * fw + gap / 2
            z0 = plinth + 0.01 + j * fh + gap / 2
            parts.append(box((x0, front - 0.018, z0), (x0 + fw - gap, front + 0.001, z0 + fh - gap), mat=1))
            if p["drawers"]:
                hx, hz = x0 + fw / 2, z0 + fh * 0.6
                parts.append(box((hx - 0.05, front - 0.035, hz - 0.008), (hx + 0.05, front - 0.017, hz + 0.008), mat=2))
            else:
                hx = x0 + (fw - gap) * (0.85 if i % 2 == 0 else 0.15)
                hz = z0 + fh * 0.75
                parts.append(box((hx - 0.008, front - 0.035, hz - 0.06), (hx + 0.008, front - 0.017, hz + 0.06), mat=2))
    mats = (_frame_material(seed, "cabinet", rng), material("paint" if rng.uniform() < 0.5 else "wood",
            rng_for(seed, "cabinet", "mat", "front")), material("metal", rng_for(seed, "cabinet", "mat", "handle")))
    surf = ({"lo": [-w / 2 + 0.02, -d / 2 + 0.02], "hi": [w / 2 - 0.02, d / 2 - 0.02], "z": h, "clear": 0.9},)
    return Asset(merge(parts), mats, surf)


FACTORIES = (chair, table, sofa, bed, bookshelf, cabinet)
