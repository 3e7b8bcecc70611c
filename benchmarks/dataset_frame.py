"""Seconds per 512x512 dataset frame with every ground-truth pass, scene build included (goal: under 10 s).

One shard in this process (bpy 4.5 as a module): a room scene built, then FRAMES frames rendered with the
default "fast" preset (Cycles CPU, 8 adaptive samples, 2 bounces, OpenImageDenoise) and all passes written.
Reported: build seconds, render+write seconds per frame, (build + frames) / frames, and where the time goes
(stages summed over the frames: Cycles' render, writing + reading the EXR, the RGB PNG, ground truth, boxes,
file writing), CPU seconds and the load average.

    python benchmarks/dataset_frame.py [--size 512] [--frames 3] [--quality fast] [--type room]
"""
import argparse
import os
import sys
import resource
import tempfile
import time

from _util import emit

import bpy
from backend.blender import dataset as bds
from backend.dataset.spec import DatasetSpec, Shard

ap = argparse.ArgumentParser()
ap.add_argument("--size", type=int, default=512)
ap.add_argument("--frames", type=int, default=3)
ap.add_argument("--quality", default="fast")
ap.add_argument("--type", default="room")
ap.add_argument("--seed", type=int, default=0)
args = ap.parse_args()

spec = DatasetSpec.from_json({"output_dir": tempfile.mkdtemp(prefix="conjure-bench-"), "scene_type": args.type,
                              "seeds": [args.seed], "frames": args.frames, "frames_per_shard": args.frames,
                              "width": args.size, "height": args.size, "quality": args.quality})
stamps = []
t0 = time.perf_counter()
orig_build = bds.build


def timed_build(*a, **kw):
    out = orig_build(*a, **kw)
    stamps.append(time.perf_counter())
    return out


bds.build = timed_build
stages = {}


def timed(name, fn):
    def wrapper(*a, **kw):
        t = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            stages[name] = stages.get(name, 0.0) + time.perf_counter() - t
    return wrapper


renders = []
bpy.app.handlers.render_init.append(bpy.app.handlers.persistent(lambda *_: renders.append([time.perf_counter()])))
bpy.app.handlers.render_complete.append(bpy.app.handlers.persistent(lambda *_: renders[-1].append(time.perf_counter())))
for name in ("render_exr", "display_rgb", "ground_truth", "studio_rgb", "amodal_box", "boxes_2d", "_png", "_npy"):
    setattr(bds, name, timed(name, getattr(bds, name)))
bds.Writer.write = timed("write_files", bds.Writer.write)
bds.render_shard(spec, Shard(args.seed, 0, args.frames), progress=lambda f: stamps.append(time.perf_counter()))
total = time.perf_counter() - t0
build_s = stamps[0] - t0
per_frame = [b - a for a, b in zip(stamps, stamps[1:])]
emit({"figure": "dataset seconds per frame", "size": args.size, "scene": f"{args.type}_{args.seed}",
      "preset": args.quality, "render": spec.render.__dict__, "passes": list(spec.passes),
      "build_s": round(build_s, 2), "frame_s": [round(x, 2) for x in per_frame],
      "seconds_per_frame_incl_build": round(total / args.frames, 2),
      "stages_s": {"cycles_render": round(sum(b - a for a, b in (r[:2] for r in renders if len(r) > 1)), 2),
                   **{k: round(v, 3) for k, v in sorted(stages.items())}},
      "cpu_s_total": round(sum(getattr(resource.getrusage(resource.RUSAGE_SELF), k) for k in ("ru_utime", "ru_stime")), 1),
      "load_average_1min": os.getloadavg()[0],
      "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})
sys.stdout.flush()
os._exit(0)  # bpy 4.5's exit can hang in a static destructor after renders (see backend/dataset/shard.py)
