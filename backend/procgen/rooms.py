"""Room types (bpy-free): what furniture each type holds, with what probability, and how pieces relate
(chairs face and half-tuck under tables, the sofa faces the TV and the coffee table, beds go against a wall with
nightstands at both sides and lamps on them, desks get a chair and a screen, shelves are filled with grouped books).
One recipe per type, written with the placement kit in room_kit.py.

``furnish(scene, room, rng, windows)`` places everything of ``room.kind`` inside ``room`` (plan_room.Room).
"""
from __future__ import annotations

import math

from .cushions import HOW_MANY, dress
from .dining import dining
from .kitchen import kitchen
from .study import office
from .geometry import edition, rng_for
from .layout import CONTACT_GAP, SKIRTING_DEPTH, overlap, world_aabb
from .room_kit import LAMP_ROOM, NORMAL, WALL_YAW, _Ctx, beside, facing, on_rug, room_beside, top_of, table_with_chairs, tuck

ROOM_KINDS = ("living_room", "bedroom", "kitchen", "dining_room", "office", "bathroom")
KIND_PROBS = (0.3, 0.2, 0.12, 0.15, 0.15, 0.08)
"""How often scene type "room" is each kind."""
SIZES = {"living_room": ((4.0, 7.5), (3.5, 6.5)), "bedroom": ((3.2, 5.5), (3.0, 5.0)), "kitchen": ((3.0, 5.0), (2.8, 4.5)),
         "dining_room": ((3.5, 6.0), (3.2, 5.5)), "office": ((3.0, 5.0), (2.8, 4.5)), "bathroom": ((2.4, 3.6), (2.2, 3.2))}
FLOORS = {"living_room": ("planks", "planks", "fabric"), "bedroom": ("planks", "fabric"), "kitchen": ("tile", "planks"),
          "dining_room": ("planks", "tile"), "office": ("planks", "fabric"), "bathroom": ("tile",)}


def draw_kind(rng) -> str:
    return ROOM_KINDS[int(rng.choice(len(ROOM_KINDS), p=KIND_PROBS))]


