"""Bpy-free checks of a planned scene graph against the planner's constraints.

``violations(graph)`` returns a list of human-readable problems (empty when the graph is valid). Tests run it
over many seeds; the Blender-side test additionally checks real triangles with a BVH.
"""
from __future__ import annotations

import json
import math

import numpy as np

from .factories import registry
from .geometry import rot_z
from .measure import drop_heights, slide_clearance, triangles
from .layout import CONTACT_GAP, FLAT, frustum_fraction, graph_edition, in_room, in_surface, overlap
from .registry import generate
from .room_kit import TUCK_UNDER

TOL = 1e-6
MAX_FLOAT = 0.005
"""An object whose bottom is more than this (m) above the real geometry under it floats."""
MAX_SINK = 0.0005
"""An object whose bottom is more than this (m) below the top of the geometry under it sinks into it."""


class AssetCache:
    """Regenerated asset meshes, keyed by (category, seed, params); the checks measure these real triangles.
    ``edition``: the factories' edition the graph's assets are built with (``layout.graph_edition``)."""

    def __init__(self, detail_level: float = 1.0, edition: int | None = None):
        self._d = {}
        self.detail_level = detail_level
        self.edition = edition

    def get(self, o):
        key = (o["category"], o["seed"], json.dumps(o["params"], sort_keys=True))
        if key not in self._d:
            self._d[key] = generate(registry(), o["category"], o["seed"], o["params"], detail_level=self.detail_level,
                                    edition=self.edition)[0]
        return self._d[key]

    def world(self, o):
        """(verts Float[ndarray, "V 3"], triangles Float[ndarray, "T 3 3"]) of ``o`` placed in the scene."""
        m = self.get(o).mesh
        R = rot_z(o["rotation_z"])
        v = m.verts @ R.T + np.asarray(o["location"], np.float64)
        return v, triangles(m) @ R.T + np.asarray(o["location"], np.float64)


def support_contact(obj, sup, cache: AssetCache, samples: int = 48):
    """Measure how ``obj`` really rests on ``sup``: vertical rays from the lowest points of ``obj`` (those within
    1 mm of its bottom) down onto ``sup``'s triangles. Returns (gap, supported): gap = the object's bottom minus
    the highest support geometry under it (m; negative means it sinks in), supported = the fraction of the
    contact points with support geometry at most MAX_FLOAT below them. The support's declared surfaces are
    not used."""
    v, _ = cache.world(obj)
    bottom = v[:, 2].min()
    feet = v[v[:, 2] <= bottom + 0.001]
    if len(feet) > samples:
        feet = feet[np.linspace(0, len(feet) - 1, samples).astype(int)]
    _, tris = cache.world(sup)
    lo, hi = feet[:, :2].min(axis=0) - 0.01, feet[:, :2].max(axis=0) + 0.01
    tlo, thi = tris[:, :, :2].min(axis=1), tris[:, :, :2].max(axis=1)
    near = (tlo <= hi).all(axis=1) & (thi >= lo).all(axis=1) & (tris[:, :, 2].min(axis=1) <= bottom + 0.05)
    z = drop_heights(feet[:, :2], tris[near], bottom + 0.05)
    if not np.isfinite(z).any():
        return float("inf"), 0.0
    top = z[np.isfinite(z)].max()
    supported = float(np.mean(np.isfinite(z) & (bottom - z <= MAX_FLOAT)))
    return float(bottom - top), supported


def _box(o):
    return o["bounds"]["lo"], o["bounds"]["hi"]


def _inside_point(p, box):
    return all(box[0][i] - TOL <= p[i] <= box[1][i] + TOL for i in range(3))


def _lining_depth(graph, room_name) -> float:
    """How far (m) the wall tiles lining room ``room_name``'s walls stand out (0 when it has none)."""
    for s in graph.get("structure", []):
        if s["category"] == "wall_tiles" and s["id"] in ("wall_tiles", f"wall_tiles_{room_name}"):
            return s["lining"]["depth"]
    return 0.0


