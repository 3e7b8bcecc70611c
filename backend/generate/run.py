"""The worker's ``generate`` and ``cutout`` jobs: models in, textured props (and point clouds) out.

A generate job runs in phases, each a slice of one progress bar:

    load (resolve / download / load the models; fails here, before any work, if a model is missing)
    encode (prompt or picture -> embedding)
    per candidate: sample (diffusion steps, preview every N) -> upsample (Point-E's second stage, unless
                   ``upsample`` is off) -> decode -> mesh -> clean -> decimate -> unwrap -> bake -> export

Candidate k uses seed ``seed + k``, so candidate k of a batch is the same as a single run with that seed.
"""
from __future__ import annotations

import os

import numpy as np

from ..files import atomic_write
from ..jobs import MAX_SEED
from ..mesh.asset import NoSurface, field_to_asset, png_bytes
from . import preview
from .params import candidate_name
from .pipelines import load_module

LOAD_SHARE = 0.05       # of the progress bar: loading and encoding
SAMPLE_SHARE = 0.6      # of each candidate's slice: the diffusion steps (the rest: meshing to export)
RESAMPLES = 2           # a sample whose field has no surface is drawn again this many times, from the next free seeds
UPSAMPLE_SHARE = 0.7    # of the diffusion steps' slice, when Point-E's upsampler runs (3,072 points, 4,353 tokens)


def _condition(ctx, params):
    """The prompt, or the picture with its background removed and composed on white (what the encoders expect)."""
    if params.mode == "text":
        return params.prompt
    from . import foreground

    image = foreground.load_image(params.image)
    mask = foreground.load_image(params.mask) if params.mask else None
    rgba, _mask, method = foreground.cut_foreground(image, method="auto", mask=mask, check=ctx.check,
                                                    sam_model_dir=_local_sam(), device=_torch_device(ctx.spec.device))
    ctx.log(f"foreground cut out with the {method} method")
    return foreground.compose_on_background(rgba)


def _torch_device(preference: str) -> str:
    from ..worker.device import resolve_device
    return resolve_device(preference)


def _local_sam() -> str | None:
    """Segment-Anything's folder if it is already downloaded (auto mode never downloads it)."""
    from . import store

    try:
        return store.resolve("facebook/sam-vit-base", local_only=True)
    except store.ModelMissing:
        return None


def run_generate(ctx) -> dict:
    """The job, then its previews removed whatever the outcome (the panel shows them only while it runs)."""
    try:
        return _run_generate(ctx)
    finally:
        preview.clean(ctx.spec.output_dir, ctx.job_id)


def _run_generate(ctx) -> dict:
    from ..worker.device import resolve_device

    spec, p = ctx.spec, ctx.spec.params
    device = resolve_device(spec.device)
    pipe = load_module(p.pipeline)
    guidance = p.guidance_scale
    guided = guidance not in (0, 1)  # the reference's rule (Point-E and Shap-E): 0 and 1 both mean unguided

    def download(info: dict) -> None:
        done, total = info["done"], info["total"]
        ctx.progress(done, max(total, 1), f"downloading {info['repo']}", download=info)

    with ctx.span(0.0, LOAD_SHARE):
        with ctx.stage("load", 1, 2):
            model = pipe.load(p, device, report=download)
        with ctx.stage("encode", 2, 2):  # encode() refuses a prompt longer than the tokenizer reads
            emb = model.encode(_condition(ctx, p), guided=guided)

    share = (1.0 - LOAD_SHARE) / p.candidates
    size = p.size if p.size is not None else _default_size(pipe, model, emb)   # from the prompt: once
    candidates = []
    for k in range(p.candidates):
        name = candidate_name(spec.name, k, p.candidates)
        lo = LOAD_SHARE + k * share
        empty = []   # seeds whose sample had no surface: the next free seed is drawn instead (deterministic)
        for attempt in range(RESAMPLES + 1):
            seed = (spec.seed + k + attempt * p.candidates) % (MAX_SEED + 1)
            extras = {"conjure_spec": spec.to_json(), "prompt": p.prompt, "image": p.image, "pipeline": p.pipeline,
                      "model": model.ref, "seed": seed, "steps": p.steps, "guidance": guidance, "candidate": k,
                      "device": device, **pipe.describe(model, p)}
            if empty:
                extras["empty_seeds"] = list(empty)
            out = _sample(ctx, pipe, model, emb, seed, name, lo, lo + share * SAMPLE_SHARE)
            extras["size"] = size
            try:
                with ctx.span(lo + share * SAMPLE_SHARE, lo + share):
                    candidates.append(_finish(ctx, model, out, name, seed, extras, size))
                break
            except NoSurface:
                empty.append(seed)
                if attempt == RESAMPLES:
                    raise NoSurface(f"the model produced no surface for seeds {', '.join(map(str, empty))} "
                                    "(try another prompt)") from None
    first = candidates[0]
    metadata = dict(first["metadata"], candidates=len(candidates), timings=dict(ctx.timings))
    return {"paths": first["paths"], "candidates": [dict(c["paths"], seed=c["seed"]) for c in candidates],
            "metadata": metadata}


