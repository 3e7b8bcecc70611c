"""Small-object factories: mug, bowl, plate, vase, bottle, book, table lamp, floor lamp (bpy-free).

Vessels are lathes of a closed 2D profile (outside up, over a rounded rim, inside down), so the walls have real
thickness and the surface is closed. Origin at the centre of the base, min z = 0.
"""
from __future__ import annotations

import numpy as np

import colorsys

from ..geometry import blob, box, edition, lathe, merge, rbox, rng_for, rod, rot_y, tube
from ..materials import material
from ..registry import Asset, Param, factory
from . import lighting, small_detail, small_things


def _rim(r_out, r_in, z, n=4):
    """Half-round rim points from the outer to the inner wall at height z."""
    c, rr = (r_out + r_in) / 2, (r_out - r_in) / 2
    a = np.linspace(0, np.pi, n + 2)[1:-1]
    return [(c + rr * np.cos(t), z + rr * np.sin(t)) for t in a]


def vessel(outer, thickness, bottom, segments=32):
    """Closed thick-walled vessel from an outer profile [(r, z)...] (bottom to top, r > 0)."""
    outer = [(float(r), float(z)) for r, z in outer]
    top_r, top_z = outer[-1]
    inner = [(max(r - thickness, 1e-3), z) for r, z in outer[::-1] if z > bottom + 1e-6]
    inner[0] = (top_r - thickness, top_z)
    prof = [(0.0, 0.0)] + outer + _rim(top_r, top_r - thickness, top_z) + inner + [(outer[0][0] - thickness, bottom), (0.0, bottom)]
    return lathe(prof, segments)


def _ceramic(seed, name, slot="body"):
    return material("ceramic", rng_for(seed, name, "mat", slot))


@factory("mug", (
    Param("radius", 0.035, 0.05, doc="Outer radius, m"),
    Param("height", 0.08, 0.11, doc="Height, m"),
    Param("handle", 0, 1, integer=True, doc="1 adds a handle"),
), ("object", "tableware", "mug"), small=True)
def mug(seed, p):
    """Ceramic mug with a thick rounded rim and an optional loop handle. Edition 2: rolled rim, foot ring,
    glaze with a bare foot (``small_detail.mug``)."""
    if edition() >= 2:
        return Asset(*small_detail.mug(seed, p, tube))
    rng = rng_for(seed, "mug", "shape")
    r, h = p["radius"], p["height"]
    taper = rng.uniform(0.85, 1.05)
    parts = [vessel([(r * taper * 0.95, 0.0), (r * taper, 0.006), (r, h)], rng.uniform(0.003, 0.005), 0.008)]
    if p["handle"]:
        a = np.linspace(-np.pi / 2, np.pi / 2, 12)
        hr = h * rng.uniform(0.25, 0.32)
        path = np.stack([r - 0.004 + hr * 0.8 * np.cos(a), np.zeros_like(a), h / 2 + hr * np.sin(a)], axis=1)
        parts.append(tube(path, 0.006, 8))
    return Asset(merge(parts), (_ceramic(seed, "mug"),))


@factory("bowl", (
    Param("radius", 0.06, 0.12, doc="Rim radius, m"),
    Param("height", 0.04, 0.08, doc="Height, m"),
), ("object", "tableware", "bowl"), small=True)
def bowl(seed, p):
    """Ceramic bowl: a curved wall on a foot ring. Edition 2: a recessed foot ring, rolled rim, glaze."""
    if edition() >= 2:
        return Asset(*small_detail.bowl(seed, p))
    rng = rng_for(seed, "bowl", "shape")
    r, h = p["radius"], p["height"]
    foot = r * rng.uniform(0.35, 0.5)
    t = np.linspace(0, 1, 8)
    outer = [(foot, 0.0)] + [(foot + (r - foot) * np.sin(x * np.pi / 2), 0.006 + (h - 0.006) * (1 - np.cos(x * np.pi / 2)) ** 0.8)
                             for x in t[1:]]
    return Asset(vessel(outer, rng.uniform(0.003, 0.006), 0.01), (_ceramic(seed, "bowl"),))


