"""More furniture and electronics, mostly variants of the base factories with their own ranges: armchair,
coffee table, desk, nightstand, TV stand, wardrobe, stool, TV, monitor, laptop (bpy-free). Same conventions as
furniture.py: origin at the footprint centre on the floor, front -Y."""
from __future__ import annotations

import numpy as np

from ..geometry import edition, lathe, merge, rbox, rng_for, rod, rot_x
from ..materials import material
from ..registry import Asset, Param, factory
from .furniture import cabinet, sofa, table


@factory("armchair", (
    Param("width", 0.7, 1.0, doc="Overall width, m"),
    Param("depth", 0.75, 0.95, doc="Overall depth, m"),
    Param("seat_height", 0.40, 0.47, doc="Seat cushion top, m"),
    Param("back_height", 0.75, 1.0, doc="Backrest top, m"),
), ("furniture", "seating", "armchair"))
def armchair(seed, p):
    """Upholstered armchair: one stuffed seat cushion between soft arms."""
    aw = rng_for(seed, "armchair", "shape").uniform(0.1, 0.16)
    return sofa(seed, {"width": p["width"], "depth": p["depth"], "seat_height": p["seat_height"],
                       "back_height": p["back_height"], "arm_width": aw, "cushions": 1})


@factory("coffee_table", (
    Param("width", 0.7, 1.3, doc="Length, m"),
    Param("depth", 0.45, 0.7, doc="Depth, m"),
    Param("height", 0.35, 0.48, doc="Top surface height, m"),
), ("furniture", "table", "coffee_table"))
def coffee_table(seed, p):
    """Low table in front of a sofa: bevelled top on four legs with aprons (or a pedestal); edition 3: four legs
    with aprons and a lower shelf, or two sled frames carrying one, a profiled top, natural wood
    (``boards.coffee_table3``)."""
    if edition() >= 3:
        from .boards import coffee_table3
        return coffee_table3(seed, p)
    g = rng_for(seed, "coffee_table", "shape")
    q = {"width": p["width"], "depth": p["depth"], "height": p["height"],
         "top_thickness": round(float(g.uniform(0.025, 0.045)), 4), "pedestal": int(g.uniform() < 0.2)}
    return table(seed, q)


@factory("desk", (
    Param("width", 1.0, 1.6, doc="Length, m"),
    Param("depth", 0.55, 0.75, doc="Depth, m"),
    Param("height", 0.72, 0.76, doc="Top surface height, m"),
), ("furniture", "table", "desk"))
def desk(seed, p):
    """Writing desk: a four-legged table with a drawer pedestal under one end."""
    if edition() >= 3:   # edition 3: a drawer pedestal built as a real case under the aprons (joinery.py)
        from .joinery import desk3
        return desk3(seed, p)
    g = rng_for(seed, "desk", "shape")
    base = table(seed, {"width": p["width"], "depth": p["depth"], "height": p["height"], "top_thickness": 0.03, "pedestal": 0})
    w, d, h = p["width"], p["depth"], p["height"]
    side = 1 if g.uniform() < 0.5 else -1
    pw = min(0.42, w * 0.32)
    px = side * (w / 2 - 0.08 - pw / 2 - 0.07)
    ped = cabinet(seed, {"width": pw, "depth": d - 0.2, "height": h - 0.03 - 0.03, "doors": 1, "drawers": 1})
    m = ped.mesh.transformed(offset=(px, -0.02, 0.012))
    m.mat = m.mat + 1
    return Asset(merge([base.mesh, m]), base.materials + ped.materials, base.surfaces)


@factory("nightstand", (
    Param("width", 0.35, 0.6, doc="Width, m"),
    Param("depth", 0.3, 0.45, doc="Depth, m"),
    Param("height", 0.45, 0.65, doc="Top surface height, m"),
), ("furniture", "storage", "nightstand"))
def nightstand(seed, p):
    """Bedside table: a small drawer cabinet."""
    return cabinet(seed, {"width": p["width"], "depth": p["depth"], "height": p["height"], "doors": 1, "drawers": 1})


