"""Node trees for the outdoor material kinds (soil, water, grass): called by ``materials._fill_tree`` with its
``_Tree`` helper; each returns the colour socket to feed the BSDF's base colour (or None).

Grass varies with world position (Geometry > Position), so the blades instanced on the ground take the colour of
the turf under them: the same lusher and paler stretches, the same dry patches."""
from __future__ import annotations

NATURE_KINDS = ("soil", "water", "grass", "rock", "bark", "end_grain")


def _rgba(c, k=1.0):
    return (min(1.0, c[0] * k), min(1.0, c[1] * k), min(1.0, c[2] * k), 1.0)


def fill_nature(t, kind, p):
    fill = {"soil": _soil, "water": _water, "grass": _grass, "rock": _rock, "bark": _bark, "end_grain": _end_grain}
    return fill[kind](t, p)


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
    t.link(t.uv if p.get("per_blade") else gen, z.inputs[0])
    along = z.outputs["Y"] if p.get("per_blade") else z.outputs["Z"]
    color = t.mix(1.0, color, t.ramp(along, (0.62, 0.62, 0.62), (1.0, 1.0, 1.0), 0.0, 0.6), "MULTIPLY")
    if p.get("per_blade"):  # edition-3 tufts: each blade's shade in UV u, its length in v; dry blades and tips
        color = t.mix(1.0, color, t.ramp(z.outputs["X"], (0.75, 0.75, 0.75), (1.2, 1.2, 1.2)), "MULTIPLY")
        straw = t.math("MAXIMUM", t.ramp(z.outputs["X"], (0, 0, 0), (0.9, 0.9, 0.9), 0.8, 0.84),
                       t.ramp(along, (0, 0, 0), (0.6, 0.6, 0.6), 0.55, 1.0))
        color = t.mix(straw, color, _rgba(p["color2"]))
    else:
        color = t.mix(t.ramp(along, (0, 0, 0), (0.3, 0.3, 0.3), 0.5, 1.0), color, _rgba(p["color2"]))
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


def _roughness(t, fac, rough, spread=0.2):
    """The BSDF's roughness varied by ``fac`` (0-1) over ``rough`` * (1 -+ spread)."""
    r = t.node("ShaderNodeMapRange", -200, -200,
               **{"To Min": rough * (1 - spread), "To Max": min(1.0, rough * (1 + spread))})
    t.link(fac, r.inputs["Value"])
    t.link(r.outputs["Result"], t.bsdf.inputs["Roughness"])


def _rock(t, p):
    """Weathered stone: broad mottling, mineral grains, darker crevices and paler worn edges (pointiness), lichen
    crusts on up-facing stone; roughness follows the mottling."""
    mottle = t.node("ShaderNodeTexNoise", -900, 0, Scale=3.0, Detail=8.0, Roughness=0.6)
    t.link(t.obj, mottle.inputs["Vector"])
    color = t.ramp(mottle.outputs["Fac"], p["color2"], p["base_color"], 0.3, 0.7)
    grains = t.node("ShaderNodeTexVoronoi", -900, -300, Scale=p["scale"], Randomness=1.0)
    t.link(t.obj, grains.inputs["Vector"])
    color = t.mix(1.0, color, t.ramp(grains.outputs["Color"], (0.75, 0.75, 0.75), (1.2, 1.2, 1.2)), "MULTIPLY")
    geo = t.node("ShaderNodeNewGeometry", -1200, -600)
    crevice = t.ramp(geo.outputs["Pointiness"], (0.35, 0.35, 0.35), (1.0, 1.0, 1.0), 0.44, 0.5)
    color = t.mix(1.0, color, crevice, "MULTIPLY")
    worn = t.ramp(geo.outputs["Pointiness"], (0, 0, 0), (1, 1, 1), 0.52, 0.6)
    color = t.mix(t.math("MULTIPLY", worn, 0.25), color, _rgba(p["base_color"], 1.5))
    if p["lichen"] > 0:
        up = t.node("ShaderNodeSeparateXYZ", -1000, -900)
        t.link(geo.outputs["Normal"], up.inputs[0])
        crust = t.node("ShaderNodeTexNoise", -900, -900, Scale=2.5, Detail=4.0, Roughness=0.6)
        t.link(t.obj, crust.inputs["Vector"])
        thr = 0.62 - 0.3 * p["lichen"]
        speck = t.node("ShaderNodeTexNoise", -900, -1050, Scale=45.0, Detail=3.0)   # crusts are grainy, not paint
        t.link(t.obj, speck.inputs["Vector"])
        patch = t.math("MULTIPLY", t.ramp(crust.outputs["Fac"], (0, 0, 0), (0.8, 0.8, 0.8), thr, thr + 0.08),
                       t.ramp(up.outputs["Z"], (0, 0, 0), (1, 1, 1), 0.1, 0.6))
        patch = t.math("MULTIPLY", patch, t.ramp(speck.outputs["Fac"], (0.2, 0.2, 0.2), (1, 1, 1), 0.4, 0.6))
        color = t.mix(patch, color, _rgba(p["color3"]))
    fine = t.node("ShaderNodeTexNoise", -900, -1200, Scale=p["scale"] * 0.5, Detail=10.0)
    t.link(t.obj, fine.inputs["Vector"])
    _roughness(t, mottle.outputs["Fac"], p["roughness"])
    t.bump(t.math("ADD", fine.outputs["Fac"], t.math("MULTIPLY", grains.outputs["Distance"], 0.5)), p["bump"], 0.003)
    return color


