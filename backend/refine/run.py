"""The worker's ``refine`` job: a mesh + a prompt -> a new textured (optionally reshaped) mesh, by SDS or VSD.

    1. Read and check the mesh (fails before any model loads); normalise; unwrap (xatlas) if it has no UVs
    2. Load Stable Diffusion's parts through the model store (download with progress, or offline)
    3. Encode the view-dependent prompts; VSD: add a LoRA to the UNet
    4. Optimise: every step a progress event; every N steps a preview render and the loss curve PNG
    5. Write the GLB (+ texture PNG, loss curve PNG) in the input's own coordinates; report flipped faces
"""
from __future__ import annotations

import io
import os

import numpy as np

from ..files import atomic_write
from ..generate import preview
from ..mesh.asset import png_bytes

SETUP_SHARE = 0.05
EXPORT_SHARE = 0.03


def run_refine(ctx) -> dict:
    try:
        return _run(ctx)
    finally:
        preview.clean(ctx.spec.output_dir, ctx.job_id)


def _initial_texture(mesh, size: int) -> np.ndarray:
    """The input's own texture (a Conjure GLB) resized to ``size``, else mid grey."""
    if mesh.texture_png and mesh.uvs is not None:
        from PIL import Image

        img = Image.open(io.BytesIO(mesh.texture_png)).convert("RGB").resize((size, size), Image.BILINEAR)
        return np.asarray(img, dtype=np.float32) / 255.0
    return np.full((size, size, 3), 0.5, dtype=np.float32)


def _run(ctx) -> dict:
    import torch

    from ..worker.device import resolve_device
    from . import meshio, models, optimise
    from .guidance import Schedule, ScoreDistillation, UNetDenoiser, VAEEncoder, view_prompts

    spec, p = ctx.spec, ctx.spec.params
    device = resolve_device(spec.device)
    torch.manual_seed(spec.seed)

    def download(info: dict) -> None:
        ctx.progress(info["done"], max(info["total"], 1), f"downloading {info['repo']}", download=info)

    # 1-3. Mesh, models, prompts
    with ctx.span(0.0, SETUP_SHARE):
        with ctx.stage("read mesh", 1, 4):
            mesh = meshio.load_mesh(p.mesh)
            verts, scale, centre = meshio.normalise(mesh.verts)
        with ctx.stage("unwrap", 2, 4):
            if mesh.uvs is None:
                from ..mesh.unwrap import unwrap

                mesh.uv_vert, mesh.uv_faces, mesh.uvs = unwrap(verts, mesh.faces, cancelled=ctx.cancelled)
                ctx.log("the mesh had no UVs: unwrapped with xatlas")
        with ctx.stage("load", 3, 4):
            parts = models.load(p.model, device, fp16=p.fp16, cpu_offload=p.cpu_offload, report=download)
        with ctx.stage("encode", 4, 4):
            embeddings = models.encode_prompts(parts, view_prompts(p.prompt, p.negative_prompt))
            lora = models.add_lora(parts.unet, p.lora_rank) if p.method == "vsd" else None
    try:
        guidance = ScoreDistillation(
            encoder=VAEEncoder(parts.vae, parts.resolution), denoiser=UNetDenoiser(parts.unet),
            alphas_cumprod=parts.alphas_cumprod, embeddings=embeddings, guidance=p.guidance_scale,
            schedule=Schedule(p.t_min, p.t_max, p.t_max_end), weighting=p.weighting, mode=p.method,
            seed=spec.seed, lora_lr=p.lr_lora, lora_params=lora, device=device)
        settings = optimise.Settings(
            steps=p.steps, resolution=p.resolution, views_per_step=p.views_per_step, texture_size=p.texture_size,
            lr_texture=p.lr_texture, lr_geometry=p.lr_geometry, geometry=p.mode == "geometry",
            laplacian_weight=p.laplacian_weight, normal_weight=p.normal_weight, preview_every=p.preview_every,
            seed=spec.seed, device=device)
        refiner = optimise.Refiner(verts, mesh.faces, mesh.uvs, mesh.uv_faces,
                                   _initial_texture(mesh, p.texture_size), settings)
        # 4. Optimise
        curve_path = os.path.join(spec.output_dir, f"{spec.name}_loss.png")
        os.makedirs(spec.output_dir, exist_ok=True)
        losses: list[float] = []
        regs: list[float] = []

        def on_step(done: int, total: int, info: dict) -> None:
            losses.append(info["loss"])
            regs.append(info["regulariser"])
            shot = curve = None
            if p.preview_every and (done % p.preview_every == 0 or done == total):
                shot = preview.write_preview(preview.preview_folder(spec.output_dir, ctx.job_id), spec.name, done,
                                             refiner.preview(), scale=1)
                curve = _write_curve(curve_path, losses, regs, p)
            ctx.progress(done, total, f"step {done}/{total}: loss {info['loss']:.4g}", preview=shot,
                         loss_curve=curve)

        with ctx.span(SETUP_SHARE, 1.0 - EXPORT_SHARE), ctx.stage("optimise"):
            result = optimise.refine(refiner, guidance, check=ctx.check, on_step=on_step)
    finally:
        if lora is not None:  # the cached UNet must come back as it was loaded
            parts.unet.delete_adapters("vsd")
    # 5. Export
    with ctx.span(1.0 - EXPORT_SHARE, 1.0), ctx.stage("export", 1, 1):
        return _export(ctx, mesh, result, scale, centre, curve_path, parts.ref, device)


