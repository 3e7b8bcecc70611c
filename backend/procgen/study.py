"""The edition-3 office (bpy-free), furnished as a study is: the desk against a wall with its chair tucked in, a
drawer pedestal beside it, bookshelves of books and boxes, a reading corner (an armchair with a floor lamp at one arm
and a side table at the other) where the room is big enough, a rug in the middle of the free floor, a plant in a
corner, pictures.

``office(c)`` furnishes one room (``c``: room_kit._Ctx); rooms.py calls it for edition 3.
"""
from __future__ import annotations

import math

from .layout import world_aabb
from .room_kit import LAMP_ROOM, WALL_YAW, beside, room_beside

READING_AREA = 11.0
"""Floor area (m2) from which an office gets a reading corner (offices are 3-5 m by 2.8-4.5 m)."""
PEDESTAL_TOP = (("potted_plant",), ("storage_box", "book"), ("book", "mug"), ("table_lamp",))
SIDE_TABLE_TOP = (("table_lamp", "book"), ("book", "mug"), ("potted_plant", "book"), ("candle", "book"))
SHELF_BOXES = 0.6
"""The share of office bookshelves (of three shelves or more) with one shelf of storage boxes instead of books."""


def _desk(c):
    """The desk (room in front for its chair), a screen, its lamp, a few things, the chair tucked into the knee space;
    a drawer pedestal against the same wall at one side. Returns the desk or None."""
    from .rooms import _chair_at_desk   # rooms.py imports this module
    rng, room = c.rng, c.room
    desk = c.floor("desk", c.against(front=0.7)) or c.floor("desk", c.against())
    if desk is None:
        return None
    w = c.wall_of(desk)
    u = c.u_of(desk, w)
    dd = (desk["bounds"]["hi"][1] - desk["bounds"]["lo"][1]) if w in (0, 2) else (desk["bounds"]["hi"][0] - desk["bounds"]["lo"][0])
    dw = (desk["bounds"]["hi"][0] - desk["bounds"]["lo"][0]) if w in (0, 2) else (desk["bounds"]["hi"][1] - desk["bounds"]["lo"][1])
    surf = desk["_asset"].surfaces[0]
    lamp_end = 1 if rng.uniform() < 0.5 else -1
    c.scene.place_on(desk, 0, "table_lamp", (lamp_end * ((surf["hi"][0] - surf["lo"][0]) / 2 - 0.15), surf["hi"][1] - 0.15), 0.0,
                     {"shade_radius": 0.13, "base_radius": 0.06})
    screen = "monitor" if rng.uniform() < 0.6 else "laptop"
    for dx, y in ((0.05, surf["hi"][1] - 0.15), (0.15, surf["hi"][1] - 0.15), (0.25, surf["hi"][1] - 0.15), (0.0, 0.0)):
        if c.scene.place_on(desk, 0, screen, (-lamp_end * dx, y), 0.0) is not None:   # in the middle, off the lamp
            break
    c.group(desk, -lamp_end * ((surf["hi"][0] - surf["lo"][0]) / 2 - 0.18), (("book", "mug"), ("storage_box", "potted_plant"),
                                                                              ("mug", "book"))[int(rng.integers(0, 3))], spread=0.09)
    _chair_at_desk(c, desk, w, u, dd, 0.3, phases=True)
    fp = {"drawers": 1, "doors": 1, "width": round(float(rng.uniform(0.4, 0.5)), 4), "depth": round(float(rng.uniform(0.45, 0.55)), 4),
          "height": round(float(rng.uniform(0.6, 0.7)), 4)}
    for side in rng.permutation([-1, 1]):
        fu = u + side * (dw / 2 + 0.05 + fp["width"] / 2)
        ped = c.floor("cabinet", lambda lo, hi, fu=fu: ((*room.at_wall(w, fu, hi[1] + 0.03), 0.0), WALL_YAW[w]), tries=1, params=fp)
        if ped is not None:
            c.group(ped, 0.0, PEDESTAL_TOP[int(rng.integers(0, len(PEDESTAL_TOP)))])
            break
    c.mount("wall_art", w, u, 1.4, tries=3)
    return desk


