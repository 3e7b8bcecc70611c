"""Job specs and events: frozen dataclasses <-> JSON.

This module is the one contract between Blender, the worker, the CLI and the dataset orchestrator.
It imports neither bpy nor torch. Every spec is checked on construction: a bad field raises
``SpecError`` naming the field and what is allowed, so no layer ever runs a half-valid job.

A job spec on the wire::

    {"type": "implicit_shape", "name": "snowman", "seed": 0, "output_dir": "/tmp/out",
     "device": "auto", "params": {...type specific...}}

Events on the wire (worker -> client), one JSON object per line::

    {"event": "accepted", "job_id": "..."}
    {"event": "progress", "job_id": "...", "step": 3, "total": 10, "message": "meshing", "preview": null}
    {"event": "log", "job_id": "...", "level": "info", "message": "..."}
    {"event": "result", "job_id": "...", "paths": {"glb": "..."}, "metadata": {...}}
    {"event": "error", "job_id": "..." | null, "message": "...", "kind": "bad_spec" | "failed" | ...}
    {"event": "cancelled", "job_id": "..."}
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import tempfile
import typing
from dataclasses import dataclass, field

# Limits a user can reach from the panel or a spec file. Documented in README.
MAX_RESOLUTION = 256
MIN_RESOLUTION = 8
MAX_TEXTURE_SIZE = 4096
MIN_TEXTURE_SIZE = 16
MAX_PRIMITIVES = 64
MAX_COORD = 1000.0
MAX_SEED = 2**32 - 1
DEVICES = ("auto", "cuda", "mps", "cpu")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class SpecError(ValueError):
    """A job spec (or one of its fields) is invalid. ``field`` names the offending field."""

    def __init__(self, field_name: str, problem: str):
        super().__init__(f"{field_name}: {problem}")
        self.field = field_name
        self.problem = problem


# --------------------------------------------------------------------------- field checks
def check_number(name: str, value, lo: float, hi: float, *, integer: bool = False):
    """Return ``value`` if it is a finite number (an int if ``integer``) within [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpecError(name, f"must be a number, got {type(value).__name__} {value!r}")
    if integer:
        if isinstance(value, float):
            if not value.is_integer():
                raise SpecError(name, f"must be a whole number, got {value!r}")
            value = int(value)
    elif not math.isfinite(value):
        raise SpecError(name, f"must be a finite number, got {value!r}")
    if not lo <= value <= hi:
        raise SpecError(name, f"must be between {lo:g} and {hi:g}, got {value!r}")
    return value


def check_vec(name: str, value, n: int, lo: float, hi: float) -> tuple:
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise SpecError(name, f"must be a list of {n} numbers, got {value!r}")
    return tuple(float(check_number(f"{name}[{i}]", v, lo, hi)) for i, v in enumerate(value))


def check_choice(name: str, value, choices) -> str:
    if value not in choices:
        raise SpecError(name, f"must be one of {', '.join(map(str, choices))}; got {value!r}")
    return value


def check_seed(name: str, value) -> int:
    return check_number(name, value, 0, MAX_SEED, integer=True)


def check_output_dir(name: str, value) -> str:
    """An absolute (or ~) folder that exists or can be created, and that we can write to."""
    if not isinstance(value, str) or not value.strip():
        raise SpecError(name, "must be a folder path")
    path = os.path.abspath(os.path.expanduser(value))
    probe = path
    while not os.path.exists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not os.path.isdir(probe):
        raise SpecError(name, f"{probe} is not a folder")
    try:  # a real probe: os.access() says yes to root even on read-only file systems
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as e:
        raise SpecError(name, f"folder {probe} is not writable ({e.strerror})") from None
    return path


def _reject_unknown(name: str, data: dict, cls) -> None:
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SpecError(f"{name}.{unknown[0]}" if name else unknown[0],
                        f"unknown field (allowed: {', '.join(sorted(known))})")


def _require(name: str, data: dict, cls) -> None:
    for f in dataclasses.fields(cls):
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and f.name not in data:
            raise SpecError(f"{name}.{f.name}" if name else f.name, "is required")


def from_dict(cls, data, name: str = ""):
    """Build dataclass ``cls`` from a JSON dict: unknown fields and missing required fields are errors.
    Each class validates its own values in ``__post_init__``."""
    if not isinstance(data, dict):
        raise SpecError(name or cls.__name__, f"must be an object, got {type(data).__name__}")
    _reject_unknown(name, data, cls)
    _require(name, data, cls)
    hook = getattr(cls, "_from_json", None)
    try:
        return hook(data, name) if hook else cls(**data)
    except SpecError as e:  # checks in __post_init__ know only their own field: add where it sits
        if not name or e.field.startswith(name + ".") or e.field.startswith(name + "["):
            raise
        raise SpecError(f"{name}.{e.field}", e.problem) from None


def to_dict(obj) -> dict:
    """Dataclass -> JSON-ready dict (tuples become lists)."""
    def conv(v):
        if dataclasses.is_dataclass(v):
            return {f.name: conv(getattr(v, f.name)) for f in dataclasses.fields(v)}
        if isinstance(v, (list, tuple)):
            return [conv(x) for x in v]
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        return v
    return conv(obj)


# --------------------------------------------------------------------------- implicit shapes
PRIMITIVE_KINDS = ("sphere", "torus", "box", "capsule")


@dataclass(frozen=True)
class Primitive:
    """One signed-distance primitive. Sizes are in metres; the shape is in object space (Z up)."""

    kind: str
    """sphere | torus | box | capsule"""
    center: tuple = (0.0, 0.0, 0.0)
    """centre (sphere, torus, box) or first end point (capsule)"""
    size: tuple = (0.5, 0.5, 0.5)
    """sphere: (radius, -, -); torus: (major radius, minor radius, -); box: half extents; capsule: (radius, -, -)"""
    end: tuple = (0.0, 0.0, 1.0)
    """capsule: second end point (ignored by other kinds)"""
    color: tuple = (0.8, 0.8, 0.8)
    """linear RGB in [0, 1]"""
    subtract: bool = False
    """carve this primitive out of the shape instead of adding it"""

    def __post_init__(self):
        check_choice("kind", self.kind, PRIMITIVE_KINDS)
        object.__setattr__(self, "center", check_vec("center", self.center, 3, -MAX_COORD, MAX_COORD))
        object.__setattr__(self, "end", check_vec("end", self.end, 3, -MAX_COORD, MAX_COORD))
        size = check_vec("size", self.size, 3, 0.0, MAX_COORD)
        needed = {"sphere": 1, "capsule": 1, "torus": 2, "box": 3}[self.kind]
        for i in range(needed):
            if size[i] <= 0.0:
                raise SpecError(f"size[{i}]", f"must be positive for a {self.kind}, got {size[i]!r}")
        if self.kind == "torus" and size[1] >= size[0]:
            raise SpecError("size[1]", "a torus' minor radius must be smaller than its major radius")
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "color", check_vec("color", self.color, 3, 0.0, 1.0))
        if not isinstance(self.subtract, bool):
            raise SpecError("subtract", f"must be true or false, got {self.subtract!r}")


