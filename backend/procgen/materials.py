"""Material generator descriptions (bpy-free).

A description is a JSON-ready dict ``{"kind": ..., "params": {...}}`` whose values are drawn from a seeded
generator; ``backend.blender.materials.procedural_material`` turns it into a shader node tree (Principled BSDF +
procedural textures). The same kind + generator state gives the same description, so material settings are as
reproducible as geometry.

Kinds and their parameters (all colours linear RGB in [0, 1]; scales are texture frequencies per metre of the
mesh's UV space, which is metric and runs along each board's longest side):

* ``wood``    base_color, color2 (late wood), roughness, scale (rings per m across the grain), distortion,
              stretch (how much longer the grain runs along the board than across), wear (edge lightening 0-1)
* ``planks``  wood parameters plus plank_width, plank_length (m) and plank_variation (colour spread per plank)
              (optional: seam, the joints' brightness 0-1, default 0.05; seam_width in m, default 0.0035;
              seam_bump, default 0.4: a cutting board's glued strips are seam 0.55, 0.0012 wide, bump 0.05)
* ``metal``   base_color, metallic=1, roughness, brushed (0: cast/painted noise, 1: brushed streaks), scale, bump,
              painted (0/1: a painted metal with metallic 0 and an orange-peel bump)
* ``ceramic`` base_color, color2 (glaze pooling), roughness, coat, scale
* ``fabric``  base_color, color2, roughness, scale (weave threads per m), sheen, bump
* ``plastic`` base_color, roughness
* ``glass``   base_color (tint), roughness, ior, transmission (1); meshes model the wall thickness
* ``stone``   base_color, color2, roughness, scale, bump (facets and cracks from Voronoi edges); with ``polished`` = 1
              (edition-3 worktops, see finishes.py) a fine speckle and soft clouds instead, no cracks
* ``plaster`` base_color, color2, roughness, scale, bump (subtle trowel noise)
* ``tile``    base_color, color2 (grout), tile (m), roughness
* ``foliage`` base_color, color2, roughness, scale, subsurface, veins (vein strength 0-1)
* ``paint``   base_color, roughness, wear
* ``soil``    base_color, color2 (darker patches), roughness, scale (patches per m), pebbles (0-1: how many small
              stones), bump: bare packed earth (a worn path, a shore)
* ``grass``   base_color (healthy green: sRGB about (60-110, 90-140, 30-60) before light), color2 (dry straw: a
              light yellow-beige, sRGB about (155-180, 140-160, 80-105), well above bare soil),
              dry (share of the land in dry patches, 0.1-0.3), scale (lusher/paler stretches per m),
              roughness, bump, blades (0: the ground's turf; 1: grass blades, which also vary per instance, darken
              at the root and pale at the tip, and let some light through). The colour follows world position,
              so the blades match the turf under them
* ``water``   base_color (the deep body's colour, dark), roughness, ior, ripple_scale (wind ripples per m),
              ripple (their bump strength): an opaque dielectric, so it reads as water from afar by the sky
              it mirrors (Fresnel), not by what shows through
* ``rock``    a weathered boulder's stone (edition-3 rocks; ``materials_nature``): base_color (grey-brown), color2 (the
              darker mottling and crevices), color3 (lichen), lichen (0-0.35: the share of up-facing stone it
              covers), scale (mineral grains per m), roughness (varied +-20 % by the mottling), bump
* ``bark``    a trunk's bark (edition-3 stumps; ``materials_nature``): base_color (dark brown), color2 (the furrows'
              near black), color3 (moss), moss (0-0.2), scale (plates per m round the trunk; stretched along z),
              roughness, bump
* ``end_grain`` a sawn trunk's cut face (edition-3 stumps; ``materials_nature``): base_color (early wood), color2
              (late wood: the ring lines), color3 (the paler sapwood, for a second slot), rings (growth rings per m),
              distortion (how much the rings wander), pith ([x, y] m: the rings' centre in object space), radius
              (m, at most 1: the wood darkens from there in to the pith), checks
              (0-1: radial drying cracks), roughness
* ``terry``   base_color, color2 (the loops' shadowed roots), roughness, scale (loops per m), bump, sheen: a towel's
              looped pile (edition 3; see finishes.terry)
* ``pages``   base_color (paper), color2 (the shade between leaves), roughness, scale (leaves per m across the
              block: the page edges of a book's block, as lines along UV v; u runs across the pages)
* ``label``   base_color (paper), color2 (ink), color3 (a second ink), roughness, rows (print rows on the label's
              height): a printed bottle label (an edge stripe in each ink, blocks of "text" between), on UVs
* ``rug``     a woven rug's pile (edition 3; ``rug_pattern`` draws one): base_color (the field), color2 (the border),
              color3 (medallion and motifs), color4 (guard stripes and outlines), style (0: border, field and a
              central medallion with corner motifs; 1: kilim stripes of the four colours with stepped zigzags;
              2: border and a field of diamond lattice with a dot in each cell), length and breadth (the rug's size
              in m along UV u and v: the UVs are metric and centred, u along the longer side), border (the border's
              width, m), motifs (motif repeats per m in the border and lattice), scale (knots per m: the pile's
              fine grain), fade (0-0.3: sun-faded, worn patches), roughness, sheen
* ``carpet``  wall-to-wall carpet (edition-3 floors, drawn by ``finishes.carpet``; ``materials_textile``) on object
              (metric) coordinates: base_color, color2 (the darker fleck), roughness, scale (tufts per m, in the
              bump), mottle (0.08-0.14: light and dark patches of the pile), mottle_scale (patches per m), bump, sheen
* ``screen``  a switched-off display (edition-3 TV and monitor; ``materials_props``): base_color (near black),
              roughness, coat (clear-coat weight, 1), smudge (0-1: fingerprint patches that raise the coat's
              roughness), pixel (sub-pixel stripes per m, a faint grid just above black)
* ``mirror``  silvered glass (edition-3 mirrors; ``materials_props``): base_color (the silvering, about 0.85-0.95,
              faintly tinted), roughness (0.02-0.05), ior (the glass coat's, about 1.52), tint (the glass coat's
              colour, a faint green), smudge (0-1: patches up to 0.12 rougher), edge (0-0.3: the silvering darker
              towards the pane's rim), graze (what the silvering's colour is multiplied by at a grazing view: a
              green-grey, the light's longer path through the glass)
* ``wicker``  a basket's stake-and-strand weave (edition-3 baskets; ``materials_props``) on a lathe's UVs (u: the
              fraction round, v: m up the wall): base_color, color2 (the shadows between strands), roughness,
              stakes (the count round), row (a weaver row's height, m), offset (v of the first row's bottom),
              variation (0-0.3: how much each row's cane differs)
* ``butcher_block`` glued wood (edition-3 cutting boards; ``materials_props``) on metric UVs, u along the board:
              base_color / color2 (wood A's early and late wood), color3 / color4 (wood B's), style (0: an end-grain
              checker of square blocks with growth rings round a pith per block; 1: edge-grain strips along u),
              block (the block's or strip's width, m), rings (growth rings per m), roughness, seam (glue line, m)
* ``emission`` base_color, strength
* ``painting`` a landscape in oils for picture canvases: sky_top / sky_low (the sky's gradient), far / near (two
  ridges of hills, the far one paler), ground, horizon (height of the far ridge on the canvas, 0-1), ridge (how
  high the ridges undulate), sun (x, z on the canvas), seed (which ridges), brush (strength of the brush marks)
"""
from __future__ import annotations

