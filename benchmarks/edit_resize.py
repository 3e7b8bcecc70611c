"""Figure: how many "make the room bigger / wider / deeper" edits pass the scene's own constraint checks, over
room types and seeds (issue #14: living room 2 failed: its door stayed put while the sideboard moved into its
clearance). bpy-free.

Usage: .venv/bin/python benchmarks/edit_resize.py [--seeds 12] [--types living_room,bedroom,dining_room,office]
Prints one JSON object on its last line: per type, edits that passed, were refused for breaking constraints
(with the first few reasons), or hit the type's size limit.
"""
import argparse
import time

from _util import emit

from backend.edit import EditError, apply_instruction
from backend.procgen.plan import plan


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=12)
    ap.add_argument("--types", default="living_room,bedroom,dining_room,office")
    a = ap.parse_args()
    out = {}
    t0 = time.perf_counter()
    for t in a.types.split(","):
        r = {"passed": 0, "refused": 0, "at_size_limit": 0, "examples": []}
        for s in range(a.seeds):
            g = plan(t, s)
            for how in ("bigger", "wider", "deeper"):
                try:
                    apply_instruction(g, f"make the room {how}")
                    r["passed"] += 1
                except EditError as e:
                    if "already as" in str(e):
                        r["at_size_limit"] += 1
                    else:
                        r["refused"] += 1
                        if len(r["examples"]) < 3:
                            r["examples"].append([s, how, str(e)[:160]])
        out[t] = r
    emit({"figure": "edit_resize", "seeds": a.seeds, "types": out, "s": round(time.perf_counter() - t0, 1)})


if __name__ == "__main__":
    main()
