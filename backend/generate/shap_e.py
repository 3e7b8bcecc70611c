"""Shap-E (OpenAI, 2023) through diffusers' components: prompt or picture -> latent -> implicit field.

We load diffusers' ``ShapEPipeline`` / ``ShapEImg2ImgPipeline`` (so the hub layouts ``openai/shap-e`` and
``openai/shap-e-img2img`` load as published) but run the sampling loop ourselves, because the pipeline's own loop has
no hook for progress, previews or cancelling between steps. The loop is the pipeline's: CLIP embedding (text:
normalised ``text_embeds``; image: the patch tokens), classifier-free guidance against a zero embedding, the
PriorTransformer predicting the clean latent, and the Heun scheduler.

Decoding does not use ``ShapERenderer.decode_to_mesh``: that writes the latent's weights into the renderer in place
and meshes with marching-cubes tables stored as buffers, which are all zeros when a renderer is built from a config
(diffusers' known defect: an empty mesh). We evaluate the renderer's STF field ourselves with the latent's weights
passed functionally, and mesh it with Conjure's own marching cubes, so any renderer works and nothing is mutated.
"""
from __future__ import annotations

import copy
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
        """Raise ValueError if ``prompt`` is longer than the text encoder reads (it is never silently cut)."""
        tok = self.pipe.tokenizer
        n = len(tok(prompt).input_ids)
        if n > tok.model_max_length:
            raise ValueError(f"prompt is {n} tokens long; this model reads at most {tok.model_max_length} "
                             f"(about {tok.model_max_length - 2} words or word pieces): shorten it")

    def encode(self, cond, guided: bool):
        """Conditioning for the prior: a prompt (str) or a picture (PIL RGB). With ``guided`` the zero
        (unconditional) embedding comes first, as the sampler's batch expects."""
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
                emb = torch.cat([torch.zeros_like(emb), emb])
            if self.mode == "text":
                emb = math.sqrt(emb.shape[1]) * emb
        return emb

    # ------------------------------------------------------------------ sampling
    def sample(self, emb, *, seed: int, steps: int, guidance: float, on_step=None, check=None):
        """Run the prior for ``steps`` scheduler steps from seeded noise. ``on_step(i, total, x0)`` gets the
        current clean-latent estimate; ``check()`` may raise to cancel. Returns latents [1, tokens, width]."""
        import torch

        prior = self.pipe.prior
        sched = copy.deepcopy(self.pipe.scheduler)  # schedulers keep per-run state; from_config costs 25 ms
        device = self.pipe._execution_device
        sched.set_timesteps(steps, device=device)
        n, width = prior.config.num_embeddings, prior.config.embedding_dim
        gen = torch.Generator(device="cpu").manual_seed(int(seed))
        noise = torch.randn((1, n * width), generator=gen, dtype=torch.float32)
        latents = (noise.to(device) * sched.init_noise_sigma).to(self.dtype).reshape(1, n, width)
        guided = emb.shape[0] == 2
        timesteps = sched.timesteps
        with torch.no_grad():
            for i, t in enumerate(timesteps):
                if check is not None:
                    check()
                x = torch.cat([latents] * 2) if guided else latents
                x = sched.scale_model_input(x, t)
                pred = prior(x, timestep=t, proj_embedding=emb.to(self.dtype)).predicted_image_embedding
                pred = pred.split(x.shape[2], dim=2)[0]
                if guided:
                    uncond, cond = pred.chunk(2)
                    pred = uncond + guidance * (cond - uncond)
                latents = sched.step(pred, timestep=t, sample=latents).prev_sample
                if on_step is not None:
                    on_step(i + 1, len(timesteps), pred)
        return latents

    def preview(self, latent) -> np.ndarray:
        """A small front view of a (partly denoised) latent's shape."""
        from .preview import field_view

        sdf, color, lo, hi = self.field(latent)
        return field_view(sdf, color, lo, hi, n=32)

    # ------------------------------------------------------------------ decoding
    def field(self, latent):
        """The latent's implicit function as numpy callables (Conjure's convention: SDF < 0 inside, Z up,
        linear RGB), plus its bounds. The renderer is not modified."""
        import torch
        from torch.func import functional_call

        r = self.renderer
        dev = next(r.mlp.parameters()).device
        dtype = next(r.mlp.parameters()).dtype
        with torch.no_grad():
            projected = r.params_proj(latent.to(dev, dtype))
        params = {k: v.detach() for k, v in r.mlp.named_parameters()}
        for name, value in projected.items():
            if name.startswith("nerstf.") and name[len("nerstf."):] in params:
                params[name[len("nerstf."):]] = value.squeeze(0)
        lo = r.volume.bbox_min.detach().cpu().numpy().astype(np.float64)
        hi = r.volume.bbox_max.detach().cpu().numpy().astype(np.float64)

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

        def sdf(pts: np.ndarray) -> np.ndarray:
            # Shap-E's field is positive inside; outside its box it is forced to "outside" so the mesh closes.
            box = np.max(np.abs(pts - (lo + hi) / 2) - (hi - lo) / 2, axis=1)
            return np.maximum(-query(pts)[0], box)

        def color(pts: np.ndarray) -> np.ndarray:
            return srgb_to_linear(query(pts)[1])

        return sdf, color, lo, hi


def load(params: "jobs.GenerateParams", device: str, report=None) -> ShapE:
    """Resolve (download if allowed) and load the Shap-E model a spec asks for; cached until ``release``."""
    from . import model_cache, store

    ref = params.model or ("openai/shap-e" if params.mode == "text" else "openai/shap-e-img2img")
    folder = store.resolve(ref, report=report)
    key = f"shap-e|{folder}|{params.mode}|{device}|{params.fp16}|{params.cpu_offload}"
    model = model_cache.cached(key, lambda: ShapE(folder, params.mode, device, params.fp16, params.cpu_offload))
    model.ref = ref
    return model
