"""Shap-E (OpenAI, 2023) through diffusers' components: prompt or picture -> latent -> implicit field.

We load diffusers' ``ShapEPipeline`` / ``ShapEImg2ImgPipeline`` (so the hub layouts ``openai/shap-e`` and
``openai/shap-e-img2img`` load as published) but run the sampling loop ourselves, because the pipeline's own loop has
no hook for progress, previews or cancelling between steps. Conditioning is the pipeline's: CLIP embedding (text:
normalised ``text_embeds``; image: the patch tokens), classifier-free guidance against a zero embedding, the
PriorTransformer predicting the clean latent. Sampling follows OpenAI's reference by default
(``shap_e_sampling``: sigma 160 down to 0.001, integer timesteps, x0 clipped per branch, guidance for every scale
but 0 and 1); ``schedule="diffusers"`` runs diffusers' Heun scheduler as its hub config sets it (403.4 down to 0.109,
fractional timesteps) instead.

Decoding does not use ``ShapERenderer.decode_to_mesh``: that writes the latent's weights into the renderer in place
and meshes with marching-cubes tables stored as buffers, which are all zeros when a renderer is built from a config
(diffusers' known defect: an empty mesh). We evaluate the renderer's STF field ourselves with the latent's weights
passed functionally, and mesh it with Conjure's own marching cubes, so any renderer works and nothing is mutated.
"""
from __future__ import annotations

import json
import math
import os

import numpy as np

from .. import jobs
from ..color import srgb_to_linear

QUERY_BATCH = 65536


class ShapE:
    """One loaded Shap-E pipeline (text or image flavour) on one device."""

    def __init__(self, folder: str, mode: str, device: str, fp16: bool = False, cpu_offload: bool = False):
        import torch
        from diffusers import ShapEImg2ImgPipeline, ShapEPipeline

        expected = "ShapEPipeline" if mode == "text" else "ShapEImg2ImgPipeline"
        index = os.path.join(folder, "model_index.json")
        try:
            with open(index) as f:
                found = json.load(f).get("_class_name")
        except (OSError, ValueError) as e:
            raise ValueError(f"{folder} is not a diffusers model folder (cannot read model_index.json: {e})") from None
        if found != expected:
            hint = "a prompt needs openai/shap-e" if mode == "text" else "an image needs openai/shap-e-img2img"
            raise ValueError(f"{folder} holds a {found}, not a {expected} ({hint})")
        self.mode, self.device = mode, device
        self.dtype = torch.float16 if fp16 and device == "cuda" else torch.float32
        cls = ShapEPipeline if mode == "text" else ShapEImg2ImgPipeline
        self.pipe = cls.from_pretrained(folder, dtype=self.dtype, local_files_only=True)
        self.pipe.set_progress_bar_config(disable=True)
        if cpu_offload and device == "cuda":
            self.pipe.enable_model_cpu_offload(device=device)
            self.pipe.shap_e_renderer.to(device)
        else:
            self.pipe.to(device)
        self.renderer = self.pipe.shap_e_renderer
        self.ref = folder

    # ------------------------------------------------------------------ conditioning
    def check_prompt(self, prompt: str) -> None:
        """Raise ValueError if ``prompt`` is longer than the text encoder reads (it is never silently cut; the
        message says how many tokens are over and where the reference would have cut it)."""
        from .prompts import check_prompt_length

        check_prompt_length(self.pipe.tokenizer, prompt)

    def encode(self, cond, guided: bool):
        """Conditioning for the prior: a prompt (str) or a picture (PIL RGB). With ``guided`` the zero
        (unconditional) embedding follows the conditional one, the reference's order."""
        import torch

        with torch.no_grad():
            if self.mode == "text":
                self.check_prompt(cond)
                tok = self.pipe.tokenizer
                ids = tok(cond, padding="max_length", max_length=tok.model_max_length, truncation=True,
                          return_tensors="pt").input_ids
                emb = self.pipe.text_encoder(ids.to(self.pipe._execution_device)).text_embeds
                emb = emb / torch.linalg.norm(emb, dim=-1, keepdim=True)
            else:
                pixels = self.pipe.image_processor(cond, return_tensors="pt").pixel_values
                enc = self.pipe.image_encoder
                emb = enc(pixels.to(self.pipe._execution_device, dtype=enc.dtype))["last_hidden_state"][:, 1:, :]
            if guided:
                emb = torch.cat([emb, torch.zeros_like(emb)])
            if self.mode == "text":
                emb = math.sqrt(emb.shape[1]) * emb
        return emb

    # ------------------------------------------------------------------ sampling
    def sample(self, emb, *, seed: int, steps: int, guidance: float, on_step=None, check=None,
               schedule: str = "reference"):
        """Run the prior from seeded noise. ``on_step(i, total, x0)`` gets the current clean-latent estimate
        after each model call; ``check()`` may raise to cancel. ``emb`` is ``encode``'s (guided when it has two
        rows: conditional, then zeros). Guidance follows the reference's rule: any scale but 0 and 1 guides, pairing
        a one-row embedding with zeros if need be; 0 and 1 use the conditional row alone.
        Returns latents [1, tokens, width]."""
        import torch

        from . import shap_e_sampling as sampling

        if sampling.is_guided(guidance) and emb.shape[0] == 1:
            emb = torch.cat([emb, torch.zeros_like(emb)])
        elif not sampling.is_guided(guidance):
            emb = emb[:1]

        prior, dtype = self.pipe.prior, self.dtype
        n, width = prior.config.num_embeddings, prior.config.embedding_dim
        gen = torch.Generator(device="cpu").manual_seed(int(seed))
        noise = torch.randn((1, n * width), generator=gen, dtype=torch.float32)  # the reference's one draw
        noise = noise.to(self.pipe._execution_device).reshape(1, n, width)  # the loop runs in float32

        def model_fn(x_in, t):
            pred = prior(x_in.to(dtype), timestep=t, proj_embedding=emb.to(dtype)).predicted_image_embedding
            return pred.split(x_in.shape[2], dim=2)[0].float()

        with torch.no_grad():
            return sampling.sample(schedule, model_fn, noise, scheduler=self.pipe.scheduler, steps=steps,
                                   guidance_scale=guidance, callback=on_step, check=check).to(dtype)

    def preview(self, latent) -> np.ndarray:
        """A small front view of a (partly denoised) latent's shape."""
        from .preview import field_view

        sdf, color, lo, hi = self.field(latent)
        return field_view(sdf, color, lo, hi, n=32)

    # ------------------------------------------------------------------ decoding
    def field(self, latent):
        """The latent's implicit function as numpy callables (Conjure's convention: SDF < 0 inside, Z up,
        linear RGB), plus its bounds. The renderer is not modified."""
        return stf_field(self.renderer, latent)