@dataclass(frozen=True)
class ImplicitShapeParams:
    """A smooth union of SDF primitives with a colour field, meshed and textured."""

    primitives: tuple
    """the primitives (1..64)"""
    blend: float = 0.1
    """smooth-union radius in metres (0 = hard union)"""
    resolution: int = 96
    """marching-cubes grid cells along the longest side (8..256)"""
    texture_size: int = 512
    """baked texture width and height in pixels (16..4096)"""
    face_budget: int = 10000
    """most triangles in the result; finer meshes are decimated (100..2,000,000)"""
    color_noise: float = 0.05
    """amplitude of seeded colour variation (0..1)"""
    roughness: float = 0.6
    """material roughness (0..1)"""

    @classmethod
    def _from_json(cls, data: dict, name: str):
        prims = data.get("primitives")
        if not isinstance(prims, (list, tuple)):
            raise SpecError(f"{name}.primitives", "must be a list of primitives")
        built = tuple(from_dict(Primitive, p, f"primitives[{i}]") for i, p in enumerate(prims))
        return cls(**{**data, "primitives": built})

    def __post_init__(self):
        if not isinstance(self.primitives, tuple) or not self.primitives:
            raise SpecError("primitives", "needs at least one primitive")
        if len(self.primitives) > MAX_PRIMITIVES:
            raise SpecError("primitives", f"at most {MAX_PRIMITIVES} primitives, got {len(self.primitives)}")
        if all(p.subtract for p in self.primitives):
            raise SpecError("primitives", "at least one primitive must add material (subtract: false)")
        object.__setattr__(self, "blend", float(check_number("blend", self.blend, 0.0, 10.0)))
        check_number("resolution", self.resolution, MIN_RESOLUTION, MAX_RESOLUTION, integer=True)
        object.__setattr__(self, "resolution", int(self.resolution))
        check_number("texture_size", self.texture_size, MIN_TEXTURE_SIZE, MAX_TEXTURE_SIZE, integer=True)
        object.__setattr__(self, "texture_size", int(self.texture_size))
        check_number("face_budget", self.face_budget, 100, 2_000_000, integer=True)
        object.__setattr__(self, "face_budget", int(self.face_budget))
        object.__setattr__(self, "color_noise", float(check_number("color_noise", self.color_noise, 0.0, 1.0)))
        object.__setattr__(self, "roughness", float(check_number("roughness", self.roughness, 0.0, 1.0)))


