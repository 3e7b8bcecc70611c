"""Furniture finishes from real palettes (bpy-free), edition 3 on.

Descriptions are the ``wood``, ``paint``, ``stone``, ``plastic`` and ``metal`` kinds of ``materials.py`` (so the
Blender node trees are the existing ones); a ``finish`` parameter names what was drawn (the node trees ignore it).
``materials.material`` and its palettes are untouched: edition 2's descriptions keep their bytes.

Colours are linear RGB (what the BSDF takes). Each entry is a measured-looking centre; a draw scales it by
0.85-1.15 in value and mixes up to 6 % grey, so two oak cabinets differ the way two real ones do.

Woods (base colour = early wood; ``color2`` = late wood, 0.5-0.7 of it; sRGB of the centre in brackets):
    oak     (0.50, 0.30, 0.13)   [188, 149, 101]   light-to-mid brown, the commonest
    walnut  (0.12, 0.055, 0.028) [97, 66, 48]      dark chocolate
    ash     (0.66, 0.50, 0.30)   [212, 189, 150]   pale, near white-blond
    cherry  (0.22, 0.07, 0.03)   [130, 75, 50]     red-brown
    pine    (0.6, 0.36, 0.14)    [203, 162, 105]   honey (lacquered, ambered)
Paints (furniture paint colours, satin, roughness 0.3-0.55):
    off_white (0.80, 0.77, 0.69), warm_grey (0.40, 0.37, 0.32), charcoal (0.05, 0.05, 0.055),
    black (0.014, 0.014, 0.015), navy (0.018, 0.028, 0.07), sage (0.33, 0.40, 0.26),
    forest_green (0.022, 0.06, 0.033), ochre (0.56, 0.28, 0.035)
Worktops: stone (granite black, grey granite, white quartz, concrete, warm marble-like) or matte laminate
(white, light grey, anthracite, beige).
Hardware: brushed steel, brass, matte black, bronze.
Carpets (wall-to-wall, the ``carpet`` kind): greige, oatmeal, taupe, warm grey, charcoal, slate blue, moss, burgundy.
Upholstery (sofas, armchairs, headboards): greys, oatmeal, sand, navy, bottle green, olive, mustard, rust, blush,
teal, cognac; woven, linen or velvet. Bedding (duvets): white, grey, linen, sage, dusty blue, terracotta, navy,
charcoal.
"""
from __future__ import annotations

WOODS = {
    "oak": (0.50, 0.30, 0.13),
    "walnut": (0.12, 0.055, 0.028),
    "ash": (0.66, 0.50, 0.30),
    "cherry": (0.22, 0.07, 0.03),
    "pine": (0.6, 0.36, 0.14),
}
WOOD_WEIGHTS = (0.38, 0.2, 0.16, 0.12, 0.14)

PAINTS = {
    "off_white": (0.80, 0.77, 0.69),
    "warm_grey": (0.40, 0.37, 0.32),
    "charcoal": (0.05, 0.05, 0.055),
    "black": (0.014, 0.014, 0.015),
    "navy": (0.018, 0.028, 0.07),
    "sage": (0.33, 0.40, 0.26),
    "forest_green": (0.022, 0.06, 0.033),
    "ochre": (0.56, 0.28, 0.035),
}
PAINT_WEIGHTS = (0.3, 0.18, 0.14, 0.08, 0.1, 0.09, 0.06, 0.05)

STONES = {
    "black_granite": ((0.03, 0.03, 0.032), 0.5),
    "grey_granite": ((0.22, 0.21, 0.2), 0.55),
    "white_quartz": ((0.75, 0.74, 0.71), 0.85),
    "concrete": ((0.3, 0.29, 0.27), 0.7),
    "warm_marble": ((0.68, 0.62, 0.54), 0.75),
}
LAMINATES = {"white": (0.78, 0.78, 0.76), "light_grey": (0.45, 0.45, 0.44), "anthracite": (0.04, 0.042, 0.045),
             "beige": (0.55, 0.48, 0.38)}

METALS = {"steel": ((0.56, 0.56, 0.57), 1.0, 0), "brass": ((0.62, 0.44, 0.16), 1.0, 0),
          "black": ((0.02, 0.02, 0.02), 0.0, 1), "bronze": ((0.3, 0.17, 0.08), 1.0, 0)}


def _u(rng, lo, hi) -> float:
    return round(float(rng.uniform(lo, hi)), 4)


def _pick(rng, table: dict, weights) -> str:
    names = list(table)
    w = [x / sum(weights) for x in weights]
    return names[int(rng.choice(len(names), p=w))]


def _vary(rng, rgb, spread: float = 0.15) -> list:
    k = float(rng.uniform(1 - spread, 1 + spread))
    g = float(rng.uniform(0.0, 0.06))
    grey = sum(rgb) / 3
    return [round(min(1.0, (c * (1 - g) + grey * g) * k), 4) for c in rgb]


