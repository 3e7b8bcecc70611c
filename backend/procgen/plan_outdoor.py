"""Outdoor planner (bpy-free): a terrain patch with trees, rocks and ground cover.

Outdoor objects rest on a terrain heightfield that is flattened under each footprint (a disc one and a half grid
cells wider than the footprint), so every object stands exactly on the ground and never cuts into it.
"""
from __future__ import annotations

import math

import numpy as np

from .geometry import rng_for
from .layout import CONTACT_GAP, look_at_camera, mat, world_aabb
from .terrain import terrain_noise


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
                box = world_aabb(lo, hi, (x, y, 0.0), yaw)
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
            scene.add(cat, asset, full, s, spec, loc, yaw, "ground", world_aabb(lo, hi, loc, yaw))

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
