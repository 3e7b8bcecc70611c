"""Node trees for the indoor detail of factory edition 2: a book's page edges (``pages``), a printed bottle label
(``label``); called by ``materials._fill_tree`` with its ``_Tree`` helper, each returning the colour socket that
feeds the BSDF's base colour. Also the optional edition-2 parameters of existing kinds (glazed ceramics, leaves
with veins): ``glaze`` and ``leaf_veins`` add to a tree ``_fill_tree`` has built."""
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
