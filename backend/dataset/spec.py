"""The dataset contract (bpy-free): ``DatasetSpec``, its checks, presets and the shards it splits into.

A spec on disk (JSON; unknown fields are errors, every field is checked on construction)::

    {"output_dir": "/data/rooms", "scene_type": "room", "seeds": [0, 1, 2], "frames": 24,
     "width": 512, "height": 512, "passes": ["rgb", "depth", "normal", "instance", "semantic", "flow", "boxes"],
     "trajectory": "orbit", "quality": "fast"}

The dataset's identity (what the manifest records and what resuming compares) is the whole spec; how it is run
(executor, workers, Ray address) is ``RunOptions`` and may change between a run and its resume.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..jobs import SpecError, check_choice, check_number, check_output_dir, check_seed, from_dict, to_dict

PASSES = ("rgb", "depth", "normal", "instance", "semantic", "flow", "boxes")
"""Per-frame outputs. The camera (K and pose) is always written."""
TRAJECTORIES = ("orbit", "walk", "random")
EXECUTORS = ("local", "ray")
QUALITY = {
    # name -> render settings. "fast" is the default: 8 adaptive samples, 2 bounces, OpenImageDenoise with fast
    # prefiltering, no light tree (a 512x512 room render: 6.8 s of CPU time here; 12 s with the light tree and
    # accurate prefiltering, 25 s at 16 samples and 3 bounces: BENCHMARKS.md).
    # preview: one 1-sample, 0-bounce Cycles render; RGB = albedo under a studio light (Workbench's look) from
    # that render's passes, like the ground truth
    "preview": {"engine": "CYCLES", "samples": 1, "denoise": False, "max_bounces": 0, "adaptive_threshold": 0.0,
                "look": "STUDIO"},
    "fast": {"engine": "CYCLES", "samples": 8, "denoise": True, "max_bounces": 2, "adaptive_threshold": 0.1,
             "light_tree": False, "denoise_prefilter": "FAST"},
    "final": {"engine": "CYCLES", "samples": 128, "denoise": True, "max_bounces": 8, "adaptive_threshold": 0.01,
              "light_tree": True, "denoise_prefilter": "ACCURATE"},
}
MAX_SIDE = 8192
MIN_SIDE = 16
MAX_FRAMES = 100000
_SCENE_RE = re.compile(r"^[a-z]+_\d+$")


@dataclass(frozen=True)
class RenderSettings:
    """How each frame is rendered (the quality preset resolved; recorded in the manifest)."""

    engine: str = "CYCLES"
    """CYCLES: the RGB and every ground-truth pass come from one Cycles render (Workbench has no such passes)"""
    look: str = "RENDER"
    """RGB: RENDER (Cycles' image through the AgX view transform) or STUDIO (the preview: each surface's albedo
    under a fixed studio light, from the same render's albedo and normal passes)"""
    samples: int = 8
    """Cycles samples per pixel (the adaptive sampler may stop earlier)"""
    denoise: bool = True
    """OpenImageDenoise on the RGB (ground-truth passes are never denoised)"""
    max_bounces: int = 2
    """Cycles light bounces"""
    adaptive_threshold: float = 0.1
    """Cycles adaptive sampling noise threshold (0 = Blender's automatic choice)"""
    seed: int = 0
    """Cycles sampling seed (fixed: the same spec renders the same bytes)"""
    light_tree: bool = False
    """Cycles' light tree (helps scenes with many lights; costs time with the few lights procedural scenes have)"""
    denoise_prefilter: str = "FAST"
    """OpenImageDenoise guide prefiltering: NONE | FAST | ACCURATE"""

    def __post_init__(self):
        if self.engine == "WORKBENCH":
            raise SpecError("render.engine", "WORKBENCH cannot write the ground-truth passes; use CYCLES "
                                             "(quality 'preview' is a 1-sample Cycles render with a studio look)")
        check_choice("render.engine", self.engine, ("CYCLES",))
        check_choice("render.look", self.look, ("RENDER", "STUDIO"))
        check_number("render.samples", self.samples, 1, 4096, integer=True)
        if not isinstance(self.denoise, bool):
            raise SpecError("render.denoise", "must be true or false")
        check_number("render.max_bounces", self.max_bounces, 0, 64, integer=True)
        check_number("render.adaptive_threshold", self.adaptive_threshold, 0.0, 1.0)
        check_seed("render.seed", self.seed)
        if not isinstance(self.light_tree, bool):
            raise SpecError("render.light_tree", "must be true or false")
        check_choice("render.denoise_prefilter", self.denoise_prefilter, ("NONE", "FAST", "ACCURATE"))


@dataclass(frozen=True)
class DatasetSpec:
    """One synthetic dataset: which scenes, which frames, which passes, how rendered, where written."""

    output_dir: str
    """folder for the dataset (created if missing; must be writable)"""
    scene_type: str = "room"
    """procedural scene type: room | tabletop | outdoor"""
    seeds: tuple = (0,)
    """scene seeds; one scene per seed"""
    frames: int = 8
    """frames per scene, along the camera trajectory"""
    frames_per_shard: int = 4
    """frames rendered by one process (a shard = one scene seed and a frame range)"""
    width: int = 256
    """image width, pixels"""
    height: int = 256
    """image height, pixels"""
    passes: tuple = PASSES
    """per-frame outputs, a subset of PASSES (camera K and pose are always written)"""
    trajectory: str = "orbit"
    """camera path: orbit (an arc around the scene), walk (a straight eased walk), random (valid viewpoints)"""
    arc_degrees: float = 60.0
    """orbit: the angle swept over the scene's frames"""
    quality: str = "fast"
    """render preset: preview (1 Cycles sample, studio look) | fast | final; see QUALITY"""
    render: RenderSettings | None = None
    """render settings: the fields given override the quality preset's"""
    scene_params: dict = field(default_factory=dict)
    """scene parameters passed to the planner (e.g. {"density": 1.2})"""
    stereo_baseline: float = 0.0
    """> 0: also render a right-eye view this far (m) along the camera's x axis"""
    quilt_views: int = 0
    """> 1: also render this many views on a horizontal arc around each frame's target (multi-view quilt)"""
    object_spin: float = 0.0
    """degrees per frame that small objects (those standing on a table, shelf or cabinet) turn about their
    vertical axis: object motion for the flow pass (0 = a static scene)"""
    export: tuple = ()
    """per-scene exports for other tools: usd, gltf"""
    factory_edition: int | None = None
    """the procedural factories' edition the scenes are built with (``procgen.geometry.EDITION``, the current one,
    when not given): recorded, so resuming a dataset with a newer Conjure builds the same meshes"""

    def __post_init__(self):
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen dataclass normalisation)
        set_("output_dir", check_output_dir("output_dir", self.output_dir))
        from ..procgen.plan import SCENE_TYPES, resolve_scene_params
        check_choice("scene_type", self.scene_type, SCENE_TYPES)
        if not isinstance(self.seeds, (list, tuple)) or not self.seeds:
            raise SpecError("seeds", "must be a non-empty list of integer seeds")
        seeds = tuple(check_seed(f"seeds[{i}]", s) for i, s in enumerate(self.seeds))
        if len(set(seeds)) != len(seeds):
            raise SpecError("seeds", "must not repeat a seed")
        set_("seeds", seeds)
        check_number("frames", self.frames, 1, MAX_FRAMES, integer=True)
        check_number("frames_per_shard", self.frames_per_shard, 1, MAX_FRAMES, integer=True)
        check_number("width", self.width, MIN_SIDE, MAX_SIDE, integer=True)
        check_number("height", self.height, MIN_SIDE, MAX_SIDE, integer=True)
        if not isinstance(self.passes, (list, tuple)) or not self.passes:
            raise SpecError("passes", f"must be a non-empty list of: {', '.join(PASSES)}")
        for p in self.passes:
            check_choice(f"passes ({p!r})", p, PASSES)
        set_("passes", tuple(p for p in PASSES if p in self.passes))
        check_choice("trajectory", self.trajectory, TRAJECTORIES)
        check_number("arc_degrees", self.arc_degrees, 0.0, 360.0)
        check_choice("quality", self.quality, tuple(QUALITY))
        if self.render is None:
            set_("render", RenderSettings(**QUALITY[self.quality]))
        elif isinstance(self.render, dict):  # fields given override the preset's
            set_("render", from_dict(RenderSettings, {**QUALITY[self.quality], **self.render}, "render"))
        resolve_scene_params(self.scene_type, seeds[0], self.scene_params)  # SpecError names a bad parameter
        check_number("stereo_baseline", self.stereo_baseline, 0.0, 10.0)
        check_number("quilt_views", self.quilt_views, 0, 64, integer=True)
        if self.quilt_views == 1:
            raise SpecError("quilt_views", "must be 0 (off) or at least 2")
        check_number("object_spin", self.object_spin, -45.0, 45.0)
        for e in self.export:
            check_choice(f"export ({e!r})", e, ("usd", "gltf"))
        set_("export", tuple(self.export))
        from ..procgen.geometry import EDITION
        if self.factory_edition is None:
            set_("factory_edition", EDITION)
        set_("factory_edition", int(check_number("factory_edition", self.factory_edition, 1, EDITION, integer=True)))

    # ------------------------------------------------------------------ JSON
    @classmethod
    def from_json(cls, data) -> "DatasetSpec":
        if isinstance(data, str):
            data = json.loads(data)
        return from_dict(cls, data)

    def to_json(self) -> dict:
        return to_dict(self)

    # ------------------------------------------------------------------ shards
    def shards(self) -> list["Shard"]:
        """Every shard, in a fixed order: scenes in seed order, frame ranges in order."""
        out = []
        for seed in self.seeds:
            for start in range(0, self.frames, self.frames_per_shard):
                out.append(Shard(seed, start, min(start + self.frames_per_shard, self.frames)))
        return out

    def scene_name(self, seed: int) -> str:
        return f"{self.scene_type}_{seed}"

    @property
    def total_frames(self) -> int:
        return self.frames * len(self.seeds)


