"""End-to-end time of the demo job (snowman preset, defaults), split by stage (seconds)."""
import os
import tempfile
import time

from _util import WORKER_PYTHON, emit
from backend.client import WorkerClient
from backend.jobs import JobSpec
from backend.shapes.presets import preset_params

out = tempfile.mkdtemp()
t_all = time.perf_counter()
t0 = time.perf_counter()
c = WorkerClient.start_local(WORKER_PYTHON)
stages = {"worker_start": time.perf_counter() - t0}
spec = JobSpec.from_json({"type": "implicit_shape", "name": "demo", "output_dir": out,
                          "params": preset_params("snowman")})
t0 = time.perf_counter()
ev = c.wait_for(c.submit(spec), 120)
job_wall = time.perf_counter() - t0
assert ev["event"] == "result", ev
stages.update(ev["metadata"]["timings"])
stages["job_overhead"] = job_wall - sum(ev["metadata"]["timings"].values())
c.stop()

import bpy  # noqa: E402
from backend.blender.importers import import_now  # noqa: E402
from backend.blender.render import frame_and_light  # noqa: E402

bpy.ops.wm.read_factory_settings(use_empty=True)
t0 = time.perf_counter()
import_now(ev, spec.to_json(), bpy.context.scene, name="demo", job_id="demo")
obj = bpy.data.objects["demo"]
stages["import"] = time.perf_counter() - t0
frame_and_light(bpy.context.scene, obj)
bpy.context.scene.render.filepath = os.path.join(out, "render.png")
t0 = time.perf_counter()
bpy.ops.render.render(write_still=True)
stages["render_256px_16spp"] = time.perf_counter() - t0
t0 = time.perf_counter()
bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out, "demo.blend"))
stages["save_blend"] = time.perf_counter() - t0
total = time.perf_counter() - t_all
emit({"figure": "demo_end_to_end_s", "total": round(total, 3),
      "stages": {k: round(v, 4) for k, v in stages.items()}, "faces": ev["metadata"]["faces"]})
