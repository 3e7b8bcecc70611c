"""Figure: triangles (min / median / max) and generation time per asset, factory edition 1 against the current
edition, per category (bpy-free: the numpy meshes the factories return, before Blender).

Usage: .venv/bin/python benchmarks/procgen_editions.py [--seeds 20] [--categories book,bottle,...]
Prints one JSON object on its last line.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from backend.procgen import geometry  # noqa: E402
from backend.procgen.factories import build_registry  # noqa: E402
from backend.procgen.registry import generate  # noqa: E402

INDOOR = ("book", "bottle", "mug", "bowl", "plate", "vase", "potted_plant", "table", "coffee_table", "bookshelf",
          "cabinet", "nightstand", "desk", "tv_stand", "wardrobe", "kitchen_counter", "vanity")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20, help="seeds per category and edition (0 .. N-1)")
    ap.add_argument("--categories", default=",".join(INDOOR), help="comma-separated categories")
    a = ap.parse_args()
    reg = build_registry()
    out = {}
    for cat in a.categories.split(","):
        row = {}
        for ed in (1, geometry.EDITION):
            generate(reg, cat, 0, edition=ed)  # warm caches (icospheres, bevel topologies)
            tris, secs = [], []
            for s in range(a.seeds):
                t0 = time.perf_counter()
                asset, _ = generate(reg, cat, s, edition=ed)
                secs.append(time.perf_counter() - t0)
                tris.append(len(geometry.fan_triangles(asset.mesh)))
            row[f"edition_{ed}"] = {"triangles": [min(tris), int(statistics.median(tris)), max(tris)],
                                    "ms_median": round(1000 * statistics.median(secs), 2)}
        out[cat] = row
    print(json.dumps({"figure": "procgen_editions", "seeds": a.seeds, "edition": geometry.EDITION, "cpus": os.cpu_count(),
                      "load": [round(x, 2) for x in os.getloadavg()], "per_category": out}))


if __name__ == "__main__":
    main()
