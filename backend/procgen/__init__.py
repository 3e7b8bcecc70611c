"""Infinigen-like procedural assets and scenes.

bpy-free public API (a batch script reads as plain steps)::

    from backend.procgen import categories, generate_asset, plan_scene
    asset, params = generate_asset("chair", seed=7, params={"seat_height": 0.45})   # numpy mesh + materials
    graph = plan_scene("room", seed=3, params={"density": 1.2})                     # JSON scene graph

Blender side (imports bpy): ``backend.blender.procgen.build_scene(scene, graph)`` and ``add_asset(...)``.
"""
from .factories import registry
from .plan import SCENE_TYPES, plan as plan_scene


def categories() -> tuple:
    """Names of every registered asset factory."""
    return registry().names()


def generate_asset(category, seed, params=None, *, detail_level=1.0, max_triangles=None, edition=None):
    """(Asset, full params) for one category + seed + optional parameter overrides (SpecError on bad input).
    ``detail_level`` multiplies the tessellation; ``max_triangles`` is a per-asset triangle budget; ``edition``
    picks an older edition of the factories (``geometry.EDITION``: the current one by default)."""
    from .registry import generate
    return generate(registry(), category, seed, params, detail_level=detail_level, max_triangles=max_triangles,
                    edition=edition)


__all__ = ("SCENE_TYPES", "categories", "generate_asset", "plan_scene")
