"""Procedural scene graphs and assets -> Blender objects.

Builds are atomic: every datablock created is recorded, and on any error they are all removed again, so a failed
build adds nothing to the file. Objects carry ``conjure_category``, ``conjure_seed``, ``conjure_params`` (JSON),
``conjure_semantic`` (JSON list), ``conjure_edition`` (the factories' edition that made the mesh: a rebuild keeps it;
absent means edition 1) and one ``conjure_param_<name>`` per parameter (with its range) for editing. A scene graph's
assets are built as the graph's own edition made them (``layout.graph_edition``).
"""
from __future__ import annotations

import functools
import json

import bpy
import numpy as np
from mathutils import Matrix, Vector

from ..edit.grammar import PROP
from ..procgen.factories import registry
from ..procgen.geometry import box, edition as current_edition, factory_edition, merge
from ..procgen.layout import graph_edition
from ..procgen.registry import generate
from ..procgen.moulding import moulding_mesh
from ..procgen.terrain import horizon_mesh, soil_edge, terrain_mesh, water_mesh, wet_edge
from .idprops import id_int, read_int
from .materials import blend_material, description_key, description_text, procedural_material, text_key
from .mesh import build_mesh
from .transaction import COLLECTION, Transaction, ensure_collection

ASSET_COLLECTION = COLLECTION


class Build(Transaction):
    """A transaction that also shares one Blender material per material description within the build (material
    templates live outside the file: ``material_templates``)."""

    def __init__(self, tag: str | None = None):
        super().__init__(tag)
        self.materials: dict = {}  # description key -> material name (looked up again: builds span ticks)

    def _made(self, make):
        return self.add(make()).name

    def material(self, desc):
        text = description_text(desc)
        key = text_key(text)
        if key not in self.materials:
            self.materials[key] = self._made(lambda: procedural_material(desc, text=text))
        return self.get("materials", self.materials[key])

    def blend(self, inside, outside, attribute, wet=None, lines=None, half_width=0.5):
        """One material blending two descriptions by a mesh attribute (``materials.blend_material``), wet where
        the ``wet`` attribute is negative, ``inside`` also along ``lines``."""
        key = description_key({"blend": [inside, outside], "attribute": attribute, "wet": wet, "lines": lines,
                               "half_width": half_width})
        if key not in self.materials:
            self.materials[key] = self._made(lambda: blend_material(inside, outside, attribute, wet=wet, lines=lines,
                                                                    half_width=half_width))
        return self.get("materials", self.materials[key])


SOIL_ATTRIBUTE = "conjure_soil_edge"
"""Float point attribute on a terrain with a path or pond: ``terrain.soil_edge`` at each vertex."""
WET_ATTRIBUTE = "conjure_wet_edge"
"""Float point attribute on a terrain with a pond: ``terrain.wet_edge`` at each vertex (the wet bank)."""


def mesh_to_blender(name: str, m, build: Build, materials=()):
    """A procgen ``Mesh`` (polygons, per-corner UVs, material slots) -> a recorded Blender mesh."""
    me = build.add(build_mesh(name, m.verts, m.corners, sizes=m.sizes, uvs=m.uvs, material_indices=m.mat,
                              smooth=m.smooth))
    for desc in materials:
        me.materials.append(build.material(desc))
    return me


def set_asset_props(obj, category, seed, params, semantic, edition=None):
    obj["conjure_category"] = category
    obj["conjure_edition"] = current_edition() if edition is None else int(edition)
    obj["conjure_seed"] = id_int(seed)
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


def _asset_object(created: Build, collection, name, category, seed, params, materials=None, detail_level=1.0,
                  max_triangles=None, edition=None, made=None):
    """``made``: ``generate``'s (asset, full params) for these arguments when the caller already ran it."""
    asset, full = made or generate(registry(), category, seed, params, detail_level=detail_level,
                                   max_triangles=max_triangles, edition=edition)
    me = mesh_to_blender(name, asset.mesh, created, materials if materials is not None else asset.materials)
    obj = created.add(bpy.data.objects.new(name, me))
    collection.objects.link(obj)
    set_asset_props(obj, category, seed, full, registry().get(category).semantic, edition)
    return obj


