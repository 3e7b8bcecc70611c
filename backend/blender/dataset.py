"""The Blender side of a dataset shard: build the scene, fly the camera, render, and turn one render's passes
into per-frame ground truth files.

Passes come from the same Cycles render as the RGB (view-layer passes Depth, Normal, IndexOB, Vector written
with the Combined image as one multilayer OpenEXR, read back with the ``OpenEXR`` package):

* depth — Cycles' Depth pass: **z-depth** (distance along the camera's viewing axis, metres; 0 = no surface);
* normal — Cycles' Normal pass (world space) rotated into **camera space, OpenGL axes** (+X right, +Y up,
  +Z towards the viewer: visible surfaces have z > 0); 0 = no surface;
* instance — IndexOB: each object's ``pass_index`` is its instance id (1.. in scene-graph order: objects,
  then structure); 0 = background;
* flow — **forward** optical flow to the next frame in pixels (+u right, +v down) from Cycles' Vector pass
  (camera and object motion between this frame and the next; motion blur off); where no surface is hit (sky,
  background) the flow of points at infinity under the camera's rotation (the Vector pass has 0 there).

The RGB is Combined through Blender's view transform (``look`` RENDER) at an exposure metered once per scene
(recorded in each view's frame record and in the scene's graph.json), or for the preview preset (``look``
STUDIO: 1 sample, 0 bounces) each surface's albedo under a fixed studio light, computed from the same render's
albedo and normal passes (Workbench, which has no such passes, is not used: one render per frame, always).
All files are written atomically; rendering is deterministic (fixed Cycles seed, CPU), so a shard rendered
twice writes the same bytes.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile

import bpy
import numpy as np
from mathutils import Euler, Matrix

from ..dataset.camera import intrinsics, trajectory, visible_fraction
from ..dataset.passes import ground_truth, studio_rgb
from ..dataset.spec import DatasetSpec, Shard, label_map
from ..files import atomic_write
from ..procgen.plan import plan
from .procgen import build_scene, meter_exposure
from .render import stdout_to_stderr

SENSOR_MM = 36.0


# --------------------------------------------------------------------- set-up
def new_scene():
    with stdout_to_stderr():
        bpy.ops.wm.read_factory_settings(use_empty=True)
    return bpy.context.scene


def setup_render(scene, spec: DatasetSpec) -> None:
    """Render settings from the spec (Cycles on the CPU, fixed seed) and the ground-truth passes on the view
    layer."""
    r = spec.render
    scene.render.engine = "CYCLES"
    scene.render.resolution_x, scene.render.resolution_y = spec.width, spec.height
    scene.render.resolution_percentage = 100
    scene.render.use_motion_blur = False
    scene.render.threads_mode = "AUTO"
    # Cycles keeps the synced scene and its BVH from one frame's render to the next (only the cameras and
    # spinning objects change): about 1 CPU-second of a 512x512 room frame's 10 (BENCHMARKS.md)
    scene.render.use_persistent_data = True
    scene.view_settings.view_transform = "AgX"  # the RGB PNG is Blender's own display transform of Combined
    scene.view_settings.look = "None"
    _image_format(scene.render.image_settings, "OPEN_EXR_MULTILAYER")
    scene.render.image_settings.color_depth = "32"
    scene.render.image_settings.exr_codec = "NONE"  # a temporary file: no time spent compressing
    c = scene.cycles
    c.device = "CPU"
    c.seed, c.use_animated_seed = r.seed, False
    c.samples = r.samples
    c.use_adaptive_sampling = r.adaptive_threshold > 0
    c.adaptive_threshold = r.adaptive_threshold
    c.use_denoising = r.denoise
    c.denoiser = "OPENIMAGEDENOISE"
    c.denoising_prefilter = r.denoise_prefilter
    c.use_light_tree = r.light_tree
    c.max_bounces = r.max_bounces
    c.diffuse_bounces = c.glossy_bounces = min(r.max_bounces, c.diffuse_bounces)
    c.transmission_bounces = c.volume_bounces = min(r.max_bounces, 4)
    c.transparent_max_bounces = max(r.max_bounces, 4)
    vl = scene.view_layers[0]
    vl.use_pass_z = vl.use_pass_normal = vl.use_pass_object_index = vl.use_pass_vector = True
    vl.cycles.denoising_store_passes = r.look == "STUDIO"  # the albedo the preview look shades


def _image_format(settings, fmt: str) -> None:
    """Set the output format (Blender 5.0 lists multilayer EXR only under the multilayer media type)."""
    if hasattr(settings, "media_type"):
        settings.media_type = "MULTI_LAYER_IMAGE" if fmt == "OPEN_EXR_MULTILAYER" else "IMAGE"
    settings.file_format = fmt


def instance_table(graph) -> list[dict]:
    """Instance id (index + 1) -> scene-graph entry: objects first, then structure."""
    labels = label_map()
    out = []
    for kind, items in (("object", graph["objects"]), ("structure", graph["structure"])):
        for it in items:
            cat = it["category"] if it["category"] in labels else "other"
            out.append({"instance_id": len(out) + 1, "id": it["id"], "category": it["category"],
                        "category_id": labels.index(cat), "kind": kind})
    return out


def build(spec: DatasetSpec, seed: int):
    """Fresh file, the scene built, instance ids set, the cameras flown along the trajectory, and (for the RENDER
    look) the exposure metered: a tiny low-sample render through the main camera at frame 0 with the spec's
    bounces and Cycles seed (``meter_exposure``), so the same spec and seed give the same exposure in every
    shard; it is kept in ``graph["render"]["exposure"]``. Returns (scene, graph, instances, main camera poses,
    {view name: camera object name})."""
    scene = new_scene()
    graph = plan(spec.scene_type, seed, spec.scene_params, edition=spec.factory_edition)
    coll = build_scene(scene, graph)
    instances = instance_table(graph)
    by_id = {o.get("conjure_id"): o for o in coll.all_objects}
    for inst in instances:
        by_id[inst["id"]].pass_index = inst["instance_id"]
    if spec.object_spin:
        _spin(graph, by_id, spec.frames + 1, np.radians(spec.object_spin))
    poses = trajectory(graph, spec.frames, spec.trajectory, seed, spec.arc_degrees)
    lens = graph["cameras"][0]["lens"]
    cams = {"main": _camera(scene, "DatasetCamera", lens, poses)}
    if spec.stereo_baseline > 0:
        off = Matrix.Translation((spec.stereo_baseline, 0, 0))
        cams["right"] = _camera(scene, "DatasetRight", lens, [np.array(Matrix(p.tolist()) @ off) for p in poses])
    for k in range(spec.quilt_views):
        cams[f"quilt_{k:02d}"] = _camera(scene, f"DatasetQuilt{k}", lens, _quilt(poses, graph, k, spec.quilt_views))
    setup_render(scene, spec)
    if spec.render.look == "RENDER":  # 2. Exposure metered once per scene through the first frame's view
        scene.camera = bpy.data.objects[cams["main"]]
        scene.frame_set(1)
        graph["render"]["exposure"] = meter_exposure(scene)
    return scene, graph, instances, poses, cams


def fcurves(obj):
    """The F-curves of ``obj``'s action: in the channel bag of its action slot since Blender 4.4 (5.0 has no
    ``Action.fcurves``), on the action before."""
    ad = obj.animation_data
    try:
        from bpy_extras.anim_utils import action_get_channelbag_for_slot
    except ImportError:  # Blender 4.2, 4.3
        return ad.action.fcurves
    return action_get_channelbag_for_slot(ad.action, ad.action_slot).fcurves


def _spin(graph, by_id, frames, step):
    """Small objects (standing on another object) turn ``step`` radians per frame about their vertical axis."""
    for o in graph["objects"]:
        if not isinstance(o["support"], dict):
            continue
        obj = by_id[o["id"]]
        for i in range(frames):
            obj.rotation_euler.z = o["rotation_z"] + step * i
            obj.keyframe_insert("rotation_euler", index=2, frame=i + 1)
        for fc in fcurves(obj):
            for kp in fc.keyframe_points:
                kp.interpolation = "LINEAR"


def _quilt(poses, graph, k, n, spread_deg=30.0):
    """View k of n: the main camera turned about the vertical axis through the scene's centre (the point the
    orbit and walk paths look at), on an arc ``spread_deg`` wide."""
    from ..dataset.camera import scene_centre
    c = scene_centre(graph)
    out = []
    a = np.radians(spread_deg) * (k / (n - 1) - 0.5)
    rot = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    for p in poses:
        m = p.copy()
        m[:3, :3] = rot @ p[:3, :3]
        m[:3, 3] = c + rot @ (p[:3, 3] - c)
        out.append(m)
    return out


def _camera(scene, name, lens, poses):
    data = bpy.data.cameras.new(name)
    data.lens, data.sensor_width, data.sensor_fit = lens, SENSOR_MM, "HORIZONTAL"
    data.clip_start, data.clip_end = 0.05, 500.0
    cam = bpy.data.objects.new(name, data)
    scene.collection.objects.link(cam)
    for i, m in enumerate(poses):  # frame i of the dataset is Blender frame i + 1
        cam.matrix_world = Matrix(m.tolist())
        cam.keyframe_insert("location", frame=i + 1)
        cam.keyframe_insert("rotation_euler", frame=i + 1)
    for fc in fcurves(cam):
        for kp in fc.keyframe_points:
            kp.interpolation = "LINEAR"
    return cam.name


# --------------------------------------------------------------------- rendering and reading passes
def render_exr(scene, path: str) -> dict:
    """Render the current frame to a multilayer EXR and read it back: pass name -> Float[H, W(, C)]."""
    import OpenEXR
    scene.render.filepath = path
    with stdout_to_stderr():
        bpy.ops.render.render(write_still=True, scene=scene.name)
    out = {}
    alias = {"Object Index": "IndexOB"}  # Blender 5.0's name
    with OpenEXR.File(path, separate_channels=True) as f:
        for part in f.parts:  # Blender 5.0 writes one part per pass, 4.x one part
            for name, c in part.channels.items():
                _layer, pas, comp = name.split(".")
                out.setdefault(alias.get(pas, pas), {})[comp] = np.array(c.pixels, np.float32)
    os.unlink(path)
    order = {"Combined": "RGB", "Normal": "XYZ", "Vector": "XYZW", "Depth": "Z", "IndexOB": "X",
             "Denoising Albedo": "RGB"}
    return {p: np.stack([out[p][c] for c in order[p]], -1) if len(order[p]) > 1 else out[p][order[p]]
            for p in order if p in out}


def display_rgb(scene, tmp: str) -> np.ndarray:
    """The last render's Combined through the scene's view transform (AgX), as UInt8[H, W, 3]: Blender's
    ``save_render``, read back with PIL (the PNG is then written again without Blender's metadata, whose date
    and render time would change the bytes)."""
    from PIL import Image
    s = scene.render.image_settings
    saved = (s.color_depth, s.color_mode)
    path = os.path.join(tmp, "rgb.png")
    try:
        _image_format(s, "PNG")
        s.color_mode, s.color_depth = "RGB", "8"
        bpy.data.images["Render Result"].save_render(path, scene=scene)
    finally:
        _image_format(s, "OPEN_EXR_MULTILAYER")
        s.color_depth, s.color_mode = saved
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


# --------------------------------------------------------------------- writing
def _npy(a) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


def _png(a) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    img = Image.fromarray(a) if a.dtype == np.uint8 else Image.fromarray(a.astype(np.uint16))
    img.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()


class Writer:
    """Atomic files under the dataset folder; remembers each one's size and SHA-256 for the manifest."""

    def __init__(self, root: str):
        self.root, self.files = root, {}

    def write(self, rel: str, data: bytes) -> str:
        atomic_write(os.path.join(self.root, rel), data)
        self.files[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        return rel


def boxes_2d(inst: np.ndarray, iid: int):
    ys, xs = np.nonzero(inst == iid)
    if not len(xs):
        return None, 0
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1], int(len(xs))


