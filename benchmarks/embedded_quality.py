"""Embedded model quality on held-out prompts: category accuracy (an independent classifier), coverage and
minimum matching distance (Chamfer) against held-out assets, and colour adherence.

Prompts are held-out phrasings (captions.HELDOUT_TEMPLATES) of assets from a corpus seed the generator never saw,
including one (category, colour) pair per category that training never showed. Every prompt goes through the
worker's real generate job (shipped weights, fast settings); the GLB is read back and sampled.

    python benchmarks/embedded_classifier.py     # first: trains the judge on its own corpus seed
    python benchmarks/embedded_quality.py [--per-category 5] [--model DIR]
"""
import argparse
import os
import tempfile
import time

import numpy as np

from _embedded import (classify, dominant_color, eval_corpus, eval_prompts, generate, glb_points,
                       load_classifier)
from _util import emit


def chamfer(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.spatial import cKDTree

    return float(cKDTree(b).query(a)[0].mean() + cKDTree(a).query(b)[0].mean())


SIZE_PAIRS = (  # (smaller prompt, larger prompt): the size head must order them
    ("a short bookshelf", "a tall bookshelf"), ("a small table", "a large table"), ("a short vase", "a tall vase"),
    ("a small bowl", "a large bowl"), ("a small young tree", "a tall tree"), ("a low bush", "a tall bush"),
    ("a short tuft of grass", "a tall tuft of grass"), ("a small potted plant", "a tall potted plant"),
    ("a small rock", "a boulder"), ("a short floor lamp", "a tall floor lamp"), ("a compact sofa", "a long sofa"),
    ("a single bed", "a double bed"), ("a low cabinet", "a tall cabinet"), ("a small book", "a large book"),
    ("a mug", "a table"), ("a book", "a bookshelf"), ("a tuft of grass", "a tree"), ("a plate", "a sofa"),
    ("a table lamp", "a floor lamp"), ("a bottle", "a cabinet"))


def size_word_pairs(model: str) -> dict:
    """How many (smaller, larger) prompt pairs the model's predicted sizes put in the right order."""
    from backend.generate import model_cache
    from backend.generate.embedded.pipeline import WEIGHTS, Embedded

    m = Embedded(model or WEIGHTS, "cpu")
    sizes = {t: None for pair in SIZE_PAIRS for t in pair}
    for t in sizes:
        got = m.model.predict_size(m.text.encode([t]))
        sizes[t] = None if got is None else round(float(got.max()), 3)
    model_cache.clear_cache()
    if any(v is None for v in sizes.values()):
        return {"right": None, "of": len(SIZE_PAIRS)}
    wrong = [f"{a} ({sizes[a]} m) >= {b} ({sizes[b]} m)" for a, b in SIZE_PAIRS if sizes[a] >= sizes[b]]
    return {"right": len(SIZE_PAIRS) - len(wrong), "of": len(SIZE_PAIRS), "wrong": wrong,
            "sizes_m": sizes}


def main():
    import torch

    ap = argparse.ArgumentParser()
    ap.add_argument("--per-category", type=int, default=5)
    ap.add_argument("--model", default="")
    ap.add_argument("--guidance", type=float)
    a = ap.parse_args()
    torch.set_num_threads(2)
    os.environ["HF_HUB_OFFLINE"] = "1"
    t0 = time.time()
    judge, classes = load_classifier()
    c = eval_corpus()
    prompts = eval_prompts(c, a.per_category)
    out = tempfile.mkdtemp(prefix="conjure-quality-")
    rows, gen_pts = [], {}
    extra = {"model": a.model} if a.model else {}
    if a.guidance is not None:
        extra["guidance"] = a.guidance
    for k, p in enumerate(prompts):
        final, _, _ = generate(p["prompt"], os.path.join(out, str(k)), seed=k, **extra)
        if final["event"] != "result":
            rows.append(dict(p, ok=False, error=final.get("message")))
            continue
        pts, rgb = glb_points(final["paths"]["glb"], 1024, seed=k)
        got = classify(judge, classes, pts)
        dom = dominant_color(rgb)
        true = max(c.meta[p["index"]]["extent"])
        rows.append(dict(p, ok=True, predicted=got, dominant=dom, size=final["metadata"].get("size"), true_size=true))
        gen_pts.setdefault(p["category"], []).append(pts)
    # coverage / MMD per category against held-out reference assets (the eval corpus items of that category)
    mmd, cov = {}, {}
    for cat, gens in gen_pts.items():
        refs = [np.asarray(c.surface[i, :, :3], np.float64) for i, m in enumerate(c.meta) if m["category"] == cat][:10]
        d = np.array([[chamfer(g, r) for r in refs] for g in gens])      # [G, R]
        mmd[cat] = float(d.min(axis=0).mean())
        cov[cat] = float(len(set(d.argmin(axis=1))) / len(refs))
    ok = [r for r in rows if r["ok"]]
    failed = [{"prompt": r["prompt"], "error": r["error"]} for r in rows if not r["ok"]]
    # a prompt that made no object counts as wrong: accuracy is over every prompt, not the generated ones
    acc = np.mean([r["ok"] and r["predicted"] == r["category"] for r in rows]) if rows else 0.0
    coloured = [r for r in ok if r["color"]]
    col_acc = np.mean([r["dominant"] == r["color"] for r in coloured]) if coloured else None
    held = [r for r in ok if r["heldout_pair"]]
    wrong = [{"prompt": r["prompt"], "predicted": r["predicted"], "dominant": r["dominant"]} for r in ok
             if r["predicted"] != r["category"] or (r["color"] and r["dominant"] != r["color"])]
    per_cat = {cat: round(float(np.mean([r["ok"] and r["predicted"] == cat for r in rows if r["category"] == cat])), 3)
               for cat in sorted({r["category"] for r in rows})}
    sized = [r for r in ok if r.get("size")]
    ratio = np.array([abs(np.log2(r["size"] / r["true_size"])) for r in sized]) if sized else np.array([np.nan])
    words = size_word_pairs(a.model)
    emit({"benchmark": "embedded_quality",
          "size_median_abs_log2_error": round(float(np.median(ratio)), 3),
          "size_within_1_5x": round(float(np.mean(ratio < np.log2(1.5))), 4),
          "size_word_pairs_right": words, "prompts": len(prompts), "generated": len(ok), "failed": failed,
          "category_accuracy": round(float(acc), 4), "category_accuracy_per_category": per_cat,
          "color_adherence": None if col_acc is None else round(float(col_acc), 4), "colour_prompts": len(coloured),
          "heldout_pair_prompts": len(held),
          "heldout_pair_category_accuracy": round(float(np.mean([r["predicted"] == r["category"] for r in held])), 4)
          if held else None,
          "heldout_pair_color_adherence": round(float(np.mean([r["dominant"] == r["color"] for r in held
                                                               if r["color"]])), 4)
          if any(r["color"] for r in held) else None,
          "mmd_chamfer_mean": round(float(np.mean(list(mmd.values()))), 4),
          "coverage_mean": round(float(np.mean(list(cov.values()))), 4),
          "mmd_per_category": {k: round(v, 4) for k, v in sorted(mmd.items())},
          "coverage_per_category": {k: round(v, 3) for k, v in sorted(cov.items())},
          "wrong": wrong, "seconds": round(time.time() - t0, 1)})


if __name__ == "__main__":
    main()
