"""From a prompt or an image to a coloured point cloud: CLIP embeddings, then Point-E sampling in data units.

CLIP comes from transformers (``CLIPTextModelWithProjection`` / ``CLIPVisionModelWithProjection``, e.g.
``openai/clip-vit-large-patch14``, the ViT-L/14 Point-E was trained with). Embeddings are L2-normalised like
Point-E's ``FrozenImageCLIP``; an all-zero embedding is the unconditional input of classifier-free guidance.

Point clouds leave this module as float32 numpy arrays: ``xyz [B, N, 3]`` (Point-E's objects fit roughly in
[-0.5, 0.5]^3, z up) and ``rgb [B, N, 3]`` in 0..1 (quantised to 8 bits, as Point-E does). The raw samples
(``sample_points``, ``upsample_points``) are ``[B, 6, N]`` tensors in data units: xyz, then RGB in 0..255, unrounded.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .diffusion import (BASE_DIFFUSION_CONFIG, BASE_SAMPLING, UPSAMPLE_DIFFUSION_CONFIG, UPSAMPLE_SAMPLING,
                        GaussianDiffusion, diffusion_from_config, karras_sample)
from .transformer import (CLIPGridPointDiffusionTransformer, CLIPGridUpsamplePointDiffusionTransformer,
                          CLIPVecPointDiffusionTransformer, PointDiffusionTransformer,
                          UpsamplePointDiffusionTransformer)

Callback = Callable[[int, int, torch.Tensor], None]
Noise = Callable[[tuple], torch.Tensor]


# --------------------------------------------------------------------------- CLIP embeddings
@torch.no_grad()
def encode_text_clip(text_model, tokenizer, prompts: Sequence[str]) -> torch.Tensor:
    """Unit-norm CLIP text embeddings ``[B, D]`` (``text_embeds``) of ``prompts``.

    A prompt longer than the tokenizer's ``model_max_length`` (77 for CLIP, start/end tokens included) raises
    ``ValueError``; Point-E would silently cut it.
    """
    prompts = [prompts] if isinstance(prompts, str) else list(prompts)
    if not prompts:
        raise ValueError("no prompts to encode")
    from ..prompts import check_prompt_length

    for i, prompt in enumerate(prompts):
        check_prompt_length(tokenizer, prompt, what=f"prompt {i}")
    enc = tokenizer(prompts, padding=True, return_tensors="pt").to(text_model.device)
    emb = text_model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).text_embeds
    return F.normalize(emb.float(), dim=-1)


def _pixels(vision_model, processor, images) -> torch.Tensor:
    pixels = processor(images=list(images), return_tensors="pt")["pixel_values"]
    return pixels.to(device=vision_model.device, dtype=vision_model.dtype)


@torch.no_grad()
def encode_image_clip(vision_model, processor, images: Sequence) -> torch.Tensor:
    """Unit-norm CLIP image embeddings ``[B, D]`` (``image_embeds``) for ``base40M-imagevec``."""
    emb = vision_model(pixel_values=_pixels(vision_model, processor, images)).image_embeds
    return F.normalize(emb.float(), dim=-1)


@torch.no_grad()
def encode_image_clip_grid(vision_model, processor, images: Sequence) -> torch.Tensor:
    """CLIP ViT patch features ``[B, hidden, grid^2]`` for the grid models (``base40M``, ``upsample``).

    Point-E takes the visual transformer's output tokens before ``ln_post``, without the class token:
    transformers' ``last_hidden_state[:, 1:]`` (its post-LayerNorm only touches the pooled output).
    """
    hidden = vision_model(pixel_values=_pixels(vision_model, processor, images)).last_hidden_state
    return hidden[:, 1:].permute(0, 2, 1).float().contiguous()


# --------------------------------------------------------------------------- sampling
def to_point_cloud(points: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """A raw sample ``[B, 6, N]`` in data units -> xyz ``[B, N, 3]`` and rgb ``[B, N, 3]`` in 0..1, float32.

    Exactly Point-E's ``PointCloudSampler.output_to_point_clouds``: colours ``clamp(0, 255).round() / 255`` in
    float32 (``torch.round`` rounds half to even). The colours are sRGB-encoded, as Point-E's data is.
    """
    xyz = points[:, :3].permute(0, 2, 1)
    rgb = points[:, 3:6].float().clamp(0, 255).round().permute(0, 2, 1) / 255.0
    return (xyz.float().cpu().numpy().astype(np.float32, copy=False),
            rgb.float().cpu().numpy().astype(np.float32, copy=False))


def _model_device(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


def sample_point_cloud(model: PointDiffusionTransformer, embedding: torch.Tensor | None, **kwargs
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Sample a base Point-E model: xyz ``[B, N, 3]`` and rgb ``[B, N, 3]`` (0..1), float32.
    The arguments are ``sample_points``'s."""
    return to_point_cloud(sample_points(model, embedding, **kwargs))


