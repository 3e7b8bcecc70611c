"""Indoor planners (bpy-free): one room of a given type, or an apartment of rooms in a row with doors between.

A room is a box [x0, x0 + W] x [y0, y0 + D] x [0, H] with walls outside it, a door leaf and a glazed window set in
their openings (structure "asset" entries), skirting boards, furniture placed by what it is for (rooms.py), small
objects on every support, a pendant light, lamps that emit light (point lights at their bulbs), daylight from a
sky texture and a sun matching it, and cameras in two reserved corners (eye height and high), ranked by how many
objects each sees.
"""
from __future__ import annotations

import math

import numpy as np

from . import finishes, rooms
from .geometry import edition, fan_owner, fan_triangles, rng_for
from .layout import CONTACT_GAP, HIGH_VIEW_Z, SKIRTING_DEPTH, aim_camera, frustum_fraction, in_room, look_at_camera, mat, rank_cameras
from .moulding import crown_profile, moulding_boxes
from .views import boxes, spoilt

WALL_T = 0.12
DOOR_W, DOOR_H = 0.9, 2.1
# wall index -> (name, inward normal, yaw that turns an object's back (+Y) towards that wall)
WALLS = (("south", (0, 1), math.pi), ("east", (-1, 0), -math.pi / 2), ("north", (0, -1), 0.0), ("west", (1, 0), math.pi / 2))


def _wall_boxes(wall, W, D, H, openings, x0=0.0, y0=0.0):
    """Boxes of one wall (outside the interior [x0, x0+W] x [y0, y0+D]) with rectangular openings (u0, u1, z0, z1)."""
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
            b = [[u0, -e - t, z0], [u1, -e, z1]]
        elif wall == 2:
            b = [[u0, D + e, z0], [u1, D + e + t, z1]]
        elif wall == 1:
            b = [[W + e, u0, z0], [W + e + t, u1, z1]]
        else:
            b = [[-e - t, u0, z0], [-e, u1, z1]]
        boxes.append([[b[0][0] + x0, b[0][1] + y0, b[0][2]], [b[1][0] + x0, b[1][1] + y0, b[1][2]]])
    return boxes


class Room:
    """Geometry helpers for one room box: positions along walls, zones in front of them."""

    def __init__(self, name, kind, x0, y0, W, D, H):
        self.name, self.kind, self.x0, self.y0, self.W, self.D, self.H = name, kind, x0, y0, W, D, H
        self.lining = None
        """(depth, height) of the wall tiles when the walls are lined (see _lining), m."""
        self.cornice = 0.0
        """Height (m) of the cornice along the top of the walls (0: none)."""

    def length(self, w):
        return self.W if w in (0, 2) else self.D

    def at_wall(self, w, u, off):
        """World (x, y) of the point ``u`` along wall ``w`` and ``off`` in from it."""
        x, y = {0: (u, off), 2: (u, self.D - off), 1: (self.W - off, u), 3: (off, u)}[w]
        return self.x0 + x, self.y0 + y

    def zone(self, w, u0, u1, depth, z0, z1):
        lo, hi = {0: ([u0, 0], [u1, depth]), 2: ([u0, self.D - depth], [u1, self.D]),
                  1: ([self.W - depth, u0], [self.W, u1]), 3: ([0, u0], [depth, u1])}[w]
        return ([lo[0] + self.x0, lo[1] + self.y0, z0], [hi[0] + self.x0, hi[1] + self.y0, z1])

    def box(self):
        return ([self.x0, self.y0, 0.0], [self.x0 + self.W, self.y0 + self.D, self.H])

    def centre(self):
        return self.x0 + self.W / 2, self.y0 + self.D / 2

    def wall_centre(self, w, u):
        """World (x, y) of the middle of the wall's thickness at ``u`` (doors and windows sit there)."""
        half = WALL_T / 2 + CONTACT_GAP
        x, y = {0: (u, -half), 2: (u, self.D + half), 1: (self.W + half, u), 3: (-half, u)}[w]
        return self.x0 + x, self.y0 + y


