"""Params of the ``implicit_shape`` job: a smooth union of signed-distance primitives ("Shape from Primitives")."""
from __future__ import annotations

from dataclasses import dataclass

from ..jobs import (MAX_TEXTURE_SIZE, MIN_TEXTURE_SIZE, SpecError, check_choice, check_number, check_vec,
                    from_dict)

MAX_RESOLUTION = 256
MIN_RESOLUTION = 8
MAX_PRIMITIVES = 64
MAX_COORD = 1000.0
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


