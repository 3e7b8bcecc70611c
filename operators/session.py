"""Runtime state behind the operators: the worker client and the event pump.

Everything here runs on Blender's main thread. The client's reader thread only fills a queue; ``tick``
(a ``bpy.app.timers`` callback) drains it within a time budget and applies events to scene data, which
it looks up again by name every time, since the user may have deleted the scene meanwhile.
Headless scripts and tests have no event loop, so they call ``run_until_idle`` (it calls ``tick``).

A generate result may hold several candidates; importing them all in one tick could freeze the UI, so
``tick`` imports them one at a time within its budget (``JobImport``), out of sight in an unlinked
collection that is linked into the scene only when every candidate is in: all or nothing.
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
    jobs: dict = {}  # job_id -> {"scene": scene name, "name": object name, "type": job type, "spec": JSON}
    imports: dict = {}  # job_id -> JobImport still bringing candidates in
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
        if job_id not in _rt.imports:  # a result being imported no longer needs the worker
            _finish(job_id, "CANCELLED", message="worker stopped")


# --------------------------------------------------------------------------- jobs
def submit(context, spec: JobSpec, label: str) -> str:
    """Send ``spec`` to the worker and add a job row to the scene's Jobs list. Returns the job id."""
    client = ensure_worker(context)
    job_id = client.submit(spec)
    track(context.scene, job_id, spec, label)
    return job_id


def track(scene, job_id: str, spec: JobSpec, label: str) -> None:
    """Add the job row and follow the job's events (``submit`` does this after sending it)."""
    item = scene.conjure.jobs.add()
    item.job_id, item.label, item.state, item.message, item.kind = job_id, label, "QUEUED", "queued", spec.type
    scene.conjure.active_job = len(scene.conjure.jobs) - 1
    scene.conjure.last_error = ""
    _rt.jobs[job_id] = {"scene": scene.name, "name": spec.name, "type": spec.type, "spec": spec.to_json()}
    _ensure_timer()


def cancel(job_id: str) -> None:
    """Cancel a job: the worker stops it within a second; a result still being imported is rolled back."""
    if job_id in _rt.imports:
        _finish(job_id, "CANCELLED", message="cancelled")
    elif _rt.client is not None and job_id in _rt.jobs:
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
    imp = _rt.imports.pop(job_id, None)
    if imp is not None and state != "DONE":
        imp.rollback()
    _rt.jobs.pop(job_id, None)
    if item is not None:
        item.state, item.message, item.error = state, message, error
        item.download = ""
        if state == "DONE":
            item.progress = 1.0
    if scene is not None and error:
        scene.conjure.last_error = error


def download_text(dl: dict) -> str:
    """'Downloading openai/shap-e: 1.2 / 3.4 GB' from a progress event's ``download`` field."""
    done, total = float(dl.get("done") or 0), float(dl.get("total") or 0)
    unit, scale = ("GB", 1e9) if max(done, total) >= 1e9 else ("MB", 1e6)
    amount = f"{done / scale:.1f} / {total / scale:.1f} {unit}" if total > 0 else f"{done / scale:.1f} {unit}"
    return f"Downloading {dl.get('repo') or dl.get('file') or 'model'}: {amount}"


def _progress(item, ev: dict) -> None:
    item.state = "RUNNING"
    total = max(int(ev.get("total") or 1), 1)
    item.progress = min(max(ev.get("step", 0) / total, 0.0), 1.0)
    item.message = str(ev.get("message", ""))[:200]
    dl = ev.get("download")
    if isinstance(dl, dict):
        item.download = download_text(dl)[:200]
        total = float(dl.get("total") or 0)
        item.download_progress = min(max(float(dl.get("done") or 0) / total, 0.0), 1.0) if total > 0 else 0.0
    else:
        item.download = ""
    preview = ev.get("preview")
    if isinstance(preview, str) and preview:
        item.preview = preview


def _start_import(job_id: str, scene, item, ev: dict) -> None:
    """A generate result: import its candidates over the next ticks (see ``_step_import``)."""
    from ..backend.mesh.import_blender import JobImport
    try:
        imp = JobImport(ev, name=_rt.jobs[job_id]["name"], job_id=job_id)
    except (KeyError, TypeError, ValueError) as e:
        _finish(job_id, "FAILED", error=f"Import failed: the result is malformed ({e})")
        return
    _rt.imports[job_id] = imp
    if item is not None:
        item.state, item.message = "RUNNING", f"importing 0/{imp.total}"


