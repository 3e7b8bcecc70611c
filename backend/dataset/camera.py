"""Camera math (bpy-free): look-at poses, intrinsics, projection, and the trajectories a scene's frames follow.

Conventions (written into every frame's ``camera`` record and into transforms.json):

* ``c2w`` — camera-to-world 4x4 in the Blender / OpenGL / NeRF convention: camera +X right, +Y up, looks along -Z.
* ``K`` — 3x3 intrinsics in the OpenCV convention (+X right, +Y down, looks along +Z; pixel centres at
  integer + 0.5): a world point p projects with ``x = K @ (diag(1, -1, -1) @ (inv(c2w) @ p)[:3])``,
  ``uv = x[:2] / x[2]``.
* World units are metres, Z up.
"""
from __future__ import annotations

import math

import numpy as np

from ..procgen.geometry import rng_for
from ..procgen.layout import frustum_fraction

CLEARANCE = 0.25
"""Cameras stay this far (m) outside every object's bounding box and inside the room's walls."""
GL_TO_CV = np.diag([1.0, -1.0, -1.0])


def look_at(loc, target, up=(0.0, 0.0, 1.0)) -> np.ndarray:
    """Float[4, 4] camera-to-world (OpenGL convention) at ``loc`` looking at ``target``."""
    loc, target = np.asarray(loc, float), np.asarray(target, float)
    f = target - loc
    f /= np.linalg.norm(f)
    r = np.cross(f, up)
    if np.linalg.norm(r) < 1e-6:  # looking straight up or down
        r = np.cross(f, (0.0, 1.0, 0.0))
    r /= np.linalg.norm(r)
    u = np.cross(r, f)
    m = np.eye(4)
    m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = r, u, -f, loc
    return m


def intrinsics(lens_mm: float, sensor_mm: float, width: int, height: int) -> np.ndarray:
    """Float[3, 3] K for a Blender camera with horizontal sensor fit and square pixels."""
    f = lens_mm / sensor_mm * width
    return np.array([[f, 0.0, width / 2], [0.0, f, height / 2], [0.0, 0.0, 1.0]])


def project(K, c2w, points) -> tuple[np.ndarray, np.ndarray]:
    """World Float[N, 3] -> (pixel coordinates Float[N, 2], z-depth Float[N])."""
    p = np.asarray(points, float).reshape(-1, 3)
    cam = (np.linalg.inv(c2w) @ np.c_[p, np.ones(len(p))].T)[:3]
    cv = GL_TO_CV @ cam
    x = np.asarray(K) @ cv
    return (x[:2] / x[2]).T, cv[2]


# --------------------------------------------------------------------- trajectories
def _boxes(graph):
    return [(np.asarray(o["bounds"]["lo"]), np.asarray(o["bounds"]["hi"])) for o in graph["objects"]]


def _rooms(graph) -> list:
    """The (lo, hi) boxes of the scene's rooms (indoor scene types and apartments), [] outdoors and on tabletops."""
    if graph.get("rooms"):
        return [(np.asarray(r["lo"], float), np.asarray(r["hi"], float)) for r in graph["rooms"]]
    if graph["type"] == "room" and "width" in graph["params"]:  # scene graphs of version 1
        p = graph["params"]
        return [(np.zeros(3), np.array([p["width"], p["depth"], p["height"]]))]
    return []


def _inside_room(graph):
    """The room the main camera stands in (None outdoors and on tabletops)."""
    rooms = _rooms(graph)
    if not rooms:
        return None
    cam = np.asarray(graph["cameras"][0]["location"], float)
    return next(((lo, hi) for lo, hi in rooms if np.all((lo <= cam) & (cam <= hi))), rooms[0])


def _in_room(loc, lo, hi) -> bool:
    return bool(np.all((lo + CLEARANCE <= loc) & (loc <= hi - CLEARANCE)))


def clamp_into_room(graph, loc):
    """``loc`` moved inside its room with CLEARANCE to spare (planners may put cameras close to the ceiling)."""
    room = _inside_room(graph)
    if room is None:
        return np.asarray(loc, float)
    return np.clip(np.asarray(loc, float), room[0] + CLEARANCE + 1e-6, room[1] - CLEARANCE - 1e-6)


def valid_location(graph, loc) -> bool:
    """Not within CLEARANCE of any object's box, and inside a room (indoor scenes) with CLEARANCE to spare."""
    loc = np.asarray(loc, float)
    rooms = _rooms(graph)
    if rooms and not any(_in_room(loc, lo, hi) for lo, hi in rooms):
        return False
    return not any(np.all((lo - CLEARANCE <= loc) & (loc <= hi + CLEARANCE)) for lo, hi in _boxes(graph))