def wood(rng, species: str | None = None) -> dict:
    """A natural wood (see WOODS), grain along each board's long axis (UV u)."""
    species = species or _pick(rng, WOODS, WOOD_WEIGHTS)
    base = _vary(rng, WOODS[species])
    late = _u(rng, 0.5, 0.7)
    return {"kind": "wood", "params": {
        "base_color": base, "color2": [round(c * late, 4) for c in base], "roughness": _u(rng, 0.35, 0.6),
        "scale": _u(rng, 14.0, 30.0), "distortion": _u(rng, 2.0, 5.0), "stretch": _u(rng, 10.0, 20.0),
        "wear": _u(rng, 0.0, 0.3), "finish": species}}


def paint(rng, colour: str | None = None) -> dict:
    """A furniture paint colour (see PAINTS), satin."""
    colour = colour or _pick(rng, PAINTS, PAINT_WEIGHTS)
    return {"kind": "paint", "params": {"base_color": _vary(rng, PAINTS[colour], 0.08), "roughness": _u(rng, 0.3, 0.55),
                                        "wear": _u(rng, 0.0, 0.25), "finish": colour}}


def furniture(rng, p_wood: float = 0.7) -> dict:
    """Natural wood most often, else paint."""
    return wood(rng) if rng.uniform() < p_wood else paint(rng)


def worktop(rng) -> dict:
    """Stone (60 %) or matte laminate."""
    if rng.uniform() < 0.6:
        name = _pick(rng, STONES, (0.25, 0.2, 0.25, 0.15, 0.15))
        rgb, shade = STONES[name]
        base = _vary(rng, rgb, 0.08)
        return {"kind": "stone", "params": {"base_color": base, "color2": [round(c * shade, 4) for c in base],
                                            "roughness": _u(rng, 0.25, 0.5), "scale": _u(rng, 4.0, 10.0),
                                            "bump": _u(rng, 0.02, 0.08), "polished": 1, "finish": name}}
    name = _pick(rng, LAMINATES, (0.3, 0.25, 0.25, 0.2))
    return {"kind": "plastic", "params": {"base_color": _vary(rng, LAMINATES[name], 0.06), "roughness": _u(rng, 0.35, 0.55),
                                          "finish": "laminate_" + name}}


def hardware(rng) -> dict:
    """Handles and knobs: brushed steel, brass, matte black or bronze."""
    name = _pick(rng, METALS, (0.45, 0.2, 0.25, 0.1))
    rgb, metallic, painted = METALS[name]
    return {"kind": "metal", "params": {"base_color": list(rgb), "metallic": metallic, "roughness": _u(rng, 0.2, 0.4),
                                        "scale": _u(rng, 250.0, 500.0), "bump": _u(rng, 0.02, 0.05),
                                        "brushed": _u(rng, 0.5, 1.0) if name == "steel" else _u(rng, 0.0, 0.4),
                                        "painted": painted, "finish": name}}


SHADES = {"ivory_linen": (0.72, 0.66, 0.52), "oatmeal": (0.5, 0.43, 0.32), "white": (0.78, 0.78, 0.74),
          "charcoal": (0.05, 0.05, 0.05), "navy": (0.025, 0.04, 0.11), "sage": (0.24, 0.3, 0.2),
          "mustard": (0.52, 0.35, 0.05), "terracotta": (0.42, 0.14, 0.07)}
SHADE_WEIGHTS = (0.3, 0.16, 0.14, 0.1, 0.08, 0.08, 0.07, 0.07)
GLAZES = {"white": (0.78, 0.77, 0.72), "celadon": (0.36, 0.48, 0.38), "ink_blue": (0.03, 0.07, 0.2),
          "ochre": (0.5, 0.3, 0.06), "charcoal": (0.04, 0.04, 0.045), "terracotta": (0.38, 0.13, 0.06),
          "oxblood": (0.22, 0.03, 0.03)}
GLAZE_WEIGHTS = (0.22, 0.16, 0.16, 0.12, 0.12, 0.12, 0.1)


def lampshade(rng) -> dict:
    """A lamp shade's cloth: linen, oatmeal or white most often, else a deep colour (charcoal, navy, sage, mustard,
    terracotta); a fine weave with a little sheen."""
    name = _pick(rng, SHADES, SHADE_WEIGHTS)
    rgb = _vary(rng, SHADES[name], 0.08)
    return {"kind": "fabric", "params": {"base_color": rgb, "color2": [round(c * 0.8, 4) for c in rgb], "roughness": _u(rng, 0.75, 0.9),
                                         "scale": _u(rng, 900.0, 1600.0), "sheen": _u(rng, 0.1, 0.3), "bump": _u(rng, 0.05, 0.15),
                                         "finish": "shade_" + name}}


