"""Room types (bpy-free): what furniture each type holds, with what probability, and how pieces relate
(chairs face and half-tuck under tables, the sofa faces the TV and the coffee table, beds go against a wall with
nightstands at both sides and lamps on them, desks get a chair and a screen, shelves are filled with grouped books).

``furnish(scene, room, rng, windows)`` places everything of ``room.kind`` inside ``room`` (plan_room.Room).
"""
from __future__ import annotations

import math

import numpy as np

from .geometry import rot_z
from .layout import CONTACT_GAP, overlap, world_aabb
from .measure import slide_clearance, triangles

TUCK_MARGIN = 0.006
"""A tucked chair stops this far (m) short of the first contact measured along its slide."""
TUCK_UNDER = 0.03
"""A chair counts as tucked when its seat front is at least this far (m) in under the table top's edge."""

ROOM_KINDS = ("living_room", "bedroom", "kitchen", "dining_room", "office", "bathroom")
KIND_PROBS = (0.3, 0.2, 0.12, 0.15, 0.15, 0.08)
"""How often scene type "room" is each kind."""
SIZES = {"living_room": ((4.0, 7.5), (3.5, 6.5)), "bedroom": ((3.2, 5.5), (3.0, 5.0)), "kitchen": ((3.0, 5.0), (2.8, 4.5)),
         "dining_room": ((3.5, 6.0), (3.2, 5.5)), "office": ((3.0, 5.0), (2.8, 4.5)), "bathroom": ((2.4, 3.6), (2.2, 3.2))}
FLOORS = {"living_room": ("planks", "planks", "fabric"), "bedroom": ("planks", "fabric"), "kitchen": ("tile", "planks"),
          "dining_room": ("planks", "tile"), "office": ("planks", "fabric"), "bathroom": ("tile",)}
WALL_YAW = (math.pi, -math.pi / 2, 0.0, math.pi / 2)  # turns an object's back (+Y) towards wall 0..3
NORMAL = ((0, 1), (-1, 0), (0, -1), (1, 0))
TABLE_TOP = ("mug", "bowl", "plate", "vase", "bottle", "book", "potted_plant", "candle", "fruit", "wine_glass")
DECOR = ("vase", "book", "potted_plant", "candle", "bowl", "storage_box")


def draw_kind(rng) -> str:
    return ROOM_KINDS[int(rng.choice(len(ROOM_KINDS), p=KIND_PROBS))]


def apartment_kinds(rng, n) -> list:
    rest = ["bedroom", "kitchen", "office", "bathroom", "dining_room"]
    order = rng.permutation(len(rest))
    return ["living_room"] + [rest[i] for i in order[: n - 1]]


def facing(frm, to):
    """Yaw that turns an object's front (-Y) at ``frm`` towards the point ``to``."""
    return math.atan2(to[0] - frm[0], -(to[1] - frm[1]))


