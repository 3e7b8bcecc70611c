"""The edition-3 dining room (bpy-free): the table in the middle of the floor the sideboard leaves, on a rug big
enough that its chairs, pulled out, stay on it; the sideboard against a wall facing the table, its top dressed in
groups (a lamp and a book at one end, candles or a bottle with its glasses at the other, a bowl in the middle) and a
picture centred over it; a display cabinet of crockery and plants in the free corners.

``dining(c)`` furnishes one room (``c``: room_kit._Ctx); rooms.py calls it for edition 3.
"""
from __future__ import annotations

import math

from .layout import world_aabb
from .room_kit import WALL_YAW, beside, table_with_chairs

RUG_PAST = (0.85, 0.75, 0.62, 0.56)
"""How far (m) a dining rug's top reaches past the table's edges, tried in turn (at the table's ends no further than
a 3 m rug allows): a chair set at the table (its back 0.5-0.55 m out) stands on it whole, and at 0.75 m or more a
chair pushed in stays on it pulled out to sit down; with less than 0.56 m chairs would stand half off it."""
RUG_INSET = (0.1, 0.03)
"""How far in from the rug's edge its top begins: at the tasselled ends (the table's ends), at its sides."""
WALKWAY = 0.3
"""Floor (m) kept between the rug and the sideboard's front."""
SIDEBOARD_ENDS = (("table_lamp", "book"), ("candle", "candle", "candle"), ("bottle", "wine_glass", "wine_glass"),
                  ("vase", "candle"), ("potted_plant", "book"))
SIDEBOARD_MIDDLE = (("bowl", "fruit"), ("vase",), ("bowl",), ("potted_plant",))
CROCKERY = ("bowl", "wine_glass", "jar", "vase", "wine_glass", "bottle", "bowl")


def _offsets(reach, step=0.1):
    """(dx, dy) on a ``step`` grid within ``reach`` of the origin, nearest first (ties in a fixed order)."""
    n = int(round(reach / step))
    pts = [(i * step, j * step) for i in range(-n, n + 1) for j in range(-n, n + 1)]
    return sorted(pts, key=lambda p: (round(math.hypot(*p), 6), p))


def _box(cx, cy, yaw, hx, hy, z0=0.0, z1=1.0):
    """World box of a ``2hx`` x ``2hy`` rectangle centred at (cx, cy) turned by ``yaw`` (a quarter turn or none)."""
    return world_aabb((-hx, -hy, z0), (hx, hy, z1), (cx, cy, 0.0), yaw)


def _sideboard_wall(c, along_x, rug_across, rug_along, depth):
    """Walls to try the sideboard on, best first: the long walls (beside the table's long side) when the short way
    across leaves it room beside the rug, else the end walls; None first when neither does."""
    room = c.room
    long_walls, end_walls = ((0, 2), (1, 3)) if along_x else ((1, 3), (0, 2))
    short, long_ = (room.D, room.W) if along_x else (room.W, room.D)
    need = depth + WALKWAY + 0.05
    order = []
    for walls, left in ((long_walls, short - rug_across), (end_walls, long_ - rug_along)):
        if left >= need:
            first = int(c.rng.integers(0, 2))
            order += [walls[first], walls[1 - first]]
    return order + [None]


def _place(c, tw, td, yaw, sb):
    """Where the table goes: (x, y, rug width, rug depth, sideboard wall or None), the point nearest the middle of
    the floor the sideboard leaves where the rug (clear of doors), the chairs' places (clear of everything) and the
    sideboard's place facing the table are free. None when nothing fits."""
    room, scene = c.room, c.scene
    (ix0, iy0, _), (ix1, iy1, _) = scene.inside
    e = scene.wall_clear + 0.005
    quarter = abs(math.sin(yaw)) > 0.5
    for past in RUG_PAST:
        rw = min(3.0, tw + 2 * (max(min(past, 0.7), RUG_PAST[-1]) + RUG_INSET[0]))
        rd = min(3.0, td + 2 * (past + RUG_INSET[1]))
        walls = _sideboard_wall(c, not quarter, rd, rw, sb["depth"])
        for w in walls:
            cx, cy = room.centre()
            if w is not None:   # the middle of the floor left in front of the sideboard
                nx, ny = {0: (0, 1), 1: (-1, 0), 2: (0, -1), 3: (1, 0)}[w]
                cx, cy = cx + nx * (sb["depth"] + 0.05) / 2, cy + ny * (sb["depth"] + 0.05) / 2
            for dx, dy in _offsets(1.2):
                x, y = cx + dx, cy + dy
                rug = _box(x, y, yaw, rw / 2 + 0.1, rd / 2 + 0.01, 0.0, 0.03)   # tassels up to 0.1 m past the ends
                if not (ix0 + e <= rug[0][0] and rug[1][0] <= ix1 - e and iy0 + e <= rug[0][1] and rug[1][1] <= iy1 - e):
                    continue
                if not scene.free(rug, 0.025):
                    continue
                ends = min(past, (rw - tw) / 2 - RUG_INSET[0])
                seats = [_box(x, y, yaw, tw / 2 + ends, td / 2 - 0.05, 0.0, 1.0), _box(x, y, yaw, tw / 2 - 0.05, td / 2 + past, 0.0, 1.0)]
                if not all(scene.free(s, 0.0) for s in seats):
                    continue
                if w is not None:
                    u = (x - room.x0) if w in (0, 2) else (y - room.y0)
                    if not sb["width"] / 2 + 0.05 <= u <= room.length(w) - sb["width"] / 2 - 0.05:
                        continue
                    sx, sy = room.at_wall(w, u, (sb["depth"] + 0.05) / 2 + 0.03)
                    spot = _box(sx, sy, WALL_YAW[w], sb["width"] / 2, (sb["depth"] + 0.05) / 2, 0.0, sb["height"])
                    if not scene.free(spot, 0.02) or spot_hits(spot, rug, WALKWAY):
                        continue
                return x, y, round(rw, 4), round(rd, 4), w
    return None