def _opening_asset(scene, room, kind, w, u0, u1, z0, z1, sid, outer=False):
    """A door or window asset fitted into an opening, as a structure entry (built like an asset). ``outer``: a door
    out of the plan (a lone room's door, an apartment's entrance) is shut: nothing is modelled behind it, and an open
    one showed a black hole."""
    from .factories import registry
    from .registry import generate
    seed = int(rng_for(scene.seed, "opening", sid).integers(0, 2**31 - 1))
    g = rng_for(scene.seed, "opening", sid, "params")
    if kind == "door":
        angle = float(g.uniform(0.0, 1.1))
        params = {"width": round(u1 - u0, 4), "height": round(z1, 4), "depth": WALL_T, "open_angle": 0.0 if outer else round(angle, 4)}
    else:
        params = {"width": round(u1 - u0, 4), "height": round(z1 - z0, 4), "depth": WALL_T}
    asset, full = generate(registry(), kind, seed, params, detail_level=scene.graph["params"].get("detail", 1.0))
    x, y = room.wall_centre(w, (u0 + u1) / 2)
    zloc = 0.0 if kind == "door" else z0 - 0.03
    yaw = WALLS[w][2]  # local -Y (the room side) points into the room
    return {"id": sid, "category": kind, "semantic": ["structure", kind],
            "geometry": {"type": "asset", "category": kind, "seed": seed, "params": full,
                         "location": [round(x, 6), round(y, 6), round(zloc, 6)], "rotation_z": yaw},
            "materials": list(asset.materials)}


def _skirting(room, openings, mat_desc, sid):
    """Skirting boards along the walls' inner faces, broken at door openings."""
    t, h = SKIRTING_DEPTH, 0.08
    boxes = []
    for w in range(4):
        L = room.length(w)
        cuts = [(0.0, L)]
        for (u0, u1, z0, _z1) in openings.get(w, []):
            if z0 <= 0.0:
                cuts = [c for a, b in cuts for c in ((a, min(b, u0)), (max(a, u1), b)) if c[1] - c[0] > 0.05]
        for a, b in cuts:
            a, b = a + (t if w in (1, 3) else 0.0), b - (t if w in (1, 3) else 0.0)
            lo, hi = room.zone(w, a, b, t, 0.0005, h)
            boxes.append([[round(v, 6) for v in lo], [round(v, 6) for v in hi]])
    return {"id": sid, "category": "skirting", "semantic": ["structure", "skirting"],
            "geometry": {"type": "boxes", "boxes": boxes}, "materials": [mat_desc]}


OUTSIDE = 400.0
"""Half the width (m) of the lawn round an edition-3 room or apartment, its top under the floor slab: its edge lies
a quarter of a degree below the horizon from eye height."""
TILE_LINING = 0.006
"""How far (m) an edition-3 bathroom's wall tiles stand out from its walls (thinner than the skirting, so what stands
on the floor keeps clear of them; what is mounted on a wall below their top is hung on them)."""
OPENING_REACH = (0.072, 0.046, 0.036, 0.03)
"""How far (m) wall tiles keep from an opening: past a door's sides and head (its architraves), past a window's
sides, below its sill and above its head (the sill board's horns and apron)."""
TILE_HEIGHTS = (1.2, 1.5, 2.1, None)
"""Tiled to 1.2 m, to 1.5 m, to over the head (a shower over the bath may go in) or (None) floor to ceiling, drawn
with TILE_HEIGHT_P."""
TILE_HEIGHT_P = (0.25, 0.25, 0.2, 0.3)
SHOWER_TILES = rooms.SHOWER_TILES
"""The least height (m) a bathroom planned round a shower (``rooms.wants_shower``) is tiled to."""


