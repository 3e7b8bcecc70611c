"""Bpy-free checks of a planned scene graph against the planner's constraints.

``violations(graph)`` returns a list of human-readable problems (empty when the graph is valid). Tests run it
over many seeds; the Blender-side test additionally checks real triangles with a BVH.
"""
from __future__ import annotations

from .factories import registry
from .layout import CONTACT_GAP, frustum_fraction, overlap, world_aabb
from .registry import generate

TOL = 1e-6


def _box(o):
    return o["bounds"]["lo"], o["bounds"]["hi"]


def _inside_point(p, box):
    return all(box[0][i] - TOL <= p[i] <= box[1][i] + TOL for i in range(3))


def violations(graph, min_seen: float = 0.8) -> list:
    out = []
    objs = graph["objects"]
    by_id = {o["id"]: o for o in objs}
    # 1. No two objects closer than touching, except an object and the thing it stands on
    def related(a, b):
        sa, sb = a["support"], b["support"]
        return (isinstance(sa, dict) and sa["object"] == b["id"]) or (isinstance(sb, dict) and sb["object"] == a["id"])
    for i, a in enumerate(objs):
        for b in objs[i + 1:]:
            if not related(a, b) and overlap(_box(a), _box(b), -1e-9):
                out.append(f"{a['id']} overlaps {b['id']}")
    # 2. Inside the room / patch
    if graph["type"] == "room":
        p = graph["params"]
        room = ([0, 0, 0], [p["width"], p["depth"], p["height"]])
        for o in objs:
            lo, hi = _box(o)
            if not (_inside_point(lo, room) and _inside_point(hi, room)):
                out.append(f"{o['id']} is outside the room")
        for z in graph["zones"]:
            for o in objs:
                if overlap(_box(o), (z["lo"], z["hi"]), -1e-9):
                    out.append(f"{o['id']} is inside the {z['kind']} zone")
    if graph["type"] == "outdoor":
        S = graph["params"]["size"] / 2
        for o in objs:
            lo, hi = _box(o)
            if lo[0] < -S or lo[1] < -S or hi[0] > S or hi[1] > S:
                out.append(f"{o['id']} is outside the terrain patch")
    # 3. Support: small objects on a surface of their support, at its height, within its rectangle
    for o in objs:
        s = o["support"]
        if isinstance(s, dict):
            sup = by_id.get(s["object"])
            if sup is None:
                out.append(f"{o['id']} rests on missing {s['object']}")
                continue
            asset, _ = generate(registry(), sup["category"], sup["seed"], sup["params"])
            surf = asset.surfaces[s["surface"]]
            rect = world_aabb([*surf["lo"], 0], [*surf["hi"], 0], sup["location"], sup["rotation_z"])
            lo, hi = _box(o)
            z = sup["location"][2] + surf["z"]
            if abs(lo[2] - z - CONTACT_GAP) > 1e-6:
                out.append(f"{o['id']} is not resting on {sup['id']} (bottom {lo[2]:.4f}, surface {z:.4f})")
            if lo[0] < rect[0][0] - TOL or lo[1] < rect[0][1] - TOL or hi[0] > rect[1][0] + TOL or hi[1] > rect[1][1] + TOL:
                out.append(f"{o['id']} overhangs its support {sup['id']}")
            if hi[2] > z + surf["clear"] + TOL:
                out.append(f"{o['id']} is taller than the space above {sup['id']}")
        elif s == "floor":
            if abs(_box(o)[0][2] - CONTACT_GAP) > 1e-6:
                out.append(f"{o['id']} is not on the floor")
        elif s != "ground":
            out.append(f"{o['id']} has no support")
    # 4. Cameras: outside every object, and one sees most objects
    for c in graph["cameras"]:
        for o in objs:
            if _inside_point(c["location"], _box(o)):
                out.append(f"camera {c['name']} is inside {o['id']}")
    best = max((frustum_fraction(graph, c) for c in graph["cameras"]), default=0.0)
    if best < min_seen:
        out.append(f"no camera sees {min_seen:.0%} of the objects (best {best:.0%})")
    return out
