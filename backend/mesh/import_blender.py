"""Import a Conjure GLB as a real Blender object (main thread only).

Mesh with UVs and custom normals, the baked texture as a packed image, a Principled BSDF material,
custom properties recording the job spec, in a "Conjure" collection. All or nothing: if any step
fails, every datablock made so far is removed and the scene is as it was.
"""
from __future__ import annotations

import json
import os

import bpy
import numpy as np

from .glb import read_glb

COLLECTION = "Conjure"


def ensure_collection(scene, name: str = COLLECTION):
    coll = bpy.data.collections.get(name)
    if coll is None:
        coll = bpy.data.collections.new(name)
    if scene.collection.children.get(coll.name) is None:
        scene.collection.children.link(coll)
    return coll


def _build_mesh(name: str, data: dict):
    verts = data["positions"].astype(np.float32)
    faces = data["indices"].astype(np.int32)
    me = bpy.data.meshes.new(name)
    me.vertices.add(len(verts))
    me.vertices.foreach_set("co", verts.ravel())
    me.loops.add(faces.size)
    me.loops.foreach_set("vertex_index", faces.ravel())
    me.polygons.add(len(faces))
    me.polygons.foreach_set("loop_start", np.arange(0, faces.size, 3, dtype=np.int32))
    if data["uvs"] is not None:
        uv = data["uvs"][faces.ravel()].astype(np.float32)
        uv[:, 1] = 1.0 - uv[:, 1]  # glTF's v points down, Blender's up
        me.uv_layers.new(name="UVMap").data.foreach_set("uv", uv.ravel())
    me.update(calc_edges=True)
    me.polygons.foreach_set("use_smooth", np.ones(len(faces), dtype=bool))
    if data["normals"] is not None:
        me.normals_split_custom_set_from_vertices(data["normals"].astype(np.float32).tolist())
    return me


def _build_material(name: str, image, roughness: float, metallic: float):
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = next(n for n in nodes if n.type == "BSDF_PRINCIPLED")
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Metallic"].default_value = metallic
    if image is not None:
        tex = nodes.new("ShaderNodeTexImage")
        tex.image = image
        tex.location = (bsdf.location.x - 320, bsdf.location.y)
        links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
    return mat


def _load_image(name: str, texture_path: str | None, png: bytes | None):
    """The texture as a packed image: from the PNG next to the GLB, else from the bytes inside it."""
    if texture_path and os.path.isfile(texture_path):
        img = bpy.data.images.load(texture_path, check_existing=False)
    elif png:
        img = bpy.data.images.new(f"{name}_basecolor", 8, 8)
        img.pack(data=png, data_len=len(png))
        img.source = "FILE"
        return img
    else:
        return None
    img.name = f"{name}_basecolor"
    img.pack()
    return img


def import_result(scene, glb_path: str, *, name: str | None = None, texture_path: str | None = None,
                  custom_props: dict | None = None, collection: str = COLLECTION):
    """Build the object from ``glb_path`` and link it into ``collection`` of ``scene``. Returns the object."""
    data = read_glb(glb_path)
    name = name or data["name"]
    created = []
    try:
        me = _build_mesh(name, data)
        created.append((bpy.data.meshes, me))
        image = _load_image(name, texture_path, data["texture_png"])
        if image is not None:
            created.append((bpy.data.images, image))
        pbr = data["material"].get("pbrMetallicRoughness", {})
        mat = _build_material(name, image, float(pbr.get("roughnessFactor", 0.6)),
                              float(pbr.get("metallicFactor", 0.0)))
        created.append((bpy.data.materials, mat))
        me.materials.append(mat)
        obj = bpy.data.objects.new(name, me)
        created.append((bpy.data.objects, obj))
        props = dict(custom_props or {})
        extras = data["extras"]
        if "conjure_spec" in extras and "conjure_spec" not in props:
            props["conjure_spec"] = extras["conjure_spec"]
        for key, value in props.items():
            obj[key] = json.dumps(value) if isinstance(value, (dict, list)) else value
        obj["conjure_glb"] = os.path.abspath(glb_path)
        coll_existed = bpy.data.collections.get(collection) is not None
        coll = ensure_collection(scene, collection)
        if not coll_existed:
            created.append((bpy.data.collections, coll))
        coll.objects.link(obj)
    except BaseException:
        for store, block in reversed(created):
            try:
                store.remove(block)
            except ReferenceError:
                pass
        raise
    return obj
