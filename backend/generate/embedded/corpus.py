"""The training corpus: procedural assets -> surface points with colours + signed distance samples, cached on disk.

One item per (category, index): the asset's seed comes from the corpus seed, so the same seed rebuilds the same
bytes. The main material (largest surface share) is painted from the named palette (``colors.PALETTE``) most of
the time, so a caption's colour word is true of the data. Layout of a corpus folder::

    surface.npy   Float16[N, S, 6]   surface points (xyz in [-1, 1], field coordinates) and linear RGB
    sdf.npy       Float16[N, Q, 4]   query points and signed distance (negative inside), near then uniform
    meta.jsonl    one JSON object per item: category, seed, params, kind, color, split ("train" | "heldout"),
                  extent (the asset's true size in metres, x y z, before it was normalised)
    corpus.json   how it was built (seed, counts, sizes); written last, so a folder without it is incomplete

    python -m backend.generate.embedded.corpus --cache ~/.cache/conjure/corpus --per-category 1100
"""
from __future__ import annotations

import argparse
import json
import os
import shutil

import numpy as np

from . import captions, colors
from .geometry import normalise, point_samples

VERSION = 2
"""2: meta records each asset's true size (``extent``, metres, x y z) before normalising, for size words."""
N_SURFACE, N_NEAR, N_UNIFORM = 1024, 512, 256
CORPUS_EDITION = 1
"""The factories' edition the corpus is built from (``procgen.geometry.EDITION``): edition 1 made the shipped
weights' corpus. Later editions add detail finer than the decode grid (leaf cards, bark, rock facets) and are
left out until the model is retrained on them."""
# material kind -> palette colours it may be painted with (None: keep the factory's own colour)
PAINTS = {"ceramic": colors.NAMES, "plastic": colors.NAMES, "paint": colors.NAMES, "fabric": colors.NAMES,
          "metal": ("grey", "black", "white"), "foliage": ("red", "orange", "yellow"),
          "wood": colors.NAMES}
NATURAL = {"stone": ("grey", "white", "black", "brown"), "foliage": ("green",)}
PAINT_PROBABILITY = {"foliage": 0.25, "wood": 0.35}


def default_cache() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "conjure", "corpus")


def _rng(seed: int, *parts) -> np.random.Generator:
    from ...procgen.geometry import rng_for
    return rng_for(seed, "embedded-corpus", *parts)


def make_item(category: str, index: int, corpus_seed: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """One corpus item: (surface, sdf, meta). Pure function of its arguments."""
    from ...procgen import generate_asset
    from ...procgen.geometry import face_areas, fan_triangles

    rng = _rng(corpus_seed, category, index)
    seed = int(rng.integers(0, 2**31 - 1))
    asset, params = generate_asset(category, seed, edition=CORPUS_EDITION)
    mesh = asset.mesh
    mats = [dict(m, params=dict(m["params"])) for m in asset.materials]
    # 1. the main material: the slot with the largest surface share
    area = np.bincount(mesh.mat, weights=face_areas(mesh), minlength=len(mats))
    main = int(np.argmax(area))
    share = float(area[main] / max(area.sum(), 1e-12))
    kind = mats[main]["kind"]
    # 2. paint it from the palette (or keep a natural colour that has a name)
    color = None
    paints = PAINTS.get(kind)
    if paints and rng.random() < PAINT_PROBABILITY.get(kind, 0.85):
        color = str(rng.choice(paints))
        mats[main]["params"]["base_color"] = colors.sample(color, rng)
        if kind == "wood":
            kind = "paint"
    elif kind in NATURAL and colors.name_of(mats[main]["params"]["base_color"]) in NATURAL[kind]:
        color = colors.name_of(mats[main]["params"]["base_color"])
    if share < 0.45:
        color = None  # the main material does not dominate: no colour word would be true of the whole object
    # 3. sample the normalised shape
    tris = fan_triangles(mesh)
    owner = np.repeat(np.arange(len(mesh.sizes)), np.maximum(mesh.sizes - 2, 0))
    slot_rgb = np.array([m["params"]["base_color"] for m in mats], np.float64)
    extent = [round(float(e), 4) for e in mesh.verts.max(axis=0) - mesh.verts.min(axis=0)]
    verts, _scale = normalise(mesh.verts)
    surface, sdf = point_samples(verts, tris, slot_rgb[mesh.mat[owner]], rng, N_SURFACE, N_NEAR, N_UNIFORM)
    split = "heldout" if captions.heldout_pair(category, color) else "train"
    meta = {"category": category, "index": index, "seed": seed, "params": params, "kind": kind, "color": color,
            "split": split, "extent": extent}
    return surface.astype(np.float16), sdf.astype(np.float16), meta


def _work(args):
    return [make_item(c, i, s) for c, i, s in args]


def param_ranges() -> dict:
    """category -> {param: (lo, hi)} from the factory registry."""
    from ...procgen import registry
    reg = registry()
    return {name: {p.name: (p.lo, p.hi) for p in reg.get(name).params} for name in reg.names()}


# The categories the shipped weights were trained on (the procedural library had these 19 then). Pinned, so that
# new factories do not silently change the corpus that reproduces the weights; add them with a new VERSION.
CATEGORIES = ("chair", "table", "sofa", "bed", "bookshelf", "cabinet", "mug", "bowl", "plate", "vase", "bottle",
              "book", "table_lamp", "floor_lamp", "potted_plant", "rock", "tree", "bush", "grass_tuft")


def build(folder: str, seed: int = 0, per_category: int = 1100, categories=None, workers: int = 2,
          log=print) -> str:
    """Build (or reuse, if complete with the same recipe) the corpus in ``folder``. Returns the folder."""
    cats = list(categories or CATEGORIES)
    recipe = {"version": VERSION, "seed": int(seed), "per_category": int(per_category), "categories": cats,
              "surface": N_SURFACE, "near": N_NEAR, "uniform": N_UNIFORM}
    done = os.path.join(folder, "corpus.json")
    if os.path.isfile(done):
        with open(done) as f:
            if json.load(f).get("recipe") == recipe:
                return folder
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    jobs = [(c, i, int(seed)) for c in cats for i in range(per_category)]
    chunks = [jobs[i:i + 64] for i in range(0, len(jobs), 64)]
    results = []
    if workers > 1:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(workers, initializer=_init_worker) as pool:
            for k, part in enumerate(pool.imap(_work, chunks)):
                results.extend(part)
                if k % 20 == 0:
                    log(f"corpus: {len(results)}/{len(jobs)} items")
    else:
        for part in map(_work, chunks):
            results.extend(part)
    write(folder, results, recipe)
    log(f"corpus: {len(results)} items in {folder}")
    return folder


def write(folder: str, results: list, recipe: dict) -> None:
    """Write items [(surface, sdf, meta)] as a corpus folder; ``corpus.json`` last, so a crash leaves it incomplete."""
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, "surface.npy"), np.stack([r[0] for r in results]))
    np.save(os.path.join(folder, "sdf.npy"), np.stack([r[1] for r in results]))
    with open(os.path.join(folder, "meta.jsonl"), "w") as f:
        for r in results:
            f.write(json.dumps(r[2], sort_keys=True) + "\n")
    counts = {}
    for r in results:
        counts[r[2]["split"]] = counts.get(r[2]["split"], 0) + 1
    with open(os.path.join(folder, "corpus.json"), "w") as f:
        json.dump({"recipe": recipe, "items": len(results), "splits": counts}, f, indent=1, sort_keys=True)