@factory("tv_stand", (
    Param("width", 1.0, 2.0, doc="Width, m"),
    Param("depth", 0.35, 0.5, doc="Depth, m"),
    Param("height", 0.4, 0.6, doc="Top surface height, m"),
), ("furniture", "storage", "tv_stand"))
def tv_stand(seed, p):
    """Low media console with two to three doors or drawers."""
    g = rng_for(seed, "tv_stand", "shape")
    return cabinet(seed, {"width": p["width"], "depth": p["depth"], "height": p["height"], "doors": int(g.integers(2, 4)),
                          "drawers": int(g.uniform() < 0.4)})


@factory("wardrobe", (
    Param("width", 0.8, 2.0, doc="Width, m"),
    Param("depth", 0.5, 0.65, doc="Depth, m"),
    Param("height", 1.8, 2.3, doc="Height, m"),
), ("furniture", "storage", "wardrobe"))
def wardrobe(seed, p):
    """Tall wardrobe with two or three doors. Edition 3: a cornice, frame-and-panel (or mirrored) doors, sometimes
    drawers below (``storage3.wardrobe3``)."""
    if edition() >= 3:
        from .storage3 import wardrobe3
        return wardrobe3(seed, p)
    a = cabinet(seed, {"width": p["width"], "depth": p["depth"], "height": p["height"],
                       "doors": 2 if p["width"] < 1.3 else 3, "drawers": 0})
    return Asset(a.mesh, a.materials)


@factory("stool", (
    Param("height", 0.42, 0.78, doc="Seat height, m"),
    Param("radius", 0.15, 0.2, doc="Seat radius, m"),
    Param("legs", 3, 4, integer=True, doc="Number of legs"),
), ("furniture", "seating", "stool"))
def stool(seed, p):
    """Round stool: dished seat on splayed legs joined by a foot ring of rods."""
    if edition() >= 3:   # edition 3: round wooden or padded seat, tapered legs, a footrest ring (joinery.py)
        from .joinery import stool3
        return stool3(seed, p)
    h, r, n = p["height"], p["radius"], p["legs"]
    parts = [lathe([(0, h - 0.035), (r - 0.01, h - 0.035), (r, h - 0.025), (r, h - 0.008), (r - 0.01, h), (0, h - 0.004)], 32)]
    ring_z = h * 0.35
    feet = []
    for k in range(n):
        a = 2 * np.pi * k / n
        top = np.array([np.cos(a) * r * 0.6, np.sin(a) * r * 0.6, h - 0.02])
        foot = np.array([np.cos(a) * r * 1.05, np.sin(a) * r * 1.05, 0.0])
        parts.append(rod(foot, top, 0.014, 10, r1=0.016))
        t = (ring_z - 0.0) / (h - 0.02)
        feet.append(foot + (top - foot) * t)
    for k in range(n):
        parts.append(rod(feet[k], feet[(k + 1) % n], 0.008, 8))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    return Asset(m, (material("wood" if seed % 3 else "metal", rng_for(seed, "stool", "mat", "frame")),))


def _screen(w, h, t, bezel, mat_body=0, mat_screen=1):
    return [rbox((-w / 2, -t / 2, 0), (w / 2, t / 2, h), 0.004, 2, mat_body),
            rbox((-w / 2 + bezel, -t / 2 - 0.0015, bezel), (w / 2 - bezel, -t / 2 + 0.002, h - bezel), 0.0005, 1, mat_screen)]


def _screen_mats(seed, name):
    body = {"kind": "plastic", "params": {"base_color": [0.02, 0.02, 0.022], "roughness": 0.35}}
    glass = {"kind": "glass", "params": {"base_color": [0.01, 0.012, 0.015], "roughness": 0.02, "ior": 1.5, "transmission": 0.0}}
    return body, glass, material("metal", rng_for(seed, name, "mat", "stand"))


