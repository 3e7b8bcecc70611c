"""Node trees for edition-3 props (``screen``, ``mirror``; see ``procgen.materials``), called by
``materials._fill_tree`` with its ``_Tree`` helper; each returns the colour socket (or None) for the BSDF's base
colour.

* ``screen``: a switched-off display: a near-black base under a clear coat (``coat``), a faint sub-pixel grid at
  ``pixel`` lines per m (colour only, barely visible), and fingerprint smudges (``smudge``) that raise the coat's
  roughness in soft patches: a dark glossy panel that mirrors the room.
* ``mirror``: silvered glass: a metallic silver layer (``base_color``, a faint green or warm tint) seen through
  the glass, as a coat of ``ior`` with a green ``tint``; roughness ``roughness`` (0.02-0.05) raised in faint smudges
  (``smudge``) and the silvering a little darker towards the edges (``edge``, 0-0.3); with ``graze``, darker and
  greener towards grazing views (the longer path through the glass).
* ``wicker``: a stake-and-strand basket weave on a lathe's UVs (u: the fraction round, v: metres up the wall):
  ``stakes`` round, rows ``row`` m high from v = ``offset``; in each cell either the row's weaver passes in front
  (a horizontal strand, round in section, darkening where it dives) or a stake shows (a vertical strand) with the
  weaver in shadow behind it, alternating along the row and from row to row; colours between ``color2`` (the
  shadows) and ``base_color``, each row's cane a little lighter or darker (``variation``), fibres along the strands.
* ``butcher_block``: glued wood on metric UVs (u along the board): ``style`` 0, an end-grain checker of square blocks
  ``block`` m wide, each showing growth rings (``rings`` per m) round its own pith outside or near a corner; 1,
  edge-grain strips ``block`` m wide along u, grain streaking along them; blocks or strips alternate between wood A
  (``base_color`` early wood, ``color2`` late) and wood B (``color3``, ``color4``), with glue lines ``seam`` m wide.
"""
from __future__ import annotations

PROP_KINDS = ("screen", "mirror", "wicker", "butcher_block")


def fill_props(t, kind, p):
    return {"screen": _screen, "mirror": _mirror, "wicker": _wicker, "butcher_block": _butcher_block}[kind](t, p)


def _rgba(c):
    return (c[0], c[1], c[2], 1.0)


def _smudges(t, p, rough_lo, rough_hi, socket):
    """Soft patches of noise (fingerprints, wiping marks) in world-ish object space, driving ``socket``
    between ``rough_lo`` and ``rough_hi``; returns the 0-1 smudge factor."""
    noise = t.node("ShaderNodeTexNoise", -900, -400, Scale=18.0, Detail=6.0, Roughness=0.6, Distortion=0.8)
    t.link(t.obj, noise.inputs["Vector"])
    fac = t.ramp(noise.outputs["Fac"], (0, 0, 0), (1, 1, 1), 0.55, 0.75)
    amt = t.math("MULTIPLY", t.node("ShaderNodeRGBToBW", -250, -400, Color=fac).outputs[0], p.get("smudge", 0.0))
    rng = t.node("ShaderNodeMapRange", -200, -300, **{"From Min": 0.0, "From Max": 1.0, "To Min": rough_lo, "To Max": rough_hi})
    t.link(amt, rng.inputs["Value"])
    t.link(rng.outputs["Result"], socket)
    return amt


def _screen(t, p):
    from .materials import _set
    _set(t.bsdf, "Coat Weight", p.get("coat", 1.0))
    _set(t.bsdf, "Coat IOR", 1.5)
    _smudges(t, p, 0.02, 0.25, t.bsdf.inputs["Coat Roughness"])
    # the sub-pixel grid: faint vertical stripes of R, G, B and dark row gaps, only just above black
    sep = t.node("ShaderNodeSeparateXYZ", -1250, 300)
    t.link(t.obj, sep.inputs[0])
    col = t.math("FRACT", t.math("MULTIPLY", sep.outputs["X"], p.get("pixel", 3000.0)))
    row = t.math("FRACT", t.math("MULTIPLY", sep.outputs["Z"], p.get("pixel", 3000.0) / 3))
    grid = t.math("MULTIPLY", t.math("GREATER_THAN", col, 0.15), t.math("GREATER_THAN", row, 0.1))
    c = p["base_color"]
    return t.mix(t.math("MULTIPLY", grid, 0.5), _rgba(c), _rgba([min(1.0, x * 2.2) for x in c]))


