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
MAX_TEXTURE_SIZE = 4096
MIN_TEXTURE_SIZE = 16
MAX_SEED = 2**32 - 1
# Device choices, in one place: name -> (label, description)
DEVICES = {"auto": ("Auto", "CUDA if present, then Apple MPS, else CPU"), "cuda": ("CUDA", "NVIDIA GPU"),
           "mps": ("MPS", "Apple GPU"), "cpu": ("CPU", "Processor only")}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MODEL_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")


class SpecError(ValueError):
    """A job spec (or one of its fields) is invalid. ``field`` names the offending field."""

    def __init__(self, field_name: str, problem: str):
        super().__init__(f"{field_name}: {problem}")
        self.field = field_name
        self.problem = problem


# --------------------------------------------------------------------------- field checks
def check_number(name: str, value, lo: float, hi: float, *, integer: bool = False):
    """Return ``value`` if it is a finite number (an int if ``integer``) within [lo, hi].

    The range is checked before any conversion: Python compares a huge int with a float exactly, whereas
    ``float(10**400)`` raises OverflowError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpecError(name, f"must be a number, got {type(value).__name__} {_short(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise SpecError(name, f"must be a finite number, got {value!r}")
    if integer and isinstance(value, float):
        if not value.is_integer():
            raise SpecError(name, f"must be a whole number, got {value!r}")
        if lo <= value <= hi:
            value = int(value)
    if not lo <= value <= hi:
        raise SpecError(name, f"must be between {lo:g} and {hi:g}, got {_short(value)}")
    return value


def _short(value, limit: int = 60) -> str:
    """``repr`` cut to ``limit`` characters (error messages stay one short line whatever was sent)."""
    if isinstance(value, int) and value.bit_length() > 3 * limit:
        return f"<{value.bit_length()}-bit integer>"
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def check_vec(name: str, value, n: int, lo: float, hi: float) -> tuple:
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise SpecError(name, f"must be a list of {n} numbers, got {_short(value)}")
    return tuple(float(check_number(f"{name}[{i}]", v, lo, hi)) for i, v in enumerate(value))


def check_choice(name: str, value, choices) -> str:
    if value not in choices:
        raise SpecError(name, f"must be one of {', '.join(map(str, choices))}; got {_short(value)}")
    return value


def check_seed(name: str, value) -> int:
    return check_number(name, value, 0, MAX_SEED, integer=True)


def check_output_dir(name: str, value) -> str:
    """An absolute (or ~) folder that exists or can be created, and that we can write to."""
    if not isinstance(value, str) or not value.strip():
        raise SpecError(name, "must be a folder path")
    if "\x00" in value or len(value) > 4096 or any(len(part.encode("utf-8", "surrogatepass")) > 255
                                                    for part in value.split(os.sep)):
        raise SpecError(name, "is not a usable path (a NUL character, or a name or path too long)")
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


def check_model_ref(name: str, value) -> str:
    """'' (the pipeline's default), a hub repo id ``owner/name``, or an absolute path to a folder or file."""
    if not isinstance(value, str):
        raise SpecError(name, f"must be a string, got {type(value).__name__}")
    if value == "" or _MODEL_ID_RE.match(value):
        return value
    path = os.path.expanduser(value)
    if os.path.isabs(path):
        return os.path.normpath(path)
    raise SpecError(name, f"{_short(value)} is neither a hub model id (owner/name) nor an absolute path")


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


# --------------------------------------------------------------------------- built-in params
@dataclass(frozen=True)
class NoopParams:
    """Does nothing and returns at once: health checks and latency measurements."""

    echo: str = ""
    """text returned in the result's metadata (at most 1000 characters)"""

    def __post_init__(self):
        if not isinstance(self.echo, str) or len(self.echo) > 1000:
            raise SpecError("echo", "must be a string of at most 1000 characters")


# --------------------------------------------------------------------------- job types
@dataclass(frozen=True)
class JobType:
    """One kind of job, declared in one place (``backend/job_types.py``).

    ``handler`` and ``importer`` are ``"module:function"`` paths relative to the ``backend`` package, imported
    only where they run: the handler in the worker (it may need torch), the importer in Blender (it needs bpy).
    """

    name: str
    """the spec's ``type``"""
    params: type
    """the params dataclass (checked on construction; unknown fields are errors)"""
    handler: str
    """worker side: ``fn(ctx: JobContext) -> {"paths": ..., "metadata": ...}``"""
    importer: str = ""
    """Blender side: makes the result into scene data (see ``backend/blender/importers.py``); '' = nothing to import"""
    panel: str = ""
    """which panel section shows the job's progress: prop | shape | '' (the Jobs list only)"""
    label: str = ""
    """what the job makes, in a few words (CLI help, job lists)"""


_JOB_TYPES: dict[str, JobType] = {}


def register_job_type(job_type: JobType) -> None:
    """Add a job type. Registering a different one under a taken name is an error."""
    old = _JOB_TYPES.get(job_type.name)
    if old is not None and old != job_type:
        raise ValueError(f"job type {job_type.name!r} is already registered")
    _JOB_TYPES[job_type.name] = job_type


def job_types() -> dict[str, JobType]:
    """Every registered job type by name (the built-in ones are registered in ``backend/job_types.py``)."""
    if not _JOB_TYPES:
        from . import job_types as _builtin
        _builtin.register_all()
    return _JOB_TYPES


def job_type(name: str) -> JobType:
    return job_types()[check_choice("type", name, tuple(job_types()))]


def resolve(path: str, package: str = __package__):
    """The function named by a ``"module:function"`` path relative to ``package``."""
    import importlib

    module, _, fn = path.partition(":")
    return getattr(importlib.import_module(module, package), fn)


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
        params_cls = job_type(self.type).params
        if not isinstance(self.params, params_cls):
            raise SpecError("params", f"must be {params_cls.__name__} for a {self.type} job")
        if not isinstance(self.name, str) or not _NAME_RE.match(self.name):
            raise SpecError("name", "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit")
        object.__setattr__(self, "seed", check_seed("seed", self.seed))
        check_choice("device", self.device, DEVICES)
        object.__setattr__(self, "output_dir", check_output_dir("output_dir", self.output_dir))

    @classmethod
    def _from_json(cls, data: dict, name: str):
        params = from_dict(job_type(data.get("type")).params, data.get("params", {}), "params")
        return cls(**{**data, "params": params})

    @classmethod
    def from_json(cls, data) -> "JobSpec":
        """From a dict or a JSON string; raises SpecError on any problem."""
        if isinstance(data, (str, bytes)):
            try:
                data = json.loads(data)
            except RecursionError:
                raise SpecError("spec", "is nested too deeply") from None
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
        except RecursionError:
            raise SpecError("spec", f"{path} is nested too deeply") from None
        except (ValueError, UnicodeDecodeError) as e:
            raise SpecError("spec", f"{path} is not valid TOML ({e})") from None
    else:
        try:
            data = json.loads(raw)
        except RecursionError:
            raise SpecError("spec", f"{path} is nested too deeply") from None
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