def scene_centre(graph):
    room = _inside_room(graph)
    if room is not None:
        lo, hi = room
        return np.array([(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, 0.8])
    if graph["objects"]:
        lo = np.min([b[0] for b in _boxes(graph)], axis=0)
        hi = np.max([b[1] for b in _boxes(graph)], axis=0)
        c = (lo + hi) / 2
        return np.array([c[0], c[1], lo[2] + 0.35 * (hi[2] - lo[2])])
    return np.asarray(graph["cameras"][0]["target"], float)


def _orbit(graph, n, arc, shrink):
    """An arc around the scene's centre starting at the main camera's bearing. Rooms: an ellipse just inside
    the walls (the camera looks across the room, so most of it is in view)."""
    main = graph["cameras"][0]
    c = scene_centre(graph)
    start = np.asarray(main["location"], float)
    d = start[:2] - c[:2]
    a0 = math.atan2(d[1], d[0])
    rx = ry = float(np.linalg.norm(d)) * shrink
    room = _inside_room(graph)
    if room is not None:
        margin = CLEARANCE + 0.05
        half = (room[1] - room[0]) / 2  # rooms of an apartment do not start at the origin
        rx, ry = (half[0] - margin) * shrink, (half[1] - margin) * shrink
        start[2] = min(start[2], 1.6)
    angles = a0 + np.radians(arc) * (np.arange(n) / max(n - 2, 1) - 0.5)
    return [(np.array([c[0] + rx * math.cos(a), c[1] + ry * math.sin(a), start[2]]), c) for a in angles]


def _towards_valid(graph, p, c):
    """``p``, or the first point from ``p`` towards ``c`` (in tenths) that is a valid camera location."""
    for k in range(10):
        q = p + (k / 10) * (c - p)
        if valid_location(graph, q):
            return q
    return p


EYE = 1.6
"""Walks in rooms are at eye height (planners may aim from near the ceiling, past pendant lights)."""
WALK_PITCH = math.radians(-12.0)
"""Room walks look this far down (level with the horizon the floor objects would be at the frame's edge)."""
MAX_TURN = math.radians(25.0)
"""Room walks turn at most this much per frame (the gaze sweeps smoothly; flow stays moderate)."""


def _segment_clear(lo, hi, a, b) -> bool:
    """The segment a-b meets none of the boxes lo[i]..hi[i] (Float[N, 3]; slab test)."""
    d = b - a
    flat = np.abs(d) < 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        t1, t2 = (lo - a) / d, (hi - a) / d
    inside = (lo <= a) & (a <= hi)
    tmin = np.where(flat, np.where(inside, -np.inf, np.inf), np.minimum(t1, t2)).max(axis=1)
    tmax = np.where(flat, np.where(inside, np.inf, -np.inf), np.maximum(t1, t2)).min(axis=1)
    return not np.any((tmin <= tmax) & (tmax >= 0.0) & (tmin <= 1.0))


def _room_walk_path(graph, room):
    """The longest straight walk at eye height between two valid points of the room (the planner's cameras
    and a 5 x 5 grid of its floor), or a valid point with no walk at all; None if there is no valid point."""
    lo, hi = room
    z = min(EYE, hi[2] - CLEARANCE - 1e-3)
    pts = [clamp_into_room(graph, [c["location"][0], c["location"][1], z]) for c in graph["cameras"]]
    m = CLEARANCE + 0.05
    pts += [np.array([x, y, z]) for x in np.linspace(lo[0] + m, hi[0] - m, 5) for y in np.linspace(lo[1] + m, hi[1] - m, 5)]
    pts = [p for p in pts if _in_room(p, lo, hi) and valid_location(graph, p)]
    if not pts:
        return None
    boxes = _boxes(graph)
    blo = np.array([b[0] for b in boxes]).reshape(-1, 3) - CLEARANCE
    bhi = np.array([b[1] for b in boxes]).reshape(-1, 3) + CLEARANCE
    best = (0.0, pts[0], pts[0])
    for i, a in enumerate(pts):  # both ends inside the (convex) room: so is the segment
        for b in pts[i + 1:]:
            d = float(np.linalg.norm(b - a))
            if d > best[0] + 1e-9 and _segment_clear(blo, bhi, a, b):
                best = (d, a, b)
    return best[1], best[2]


def _gaze(yaw, pitch=WALK_PITCH):
    return np.array([math.cos(pitch) * math.cos(yaw), math.cos(pitch) * math.sin(yaw), math.sin(pitch)])


def _room_walk(graph, n):
    """A walk across the room whose gaze sweeps it: positions along the longest valid straight line (eased),
    the heading turning linearly from one yaw to another, chosen (15 degree steps, at most MAX_TURN per frame)
    so that the most objects of the room have their centre in view in at least one frame."""
    room = _inside_room(graph)
    path = _room_walk_path(graph, room)
    if path is None:
        raise ValueError(f"no valid walk position in {graph['type']} scene {graph['seed']}")
    a, b = path
    t = np.clip(np.arange(n) / max(n - 2, 1), 0, 1)  # the extra last pose: standing at b, still turning
    s = t * t * (3 - 2 * t)  # smoothstep: starts and stops gently
    locs = np.array([a + si * (b - a) for si in s])
    centres = np.array([(np.asarray(o["bounds"]["lo"]) + np.asarray(o["bounds"]["hi"])) / 2
                        for o in graph["objects"]]).reshape(-1, 3)
    centres = centres[np.all((room[0] <= centres) & (centres <= room[1]), axis=1)]
    half = 18.0 / graph["cameras"][0]["lens"]  # tan of the half field of view (36 mm sensor, square frame)
    steps = np.radians(np.arange(0, 360, 15))
    frames = min(n - 1, len(locs)) if n > 1 else 1  # the last pose only gives the flow's next camera
    best = (-1.0, 0.0, 0.0)
    for y0 in steps:
        for dy in np.radians(np.arange(-360, 361, 15)):
            if abs(dy) > MAX_TURN * max(frames - 1, 1) + 1e-9:
                continue
            seen = np.zeros(len(centres), bool)
            per_frame = 0
            for k in range(frames):
                yaw = y0 + dy * (k / max(frames - 1, 1))
                f = _gaze(yaw)
                r = np.array([math.sin(yaw), -math.cos(yaw), 0.0])
                u = np.cross(r, f)
                c = centres - locs[k]
                depth = c @ f
                in_view = (depth > 0.05) & (np.abs(c @ r) <= half * depth) & (np.abs(c @ u) <= half * depth)
                seen |= in_view
                per_frame += in_view.sum()
            # every object seen once, and every frame showing many (no frame staring at a bare wall);
            # ties: the calmer sweep
            score = seen.sum() + 0.5 * per_frame / frames - 0.01 * abs(dy)
            if score > best[0]:
                best = (score, y0, dy)
    _, y0, dy = best
    out = []
    for k in range(n):
        yaw = y0 + dy * (k / max(frames - 1, 1))
        out.append((locs[k], locs[k] + 2.5 * _gaze(yaw)))
    return out


def _walk(graph, n, shrink):
    if _rooms(graph):
        return _room_walk(graph, n)
    cams = graph["cameras"]
    c = scene_centre(graph)
    eye = np.array([c[0], c[1], min(float(cams[0]["location"][2]), 1.6)]) if _rooms(graph) else c
    a = clamp_into_room(graph, cams[0]["location"])
    b = clamp_into_room(graph, cams[1]["location"]) if _rooms(graph) and len(cams) > 1 else a + 0.4 * (c - a)
    if _rooms(graph):  # walk at eye height (planners may aim from near the ceiling, past pendant lights)
        a[2] = b[2] = min(a[2], 1.6)
    a, b = _towards_valid(graph, a, eye), _towards_valid(graph, b, eye)
    b = a + shrink * (b - a)
    t = np.arange(n) / max(n - 2, 1)
    s = t * t * (3 - 2 * np.clip(t, 0, 1))  # smoothstep: starts and stops gently
    return [(clamp_into_room(graph, a + si * (b - a)), c) for si in s]


def _random(graph, n, seed):
    rng = rng_for(seed, "dataset", "random-viewpoints")
    c = scene_centre(graph)
    main = np.asarray(graph["cameras"][0]["location"], float)
    r0 = float(np.linalg.norm(main - c))
    lens = graph["cameras"][0]["lens"]
    out = []
    for _ in range(n):
        best = None
        for _ in range(64):
            if _inside_room(graph) is not None:
                lo, hi = _inside_room(graph)
                loc = np.array([rng.uniform(lo[0], hi[0]), rng.uniform(lo[1], hi[1]),
                                rng.uniform(1.0, min(1.9, hi[2]))])
            else:
                az, el = rng.uniform(-math.pi, math.pi), rng.uniform(0.25, 0.9)
                r = r0 * rng.uniform(0.7, 1.1)
                loc = c + r * np.array([math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)])
            if not valid_location(graph, loc):
                continue
            tgt = c + rng.normal(0, 0.3, 3)
            score = frustum_fraction(graph, {"location": loc, "target": tgt, "lens": lens, "sensor": 36.0})
            if best is None or score > best[0]:
                best = (score, loc, tgt)
        if best is None:
            raise ValueError(f"no valid random viewpoint found in {graph['type']} scene {graph['seed']}")
        out.append((best[1], best[2]))
    return out


def trajectory(graph, frames: int, kind: str, seed: int, arc_degrees: float = 60.0) -> list[np.ndarray]:
    """``frames + 1`` camera-to-world matrices (the extra one is where the camera goes next: forward flow of the
    last frame). Smooth paths (orbit, walk) are shrunk towards the scene until no pose is inside an object."""
    n = frames + 1
    if kind == "random":
        poses = _random(graph, n, seed)
    else:
        for shrink in (1.0, 0.85, 0.7, 0.55, 0.4, 0.25):
            poses = _orbit(graph, n, arc_degrees, shrink) if kind == "orbit" else _walk(graph, n, shrink)
            if all(valid_location(graph, p) for p, _ in poses):
                break
        else:
            raise ValueError(f"no valid {kind} path in {graph['type']} scene {graph['seed']}")
    return [look_at(p, t) for p, t in poses]


def visible_fraction(graph, c2w, lens, sensor=36.0) -> float:
    """Fraction of the graph's objects whose box centre is in the camera's frustum (square image)."""
    loc = c2w[:3, 3]
    return frustum_fraction(graph, {"location": loc, "target": loc - c2w[:3, 2], "lens": lens, "sensor": sensor})
