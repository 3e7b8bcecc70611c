"""The registry of text/image -> 3D pipelines: one entry per model family, chosen by name in the job spec.

A pipeline module exposes ``load(params, device, report) -> model``, ``sample_options(params) -> dict`` (extra
keyword arguments of ``sample``, e.g. Shap-E's ``schedule``), ``field_options(params) -> dict`` (extra keyword
arguments of ``field``, e.g. Point-E's ``mesher``) and ``describe(model, params) -> dict`` (what ran, for the
result's metadata). The model has ``ref``, ``encode(condition, guided)``,
``sample(emb, seed, steps, guidance, on_step, check, **options)``, ``preview(x0)``,
``field(out, **options) -> (sdf, color, lo, hi)`` and, if it makes clouds, ``points(out)`` (sRGB colours, as PLY stores them);
a model with a second diffusion stage has ``upsampler`` (not None when loaded) and ``upsample(out, steps, on_step,
check)``. Guidance follows OpenAI's rule: every scale but 0 and 1 guides. Modules are imported only when a job runs
(they import torch), so this file stays importable in Blender.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field


STANDARD_DEFAULTS = {"steps": 64, "resolution": 128, "face_budget": 20000, "texture_size": 1024}


@dataclass(frozen=True)
class Pipeline:
    name: str
    """the spec's ``params.pipeline``"""
    module: str
    """module path relative to ``backend.generate``"""
    label: str
    """what the panel shows"""
    description: str
    guidance: dict = field(default_factory=dict)
    """default classifier-free guidance per input mode it takes ("text", "image"): what the model's authors use"""
    outputs: tuple = ("mesh",)
    """which ``params.output`` values it can make"""
    text_encoder: bool = False
    """takes a separate text/image encoder (``params.text_encoder``)"""
    defaults: dict = field(default_factory=lambda: dict(STANDARD_DEFAULTS))
    """what a job's unset ``steps``, ``resolution``, ``face_budget`` and ``texture_size`` become"""

    @property
    def modes(self) -> tuple:
        """The inputs it takes: "text", "image"."""
        return tuple(self.guidance)


_PIPELINES: dict[str, Pipeline] = {}


def register_pipeline(p: Pipeline) -> None:
    old = _PIPELINES.get(p.name)
    if old is not None and old != p:
        raise ValueError(f"pipeline {p.name!r} is already registered")
    _PIPELINES[p.name] = p


register_pipeline(Pipeline(
    "embedded", ".embedded.pipeline", "Embedded",
    "Conjure's own small model, shipped: works offline on a CPU in seconds (prompts only)",
    guidance={"text": 3.0},  # 3 beat 1.5 and 6 on held-out prompts (BENCHMARKS.md)
    # small and fast: a prop in about a second on a laptop CPU (its decoder has no finer detail to give)
    defaults={"steps": 16, "resolution": 64, "face_budget": 4000, "texture_size": 256}))
register_pipeline(Pipeline(
    "shap-e", ".shap_e", "Shap-E", "Latent diffusion to an implicit surface: clean meshes (OpenAI Shap-E)",
    guidance={"text": 15.0, "image": 3.0}))
register_pipeline(Pipeline(
    "point-e", ".point_e_pipeline", "Point-E", "Diffusion of a coloured point cloud, upsampled, meshed afterwards (OpenAI Point-E)",
    guidance={"text": 3.0, "image": 3.0}, outputs=("mesh", "points", "both"), text_encoder=True))

PIPELINES = tuple(_PIPELINES)
DEFAULT_PIPELINE = "embedded"  # works offline with no download; the others need their weights


def pipeline(name: str) -> Pipeline:
    return _PIPELINES[name]


def pipelines() -> dict[str, Pipeline]:
    return dict(_PIPELINES)


def load_module(name: str):
    """The pipeline's module (imports torch and the model libraries)."""
    return importlib.import_module(_PIPELINES[name].module, __package__)
