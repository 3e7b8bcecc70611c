"""Point-E (OpenAI, 2022) as a Conjure pipeline: CLIP vector -> coloured point cloud -> (optional) mesh.

The architecture, diffusion and Karras sampler are Conjure's own (``backend.generate.point_e``) and load Point-E's
published state dicts. Point-E's checkpoints are not on the hub: they are read from a file or folder the user gives
(``model``), or from ``<model dir>/point-e/<name>.pt``. The CLIP model that embeds prompts and pictures is resolved
through the hub (``openai/clip-vit-large-patch14`` by default, as Point-E uses ViT-L/14).

Meshing fits a signed distance field to the cloud (``backend.mesh.points.cloud_field``), so the same marching
cubes, cleaning, unwrap and bake stages as Shap-E apply; colours come from the nearest points.
"""
from __future__ import annotations

import json
import os

import numpy as np

DEFAULT_ENCODER = "openai/clip-vit-large-patch14"
# Published file names -> config names.
_FILE_NAMES = {"base_40m_textvec": "base40M-textvec", "base_40m_imagevec": "base40M-imagevec"}


def _config_for(path: str) -> dict:
    """A checkpoint's architecture: ``<same name>.json`` beside it, else the published config of that name."""
    from .point_e.transformer import MODEL_CONFIGS

    stem = os.path.splitext(path)[0]
    if os.path.isfile(stem + ".json"):
        with open(stem + ".json") as f:
            return json.load(f)
    name = _FILE_NAMES.get(os.path.basename(stem), os.path.basename(stem))
    if name not in MODEL_CONFIGS:
        raise ValueError(f"{path}: unknown Point-E checkpoint name; put its config in {stem}.json or use one of "
                         f"{', '.join(sorted(MODEL_CONFIGS))}")
    return MODEL_CONFIGS[name]


class PointE:
    """A loaded Point-E vector-conditioned model and the CLIP tower that feeds it."""

    def __init__(self, checkpoint_path: str, encoder_folder: str, mode: str, device: str, fp16: bool = False):
        import torch
        from transformers import (AutoImageProcessor, CLIPTextModelWithProjection, CLIPTokenizer,
                                  CLIPVisionModelWithProjection)

        from .point_e import checkpoint
        from .point_e.transformer import CLIPVecPointDiffusionTransformer

        self.mode, self.device = mode, device
        self.dtype = torch.float16 if fp16 and device == "cuda" else torch.float32
        config = _config_for(checkpoint_path)
        self.model = checkpoint.load_model(checkpoint_path, config, device=device, dtype=self.dtype)
        if not isinstance(self.model, CLIPVecPointDiffusionTransformer):
            raise ValueError(f"{checkpoint_path} is a {type(self.model).__name__}; Conjure runs the CLIP-vector "
                             f"models (base40M-textvec, base40M-imagevec)")
        if mode == "text":
            self.tokenizer = CLIPTokenizer.from_pretrained(encoder_folder, local_files_only=True)
            self.encoder = CLIPTextModelWithProjection.from_pretrained(encoder_folder, local_files_only=True)
        else:
            self.processor = AutoImageProcessor.from_pretrained(encoder_folder, local_files_only=True)
            self.encoder = CLIPVisionModelWithProjection.from_pretrained(encoder_folder, local_files_only=True)
        self.encoder.to(device).eval()
        width = self.encoder.config.projection_dim
        if width != self.model.feature_dim:
            raise ValueError(f"the CLIP model in {encoder_folder} makes {width}-wide embeddings but the Point-E "
                             f"model expects {self.model.feature_dim} (Point-E needs openai/clip-vit-large-patch14)")
        self.ref = checkpoint_path

    def check_prompt(self, prompt: str) -> None:
        n, limit = len(self.tokenizer(prompt).input_ids), self.tokenizer.model_max_length
        if n > limit:
            raise ValueError(f"prompt is {n} tokens long; this model reads at most {limit} "
                             f"(about {limit - 2} words or word pieces): shorten it")

    def encode(self, cond, guided: bool):
        """[1, D] unit CLIP vector (the sampler pairs it with a zero vector itself when guided)."""
        from .point_e.sampler import encode_image_clip, encode_text_clip

        if self.mode == "text":
            return encode_text_clip(self.encoder, self.tokenizer, [cond])
        return encode_image_clip(self.encoder, self.processor, [cond])

    def sample(self, emb, *, seed: int, steps: int, guidance: float, on_step=None, check=None):
        import torch

        from .point_e.sampler import sample_point_cloud

        gen = torch.Generator(device="cpu").manual_seed(int(seed))
        xyz, rgb = sample_point_cloud(self.model, emb.to(self.dtype), generator=gen, steps=steps,
                                      guidance_scale=guidance, callback=on_step, check=check)
        return xyz[0].astype(np.float64), rgb[0].astype(np.float64)

    def preview(self, x0) -> np.ndarray:
        """Front view of the current clean estimate ``[1, 6, N]`` (xyz, then colour in 0..255)."""
        from ..color import srgb_to_linear
        from .preview import points_view

        pts = x0[0].float().cpu().numpy()
        return points_view(pts[:3].T, srgb_to_linear(pts[3:6].T / 255.0))

    def points(self, out) -> tuple[np.ndarray, np.ndarray]:
        """The cloud: xyz (Z up) and linear RGB in 0..1."""
        from ..color import srgb_to_linear

        xyz, rgb = out
        return xyz, srgb_to_linear(rgb)

    def field(self, out):
        from ..mesh.points import cloud_field, remove_outliers

        xyz, rgb = self.points(out)
        xyz, rgb = remove_outliers(xyz, rgb)
        f = cloud_field(xyz, rgb, srgb=False)  # self.points() made the colours linear already
        lo, hi = f.bounds()
        return f.sdf, f.color, lo, hi


def load(params, device: str, report=None) -> PointE:
    """Resolve the checkpoint and CLIP encoder (download CLIP if allowed) and load them; cached until release."""
    from . import model_cache, store

    name = "base40M-textvec" if params.mode == "text" else "base40M-imagevec"
    path = store.resolve_point_e(params.model, name)
    encoder = store.resolve(params.text_encoder or DEFAULT_ENCODER, report=report)
    key = f"point-e|{path}|{encoder}|{params.mode}|{device}|{params.fp16}"
    return model_cache.cached(key, lambda: PointE(path, encoder, params.mode, device, params.fp16))