import colorsys

KINDS = ("wood", "planks", "metal", "ceramic", "fabric", "plastic", "glass", "stone", "plaster", "tile", "foliage",
         "paint", "emission", "painting", "water", "soil", "grass", "pages", "label", "rug", "carpet", "screen", "mirror",
         "wicker", "butcher_block", "rock", "bark", "end_grain", "terry")

# (hue range, saturation range, value range) per palette; colours are linear RGB in [0, 1]. Ranges follow
# measured albedos of real materials (oak/walnut/pine 0.1-0.45, painted walls 0.6-0.85, upholstery mostly
# muted): the default look is a lived-in interior, not pastel toys.
_PALETTES = {
    "wood": ((0.055, 0.095), (0.45, 0.75), (0.12, 0.5)),
    "metal": ((0.05, 0.14), (0.0, 0.12), (0.45, 0.85)),
    "dark_metal": ((0.0, 0.15), (0.0, 0.1), (0.03, 0.12)),
    "ceramic": ((0.0, 1.0), (0.0, 0.35), (0.45, 0.9)),
    "fabric": ((0.0, 1.0), (0.1, 0.45), (0.06, 0.45)),
    "plastic": ((0.0, 1.0), (0.2, 0.8), (0.1, 0.7)),
    "glass": ((0.25, 0.55), (0.0, 0.15), (0.9, 1.0)),
    "stone": ((0.05, 0.12), (0.02, 0.15), (0.18, 0.5)),
    "soil": ((0.06, 0.09), (0.45, 0.65), (0.05, 0.12)),
    "ground": ((0.14, 0.24), (0.35, 0.55), (0.12, 0.26)),
    "grass": ((0.23, 0.28), (0.8, 0.88), (0.12, 0.22)),  # healthy turf, sRGB about (60-110, 90-135, 30-60)
    "dry_grass": ((0.1, 0.13), (0.68, 0.8), (0.33, 0.48)),  # straw, sRGB about (155-180, 140-160, 80-105); darker
    # and it read as bare earth from afar
    "foliage": ((0.2, 0.3), (0.55, 0.85), (0.04, 0.2)),
    "bark": ((0.05, 0.09), (0.3, 0.55), (0.05, 0.14)),
    "paint": ((0.0, 1.0), (0.0, 0.25), (0.35, 0.85)),
    "wall": ((0.06, 0.14), (0.02, 0.12), (0.62, 0.85)),
    "paper": ((0.1, 0.15), (0.04, 0.12), (0.75, 0.88)),
    "cover": ((0.0, 1.0), (0.35, 0.75), (0.04, 0.35)),
    "label": ((0.0, 1.0), (0.3, 0.8), (0.2, 0.85)),
    "white": ((0.0, 0.1), (0.0, 0.05), (0.78, 0.9)),
    "warm": ((0.08, 0.12), (0.2, 0.4), (0.95, 1.0)),
    "tile": ((0.0, 1.0), (0.0, 0.2), (0.5, 0.9)),
    "grout": ((0.08, 0.12), (0.02, 0.08), (0.3, 0.55)),
    "floor_tile": ((0.02, 0.12), (0.05, 0.5), (0.07, 0.5)),  # slate, charcoal, warm grey, terracotta, sandstone
    "rug": ((0.0, 1.0), (0.25, 0.65), (0.05, 0.4)),
    "carpet": ((0.05, 0.13), (0.04, 0.28), (0.14, 0.42)),  # wall-to-wall: greige, oatmeal, taupe, warm grey
    "cushion": ((0.0, 1.0), (0.3, 0.75), (0.04, 0.4)),  # accents: rust, mustard, teal, navy, olive, plum, ...
    "canvas": ((0.0, 1.0), (0.3, 0.9), (0.1, 0.8)),
    "water": ((0.3, 0.5), (0.3, 0.6), (0.012, 0.03)),  # a pond's body seen from above: dark green-brown
    "rock": ((0.06, 0.11), (0.12, 0.28), (0.08, 0.2)),  # granite, sandstone, basalt: albedo about 0.1-0.25
    "lichen": ((0.1, 0.22), (0.3, 0.5), (0.12, 0.26)),  # grey-green, yellow-green and ochre crusts
    "end_grain": ((0.05, 0.08), (0.5, 0.7), (0.1, 0.22)),  # a fresh cut: tan to reddish heartwood
}


