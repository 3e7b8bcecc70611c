"""Figure: constraint sweep over many seeds per scene type, measured on real triangles (bpy-free planning;
mathutils' BVH for triangle overlap): objects floating more than 5 mm above their support, interpenetrating
object pairs, other constraint violations (tucked chairs included: clear of their table on real triangles, seat
front under the edge), chairs tucked under tables, desks with a chair tucked under them, and distinct furniture
sets per 100 seeds.

Usage: .venv/bin/python benchmarks/procgen_sweep.py [--seeds 30] [--types room,living_room,...]
Prints one JSON object on its last line.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bpy  # noqa: E402,F401  (makes mathutils importable)
import numpy as np  # noqa: E402
from mathutils.bvhtree import BVHTree  # noqa: E402

from backend.procgen.constraints import MAX_FLOAT, AssetCache, support_contact, violations  # noqa: E402
from backend.procgen.geometry import fan_triangles  # noqa: E402
from backend.procgen.plan import SCENE_TYPES, plan  # noqa: E402


def interpenetrating_pairs(g, cache):
    objs = g["objects"]
    lo = np.array([o["bounds"]["lo"] for o in objs])
    hi = np.array([o["bounds"]["hi"] for o in objs])
    bvh = {}

    def tree(i):
        if i not in bvh:
            v, _ = cache.world(objs[i])
            bvh[i] = BVHTree.FromPolygons(v.tolist(), fan_triangles(cache.get(objs[i]).mesh).tolist())
        return bvh[i]
    bad = []
    for i in range(len(objs)):
        cand = np.flatnonzero((lo[i + 1:] <= hi[i]).all(axis=1) & (hi[i + 1:] >= lo[i]).all(axis=1)) + i + 1
        for j in cand:
            if tree(i).overlap(tree(j)):
                bad.append((objs[i]["id"], objs[int(j)]["id"]))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--types", default=",".join(SCENE_TYPES))
    a = ap.parse_args()
    out = {}
    for t in a.types.split(","):
        t0 = time.perf_counter()
        floating = inter = viol_seeds = chairs = tucked = desks = desks_chaired = 0
        sets = set()
        counts = []
        examples = []
        for s in range(a.seeds):
            g = plan(t, s)
            cache = AssetCache()
            by_id = {o["id"]: o for o in g["objects"]}
            for o in g["objects"]:
                if isinstance(o["support"], dict):
                    gap, _ = support_contact(o, by_id[o["support"]["object"]], cache)
                    floating += gap > MAX_FLOAT
            pairs = interpenetrating_pairs(g, cache)
            inter += len(pairs)
            if pairs and len(examples) < 5:
                examples.append((s, pairs[:2]))
            v = violations(g)
            viol_seeds += bool(v)
            if v and len(examples) < 5:
                examples.append((s, [str(x) for x in v[:2]]))
            sets.add(tuple(sorted(o["category"] for o in g["objects"] if o["support"] in ("floor", "ground"))))
            counts.append(len(g["objects"]))
            chairs += sum(o["category"] == "chair" for o in g["objects"])
            tucked += sum(bool(o.get("tucked_under")) for o in g["objects"])
            under = {o["tucked_under"]["object"] for o in g["objects"] if o.get("tucked_under")}
            desks += sum(o["category"] == "desk" for o in g["objects"])
            desks_chaired += sum(o["category"] == "desk" and o["id"] in under for o in g["objects"])
        out[t] = {"seeds": a.seeds, "floating_over_5mm": int(floating), "interpenetrating_pairs": inter,
                  "seeds_with_violations": viol_seeds, "distinct_furniture_sets_per_100": round(100 * len(sets) / a.seeds, 1),
                  "chairs": chairs, "chairs_tucked": tucked, "desks": desks,
                  "desks_with_chair_tucked": desks_chaired, "objects_median": int(np.median(counts)), "objects_max": int(max(counts)),
                  "s_per_seed": round((time.perf_counter() - t0) / a.seeds, 2), "examples": examples}
        print(t, out[t], file=sys.stderr)
    print(json.dumps({"figure": "procgen_sweep", "cpus": os.cpu_count(), "types": out}))


if __name__ == "__main__":
    main()