class _Ctx:
    def __init__(self, scene, room, rng, windows):
        self.scene, self.room, self.rng, self.windows = scene, room, rng, windows
        self.dens = scene.graph["params"]["density"]

    def n(self, base):
        return int(math.floor(base * self.dens + self.rng.uniform(0, 1)))

    def against(self, w=None, u=None, off=0.03, front=0.0):
        """Pose proposer: back against wall ``w`` (random when None) at ``u`` (random when None); with ``front`` > 0
        only where a strip that deep in front of the object is free too (room for the chair at a desk)."""
        def pose(lo, hi):
            wall = int(self.rng.integers(0, 4)) if w is None else w
            halfw = max(-lo[0], hi[0])
            L = self.room.length(wall)
            if L < 2 * halfw + 0.1:
                return None
            uu = self.rng.uniform(halfw + 0.05, L - halfw - 0.05) if u is None else u + self.rng.uniform(-0.3, 0.3)
            x, y = self.room.at_wall(wall, uu, hi[1] + off)
            if front > 0:
                nx, ny = NORMAL[wall]
                strip = world_aabb(lo, (hi[0], hi[1], max(hi[2], 1.1)), (x + nx * front, y + ny * front, 0.0), WALL_YAW[wall])
                if not self.scene.free(strip, 0.0):
                    return None
            return (x, y, 0.0), WALL_YAW[wall]
        return pose

    def floor(self, cat, pose, tries=30, params=None):
        return self.scene.try_floor(cat, self.rng, pose, tries, params)

    def wall_of(self, obj):
        yaw = obj["rotation_z"]
        return min(range(4), key=lambda w: abs(math.remainder(yaw - WALL_YAW[w], 2 * math.pi)))

    def u_of(self, obj, w):
        x, y = obj["location"][0] - self.room.x0, obj["location"][1] - self.room.y0
        return x if w in (0, 2) else y

    def mount(self, cat, w, u, z, params=None, tries=8):
        """A wall-mounted object (back against wall ``w``) with its base at height ``z``."""
        def pose(lo, hi):
            uu = u + self.rng.uniform(-0.4, 0.4) if tries > 1 else u
            x, y = self.room.at_wall(w, uu, hi[1] + 0.002)
            return (x, y, z), WALL_YAW[w]
        return self.scene.try_floor(cat, self.rng, pose, tries, params, support="wall")

    def ceiling_light(self, x, y):
        a, full, s, spec = self.scene.make("ceiling_light")
        lo, hi = a.mesh.bounds()
        H = self.room.H
        drop_ok = min(full["drop"], H - 2.1 - (hi[2] - full["drop"]))
        params = dict(full, drop=round(max(0.1, drop_ok), 4))

        def pose(lo, hi):
            return (x, y, H - 0.0005 - hi[2]), 0.0
        return self.scene.try_floor("ceiling_light", self.rng, pose, 1, params, support="ceiling")

    def lamp_on(self, ns):
        """A table lamp in the middle of a nightstand's top, its shade as wide as the top allows (its box turned
        by the lamp's yaw must fit: a shade the top's full width fits only unturned)."""
        sf = ns["_asset"].surfaces[0]
        yaw = self.rng.uniform(-0.5, 0.5)
        turned = abs(math.cos(yaw)) + abs(math.sin(yaw))
        r = min(0.16, ((sf["hi"][0] - sf["lo"][0]) / 2 - 0.012) / turned, ((sf["hi"][1] - sf["lo"][1]) / 2 - 0.012) / turned)
        if r < 0.09:
            return None
        return self.scene.place_on(ns, 0, "table_lamp", (0.0, (sf["lo"][1] + sf["hi"][1]) / 2), yaw,
                                   {"shade_radius": round(float(r), 4), "base_radius": 0.06})

    def on(self, sup, cats, count):
        if sup is not None and sup["_asset"].surfaces:
            self.scene.fill_surfaces(sup, cats, count, self.rng, ceiling=self.room.H)

    def shelves(self, shelf):
        if shelf is None:
            return
        for si in range(len(shelf["_asset"].surfaces)):
            if self.rng.uniform() < 0.85:
                self.scene.fill_books(shelf, si, self.rng, fill=min(0.9, 0.55 + 0.2 * self.dens))
            else:
                self.scene.fill_surfaces(shelf, DECOR, 2, self.rng, ceiling=self.room.H)

    def curtains(self):
        """A curtain on each side of every window (hung before the furniture, which then keeps clear of them)."""
        for (w, wu, ww, sill, wtop) in self.windows:
            for side in (-1, 1):
                a, full, s, spec = self.scene.make("curtain")
                lo, hi = a.mesh.bounds()
                cw = max(-lo[0], hi[0]) + 0.03  # the folds reach a little past the nominal width
                u = wu - 0.12 - cw if side < 0 else wu + ww + 0.12 + cw
                top = min(wtop + 0.15, self.room.H - 0.06)
                h = round(min(2.6, max(1.8, top - 0.1)), 4)
                if u - cw < 0.05 or u + cw > self.room.length(w) - 0.05:
                    continue
                self.mount("curtain", w, u, top - h, params={"width": full["width"], "folds": full["folds"], "height": h}, tries=1)

    def decor(self, art=2, plants=2):
        """Pictures on free wall stretches, plants."""
        for _ in range(self.n(art)):
            w = int(self.rng.integers(0, 4))
            self.mount("wall_art", w, self.rng.uniform(0.6, self.room.length(w) - 0.6), self.rng.uniform(1.3, 1.6), tries=4)
        for _ in range(self.n(plants)):
            self.floor("potted_plant", self.against(), params={"pot_radius": round(float(self.rng.uniform(0.11, 0.14)), 4),
                                                               "height": round(float(self.rng.uniform(0.5, 0.7)), 4)})


