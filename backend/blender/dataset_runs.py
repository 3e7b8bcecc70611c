"""Dataset runs started from the panel: separate headless processes (never a render in this session),
followed from a ``bpy.app.timers`` callback that only copies their state into ``scene.conjure.dataset``.

Runs are keyed by scene name and looked up again each tick; a deleted scene just stops being updated.
"""
from __future__ import annotations

import os
import sys

import bpy

from ..dataset.process import DatasetProcess, launch

TICK_S = 0.25
_runs: dict = {}  # scene name -> DatasetProcess


def wheel_paths() -> list[str]:
    """Where Blender installed the extension's wheels (OpenEXR, Pillow, pycocotools), if anywhere: the
    processes of a run import them from there."""
    v = sys.version_info
    site = os.path.join(bpy.utils.user_resource("EXTENSIONS"), ".local", "lib", f"python{v.major}.{v.minor}",
                        "site-packages")
    return [site] if os.path.isdir(site) else []


def processes(python: str = "") -> tuple[str, str]:
    """(orchestrator Python, Blender binary for the shards or ""): this Blender's binary and Python when we are
    a real Blender, else ``python`` or this interpreter (the bpy module)."""
    return launch(bpy.app.binary_path, sys.executable, python)


def start(scene, spec, options, python: str) -> None:
    if scene.name in _runs and _runs[scene.name].poll()["state"] == "RUNNING":
        raise RuntimeError("a dataset run is already going in this scene")
    _runs[scene.name] = DatasetProcess(spec, options, python, wheel_paths())
    props = scene.conjure.dataset
    props.state, props.done, props.total, props.message, props.error = "RUNNING", 0, spec.total_frames, "starting", ""
    if not bpy.app.timers.is_registered(tick):
        bpy.app.timers.register(tick, first_interval=TICK_S, persistent=True)


def running(scene) -> bool:
    run = _runs.get(scene.name)
    return run is not None and run.poll()["state"] == "RUNNING"


def cancel(scene) -> None:
    run = _runs.get(scene.name)
    if run is not None:
        run.cancel()
    tick()


def tick():
    """Copy each run's latest state into its scene's properties; stop ticking when none is left."""
    for name in list(_runs):
        st = _runs[name].poll()
        scene = bpy.data.scenes.get(name)
        if scene is None or not hasattr(scene, "conjure"):
            if st["state"] != "RUNNING":
                _runs.pop(name)
            continue
        p = scene.conjure.dataset
        p.state, p.done, p.total = st["state"], st["done"], st["total"]
        p.progress = st["done"] / max(st["total"], 1)
        eta = f", ETA {st['eta']:.0f} s" if st["eta"] is not None else ""
        p.message = {"RUNNING": f"{st['done']}/{st['total']} frames, {st['rate'] * 60:.1f}/min{eta}",
                     "DONE": f"done: {st['done']}/{st['total']} frames",
                     "CANCELLED": f"cancelled at {st['done']}/{st['total']} frames (Start resumes)",
                     "FAILED": "failed"}[st["state"]]
        p.error = st["error"]
        if st["state"] != "RUNNING":
            _runs.pop(name)
        for area in getattr(bpy.context.screen, "areas", ()) if bpy.context.screen else ():
            if area.type == "VIEW_3D":
                area.tag_redraw()
    return TICK_S if _runs else None


def shutdown() -> None:
    for run in _runs.values():
        run.cancel()
    _runs.clear()
