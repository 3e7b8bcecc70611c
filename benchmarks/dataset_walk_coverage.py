"""Fraction of a room's objects a walk sees, two ways:

* frustum (every seed, no rendering): objects whose bounding-box centre enters the camera's frustum (square frame)
  in at least one frame; apartments count the objects of the room the walk is in;
* rendered (``--render K``: the first K seeds of each type, preview quality, 96 x 96): objects with at least one
  pixel in the instance pass of at least one frame (occlusion included), over the objects of the walk's room.

``--root`` renders with another checkout's code (e.g. main, to compare); the frustum figure always uses this one.

    python benchmarks/dataset_walk_coverage.py [--seeds 30] [--frames 8] [--types room,...] [--render 3] [--root DIR]
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np
from _util import ROOT, emit

from backend.dataset.camera import _inside_room, trajectory
from backend.procgen.plan import plan

ap = argparse.ArgumentParser()
ap.add_argument("--seeds", type=int, default=30)
ap.add_argument("--frames", type=int, default=8)
ap.add_argument("--types", default="room,living_room,bedroom,kitchen,dining_room,office,bathroom,apartment")
ap.add_argument("--kind", default="walk")
ap.add_argument("--render", type=int, default=0, help="seeds per type also rendered (0 = none)")
ap.add_argument("--root", default=ROOT, help="checkout whose code renders")
args = ap.parse_args()


def rendered_fraction(kind, seed):
    out = tempfile.mkdtemp(prefix="conjure-walk-")
    subprocess.run([sys.executable, "-m", "backend.cli", "dataset", "--out", out, "--type", kind, "--seeds", str(seed),
                    "--frames", str(args.frames), "--frames-per-shard", str(args.frames), "--size", "96",
                    "--quality", "preview", "--trajectory", args.kind, "--passes", "instance,boxes", "--quiet"],
                   cwd=args.root, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    (scene_dir,) = glob.glob(os.path.join(out, "scenes", "*"))
    with open(os.path.join(scene_dir, "graph.json")) as fh:
        graph = json.load(fh)
    with open(os.path.join(scene_dir, "frames", "000000.json")) as fh:
        cam = np.array(json.load(fh)["views"][0]["camera"]["c2w"])[:3, 3]
    rooms = [(np.array(r["lo"]), np.array(r["hi"])) for r in graph.get("rooms", [])]
    room = next(((lo, hi) for lo, hi in rooms if np.all((lo <= cam) & (cam <= hi))), None)
    in_room = {o["id"] for o in graph["objects"] if room is None or np.all(
        (room[0] <= (np.array(o["bounds"]["lo"]) + o["bounds"]["hi"]) / 2)
        & ((np.array(o["bounds"]["lo"]) + o["bounds"]["hi"]) / 2 <= room[1]))}
    seen, objects = set(), set()
    for f in glob.glob(os.path.join(scene_dir, "frames", "*.json")):
        with open(f) as fh:
            view = json.load(fh)["views"][0]
        for o in view["objects"]:
            if o["kind"] == "object" and o["id"] in in_room:
                objects.add(o["instance_id"])
                if o["pixels"] > 0:
                    seen.add(o["instance_id"])
    return len(seen) / max(len(objects), 1)


def in_view(c2w, lens, points, sensor=36.0):
    """Bool[N]: points inside the camera's (square) frustum."""
    cam = (points - c2w[:3, 3]) @ c2w[:3, :3]  # world -> camera (OpenGL: looks along -z)
    depth = -cam[:, 2]
    half = sensor / 2 / lens
    return (depth > 0.05) & (np.abs(cam[:, 0]) <= half * depth) & (np.abs(cam[:, 1]) <= half * depth)


by_type = {}
for kind in args.types.split(","):
    fractions = []
    for seed in range(args.seeds):
        g = plan(kind, seed, {})
        room = _inside_room(g)
        centres = np.array([(np.asarray(o["bounds"]["lo"]) + np.asarray(o["bounds"]["hi"])) / 2
                            for o in g["objects"]])
        if room is not None:
            centres = centres[np.all((room[0] <= centres) & (centres <= room[1]), axis=1)]
        if not len(centres):
            continue
        poses = trajectory(g, args.frames, args.kind, seed)[:args.frames]
        seen = np.zeros(len(centres), bool)
        for p in poses:
            seen |= in_view(p, g["cameras"][0]["lens"], centres)
        fractions.append(float(seen.mean()))
    by_type[kind] = {"mean": round(statistics.mean(fractions), 3), "min": round(min(fractions), 3),
                     "p10": round(sorted(fractions)[len(fractions) // 10], 3), "n": len(fractions)}
    if args.render:
        r = [rendered_fraction(kind, seed) for seed in range(args.render)]
        by_type[kind]["rendered"] = [round(x, 3) for x in r]
all_means = [v["mean"] for v in by_type.values()]
rendered = [x for v in by_type.values() for x in v.get("rendered", [])]
emit({"figure": f"fraction of a room's objects seen over a {args.kind}", "frames": args.frames,
      "seeds": args.seeds, "by_type": by_type, "frustum_mean_over_types": round(statistics.mean(all_means), 3),
      "rendered_mean": round(statistics.mean(rendered), 3) if rendered else None,
      "rendered_code": os.path.abspath(args.root), "load_average_1min": os.getloadavg()[0]})
