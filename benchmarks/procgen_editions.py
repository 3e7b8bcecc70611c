"""Figure: triangles (min / median / max) and generation time per asset, factory edition 1 against the current
edition, per category (bpy-free: the numpy meshes the factories return, before Blender).

With ``--scenes``: also plan + build (in bpy) living rooms 0 and 1 and 3-room apartment 0 with each edition,
twice, and report seconds and triangles. Scene graphs do not record the edition, so this sets the default edition
``registry.generate`` uses for the run (a benchmark-only switch; the product always builds the current edition).

``--editions 2,3`` compares other editions (a category new in the later one is measured there alone);
``--params '{"conifer": 1}'`` fixes some of every category's parameters (the rest drawn from the seed).

Usage: .venv/bin/python benchmarks/procgen_editions.py [--seeds 20] [--categories book,bottle,...] [--editions 1,3]
       [--scenes] [--params JSON]
Prints one JSON object on its last line.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from backend.procgen import geometry  # noqa: E402
from backend.procgen.factories import build_registry  # noqa: E402
from backend.procgen.registry import generate  # noqa: E402

INDOOR = ("book", "bottle", "mug", "bowl", "plate", "vase", "potted_plant", "table", "coffee_table", "bookshelf",
          "cabinet", "nightstand", "desk", "tv_stand", "wardrobe", "kitchen_counter", "vanity")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20, help="seeds per category and edition (0 .. N-1)")
    ap.add_argument("--categories", default=",".join(INDOOR), help="comma-separated categories")
    ap.add_argument("--editions", default=f"1,{geometry.EDITION}", help="comma-separated factory editions to compare")
    ap.add_argument("--scenes", action="store_true", help="also time scene plan + build per edition (needs bpy)")
    ap.add_argument("--params", default="{}", help="JSON object of parameters fixed for every category")
    a = ap.parse_args()
    reg = build_registry()
    fixed = json.loads(a.params)
    out = {}
    for cat in a.categories.split(","):
        row = {}
        for ed in [int(e) for e in a.editions.split(",")]:
            generate(reg, cat, 0, fixed, edition=ed)  # warm caches (icospheres, bevel topologies)
            tris, secs = [], []
            for s in range(a.seeds):
                t0 = time.perf_counter()
                asset, _ = generate(reg, cat, s, fixed, edition=ed)
                secs.append(time.perf_counter() - t0)
                tris.append(len(geometry.fan_triangles(asset.mesh)))
            row[f"edition_{ed}"] = {"triangles": [min(tris), int(statistics.median(tris)), max(tris)],
                                    "ms_median": round(1000 * statistics.median(secs), 2)}
        out[cat] = row
    result = {"figure": "procgen_editions", "seeds": a.seeds, "params": fixed, "edition": geometry.EDITION, "cpus": os.cpu_count(),
              "load": [round(x, 2) for x in os.getloadavg()], "per_category": out}
    if a.scenes:
        result["scenes"] = _scenes()
    print(json.dumps(result))


def _scenes():
    import bpy
    from backend.blender.procgen import build_scene
    from backend.procgen.plan import plan
    from procgen_build import _scene_tris
    runs = []
    for rep in range(2):
        for ed in (1, geometry.EDITION):  # (setting registry.EDITION, as this did, no longer picks an edition)
            for t, s, prm in (("living_room", 0, None), ("living_room", 1, None), ("apartment", 0, {"rooms": 3})):
                bpy.ops.wm.read_factory_settings(use_empty=True)
                t0 = time.perf_counter()
                g = plan(t, s, prm, edition=ed)
                t1 = time.perf_counter()
                build_scene(bpy.context.scene, g)
                t2 = time.perf_counter()
                runs.append({"rep": rep, "edition": ed, "type": t, "seed": s, "plan_s": round(t1 - t0, 2),
                             "build_s": round(t2 - t1, 2), "triangles": _scene_tris(bpy.context.scene)})
    return runs


if __name__ == "__main__":
    main()