def _mirror(t, p):
    from .materials import _set
    _set(t.bsdf, "Metallic", 1.0)
    _set(t.bsdf, "Coat Weight", 1.0)
    _set(t.bsdf, "Coat IOR", p.get("ior", 1.52))
    _set(t.bsdf, "Coat Roughness", 0.0)
    _set(t.bsdf, "Coat Tint", _rgba(p.get("tint", (0.9, 0.97, 0.94))))
    _smudges(t, p, p["roughness"], min(1.0, p["roughness"] + 0.12), t.bsdf.inputs["Roughness"])
    # the silvering a little darker towards the pane's edges (its UVs are metric from the centre's bounding box): a
    # broad vignette, or with ``graze`` (the second look) a band round the rim
    geo = t.node("ShaderNodeTexCoord", -1400, 600)
    centred = t.node("ShaderNodeMapping", -1200, 600, Location=(-1.0, 0.0, -1.0), Scale=(2.0, 0.0, 2.0))
    t.link(geo.outputs["Generated"], centred.inputs["Vector"])
    grad = t.node("ShaderNodeTexGradient", -900, 600)
    grad.gradient_type = "SPHERICAL"
    t.link(centred.outputs["Vector"], grad.inputs["Vector"])
    edge = t.ramp(grad.outputs["Fac"], (1, 1, 1), (0, 0, 0), 0.0, 0.6 if p.get("graze") is None else 0.15)
    dark = _rgba([x * (1 - p.get("edge", 0.0)) for x in p["base_color"]])
    col = t.mix(edge, _rgba(p["base_color"]), dark)
    # towards grazing the light crosses more of the green glass on its way to the silvering and back: the image
    # darkens to a green-grey (``graze``: the colour the silvering is multiplied by at a grazing view)
    if p.get("graze") is None:
        return col
    lw = t.node("ShaderNodeLayerWeight", -700, 800, Blend=0.5)
    fac = t.math("POWER", lw.outputs["Facing"], 1.2)
    return t.mix(fac, col, _rgba(p["graze"]), "MULTIPLY")


def _wicker(t, p):
    sep = t.node("ShaderNodeSeparateXYZ", -1250, -900)
    t.link(t.uv, sep.inputs[0])
    U = t.math("ADD", t.math("MULTIPLY", sep.outputs["X"], float(p["stakes"])), 0.5)   # stake k at U = k + 0.5
    V = t.math("DIVIDE", t.math("SUBTRACT", sep.outputs["Y"], p["offset"]), p["row"])
    i, j = t.math("FLOOR", U), t.math("FLOOR", V)
    fu, fv = t.math("FRACT", U), t.math("FRACT", V)
    over = t.math("SUBTRACT", 1.0, t.math("FLOORED_MODULO", t.math("ADD", i, j), 2.0))   # 1: the weaver in front
    # the weaver in front: round across its height, dipping towards the cell's ends where it goes behind
    across = t.math("POWER", t.math("SINE", t.math("MULTIPLY", fv, 3.14159)), 0.5)
    along = t.math("ADD", 0.55, t.math("MULTIPLY", t.math("SINE", t.math("MULTIPLY", fu, 3.14159)), 0.45))
    weaver = t.math("MULTIPLY", across, along)
    # a stake: a vertical strand 40 % of the cell wide, round across; the weaver behind it in shadow
    du = t.math("ABSOLUTE", t.math("SUBTRACT", fu, 0.5))
    stake_in = t.math("LESS_THAN", du, 0.2)
    stake = t.math("POWER", t.math("MAXIMUM", t.math("SUBTRACT", 1.0, t.math("MULTIPLY", du, 5.0)), 0.0), 0.5)
    behind = t.math("MULTIPLY", across, 0.3)
    under = t.math("ADD", t.math("MULTIPLY", stake_in, stake), t.math("MULTIPLY", t.math("SUBTRACT", 1.0, stake_in), behind))
    height = t.math("ADD", t.math("MULTIPLY", over, weaver), t.math("MULTIPLY", t.math("SUBTRACT", 1.0, over), under))
    # each row's cane a little different (a value per row from 1-D noise), fibres along the strands
    cane = t.node("ShaderNodeTexNoise", -1000, -1100, Scale=7.3, Detail=0.0)
    cane.noise_dimensions = "1D"
    t.link(j, cane.inputs["W"])
    fibre = t.node("ShaderNodeTexNoise", -1000, -1300, Scale=1.0, Detail=4.0)
    fvec = t.node("ShaderNodeCombineXYZ", -1100, -1300, X=t.math("MULTIPLY", U, 3.0), Y=t.math("MULTIPLY", V, 40.0), Z=0.0)
    t.link(fvec.outputs[0], fibre.inputs["Vector"])
    tone = t.math("ADD", t.math("MULTIPLY", t.math("SUBTRACT", cane.outputs["Fac"], 0.5), p.get("variation", 0.2) * 2.0),
                  t.math("MULTIPLY", t.math("SUBTRACT", fibre.outputs["Fac"], 0.5), 0.25))
    shade = t.math("ADD", height, t.math("MULTIPLY", tone, 0.5))
    color = t.ramp(shade, p["color2"], p["base_color"], 0.0, 0.85)
    t.bump(height, 0.6, 0.003)
    return color


