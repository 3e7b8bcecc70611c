"""Shap-E's latent sampler as OpenAI's reference code runs it (shap_e/diffusion/sample.py ``sample_latents`` with
the ``sample_text_to_3d`` notebook's arguments), independent of diffusers' scheduler.

The prior was trained as a 1024-step x0-predicting DDPM on the "exp" schedule (``alpha_bar(s) = exp(-12 s)``).
The reference samples it with Karras et al.'s Heun sampler (arXiv 2206.00364, Algorithm 2) over the noise levels
**160 down to 0.001** (64 steps, rho 7, no churn), gives the model the **integer** DDPM timestep of each noise level
(``alpha_bar = 1 / (sigma^2 + 1)``, interpolated, truncated), scales the input by ``1 / sqrt(sigma^2 + 1)``,
**clips each x0 prediction to [-1, 1] before** mixing the guided pair as ``uncond + scale * (cond - uncond)``
(the mix is not clipped), guides for every scale except 0 and 1, and returns the final x.

diffusers' ``HeunDiscreteScheduler`` with the hub's ``openai/shap-e`` config differs on each point: it runs from
sigma 403.4 (the schedule's largest) to 0.109 (its smallest), feeds fractional timesteps, clips after guidance and
skips guidance for scales up to 1. ``GenerateParams.schedule = "diffusers"`` keeps that behaviour
(``backend.generate.shap_e``); this module is the default.
"""
from __future__ import annotations

import math
from typing import Callable

import torch

from .point_e.diffusion import GaussianDiffusion, beta_schedule, karras_sigmas

# shap_e/diffusion/sample.py defaults and the text-to-3D notebook's arguments
REFERENCE_SAMPLING = {"sigma_min": 1e-3, "sigma_max": 160.0, "s_churn": 0.0, "rho": 7.0}
TIMESTEPS = 1024


def exp_diffusion(timesteps: int = TIMESTEPS) -> GaussianDiffusion:
    """Shap-E's diffusion: the "exp" schedule (``diffusion_config.yaml``: exp, 1024 steps, x_start prediction)."""
    return GaussianDiffusion(beta_schedule("exp", timesteps))


def is_guided(guidance_scale: float) -> bool:
    """The reference guides for every scale except 0 and 1 (diffusers' pipelines only above 1)."""
    return guidance_scale not in (0, 1)


