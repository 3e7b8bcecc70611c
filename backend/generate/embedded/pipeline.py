"""The embedded pipeline: prompt -> MiniLM embedding -> latent diffusion (PriorTransformer + DDIM) -> field.

Same interface as shap_e.py / point_e_pipeline.py, so ``backend.generate.run`` meshes, unwraps, bakes and exports
its output like any other candidate. The weights ship in ``weights/`` beside this file (``params.model == ''``);
any folder written by ``train`` (``--out``) or ``backend.cli train --data`` loads the same way.

Decoding evaluates the decoder once on a regular grid (``decode_grid`` cells a side over the field's box) and
answers every later query (marching cubes, normals, texture bake) by trilinear interpolation of that grid, so
meshing and baking cost no network evaluations.
"""
from __future__ import annotations

import os

import numpy as np

WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights")
BOX = 1.0            # the field lives in [-BOX, BOX]^3 (corpus items are scaled into [-0.8, 0.8])
DECODE_GRID = 64     # grid points per side for the final field (at most; the job's resolution if smaller)
PREVIEW_GRID = 24    # ... for previews
COARSE_FROM = 32     # grids this fine are decoded coarse to fine


class Embedded:
    """A loaded embedded model (autoencoder + prior) and its MiniLM prompt encoder."""

    def __init__(self, folder: str, device: str, decode_grid: int = DECODE_GRID):
        import torch

        from .model import load_model
        from .text import TextEncoder

        self.device = device
        self.model = load_model(folder, device)
        self.text = TextEncoder(device)
        self.decode_grid = int(decode_grid)
        self.ref = folder
        self._dtype = torch.float32

    # ------------------------------------------------------------------ conditioning
    def encode(self, cond, guided: bool):
        """Float[1 or 2, 384]: the prompt's unit MiniLM embedding; with ``guided`` the zero (unconditional)
        embedding comes first, as the sampler's batch expects (training dropped prompts to zeros)."""
        import torch

        if not isinstance(cond, str):
            raise ValueError("the embedded model makes objects from a prompt, not a picture: use the shap-e "
                             "pipeline for image-to-3D")
        self.text.check_prompt(cond)
        emb = self.text.encode([cond]).to(self.device)
        return torch.cat([torch.zeros_like(emb), emb]) if guided else emb

    # ------------------------------------------------------------------ sampling
    def sample(self, emb, *, seed: int, steps: int, guidance: float, on_step=None, check=None):
        """DDIM from seeded noise for ``steps`` steps; the prior predicts the clean (standardised) latent.
        ``on_step(i, total, x0)`` gets the current clean estimate; ``check()`` may raise to cancel.
        Returns Float[1, K, D], the standardised latent."""
        import torch

        from .model import build_scheduler

        prior = self.model.prior
        sched = build_scheduler(self.model.config["scheduler"], "ddim")
        sched.set_timesteps(steps, device=self.device)
        k, d = prior.config.num_embeddings, prior.config.embedding_dim
        gen = torch.Generator(device="cpu").manual_seed(int(seed))
        latents = torch.randn((1, k, d), generator=gen, dtype=torch.float32).to(self.device) * sched.init_noise_sigma
        guided = emb.shape[0] == 2
        timesteps = sched.timesteps
        with torch.no_grad():
            for i, t in enumerate(timesteps):
                if check is not None:
                    check()
                x = torch.cat([latents] * 2) if guided else latents
                pred = prior(x, timestep=t, proj_embedding=emb).predicted_image_embedding
                if guided:
                    uncond, cond = pred.chunk(2)
                    pred = uncond + guidance * (cond - uncond)
                latents = sched.step(pred, t, latents).prev_sample
                if on_step is not None:
                    on_step(i + 1, len(timesteps), pred)
        return latents

    # ------------------------------------------------------------------ decoding
    def _decode_points(self, latent, mod, pos):
        """Decoder outputs at Float[1, P, 3] positions, in chunks: (Float[P] sdf, Float[P, 3] rgb)."""
        import torch

        sdf, rgb = [], []
        with torch.no_grad():
            for i in range(0, pos.shape[1], 65536):
                s, c = self.model.autoencoder.decoder(latent, pos[:, i:i + 65536], mod)
                sdf.append(s[0])
                rgb.append(c[0])
        return torch.cat(sdf), torch.cat(rgb)

    def _decode_grid(self, z, n: int):
        """Decode a standardised latent on a regular grid over the box: (sdf Float32[g, g, g], rgb Float32[g, g, g, 3])
        with g = n (small n) or the odd size 2 * ceil((n + 1) / 2) - 1 >= n. Coarse to fine: every other grid point
        first, then the decoder again only where the interpolated distance is under one coarse cell; elsewhere the
        coarse grid, interpolated. A thin part cannot hide between coarse points: every surface point is within half
        a coarse cell diagonal (< one cell) of one, whose distance is then under a cell."""
        import torch
        import torch.nn.functional as F

        ae = self.model.autoencoder
        latent = ae.destandardise(z.to(self.device).float().reshape(1, *ae.latent_mean.shape))
        with torch.no_grad():
            mod = ae.decoder.modulation(latent)

        def grid_points(g):
            axis = torch.linspace(-BOX, BOX, g)
            return torch.stack(torch.meshgrid(axis, axis, axis, indexing="ij"), dim=-1).reshape(1, -1, 3).to(self.device)

        if n < COARSE_FROM:
            sdf, rgb = self._decode_points(latent, mod, grid_points(n))
            return sdf.reshape(n, n, n).cpu().numpy(), rgb.reshape(n, n, n, 3).cpu().numpy()
        m = (n + 2) // 2
        g = 2 * m - 1
        cs, cr = self._decode_points(latent, mod, grid_points(m))
        coarse = torch.cat([cs.reshape(1, m, m, m), cr.reshape(m, m, m, 3).permute(3, 0, 1, 2)])[None]
        fine = F.interpolate(coarse, size=(g, g, g), mode="trilinear", align_corners=True)[0]
        sdf, rgb = fine[0].reshape(-1), fine[1:].reshape(3, -1).T.contiguous()
        band = torch.nonzero(sdf.abs() < 2 * BOX / (m - 1)).squeeze(1)
        if len(band):
            pos = grid_points(g)[:, band]
            s, c = self._decode_points(latent, mod, pos)
            sdf[band], rgb[band] = s, c
        return sdf.reshape(g, g, g).cpu().numpy(), rgb.reshape(g, g, g, 3).cpu().numpy()

    def field(self, out, n: int | None = None):
        """The latent's implicit function as numpy callables (SDF < 0 inside, Z up, linear RGB) and its bounds."""
        from scipy.ndimage import map_coordinates

        grid, rgb = self._decode_grid(out, n or self.decode_grid)
        n = grid.shape[0]
        lo, hi = np.full(3, -BOX), np.full(3, BOX)

        def coords(pts: np.ndarray) -> np.ndarray:
            return ((np.asarray(pts, np.float64) - lo) / (hi - lo) * (n - 1)).T

        def sdf(pts: np.ndarray) -> np.ndarray:
            # outside the box the field is "outside", so the surface closes
            box = np.max(np.abs(pts) - BOX, axis=1)
            inner = map_coordinates(grid, coords(pts), order=1, mode="nearest")
            return np.maximum(inner, box).astype(np.float64)

        def color(pts: np.ndarray) -> np.ndarray:
            c = coords(pts)
            return np.stack([map_coordinates(rgb[..., i], c, order=1, mode="nearest") for i in range(3)], axis=1)

        return sdf, color, lo, hi

    def preview(self, x0) -> np.ndarray:
        """A small front view of the current clean estimate's shape."""
        from ..preview import field_view

        sdf, color, lo, hi = self.field(x0, PREVIEW_GRID)
        return field_view(sdf, color, lo, hi, n=32)

    def points(self, out, n: int = 4096) -> tuple[np.ndarray, np.ndarray]:
        """A coloured cloud on the surface: grid points within half a cell of the zero level set, as xyz (Z up)
        and linear RGB in 0..1."""
        grid, rgb = self._decode_grid(out, self.decode_grid)
        h = 2 * BOX / (grid.shape[0] - 1)
        near = np.argwhere(np.abs(grid) < h)
        pts = -BOX + near * h
        return pts[:n].astype(np.float64), rgb[tuple(near[:n].T)].astype(np.float64)