def violations(graph, min_seen: float = 0.6) -> list:
    """Problems of ``graph`` (empty when valid). ``min_seen``: the best camera has this fraction of the objects in
    its frustum (0.6 with the 24 mm lenses of issue #14 and full bookshelves; 0.8 with the old 14 mm ones)."""
    out = []
    cache = AssetCache(graph["params"].get("detail", 1.0), graph_edition(graph))
    objs = graph["objects"]
    by_id = {o["id"]: o for o in objs}
    # 1. No two objects closer than touching, except an object and the thing it stands on, and a chair tucked
    #    under a table with the table and what stands on it (their boxes overlap: checked on real triangles below)
    def on(o):
        return o["support"]["object"] if isinstance(o["support"], dict) else None

    def tucked_by(x, y):  # x is a chair tucked under y, or under the table y stands on
        t = x.get("tucked_under")
        return bool(t) and t["object"] in (y["id"], on(y))

    def related(a, b):
        return on(a) == b["id"] or on(b) == a["id"] or tucked_by(a, b) or tucked_by(b, a)
    for i, a in enumerate(objs):
        for b in objs[i + 1:]:
            if not related(a, b) and overlap(_box(a), _box(b), -1e-9):
                out.append(f"{a['id']} overlaps {b['id']}")
    # 1b. Tucked chairs: clear of the table and its load on real triangles (along the slide, which started with
    #     everything ahead), and the seat front really in under the top's edge
    for o in objs:
        t = o.get("tucked_under")
        if not t:
            continue
        table = by_id.get(t["object"])
        if table is None:
            out.append(f"{o['id']} is tucked under missing {t['object']}")
            continue
        group = [table] + [x for x in objs if isinstance(x["support"], dict) and x["support"]["object"] == table["id"]]
        n = np.array([t["direction"][0], t["direction"][1], 0.0])
        fixed = np.concatenate([cache.world(x)[1] for x in group])
        gap = slide_clearance(cache.world(o)[1], fixed, n)
        if gap <= 0:
            out.append(f"{o['id']} cuts into {table['id']} or what stands on it ({gap * 1000:.1f} mm)")
        v, _ = cache.world(o)
        front = (v[v[:, 2] <= o["params"]["seat_height"] + 0.005][:, :2] @ n[:2]).max()
        surf = cache.get(table).surfaces[0]
        R = rot_z(table["rotation_z"])
        corners = np.array([[x, y, 0.0] for x in (surf["lo"][0], surf["hi"][0]) for y in (surf["lo"][1], surf["hi"][1])]) @ R.T
        edge = ((corners[:, :2] + np.asarray(table["location"][:2])) @ n[:2]).min()
        if front - edge < TUCK_UNDER - 1e-6:
            out.append(f"{o['id']} is not tucked under {table['id']} (seat front {(front - edge) * 1000:.0f} mm in)")
    # 2. Inside the room / patch
    if "rooms" in graph:
        boxes = [(r["lo"], r["hi"]) for r in graph["rooms"]]
        for o in objs:
            lo, hi = _box(o)
            if not any(_inside_point(lo, b) and _inside_point(hi, b) for b in boxes):
                out.append(f"{o['id']} is outside every room")
        flat_ok = graph_edition(graph) >= 3   # edition 3: a rug may lie in a camera corner (the camera sees over it)
        for z in graph["zones"]:
            for o in objs:
                lo, hi = _box(o)
                if flat_ok and z["kind"] == "camera" and hi[2] - lo[2] <= FLAT:
                    continue
                if overlap((lo, hi), (z["lo"], z["hi"]), -1e-9):
                    out.append(f"{o['id']} is inside the {z['kind']} zone")
    if graph["type"] == "outdoor":
        S = graph["params"]["size"] / 2
        for o in objs:
            lo, hi = _box(o)
            if lo[0] < -S or lo[1] < -S or hi[0] > S or hi[1] > S:
                out.append(f"{o['id']} is outside the terrain patch")
        for w in (s["geometry"] for s in graph["structure"] if s["category"] == "water"):
            (cx, cy, _level), r = w["center"], w["radius"]
            for o in objs:  # nothing stands in (or floats on) the pond: the footprint keeps off the water disc
                lo, hi = _box(o)
                if math.hypot(min(max(cx, lo[0]), hi[0]) - cx, min(max(cy, lo[1]), hi[1]) - cy) < r:
                    out.append(f"{o['id']} stands in the pond")
    # 3. Support: small objects on a surface of their support, at its height, within its rectangle
    for o in objs:
        s = o["support"]
        if isinstance(s, dict):
            sup = by_id.get(s["object"])
            if sup is None:
                out.append(f"{o['id']} rests on missing {s['object']}")
                continue
            asset = cache.get(sup)
            if not 0 <= s["surface"] < len(asset.surfaces):
                out.append(f"{o['id']} rests on a surface {sup['id']} does not have")
                continue
            surf = asset.surfaces[s["surface"]]
            lo, hi = _box(o)
            gap, supported = support_contact(o, sup, cache)
            if gap > MAX_FLOAT:
                out.append(f"{o['id']} floats {gap * 1000:.1f} mm above {sup['id']}")
            elif gap < -MAX_SINK:
                out.append(f"{o['id']} sinks {-gap * 1000:.1f} mm into {sup['id']}")
            elif supported < 0.5:
                out.append(f"{o['id']} stands on {sup['id']} with only {supported:.0%} of its base")
            olo, ohi = cache.get(o).mesh.bounds()
            if not in_surface(olo, ohi, o["location"], o["rotation_z"], sup["location"], sup["rotation_z"], surf, 1e-5):
                out.append(f"{o['id']} overhangs its support {sup['id']}")
            if hi[2] > lo[2] + surf["clear"] + TOL:
                out.append(f"{o['id']} is taller than the space above {sup['id']}")
        elif s == "floor":
            if abs(_box(o)[0][2] - CONTACT_GAP) > 1e-6:
                out.append(f"{o['id']} is not on the floor")
        elif s == "wall":  # back within 5 mm of a room's wall plane (or of the face of the tiles lining it)
            lo, hi = _box(o)
            near = any(min(abs(lo[0] - r["lo"][0] - k), abs(hi[0] - r["hi"][0] + k), abs(lo[1] - r["lo"][1] - k),
                           abs(hi[1] - r["hi"][1] + k)) <= MAX_FLOAT
                       for r in graph.get("rooms", []) for k in {0.0, _lining_depth(graph, r["name"])})
            if not near:
                out.append(f"{o['id']} is not against a wall")
        elif s == "ceiling":
            if not any(abs(_box(o)[1][2] - r["hi"][2]) <= 0.001 for r in graph.get("rooms", [])):
                out.append(f"{o['id']} does not hang from the ceiling")
        elif s != "ground":
            out.append(f"{o['id']} has no support")
    # 4. Cameras: outside every object, and one sees most objects
    for c in graph["cameras"]:
        for o in objs:
            if _inside_point(c["location"], _box(o)):
                out.append(f"camera {c['name']} is inside {o['id']}")
    out += _coverage(graph, min_seen)
    return out


def _coverage(graph, min_seen: float) -> list:
    """One view frames ``min_seen`` of the objects; in an apartment, of each room's objects from a camera in that
    room (the walls between rooms hide the others, so no one view can frame the whole apartment)."""
    rooms = graph.get("rooms") or []
    if len(rooms) < 2:
        best = max((frustum_fraction(graph, c) for c in graph["cameras"]), default=0.0)
        return [f"no camera sees {min_seen:.0%} of the objects (best {best:.0%})"] if best < min_seen else []
    out = []
    for r in rooms:
        mine = [o for o in graph["objects"]
                if in_room(r, [(a + b) / 2 for a, b in zip(o["bounds"]["lo"], o["bounds"]["hi"])])]
        if not mine:
            continue
        best = max((frustum_fraction({"objects": mine}, c) for c in graph["cameras"] if in_room(r, c["location"])),
                   default=0.0)
        if best < min_seen:
            out.append(f"no camera in {r['name']} sees {min_seen:.0%} of its objects (best {best:.0%})")
    return out
