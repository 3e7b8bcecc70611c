"""Memory of one worker after many consecutive scenes: SCENES room scenes built and rendered (one small frame
each) in one process, the way a long shard sequence would run in a persistent worker; RSS after each.

    python benchmarks/dataset_memory.py [--scenes 50] [--size 64]
"""
import argparse
import tempfile
import time

import psutil
from _util import emit

import bpy  # noqa: F401  (the bpy module: Blender in this process)
from backend.blender import dataset as bds
from backend.dataset.spec import DatasetSpec, Shard

ap = argparse.ArgumentParser()
ap.add_argument("--scenes", type=int, default=50)
ap.add_argument("--size", type=int, default=64)
ap.add_argument("--type", default="room")
args = ap.parse_args()

out = tempfile.mkdtemp(prefix="conjure-mem-")
proc = psutil.Process()
rss = []
t0 = time.perf_counter()
for seed in range(args.scenes):
    spec = DatasetSpec.from_json({"output_dir": out, "scene_type": args.type, "seeds": [seed], "frames": 1,
                                  "width": args.size, "height": args.size, "render": {"samples": 1}})
    bds.render_shard(spec, Shard(seed, 0, 1))
    rss.append(proc.memory_info().rss / 2**20)
emit({"figure": "dataset worker memory over consecutive scenes", "scene_type": args.type, "scenes": args.scenes,
      "size": args.size, "rss_mib_after_1": round(rss[0], 1), "rss_mib_after_10": round(rss[min(9, len(rss) - 1)], 1),
      "rss_mib_after_last": round(rss[-1], 1), "rss_mib_max": round(max(rss), 1),
      "growth_mib_per_scene_after_10": round((rss[-1] - rss[min(9, len(rss) - 1)]) / max(len(rss) - 10, 1), 2),
      "seconds": round(time.perf_counter() - t0, 1)})