def placed_triangles(o):
    """Float[ndarray, "T 3 3"] of a planned object's real triangles where it stands."""
    R = rot_z(o["rotation_z"])
    return triangles(o["_asset"].mesh) @ R.T + np.asarray(o["location"], np.float64)


def seat_front(chair_obj, n):
    """How far along ``n`` the chair's seat front reaches (its front-most vertex at or below the seat top)."""
    m = chair_obj["_asset"].mesh
    R = rot_z(chair_obj["rotation_z"])
    v = m.verts[m.verts[:, 2] <= chair_obj["params"]["seat_height"] + 0.005] @ R.T + np.asarray(chair_obj["location"])
    return float((v[:, :2] @ np.asarray(n[:2])).max())


def top_edge(table_obj, n):
    """How far along ``n`` the near edge of the table's top surface lies."""
    a = table_obj["_asset"]
    s = a.surfaces[0]
    R = rot_z(table_obj["rotation_z"])
    corners = np.array([[x, y, 0.0] for x in (s["lo"][0], s["hi"][0]) for y in (s["lo"][1], s["hi"][1])]) @ R.T
    return float(((corners[:, :2] + table_obj["location"][:2]) @ np.asarray(n[:2])).min())


def tuck(c, chair, table, n, sideways=(0.0,)):
    """Slide ``chair`` along ``n`` (unit, horizontal) in under ``table``: as far as its real triangles allow (the
    table and what stands on it) less TUCK_MARGIN, or pulled out a little, never overlapping another object's box.
    ``sideways``: shifts across ``n`` to try in turn (a desk's drawer pedestal leaves knee space at one end).
    Records ``chair["tucked_under"] = {"object", "direction"}`` when the seat front ends TUCK_UNDER or more under
    the top's edge; returns whether it did."""
    scene, rng = c.scene, c.rng
    n = np.array([n[0], n[1], 0.0]) / math.hypot(n[0], n[1])
    across = np.array([-n[1], n[0], 0.0])
    on_table = [o for o in scene.graph["objects"] if isinstance(o["support"], dict) and o["support"]["object"] == table["id"]]
    fixed = np.concatenate([placed_triangles(o) for o in [table] + on_table])
    old = (list(chair["bounds"]["lo"]), list(chair["bounds"]["hi"]))
    k_old = next(k for k, b in enumerate(scene.blockers) if list(b[0]) == old[0] and list(b[1]) == old[1])
    table_box = [list(table["bounds"]["lo"]), list(table["bounds"]["hi"])]
    others = [b for k, b in enumerate(scene.blockers) if k != k_old and [list(b[0]), list(b[1])] != table_box]
    lo, hi = chair["_asset"].mesh.bounds()
    start = np.asarray(chair["location"], np.float64)
    tris0 = placed_triangles(chair)
    under0 = seat_front(chair, n) - top_edge(table, n)  # < 0: the seat front is still outside the edge
    need = TUCK_UNDER - under0  # slide needed to have the seat front TUCK_UNDER in
    pull = rng.uniform(0.0, 0.03) if rng.uniform() < 0.6 else rng.uniform(0.05, 0.25)  # most pushed right in
    options = []
    for shift in sideways:
        base = start + across * shift
        if shift and any(overlap(world_aabb(lo, hi, base, chair["rotation_z"]), b, 0.005) for b in others):
            continue
        options.append((slide_clearance(tris0 + across * shift, fixed, n) - TUCK_MARGIN, -abs(shift), base))
    for room, _, base in sorted(options, key=lambda o: o[:2], reverse=True):  # the deepest knee space first
        if room < need:
            break
        slide = max(need, min(room, room - pull))
        loc = base + n * slide
        box = world_aabb(lo, hi, loc, chair["rotation_z"])
        if any(overlap(box, b, 0.005) for b in others):
            continue
        scene.blockers[k_old] = box
        chair["location"] = [round(float(v), 6) for v in loc]
        chair["bounds"] = {"lo": [float(v) for v in box[0]], "hi": [float(v) for v in box[1]]}
        chair["tucked_under"] = {"object": table["id"], "direction": [round(float(n[0]), 6), round(float(n[1]), 6)]}
        return True
    return False


