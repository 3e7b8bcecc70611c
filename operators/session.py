"""Runtime state behind the operators: the worker client and the event pump.

Everything here runs on Blender's main thread. The client's reader thread only fills a queue; ``tick``
(a ``bpy.app.timers`` callback) drains it within a time budget and applies events to scene data, which
it looks up again by name every time, since the user may have deleted the scene meanwhile.
Headless scripts and tests have no event loop, so they call ``run_until_idle`` (it calls ``tick``).
"""
from __future__ import annotations

import os
import tempfile
import time

import bpy

from ..backend.client import WorkerClient, WorkerError
from ..backend.jobs import JobSpec
from ..panels.preferences import ADDON_ID

TICK_BUDGET = 0.02  # seconds of event handling per timer tick, so Blender stays responsive
INTERVAL = 0.1  # seconds between ticks while jobs run


class _Runtime:
    client: WorkerClient | None = None
    jobs: dict = {}  # job_id -> {"scene": scene name, "name": object name}
    last_disconnect: str = ""


_rt = _Runtime()


# --------------------------------------------------------------------------- configuration
def preferences(context):
    addon = context.preferences.addons.get(ADDON_ID)
    return addon.preferences if addon else None


def worker_config(context) -> dict:
    """The worker settings from the add-on preferences (environment variables fill what is unset)."""
    prefs = preferences(context)
    cfg = {"mode": "LOCAL", "python": os.environ.get("CONJURE_WORKER_PYTHON", ""), "host": "127.0.0.1",
           "port": 8765, "token": "", "device": "auto", "model_dir": "", "allow_downloads": True}
    if prefs is not None:
        cfg.update(mode=prefs.worker_mode, host=prefs.remote_host, port=prefs.remote_port,
                   token=prefs.remote_token, device=prefs.device, allow_downloads=prefs.allow_downloads,
                   model_dir=bpy.path.abspath(prefs.model_cache_dir) if prefs.model_cache_dir else "")
        if prefs.worker_python:
            cfg["python"] = bpy.path.abspath(prefs.worker_python)
    cfg["offline"] = not (cfg["allow_downloads"] and bpy.app.online_access)
    return cfg


def worker_env(cfg: dict) -> dict:
    env = {"CONJURE_OFFLINE": "1" if cfg["offline"] else "0"}
    if cfg["offline"]:
        env["HF_HUB_OFFLINE"] = "1"
    if cfg["model_dir"]:
        env["CONJURE_MODEL_DIR"] = cfg["model_dir"]
    return env


def extension_folder() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def output_folder(context, configured: str) -> str:
    """Where results go: the configured folder, else next to the saved .blend, else the user's data folder.
    Never inside the extension's own folder."""
    if configured:
        path = bpy.path.abspath(configured)
    elif bpy.data.filepath:
        path = bpy.path.abspath("//conjure")
    else:
        try:
            path = bpy.utils.extension_path_user(ADDON_ID, path="outputs", create=True)
        except (ValueError, AttributeError):  # loaded as a legacy add-on
            path = os.path.join(tempfile.gettempdir(), "conjure-outputs")
    path = os.path.abspath(path)
    ext = extension_folder()
    if os.path.commonpath([path, ext]) == ext:
        raise ValueError(f"output folder {path} is inside the extension's folder; choose another")
    return path


# --------------------------------------------------------------------------- worker
def worker_status() -> str:
    c = _rt.client
    if c is None:
        return f"Stopped ({_rt.last_disconnect})" if _rt.last_disconnect else "Stopped"
    if not c.alive():
        return "Lost"
    where = f"pid {c.proc.pid}" if c.proc else "remote"
    return f"Running ({where})"


def ensure_worker(context) -> WorkerClient:
    """The live client, starting (or reconnecting to) the worker if there is none or it died."""
    if _rt.client is not None and _rt.client.alive():
        return _rt.client
    if _rt.client is not None:
        _rt.client.close()
        _rt.client = None
    cfg = worker_config(context)
    if cfg["mode"] == "REMOTE":
        if not cfg["token"]:
            raise WorkerError("set the remote worker's token in the add-on preferences")
        _rt.client = WorkerClient.connect(cfg["host"], cfg["port"], cfg["token"])
    else:
        if not cfg["python"]:
            raise WorkerError("set the worker's Python in Preferences > Add-ons > Conjure "
                              "(a Python with the packages in requirements/worker.txt)")
        _rt.client = WorkerClient.start_local(cfg["python"], device=cfg["device"], env=worker_env(cfg))
    _rt.last_disconnect = ""
    _ensure_timer()
    return _rt.client


def stop_worker() -> None:
    """Stop the worker (frees its memory); running jobs end as cancelled."""
    client, _rt.client = _rt.client, None
    if client is not None:
        client.stop()
    for job_id in list(_rt.jobs):
        _finish(job_id, "CANCELLED", message="worker stopped")


