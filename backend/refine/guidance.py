"""Score distillation: a 2D diffusion model's opinion of a render, as a gradient on the render.

SDS (DreamFusion, Poole et al. 2022, arXiv 2209.14988; latent space as in Magic3D, arXiv 2211.10440):

    z = E(render); t ~ U[t_min, t_max(step)]; z_t = sqrt(a_t) z + sqrt(1 - a_t) eps
    eps_hat = eps_u + g (eps_c - eps_u)                   # classifier-free guidance
    grad_z = w(t) (eps_hat - eps)                          # the UNet's Jacobian is skipped

VSD (ProlificDreamer, Wang et al. 2023, arXiv 2305.16213): ``eps`` is replaced by a LoRA-tuned copy of the
UNet's estimate of the *rendered* distribution's noise, ``grad_z = w(t) (eps_hat - eps_lora)``, and the LoRA is
trained alongside on the renders with the ordinary denoising loss. The LoRA is diffusers' own (peft), added to the
UNet and switched off for the pretrained prediction. (ProlificDreamer also feeds the camera to the LoRA; not here.)

The pieces are swappable so the machinery can be tested without a real model: ``Encoder`` (render -> latents),
``Denoiser`` (noisy latents, t, text embeddings -> predicted noise), and the noise schedule ``alphas_cumprod``.
``OracleDenoiser`` predicts the noise that leads to a fixed target: SDS with it must pull renders to the target.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

WEIGHTINGS = {
    "sds": "w(t) = 1 - alpha_bar_t (DreamFusion)",
    "uniform": "w(t) = 1",
    "snr": "w(t) = sqrt(alpha_bar_t (1 - alpha_bar_t)) (Magic3D / threestudio's 'sds' alternative)",
}


def weight(kind: str, alpha_bar: torch.Tensor) -> torch.Tensor:
    if kind == "sds":
        return 1.0 - alpha_bar
    if kind == "uniform":
        return torch.ones_like(alpha_bar)
    if kind == "snr":
        return torch.sqrt(alpha_bar * (1.0 - alpha_bar))
    raise ValueError(f"unknown weighting {kind!r} (known: {', '.join(WEIGHTINGS)})")


@dataclass(frozen=True)
class Schedule:
    """Timesteps drawn from U[t_min, t_max(step)], t_max annealed linearly from ``t_max`` to ``t_max_end``
    over the run (Magic3D / ProlificDreamer anneal; DreamFusion keeps U[0.02, 0.98]). Fractions of T."""

    t_min: float = 0.02
    t_max: float = 0.98
    t_max_end: float = 0.5

    def draw(self, step: int, total: int, n_train: int, batch: int, gen: torch.Generator) -> torch.Tensor:
        frac = step / max(total - 1, 1)
        hi = self.t_max + (self.t_max_end - self.t_max) * frac
        hi = max(hi, self.t_min)
        lo_i, hi_i = int(self.t_min * n_train), max(int(hi * n_train), int(self.t_min * n_train) + 1)
        return torch.randint(lo_i, hi_i, (batch,), generator=gen)


def view_prompts(prompt: str, negative: str) -> dict[str, tuple[str, str]]:
    """View label -> (prompt, negative prompt). The suffixes are DreamFusion's view-dependent prompting; naming
    the front view in the negative prompt of side and back views discourages a face on every side (the "Janus"
    problem; a simple form of Perp-Neg, arXiv 2304.04968)."""
    out = {}
    for label in ("front", "side", "back"):
        neg = negative
        if label != "front":
            neg = ", ".join(x for x in (negative, "front view, face") if x)
        out[label] = (f"{prompt}, {label} view", neg)
    return out


class Encoder:
    """Float[B, 3, H, W] render in [0, 1] -> latents (differentiable)."""

    def __call__(self, rgb: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


class PixelEncoder(Encoder):
    """The identity (pixel-space diffusion): latents are the render in [-1, 1]."""

    def __call__(self, rgb):
        return rgb * 2.0 - 1.0


class VAEEncoder(Encoder):
    """Stable Diffusion's VAE at its own resolution (renders are resized to it)."""

    def __init__(self, vae, resolution: int):
        self.vae, self.resolution = vae, resolution

    def __call__(self, rgb):
        if rgb.shape[-1] != self.resolution:
            rgb = F.interpolate(rgb, (self.resolution, self.resolution), mode="bilinear", align_corners=False)
        x = (rgb * 2.0 - 1.0).to(self.vae.dtype)
        return self.vae.encode(x).latent_dist.mean * self.vae.config.scaling_factor