def _table_with_chairs(c, cat="table", params=None, n_chairs=4, items=6, settings=True):
    """A free-standing table, chairs on its sides facing it and half tucked under its edge, place settings."""
    room, rng = c.room, c.rng

    def free_standing(lo, hi):
        x0, y0 = room.x0, room.y0
        return (rng.uniform(x0 + 0.9, x0 + room.W - 0.9), rng.uniform(y0 + 0.9, y0 + room.D - 0.9), 0.0), rng.uniform(-0.08, 0.08)
    table = c.floor(cat, free_standing, params=params)
    if table is None:
        return None
    tl, th = table["bounds"]["lo"], table["bounds"]["hi"]
    cx, cy = (tl[0] + th[0]) / 2, (tl[1] + th[1]) / 2
    long_x = th[0] - tl[0] > 1.3
    sides = [(0, -1, 0.0), (0, 1, 0.0), (-1, 0, 0.0), (1, 0, 0.0)]
    if long_x:
        sides = [(0, -1, -0.25), (0, 1, 0.25), (0, -1, 0.25), (0, 1, -0.25), (-1, 0, 0.0), (1, 0, 0.0)]
    seats = []
    for sx, sy, along in sides[: max(1, n_chairs)]:
        def chair_pose(lo, hi, sx=sx, sy=sy, along=along):
            back = hi[1]
            tx = cx + sx * ((th[0] - tl[0]) / 2 + back + 0.04) + along * (th[0] - tl[0]) * (sy != 0)
            ty = cy + sy * ((th[1] - tl[1]) / 2 + back + 0.04)
            return (tx, ty, 0.0), math.atan2(-sx, sy) + rng.uniform(-0.12, 0.12)
        ch = c.floor("chair", chair_pose, tries=2)
        if ch is not None:
            seats.append((sx, sy, along, ch))
    if settings:  # a plate (and a glass) in front of each chair
        for sx, sy, along, _ in seats:
            lx = sx * ((th[0] - tl[0]) / 2 - 0.18) + along * (th[0] - tl[0])
            ly = sy * ((th[1] - tl[1]) / 2 - 0.18)
            c.scene.place_on(table, 0, "plate", (lx, ly), rng.uniform(-3, 3))
            c.scene.place_on(table, 0, "wine_glass", (lx + 0.16 * (1 if sy >= 0 else -1), ly - 0.08 * sy), 0.0)
    c.on(table, TABLE_TOP, c.n(items))
    for sx, sy, _, ch in seats:  # after what stands on the table, so the chair backs clear it too
        tuck(c, ch, table, (-sx, -sy))
    return table


