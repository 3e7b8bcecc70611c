"""Main-thread time per timer tick while the demo job runs inside Blender (bpy 4.5 as a module).

Drives the add-on's real timer callback (session.tick) the way Blender's event loop would: every
INTERVAL seconds, timing each call. The tick that imports the result is reported separately.
"""
import os
import sys
import tempfile
import time

os.environ["BLENDER_USER_RESOURCES"] = tempfile.mkdtemp()
from _util import ROOT, WORKER_PYTHON, emit, summary  # noqa: E402

import bpy  # noqa: E402

os.environ["CONJURE_WORKER_PYTHON"] = WORKER_PYTHON
repo = next(r for r in bpy.context.preferences.extensions.repos if r.module == "user_default")
os.makedirs(repo.directory, exist_ok=True)
os.symlink(ROOT, os.path.join(repo.directory, "conjure"))
bpy.ops.preferences.addon_enable(module="bl_ext.user_default.conjure")
session = sys.modules["bl_ext.user_default.conjure.backend.blender.session"]

bpy.ops.conjure.load_preset(preset="snowman")
bpy.context.scene.conjure.output_dir = tempfile.mkdtemp()
bpy.ops.conjure.worker_start()
ticks, import_tick = [], None
for run in range(3):
    bpy.ops.conjure.shape_generate()
    job = bpy.context.scene.conjure.jobs[-1]
    while job.state in ("QUEUED", "RUNNING"):
        time.sleep(session.INTERVAL)
        t0 = time.perf_counter()
        session.tick()
        dt = time.perf_counter() - t0
        job = bpy.context.scene.conjure.jobs[-1]
        if job.state == "DONE":
            import_tick = max(import_tick or 0.0, dt)
        else:
            ticks.append(dt)
    assert job.state == "DONE", job.error
faces = len(bpy.data.objects[job.object_name].data.polygons)
bpy.ops.conjure.worker_stop()
emit({"figure": "ui_tick_s", "during_job": summary(ticks), "import_tick_max": round(import_tick, 5),
      "faces_imported": faces})
