"""Materials: Principled BSDF from baked textures, point-cloud materials, and the procedural node trees.

Principled BSDF input names differ across versions (4.0 renamed 'Transmission' -> 'Transmission Weight' etc.);
procedural inputs are set through ``_set``, which skips inputs this Blender does not have.
"""
from __future__ import annotations

import hashlib
import json
import os

import bpy

from . import material_templates
from .material_templates import is_socket
from .materials_detail import DETAIL_KINDS, apply_glaze, fill_detail, leaf_veins
from .materials_nature import NATURE_KINDS, fill_nature
from .materials_props import PROP_KINDS, fill_props
from .materials_textile import TEXTILE_KINDS, fill_textile
from .mesh import COLOR_ATTRIBUTE


def new_material(name: str):
    """A material with a node tree holding a Principled BSDF (on every supported Blender)."""
    mat = bpy.data.materials.new(name)
    if mat.node_tree is None:  # Blender < 5.0 makes materials without nodes
        mat.use_nodes = True
    return mat


def _principled(mat):
    return next(n for n in mat.node_tree.nodes if n.type == "BSDF_PRINCIPLED")


def textured_material(name: str, image, roughness: float, metallic: float):
    """Principled BSDF whose base colour is ``image`` (the baked texture; None = plain grey)."""
    mat = new_material(name)
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = _principled(mat)
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Metallic"].default_value = metallic
    if image is not None:
        tex = nodes.new("ShaderNodeTexImage")
        tex.image = image
        tex.location = (bsdf.location.x - 320, bsdf.location.y)
        links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
    return mat


def points_material(name: str, roughness: float):
    """Principled BSDF whose base colour is the mesh's ``Col`` attribute (point clouds)."""
    mat = new_material(name)
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = _principled(mat)
    bsdf.inputs["Roughness"].default_value = roughness
    attr = nodes.new("ShaderNodeAttribute")
    attr.attribute_type, attr.attribute_name = "GEOMETRY", COLOR_ATTRIBUTE
    attr.location = (bsdf.location.x - 320, bsdf.location.y)
    links.new(attr.outputs["Color"], bsdf.inputs["Base Color"])
    return mat


def texture_image(name: str, texture_path: str | None, png: bytes | None):
    """The texture as a packed image: from the PNG file if there is one, else from PNG bytes. None if neither."""
    if texture_path and os.path.isfile(texture_path):
        img = bpy.data.images.load(texture_path, check_existing=False)
        img.name = name
        img.pack()
        return img
    if png:
        img = bpy.data.images.new(name, 8, 8)
        img.pack(data=png, data_len=len(png))
        img.source = "FILE"
        return img
    return None


# --------------------------------------------------------------------------- procedural (procgen descriptions)
def description_key(desc: dict) -> str:
    return text_key(description_text(desc))


def description_text(desc: dict) -> str:
    """A description's JSON, keys sorted: all its node tree depends on (``procedural_material``'s ``text``)."""
    return json.dumps(desc, sort_keys=True)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _set(node, name, value):
    sock = node.inputs.get(name)
    if sock is not None:
        sock.default_value = value


def _rgba(c):
    return (c[0], c[1], c[2], 1.0)


def _shade_rgb(c, k):
    return (c[0] * k, c[1] * k, c[2] * k, 1.0)


def _ramp(nt, c1, c2, x, y):
    ramp = nt.nodes.new("ShaderNodeValToRGB")
    ramp.location = (x, y)
    ramp.color_ramp.elements[0].color = _rgba(c1)
    ramp.color_ramp.elements[1].color = _rgba(c2)
    return ramp


def _build(name, fill, template, memo=None):
    """A new material whose tree ``fill(mat)`` builds: through ``material_templates`` (a copy of a tree of the
    same structure, re-valued; ``memo``: see ``material_templates._recorded``) unless ``template`` is False (node
    by node)."""
    if template and material_templates.ENABLED:
        return material_templates.build(name, fill, new_material, memo)
    mat = new_material(name)
    try:
        fill(mat)
    except Exception:
        bpy.data.materials.remove(mat)
        raise
    return mat


