"""Params of the ``refine`` job: a mesh + a prompt -> a new textured (and optionally reshaped) mesh.

Imports neither torch nor bpy: the panel, the CLI and the worker all check specs with it.
"""
from __future__ import annotations

import typing
from dataclasses import dataclass

from ..jobs import SpecError, check_choice, check_file, check_model_ref, check_number

REFINE_MODES = {"texture": "Texture only: the shape stays, a new UV texture is painted",
                "geometry": "Texture + geometry: vertices move too (Laplacian and normal-consistency kept)"}
GUIDANCE_METHODS = {"sds": "Score distillation (DreamFusion): fast, saturated colours, guidance ~100",
                    "vsd": "Variational score distillation (ProlificDreamer): a LoRA learns the renders; "
                           "finer detail, guidance ~7.5, slower"}
WEIGHTINGS = ("sds", "uniform", "snr")
DEFAULT_GUIDANCE = {"sds": 100.0, "vsd": 7.5}  # DreamFusion arXiv 2209.14988; ProlificDreamer arXiv 2305.16213
MAX_FACES = 200_000
MAX_PROMPT_CHARS = 1000
MESH_SUFFIXES = (".npz", ".glb")


@dataclass(frozen=True)
class RefineParams:
    """Refine a mesh toward a prompt with a 2D diffusion model's score (SDS or VSD) through a differentiable
    renderer."""

    mesh: str = ""
    """the mesh to refine: an absolute path to a .npz (verts Float[V, 3], faces Int[F, 3], optional uvs
    Float[3F, 2] per corner with v up as in Blender) or a Conjure .glb; written by Blender for a selected object"""
    source: str = ""
    """the Blender object the mesh came from ('' = none): the result is placed next to it"""
    prompt: str = ""
    """what the object should look like"""
    negative_prompt: str = "blurry, low quality, oversaturated, multiple faces"
    """what it should not look like (side and back views also get "front view, face", against multi-face results)"""
    mode: str = "texture"
    """texture (the shape stays) | geometry (texture + vertex offsets)"""
    method: str = "sds"
    """sds | vsd"""
    model: str = ""
    """Stable Diffusion: hub repo id, absolute local folder, or '' for stable-diffusion-v1-5/stable-diffusion-v1-5"""
    steps: int = 400
    """optimisation steps (1..20000)"""
    guidance: typing.Optional[float] = None
    """classifier-free guidance (0..200); null = the method's usual value (SDS 100, VSD 7.5)"""
    resolution: int = 128
    """render size in pixels (32..1024, a multiple of 8); renders are resized to the model's own size"""
    views_per_step: int = 1
    """random camera views per step (1..8)"""
    texture_size: int = 512
    """texture width and height in pixels (64..4096)"""
    lr_texture: float = 0.02
    """texture learning rate (Adam), 1e-5..1"""
    lr_geometry: float = 0.0005
    """vertex-offset learning rate (Adam), 1e-7..0.1; geometry mode only"""
    lr_lora: float = 0.001
    """VSD LoRA learning rate (AdamW), 1e-6..0.1"""
    lora_rank: int = 4
    """VSD LoRA rank (1..64)"""
    laplacian_weight: float = 1000.0
    """weight of the Laplacian smoothness term on the vertices (0..1e6); geometry mode only"""
    normal_weight: float = 100.0
    """weight of the normal-consistency term (0..1e6); geometry mode only"""
    t_min: float = 0.02
    """smallest diffusion timestep, as a fraction of T (0..1)"""
    t_max: float = 0.98
    """largest diffusion timestep at the start (0..1)"""
    t_max_end: float = 0.5
    """largest timestep at the end: annealed linearly from t_max (0..1)"""
    weighting: str = "sds"
    """w(t): sds (1 - alpha_bar) | uniform | snr"""
    preview_every: int = 10
    """write a preview render every N steps (0 = none)"""
    fp16: bool = False
    """half precision on a GPU (ignored on the CPU)"""
    cpu_offload: bool = False
    """keep models in CPU memory, moving each to the GPU only while it runs"""

    @property
    def guidance_scale(self) -> float:
        return DEFAULT_GUIDANCE[self.method] if self.guidance is None else self.guidance

    def __post_init__(self):
        object.__setattr__(self, "mesh", check_file("mesh", self.mesh, required=True))
        if not self.mesh.lower().endswith(MESH_SUFFIXES):
            raise SpecError("mesh", f"must be a {' or '.join(MESH_SUFFIXES)} file, got {self.mesh}")
        if not isinstance(self.source, str) or len(self.source) > 256:
            raise SpecError("source", "must be an object name of at most 256 characters")
        for name in ("prompt", "negative_prompt"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise SpecError(name, f"must be text, got {type(value).__name__}")
            value = value.strip()
            if len(value) > MAX_PROMPT_CHARS:
                raise SpecError(name, f"is {len(value)} characters long; at most {MAX_PROMPT_CHARS}")
            object.__setattr__(self, name, value)
        if not self.prompt:
            raise SpecError("prompt", "is empty: describe what the object should look like")
        check_choice("mode", self.mode, REFINE_MODES)
        check_choice("method", self.method, GUIDANCE_METHODS)
        check_choice("weighting", self.weighting, WEIGHTINGS)
        object.__setattr__(self, "model", check_model_ref("model", self.model))
        ints = {"steps": (1, 20000), "resolution": (32, 1024), "views_per_step": (1, 8),
                "texture_size": (64, 4096), "lora_rank": (1, 64), "preview_every": (0, 1000)}
        for name, (lo, hi) in ints.items():
            object.__setattr__(self, name, int(check_number(name, getattr(self, name), lo, hi, integer=True)))
        if self.resolution % 8:
            raise SpecError("resolution", f"must be a multiple of 8, got {self.resolution}")
        floats = {"lr_texture": (1e-5, 1.0), "lr_geometry": (1e-7, 0.1), "lr_lora": (1e-6, 0.1),
                  "laplacian_weight": (0.0, 1e6), "normal_weight": (0.0, 1e6), "t_min": (0.0, 1.0),
                  "t_max": (0.0, 1.0), "t_max_end": (0.0, 1.0)}
        for name, (lo, hi) in floats.items():
            object.__setattr__(self, name, float(check_number(name, getattr(self, name), lo, hi)))
        if self.guidance is not None:
            object.__setattr__(self, "guidance", float(check_number("guidance", self.guidance, 0.0, 200.0)))
        if not self.t_min < self.t_max:
            raise SpecError("t_max", f"must be above t_min ({self.t_min}), got {self.t_max}")
        if not self.t_min <= self.t_max_end <= self.t_max:
            raise SpecError("t_max_end", f"must lie between t_min and t_max, got {self.t_max_end}")
        for flag in ("fp16", "cpu_offload"):
            if not isinstance(getattr(self, flag), bool):
                raise SpecError(flag, f"must be true or false, got {getattr(self, flag)!r}")