@factory("plate", (
    Param("radius", 0.09, 0.15, doc="Radius, m"),
    Param("rim", 0.1, 0.3, doc="Rim width as a fraction of the radius"),
), ("object", "tableware", "plate"), small=True)
def plate(seed, p):
    """Ceramic plate: a flat well and a raised rim, closed solid profile. Edition 2: a foot ring, an S-curved rim
    to a rolled edge, glaze."""
    if edition() >= 2:
        return Asset(*small_detail.plate_asset(seed, p))
    r = p["radius"]
    well = r * (1 - p["rim"])
    prof = [(0, 0), (well * 0.8, 0), (well, 0.008), (r, 0.02), (r - 0.002, 0.022), (well, 0.011), (0, 0.005)]
    return Asset(lathe(prof, 40), (_ceramic(seed, "plate"),))


@factory("vase", (
    Param("height", 0.15, 0.4, doc="Height, m"),
    Param("radius", 0.04, 0.1, doc="Largest radius, m"),
    Param("neck", 0.3, 0.8, doc="Neck radius as a fraction of the largest radius"),
), ("object", "decor", "vase"), small=True)
def vase(seed, p):
    """Open ceramic or glass vase with a seeded belly-neck-lip profile. Edition 2: foot ring, rolled lip, glaze."""
    if edition() >= 2:
        return Asset(*small_detail.vase(seed, p))
    _h, outer, kind = small_detail.vase_profile(seed, p, 10)
    return Asset(vessel(outer, 0.004, 0.01), (material(kind, rng_for(seed, "vase", "mat", "body")),))


@factory("bottle", (
    Param("height", 0.18, 0.32, doc="Height including the cap, m"),
    Param("radius", 0.03, 0.045, doc="Body radius, m"),
    Param("shoulder", 0.5, 0.75, doc="Shoulder height as a fraction of the height"),
), ("object", "tableware", "bottle"), small=True)
def bottle(seed, p):
    """Glass bottle (solid closed profile: body, shoulder, neck) with a cap. Edition 2: hollow glass with a
    separate screw cap or cork, a label band and sometimes a liquid (``small_detail.bottle``)."""
    if edition() >= 2:
        return Asset(*small_detail.bottle(seed, p, vessel))
    rng = rng_for(seed, "bottle", "shape")
    h, r, s = p["height"], p["radius"], p["shoulder"]
    nr = r * rng.uniform(0.3, 0.45)
    cap_h = 0.02
    body = h - cap_h
    prof = [(0, 0), (r * 0.95, 0), (r, 0.005), (r, body * s)]
    for t in np.linspace(0.25, 1, 4):
        prof.append((nr + (r - nr) * np.cos(t * np.pi / 2), body * s + (body * 0.82 - body * s) * t))
    prof += [(nr, body), (0, body)]
    glass = material("glass", rng_for(seed, "bottle", "mat", "glass"))
    cap = lathe([(0, body - 0.012), (nr + 0.002, body - 0.012), (nr + 0.0025, body - 0.002), (nr + 0.0025, h - 0.002),
                 (nr + 0.0015, h), (0, h)], 24).with_material(1)
    z0, z1 = body * s * rng.uniform(0.2, 0.35), body * s * rng.uniform(0.8, 0.95)
    label = lathe([(r - 0.001, z0), (r + 0.0006, z0), (r + 0.0006, z1), (r - 0.001, z1)], 48, mat=2, loop=True)
    label.smooth[:] = True
    mats = (glass, material("metal", rng_for(seed, "bottle", "mat", "cap")),
            material("paint", rng_for(seed, "bottle", "mat", "label"), "label"))
    return Asset(merge([lathe(prof, 48), cap, label]), mats)


