"""Tabletop planner (bpy-free): a table covered with small objects, seen from above at an angle."""
from __future__ import annotations

import math

from .layout import look_at_camera, mat
from .plan_room import sky_for_sun


def plan_tabletop(scene, rng):
    p = scene.graph["params"]
    g = scene.graph
    seed = scene.seed
    g["structure"] = [{"id": "floor", "category": "floor", "semantic": ["structure", "floor"],
                       "geometry": {"type": "boxes", "boxes": [[[-30, -30, -0.1], [30, 30, 0]]]},
                       "materials": [mat("planks", seed, "floor")]}]
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
    g["world"] = {"color": [0.6, 0.72, 0.95], "strength": 0.8, "sky": sky_for_sun([0.4, 0.5, -0.77], 0.4)}
    g["render"]["exposure"] = -2.5  # prior for builds not metered (the panel); headless renders meter it
    return scene.finish()