def procedural_material(desc: dict, name: str | None = None, *, template: bool = True, text: str | None = None):
    """New bpy.types.Material for one description; the description is kept in mat['conjure_material'].
    ``template``: copy a cached tree of the same structure and re-set its values (``material_templates``; the
    same tree as one built node by node), else build it node by node. ``text``: ``description_text(desc)`` when
    the caller has it already."""
    kind, p = desc["kind"], desc["params"]
    if text is None:
        text = description_text(desc)   # all the tree depends on: its recording is kept under it
    mat = _build(name or f"Conjure_{kind}_{text_key(text)}", lambda m: _fill(m, kind, p), template, text)
    mat["conjure_material"] = text
    mat.diffuse_color = _rgba(p["base_color"])  # viewport solid colour
    return mat


class _Tree:
    """Small helpers for building one node tree; every node is placed left of the BSDF."""

    def __init__(self, mat, *, clear=True, y0=0):
        """``clear``: a new tree with its output fed by this BSDF; else a second BSDF added below ``y0`` in the
        same tree (its output is the caller's to wire)."""
        self.nt, self.y0 = mat.node_tree, y0
        self.out = None
        if clear:
            self.nt.nodes.clear()
            self.out = self.node("ShaderNodeOutputMaterial", 400, 0)
        self.bsdf = self.node("ShaderNodeBsdfPrincipled", 100, 0)
        if clear:
            self.link(self.bsdf.outputs["BSDF"], self.out.inputs["Surface"])
        coord = self.node("ShaderNodeTexCoord", -1400, 0)
        self.uv, self.obj = coord.outputs["UV"], coord.outputs["Object"]
        self._x = -1200

    def node(self, kind, x=None, y=0, **inputs):
        n = self.nt.nodes.new(kind)
        n.location = (x if x is not None else -600, y + self.y0)
        for k, v in inputs.items():
            if is_socket(v):
                self.link(v, n.inputs[k])
            else:
                _set(n, k, v)
        return n

    def link(self, a, b):
        self.nt.links.new(a, b)

    def mapping(self, vec, scale):
        m = self.node("ShaderNodeMapping", -1200)
        m.inputs["Scale"].default_value = scale
        self.link(vec, m.inputs["Vector"])
        return m.outputs["Vector"]

    def ramp(self, fac, c1, c2, p1=0.0, p2=1.0):
        r = _ramp(self.nt, c1, c2, -300, 0)
        r.color_ramp.elements[0].position, r.color_ramp.elements[1].position = p1, p2
        self.link(fac, r.inputs["Fac"])
        return r.outputs["Color"]

    def math(self, op, a, b=None):
        n = self.node("ShaderNodeMath", -400)
        n.operation = op
        for i, v in enumerate((a, b)):
            if v is None:
                continue
            if is_socket(v):
                self.link(v, n.inputs[i])
            else:
                n.inputs[i].default_value = v
        return n.outputs["Value"]

    def mix(self, fac, a, b, blend="MIX"):
        n = self.node("ShaderNodeMix", -150)
        n.data_type = "RGBA"
        n.blend_type = blend
        for sock, v in ((n.inputs[0], fac), (n.inputs[6], a), (n.inputs[7], b)):
            if is_socket(v):
                self.link(v, sock)
            else:
                sock.default_value = v if not isinstance(v, (list, tuple)) or len(v) == 4 else _rgba(v)
        return n.outputs[2]

    def bump(self, height, strength, distance=0.002):
        b = self.node("ShaderNodeBump", -100, -400, Strength=strength, Distance=distance)
        self.link(height, b.inputs["Height"])
        self.link(b.outputs["Normal"], self.bsdf.inputs["Normal"])
        return b

    def edge_wear(self, color, amount, tint=1.35):
        """Lighten convex edges (Cycles' pointiness): worn paint and varnish on corners."""
        if amount <= 0:
            return color
        geo = self.node("ShaderNodeNewGeometry", -1200, -500)
        edge = self.ramp(geo.outputs["Pointiness"], (0, 0, 0), (1, 1, 1), 0.52, 0.58)
        fac = self.math("MULTIPLY", edge, amount)
        return self.mix(fac, color, (min(1.0, 0.6 * tint), min(1.0, 0.55 * tint), min(1.0, 0.5 * tint), 1.0), "SCREEN")