def _lining(room, openings, h, mat_desc, sid):
    """Wall tiles on the walls' inner faces from the floor to ``h``, TILE_LINING deep, broken at doors and windows
    (below a window's sill they go on); their corners meet without overlapping. ``lining`` records the height and
    depth (a resize rebuilds the boxes from it)."""
    t, e = TILE_LINING, CONTACT_GAP
    top = min(h, room.H - e)  # 0.5 mm clear of the floor, the ceiling and the other walls' tiles (touching faces
    out = []                  # count as interpenetration), and clear of the doors' architraves and the windows' sills
    for w in range(4):
        L = room.length(w)
        ops = [(o[0] - OPENING_REACH[0], o[1] + OPENING_REACH[0], -1.0, o[3] + OPENING_REACH[0]) if o[2] <= 0.0 else
               (o[0] - OPENING_REACH[1], o[1] + OPENING_REACH[1], o[2] - OPENING_REACH[2], o[3] + OPENING_REACH[3])
               for o in openings.get(w, [])]
        cuts = sorted({0.0, L} | {min(L, max(0.0, u)) for o in ops for u in o[:2]})
        for a, b in zip(cuts[:-1], cuts[1:]):
            if b - a < 1e-6:
                continue
            hole = next((o for o in ops if o[0] <= a + 1e-9 and b <= o[1] + 1e-9), None)
            spans = [(e, top)] if hole is None else [z for z in ((e, min(top, hole[2])), (max(e, hole[3]), top)) if z[1] - z[0] > 0.01]
            if w in (1, 3):  # the side walls' tiles stop short of the end walls' tiles
                a, b = (t + e if a <= 0.0 else a), (L - t - e if b >= L else b)
            for z0, z1 in spans:
                lo, hi = room.zone(w, a, b, t, z0, z1)
                out.append([[round(v, 6) for v in lo], [round(v, 6) for v in hi]])
    return {"id": sid, "category": "wall_tiles", "semantic": ["structure", "wall_tiles"],
            "geometry": {"type": "boxes", "boxes": out}, "lining": {"height": round(h, 4), "depth": t}, "materials": [mat_desc]}


CORNICE_KINDS = ("living_room", "bedroom", "dining_room", "office")
"""Room types that may have a cornice (edition 3; CORNICE_P of them): kitchens and bathrooms have wall units and tiles."""
CORNICE_P = 0.6


def _cornice(room, h, d, mat_desc, sid):
    """A crown moulding along the top of every wall, ``h`` tall, standing ``d`` out at the ceiling (0.5 mm under it:
    touching faces count as interpenetration), its profile (``moulding.crown_profile``: fillet, cove, bead) swept
    round the room and mitred at the corners."""
    geo = {"type": "moulding", "lo": [round(room.x0, 6), round(room.y0, 6)],
           "hi": [round(room.x0 + room.W, 6), round(room.y0 + room.D, 6)], "z": round(room.H, 6),
           "profile": crown_profile(h, d, CONTACT_GAP)}
    return {"id": sid, "category": "cornice", "semantic": ["structure", "cornice"], "geometry": geo,
            "cornice": {"height": round(h, 4), "depth": round(d, 4)}, "materials": [mat_desc]}


def lamp_lights(graph, assets):
    """A point light at the bulb of every lamp (the faces of its emission material), so lamps really light."""
    out = []
    for o in graph["objects"]:
        if o["category"] not in ("table_lamp", "floor_lamp", "ceiling_light"):
            continue
        a = assets[o["id"]]
        m = a.mesh
        slot = next(i for i, d in enumerate(a.materials) if d["kind"] == "emission")
        tri = fan_triangles(m)[m.mat[fan_owner(m)] == slot]
        c = m.verts[np.unique(tri)].mean(axis=0)
        yaw = o["rotation_z"]
        cx, sy = math.cos(yaw), math.sin(yaw)
        L = o["location"]
        p = [L[0] + cx * c[0] - sy * c[1], L[1] + sy * c[0] + cx * c[1], L[2] + c[2]]
        watts = {"table_lamp": 25.0, "floor_lamp": 40.0, "ceiling_light": 60.0}[o["category"]]
        out.append({"name": f"light_{o['id']}", "type": "POINT", "location": [round(v, 6) for v in p], "direction": [0, 0, -1],
                    "energy": watts, "color": [1.0, 0.82, 0.6], "radius": 0.03})
    return out


