"""Rendering: frame objects with a camera, light them, choose Cycles or Workbench, render to a file.

Used by the CLI's ``--render`` and ``--blend`` flags and by headless batch scripts; the dataset renderer builds on it.
Blender prints per-tile progress on the process' stdout; ``render_to_file`` sends it to stderr so that a CLI's
stdout carries only its result.
"""
from __future__ import annotations

import contextlib
import math
import os
import sys

import bpy
from mathutils import Vector

ENGINES = ("CYCLES", "WORKBENCH")


def bounds(objects) -> tuple[Vector, Vector]:
    """World-space (lo, hi) corners of the objects' bounding boxes."""
    bpy.context.view_layer.update()
    corners = [o.matrix_world @ Vector(c) for o in objects for c in o.bound_box]
    if not corners:
        return Vector((-1, -1, 0)), Vector((1, 1, 1))
    lo = Vector(min(c[i] for c in corners) for i in range(3))
    hi = Vector(max(c[i] for c in corners) for i in range(3))
    return lo, hi


def add_camera(scene, objects, *, lens: float = 50.0, direction=(0.55, -1.0, 0.45), name: str = "ConjureCamera"):
    """A camera that frames ``objects`` from ``direction`` (square image), made the scene's camera."""
    lo, hi = bounds(objects)
    center, radius = (lo + hi) / 2, max((hi - lo).length / 2, 1e-3)
    cam_data = bpy.data.cameras.new(name)
    cam_data.lens = lens
    cam = bpy.data.objects.new(name, cam_data)
    scene.collection.objects.link(cam)
    fov = 2 * math.atan(cam_data.sensor_width / (2 * cam_data.lens))
    dist = radius / math.sin(fov / 2) * 1.1
    cam.location = center + Vector(direction).normalized() * dist
    cam.rotation_euler = (center - cam.location).to_track_quat("-Z", "Y").to_euler()
    cam_data.clip_start, cam_data.clip_end = max(dist - 2 * radius, 1e-3) * 0.5, dist + 4 * radius
    scene.camera = cam
    return cam


def add_studio_light(scene, *, energy: float = 3.0, sky=(0.45, 0.5, 0.6), strength: float = 0.8) -> None:
    """A sun and a soft uniform sky."""
    sun_data = bpy.data.lights.new("ConjureSun", "SUN")
    sun_data.energy = energy
    sun = bpy.data.objects.new("ConjureSun", sun_data)
    sun.rotation_euler = (math.radians(40), math.radians(10), math.radians(30))
    scene.collection.objects.link(sun)
    if scene.world is None:
        scene.world = bpy.data.worlds.new("ConjureWorld")
    if scene.world.node_tree is None:
        scene.world.use_nodes = True
    bg = scene.world.node_tree.nodes.get("Background")
    if bg is not None:
        bg.inputs["Color"].default_value = (*sky, 1.0)
        bg.inputs["Strength"].default_value = strength


def render_settings(scene, *, engine: str = "CYCLES", size: int = 256, samples: int = 16, denoise: bool = False,
                    device: str = "CPU") -> None:
    """Square PNG output at ``size`` pixels; Cycles (``samples``, adaptive, optional denoising) or Workbench."""
    if engine not in ENGINES:
        raise ValueError(f"render engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    scene.render.engine = "BLENDER_WORKBENCH" if engine == "WORKBENCH" else "CYCLES"
    if engine == "CYCLES":
        scene.cycles.device = device
        scene.cycles.samples = samples
        scene.cycles.use_adaptive_sampling = True
        scene.cycles.use_denoising = denoise
    else:
        scene.display.shading.light = "STUDIO"
        scene.display.shading.color_type = "TEXTURE"
    scene.render.resolution_x = scene.render.resolution_y = size
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "PNG"


def frame_and_light(scene, obj, size: int = 256, samples: int = 16, engine: str = "CYCLES") -> None:
    """Camera framing ``obj`` (or a list of objects), a sun and a soft sky, and quick render settings."""
    objects = obj if isinstance(obj, (list, tuple)) else [obj]
    add_camera(scene, objects)
    add_studio_light(scene)
    render_settings(scene, engine=engine, size=size, samples=samples)


@contextlib.contextmanager
def stdout_to_stderr():
    """Send what Blender's C code prints on file descriptor 1 to descriptor 2 while the block runs."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def render_to_file(scene, path: str) -> str:
    """Render ``scene``'s camera to the PNG ``path`` (Blender's console output goes to stderr)."""
    path = os.path.abspath(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    scene.render.filepath = path
    with stdout_to_stderr():
        bpy.ops.render.render(write_still=True, scene=scene.name)
    return path


def save_blend(path: str) -> str:
    path = os.path.abspath(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with stdout_to_stderr():
        bpy.ops.wm.save_as_mainfile(filepath=path, check_existing=False)
    return path


def import_and_save(result: dict, spec, *, blend: str | None, render: str | None, samples: int = 16,
                    size: int = 256) -> dict:
    """Import a job's result into a fresh scene (the job type's importer), then render and/or save."""
    from .importers import import_now

    with stdout_to_stderr():
        bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    done = import_now(result, spec.to_json(), scene, name=spec.name,
                      job_id=str(result.get("job_id") or spec.name))
    objects = [o for o in scene.objects if o.type == "MESH"] if done else []
    written = {}
    if objects:
        frame_and_light(scene, objects, size=size, samples=samples)
    if render:
        written["render"] = render_to_file(scene, render)
    if blend:
        written["blend"] = save_blend(blend)
    return written