@dataclass(frozen=True)
class NoopParams:
    """Does nothing and returns at once: health checks and latency measurements."""

    echo: str = ""
    """text returned in the result's metadata (at most 1000 characters)"""

    def __post_init__(self):
        if not isinstance(self.echo, str) or len(self.echo) > 1000:
            raise SpecError("echo", "must be a string of at most 1000 characters")


# --------------------------------------------------------------------------- text / image -> 3D
PIPELINES = ("embedded", "shap-e", "point-e")
GENERATE_OUTPUTS = ("mesh", "points", "both")
MAX_PROMPT_CHARS = 2000
MAX_CANDIDATES = 8
_MODEL_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")
# Guidance when the spec leaves it out (null): what each model's authors use.
DEFAULT_GUIDANCE = {("embedded", "text"): 3.0, ("shap-e", "text"): 15.0, ("shap-e", "image"): 3.0,
                    ("point-e", "text"): 3.0, ("point-e", "image"): 3.0}


def check_model_ref(name: str, value) -> str:
    """'' (the pipeline's default), a hub repo id ``owner/name``, or an absolute path to a folder or file."""
    if not isinstance(value, str):
        raise SpecError(name, f"must be a string, got {type(value).__name__}")
    if value == "" or _MODEL_ID_RE.match(value):
        return value
    path = os.path.expanduser(value)
    if os.path.isabs(path):
        return os.path.normpath(path)
    raise SpecError(name, f"{value!r} is neither a hub model id (owner/name) nor an absolute path")


def check_file(name: str, value, *, required: bool = False) -> str:
    """'' (unless required) or an absolute path to an existing, readable file."""
    if not isinstance(value, str):
        raise SpecError(name, f"must be a file path, got {type(value).__name__}")
    if value == "":
        if required:
            raise SpecError(name, "is required")
        return value
    path = os.path.abspath(os.path.expanduser(value))
    if not os.path.isfile(path):
        raise SpecError(name, f"{path} is not a file")
    if not os.access(path, os.R_OK):
        raise SpecError(name, f"{path} is not readable")
    return path


@dataclass(frozen=True)
class GenerateParams:
    """A prompt or a picture -> a textured prop, through a named diffusion pipeline."""

    pipeline: str = "embedded"
    """embedded (Conjure's own small model, shipped, offline, text only) | shap-e (latent diffusion to an implicit
    function) | point-e (point-cloud diffusion)"""
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
    steps: int = 64
    """diffusion steps (1..1000)"""
    guidance: typing.Optional[float] = None
    """classifier-free guidance scale (0..100); null = the model's usual value (Shap-E 15 text / 3 image, Point-E 3,
    embedded 3)"""
    candidates: int = 1
    """how many variants to make from consecutive seeds (1..8); the user keeps one"""
    resolution: int = 128
    """marching-cubes grid cells along the longest side (16..256)"""
    face_budget: int = 20000
    """most triangles in each result; finer meshes are decimated (100..2,000,000)"""
    texture_size: int = 1024
    """baked texture width and height in pixels (16..4096)"""
    size: float = 1.0
    """the result's largest dimension in metres (0.01..100); it stands on Z=0 with its origin at the base"""
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

    @property
    def mode(self) -> str:
        return "image" if self.image else "text"

    @property
    def guidance_scale(self) -> float:
        return DEFAULT_GUIDANCE[(self.pipeline, self.mode)] if self.guidance is None else self.guidance

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
        if self.image and self.pipeline == "embedded":
            raise SpecError("pipeline", "the embedded model makes objects from a prompt; for a picture choose "
                                        "shap-e or point-e")
        object.__setattr__(self, "model", check_model_ref("model", self.model))
        object.__setattr__(self, "text_encoder", check_model_ref("text_encoder", self.text_encoder))
        if self.text_encoder and self.pipeline != "point-e":
            raise SpecError("text_encoder", "only the point-e pipeline takes a separate text encoder")
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
        object.__setattr__(self, "size", float(check_number("size", self.size, 0.01, 100.0)))
        check_choice("output", self.output, GENERATE_OUTPUTS)
        if self.output != "mesh" and self.pipeline != "point-e":
            raise SpecError("output", f"{self.output!r} needs the point-e pipeline (shap-e makes meshes only)")
        for flag in ("fp16", "cpu_offload"):
            if not isinstance(getattr(self, flag), bool):
                raise SpecError(flag, f"must be true or false, got {getattr(self, flag)!r}")
        object.__setattr__(self, "preview_every",
                           int(check_number("preview_every", self.preview_every, 0, 1000, integer=True)))
        object.__setattr__(self, "roughness", float(check_number("roughness", self.roughness, 0.0, 1.0)))


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


