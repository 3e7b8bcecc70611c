"""Figure: plan + build time, peak memory and triangles of a furnished living room (80+ objects) and of a
3-room apartment; per-category asset generation time and triangle count.

Usage: .venv/bin/python benchmarks/procgen_build.py [--seeds 3] [--reps 3] [--density 1.0] [--scenes-only]
       [--types living_room,apartment,outdoor] [--categories rock,stump]
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
from backend.procgen import registry  # noqa: E402
from backend.procgen.geometry import fan_triangles  # noqa: E402
from backend.procgen.plan import plan  # noqa: E402
from backend.procgen.registry import generate  # noqa: E402


def _scene_tris(scene):
    dg = bpy.context.evaluated_depsgraph_get()
    n = 0
    for inst in dg.object_instances:  # instanced vegetation counted per instance
        if inst.object.type == "MESH":
            n += sum(len(p.vertices) - 2 for p in inst.object.data.polygons)
    return n


def _time_scene(t, seed, params):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    t0 = time.perf_counter()
    g = plan(t, seed, params)
    t1 = time.perf_counter()
    build_scene(bpy.context.scene, g)
    t2 = time.perf_counter()
    return {"type": t, "seed": seed, "objects": len(g["objects"]), "plan_s": round(t1 - t0, 3), "build_s": round(t2 - t1, 3),
            "total_s": round(t2 - t0, 3), "triangles": _scene_tris(bpy.context.scene)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3, help="seeds per scene to time")
    ap.add_argument("--reps", type=int, default=3, help="generations per category")
    ap.add_argument("--density", type=float, default=1.0, help="living rooms' density (1 = the default)")
    ap.add_argument("--scenes-only", action="store_true", help="skip the per-category table")
    ap.add_argument("--types", default="living_room,apartment,outdoor", help="scene types to time")
    ap.add_argument("--categories", default="", help="comma-separated categories for the per-category table (default: all)")
    a = ap.parse_args()
    types = a.types.split(",")
    # 1. Living rooms with 80+ objects and 3-room apartments
    runs = []
    seeds_lr = [s for s in range(40) if len(plan("living_room", s, {"density": a.density})["objects"]) >= 80][: a.seeds] \
        if "living_room" in types else []
    for s in seeds_lr:
        runs.append(_time_scene("living_room", s, {"density": a.density}))
    for s in range(a.seeds if "apartment" in types else 0):
        runs.append(_time_scene("apartment", s, {"rooms": 3}))
    for s in range(a.seeds if "outdoor" in types else 0):
        runs.append(_time_scene("outdoor", s, None))
    # 2. Peak Python memory of one apartment plan+build (tracemalloc) and the process' peak RSS
    peak_py = 0
    if "apartment" in types:
        bpy.ops.wm.read_factory_settings(use_empty=True)
        tracemalloc.start()
        build_scene(bpy.context.scene, plan("apartment", 0, {"rooms": 3}))
        _, peak_py = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    # 3. Per category: numpy generation time, full Blender build time, triangles
    per_cat = {}
    for cat in [] if a.scenes_only else (a.categories.split(",") if a.categories else registry().names()):
        gen, full, tris = [], [], []
        for s in range(a.reps):
            t0 = time.perf_counter()
            asset, _ = generate(registry(), cat, s)
            gen.append(time.perf_counter() - t0)
            tris.append(len(fan_triangles(asset.mesh)))
            bpy.ops.wm.read_factory_settings(use_empty=True)
            t0 = time.perf_counter()
            add_asset(bpy.context.scene, cat, s)
            full.append(time.perf_counter() - t0)
        per_cat[cat] = {"generate_ms": round(1000 * statistics.median(gen), 1), "build_ms": round(1000 * statistics.median(full), 1),
                        "triangles_median": int(statistics.median(tris))}

    def summary(t):
        rs = [r for r in runs if r["type"] == t]
        if not rs:
            return None
        return {"runs": rs, "total_s_max": max(r["total_s"] for r in rs), "objects_min": min(r["objects"] for r in rs),
                "triangles_max": max(r["triangles"] for r in rs)}
    print(json.dumps({"figure": "procgen_build", "bpy": bpy.app.version_string, "cpus": os.cpu_count(),
                      f"living_room_density_{a.density:g}": summary("living_room"), "apartment_3_rooms": summary("apartment"),
                      "outdoor": summary("outdoor"),
                      "peak_python_alloc_mb_apartment": round(peak_py / 2**20, 1),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                      "per_category": per_cat}))


if __name__ == "__main__":
    main()
