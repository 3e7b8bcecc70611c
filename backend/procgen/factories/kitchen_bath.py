"""Kitchen and bathroom fixtures: kitchen counter, wall cabinet, stove, fridge, toilet, bathtub, vanity, towel rail
(bpy-free). Back at +Y."""
from __future__ import annotations


from ..geometry import box, edition, lathe, merge, rbox, rng_for, rod
from ..materials import material
from ..registry import Asset, Param, factory
from . import appliances
from .furniture import _pull, cabinet
from .small import vessel


@factory("kitchen_counter", (
    Param("width", 0.6, 3.0, doc="Run length, m (a sink needs 1 m)"),
    Param("depth", 0.58, 0.65, doc="Depth including the worktop overhang, m"),
    Param("sink", 0, 1, integer=True, doc="1 sets a steel sink with a tap into the worktop"),
), ("furniture", "kitchen", "kitchen_counter"))
def kitchen_counter(seed, p):
    """Run of base units (doors and drawers) under a stone or wood worktop, with an optional sink and tap."""
    if edition() >= 3:   # edition 3: carcasses under one worktop slab, an inset sink (worktop.py)
        from .worktop import kitchen_counter3
        return kitchen_counter3(seed, p)
    g = rng_for(seed, "kitchen_counter", "shape")
    w, d = p["width"], p["depth"]
    h, top = 0.9, 0.035
    units = max(1, int(round(w / 0.6)))
    parts, mats = [], None
    uw = (w - 0.01) / units
    for k in range(units):
        c = cabinet(seed * 31 + k, {"width": uw - 0.004, "depth": d - 0.04, "height": h - top + 0.003,
                                    "doors": 1 if uw < 0.55 else 2, "drawers": int(g.uniform() < 0.4)})
        if mats is None:
            mats = c.materials
        parts.append(c.mesh.transformed(offset=(-w / 2 + 0.005 + uw * (k + 0.5), 0.02, 0)))
    parts.append(rbox((-w / 2, -d / 2, h - top), (w / 2, d / 2, h), 0.004, 2, mat=3))
    surfaces = [{"lo": [-w / 2 + 0.03, -d / 2 + 0.03], "hi": [w / 2 - 0.03, d / 2 - 0.03], "z": h, "clear": 0.6}]
    if p["sink"]:
        sx = (g.uniform() - 0.5) * (w - 0.7)
        parts.append(rbox((sx - 0.25, -0.2, h - 0.003), (sx + 0.25, 0.2, h + 0.004), 0.003, 2, mat=2))
        parts.append(rbox((sx - 0.21, -0.16, h + 0.003), (sx + 0.21, 0.16, h + 0.0045), 0.001, 1, mat=4))
        path = [(sx, 0.24, h - 0.002), (sx, 0.24, h + 0.3), (sx, 0.1, h + 0.3)]
        parts.append(rod(path[0], path[1], 0.014, 12, mat=2))
        parts.append(rod((sx, 0.24, h + 0.29), path[2], 0.011, 12, mat=2))
        surfaces = [{"lo": [-w / 2 + 0.03, -d / 2 + 0.03], "hi": [sx - 0.3, d / 2 - 0.03], "z": h, "clear": 0.6},
                    {"lo": [sx + 0.3, -d / 2 + 0.03], "hi": [w / 2 - 0.03, d / 2 - 0.03], "z": h, "clear": 0.6}]
        surfaces = [s for s in surfaces if s["hi"][0] - s["lo"][0] > 0.2]
    worktop = material("stone" if g.uniform() < 0.6 else "wood", rng_for(seed, "kitchen_counter", "mat", "top"))
    basin = {"kind": "plastic", "params": {"base_color": [0.05, 0.05, 0.055], "roughness": 0.3}}
    m = merge(parts)
    return Asset(m, tuple(mats) + (worktop, basin), tuple(surfaces))