def sample_points(model: PointDiffusionTransformer, embedding: torch.Tensor | None, *,
                  generator: torch.Generator, num_points: int | None = None,
                  steps: int = BASE_SAMPLING["steps"], guidance_scale: float = 3.0,
                  batch_size: int | None = None, diffusion: GaussianDiffusion | None = None,
                  sigma_min: float = BASE_SAMPLING["sigma_min"], sigma_max: float = BASE_SAMPLING["sigma_max"],
                  s_churn: float = BASE_SAMPLING["s_churn"], callback: Callback | None = None,
                  check: Callable[[], None] | None = None, noise: Noise | None = None) -> torch.Tensor:
    """Sample a base Point-E model: the raw sample ``[B, 6, N]`` in data units (xyz, RGB 0..255, unrounded),
    as Point-E's ``PointCloudSampler.sample_batch`` returns it (the last x0 prediction).

    ``embedding``: ``[B, D]`` unit CLIP vectors for a CLIPVec model, ``[B, C, L]`` CLIP grids for a CLIPGrid
    model, ``None`` (with ``batch_size``) for the unconditional model. ``num_points`` must be the model's
    ``n_ctx`` (1024 for the published models; it defaults to that). Defaults are Point-E's: 64 Heun steps,
    sigma 1e-3..120, churn 3, guidance 3 (0 or 1: no guidance). ``callback(step, steps, x0 [B, 6, N])`` reports
    every step in data units; ``check()`` runs before every model call and may raise to cancel. ``noise(shape)``
    replaces ``generator`` as the source of the normal draws (tests replay Point-E's stored draws with it).
    """
    # 1. Check inputs
    if isinstance(model, UpsamplePointDiffusionTransformer):
        raise ValueError("this is an upsampler; use upsample_points")
    n = model.n_ctx if num_points is None else num_points
    if n != model.n_ctx:
        raise ValueError(f"this model samples exactly {model.n_ctx} points (its n_ctx), not {n}")
    model_kwargs, batch = _base_conditioning(model, embedding, batch_size, guidance_scale)
    # 2. Sample in the diffusion's units, get data units back
    diffusion = diffusion or diffusion_from_config(BASE_DIFFUSION_CONFIG)
    return karras_sample(model, diffusion, (batch, model.input_channels, n), generator=generator,
                         model_kwargs=model_kwargs, steps=steps, guidance_scale=guidance_scale,
                         sigma_min=sigma_min, sigma_max=sigma_max, s_churn=s_churn,
                         callback=callback, check=check, noise=noise)


def _base_conditioning(model, embedding, batch_size, guidance_scale) -> tuple[dict, int]:
    """The model kwargs and batch size for a base model, with a clear error for a mismatched embedding."""
    if isinstance(model, (CLIPVecPointDiffusionTransformer, CLIPGridPointDiffusionTransformer)):
        if embedding is None:
            raise ValueError(f"{type(model).__name__} needs a CLIP embedding")
        if batch_size is not None and batch_size != len(embedding):
            raise ValueError(f"batch_size {batch_size} does not match {len(embedding)} embeddings")
        if isinstance(model, CLIPVecPointDiffusionTransformer):
            want = (model.feature_dim,)
        else:
            want = (model.grid_feature_dim, model.grid_size ** 2)
        if embedding.ndim != 1 + len(want) or tuple(embedding.shape[1:]) != want:
            raise ValueError(f"{type(model).__name__} needs embeddings of shape [B, {', '.join(map(str, want))}], "
                             f"got {list(embedding.shape)}")
        return {"embeddings": embedding.to(_model_device(model))}, len(embedding)
    if embedding is not None:
        raise ValueError("the unconditional model takes no embedding; pass batch_size")
    if guidance_scale not in (0, 1):
        raise ValueError("the unconditional model cannot be guided; use guidance_scale=1")
    return {}, batch_size or 1


