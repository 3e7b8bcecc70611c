"""Node tree for a woven rug's pile (``rug``, factory edition 3; see ``procgen.materials``): a pattern laid out on
the rug's metric, centred UVs (u along its length), called by ``materials._fill_tree`` with its ``_Tree`` helper;
returns the colour socket that feeds the BSDF's base colour.

Styles: 0, a border with guard stripes round a field with a central medallion (a lozenge with an outline and a
heart) and corner spandrels; 1, kilim stripes of the four colours across the length with stepped zigzag edges;
2, a border round a field of diamond lattice with a dot in each cell. Over every style: the pile's knots (a fine
grain at ``scale`` per m, each knot a little lighter or darker), soft sheen, a few faded patches (``fade``), and
a bump from the knots.
"""
from __future__ import annotations

TEXTILE_KINDS = ("rug", "carpet", "terry")


def fill_textile(t, kind, p):
    return {"rug": _rug, "carpet": _carpet, "terry": _terry}[kind](t, p)


def _terry(t, p):
    """A towel's terry (edition 3) on object coordinates: loops (``scale`` per m, cells of a Voronoi) whose roots
    show darker (``color2``) between their tops, a fuzzy fine noise over them, both in a strong bump; soft
    light and dark patches where the pile lies one way or the other; a faint fibre sheen."""
    loops = t.node("ShaderNodeTexVoronoi", -900, 0, Scale=p["scale"], Randomness=1.0)
    t.link(t.obj, loops.inputs["Vector"])
    fuzz = t.node("ShaderNodeTexNoise", -900, -300, Scale=p["scale"] * 2.5, Detail=6.0, Roughness=0.7)
    t.link(t.obj, fuzz.inputs["Vector"])
    patch = t.node("ShaderNodeTexNoise", -900, 300, Scale=40.0, Detail=2.0)
    t.link(t.obj, patch.inputs["Vector"])
    pile = t.math("ADD", t.math("MULTIPLY", loops.outputs["Distance"], 1.4), t.math("MULTIPLY", fuzz.outputs["Fac"], 0.6))
    shade = t.math("ADD", t.math("MULTIPLY", pile, 0.7), t.math("MULTIPLY", patch.outputs["Fac"], 0.3))
    color = t.ramp(shade, p["color2"], p["base_color"], 0.25, 0.7)
    t.bump(pile, p["bump"], 0.0025)
    sheen = t.bsdf.inputs.get("Sheen Weight")
    if sheen is not None:
        sheen.default_value = p["sheen"]
    return color


def _carpet(t, p):
    """Wall-to-wall carpet (edition-3 floors) on object coordinates (metric: a floor's object sits at the origin):
    soft light and dark patches where the pile lies one way or the other (``mottle_scale`` per m, ``mottle`` their
    strength), a speckle of darker fibres (``color2``), tufts (``scale`` per m) in the bump, a fibre sheen."""
    bc = p["base_color"]
    k = p["mottle"]
    patch = t.node("ShaderNodeTexNoise", -900, 300, Scale=p["mottle_scale"], Detail=3.0)
    t.link(t.obj, patch.inputs["Vector"])
    base = t.ramp(patch.outputs["Fac"], [c * (1 - k) for c in bc], [min(1.0, c * (1 + k)) for c in bc], 0.38, 0.62)
    fleck = t.node("ShaderNodeTexNoise", -900, -300, Scale=p["scale"] * 0.4, Detail=2.0)
    t.link(t.obj, fleck.inputs["Vector"])
    dark = t.node("ShaderNodeMapRange", -600, -300, **{"From Min": 0.55, "From Max": 0.75, "To Min": 0.0, "To Max": 0.6})
    t.link(fleck.outputs["Fac"], dark.inputs["Value"])
    color = t.mix(dark.outputs["Result"], base, p["color2"])
    tuft = t.node("ShaderNodeTexVoronoi", -900, 0, Scale=p["scale"])
    t.link(t.obj, tuft.inputs["Vector"])
    t.bump(tuft.outputs["Distance"], p["bump"], 0.002)
    sheen = t.bsdf.inputs.get("Sheen Weight")
    if sheen is not None:
        sheen.default_value = p["sheen"]
    return color