def _fill(mat, kind, p):
    _fill_tree(_Tree(mat), kind, p)


WET = {"darken": 0.6, "roughness": 0.3, "fade": 0.3, "ragged": 0.12}
"""The wet bank: base colours times 1 - darken, roughness towards this value, fully wet ``fade`` m inside the
wet attribute's zero (drying over that width), the edge pushed in and out by up to ``ragged`` m of noise."""


def _wetten(t, wet):
    """Darken and gloss ``t``'s BSDF by the 0-1 socket ``wet`` (water soaks soil and grass: lower albedo, a
    glossy film)."""
    bc, ro = t.bsdf.inputs["Base Color"], t.bsdf.inputs["Roughness"]
    src = bc.links[0].from_socket if bc.is_linked else tuple(bc.default_value)
    t.link(t.mix(t.math("MULTIPLY", wet, WET["darken"]), src, (0.0, 0.0, 0.0, 1.0)), bc)
    r = ro.links[0].from_socket if ro.is_linked else float(ro.default_value)
    t.link(t.math("SUBTRACT", r, t.math("MULTIPLY", t.math("SUBTRACT", r, WET["roughness"]), wet)), ro)
    ior = t.bsdf.inputs.get("IOR")  # the film is water: it reflects less head-on than the dry grains
    if ior is not None and not ior.is_linked:
        t.link(t.math("SUBTRACT", float(ior.default_value), t.math("MULTIPLY", wet, float(ior.default_value) - 1.33)), ior)


def _far_lines(t, lines, half_width):
    """Per-pixel signed distance (m) to strips ``half_width`` wide along ``lines`` (polylines [[x, y], ...] in
    object space): the minimum over their segments of |P - (A + clamp(t) (B - A))|, less the half width."""
    pos = t.node("ShaderNodeNewGeometry", -1300, 1900).outputs["Position"]
    flat = t.node("ShaderNodeVectorMath", -1150, 1900)
    flat.operation = "MULTIPLY"
    t.link(pos, flat.inputs[0])
    flat.inputs[1].default_value = (1.0, 1.0, 0.0)
    best = None
    for line in lines:
        for (x0, y0), (x1, y1) in zip(line[:-1], line[1:]):
            ba = (x1 - x0, y1 - y0, 0.0)
            pa = t.node("ShaderNodeVectorMath", -1000, 1900)
            pa.operation = "SUBTRACT"
            t.link(flat.outputs["Vector"], pa.inputs[0])
            pa.inputs[1].default_value = (x0, y0, 0.0)
            dot = t.node("ShaderNodeVectorMath", -900, 1900)
            dot.operation = "DOT_PRODUCT"
            t.link(pa.outputs["Vector"], dot.inputs[0])
            dot.inputs[1].default_value = ba
            h = t.math("MULTIPLY", dot.outputs["Value"], 1.0 / max(ba[0] ** 2 + ba[1] ** 2, 1e-9))
            h.node.use_clamp = True
            sc = t.node("ShaderNodeVectorMath", -800, 1900)
            sc.operation = "SCALE"
            sc.inputs[0].default_value = ba
            t.link(h, sc.inputs["Scale"])
            off = t.node("ShaderNodeVectorMath", -700, 1900)
            off.operation = "DISTANCE"
            t.link(pa.outputs["Vector"], off.inputs[0])
            t.link(sc.outputs["Vector"], off.inputs[1])
            d = off.outputs["Value"]
            best = d if best is None else t.math("MINIMUM", best, d)
    return t.math("SUBTRACT", best, half_width)