def amodal_box(obj, K, c2w, width, height):
    """Box (x0, y0, x1, y1) of every vertex projected (occluded parts included), clipped to the image;
    None if the object is entirely behind the camera or off screen."""
    from ..dataset.camera import project
    me = obj.data
    co = np.empty(len(me.vertices) * 3, np.float32)
    me.vertices.foreach_get("co", co)
    mw = np.array(obj.matrix_world)
    world = co.reshape(-1, 3) @ mw[:3, :3].T + mw[:3, 3]
    uv, z = project(K, c2w, world)
    uv = uv[z > 0.05]
    if not len(uv):
        return None
    x0, y0 = np.clip(uv.min(0), 0, [width, height])
    x1, y1 = np.clip(uv.max(0), 0, [width, height])
    if x1 <= x0 or y1 <= y0:
        return None
    return [round(float(v), 3) for v in (x0, y0, x1, y1)]


def box_3d(obj):
    """Object-to-world matrix and the mesh's local extents (lo, hi): the 3D box is lo..hi in object space."""
    bb = np.array([list(c) for c in obj.bound_box])
    return {"matrix_world": [[round(float(v), 6) for v in row] for row in obj.matrix_world],
            "extents_lo": [round(float(v), 6) for v in bb.min(0)],
            "extents_hi": [round(float(v), 6) for v in bb.max(0)]}


