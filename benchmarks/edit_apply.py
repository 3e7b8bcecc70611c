"""Figure: time from Apply to the updated scene (issue #13), per edit group, for a built living room of 34 objects
(living_room seed 1; 45 with walls, floor, door, window, lights and cameras). Goal: < 0.5 s for every group that
does not generate a new prop.

"apply" is the whole of ``backend.blender.edit.apply`` (parse, match, plan, the constraint checks, the Blender
objects rebuilt, the graph stored); "graph" is the bpy-free part alone (``backend.edit.apply_instruction``).
Each instruction runs --reps times, undone in between (so every run edits the same scene). The MiniLM load (once per
process, only when a word is in no table) is reported on its own.

Usage: .venv/bin/python benchmarks/edit_apply.py [--reps 3]
Prints one JSON object on its last line.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _util import emit, summary  # noqa: E402

import bpy  # noqa: E402

from backend.blender import edit as scene_edit  # noqa: E402
from backend.blender.procgen import build_scene  # noqa: E402
from backend.edit import apply_instruction, match  # noqa: E402
from backend.procgen.plan import plan  # noqa: E402

GROUPS = {
    "appearance": "make the couch crimson", "appearance (MiniLM word)": "make the rug rosewood",
    "glow": "make the floor lamp glow warmer", "add": "add two candles on the coffee table",
    "add (floor)": "put a plant in the corner", "move": "move the armchair to the corner",
    "remove": "remove the floor lamp", "clear": "clear the coffee table", "swap": "swap the armchair for a floor lamp",
    "vary": "a different coffee table", "more": "more plants", "fewer": "fewer books", "lighting": "make it night",
    "camera": "look at the sofa from above", "room": "make the room bigger",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    t0 = time.perf_counter()
    ok = match.encoder_available()
    load = time.perf_counter() - t0
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    g = plan("living_room", 1)
    build_scene(scene, g)
    out = {"scene": "living_room seed 1", "objects": len(g["objects"]), "minilm_load_s": round(load, 3),
           "minilm": ok, "groups": {}}
    for group, text in GROUPS.items():
        graph_t, apply_t = [], []
        for _ in range(args.reps):
            t = time.perf_counter()
            apply_instruction(g, text)
            graph_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            res = scene_edit.apply(scene, text)
            apply_t.append(time.perf_counter() - t)
            scene_edit.undo(scene)
        out["groups"][group] = {"instruction": text, "message": res.message, "apply": summary(apply_t),
                                "graph": summary(graph_t)}
    out["worst_apply_median_s"] = max(v["apply"]["median"] for v in out["groups"].values())
    out["load"] = os.getloadavg()[0]
    emit(out)


if __name__ == "__main__":
    main()