def _living(c):
    """A sofa against a wall with end tables (a lamp on one) or a floor lamp beside it, a rug in front of it with
    the coffee table on it and armchairs turned towards it, the TV on a stand facing the sofa, a table with chairs
    in a big room, bookshelves and a sideboard along the walls, pictures and plants."""
    rng, room = c.rng, c.room
    sofa = c.floor("sofa", c.against())
    if sofa is not None:
        w = c.wall_of(sofa)
        u = c.u_of(sofa, w)
        nx, ny = NORMAL[w]
        lo_s, hi_s = sofa["bounds"]["lo"], sofa["bounds"]["hi"]
        depth, sw = (hi_s[0] - lo_s[0], hi_s[1] - lo_s[1]) if w in (1, 3) else (hi_s[1] - lo_s[1], hi_s[0] - lo_s[0])
        a, ct_params, s, spec = c.scene.make("coffee_table")
        ct_d = ct_params["depth"]
        rug_p = {"width": round(min(3.0, ct_params["width"] + rng.uniform(0.8, 1.4)), 4),
                 "depth": round(min(2.2, ct_d + rng.uniform(0.7, 1.1)), 4)}
        rug = None
        for shrink in (1.0, 0.8, 0.65):  # the rug starts just clear of the sofa's front (its legs stay off it)
            rp = {"width": round(max(1.2, rug_p["width"] * shrink), 4), "depth": round(max(0.8, rug_p["depth"] * shrink), 4)}
            if rp["width"] < ct_params["width"] + 0.4 or rp["depth"] < ct_d + 0.45:
                break
            for du in (0.0, 0.2, -0.2, 0.4, -0.4):
                def rug_pose(lo, hi, du=du):
                    return (*room.at_wall(w, u + du, depth + 0.06 + hi[1]), 0.0), WALL_YAW[w]
                rug = c.floor("rug", rug_pose, tries=1, params=rp)
                if rug is not None:
                    rug_p = rp
                    break
            if rug is not None:
                break
        if rug is not None:
            top = rug["_asset"].mesh.bounds()[1][2]
            r_lo, r_hi = rug["bounds"]["lo"], rug["bounds"]["hi"]
            rug_far = depth + 0.06 + ((r_hi[0] - r_lo[0]) if w in (1, 3) else (r_hi[1] - r_lo[1]))
            ru = c.u_of(rug, w)
            # 40 cm of legroom in front of the sofa, the whole table on the rug
            x, y = room.at_wall(w, ru, min(depth + 0.03 + 0.4 + ct_d / 2, rug_far - 0.06 - ct_d / 2))
            ct = c.scene.try_floor("coffee_table", rng, lambda lo, hi: ((x, y, rug["location"][2] + top + CONTACT_GAP), WALL_YAW[w]), 1,
                                   ct_params, support={"object": rug["id"], "surface": 0}, gap=0.0)
            c.on(ct, ("book", "bowl", "vase", "candle", "mug", "fruit", "potted_plant", "plate", "book"), c.n(6))
            for side in (-1, 1):  # armchairs beside the coffee table, turned towards it
                if rng.uniform() < 0.6:
                    ox, oy = (-ny, nx)
                    px = x + side * ox * (rug_p["width"] / 2 + 0.55) + nx * 0.2
                    py = y + side * oy * (rug_p["width"] / 2 + 0.55) + ny * 0.2
                    c.floor("armchair", lambda lo, hi, px=px, py=py: ((px + rng.uniform(-0.15, 0.15), py + rng.uniform(-0.15, 0.15), 0.0),
                                                                      facing((px, py), (x, y))), tries=6)
        lamp_side = 1 if rng.uniform() < 0.5 else -1
        lamps = 0
        if rng.uniform() < 0.5:  # a floor lamp at one arm of the sofa
            lamps += c.floor("floor_lamp", c.against(w, u + lamp_side * (sw / 2 + 0.35), off=0.1), tries=6) is not None
        for side in (-lamp_side, lamp_side) if lamps else (lamp_side, -lamp_side):  # end tables, a lamp on the first
            a, full, s, spec = c.scene.make("nightstand")
            eu = u + side * (sw / 2 + full["width"] / 2 + 0.05)
            et = c.scene.try_floor("nightstand", rng, lambda lo, hi, eu=eu: ((*room.at_wall(w, eu, hi[1] + 0.03), 0.0), WALL_YAW[w]), 1, full)
            if et is not None:
                if not lamps and c.lamp_on(et):
                    lamps += 1
                c.on(et, ("book", "mug", "candle", "vase", "potted_plant", "wine_glass"), c.n(1.5))
        opp = (w + 2) % 4
        stand = c.floor("tv_stand", c.against(opp, u), tries=12) or c.floor("tv_stand", c.against(opp), tries=12)
        if stand is not None:
            c.scene.place_on(stand, 0, "tv", (0.0, 0.0), 0.0, {"diagonal": round(float(min(1.4, (stand["_asset"].surfaces[0]["hi"][0] - stand["_asset"].surfaces[0]["lo"][0]) / 0.9)), 4)})
            c.on(stand, ("vase", "book", "candle", "storage_box", "potted_plant"), c.n(3))
        c.mount("wall_art", w, u, 1.35, tries=3)
    if room.W * room.D >= 22:  # a big room has a table with chairs too
        _table_with_chairs(c, params={"width": round(float(rng.uniform(0.9, 1.3)), 4), "depth": round(float(rng.uniform(0.7, 0.85)), 4)},
                           n_chairs=2 + 2 * int(rng.uniform() < 0.5), items=3, settings=rng.uniform() < 0.4)
    for cat in ("bookshelf", "bookshelf", "cabinet")[: max(1, c.n(3))]:
        obj = c.floor(cat, c.against()) or c.floor(cat, c.against(), params={"width": round(float(rng.uniform(0.6, 0.8)), 4)})
        if cat == "bookshelf":
            c.shelves(obj)
        else:
            c.on(obj, ("table_lamp", "vase", "book", "potted_plant", "candle", "bowl", "storage_box"), c.n(4))
    c.decor(art=2, plants=3)
    c.ceiling_light(*room.centre())