def glaze(rng) -> dict:
    """A turned ceramic lamp base's glaze: white, celadon, ink blue, ochre, charcoal, terracotta or oxblood, glossy,
    pooling darker in the hollows."""
    name = _pick(rng, GLAZES, GLAZE_WEIGHTS)
    rgb = _vary(rng, GLAZES[name], 0.1)
    return {"kind": "ceramic", "params": {"base_color": rgb, "color2": [round(c * 0.6, 4) for c in rgb], "roughness": _u(rng, 0.08, 0.25),
                                          "coat": _u(rng, 0.3, 0.8), "scale": _u(rng, 4.0, 12.0), "finish": "glaze_" + name}}



UPHOLSTERY = {"light_grey": (0.34, 0.34, 0.33), "mid_grey": (0.13, 0.13, 0.13), "charcoal": (0.035, 0.035, 0.04),
              "oatmeal": (0.45, 0.38, 0.28), "sand": (0.5, 0.39, 0.24), "navy": (0.015, 0.027, 0.075),
              "bottle_green": (0.015, 0.065, 0.035), "olive": (0.13, 0.13, 0.045), "mustard": (0.45, 0.26, 0.025),
              "rust": (0.3, 0.075, 0.025), "blush": (0.52, 0.29, 0.25), "teal": (0.015, 0.1, 0.11),
              "cognac": (0.28, 0.1, 0.03)}
UPHOLSTERY_WEIGHTS = (0.16, 0.12, 0.09, 0.12, 0.08, 0.07, 0.06, 0.05, 0.05, 0.05, 0.04, 0.05, 0.06)
WEAVES = {"woven": ((250.0, 600.0), (0.2, 0.5), (0.08, 0.2), (0.8, 0.95)),
          "linen": ((150.0, 300.0), (0.05, 0.2), (0.15, 0.3), (0.85, 1.0)),
          "velvet": ((600.0, 1200.0), (0.8, 1.0), (0.02, 0.06), (0.6, 0.75))}
"""Upholstery cloths: weave scale, sheen, bump and roughness ranges of the ``fabric`` kind (a velvet has a strong
sheen and almost no weave; a slubby linen a coarse, matte one)."""
WEAVE_WEIGHTS = (0.55, 0.25, 0.2)
BEDDING = {"white": (0.8, 0.8, 0.77), "light_grey": (0.45, 0.45, 0.44), "linen": (0.56, 0.5, 0.4),
           "sage": (0.28, 0.34, 0.24), "dusty_blue": (0.2, 0.28, 0.38), "terracotta": (0.4, 0.15, 0.08),
           "navy": (0.02, 0.035, 0.09), "charcoal": (0.05, 0.05, 0.055)}
BEDDING_WEIGHTS = (0.28, 0.16, 0.16, 0.1, 0.1, 0.07, 0.07, 0.06)


def _cloth(rng, rgb, weave: str, finish: str) -> dict:
    scale, sheen, bump, rough = WEAVES[weave]
    return {"kind": "fabric", "params": {"base_color": rgb, "color2": [round(c * _u(rng, 0.65, 0.85), 4) for c in rgb],
                                         "roughness": _u(rng, *rough), "scale": _u(rng, *scale), "sheen": _u(rng, *sheen),
                                         "bump": _u(rng, *bump), "finish": finish}}


def upholstery(rng) -> dict:
    """A sofa's or armchair's cover (edition 3): greys, oatmeal and sand most often, else a deep colour (navy,
    bottle green, olive, mustard, rust, blush, teal, cognac), woven, linen or velvet (see UPHOLSTERY, WEAVES)."""
    name = _pick(rng, UPHOLSTERY, UPHOLSTERY_WEIGHTS)
    weave = _pick(rng, WEAVES, WEAVE_WEIGHTS)
    return _cloth(rng, _vary(rng, UPHOLSTERY[name], 0.1), weave, f"{weave}_{name}")


def bedding(rng) -> dict:
    """A duvet cover (edition 3): white, grey or linen most often, else sage, dusty blue, terracotta, navy or
    charcoal; cotton or linen (see BEDDING)."""
    name = _pick(rng, BEDDING, BEDDING_WEIGHTS)
    weave = "linen" if rng.uniform() < 0.35 else "woven"
    return _cloth(rng, _vary(rng, BEDDING[name], 0.06), weave, f"{weave}_{name}")


CARPETS = {"greige": (0.3, 0.27, 0.22), "oatmeal": (0.42, 0.36, 0.27), "taupe": (0.17, 0.14, 0.11),
           "warm_grey": (0.22, 0.21, 0.2), "charcoal": (0.045, 0.045, 0.05), "slate_blue": (0.06, 0.08, 0.11),
           "moss": (0.12, 0.13, 0.08), "burgundy": (0.14, 0.03, 0.035)}
