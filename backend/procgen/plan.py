"""Scene planning, the entry point (bpy-free): (scene type, seed, params) -> scene graph (a JSON-ready dict).

Each scene type has its own planner module (``plan_room``, ``plan_tabletop``, ``plan_outdoor``); they share
``layout.Scene``. The same seed always gives the same graph.
"""
from __future__ import annotations

from ..jobs import SpecError, check_choice, check_number, check_seed
import functools

from . import plan_outdoor, plan_room, plan_tabletop, rooms
from .geometry import EDITION, factory_edition, rng_for
from .layout import Scene

PLANNERS = {"room": plan_room.plan_room, "tabletop": plan_tabletop.plan_tabletop, "outdoor": plan_outdoor.plan_outdoor,
            **{k: functools.partial(plan_room.plan_room, kind=k) for k in rooms.ROOM_KINDS},
            "apartment": plan_room.plan_apartment}
SCENE_TYPES = tuple(PLANNERS)
ROOM_SCENES = ("room", "apartment") + rooms.ROOM_KINDS
"""Scene types whose graph has rooms (walls, openings, zones)."""

# scene params: name -> (lo, hi, integer, doc); None default = drawn from the seed
SCENE_PARAMS = {
    "room": {"density": (0.2, 2.0, False, "How full the room is (1 = typical)"),
             "width": (3.5, 8.0, False, "Room width, m"), "depth": (3.0, 7.0, False, "Room depth, m"),
             "height": (2.5, 3.2, False, "Ceiling height, m")},
    "tabletop": {"density": (0.2, 2.0, False, "How full the table is (1 = typical)"),
                 "objects": (1, 40, True, "Number of small objects to try to place")},
    "outdoor": {"density": (0.2, 2.0, False, "Amount of trees, rocks and ground cover (1 = typical)"),
                "size": (10.0, 60.0, False, "Side of the square terrain patch, m")},
    "apartment": {"density": (0.2, 2.0, False, "How full the rooms are (1 = typical)"),
                  "rooms": (2, 4, True, "Number of rooms in a row, doors between neighbours"),
                  "depth": (3.5, 6.0, False, "Depth of every room, m"), "height": (2.5, 3.2, False, "Ceiling height, m")},
}
for _k in rooms.ROOM_KINDS:
    (_w, _d) = rooms.SIZES[_k]
    SCENE_PARAMS[_k] = {"density": SCENE_PARAMS["room"]["density"],
                        "width": (_w[0], _w[1], False, "Room width, m"), "depth": (_d[0], _d[1], False, "Room depth, m"),
                        "height": SCENE_PARAMS["room"]["height"]}


_DETAIL = (0.35, 8.0, False, "Tessellation multiplier for every asset (1 = default; 4 gives ~40k triangles per chair)")
for _spec in SCENE_PARAMS.values():
    _spec["detail"] = _DETAIL
_FIXED_DEFAULTS = {"density": 1.0, "size": 24.0, "objects": 12, "rooms": 3, "detail": 1.0}


def resolve_scene_params(scene_type: str, seed: int, params) -> dict:
    params = {} if params is None else params
    if not isinstance(params, dict):
        raise SpecError("params", "must be an object of name: number")
    spec = SCENE_PARAMS[scene_type]
    for key in params:
        if key not in spec:
            raise SpecError(f"params.{key}", f"unknown parameter for {scene_type} scenes (allowed: {', '.join(spec)})")
    out = {}
    for name, (lo, hi, integer, _doc) in spec.items():
        if name in params:
            v = check_number(f"params.{name}", params[name], lo, hi, integer=integer)
        elif name in _FIXED_DEFAULTS:
            v = _FIXED_DEFAULTS[name]
        else:
            g = rng_for(seed, "scene", scene_type, name)
            v = int(g.integers(lo, hi + 1)) if integer else round(float(g.uniform(lo, hi)), 3)
        out[name] = int(v) if integer else float(v)
    return out


def plan(scene_type, seed, params=None, *, edition=None) -> dict:
    """Plan one scene. ``edition``: the factories' edition (``geometry.EDITION``, the current one, by default), recorded
    in the graph. Raises SpecError naming the bad field on bad input."""
    # 1. Check inputs
    check_choice("type", scene_type, SCENE_TYPES)
    seed = check_seed("seed", seed)
    edition = EDITION if edition is None else int(check_number("edition", edition, 1, EDITION, integer=True))
    full = resolve_scene_params(scene_type, seed, params)
    planner = PLANNERS[scene_type]
    if scene_type == "room":  # a room type drawn from the seed, sized by its own ranges unless sizes were given
        kind = rooms.draw_kind(rng_for(seed, "scene", "room", "kind"))
        for i, name in enumerate(("width", "depth")):
            if name not in (params or {}):
                lo, hi = rooms.SIZES[kind][i]
                full[name] = round(float(rng_for(seed, "scene", "room", name).uniform(lo, hi)), 3)
        planner = functools.partial(plan_room.plan_room, kind=kind)
    # 2. Plan
    with factory_edition(edition):
        return planner(Scene(scene_type, seed, full), rng_for(seed, "scene", scene_type, "layout"))