def _write_curve(path: str, losses, regs, p) -> str:
    from .plot import curve_png

    series = {f"{p.method.upper()} loss": losses}
    if p.mode == "geometry":
        series["regularisers"] = regs
    atomic_write(path, curve_png(series, f"{p.method.upper()} refinement: loss per step"))
    return path


def _export(ctx, mesh, result, scale: float, centre: np.ndarray, curve_path: str, model_ref: str,
            device: str) -> dict:
    from ..mesh import glb
    from .meshio import manifold_problems

    spec, p = ctx.spec, ctx.spec.params
    verts = result.verts / scale + centre
    import trimesh

    normals = trimesh.Trimesh(verts, mesh.faces, process=False).vertex_normals
    tex = (np.clip(result.texture, 0, 1) * 255 + 0.5).astype(np.uint8)
    png = png_bytes(tex)
    tex_path = os.path.join(spec.output_dir, f"{spec.name}.png")
    glb_path = os.path.join(spec.output_dir, f"{spec.name}.glb")
    atomic_write(tex_path, png)
    _write_curve(curve_path, result.losses, result.regularisers, p)
    problems = manifold_problems(mesh.faces)
    metadata = {"prompt": p.prompt, "mode": p.mode, "method": p.method, "model": model_ref, "seed": spec.seed,
                "steps": result.steps_done, "guidance": p.guidance_scale, "device": device,
                "faces": int(len(mesh.faces)), "vertices": int(len(mesh.verts)),
                "flipped_faces": int(result.flipped), "manifold": not problems,
                "final_loss": float(np.mean(result.losses[-10:])) if result.losses else None,
                "bounds": [verts.min(axis=0).tolist(), verts.max(axis=0).tolist()]}
    if result.flipped:
        ctx.log(f"{result.flipped} faces turned over during refinement: raise the Laplacian or normal weight, "
                f"or lower the geometry learning rate", level="warning")
    glb.write_glb(glb_path, verts[mesh.uv_vert], normals[mesh.uv_vert], mesh.uvs, mesh.uv_faces, png,
                  name=spec.name, extras=dict(metadata, conjure_spec=spec.to_json()))
    metadata["timings"] = dict(ctx.timings)
    return {"paths": {"glb": glb_path, "texture": tex_path, "loss_curve": curve_path}, "metadata": metadata}
