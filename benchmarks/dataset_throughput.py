"""Dataset frames per minute with 1 and 2 local worker processes and a 2-worker local Ray cluster, and the peak
memory (RSS) of one shard process.

Each configuration renders the same dataset into a fresh folder (room scenes, SIZE px, "fast" preset, all
passes, 2 frames per shard); shard processes are sampled with psutil every 0.2 s for their RSS.

    python benchmarks/dataset_throughput.py [--size 256] [--scenes 2] [--frames 4] [--skip-ray]
"""
import argparse
import os
import tempfile
import threading
import time

import psutil
from _util import emit

from backend.dataset.orchestrator import run
from backend.dataset.spec import DatasetSpec, RunOptions

ap = argparse.ArgumentParser()
ap.add_argument("--size", type=int, default=256)
ap.add_argument("--scenes", type=int, default=2)
ap.add_argument("--frames", type=int, default=4)
ap.add_argument("--type", default="room")
ap.add_argument("--skip-ray", action="store_true")
args = ap.parse_args()


def peak_shard_rss(stop, out):
    while not stop.is_set():
        for p in psutil.process_iter(["cmdline", "memory_info"]):
            try:
                if "backend.dataset.shard" in " ".join(p.info["cmdline"] or ()):
                    out[0] = max(out[0], p.info["memory_info"].rss)
            except (psutil.Error, TypeError):
                pass
        time.sleep(0.2)


def measure(options):
    spec = DatasetSpec.from_json({"output_dir": tempfile.mkdtemp(prefix="conjure-tp-"), "scene_type": args.type,
                                  "seeds": list(range(args.scenes)), "frames": args.frames, "frames_per_shard": 2,
                                  "width": args.size, "height": args.size})
    stop, peak = threading.Event(), [0]
    t = threading.Thread(target=peak_shard_rss, args=(stop, peak), daemon=True)
    t.start()
    t0 = time.perf_counter()
    summary = run(spec, options)
    dt = time.perf_counter() - t0
    stop.set()
    t.join()
    return {"frames": summary["frames_done"], "seconds": round(dt, 1),
            "frames_per_minute": round(summary["frames_done"] / dt * 60, 2),
            "peak_shard_rss_mib": round(peak[0] / 2**20, 1), "load_average_1min": round(os.getloadavg()[0], 1)}


results = {"local_1": measure(RunOptions(workers=1)), "local_2": measure(RunOptions(workers=2))}
if not args.skip_ray:
    import ray
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        results["ray_2"] = measure(RunOptions(executor="ray", workers=2))
    finally:
        ray.shutdown()
emit({"figure": "dataset throughput", "scene_type": args.type, "size": args.size, "preset": "fast",
      "scenes": args.scenes, "frames_per_scene": args.frames, **results})