@factory("book", (
    Param("height", 0.18, 0.30, doc="Page height, m"),
    Param("depth", 0.12, 0.21, doc="Page width, m"),
    Param("thickness", 0.012, 0.06, doc="Spine thickness, m"),
    Param("standing", 0, 1, integer=True, doc="1: upright (spine facing -Y), 0: lying flat"),
), ("object", "decor", "book"), small=True)
def book(seed, p):
    """Hard-cover book: two bevelled boards and a rounded spine around a page block that is inset from the
    boards' edges (the page edges show as a paper material with fine lines). Edition 2: a rounded spine with a
    title band and embossed foil lettering, a page block with a concave fore-edge (``small_detail.book``). Edition 3:
    a border rule, a title panel and a band on the covers, and paperbacks with a square spine (``books.book3``)."""
    if edition() >= 3:   # edition 3: cover designs on the boards, and paperbacks (``books.book3``)
        from .books import book3
        return Asset(*book3(seed, p))
    if edition() >= 2:
        return Asset(*small_detail.book(seed, p))
    h, d, t = p["height"], p["depth"], p["thickness"]
    c = min(0.003, t / 6)
    parts = [rbox((-t / 2, -d / 2 + c * 0.5, 0), (-t / 2 + c, d / 2, h), c * 0.4, 1),
             rbox((t / 2 - c, -d / 2 + c * 0.5, 0), (t / 2, d / 2, h), c * 0.4, 1),
             rbox((-t / 2 - 0.0004, -d / 2, 0.0006), (t / 2 + 0.0004, -d / 2 + c * 1.2, h - 0.0006), c * 0.6, 2),
             box((-t / 2 + c - 0.0005, -d / 2 + c, 0.003), (t / 2 - c + 0.0005, d / 2 - 0.003, h - 0.003), mat=1)]
    m = merge(parts)
    if not p["standing"]:  # lay it on its side: X up
        m = m.transformed(rot_y(np.pi / 2), (-h / 2, 0.0, t / 2))
        m.verts[:, 2] -= m.verts[:, 2].min()
    mats = (material("fabric", rng_for(seed, "book", "mat", "cover"), "cover"),
            material("paint", rng_for(seed, "book", "mat", "pages"), "paper"))
    return Asset(m, mats)


def _lamp(seed, name, h, shade_r, base_r):
    """Base, stem, bulb and an open shade; the bulb fits inside the shade with a margin for every seed."""
    rng = rng_for(seed, name, "shape")
    base_h = rng.uniform(0.015, 0.04)
    parts = [lathe([(0, 0), (base_r, 0), (base_r, base_h * 0.3), (base_r * 0.9, base_h), (0.02, base_h + 0.004),
                    (0, base_h + 0.004)], 32)]
    shade_h = shade_r * rng.uniform(0.8, 1.2)
    top_r = shade_r * rng.uniform(0.55, 0.9)
    z0 = h - shade_h
    wall = 0.004
    rb = min(0.03, 0.35 * shade_h, 0.6 * (top_r - wall))
    zc = z0 + shade_h * 0.45
    stem_top = zc - 1.25 * rb + 0.004
    parts.append(lathe([(0, base_h - 0.001), (0.011, base_h - 0.001), (0.011, stem_top - 0.02), (0.016, stem_top - 0.018),
                        (0.016, stem_top), (0, stem_top)], 16))
    parts.append(blob(rng_for(seed, name, "bulb"), (rb, rb, 1.25 * rb), 2, 0.0, 0).transformed(
        offset=(0, 0, zc)).with_material(2))
    ring = [(shade_r, z0), (top_r, h), (top_r - wall, h), (shade_r - wall, z0)]
    parts.append(lathe(ring, 48, mat=1, loop=True))
    mats = (material("metal", rng_for(seed, name, "mat", "metal")), material("fabric", rng_for(seed, name, "mat", "shade"), "paper"),
            material("emission", rng_for(seed, name, "mat", "bulb"), "warm"))
    return Asset(merge(parts), mats)


@factory("table_lamp", (
    Param("height", 0.3, 0.55, doc="Height to the top of the shade, m"),
    Param("shade_radius", 0.09, 0.16, doc="Shade bottom radius, m"),
    Param("base_radius", 0.06, 0.1, doc="Base radius, m"),
), ("object", "lighting", "lamp"), small=True)
def table_lamp(seed, p):
    """Table lamp: metal base and stem, glowing bulb, open fabric shade with thickness. Edition 3: a turned ceramic
    or metal base, a holder, harp, finial and spider, a tapered shade with rolled rims (``lighting.lamp``)."""
    if edition() >= 3:
        return lighting.lamp(seed, "table_lamp", p["height"], p["shade_radius"], p["base_radius"], False)
    return _lamp(seed, "table_lamp", p["height"], p["shade_radius"], p["base_radius"])


@factory("floor_lamp", (
    Param("height", 1.4, 1.8, doc="Height to the top of the shade, m"),
    Param("shade_radius", 0.15, 0.25, doc="Shade bottom radius, m"),
    Param("base_radius", 0.12, 0.2, doc="Base radius, m"),
), ("furniture", "lighting", "lamp"))
def floor_lamp(seed, p):
    """Floor lamp: weighted base, tall stem, glowing bulb, open fabric shade. Edition 3: a turned foot, a stem with
    collars, the table lamp's fitting and shade (``lighting.lamp``)."""
    if edition() >= 3:
        return lighting.lamp(seed, "floor_lamp", p["height"], p["shade_radius"], p["base_radius"], True)
    return _lamp(seed, "floor_lamp", p["height"], p["shade_radius"], p["base_radius"])


