"""Figure: time to render a planned + built furnished room at 512x512 with Cycles on the CPU.

Usage: .venv/bin/python benchmarks/procgen_render.py [--seed 0] [--samples 16] [--res 512] [--type room] [--out out/x.png]
Prints one JSON object on its last line.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bpy  # noqa: E402

from backend.blender.procgen import build_scene, meter_exposure  # noqa: E402
from backend.procgen.plan import plan  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--type", default="room")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--res", type=int, default=512)
    ap.add_argument("--denoise", type=int, default=1)
    ap.add_argument("--out", default="out/procgen_render.png")
    a = ap.parse_args()
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    t0 = time.perf_counter()
    graph = plan(a.type, a.seed)
    build_scene(scene, graph)
    t_build = time.perf_counter() - t0
    t_meter = time.perf_counter()
    ev = meter_exposure(scene)
    t_meter = time.perf_counter() - t_meter
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = a.samples
    scene.cycles.use_denoising = bool(a.denoise)
    scene.cycles.max_bounces = 4
    scene.render.resolution_x = scene.render.resolution_y = a.res
    scene.render.resolution_percentage = 100
    scene.render.filepath = os.path.abspath(a.out)
    os.makedirs(os.path.dirname(scene.render.filepath), exist_ok=True)
    t1 = time.perf_counter()
    bpy.ops.render.render(write_still=True)
    t_render = time.perf_counter() - t1
    print(json.dumps({"figure": "procgen_render", "type": a.type, "seed": a.seed, "objects": len(graph["objects"]),
                      "resolution": a.res, "samples": a.samples, "denoise": bool(a.denoise), "device": "CPU",
                      "threads": os.cpu_count(), "plan_build_s": round(t_build, 3),
                      "exposure": ev, "meter_s": round(t_meter, 2), "render_s": round(t_render, 2),
                      "image": a.out, "bpy": bpy.app.version_string}))


if __name__ == "__main__":
    main()