@factory("fridge", (
    Param("width", 0.55, 0.9, doc="Width, m"),
    Param("height", 1.5, 2.0, doc="Height, m"),
), ("furniture", "kitchen", "fridge"))
def fridge(seed, p):
    """Fridge-freezer: rounded cabinet, two doors with a gap, long bar handles. Edition 3: levelling feet, a louvred
    plinth grille, a door seal in the gap, handles on posts, brushed steel or enamel (``appliances.fridge``)."""
    if edition() >= 3:
        return appliances.fridge(seed, p)
    w, h = p["width"], p["height"]
    d = 0.65
    parts = [rbox((-w / 2, -d / 2 + 0.04, 0.02), (w / 2, d / 2, h), 0.02, 3), rbox((-w / 2 + 0.04, -d / 2 + 0.06, 0), (w / 2 - 0.04, d / 2 - 0.05, 0.025), 0.004, 1, mat=2)]
    split = h * 0.36
    for z0, z1 in ((0.03, split - 0.004), (split + 0.004, h - 0.005)):
        parts.append(rbox((-w / 2 + 0.003, -d / 2, z0), (w / 2 - 0.003, -d / 2 + 0.045, z1), 0.015, 3))
        parts += _pull(w / 2 - 0.07, (z0 + z1) / 2 if z1 < split + 0.01 else z0 + 0.3, -d / 2, min(0.5, (z1 - z0) * 0.6), True, 1)
    col = {"kind": "metal", "params": {"base_color": [0.75, 0.75, 0.76], "metallic": 1.0, "roughness": 0.3, "scale": 400.0,
                                       "bump": 0.02, "brushed": 1.0, "painted": 0}} if seed % 2 else material("paint", rng_for(seed, "fridge", "mat", "body"), "white")
    return Asset(merge(parts), (col, material("metal", rng_for(seed, "fridge", "mat", "handle")),
                                {"kind": "plastic", "params": {"base_color": [0.03, 0.03, 0.03], "roughness": 0.5}}))


def _white_ceramic():
    return {"kind": "ceramic", "params": {"base_color": [0.85, 0.85, 0.84], "color2": [0.8, 0.8, 0.79], "roughness": 0.05,
                                          "coat": 0.8, "scale": 10.0}}


@factory("toilet", (
    Param("height", 0.38, 0.45, doc="Seat height, m"),
    Param("tank", 0, 1, integer=True, doc="1: close-coupled cistern, 0: wall-hung cistern panel"),
), ("furniture", "bathroom", "toilet"))
def toilet(seed, p):
    """Toilet: glazed pedestal and bowl, seat and lid, a cistern against the wall."""
    h = p["height"]
    bowl = vessel([(0.11, 0.0), (0.12, h * 0.4), (0.19, h - 0.03), (0.2, h - 0.02)], 0.012, h * 0.5, 32)
    bowl = bowl.transformed(scale=(0.9, 1.15, 1.0), offset=(0, -0.08, 0))
    seat = lathe([(0.13, h - 0.02), (0.2, h - 0.02), (0.2, h + 0.005), (0.13, h + 0.005)], 32, loop=True, mat=1)
    seat = seat.transformed(scale=(0.9, 1.15, 1.0), offset=(0, -0.08, 0))
    parts = [bowl, seat]
    tz = h + 0.25 if p["tank"] else 1.0
    parts.append(rbox((-0.19, 0.08, h - 0.1), (0.19, 0.27, tz), 0.02, 3))
    parts.append(rod((0.0, 0.17, tz - 0.002), (0.0, 0.17, tz + 0.012), 0.02, 16, mat=2))
    m = merge(parts)
    m.verts[:, 1] -= m.verts[:, 1].max() - 0.27
    m.verts[:, 2] -= m.verts[:, 2].min()
    return Asset(m, (_white_ceramic(), material("plastic", rng_for(seed, "toilet", "mat", "seat"), "white"),
                     material("metal", rng_for(seed, "toilet", "mat", "button"))))


@factory("bathtub", (
    Param("length", 1.5, 1.8, doc="Length along X, m"),
    Param("width", 0.7, 0.85, doc="Width, m"),
    Param("height", 0.5, 0.6, doc="Rim height, m"),
), ("furniture", "bathroom", "bathtub"))
def bathtub(seed, p):
    """Built-in bathtub: glazed rounded shell (rim walls and floor) with a chrome tap and drain. Edition 3: one shell
    with a rounded basin, pillar taps, and (seeded) a shower over it (``bath.bathtub3``)."""
    if edition() >= 3:
        from .bath import bathtub3
        return bathtub3(seed, p)
    L, W, H = p["length"], p["width"], p["height"]
    t = 0.06
    parts = [rbox((-L / 2, -W / 2, 0), (L / 2, -W / 2 + t, H), 0.02, 3), rbox((-L / 2, W / 2 - t, 0), (L / 2, W / 2, H), 0.02, 3)]
    for sx in (-1, 1):
        x0, x1 = sorted((sx * L / 2, sx * (L / 2 - t - 0.04)))
        parts.append(rbox((x0, -W / 2 + t - 0.01, 0), (x1, W / 2 - t + 0.01, H - 0.001), 0.02, 3))
    parts.append(rbox((-L / 2 + t, -W / 2 + t - 0.012, 0), (L / 2 - t, W / 2 - t + 0.012, 0.12), 0.03, 3))
    tx = L / 2 - 0.05
    parts.append(rod((tx, 0.0, H - 0.002), (tx, 0.0, H + 0.12), 0.012, 12, mat=1))
    parts.append(rod((tx, 0.0, H + 0.11), (tx - 0.14, 0.0, H + 0.11), 0.01, 12, mat=1))
    parts.append(lathe([(0, 0.119), (0.025, 0.119), (0.025, 0.1215), (0, 0.1215)], 16, mat=1).transformed(offset=(-L / 2 + 0.25, 0, 0)))
    return Asset(merge(parts), (_white_ceramic(), material("metal", rng_for(seed, "bathtub", "mat", "tap"))))