FACTORIES = (mug, bowl, plate, vase, bottle, book, table_lamp, floor_lamp)


@factory("wine_glass", (
    Param("height", 0.14, 0.24, doc="Height, m"),
    Param("radius", 0.03, 0.045, doc="Bowl radius, m"),
), ("object", "tableware", "wine_glass"), small=True)
def wine_glass(seed, p):
    """Stemmed glass: foot, stem and a thin-walled bowl (a closed lathe with 1.5 mm walls)."""
    h, r = p["height"], p["radius"]
    stem_h = h * 0.42
    foot = r * 0.95
    a = np.linspace(0, np.pi / 2, 7)
    bowl_out = [(r * np.sin(t) * 1.0 + 0.003, stem_h + r * 1.2 * (1 - np.cos(t))) for t in a[1:]]
    bowl_out += [(r * 0.92, h - 0.01), (r * 0.85, h)]
    prof = [(0, 0), (foot, 0), (foot, 0.002), (0.006, 0.006), (0.004, stem_h * 0.5), (0.005, stem_h)] + bowl_out
    inner = [(max(rr - 0.0015, 0.001), z) for rr, z in bowl_out[::-1] if z > stem_h + 0.008]
    prof += _rim(r * 0.85, r * 0.85 - 0.0015, h, 2)[::-1][:0] + inner + [(0, stem_h + 0.008)]
    m = lathe(prof, 40)
    return Asset(m, (material("glass", rng_for(seed, "wine_glass", "mat", "glass")),))


@factory("candle", (
    Param("height", 0.05, 0.25, doc="Wax height, m"),
    Param("radius", 0.01, 0.04, doc="Radius, m"),
), ("object", "decor", "candle"), small=True)
def candle(seed, p):
    """Pillar or taper candle: wax body with a dished, melted top, a wick and a glowing flame. Edition 3: a crater
    with an uneven lip, drips, a curled wick, a dish or a turned candlestick (``small_things.candle``)."""
    if edition() >= 3:
        return small_things.candle(seed, p)
    h, r = p["height"], p["radius"]
    body = lathe([(0, 0), (r, 0), (r, h), (r * 0.8, h - 0.003), (0, h - 0.005)], 32, mat=0)
    wick = lathe([(0, h - 0.006), (0.001, h - 0.006), (0.001, h + 0.008), (0, h + 0.008)], 6, mat=1)
    flame = lathe([(0, h + 0.008)] + [(0.004 * np.sin(t) * (1 - t / np.pi) ** 0.3, h + 0.008 + 0.018 * (1 - np.cos(t)) / 2)
                                      for t in np.linspace(0.4, np.pi - 0.3, 6)] + [(0, h + 0.027)], 12, mat=2)
    wax = {"kind": "ceramic", "params": {"base_color": [0.85, 0.8, 0.7], "color2": [0.8, 0.74, 0.6], "roughness": 0.4, "coat": 0.1,
                                         "scale": 20.0}}
    return Asset(merge([body, wick, flame]), (wax, {"kind": "plastic", "params": {"base_color": [0.02, 0.02, 0.02], "roughness": 0.8}},
                                               material("emission", rng_for(seed, "candle", "mat", "flame"), "warm")))


@factory("jar", (
    Param("height", 0.08, 0.2, doc="Height with the lid, m"),
    Param("radius", 0.035, 0.07, doc="Radius, m"),
), ("object", "kitchen", "jar"), small=True)
def jar(seed, p):
    """Storage jar: thick glass walls, a screw lid, contents (beans, pasta: a noisy fill) inside."""
    h, r = p["height"], p["radius"]
    lid_h = 0.015
    body = vessel([(r * 0.95, 0), (r, 0.006), (r, h - lid_h - 0.015), (r * 0.85, h - lid_h)], 0.003, 0.006, 40)
    lid = lathe([(0, h - lid_h - 0.004), (r * 0.85 + 0.004, h - lid_h - 0.004), (r * 0.85 + 0.004, h - 0.002), (r * 0.85, h), (0, h)], 40, mat=1)
    fill = rng_for(seed, "jar", "fill").uniform(0.3, 0.8) * (h - lid_h - 0.03)
    stuff = lathe([(0, 0.0065), (r - 0.0035, 0.0065), (r - 0.0035, 0.0065 + fill), (0, 0.0065 + fill * 1.02)], 32, mat=2)
    return Asset(merge([body, lid, stuff]), (material("glass", rng_for(seed, "jar", "mat", "glass")),
                                             material("metal", rng_for(seed, "jar", "mat", "lid")),
                                             material("stone", rng_for(seed, "jar", "mat", "fill"), "soil")))


