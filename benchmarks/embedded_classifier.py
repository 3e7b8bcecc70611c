"""Train the independent point-cloud classifier that judges the embedded model's shapes.

It learns on a corpus built from its own seed (never used to train the generator), from surface points only
(no colour), with the augmentations a generated mesh needs (points are jittered, pushed out along a random small
offset, and scaled per axis). Each item is seen two ways, half the time each: its exact surface, and its surface
as any generator's output reaches the judge through the mesh path (``grid_shell``: the offset level meshed on
the 64-point lattice). Trained on exact surfaces only, the judge could not recognise a perfect reconstruction of
a grass tuft (its blades come back as two-sided slabs): through the mesh path it scored 84 % on the evaluation
assets themselves, 0 % on grass. Its own accuracy is measured, both ways, on a part of that corpus it did not
train on. Weights go to the benchmark cache, outside the repo.

    python benchmarks/embedded_classifier.py [--per-category 80] [--steps 1600]
"""
import argparse
import os
import time

import numpy as np

from _embedded import BENCH_CACHE, CLASSIFIER_SEED, classifier_model, classifier_path, grid_shell
from _util import emit

from backend.generate.embedded import corpus  # noqa: E402


def _shells(c, path: str) -> np.ndarray:
    """``grid_shell`` of every item (Float32[N, 1024, 3]), cached next to the judge's weights (6 min to build)."""
    if os.path.exists(path):
        cached = np.load(path)
        if len(cached) == len(c):
            return cached
    rng = np.random.default_rng(1)
    out = np.stack([grid_shell(m, rng) for m in c.meta])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path + ".tmp.npy", out)
    os.replace(path + ".tmp.npy", path)
    return out


def main():
    import torch

    ap = argparse.ArgumentParser()
    ap.add_argument("--per-category", type=int, default=80)
    ap.add_argument("--steps", type=int, default=1600)
    a = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    t0 = time.time()
    folder = os.path.join(corpus.default_cache(), f"classifier-s{CLASSIFIER_SEED}-n{a.per_category}-v{corpus.VERSION}")
    c = corpus.Corpus(corpus.build(folder, CLASSIFIER_SEED, a.per_category, log=lambda s: None))
    build_s = time.time() - t0
    classes = sorted({m["category"] for m in c.meta})
    y = np.array([classes.index(m["category"]) for m in c.meta])
    pts = np.asarray(c.surface[..., :3], np.float32)
    shells = _shells(c, os.path.join(BENCH_CACHE, os.path.basename(folder) + "-shells.npy"))
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    test, train = order[: len(y) // 5], order[len(y) // 5:]
    model = classifier_model(len(classes))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    for step in range(a.steps):
        b = rng.choice(train, 64)
        sub = rng.integers(0, pts.shape[1], size=256)
        x = np.where(rng.random((len(b), 1, 1)) < 0.5, pts[b][:, sub], shells[b][:, sub])
        x = x * rng.uniform(0.85, 1.15, size=(len(b), 1, 3)) + rng.normal(0, 0.015, size=x.shape)
        x = x + rng.uniform(0, 0.03, size=(len(b), 1, 1)) * x / (np.linalg.norm(x, axis=2, keepdims=True) + 1e-6)
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x.astype(np.float32))),
                                                 torch.from_numpy(y[b]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(pts[test][:, :256])).argmax(dim=1).numpy()
        pred_shell = model(torch.from_numpy(shells[test][:, :256])).argmax(dim=1).numpy()
    acc = float((pred == y[test]).mean())
    acc_shell = float((pred_shell == y[test]).mean())
    os.makedirs(os.path.dirname(classifier_path()), exist_ok=True)
    torch.save({"weights": model.state_dict(), "classes": classes}, classifier_path())
    emit({"benchmark": "embedded_classifier", "corpus_seed": CLASSIFIER_SEED, "items": len(y),
          "train_items": len(train), "test_items": len(test), "steps": a.steps, "test_accuracy": round(acc, 4),
          "test_accuracy_through_mesh_path": round(acc_shell, 4),
          "corpus_build_s": round(build_s, 1), "seconds": round(time.time() - t0, 1), "weights": classifier_path()})


if __name__ == "__main__":
    main()
