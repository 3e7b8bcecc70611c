"""Where the embedded model loses a category: the autoencoder alone, or the prompt -> latent prior.

Held-out assets (the evaluation corpus seed, which the generator never saw) are encoded and decoded by the
autoencoder only (no prompt, no diffusion) onto the pipeline's decoded grid (64 a side), and the independent judge
labels 1,024 points sampled within half a cell of its zero level set. A category the judge gets right on the
real assets but wrong on their reconstructions is lost by the autoencoder (decoder capacity, the latent); one that
reconstructs well but generates badly (embedded_quality.py) is lost by the prior or the captions. The judge
also labels each asset as a perfect generator would hand it over (``grid_shell``: the true surface pushed out
by the learnt offset and meshed on the same lattice): the ceiling of any generator through this mesh path.

    python benchmarks/embedded_recon.py [--per-category 10] [--model DIR]
"""
import argparse
import os
import time

import numpy as np

from _embedded import classify, eval_corpus, grid_shell, load_classifier
from _util import emit


def main():
    import torch

    from backend.generate.embedded.geometry import normalise
    from backend.generate.embedded.pipeline import WEIGHTS, Embedded

    ap = argparse.ArgumentParser()
    ap.add_argument("--per-category", type=int, default=10)
    ap.add_argument("--model", default="")
    a = ap.parse_args()
    torch.set_num_threads(2)
    os.environ["HF_HUB_OFFLINE"] = "1"
    t0 = time.time()
    judge, classes = load_classifier()
    c = eval_corpus()
    model = Embedded(a.model or WEIGHTS, "cpu", 64)
    ae = model.model.autoencoder
    rng = np.random.default_rng(0)
    real, ideal, recon = {}, {}, {}
    for cat in sorted({m["category"] for m in c.meta}):
        idx = [i for i, m in enumerate(c.meta) if m["category"] == cat][:a.per_category]
        for i in idx:
            real.setdefault(cat, []).append(classify(judge, classes, np.asarray(c.surface[i, :, :3], np.float32)))
            ideal.setdefault(cat, []).append(classify(judge, classes, grid_shell(c.meta[i], rng)))
            with torch.no_grad():
                z = ae.standardise(ae.encoder(torch.from_numpy(np.asarray(c.surface[i:i + 1, :512], np.float32))))
            grid, _ = model._decode_grid(z, 64)
            h = 2.0 / (grid.shape[0] - 1)
            pts = -1.0 + np.argwhere(np.abs(grid) < h) * h
            if len(pts) == 0:
                recon.setdefault(cat, []).append("(empty)")
                continue
            pts = pts[rng.choice(len(pts), 1024)] + rng.uniform(-h / 2, h / 2, (1024, 3))
            pts, _ = normalise(pts)
            recon.setdefault(cat, []).append(classify(judge, classes, pts.astype(np.float32)))
    per_real = {k: round(float(np.mean([p == k for p in v])), 2) for k, v in real.items()}
    per_recon = {k: round(float(np.mean([p == k for p in v])), 2) for k, v in recon.items()}
    per_ideal = {k: round(float(np.mean([p == k for p in v])), 2) for k, v in ideal.items()}
    emit({"benchmark": "embedded_recon", "model": a.model or "shipped", "per_category": a.per_category,
          "judge_on_real": round(float(np.mean(list(per_real.values()))), 4),
          "judge_through_mesh_path": round(float(np.mean(list(per_ideal.values()))), 4),
          "judge_on_reconstructions": round(float(np.mean(list(per_recon.values()))), 4),
          "real_per_category": per_real, "through_mesh_path_per_category": per_ideal,
          "recon_per_category": per_recon,
          "recon_labels": {k: v for k, v in recon.items() if per_recon[k] < 1.0},
          "seconds": round(time.time() - t0, 1)})


if __name__ == "__main__":
    main()
