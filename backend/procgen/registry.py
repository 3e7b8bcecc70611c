"""Asset factory registry (bpy-free).

A factory is a seeded program ``fn(seed, params) -> Asset`` with a few documented high-level parameters
(Infinigen's idea: one seeded probabilistic program per category). ``@factory(...)`` only attaches metadata;
``factories.build_registry()`` registers every factory explicitly, by name, and a duplicate name is an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..jobs import SpecError, check_choice, check_number, check_seed
from .geometry import EDITION, Mesh, detail, edition as current_edition, factory_edition, fan_triangles, rng_for

DETAIL_LEVELS = (8.0, 4.0, 2.0, 1.0, 0.6, 0.35)
"""Tessellation levels tried, finest first, to meet a triangle budget."""

MAX_PARAMS = 32


@dataclass(frozen=True)
class Param:
    name: str
    lo: float
    hi: float
    integer: bool = False
    doc: str = ""
    """What the parameter does, with its unit."""
    draw_hi: float | None = None
    """Values drawn from a seed stay at or under this (the common sizes), while a caller may ask for up to ``hi``
    (a rug under a bed); None: drawn from the whole range. Widening ``hi`` this way leaves drawn values as they were."""


@dataclass(frozen=True)
class Asset:
    mesh: Mesh
    materials: tuple
    """One material description (see materials.py) per material slot used by ``mesh.mat``."""
    surfaces: tuple = ()
    """Support surfaces in object space: {"lo": [x, y], "hi": [x, y], "z": top, "clear": free height above}."""


@dataclass(frozen=True)
class FactorySpec:
    name: str
    fn: object
    params: tuple
    semantic: tuple
    """Semantic tags, most specific last, e.g. ("furniture", "seating", "chair")."""
    small: bool = False
    """Small objects go on support surfaces; large ones stand on the floor or ground."""
    doc: str = ""

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


def factory(name: str, params, semantic, small: bool = False):
    """Decorator: attach a FactorySpec to ``fn`` as ``fn.spec``. Registration happens in build_registry()."""
    def wrap(fn):
        fn.spec = FactorySpec(name, fn, tuple(params), tuple(semantic), small, (fn.__doc__ or "").strip())
        return fn
    return wrap


class Registry:
    def __init__(self):
        self._specs: dict = {}

    def register(self, fn) -> None:
        spec = fn.spec
        if spec.name in self._specs:
            raise ValueError(f"asset factory {spec.name!r} is already registered")
        self._specs[spec.name] = spec

    def names(self) -> tuple:
        return tuple(self._specs)

    def get(self, name, field_name: str = "category") -> FactorySpec:
        check_choice(field_name, name, self.names())
        return self._specs[name]


def resolve_params(spec: FactorySpec, seed: int, overrides=None, field_name: str = "params") -> dict:
    """Full parameter dict: each value from ``overrides`` (checked against its range) or else drawn from the seed.
    Every parameter has its own generator, so overriding one does not change the others."""
    overrides = {} if overrides is None else overrides
    if not isinstance(overrides, dict):
        raise SpecError(field_name, f"must be an object of name: number, got {type(overrides).__name__}")
    allowed = [p.name for p in spec.params]
    for key in overrides:
        if key not in allowed:
            raise SpecError(f"{field_name}.{key}", f"unknown parameter for {spec.name} (allowed: {', '.join(allowed)})")
    out = {}
    for p in spec.params:
        if p.name in overrides:
            v = check_number(f"{field_name}.{p.name}", overrides[p.name], p.lo, p.hi, integer=p.integer)
            out[p.name] = int(v) if p.integer else float(v)
        else:
            g = rng_for(seed, spec.name, "param", p.name)
            top = p.hi if p.draw_hi is None else p.draw_hi
            out[p.name] = int(g.integers(int(p.lo), int(top) + 1)) if p.integer else round(float(g.uniform(p.lo, top)), 4)
    return out


def check_args(registry: Registry, category, seed, params=None, *, detail_level: float = 1.0, max_triangles=None,
               edition: int | None = None) -> tuple:
    """``generate``'s input checks without running the factory: (spec, seed, full params, max_triangles, edition).
    Raises SpecError naming the bad field."""
    spec = registry.get(category)
    seed = check_seed("seed", seed)
    full = resolve_params(spec, seed, params)
    if max_triangles is not None:
        max_triangles = int(check_number("max_triangles", max_triangles, 100, 10**8, integer=True))
    check_number("detail_level", detail_level, 0.1, 16.0)
    edition = current_edition() if edition is None else int(check_number("edition", edition, 1, EDITION, integer=True))
    return spec, seed, full, max_triangles, edition


def generate(registry: Registry, category, seed, params=None, *, detail_level: float = 1.0, max_triangles=None,
             edition: int | None = None) -> tuple:
    """(Asset, full params) for one category + seed + (partial) params. Raises SpecError on bad input.

    ``detail_level`` multiplies the tessellation (bevel steps, lathe segments, sphere subdivisions). With
    ``max_triangles`` the finest level in DETAIL_LEVELS (not above ``detail_level``) whose mesh fits the budget is
    used (the coarsest if none fits). ``edition`` is the factories' edition (by default the one in effect on this
    thread: ``geometry.EDITION``, the current one, unless inside ``factory_edition``; 1 for the embedded model's
    corpus). Same arguments, same bytes."""
    # 1. Check inputs
    spec, seed, full, max_triangles, edition = check_args(registry, category, seed, params, detail_level=detail_level,
                                                          max_triangles=max_triangles, edition=edition)
    # 2. Run the seeded program (at the finest level that fits the budget)
    levels = [detail_level] if max_triangles is None else [lv for lv in DETAIL_LEVELS if lv <= detail_level] or [detail_level]
    for lv in levels:
        with detail(lv), factory_edition(edition):
            asset = spec.fn(seed, full)
        if max_triangles is None or len(fan_triangles(asset.mesh)) <= max_triangles:
            break
    return asset, full