def _init_worker():
    import torch
    torch.set_num_threads(1)


FINGERPRINT_ITEMS = 2
"""Items per category (indices 0, 1 at the corpus seed) whose bytes make the corpus fingerprint."""


def item_digest(surface: np.ndarray, meta: dict) -> str:
    """One item's hash: its metadata (factory parameters, material, colour, size) and its surface points and colours
    (float16). The signed distances are left out: they are a function of the same mesh."""
    import hashlib

    h = hashlib.sha256(json.dumps(meta, sort_keys=True).encode())
    h.update(np.ascontiguousarray(surface, np.float16).tobytes())
    return h.hexdigest()


def fingerprint(seed: int = 0, categories=None, corpus: "Corpus | None" = None) -> str:
    """A short hash of a small deterministic sample of the corpus (``FINGERPRINT_ITEMS`` per category): made
    again from the factories, or read from a built ``corpus``. If the procedural factories change what they make
    for these categories, this changes, and the shipped weights no longer match the data ``train`` would build."""
    import hashlib

    h = hashlib.sha256(f"v{VERSION}".encode())
    for cat in categories or CATEGORIES:
        for i in range(FINGERPRINT_ITEMS):
            if corpus is None:
                surface, _, meta = make_item(cat, i, seed)
            else:
                k = next(j for j, m in enumerate(corpus.meta) if m["category"] == cat and m["index"] == i)
                surface, meta = corpus.surface[k], corpus.meta[k]
            h.update(item_digest(surface, meta).encode())
    return h.hexdigest()[:16]


class Corpus:
    """A built corpus folder, memory-mapped."""

    def __init__(self, folder: str):
        if not os.path.isfile(os.path.join(folder, "corpus.json")):
            raise FileNotFoundError(f"{folder} is not a complete corpus (no corpus.json): build it first")
        self.folder = folder
        self.surface = np.load(os.path.join(folder, "surface.npy"), mmap_mode="r")
        self.sdf = np.load(os.path.join(folder, "sdf.npy"), mmap_mode="r")
        with open(os.path.join(folder, "meta.jsonl")) as f:
            self.meta = [json.loads(line) for line in f]
        with open(os.path.join(folder, "corpus.json")) as f:
            self.info = json.load(f)

    def __len__(self) -> int:
        return len(self.meta)

    def indices(self, split: str) -> np.ndarray:
        return np.array([i for i, m in enumerate(self.meta) if m["split"] == split], np.int64)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default=default_cache())
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-category", type=int, default=1100)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    folder = os.path.join(a.cache, f"procgen-s{a.seed}-n{a.per_category}-v{VERSION}")
    build(folder, a.seed, a.per_category, workers=a.workers)


if __name__ == "__main__":
    main()