def blend_material(inside: dict, outside: dict, attribute: str, *, soft=0.05, ragged=0.25, name=None, wet=None,
                   lines=None, half_width=0.5, template: bool = True):
    """One material showing description ``inside`` where the mesh's float point attribute ``attribute`` (signed
    metres to a region's edge, negative inside) is negative and ``outside`` where it is positive, blended per
    pixel over a smooth edge ``soft`` m wide each side, pushed in and out by up to ``ragged`` m of noise (a
    worn path's or a shore's edge, never the mesh's grid). Both node trees live in the one material.
    ``wet``: a second such attribute; where it is negative both are wet (``WET``: darker, glossier), per pixel
    with its own ragged edge. ``lines``: polylines [[x, y], ...] along which ``inside`` also shows, in strips
    ``half_width`` m either side measured per pixel (a path running on across coarse land). ``template``: as in
    ``procedural_material``."""
    desc = {"blend": [inside, outside], "attribute": attribute, "soft": soft, "ragged": ragged}
    if wet:
        desc["wet"] = wet
    if lines:
        desc.update(lines=lines, half_width=half_width)

    def fill(mat):
        a = _Tree(mat)
        _fill_tree(a, outside["kind"], outside["params"])
        b = _Tree(mat, clear=False, y0=-2000)
        _fill_tree(b, inside["kind"], inside["params"])
        attr = a.node("ShaderNodeAttribute", -900, 900)
        attr.attribute_type, attr.attribute_name = "GEOMETRY", attribute
        wobble = a.node("ShaderNodeTexNoise", -900, 1100, Scale=1.1, Detail=3.0)  # the edge wanders...
        a.link(a.obj, wobble.inputs["Vector"])
        grain = a.node("ShaderNodeTexNoise", -900, 1300, Scale=7.0, Detail=4.0, Roughness=0.7)  # ...and frays
        a.link(a.obj, grain.inputs["Vector"])
        # noise Fac keeps mostly within 0.5 +- 0.2: scaled so the edge wanders by about +-ragged
        push = a.math("ADD", a.math("MULTIPLY", a.math("SUBTRACT", wobble.outputs["Fac"], 0.5), 4 * ragged),
                      a.math("MULTIPLY", a.math("SUBTRACT", grain.outputs["Fac"], 0.5), 2 * ragged))
        edge = a.node("ShaderNodeMapRange", -300, 900, **{"From Min": -soft, "From Max": soft, "To Min": 1.0,
                      "To Max": 0.0})
        edge.interpolation_type = "SMOOTHSTEP"
        dist = attr.outputs["Fac"]
        if lines:
            dist = a.math("MINIMUM", dist, _far_lines(a, lines, half_width))
        a.link(a.math("ADD", dist, push), edge.inputs["Value"])
        if wet:
            wattr = a.node("ShaderNodeAttribute", -900, 1500)
            wattr.attribute_type, wattr.attribute_name = "GEOMETRY", wet
            fray = a.node("ShaderNodeTexNoise", -900, 1700, Scale=2.3, Detail=4.0, Roughness=0.65)
            fray.noise_dimensions = "4D"
            a.link(a.obj, fray.inputs["Vector"])
            fray.inputs["W"].default_value = 3.1  # not the soil edge's noise
            wpush = a.math("MULTIPLY", a.math("SUBTRACT", fray.outputs["Fac"], 0.5), 4 * WET["ragged"])
            wmap = a.node("ShaderNodeMapRange", -300, 1500, **{"From Min": -WET["fade"], "From Max": 0.0,
                          "To Min": 1.0, "To Max": 0.0})
            wmap.interpolation_type = "SMOOTHSTEP"
            a.link(a.math("ADD", wattr.outputs["Fac"], wpush), wmap.inputs["Value"])
            for tree in (a, b):
                _wetten(tree, wmap.outputs["Result"])
        mix = a.node("ShaderNodeMixShader", 250, 0)
        a.link(edge.outputs["Result"], mix.inputs["Fac"])
        a.link(a.bsdf.outputs["BSDF"], mix.inputs[1])
        a.link(b.bsdf.outputs["BSDF"], mix.inputs[2])
        a.link(mix.outputs["Shader"], a.out.inputs["Surface"])

    mat = _build(name or f"Conjure_blend_{description_key(desc)}", fill, template)
    mat["conjure_material"] = json.dumps(desc, sort_keys=True)
    mat.diffuse_color = _rgba(outside["params"]["base_color"])
    return mat


