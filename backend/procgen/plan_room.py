"""Indoor room planner: walls with a door and a window, furniture against walls and free-standing,
small objects on tables, shelves and cabinets, a camera in a reserved corner, sun through the window
and an area light under the ceiling (bpy-free)."""
from __future__ import annotations

import math

from .layout import CONTACT_GAP, aim_camera, look_at_camera, mat, rank_cameras

WALL_T = 0.12
DOOR_W, DOOR_H = 0.9, 2.1
# wall index -> (name, inward normal, yaw that turns an object's back (+Y) towards that wall)
WALLS = ((("south"), (0, 1), math.pi), (("east"), (-1, 0), -math.pi / 2), (("north"), (0, -1), 0.0),
         (("west"), (1, 0), math.pi / 2))


def _wall_boxes(wall, W, D, H, openings):
    """Boxes of one wall (outside the interior [0,W]x[0,D]) with rectangular openings (u0, u1, z0, z1)."""
    e, t = CONTACT_GAP, WALL_T
    zlo, zhi = -0.1, H + 0.1
    if wall in (0, 2):
        length, u_start = W + 2 * (t + e), -(t + e)
    else:
        length, u_start = D, 0.0
    cuts = sorted({u_start, u_start + length} | {u for o in openings for u in o[:2]})
    strips = []
    for u0, u1 in zip(cuts[:-1], cuts[1:]):
        hole = next((o for o in openings if o[0] <= u0 and u1 <= o[1]), None)
        spans = [(zlo, zhi)] if hole is None else [s for s in ((zlo, hole[2]), (hole[3], zhi)) if s[1] - s[0] > 1e-6]
        strips += [(u0, u1, z0, z1) for z0, z1 in spans]
    boxes = []
    for u0, u1, z0, z1 in strips:
        if wall == 0:
            boxes.append([[u0, -e - t, z0], [u1, -e, z1]])
        elif wall == 2:
            boxes.append([[u0, D + e, z0], [u1, D + e + t, z1]])
        elif wall == 1:
            boxes.append([[W + e, u0, z0], [W + e + t, u1, z1]])
        else:
            boxes.append([[-e - t, u0, z0], [-e, u1, z1]])
    return boxes


def _zone(wall, u0, u1, depth, W, D, z0, z1):
    """Box inside the room in front of a stretch [u0, u1] of ``wall``."""
    if wall == 0:
        return ([u0, 0, z0], [u1, depth, z1])
    if wall == 2:
        return ([u0, D - depth, z0], [u1, D, z1])
    if wall == 1:
        return ([W - depth, u0, z0], [W, u1, z1])
    return ([0, u0, z0], [depth, u1, z1])