# --------------------------------------------------------------------------- jobs
def submit(context, spec: JobSpec, label: str) -> str:
    """Send ``spec`` to the worker and add a job row to the scene's Jobs list. Returns the job id."""
    client = ensure_worker(context)
    job_id = client.submit(spec)
    item = context.scene.conjure.jobs.add()
    item.job_id, item.label, item.state, item.message = job_id, label, "QUEUED", "queued"
    context.scene.conjure.active_job = len(context.scene.conjure.jobs) - 1
    context.scene.conjure.last_error = ""
    _rt.jobs[job_id] = {"scene": context.scene.name, "name": spec.name}
    _ensure_timer()
    return job_id


def cancel(job_id: str) -> None:
    if _rt.client is not None and job_id in _rt.jobs:
        _rt.client.cancel(job_id)


def active_jobs() -> list[str]:
    return list(_rt.jobs)


def _item(job_id: str):
    meta = _rt.jobs.get(job_id)
    scene = bpy.data.scenes.get(meta["scene"]) if meta else None
    if scene is None:
        return None, None
    for item in scene.conjure.jobs:
        if item.job_id == job_id:
            return scene, item
    return scene, None


def _finish(job_id: str, state: str, message: str = "", error: str = "") -> None:
    scene, item = _item(job_id)
    _rt.jobs.pop(job_id, None)
    if item is not None:
        item.state, item.message, item.error = state, message, error
        if state == "DONE":
            item.progress = 1.0
    if scene is not None and error:
        scene.conjure.last_error = error


def _apply(ev: dict) -> None:
    kind, job_id = ev.get("event"), ev.get("job_id")
    if kind == "disconnected":
        reason = ev.get("message") or "the worker stopped"
        if _rt.client is not None and not _rt.client.alive():
            _rt.client = None
        _rt.last_disconnect = reason
        for jid in list(_rt.jobs):
            _finish(jid, "FAILED", error=f"Worker lost: {reason}")
        return
    if job_id not in _rt.jobs:
        return
    scene, item = _item(job_id)
    if kind == "progress" and item is not None:
        item.state = "RUNNING"
        total = max(int(ev.get("total") or 1), 1)
        item.progress = min(max(ev.get("step", 0) / total, 0.0), 1.0)
        item.message = str(ev.get("message", ""))[:200]
    elif kind == "result":
        if scene is None:
            _rt.jobs.pop(job_id, None)
            return
        from ..backend.mesh.import_blender import import_result
        meta = _rt.jobs[job_id]
        try:
            obj = import_result(scene, ev["paths"]["glb"], name=meta["name"],
                                texture_path=ev["paths"].get("texture"),
                                custom_props={"conjure_spec": ev.get("spec"), "conjure_job_id": job_id})
        except Exception as e:  # the import is all-or-nothing; report and keep going
            _finish(job_id, "FAILED", error=f"Import failed: {e}")
            return
        if item is not None:
            item.object_name = obj.name
        _finish(job_id, "DONE", message=f"created {obj.name}")
    elif kind == "error":
        _finish(job_id, "FAILED", error=str(ev.get("message", "failed")))
    elif kind == "cancelled":
        _finish(job_id, "CANCELLED", message="cancelled")


def tick() -> float | None:
    """Timer callback: apply pending events for at most TICK_BUDGET seconds."""
    client = _rt.client
    if client is not None:
        deadline = time.perf_counter() + TICK_BUDGET
        changed = False
        while time.perf_counter() < deadline:
            events = client.poll(limit=1)
            if not events:
                break
            _apply(events[0])
            changed = True
        if changed:
            _redraw()
    if _rt.client is None and not _rt.jobs:
        return None
    return INTERVAL


def _redraw() -> None:
    wm = bpy.context.window_manager
    for window in getattr(wm, "windows", []):
        for area in window.screen.areas:
            if area.type == "VIEW_3D":
                area.tag_redraw()


def _ensure_timer() -> None:
    if not bpy.app.timers.is_registered(tick):
        bpy.app.timers.register(tick, first_interval=INTERVAL, persistent=True)


def run_until_idle(timeout: float = 300.0) -> None:
    """Pump events until no job is queued or running (headless scripts and tests have no event loop)."""
    deadline = time.monotonic() + timeout
    while _rt.jobs:
        if time.monotonic() > deadline:
            raise TimeoutError(f"jobs still running after {timeout} s")
        tick()
        time.sleep(0.01)


def shutdown() -> None:
    """Called by unregister(): no timer and no worker left behind."""
    if bpy.app.timers.is_registered(tick):
        bpy.app.timers.unregister(tick)
    stop_worker()
    _rt.jobs.clear()
    _rt.last_disconnect = ""