@factory("vanity", (
    Param("width", 0.5, 1.2, doc="Width, m"),
    Param("depth", 0.4, 0.5, doc="Depth, m"),
), ("furniture", "bathroom", "vanity"))
def vanity(seed, p):
    """Bathroom vanity: drawer cabinet with a ceramic basin sitting on its top and a tap."""
    w, d = p["width"], p["depth"]
    h = 0.82
    c = cabinet(seed, {"width": w, "depth": d, "height": h, "doors": 1 if w < 0.7 else 2, "drawers": 1})
    br = min(0.2, w * 0.3, d * 0.42)
    basin = vessel([(br * 0.55, 0.0), (br * 0.9, 0.06), (br, 0.13)], 0.008, 0.012, 40).transformed(offset=(0, -0.02, h - 0.002))
    basin.mat[:] = 3
    if edition() >= 3:   # edition 3: a gooseneck mixer behind the basin
        from .worktop import tap as tap3
        tap = tap3(0.0, d / 2 - 0.06, h, min(0.16, d / 2 - 0.02), 0.3, 2)
        side = [{"lo": [-w / 2 + 0.02, -d / 2 + 0.02], "hi": [-br - 0.03, d / 2 - 0.02], "z": h, "clear": 0.5},
                {"lo": [br + 0.03, -d / 2 + 0.02], "hi": [w / 2 - 0.02, d / 2 - 0.02], "z": h, "clear": 0.5}]
        return Asset(merge([c.mesh, basin] + tap), tuple(c.materials) + (_white_ceramic(),),
                     tuple(s for s in side if s["hi"][0] - s["lo"][0] >= 0.1))
    tap = [rod((0, d / 2 - 0.05, h - 0.002), (0, d / 2 - 0.05, h + 0.22), 0.012, 12, mat=2),
           rod((0, d / 2 - 0.05, h + 0.21), (0, d / 2 - 0.05 - 0.14, h + 0.21), 0.01, 12, mat=2)]
    # the top beside the basin holds soap, bottles, a plant
    side = [{"lo": [-w / 2 + 0.02, -d / 2 + 0.02], "hi": [-br - 0.03, d / 2 - 0.02], "z": h, "clear": 0.5},
            {"lo": [br + 0.03, -d / 2 + 0.02], "hi": [w / 2 - 0.02, d / 2 - 0.02], "z": h, "clear": 0.5}]
    return Asset(merge([c.mesh, basin] + tap), tuple(c.materials) + (_white_ceramic(),),
                 tuple(s for s in side if s["hi"][0] - s["lo"][0] >= 0.1))


