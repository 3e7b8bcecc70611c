"""The worker link and the event pump: runtime state behind the operators and panels (main thread only).

Nothing here waits on the worker. Starting a local worker, connecting to a remote one and stopping one run on
background threads (they touch no bpy); jobs submitted meanwhile wait in a queue and the panel says
"Starting worker…". ``tick`` (a ``bpy.app.timers`` callback) drains events within a time budget, looks scene data
up again by name every time (the user may have deleted the scene), and advances result imports and scene builds
one step at a time, so Blender stays responsive. Headless scripts and tests call ``run_until_idle``.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time

import bpy

from ..client import WorkerClient, WorkerError
from ..files import read_token_file
from ..jobs import JobSpec, job_type
from .importers import importer_for

TICK_BUDGET = 0.02  # seconds of event handling per timer tick, so Blender stays responsive
INTERVAL = 0.1  # seconds between ticks while jobs run
ADDON_ID = __package__.rpartition(".")[0].rpartition(".")[0]  # the extension's package


class _Link:
    """The worker connection, made or ended on a background thread."""

    def __init__(self):
        self.client: WorkerClient | None = None
        self.state = "STOPPED"  # STOPPED | STARTING | RUNNING
        self.error = ""
        self.thread: threading.Thread | None = None
        self.pending: list[tuple[str, JobSpec]] = []  # submitted while starting
        self.remote = False
        self.abandon = threading.Event()  # set by shutdown(): a start still under way gives up

    def start(self, cfg: dict) -> None:
        self.state, self.error, self.remote = "STARTING", "", cfg["mode"] == "REMOTE"
        abandon = self.abandon = threading.Event()

        def run():
            try:
                if cfg["mode"] == "REMOTE":
                    client = WorkerClient.connect(cfg["host"], cfg["port"], cfg["token"])
                else:
                    client = WorkerClient.start_local(cfg["python"], device=cfg["device"], env=worker_env(cfg),
                                                      cancel=abandon)
            except (WorkerError, OSError) as e:
                self.error = str(e)
                return
            if abandon.is_set():  # Conjure was disabled meanwhile: leave nothing behind
                client.stop() if client.proc is not None else client.close()
                return
            self.client = client

        self.thread = threading.Thread(target=run, name="conjure-worker-start", daemon=True)
        self.thread.start()


class _Runtime:
    link = _Link()
    jobs: dict = {}  # job_id -> {"scene": scene name, "name": object name, "type": job type, "spec": JSON}
    imports: dict = {}  # job_id -> importer still bringing a result in (or a scene build)
    last_disconnect: str = ""
    token_warning: str = ""  # the remote token file can be read by others


_rt = _Runtime()


# --------------------------------------------------------------------------- configuration
def preferences(context):
    addon = context.preferences.addons.get(ADDON_ID)
    return addon.preferences if addon else None


def worker_config(context) -> dict:
    """The worker settings from the add-on preferences (environment variables fill what is unset)."""
    prefs = preferences(context)
    cfg = {"mode": "LOCAL", "python": os.environ.get("CONJURE_WORKER_PYTHON", ""), "host": "127.0.0.1",
           "port": 8765, "token_file": "", "device": "auto", "model_dir": "", "allow_downloads": True}
    if prefs is not None:
        cfg.update(mode=prefs.worker_mode, host=prefs.remote_host, port=prefs.remote_port,
                   token_file=bpy.path.abspath(prefs.remote_token_file) if prefs.remote_token_file else "",
                   device=prefs.device, allow_downloads=prefs.allow_downloads,
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
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


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


def remote_token(cfg: dict) -> str:
    """The remote worker's token, read from the token file when connecting (it is never kept in the
    preferences), else $CONJURE_WORKER_TOKEN. A file others can read is used, with a warning on the console
    and in ``token_warning``."""
    _rt.token_warning = ""
    if cfg["token_file"]:
        try:
            token, warning = read_token_file(cfg["token_file"])
        except (OSError, ValueError) as e:
            raise WorkerError(f"cannot read the remote worker's token file: {e}") from None
        if warning:
            _rt.token_warning = warning
            print(f"Conjure: warning: {warning}")
        return token
    token = os.environ.get("CONJURE_WORKER_TOKEN", "")
    if not token:
        raise WorkerError("set the remote worker's token file in the add-on preferences")
    return token


def token_warning() -> str:
    """Why the remote token file is unsafe ('' when it is fine or unused)."""
    return _rt.token_warning


# --------------------------------------------------------------------------- worker
def worker_status() -> str:
    link = _rt.link
    if link.state == "STARTING":
        return "Connecting…" if link.remote else "Starting worker…"
    c = link.client
    if c is None:
        return f"Stopped ({_rt.last_disconnect})" if _rt.last_disconnect else "Stopped"
    if not c.alive():
        return "Lost"
    return f"Running (pid {c.proc.pid})" if c.proc else "Connected (remote)"


def ensure_worker(context) -> None:
    """Start (or reconnect to) the worker on a background thread unless one is running or starting.
    Raises WorkerError at once for settings that cannot work (no interpreter, no token)."""
    link = _rt.link
    if link.state == "STARTING" or (link.client is not None and link.client.alive()):
        return
    if link.client is not None:
        link.client.close()
        link.client = None
    cfg = worker_config(context)
    if cfg["mode"] == "REMOTE":
        cfg["token"] = remote_token(cfg)
    elif not cfg["python"]:
        raise WorkerError("set the worker's Python in Preferences > Add-ons > Conjure, or press Install Worker")
    elif not os.path.isfile(cfg["python"]) or not os.access(cfg["python"], os.X_OK):
        raise WorkerError(f"worker Python interpreter not found or not executable: {cfg['python']}")
    _rt.last_disconnect = ""
    link.start(cfg)
    _ensure_timer()


def _advance_link() -> None:
    """Main thread: notice a finished start (success or failure) and send the jobs that waited for it."""
    link = _rt.link
    if link.state != "STARTING" or (link.thread is not None and link.thread.is_alive()):
        return
    if link.client is None:
        link.state = "STOPPED"
        _rt.last_disconnect = link.error
        for job_id, _spec in link.pending:
            _finish(job_id, "FAILED", error=f"Worker: {link.error}")
        link.pending.clear()
        return
    link.state = "RUNNING"
    pending, link.pending = link.pending, []
    for job_id, spec in pending:
        if job_id in _rt.jobs:
            try:
                link.client.submit(spec, job_id)
            except WorkerError as e:
                _finish(job_id, "FAILED", error=f"Worker: {e}")


def stop_worker() -> None:
    """Stop the local worker (frees its memory) or disconnect from a remote one (which keeps running, since
    someone else started it); queued and running jobs end as cancelled. Returns at once: the process is waited
    for on a background thread."""
    link = _rt.link
    client, link.client = link.client, None
    if link.state == "STARTING" and link.thread is not None:
        starting = link.thread

        def reap():  # the start finishes in the background: stop what it made
            starting.join()
            if link.client is not None and link.state == "STOPPED":
                c, link.client = link.client, None
                c.stop() if c.proc is not None else c.close()
        threading.Thread(target=reap, name="conjure-worker-reap", daemon=True).start()
    link.state, link.pending = "STOPPED", []
    if client is not None:
        if client.proc is not None:
            threading.Thread(target=client.stop, name="conjure-worker-stop", daemon=True).start()
        else:
            client.close()
    for job_id in list(_rt.jobs):
        if job_id not in _rt.imports:  # a result being imported no longer needs the worker
            _finish(job_id, "CANCELLED", message="worker stopped")


# --------------------------------------------------------------------------- jobs
def submit(context, spec: JobSpec, label: str) -> str:
    """Queue ``spec`` for the worker (starting it if needed) and add a row to the scene's Jobs list.
    Returns the job id at once; the job waits its turn while the worker starts."""
    import uuid

    ensure_worker(context)
    job_id = uuid.uuid4().hex
    link = _rt.link
    if link.state == "RUNNING" and link.client is not None and link.client.alive():
        link.client.submit(spec, job_id)
    else:
        link.pending.append((job_id, spec))
    track(context.scene, job_id, spec, label)
    return job_id


def track(scene, job_id: str, spec: JobSpec, label: str) -> None:
    """Add the job row and follow the job's events (``submit`` does this after sending it)."""
    item = scene.conjure.jobs.add()
    waiting = _rt.link.state == "STARTING"
    item.job_id, item.label, item.state, item.kind = job_id, label, "QUEUED", spec.type
    item.message = worker_status() if waiting else "queued"
    scene.conjure.active_job = len(scene.conjure.jobs) - 1
    scene.conjure.last_error = ""
    _rt.jobs[job_id] = {"scene": scene.name, "name": spec.name, "type": spec.type, "spec": spec.to_json()}
    _ensure_timer()