# Registry of job types: name -> params dataclass. Pipelines register their own in backend.generate.
JOB_TYPES: dict[str, type] = {}


def register_job_type(name: str, params_cls: type) -> None:
    if name in JOB_TYPES and JOB_TYPES[name] is not params_cls:
        raise ValueError(f"job type {name!r} is already registered")
    JOB_TYPES[name] = params_cls


register_job_type("implicit_shape", ImplicitShapeParams)
register_job_type("noop", NoopParams)
register_job_type("generate", GenerateParams)
register_job_type("cutout", CutoutParams)


@dataclass(frozen=True)
class JobSpec:
    """What to run. The same spec comes from the panel, a spec file, the CLI flags or the orchestrator."""

    type: str
    """registered job type: implicit_shape | generate | noop | ..."""
    output_dir: str
    """folder the results are written to (created if missing; never the extension's folder)"""
    params: typing.Any = None
    """type-specific parameters (a dataclass from JOB_TYPES; omitted = all defaults)"""
    name: str = "conjure"
    """base name of the output files and of the Blender object (letters, digits, _ . -)"""
    seed: int = 0
    """random seed (0..2**32-1); same seed, same result"""
    device: str = "auto"
    """auto | cuda | mps | cpu"""

    def __post_init__(self):
        check_choice("type", self.type, tuple(JOB_TYPES))
        if not isinstance(self.params, JOB_TYPES[self.type]):
            raise SpecError("params", f"must be {JOB_TYPES[self.type].__name__} for a {self.type} job")
        if not isinstance(self.name, str) or not _NAME_RE.match(self.name):
            raise SpecError("name", "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit")
        object.__setattr__(self, "seed", check_seed("seed", self.seed))
        check_choice("device", self.device, DEVICES)
        object.__setattr__(self, "output_dir", check_output_dir("output_dir", self.output_dir))

    @classmethod
    def _from_json(cls, data: dict, name: str):
        jtype = data.get("type")
        check_choice("type", jtype, tuple(JOB_TYPES))
        params = from_dict(JOB_TYPES[jtype], data.get("params", {}), "params")
        return cls(**{**data, "params": params})

    @classmethod
    def from_json(cls, data) -> "JobSpec":
        """From a dict or a JSON string; raises SpecError on any problem."""
        if isinstance(data, (str, bytes)):
            try:
                data = json.loads(data)
            except ValueError as e:
                raise SpecError("spec", f"is not valid JSON ({e})") from None
        return from_dict(cls, data)

    def to_json(self) -> dict:
        return to_dict(self)


def load_spec_file(path: str, overrides: dict | None = None) -> JobSpec:
    """Read a JSON or TOML spec file; ``overrides`` (e.g. from CLI flags) replace top-level fields."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise SpecError("spec", f"cannot read {path}: {e.strerror}") from None
    if path.endswith(".toml"):
        import tomllib
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise SpecError("spec", f"{path} is not valid TOML ({e})") from None
    else:
        try:
            data = json.loads(raw)
        except ValueError as e:
            raise SpecError("spec", f"{path} is not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise SpecError("spec", f"{path} must hold an object")
    data.update(overrides or {})
    return JobSpec.from_json(data)


# --------------------------------------------------------------------------- events
EVENT_KINDS = ("accepted", "progress", "log", "result", "error", "cancelled", "status", "hello", "released",
               "disconnected")
FINAL_EVENTS = ("result", "error", "cancelled")


def event(name: str, job_id: str | None = None, /, **fields) -> dict:
    """Build an event dict (the wire form is this dict as one JSON line)."""
    assert name in EVENT_KINDS, name
    return {"event": name, "job_id": job_id, **fields}
