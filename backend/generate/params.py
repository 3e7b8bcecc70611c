"""Params of the ``generate`` (prompt or picture -> prop) and ``cutout`` (foreground mask) jobs."""
from __future__ import annotations

import typing
from dataclasses import dataclass

from ..jobs import (MAX_TEXTURE_SIZE, MIN_TEXTURE_SIZE, SpecError, check_choice, check_file, check_model_ref,
                    check_number)
from .pipelines import DEFAULT_PIPELINE, PIPELINES, pipeline, pipelines

GENERATE_OUTPUTS = ("mesh", "points", "both")
SHAP_E_SCHEDULES = ("reference", "diffusers")
POINT_E_MESHERS = ("auto", "learned", "fit")
# Point-E base models per input (the first is the reference's default); kept here so the spec stays torch-free.
POINT_E_BASES = {"text": ("base40M-textvec",), "image": ("base40M", "base300M", "base1B", "base40M-imagevec")}
MAX_PROMPT_CHARS = 2000
MAX_CANDIDATES = 8
MAX_RESOLUTION = 256


def candidate_name(base: str, index: int, total: int) -> str:
    """The name of candidate ``index`` (0-based) of ``total``: its files and its Blender object. The one rule."""
    return base if total == 1 else f"{base}_c{index + 1}"