def camera_at(cam, frame: int) -> np.ndarray:
    """Float[4, 4] camera-to-world of a keyframed camera at Blender frame ``frame`` (its F-curves evaluated,
    as the depsgraph would, without moving the scene to that frame)."""
    curves = {(fc.data_path, fc.array_index): fc for fc in fcurves(cam)}
    loc = [curves["location", i].evaluate(frame) for i in range(3)]
    rot = Euler([curves["rotation_euler", i].evaluate(frame) for i in range(3)], cam.rotation_mode)
    return np.array(Matrix.LocRotScale(loc, rot, None))


def render_view(scene, spec, writer, name, frame, cam_name, view, instances, lut, lens, objects):
    """Render one camera at one frame; write its files; return its frame record."""
    scene.camera = bpy.data.objects[cam_name]
    scene.frame_set(frame + 1)
    c2w = np.array(scene.camera.matrix_world)
    K = intrinsics(lens, SENSOR_MM, spec.width, spec.height)
    stem = f"{frame:06d}"
    prefix = f"scenes/{name}/" + ("" if view == "main" else f"{view}/")
    with tempfile.TemporaryDirectory(prefix="conjure-exr-") as tmp:  # 1. one render: RGB and every pass
        passes = render_exr(scene, os.path.join(tmp, "frame.exr"))
        rgb = display_rgb(scene, tmp) if spec.render.look == "RENDER" else None
    gt = ground_truth(passes, c2w, lut, K=K, c2w_next=camera_at(scene.camera, frame + 2))
    if rgb is None:
        rgb = studio_rgb(passes["Denoising Albedo"], gt["normal"], gt["depth"] > 0)
    files = {}
    if "rgb" in spec.passes:
        files["rgb"] = writer.write(f"{prefix}rgb/{stem}.png", _png(rgb))
    for p, ext in (("depth", "npy"), ("normal", "npy"), ("instance", "npy"), ("flow", "npy"), ("semantic", "png")):
        if p in spec.passes:
            files[p] = writer.write(f"{prefix}{p}/{stem}.{ext}", _npy(gt[p]) if ext == "npy" else _png(gt[p]))
    rec = {"frame": frame, "view": view, "files": files,
           "camera": {"K": K.round(6).tolist(), "c2w": c2w.round(6).tolist(), "lens_mm": lens,
                      "sensor_mm": SENSOR_MM, "width": spec.width, "height": spec.height},
           "exposure": round(float(scene.view_settings.exposure), 2)}
    if "boxes" in spec.passes:
        objs = []
        for inst in instances:
            obj = objects[inst["id"]]
            vis, pixels = boxes_2d(gt["instance"], inst["instance_id"])
            objs.append({**inst, "pixels": pixels, "bbox_visible": vis,
                         "bbox_amodal": amodal_box(obj, K, c2w, spec.width, spec.height), **box_3d(obj)})
        rec["objects"] = objs
    return rec


