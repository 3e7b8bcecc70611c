"""Scene graph / asset -> Blender data. Imports bpy; Blender-facing only.

Builds are atomic: every datablock created is recorded, and on any error they are all removed again, so a failed
build adds nothing to the file. Objects carry ``conjure_category``, ``conjure_seed``, ``conjure_params`` (JSON),
``conjure_semantic`` (JSON list) and one ``conjure_param_<name>`` per parameter (with its range) for editing.
"""
from __future__ import annotations

import json

import bpy
import numpy as np
from mathutils import Vector

from .geometry import box, merge
from .materials_blender import build_material, description_key
from .planner import registry
from .planner_outdoor import terrain_mesh
from .registry import generate

ASSET_COLLECTION = "Conjure"


class Created:
    """Record of datablocks made by one build, for rollback."""

    def __init__(self):
        self.ids = []
        self.materials: dict = {}

    def add(self, idb):
        self.ids.append(idb)
        return idb

    def material(self, desc):
        key = description_key(desc)
        if key not in self.materials:
            self.materials[key] = self.add(build_material(desc))
        return self.materials[key]

    def rollback(self):
        for idb in reversed(self.ids):
            coll = {bpy.types.Object: bpy.data.objects, bpy.types.Mesh: bpy.data.meshes,
                    bpy.types.Material: bpy.data.materials, bpy.types.Collection: bpy.data.collections,
                    bpy.types.Light: bpy.data.lights, bpy.types.Camera: bpy.data.cameras,
                    bpy.types.World: bpy.data.worlds}
            for t, c in coll.items():
                if isinstance(idb, t):
                    try:
                        c.remove(idb)
                    except ReferenceError:
                        pass
                    break
        self.ids.clear()


def mesh_to_blender(name: str, m, created: Created, materials=()):
    me = created.add(bpy.data.meshes.new(name))
    me.vertices.add(len(m.verts))
    me.vertices.foreach_set("co", m.verts.astype(np.float32).ravel())
    me.loops.add(len(m.corners))
    me.loops.foreach_set("vertex_index", m.corners.astype(np.int32))
    me.polygons.add(len(m.sizes))
    starts = np.concatenate([[0], np.cumsum(m.sizes)[:-1]]).astype(np.int32)
    me.polygons.foreach_set("loop_start", starts)
    me.polygons.foreach_set("material_index", m.mat.astype(np.int32))
    me.polygons.foreach_set("use_smooth", m.smooth)
    uv = me.uv_layers.new(name="UVMap")
    uv.data.foreach_set("uv", m.uvs.astype(np.float32).ravel())
    me.update(calc_edges=True)
    for desc in materials:
        me.materials.append(created.material(desc))
    return me


def set_asset_props(obj, category, seed, params, semantic):
    obj["conjure_category"] = category
    obj["conjure_seed"] = int(seed)
    obj["conjure_params"] = json.dumps(params, sort_keys=True)
    obj["conjure_semantic"] = json.dumps(list(semantic))
    spec = registry().get(category)
    for p in spec.params:
        key = f"conjure_param_{p.name}"
        obj[key] = int(params[p.name]) if p.integer else float(params[p.name])
        ui = obj.id_properties_ui(key)
        if p.integer:
            ui.update(min=int(p.lo), max=int(p.hi), description=p.doc)
        else:
            ui.update(min=p.lo, max=p.hi, soft_min=p.lo, soft_max=p.hi, description=p.doc)


def _asset_object(created, collection, name, category, seed, params, materials=None):
    asset, full = generate(registry(), category, seed, params)
    me = mesh_to_blender(name, asset.mesh, created, materials if materials is not None else asset.materials)
    obj = created.add(bpy.data.objects.new(name, me))
    collection.objects.link(obj)
    set_asset_props(obj, category, seed, full, registry().get(category).semantic)
    return obj


def asset_collection(scene, created):
    coll = bpy.data.collections.get(ASSET_COLLECTION)
    if coll is None:
        coll = created.add(bpy.data.collections.new(ASSET_COLLECTION))
    if scene.collection.children.get(coll.name) is None and coll not in scene.collection.children_recursive:
        scene.collection.children.link(coll)
    return coll


def add_asset(scene, category, seed, params=None, location=(0.0, 0.0, 0.0)):
    """Add one asset object to the 'Conjure' collection of ``scene``. Raises SpecError on bad input."""
    generate(registry(), category, seed, params)  # 1. validate before touching the file
    created = Created()
    try:
        coll = asset_collection(scene, created)
        obj = _asset_object(created, coll, category, category, seed, params)
        obj.location = location
        for vl in scene.view_layers:
            vl.update()
        return obj
    except BaseException:
        created.rollback()
        raise


