"""Embedded model, prompt -> textured GLB on this machine: time per stage, peak memory, weights size.

Runs the worker's real ``generate`` handler in this process with the shipped weights: a cold job (loads the
model and MiniLM) and then warm jobs (the model is cached in the worker, as it is between a user's prompts),
with the pipeline's fast settings and with GenerateParams' defaults (resolution 128, 1024 px texture,
20,000 faces, 64 steps).

    python benchmarks/embedded_stages.py [--repeats 3]
"""
import argparse
import os
import resource
import statistics
import tempfile
import time

from _embedded import FAST, generate
from _util import emit
from generate_stages import MeasuredContext

from backend.generate.embedded.pipeline import WEIGHTS  # noqa: E402

STAGES = ("load", "encode", "sample", "decode", "mesh_grid", "mesh", "clean", "decimate", "unwrap", "bake", "export")
PROMPTS = ("a tall narrow bookshelf with five shelves", "a small blue ceramic mug", "a red sofa with three seat cushions")


def main():
    import torch

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(2)
    os.environ["HF_HUB_OFFLINE"] = "1"
    out = tempfile.mkdtemp(prefix="conjure-bench-")
    runs = {}
    for label, settings in (("fast", {}), ("defaults", {"resolution": 128, "texture_size": 1024,
                                                         "face_budget": 20000, "steps": 64})):
        walls, timings = [], []
        for k in range(a.repeats + (1 if label == "fast" else 0)):
            prompt = PROMPTS[k % len(PROMPTS)]
            t = time.perf_counter()
            final, _, ctx = generate(prompt, os.path.join(out, f"{label}{k}"), seed=k, context=MeasuredContext,
                                     **settings)
            wall = time.perf_counter() - t
            assert final["event"] == "result", final.get("message")
            if label == "fast" and k == 0:
                runs["cold"] = {"wall_s": round(wall, 3), "prompt": prompt,
                                "stages_s": {s: round(final["metadata"]["timings"].get(s, 0.0), 3) for s in STAGES}}
                continue
            walls.append(wall)
            timings.append(final["metadata"]["timings"])
        runs[label] = {"settings": dict(FAST, **settings), "wall_s_median": round(statistics.median(walls), 3),
                       "stages_s_median": {s: round(statistics.median(t.get(s, 0.0) for t in timings), 3)
                                           for s in STAGES},
                       "faces": final["metadata"]["faces"]}
    size = sum(os.path.getsize(os.path.join(WEIGHTS, f)) for f in os.listdir(WEIGHTS))
    emit({"benchmark": "embedded_stages", "device": "cpu", "threads": torch.get_num_threads(), **runs,
          "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
          "weights_mb": round(size / 2**20, 2)})


if __name__ == "__main__":
    main()
