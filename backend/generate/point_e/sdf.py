"""Point-E's learned signed distance model (``sdf.pt``): a point cloud in, the SDF at query points out.

Point-E meshes its clouds with this model (``point_e/util/pc_to_mesh.py``): a transformer encodes the cloud's
positions, and each query point cross-attends to those latents (a Perceiver-style decoder). Our own code, with the
module tree of the published checkpoint so that it loads with ``load_state_dict(strict=True)``:

    encoder_input_proj, encoder.resblocks.N.{ln_1, attn.c_qkv, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj},
    decoder_input_proj, decoder.resblocks.N.{ln_1, ln_2, attn.c_q, attn.c_kv, attn.c_proj, ln_3, mlp.c_fc,
    mlp.c_proj}, ln_post, output_proj

The published config is ``SDF_CONFIG`` (width 256, 8 encoder and 4 decoder layers of 4 heads). Like Shap-E's
fields, the value is positive inside the surface (Point-E meshes the level 0 with skimage's default orientation).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .transformer import MLP, Transformer

SDF_CONFIG = {"name": "CrossAttentionPointCloudSDFModel", "decoder_heads": 4, "decoder_layers": 4,
              "encoder_heads": 4, "encoder_layers": 8, "init_scale": 0.25, "n_ctx": 4096, "width": 256}
# Point-E's marching-cubes box (pc_to_mesh.marching_cubes_mesh): a cube of side 1.02 centred at the origin.
SDF_SIDE_LENGTH = 1.02


class MultiheadCrossAttention(nn.Module):
    """Queries ``x [B, T, W]`` attend to ``data [B, S, W_data]``; the fused ``c_kv`` output is laid out per head
    as ``[k_h | v_h]`` (Point-E's layout), each of ``W / heads`` channels."""

    def __init__(self, width: int, heads: int, data_width: int, init_std: float, **factory):
        super().__init__()
        if width % heads:
            raise ValueError(f"width {width} is not divisible by heads {heads}")
        self.heads = heads
        self.c_q = _linear(width, width, init_std, **factory)
        self.c_kv = _linear(data_width, width * 2, init_std, **factory)
        self.c_proj = _linear(width, width, init_std, **factory)

    def forward(self, x: torch.Tensor, data: torch.Tensor) -> torch.Tensor:
        b, t, width = x.shape
        s = data.shape[1]
        q = self.c_q(x).view(b, t, self.heads, -1).transpose(1, 2)            # [B, H, T, d]
        kv = self.c_kv(data).view(b, s, self.heads, -1)
        k, v = (part.transpose(1, 2) for part in kv.chunk(2, dim=-1))        # each [B, H, S, d]
        out = F.scaled_dot_product_attention(q, k, v)  # Point-E's d^-1/4 on q and on k is the same product
        return self.c_proj(out.transpose(1, 2).reshape(b, t, width))


def _linear(n_in: int, n_out: int, init_std: float, **factory) -> nn.Linear:
    layer = nn.Linear(n_in, n_out, **factory)
    nn.init.normal_(layer.weight, std=init_std)
    nn.init.zeros_(layer.bias)
    return layer


class ResidualCrossAttentionBlock(nn.Module):
    """``x + attn(ln_1(x), ln_2(data))`` then ``x + mlp(ln_3(x))``."""

    def __init__(self, width: int, heads: int, data_width: int, init_std: float, **factory):
        super().__init__()
        self.attn = MultiheadCrossAttention(width, heads, data_width, init_std, **factory)
        self.ln_1 = nn.LayerNorm(width, **factory)
        self.ln_2 = nn.LayerNorm(data_width, **factory)
        self.mlp = MLP(width, init_std, **factory)
        self.ln_3 = nn.LayerNorm(width, **factory)

    def forward(self, x: torch.Tensor, data: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x), self.ln_2(data))
        return x + self.mlp(self.ln_3(x))


class SimplePerceiver(nn.Module):
    """``layers`` cross-attention blocks (no self-attention among the queries)."""

    def __init__(self, width: int, layers: int, heads: int, init_scale: float, **factory):
        super().__init__()
        std = init_scale * math.sqrt(1.0 / width)
        self.resblocks = nn.ModuleList(ResidualCrossAttentionBlock(width, heads, width, std, **factory)
                                       for _ in range(layers))

    def forward(self, x: torch.Tensor, data: torch.Tensor) -> torch.Tensor:
        for block in self.resblocks:
            x = block(x, data)
        return x


class CrossAttentionPointCloudSDFModel(nn.Module):
    """Point-E's SDF model. ``encode(points [B, 3, N]) -> latents [B, N, W]``, then
    ``predict(query [B, 3, M], latents) -> sdf [B, M]`` (positive inside)."""

    def __init__(self, *, n_ctx: int = 4096, width: int = 512, encoder_layers: int = 12, encoder_heads: int = 8,
                 decoder_layers: int = 4, decoder_heads: int = 8, init_scale: float = 0.25, device=None, dtype=None):
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.n_ctx = n_ctx  # the cloud size it was trained on (any size runs: there is no positional embedding)
        self.encoder_input_proj = nn.Linear(3, width, **factory)
        self.encoder = Transformer(width, encoder_layers, encoder_heads, init_scale, **factory)
        self.decoder_input_proj = nn.Linear(3, width, **factory)
        self.decoder = SimplePerceiver(width, decoder_layers, decoder_heads, init_scale, **factory)
        self.ln_post = nn.LayerNorm(width, **factory)
        self.output_proj = nn.Linear(width, 1, **factory)

    def encode(self, points: torch.Tensor) -> torch.Tensor:
        """``[B, 3, N]`` cloud positions -> ``[B, N, W]`` latents (computed once per cloud)."""
        if points.ndim != 3 or points.shape[1] != 3:
            raise ValueError(f"expected cloud positions of shape [B, 3, N], got {list(points.shape)}")
        return self.encoder(self.encoder_input_proj(points.permute(0, 2, 1)))

    def predict(self, query: torch.Tensor, latents: torch.Tensor) -> torch.Tensor:
        """``[B, 3, M]`` query points -> ``[B, M]`` signed distances (positive inside)."""
        if query.ndim != 3 or query.shape[1] != 3:
            raise ValueError(f"expected query points of shape [B, 3, M], got {list(query.shape)}")
        h = self.decoder(self.decoder_input_proj(query.permute(0, 2, 1)), latents)
        return self.output_proj(self.ln_post(h))[..., 0]

    def forward(self, query: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        return self.predict(query, self.encode(points))


def build_sdf_model(config: dict, device=None, dtype=None) -> CrossAttentionPointCloudSDFModel:
    """The SDF model from a Point-E style config (``SDF_CONFIG`` or a smaller one); unknown keys raise ValueError."""
    config = dict(config)
    name = config.pop("name", "CrossAttentionPointCloudSDFModel")
    if name != "CrossAttentionPointCloudSDFModel":
        raise ValueError(f"not an SDF model config: {name!r}")
    try:
        return CrossAttentionPointCloudSDFModel(device=device, dtype=dtype, **config)
    except TypeError as e:
        raise ValueError(f"bad config for {name}: {e}") from None
