"""Node trees for the indoor detail of factory edition 2: a book's page edges (``pages``), a printed bottle label
(``label``); called by ``materials._fill_tree`` with its ``_Tree`` helper, each returning the colour socket that
feeds the BSDF's base colour. Also the optional edition-2 parameters of existing kinds (glazed ceramics, leaves
with veins): ``apply_glaze`` and ``leaf_veins`` add to a tree ``_fill_tree`` has built."""
from __future__ import annotations

DETAIL_KINDS = ("pages", "label")


def _rgba(c, k=1.0):
    return (min(1.0, c[0] * k), min(1.0, c[1] * k), min(1.0, c[2] * k), 1.0)


def fill_detail(t, kind, p):
    return {"pages": _pages, "label": _label}[kind](t, p)


def _uv_xy(t):
    sep = t.node("ShaderNodeSeparateXYZ", -1250, -900)
    t.link(t.uv, sep.inputs[0])
    return sep.outputs["X"], sep.outputs["Y"]


def _pages(t, p):
    # the edges of hundreds of leaves: fine lines across the block (UV u runs across the pages), each leaf a little
    # lighter or darker, the lines wandering a little; a faint bump so the block is not a flat plate
    u, v = _uv_xy(t)
    wander = t.node("ShaderNodeTexNoise", -1100, -1100, Scale=40.0, Detail=2.0)
    t.link(t.uv, wander.inputs["Vector"])
    pos = t.math("ADD", t.math("MULTIPLY", u, p["scale"]), t.math("MULTIPLY", wander.outputs["Fac"], 1.5))
    leaf = t.math("FRACT", pos)
    line = t.ramp(leaf, (0, 0, 0), (1, 1, 1), 0.0, 0.35)
    shade = t.node("ShaderNodeTexWhiteNoise", -900, -1100)
    shade.noise_dimensions = "1D"
    t.link(t.math("FLOOR", pos), shade.inputs["W"])
    base = t.mix(t.math("MULTIPLY", shade.outputs["Value"], 0.35), p["base_color"], _rgba(p["base_color"], 0.8))
    t.bump(line, 0.15, 0.0003)
    return t.mix(line, p["color2"], base)


def _label(t, p):
    # a printed band: an ink stripe along the top and bottom edges (UV v is the height on the label), rows of
    # "text" (blocky noise thresholded) in the second ink between them, paper showing through
    u, v = _uv_xy(t)
    vn = t.math("FRACT", t.math("MULTIPLY", v, 1.0))
    stripes = t.math("ADD", t.math("LESS_THAN", vn, 0.12), t.math("GREATER_THAN", vn, 0.88))
    rows = t.math("FRACT", t.math("MULTIPLY", vn, p["rows"] + 2))
    in_row = t.math("MULTIPLY", t.math("GREATER_THAN", rows, 0.3), t.math("LESS_THAN", rows, 0.7))
    blocks = t.node("ShaderNodeTexVoronoi", -900, -1300, Scale=60.0)
    t.link(t.uv, blocks.inputs["Vector"])
    ink = t.math("MULTIPLY", in_row, t.math("GREATER_THAN", blocks.outputs["Color"], 0.45))
    ink = t.math("MULTIPLY", ink, t.math("SUBTRACT", 1.0, stripes))
    color = t.mix(t.math("MINIMUM", stripes, 1.0), p["base_color"], p["color2"])
    return t.mix(ink, color, p["color3"])


