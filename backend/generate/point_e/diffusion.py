"""Point-E's Gaussian diffusion and its Karras (EDM) Heun sampler with classifier-free guidance.

The models were trained as 1024-step epsilon-prediction DDPMs with a learned-range variance
(Improved DDPM, arXiv 2102.09672): the cosine schedule for the base models, the linear one for the upsampler.
Point-E samples them with Karras et al.'s Heun sampler (arXiv 2206.00364, Algorithm 2) by viewing the DDPM
as a denoiser of ``x + sigma * noise``: a sigma maps to the DDPM timestep whose ``alpha_bar = 1 / (sigma^2 + 1)``
(interpolated, then floored), the input is scaled by ``1 / sqrt(sigma^2 + 1)``, and the model's epsilon
gives a clipped x0 prediction.

Point clouds are ``[B, C, N]``. The diffusion runs in scaled units (``x * channel_scales + channel_biases``:
xyz * 2, rgb 0..255 -> [-1, 1]); ``karras_sample`` returns, and reports, data units.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import torch

# Point-E's diffusion configs (point_e/diffusion/configs.py), keyed by model config name like its own.
_CHANNEL_SCALES = [2.0, 2.0, 2.0, 0.007843137255, 0.007843137255, 0.007843137255]  # xyz * 2, rgb * 2/255
_CHANNEL_BIASES = [0.0, 0.0, 0.0, -1.0, -1.0, -1.0]
BASE_DIFFUSION_CONFIG = {"schedule": "cosine", "timesteps": 1024, "mean_type": "epsilon",
                         "channel_scales": _CHANNEL_SCALES, "channel_biases": _CHANNEL_BIASES}
UPSAMPLE_DIFFUSION_CONFIG = {**BASE_DIFFUSION_CONFIG, "schedule": "linear"}
DIFFUSION_CONFIGS: dict[str, dict] = {
    **{name: BASE_DIFFUSION_CONFIG
       for name in ("base40M-imagevec", "base40M-textvec", "base40M-uncond", "base40M", "base300M", "base1B")},
    "upsample": UPSAMPLE_DIFFUSION_CONFIG,
}

# Point-E's sampler defaults (PointCloudSampler): base stage, then upsampler stage.
BASE_SAMPLING = {"steps": 64, "sigma_min": 1e-3, "sigma_max": 120.0, "s_churn": 3.0}
UPSAMPLE_SAMPLING = {"steps": 64, "sigma_min": 1e-3, "sigma_max": 160.0, "s_churn": 0.0}


# --------------------------------------------------------------------------- schedules
def beta_schedule(name: str, timesteps: int) -> np.ndarray:
    """Betas (float64) of the "cosine" (Nichol & Dhariwal), "linear" (Ho et al., rescaled to T steps) or "exp"
    (Shap-E: ``alpha_bar(s) = exp(-12 s)``) schedule."""
    if name == "exp":
        return np.array([min(1 - math.exp(-12 * (i + 1) / timesteps) / math.exp(-12 * i / timesteps), 0.999)
                         for i in range(timesteps)], dtype=np.float64)
    if name == "linear":
        scale = 1000.0 / timesteps
        return np.linspace(scale * 1e-4, scale * 0.02, timesteps, dtype=np.float64)
    if name == "cosine":
        def alpha_bar(s: float) -> float:
            return math.cos((s + 0.008) / 1.008 * math.pi / 2) ** 2

        return np.array([min(1 - alpha_bar((i + 1) / timesteps) / alpha_bar(i / timesteps), 0.999)
                         for i in range(timesteps)], dtype=np.float64)
    raise ValueError(f"unknown beta schedule {name!r}; known: cosine, linear, exp")


def _at(values: np.ndarray, t: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """``values[t]`` as a ``[B, 1, 1]`` tensor in ``like``'s dtype and device."""
    out = torch.from_numpy(values[t.cpu().numpy()]).to(device=like.device, dtype=like.dtype)
    return out.view(-1, *([1] * (like.ndim - 1)))