def upsample_point_cloud(model: UpsamplePointDiffusionTransformer, xyz, rgb, **kwargs
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Densify an already quantised cloud (xyz, rgb ``[B, cond_ctx, 3]``, rgb 0..1). Prefer ``upsample_points``
    on the base stage's raw sample: that is what Point-E conditions on (its colours are not yet rounded)."""
    xyz = torch.as_tensor(np.asarray(xyz), dtype=torch.float32)
    rgb = torch.as_tensor(np.asarray(rgb), dtype=torch.float32)
    if xyz.shape != rgb.shape or xyz.ndim != 3 or xyz.shape[1:] != (model.cond_ctx, 3):
        raise ValueError(f"expected xyz and rgb of shape [B, {model.cond_ctx}, 3], "
                         f"got {list(xyz.shape)} and {list(rgb.shape)}")
    low_res = torch.cat([xyz, rgb * 255.0], dim=-1).permute(0, 2, 1).contiguous()
    return to_point_cloud(upsample_points(model, low_res, **kwargs))


def upsample_points(model: UpsamplePointDiffusionTransformer, low_res: torch.Tensor, *,
                    generator: torch.Generator, embedding: torch.Tensor | None = None,
                    steps: int = UPSAMPLE_SAMPLING["steps"], guidance_scale: float = 1.0,
                    diffusion: GaussianDiffusion | None = None,
                    sigma_min: float = UPSAMPLE_SAMPLING["sigma_min"],
                    sigma_max: float = UPSAMPLE_SAMPLING["sigma_max"],
                    s_churn: float = UPSAMPLE_SAMPLING["s_churn"], callback: Callback | None = None,
                    check: Callable[[], None] | None = None, noise: Noise | None = None) -> torch.Tensor:
    """Densify a base stage's raw sample ``low_res [B, 6, cond_ctx]`` (data units, unrounded, as
    ``sample_points`` returns it) with Point-E's upsampler: ``[B, 6, cond_ctx + n_ctx]`` (1024 + 3072 = 4096),
    the input points first, as Point-E's ``PointCloudSampler`` returns them.

    ``embedding`` is an optional CLIP grid ``[B, C, L]`` (image-to-3D); without one the grid is zero, which is
    how Point-E's text pipeline runs it (there with guidance 0, i.e. none; its image pipeline uses guidance 3).
    With guidance, the unconditional half gets zeros for every condition, ``low_res`` included (Point-E).
    Defaults: 64 Heun steps, sigma 1e-3..160, no churn, linear-schedule diffusion. ``callback`` gets the new
    points' x0 ``[B, 6, n_ctx]``.
    """
    # 1. Check inputs
    device = _model_device(model)
    low_res = torch.as_tensor(low_res, dtype=torch.float32)
    if low_res.ndim != 3 or tuple(low_res.shape[1:]) != (model.cond_input_channels, model.cond_ctx):
        raise ValueError(f"expected low_res of shape [B, {model.cond_input_channels}, {model.cond_ctx}], "
                         f"got {list(low_res.shape)}")
    low_res = low_res.to(device)
    model_kwargs = {"low_res": low_res}
    if embedding is not None:
        if not isinstance(model, CLIPGridUpsamplePointDiffusionTransformer):
            raise ValueError(f"{type(model).__name__} takes no CLIP grid")
        model_kwargs["embeddings"] = embedding.to(device)
    # 2. Sample the new points
    diffusion = diffusion or diffusion_from_config(UPSAMPLE_DIFFUSION_CONFIG)
    new = karras_sample(model, diffusion, (len(low_res), model.input_channels, model.n_ctx), generator=generator,
                        model_kwargs=model_kwargs, steps=steps, guidance_scale=guidance_scale,
                        sigma_min=sigma_min, sigma_max=sigma_max, s_churn=s_churn, callback=callback, check=check,
                        noise=noise)
    # 3. Old points first, then the new ones
    return torch.cat([low_res.float(), new.to(device).float()], dim=-1)