RUG_DYES = ((0.32, 0.035, 0.03), (0.02, 0.035, 0.12), (0.72, 0.62, 0.45), (0.55, 0.38, 0.16), (0.035, 0.035, 0.04),
            (0.03, 0.14, 0.14), (0.4, 0.12, 0.04), (0.16, 0.2, 0.1), (0.5, 0.5, 0.48), (0.12, 0.04, 0.08))
"""Rug dyes (linear RGB): madder red, indigo, ivory, saffron gold, charcoal, teal, rust, olive, undyed grey, aubergine.
A rug's four colours are drawn from these without repeats: the muted, deep colours of real rugs."""


def _color(rng, palette: str) -> list:
    (h0, h1), (s0, s1), (v0, v1) = _PALETTES[palette]
    rgb = colorsys.hsv_to_rgb(rng.uniform(h0, h1), rng.uniform(s0, s1), rng.uniform(v0, v1))
    return [round(float(c), 4) for c in rgb]


def _shade(rgb, k: float) -> list:
    return [round(min(1.0, c * k), 4) for c in rgb]


def _u(rng, lo, hi) -> float:
    return round(float(rng.uniform(lo, hi)), 4)


def material(kind: str, rng, palette: str | None = None) -> dict:
    """One seeded material description. ``palette`` overrides the colour family (e.g. stone with "soil")."""
    if kind not in KINDS:
        raise ValueError(f"unknown material kind {kind!r}")
    default = {"emission": "white", "planks": "wood", "plaster": "wall", "painting": "canvas", "pages": "paper",
               "label": "paper", "screen": "dark_metal", "mirror": "metal", "wicker": "wood", "butcher_block": "wood",
               "terry": "white"}.get(kind, kind)
    base = _color(rng, palette or default)
    p = {"base_color": base}
    if kind in ("wood", "planks"):
        p.update(color2=_shade(base, _u(rng, 0.45, 0.7)), roughness=_u(rng, 0.35, 0.7), scale=_u(rng, 12.0, 35.0),
                 distortion=_u(rng, 2.0, 6.0), stretch=_u(rng, 8.0, 20.0), wear=_u(rng, 0.0, 0.5))
        if kind == "planks":
            p.update(plank_width=_u(rng, 0.1, 0.22), plank_length=_u(rng, 0.8, 2.0), plank_variation=_u(rng, 0.25, 0.5))
    elif kind == "metal":
        painted = int(rng.uniform() < 0.35)
        if painted:
            p["base_color"] = _color(rng, "dark_metal" if rng.uniform() < 0.6 else "paint")
        p.update(metallic=0.0 if painted else 1.0, roughness=_u(rng, 0.15, 0.45), scale=_u(rng, 200.0, 600.0),
                 bump=_u(rng, 0.02, 0.08), brushed=_u(rng, 0.0, 1.0), painted=painted)
    elif kind == "ceramic":
        p.update(color2=_shade(base, _u(rng, 0.6, 0.9)), roughness=_u(rng, 0.03, 0.25), coat=_u(rng, 0.3, 1.0),
                 scale=_u(rng, 8.0, 25.0))
    elif kind == "fabric":
        p.update(color2=_shade(base, _u(rng, 0.6, 0.85)), roughness=_u(rng, 0.75, 1.0), scale=_u(rng, 250.0, 600.0),
                 sheen=_u(rng, 0.2, 0.8), bump=_u(rng, 0.05, 0.2))
    elif kind == "plastic":
        p.update(roughness=_u(rng, 0.2, 0.6))
    elif kind == "glass":
        p.update(roughness=_u(rng, 0.0, 0.05), ior=_u(rng, 1.45, 1.55), transmission=1.0)
    elif kind == "stone":
        p.update(color2=_shade(base, _u(rng, 0.5, 0.8)), roughness=_u(rng, 0.6, 0.95), scale=_u(rng, 2.0, 8.0),
                 bump=_u(rng, 0.2, 0.6))
    elif kind == "plaster":
        p.update(color2=_shade(base, _u(rng, 0.9, 0.97)), roughness=_u(rng, 0.8, 0.95), scale=_u(rng, 3.0, 8.0),
                 bump=_u(rng, 0.02, 0.08))
    elif kind == "tile":
        p.update(color2=_color(rng, "grout"), tile=_u(rng, 0.1, 0.4), roughness=_u(rng, 0.05, 0.3))
    elif kind == "foliage":
        p.update(color2=_shade(base, _u(rng, 0.55, 0.85)), roughness=_u(rng, 0.4, 0.7), scale=_u(rng, 5.0, 20.0),
                 subsurface=_u(rng, 0.05, 0.2), veins=_u(rng, 0.3, 1.0))
    elif kind == "paint":
        p.update(roughness=_u(rng, 0.3, 0.8), wear=_u(rng, 0.0, 0.4))
    elif kind == "soil":
        p.update(color2=_shade(base, _u(rng, 0.5, 0.72)), roughness=_u(rng, 0.85, 1.0), scale=_u(rng, 1.5, 4.0),
                 pebbles=_u(rng, 0.2, 0.8), bump=_u(rng, 0.15, 0.4))
    elif kind == "grass":
        p.update(color2=_color(rng, "dry_grass"), dry=_u(rng, 0.1, 0.3), scale=_u(rng, 0.12, 0.3),
                 roughness=_u(rng, 0.8, 0.95), bump=_u(rng, 0.2, 0.45), blades=0)
    elif kind == "water":
        p.update(roughness=_u(rng, 0.02, 0.06), ior=1.33, ripple_scale=_u(rng, 2.0, 5.0), ripple=_u(rng, 0.08, 0.2))
    elif kind == "pages":
        p.update(color2=_shade(base, _u(rng, 0.55, 0.75)), roughness=_u(rng, 0.7, 0.9), scale=_u(rng, 2500.0, 4000.0))
    elif kind == "label":
        p.update(color2=_color(rng, "cover"), color3=_color(rng, "label"), roughness=_u(rng, 0.3, 0.7),
                 rows=int(rng.integers(3, 7)))
    elif kind == "rug":
        return rug_pattern(rng, 2.0, 1.4)
    elif kind == "carpet":
        from .finishes import carpet   # its own palette of named carpets
        return carpet(rng)
    elif kind == "terry":
        from .finishes import terry    # its own palette of towel colours
        return terry(rng)
    elif kind == "screen":
        p.update(base_color=[0.004, 0.0045, 0.006], roughness=_u(rng, 0.02, 0.06), coat=1.0, smudge=_u(rng, 0.1, 0.4),
                 pixel=_u(rng, 2500.0, 4000.0))
    elif kind == "mirror":
        p.update(base_color=[_u(rng, 0.8, 0.84), _u(rng, 0.84, 0.88), _u(rng, 0.82, 0.86)], roughness=_u(rng, 0.02, 0.05),
                 ior=1.52, tint=[0.8, 0.92, 0.87], smudge=_u(rng, 0.1, 0.5), edge=_u(rng, 0.1, 0.3),
                 graze=[_u(rng, 0.34, 0.4), 0.46, 0.42])
    elif kind == "wicker":
        p.update(color2=_shade(base, 0.35), roughness=_u(rng, 0.6, 0.8), stakes=2 * int(rng.integers(8, 20)),
                 row=_u(rng, 0.014, 0.02), offset=0.0, variation=_u(rng, 0.1, 0.3))
    elif kind == "butcher_block":
        p.update(color2=_shade(base, 0.6), color3=_shade(base, 0.8), color4=_shade(base, 0.5), style=int(rng.integers(0, 2)),
                 block=_u(rng, 0.025, 0.045), rings=_u(rng, 180.0, 320.0), roughness=_u(rng, 0.45, 0.65), seam=0.0006)
    elif kind == "rock":
        p.update(color2=_shade(base, _u(rng, 0.4, 0.6)), color3=_color(rng, "lichen"), lichen=_u(rng, 0.0, 0.35),
                 scale=_u(rng, 40.0, 120.0), roughness=_u(rng, 0.7, 0.9), bump=_u(rng, 0.3, 0.6))
    elif kind == "bark":
        p.update(color2=_shade(base, _u(rng, 0.2, 0.35)), color3=_color(rng, "foliage"), moss=_u(rng, 0.0, 0.2),
                 scale=_u(rng, 8.0, 16.0), roughness=_u(rng, 0.8, 0.95), bump=_u(rng, 0.6, 1.0))
    elif kind == "end_grain":
        sap = colorsys.hsv_to_rgb(rng.uniform(0.08, 0.11), rng.uniform(0.35, 0.5), rng.uniform(0.25, 0.4))
        p.update(color2=_shade(base, _u(rng, 0.3, 0.45)), color3=[round(float(c), 4) for c in sap],
                 rings=_u(rng, 35.0, 70.0), distortion=_u(rng, 0.5, 2.0), pith=[0.0, 0.0], radius=0.3,
                 checks=_u(rng, 0.0, 1.0),
                 roughness=_u(rng, 0.6, 0.85))
    elif kind == "emission":
        p.update(strength=_u(rng, 3.0, 8.0), roughness=0.5)
    elif kind == "painting":
        evening = rng.uniform() < 0.35
        p.update(sky_top=_color(rng, "paint") if rng.uniform() < 0.2 else ([0.12, 0.25, 0.6] if not evening else [0.25, 0.12, 0.3]),
                 sky_low=[0.85, 0.8, 0.65] if not evening else [0.95, 0.5, 0.2],
                 far=_shade(_color(rng, "foliage"), _u(rng, 1.5, 3.0)), near=_color(rng, "foliage"),
                 ground=_color(rng, "ground"), horizon=_u(rng, 0.35, 0.6), ridge=_u(rng, 0.05, 0.2),
                 sun=[_u(rng, 0.2, 0.8), _u(rng, 0.6, 0.85)], seed=_u(rng, 0.0, 100.0), brush=_u(rng, 0.05, 0.2),
                 roughness=_u(rng, 0.5, 0.8))
    return {"kind": kind, "params": p}


def rug_pattern(rng, length: float, breadth: float) -> dict:
    """A seeded ``rug`` description for a rug ``length`` x ``breadth`` m (see the module docstring): four dyes
    without repeats, each jittered a little, a style, a border in proportion to the rug."""
    pick = rng.permutation(len(RUG_DYES))[:4]
    cols = [[round(float(min(1.0, c * rng.uniform(0.85, 1.15))), 4) for c in RUG_DYES[i]] for i in pick]
    style = int(rng.choice(3, p=(0.5, 0.25, 0.25)))
    return {"kind": "rug", "params": {
        "base_color": cols[0], "color2": cols[1], "color3": cols[2], "color4": cols[3], "style": style,
        "length": round(float(length), 4), "breadth": round(float(breadth), 4),
        "border": round(float(min(0.25, breadth * rng.uniform(0.1, 0.16))), 4), "motifs": _u(rng, 6.0, 12.0),
        "scale": _u(rng, 120.0, 250.0), "fade": _u(rng, 0.0, 0.3), "roughness": _u(rng, 0.85, 1.0),
        "sheen": _u(rng, 0.3, 0.7)}}
