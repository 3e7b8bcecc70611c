"""Shared bits of the embedded-model benchmarks: run the real generate job, read results back as point clouds,
the held-out evaluation prompts, and the independent point-cloud classifier."""
import os

import numpy as np

from _util import ROOT  # noqa: F401  (sets sys.path)

from backend.generate.embedded import captions, colors, corpus  # noqa: E402
from backend.generate.embedded.geometry import normalise  # noqa: E402

FAST = {"resolution": 64, "texture_size": 256, "face_budget": 4000, "steps": 16, "preview_every": 0}
EVAL_SEED, CLASSIFIER_SEED = 202, 101
BENCH_CACHE = os.path.join(corpus.default_cache(), "..", "bench")


def generate(prompt: str, out_dir: str, seed: int = 0, context=None, **params):
    """The worker's generate job, in this process. Returns (final event, events)."""
    from backend.jobs import JobSpec
    from backend.worker.runner import JobContext, run_job

    events = []
    spec = JobSpec.from_json({"type": "generate", "output_dir": out_dir, "name": "prop", "seed": seed,
                              "device": "cpu", "params": dict(FAST, prompt=prompt, **params)})
    ctx = (context or JobContext)("job", spec, events.append)
    run_job(ctx)
    return events[-1], events, ctx


def glb_points(path: str, n: int = 1024, seed: int = 0):
    """Points on a GLB's surface (Z up, normalised like corpus items) and their texture colours (linear RGB)."""
    import io

    from PIL import Image

    from backend.mesh import glb

    g = glb.read_glb(path)
    v = np.asarray(g["positions"], np.float64)                    # read_glb returns Z-up already
    f = np.asarray(g["indices"]).reshape(-1, 3)
    uv = np.asarray(g["uvs"], np.float64)
    tex = np.asarray(Image.open(io.BytesIO(g["texture_png"])).convert("RGB"), np.float64) / 255.0
    a, b, c = v[f[:, 0]], v[f[:, 1]], v[f[:, 2]]
    area = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(f), size=n, p=area / area.sum())
    r1, r2 = rng.random(n), rng.random(n)
    flip = r1 + r2 > 1
    r1[flip], r2[flip] = 1 - r1[flip], 1 - r2[flip]
    w = np.stack([1 - r1 - r2, r1, r2], axis=1)
    pts = (v[f[idx]] * w[:, :, None]).sum(axis=1)
    puv = (uv[f[idx]] * w[:, :, None]).sum(axis=1)
    h, wd = tex.shape[:2]
    px = np.clip((puv[:, 0] * wd).astype(int), 0, wd - 1)
    py = np.clip((puv[:, 1] * h).astype(int), 0, h - 1)   # glTF UV origin is the top-left corner of the image
    srgb = tex[py, px]
    lin = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    pts, _ = normalise(pts)
    return pts, lin


def dominant_color(rgb: np.ndarray) -> str:
    names = [colors.name_of(c) for c in rgb]
    return max(sorted(set(names)), key=names.count)


def eval_corpus(per_category: int = 30) -> corpus.Corpus:
    folder = os.path.join(corpus.default_cache(), f"eval-s{EVAL_SEED}-n{per_category}-v{corpus.VERSION}")
    return corpus.Corpus(corpus.build(folder, EVAL_SEED, per_category, log=lambda s: None))


def eval_prompts(c: corpus.Corpus, per_category: int = 5, heldout_pairs: int = 1) -> list:
    """Held-out phrasings of held-out assets (a corpus seed the generator never saw): per category
    ``per_category`` prompts, up to ``heldout_pairs`` of them about a (category, colour) pair kept out of training.
    Returns [{"prompt", "category", "color", "index", "heldout_pair"}]."""
    from backend.procgen.geometry import rng_for

    ranges = corpus.param_ranges()
    out = []
    for cat in sorted(captions.NOUNS):
        items = [i for i, m in enumerate(c.meta) if m["category"] == cat]
        held = [i for i in items if c.meta[i]["split"] == "heldout"][:heldout_pairs]
        rest = [i for i in items if c.meta[i]["split"] == "train"][:per_category - len(held)]
        for i in held + rest:
            m = c.meta[i]
            rng = rng_for(EVAL_SEED, "eval-prompt", cat, i)
            text = captions.caption(m, ranges[cat], rng, heldout=True)
            for _ in range(20):   # prefer a phrasing that says the colour, when the asset has one
                if not m["color"] or m["color"] in text:
                    break
                text = captions.caption(m, ranges[cat], rng, heldout=True)
            said = m["color"] if m["color"] and m["color"] in text.split() else None
            out.append({"prompt": text, "category": cat, "color": said, "index": i,
                        "heldout_pair": m["split"] == "heldout"})
    return out


def grid_shell(meta: dict, rng, n: int = 1024, grid: int = 64, offset: float = 0.015) -> np.ndarray:
    """What a perfect reconstruction of a corpus item looks like after the mesh path. The generator learns the
    surface pushed out by ``offset`` (model.SDF_OFFSET), and the pipeline meshes it on a ``grid``-point lattice:
    a grass blade comes back as a two-sided slab, and every surface is quantised to the lattice. The item's
    mesh is rebuilt from its factory and seed (the corpus is pinned, so it is the same mesh). Returns
    Float32[n, 3]: lattice points within half a cell of the outside offset level, jittered within their cell and
    normalised like corpus items."""
    from scipy.spatial import cKDTree

    from backend.generate.embedded.geometry import sample_surface, winding_number
    from backend.procgen import generate_asset
    from backend.procgen.geometry import fan_triangles

    mesh = generate_asset(meta["category"], meta["seed"], edition=corpus.CORPUS_EDITION)[0].mesh
    verts, tris = normalise(mesh.verts)[0], fan_triangles(mesh)
    dense, _ = sample_surface(verts, tris, 40000, rng)
    axis = np.linspace(-1.0, 1.0, grid)
    h = axis[1] - axis[0]
    lattice = np.stack(np.meshgrid(axis, axis, axis, indexing="ij"), -1).reshape(-1, 3)
    dist, _ = cKDTree(dense).query(lattice, distance_upper_bound=offset + h)
    band = lattice[np.abs(dist - offset) < h / 2]
    band = band[rng.choice(len(band), min(len(band), 4 * n), replace=False)]
    band = band[winding_number(verts, tris, band) < 0.5]
    pts = band[rng.choice(len(band), n)] + rng.uniform(-h / 2, h / 2, (n, 3))
    return normalise(pts)[0].astype(np.float32)


# ------------------------------------------------------------------ the independent classifier
def classifier_model(n_classes: int):
    import torch
    from torch import nn

    class PointNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.point = nn.Sequential(nn.Linear(3, 32), nn.ReLU(), nn.Linear(32, 64), nn.ReLU(),
                                       nn.Linear(64, 128))
            self.head = nn.Sequential(nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, n_classes))

        def forward(self, x):
            f = self.point(x)
            return self.head(torch.cat([f.max(dim=1).values, f.mean(dim=1)], dim=-1))

    return PointNet()


def classifier_path() -> str:
    return os.path.normpath(os.path.join(BENCH_CACHE, "classifier.pt"))


def load_classifier():
    import torch

    state = torch.load(classifier_path(), weights_only=True)
    model = classifier_model(len(state["classes"]))
    model.load_state_dict(state["weights"])
    return model.eval(), list(state["classes"])


def classify(model, classes, pts: np.ndarray) -> str:
    import torch

    with torch.no_grad():
        logits = model(torch.from_numpy(pts[None, :, :3].astype(np.float32)))
    return classes[int(logits.argmax())]
