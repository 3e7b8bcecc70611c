"""Headless Blender steps for the CLI: import a result, frame it, render a preview, save the .blend."""
from __future__ import annotations

import math
import os

import bpy
from mathutils import Vector

from .mesh.import_blender import import_result


def frame_and_light(scene, obj, size: int = 256, samples: int = 16) -> None:
    """Add a camera that frames ``obj`` (or a list of objects), a sun and a soft world, and set Cycles (CPU)
    for a quick render."""
    objects = obj if isinstance(obj, (list, tuple)) else [obj]
    bpy.context.view_layer.update()
    corners = [o.matrix_world @ Vector(c) for o in objects for c in o.bound_box]
    lo = Vector(min(c[i] for c in corners) for i in range(3))
    hi = Vector(max(c[i] for c in corners) for i in range(3))
    center, radius = (lo + hi) / 2, max((hi - lo).length / 2, 1e-3)
    cam_data = bpy.data.cameras.new("ConjureCamera")
    cam_data.lens = 50
    cam = bpy.data.objects.new("ConjureCamera", cam_data)
    scene.collection.objects.link(cam)
    fov = 2 * math.atan(cam_data.sensor_width / (2 * cam_data.lens))
    dist = radius / math.sin(fov / 2) * 1.1
    direction = Vector((0.55, -1.0, 0.45)).normalized()
    cam.location = center + direction * dist
    cam.rotation_euler = (center - cam.location).to_track_quat("-Z", "Y").to_euler()
    scene.camera = cam
    sun_data = bpy.data.lights.new("ConjureSun", "SUN")
    sun_data.energy = 3.0
    sun = bpy.data.objects.new("ConjureSun", sun_data)
    sun.rotation_euler = (math.radians(40), math.radians(10), math.radians(30))
    scene.collection.objects.link(sun)
    if scene.world is None:
        scene.world = bpy.data.worlds.new("ConjureWorld")
    scene.world.use_nodes = True
    bg = scene.world.node_tree.nodes.get("Background")
    if bg is not None:
        bg.inputs["Color"].default_value = (0.45, 0.5, 0.6, 1.0)
        bg.inputs["Strength"].default_value = 0.8
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.cycles.use_denoising = False
    scene.render.resolution_x = scene.render.resolution_y = size
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "PNG"


def _import_generated(scene, result: dict, spec) -> list:
    """Every candidate of a generate result, side by side in one collection (as the panel does)."""
    from .mesh.import_blender import JobImport

    job = JobImport(result, name=spec.name, job_id=str(result.get("job_id") or spec.name))
    try:
        while not job.step(scene):
            pass
        return job.finish(scene)
    except Exception:
        job.rollback()
        raise


def import_and_save(result: dict, spec, *, blend: str | None, render: str | None, samples: int = 16,
                    size: int = 256) -> dict:
    """Import the job's result into a fresh scene, then render and/or save. Returns the written paths."""
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    if spec.type == "generate":
        frame_and_light(scene, _import_generated(scene, result, spec), size=size, samples=samples)
    else:
        obj = import_result(scene, result["paths"]["glb"], name=spec.name,
                            texture_path=result["paths"].get("texture"),
                            custom_props={"conjure_spec": spec.to_json()})
        frame_and_light(scene, obj, size=size, samples=samples)
    written = {}
    if render:
        scene.render.filepath = os.path.abspath(render)
        bpy.ops.render.render(write_still=True)
        written["render"] = os.path.abspath(render)
    if blend:
        bpy.ops.wm.save_as_mainfile(filepath=os.path.abspath(blend), check_existing=False)
        written["blend"] = os.path.abspath(blend)
    return written