def load(params, device: str, report=None) -> Embedded:
    """The shipped weights (``params.model == ''``) or a model folder the user gives; cached until ``release``."""
    from .. import model_cache, store

    if params.mode != "text":
        raise ValueError("the embedded model makes objects from a prompt, not a picture: use the shap-e pipeline "
                         "for image-to-3D")
    folder = WEIGHTS if params.model == "" else store.resolve(params.model, report=report)
    grid = max(16, min(DECODE_GRID, params.resolution))
    key = f"embedded|{folder}|{device}|{grid}"
    model = model_cache.cached(key, lambda: Embedded(folder, device, grid))
    model.ref = params.model or "conjure/embedded"
    return model


def sample_options(params) -> dict:
    """What ``sample`` takes from a job's params beyond the common arguments: nothing."""
    return {}


def field_options(params) -> dict:
    """What ``field`` takes from a job's params: nothing."""
    return {}


def default_size(model: Embedded, emb) -> float | None:
    """The object's largest dimension in metres as the model predicts it from the prompt (the size head learned
    every corpus asset's true extent from its captions); None for model folders without a size head."""
    cond = emb[-1:]   # guided batches put the unconditional (zero) row first
    size = model.model.predict_size(cond)
    return None if size is None else round(float(size.max()), 3)


def describe(model, params) -> dict:
    """Result metadata particular to this pipeline: none."""
    return {}
