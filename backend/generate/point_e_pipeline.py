"""Point-E (OpenAI, 2022) as a Conjure pipeline: CLIP -> coloured point cloud -> upsampled cloud -> (optional) mesh.

The reference recipes (point-e's ``text2pointcloud`` / ``image2pointcloud`` / ``pointcloud2mesh`` examples):

    text:  base40M-textvec (CLIP text vector, guidance 3)  -> upsample (no grid, unguided)    1,024 -> 4,096 points
    image: base40M / base300M / base1B (CLIP image grid, guidance 3) -> upsample (grid, guidance 3)
    mesh:  the learned SDF model (sdf.pt) on the cloud, marching cubes, colours from the nearest points

The architecture, diffusion and Karras sampler are Conjure's own (``backend.generate.point_e``) and load Point-E's
published state dicts. Point-E's checkpoints are not on the hub: they are read from a file or folder the user gives
(``model``), or from ``<model dir>/point-e/<name>.pt`` (the published file names work too). The CLIP model that
embeds prompts and pictures is resolved through the hub (``openai/clip-vit-large-patch14`` by default, as Point-E
uses ViT-L/14).

The upsampler is conditioned on the base stage's raw sample (colours not yet rounded to 8 bits), and both stages
draw from one seeded generator, in the reference's order. Meshing uses the learned SDF model when ``sdf.pt`` is on
disk (``mesher`` "auto" or "learned"), else Conjure's own fit (``backend.mesh.points.cloud_field``); the result's
metadata says which ran.
"""
from __future__ import annotations

import json
import os

import numpy as np

# Base models per input, the reference's first (the grid models are the ones the reference runs on pictures).
from .params import POINT_E_BASES as BASE_MODELS

DEFAULT_ENCODER = "openai/clip-vit-large-patch14"
# Published file names -> config names.
_FILE_NAMES = {"base_40m_textvec": "base40M-textvec", "base_40m_imagevec": "base40M-imagevec",
               "base_40m": "base40M", "base_300m": "base300M", "base_1b": "base1B", "upsample_40m": "upsample"}
# The upsampler's guidance in the reference examples: text runs it unguided with no CLIP grid, pictures guide it.
UPSAMPLE_GUIDANCE = {"text": 0.0, "image": 3.0}
SDF_QUERY_BATCH = 4096  # query points per SDF model call (Point-E's batch_size)


def _config_for(path: str, name: str | None = None) -> dict:
    """A checkpoint's architecture: ``<same name>.json`` beside it, else the published config of that name."""
    from .point_e.sdf import SDF_CONFIG
    from .point_e.transformer import MODEL_CONFIGS

    stem = os.path.splitext(path)[0]
    if os.path.isfile(stem + ".json"):
        with open(stem + ".json") as f:
            return json.load(f)
    configs = {**MODEL_CONFIGS, "sdf": SDF_CONFIG}
    found = _FILE_NAMES.get(os.path.basename(stem), os.path.basename(stem))
    if found not in configs:
        found = name  # a user's file with another name: the config of the model it stands for
    if found not in configs:
        raise ValueError(f"{path}: unknown Point-E checkpoint name; put its config in {stem}.json or use one of "
                         f"{', '.join(sorted(configs))}")
    return configs[found]


def cloud_from_sample(raw) -> tuple[np.ndarray, np.ndarray]:
    """A raw sample ``[1, 6, N]`` (data units) -> xyz ``[N, 3]`` and sRGB colours ``[N, 3]`` in 0..1, float32,
    exactly as Point-E's ``output_to_point_clouds`` makes them (8-bit steps, rounded half to even). These are the
    colours the PLY stores (``backend.mesh.ply``); Blender converts them to linear once, on import."""
    from .point_e.sampler import to_point_cloud

    xyz, rgb = to_point_cloud(raw)
    return xyz[0], rgb[0]