def plan_room(scene, rng):
    p = scene.graph["params"]
    W, D, H, dens = p["width"], p["depth"], p["height"], p["density"]
    g = scene.graph
    seed = scene.seed
    # 1. Openings: a door and a window on different walls
    door_wall = int(rng.integers(0, 4))
    win_wall = (door_wall + int(rng.integers(1, 4))) % 4
    wl = lambda w: W if w in (0, 2) else D  # noqa: E731
    du = rng.uniform(0.3, wl(door_wall) - DOOR_W - 0.3)
    ww = min(rng.uniform(1.0, 1.8), wl(win_wall) - 0.8)
    wu = rng.uniform(0.4, wl(win_wall) - ww - 0.4)
    sill = rng.uniform(0.8, 1.0)
    wtop = min(rng.uniform(2.0, 2.3), H - 0.2)
    openings = {w: [] for w in range(4)}
    openings[door_wall].append((du, du + DOOR_W, -0.2, DOOR_H))
    openings[win_wall].append((wu, wu + ww, sill, wtop))
    g["openings"] = [{"kind": "door", "wall": WALLS[door_wall][0], "u": [du, du + DOOR_W], "z": [0.0, DOOR_H]},
                     {"kind": "window", "wall": WALLS[win_wall][0], "u": [wu, wu + ww], "z": [sill, wtop]}]
    # 2. Structure: floor, ceiling, walls
    floor_kind = ("planks", "planks", "planks", "tile", "fabric")[int(rng.integers(0, 5))]
    wall_mat = mat("plaster", seed, "wall")
    g["structure"] = [
        {"id": "floor", "category": "floor", "semantic": ["structure", "floor"],
         "geometry": {"type": "boxes", "boxes": [[[0, 0, -0.1], [W, D, 0]]]}, "materials": [mat(floor_kind, seed, "floor", palette="rug" if floor_kind == "fabric" else None)]},
        {"id": "ceiling", "category": "ceiling", "semantic": ["structure", "ceiling"],
         "geometry": {"type": "boxes", "boxes": [[[0, 0, H], [W, D, H + 0.1]]]}, "materials": [mat("plaster", seed, "ceiling", palette="white")]},
    ] + [{"id": f"wall_{WALLS[w][0]}", "category": "wall", "semantic": ["structure", "wall"],
          "geometry": {"type": "boxes", "boxes": _wall_boxes(w, W, D, H, openings[w])}, "materials": [wall_mat]} for w in range(4)]
    # 3. Keep-out zones: door clearance (1 m deep), camera corner, tall things in front of the window
    door_zone = _zone(door_wall, du - 0.15, du + DOOR_W + 0.15, 1.0, W, D, -1, H + 1)
    corner = int(rng.integers(0, 4))
    cams = []
    for c in (corner, (corner + 2) % 4):  # two opposite corners are kept free for cameras
        cx, cy = (0.0, W - 0.8, W - 0.8, 0.0)[c], (0.0, 0.0, D - 0.8, D - 0.8)[c]
        cams.append((cx, cy, ([cx, cy, -1], [cx + 0.8, cy + 0.8, H + 1])))
    scene.blockers += [door_zone, _zone(win_wall, wu - 0.1, wu + ww + 0.1, 0.5, W, D, sill - 0.05, H + 1)]
    scene.blockers += [z for _, _, z in cams]
    scene.inside = ([0, 0, 0], [W, D, H])
    g["zones"] = [{"kind": "door_clearance", "lo": door_zone[0], "hi": door_zone[1]}] + [
        {"kind": "camera", "lo": z[0], "hi": z[1]} for _, _, z in cams]

    def against_wall(lo, hi, wall=None):
        w = int(rng.integers(0, 4)) if wall is None else wall
        _, n, yaw = WALLS[w]
        halfd = hi[1]  # distance from origin to the back face
        halfw = max(-lo[0], hi[0])
        L = wl(w)
        if L < 2 * halfw + 0.1:
            return None
        u = rng.uniform(halfw + 0.05, L - halfw - 0.05)
        off = halfd + 0.03
        x, y = {0: (u, off), 2: (u, D - off), 1: (W - off, u), 3: (off, u)}[w]
        return (x, y, 0.0), yaw

    def free_standing(lo, hi):
        yaw = (math.pi / 2) * int(rng.integers(0, 4))
        return (rng.uniform(0.8, W - 0.8), rng.uniform(0.8, D - 0.8), 0.0), yaw

    def n(base):  # count scaled by density, at least 0
        return int(math.floor(base * dens + rng.uniform(0, 1)))

    # 4. Large furniture: a central table with chairs, then wall pieces
    supports = []
    table = scene.try_floor("table", rng, free_standing, params={"width": min(1.8, max(0.8, W * 0.3))})
    if table is not None:
        supports.append(table)
        tl, th = table["bounds"]["lo"], table["bounds"]["hi"]
        sides = [(0, -1, math.pi), (0, 1, 0.0), (-1, 0, -math.pi / 2), (1, 0, math.pi / 2)]
        for sx, sy, _yaw in sides[: max(1, min(4, n(3)))]:
            def chair_pose(lo, hi, sx=sx, sy=sy):
                back = hi[1]
                tx = (tl[0] + th[0]) / 2 + sx * ((th[0] - tl[0]) / 2 + back + 0.06)
                ty = (tl[1] + th[1]) / 2 + sy * ((th[1] - tl[1]) / 2 + back + 0.06)
                # the chair's front (-Y) turned towards the table: rot_z(yaw) @ (0, -1) == (-sx, -sy)
                return (tx, ty, 0.0), math.atan2(-sx, sy)
            scene.try_floor("chair", rng, chair_pose, tries=1)
    wall_items = ["sofa", "bookshelf", "cabinet", "cabinet", "bookshelf", "bed", "floor_lamp", "cabinet"]
    for cat in wall_items[: max(3, n(6))]:
        obj = scene.try_floor(cat, rng, against_wall)
        if obj is not None and cat in ("bookshelf", "cabinet"):
            supports.append(obj)
    for _ in range(n(2)):
        scene.try_floor("potted_plant", rng, against_wall, params={"pot_radius": 0.14, "height": 0.7})
    # 5. Small objects on every support surface
    table_cats = ("mug", "bowl", "plate", "vase", "bottle", "book", "potted_plant", "table_lamp")
    shelf_cats = ("book", "book", "book", "vase", "bowl", "potted_plant")
    for s in supports:
        if s["category"] == "table":
            scene.fill_surfaces(s, table_cats, n(7), rng, ceiling=H)
        elif s["category"] == "bookshelf":
            scene.fill_surfaces(s, shelf_cats, n(10), rng, ceiling=H)
        else:
            scene.fill_surfaces(s, ("table_lamp", "vase", "book", "potted_plant", "bottle", "bowl"), n(3), rng, ceiling=H)
    # 6. Cameras in the reserved corners, each aimed across the room to see the most objects
    g["cameras"] = []
    for k, (cx, cy, _) in enumerate(cams):
        for z, zt in ((min(1.6, H - 0.4), (0.0, 0.3, 0.6)), (H - 0.25, (-0.6, -0.2, 0.2))):  # eye height, high corner
            loc = (cx + 0.4, cy + 0.4, z)
            heading = math.atan2(D / 2 - loc[1], W / 2 - loc[0])
            g["cameras"].append(aim_camera(g, f"camera_{len(g['cameras'])}", loc, 24.0, heading, zt, spread=0.8))
    # a top-down view over the middle of the room
    g["cameras"].append(look_at_camera("camera_top", (W / 2, D / 2, H - 0.1), (W / 2, D / 2 + 0.01, 0.0), 24.0))
    rank_cameras(g)
    # 7. Lights: sun through the window, an area light under the ceiling, a dim sky
    wn = WALLS[win_wall][1]
    elev = rng.uniform(0.35, 0.7)
    side = rng.uniform(-0.5, 0.5)
    sun_dir = [wn[0] * math.cos(elev) - wn[1] * side, wn[1] * math.cos(elev) + wn[0] * side, -math.sin(elev)]
    g["lights"] = [
        {"name": "sun", "type": "SUN", "direction": sun_dir, "energy": round(rng.uniform(3.0, 5.0), 3),
         "color": [1.0, 0.95, 0.88], "angle": 0.02},
        {"name": "ceiling_light", "type": "AREA", "location": [W / 2, D / 2, H - 0.02], "direction": [0, 0, -1],
         "size": [W * 0.5, D * 0.5], "energy": round(8.0 * W * D, 2), "color": [1.0, 0.97, 0.92]},
    ]
    g["world"] = {"color": [0.55, 0.7, 1.0], "strength": 0.6}
    return scene.finish()
