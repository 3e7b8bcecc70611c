"""Point-E's point diffusion transformers, with parameter names and shapes of the published checkpoints.

A point cloud is a ``[B, C, N]`` tensor (C = 6: xyz + rgb, in the diffusion's scaled units). Every model is a
plain pre-LayerNorm transformer over the N points (no positional embedding: the points are a set), with the
conditioning prepended as extra tokens:

    tokens = [clip embedding] + [timestep embedding] + points        (CLIPVec, ``token_cond`` / ``time_token_cond``)
    tokens = [timestep] + [16x16 CLIP grid]  + points                (CLIPGrid, base40M / 300M / 1B)
    tokens = [timestep] + [16x16 CLIP grid] + low-res points + points (CLIPGridUpsample)

The output has ``output_channels = 2 x input_channels``: epsilon, then the learned-range variance
(Improved DDPM, arXiv 2102.09672).

Module tree (the state dict keys): ``time_embed.{c_fc,c_proj}``, ``ln_pre``,
``backbone.resblocks.N.{ln_1, attn.c_qkv, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj}``, ``ln_post``,
``input_proj``, ``output_proj``, and per variant ``clip_embed`` (a Linear, or LayerNorm + Linear as
``clip_embed.0`` / ``clip_embed.1``), ``cond_point_proj``, ``channel_scales``, ``channel_biases``.
The frozen CLIP is not part of the model: callers pass precomputed embeddings (see ``sampler``).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

# The published configs (Point-E, point_e/models/configs.py), verbatim. "feature_dim" (CLIP vector size),
# "grid_feature_dim" and "grid_size" (CLIP grid) are Conjure's additions; they default to CLIP ViT-L/14's.
_TRUNK = {"heads": 8, "init_scale": 0.25, "input_channels": 6, "layers": 12, "n_ctx": 1024,
          "output_channels": 12, "time_token_cond": True, "width": 512}
_COND = {**_TRUNK, "cond_drop_prob": 0.1}
MODEL_CONFIGS: dict[str, dict] = {
    "base40M-imagevec": {**_COND, "name": "CLIPImagePointDiffusionTransformer", "token_cond": True},
    "base40M-textvec": {**_COND, "name": "CLIPImagePointDiffusionTransformer", "token_cond": True},
    "base40M-uncond": {**_TRUNK, "name": "PointDiffusionTransformer"},
    "base40M": {**_COND, "name": "CLIPImageGridPointDiffusionTransformer"},
    "base300M": {**_COND, "name": "CLIPImageGridPointDiffusionTransformer", "heads": 16, "layers": 24,
                 "width": 1024},
    "base1B": {**_COND, "name": "CLIPImageGridPointDiffusionTransformer", "heads": 32, "layers": 24,
               "width": 2048},
    "upsample": {**_COND, "name": "CLIPImageGridUpsamplePointDiffusionTransformer", "n_ctx": 3072,
                 "cond_ctx": 1024, "channel_biases": [0.0, 0.0, 0.0, -1.0, -1.0, -1.0],
                 "channel_scales": [2.0, 2.0, 2.0, 0.007843137255, 0.007843137255, 0.007843137255]},
}

# A real model at toy size for tests: 2 blocks of width 32, 16 points, a 24-d "CLIP" vector.
TINY_CONFIG: dict = {"name": "CLIPImagePointDiffusionTransformer", "width": 32, "layers": 2, "heads": 4,
                     "n_ctx": 16, "input_channels": 6, "output_channels": 12, "time_token_cond": True,
                     "token_cond": True, "cond_drop_prob": 0.1, "init_scale": 0.25, "feature_dim": 24}

CLIP_VIT_L14_FEATURE_DIM = 768  # CLIP ViT-L/14 image/text embedding size
CLIP_VIT_L14_GRID_FEATURE_DIM = 1024  # ViT-L/14 hidden size (the grid's channels)
CLIP_VIT_L14_GRID_SIZE = 16  # 224 px / 14 px patches


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0,
                       dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Sinusoidal embedding ``[B] -> [B, dim]``: cosines then sines of ``t * max_period^(-i / half)`` (GLIDE).

    Computed in float32 as Point-E does, or in float64 when ``dtype`` is float64 (a float64 model then gives
    the exact maths; Point-E keeps float32 frequencies there).
    """
    half = dim // 2
    work = torch.float64 if dtype == torch.float64 else torch.float32
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=work, device=t.device) / half)
    args = t.to(work)[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


def _linear(n_in: int, n_out: int, init_std: float | None, **factory) -> nn.Linear:
    """A Linear layer; ``init_std`` set: N(0, std) weights and zero bias as in Point-E, else torch's default."""
    layer = nn.Linear(n_in, n_out, **factory)
    if init_std is not None:
        nn.init.normal_(layer.weight, std=init_std)
        nn.init.zeros_(layer.bias)
    return layer


class MLP(nn.Module):
    """``c_proj(gelu(c_fc(x)))`` with a 4x hidden width."""

    def __init__(self, width: int, init_std: float, **factory):
        super().__init__()
        self.c_fc = _linear(width, width * 4, init_std, **factory)
        self.c_proj = _linear(width * 4, width, init_std, **factory)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(F.gelu(self.c_fc(x)))


class MultiheadAttention(nn.Module):
    """Self-attention whose fused ``c_qkv`` output is laid out per head as ``[q_h | k_h | v_h]``.

    That layout (not ``[q | k | v]`` over all heads) is what Point-E's weights were trained with. Point-E scales
    q and k by ``d^-1/4`` each; ``scaled_dot_product_attention``'s ``d^-1/2`` on q.k is the same product.
    """

    def __init__(self, width: int, heads: int, init_std: float, **factory):
        super().__init__()
        if width % heads:
            raise ValueError(f"width {width} is not divisible by heads {heads}")
        self.heads = heads
        self.c_qkv = _linear(width, width * 3, init_std, **factory)
        self.c_proj = _linear(width, width, init_std, **factory)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, width = x.shape
        qkv = self.c_qkv(x).view(b, n, self.heads, 3 * width // self.heads)
        q, k, v = (part.transpose(1, 2) for part in qkv.chunk(3, dim=-1))  # each [B, H, N, d]
        out = F.scaled_dot_product_attention(q, k, v)
        return self.c_proj(out.transpose(1, 2).reshape(b, n, width))


class ResidualAttentionBlock(nn.Module):
    """Pre-LN block: ``x + attn(ln_1(x))`` then ``x + mlp(ln_2(x))``."""

    def __init__(self, width: int, heads: int, init_std: float, **factory):
        super().__init__()
        self.attn = MultiheadAttention(width, heads, init_std, **factory)
        self.ln_1 = nn.LayerNorm(width, **factory)
        self.mlp = MLP(width, init_std, **factory)
        self.ln_2 = nn.LayerNorm(width, **factory)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    """``layers`` residual attention blocks (``resblocks``), initialised with std ``init_scale / sqrt(width)``."""

    def __init__(self, width: int, layers: int, heads: int, init_scale: float, **factory):
        super().__init__()
        self.width = width
        std = init_scale * math.sqrt(1.0 / width)
        self.resblocks = nn.ModuleList(ResidualAttentionBlock(width, heads, std, **factory) for _ in range(layers))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.resblocks:
            x = block(x)
        return x


class PointDiffusionTransformer(nn.Module):
    """The unconditional model (``base40M-uncond``) and the trunk every conditioned model shares.

    ``forward(x [B, C_in, N], t [B]) -> [B, C_out, N]``; ``t`` is the (integer) diffusion timestep.
    """

    def __init__(self, *, input_channels: int = 3, output_channels: int = 3, n_ctx: int = 1024, width: int = 512,
                 layers: int = 12, heads: int = 8, init_scale: float = 0.25, time_token_cond: bool = False,
                 device=None, dtype=None):
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.input_channels = input_channels
        self.output_channels = output_channels
        self.n_ctx = n_ctx
        self.time_token_cond = time_token_cond
        self.time_embed = MLP(width, init_scale * math.sqrt(1.0 / width), **factory)
        self.ln_pre = nn.LayerNorm(width, **factory)
        self.backbone = Transformer(width, layers, heads, init_scale, **factory)
        self.ln_post = nn.LayerNorm(width, **factory)
        self.input_proj = nn.Linear(input_channels, width, **factory)
        self.output_proj = nn.Linear(width, output_channels, **factory)
        with torch.no_grad():  # a fresh model predicts zero noise, as in Point-E
            self.output_proj.weight.zero_()
            self.output_proj.bias.zero_()

    @property
    def width(self) -> int:
        return self.backbone.width

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        self._check_points(x)
        return self._forward_with_cond(x, [(self._embed_time(t), self.time_token_cond)])

    def _check_points(self, x: torch.Tensor) -> None:
        if x.ndim != 3 or x.shape[1] != self.input_channels or x.shape[2] != self.n_ctx:
            raise ValueError(f"expected points of shape [B, {self.input_channels}, {self.n_ctx}], "
                             f"got {list(x.shape)}")

    def _embed_time(self, t: torch.Tensor) -> torch.Tensor:
        dtype = self.ln_pre.weight.dtype
        return self.time_embed(timestep_embedding(t, self.width, dtype=dtype).to(dtype))

    def _forward_with_cond(self, x: torch.Tensor, conds: list[tuple[torch.Tensor, bool]]) -> torch.Tensor:
        """Run the trunk. Each cond ``[B, W]`` or ``[B, L, W]`` is prepended as tokens, or (a ``[B, W]`` with
        ``as_token`` False) added to every point token."""
        h = self.input_proj(x.permute(0, 2, 1))  # [B, C, N] -> [B, N, W]
        tokens = []
        for emb, as_token in conds:
            if as_token:
                tokens.append(emb[:, None] if emb.ndim == 2 else emb)
            else:
                h = h + emb[:, None]
        n_extra = sum(tok.shape[1] for tok in tokens)
        h = self.ln_post(self.backbone(self.ln_pre(torch.cat(tokens + [h], dim=1))))
        return self.output_proj(h[:, n_extra:]).permute(0, 2, 1)

    def _drop_cond(self, emb: torch.Tensor, prob: float) -> torch.Tensor:
        """In training, zero each sample's conditioning with probability ``prob`` (for classifier-free guidance)."""
        if not self.training or prob <= 0:
            return emb
        keep = torch.rand(len(emb), device=emb.device) >= prob
        return emb * keep.view(-1, *([1] * (emb.ndim - 1))).to(emb)


class CLIPVecPointDiffusionTransformer(PointDiffusionTransformer):
    """Conditioned on one CLIP vector per sample (``base40M-textvec`` / ``-imagevec``).

    Point-E's ``CLIPImagePointDiffusionTransformer`` without the frozen CLIP inside: ``forward(x, t,
    embeddings [B, feature_dim])`` takes L2-normalised CLIP embeddings; an all-zero row is the unconditional
    input used for classifier-free guidance.
    """

    def __init__(self, *, token_cond: bool = False, cond_drop_prob: float = 0.0,
                 feature_dim: int = CLIP_VIT_L14_FEATURE_DIM, device=None, dtype=None, **kwargs):
        super().__init__(device=device, dtype=dtype, **kwargs)
        self.token_cond = token_cond
        self.cond_drop_prob = cond_drop_prob
        self.feature_dim = feature_dim
        self.clip_embed = nn.Linear(feature_dim, self.width, device=device, dtype=dtype)

    def forward(self, x: torch.Tensor, t: torch.Tensor, embeddings: torch.Tensor) -> torch.Tensor:
        self._check_points(x)
        if embeddings.shape != (len(x), self.feature_dim):
            raise ValueError(f"expected embeddings of shape [{len(x)}, {self.feature_dim}], "
                             f"got {list(embeddings.shape)}")
        clip_out = self._drop_cond(embeddings.to(self.clip_embed.weight.dtype), self.cond_drop_prob)
        clip_out = math.sqrt(self.feature_dim) * clip_out  # unit-norm rows -> unit-variance features
        conds = [(self.clip_embed(clip_out), self.token_cond), (self._embed_time(t), self.time_token_cond)]
        return self._forward_with_cond(x, conds)


class _GridEmbed:
    """Mixin: a CLIP latent grid ``[B, grid_feature_dim, grid_size^2]`` -> tokens via LayerNorm + Linear."""

    def _init_grid(self, grid_feature_dim: int, grid_size: int, cond_drop_prob: float, **factory) -> None:
        self.grid_feature_dim = grid_feature_dim
        self.grid_size = grid_size
        self.cond_drop_prob = cond_drop_prob
        self.clip_embed = nn.Sequential(nn.LayerNorm(grid_feature_dim, **factory),
                                        nn.Linear(grid_feature_dim, self.width, **factory))

    def _embed_grid(self, embeddings: torch.Tensor | None, batch: int) -> torch.Tensor:
        shape = (batch, self.grid_feature_dim, self.grid_size ** 2)
        dtype = self.clip_embed[1].weight.dtype
        if embeddings is None:  # unconditional: a zero grid, as Point-E's upsampler does without images
            embeddings = torch.zeros(shape, device=self.clip_embed[1].weight.device, dtype=dtype)
        if tuple(embeddings.shape) != shape:
            raise ValueError(f"expected a CLIP grid of shape {list(shape)}, got {list(embeddings.shape)}")
        grid = self._drop_cond(embeddings.to(dtype), self.cond_drop_prob)
        return self.clip_embed(grid.permute(0, 2, 1))  # [B, C, L] -> [B, L, W]


class CLIPGridPointDiffusionTransformer(_GridEmbed, PointDiffusionTransformer):
    """Conditioned on a CLIP ViT image grid (``base40M``, ``base300M``, ``base1B``; Point-E's
    ``CLIPImageGridPointDiffusionTransformer``). ``forward(x, t, embeddings [B, 1024, 256])``."""

    def __init__(self, *, cond_drop_prob: float = 0.0, grid_feature_dim: int = CLIP_VIT_L14_GRID_FEATURE_DIM,
                 grid_size: int = CLIP_VIT_L14_GRID_SIZE, device=None, dtype=None, **kwargs):
        super().__init__(device=device, dtype=dtype, **kwargs)
        self._init_grid(grid_feature_dim, grid_size, cond_drop_prob, device=device, dtype=dtype)

    def forward(self, x: torch.Tensor, t: torch.Tensor, embeddings: torch.Tensor) -> torch.Tensor:
        self._check_points(x)
        conds = [(self._embed_time(t), self.time_token_cond), (self._embed_grid(embeddings, len(x)), True)]
        return self._forward_with_cond(x, conds)


class UpsamplePointDiffusionTransformer(PointDiffusionTransformer):
    """Adds ``n_ctx`` points to a ``cond_ctx``-point cloud given as ``low_res [B, C, cond_ctx]`` in data units
    (xyz, rgb 0..255); the model scales it with its own ``channel_scales`` / ``channel_biases`` buffers."""

    def __init__(self, *, cond_input_channels: int | None = None, cond_ctx: int = 1024,
                 channel_scales=None, channel_biases=None, device=None, dtype=None, **kwargs):
        super().__init__(device=device, dtype=dtype, **kwargs)
        self.cond_ctx = cond_ctx
        self.cond_input_channels = cond_input_channels or self.input_channels
        self.cond_point_proj = nn.Linear(self.cond_input_channels, self.width, device=device, dtype=dtype)
        for name, values in (("channel_scales", channel_scales), ("channel_biases", channel_biases)):
            tensor = None if values is None else torch.tensor(values, device=device, dtype=dtype)
            self.register_buffer(name, tensor)

    def forward(self, x: torch.Tensor, t: torch.Tensor, *, low_res: torch.Tensor) -> torch.Tensor:
        self._check_points(x)
        conds = [(self._embed_time(t), self.time_token_cond), (self._embed_low_res(low_res, len(x)), True)]
        return self._forward_with_cond(x, conds)

    def _embed_low_res(self, low_res: torch.Tensor, batch: int) -> torch.Tensor:
        if tuple(low_res.shape) != (batch, self.cond_input_channels, self.cond_ctx):
            raise ValueError(f"expected low_res of shape [{batch}, {self.cond_input_channels}, {self.cond_ctx}], "
                             f"got {list(low_res.shape)}")
        low_res = low_res.to(self.cond_point_proj.weight.dtype)
        if self.channel_scales is not None:
            low_res = low_res * self.channel_scales[None, :, None]
        if self.channel_biases is not None:
            low_res = low_res + self.channel_biases[None, :, None]
        return self.cond_point_proj(low_res.permute(0, 2, 1))


class CLIPGridUpsamplePointDiffusionTransformer(_GridEmbed, UpsamplePointDiffusionTransformer):
    """The published upsampler (``upsample_40M``): 1024 -> 4096 points, optionally guided by a CLIP image grid.
    ``forward(x, t, *, low_res, embeddings=None)``; no grid means a zero grid (text-to-3D uses it that way)."""

    def __init__(self, *, cond_drop_prob: float = 0.0, grid_feature_dim: int = CLIP_VIT_L14_GRID_FEATURE_DIM,
                 grid_size: int = CLIP_VIT_L14_GRID_SIZE, device=None, dtype=None, **kwargs):
        super().__init__(device=device, dtype=dtype, **kwargs)
        self._init_grid(grid_feature_dim, grid_size, cond_drop_prob, device=device, dtype=dtype)

    def forward(self, x: torch.Tensor, t: torch.Tensor, *, low_res: torch.Tensor,
                embeddings: torch.Tensor | None = None) -> torch.Tensor:
        self._check_points(x)
        conds = [(self._embed_time(t), self.time_token_cond), (self._embed_grid(embeddings, len(x)), True),
                 (self._embed_low_res(low_res, len(x)), True)]
        return self._forward_with_cond(x, conds)


# Point-E's class names (as in its configs) and ours -> our classes.
MODEL_CLASSES: dict[str, type[PointDiffusionTransformer]] = {
    "PointDiffusionTransformer": PointDiffusionTransformer,
    "CLIPImagePointDiffusionTransformer": CLIPVecPointDiffusionTransformer,
    "CLIPVecPointDiffusionTransformer": CLIPVecPointDiffusionTransformer,
    "CLIPImageGridPointDiffusionTransformer": CLIPGridPointDiffusionTransformer,
    "CLIPGridPointDiffusionTransformer": CLIPGridPointDiffusionTransformer,
    "UpsamplePointDiffusionTransformer": UpsamplePointDiffusionTransformer,
    "CLIPImageGridUpsamplePointDiffusionTransformer": CLIPGridUpsamplePointDiffusionTransformer,
    "CLIPGridUpsamplePointDiffusionTransformer": CLIPGridUpsamplePointDiffusionTransformer,
}


def build_model(config: dict, device=None, dtype=None) -> PointDiffusionTransformer:
    """A freshly initialised model from a Point-E style config (``{"name": ..., "width": ..., ...}``).

    Unknown names or keys raise ``ValueError``. ``device="meta"`` builds the module tree without memory.
    """
    config = dict(config)
    name = config.pop("name", None)
    cls = MODEL_CLASSES.get(name)
    if cls is None:
        raise ValueError(f"unknown Point-E model name {name!r}; known: {', '.join(MODEL_CLASSES)}")
    try:
        return cls(device=device, dtype=dtype, **config)
    except TypeError as e:  # an unexpected config key
        raise ValueError(f"bad config for {name}: {e}") from None