@dataclass(frozen=True)
class GenerateParams:
    """A prompt or a picture -> a textured prop, through a named diffusion pipeline."""

    pipeline: str = DEFAULT_PIPELINE
    """a registered pipeline (backend/generate/pipelines.py): embedded (shipped, prompts only) | shap-e | point-e"""
    prompt: str = ""
    """what to make, in words (needed unless ``image`` is given)"""
    image: str = ""
    """path to a picture of one object, for image-to-3D ('' = text-to-3D)"""
    mask: str = ""
    """optional path to a foreground mask for ``image`` (white = keep); '' = cut out automatically"""
    model: str = ""
    """hub repo id, absolute path of a local model folder/file, or '' for the pipeline's default"""
    text_encoder: str = ""
    """point-e only: the CLIP model that embeds prompts and images ('' = openai/clip-vit-large-patch14)"""
    steps: typing.Optional[int] = None
    """diffusion steps (1..1000; null = the pipeline's: 64 for Shap-E and Point-E, 16 for embedded); Point-E's
    upsampler runs as many (the reference: 64 and 64)"""
    guidance: typing.Optional[float] = None
    """classifier-free guidance scale (0..100); null = the model's usual value (Shap-E 15 text / 3 image, Point-E 3).
    As in OpenAI's code, every scale but 0 and 1 guides (0 and 1: the conditional prediction alone)"""
    candidates: int = 1
    """how many variants to make from consecutive seeds (1..8); the user keeps one"""
    resolution: typing.Optional[int] = None
    """marching-cubes grid cells along the longest side (16..256; null = the pipeline's: 128, embedded 64)"""
    face_budget: typing.Optional[int] = None
    """most triangles in each result; finer meshes are decimated (100..2,000,000; null = the pipeline's: 20,000,
    embedded 4,000)"""
    texture_size: typing.Optional[int] = None
    """baked texture width and height in pixels (16..4096; null = the pipeline's: 1024, embedded 256)"""
    size: typing.Optional[float] = None
    """the result's largest dimension in metres (0.01..100); it stands on Z=0 with its origin at the base.
    null = the pipeline's: the embedded model's size predicted from the prompt ("a small mug", "a tall tree"),
    1 m for the others"""
    output: str = "mesh"
    """mesh | points (point-e: the coloured cloud only) | both"""
    fp16: bool = False
    """half precision on a GPU (ignored on the CPU)"""
    cpu_offload: bool = False
    """keep models in CPU memory and move each to the GPU only while it runs (saves GPU memory)"""
    preview_every: int = 8
    """write a preview image every N diffusion steps (0 = none)"""
    roughness: float = 0.6
    """material roughness (0..1)"""
    schedule: str = "reference"
    """shap-e: the noise levels sampled. reference: OpenAI's (sigma 160 down to 0.001, integer timesteps, x0
    clipped per guidance branch); diffusers: diffusers' scheduler config (sigma 403.4 down to 0.109, fractional
    timesteps)"""
    upsample: bool = True
    """point-e: run Point-E's upsampler after the base model (1,024 -> 4,096 points), as the reference does"""
    point_e_base: str = ""
    """point-e: the base model. '' = the reference's (text: base40M-textvec; image: base40M). Pictures may also
    use base300M, base1B (the reference's recommendation, image grid) or base40M-imagevec (CLIP image vector)"""
    mesher: str = "auto"
    """point-e: how the cloud becomes a mesh. auto: Point-E's learned SDF model (sdf.pt) if it is on disk, else
    Conjure's fit; learned: the SDF model (an error if sdf.pt is missing); fit: Conjure's fitted SDF"""

    @property
    def mode(self) -> str:
        return "image" if self.image else "text"

    @property
    def guidance_scale(self) -> float:
        return pipeline(self.pipeline).guidance[self.mode] if self.guidance is None else self.guidance

    def __post_init__(self):
        check_choice("pipeline", self.pipeline, PIPELINES)
        if not isinstance(self.prompt, str):
            raise SpecError("prompt", f"must be text, got {type(self.prompt).__name__}")
        object.__setattr__(self, "prompt", self.prompt.strip())
        if len(self.prompt) > MAX_PROMPT_CHARS:
            raise SpecError("prompt", f"is {len(self.prompt)} characters long; at most {MAX_PROMPT_CHARS}")
        object.__setattr__(self, "image", check_file("image", self.image))
        object.__setattr__(self, "mask", check_file("mask", self.mask))
        if not self.prompt and not self.image:
            raise SpecError("prompt", "is empty: describe the object, or give an image")
        if self.prompt and self.image:
            raise SpecError("image", "give a prompt or an image, not both")
        if self.mask and not self.image:
            raise SpecError("mask", "a mask needs an image")
        if self.mode not in pipeline(self.pipeline).modes:
            takes = [p.name for p in pipelines().values() if self.mode in p.modes]
            raise SpecError("pipeline", f"the {self.pipeline} pipeline makes objects from "
                                        f"{' or '.join(pipeline(self.pipeline).modes)} only; for a "
                                        f"{'picture' if self.mode == 'image' else 'prompt'} choose {' or '.join(takes)}")
        object.__setattr__(self, "model", check_model_ref("model", self.model))
        object.__setattr__(self, "text_encoder", check_model_ref("text_encoder", self.text_encoder))
        if self.text_encoder and not pipeline(self.pipeline).text_encoder:
            raise SpecError("text_encoder", f"the {self.pipeline} pipeline takes no separate text encoder")
        for key, value in pipeline(self.pipeline).defaults.items():  # unset (null) fields: the pipeline's own
            if getattr(self, key) is None:
                object.__setattr__(self, key, value)
        object.__setattr__(self, "steps", int(check_number("steps", self.steps, 1, 1000, integer=True)))
        if self.guidance is not None:
            object.__setattr__(self, "guidance", float(check_number("guidance", self.guidance, 0.0, 100.0)))
        object.__setattr__(self, "candidates",
                           int(check_number("candidates", self.candidates, 1, MAX_CANDIDATES, integer=True)))
        object.__setattr__(self, "resolution", int(check_number("resolution", self.resolution, 16,
                                                                MAX_RESOLUTION, integer=True)))
        object.__setattr__(self, "face_budget",
                           int(check_number("face_budget", self.face_budget, 100, 2_000_000, integer=True)))
        object.__setattr__(self, "texture_size", int(check_number("texture_size", self.texture_size,
                                                                  MIN_TEXTURE_SIZE, MAX_TEXTURE_SIZE, integer=True)))
        if self.size is not None:
            object.__setattr__(self, "size", float(check_number("size", self.size, 0.01, 100.0)))
        check_choice("output", self.output, GENERATE_OUTPUTS)
        if self.output not in pipeline(self.pipeline).outputs:
            makes = ", ".join(pipeline(self.pipeline).outputs)
            raise SpecError("output", f"the {self.pipeline} pipeline cannot make {self.output!r} (it makes: {makes})")
        for flag in ("fp16", "cpu_offload"):
            if not isinstance(getattr(self, flag), bool):
                raise SpecError(flag, f"must be true or false, got {getattr(self, flag)!r}")
        object.__setattr__(self, "preview_every",
                           int(check_number("preview_every", self.preview_every, 0, 1000, integer=True)))
        object.__setattr__(self, "roughness", float(check_number("roughness", self.roughness, 0.0, 1.0)))
        check_choice("schedule", self.schedule, SHAP_E_SCHEDULES)
        if not isinstance(self.upsample, bool):
            raise SpecError("upsample", f"must be true or false, got {self.upsample!r}")
        check_choice("mesher", self.mesher, POINT_E_MESHERS)
        if not isinstance(self.point_e_base, str):
            raise SpecError("point_e_base", f"must be a string, got {type(self.point_e_base).__name__}")
        if self.point_e_base:
            if self.pipeline != "point-e":
                raise SpecError("point_e_base", f"only the point-e pipeline has base models (this is {self.pipeline})")
            allowed = POINT_E_BASES[self.mode]
            if self.point_e_base not in allowed:
                what = "a prompt" if self.mode == "text" else "a picture"
                raise SpecError("point_e_base", f"{what} needs one of {', '.join(allowed)}; got {self.point_e_base!r}")


CUTOUT_METHODS = ("auto", "alpha", "sam", "classic")


@dataclass(frozen=True)
class CutoutParams:
    """Cut the foreground out of a picture, so the user can check (and paint over) the mask before generating."""

    image: str = ""
    """path to the picture"""
    mask: str = ""
    """optional user-edited mask (white = keep); when given it is cleaned and applied as is"""
    method: str = "auto"
    """auto (alpha channel, else Segment-Anything if downloaded, else classic) | alpha | sam | classic"""
    sam_model: str = ""
    """Segment-Anything model: hub id, absolute folder, or '' for facebook/sam-vit-base"""

    def __post_init__(self):
        object.__setattr__(self, "image", check_file("image", self.image, required=True))
        object.__setattr__(self, "mask", check_file("mask", self.mask))
        check_choice("method", self.method, CUTOUT_METHODS)
        object.__setattr__(self, "sam_model", check_model_ref("sam_model", self.sam_model))


