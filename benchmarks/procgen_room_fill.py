"""Figure: how full rooms are, as a user sees them in plan (bpy-free): objects per room, furniture pieces (standing
on the floor or on a rug; rugs not counted), and the share of the floor covered in plan by furniture footprints,
by rugs, and by both (their boxes' union on a 2 cm grid), medians over seeds; and how many rooms hold each piece.

Usage: .venv/bin/python benchmarks/procgen_room_fill.py [--seeds 30] [--types dining_room,office]
Prints one JSON object per type, the last line all of them.
"""
import argparse
import collections
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from backend.procgen.plan import plan  # noqa: E402

CELL = 0.02


def _pieces(g):
    """Furniture: objects standing on the floor or on a rug, rugs left out."""
    ids = {o["id"]: o for o in g["objects"]}
    return [o for o in g["objects"] if o["category"] != "rug" and (o["support"] == "floor" or (
        isinstance(o["support"], dict) and ids[o["support"]["object"]]["category"] == "rug"))]


def covered(g, objs) -> float:
    """Share of the (first) room's floor under the boxes of ``objs``."""
    (x0, y0, _), (x1, y1, _) = g["rooms"][0]["lo"], g["rooms"][0]["hi"]
    grid = np.zeros((int(round((x1 - x0) / CELL)), int(round((y1 - y0) / CELL))), bool)
    for o in objs:
        lo, hi = o["bounds"]["lo"], o["bounds"]["hi"]
        grid[max(0, int((lo[0] - x0) / CELL)):int(np.ceil((hi[0] - x0) / CELL)),
             max(0, int((lo[1] - y0) / CELL)):int(np.ceil((hi[1] - y0) / CELL))] = True
    return float(grid.mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--types", default="dining_room,office")
    a = ap.parse_args()
    out = {}
    for t in a.types.split(","):
        t0 = time.perf_counter()
        n, pieces, furn, rugs, both = [], [], [], [], []
        holds = collections.Counter()
        for s in range(a.seeds):
            g = plan(t, s)
            p = _pieces(g)
            r = [o for o in g["objects"] if o["category"] == "rug"]
            n.append(len(g["objects"]))
            pieces.append(len(p))
            furn.append(covered(g, p))
            rugs.append(covered(g, r))
            both.append(covered(g, p + r))
            holds.update({o["category"] for o in p + r})
        out[t] = {"seeds": a.seeds, "objects_median": float(np.median(n)), "objects_min": min(n), "objects_max": max(n),
                  "pieces_median": float(np.median(pieces)), "pieces_min": min(pieces),
                  "furniture_cover_median": round(float(np.median(furn)), 3), "rug_cover_median": round(float(np.median(rugs)), 3),
                  "cover_median": round(float(np.median(both)), 3), "cover_min": round(float(min(both)), 3),
                  "rooms_holding": dict(sorted(holds.items())), "s": round(time.perf_counter() - t0, 1)}
        print(json.dumps({t: out[t]}), flush=True)
    print(json.dumps({"figure": "procgen_room_fill", "load": os.getloadavg()[0], **out}))


if __name__ == "__main__":
    main()
