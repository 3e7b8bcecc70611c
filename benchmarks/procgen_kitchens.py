"""Figure: what kitchens hold over many seeds (bpy-free planning): objects per kitchen (min / median), kitchens
with a worktop with a sink and a cooker in one continuous run along a wall, with a fridge, with upper cabinets over
the run, and things on the worktops (min / median), at a given clutter density; how many kitchens have each piece
of kitchenware (kettle, saucepan, cutting board, knife block; edition 3) and a pan on the hob.

Usage: .venv/bin/python benchmarks/procgen_kitchens.py [--seeds 50] [--density 1.0]
Prints one JSON object on its last line.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from backend.procgen.kitchen import kitchen_run, on_worktops, uppers_over  # noqa: E402
from backend.procgen.plan import plan  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--density", type=float, default=1.0)
    a = ap.parse_args()
    t0 = time.perf_counter()
    n, things, run, fridge, uppers, sparse = [], [], 0, 0, 0, []
    ware = {k: 0 for k in ("kettle", "saucepan", "cutting_board", "knife_block")}
    on_hob = 0
    for s in range(a.seeds):
        g = plan("kitchen", s, {"density": a.density})
        n.append(len(g["objects"]))
        things.append(on_worktops(g))
        r = kitchen_run(g)
        run += r is not None
        uppers += r is not None and bool(uppers_over(g, r[0]))
        fridge += any(o["category"] == "fridge" for o in g["objects"])
        for k in ware:
            ware[k] += any(o["category"] == k for o in g["objects"])
        on_hob += any(isinstance(o["support"], dict) and o["support"]["object"].startswith("stove") for o in g["objects"])
        if r is None or things[-1] < 3:
            sparse.append(s)
    print(json.dumps({"figure": "procgen_kitchens", "seeds": a.seeds, "density": a.density,
                      "objects_min": int(min(n)), "objects_median": float(np.median(n)), "objects_max": int(max(n)),
                      "sink_and_cooker_in_one_run": run, "uppers_over_the_run": uppers, "fridge": fridge,
                      "worktop_things_min": int(min(things)), "worktop_things_median": float(np.median(things)),
                      "kitchens_with": ware, "pan_on_hob": on_hob, "seeds_without_run_or_under_3_things": sparse, "seconds": round(time.perf_counter() - t0, 1)}))


if __name__ == "__main__":
    main()