class PointE:
    """The loaded Point-E models of one job kind: the base model, the upsampler and the SDF model (both optional),
    and the CLIP tower that feeds them."""

    def __init__(self, base_path: str, encoder_folder: str, mode: str, device: str, fp16: bool = False, *,
                 base_name: str = "", upsample_path: str | None = None, sdf_path: str | None = None):
        import torch
        from transformers import (AutoImageProcessor, CLIPTextModelWithProjection, CLIPTokenizer,
                                  CLIPVisionModelWithProjection)

        from .point_e import checkpoint
        from .point_e.transformer import (CLIPGridPointDiffusionTransformer, CLIPVecPointDiffusionTransformer,
                                          UpsamplePointDiffusionTransformer)

        self.mode, self.device = mode, device
        self.dtype = torch.float16 if fp16 and device == "cuda" else torch.float32
        # 1. The base model: a CLIP vector model for prompts, a vector or grid model for pictures
        self.model = checkpoint.load_model(base_path, _config_for(base_path, base_name), device=device,
                                           dtype=self.dtype)
        self.grid = isinstance(self.model, CLIPGridPointDiffusionTransformer)
        if not isinstance(self.model, (CLIPVecPointDiffusionTransformer, CLIPGridPointDiffusionTransformer)):
            raise ValueError(f"{base_path} is a {type(self.model).__name__}; Conjure runs the CLIP-conditioned "
                             f"base models ({', '.join(BASE_MODELS['text'] + BASE_MODELS['image'])})")
        if self.grid and mode == "text":
            raise ValueError(f"{base_path} is an image-grid model ({type(self.model).__name__}); a prompt needs "
                             f"base40M-textvec")
        # 2. The upsampler and the SDF model, when asked for
        self.upsampler = None
        if upsample_path is not None:
            self.upsampler = checkpoint.load_model(upsample_path, _config_for(upsample_path, "upsample"),
                                                   device=device, dtype=self.dtype)
            if not isinstance(self.upsampler, UpsamplePointDiffusionTransformer):
                raise ValueError(f"{upsample_path} is a {type(self.upsampler).__name__}, not Point-E's upsampler")
            if self.upsampler.cond_ctx != self.model.n_ctx:
                raise ValueError(f"the upsampler {upsample_path} refines {self.upsampler.cond_ctx}-point clouds but "
                                 f"the base model makes {self.model.n_ctx}")
        self.sdf_model = None
        if sdf_path is not None:  # float32 even with fp16: its output is thresholded at 0
            self.sdf_model = checkpoint.load_model(sdf_path, _config_for(sdf_path, "sdf"), device=device)
        # 3. CLIP
        if mode == "text":
            self.tokenizer = CLIPTokenizer.from_pretrained(encoder_folder, local_files_only=True)
            self.encoder = CLIPTextModelWithProjection.from_pretrained(encoder_folder, local_files_only=True)
        else:
            self.processor = AutoImageProcessor.from_pretrained(encoder_folder, local_files_only=True)
            self.encoder = CLIPVisionModelWithProjection.from_pretrained(encoder_folder, local_files_only=True)
        self.encoder.to(device).eval()
        self._check_encoder(encoder_folder)
        self.ref = base_path
        self.refs = {"base": base_path, "upsample": upsample_path, "sdf": sdf_path}

    def _check_encoder(self, folder: str) -> None:
        cfg = self.encoder.config
        if self.grid or (self.upsampler is not None and self.mode == "image"):
            grid_model = self.model if self.grid else self.upsampler
            patches = (cfg.image_size // cfg.patch_size) ** 2
            if (cfg.hidden_size, patches) != (grid_model.grid_feature_dim, grid_model.grid_size ** 2):
                raise ValueError(f"the CLIP model in {folder} makes {cfg.hidden_size}-wide grids of {patches} patches "
                                 f"but the Point-E models expect {grid_model.grid_feature_dim} x "
                                 f"{grid_model.grid_size ** 2} (Point-E needs openai/clip-vit-large-patch14)")
        if not self.grid and cfg.projection_dim != self.model.feature_dim:
            raise ValueError(f"the CLIP model in {folder} makes {cfg.projection_dim}-wide embeddings but the Point-E "
                             f"model expects {self.model.feature_dim} (Point-E needs openai/clip-vit-large-patch14)")

    # ------------------------------------------------------------------ conditioning
    def check_prompt(self, prompt: str) -> None:
        from .prompts import check_prompt_length

        check_prompt_length(self.tokenizer, prompt)

    def encode(self, cond, guided: bool = True) -> dict:
        """``{"base": [1, D] vector or [1, C, L] grid, "grid": [1, C, L] or None}``: what the base model and
        the upsampler are conditioned on (the samplers pair them with zeros themselves when guided)."""
        from .point_e.sampler import encode_image_clip, encode_image_clip_grid, encode_text_clip

        if self.mode == "text":  # encode_text_clip refuses an over-long prompt (check_prompt's message)
            return {"base": encode_text_clip(self.encoder, self.tokenizer, [cond]), "grid": None}
        grid = None
        if self.grid or self.upsampler is not None:
            grid = encode_image_clip_grid(self.encoder, self.processor, [cond])
        base = grid if self.grid else encode_image_clip(self.encoder, self.processor, [cond])
        return {"base": base, "grid": grid}

    # ------------------------------------------------------------------ sampling
    def sample(self, emb: dict, *, seed: int, steps: int, guidance: float, on_step=None, check=None) -> dict:
        """The base stage: ``{"raw": [1, 6, 1024] sample in data units, "generator": ...}``. The generator is
        seeded here and goes on to the upsampler, so both stages draw from one stream, as in the reference."""
        import torch

        from .point_e.sampler import sample_points

        gen = torch.Generator(device="cpu").manual_seed(int(seed))
        raw = sample_points(self.model, emb["base"].to(self.dtype), generator=gen, steps=steps,
                            guidance_scale=guidance, callback=on_step, check=check)
        return {"raw": raw.float().cpu(), "generator": gen, "grid": emb.get("grid")}

    def upsample(self, out: dict, *, steps: int, on_step=None, check=None) -> dict:
        """The upsampler stage on the base stage's raw (unrounded) sample: ``out`` with 4,096 points.
        ``on_step`` gets the whole cloud's current estimate (the base points, then the new ones)."""
        import torch

        from .point_e.sampler import upsample_points

        if self.upsampler is None:
            raise ValueError("no upsampler was loaded")
        low_res = out["raw"]
        grid = out["grid"] if self.mode == "image" else None  # the reference's text recipe gives it no grid

        def callback(i, total, x0):
            if on_step is not None:
                on_step(i, total, torch.cat([low_res.to(x0), x0], dim=-1))

        raw = upsample_points(self.upsampler, low_res.to(self.dtype),
                              embedding=None if grid is None else grid.to(self.dtype), generator=out["generator"],
                              steps=steps, guidance_scale=UPSAMPLE_GUIDANCE[self.mode], callback=callback,
                              check=check)
        return dict(out, raw=raw.float().cpu())

    def preview(self, x0) -> np.ndarray:
        """Front view of the current clean estimate ``[1, 6, N]`` (xyz, then colour in 0..255)."""
        from ..color import srgb_to_linear
        from .preview import points_view

        pts = x0[0].float().cpu().numpy()
        return points_view(pts[:3].T, srgb_to_linear(np.clip(pts[3:6].T / 255.0, 0, 1)))

    # ------------------------------------------------------------------ results
    def points(self, out: dict) -> tuple[np.ndarray, np.ndarray]:
        """The cloud: xyz (Z up) and sRGB colours in 0..1 (8-bit steps), as the PLY stores them."""
        return cloud_from_sample(out["raw"])

    def mesher(self, requested: str) -> str:
        """The mesher that runs for ``params.mesher``: "learned" (Point-E's SDF model) or "fit" (Conjure's)."""
        if requested == "learned" and self.sdf_model is None:
            raise ValueError("the learned SDF model (sdf.pt) is not loaded")
        return "learned" if requested in ("auto", "learned") and self.sdf_model is not None else "fit"

    def field(self, out: dict, mesher: str = "auto"):
        """``(sdf, color, lo, hi)`` of the cloud (Conjure's convention: SDF < 0 inside, linear RGB)."""
        xyz, rgb = self.points(out)
        if self.mesher(mesher) == "learned":
            return self._learned_field(xyz, rgb)
        from ..mesh.points import cloud_field, remove_outliers

        xyz, rgb = remove_outliers(xyz, rgb)
        f = cloud_field(xyz, rgb, srgb=True)
        lo, hi = f.bounds()
        return f.sdf, f.color, lo, hi

    def _learned_field(self, xyz: np.ndarray, rgb: np.ndarray):
        """Point-E's ``marching_cubes_mesh`` as a field: the SDF model's value (negated: Conjure's SDF is negative
        inside) in Point-E's cube of side 1.02, "outside" beyond it so the mesh closes; vertex colours from the
        nearest cloud point."""
        import torch
        from scipy.spatial import cKDTree

        from ..color import srgb_to_linear
        from .point_e.sdf import SDF_SIDE_LENGTH

        model = self.sdf_model
        dev = next(model.parameters()).device
        with torch.no_grad():
            latents = model.encode(torch.from_numpy(np.ascontiguousarray(xyz.T))[None].to(dev))
        half = SDF_SIDE_LENGTH / 2
        lo, hi = np.full(3, -half), np.full(3, half)

        def predict(pts: np.ndarray) -> np.ndarray:
            out = []
            with torch.no_grad():
                for i in range(0, len(pts), SDF_QUERY_BATCH):
                    q = torch.from_numpy(np.ascontiguousarray(pts[i:i + SDF_QUERY_BATCH].T, dtype=np.float32))
                    out.append(model.predict(q[None].to(dev), latents)[0].float().cpu().numpy())
            return np.concatenate(out).astype(np.float64) if out else np.zeros(0)

        # Point-E: a volume that is all inside or all outside is centred on its mean (on a coarse probe here)
        probe = np.stack(np.meshgrid(*[np.linspace(-half, half, 16)] * 3, indexing="ij"), -1).reshape(-1, 3)
        values = predict(probe)
        shift = float(values.mean()) if (values < 0).all() or (values > 0).all() else 0.0
        tree = cKDTree(xyz)
        linear = srgb_to_linear(rgb)

        def sdf(pts: np.ndarray) -> np.ndarray:
            box = np.max(np.abs(pts) - half, axis=1)
            return np.maximum(-(predict(pts) - shift), box)

        def color(pts: np.ndarray) -> np.ndarray:
            return linear[tree.query(pts, k=1, workers=-1)[1]]

        return sdf, color, lo, hi


def base_model_name(params) -> str:
    """The base model a job runs: ``params.point_e_base``, or the reference's choice for its input."""
    return params.point_e_base or BASE_MODELS[params.mode][0]


def resolve_paths(params) -> dict:
    """The checkpoint files a job needs: base, upsample (None if off), sdf (None if not used or, with
    ``mesher`` "auto", not on disk). Raises ``store.ModelMissing`` saying where a missing file goes."""
    from . import store

    name = base_model_name(params)
    base = store.resolve_point_e(params.model, name)
    # a checkpoint given as a file: its companions are looked for in the same folder
    folder = os.path.dirname(params.model) if params.model and os.path.isfile(params.model) else params.model
    upsample = None
    if params.upsample:
        try:
            upsample = store.resolve_point_e(folder, "upsample")
        except store.ModelMissing as e:
            raise store.ModelMissing(f"{e} (or turn Upsample off: upsample false, 1,024 points)") from None
    sdf = None
    if params.output in ("mesh", "both") and params.mesher != "fit":
        try:
            sdf = store.resolve_point_e(folder, "sdf")
        except store.ModelMissing:
            if params.mesher == "learned":
                raise
    return {"base": base, "upsample": upsample, "sdf": sdf, "base_name": name}


def load(params, device: str, report=None) -> PointE:
    """Resolve the checkpoints and CLIP encoder (download CLIP if allowed) and load them; cached until release."""
    from . import model_cache, store

    paths = resolve_paths(params)
    encoder = store.resolve(params.text_encoder or DEFAULT_ENCODER, report=report)
    key = f"point-e|{paths}|{encoder}|{params.mode}|{device}|{params.fp16}"
    return model_cache.cached(key, lambda: PointE(
        paths["base"], encoder, params.mode, device, params.fp16, base_name=paths["base_name"],
        upsample_path=paths["upsample"], sdf_path=paths["sdf"]))


def sample_options(params) -> dict:
    """What ``PointE.sample`` takes from a job's params beyond the common arguments (nothing)."""
    return {}


def field_options(params) -> dict:
    """What ``PointE.field`` takes from a job's params: which mesher to use."""
    return {"mesher": params.mesher}


def describe(model: PointE, params) -> dict:
    """Result metadata: the models that ran, and (for meshes) which mesher."""
    out = {"point_e_base": base_model_name(params), "upsample": model.upsampler is not None,
           "upsample_guidance": UPSAMPLE_GUIDANCE[params.mode] if model.upsampler is not None else None}
    if params.output in ("mesh", "both"):
        out["mesher"] = {"learned": "point-e learned SDF (sdf.pt)",
                         "fit": "conjure fitted SDF"}[model.mesher(params.mesher)]
    return out