def _bedroom(c):
    rng, room = c.rng, c.room
    bed = c.floor("bed", c.against(), tries=60)
    if bed is None:
        bed = c.floor("bed", c.against(), tries=60, params={"width": round(float(rng.uniform(0.9, 1.3)), 4), "length": 1.95})
    if bed is not None:
        w = c.wall_of(bed)
        u = c.u_of(bed, w)
        bw = (bed["bounds"]["hi"][0] - bed["bounds"]["lo"][0]) if w in (0, 2) else (bed["bounds"]["hi"][1] - bed["bounds"]["lo"][1])
        for side in (-1, 1):
            a, full, s, spec = c.scene.make("nightstand")
            nu = u + side * (bw / 2 + full["width"] / 2 + 0.04)
            ns = c.scene.try_floor("nightstand", rng, lambda lo, hi, nu=nu, w=w: ((*room.at_wall(w, nu, hi[1] + 0.03), 0.0), WALL_YAW[w]), 1, full)
            if ns is not None:
                c.lamp_on(ns)
                c.on(ns, ("book", "mug", "candle", "wine_glass"), c.n(1))
        c.mount("wall_art", w, u, 1.45, tries=2)
        nx, ny = NORMAL[w]
        L = (bed["bounds"]["hi"][1] - bed["bounds"]["lo"][1]) if w in (0, 2) else (bed["bounds"]["hi"][0] - bed["bounds"]["lo"][0])
        x, y = room.at_wall(w, u, L + 0.1 + 0.5)
        c.floor("rug", lambda lo, hi: ((x + rng.uniform(-0.1, 0.1), y, 0.0), WALL_YAW[w]), tries=3,
                params={"depth": 0.9, "width": round(float(min(2.4, bw + 0.3)), 4)})
    c.floor("wardrobe", c.against())
    dresser = c.floor("cabinet", c.against(), params={"drawers": 1}) or c.floor(
        "cabinet", c.against(), params={"drawers": 1, "width": round(float(rng.uniform(0.5, 0.7)), 4), "depth": 0.4})
    c.on(dresser, ("vase", "book", "candle", "storage_box", "potted_plant", "bottle"), c.n(3))
    if dresser is not None:
        dw = c.wall_of(dresser)
        c.mount("mirror", dw, c.u_of(dresser, dw), dresser["bounds"]["hi"][2] + 0.25, tries=1)
    if rng.uniform() < 0.5:
        c.shelves(c.floor("bookshelf", c.against(), params={"height": round(float(rng.uniform(0.9, 1.25)), 4)}))
    c.decor(art=1, plants=1)
    c.ceiling_light(*room.centre())


def _dining(c):
    t = _table_with_chairs(c, params={"width": round(float(min(1.8, max(1.2, c.room.W * 0.35))), 4)}, n_chairs=4 + 2 * int(c.rng.uniform() < 0.5))
    side = c.floor("cabinet", c.against(), params={"height": round(float(c.rng.uniform(0.75, 0.95)), 4), "width": 1.2})
    c.on(side, ("vase", "bowl", "candle", "bottle", "wine_glass", "potted_plant", "fruit"), c.n(4))
    if c.rng.uniform() < 0.5:
        c.shelves(c.floor("bookshelf", c.against()))
    c.decor(art=2, plants=2)
    if t is not None:
        c.ceiling_light((t["bounds"]["lo"][0] + t["bounds"]["hi"][0]) / 2, (t["bounds"]["lo"][1] + t["bounds"]["hi"][1]) / 2)
    else:
        c.ceiling_light(*c.room.centre())


