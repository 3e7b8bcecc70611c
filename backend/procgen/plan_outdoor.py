"""Outdoor planner (bpy-free): a terrain patch with trees, rocks and ground cover, often a pond in the lowest
hollow and a path across.

Outdoor objects rest on a terrain heightfield that is flattened under each footprint (a disc one and a half grid
cells wider than the footprint), so every object stands exactly on the ground and never cuts into it.
"""
from __future__ import annotations

import math

import numpy as np

from .geometry import edition, rng_for
from .layout import CONTACT_GAP, look_at_camera, mat, rank_cameras, world_aabb
from .plan_room import sky_for_sun
from .terrain import POND_BANK, ground_height, land_surface, path_distance, path_far, terrain_noise


SCATTER_VARIANTS = 6
"""Distinct meshes per scattered category; every instance is one of them, turned and scaled."""


def _scatter(seed, g, name, category, count, region, height_fn, avoid, scale=(0.7, 1.3), materials=None):
    """A graph "scatter" entry: ``count`` instances of a few seeded variants of ``category`` on the ground.
    ``region(rng, k) -> (x, y)`` proposes points; ``avoid`` is a list of discs (x, y, r) kept clear;
    ``materials`` (descriptions) replace the variants' own."""
    rng = rng_for(seed, "scatter", name)
    variants = [int(v) for v in rng.integers(0, 2**31 - 1, size=SCATTER_VARIANTS)]
    pts = []
    tries = 0
    av = np.asarray(avoid, np.float64).reshape(-1, 3)
    while len(pts) < count and tries < count * 3:
        tries += 1
        x, y = region(rng)
        if len(av) and (np.hypot(av[:, 0] - x, av[:, 1] - y) < av[:, 2]).any():
            continue
        pts.append([x, y])
    pts = np.asarray(pts, np.float64).reshape(-1, 2)
    z = height_fn(pts[:, 0], pts[:, 1]) - 0.005  # roots 5 mm into the ground
    yaw = rng.uniform(-np.pi, np.pi, len(pts))
    sc = rng.uniform(*scale, len(pts))
    var = rng.integers(0, SCATTER_VARIANTS, len(pts))
    rows = np.column_stack([pts, z, yaw, sc, var])
    entry = {"id": name, "category": category, "variants": variants,
             "points": [[round(float(v), 4) for v in r[:5]] + [int(r[5])] for r in rows]}
    if materials:
        entry["materials"] = materials
    g.setdefault("scatter", []).append(entry)


