"""One refinement step (render + guidance + backward + Adam) on this CPU, SDS and VSD:

- with the tiny Stable Diffusion parts the tests use (backend/generate/tiny.py), loaded through the model store;
- with published-size random components (SD 1.5's UNet 860M, 8x VAE, 123M CLIP text encoder; random weights
  built from config in memory, ~4.3 GB in fp32), at 64x64 render size resized to 512 as the real job does.
  ``--skip-published`` leaves that out.
Steps are timed after one warm-up step; the guidance's own randomness is seeded.
"""
import argparse
import os
import tempfile
import time

import numpy as np
import torch

from _util import emit
from backend.refine import guidance as sds, models, optimise


def _mesh():
    import trimesh

    m = trimesh.creation.icosphere(subdivisions=3, radius=0.5)
    v, f = np.asarray(m.vertices), np.asarray(m.faces)
    uv = np.stack([0.5 + np.arctan2(v[:, 1], v[:, 0]) / (2 * np.pi), 0.5 + v[:, 2]], 1)
    return v, f, uv


def _guidance(parts, method, lora):
    emb = models.encode_prompts(parts, sds.view_prompts("a stone", "blurry"))
    return sds.ScoreDistillation(encoder=sds.VAEEncoder(parts.vae, parts.resolution),
                                 denoiser=sds.UNetDenoiser(parts.unet), alphas_cumprod=parts.alphas_cumprod,
                                 embeddings=emb, guidance=100.0 if method == "sds" else 7.5, mode=method,
                                 lora_params=lora, seed=0)


def time_steps(parts, method, resolution, n):
    lora = models.add_lora(parts.unet, 4) if method == "vsd" else None
    try:
        g = _guidance(parts, method, lora)
        v, f, uv = _mesh()
        s = optimise.Settings(steps=n + 1, resolution=resolution, texture_size=256, geometry=True, seed=0)
        r = optimise.Refiner(v, f, uv, f, np.full((256, 256, 3), 0.5), s)
        r.step(0, g)
        times = []
        for i in range(n):
            t0 = time.perf_counter()
            r.step(i + 1, g)
            times.append(time.perf_counter() - t0)
        return round(float(np.median(times)), 3)
    finally:
        if lora is not None:
            parts.unet.delete_adapters("vsd")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-published", action="store_true", help="tiny components only")
    ap.add_argument("--skip-published-vsd", action="store_true", help="published sizes: SDS only")
    ap.add_argument("--steps", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(2)
    from backend.generate.tiny import build_stable_diffusion

    out = {"figure": "one refinement step on the CPU (texture + geometry, 1 view)", "torch": torch.__version__}
    with tempfile.TemporaryDirectory() as root:
        build_stable_diffusion(root)
        os.environ["CONJURE_MODEL_DIR"], os.environ["HF_HUB_OFFLINE"] = root, "1"
        parts = models.load("", "cpu")
        out["tiny"] = {"render": 64, "model_resolution": parts.resolution,
                       "sds_step_s": time_steps(parts, "sds", 64, args.steps),
                       "vsd_step_s": time_steps(parts, "vsd", 64, args.steps)}
    if not args.skip_published:  # built in memory (saving and reloading 4 GB through the store adds nothing here)
        from backend.generate.tiny import tiny_sd_parts

        t0 = time.perf_counter()
        torch.manual_seed(0)
        raw = tiny_sd_parts(published=True)
        for m in (raw["unet"], raw["vae"], raw["text_encoder"]):
            m.requires_grad_(False).eval()
        parts = models.StableDiffusionParts(ref="random SD 1.5-size", folder="", unet=raw["unet"], vae=raw["vae"],
                                            text_encoder=raw["text_encoder"], tokenizer=raw["tokenizer"],
                                            alphas_cumprod=raw["scheduler"].alphas_cumprod.float(), device="cpu",
                                            dtype=torch.float32)
        built = time.perf_counter() - t0
        n_unet = sum(p.numel() for p in parts.unet.parameters())
        out["published_size"] = {"render": 64, "model_resolution": parts.resolution,
                                 "unet_params_M": round(n_unet / 1e6, 1), "build_s": round(built, 1),
                                 "sds_step_s": time_steps(parts, "sds", 64, max(1, args.steps - 1))}
        if not args.skip_published_vsd:
            out["published_size"]["vsd_step_s"] = time_steps(parts, "vsd", 64, 1)
    emit(out)


if __name__ == "__main__":
    main()