def add_asset(scene, category, seed, params=None, location=(0.0, 0.0, 0.0), *, detail_level=1.0, max_triangles=None,
              edition=None):
    """Add one asset object to the 'Conjure' collection of ``scene``. Raises SpecError on bad input.
    ``detail_level`` multiplies the tessellation; ``max_triangles`` caps it (per-asset triangle budget);
    ``edition`` picks the factories' edition (the current one by default). The object's ``matrix_world`` is set;
    the view layer is not evaluated (``context.evaluated_depsgraph_get()`` gives evaluated meshes)."""
    # 1. validate and run the factory (once) before any Blender data is made
    made = generate(registry(), category, seed, params, detail_level=detail_level, max_triangles=max_triangles,
                    edition=edition)
    created = Build()
    try:
        coll = ensure_collection(scene, ASSET_COLLECTION, created)
        obj = _asset_object(created, coll, category, category, seed, params, None, detail_level, max_triangles,
                            edition, made)
        obj["conjure_detail"] = float(detail_level)
        if max_triangles is not None:
            obj["conjure_max_triangles"] = int(max_triangles)
        place(obj, location)
        return obj
    except BaseException:
        created.rollback()
        raise


def place(obj, location) -> None:
    """Put a new, unparented object at ``location`` with its world matrix already right, as the depsgraph would
    make it: callers read ``obj.matrix_world`` (and ``bound_box``, from the mesh) at once, without evaluating the
    view layer, whose cost grows with the objects in the file (10 ms an asset with 60 lamps in the scene)."""
    obj.matrix_world = Matrix.Translation(location)   # also sets the location (float32, as ``obj.location = ``)
    obj.rotation_euler = (0.0, 0.0, 0.0)               # (the matrix setter leaves a -0.0 here)


def rebuild_asset(obj, params=None, seed=None):
    """Regenerate ``obj``'s mesh in place from new params/seed (validated first); transform and the factories'
    edition it was made with are kept."""
    category = obj["conjure_category"]
    seed = read_int(obj, "conjure_seed") if seed is None else seed
    edition = obj.get("conjure_edition", 1)
    asset, full = generate(registry(), category, seed, params, detail_level=obj.get("conjure_detail", 1.0),
                           max_triangles=obj.get("conjure_max_triangles"), edition=edition)
    created = Build()
    try:
        me = mesh_to_blender(obj.data.name, asset.mesh, created, asset.materials)
    except BaseException:
        created.rollback()
        raise
    old = obj.data
    obj.data = me
    set_asset_props(obj, category, seed, full, registry().get(category).semantic, edition)
    if old.users == 0:
        bpy.data.meshes.remove(old)
    for sc in obj.users_scene:
        for vl in sc.view_layers:
            vl.update()
    return obj