def _sample(ctx, pipe, model, emb, seed: int, name: str, lo: float, hi: float):
    """The diffusion stages, over the fraction [lo, hi] of the job's progress: ``sample``, then Point-E's
    ``upsample`` when that model is loaded."""
    p = ctx.spec.params
    every = p.preview_every

    def on_step(what: str):
        def report(i: int, total: int, x0) -> None:
            shot = None
            if every and (i % every == 0 or i == total):
                shot = preview.write_preview(preview.preview_folder(ctx.spec.output_dir, ctx.job_id), name, i,
                                             model.preview(x0))
            ctx.progress(i, total, f"{name}: {what} step {i}/{total}", preview=shot)
        return report

    upsampler = getattr(model, "upsampler", None)
    mid = hi - UPSAMPLE_SHARE * (hi - lo) if upsampler is not None else hi
    with ctx.span(lo, mid), ctx.stage("sample"):
        out = model.sample(emb, seed=seed, steps=p.steps, guidance=p.guidance_scale, on_step=on_step("sampling"),
                           check=ctx.check, **pipe.sample_options(p))
    if upsampler is not None:
        with ctx.span(mid, hi), ctx.stage("upsample"):
            out = model.upsample(out, steps=p.steps, on_step=on_step("upsampling"), check=ctx.check)
    return out


def _default_size(pipe, model, emb) -> float:
    """The result's largest dimension when the job names none: the pipeline's own guess (the embedded model
    predicts it from the prompt), else 1 m."""
    guess = getattr(pipe, "default_size", None)
    size = guess(model, emb) if guess is not None else None
    return 1.0 if size is None else float(min(max(size, 0.01), 100.0))


def _finish(ctx, model, out, name: str, seed: int, extras: dict, size: float) -> dict:
    """Sampled output -> files: the mesh (GLB + texture) and/or the point cloud (PLY)."""
    p, out_dir = ctx.spec.params, ctx.out_dir  # staged: moved into place when the whole job succeeds
    paths = {}
    metadata = {k: v for k, v in extras.items() if k != "conjure_spec"}  # the spec goes into the GLB only
    if p.output in ("points", "both"):
        from ..mesh.ply import write_ply

        xyz, rgb = model.points(out)  # sRGB colours, as the reference writes them
        with ctx.stage("points"):
            os.makedirs(out_dir, exist_ok=True)
            if p.output == "points":   # the cloud alone is the result: normalise it like a mesh would be
                from ..mesh.asset import fit_transform
                scale, offset = fit_transform(xyz, size)
                xyz = (xyz - offset) * scale
            paths["ply"] = os.path.join(out_dir, f"{name}.ply")
            write_ply(paths["ply"], xyz, rgb)  # PLY holds sRGB; Blender converts to linear once, on import
            metadata["points"] = int(len(xyz))
    if p.output in ("mesh", "both"):
        with ctx.stage("decode"):
            sdf, color, lo, hi = model.field(out, **load_module(p.pipeline).field_options(p))
        asset = field_to_asset(
            ctx, sdf=sdf, color=color, lo=lo, hi=hi, resolution=p.resolution, face_budget=p.face_budget,
            texture_size=p.texture_size, roughness=p.roughness, out_dir=out_dir, name=name, extras=extras,
            clean=True, fit_size=size, grid_stage="mesh_grid")
        paths.update(asset["paths"])
        metadata.update(asset["metadata"])
    return {"paths": paths, "metadata": metadata, "seed": seed}


# --------------------------------------------------------------------------- cutout
def run_cutout(ctx) -> dict:
    from . import foreground, store

    p, spec = ctx.spec.params, ctx.spec
    sam_dir = None
    with ctx.stage("load", 1, 3):
        image = foreground.load_image(p.image)
        mask = foreground.load_image(p.mask) if p.mask else None
        if p.method == "sam":
            sam_dir = store.resolve(p.sam_model or "facebook/sam-vit-base")
        elif p.method == "auto":
            sam_dir = store.resolve(p.sam_model, local_only=True) if p.sam_model else _local_sam()
    with ctx.stage("cut", 2, 3):
        method = {"classic": "classical", "alpha": "classical"}.get(p.method, p.method)
        rgba, fg, used = foreground.cut_foreground(image, method=method, sam_model_dir=sam_dir, mask=mask,
                                                   check=ctx.check, device=_torch_device(spec.device))
        if p.method == "alpha" and used not in ("alpha", "mask"):
            raise ValueError("the picture has no usable alpha channel (no transparent background); "
                             "use another method")
    with ctx.stage("export", 3, 3):
        mask_path = os.path.join(ctx.out_dir, f"{spec.name}_mask.png")
        cut_path = os.path.join(ctx.out_dir, f"{spec.name}_cutout.png")
        foreground.save_mask(mask_path, fg)
        atomic_write(cut_path, png_bytes(np.asarray(rgba)))
    return {"paths": {"mask": mask_path, "cutout": cut_path},
            "metadata": {"method": used, "coverage": float(fg.mean()), "timings": dict(ctx.timings)}}