def _butcher_block(t, p):
    sep = t.node("ShaderNodeSeparateXYZ", -1250, -900)
    t.link(t.uv, sep.inputs[0])
    b = p["block"]
    U, V = t.math("DIVIDE", sep.outputs["X"], b), t.math("DIVIDE", sep.outputs["Y"], b)
    cu, cv = t.math("FLOOR", U), t.math("FLOOR", V)
    fu, fv = t.math("FRACT", U), t.math("FRACT", V)
    wobble = t.node("ShaderNodeTexNoise", -1000, -1200, Scale=60.0, Detail=3.0)
    t.link(t.uv, wobble.inputs["Vector"])
    if int(p["style"]) == 0:     # end grain: a checker of blocks, rings round a pith per block
        which = t.math("FLOORED_MODULO", t.math("ADD", cu, cv), 2.0)
        cell = t.node("ShaderNodeCombineXYZ", -1100, -1400, X=cu, Y=cv, Z=0.0)
        rnd = t.node("ShaderNodeTexWhiteNoise", -1000, -1400)
        rnd.noise_dimensions = "3D"
        t.link(cell.outputs[0], rnd.inputs["Vector"])
        r = t.node("ShaderNodeSeparateXYZ", -900, -1400)
        t.link(rnd.outputs["Color"], r.inputs[0])
        px = t.math("ADD", t.math("MULTIPLY", t.math("SUBTRACT", r.outputs["X"], 0.5), 3.2), 0.5)     # the pith, in block units
        py = t.math("ADD", t.math("MULTIPLY", t.math("SUBTRACT", r.outputs["Y"], 0.5), 3.2), 0.5)
        dx, dy = t.math("SUBTRACT", fu, px), t.math("SUBTRACT", fv, py)
        dist = t.math("SQRT", t.math("ADD", t.math("MULTIPLY", dx, dx), t.math("MULTIPLY", dy, dy)))
        phase = t.math("ADD", t.math("MULTIPLY", dist, b * p["rings"]), t.math("MULTIPLY", wobble.outputs["Fac"], 0.6))
        edge = t.math("MINIMUM", t.math("MINIMUM", fu, t.math("SUBTRACT", 1.0, fu)), t.math("MINIMUM", fv, t.math("SUBTRACT", 1.0, fv)))
    else:                        # edge-grain strips along u, alternating
        which = t.math("FLOORED_MODULO", cv, 2.0)
        streak = t.node("ShaderNodeTexNoise", -1000, -1400, Scale=1.0, Detail=6.0)
        svec = t.node("ShaderNodeCombineXYZ", -1100, -1400, X=t.math("MULTIPLY", sep.outputs["X"], 4.0),
                      Y=t.math("ADD", t.math("MULTIPLY", sep.outputs["Y"], 30.0), t.math("MULTIPLY", cv, 7.1)), Z=0.0)
        t.link(svec.outputs[0], streak.inputs["Vector"])
        # grain lines along the strip (the rings seen from the side), wandering with the noise
        phase = t.math("ADD", t.math("MULTIPLY", sep.outputs["Y"], p["rings"] * 0.6), t.math("MULTIPLY", streak.outputs["Fac"], 2.5))
        edge = t.math("MINIMUM", fv, t.math("SUBTRACT", 1.0, fv))
    ring = t.math("POWER", t.math("ABSOLUTE", t.math("SUBTRACT", t.math("FRACT", phase), 0.5)), 0.6)   # late wood thin
    wood_a = t.ramp(ring, p["color2"], p["base_color"], 0.05, 0.55)
    wood_b = t.ramp(ring, p["color4"], p["color3"], 0.05, 0.55)
    color = t.mix(which, wood_a, wood_b)
    glue = t.math("LESS_THAN", t.math("MULTIPLY", edge, b), p.get("seam", 0.0006))
    color = t.mix(t.math("MULTIPLY", glue, 0.6), color, (0.05, 0.035, 0.02, 1.0))
    t.bump(t.math("ADD", t.math("MULTIPLY", ring, 0.3), t.math("MULTIPLY", glue, -1.0)), 0.15, 0.001)
    return color
