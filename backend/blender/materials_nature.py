"""Node trees for the outdoor material kinds (soil, water, grass): called by ``materials._fill_tree`` with its
``_Tree`` helper; each returns the colour socket to feed the BSDF's base colour (or None).

Grass varies with world position (Geometry > Position), so the blades instanced on the ground take the colour of
the turf under them: the same lusher and paler stretches, the same dry patches."""
from __future__ import annotations

NATURE_KINDS = ("soil", "water", "grass")


def _rgba(c, k=1.0):
    return (min(1.0, c[0] * k), min(1.0, c[1] * k), min(1.0, c[2] * k), 1.0)


def fill_nature(t, kind, p):
    return {"soil": _soil, "water": _water, "grass": _grass}[kind](t, p)


def _soil(t, p):
    # packed earth: darker and paler patches, small pale stones (Voronoi cells' centres), grainy bump
    patch = t.node("ShaderNodeTexNoise", -900, 0, Scale=p["scale"], Detail=6.0, Roughness=0.6)
    t.link(t.obj, patch.inputs["Vector"])
    color = t.ramp(patch.outputs["Fac"], p["color2"], p["base_color"], 0.3, 0.7)
    stones = t.node("ShaderNodeTexVoronoi", -900, -300, Scale=p["scale"] * 15, Randomness=1.0)
    t.link(t.obj, stones.inputs["Vector"])
    stone = t.ramp(stones.outputs["Distance"], (1, 1, 1), (0, 0, 0), 0.12, 0.2)
    color = t.mix(t.math("MULTIPLY", stone, p["pebbles"]), color, _rgba([min(1.0, c * 1.8 + 0.06) for c in p["base_color"]]))
    grain = t.node("ShaderNodeTexNoise", -900, -600, Scale=60.0, Detail=8.0)
    t.link(t.obj, grain.inputs["Vector"])
    t.bump(t.math("ADD", grain.outputs["Fac"], t.math("MULTIPLY", stone, p["pebbles"] * 0.8)), p["bump"], 0.004)
    return color


def _water(t, p):
    # opaque and dark: the Principled dielectric's Fresnel (IOR 1.33) mirrors the sky at glancing angles;
    # ripples are a gentle bump from noise stretched along the wind
    sock = t.bsdf.inputs.get("IOR")
    if sock is not None:
        sock.default_value = p["ior"]
    ripples = t.node("ShaderNodeTexNoise", -900, 0, Scale=p["ripple_scale"], Detail=3.0, Roughness=0.6)
    t.link(t.mapping(t.obj, (1.0, 3.0, 1.0)), ripples.inputs["Vector"])
    t.bump(ripples.outputs["Fac"], p["ripple"], 0.01)
    return None


DRY_SPREAD = 0.23
"""Noise Fac above 0.5 + DRY_SPREAD * (0.5 - dry) is dry grass: Blender's noise Fac clusters round 0.5 (sd about
0.09), so this threshold leaves about ``dry`` of the land dry for ``dry`` in 0.1-0.45."""


def _grass(t, p):
    """Healthy green turf: lusher and paler stretches a few metres across, dry straw-coloured patches (share
    ``dry``), fine clumps; blades (``blades`` 1) also vary per instance, darken towards their roots and pale at
    their tips, and let some light through (backlit grass glows)."""
    pos = t.node("ShaderNodeNewGeometry", -1300, 200).outputs["Position"]
    lush = t.node("ShaderNodeTexNoise", -900, 200, Scale=p["scale"], Detail=3.0, Roughness=0.5)
    t.link(pos, lush.inputs["Vector"])
    color = t.ramp(lush.outputs["Fac"], _rgba(p["base_color"], 0.7), _rgba(p["base_color"], 1.15), 0.32, 0.68)
    dry = t.node("ShaderNodeTexNoise", -900, 0, Scale=p["scale"] * 1.7, Detail=4.0, Roughness=0.55)
    dry.noise_dimensions = "4D"
    t.link(pos, dry.inputs["Vector"])
    dry.inputs["W"].default_value = 7.3  # a field of its own, not the lush one's
    thr = 0.5 + DRY_SPREAD * (0.5 - p["dry"])
    dmask = t.ramp(dry.outputs["Fac"], (0, 0, 0), (1, 1, 1), thr - 0.03, thr + 0.03)
    color = t.mix(t.math("MULTIPLY", dmask, 0.85), color, _rgba(p["color2"]))  # straw, a little green left
    clumps = t.node("ShaderNodeTexNoise", -900, -250, Scale=22.0, Detail=6.0, Roughness=0.6)
    t.link(pos, clumps.inputs["Vector"])
    color = t.mix(1.0, color, t.ramp(clumps.outputs["Fac"], (0.72, 0.72, 0.72), (1.1, 1.1, 1.1), 0.3, 0.7), "MULTIPLY")
    if not p.get("blades"):
        t.bump(clumps.outputs["Fac"], p["bump"], 0.01)
        return color
    info = t.node("ShaderNodeObjectInfo", -1100, -500)
    jitter = t.ramp(info.outputs["Random"], (0.8, 0.8, 0.8), (1.15, 1.15, 1.15))
    color = t.mix(1.0, color, jitter, "MULTIPLY")
    color = t.mix(t.math("MULTIPLY", t.math("GREATER_THAN", info.outputs["Random"], 0.88), 0.6), color, _rgba(p["color2"]))
    gen = t.node("ShaderNodeTexCoord", -1300, -700).outputs["Generated"]
    z = t.node("ShaderNodeSeparateXYZ", -1100, -700)
    t.link(gen, z.inputs[0])
    color = t.mix(1.0, color, t.ramp(z.outputs["Z"], (0.62, 0.62, 0.62), (1.0, 1.0, 1.0), 0.0, 0.6), "MULTIPLY")
    color = t.mix(t.ramp(z.outputs["Z"], (0, 0, 0), (0.3, 0.3, 0.3), 0.5, 1.0), color, _rgba(p["color2"]))
    # a translucent share: thin blades lit from behind glow instead of going black
    trans = t.node("ShaderNodeBsdfTranslucent", 100, -300)
    t.link(color, trans.inputs["Color"])
    mix = t.node("ShaderNodeMixShader", 250, -150)
    mix.inputs["Fac"].default_value = 0.3
    out = t.bsdf.outputs["BSDF"].links[0].to_socket if t.bsdf.outputs["BSDF"].links else None
    t.link(t.bsdf.outputs["BSDF"], mix.inputs[1])
    t.link(trans.outputs["BSDF"], mix.inputs[2])
    if out is not None:
        t.link(mix.outputs["Shader"], out)
    return color