def _fill_tree(t, kind, p):
    bsdf = t.bsdf
    _set(bsdf, "Base Color", _rgba(p["base_color"]))
    _set(bsdf, "Roughness", p.get("roughness", 0.5))
    _set(bsdf, "Metallic", p.get("metallic", 0.0))
    color = None
    if kind in ("wood", "planks"):
        # grain: bands across v, stretched along u (UV u runs along each board's longest side)
        vec = t.mapping(t.uv, (1.0 / p["stretch"], 1.0, 1.0))
        wave = t.node("ShaderNodeTexWave", -900, 0, Scale=p["scale"], Distortion=p["distortion"], Detail=4.0,
                      **{"Detail Scale": 1.5})
        wave.wave_type, wave.bands_direction = "BANDS", "Y"
        t.link(vec, wave.inputs["Vector"])
        fibre = t.node("ShaderNodeTexNoise", -900, -250, Scale=p["scale"] * 4, Detail=8.0)
        t.link(t.mapping(t.uv, (1.0 / (p["stretch"] * 3), 1.0, 1.0)), fibre.inputs["Vector"])
        g = t.math("MULTIPLY", t.math("ADD", wave.outputs["Fac"], t.math("MULTIPLY", fibre.outputs["Fac"], 0.6)), 0.62)
        color = t.ramp(g, p["color2"], p["base_color"], 0.15, 0.85)
        if kind == "planks":
            brick = t.node("ShaderNodeTexBrick", -900, 300, Scale=1.0, **{"Mortar Size": p.get("seam_width", 0.0035), "Mortar Smooth": 0.2,
                           "Brick Width": p["plank_length"], "Row Height": p["plank_width"], "Bias": 0.0})
            brick.offset, brick.offset_frequency = 0.37, 2
            t.link(t.uv, brick.inputs["Vector"])
            _set(brick, "Color1", (1, 1, 1, 1))
            _set(brick, "Color2", (1 - p["plank_variation"],) * 3 + (1,))
            seam = p.get("seam", 0.05)          # optional: how dark the joints are (glued strips: light lines)
            _set(brick, "Mortar", (seam, seam, seam, 1))
            color = t.mix(1.0, color, brick.outputs["Color"], "MULTIPLY")
            t.bump(t.math("SUBTRACT", 1.0, brick.outputs["Fac"]), p.get("seam_bump", 0.4))
        else:
            t.bump(g, 0.08)
        color = t.edge_wear(color, p.get("wear", 0.0))
        rough = t.node("ShaderNodeMapRange", -200, -200, **{"From Min": 0.0, "From Max": 1.0,
                       "To Min": p["roughness"] * 0.8, "To Max": min(1.0, p["roughness"] * 1.25)})
        t.link(g, rough.inputs["Value"])
        t.link(rough.outputs["Result"], bsdf.inputs["Roughness"])
    elif kind == "fabric":
        # plain weave: warp and weft sine bands, crossed; low-frequency colour mottling
        bands = []
        for d in ("X", "Y"):
            w = t.node("ShaderNodeTexWave", -900, 0, Scale=p["scale"], Distortion=0.3)
            w.wave_type, w.bands_direction, w.wave_profile = "BANDS", d, "SIN"
            t.link(t.uv, w.inputs["Vector"])
            bands.append(w.outputs["Fac"])
        weave = t.math("MULTIPLY", t.math("ADD", bands[0], bands[1]), 0.5)
        mottle = t.node("ShaderNodeTexNoise", -900, -300, Scale=6.0, Detail=4.0)
        t.link(t.obj, mottle.inputs["Vector"])
        color = t.ramp(t.math("ADD", t.math("MULTIPLY", weave, 0.5), t.math("MULTIPLY", mottle.outputs["Fac"], 0.5)),
                       p["color2"], p["base_color"], 0.2, 0.8)
        t.bump(weave, p["bump"], 0.001)
        _set(bsdf, "Sheen Weight", p["sheen"])
        _set(bsdf, "Sheen Roughness", 0.4)
    elif kind == "metal":
        if p.get("painted"):
            peel = t.node("ShaderNodeTexNoise", -900, 0, Scale=400.0, Detail=2.0)
            t.link(t.obj, peel.inputs["Vector"])
            t.bump(peel.outputs["Fac"], 0.03)
            color = t.edge_wear(_rgba(p["base_color"]), 0.25)
        else:
            # brushed streaks: noise squeezed along u; roughness varies with them
            vec = t.mapping(t.uv, (1.0 + 40.0 * (1 - p["brushed"]), p["scale"], 1.0))
            streak = t.node("ShaderNodeTexNoise", -900, 0, Scale=1.0, Detail=10.0)
            t.link(vec, streak.inputs["Vector"])
            rough = t.node("ShaderNodeMapRange", -200, -200, **{"To Min": p["roughness"] * 0.6,
                           "To Max": min(1.0, p["roughness"] * 1.5)})
            t.link(streak.outputs["Fac"], rough.inputs["Value"])
            t.link(rough.outputs["Result"], bsdf.inputs["Roughness"])
            t.bump(streak.outputs["Fac"], p["bump"], 0.0005)
    elif kind == "ceramic":
        glaze = t.node("ShaderNodeTexNoise", -900, 0, Scale=p["scale"], Detail=5.0)
        t.link(t.obj, glaze.inputs["Vector"])
        color = t.ramp(glaze.outputs["Fac"], p["color2"], p["base_color"], 0.3, 0.7)
        # glaze pools darker in hollows and thins to the paler body on rims (pointiness), with fine speckles
        geo = t.node("ShaderNodeNewGeometry", -1200, -500)
        rim = t.ramp(geo.outputs["Pointiness"], (0, 0, 0), (1, 1, 1), 0.47, 0.56)
        color = t.mix(t.math("MULTIPLY", rim, 0.5), color, _rgba([min(1.0, c * 1.25 + 0.08) for c in p["base_color"]]))
        pool = t.ramp(geo.outputs["Pointiness"], (1, 1, 1), (0, 0, 0), 0.44, 0.5)
        color = t.mix(t.math("MULTIPLY", pool, 0.35), color, _rgba([c * 0.55 for c in p["color2"]]))
        speck = t.node("ShaderNodeTexNoise", -900, -700, Scale=p["scale"] * 30, Detail=1.0)
        t.link(t.obj, speck.inputs["Vector"])
        dots = t.ramp(speck.outputs["Fac"], (1, 1, 1), (0.35, 0.3, 0.28), 0.68, 0.72)
        color = t.mix(1.0, color, dots, "MULTIPLY")
        _set(bsdf, "Coat Weight", p["coat"])
        _set(bsdf, "Coat Roughness", 0.03)
        if "clay" in p:  # edition 2: glaze drift, drips and a bare foot
            color = apply_glaze(t, color, p)
        ripple = t.node("ShaderNodeTexNoise", -900, -300, Scale=p["scale"] * 8, Detail=2.0)
        t.link(t.obj, ripple.inputs["Vector"])
        t.bump(ripple.outputs["Fac"], 0.02)
    elif kind == "painting":
        # a landscape: sky gradient, a pale far ridge and a darker near ridge (1-D noise along the canvas), ground,
        # a soft sun, brush marks; on the canvas's generated coordinates (x across, z up)
        gen = t.node("ShaderNodeTexCoord", -1400, 400).outputs["Generated"]
        sep = t.node("ShaderNodeSeparateXYZ", -1250, 400)
        t.link(gen, sep.inputs[0])
        x, z = sep.outputs["X"], sep.outputs["Z"]

        def ridge(offset, scale, base, height):
            n = t.node("ShaderNodeTexNoise", -1000, 400, Scale=scale, Detail=3.0)
            n.noise_dimensions = "1D"
            t.link(t.math("ADD", x, p["seed"] + offset), n.inputs["W"])
            return t.math("ADD", t.math("MULTIPLY", t.math("SUBTRACT", n.outputs["Fac"], 0.5), height * 2.5), base)
        far_h = ridge(0.0, 2.5, p["horizon"], p["ridge"])
        near_h = ridge(17.0, 1.6, p["horizon"] - 0.15, p["ridge"] * 1.2)
        ground_h = ridge(41.0, 1.0, p["horizon"] - 0.32, p["ridge"] * 0.5)
        sky = t.ramp(z, p["sky_low"], p["sky_top"], p["horizon"] - 0.05, 1.0)
        sun_d = t.node("ShaderNodeVectorMath", -900, 600)
        sun_d.operation = "DISTANCE"
        comb = t.node("ShaderNodeCombineXYZ", -1100, 600, X=x, Y=0.0, Z=z)
        t.link(comb.outputs[0], sun_d.inputs[0])
        sun_d.inputs[1].default_value = (p["sun"][0], 0.0, p["sun"][1])
        glow = t.ramp(sun_d.outputs["Value"], (1.0, 0.95, 0.8), (0, 0, 0), 0.03, 0.25)
        color = t.mix(1.0, sky, glow, "ADD")
        for h, c in ((far_h, p["far"]), (near_h, p["near"]), (ground_h, p["ground"])):
            mask = t.math("LESS_THAN", z, h)
            shade = t.mix(t.math("MULTIPLY", t.math("SUBTRACT", h, z), 2.0), c, _shade_rgb(c, 0.6))
            color = t.mix(mask, color, shade)
        brush = t.node("ShaderNodeTexNoise", -900, 200, Scale=60.0, Detail=6.0, Distortion=1.5)
        t.link(gen, brush.inputs["Vector"])
        color = t.mix(p["brush"], color, brush.outputs["Color"], "OVERLAY")
        t.bump(brush.outputs["Fac"], p["brush"] * 1.5, 0.001)
    elif kind == "glass":
        _set(bsdf, "Transmission Weight", p["transmission"])
        _set(bsdf, "Transmission", p["transmission"])  # Blender < 4.0
        _set(bsdf, "IOR", p["ior"])
    elif kind == "stone" and p.get("polished"):   # edition 3 worktops: a fine speckle and soft clouds, no cracks
        speck = t.node("ShaderNodeTexVoronoi", -900, 0, Scale=p["scale"] * 40)
        t.link(t.obj, speck.inputs["Vector"])
        cloud = t.node("ShaderNodeTexNoise", -900, 300, Scale=p["scale"] * 0.5, Detail=6.0)
        t.link(t.obj, cloud.inputs["Vector"])
        g = t.math("ADD", t.math("MULTIPLY", speck.outputs["Distance"], 0.55), t.math("MULTIPLY", cloud.outputs["Fac"], 0.45))
        color = t.ramp(g, p["color2"], p["base_color"], 0.3, 0.75)
        t.bump(speck.outputs["Distance"], p["bump"] * 0.2, 0.001)
    elif kind == "stone":
        vor = t.node("ShaderNodeTexVoronoi", -900, 0, Scale=p["scale"])
        t.link(t.obj, vor.inputs["Vector"])
        crack = t.node("ShaderNodeTexVoronoi", -900, -300, Scale=p["scale"] * 1.7)
        crack.feature = "DISTANCE_TO_EDGE"
        t.link(t.obj, crack.inputs["Vector"])
        noise = t.node("ShaderNodeTexNoise", -900, 300, Scale=p["scale"] * 6, Detail=8.0)
        t.link(t.obj, noise.inputs["Vector"])
        cracks = t.ramp(crack.outputs["Distance"], (0, 0, 0), (1, 1, 1), 0.0, 0.04)
        g = t.math("MULTIPLY", t.math("ADD", t.math("MULTIPLY", vor.outputs["Distance"], 0.6), noise.outputs["Fac"]), 0.7)
        color = t.mix(1.0, t.ramp(g, p["color2"], p["base_color"], 0.2, 0.8), cracks, "MULTIPLY")
        t.bump(t.math("ADD", t.math("MULTIPLY", g, 0.5), cracks), p["bump"], 0.01)
    elif kind == "plaster":
        noise = t.node("ShaderNodeTexNoise", -900, 0, Scale=p["scale"], Detail=6.0)
        t.link(t.obj, noise.inputs["Vector"])
        color = t.ramp(noise.outputs["Fac"], p["color2"], p["base_color"], 0.35, 0.65)
        fine = t.node("ShaderNodeTexNoise", -900, -300, Scale=60.0, Detail=8.0)
        t.link(t.obj, fine.inputs["Vector"])
        t.bump(fine.outputs["Fac"], p["bump"], 0.002)
    elif kind == "tile":
        brick = t.node("ShaderNodeTexBrick", -900, 0, Scale=1.0, **{"Mortar Size": 0.004, "Brick Width": p["tile"],
                       "Row Height": p["tile"], "Bias": 0.0})
        brick.offset = 0.0
        t.link(t.uv, brick.inputs["Vector"])
        _set(brick, "Color1", _rgba(p["base_color"]))
        _set(brick, "Color2", _rgba([c * 0.92 for c in p["base_color"]]))
        _set(brick, "Mortar", _rgba(p["color2"]))
        color = brick.outputs["Color"]
        t.bump(t.math("SUBTRACT", 1.0, brick.outputs["Fac"]), 0.5)
    elif kind == "foliage" and "vein_count" in p:  # edition 2: a leaf blade with its own UVs
        color = leaf_veins(t, p)
        _set(bsdf, "Subsurface Weight", p["subsurface"])
    elif kind == "foliage":
        noise = t.node("ShaderNodeTexNoise", -900, 0, Scale=p["scale"], Detail=4.0)
        t.link(t.obj, noise.inputs["Vector"])
        veins = t.node("ShaderNodeTexVoronoi", -900, -300, Scale=p["scale"] * 6)
        veins.feature = "DISTANCE_TO_EDGE"
        t.link(t.obj, veins.inputs["Vector"])
        vein = t.ramp(veins.outputs["Distance"], (1, 1, 1), (0, 0, 0), 0.0, 0.05)
        color = t.mix(t.math("MULTIPLY", vein, p.get("veins", 0.5) * 0.5),
                      t.ramp(noise.outputs["Fac"], p["color2"], p["base_color"], 0.3, 0.7),
                      _rgba([min(1.0, c * 1.6 + 0.05) for c in p["base_color"]]))
        # leaf clumps: Voronoi cells as bunches of leaves (pillowed by the bump, dark in the gaps between them),
        # tops lit and yellowed by the sky, undersides and crevices darker (ambient occlusion)
        clump = t.node("ShaderNodeTexVoronoi", -900, -600, Scale=p["scale"] * 1.5)
        t.link(t.obj, clump.inputs["Vector"])
        gaps = t.ramp(clump.outputs["Distance"], (1, 1, 1), (0.45, 0.45, 0.45), 0.25, 0.75)
        color = t.mix(1.0, color, gaps, "MULTIPLY")
        geo = t.node("ShaderNodeNewGeometry", -1200, -700)
        up = t.node("ShaderNodeSeparateXYZ", -1000, -700)
        t.link(geo.outputs["Normal"], up.inputs[0])
        sunlit = t.ramp(up.outputs["Z"], (0, 0, 0), (1, 1, 1), 0.2, 1.0)
        color = t.mix(t.math("MULTIPLY", sunlit, 0.35), color, _rgba([min(1.0, c * 1.5 + 0.04) for c in (p["base_color"][0] * 1.2, p["base_color"][1], p["base_color"][2] * 0.6)]))
        ao = t.node("ShaderNodeAmbientOcclusion", -600, -700, Distance=0.25)
        t.link(color, ao.inputs["Color"])
        color = t.mix(0.6, color, ao.outputs["Color"])
        t.bump(t.math("ADD", t.math("MULTIPLY", clump.outputs["Distance"], -1.0), t.math("MULTIPLY", vein, 0.15 * p.get("veins", 0.5))),
               0.5, 0.004)
        _set(bsdf, "Subsurface Weight", p["subsurface"])
    elif kind == "paint":
        peel = t.node("ShaderNodeTexNoise", -900, 0, Scale=300.0, Detail=2.0)
        t.link(t.obj, peel.inputs["Vector"])
        t.bump(peel.outputs["Fac"], 0.02)
        color = t.edge_wear(_rgba(p["base_color"]), p.get("wear", 0.0))
    elif kind in NATURE_KINDS:
        color = fill_nature(t, kind, p)
    elif kind in DETAIL_KINDS:
        color = fill_detail(t, kind, p)
    elif kind in TEXTILE_KINDS:
        color = fill_textile(t, kind, p)
    elif kind in PROP_KINDS:
        color = fill_props(t, kind, p)
    elif kind == "emission":
        _set(bsdf, "Emission Color", _rgba(p["base_color"]))
        _set(bsdf, "Emission", _rgba(p["base_color"]))  # Blender < 4.0
        _set(bsdf, "Emission Strength", p["strength"])
    if isinstance(color, tuple):  # a constant (edge wear of 0 leaves the paint's colour as it is)
        _set(bsdf, "Base Color", color)
    elif color is not None:
        t.link(color, bsdf.inputs["Base Color"])
