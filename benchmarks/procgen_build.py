"""Figure: time to plan + build a furnished room (>= 25 objects), per-asset build time per category, peak memory.

Usage: .venv/bin/python benchmarks/procgen_build.py [--seeds 5] [--reps 5] [--constraint-seeds 200]
Prints one JSON object on its last line.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bpy  # noqa: E402

from backend.blender.procgen import add_asset, build_scene  # noqa: E402
from backend.procgen.constraints import violations  # noqa: E402
from backend.procgen import registry
from backend.procgen.plan import SCENE_TYPES, plan  # noqa: E402
from backend.procgen.registry import generate  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5, help="room seeds to time")
    ap.add_argument("--reps", type=int, default=5, help="builds per category")
    ap.add_argument("--constraint-seeds", type=int, default=200, help="seeds per scene type for the constraint sweep")
    a = ap.parse_args()
    # 1. Plan + build rooms
    rooms = []
    for seed in range(a.seeds):
        bpy.ops.wm.read_factory_settings(use_empty=True)
        t0 = time.perf_counter()
        g = plan("room", seed)
        t1 = time.perf_counter()
        build_scene(bpy.context.scene, g)
        t2 = time.perf_counter()
        rooms.append({"seed": seed, "objects": len(g["objects"]), "plan_s": round(t1 - t0, 3),
                      "build_s": round(t2 - t1, 3), "total_s": round(t2 - t0, 3)})
    # 2. Peak Python memory of one plan+build (tracemalloc) and process peak RSS
    bpy.ops.wm.read_factory_settings(use_empty=True)
    tracemalloc.start()
    build_scene(bpy.context.scene, plan("room", 0))
    _, peak_py = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # 3. Per-category asset time: numpy generation and full Blender build (mesh + materials + object)
    per_cat = {}
    for cat in registry().names():
        gen, full = [], []
        for s in range(a.reps):
            t0 = time.perf_counter()
            generate(registry(), cat, s)
            gen.append(time.perf_counter() - t0)
            bpy.ops.wm.read_factory_settings(use_empty=True)
            t0 = time.perf_counter()
            add_asset(bpy.context.scene, cat, s)
            full.append(time.perf_counter() - t0)
        per_cat[cat] = {"generate_ms": round(1000 * statistics.median(gen), 2),
                        "build_ms": round(1000 * statistics.median(full), 2)}
    # 4. Constraint sweep over many seeds (bpy-free checks)
    sweep = {}
    for t in SCENE_TYPES:
        t0 = time.perf_counter()
        bad = sum(1 for s in range(a.constraint_seeds) if violations(plan(t, s)))
        sweep[t] = {"seeds": a.constraint_seeds, "violating_seeds": bad,
                    "plan_check_s_per_seed": round((time.perf_counter() - t0) / a.constraint_seeds, 3)}
    totals = [r["total_s"] for r in rooms]
    print(json.dumps({"figure": "procgen_build", "bpy": bpy.app.version_string, "cpus": os.cpu_count(),
                      "rooms": rooms, "room_total_s_median": statistics.median(totals), "room_total_s_max": max(totals),
                      "room_objects_min": min(r["objects"] for r in rooms),
                      "peak_python_alloc_mb": round(peak_py / 2**20, 1),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                      "per_category": per_cat, "constraint_sweep": sweep}))


if __name__ == "__main__":
    main()