def apply_glaze(t, color, p):
    """An edition-2 ceramic's glaze over ``color`` (see ``procgen.small_detail.glaze``): the colour drifts over the
    piece, runs in darker streaks down the walls, and stops in a wavy line ``foot_z`` above the base, below which
    the bare clay shows, rough and without the glaze's coat. Returns the new colour socket."""
    # 1. Drift: a broad noise over the piece, towards the darker pooled colour
    drift = t.node("ShaderNodeTexNoise", -900, -1500, Scale=6.0, Detail=3.0)
    t.link(t.obj, drift.inputs["Vector"])
    color = t.mix(t.math("MULTIPLY", drift.outputs["Fac"], p["variation"] * 1.6), color, p["color2"])
    # 2. Drips: noise stretched along z, thresholded into runs
    run = t.node("ShaderNodeTexNoise", -900, -1700, Scale=1.0, Detail=2.0)
    t.link(t.mapping(t.obj, (45.0, 45.0, 4.0)), run.inputs["Vector"])
    streak = t.ramp(run.outputs["Fac"], (0, 0, 0), (1, 1, 1), 0.55, 0.7)
    color = t.mix(t.math("MULTIPLY", streak, p["drips"] * 0.45), color, _rgba(p["color2"], 0.7))
    # 3. The bare foot: below foot_z (+- 2 mm of wobble), clay colour, rough, no coat
    sep = t.node("ShaderNodeSeparateXYZ", -1100, -1900)
    t.link(t.obj, sep.inputs[0])
    wob = t.node("ShaderNodeTexNoise", -900, -1900, Scale=40.0, Detail=2.0)
    t.link(t.obj, wob.inputs["Vector"])
    line = t.math("ADD", p["foot_z"], t.math("MULTIPLY", t.math("SUBTRACT", wob.outputs["Fac"], 0.5), 0.004))
    bare = t.math("LESS_THAN", sep.outputs["Z"], line)
    grain = t.node("ShaderNodeTexNoise", -900, -2100, Scale=300.0, Detail=4.0)
    t.link(t.obj, grain.inputs["Vector"])
    clay = t.mix(t.math("MULTIPLY", grain.outputs["Fac"], 0.5), p["clay"], _rgba(p["clay"], 0.75))
    rough = t.bsdf.inputs["Roughness"]
    t.link(t.math("ADD", float(rough.default_value), t.math("MULTIPLY", bare, 0.85 - float(rough.default_value))), rough)
    coat = t.bsdf.inputs.get("Coat Weight")
    if coat is not None:
        t.link(t.math("MULTIPLY", float(coat.default_value), t.math("SUBTRACT", 1.0, bare)), coat)
    return t.mix(bare, color, clay)


def leaf_veins(t, p):
    """An edition-2 leaf blade's colour (``vein_count`` in a foliage description): on the blade's UVs (u along it,
    v across, 0.5 on the midrib) a pale midrib and ``vein_count`` pairs of secondary veins running out and
    forward from it, sunk a little into the blade (bump); the blade's green drifts from base to tip."""
    u, v = _uv_xy(t)
    across = t.math("ABSOLUTE", t.math("MULTIPLY", t.math("SUBTRACT", v, 0.5), 2.0))   # 0 on the midrib, 1 at edges
    f = t.math("FRACT", t.math("SUBTRACT", t.math("MULTIPLY", u, p["vein_count"]), t.math("MULTIPLY", across, 0.9)))
    dist = t.math("MINIMUM", f, t.math("SUBTRACT", 1.0, f))
    secondary = t.math("MULTIPLY", t.ramp(dist, (1, 1, 1), (0, 0, 0), 0.0, 0.07), t.math("SUBTRACT", 1.0, t.math("MULTIPLY", across, 0.7)))
    midrib = t.ramp(across, (1, 1, 1), (0, 0, 0), 0.0, 0.06)
    vein = t.math("MAXIMUM", midrib, secondary)
    drift = t.node("ShaderNodeTexNoise", -900, -1300, Scale=4.0, Detail=3.0)
    t.link(t.uv, drift.inputs["Vector"])
    green = t.ramp(t.math("ADD", t.math("MULTIPLY", u, 0.5), t.math("MULTIPLY", drift.outputs["Fac"], 0.5)), p["color2"], p["base_color"], 0.2, 0.8)
    pale = _rgba([min(1.0, c * 1.7 + 0.06) for c in (p["base_color"][0] * 1.15, p["base_color"][1], p["base_color"][2] * 0.7)])
    t.bump(t.math("MULTIPLY", vein, -1.0), 0.35, 0.0008)
    return t.mix(t.math("MULTIPLY", vein, 0.4 + 0.5 * p.get("veins", 0.5)), green, pale)