CARPET_WEIGHTS = (0.22, 0.18, 0.14, 0.16, 0.1, 0.08, 0.06, 0.06)


def carpet(rng) -> dict:
    """Wall-to-wall carpet (edition-3 floors; the ``carpet`` kind): greige, oatmeal, taupe and warm grey most often,
    else charcoal, slate blue, moss or burgundy; a cut pile with soft patches and a darker fleck."""
    name = _pick(rng, CARPETS, CARPET_WEIGHTS)
    rgb = _vary(rng, CARPETS[name], 0.1)
    return {"kind": "carpet", "params": {"base_color": rgb, "color2": [round(c * _u(rng, 0.55, 0.75), 4) for c in rgb],
                                         "roughness": _u(rng, 0.88, 1.0), "scale": _u(rng, 300.0, 600.0),
                                         "mottle": _u(rng, 0.08, 0.14), "mottle_scale": _u(rng, 1.5, 4.0),
                                         "bump": _u(rng, 0.1, 0.3), "sheen": _u(rng, 0.2, 0.5), "finish": "carpet_" + name}}


CUSHION = {"oatmeal": (0.45, 0.38, 0.28), "light_grey": (0.34, 0.34, 0.33), "charcoal": (0.035, 0.035, 0.04),
           "mustard": (0.45, 0.26, 0.025), "rust": (0.3, 0.075, 0.025), "teal": (0.015, 0.1, 0.11),
           "navy": (0.015, 0.027, 0.075), "olive": (0.13, 0.13, 0.045), "blush": (0.52, 0.29, 0.25),
           "ivory": (0.7, 0.66, 0.56), "plum": (0.12, 0.03, 0.07)}
CUSHION_WEIGHTS = (0.14, 0.12, 0.08, 0.1, 0.1, 0.08, 0.08, 0.08, 0.08, 0.08, 0.06)


def cushion_cloth(rng) -> dict:
    """A throw cushion's cover (edition 3): neutrals or a deep accent (see CUSHION), a coarse weave whose threads
    show (a period of 4-9 mm: a chunky cotton, a slubby linen or a basket weave), matte, a little sheen."""
    name = _pick(rng, CUSHION, CUSHION_WEIGHTS)
    rgb = _vary(rng, CUSHION[name], 0.12)
    return {"kind": "fabric", "params": {"base_color": rgb, "color2": [round(c * _u(rng, 0.55, 0.7), 4) for c in rgb],
                                         "roughness": _u(rng, 0.85, 1.0), "scale": _u(rng, 70.0, 140.0), "sheen": _u(rng, 0.15, 0.45),
                                         "bump": _u(rng, 0.3, 0.5), "finish": "cushion_" + name}}


TOWELS = {"white": (0.78, 0.78, 0.75), "ivory": (0.66, 0.6, 0.48), "light_grey": (0.42, 0.42, 0.41),
          "charcoal": (0.06, 0.06, 0.065), "navy": (0.02, 0.035, 0.1), "sage": (0.26, 0.32, 0.22),
          "blush": (0.55, 0.32, 0.28), "aqua": (0.18, 0.38, 0.4), "sand": (0.45, 0.36, 0.24)}
TOWEL_WEIGHTS = (0.26, 0.12, 0.14, 0.08, 0.08, 0.08, 0.08, 0.08, 0.08)


def terry(rng) -> dict:
    """A towel's terry cloth (the ``terry`` kind, edition 3): white, ivory or grey most often, else a soft colour
    (see TOWELS); loops (``scale`` per m) in a fuzzy bump and a speckle, matte with a faint sheen."""
    name = _pick(rng, TOWELS, TOWEL_WEIGHTS)
    rgb = _vary(rng, TOWELS[name], 0.08)
    return {"kind": "terry", "params": {"base_color": rgb, "color2": [round(c * _u(rng, 0.6, 0.75), 4) for c in rgb],
                                        "roughness": _u(rng, 0.9, 1.0), "scale": _u(rng, 500.0, 800.0), "bump": _u(rng, 0.35, 0.6),
                                        "sheen": _u(rng, 0.2, 0.4), "finish": "terry_" + name}}


def dobby(terry_desc: dict) -> dict:
    """The flat-woven (dobby) band of a towel of ``terry_desc``: the same dye a shade lighter, a fine ``fabric``
    weave with more sheen."""
    rgb = [round(min(1.0, c * 1.08 + 0.01), 4) for c in terry_desc["params"]["base_color"]]
    return {"kind": "fabric", "params": {"base_color": rgb, "color2": [round(c * 0.7, 4) for c in rgb], "roughness": 0.7,
                                         "scale": 220.0, "sheen": 0.3, "bump": 0.25, "finish": "dobby"}}