def cancel(job_id: str) -> None:
    """Cancel a job: the worker stops it within a second; a result still being imported is rolled back."""
    link = _rt.link
    if job_id in _rt.imports:
        _finish(job_id, "CANCELLED", message="cancelled")
    elif any(j == job_id for j, _ in link.pending):
        link.pending = [(j, s) for j, s in link.pending if j != job_id]
        _finish(job_id, "CANCELLED", message="cancelled")
    elif link.client is not None and job_id in _rt.jobs:
        try:
            link.client.cancel(job_id)
        except WorkerError as e:
            _finish(job_id, "FAILED", error=f"Worker: {e}")


def active_jobs() -> list[str]:
    return list(_rt.jobs)


def _item(job_id: str):
    meta = _rt.jobs.get(job_id)
    scene = bpy.data.scenes.get(meta["scene"]) if meta else None
    if scene is None or not hasattr(scene, "conjure"):
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
    curve = ev.get("loss_curve")
    if isinstance(curve, str) and curve:
        item.loss_curve = curve


def start_local_work(scene, job_id: str, label: str, kind: str, work) -> None:
    """Follow Blender-side work (``work`` has step(scene) -> bool, finish(scene) -> dict, rollback()) in the
    Jobs list, advanced by the timer like a result import (procedural scene builds use this)."""
    item = scene.conjure.jobs.add()
    item.job_id, item.label, item.state, item.kind, item.message = job_id, label, "RUNNING", kind, "building"
    scene.conjure.active_job = len(scene.conjure.jobs) - 1
    _rt.jobs[job_id] = {"scene": scene.name, "name": label, "type": kind, "spec": None}
    _rt.imports[job_id] = work
    _ensure_timer()