def spot_hits(a, b, gap):
    """Do the footprints of boxes ``a`` and ``b`` come closer than ``gap``?"""
    return all(a[0][i] < b[1][i] + gap and b[0][i] < a[1][i] + gap for i in range(2))


def dining(c):
    rng, room = c.rng, c.room
    # 1. The table: its length along the room's longer side, on a rug where one fits, chairs on the rug too
    along_x = room.W >= room.D
    yaw = 0.0 if along_x else math.pi / 2
    tw = round(float(min(1.6, max(1.2, max(room.W, room.D) * 0.33))), 4)
    td = round(float(rng.uniform(0.8, 1.0)), 4)
    n_chairs = 4 + 2 * int(rng.uniform() < 0.5)
    sb = {"width": round(float(rng.uniform(1.0, 1.2)), 4), "depth": round(float(rng.uniform(0.4, 0.5)), 4),
          "height": round(float(rng.uniform(0.75, 0.95)), 4)}
    spot = _place(c, tw, td, yaw, sb)
    t = rug = None
    w = None
    if spot is not None:
        x, y, rw, rd, w = spot
        rug = c.floor("rug", lambda lo, hi: ((x, y, 0.0), yaw), tries=1, params={"width": rw, "depth": rd})
        if rug is not None:
            t = table_with_chairs(c, params={"width": tw, "depth": td}, n_chairs=n_chairs, items=4,
                                  pose=lambda lo, hi: ((x, y, 0.0), yaw + rng.uniform(-0.03, 0.03)), rug=rug)
    if t is None:   # no room for the rug: the table where it fits, its chairs on the floor
        t = table_with_chairs(c, params={"width": tw, "depth": td}, n_chairs=n_chairs)
    # 2. The sideboard against a wall facing the table, its top dressed, a picture centred over it
    side = None
    if t is not None:
        tx, ty = (t["bounds"]["lo"][0] + t["bounds"]["hi"][0]) / 2, (t["bounds"]["lo"][1] + t["bounds"]["hi"][1]) / 2
        for ws in ([w] if w is not None else []) + [int(k) for k in rng.permutation(4)]:
            u = (tx - room.x0) if ws in (0, 2) else (ty - room.y0)
            side = c.floor("cabinet", lambda lo, hi, ws=ws, u=u: ((*room.at_wall(ws, u, hi[1] + 0.03), 0.0), WALL_YAW[ws]), tries=1, params=sb)
            if side is not None:
                break
    if side is None:
        side = c.floor("cabinet", c.against(), params=sb)
    if side is not None:
        c.arrange(side, SIDEBOARD_ENDS, SIDEBOARD_MIDDLE)
        ws = c.wall_of(side)
        aw = round(float(min(1.2, sb["width"] * rng.uniform(0.55, 0.8))), 4)
        c.mount("wall_art", ws, c.u_of(side, ws), side["bounds"]["hi"][2] + rng.uniform(0.22, 0.32), tries=1,
                params={"width": aw, "height": round(float(aw * rng.uniform(0.6, 0.85)), 4)})
    # 3. The corners: a display cabinet of crockery, plants; a shelf of crockery, a lamp, a picture or two
    if rng.uniform() < 0.55:
        cab = c.floor("bookshelf", c.corner(), tries=12, params={"width": round(float(rng.uniform(0.7, 0.9)), 4),
                                                                  "height": round(float(rng.uniform(1.6, 2.0)), 4), "depth": 0.38,
                                                                  "shelves": int(rng.integers(4, 6))})
        for si in range(len(cab["_asset"].surfaces) if cab is not None else 0):
            sf = cab["_asset"].surfaces[si]
            for gx in (sf["lo"][0] + 0.13, (sf["lo"][0] + sf["hi"][0]) / 2, sf["hi"][0] - 0.13):
                k = int(rng.integers(0, len(CROCKERY)))
                c.group(cab, gx, (CROCKERY[k], CROCKERY[(k + 3) % len(CROCKERY)]), si, spread=0.07)
    for _ in range(1 + int(rng.uniform() < 0.6)):
        c.floor("potted_plant", c.corner(), tries=12, params={"pot_radius": round(float(rng.uniform(0.12, 0.14)), 4),
                                                              "height": round(float(rng.uniform(0.55, 0.7)), 4)})
    if rng.uniform() < 0.45:
        c.on(c.shelf_on_a_wall((1.4, 1.65)), ("plate", "bowl", "vase", "wine_glass", "bottle", "candle", "jar"), c.n(4))
    if side is not None and rng.uniform() < 0.35:   # a floor lamp at one end of the sideboard
        beside(c, side, "floor_lamp", 1 if rng.uniform() < 0.5 else -1)
    if room.W * room.D >= 16 and rng.uniform() < 0.3:   # an easy chair in a big room
        c.floor("armchair", c.against(), tries=10)
    if rng.uniform() < 0.3:   # a bookcase
        c.shelves(c.floor("bookshelf", c.against(), tries=10, params={"height": round(float(rng.uniform(1.5, 2.0)), 4), "shelves": 4}))
    c.decor(art=1, plants=0.5)
    if t is not None:
        c.ceiling_light((t["bounds"]["lo"][0] + t["bounds"]["hi"][0]) / 2, (t["bounds"]["lo"][1] + t["bounds"]["hi"][1]) / 2)
    else:
        c.ceiling_light(*room.centre())