@dataclass(frozen=True)
class Shard:
    """One unit of work: frames [start, stop) of the scene with ``seed``."""

    seed: int
    start: int
    stop: int

    @property
    def id(self) -> str:
        return f"{self.seed}_{self.start:06d}_{self.stop:06d}"

    @property
    def frames(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True)
class RunOptions:
    """How a dataset is run; not part of its identity (a resume may use another executor)."""

    executor: str = "local"
    """local (a pool of headless Blender processes on this machine) | ray (tasks on a Ray cluster)"""
    workers: int = 1
    """local: processes at once; ray: tasks in flight"""
    ray_address: str = ""
    """ray: cluster address ("auto", "ray://host:10001", "host:6379"); "" starts a local one"""
    retries: int = 2
    """times a shard whose process died is run again before it is reported as failed"""
    python: str = ""
    """Python with the bpy module for shard processes ("" = this interpreter); unused when ``blender`` is set"""
    blender: str = ""
    """a Blender binary that runs the shard processes (``blender -b``); "" = ``python`` with the bpy module"""

    def __post_init__(self):
        check_choice("executor", self.executor, EXECUTORS)
        check_number("workers", self.workers, 1, 1024, integer=True)
        check_number("retries", self.retries, 0, 100, integer=True)
        if not isinstance(self.ray_address, str):
            raise SpecError("ray_address", "must be a string")
        for name in ("python", "blender"):
            if not isinstance(getattr(self, name), str):
                raise SpecError(name, "must be a path (string)")
        if self.ray_address and self.executor != "ray":
            raise SpecError("ray_address", "is only used with executor 'ray'")


STRUCTURE_CATEGORIES = ("floor", "wall", "ceiling", "terrain", "skirting", "water", "wall_tiles", "cornice")


def label_map() -> list[str]:
    """Semantic class names by id: 0 = background, then structure, then every asset category (sorted), and last
    ``other`` for any category this list does not know (a newer planner's structure, say)."""
    from ..procgen import categories
    return ["background", *STRUCTURE_CATEGORIES, *sorted(set(categories()) - set(STRUCTURE_CATEGORIES)), "other"]