def _bark(t, p):
    """Bark: plates stretched up the trunk with dark fissures between them (Voronoi edges on object coordinates
    squeezed along z), fibrous noise, the geometry's furrows darker (pointiness), moss in patches."""
    vec = t.mapping(t.obj, (p["scale"], p["scale"], p["scale"] * 0.1))
    plates = t.node("ShaderNodeTexVoronoi", -900, 0, Scale=1.0, Randomness=1.0)
    plates.feature = "DISTANCE_TO_EDGE"
    t.link(vec, plates.inputs["Vector"])
    fibre = t.node("ShaderNodeTexNoise", -900, -300, Scale=8.0, Detail=10.0, Roughness=0.65, Distortion=0.4)
    t.link(vec, fibre.inputs["Vector"])
    fissure = t.ramp(plates.outputs["Distance"], (0, 0, 0), (1, 1, 1), 0.0, 0.08)
    color = t.ramp(t.math("MULTIPLY", t.math("ADD", fissure, fibre.outputs["Fac"]), 0.6), p["color2"], p["base_color"],
                   0.35, 0.7)
    geo = t.node("ShaderNodeNewGeometry", -1200, -600)
    furrow = t.ramp(geo.outputs["Pointiness"], (0.25, 0.25, 0.25), (1.0, 1.0, 1.0), 0.46, 0.52)
    color = t.mix(1.0, color, furrow, "MULTIPLY")
    if p["moss"] > 0:
        patch = t.node("ShaderNodeTexNoise", -900, -900, Scale=4.0, Detail=5.0)
        t.link(t.obj, patch.inputs["Vector"])
        thr = 0.62 - 0.3 * p["moss"]
        moss = t.ramp(patch.outputs["Fac"], (0, 0, 0), (0.85, 0.85, 0.85), thr, thr + 0.06)
        color = t.mix(moss, color, _rgba(p["color3"]))
    _roughness(t, fibre.outputs["Fac"], p["roughness"], 0.1)
    t.bump(t.math("ADD", fissure, t.math("MULTIPLY", fibre.outputs["Fac"], 0.4)), p["bump"], 0.006)
    return color


def _end_grain(t, p):
    """A sawn face: growth rings round the pith (a Wave texture's rings about z, on object coordinates moved to
    the pith), early wood pale and late wood dark, wandering a little; saw marks and radial drying checks."""
    pos = t.node("ShaderNodeMapping", -1200, 0)
    pos.inputs["Location"].default_value = (-p["pith"][0], -p["pith"][1], 0.0)
    t.link(t.obj, pos.inputs["Vector"])
    rings = t.node("ShaderNodeTexWave", -900, 0, Scale=p["rings"] * 0.3142, Distortion=p["distortion"], Detail=2.0,
                   **{"Detail Scale": 0.5})
    rings.wave_type, rings.rings_direction, rings.wave_profile = "RINGS", "Z", "SAW"
    t.link(pos.outputs["Vector"], rings.inputs["Vector"])
    late = t.ramp(rings.outputs["Fac"], (0, 0, 0), (1, 1, 1), 0.6, 0.92)
    color = t.mix(late, p["base_color"], p["color2"])
    flat = t.node("ShaderNodeVectorMath", -1000, 300)       # darker towards the pith, paler out to ``radius``
    flat.operation = "MULTIPLY"
    t.link(pos.outputs["Vector"], flat.inputs[0])
    flat.inputs[1].default_value = (1.0, 1.0, 0.0)
    dist = t.node("ShaderNodeVectorMath", -900, 300)
    dist.operation = "LENGTH"
    t.link(flat.outputs["Vector"], dist.inputs[0])
    color = t.mix(1.0, color, t.ramp(dist.outputs["Value"], (0.65, 0.65, 0.65), (1.1, 1.1, 1.1), 0.0, p["radius"]),
                  "MULTIPLY")
    saw = t.node("ShaderNodeTexNoise", -900, -300, Scale=1.0, Detail=4.0)
    t.link(t.mapping(t.obj, (300.0, 6.0, 6.0)), saw.inputs["Vector"])      # fine arcs across the cut
    color = t.mix(1.0, color, t.ramp(saw.outputs["Fac"], (0.85, 0.85, 0.85), (1.1, 1.1, 1.1)), "MULTIPLY")
    grad = late
    if p["checks"] > 0.3:
        sep = t.node("ShaderNodeSeparateXYZ", -1000, -600)
        t.link(pos.outputs["Vector"], sep.inputs[0])
        ang = t.math("ARCTAN2", sep.outputs["Y"], sep.outputs["X"])
        crack = t.node("ShaderNodeTexNoise", -900, -600, Scale=1.0, Detail=2.0)
        crack.noise_dimensions = "1D"
        t.link(t.math("MULTIPLY", ang, 1.3), crack.inputs["W"])
        check = t.ramp(crack.outputs["Fac"], (0, 0, 0), (1, 1, 1), 0.72, 0.74)
        check = t.math("MULTIPLY", check, t.math("SUBTRACT", 1.0, late))
        color = t.mix(t.math("MULTIPLY", check, p["checks"]), color, _rgba(p["color2"], 0.35))
        grad = t.math("ADD", late, check)
    t.bump(t.math("ADD", grad, saw.outputs["Fac"]), 0.15, 0.001)
    return color
