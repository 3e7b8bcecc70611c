"""Tabletop and outdoor planners (bpy-free).

Outdoor objects rest on a terrain heightfield that is flattened under each footprint (a disc one and a half grid
cells wider than the footprint), so every object stands exactly on the ground and never cuts into it.
"""
from __future__ import annotations

import math

import numpy as np

from .geometry import grid_heightfield, rng_for
from .planner import CONTACT_GAP, _world_aabb, look_at_camera, mat


# --------------------------------------------------------------------- tabletop
def plan_tabletop(scene, rng):
    p = scene.graph["params"]
    g = scene.graph
    seed = scene.seed
    g["structure"] = [{"id": "floor", "category": "floor", "semantic": ["structure", "floor"],
                       "geometry": {"type": "boxes", "boxes": [[[-3, -3, -0.1], [3, 3, 0]]]},
                       "materials": [mat("wood", seed, "floor")]}]
    table = scene.try_floor("table", rng, lambda lo, hi: ((0.0, 0.0, 0.0), 0.0), tries=1,
                            params={"width": round(rng.uniform(1.2, 1.8), 3), "depth": round(rng.uniform(0.8, 1.0), 3)})
    count = max(1, int(round(p["objects"] * p["density"])))
    cats = ("mug", "bowl", "plate", "vase", "bottle", "book", "potted_plant", "table_lamp")
    scene.fill_surfaces(table, cats, count, rng)
    top = table["bounds"]["hi"][2]
    span = max(table["bounds"]["hi"][0] - table["bounds"]["lo"][0], table["bounds"]["hi"][1] - table["bounds"]["lo"][1])
    az = rng.uniform(-0.6, 0.6) - math.pi / 2
    dist = span * 1.25
    cam = (dist * math.cos(az), dist * math.sin(az), top + dist * 0.8)
    g["cameras"] = [look_at_camera("camera_main", cam, (0.0, 0.0, top), 30.0)]
    g["lights"] = [
        {"name": "sun", "type": "SUN", "direction": [0.4, 0.5, -0.77], "energy": 3.0, "color": [1.0, 0.96, 0.9], "angle": 0.05},
        {"name": "key", "type": "AREA", "location": [-1.0, -1.0, top + 1.8], "direction": [0.35, 0.35, -0.87],
         "size": [1.2, 1.2], "energy": 250.0, "color": [1.0, 0.98, 0.95]},
    ]
    g["world"] = {"color": [0.6, 0.72, 0.95], "strength": 0.8}
    return scene.finish()


# --------------------------------------------------------------------- outdoor
def terrain_noise(seed, x, y, amp):
    """Smooth seeded height (sum of random plane waves), metres."""
    g = rng_for(seed, "terrain", "waves")
    h = np.zeros(np.broadcast(x, y).shape)
    for k in range(6):
        a = g.uniform(0, 2 * np.pi)
        f = 0.08 * (1.8 ** k)
        h += amp / (1.9 ** k) * np.sin(f * (np.cos(a) * x + np.sin(a) * y) + g.uniform(0, 2 * np.pi))
    return h


def terrain_mesh(spec):
    """Closed terrain slab from a terrain geometry spec (see plan_outdoor); flats are applied exactly."""
    S, n, seed, amp = spec["size"], spec["resolution"], spec["seed"], spec["amplitude"]
    xs = np.linspace(-S / 2, S / 2, n)
    X, Y = np.meshgrid(xs, xs)
    H = terrain_noise(seed, X, Y, amp)
    inside = np.zeros(H.shape, bool)
    for fx, fy, r, h0, blend in spec["flats"]:
        d = np.hypot(X - fx, Y - fy)
        w = np.clip((d - r) / blend, 0, 1)
        w = w * w * (3 - 2 * w)
        H = np.where(inside, H, h0 + (H - h0) * w)
        inside |= d <= r
    for fx, fy, r, h0, _ in spec["flats"]:  # exact plateaus (they never overlap)
        H = np.where(np.hypot(X - fx, Y - fy) <= r, h0, H)
    return grid_heightfield(H, S, S, float(H.min()) - 1.0)


def plan_outdoor(scene, rng):
    p = scene.graph["params"]
    g = scene.graph
    seed = scene.seed
    S, dens = p["size"], p["density"]
    n = max(16, min(240, int(S / 0.25) + 1))
    spacing = S / (n - 1)
    amp = rng.uniform(0.2, 0.6)
    flats = []
    discs = [(0.0, -S / 2 + 1.5, 1.5)]  # keep clear where the ground camera stands

    def place(cat, count, params=None):
        for _ in range(count):
            asset, full, s, spec = scene.make(cat, params)
            lo, hi = asset.mesh.bounds()
            rad = math.hypot(max(-lo[0], hi[0]), max(-lo[1], hi[1]))
            r_flat = rad + 1.5 * spacing
            for _try in range(20):
                x, y = rng.uniform(-S / 2 + r_flat + 1, S / 2 - r_flat - 1, size=2)
                yaw = rng.uniform(-math.pi, math.pi)
                box = _world_aabb(lo, hi, (x, y, 0.0), yaw)
                box = ([box[0][0], box[0][1], -1e3], [box[1][0], box[1][1], 1e3])
                if all(math.hypot(x - dx, y - dy) > r_flat + dr + 0.05 for dx, dy, dr in discs) and scene.free(box):
                    break
            else:
                continue
            scene.blockers.append(box)
            h0 = float(terrain_noise(seed, x, y, amp))
            loc = (x, y, h0 + CONTACT_GAP)
            discs.append((x, y, r_flat))
            flats.append([round(float(x), 6), round(float(y), 6), r_flat, h0, 1.5])
            scene.add(cat, asset, full, s, spec, loc, yaw, "ground", _world_aabb(lo, hi, loc, yaw))

    area = S * S / 576.0  # 1 at the default 24 m patch
    place("tree", max(1, int(round(6 * dens * area))))
    place("rock", max(1, int(round(6 * dens * area))))
    place("bush", int(round(8 * dens * area)))
    place("rock", int(round(10 * dens * area)), params={"size": 0.25})
    place("grass_tuft", int(round(30 * dens * area)))
    g["structure"] = [{"id": "terrain", "category": "terrain", "semantic": ["structure", "terrain"],
                       "geometry": {"type": "terrain", "size": S, "resolution": n, "seed": seed, "amplitude": amp,
                                    "flats": flats},
                       "materials": [mat("stone", seed, "terrain", palette="ground")]}]
    # cameras: an overview that sees the whole patch, and one at eye height on the near edge
    R = S / math.sqrt(2) + 2
    half = math.atan(18.0 / 18.0)
    dist = R / math.sin(half) * 0.8
    over = (-dist * 0.55, -dist * 0.55, dist * 0.62)
    g["cameras"] = [look_at_camera("camera_overview", over, (0.0, 0.0, 0.0), 18.0)]
    h_cam = float(terrain_noise(seed, 0.0, -S / 2 + 1.5, amp))
    g["cameras"].append(look_at_camera("camera_ground", (0.0, -S / 2 + 1.5, h_cam + 1.7), (0.0, 0.0, h_cam + 1.0), 20.0))
    g["lights"] = [{"name": "sun", "type": "SUN", "direction": [math.cos(a := rng.uniform(0, 2 * math.pi)) * 0.6,
                                                                  math.sin(a) * 0.6, -0.8],
                    "energy": round(rng.uniform(3.5, 5.0), 3), "color": [1.0, 0.95, 0.88], "angle": 0.01}]
    g["world"] = {"color": [0.45, 0.62, 1.0], "strength": 1.0}
    return scene.finish()