def _step_import(job_id: str) -> None:
    """Import the next candidate of ``job_id``; when all are in, link them into the scene."""
    imp = _rt.imports[job_id]
    scene, item = _item(job_id)
    if scene is None or item is None:  # the scene was deleted or another file loaded: nowhere to import to
        _rt.imports.pop(job_id).rollback()
        _rt.jobs.pop(job_id, None)
        return
    try:
        done = imp.step(scene)
        objects = imp.finish(scene) if done else None
    except Exception as e:  # the import is all-or-nothing: roll back, report and keep going
        _finish(job_id, "FAILED", error=f"Import failed: {e}")
        return
    if not done:
        if item is not None:
            item.message = f"importing {imp.done}/{imp.total}"
        return
    _rt.imports.pop(job_id)
    if item is not None:
        item.object_name, item.collection_name = objects[0].name, imp.collection_name
    _finish(job_id, "DONE", message=(f"created {objects[0].name}" if imp.total == 1
                                     else f"created {imp.total} candidates in {imp.collection_name}"))


def _load_mask(job_id: str, scene, item, ev: dict) -> None:
    """A cutout result: the mask becomes the image the prop panel uses (and the user may paint on)."""
    from ..backend.mesh.import_blender import MASK_IMAGE, load_mask_image
    spec = _rt.jobs[job_id]["spec"]
    try:
        img = load_mask_image(ev["paths"]["mask"], MASK_IMAGE, source=spec["params"]["image"],
                              cutout=ev["paths"].get("cutout", ""))
    except (KeyError, TypeError, RuntimeError, OSError) as e:
        _finish(job_id, "FAILED", error=f"Could not load the mask: {e}")
        return
    scene.conjure.prop.mask_image = img
    meta = ev.get("metadata") or {}
    coverage = meta.get("coverage")
    how = f"{coverage:.0%} of the picture kept" if isinstance(coverage, (int, float)) else "mask ready"
    if item is not None:
        item.object_name = img.name
    _finish(job_id, "DONE", message=f"{how} ({meta.get('method', 'auto')})")


def _apply(ev: dict) -> None:
    kind, job_id = ev.get("event"), ev.get("job_id")
    if kind == "disconnected":
        reason = ev.get("message") or "the worker stopped"
        if _rt.client is not None and not _rt.client.alive():
            _rt.client = None
        _rt.last_disconnect = reason
        for jid in list(_rt.jobs):
            if jid not in _rt.imports:  # a result being imported no longer needs the worker
                _finish(jid, "FAILED", error=f"Worker lost: {reason}")
        return
    if job_id not in _rt.jobs:
        return
    scene, item = _item(job_id)
    if job_id in _rt.imports:  # the result is in; late events change nothing
        return
    if kind == "progress" and item is not None:
        _progress(item, ev)
    elif kind == "result":
        if scene is None or item is None:  # the scene was deleted, or another file was loaded
            _rt.jobs.pop(job_id, None)
            return
        meta = _rt.jobs[job_id]
        if meta.get("type") == "generate":
            _start_import(job_id, scene, item, ev)
            return
        if meta.get("type") == "cutout":
            _load_mask(job_id, scene, item, ev)
            return
        from ..backend.mesh.import_blender import import_result
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
    """Timer callback: import candidates and apply events for about TICK_BUDGET seconds (at least one step,
    so a slow import still moves on)."""
    deadline = time.perf_counter() + TICK_BUDGET
    changed = False
    while True:
        if _rt.imports:
            _step_import(next(iter(_rt.imports)))
        else:
            events = _rt.client.poll(limit=1) if _rt.client is not None else []
            if not events:
                break
            _apply(events[0])
        changed = True
        if time.perf_counter() >= deadline:
            break
    if changed:
        _redraw()
    if _rt.client is None and not _rt.jobs:
        return None
    return INTERVAL


def _redraw() -> None:
    wm = bpy.context.window_manager
    for window in getattr(wm, "windows", []):
        for area in window.screen.areas:
            if area.type in ("VIEW_3D", "IMAGE_EDITOR"):
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
    for job_id in list(_rt.imports):
        _finish(job_id, "CANCELLED", message="Conjure was disabled")
    _rt.jobs.clear()
    _rt.last_disconnect = ""