def stf_query(renderer, latent):
    """``query(points Float[N, 3]) -> (signed_distance [N], channels [N, 3])``: the renderer's STF field for
    ``latent`` ([1, tokens, d_latent], or flat [1, tokens * d_latent]) as the reference computes it (signed
    distance positive inside, sRGB channels in 0..1), float64 numpy. The latent's weights are passed
    functionally: the renderer is not modified."""
    import torch
    from torch.func import functional_call

    r = renderer
    dev = next(r.mlp.parameters()).device
    dtype = next(r.mlp.parameters()).dtype
    if latent.ndim == 2:
        latent = latent.reshape(latent.shape[0], -1, r.config.d_latent)
    with torch.no_grad():
        projected = r.params_proj(latent.to(dev, dtype))
    params = {k: v.detach() for k, v in r.mlp.named_parameters()}
    for name, value in projected.items():
        if name.startswith("nerstf.") and name[len("nerstf."):] in params:
            params[name[len("nerstf."):]] = value.squeeze(0)

    def query(pts: np.ndarray):
        sd, rgb = [], []
        with torch.no_grad():
            for i in range(0, len(pts), QUERY_BATCH):
                p = torch.from_numpy(np.ascontiguousarray(pts[i:i + QUERY_BATCH])).to(dev, dtype)[None]
                out = functional_call(r.mlp, params, args=(), kwargs=dict(
                    position=p, direction=None, ts=None, nerf_level="fine", rendering_mode="stf"))
                sd.append(out.signed_distance[0, :, 0].float().cpu().numpy())
                rgb.append(out.channels[0].float().cpu().numpy())
        return np.concatenate(sd).astype(np.float64), np.concatenate(rgb).astype(np.float64)

    return query


def stf_field(renderer, latent):
    """``(sdf, color, lo, hi)`` of a latent (Conjure's convention: SDF < 0 inside, linear RGB) from ``stf_query``."""
    query = stf_query(renderer, latent)
    lo = renderer.volume.bbox_min.detach().cpu().numpy().astype(np.float64)
    hi = renderer.volume.bbox_max.detach().cpu().numpy().astype(np.float64)

    def sdf(pts: np.ndarray) -> np.ndarray:
        # Shap-E's field is positive inside; outside its box it is forced to "outside" so the mesh closes.
        box = np.max(np.abs(pts - (lo + hi) / 2) - (hi - lo) / 2, axis=1)
        return np.maximum(-query(pts)[0], box)

    def color(pts: np.ndarray) -> np.ndarray:
        return srgb_to_linear(query(pts)[1])

    return sdf, color, lo, hi


def sample_options(params) -> dict:
    """What ``ShapE.sample`` takes from a job's params beyond the common arguments."""
    return {"schedule": params.schedule}


def field_options(params) -> dict:
    """What ``ShapE.field`` takes from a job's params: nothing."""
    return {}


def describe(model, params) -> dict:
    """Result metadata: which noise schedule ran, and its range."""
    from .shap_e_sampling import sigma_range

    sigma_max, sigma_min = sigma_range(params.schedule, model.pipe.scheduler, params.steps)
    return {"schedule": params.schedule, "sigma_max": round(sigma_max, 3), "sigma_min": round(sigma_min, 4)}


def load(params: "jobs.GenerateParams", device: str, report=None) -> ShapE:
    """Resolve (download if allowed) and load the Shap-E model a spec asks for; cached until ``release``."""
    from . import model_cache, store

    ref = params.model or ("openai/shap-e" if params.mode == "text" else "openai/shap-e-img2img")
    folder = store.resolve(ref, report=report)
    key = f"shap-e|{folder}|{params.mode}|{device}|{params.fp16}|{params.cpu_offload}"
    model = model_cache.cached(key, lambda: ShapE(folder, params.mode, device, params.fp16, params.cpu_offload))
    model.ref = ref
    return model