def _scatter_nodes(name, variants):
    """Geometry nodes: instance ``variants``' children on the points, picked by the point's variant index,
    turned by its rotation and scaled by its scale."""
    ng = bpy.data.node_groups.new(name, "GeometryNodeTree")
    ng.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    ng.interface.new_socket("Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
    n, link = ng.nodes, ng.links.new
    gin, gout = n.new("NodeGroupInput"), n.new("NodeGroupOutput")
    info = n.new("GeometryNodeCollectionInfo")
    info.inputs["Collection"].default_value = variants
    info.inputs["Separate Children"].default_value = True
    info.inputs["Reset Children"].default_value = True
    inst = n.new("GeometryNodeInstanceOnPoints")
    link(gin.outputs[0], inst.inputs["Points"])
    link(info.outputs[0], inst.inputs["Instance"])
    inst.inputs["Pick Instance"].default_value = True
    attrs = {}
    for key, dtype in (("conjure_variant", "INT"), ("conjure_scale", "FLOAT"), ("conjure_rotation", "FLOAT_VECTOR")):
        a = n.new("GeometryNodeInputNamedAttribute")
        a.data_type = dtype
        a.inputs["Name"].default_value = key
        attrs[key] = a.outputs["Attribute"]
    link(attrs["conjure_variant"], inst.inputs["Instance Index"])
    link(attrs["conjure_scale"], inst.inputs["Scale"])
    e2r = n.new("FunctionNodeEulerToRotation")
    link(attrs["conjure_rotation"], e2r.inputs[0])
    link(e2r.outputs[0], inst.inputs["Rotation"])
    link(inst.outputs["Instances"], gout.inputs[0])
    return ng


def _look(obj, direction):
    obj.rotation_euler = Vector(direction).to_track_quat("-Z", "Y").to_euler()


def _in_graph_edition(method):
    """Run a build step with the factories at the graph's own edition (a graph saved by an older Conjure rebuilds
    to the meshes it was planned with)."""
    @functools.wraps(method)
    def run(self, *args):
        with factory_edition(graph_edition(self.graph)):
            return method(self, *args)
    return run


class SceneBuild:
    """A scene graph built into a new collection a few objects per ``step`` (the event pump spreads steps over
    timer ticks so Blender never stalls), linked into the scene by ``finish``, or removed by ``rollback``.

    ``graph`` may also be a callable that plans it: it then runs on a background thread (planning is bpy-free)
    while ``step`` reports ``waiting``.
    """

    def __init__(self, graph, *, collection_name: str | None = None, tag: str = "scene-build"):
        self.tx = Build(tag=tag)
        self.collection_name = None
        self._wanted_name = collection_name
        self.graph, self.error, self.waiting = None, None, False
        self._thread = None
        if callable(graph):
            import threading

            def plan():
                try:
                    self.graph = graph()
                except BaseException as e:  # reported on the main thread by step()
                    self.error = e
            self._thread = threading.Thread(target=plan, name="conjure-plan", daemon=True)
            self._thread.start()
        else:
            self.graph = graph
        self._queue = None
        self.done, self.total = 0, 1
        self.camera_name = None
        self.world_name = None

    def _plan_steps(self):
        g = self.graph
        steps = [("structure", s) for s in g["structure"]] + [("object", o) for o in g["objects"]]
        steps += [("scatter", sc) for sc in g.get("scatter", [])]
        steps += [("light", li) for li in g["lights"]] + [("camera", c) for c in g["cameras"]]
        if g.get("world"):
            steps.append(("world", g["world"]))
        return steps

    def step(self, scene) -> bool:
        """Build the next piece; True when everything is built (then call ``finish``)."""
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(0.005)
            self.waiting = True
            return False
        self.waiting = False
        if self.error is not None:
            raise self.error
        g = self.graph
        if self._queue is None:
            coll = self.tx.add(bpy.data.collections.new(self._wanted_name or f"Conjure {g['type']} {g['seed']}"))
            coll.use_fake_user = True  # linked nowhere until finish
            coll["conjure_scene_graph"] = json.dumps({k: g[k] for k in ("type", "seed", "params")}
                                                     | {"edition": graph_edition(g)})
            self.collection_name = coll.name
            self._queue = self._plan_steps()
            self.total = len(self._queue) + 1
            self.done = 1
            return not self._queue
        self.tx.check()
        coll = self.tx.get("collections", self.collection_name)
        kind, item = self._queue[self.done - 1]
        getattr(self, f"_add_{kind}")(coll, item)
        self.done += 1
        return self.done == self.total

    @_in_graph_edition
    def _add_structure(self, coll, s):
        geo = s["geometry"]
        if geo["type"] == "boxes":
            m = merge([box(lo, hi) for lo, hi in geo["boxes"]])
        elif geo["type"] == "terrain":
            m = terrain_mesh(geo)
        elif geo["type"] == "horizon":  # meets the patch's border exactly
            m = horizon_mesh(geo, self._patch())
        elif geo["type"] == "water":
            m = water_mesh(geo)
        elif geo["type"] == "moulding":  # a cornice: a profile swept round the room
            m = moulding_mesh(geo)
        elif geo["type"] == "asset":  # a door or window set into its opening
            m = generate(registry(), geo["category"], geo["seed"], geo["params"],
                         detail_level=self.graph["params"].get("detail", 1.0))[0].mesh
        else:
            raise ValueError(f"unknown structure geometry {geo['type']!r}")
        patch = self._patch() if geo["type"] in ("terrain", "horizon") else None
        soil = soil_edge(patch, m.verts[:, 0], m.verts[:, 1]) if patch else None
        pth = patch.get("path") if patch else None
        lines = pth.get("far") if pth and geo["type"] == "horizon" else None  # the path on across the land
        if soil is not None and ((soil < 1.0).any() or lines):
            # grass and bare soil (path, shore; the path on into the land) blended per pixel by each vertex's
            # distance to the soil's edge
            me = mesh_to_blender(s["id"], m, self.tx)
            me.attributes.new(SOIL_ATTRIBUTE, "FLOAT", "POINT").data.foreach_set("value", soil.astype(np.float32))
            wet = wet_edge(patch, m.verts[:, 0], m.verts[:, 1])  # the bank round the pond's waterline is wet
            if wet is not None and (wet < 0.5).any():
                me.attributes.new(WET_ATTRIBUTE, "FLOAT", "POINT").data.foreach_set("value", wet.astype(np.float32))
            else:
                wet = None
            me.materials.append(self.tx.blend(self._patch_soil(), s["materials"][0], SOIL_ATTRIBUTE,
                                              WET_ATTRIBUTE if wet is not None else None, lines,
                                              pth["width"] / 2 if lines else 0.5))
        else:
            me = mesh_to_blender(s["id"], m, self.tx, s["materials"][:1] if patch else s["materials"])
        obj = self.tx.add(bpy.data.objects.new(s["id"], me))
        coll.objects.link(obj)
        if geo["type"] == "asset":
            obj.location = geo["location"]
            obj.rotation_euler = (0.0, 0.0, geo["rotation_z"])
        obj["conjure_category"] = s["category"]
        obj["conjure_semantic"] = json.dumps(s["semantic"])
        obj["conjure_id"] = s["id"]

    def _patch_structure(self):
        return next((s for s in self.graph["structure"] if s["geometry"]["type"] == "terrain"), None)

    def _patch(self):
        """The outdoor patch's terrain spec (None in rooms)."""
        s = self._patch_structure()
        return s["geometry"] if s else None

    def _patch_soil(self):
        """The material description of the patch's bare soil (its second slot)."""
        return self._patch_structure()["materials"][1]

    @_in_graph_edition
    def _add_object(self, coll, o):
        if o["category"] == PROP:  # a prop made from text by a scene edit: its GLB, placed as the entry says
            from .edit import add_prop_object
            add_prop_object(self.tx, coll, o)
            return
        obj = _asset_object(self.tx, coll, o["id"], o["category"], o["seed"], o["params"], o["materials"],
                            self.graph["params"].get("detail", 1.0))
        obj.location = o["location"]
        obj.rotation_euler = (0.0, 0.0, o["rotation_z"])
        obj["conjure_id"] = o["id"]
        obj["conjure_support"] = json.dumps(o["support"])

    @_in_graph_edition
    def _add_scatter(self, coll, sc):
        """Thousands of instances of a few variant meshes (with the entry's ``materials`` when it has them: grass
        takes the turf's colours): the variants live in their own collection (linked nowhere, used by the node tree), one point cloud carries position, yaw, scale and variant per instance,
        and a geometry-nodes modifier instances the variants on its points. Every datablock is recorded."""
        tx = self.tx
        variants = tx.add(bpy.data.collections.new(f"{sc['id']} variants"))
        for k, vseed in enumerate(sc["variants"]):
            asset, _full = generate(registry(), sc["category"], vseed, detail_level=min(1.0, self.graph["params"].get("detail", 1.0)))
            obj = tx.add(bpy.data.objects.new(f"{sc['id']}_variant_{k}",
                                              mesh_to_blender(f"{sc['id']}_variant_{k}", asset.mesh, tx,
                                                              sc.get("materials") or asset.materials)))
            variants.objects.link(obj)
        pts = np.asarray(sc["points"], np.float64).reshape(-1, 6)
        me = tx.add(bpy.data.meshes.new(f"{sc['id']}_points"))
        me.vertices.add(len(pts))
        me.vertices.foreach_set("co", pts[:, :3].astype(np.float32).ravel())
        rot = np.zeros((len(pts), 3), np.float32)
        rot[:, 2] = pts[:, 3]
        for name, kind, field, data in (("conjure_variant", "INT", "value", pts[:, 5].astype(np.int32)),
                                        ("conjure_scale", "FLOAT", "value", pts[:, 4].astype(np.float32)),
                                        ("conjure_rotation", "FLOAT_VECTOR", "vector", rot.ravel())):
            me.attributes.new(name, kind, "POINT").data.foreach_set(field, data)
        me.update()
        ng = tx.add(_scatter_nodes(f"{sc['id']} scatter", variants))
        obj = tx.add(bpy.data.objects.new(sc["id"], me))
        coll.objects.link(obj)
        obj.modifiers.new("scatter", "NODES").node_group = ng
        obj["conjure_category"] = sc["category"]
        obj["conjure_instances"] = len(pts)

    def _add_light(self, coll, li):
        data = self.tx.add(bpy.data.lights.new(li["name"], li["type"]))
        data.energy = li["energy"]
        data.color = li["color"]
        if li["type"] == "SUN":
            data.angle = li.get("angle", 0.02)
        if li["type"] == "AREA":
            data.shape = "RECTANGLE"
            data.size, data.size_y = li["size"]
        if li["type"] == "POINT":
            data.shadow_soft_size = li.get("radius", 0.05)
        obj = self.tx.add(bpy.data.objects.new(li["name"], data))
        coll.objects.link(obj)
        if "location" in li:
            obj.location = li["location"]
        _look(obj, li["direction"])

    def _add_camera(self, coll, c):
        data = self.tx.add(bpy.data.cameras.new(c["name"]))
        data.lens, data.sensor_width, data.sensor_fit = c["lens"], c["sensor"], "HORIZONTAL"
        data.clip_start = 0.05
        data.clip_end = 500.0
        obj = self.tx.add(bpy.data.objects.new(c["name"], data))
        coll.objects.link(obj)
        obj.location = c["location"]
        _look(obj, Vector(c["target"]) - Vector(c["location"]))
        if self.camera_name is None:
            self.camera_name = obj.name

    def _add_world(self, coll, w):
        world = self.tx.add(bpy.data.worlds.new(f"Conjure {self.graph['type']} sky"))
        if world.node_tree is None:
            world.use_nodes = True
        nodes, links = world.node_tree.nodes, world.node_tree.links
        bg = nodes.get("Background") or nodes.new("ShaderNodeBackground")
        bg.inputs["Color"].default_value = (*w["color"], 1.0)
        bg.inputs["Strength"].default_value = w["strength"]
        if w.get("sky"):  # Blender's physical sky, its sun where the scene's SUN light comes from
            sky = nodes.new("ShaderNodeTexSky")
            for t in ("NISHITA", "SINGLE_SCATTERING", "MULTIPLE_SCATTERING"):
                try:
                    sky.sky_type = t
                    break
                except TypeError:
                    continue
            sky.sun_elevation, sky.sun_rotation = w["sky"]["sun_elevation"], w["sky"]["sun_rotation"]
            if hasattr(sky, "sun_disc"):
                sky.sun_disc = False  # the SUN light casts the sharp shadows; the disc would double the sun
            links.new(sky.outputs["Color"], bg.inputs["Color"])
            bg.inputs["Strength"].default_value = w["sky"]["strength"]
        out = nodes.get("World Output") or nodes.new("ShaderNodeOutputWorld")
        if not out.inputs["Surface"].is_linked:
            links.new(bg.outputs["Background"], out.inputs["Surface"])
        self.world_name = world.name

    def finish(self, scene) -> dict:
        """Link the built collection into ``scene``; its first camera and its sky become the scene's, and the
        graph's render settings (Cycles, square image, exposure) the scene's, so F12 shows the framed shot."""
        coll = self.tx.get("collections", self.collection_name)
        apply_render_settings(scene, self.graph)
        scene.collection.children.link(coll)
        coll.use_fake_user = False
        if self.camera_name:
            scene.camera = self.tx.get("objects", self.camera_name)
        if self.world_name:
            scene.world = self.tx.get("worlds", self.world_name)
        self.tx.commit()
        for vl in scene.view_layers:
            vl.update()
        return {"message": f"built {coll.name}: {len(self.graph['objects'])} objects", "object_name": "",
                "collection_name": coll.name}

    def rollback(self) -> None:
        self.tx.rollback()


def apply_render_settings(scene, graph) -> None:
    """The settings Conjure's own renders use (``render.render_settings``) plus the graph's exposure."""
    from .render import render_settings
    r = {"engine": "CYCLES", "size": 512, "samples": 64, "denoise": True, "exposure": 0.0, **graph.get("render", {})}
    render_settings(scene, engine=r["engine"], size=r["size"], samples=r["samples"], denoise=r["denoise"])
    scene.view_settings.exposure = r["exposure"]
    if r["engine"] == "CYCLES":
        scene.cycles.max_bounces = 6
        scene.cycles.sample_clamp_indirect = 10.0


METER_KEY = 0.18
"""Log-average scene-linear luminance a metered frame is exposed to (mid-grey) ..."""
METER_HIGHLIGHT = (95, 1.0)
"""... unless that pushes this percentile of the frame's luminance past this value (AgX's shoulder: white walls
and a sunlit table would read as burnt), whichever exposure is lower."""
METER_RANGE = (-4.0, 4.0)


def meter_exposure(scene, *, size: int = 32, samples: int = 4, key: float = METER_KEY) -> float:
    """Choose ``scene``'s exposure from what its camera sees: a tiny, low-sample Cycles test render at exposure 0,
    its log-average luminance, and the exposure (stops, in ``METER_RANGE``, to 0.05) that brings it to ``key``
    or its highlights (``METER_HIGHLIGHT``) to the shoulder, whichever is lower.
    Sets ``scene.view_settings.exposure`` and ``scene["conjure_exposure"]`` and returns it. Takes 1-2 s on a
    2-core CPU (scene sync dominates), so headless renders call it, never a UI timer tick. Every render setting
    it touches is put back, and its temporary file is removed."""
    import math
    import os
    import tempfile

    from .render import stdout_to_stderr
    r, c, im_s = scene.render, scene.cycles, scene.render.image_settings
    saved = {"engine": r.engine, "rx": r.resolution_x, "ry": r.resolution_y, "pct": r.resolution_percentage,
             "samples": c.samples, "denoise": c.use_denoising, "adaptive": c.use_adaptive_sampling,
             "fmt": im_s.file_format, "depth": im_s.color_depth, "mode": im_s.color_mode,
             "media": getattr(im_s, "media_type", None), "exposure": scene.view_settings.exposure}
    tmp = tempfile.mkdtemp(prefix="conjure-meter-")
    path = os.path.join(tmp, "meter.exr")
    img = None
    try:
        r.engine = "CYCLES"
        r.resolution_x = r.resolution_y = size
        r.resolution_percentage = 100
        c.samples, c.use_denoising, c.use_adaptive_sampling = samples, False, False
        scene.view_settings.exposure = 0.0
        with stdout_to_stderr():
            bpy.ops.render.render(scene=scene.name)
        if saved["media"] is not None:  # Blender 5.0 lists single-layer EXR under the image media type only
            im_s.media_type = "IMAGE"
        im_s.file_format, im_s.color_depth, im_s.color_mode = "OPEN_EXR", "32", "RGB"
        bpy.data.images["Render Result"].save_render(path, scene=scene)
        img = bpy.data.images.load(path)
        px = np.asarray(img.pixels[:], np.float64).reshape(-1, img.channels)[:, :3]
    finally:
        if img is not None:
            bpy.data.images.remove(img)
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(tmp)
        r.engine, r.resolution_x, r.resolution_y, r.resolution_percentage = saved["engine"], saved["rx"], saved["ry"], saved["pct"]
        c.samples, c.use_denoising, c.use_adaptive_sampling = saved["samples"], saved["denoise"], saved["adaptive"]
        if saved["media"] is not None:
            im_s.media_type = saved["media"]
        im_s.file_format, im_s.color_depth, im_s.color_mode = saved["fmt"], saved["depth"], saved["mode"]
        scene.view_settings.exposure = saved["exposure"]
    lum = px @ np.array([0.2126, 0.7152, 0.0722])
    log_avg = float(np.exp(np.mean(np.log(np.maximum(lum, 0.0) + 1e-4))))
    pct, limit = METER_HIGHLIGHT
    high = float(np.percentile(lum, pct))
    ev = min(math.log2(key / max(log_avg, 1e-6)), math.log2(limit / max(high, 1e-6)))
    ev = min(max(ev, METER_RANGE[0]), METER_RANGE[1])
    ev = round(round(ev / 0.05) * 0.05, 2)
    scene.view_settings.exposure = ev
    scene["conjure_exposure"] = ev
    return ev


def build_scene(scene, graph, collection_name=None):
    """Materialize a scene graph in a new collection of ``scene`` in one go (scripts, CLI); returns the
    collection. All or nothing."""
    build = SceneBuild(graph, collection_name=collection_name)
    try:
        while not build.step(scene):
            pass
        build.finish(scene)
    except BaseException:
        build.rollback()
        raise
    return bpy.data.collections[build.collection_name]
