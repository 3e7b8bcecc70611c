"""Train on your own library: a folder of GLB / OBJ files + ``captions.csv`` -> a corpus -> a fine-tuned model.

``captions.csv`` has one row per mesh: ``file,caption`` (a header row ``file,caption`` is allowed). Meshes are read
with trimesh, turned from glTF's / OBJ's Y-up into Conjure's Z-up, normalised like the procedural corpus, and
sampled the same way (surface points with colours from vertex colours or the texture, signed distances).
Files that cannot be used are skipped and reported with the reason; if nothing is usable, that is an error.
"""
from __future__ import annotations

import csv
import hashlib
import os

import numpy as np

MESH_EXTENSIONS = (".glb", ".gltf", ".obj")
CAPTIONS_FILE = "captions.csv"


class DataError(ValueError):
    """The folder cannot be trained on; the message says why and what to do."""


def read_captions(folder: str) -> dict:
    path = os.path.join(folder, CAPTIONS_FILE)
    if not os.path.isfile(path):
        raise DataError(f"no captions file: put {CAPTIONS_FILE} (rows: file,caption) in {folder}")
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for n, row in enumerate(csv.reader(f), 1):
            if not row or all(not c.strip() for c in row):
                continue
            if n == 1 and [c.strip().lower() for c in row[:2]] == ["file", "caption"]:
                continue
            if len(row) < 2 or not row[1].strip():
                raise DataError(f"{path} line {n}: expected 'file,caption', got {','.join(row)!r}")
            out[row[0].strip()] = row[1].strip()
    if not out:
        raise DataError(f"{path} has no captions (rows: file,caption)")
    return out


def load_mesh(path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(verts Float[V, 3] Z-up, tris Int[T, 3], per-triangle linear RGB Float[T, 3]); ValueError if unusable."""
    import trimesh

    try:
        mesh = trimesh.load(path, force="mesh", process=True)
    except Exception as e:  # trimesh raises many types for broken files; report any of them as unreadable
        raise ValueError(f"cannot read it ({type(e).__name__}: {e})") from None
    if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
        raise ValueError("it holds no triangles")
    if not mesh.is_watertight:
        raise ValueError("it is not watertight (open or non-manifold edges), so inside and outside are undefined")
    try:
        vc = np.asarray(mesh.visual.to_color().vertex_colors, np.float64)[:, :3] / 255.0
    except Exception:  # no usable colour information: a neutral grey
        vc = np.full((len(mesh.vertices), 3), 0.6)
    srgb = vc[mesh.faces].mean(axis=1)
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    v = np.asarray(mesh.vertices, np.float64)
    verts = np.stack([v[:, 0], -v[:, 2], v[:, 1]], axis=1)  # Y-up -> Z-up
    return verts, np.asarray(mesh.faces, np.int64), linear


def build_user_corpus(data: str, cache: str, seed: int = 0, log=print) -> tuple[str, list]:
    """Convert ``data`` into a corpus folder under ``cache``. Returns (folder, skipped [(file, reason)])."""
    from .corpus import N_NEAR, N_SURFACE, N_UNIFORM, VERSION, write
    from .geometry import normalise, point_samples
    from ...procgen.geometry import rng_for

    if not os.path.isdir(data):
        raise DataError(f"{data} is not a folder")
    files = sorted(f for f in os.listdir(data) if f.lower().endswith(MESH_EXTENSIONS))
    if not files:
        raise DataError(f"{data} has no GLB or OBJ files")
    caps = read_captions(data)
    skipped = [(f, "listed in captions.csv but not in the folder") for f in sorted(caps) if f not in files]
    results = []
    for name in files:
        if name not in caps:
            skipped.append((name, "no caption in captions.csv"))
            continue
        try:
            verts, tris, rgb = load_mesh(os.path.join(data, name))
            extent = [round(float(e), 4) for e in verts.max(axis=0) - verts.min(axis=0)]
            verts, _ = normalise(verts)
            surface, sdf = point_samples(verts, tris, rgb, rng_for(seed, "user", name), N_SURFACE, N_NEAR, N_UNIFORM)
        except ValueError as e:
            skipped.append((name, str(e)))
            continue
        meta = {"category": "user", "index": len(results), "file": name, "caption": caps[name], "split": "train",
                "extent": extent}
        results.append((surface.astype(np.float16), sdf.astype(np.float16), meta))
    for name, why in skipped:
        log(f"skipped {name}: {why}")
    if not results:
        raise DataError(f"none of the {len(files)} meshes in {data} could be used: "
                        + "; ".join(f"{n}: {w}" for n, w in skipped))
    h = hashlib.sha256()
    for name in files:
        st = os.stat(os.path.join(data, name))
        h.update(f"{name}|{st.st_size}|{st.st_mtime_ns}".encode())
    h.update(repr(sorted(caps.items())).encode())
    folder = os.path.join(cache, f"user-{h.hexdigest()[:16]}-v{VERSION}")
    write(folder, results, {"version": VERSION, "seed": seed, "data": os.path.abspath(data)})
    log(f"corpus: {len(results)} of your meshes in {folder}")
    return folder, skipped


def finetune(data: str, out: str, *, init: str | None = None, steps: int = 300, cache: str | None = None,
             seed: int = 0, threads: int = 2, device: str | None = None, log=print) -> dict:
    """Fine-tune ``init`` (default: the shipped weights) on the folder; write the model folder ``out``."""
    from .corpus import default_cache
    from .pipeline import WEIGHTS
    from .train import train

    folder, skipped = build_user_corpus(data, cache or default_cache(), seed, log)
    report = train(out, corpus_folder=folder, ae_steps=steps, prior_steps=steps, batch=16, prior_batch=32,
                   seed=seed, device=device, init=init or WEIGHTS, threads=threads, log=log)
    report["skipped"] = [{"file": f, "reason": r} for f, r in skipped]
    return report
