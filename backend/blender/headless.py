"""Blender steps of the headless CLI: a fresh scene, a procedural asset or scene built, rendered and saved.

Importing this module needs bpy (Blender as a module, or ``blender -b``); the CLI imports it only when asked
for Blender outputs, and turns an ImportError into a one-line usage error.
"""
from __future__ import annotations

import os

import bpy

from .procgen import add_asset, build_scene, meter_exposure
from .render import add_studio_light, frame_and_light, render_settings, render_to_file, save_blend, stdout_to_stderr


def new_scene():
    """An empty file (factory settings, no objects); Blender's console output goes to stderr."""
    with stdout_to_stderr():
        bpy.ops.wm.read_factory_settings(use_empty=True)
    return bpy.context.scene


def asset_file(category, seed, params, out_dir: str, *, render: str | None, size: int, samples: int,
               **budget) -> dict:
    """One asset in a fresh file, optionally rendered through a framing camera; saved as a .blend. ``budget``:
    ``detail_level`` and ``max_triangles`` (see ``backend.procgen.registry.generate``)."""
    scene = new_scene()
    obj = add_asset(scene, category, seed, params, **budget)
    out = {"object": obj.name, "params": obj["conjure_params"]}
    if render:
        frame_and_light(scene, [obj], size=size, samples=samples)
        out["render"] = render_to_file(scene, render)
    out["blend"] = save_blend(os.path.join(out_dir, f"{category}_{seed}.blend"))
    return out


def scene_file(graph: dict, out_dir: str, stem: str, *, render: str | None, size: int, samples: int) -> dict:
    """A scene graph built in a fresh file, its exposure metered through its own camera, optionally rendered
    with it; saved as a .blend (F12 shows the same exposure)."""
    scene = new_scene()
    build_scene(scene, graph)
    out = {}
    if scene.camera is not None:
        out["exposure"] = meter_exposure(scene)
    if render:
        render_settings(scene, size=size, samples=samples)
        if scene.world is None:
            add_studio_light(scene)
        out["render"] = render_to_file(scene, render)
    out["blend"] = save_blend(os.path.join(out_dir, f"{stem}.blend"))
    return out