def _step_import(job_id: str) -> None:
    """Advance the import (or build) of ``job_id`` by one step; when it is complete, link it into the scene."""
    imp = _rt.imports[job_id]
    scene, item = _item(job_id)
    if scene is None or item is None:  # the scene was deleted or another file loaded: nowhere to import to
        _rt.imports.pop(job_id).rollback()
        _rt.jobs.pop(job_id, None)
        return
    try:
        done = imp.step(scene)
        summary = imp.finish(scene) if done else None
    except Exception as e:  # all or nothing: roll back, report and keep going
        _finish(job_id, "FAILED", error=f"Import failed: {e}")
        return
    if not done:
        item.message = f"importing {imp.done}/{imp.total}"
        item.progress = imp.done / max(imp.total, 1)
        return
    _rt.imports.pop(job_id)
    item.object_name = summary.get("object_name", "")
    item.collection_name = summary.get("collection_name", "")
    _finish(job_id, "DONE", message=summary.get("message", "done"))
    _push_undo(f"Conjure: {item.label or item.object_name or 'result'}")


def _push_undo(message: str) -> None:
    """One undo step for what an import or scene build added over timer ticks. The operator's own step was taken
    when its button was pressed, before the result existed: without this, Ctrl+Z would not take the result back
    on its own (it would be folded into whatever the user did next)."""
    try:
        bpy.ops.ed.undo_push(message=message[:60])
    except RuntimeError:  # no window manager in this context (e.g. some headless runs): nothing to undo into
        pass


def _on_result(job_id: str, item, ev: dict) -> None:
    meta = _rt.jobs[job_id]
    try:
        imp = importer_for(ev, meta["spec"], name=meta["name"], job_id=job_id)
    except (KeyError, TypeError, ValueError) as e:
        _finish(job_id, "FAILED", error=f"Import failed: the result is malformed ({e})")
        return
    if imp is None:
        _finish(job_id, "DONE", message="done")
        return
    _rt.imports[job_id] = imp
    item.state, item.message = "RUNNING", f"importing 0/{imp.total}"