class OracleDenoiser:
    """Predicts the noise under which ``target`` (latents, Float[1, C, h, w]) is the clean sample. SDS with it
    has the fixed point render == target: the proof that the loop, the weighting and the renderer's gradients
    all push the right way."""

    def __init__(self, target: torch.Tensor, alphas_cumprod: torch.Tensor):
        self.target, self.alphas_cumprod = target, alphas_cumprod

    def __call__(self, noisy, t, emb):
        a = self.alphas_cumprod.to(noisy)[t].view(-1, 1, 1, 1)
        return (noisy - a.sqrt() * self.target.to(noisy)) / (1.0 - a).sqrt()


class UNetDenoiser:
    """A diffusers UNet2DConditionModel with classifier-free guidance (conditional and unconditional in one
    batch). ``adapters``: run with the LoRA on (VSD's estimate of the render distribution) or off."""

    def __init__(self, unet):
        self.unet = unet

    def __call__(self, noisy, t, emb, *, adapters: bool = False):
        with self.adapters(adapters):
            return self.predict(noisy, t, emb)

    def predict(self, noisy, t, emb):
        """The UNet as it is switched now."""
        return self.unet(noisy.to(self.unet.dtype), t.to(noisy.device), encoder_hidden_states=emb).sample.float()

    def adapters(self, on: bool):
        """Run a block with the LoRA on or off (off again afterwards). peft makes the LoRA's parameters trainable
        only while it is on, so a LoRA training step must also run its backward inside this block."""
        import contextlib

        unet = self.unet
        if not getattr(unet, "_hf_peft_config_loaded", False):
            return contextlib.nullcontext()

        @contextlib.contextmanager
        def switch():
            (unet.enable_adapters if on else unet.disable_adapters)()
            try:
                yield
            finally:
                unet.disable_adapters()
        return switch()