@torch.no_grad()
def sample_latents(model_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], noise: torch.Tensor, *,
                   steps: int = 64, guidance_scale: float = 15.0,
                   sigma_min: float = REFERENCE_SAMPLING["sigma_min"],
                   sigma_max: float = REFERENCE_SAMPLING["sigma_max"], rho: float = REFERENCE_SAMPLING["rho"],
                   diffusion: GaussianDiffusion | None = None,
                   callback: Callable[[int, int, torch.Tensor], None] | None = None,
                   check: Callable[[], None] | None = None,
                   trace: Callable[[int, torch.Tensor, torch.Tensor], None] | None = None) -> torch.Tensor:
    """Sample from unit ``noise`` (x_T / sigma_max, any shape ``[B, ...]``); returns the final x, same shape.

    ``model_fn(x_in, t)`` gets the scaled input and int64 timesteps ``[B']`` and returns the x0 prediction
    (``B' = 2B`` when guided: the rows are ``[x, x]``, and ``model_fn`` must pair them with the conditional then
    the unconditional (zero) embedding, the reference's order). ``callback(call, calls, x0)`` runs after each of
    the ``2 * steps - 1`` model calls with the current guided x0; ``check()`` before each (raise to cancel);
    ``trace(i, x, x0)`` once per step with x at the start of step i and the x0 estimated there.
    """
    # 1. Check inputs
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if not 0 < sigma_min < sigma_max:
        raise ValueError(f"need 0 < sigma_min < sigma_max, got {sigma_min}, {sigma_max}")
    diffusion = diffusion or exp_diffusion()
    guided = is_guided(guidance_scale)
    sigmas = karras_sigmas(steps, sigma_min, sigma_max, rho)  # float32, as the reference computes them
    calls, total = [0], 2 * steps - 1

    def denoise(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        if check is not None:
            check()
        x_in = torch.cat([x, x]) if guided else x
        t = torch.full((len(x_in),), diffusion.sigma_to_t(float(sigma)), dtype=torch.long, device=x.device)
        c_in = (1.0 / (sigma ** 2 + 1) ** 0.5).to(x)  # float32, as the reference's GaussianToKarrasDenoiser
        x0 = model_fn(x_in * c_in, t).to(x.dtype).clamp(-1, 1)  # clip each branch (clip_denoised)
        if guided:
            cond, uncond = x0.chunk(2)
            x0 = uncond + guidance_scale * (cond - uncond)
        calls[0] += 1
        if callback is not None:
            callback(calls[0], total, x0)
        return x0

    # 2. Start from pure noise at sigma_max
    x = noise * sigma_max  # the reference: randn * sigma_max (a Python float)
    sigmas = sigmas.to(x.device)
    # 3. Heun steps (no churn: sigma_hat = sigma), the last one Euler
    for i in range(steps):
        sigma, sigma_next = sigmas[i], sigmas[i + 1]
        x0 = denoise(x, sigma)
        if trace is not None:
            trace(i, x, x0)
        d = (x - x0) / sigma
        dt = sigma_next - sigma
        if sigma_next == 0:
            x = x + d * dt
        else:
            x_2 = x + d * dt
            d_2 = (x_2 - denoise(x_2, sigma_next)) / sigma_next
            x = x + (d + d_2) / 2 * dt
    return x


@torch.no_grad()
def sample_latents_diffusers(model_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], noise: torch.Tensor,
                             scheduler, *, steps: int = 64, guidance_scale: float = 15.0,
                             callback: Callable[[int, int, torch.Tensor], None] | None = None,
                             check: Callable[[], None] | None = None) -> torch.Tensor:
    """diffusers' way (``ShapEPipeline``'s loop): ``scheduler``'s own noise levels (a copy is stepped), its
    fractional timesteps, guidance on the raw predictions, clipping by the scheduler afterwards. ``model_fn`` and
    the guided batch's row order are as in ``sample_latents``; ``callback`` runs after every scheduler step."""
    import copy

    sched = copy.deepcopy(scheduler)  # schedulers keep per-run state; from_config costs 25 ms
    sched.set_timesteps(steps, device=noise.device)
    latents = noise * sched.init_noise_sigma
    guided = is_guided(guidance_scale)
    for i, t in enumerate(sched.timesteps):
        if check is not None:
            check()
        x = torch.cat([latents] * 2) if guided else latents
        x = sched.scale_model_input(x, t)
        pred = model_fn(x, t)
        if guided:
            cond, uncond = pred.chunk(2)
            pred = uncond + guidance_scale * (cond - uncond)
        latents = sched.step(pred, timestep=t, sample=latents).prev_sample
        if callback is not None:
            callback(i + 1, len(sched.timesteps), pred)
    return latents


def sample(schedule: str, model_fn, noise: torch.Tensor, *, scheduler=None, steps: int = 64,
           guidance_scale: float = 15.0, callback=None, check=None) -> torch.Tensor:
    """Sample with ``schedule`` ("reference": ``sample_latents``; "diffusers": ``sample_latents_diffusers`` with
    ``scheduler``). The arguments are theirs."""
    if schedule == "reference":
        return sample_latents(model_fn, noise, steps=steps, guidance_scale=guidance_scale, callback=callback,
                              check=check)
    if schedule == "diffusers":
        return sample_latents_diffusers(model_fn, noise, scheduler, steps=steps, guidance_scale=guidance_scale,
                                        callback=callback, check=check)
    raise ValueError(f"unknown schedule {schedule!r}; known: reference, diffusers")


def sigma_range(schedule: str, scheduler=None, steps: int = 64) -> tuple[float, float]:
    """(sigma_max, sigma_min) a schedule samples over: the reference's, or those diffusers' ``scheduler`` runs."""
    if schedule == "reference":
        return REFERENCE_SAMPLING["sigma_max"], REFERENCE_SAMPLING["sigma_min"]
    import copy

    sched = copy.deepcopy(scheduler)
    sched.set_timesteps(steps)
    sigmas = sched.sigmas[sched.sigmas > 0]
    return float(sigmas.max()), float(sigmas.min())