def _apply(ev: dict) -> None:
    kind, job_id = ev.get("event"), ev.get("job_id")
    if kind == "disconnected":
        reason = ev.get("message") or "the worker stopped"
        link = _rt.link
        if link.client is not None and not link.client.alive():
            link.client, link.state = None, "STOPPED"
        _rt.last_disconnect = reason
        for jid in list(_rt.jobs):
            if jid not in _rt.imports:  # a result being imported no longer needs the worker
                _finish(jid, "FAILED", error=f"Worker lost: {reason}")
        return
    if job_id not in _rt.jobs or job_id in _rt.imports:  # unknown, or the result is in: late events change nothing
        return
    scene, item = _item(job_id)
    if kind == "progress" and item is not None:
        _progress(item, ev)
    elif kind == "result":
        if scene is None or item is None:  # the scene was deleted, or another file was loaded
            _rt.jobs.pop(job_id, None)
            return
        _on_result(job_id, item, ev)
    elif kind == "error":
        _finish(job_id, "FAILED", error=str(ev.get("message", "failed")))
    elif kind == "cancelled":
        _finish(job_id, "CANCELLED", message="cancelled")


def tick() -> float | None:
    """Timer callback: advance imports and apply events for about TICK_BUDGET seconds (at least one step,
    so a slow import still moves on)."""
    deadline = time.perf_counter() + TICK_BUDGET
    _advance_link()
    changed = False
    while True:
        if _rt.imports:
            job_id = next(iter(_rt.imports))
            _step_import(job_id)
            if getattr(_rt.imports.get(job_id), "waiting", False):  # planning on its thread: next tick
                break
        else:
            client = _rt.link.client
            events = client.poll(limit=1) if client is not None else []
            if not events:
                break
            _apply(events[0])
        changed = True
        if time.perf_counter() >= deadline:
            break
    if changed or _rt.link.state == "STARTING":
        _redraw()
    if _rt.link.client is None and _rt.link.state != "STARTING" and not _rt.jobs:
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


def wait_for_worker(timeout: float = 120.0) -> None:
    """Pump until the worker has started or failed (headless scripts and tests)."""
    deadline = time.monotonic() + timeout
    while _rt.link.state == "STARTING":
        if time.monotonic() > deadline:
            raise TimeoutError(f"the worker did not start within {timeout} s")
        tick()
        time.sleep(0.01)


def run_until_idle(timeout: float = 300.0) -> None:
    """Pump events until no job is queued, running or importing (headless scripts and tests have no event loop)."""
    deadline = time.monotonic() + timeout
    while _rt.jobs or _rt.link.state == "STARTING":
        if time.monotonic() > deadline:
            raise TimeoutError(f"jobs still running after {timeout} s")
        tick()
        time.sleep(0.01)


def jobs_for_panel(scene, panel: str, states=("QUEUED", "RUNNING")) -> list:
    """This scene's job rows shown by ``panel`` (a job type's ``panel``: prop | shape), oldest first."""
    out = []
    for j in scene.conjure.jobs:
        try:
            if j.state in states and job_type(j.kind).panel == panel:
                out.append(j)
        except Exception:  # a row of a job type this version does not know
            continue
    return out


def shutdown() -> None:
    """Called by unregister(): no timer and no worker left behind."""
    if bpy.app.timers.is_registered(tick):
        bpy.app.timers.unregister(tick)
    link = _rt.link
    client, link.client = link.client, None
    if client is not None:
        client.stop() if client.proc is not None else client.close()  # unregistering may wait for the exit
    link.abandon.set()
    if link.thread is not None and link.thread.is_alive():
        # A local start is killed at once; a remote connect still waiting on its socket ends by itself (within
        # its 10 s connect timeout) and closes what it made, so Blender does not wait for it.
        link.thread.join(timeout=1.0)
        if link.client is not None:
            c, link.client = link.client, None
            c.stop() if c.proc is not None else c.close()
    link.state, link.pending = "STOPPED", []
    for job_id in list(_rt.imports):
        _finish(job_id, "CANCELLED", message="Conjure was disabled")
    _rt.jobs.clear()
    _rt.last_disconnect = ""