@factory("wall_cabinet", (
    Param("width", 0.4, 1.2, doc="Width, m"),
    Param("height", 0.55, 0.8, doc="Height, m"),
    Param("depth", 0.3, 0.36, doc="Depth, m"),
    Param("doors", 1, 3, integer=True, doc="Doors across the front"),
), ("furniture", "kitchen", "wall_cabinet"))
def wall_cabinet(seed, p):
    """Upper kitchen cabinet hung on the wall (origin at its bottom): bevelled carcass, door fronts with shadow
    gaps and bar pulls near the bottom edge; sometimes one glazed door."""
    if edition() >= 3:   # edition 3: hung carcass with inset boards, Shaker or slab doors (casework.py)
        from .casework import wall_cabinet3
        return wall_cabinet3(seed, p)
    g = rng_for(seed, "wall_cabinet", "shape")
    w, h, d, n = p["width"], p["height"], p["depth"], p["doors"]
    parts = [rbox((-w / 2, -d / 2 + 0.02, 0.0), (w / 2, d / 2, h), 0.004, 2)]
    fw, gap = (w - 0.01) / n, 0.004
    glazed = int(g.integers(0, n + 2))  # a door index >= n: no glazed door
    for i in range(n):
        x0 = -w / 2 + 0.005 + i * fw + gap / 2
        x1 = x0 + fw - gap
        mat = 1
        if i == glazed:  # a frame around a glass pane
            for lo, hi in (((x0, -d / 2, 0.006), (x1, -d / 2 + 0.022, 0.06)), ((x0, -d / 2, h - 0.06), (x1, -d / 2 + 0.022, h - 0.006)),
                           ((x0 + 0.001, -d / 2 - 0.001, 0.055), (x0 + 0.05, -d / 2 + 0.021, h - 0.055)),
                           ((x1 - 0.05, -d / 2 - 0.001, 0.055), (x1 - 0.001, -d / 2 + 0.021, h - 0.055))):
                parts.append(rbox(lo, hi, 0.002, 1, mat=1))
            parts.append(box((x0 + 0.045, -d / 2 + 0.008, 0.05), (x1 - 0.045, -d / 2 + 0.012, h - 0.05), mat=3))
        else:
            parts.append(rbox((x0, -d / 2, 0.006), (x1, -d / 2 + 0.022, h - 0.006), 0.003, 2, mat=mat))
        hx = x0 + (x1 - x0) * (0.85 if i % 2 == 0 else 0.15)
        parts += _pull(hx, 0.11, -d / 2, min(0.12, h * 0.25), True, 2)
    mats = (material("paint", rng_for(seed, "wall_cabinet", "mat", "body"), "white"),
            material("paint" if g.uniform() < 0.6 else "wood", rng_for(seed, "wall_cabinet", "mat", "front")),
            material("metal", rng_for(seed, "wall_cabinet", "mat", "handle")), material("glass", rng_for(seed, "wall_cabinet", "mat", "glass")))
    return Asset(merge(parts), mats)


@factory("stove", (
    Param("width", 0.5, 0.9, doc="Width, m"),
    Param("burners", 4, 6, integer=True, doc="Burners on the hob (4 or 6)"),
), ("furniture", "kitchen", "stove"))
def stove(seed, p):
    """Free-standing cooker as tall as a kitchen counter: enamelled body, glazed oven door with a bar handle,
    black glass hob with burner rings, a row of knobs. Edition 3: a framed oven door round a smoked glass window with
    the cavity behind, knobs with fins, a gas hob with grates or a glass-ceramic top with zones
    (``appliances.stove``)."""
    if edition() >= 3:
        return appliances.stove(seed, p)
    w, d, h = p["width"], 0.6, 0.9
    nb = 6 if p["burners"] >= 5 and w >= 0.75 else 4
    parts = [rbox((-w / 2, -d / 2 + 0.03, 0.0), (w / 2, d / 2, h - 0.012), 0.01, 2)]
    parts.append(rbox((-w / 2 + 0.004, -d / 2 + 0.032, h - 0.014), (w / 2 - 0.004, d / 2 - 0.004, h), 0.003, 1, mat=2))  # hob
    cols = nb // 2
    for i in range(cols):
        for j in range(2):
            x = -w / 2 + w * (i + 0.5) / cols
            y = -d / 2 + 0.03 + (d - 0.03) * (0.3 + 0.42 * j)
            r = 0.085 if (i + j) % 2 == 0 else 0.065
            parts.append(lathe([(r * 0.55, h - 0.0015), (r, h - 0.0015), (r, h + 0.002), (r * 0.55, h + 0.002)], 32, mat=3, loop=True)
                         .transformed(offset=(x, y, 0)))
    dz0, dz1 = 0.1, h - 0.16
    parts.append(rbox((-w / 2 + 0.02, -d / 2 + 0.01, dz0), (w / 2 - 0.02, -d / 2 + 0.035, dz1), 0.006, 2, mat=2))  # oven door
    parts.append(box((-w / 2 + 0.09, -d / 2 + 0.0085, dz0 + 0.09), (w / 2 - 0.09, -d / 2 + 0.012, dz1 - 0.1), mat=4))
    parts += _pull(0.0, dz1 - 0.045, -d / 2 + 0.01, w * 0.7, False, 3)
    for k in range(cols + 1):  # knobs on the fascia above the door
        x = -w / 2 + w * (k + 0.5) / (cols + 1)
        parts.append(rod((x, -d / 2 + 0.032, h - 0.08), (x, -d / 2 + 0.005, h - 0.08), 0.018, 16, mat=1))
    body = material("paint", rng_for(seed, "stove", "mat", "body"), "white") if seed % 3 else \
        {"kind": "metal", "params": {"base_color": [0.72, 0.72, 0.73], "metallic": 1.0, "roughness": 0.3, "scale": 400.0,
                                     "bump": 0.02, "brushed": 1.0, "painted": 0}}
    black = {"kind": "plastic", "params": {"base_color": [0.02, 0.02, 0.022], "roughness": 0.08}}
    return Asset(merge(parts), (body, material("paint", rng_for(seed, "stove", "mat", "fascia"), "white"), black,
                                material("metal", rng_for(seed, "stove", "mat", "trim")), material("glass", rng_for(seed, "stove", "mat", "glass"))))


