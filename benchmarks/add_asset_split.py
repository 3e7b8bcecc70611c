"""Figure (issue #14): where a cold ``add_asset`` goes, as the add-on runs it: the factory (``generate``), the Blender
mesh (``build_mesh``), the materials (``Build.material``: template copies and their values), the collection, the
object's properties and its placing, and the rest. Every asset in a fresh factory-settings file, with every tree
structure of the kind already in the template store (each seed made once first), seeds 0..N-1 in turn; medians.

Usage: .venv/bin/python benchmarks/add_asset_split.py [--categories table_lamp,floor_lamp] [--assets 40]
       [--clock cpu|wall]
Prints one line per category and, on its last line, one JSON object.
"""
import argparse
import collections
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--categories", default="table_lamp,floor_lamp")
    ap.add_argument("--assets", type=int, default=40)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    a = ap.parse_args()
    clock = time.process_time if a.clock == "cpu" else time.perf_counter
    import bpy
    from backend.blender import procgen
    acc = collections.defaultdict(float)

    def timed(owner, name, label):
        f = getattr(owner, name)

        def w(*args, **kw):
            t = clock()
            try:
                return f(*args, **kw)
            finally:
                acc[label] += clock() - t
        setattr(owner, name, w)
    for owner, name, label in ((procgen, "generate", "factory"), (procgen, "build_mesh", "mesh"),
                               (procgen.Build, "material", "materials"), (procgen, "ensure_collection", "collection"),
                               (procgen, "set_asset_props", "properties"), (procgen, "place", "place")):
        timed(owner, name, label)
    rows = []
    for cat in a.categories.split(","):
        for seed in range(a.seeds):   # every structure of the kind in the store
            bpy.ops.wm.read_factory_settings(use_empty=True)
            procgen.add_asset(bpy.context.scene, cat, seed)
        parts = collections.defaultdict(list)
        for i in range(a.assets):
            bpy.ops.wm.read_factory_settings(use_empty=True)
            acc.clear()
            t = clock()
            procgen.add_asset(bpy.context.scene, cat, i % a.seeds)
            total = clock() - t
            for k in ("factory", "mesh", "materials", "collection", "properties", "place"):
                parts[k].append(acc[k])
            parts["rest"].append(total - sum(acc.values()))
            parts["total"].append(total)
        row = {"category": cat, **{k: round(statistics.median(v) * 1e3, 3) for k, v in parts.items()},
               "best_total": round(min(parts["total"]) * 1e3, 3)}
        rows.append(row)
        print(" ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    print(json.dumps({"figure": "add_asset_split", "clock": a.clock, "rows": rows, "load": list(os.getloadavg())}))


if __name__ == "__main__":
    main()
