"""Materials: Principled BSDF from baked textures, point-cloud materials, and the procedural node trees.

Principled BSDF input names differ across versions (4.0 renamed 'Transmission' -> 'Transmission Weight' etc.);
procedural inputs are set through ``_set``, which skips inputs this Blender does not have.
"""
from __future__ import annotations

import hashlib
import json
import os

import bpy

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
    return hashlib.sha256(json.dumps(desc, sort_keys=True).encode()).hexdigest()[:10]


def _set(node, name, value):
    sock = node.inputs.get(name)
    if sock is not None:
        sock.default_value = value


def _rgba(c):
    return (c[0], c[1], c[2], 1.0)


def _ramp(nt, c1, c2, x, y):
    ramp = nt.nodes.new("ShaderNodeValToRGB")
    ramp.location = (x, y)
    ramp.color_ramp.elements[0].color = _rgba(c1)
    ramp.color_ramp.elements[1].color = _rgba(c2)
    return ramp


def procedural_material(desc: dict, name: str | None = None):
    """New bpy.types.Material for one description; the description is kept in mat['conjure_material']."""
    kind, p = desc["kind"], desc["params"]
    mat = new_material(name or f"Conjure_{kind}_{description_key(desc)}")
    try:
        _fill(mat, kind, p)
    except Exception:
        bpy.data.materials.remove(mat)
        raise
    mat["conjure_material"] = json.dumps(desc, sort_keys=True)
    mat.diffuse_color = _rgba(p["base_color"])  # viewport solid colour
    return mat


def _fill(mat, kind, p):
    nt = mat.node_tree
    nt.nodes.clear()
    out = nt.nodes.new("ShaderNodeOutputMaterial")
    out.location = (400, 0)
    bsdf = nt.nodes.new("ShaderNodeBsdfPrincipled")
    nt.links.new(bsdf.outputs["BSDF"], out.inputs["Surface"])
    _set(bsdf, "Base Color", _rgba(p["base_color"]))
    _set(bsdf, "Roughness", p.get("roughness", 0.5))
    _set(bsdf, "Metallic", p.get("metallic", 0.0))
    coord = nt.nodes.new("ShaderNodeTexCoord")
    coord.location = (-900, 0)
    obj_co = coord.outputs["Object"]

    def bump(height_socket, strength):
        b = nt.nodes.new("ShaderNodeBump")
        b.location = (-200, -300)
        _set(b, "Strength", strength)
        _set(b, "Distance", 0.01)
        nt.links.new(height_socket, b.inputs["Height"])
        nt.links.new(b.outputs["Normal"], bsdf.inputs["Normal"])

    if kind == "wood":
        mapping = nt.nodes.new("ShaderNodeMapping")
        mapping.location = (-700, 0)
        mapping.inputs["Scale"].default_value = (1.0, 1.0, p["stretch"])
        nt.links.new(obj_co, mapping.inputs["Vector"])
        wave = nt.nodes.new("ShaderNodeTexWave")
        wave.location = (-500, 0)
        wave.wave_type = "RINGS"
        _set(wave, "Scale", p["scale"])
        _set(wave, "Distortion", p["distortion"])
        nt.links.new(mapping.outputs["Vector"], wave.inputs["Vector"])
        ramp = _ramp(nt, p["color2"], p["base_color"], -300, 0)
        nt.links.new(wave.outputs["Fac"], ramp.inputs["Fac"])
        nt.links.new(ramp.outputs["Color"], bsdf.inputs["Base Color"])
    elif kind in ("stone", "foliage", "fabric"):
        noise = nt.nodes.new("ShaderNodeTexNoise")
        noise.location = (-600, 0)
        _set(noise, "Scale", p["scale"])
        _set(noise, "Detail", 6.0)
        nt.links.new(obj_co, noise.inputs["Vector"])
        src = noise.outputs["Fac"]
        if kind == "stone":
            vor = nt.nodes.new("ShaderNodeTexVoronoi")
            vor.location = (-600, -250)
            _set(vor, "Scale", p["scale"] * 0.7)
            nt.links.new(obj_co, vor.inputs["Vector"])
            mix = nt.nodes.new("ShaderNodeMath")
            mix.operation = "MULTIPLY"
            mix.location = (-400, 0)
            nt.links.new(noise.outputs["Fac"], mix.inputs[0])
            nt.links.new(vor.outputs["Distance"], mix.inputs[1])
            src = mix.outputs["Value"]
            bump(noise.outputs["Fac"], p["bump"])
        ramp = _ramp(nt, p["color2"], p["base_color"], -250, 0)
        nt.links.new(src, ramp.inputs["Fac"])
        nt.links.new(ramp.outputs["Color"], bsdf.inputs["Base Color"])
        if kind == "foliage":
            _set(bsdf, "Subsurface Weight", p["subsurface"])
        if kind == "fabric":
            _set(bsdf, "Sheen Weight", p["sheen"])
    elif kind == "metal":
        noise = nt.nodes.new("ShaderNodeTexNoise")
        noise.location = (-600, -300)
        _set(noise, "Scale", p["scale"])
        nt.links.new(obj_co, noise.inputs["Vector"])
        bump(noise.outputs["Fac"], p["bump"])
    elif kind == "glass":
        _set(bsdf, "Transmission Weight", p["transmission"])
        _set(bsdf, "Transmission", p["transmission"])  # Blender < 4.0
        _set(bsdf, "IOR", p["ior"])
    elif kind == "ceramic":
        _set(bsdf, "Coat Weight", p["coat"])
    elif kind == "emission":
        _set(bsdf, "Emission Color", _rgba(p["base_color"]))
        _set(bsdf, "Emission", _rgba(p["base_color"]))  # Blender < 4.0
        _set(bsdf, "Emission Strength", p["strength"])