def _rug(t, p):
    sep = t.node("ShaderNodeSeparateXYZ", -1250, -900)
    t.link(t.uv, sep.inputs[0])
    u, v = sep.outputs["X"], sep.outputs["Y"]
    L2, B2 = p["length"] / 2, p["breadth"] / 2
    au, av = t.math("ABSOLUTE", u), t.math("ABSOLUTE", v)
    # distance (m) from the nearest edge of the rug's top
    edge = t.math("MINIMUM", t.math("SUBTRACT", L2, au), t.math("SUBTRACT", B2, av))
    bw, k = p["border"], p["motifs"]
    c1, c2, c3, c4 = p["base_color"], p["color2"], p["color3"], p["color4"]
    style = int(p["style"])
    if style == 1:
        color = _stripes(t, u, v, p)
    else:
        # the field
        if style == 2:   # diamond lattice: lines along both diagonals, a dot in each cell
            d1 = t.math("FRACT", t.math("MULTIPLY", t.math("ADD", u, v), k * 0.5))
            d2 = t.math("FRACT", t.math("MULTIPLY", t.math("SUBTRACT", u, v), k * 0.5))
            line = t.math("MAXIMUM", _band(t, d1, 0.0, 0.08), _band(t, d2, 0.0, 0.08))
            dot = t.math("MULTIPLY", _band(t, d1, 0.4, 0.6), _band(t, d2, 0.4, 0.6))
            color = t.mix(line, c1, c4)
            color = t.mix(dot, color, c3)
        else:            # medallion: a lozenge with an outline and a heart, and corner spandrels
            mu, mv = (L2 - bw) * 0.45, (B2 - bw) * 0.62
            lz = t.math("ADD", t.math("DIVIDE", au, mu), t.math("DIVIDE", av, mv))
            med = t.math("LESS_THAN", lz, 1.0)
            outline = _band(t, lz, 0.9, 1.0)
            heart = t.math("LESS_THAN", lz, 0.3)
            cz = t.math("ADD", t.math("DIVIDE", t.math("SUBTRACT", L2 - bw, au), mu * 0.7),
                        t.math("DIVIDE", t.math("SUBTRACT", B2 - bw, av), mv * 0.7))
            spandrel = t.math("LESS_THAN", cz, 1.0)
            # small scattered motifs (a grid of little diamonds) on the field
            gu = t.math("FRACT", t.math("MULTIPLY", u, k))
            gv = t.math("FRACT", t.math("MULTIPLY", v, k))
            small = t.math("LESS_THAN", t.math("ADD", t.math("ABSOLUTE", t.math("SUBTRACT", gu, 0.5)),
                                                t.math("ABSOLUTE", t.math("SUBTRACT", gv, 0.5))), 0.16)
            color = t.mix(t.math("MULTIPLY", small, 0.8), c1, c3)
            color = t.mix(t.math("MAXIMUM", med, spandrel), color, c2)
            color = t.mix(heart, color, c3)
            color = t.mix(outline, color, c4)
        # the border: a band with a running motif, between guard stripes
        in_border = t.math("LESS_THAN", edge, bw)
        run = t.math("FRACT", t.math("MULTIPLY", t.math("ADD", u, v), k))
        wave = t.math("MULTIPLY", _band(t, run, 0.3, 0.7), _band(t, t.math("DIVIDE", edge, bw), 0.3, 0.7))
        border = t.mix(wave, c2, c3)
        guards = t.math("MAXIMUM", _band(t, edge, bw * 0.12, bw * 0.2), _band(t, edge, bw * 0.86, bw))
        border = t.mix(guards, border, c4)
        color = t.mix(in_border, color, border)
    # 2. The pile: knots a little lighter or darker, a fine grain, faded patches, a bump
    knots = t.node("ShaderNodeTexVoronoi", -900, -1300, Scale=p["scale"])
    t.link(t.uv, knots.inputs["Vector"])
    knot = t.math("ADD", t.math("MULTIPLY", knots.outputs["Distance"], 0.7), t.math("MULTIPLY", knots.outputs["Color"], 0.3))
    color = t.mix(1.0, color, t.ramp(knot, (1, 1, 1, 1), (0.72, 0.72, 0.72, 1), 0.1, 0.75), "MULTIPLY")
    if p["fade"] > 0:
        patches = t.node("ShaderNodeTexNoise", -900, -1500, Scale=1.2, Detail=3.0)
        t.link(t.uv, patches.inputs["Vector"])
        faded = t.ramp(patches.outputs["Fac"], (0, 0, 0), (1, 1, 1), 0.55, 0.8)
        color = t.mix(t.math("MULTIPLY", faded, p["fade"] * 0.5), color, (0.75, 0.7, 0.6, 1.0), "SCREEN")
    t.bump(knots.outputs["Distance"], 0.25, 0.0015)
    for name, value in (("Sheen Weight", p["sheen"] * 0.4), ("Sheen Roughness", 0.6)):   # wool: a soft sheen
        if name in t.bsdf.inputs:
            t.bsdf.inputs[name].default_value = value
    if "Sheen Tint" in t.bsdf.inputs:        # the sheen takes the pile's colour, not white
        t.link(color, t.bsdf.inputs["Sheen Tint"])
    return color


def _band(t, x, a, b):
    """1 where a <= x < b, else 0."""
    return t.math("MULTIPLY", t.math("GREATER_THAN", x, a), t.math("LESS_THAN", x, b))


def _stripes(t, u, v, p):
    """Kilim stripes across the length: bands of the four colours in a seeded-looking order, their edges stepped
    into zigzags."""
    k = p["motifs"]
    zig = t.math("ABSOLUTE", t.math("SUBTRACT", t.math("FRACT", t.math("MULTIPLY", v, k)), 0.5))
    pos = t.math("ADD", t.math("MULTIPLY", u, k * 0.6), t.math("MULTIPLY", t.math("FLOOR", t.math("MULTIPLY", zig, 6.0)), 0.06))
    band = t.math("FLOOR", pos)
    noise = t.node("ShaderNodeTexWhiteNoise", -900, -1100)
    noise.noise_dimensions = "1D"
    t.link(band, noise.inputs["W"])
    pick = noise.outputs["Value"]
    color = t.mix(t.math("LESS_THAN", pick, 0.25), p["base_color"], p["color2"])
    color = t.mix(t.math("MULTIPLY", t.math("GREATER_THAN", pick, 0.55), t.math("LESS_THAN", pick, 0.75)), color, p["color3"])
    color = t.mix(t.math("GREATER_THAN", pick, 0.88), color, p["color4"])
    thin = _band(t, t.math("FRACT", pos), 0.0, 0.12)
    return t.mix(thin, color, p["color4"])