def _office(c):
    rng, room = c.rng, c.room
    desk = c.floor("desk", c.against(front=0.7)) or c.floor("desk", c.against())
    if desk is not None:
        w = c.wall_of(desk)
        u = c.u_of(desk, w)
        dd = (desk["bounds"]["hi"][1] - desk["bounds"]["lo"][1]) if w in (0, 2) else (desk["bounds"]["hi"][0] - desk["bounds"]["lo"][0])
        surf = desk["_asset"].surfaces[0]
        back_y = surf["hi"][1] - 0.15
        c.scene.place_on(desk, 0, "monitor" if rng.uniform() < 0.6 else "laptop", (rng.uniform(-0.1, 0.1), back_y if rng.uniform() < 0.6 else 0.0), 0.0)
        c.scene.place_on(desk, 0, "table_lamp", (surf["lo"][0] + 0.15, surf["hi"][1] - 0.15), 0.0)
        c.on(desk, ("book", "mug", "potted_plant", "storage_box", "candle"), c.n(3))

        def chair_pose(lo, hi):  # facing the desk, its turned box just clear of the desk's front (tuck pushes it in)
            yaw = WALL_YAW[w] + math.pi + rng.uniform(-0.3, 0.3)
            ext = world_aabb(lo, hi, (0.0, 0.0, 0.0), yaw)
            to_wall = max(-(x * NORMAL[w][0] + y * NORMAL[w][1]) for x in (ext[0][0], ext[1][0]) for y in (ext[0][1], ext[1][1]))
            x, y = room.at_wall(w, u + rng.uniform(-0.1, 0.1), dd + 0.03 + to_wall + 0.03)
            return (x, y, 0.0), yaw
        ch = c.floor("chair", chair_pose, tries=6)
        if ch is not None:
            half = (surf["hi"][0] - surf["lo"][0]) / 2
            tuck(c, ch, desk, (-NORMAL[w][0], -NORMAL[w][1]), sideways=[k * half for k in (0.0, 0.3, -0.3, 0.45, -0.45)])
        c.mount("wall_art", w, u, 1.4, tries=3)
    for cat in ("bookshelf", "bookshelf", "cabinet")[: max(1, c.n(3))]:
        obj = c.floor(cat, c.against())
        if cat == "bookshelf":
            c.shelves(obj)
        else:
            c.on(obj, ("table_lamp", "vase", "book", "potted_plant", "storage_box"), c.n(3))
    c.floor("rug", lambda lo, hi: ((room.x0 + room.W / 2 + rng.uniform(-0.5, 0.5), room.y0 + room.D / 2 + rng.uniform(-0.5, 0.5), 0.0),
                                   rng.uniform(-0.1, 0.1)), tries=4)
    c.decor(art=1, plants=2)
    c.ceiling_light(*room.centre())


KITCHEN_CLUTTER = ("jar", "jar", "bottle", "bowl", "fruit", "mug", "plate", "potted_plant", "wine_glass", "storage_box", "candle")
UPPER_Z = 1.5
"""Bottom of the upper kitchen cabinets (m): clear of what stands on a 0.9 m worktop (its 0.6 m free height)."""


def _run_along(w, obj):
    """(u0, u1) of an object standing against wall ``w`` (its extent along the wall)."""
    lo, hi = obj["bounds"]["lo"], obj["bounds"]["hi"]
    return (lo[0], hi[0]) if w in (0, 2) else (lo[1], hi[1])


def _uppers(c, w, u0, u1):
    """Upper cabinets over the stretch (u0, u1) (room-local along wall ``w``), in 0.5-0.9 m units, where the wall
    is free (windows and door clearances keep them out)."""
    rng = c.rng
    x = u0
    while u1 - x >= 0.4:
        uw = round(float(min(u1 - x, rng.uniform(0.5, 0.9))), 4)
        c.mount("wall_cabinet", w, x + uw / 2, UPPER_Z, params={"width": uw, "doors": 1 if uw < 0.6 else 2,
                                                              "height": round(float(min(0.75, c.room.H - UPPER_Z - 0.1)), 4)}, tries=1)
        x += uw + 0.004