def render_shard(spec: DatasetSpec, shard: Shard, progress=lambda frame: None) -> dict:
    """Build shard.seed's scene and render frames [shard.start, shard.stop) of every view; write the files and
    the shard record ``shards/<id>.json`` (last, atomically: its presence means the shard is complete)."""
    # 1. Build the scene and the cameras
    scene, graph, instances, poses, cams = build(spec, shard.seed)
    writer = Writer(spec.output_dir)
    name = spec.scene_name(shard.seed)
    lut = np.array([0] + [i["category_id"] for i in instances], np.int32)
    objects = {o.get("conjure_id"): o for o in scene.objects if o.get("conjure_id")}
    lens = graph["cameras"][0]["lens"]
    if shard.start == 0:  # 2. Per-scene files, written by the scene's first shard
        writer.write(f"scenes/{name}/graph.json", json.dumps(graph, indent=1, sort_keys=True).encode())
        for fmt in spec.export:
            export_scene(scene, fmt, writer, f"scenes/{name}/{name}")
    # 3. Frames
    frames = []
    for frame in range(shard.start, shard.stop):
        views = [render_view(scene, spec, writer, name, frame, cam, view, instances, lut, lens, objects)
                 for view, cam in cams.items()]
        frames.append({"frame": frame, "scene": name, "seed": shard.seed, "views": views,
                       "visible_fraction": round(visible_fraction(graph, poses[frame], lens), 4)})
        writer.write(f"scenes/{name}/frames/{frame:06d}.json", json.dumps(frames[-1], sort_keys=True).encode())
        progress(frame)
    # 4. The shard record, last
    record = {"shard": shard.id, "seed": shard.seed, "scene": name, "start": shard.start, "stop": shard.stop,
              "files": dict(sorted(writer.files.items())), "blender": bpy.app.version_string}
    atomic_write(os.path.join(spec.output_dir, "shards", f"{shard.id}.json"),
                 json.dumps(record, indent=1, sort_keys=True).encode())
    return record


def export_scene(scene, fmt: str, writer: Writer, stem: str) -> None:
    """The built scene through Blender's own exporters (USD or glTF binary), written atomically."""
    with tempfile.TemporaryDirectory(prefix="conjure-export-") as tmp:
        if fmt == "usd":
            path = os.path.join(tmp, "scene.usdc")
            with stdout_to_stderr():
                bpy.ops.wm.usd_export(filepath=path, export_animation=False, selected_objects_only=False)
            rel = f"{stem}.usdc"
        else:
            path = os.path.join(tmp, "scene.glb")
            with stdout_to_stderr():
                bpy.ops.export_scene.gltf(filepath=path, export_format="GLB", use_selection=False,
                                          export_animations=False, export_cameras=True, export_lights=True)
            rel = f"{stem}.glb"
        with open(path, "rb") as f:
            writer.write(rel, f.read())