class ScoreDistillation:
    """SDS / VSD on renders. ``loss(rgb, labels, step, total)`` returns a scalar whose gradient with respect to
    the latents is the score-distillation gradient (the usual reparameterisation: 0.5 |z - sg(z - grad)|^2)."""

    def __init__(self, *, encoder: Encoder, denoiser: Callable, alphas_cumprod: torch.Tensor,
                 embeddings: dict, guidance: float = 100.0, schedule: Schedule = Schedule(),
                 weighting: str = "sds", mode: str = "sds", seed: int = 0, lora_lr: float = 1e-3,
                 lora_params=None, device: str = "cpu"):
        self.encoder, self.denoiser = encoder, denoiser
        self.alphas_cumprod = alphas_cumprod.float()
        self.embeddings = embeddings          # label -> Float[2, L, D] (negative/unconditional, conditional)
        self.guidance, self.schedule, self.weighting, self.mode = guidance, schedule, weighting, mode
        self.device = device
        self.gen = torch.Generator().manual_seed(seed)
        self.lora_opt = None
        if mode == "vsd":
            params = list(lora_params or [])
            if not params:
                raise ValueError("VSD needs a LoRA on the UNet (no trainable LoRA parameters given)")
            self.lora_opt = torch.optim.AdamW(params, lr=lora_lr, weight_decay=0.0)

    def _eps(self, noisy, t, emb, adapters=False):
        kwargs = {"adapters": adapters} if isinstance(self.denoiser, UNetDenoiser) else {}
        return self.denoiser(noisy, t, emb, **kwargs)

    def loss(self, rgb: torch.Tensor, labels: list[str], step: int, total: int) -> tuple[torch.Tensor, dict]:
        """rgb Float[B, H, W, 3] in [0, 1]; labels: view label (front | side | back) of each render."""
        b = rgb.shape[0]
        # 1. Encode the renders
        z = self.encoder(rgb.permute(0, 3, 1, 2).contiguous()).float()
        # 2. Noise them at annealed timesteps
        n_train = len(self.alphas_cumprod)
        t = self.schedule.draw(step, total, n_train, b, self.gen).to(z.device)
        noise = torch.randn(z.shape, generator=self.gen).to(z)
        a = self.alphas_cumprod.to(z.device)[t].view(-1, 1, 1, 1)
        noisy = a.sqrt() * z.detach() + (1.0 - a).sqrt() * noise
        # 3. Predict the noise with classifier-free guidance (unconditional = the negative prompt)
        emb = torch.cat([self.embeddings[lb] for lb in labels]).to(z.device) if self.embeddings else None
        with torch.no_grad():
            eps = self._eps(torch.cat([noisy, noisy]), torch.cat([t, t]),
                            _interleave_cfg(emb, b) if emb is not None else None)
            eps_u, eps_c = eps[:b], eps[b:]
            eps_hat = eps_u + self.guidance * (eps_c - eps_u)
            # 4. The baseline: the true noise (SDS) or the LoRA's estimate of the renders' own score (VSD)
            if self.mode == "vsd":
                base = self._eps(noisy, t, _interleave_cfg(emb, b)[b:], adapters=True)
            else:
                base = noise
            grad = weight(self.weighting, a) * (eps_hat - base)
            grad = torch.nan_to_num(grad)
        target = (z - grad).detach()
        loss = 0.5 * F.mse_loss(z, target, reduction="sum") / b
        info = {"t": t.float().mean().item() / n_train, "grad_norm": float(grad.norm() / b)}
        if self.mode == "vsd":
            info["lora_loss"] = self._train_lora(z.detach(), _interleave_cfg(emb, b)[b:])
        return loss, info

    def _train_lora(self, z: torch.Tensor, cond: torch.Tensor) -> float:
        """One step of the LoRA on the renders' latents: the ordinary noise-prediction loss over all t."""
        b = z.shape[0]
        n_train = len(self.alphas_cumprod)
        t = torch.randint(0, n_train, (b,), generator=self.gen).to(z.device)
        noise = torch.randn(z.shape, generator=self.gen).to(z)
        a = self.alphas_cumprod.to(z.device)[t].view(-1, 1, 1, 1)
        noisy = a.sqrt() * z + (1.0 - a).sqrt() * noise
        with self.denoiser.adapters(True):
            loss = F.mse_loss(self.denoiser.predict(noisy, t, cond), noise)
            self.lora_opt.zero_grad()
            loss.backward()
            self.lora_opt.step()
        return float(loss.detach())


def _interleave_cfg(emb: torch.Tensor, b: int) -> torch.Tensor:
    """Float[2B, L, D] stacked per view as (uncond, cond) pairs -> all unconditional first, then conditional."""
    return torch.cat([emb[0::2], emb[1::2]])


def guidance_for_oracle(target_rgb: torch.Tensor, n_train: int = 1000, **kwargs) -> ScoreDistillation:
    """SDS in pixel space with ``OracleDenoiser`` toward Float[H, W, 3] ``target_rgb``."""
    from diffusers import DDPMScheduler

    sched = DDPMScheduler(num_train_timesteps=n_train, beta_schedule="scaled_linear", beta_start=0.00085,
                          beta_end=0.012)
    target = PixelEncoder()(target_rgb.permute(2, 0, 1)[None])
    return ScoreDistillation(encoder=PixelEncoder(), denoiser=OracleDenoiser(target, sched.alphas_cumprod),
                             alphas_cumprod=sched.alphas_cumprod, embeddings={}, **kwargs)