def rebuild_asset(obj, params=None, seed=None):
    """Regenerate ``obj``'s mesh in place from new params/seed (validated first); transform is kept."""
    category = obj["conjure_category"]
    seed = obj["conjure_seed"] if seed is None else seed
    asset, full = generate(registry(), category, seed, params)
    created = Created()
    try:
        me = mesh_to_blender(obj.data.name, asset.mesh, created, asset.materials)
    except BaseException:
        created.rollback()
        raise
    old = obj.data
    obj.data = me
    set_asset_props(obj, category, seed, full, registry().get(category).semantic)
    if old.users == 0:
        bpy.data.meshes.remove(old)
    for sc in obj.users_scene:
        for vl in sc.view_layers:
            vl.update()
    return obj


def _look(obj, direction):
    obj.rotation_euler = Vector(direction).to_track_quat("-Z", "Y").to_euler()


def build_scene(scene, graph, collection_name=None):
    """Materialize a scene graph in a new collection of ``scene``; returns the collection."""
    created = Created()
    old_camera, old_world = scene.camera, scene.world
    try:
        coll = created.add(bpy.data.collections.new(collection_name or f"Conjure {graph['type']} {graph['seed']}"))
        scene.collection.children.link(coll)
        coll["conjure_scene_graph"] = json.dumps({k: graph[k] for k in ("type", "seed", "params")})
        for s in graph["structure"]:
            geo = s["geometry"]
            if geo["type"] == "boxes":
                m = merge([box(lo, hi) for lo, hi in geo["boxes"]])
            elif geo["type"] == "terrain":
                m = terrain_mesh(geo)
            else:
                raise ValueError(f"unknown structure geometry {geo['type']!r}")
            obj = created.add(bpy.data.objects.new(s["id"], mesh_to_blender(s["id"], m, created, s["materials"])))
            coll.objects.link(obj)
            obj["conjure_category"] = s["category"]
            obj["conjure_semantic"] = json.dumps(s["semantic"])
            obj["conjure_id"] = s["id"]
        for o in graph["objects"]:
            obj = _asset_object(created, coll, o["id"], o["category"], o["seed"], o["params"], o["materials"])
            obj.location = o["location"]
            obj.rotation_euler = (0.0, 0.0, o["rotation_z"])
            obj["conjure_id"] = o["id"]
            obj["conjure_support"] = json.dumps(o["support"])
        for li in graph["lights"]:
            data = created.add(bpy.data.lights.new(li["name"], li["type"]))
            data.energy = li["energy"]
            data.color = li["color"]
            if li["type"] == "SUN":
                data.angle = li.get("angle", 0.02)
            if li["type"] == "AREA":
                data.shape = "RECTANGLE"
                data.size, data.size_y = li["size"]
            obj = created.add(bpy.data.objects.new(li["name"], data))
            coll.objects.link(obj)
            if "location" in li:
                obj.location = li["location"]
            _look(obj, li["direction"])
        cams = []
        for c in graph["cameras"]:
            data = created.add(bpy.data.cameras.new(c["name"]))
            data.lens, data.sensor_width, data.sensor_fit = c["lens"], c["sensor"], "HORIZONTAL"
            data.clip_start = 0.05
            data.clip_end = 500.0
            obj = created.add(bpy.data.objects.new(c["name"], data))
            coll.objects.link(obj)
            obj.location = c["location"]
            _look(obj, Vector(c["target"]) - Vector(c["location"]))
            cams.append(obj)
        if cams:
            scene.camera = cams[0]
        w = graph.get("world")
        if w:
            world = created.add(bpy.data.worlds.new(f"Conjure {graph['type']} sky"))
            if bpy.app.version < (5, 0, 0) or world.node_tree is None:
                world.use_nodes = True
            bg = world.node_tree.nodes.get("Background") or world.node_tree.nodes.new("ShaderNodeBackground")
            bg.inputs["Color"].default_value = (*w["color"], 1.0)
            bg.inputs["Strength"].default_value = w["strength"]
            out = world.node_tree.nodes.get("World Output") or world.node_tree.nodes.new("ShaderNodeOutputWorld")
            if not out.inputs["Surface"].is_linked:
                world.node_tree.links.new(bg.outputs["Background"], out.inputs["Surface"])
            scene.world = world
        for vl in scene.view_layers:
            vl.update()
        return coll
    except BaseException:
        scene.camera, scene.world = old_camera, old_world
        created.rollback()
        raise