def _kitchen(c):
    """Counters along one or two walls (sink in the first run, a cooker beside it, an L run on the next wall),
    upper cabinets over them, clutter on the worktops, the fridge at a run's end, a small table or a stool."""
    rng, room = c.rng, c.room
    w0 = int(rng.integers(0, 4))
    runs = []  # (wall, obj)
    for k in range(4):
        w = (w0 + k) % 4
        L = room.length(w)
        counter = c.floor("kitchen_counter", c.against(w), tries=10,
                          params={"width": round(float(min(3.0, max(1.2, L - 1.4 - rng.uniform(0, 0.6)))), 4), "sink": 1})
        if counter is not None:
            runs.append((w, counter))
            break
    if runs:
        w, counter = runs[0]
        u0, u1 = _run_along(w, counter)
        u0, u1 = u0 - (room.x0 if w in (0, 2) else room.y0), u1 - (room.x0 if w in (0, 2) else room.y0)
        side = 1 if rng.uniform() < 0.5 else -1
        for sd in (side, -side):  # the cooker at one end of the run, flush with the counter's front
            a, full, s, spec = c.scene.make("stove")
            hw = full["width"] / 2
            u = u1 + 0.006 + hw if sd > 0 else u0 - 0.006 - hw
            st = c.scene.try_floor("stove", rng, lambda lo, hi, u=u: ((*room.at_wall(w, u, hi[1] + 0.03), 0.0), WALL_YAW[w]), 1, full,
                                   gap=0.001)
            if st is not None:
                runs.append((w, st))
                break
        # an L: a second run (no sink) on a neighbouring wall
        for w2 in ((w + 1) % 4, (w + 3) % 4):
            L2 = room.length(w2)
            run2 = c.floor("kitchen_counter", c.against(w2), tries=8,
                           params={"width": round(float(min(2.4, max(1.2, L2 * rng.uniform(0.35, 0.6)))), 4), "sink": 0})
            if run2 is not None:
                runs.append((w2, run2))
                break
        for ww, obj in runs:
            a, b = _run_along(ww, obj)
            off = room.x0 if ww in (0, 2) else room.y0
            _uppers(c, ww, a - off + 0.002, b - off - 0.002)
            if obj["category"] == "kitchen_counter":
                for si in range(len(obj["_asset"].surfaces)):
                    c.scene.fill_surfaces(obj, KITCHEN_CLUTTER, c.n(7), rng, ceiling=UPPER_Z - 0.01)
        c.floor("fridge", c.against(w), tries=20) or c.floor("fridge", c.against(), tries=10)
    else:
        c.floor("fridge", c.against(), tries=10)
    if room.W * room.D > 10:
        _table_with_chairs(c, params={"width": 0.9, "depth": 0.7}, n_chairs=2, items=3, settings=False)
    else:
        c.floor("stool", c.against(), tries=10)
    c.mount("wall_art", int(rng.integers(0, 4)), room.length(0) / 2, 1.5, tries=6)
    c.decor(art=0, plants=1)
    c.ceiling_light(*room.centre())


def _bathroom(c):
    """Bathtub, toilet and vanity against the walls, a mirror over the vanity and things on its top, towel rails
    with towels, a bath mat, a laundry box and a stool."""
    rng, room = c.rng, c.room
    c.floor("bathtub", c.against(), tries=20)
    c.floor("toilet", c.against(), tries=20)
    van = c.floor("vanity", c.against(), tries=20)
    if van is not None:
        w = c.wall_of(van)
        c.mount("mirror", w, c.u_of(van, w), van["bounds"]["hi"][2] + 0.3, tries=1)
        c.on(van, ("bottle", "bottle", "jar", "candle", "potted_plant", "storage_box", "mug"), c.n(4))
    rails = 1 + int(rng.uniform() < 0.7 * c.dens)
    for w in rng.permutation(4):  # towel rails high enough to clear the tub, the cistern and the vanity
        if rails and c.mount("towel_rail", int(w), rng.uniform(0.5, room.length(int(w)) - 0.5), rng.uniform(0.95, 1.1), tries=8):
            rails -= 1
    toilet = next((o for o in c.scene.graph["objects"][::-1] if o["category"] == "toilet"), None)
    if toilet is not None and rng.uniform() < 0.6:  # a wall cabinet over the cistern
        w = c.wall_of(toilet)
        c.mount("wall_cabinet", w, c.u_of(toilet, w), max(1.55, toilet["bounds"]["hi"][2] + 0.45), tries=1,
                params={"width": round(float(rng.uniform(0.4, 0.6)), 4), "height": 0.55, "doors": 1, "depth": 0.3})
    for rp in ({"width": 1.0, "depth": 0.6, "pile": 0.01}, {"width": 0.8, "depth": 0.5, "pile": 0.01}):
        if c.floor("rug", c.against(off=0.35), tries=12, params=rp) is not None:
            break
    c.floor("storage_box", c.against(), tries=5)
    c.floor("stool", c.against(), tries=5)
    c.decor(art=0, plants=1)
    c.ceiling_light(*room.centre())


FURNISH = {"living_room": _living, "bedroom": _bedroom, "kitchen": _kitchen, "dining_room": _dining, "office": _office,
           "bathroom": _bathroom}


def furnish(scene, room, rng, windows) -> dict:
    """Place ``room.kind``'s furniture, decor and small objects; returns {object id: Asset} of what it placed."""
    before = len(scene.graph["objects"])
    c = _Ctx(scene, room, rng, windows)
    c.curtains()
    FURNISH[room.kind](c)
    return {o["id"]: o["_asset"] for o in scene.graph["objects"][before:]}