class GaussianDiffusion:
    """The DDPM quantities sampling needs: schedule, q(x_t | x_0), the model's p(x_{t-1} | x_t), channel scaling.

    Only epsilon prediction with a learned-range variance is supported (all published Point-E models).
    """

    def __init__(self, betas: np.ndarray, channel_scales=None, channel_biases=None):
        betas = np.asarray(betas, dtype=np.float64)
        if betas.ndim != 1 or not ((betas > 0) & (betas <= 1)).all():
            raise ValueError("betas must be a 1-D array in (0, 1]")
        self.betas = betas
        self.num_timesteps = len(betas)
        self.alphas_cumprod = np.cumprod(1.0 - betas)
        alphas_cumprod_prev = np.append(1.0, self.alphas_cumprod[:-1])
        self.sqrt_alphas_cumprod = np.sqrt(self.alphas_cumprod)
        self.sqrt_one_minus_alphas_cumprod = np.sqrt(1.0 - self.alphas_cumprod)
        self.sqrt_recip_alphas_cumprod = np.sqrt(1.0 / self.alphas_cumprod)
        self.sqrt_recipm1_alphas_cumprod = np.sqrt(1.0 / self.alphas_cumprod - 1)
        posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - self.alphas_cumprod)
        # log clipped: the posterior variance is 0 at t = 0
        self.posterior_log_variance_clipped = np.log(np.append(posterior_variance[1], posterior_variance[1:]))
        self.posterior_mean_coef1 = betas * np.sqrt(alphas_cumprod_prev) / (1.0 - self.alphas_cumprod)
        self.posterior_mean_coef2 = (1.0 - alphas_cumprod_prev) * np.sqrt(1.0 - betas) / (1.0 - self.alphas_cumprod)
        self.channel_scales = None if channel_scales is None else np.asarray(channel_scales, dtype=np.float64)
        self.channel_biases = None if channel_biases is None else np.asarray(channel_biases, dtype=np.float64)

    @property
    def sigmas(self) -> np.ndarray:
        """The noise level ``sqrt(1 / alpha_bar - 1)`` of each timestep (the Karras view of the DDPM)."""
        return self.sqrt_recipm1_alphas_cumprod

    def sigma_to_t_float(self, sigma: float) -> float:
        """The (fractional) timestep with ``alpha_bar = 1 / (sigma^2 + 1)``, linearly interpolated in float64."""
        alpha_bar = 1.0 / (float(sigma) ** 2 + 1)
        if alpha_bar > self.alphas_cumprod[0]:
            return 0.0
        if alpha_bar <= self.alphas_cumprod[-1]:
            return float(self.num_timesteps - 1)
        # alphas_cumprod decreases with t; np.interp wants increasing x
        return float(np.interp(alpha_bar, self.alphas_cumprod[::-1], np.arange(self.num_timesteps - 1, -1, -1)))

    def sigma_to_t(self, sigma: float) -> int:
        """The timestep the model is given for ``sigma``: ``sigma_to_t_float`` truncated (Point-E, Shap-E)."""
        return int(self.sigma_to_t_float(sigma))

    def q_sample(self, x_start: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """x_t ~ q(x_t | x_0) for the given noise."""
        return _at(self.sqrt_alphas_cumprod, t, x_start) * x_start + \
            _at(self.sqrt_one_minus_alphas_cumprod, t, x_start) * noise

    def predict_xstart_from_eps(self, x_t: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        return _at(self.sqrt_recip_alphas_cumprod, t, x_t) * x_t - _at(self.sqrt_recipm1_alphas_cumprod, t, x_t) * eps

    def p_mean_variance(self, model_output: torch.Tensor, x_t: torch.Tensor, t: torch.Tensor,
                        clip_denoised: bool = True) -> dict[str, torch.Tensor]:
        """From a ``[B, 2C, N]`` model output (epsilon, learned-range variance in [-1, 1]) at timesteps ``t [B]``:
        ``pred_xstart`` (clipped to [-1, 1] if asked), the posterior ``mean`` and ``log_variance``."""
        channels = x_t.shape[1]
        if model_output.shape[1] != 2 * channels:
            raise ValueError(f"expected {2 * channels} output channels (epsilon + variance), "
                             f"got {model_output.shape[1]}")
        eps, var_values = model_output.split(channels, dim=1)
        min_log = _at(self.posterior_log_variance_clipped, t, x_t)
        max_log = _at(np.log(self.betas), t, x_t)
        frac = (var_values + 1) / 2  # [-1, 1] -> [min_var, max_var]
        pred_xstart = self.predict_xstart_from_eps(x_t, t, eps)
        if clip_denoised:
            pred_xstart = pred_xstart.clamp(-1, 1)
        mean = _at(self.posterior_mean_coef1, t, x_t) * pred_xstart + _at(self.posterior_mean_coef2, t, x_t) * x_t
        return {"mean": mean, "log_variance": frac * max_log + (1 - frac) * min_log, "pred_xstart": pred_xstart}

    def scale_channels(self, x: torch.Tensor) -> torch.Tensor:
        """Data units ``[B, C, N]`` -> diffusion units."""
        if self.channel_scales is not None:
            x = x * torch.from_numpy(self.channel_scales).to(x).view(1, -1, 1)
        if self.channel_biases is not None:
            x = x + torch.from_numpy(self.channel_biases).to(x).view(1, -1, 1)
        return x

    def unscale_channels(self, x: torch.Tensor) -> torch.Tensor:
        """Diffusion units ``[B, C, N]`` -> data units (xyz, rgb 0..255)."""
        if self.channel_biases is not None:
            x = x - torch.from_numpy(self.channel_biases).to(x).view(1, -1, 1)
        if self.channel_scales is not None:
            x = x / torch.from_numpy(self.channel_scales).to(x).view(1, -1, 1)
        return x


def diffusion_from_config(config: dict) -> GaussianDiffusion:
    """A ``GaussianDiffusion`` from one of ``DIFFUSION_CONFIGS`` (or a dict like them)."""
    known = {"schedule", "timesteps", "mean_type", "channel_scales", "channel_biases"}
    unknown = set(config) - known
    if unknown:
        raise ValueError(f"unknown diffusion config keys: {', '.join(sorted(unknown))}")
    if config.get("mean_type", "epsilon") != "epsilon":
        raise ValueError(f"only epsilon prediction is supported, got mean_type {config['mean_type']!r}")
    return GaussianDiffusion(beta_schedule(config["schedule"], config["timesteps"]),
                             channel_scales=config.get("channel_scales"), channel_biases=config.get("channel_biases"))


# --------------------------------------------------------------------------- Karras sampler
def karras_sigmas(steps: int, sigma_min: float, sigma_max: float, rho: float = 7.0) -> torch.Tensor:
    """``steps`` noise levels from sigma_max down to sigma_min (Karras et al. eq. 5), then a final 0."""
    ramp = torch.linspace(0, 1, steps)
    lo, hi = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    sigmas = (hi + ramp * (lo - hi)) ** rho
    return torch.cat([sigmas, sigmas.new_zeros(1)])


def _double_with_zeros(model_kwargs: dict) -> dict:
    """Conditional then unconditional halves: every tensor is followed by zeros of its shape (Point-E's CFG)."""
    return {k: torch.cat([v, torch.zeros_like(v)]) if isinstance(v, torch.Tensor) else v
            for k, v in model_kwargs.items()}


def _make_denoiser(model: Callable, diffusion: GaussianDiffusion, model_kwargs: dict, guidance_scale: float,
                   clip_denoised: bool, check: Callable[[], None] | None) -> Callable:
    """``denoise(x [B, C, N], sigma) -> x0`` in diffusion units, guided when ``guidance_scale`` is not 0 or 1."""
    guided = guidance_scale not in (0, 1)  # Point-E: 0 and 1 both mean "conditional only"
    if guided:
        model_kwargs = _double_with_zeros(model_kwargs)
    param = next(iter(model.parameters()), None) if hasattr(model, "parameters") else None
    model_dtype = param.dtype if param is not None else torch.float32

    def denoise(x: torch.Tensor, sigma: float) -> torch.Tensor:
        if check is not None:
            check()
        x_in = torch.cat([x, x]) if guided else x
        t = torch.full((len(x_in),), diffusion.sigma_to_t(sigma), dtype=torch.long, device=x.device)
        x_t = x_in / math.sqrt(sigma ** 2 + 1)
        out = model(x_t.to(model_dtype), t, **model_kwargs).float()
        x0 = diffusion.p_mean_variance(out, x_t, t, clip_denoised)["pred_xstart"]
        if guided:
            cond, uncond = x0.chunk(2)
            x0 = uncond + guidance_scale * (cond - uncond)
        return x0

    return denoise


@torch.no_grad()
def karras_sample(model: Callable, diffusion: GaussianDiffusion, shape: tuple[int, int, int], *,
                  generator: torch.Generator, model_kwargs: dict | None = None, steps: int = 64,
                  guidance_scale: float = 3.0, sigma_min: float = 1e-3, sigma_max: float = 120.0,
                  rho: float = 7.0, s_churn: float = 3.0, s_tmin: float = 0.0, s_tmax: float = float("inf"),
                  s_noise: float = 1.0, clip_denoised: bool = True, device=None,
                  callback: Callable[[int, int, torch.Tensor], None] | None = None,
                  check: Callable[[], None] | None = None,
                  noise: Callable[[tuple], torch.Tensor] | None = None) -> torch.Tensor:
    """Sample ``shape = (B, C, N)`` with Heun steps and churn (Karras et al. Algorithm 2, as Point-E runs it).

    ``model(x, t, **model_kwargs)`` is a Point-E model. With guidance (``guidance_scale`` not 0 or 1) every
    tensor in ``model_kwargs`` gets a zero unconditional twin and the x0 predictions mix as
    ``uncond + scale * (cond - uncond)``. All noise comes from ``generator`` (the same seed gives the same
    bytes on a given device); ``noise(shape)``, when given, supplies the draws instead (x_T first, then one per
    churned step: Point-E's order). ``check()`` runs before every model call (raise in it to cancel);
    ``callback(step, steps, x0)`` after every step with the current x0 prediction in data units.
    Returns the final sample ``[B, C, N]`` in data units (float32).
    """
    # 1. Check inputs
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if not 0 < sigma_min < sigma_max:
        raise ValueError(f"need 0 < sigma_min < sigma_max, got {sigma_min}, {sigma_max}")
    device = torch.device(device) if device is not None else _device_of(model)
    denoise = _make_denoiser(model, diffusion, model_kwargs or {}, guidance_scale, clip_denoised, check)
    draw = (lambda: noise(shape).to(device=device, dtype=torch.float32)) if noise is not None \
        else (lambda: _randn(shape, generator, device))

    # 2. Start from pure noise at sigma_max
    sigmas = karras_sigmas(steps, sigma_min, sigma_max, rho).tolist()
    x = draw() * sigmas[0]

    # 3. Heun steps with churn: raise the noise to sigma_hat, step to the next sigma, correct with a 2nd slope
    x0 = x
    for i in range(steps):
        sigma, sigma_next = sigmas[i], sigmas[i + 1]
        gamma = min(s_churn / steps, math.sqrt(2) - 1) if s_tmin <= sigma <= s_tmax else 0.0
        sigma_hat = sigma * (gamma + 1)
        if gamma > 0:
            x = x + draw() * s_noise * math.sqrt(sigma_hat ** 2 - sigma ** 2)
        x0 = denoise(x, sigma_hat)
        d = (x - x0) / sigma_hat
        if sigma_next == 0:  # last step: Euler (lands on x0)
            x = x + d * (sigma_next - sigma_hat)
        else:
            x_2 = x + d * (sigma_next - sigma_hat)
            d_2 = (x_2 - denoise(x_2, sigma_next)) / sigma_next
            x = x + (d + d_2) / 2 * (sigma_next - sigma_hat)
        if callback is not None:
            callback(i + 1, steps, diffusion.unscale_channels(x0))

    # 4. Point-E returns the last x0 prediction, in data units
    return diffusion.unscale_channels(x0)


def _randn(shape, generator: torch.Generator, device: torch.device) -> torch.Tensor:
    """Standard normal noise from ``generator`` (drawn on the generator's device, then moved)."""
    return torch.randn(shape, generator=generator, device=generator.device, dtype=torch.float32).to(device)


def _device_of(model) -> torch.device:
    param = next(iter(model.parameters()), None) if hasattr(model, "parameters") else None
    return param.device if param is not None else torch.device("cpu")
