"""Kitchen and bathroom fixtures: kitchen counter, fridge, toilet, bathtub, vanity (bpy-free). Back at +Y."""
from __future__ import annotations


from ..geometry import lathe, merge, rbox, rng_for, rod
from ..materials import material
from ..registry import Asset, Param, factory
from .furniture import _pull, cabinet
from .small import vessel


@factory("kitchen_counter", (
    Param("width", 1.2, 3.0, doc="Run length, m"),
    Param("depth", 0.58, 0.65, doc="Depth including the worktop overhang, m"),
    Param("sink", 0, 1, integer=True, doc="1 sets a steel sink with a tap into the worktop"),
), ("furniture", "kitchen", "kitchen_counter"))
def kitchen_counter(seed, p):
    """Run of base units (doors and drawers) under a stone or wood worktop, with an optional sink and tap."""
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
    """Fridge-freezer: rounded cabinet, two doors with a gap, long bar handles."""
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
    """Built-in bathtub: glazed rounded shell (rim walls and floor) with a chrome tap and drain."""
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
    tap = [rod((0, d / 2 - 0.05, h - 0.002), (0, d / 2 - 0.05, h + 0.22), 0.012, 12, mat=2),
           rod((0, d / 2 - 0.05, h + 0.21), (0, d / 2 - 0.05 - 0.14, h + 0.21), 0.01, 12, mat=2)]
    return Asset(merge([c.mesh, basin] + tap), tuple(c.materials) + (_white_ceramic(),))


FACTORIES = (kitchen_counter, fridge, toilet, bathtub, vanity)