@factory("fruit", (
    Param("radius", 0.03, 0.05, doc="Radius, m"),
    Param("kind", 0, 2, integer=True, doc="0 apple, 1 orange, 2 pear"),
), ("object", "food", "fruit"), small=True)
def fruit(seed, p):
    """Apple, orange or pear: a dimpled noisy sphere (pear: stretched top) with a stalk."""
    g = rng_for(seed, "fruit", "shape")
    r = p["radius"]
    m = blob(g, (r, r, r * (0.9 if p["kind"] < 2 else 1.3)), 3, 0.03, 3)
    v = m.verts
    if p["kind"] == 2:
        up = v[:, 2] > 0
        v[up, :2] *= (1 - 0.45 * (v[up, 2] / v[:, 2].max()))[:, None]
    if p["kind"] == 0:
        rad = np.linalg.norm(v[:, :2], axis=1)
        v[:, 2] -= 0.25 * r * np.exp(-(rad / (0.3 * r)) ** 2) * np.sign(v[:, 2])
    v[:, 2] -= v[:, 2].min()
    top = v[:, 2].max()
    parts = [m]
    if p["kind"] != 1:
        parts.append(rod((0, 0, top - 0.012), (0.003, 0.002, top + 0.012), 0.0018, 6, mat=1))
    pal = (((0.0, 0.05), "apple"), ((0.07, 0.09), "orange"), ((0.14, 0.2), "pear"))[p["kind"]]
    h = g.uniform(*pal[0])
    col = [round(float(c), 4) for c in colorsys.hsv_to_rgb(h, g.uniform(0.7, 0.95), g.uniform(0.3, 0.6))]
    skin = {"kind": "ceramic", "params": {"base_color": col, "color2": [c * 0.7 for c in col], "roughness": 0.35, "coat": 0.2,
                                          "scale": 60.0}}
    return Asset(merge(parts), (skin, material("wood", rng_for(seed, "fruit", "mat", "stalk"), "bark")))


@factory("storage_box", (
    Param("width", 0.15, 0.4, doc="Width, m"),
    Param("depth", 0.15, 0.3, doc="Depth, m"),
    Param("height", 0.08, 0.25, doc="Height, m"),
), ("object", "storage", "storage_box"), small=True)
def storage_box(seed, p):
    """Open storage box or basket: four rounded walls on a base, with hand holes suggested by a rim. Edition 3: a
    woven basket with a rope border, or a lidded box with handle cut-outs and a label holder
    (``small_things.storage_box``)."""
    if edition() >= 3:
        return small_things.storage_box(seed, p)
    w, d, h = p["width"], p["depth"], p["height"]
    t = 0.006
    parts = [rbox((-w / 2 + 0.0005, -d / 2 + 0.0005, 0), (w / 2 - 0.0005, d / 2 - 0.0005, 0.01), 0.003, 1)]
    for sy in (-1, 1):  # front and back walls
        y0, y1 = sorted((sy * d / 2, sy * (d / 2 - t)))
        parts.append(rbox((-w / 2, y0, 0.004), (w / 2, y1, h), 0.0025, 1))
    for sx in (-1, 1):  # side walls between them, ends buried in the front and back walls
        x0, x1 = sorted((sx * (w / 2 - 0.001), sx * (w / 2 - 0.001 - t)))
        parts.append(rbox((x0, -d / 2 + 0.003, 0.005), (x1, d / 2 - 0.003, h - 0.002), 0.0025, 1))
    kind = "fabric" if seed % 2 else "wood"
    return Asset(merge(parts), (material(kind, rng_for(seed, "storage_box", "mat", "body")),))


FACTORIES = FACTORIES + (wine_glass, candle, jar, fruit, storage_box)