@factory("tv", (
    Param("diagonal", 0.8, 1.65, doc="Screen diagonal, m (32-65 inch)"),
    Param("stand", 0, 1, integer=True, doc="0: central pedestal, 1: two feet"),
), ("object", "electronics", "tv"), small=True)
def tv(seed, p):
    """Flat TV: thin panel with a glossy black screen on a pedestal or two feet; edition 3: a bezel stepped to the
    screen, a back housing deepest at the bottom with vents and ports, seeded feet or pedestals (``screens.tv3``)."""
    if edition() >= 3:
        from .screens import tv3
        return tv3(seed, p)
    w = p["diagonal"] * 0.87
    h = p["diagonal"] * 0.49
    lift = 0.06
    parts = [m.transformed(offset=(0, 0, lift)) for m in _screen(w, h, 0.03, 0.008)]
    if p["stand"]:
        for sx in (-1, 1):
            x = sx * w * 0.38
            parts.append(rod((x, 0.0, lift + 0.05), (x, -0.09, 0.0), 0.008, 8, mat=2))
            parts.append(rbox((x - 0.03, -0.13, 0.0), (x + 0.03, 0.06, 0.008), 0.003, 1, mat=2))
    else:
        parts.append(rbox((-0.04, 0.0, 0.008), (0.04, 0.05, lift + 0.1), 0.004, 2, mat=2))
        parts.append(rbox((-0.18, -0.1, 0.0), (0.18, 0.1, 0.012), 0.004, 2, mat=2))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    return Asset(m, _screen_mats(seed, "tv"))


@factory("monitor", (
    Param("diagonal", 0.55, 0.85, doc="Screen diagonal, m"),
), ("object", "electronics", "monitor"), small=True)
def monitor(seed, p):
    """Desk monitor on a stand with a round foot, screen tilted slightly back; edition 3: bezel, back housing and a
    height-adjustable column on a base plate (``screens.monitor3``)."""
    if edition() >= 3:
        from .screens import monitor3
        return monitor3(seed, p)
    w, h = p["diagonal"] * 0.87, p["diagonal"] * 0.49
    lift = 0.12
    scr = [m.transformed(rot_x(-0.08), (0, 0, lift)) for m in _screen(w, h, 0.025, 0.006)]
    parts = scr + [rbox((-0.025, 0.01, 0.006), (0.025, 0.04, lift + h * 0.5), 0.005, 2, mat=2),
                   lathe([(0, 0), (0.11, 0), (0.11, 0.006), (0.1, 0.01), (0, 0.01)], 32, mat=2)]
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    return Asset(m, _screen_mats(seed, "monitor"))


@factory("laptop", (
    Param("width", 0.3, 0.38, doc="Width, m"),
    Param("open_angle", 1.6, 2.1, doc="Lid angle from the keyboard, rad"),
), ("object", "electronics", "laptop"), small=True)
def laptop(seed, p):
    """Open laptop: base with a keyboard of key caps, lid with a screen, hinged at the back."""
    w = p["width"]
    d = w * 0.68
    parts = [rbox((-w / 2, -d / 2, 0), (w / 2, d / 2, 0.014), 0.004, 2, mat=2)]
    kw = (w - 0.06) / 14
    for r in range(5):
        for c in range(14):
            x = -w / 2 + 0.03 + c * kw
            y = d / 2 - 0.03 - (r + 0.5) * kw * 1.05
            parts.append(rbox((x + 0.001, y - kw * 0.4, 0.012), (x + kw - 0.001, y + kw * 0.4, 0.0155), 0.0008, 1, mat=0))
    lid = [rbox((-w / 2, -0.004, 0), (w / 2, 0.0, d), 0.003, 2, mat=2),
           rbox((-w / 2 + 0.012, -0.0055, 0.012), (w / 2 - 0.012, -0.003, d - 0.012), 0.0005, 1, mat=1)]
    tilt = p["open_angle"] - np.pi / 2
    parts += [m.transformed(rot_x(-tilt), (0, d / 2, 0.012)) for m in lid]
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    body, glass, metal = _screen_mats(seed, "laptop")
    return Asset(m, (body, glass, metal))


FACTORIES = (armchair, coffee_table, desk, nightstand, tv_stand, wardrobe, stool, tv, monitor, laptop)