def _sun_and_sky(g, rng, win_normal):
    """Sun through the window (coming from outside) and Blender's sky texture with the sun where the light is."""
    elev = rng.uniform(0.35, 0.7)
    side = rng.uniform(-0.5, 0.5)
    d = np.array([win_normal[0] * math.cos(elev) - win_normal[1] * side, win_normal[1] * math.cos(elev) + win_normal[0] * side, 0.0])
    d[:2] = d[:2] / np.linalg.norm(d[:2]) * math.cos(elev)
    d[2] = -math.sin(elev)
    g["lights"].append({"name": "sun", "type": "SUN", "direction": [round(float(v), 6) for v in d],
                        "energy": round(rng.uniform(3.0, 5.0), 3), "color": [1.0, 0.95, 0.88], "angle": 0.02})
    g["world"] = {"color": [0.55, 0.7, 1.0], "strength": 0.6, "sky": sky_for_sun(d, 0.3)}
    if edition() >= 3:  # a lawn round the building to the horizon: windows look out on grass and sky, not the void
        lo = np.min([r["lo"] for r in g["rooms"]], axis=0)
        hi = np.max([r["hi"] for r in g["rooms"]], axis=0)
        cx, cy = (lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2
        g["structure"].append({"id": "outside", "category": "terrain", "semantic": ["structure", "terrain"],
                               "geometry": {"type": "boxes", "boxes": [[[round(cx - OUTSIDE, 6), round(cy - OUTSIDE, 6), -0.5],
                                                                        [round(cx + OUTSIDE, 6), round(cy + OUTSIDE, 6), -0.1 - CONTACT_GAP]]]},
                               "materials": [mat("grass", g["seed"], "outside")]})


def sky_for_sun(direction, strength):
    """Sky texture settings whose sun sits where a SUN light shining along ``direction`` comes from."""
    to_sun = -np.asarray(direction, np.float64)
    el = math.asin(max(-1.0, min(1.0, to_sun[2] / np.linalg.norm(to_sun))))
    # Blender's sky: sun_rotation 0 puts the sun towards +Y, increasing clockwise seen from above
    rot = math.atan2(to_sun[0], to_sun[1])
    return {"sun_elevation": round(el, 6), "sun_rotation": round(rot % (2 * math.pi), 6), "strength": strength}


def plan_room(scene, rng, kind=None):
    """One room. ``kind`` None (scene type "room") draws the room type from the seed."""
    p = scene.graph["params"]
    g = scene.graph
    if kind is None:
        kind = rooms.draw_kind(rng)
    W, D, H = p["width"], p["depth"], p["height"]
    room = Room("room_0", kind, 0.0, 0.0, W, D, H)
    # 1. Openings: a door and a window on different walls
    door_wall = int(rng.integers(0, 4))
    win_wall = (door_wall + int(rng.integers(1, 4))) % 4
    du = rng.uniform(0.3, room.length(door_wall) - DOOR_W - 0.3)
    ww = min(rng.uniform(1.0, 1.8), room.length(win_wall) - 0.8)
    wu = rng.uniform(0.4, room.length(win_wall) - ww - 0.4)
    sill = rng.uniform(0.8, 1.0)
    wtop = min(rng.uniform(2.0, 2.3), H - 0.2)
    openings = {w: [] for w in range(4)}
    openings[door_wall].append((du, du + DOOR_W, -0.2, DOOR_H))
    openings[win_wall].append((wu, wu + ww, sill, wtop))
    g["openings"] = [{"kind": "door", "wall": WALLS[door_wall][0], "u": [du, du + DOOR_W], "z": [0.0, DOOR_H]},
                     {"kind": "window", "wall": WALLS[win_wall][0], "u": [wu, wu + ww], "z": [sill, wtop]}]
    g["rooms"] = [{"name": room.name, "type": kind, "lo": room.box()[0], "hi": room.box()[1]}]
    # 2. Structure: floor, ceiling, walls, door and window, skirting
    _structure(scene, room, openings, "")
    g["structure"].append(_opening_asset(scene, room, "door", door_wall, du, du + DOOR_W, 0.0, DOOR_H, "door_0", outer=True))
    g["structure"].append(_opening_asset(scene, room, "window", win_wall, wu, wu + ww, sill, wtop, "window_0"))
    # 3. Keep-out zones: door clearance, camera corners, tall things in front of the window
    cams = _reserve(scene, room, [(door_wall, du)], [(win_wall, wu, ww, sill)], rng)
    # 4. Furniture, decor and small objects by room type
    g["lights"] = []
    assets = rooms.furnish(scene, room, rng, [(win_wall, wu, ww, sill, wtop)])
    # 5. Cameras, lights, render settings
    _cameras(g, [(room, cams)])
    _sun_and_sky(g, rng, WALLS[win_wall][1])
    g["lights"] += lamp_lights(g, assets)
    g["lights"].append({"name": "ceiling_fill", "type": "AREA", "location": [W / 2, D / 2, H - 0.02], "direction": [0, 0, -1],
                        "size": [W * 0.5, D * 0.5], "energy": round(2.0 * W * D, 2), "color": [1.0, 0.97, 0.92]})
    g["render"]["exposure"] = 1.1  # prior for builds not metered (the panel); headless renders meter it
    return scene.finish()


def _structure(scene, room, openings, suffix, skirting_openings=None):
    """Floor, ceiling, the walls ``openings`` has an entry for (None: a neighbour owns that wall) and skirting
    broken at every door of the room (``skirting_openings``, default ``openings``)."""
    g, seed = scene.graph, scene.seed
    rng = rng_for(seed, "structure", room.name)
    floor_kind = rooms.FLOORS[room.kind][int(rng.integers(0, len(rooms.FLOORS[room.kind])))]
    tiles = room.kind == "bathroom" and edition() >= 3  # edition 3: tiles to a height on painted plaster, no skirting
    wall_mat = mat("tile" if room.kind == "bathroom" and not tiles else "plaster", seed, "wall", room.name)
    (x0, y0, _), (x1, y1, H) = room.box()
    g["structure"] += [
        {"id": f"floor{suffix}", "category": "floor", "semantic": ["structure", "floor"],
         "geometry": {"type": "boxes", "boxes": [[[x0, y0, -0.1], [x1, y1, 0]]]},
         "materials": [finishes.carpet(rng_for(seed, "floor", room.name, "carpet")) if floor_kind == "fabric" and edition() >= 3 else
                       mat(floor_kind, seed, "floor", room.name, palette={"fabric": "carpet", "tile": "floor_tile"}.get(floor_kind))]},
        {"id": f"ceiling{suffix}", "category": "ceiling", "semantic": ["structure", "ceiling"],
         "geometry": {"type": "boxes", "boxes": [[[x0, y0, H], [x1, y1, H + 0.1]]]},
         "materials": [mat("plaster", seed, "ceiling", palette="white")]},
    ] + [{"id": f"wall_{WALLS[w][0]}{suffix}", "category": "wall", "semantic": ["structure", "wall"],
          "geometry": {"type": "boxes", "boxes": _wall_boxes(w, room.W, room.D, H, openings[w], x0, y0)},
          "materials": [wall_mat]} for w in range(4) if openings.get(w) is not None]
    skirt = {w: v or [] for w, v in (skirting_openings or openings).items()}
    if tiles:
        tr = rng_for(seed, "structure", room.name, "tiles")
        h = TILE_HEIGHTS[int(tr.choice(len(TILE_HEIGHTS), p=TILE_HEIGHT_P))] or H
        if rooms.wants_shower(seed, room.name):   # a shower's walls are tiled to over the head
            h = min(H, max(h, SHOWER_TILES))
        g["structure"].append(_lining(room, skirt, h, mat("tile", seed, "wall", room.name), f"wall_tiles{suffix}"))
        room.lining = (TILE_LINING, h)
        return
    g["structure"].append(_skirting(room, skirt, mat("paint", seed, "skirting", palette="white"), f"skirting{suffix}"))
    cr = rng_for(seed, "structure", room.name, "cornice")
    if edition() >= 3 and room.kind in CORNICE_KINDS and cr.uniform() < CORNICE_P:
        h, d = round(float(cr.uniform(0.06, 0.11)), 4), round(float(cr.uniform(0.03, 0.05)), 4)
        c = _cornice(room, h, d, mat("paint", seed, "cornice", palette="white"), f"cornice{suffix}")
        g["structure"].append(c)
        scene.blockers += [(list(lo), list(hi)) for lo, hi in moulding_boxes(c["geometry"])]  # nothing stands or hangs in it
        room.cornice = h


def _reserve(scene, room, doors, windows, rng):
    """Door clearances, window fronts and two opposite camera corners kept free; returns the camera corners."""
    g = scene.graph
    H = room.H
    zones = []
    for w, du in doors:
        zones.append(("door_clearance", room.zone(w, du - 0.15, du + DOOR_W + 0.15, 1.0, -1, H + 1)))
    for w, wu, ww, sill in windows:
        scene.blockers.append(room.zone(w, wu - 0.1, wu + ww + 0.1, 0.5, sill - 0.05, H + 1))
    corner = int(rng.integers(0, 4))
    cams = []
    for c in (corner, (corner + 2) % 4):
        cx, cy = room.x0 + (0.0, room.W - 0.8, room.W - 0.8, 0.0)[c], room.y0 + (0.0, 0.0, room.D - 0.8, room.D - 0.8)[c]
        z = ([cx, cy, -1], [cx + 0.8, cy + 0.8, H + 1])
        cams.append((cx, cy))
        zones.append(("camera", z))
        if edition() >= 3:
            scene.flat_ok.append(z)
    for _, z in zones:
        scene.blockers.append(z)
    g.setdefault("zones", [])
    g["zones"] += [{"kind": k, "lo": z[0], "hi": z[1]} for k, z in zones]
    scene.inside = room.box()
    scene.wall_clear = (SKIRTING_DEPTH if room.lining is None else room.lining[0]) + 0.001
    return cams


OVERVIEW_INSETS = (0.15, 0.4)
"""Edition 3: how far (m) from both walls an overview camera may stand in each of the room's four high corners (the
reserved camera corners are only two of them: a room with full bookshelves on two walls is framed from another)."""


def _clear_of_objects(g, loc, margin=0.05) -> bool:
    """Is the point ``loc`` (a camera's place) more than ``margin`` m outside every object's box?"""
    return not any(all(o["bounds"]["lo"][i] - margin <= loc[i] <= o["bounds"]["hi"][i] + margin for i in range(3))
                   for o in g["objects"])


def _high_corners(g, r):
    """Edition 3: the room box ``r``'s four high corners at each of OVERVIEW_INSETS, 0.25 m under the ceiling,
    that are not within 5 cm of an object's box (a wardrobe's top, a pendant)."""
    (x0, y0, _), (x1, y1, z1) = r["lo"], r["hi"]
    out = []
    for d in OVERVIEW_INSETS:
        for x in (x0 + d, x1 - d):
            for y in (y0 + d, y1 - d):
                loc = (x, y, z1 - 0.25)
                if _clear_of_objects(g, loc):
                    out.append(loc)
    return out


def _overview(g, objs, own, room=None):
    """Add the view from one of the high corner cameras ``own`` (edition 3: or from any of ``room``'s four high
    corners, ``_high_corners``) aimed at the middle of ``objs`` that frames most of them (at three heights)."""
    mid = np.mean([(np.asarray(o["bounds"]["lo"]) + o["bounds"]["hi"]) / 2 for o in objs], axis=0)
    locs = [c["location"] for c in own if c["location"][2] > HIGH_VIEW_Z]
    if room is not None and edition() >= 3:
        locs += _high_corners(g, room)
    views = [look_at_camera(f"camera_{len(g['cameras'])}", loc, (mid[0], mid[1], zt), 24.0)
             for loc in locs for zt in (-0.2, 0.2, 0.6)]
    if views:
        g["cameras"].append(max(views, key=lambda c: frustum_fraction({"objects": objs}, c)))


def _room_overviews(g):
    """An apartment room whose views (eye height and high corner, each kept unspoilt where it could be) frame
    under 65 % of its objects gets one more: from its high corner camera, aimed at its objects' middle (the
    constraint checker wants 60 % per room)."""
    for r in g["rooms"]:
        mine = [o for o in g["objects"] if in_room(r, [(a + b) / 2 for a, b in zip(o["bounds"]["lo"], o["bounds"]["hi"])])]
        own = [c for c in g["cameras"] if in_room(r, c["location"])]
        if mine and own and max(frustum_fraction({"objects": mine}, c) for c in own) < 0.65:
            _overview(g, mine, own, r)


def _cameras(g, rooms_cams):
    g["cameras"] = []
    things = boxes(g)
    for room, cams in rooms_cams:
        cx0, cy0 = room.centre()
        for cx, cy in cams:
            # the middle of the reserved corner, or deeper in it (a wider view of a big room): whichever sees more
            deep = (cx + (0.15 if cx - room.x0 < room.W / 2 else 0.65), cy + (0.15 if cy - room.y0 < room.D / 2 else 0.65))
            for z, zt in ((min(1.6, room.H - 0.4), (0.0, 0.3, 0.6)), (room.H - 0.25, (-0.6, -0.2, 0.2))):
                best = None
                for x, y in ((cx + 0.4, cy + 0.4), deep):
                    heading = math.atan2(cy0 - y, cx0 - x)
                    cam = aim_camera(g, f"camera_{len(g['cameras'])}", (x, y, z), 24.0, heading, zt, spread=0.8, things=things)
                    score = (not spoilt(g, cam, things), cam["sees"], frustum_fraction(g, cam))
                    if best is None or score > best[0]:
                        best = (score, cam)
                g["cameras"].append(best[1])
    if len(rooms_cams) > 1:
        _room_overviews(g)
    if len(rooms_cams) == 1 and g["objects"] and max(frustum_fraction(g, c) for c in g["cameras"]) < 0.65:
        # nothing frames most of the room (furniture on every side): a high corner view aimed at the objects' middle
        # (one room only: an apartment's objects lie in several rooms, and their middle is behind a wall)
        _overview(g, g["objects"], list(g["cameras"]), g["rooms"][0])
    room = max((r for r, _ in rooms_cams), key=lambda r: r.W * r.D)
    cx0, cy0 = room.centre()
    # high over the room, clear of pendant lights (the first candidate outside every object), looking at the middle
    for sx, sy in ((-1, -1), (1, 1), (1, -1), (-1, 1)):
        loc = (cx0 + sx * room.W * 0.2, cy0 + sy * room.D * 0.2, room.H - 0.1)
        if _clear_of_objects(g, loc):
            break
    g["cameras"].append(look_at_camera("camera_top", loc, (cx0, cy0, 0.0), 24.0))
    rank_cameras(g)


APARTMENT_PLANS = {2: (((0, 0), (1, 0)),),
                   3: (((0, 0), (1, 0), (0, 1)), ((0, 0), (1, 0), (1, 1)), ((0, 0), (1, 0), (2, 0))),
                   4: (((0, 0), (1, 0), (0, 1), (1, 1)), ((0, 0), (1, 0), (2, 0), (0, 1)), ((0, 0), (1, 0), (1, 1), (2, 1)))}
"""Grid cells (column, row) of the rooms, per room count: a pair; an L, a bent row or a row of three; a 2x2 block,
an L of four or a staggered run. The first cell is the living room with the entrance."""


def _doorway(rng, length):
    return rng.uniform(0.3, length - DOOR_W - 0.3)


def plan_apartment(scene, rng):
    """Two to four rooms on a grid (an L, a 2x2 block, a staggered run or a row: ``APARTMENT_PLANS``), sharing
    walls, with a door between rooms joined by a spanning tree of their shared walls (one more where a 2x2 block
    closes a loop), an entrance door in the first room and a window in an outer wall of each room. Each room is
    furnished by its own type."""
    p = scene.graph["params"]
    g = scene.graph
    H = p["height"]
    n = int(p["rooms"])
    kinds = rooms.apartment_kinds(rng, n)
    D = p["depth"]
    t = WALL_T + 2 * CONTACT_GAP
    plans = APARTMENT_PLANS[n]
    cells = plans[int(rng.integers(0, len(plans)))]
    # 1. Column widths (from the first room's type in each column) and row depths (every row ``depth``)
    cols = sorted({c for c, _ in cells})
    widths = {}
    for (c, _r), kind in zip(cells, kinds):
        if c not in widths:
            lo, hi = rooms.SIZES[kind][0]
            widths[c] = round(float(rng.uniform(lo, hi)), 3)
    xs = {c: sum(widths[k] + t for k in cols if k < c) for c in cols}
    by_cell = {}
    room_list = []
    for k, ((c, r), kind) in enumerate(zip(cells, kinds)):
        room = Room(f"room_{k}", kind, xs[c], r * (D + t), widths[c], D, H)
        by_cell[(c, r)] = room
        room_list.append(room)
    g["rooms"] = [{"name": r.name, "type": r.kind, "lo": r.box()[0], "hi": r.box()[1]} for r in room_list]
    g["openings"], g["lights"] = [], []
    # 2. Which walls each room owns (a shared wall belongs to the room west or south of it), doors between
    #    neighbours along a spanning tree from the first room
    owns = {cell: {0: (cell[0], cell[1] - 1) not in by_cell, 3: (cell[0] - 1, cell[1]) not in by_cell, 1: True, 2: True}
            for cell in cells}
    links, seen, frontier = [], {cells[0]}, [cells[0]]
    while frontier:
        cell = frontier.pop(0)
        for dc, dr, w in ((1, 0, 1), (0, 1, 2), (-1, 0, 3), (0, -1, 0)):
            nb = (cell[0] + dc, cell[1] + dr)
            if nb in by_cell and nb not in seen:
                seen.add(nb)
                frontier.append(nb)
                links.append((cell, nb, w))
    if n == 4 and len(cells) == 4 and set(cells) == {(0, 0), (1, 0), (0, 1), (1, 1)}:
        extra = ((0, 1), (1, 1), 1)  # close the block's loop: people walk round
        if extra[:2] not in [(a, b) for a, b, _ in links] and rng.uniform() < 0.5:
            links.append(extra)
    opposite = {0: 2, 1: 3, 2: 0, 3: 1}
    openings = {cell: {w: [] for w in range(4)} for cell in cells}  # every wall's openings (skirting breaks at them)
    doors = {cell: [] for cell in cells}
    for a, b, w in links:
        room = by_cell[a]
        u = _doorway(rng, room.length(w) if w in (1, 3) else min(room.W, by_cell[b].W))
        u_local = u if w in (1, 3) else u + max(room.x0, by_cell[b].x0) - room.x0
        u_other = u_local + (room.x0 - by_cell[b].x0 if w in (0, 2) else room.y0 - by_cell[b].y0)
        openings[a][w].append((u_local, u_local + DOOR_W, -0.2, DOOR_H))
        openings[b][opposite[w]].append((u_other, u_other + DOOR_W, -0.2, DOOR_H))
        doors[a].append((w, u_local))
        doors[b].append((opposite[w], u_other))
    # the entrance: an outer wall of the first room
    first = cells[0]
    outer0 = [w for w in (3, 0) if owns[first][w]]
    ew = outer0[int(rng.integers(0, len(outer0)))]
    eu = _doorway(rng, by_cell[first].length(ew))
    openings[first][ew].append((eu, eu + DOOR_W, -0.2, DOOR_H))
    doors[first].append((ew, eu))
    # 3. Each room: a window in an outer wall (not one with a door), structure, keep-outs, furniture
    rooms_cams, assets = [], {}
    first_window_wall = None
    for cell, room in zip(cells, room_list):
        c, r = cell
        outer = [w for w, (dc, dr) in zip(range(4), ((0, -1), (1, 0), (0, 1), (-1, 0))) if (c + dc, r + dr) not in by_cell]
        free = [w for w in outer if not openings[cell][w]] or outer
        wall = free[int(rng.integers(0, len(free)))]
        L = room.length(wall)
        ww = min(rng.uniform(0.9, 1.6), L - 0.8)
        taken = [(u0, u1) for (u0, u1, _z0, _z1) in openings[cell][wall]]
        wu = None
        for _ in range(20):
            cand = rng.uniform(0.4, L - ww - 0.4)
            if all(cand + ww + 0.2 < u0 or cand > u1 + 0.2 for u0, u1 in taken):
                wu = cand
                break
        sill, wtop = rng.uniform(0.8, 1.0), min(rng.uniform(2.0, 2.3), H - 0.2)
        windows = []
        if wu is not None:
            openings[cell][wall].append((wu, wu + ww, sill, wtop))
            windows.append((wall, wu, ww, sill))
            first_window_wall = wall if first_window_wall is None else first_window_wall
        built = {w: (openings[cell][w] if owns[cell][w] else None) for w in range(4)}
        for w in range(4):
            if built[w] is None:
                continue
            for (u0, u1, z0, z1) in built[w]:
                kind = "door" if z0 < 0 else "window"
                g["openings"].append({"kind": kind, "wall": WALLS[w][0], "room": room.name, "u": [u0, u1], "z": [max(z0, 0.0), z1]})
                entrance = kind == "door" and cell == first and w == ew and u0 == eu
                g["structure"].append(_opening_asset(scene, room, kind, w, u0, u1, max(z0, 0.0), z1, f"{kind}_{room.name}_{WALLS[w][0]}_{len(g['openings'])}",
                                                     outer=entrance))
        _structure(scene, room, built, f"_{room.name}", skirting_openings=openings[cell])
        cams = _reserve(scene, room, doors[cell], windows, rng)
        assets.update(rooms.furnish(scene, room, rng, [(wall, wu, ww, sill, wtop)] if wu is not None else []))
        scene.inside = None
        rooms_cams.append((room, cams))
    scene.inside = None
    _cameras(g, rooms_cams)
    _sun_and_sky(g, rng, WALLS[first_window_wall if first_window_wall is not None else 0][1])
    g["lights"] += lamp_lights(g, assets)
    for room in room_list:
        cx, cy = room.centre()
        g["lights"].append({"name": f"ceiling_fill_{room.name}", "type": "AREA", "location": [cx, cy, H - 0.02], "direction": [0, 0, -1],
                            "size": [room.W * 0.5, D * 0.5], "energy": round(2.0 * room.W * D, 2), "color": [1.0, 0.97, 0.92]})
    g["render"]["exposure"] = 1.1  # prior for builds not metered (the panel); headless renders meter it
    return scene.finish()