def _bookshelves(c):
    """One or two bookshelves against the walls, their shelves mostly books, some a row of boxes."""
    rng = c.rng
    for _ in range(1 + int(rng.uniform() < 0.85 * c.dens)):
        h = float(rng.uniform(1.5, 2.0))   # compartments tall enough for books (a 1.3 m case of six held none)
        sp = {"height": round(h, 4), "shelves": int(h / 0.36)}
        shelf = c.floor("bookshelf", c.against(), tries=20, params=sp) \
            or c.floor("bookshelf", c.against(), tries=20, params={**sp, "width": round(float(rng.uniform(0.6, 0.75)), 4)})
        if shelf is None:
            continue
        n = len(shelf["_asset"].surfaces)
        boxes = int(rng.integers(0, n)) if n > 2 and rng.uniform() < SHELF_BOXES else -1
        for si in range(n):
            if si == boxes:
                c.box_row(shelf, si)
            elif rng.uniform() < 0.9:
                c.scene.fill_books(shelf, si, rng, fill=min(0.9, 0.65 + 0.2 * c.dens))
            else:
                c.group(shelf, 0.0, ("vase", "candle"), si)


def _reading_corner(c):
    """An armchair against a wall with room at both arms: a floor lamp at one, a side table with a book at the other
    (one of them where only one side has room)."""
    rng = c.rng
    chair = c.floor("armchair", room_beside(c, c.against(), LAMP_ROOM, both=True), tries=20) \
        or c.floor("armchair", room_beside(c, c.against(), LAMP_ROOM), tries=20)
    if chair is None:
        return None
    sides = [1, -1] if rng.uniform() < 0.5 else [-1, 1]
    if beside(c, chair, "floor_lamp", sides[0]) is not None or beside(c, chair, "floor_lamp", sides[1]) is None:
        sides.reverse()   # the side table at the arm the lamp left free (the first, where the lamp took neither)
    st = beside(c, chair, "nightstand", sides[0], params={"width": round(float(rng.uniform(0.38, 0.48)), 4),
                                                            "depth": round(float(rng.uniform(0.35, 0.42)), 4),
                                                            "height": round(float(rng.uniform(0.5, 0.58)), 4)})
    c.group(st, 0.0, SIDE_TABLE_TOP[int(rng.integers(0, len(SIDE_TABLE_TOP)))], spread=0.08)
    return chair


def _middle_rug(c):
    """A rug in the middle of the floor the furniture leaves: the biggest of a few sizes that fits nearest the middle,
    turned with the room."""
    room, scene = c.room, c.scene
    (ix0, iy0, _), (ix1, iy1, _) = scene.inside
    e = scene.wall_clear + 0.01
    cx, cy = room.centre()
    for k in range(6):
        rw = round(float(min(2.6, room.W * 0.6) - 0.2 * k), 4)
        rd = round(float(min(2.0, room.D * 0.55) - 0.15 * k), 4)
        if rw < 1.2 or rd < 0.8:
            break
        for dx, dy in sorted(((i * 0.1, j * 0.1) for i in range(-8, 9) for j in range(-8, 9)), key=lambda p: (round(math.hypot(*p), 6), p)):
            box = world_aabb((-rw / 2 - 0.1, -rd / 2 - 0.01, 0.0), (rw / 2 + 0.1, rd / 2 + 0.01, 0.03), (cx + dx, cy + dy, 0.0), 0.0)
            if ix0 + e <= box[0][0] and box[1][0] <= ix1 - e and iy0 + e <= box[0][1] and box[1][1] <= iy1 - e and scene.free(box, 0.03):
                x, y = cx + dx, cy + dy
                return c.floor("rug", lambda lo, hi: ((x, y, 0.0), 0.0), tries=1, params={"width": rw, "depth": rd})
    return None


def office(c):
    rng, room = c.rng, c.room
    _desk(c)
    if room.W * room.D >= READING_AREA:
        _reading_corner(c)
    _bookshelves(c)
    _middle_rug(c)
    c.floor("potted_plant", c.corner(), tries=12, params={"pot_radius": round(float(rng.uniform(0.12, 0.14)), 4),
                                                          "height": round(float(rng.uniform(0.55, 0.7)), 4)})
    if rng.uniform() < 0.8:   # a wall shelf of books
        shelf = c.shelf_on_a_wall((1.35, 1.7))
        if shelf is not None:
            c.scene.fill_books(shelf, 0, rng, fill=rng.uniform(0.4, 0.7))
    if rng.uniform() < 0.3:
        c.floor("storage_box", c.against(), tries=6)
    c.decor(art=1, plants=0.6)
    c.ceiling_light(*room.centre())