def plan_outdoor(scene, rng):
    p = scene.graph["params"]
    g = scene.graph
    seed = scene.seed
    S, dens = p["size"], p["density"]
    n = max(16, min(240, int(S / 0.25) + 1))
    spacing = S / (n - 1)
    amp = rng.uniform(0.2, 0.6)
    flats = []
    c = min(1.5, 0.06 * S)  # keep clear where the ground cameras stand and the first metres they look over
    discs = [(0.0, -S / 2 + 1.5 + c, 1.5 + c)]
    # 1. Water and a path: a pond in the lowest of a few spots (not by the camera; 6-9 m across on the default
    #    patch, so it reads as water from the overview), a path from edge to edge bending round the pond; objects
    #    (and the flats under them) and grass keep off both
    pond = path = None
    wg = rng_for(seed, "outdoor", "water")
    if wg.uniform() < 0.6:
        r = float(wg.uniform(3.0, 4.5)) * S / 24
        cand = wg.uniform(-S / 2 + r + 1.5, S / 2 - r - 1.5, size=(24, 2))
        cand = cand[np.hypot(cand[:, 0] - discs[0][0], cand[:, 1] - discs[0][1]) > r + 3.0]
        if len(cand):
            x, y = cand[int(np.argmin(terrain_noise(seed, cand[:, 0], cand[:, 1], amp)))]
            ring = np.linspace(0, 2 * np.pi, 96, endpoint=False)
            rim = float(terrain_noise(seed, x + r * np.cos(ring), y + r * np.sin(ring), amp).min())
            level = rim - POND_BANK - 0.01  # the bank at the water disc's edge stands above the water everywhere
            depth = max(0.5, float(terrain_noise(seed, x, y, amp)) - level + 0.3)
            pond = {"x": round(float(x), 4), "y": round(float(y), 4), "r": round(r, 4), "depth": round(depth, 4), "level": round(level, 4)}
            discs.append((pond["x"], pond["y"], r + 1.7))  # + the 1.5 m blend of an object's flat
    if wg.uniform() < 0.7:
        width = float(wg.uniform(0.7, 1.3))
        for _ in range(6):
            a = wg.uniform(0, 2 * np.pi)
            e0 = np.array([np.cos(a), np.sin(a)]) * S * 0.75
            e1 = -e0 + wg.uniform(-0.3, 0.3, 2) * S
            ctrl = wg.uniform(-0.3, 0.3, 2) * S
            t = np.linspace(0, 1, 60)[:, None]
            pts = (1 - t) ** 2 * e0 + 2 * t * (1 - t) * ctrl + t ** 2 * e1
            pts = pts[(np.abs(pts) <= S / 2 + 7.0).all(axis=1)]  # on past the patch, then path_far's legs
            if len(pts) < 8:
                continue
            if pond is not None and path_distance(pts, pond["x"], pond["y"]) < pond["r"] + width / 2 + 0.8:
                continue
            path = {"points": [[round(float(u), 4), round(float(v), 4)] for u, v in pts], "width": round(width, 4), "depth": 0.04}
            path["far"] = path_far(seed, path["points"])  # on across the land towards the horizon
            for u, v in pts:
                discs.append((float(u), float(v), width / 2 + 0.3))
            break

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
    place("stump", int(round(1 * dens * area + rng.uniform(0, 1))))
    place("flower", int(round(8 * dens * area)))
    place("grass_tuft", int(round(10 * dens * area)))
    terrain = {"type": "terrain", "size": S, "resolution": n, "seed": seed, "amplitude": amp, "flats": flats}
    if pond is not None:
        terrain["pond"] = {k: pond[k] for k in ("x", "y", "r", "depth", "level")}
    if path is not None:
        terrain["path"] = path
    ground = mat("grass", seed, "terrain")  # healthy green turf with dry patches; the grass blades take its colours
    blades = {"kind": "grass", "params": dict(ground["params"], blades=1)}
    if edition() >= 3:   # edition-3 tufts carry each blade's shade and length in their UVs: dry blades, pale tips
        blades["params"]["per_blade"] = 1
    for o in g["objects"]:
        if o["category"] == "grass_tuft":
            o["materials"] = [blades]
    hill_amp = rng.uniform(4.0, 14.0)
    land_geo = {"type": "horizon", "size": S, "resolution": n, "seed": seed, "amplitude": amp,
                "hills": round(hill_amp, 3), "radius": 600.0}
    g["structure"] = [{"id": "terrain", "category": "terrain", "semantic": ["structure", "terrain"], "geometry": terrain,
                       "materials": [ground, mat("soil", seed, "path")]},
                      {"id": "land", "category": "terrain", "semantic": ["structure", "terrain"],
                       "geometry": land_geo, "materials": [ground]}]
    if pond is not None:
        g["structure"].append({"id": "water", "category": "water", "semantic": ["structure", "water"],
                               "geometry": {"type": "water", "center": [pond["x"], pond["y"], pond["level"]], "radius": pond["r"]},
                               "materials": [mat("water", seed, "water")]})  # dark, mirrors the sky
    # 2. Vegetation in the thousands, instanced: grass on the patch, grass and trees on the land around it
    avoid = [(d[0], d[1], d[2] * 0.8) for d in discs[1:]]
    if pond is not None:  # no grass in the water
        avoid.append((pond["x"], pond["y"], pond["r"] + 0.1))
    half = S / 2  # the edge grass goes on from the border at the same density: no bare strip along it
    _scatter(seed, g, "grass", "grass_tuft", int(2500 * dens * area), lambda r: r.uniform(-half, half, 2),
             lambda x, y: ground_height(terrain, x, y), avoid, materials=[blades])

    def land(r, lo, hi):  # polar, denser near the patch, never on it
        while True:
            a, d = r.uniform(0, 2 * np.pi), lo + (hi - lo) * r.uniform(0, 1) ** 1.5
            x, y = d * math.cos(a), d * math.sin(a)
            if max(abs(x), abs(y)) > S / 2 + 2:
                return x, y

    def edge(r, width=8.0):  # the patch's grass thinning out over ``width`` metres beyond its border
        while True:
            x, y = r.uniform(-S / 2 - width, S / 2 + width, 2)
            d = max(abs(x), abs(y)) - S / 2
            if d > 0 and r.uniform() < 1 - d / width:
                return x, y

    def land_h(x, y):
        return land_surface(land_geo, terrain, x, y)
    far_avoid = [d for d in discs[1:] if max(abs(d[0]), abs(d[1])) > S / 2 - d[2]]  # the path beyond the patch
    tree_avoid = []
    if path is not None:  # ... and on across the land: grass and trees keep off it
        for line in path["far"]:
            for (x0, y0), (x1, y1) in zip(line[:-1], line[1:]):
                L = math.hypot(x1 - x0, y1 - y0)
                for t in np.linspace(0, 1, max(2, int(L / 0.5) + 1)):
                    u, v = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
                    if max(abs(u), abs(v)) < S / 2 + 30:
                        far_avoid.append((u, v, path["width"] / 2 + 0.3))
                    tree_avoid.append((u, v, path["width"] / 2 + 2.5))
    grass = next(sc for sc in g["scatter"] if sc["id"] == "grass")
    gp = np.abs(np.asarray(grass["points"])[:, :2]).max(axis=1)  # the patch grass's density by its border
    per_m2 = float((gp > S / 2 - 2).sum()) / (S * S - (S - 4) ** 2)
    _scatter(seed, g, "edge_grass", "grass_tuft", int(per_m2 * (16 * S + 85)), edge, land_h, far_avoid, materials=[blades])
    _scatter(seed, g, "far_trees", "tree", int(400 * dens), lambda r: land(r, S / 2 + 6, 250), land_h, tree_avoid, (0.7, 1.4))
    _scatter(seed, g, "far_grass", "grass_tuft", int(1500 * dens), lambda r: land(r, S / 2 + 0.5, S / 2 + 25), land_h, far_avoid, (0.8, 1.5),
             materials=[blades])
    # 3. Cameras: an overview, a top-down view and eye-height views from the near edge, ranked by what they see
    R = S / math.sqrt(2) + 2
    dist = R / math.sin(math.atan(18.0 / 24.0)) * 0.9
    g["cameras"] = [look_at_camera("camera_overview", (-dist * 0.55, -dist * 0.55, dist * 0.5), (0.0, 0.0, 0.0), 24.0),
                    look_at_camera("camera_top", (0.0, -0.5, S * 1.25), (0.0, 0.0, 0.0), 24.0)]
    h_cam = float(terrain_noise(seed, 0.0, -S / 2 + 1.5, amp))
    for k, tx in enumerate((0.0, -S * 0.25, S * 0.25)):
        g["cameras"].append(look_at_camera(f"camera_ground_{k}", (0.0, -S / 2 + 1.5, h_cam + 1.6), (tx, S * 0.2, h_cam + 1.2), 28.0))
    rank_cameras(g)
    # 4. Sun and Blender's sky texture with its sun in the same place
    a = rng.uniform(0, 2 * math.pi)
    elev = rng.uniform(0.5, 1.0)
    sun_dir = [-math.cos(a) * math.cos(elev), -math.sin(a) * math.cos(elev), -math.sin(elev)]
    g["lights"] = [{"name": "sun", "type": "SUN", "direction": [round(v, 6) for v in sun_dir],
                    "energy": round(rng.uniform(3.5, 5.0), 3), "color": [1.0, 0.95, 0.88], "angle": 0.01}]
    g["world"] = {"color": [0.45, 0.62, 1.0], "strength": 1.0, "sky": sky_for_sun(sun_dir, 0.25)}
    g["render"]["exposure"] = 0.0
    return scene.finish()
