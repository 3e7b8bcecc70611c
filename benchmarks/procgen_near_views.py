"""Figure: main camera views spoilt by something right in front of the lens, over room types x seeds (bpy-free):
a view counts when one thing nearer than 1 m (an object's box, a door leaf, a window or a wall) fills more than 8 %
of its frame (``views.near_share``); also how many main views are from a high corner rather than eye height, views
whose walls nearer than 1 m fill over 8 %, the worst share, what did it, views with one thing over 8 % within 1.5 m, views
with an open door leaf over 10 % within 3 m, and how many objects the main views see.

Usage: .venv/bin/python benchmarks/procgen_near_views.py [--seeds 50] [--types living_room,bedroom,...]
Prints one JSON object on its last line.
"""
import argparse
import json
import os
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from backend.procgen.layout import HIGH_VIEW_Z  # noqa: E402
from backend.procgen.plan import plan  # noqa: E402
from backend.procgen.rooms import ROOM_KINDS  # noqa: E402
from backend.procgen.views import LEAF_MAX, LEAF_NEAR, NEAR_MAX, PICK_NEAR, near_shares  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--types", default=",".join(ROOM_KINDS))
    a = ap.parse_args()
    out, t0 = {}, time.perf_counter()
    for t in a.types.split(","):
        spoilt, worst, by, sees, wide, leaf, high, walls = [], 0.0, Counter(), [], 0, 0, 0, 0
        for s in range(a.seeds):
            g = plan(t, s)
            cam = g["cameras"][0]
            sh = near_shares(g, cam)
            thing, share = max(sh.items(), key=lambda kv: kv[1], default=(None, 0.0))
            sees.append(cam["sees"])
            high += cam["location"][2] > HIGH_VIEW_Z
            walls += sum(v for k, v in sh.items() if k.startswith("wall")) > NEAR_MAX
            wide += max(near_shares(g, cam, near=PICK_NEAR).values(), default=0.0) > NEAR_MAX
            leaf += max((v for k, v in near_shares(g, cam, near=LEAF_NEAR).items() if k.startswith("door")), default=0.0) > LEAF_MAX
            if share > NEAR_MAX:
                spoilt.append(s)
                by[thing.rsplit("_", 1)[0] if not thing.startswith("door") else "door"] += 1
            worst = max(worst, share)
        out[t] = {"spoilt": len(spoilt), "seeds": spoilt, "by": dict(by), "worst_share": round(worst, 3), f"spoilt_within_{PICK_NEAR}_m": wide,
                f"door_leaf_over_{LEAF_MAX}_within_{LEAF_NEAR}_m": leaf,
                  "sees_median": float(np.median(sees)), "main_from_high_corner": high, f"walls_over_{NEAR_MAX}_within_1_m": walls}
        print(t, out[t], flush=True)
    print(json.dumps({"figure": "procgen_near_views", "seeds": a.seeds, "near_m": 1.0, "max_share": NEAR_MAX,
                      "types": out, "spoilt_total": sum(v["spoilt"] for v in out.values()),
                      "seconds": round(time.perf_counter() - t0, 1)}))


if __name__ == "__main__":
    main()
