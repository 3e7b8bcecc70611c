"""Longest main-thread stall inside Blender (bpy 4.5 as a module), per user action.

Drives the add-on's real operators and its real timer callbacks (session.tick) the way Blender's event loop would:
every call that runs on the main thread is timed, and the longest one per case is reported. Cases:

- start_local:   Start Worker (a local worker process), until it is running
- remote_connect: Start Worker in Remote mode against a worker started beforehand, until connected
- remote_silent: Remote mode against a server that accepts the connection but never answers (until the
                 handshake gives up)
- job:           a Shape from Primitives job while it runs (ticks), and the tick that imports its result
- stop:          Stop Worker
- scene_build:   Generate Scene (a room), planned on a thread and built over ticks
Goal: no stall over 50 ms.
"""
import os
import socket
import sys
import tempfile
import threading
import time

os.environ["BLENDER_USER_RESOURCES"] = tempfile.mkdtemp()
from _util import ROOT, WORKER_PYTHON, emit  # noqa: E402

import bpy  # noqa: E402

os.environ["CONJURE_WORKER_PYTHON"] = WORKER_PYTHON
ADDON = "bl_ext.user_default.conjure"
repo = next(r for r in bpy.context.preferences.extensions.repos if r.module == "user_default")
os.makedirs(repo.directory, exist_ok=True)
os.symlink(ROOT, os.path.join(repo.directory, "conjure"))
bpy.ops.preferences.addon_enable(module=ADDON)
session = sys.modules[ADDON + ".backend.blender.session"]
prefs = bpy.context.preferences.addons[ADDON].preferences


def timed(fn, *a, **kw):
    t0 = time.perf_counter()
    out = fn(*a, **kw)
    return time.perf_counter() - t0, out


def pump(until, timeout=120.0):
    """Tick like Blender's timer until ``until()``; returns the longest tick."""
    longest, deadline = 0.0, time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("case did not finish")
        time.sleep(session.INTERVAL)
        dt, _ = timed(session.tick)
        longest = max(longest, dt)
    return longest


results = {}
# 1. local worker start
dt, _ = timed(bpy.ops.conjure.worker_start)
longest = pump(lambda: session._rt.link.state != "STARTING")
results["start_local"] = {"operator_s": round(dt, 5), "longest_tick_s": round(longest, 5),
                          "state": session.worker_status()}
# 2. a job while it runs, and the import tick
bpy.ops.conjure.load_preset(preset="snowman")
bpy.context.scene.conjure.output_dir = tempfile.mkdtemp()
ops, ticks = [], []
for _ in range(3):
    dt_op, _ = timed(bpy.ops.conjure.shape_generate)
    ops.append(dt_op)
    while session.active_jobs():
        time.sleep(session.INTERVAL)
        dt, _ = timed(session.tick)
        ticks.append(dt)
    assert bpy.context.scene.conjure.jobs[-1].state == "DONE", bpy.context.scene.conjure.jobs[-1].error
faces = len(bpy.data.objects[bpy.context.scene.conjure.jobs[-1].object_name].data.polygons)
# the longest tick is the one that applies the result and imports it (mesh, UVs, texture, material)
results["job"] = {"operator_s": round(max(ops), 5), "longest_tick_s": round(max(ticks), 5),
                  "median_tick_s": round(sorted(ticks)[len(ticks) // 2], 5), "faces_imported": faces}
# 3. stop
dt, _ = timed(bpy.ops.conjure.worker_stop)
results["stop"] = {"operator_s": round(dt, 5)}
# 4. remote: a worker started by someone else
from backend.client import WorkerClient  # noqa: E402

other = WorkerClient.start_local(WORKER_PYTHON)
port = other.info.get("port") or other.sock.getpeername()[1]
token_file = os.path.join(tempfile.mkdtemp(), "token.txt")
with open(os.open(token_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
    f.write(other.token)
prefs.worker_mode, prefs.remote_host, prefs.remote_port = "REMOTE", "127.0.0.1", port
prefs.remote_token_file = token_file
dt, _ = timed(bpy.ops.conjure.worker_start)
longest = pump(lambda: session._rt.link.state != "STARTING")
results["remote_connect"] = {"operator_s": round(dt, 5), "longest_tick_s": round(longest, 5),
                             "state": session.worker_status()}
dt, _ = timed(bpy.ops.conjure.worker_stop)
results["remote_disconnect"] = {"operator_s": round(dt, 5), "remote_still_running": other.proc.poll() is None}
other.stop()
# 5. remote that accepts and never answers
silent = socket.socket()
silent.bind(("127.0.0.1", 0))
silent.listen(4)
held = []
threading.Thread(target=lambda: held.append(silent.accept()), daemon=True).start()
prefs.remote_port = silent.getsockname()[1]
t_case = time.monotonic()
dt, _ = timed(bpy.ops.conjure.worker_start)
longest = pump(lambda: session._rt.link.state != "STARTING", timeout=60)
results["remote_silent"] = {"operator_s": round(dt, 5), "longest_tick_s": round(longest, 5),
                            "gave_up_after_s": round(time.monotonic() - t_case, 2),
                            "status": session.worker_status()[:80]}
silent.close()
prefs.worker_mode = "LOCAL"
# 6. a room scene built over ticks
props = bpy.context.scene.conjure.procgen
props.scene_type, props.scene_seed, props.density = "room", 3, 2.0
dt, _ = timed(bpy.ops.conjure.generate_scene)
t_case = time.monotonic()
longest = pump(lambda: not session.active_jobs(), timeout=120)
job = bpy.context.scene.conjure.jobs[-1]
assert job.state == "DONE", job.error
results["scene_build"] = {"operator_s": round(dt, 5), "longest_tick_s": round(longest, 5),
                          "wall_s": round(time.monotonic() - t_case, 2),
                          "objects": len(bpy.data.collections[job.collection_name].objects)}
worst = max(max(v.get("operator_s", 0), v.get("longest_tick_s", 0))
            for v in results.values())
emit({"figure": "ui_stall_s", "cases": results, "worst_stall_s": round(worst, 5), "goal_s": 0.05})
