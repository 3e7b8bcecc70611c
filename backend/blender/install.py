"""Install Worker from Blender's preferences: drives ``backend.installer.WorkerInstaller`` from a timer.

The install runs on the installer's own thread and processes; this module only polls its events on the main
thread (``tick``), keeps the status the preferences draw, shows progress in the status bar, and on success
points Worker Python at the new environment. Nothing here blocks the UI.
"""
from __future__ import annotations

import os
import sys

import bpy

from ..installer import InstallerError, WorkerInstaller, installed_info, worker_python
from .session import ADDON_ID, preferences

INTERVAL = 0.25


class _State:
    installer: WorkerInstaller | None = None
    fraction = 0.0
    message = ""
    error = ""
    done_python = ""


_st = _State()


def env_folder() -> str:
    """Where the worker's environment lives: the extension's user folder (never the extension's own folder)."""
    try:
        return os.path.join(bpy.utils.extension_path_user(ADDON_ID, create=True), "worker-env")
    except (ValueError, AttributeError):  # a legacy add-on: Blender's user config folder
        return os.path.join(bpy.utils.user_resource("CONFIG", path="conjure", create=True), "worker-env")


def blender_python() -> str:
    """The Python that Blender ships (sys.executable inside Blender; the venv's Python for bpy as a module)."""
    return sys.executable


def running() -> bool:
    return _st.installer is not None and not _st.installer.done


def status() -> dict:
    """What the preferences draw: running, fraction, message, error, and what is installed now."""
    folder = env_folder()
    return {"running": running(), "fraction": _st.fraction, "message": _st.message, "error": _st.error,
            "installed": installed_info(folder), "folder": folder}


def start(context, torch: str = "cpu", requirements: str | None = None, extra_pip_args=()) -> None:
    """Start an install (InstallerError if one runs or the settings are wrong)."""
    if running():
        raise InstallerError("an install is already running")
    kwargs = {"torch": None if torch == "none" else torch, "extra_pip_args": tuple(extra_pip_args)}
    if requirements:
        kwargs.update(requirements=requirements, check_modules=())
    inst = WorkerInstaller(blender_python(), env_folder(), **kwargs)
    inst.start()
    _st.installer, _st.fraction, _st.message, _st.error, _st.done_python = inst, 0.0, "starting", "", ""
    if not bpy.app.timers.is_registered(tick):
        bpy.app.timers.register(tick, first_interval=INTERVAL, persistent=True)


def cancel() -> None:
    if running():
        _st.installer.cancel()


def _status_bar(text: str | None) -> None:
    workspace = getattr(bpy.context, "workspace", None)
    if workspace is not None:
        try:
            workspace.status_text_set(text)
        except (RuntimeError, TypeError):  # no window (background mode)
            pass


def _redraw() -> None:
    for window in getattr(bpy.context.window_manager, "windows", []):
        for area in window.screen.areas:
            if area.type in ("PREFERENCES", "VIEW_3D"):
                area.tag_redraw()


def tick() -> float | None:
    """Timer: apply the installer's events; on success set Worker Python. Returns None when it is over."""
    inst = _st.installer
    if inst is None:
        return None
    for ev in inst.poll():
        kind = ev.get("kind")
        if kind == "progress":
            _st.fraction, _st.message = float(ev["fraction"]), str(ev.get("message", ""))[:120]
        elif kind == "done":
            _st.fraction, _st.message, _st.done_python = 1.0, "installed", ev["python"]
            prefs = preferences(bpy.context)
            if prefs is not None:
                prefs.worker_python = ev["python"]
        elif kind == "error":
            _st.error = f"{ev.get('message', 'the install failed')} (log: {ev.get('log', '-')})"
            _st.message = "cancelled" if ev.get("reason") == "cancelled" else "failed"
    _redraw()
    if inst.done and not inst.poll():
        _status_bar(None)
        _st.installer = None
        return None
    _status_bar(f"Conjure: installing the worker, {_st.fraction:.0%}: {_st.message}")
    return INTERVAL


def wait(timeout: float = 600.0) -> None:
    """Pump ``tick`` until the install ends (headless scripts and tests)."""
    import time

    deadline = time.monotonic() + timeout
    while _st.installer is not None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the install did not finish within {timeout} s")
        tick()
        time.sleep(0.05)


def shutdown() -> None:
    """unregister(): cancel a running install, remove the timer."""
    cancel()
    if _st.installer is not None:
        _st.installer.wait(5)
        _st.installer = None
    if bpy.app.timers.is_registered(tick):
        bpy.app.timers.unregister(tick)


__all__ = ("cancel", "env_folder", "start", "status", "tick", "wait", "worker_python")