def apartment_kinds(rng, n) -> list:
    rest = ["bedroom", "kitchen", "office", "bathroom", "dining_room"]
    order = rng.permutation(len(rest))
    return ["living_room"] + [rest[i] for i in order[: n - 1]]


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
            sf, rc = rug["_asset"].surfaces[0], c.off_of(rug, w)  # the rug's local +Y points at wall w
            near, far = rc - sf["hi"][1] + 0.02 + ct_d / 2, rc - sf["lo"][1] - 0.02 - ct_d / 2
            # 40 cm of legroom in front of the sofa, the whole table on the rug's top (inside its fringes)
            x, y = room.at_wall(w, c.u_of(rug, w), max(near, min(depth + 0.03 + 0.4 + ct_d / 2, far)))
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
        table_with_chairs(c, params={"width": round(float(rng.uniform(0.9, 1.3)), 4), "depth": round(float(rng.uniform(0.7, 0.85)), 4)},
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
    bed = None
    if edition() >= 3:  # most bedrooms centre the bed on a wall, with room for a nightstand at each side
        bed = c.floor("bed", _nightstands_fit(c, c.against(centre=True)), tries=30) \
            or c.floor("bed", c.against(centre=True), tries=20)
    if bed is None:
        bed = c.floor("bed", c.against(), tries=60)
    if bed is None:
        bed = c.floor("bed", c.against(), tries=60, params={"width": round(float(rng.uniform(0.9, 1.3)), 4), "length": 1.95})
    rug = None
    if bed is not None:
        w = c.wall_of(bed)
        u = c.u_of(bed, w)
        bw = (bed["bounds"]["hi"][0] - bed["bounds"]["lo"][0]) if w in (0, 2) else (bed["bounds"]["hi"][1] - bed["bounds"]["lo"][1])
        if edition() >= 3:
            rug, back, room_w = _rug_under_bed(c, bed, w, u, bw)
        for side in (-1, 1):
            a, full, s, spec = c.scene.make("nightstand")
            if rug is not None:  # on the rug beside the bed, its back in line with the bed's
                full = {**full, "width": round(min(full["width"], room_w), 4)}
                nu = u + side * (bw / 2 + full["width"] / 2 + 0.04)
                z = top_of(rug)
                ns = c.scene.try_floor("nightstand", rng, lambda lo, hi, nu=nu, w=w: ((*room.at_wall(w, nu, hi[1] + back), z), WALL_YAW[w]),
                                       1, full, support={"object": rug["id"], "surface": 0}, gap=0.0)
            else:
                nu = u + side * (bw / 2 + full["width"] / 2 + 0.04)
                ns = c.scene.try_floor("nightstand", rng, lambda lo, hi, nu=nu, w=w: ((*room.at_wall(w, nu, hi[1] + 0.03), 0.0), WALL_YAW[w]), 1, full)
            if ns is not None:
                c.lamp_on(ns)
                if edition() >= 3:  # a book or two, a glass, a clock-sized plant: a bedside as it is used
                    c.on(ns, ("book", "book", "mug", "candle", "wine_glass", "potted_plant", "bottle"), c.n(2.2))
                else:
                    c.on(ns, ("book", "mug", "candle", "wine_glass"), c.n(1))
        c.mount("wall_art", w, u, 1.45, tries=2)
        nx, ny = NORMAL[w]
        L = (bed["bounds"]["hi"][1] - bed["bounds"]["lo"][1]) if w in (0, 2) else (bed["bounds"]["hi"][0] - bed["bounds"]["lo"][0])
        x, y = room.at_wall(w, u, L + 0.1 + 0.5)
        if rug is None:
            c.floor("rug", lambda lo, hi: ((x + rng.uniform(-0.1, 0.1), y, 0.0), WALL_YAW[w]), tries=3,
                    params={"depth": 0.9, "width": round(float(min(2.4, bw + 0.3)), 4)})
    c.floor("wardrobe", c.against())
    dresser = c.floor("cabinet", c.against(), params={"drawers": 1}) or c.floor(
        "cabinet", c.against(), params={"drawers": 1, "width": round(float(rng.uniform(0.5, 0.7)), 4), "depth": 0.4})
    c.on(dresser, ("vase", "book", "candle", "storage_box", "potted_plant", "bottle"), c.n(4.5 if edition() >= 3 else 3))
    if dresser is not None:
        dw = c.wall_of(dresser)
        c.mount("mirror", dw, c.u_of(dresser, dw), dresser["bounds"]["hi"][2] + 0.25, tries=1)
    if rng.uniform() < 0.5:
        c.shelves(c.floor("bookshelf", c.against(), params={"height": round(float(rng.uniform(0.9, 1.25)), 4)}))
    if edition() >= 3:
        _bedroom_extras(c, bed, rug)
        return
    c.decor(art=1, plants=1)
    c.ceiling_light(*room.centre())


NIGHTSTAND_ROOM = 0.45
"""Edition 3: the floor (m, square) a bed keeps free at each side for a nightstand, when it can."""


def _nightstands_fit(c, pick):
    """Pose proposer: ``pick``'s poses (backs against a wall) that leave a NIGHTSTAND_ROOM square free at both sides
    of the object against its wall, 0.7 m high (the camera corners and the doors' clearances often took one side:
    53 of edition-3 bedroom seeds 0-99 had one nightstand or none)."""
    return room_beside(c, pick, NIGHTSTAND_ROOM, both=True, gap=0.04, height=0.7)


RUG_UNDER_BED = 0.6
"""Edition 3: how often a double bed (1.2 m wide or more) stands on a big rug that also carries its nightstands and
reaches past its foot (drawn, as the bedroom's other choices, from the room's stream)."""


def _rug_under_bed(c, bed, w, u, bw):
    """Edition 3: sometimes slide a big rug under the bed (against wall ``w`` at ``u``, ``bw`` wide) and its
    nightstands' places, tassels at the sides, reaching 0.3-0.75 m past the bed's foot, made smaller until it is
    clear of doors and windows, and lift the bed onto it, 4 cm in from the rug's back edge. Returns
    (rug or None, how far the bed's back now stands from the wall, the widest nightstand the rug carries)."""
    rng, room = c.rng, c.room
    if bw < 1.2 or rng.uniform() >= RUG_UNDER_BED:
        return None, 0.03, 0.0
    L = (bed["bounds"]["hi"][1] - bed["bounds"]["lo"][1]) if w in (0, 2) else (bed["bounds"]["hi"][0] - bed["bounds"]["lo"][0])
    clear = SKIRTING_DEPTH + 0.002
    depth = min(3.0, 0.04 + L + rng.uniform(0.5, 0.75))
    width = min(3.0, max(bw + 1.2 + rng.uniform(0.1, 0.5), depth + 0.01))
    mine = c.scene.blocker_of(bed)
    others = [b for b in c.scene.blockers if b is not mine]
    (ix0, iy0, _), (ix1, iy1, _) = c.scene.inside
    back = clear + 0.001 + 0.04     # the pile's back edge stands ``clear + 1 mm`` off the wall (try_floor's margin)

    def fits(wd, dp, du, room_w):  # the rug's box (tassels, up to 8 cm, at the sides) inside, clear of doors and
        x, y = room.at_wall(w, u + du, dp / 2 + 0.01 + clear + 0.001)   # furniture, and the nightstands' places free
        lo, hi = world_aabb((-wd / 2 - 0.08, -dp / 2 - 0.01, 0.0), (wd / 2 + 0.08, dp / 2 + 0.01, 0.02), (x, y, 0.0), WALL_YAW[w])
        if not (ix0 + clear <= lo[0] and hi[0] <= ix1 - clear and iy0 + clear <= lo[1] and hi[1] <= iy1 - clear) \
                or any(overlap((lo, hi), b, 0.02) for b in others if b not in c.scene.flat_ok):
            return False
        nw = min(room_w, 0.6)
        for side in (-1, 1):
            x, y = room.at_wall(w, u + side * (bw / 2 + 0.04 + nw / 2), back + 0.225)
            if any(overlap(world_aabb((-nw / 2, -0.225, 0.0), (nw / 2, 0.225, 0.7), (x, y, 0.02), WALL_YAW[w]), b, 0.02) for b in others):
                return False
        return True
    for k in range(10):  # smaller, then off-centre, until it fits: 10 cm narrower and 5 cm shorter a step
        wd, dp = width - 0.1 * k, min(depth - 0.05 * k, width - 0.1 * k - 0.01)   # longer across: tassels at the sides
        if dp < 0.04 + L + 0.3:
            return None, 0.03, 0.0
        for du in (0.0, 0.15, -0.15, 0.3, -0.3):   # nightstands 1 cm inside the fringed ends' inset
            room_w = wd / 2 - abs(du) - 0.11 - (bw / 2 + 0.04)
            if room_w >= 0.35 and fits(wd, dp, du, room_w):
                break
        else:
            continue
        break
    else:
        return None, 0.03, 0.0
    old, new = room.at_wall(w, u, 0.0), room.at_wall(w, u, back - 0.03)
    rug = c.scene.lay_under(bed, "rug", rng, lambda lo, hi: ((*room.at_wall(w, u + du, hi[1] + clear + 0.001), 0.0), WALL_YAW[w]),
                            {"width": round(wd, 4), "depth": round(dp, 4)}, (new[0] - old[0], new[1] - old[1]))
    return (rug, back, room_w) if rug is not None else (None, 0.03, 0.0)


def _chair_at_desk(c, desk, w, u, dd, turn, phases=False):
    """A chair facing ``desk`` (against wall ``w`` at ``u``, ``dd`` deep), turned up to ``turn`` rad, its turned box
    just clear of the desk's front, then tucked into the knee space."""
    rng, room = c.rng, c.room
    surf = desk["_asset"].surfaces[0]

    def chair_pose(lo, hi):
        yaw = WALL_YAW[w] + math.pi + rng.uniform(-turn, turn)
        ext = world_aabb(lo, hi, (0.0, 0.0, 0.0), yaw)
        to_wall = max(-(x * NORMAL[w][0] + y * NORMAL[w][1]) for x in (ext[0][0], ext[1][0]) for y in (ext[0][1], ext[1][1]))
        x, y = room.at_wall(w, u + rng.uniform(-0.1, 0.1), dd + 0.03 + to_wall + 0.03)
        return (x, y, 0.0), yaw
    ch = c.floor("chair", chair_pose, tries=6)
    if ch is not None:
        half = (surf["hi"][0] - surf["lo"][0]) / 2
        tuck(c, ch, desk, (-NORMAL[w][0], -NORMAL[w][1]), sideways=[k * half for k in (0.0, 0.3, -0.3, 0.45, -0.45)], phases=phases)


def _bedroom_extras(c, bed, rug=None):
    """Edition 3: what else a lived-in bedroom holds, each when it fits: a reading corner (an armchair with a floor
    lamp beside it), a desk with a chair, a wall shelf with books, a laundry basket, a bench or
    stool at the bed's foot, a TV on a stand; more pictures and plants."""
    rng, room = c.rng, c.room
    if rng.uniform() < 0.45:  # a reading corner
        chair = c.floor("armchair", room_beside(c, c.against(), LAMP_ROOM), tries=20) \
            or c.floor("armchair", c.against(), tries=20)  # no room for the lamp anywhere: the chair alone
        if chair is not None:
            for side in rng.permutation([-1, 1]):  # at one arm, tucked back towards the wall
                if beside(c, chair, "floor_lamp", side) is not None:
                    break
    if room.W * room.D >= 13 and rng.uniform() < 0.35:  # a desk with a chair pulled up to it
        desk = c.floor("desk", c.against(front=0.7), tries=20)
        if desk is not None:
            surf = desk["_asset"].surfaces[0]
            c.scene.place_on(desk, 0, "table_lamp", (surf["lo"][0] + 0.15, surf["hi"][1] - 0.15), 0.0)
            c.on(desk, ("book", "laptop", "mug", "potted_plant", "candle"), c.n(2))
            w = c.wall_of(desk)
            dd = (desk["bounds"]["hi"][1] - desk["bounds"]["lo"][1]) if w in (0, 2) else (desk["bounds"]["hi"][0] - desk["bounds"]["lo"][0])
            _chair_at_desk(c, desk, w, c.u_of(desk, w), dd, 0.25)
    if rng.uniform() < 0.55:  # books and a plant on a wall shelf
        shelf = c.shelf_on_a_wall((1.35, 1.7), tries=8)
        if shelf is not None:
            c.scene.fill_books(shelf, 0, rng, fill=rng.uniform(0.3, 0.6))
            c.on(shelf, ("potted_plant", "candle", "vase", "storage_box"), c.n(1.5))
    if bed is not None and rng.uniform() < 0.35:  # a bench or stool at the bed's foot
        w = c.wall_of(bed)
        L = (bed["bounds"]["hi"][1] - bed["bounds"]["lo"][1]) if w in (0, 2) else (bed["bounds"]["hi"][0] - bed["bounds"]["lo"][0])
        low = {"height": round(float(rng.uniform(0.42, 0.5)), 4)}   # a low stool, under the mattress's height
        if rug is None:
            x, y = room.at_wall(w, c.u_of(bed, w), L + 0.3)
            c.floor("stool", lambda lo, hi: ((x + rng.uniform(-0.1, 0.1), y + rng.uniform(-0.1, 0.1), 0.0), WALL_YAW[w]), tries=3,
                    params=low)
        else:  # on the rug, just clear of the bed's foot
            b = bed["bounds"]
            foot = {0: b["hi"][1] - room.y0, 2: room.y0 + room.D - b["lo"][1], 1: room.x0 + room.W - b["lo"][0], 3: b["hi"][0] - room.x0}[w]

            def by_foot(lo, hi):
                x, y = room.at_wall(w, c.u_of(bed, w) + rng.uniform(-0.15, 0.15), foot + 0.05 + hi[1] + rng.uniform(0.0, 0.05))
                return (x, y, 0.0), WALL_YAW[w]
            on_rug(c, "stool", rug, by_foot, tries=3, params=low)
    if rng.uniform() < 0.5:
        c.floor("storage_box", c.against(), tries=10)  # the laundry basket
    if room.W * room.D >= 14 and bed is not None and rng.uniform() < 0.25:  # a TV facing the bed
        w = (c.wall_of(bed) + 2) % 4
        stand = c.floor("tv_stand", c.against(w, c.u_of(bed, c.wall_of(bed))), tries=8)
        if stand is not None:
            sf = stand["_asset"].surfaces[0]
            c.scene.place_on(stand, 0, "tv", (0.0, 0.0), 0.0, {"diagonal": round(float(min(1.2, (sf["hi"][0] - sf["lo"][0]) / 0.9)), 4)})
    c.decor(art=1.6, plants=1.5)
    c.ceiling_light(*room.centre())


def _dining(c):
    """A table with chairs, a sideboard, sometimes a bookshelf, pictures and plants; edition 3: ``dining.dining``."""
    if edition() >= 3:
        return dining(c)
    t = table_with_chairs(c, params={"width": round(float(min(1.8, max(1.2, c.room.W * 0.35))), 4)}, n_chairs=4 + 2 * int(c.rng.uniform() < 0.5))
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
    """A desk with its chair, a screen and a lamp, bookshelves or a cabinet, a rug; edition 3: ``study.office``."""
    if edition() >= 3:
        return office(c)
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

        _chair_at_desk(c, desk, w, u, dd, 0.3)
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


def _bathroom(c):
    """Bathtub, toilet and vanity against the walls, a mirror over the vanity and things on its top, towel rails
    with towels, a bath mat, a laundry box and a stool. Edition 3 (``_bathroom_3``): the fixtures first, smaller
    ones where the first do not fit, then the toilet-roll holder, a wall shelf with toiletries, folded towels."""
    if edition() >= 3:
        return _bathroom_3(c)
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


TOILETRIES = ("soap_dispenser", "tooth_mug", "bottle", "bottle", "jar", "candle", "potted_plant")
"""What stands on an edition-3 bathroom's vanity and shelves."""


def _towels_on(c, obj):
    """A stack of folded towels squared up at one end of ``obj``'s first surface, as deep as it allows."""
    if obj is None or not obj["_asset"].surfaces:
        return None
    sf = obj["_asset"].surfaces[0]
    sw, sd = sf["hi"][0] - sf["lo"][0], sf["hi"][1] - sf["lo"][1]
    w = round(float(min(0.32, sw * 0.45, max(0.2, sd * 1.4))), 4)
    d = round(float(min(0.26, sd - 0.012)), 4)
    if w < 0.2 or d < 0.12:  # the towel factory's smallest fold
        return None
    end = 1 if c.rng.uniform() < 0.5 else -1
    x = (sf["lo"][0] + sf["hi"][0]) / 2 + end * (sw / 2 - w / 2 - 0.015)
    return c.scene.place_on(obj, 0, "towel", (x, (sf["lo"][1] + sf["hi"][1]) / 2), 0.0,
                            {"width": w, "depth": d, "count": int(c.rng.integers(1, 5))})


SHOWER_P = 0.35
"""Edition 3: the share of bathrooms planned with a corner shower instead of a tub (a bathroom with no room for a tub
gets the shower too; a big one, 9 m2 or more, sometimes both)."""


SHOWER_TILES = 2.1
"""Edition 3: a bathroom with a shower has its walls tiled to at least this height (m)."""


SHOWER_OVER_TRIES = 3
"""Edition 3: how many tubs a bathroom tiled to over the head draws looking for one with a shower over it (half of
the tubs carry one) before it takes any tub."""


def wants_shower(seed, room_name) -> bool:
    """Is the edition-3 bathroom ``room_name`` of scene ``seed`` planned round a shower (SHOWER_P)? Its own seeded
    draw: the walls (tiled to shower height, ``plan_room._structure``) are planned before the fixtures."""
    return bool(rng_for(seed, "bathroom", room_name, "shower").uniform() < SHOWER_P)


def _into_corner(c, params):
    """Pose proposer for a ``shower``: back against a random wall, its ``wall_side`` end (see the factory) against
    the side wall at that end of it, 2 mm clear of both (of their tiles: ``flush``), its fittings on the wall."""
    room = c.room
    ws = -1.0 if int((params or {}).get("wall_side", 0)) == 0 else 1.0

    def pose(lo, hi):
        w = int(c.rng.integers(0, 4))
        halfw = max(-lo[0], hi[0])
        L = room.length(w)
        if L < 2 * halfw + 0.1:
            return None
        yaw = WALL_YAW[w]
        along = math.cos(yaw) if w in (0, 2) else math.sin(yaw)   # the object's +X along the wall's u (+1 or -1)
        e = c.flush()
        u = halfw + e if ws * along < 0 else L - halfw - e
        return (*room.at_wall(w, u, hi[1] + e), 0.0), yaw
    return pose


def _bathroom_3(c):
    rng, room = c.rng, c.room
    high = room.lining is None or room.lining[1] >= SHOWER_TILES - 1e-6   # tiled to a shower's height
    # 1. The fixtures: the tub into a corner first (the biggest), then the toilet and the basin, each smaller where
    # the first will not fit
    def corner(lo, hi):
        w = int(rng.integers(0, 4))
        halfw = max(-lo[0], hi[0])
        L = room.length(w)
        if L < 2 * halfw + 0.1:
            return None
        e = c.flush()        # the tub's back and end against the walls' tiles, its fittings on them
        u = halfw + e if rng.uniform() < 0.5 else L - halfw - e
        if hi[2] > 1.2 and not high:   # a shower over the tub only where the walls are tiled to over the head
            return None
        if hi[2] > 1.2:      # a shower over the tub: its tap end (+X, where the screen or curtain is) in the corner
            yaw = WALL_YAW[w]
            along = math.cos(yaw) if w in (0, 2) else math.sin(yaw)   # the tub's +X along the wall's u (+1 or -1)
            u = halfw + e if along < 0 else L - halfw - e
        return (*room.at_wall(w, u, hi[1] + e), 0.0), WALL_YAW[w]
    def a_tub():
        # where the walls are tiled to over the head, a tub with a shower over it first (half of the tubs drawn
        # carry one; bathroom seeds 0-39 had 3 of 25 tubs with a shower over them, now 6): up to three drawn tubs
        for _ in range(SHOWER_OVER_TRIES if high else 0):
            t = c.floor("bathtub", lambda lo, hi: corner(lo, hi) if hi[2] > 1.2 else None, tries=16)
            if t is not None:
                return t
        for tp in (None, {"length": 1.6, "width": 0.75}, {"length": 1.5, "width": 0.7}):
            t = c.floor("bathtub", corner, tries=16, params=tp)
            if t is not None:
                return t
        # a tub with a shower over it fits fewer places (its tap end in a corner, its glass or rail clear of the
        # windows): then up to three more, only plain ones
        for _ in range(3):
            t = c.floor("bathtub", lambda lo, hi: corner(lo, hi) if hi[2] < 1.2 else None, tries=16, params={"length": 1.5, "width": 0.7})
            if t is not None:
                return t
        # every corner taken (a door, the camera corners, a window): a plain tub along a wall (bathroom 138 had no
        # tub and no shower)
        for _ in range(6):   # each try a new tub, plain ones only (a shower over it needs a corner)
            t = c.floor("bathtub", lambda lo, hi: c.against()(lo, hi) if hi[2] < 1.2 else None, tries=30,
                        params={"length": 1.5, "width": 0.7})
            if t is not None:
                return t
        return None

    def a_shower():
        side = int(rng.integers(0, 2))
        for sp in ({"wall_side": side}, {"width": 0.9, "depth": 0.8, "wall_side": side}, {"width": 0.8, "depth": 0.8, "wall_side": side}):
            s = c.floor("shower", _into_corner(c, sp), tries=16, params=sp)
            if s is not None:
                return s
        return None
    if wants_shower(c.scene.seed, room.name):
        tub, shower = None, a_shower()
        if shower is None:
            tub = a_tub()
    else:
        tub, shower = a_tub(), None
        # a shower instead, or as well in a big room whose walls are tiled to over the head (the tiles were planned
        # before the fixtures, to the shower's height only in the rooms ``wants_shower`` picked)
        if tub is None or (room.W * room.D >= 9 and rng.uniform() < 0.35 and high):
            shower = a_shower()
    toilet = c.floor("toilet", c.against(), tries=40)
    van = None
    for vp in (None, {"width": round(float(rng.uniform(0.6, 0.8)), 4), "depth": 0.45}, {"width": 0.5, "depth": 0.4}):
        van = c.floor("vanity", c.against(), tries=60, params=vp)
        if van is not None:
            break
    # 2. Over and beside them: the mirror and toiletries at the basin, a roll holder by the toilet, a cabinet or a
    # shelf over the cistern, a shelf over the tub
    if van is not None:
        w = c.wall_of(van)
        c.mount("mirror", w, c.u_of(van, w), van["bounds"]["hi"][2] + 0.3, tries=1)
        for si, sf in enumerate(van["_asset"].surfaces[:1]):  # soap by the basin
            c.scene.place_on(van, si, "soap_dispenser", ((sf["lo"][0] + sf["hi"][0]) / 2, (sf["lo"][1] + sf["hi"][1]) / 2), 0.0)
        c.on(van, TOILETRIES, c.n(3.5))
    if toilet is not None:
        w = c.wall_of(toilet)
        u = c.u_of(toilet, w)
        half = (toilet["bounds"]["hi"][0] - toilet["bounds"]["lo"][0]) / 2 if w in (0, 2) else (toilet["bounds"]["hi"][1] - toilet["bounds"]["lo"][1]) / 2
        for side in rng.permutation([-1, 1]):
            if c.mount("toilet_roll", w, u + side * (half + rng.uniform(0.12, 0.25)), rng.uniform(0.6, 0.72), tries=1) is not None:
                break
        top = toilet["bounds"]["hi"][2]
        if rng.uniform() < 0.45:
            c.mount("wall_cabinet", w, u, max(1.55, top + 0.45), tries=1,
                    params={"width": round(float(rng.uniform(0.4, 0.6)), 4), "height": 0.55, "doors": 1, "depth": 0.3})
        else:
            shelf = c.wall_shelf(w, u, max(1.25, top + 0.4), tries=1,
                                 params={"width": round(float(rng.uniform(0.5, 0.75)), 4), "depth": round(float(rng.uniform(0.16, 0.22)), 4)})
            if rng.uniform() < 0.7:
                _towels_on(c, shelf)
            c.on(shelf, TOILETRIES, c.n(2.5))
    if tub is not None and rng.uniform() < 0.6 and tub["bounds"]["hi"][2] - tub["bounds"]["lo"][2] < 1.2:   # not over a shower
        w = c.wall_of(tub)
        c.on(c.wall_shelf(w, c.u_of(tub, w) + rng.uniform(-0.3, 0.3), tub["bounds"]["hi"][2] + rng.uniform(0.45, 0.6), tries=1,
                          params={"width": round(float(rng.uniform(0.4, 0.7)), 4), "depth": 0.14}), TOILETRIES, c.n(2.5))
    # 3. Towels on rails high enough to clear the tub, the cistern and the vanity; a bath mat, a basket, a stool
    rails = 1 + int(rng.uniform() < 0.7 * c.dens)
    for w in rng.permutation(4):
        for _ in range(3):   # anywhere along the wall: a shower or a tub in its corner takes much of it
            if rails and c.mount("towel_rail", int(w), rng.uniform(0.5, room.length(int(w)) - 0.5), rng.uniform(0.95, 1.1), tries=5):
                rails -= 1
                break
    for rp in ({"width": 1.0, "depth": 0.6, "pile": 0.01}, {"width": 0.8, "depth": 0.5, "pile": 0.01}):
        if c.floor("rug", c.against(off=0.35), tries=12, params=rp) is not None:
            break
    c.floor("storage_box", c.against(), tries=8)
    c.floor("stool", c.against(), tries=8)
    c.decor(art=0.6, plants=1.3)
    c.ceiling_light(*room.centre())


FURNISH = {"living_room": _living, "bedroom": _bedroom, "kitchen": kitchen, "dining_room": _dining, "office": _office,
           "bathroom": _bathroom}


def furnish(scene, room, rng, windows) -> dict:
    """Place ``room.kind``'s furniture, decor and small objects; returns {object id: Asset} of what it placed."""
    before = len(scene.graph["objects"])
    c = _Ctx(scene, room, rng, windows)
    c.curtains()
    FURNISH[room.kind](c)
    if room.kind in ("living_room", "bedroom"):  # throw cushions on the seats and beds (their own seeded stream)
        for o in list(scene.graph["objects"][before:]):
            # edition 3 beds have crowned pillows on a draped duvet: their throw cushions met the pillows' sides (9 pairs
            # interpenetrating on real triangles over bedroom seeds 0-199), so they go without
            if o["category"] in HOW_MANY and not (o["category"] == "bed" and edition() >= 3):
                dress(scene, o)
    return {o["id"]: o["_asset"] for o in scene.graph["objects"][before:]}