def rail_layout(seed, p):
    """A towel rail's bar height and depth, its metal (``rail_hardware``), its material list so far and each towel's
    (width, centre x) along the bar: (bar_y, bar_z, parts, materials, slots)."""
    w = p["width"]
    bar_y, bar_z = -0.07, 0.62
    span = (w - 0.06) / int(p["towels"])
    slots = [(span - 0.02, -w / 2 + 0.03 + span * (k + 0.5)) for k in range(int(p["towels"]))]
    return bar_y, bar_z, rail_hardware(w, bar_y, bar_z), [material("metal", rng_for(seed, "towel_rail", "mat", "rail"))], slots


def rail_hardware(w, bar_y, bar_z):
    """A towel rail's metal (slot 0): two wall roses and arms, and the bar ``w`` long at (y, z) = (bar_y, bar_z)."""
    parts = []
    for sx in (-1, 1):
        parts.append(rod((sx * w / 2, -0.004, bar_z), (sx * w / 2, bar_y - 0.012, bar_z), 0.01, 12, mat=0))
        parts.append(lathe([(0, 0), (0.025, 0), (0.025, 0.008), (0, 0.008)], 20).transformed(
            rot=((1, 0, 0), (0, 0, -1), (0, 1, 0)), offset=(sx * w / 2, 0.0, bar_z)))
    parts.append(rod((-w / 2 - 0.012, bar_y, bar_z), (w / 2 + 0.012, bar_y, bar_z), 0.009, 12, mat=0))
    return parts


@factory("towel_rail", (
    Param("width", 0.4, 0.8, doc="Rail length, m"),
    Param("towels", 1, 2, integer=True, doc="Towels hanging on it"),
), ("decor", "bathroom", "towel_rail"))
def towel_rail(seed, p):
    """Wall towel rail (origin at its bottom, back at the wall): two brackets and a bar with towels folded over
    it, hanging in soft folds."""
    if edition() >= 3:   # edition 3: towels hanging in soft folds with hems and woven bands (bath.py)
        from .bath import towel_rail3
        return towel_rail3(seed, p)
    g = rng_for(seed, "towel_rail", "shape")
    bar_y, bar_z, parts, mats, slots = rail_layout(seed, p)
    for k, (tw, cx) in enumerate(slots):
        front, back = g.uniform(0.4, 0.6), g.uniform(0.3, 0.5)
        t = 0.012
        # folded over the bar: a rounded top, then two hanging leaves that bulge gently (soft folds)
        parts.append(rbox((cx - tw / 2 - 0.002, bar_y - 0.022, bar_z - 0.01), (cx + tw / 2 + 0.002, bar_y + 0.022, bar_z + 0.021), 0.01, 3,
                          mat=1 + k))
        parts.append(rbox((cx - tw / 2, bar_y - 0.021, bar_z - front), (cx + tw / 2, bar_y - 0.021 + t, bar_z + 0.005), 0.005, 3,
                          mat=1 + k, bulge=0.006))
        parts.append(rbox((cx - tw / 2 + 0.004, bar_y + 0.021 - t, bar_z - back), (cx + tw / 2 - 0.004, bar_y + 0.021, bar_z + 0.005),
                          0.005, 3, mat=1 + k, bulge=0.004))
        mats.append(material("fabric", rng_for(seed, "towel_rail", "mat", "towel", k), "rug" if g.uniform() < 0.5 else "white"))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    m.verts[:, 1] -= m.verts[:, 1].max()
    return Asset(m, tuple(mats))


FACTORIES = (kitchen_counter, wall_cabinet, stove, fridge, toilet, bathtub, vanity, towel_rail)
