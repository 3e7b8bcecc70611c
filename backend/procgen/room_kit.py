"""The placement kit the room recipes (rooms.py) are written with (bpy-free): poses against walls, wall and ceiling
mounts, filling supports and shelves, curtains beside windows, table lamps sized to their nightstand, and chairs
turned towards a table or desk and slid in under it as far as the real triangles allow (``tuck``).

``_Ctx`` holds one room's scene, box, RNG and windows; every recipe takes one.
"""
from __future__ import annotations

import math

import numpy as np

from .geometry import edition, rot_z
from .layout import CONTACT_GAP, in_surface, overlap, world_aabb
from .measure import slide_clearance, triangles

TUCK_MARGIN = 0.006
"""A tucked chair stops this far (m) short of the first contact measured along its slide."""
TUCK_UNDER = 0.03
"""A chair counts as tucked when its seat front is at least this far (m) in under the table top's edge."""

WALL_YAW = (math.pi, -math.pi / 2, 0.0, math.pi / 2)  # turns an object's back (+Y) towards wall 0..3
NORMAL = ((0, 1), (-1, 0), (0, -1), (1, 0))
TABLE_TOP = ("mug", "bowl", "plate", "vase", "bottle", "book", "potted_plant", "candle", "fruit", "wine_glass")
DECOR = ("vase", "book", "potted_plant", "candle", "bowl", "storage_box")
GROUP_AT = ((0.0, 0.0), (1.2, -0.6), (-1.2, -0.7), (0.3, -1.4), (2.2, -0.2), (-2.2, -0.3))
"""Edition 3: where (in units of a group's spread; -Y is the front of the top) the things of a group stand."""


def facing(frm, to):
    """Yaw that turns an object's front (-Y) at ``frm`` towards the point ``to``."""
    return math.atan2(to[0] - frm[0], -(to[1] - frm[1]))


class _Ctx:
    def __init__(self, scene, room, rng, windows):
        self.scene, self.room, self.rng, self.windows = scene, room, rng, windows
        self.dens = scene.graph["params"]["density"]

    def n(self, base):
        return int(math.floor(base * self.dens + self.rng.uniform(0, 1)))

    def against(self, w=None, u=None, off=0.03, front=0.0, centre=False):
        """Pose proposer: back against wall ``w`` (random when None) at ``u`` (random when None; near the wall's
        middle with ``centre``); with ``front`` > 0 only where a strip that deep in front of the object is free too
        (room for the chair at a desk)."""
        def pose(lo, hi):
            wall = int(self.rng.integers(0, 4)) if w is None else w
            halfw = max(-lo[0], hi[0])
            L = self.room.length(wall)
            if L < 2 * halfw + 0.1:
                return None
            if centre:
                uu = L / 2 + self.rng.uniform(-0.3, 0.3)
            else:
                uu = self.rng.uniform(halfw + 0.05, L - halfw - 0.05) if u is None else u + self.rng.uniform(-0.3, 0.3)
            x, y = self.room.at_wall(wall, uu, hi[1] + off)
            if front > 0:
                nx, ny = NORMAL[wall]
                strip = world_aabb(lo, (hi[0], hi[1], max(hi[2], 1.1)), (x + nx * front, y + ny * front, 0.0), WALL_YAW[wall])
                if not self.scene.free(strip, 0.0):
                    return None
            return (x, y, 0.0), WALL_YAW[wall]
        return pose

    def floor(self, cat, pose, tries=30, params=None, seed=None):
        return self.scene.try_floor(cat, self.rng, pose, tries, params, seed=seed)

    def wall_of(self, obj):
        yaw = obj["rotation_z"]
        return min(range(4), key=lambda w: abs(math.remainder(yaw - WALL_YAW[w], 2 * math.pi)))

    def u_of(self, obj, w):
        x, y = obj["location"][0] - self.room.x0, obj["location"][1] - self.room.y0
        return x if w in (0, 2) else y

    def off_of(self, obj, w):
        """How far (m) in from wall ``w`` the object's origin stands."""
        x, y = obj["location"][0] - self.room.x0, obj["location"][1] - self.room.y0
        return {0: y, 2: self.room.D - y, 1: self.room.W - x, 3: x}[w]

    def _on_tiles(self, z):
        """How far (m) out from the wall a thing hung with its base at ``z`` sits: on the wall tiles where they reach."""
        lining = self.room.lining
        return lining[0] if lining is not None and z < lining[1] else 0.0

    def flush(self):
        """How far (m) in from a wall the back of a fixture standing on the floor against it goes: 1 mm more than
        ``Scene.wall_clear`` (the skirting's depth, or the tiles' where a bathroom has them instead)."""
        return self.scene.wall_clear + 0.001

    def mount(self, cat, w, u, z, params=None, tries=8):
        """A wall-mounted object (back against wall ``w``) with its base at height ``z``."""
        on_tiles = self._on_tiles(z)

        def pose(lo, hi):
            uu = u + self.rng.uniform(-0.4, 0.4) if tries > 1 else u
            if self.room.lining is not None and z < self.room.lining[1]:   # not into the side wall's tiles
                half, t = max(-lo[0], hi[0]), self.room.lining[0] + 0.002
                if uu - half < t or uu + half > self.room.length(w) - t:
                    return None
            x, y = self.room.at_wall(w, uu, hi[1] + 0.002 + on_tiles)
            return (x, y, z), WALL_YAW[w]
        return self.scene.try_floor(cat, self.rng, pose, tries, params, support="wall")

    def wall_shelf(self, w, u, z, params=None, tries=4):
        """A wall shelf (edition 3) with its base at ``z`` on wall ``w`` near ``u``, where the space over its top (its
        surface's clear height) is free too, and that space then kept free for what will stand on it."""
        on_tiles = self._on_tiles(z)
        a, full, s, spec = self.scene.make("wall_shelf", params)
        clear = a.surfaces[0]["clear"]

        def pose(lo, hi):
            uu = u + self.rng.uniform(-0.4, 0.4) if tries > 1 else u
            x, y = self.room.at_wall(w, uu, hi[1] + 0.002 + on_tiles)
            b = world_aabb(lo, hi, (x, y, z), WALL_YAW[w])
            above = ([b[0][0], b[0][1], b[1][2]], [b[1][0], b[1][1], b[1][2] + clear])
            if not self.scene.free(above, 0.01) or any(  # what stands on other furniture is not a blocker: ask it too
                    overlap(box, (o["bounds"]["lo"], o["bounds"]["hi"]), 0.01) for box in (b, above) for o in self.scene.graph["objects"]):
                return None
            return (x, y, z), WALL_YAW[w]
        shelf = self.scene.try_floor("wall_shelf", self.rng, pose, tries, full, support="wall")
        if shelf is not None:
            lo, hi = shelf["bounds"]["lo"], shelf["bounds"]["hi"]
            self.scene.blockers.append(([lo[0], lo[1], hi[2]], [hi[0], hi[1], hi[2] + clear]))
        return shelf

    def shelf_on_a_wall(self, z_range, params=None, tries=3):
        """A wall shelf on the first wall (in random order) with room for one at a height in ``z_range``; ``params``
        a callable drawing its parameters per wall (None: the factory's own draw). None when no wall has room."""
        for w in self.rng.permutation(4):
            w = int(w)
            shelf = self.wall_shelf(w, self.rng.uniform(0.7, self.room.length(w) - 0.7), self.rng.uniform(*z_range), tries=tries,
                                    params=params() if params else None)
            if shelf is not None:
                return shelf
        return None

    def corner(self):
        """Pose proposer: back against a random wall, one side against the next wall (into a corner), clear of the
        skirting of both (edition 3: plants and display cabinets)."""
        def pose(lo, hi):
            w = int(self.rng.integers(0, 4))
            e = self.scene.wall_clear + 0.01
            halfw, L = max(-lo[0], hi[0]), self.room.length(w)
            u = halfw + e if self.rng.uniform() < 0.5 else L - halfw - e
            return (*self.room.at_wall(w, u, hi[1] + e), 0.0), WALL_YAW[w]
        return pose

    def group(self, sup, x, cats, si=0, spread=0.1):
        """Things standing together round surface-local ``x`` of ``sup``'s surface ``si`` (a lamp and a book, three
        candles, a bottle with its glasses), each at a small offset from the group's middle, towards the front
        (edition 3); those that do not fit are left out. Returns what it placed."""
        if sup is None:
            return []
        sf = sup["_asset"].surfaces[si]
        spread = max(spread, 0.18) if "table_lamp" in cats else spread   # things beside a lamp, not under its shade
        y = (sf["lo"][1] + sf["hi"][1]) / 2 + 0.3 * min(spread, 0.1)
        out, free = [], list(GROUP_AT)
        for cat in cats:   # each at the first of the group's places where it fits
            p = {"shade_radius": 0.13, "base_radius": 0.06} if cat == "table_lamp" else None
            for dx, dy in free[:3]:
                yaw = self.rng.uniform(-0.5, 0.5) if p is None else 0.0   # a lamp square on: its turned box is wider
                o = self.scene.place_on(sup, si, cat, (x + dx * spread + self.rng.uniform(-0.01, 0.01), y + dy * spread), yaw, p)
                if o is not None:
                    out.append(o)
                    free.remove((dx, dy))
                    break
        return out

    def arrange(self, sup, ends, middle, si=0):
        """Edition 3: a top dressed as people dress one: a group at each end (one of ``ends`` each, the two ends
        different) and one of ``middle`` in the middle, where the top is wide enough (else one end group)."""
        if sup is None or not sup["_asset"].surfaces:
            return []
        sf = sup["_asset"].surfaces[si]
        half = (sf["hi"][0] - sf["lo"][0]) / 2
        mid = (sf["lo"][0] + sf["hi"][0]) / 2
        pick = [int(k) for k in self.rng.permutation(len(ends))[:2]]
        side = 1 if self.rng.uniform() < 0.5 else -1
        if half < 0.4:
            return self.group(sup, mid, ends[pick[0]], si)
        out = self.group(sup, mid + side * (half - 0.17), ends[pick[0]], si)
        out += self.group(sup, mid - side * (half - 0.17), ends[pick[1]], si)
        if half >= 0.45:
            out += self.group(sup, mid, middle[int(self.rng.integers(0, len(middle)))], si, spread=0.08)
        return out

    def box_row(self, shelf, si):
        """Edition 3: storage boxes side by side along shelf ``si`` from one end, as tall as its clear space allows."""
        sf = shelf["_asset"].surfaces[si]
        h = min(0.25, sf["clear"] - 0.03)
        d = round(float(min(0.3, sf["hi"][1] - sf["lo"][1] - 0.02)), 4)
        if h < 0.1 or d < 0.15:
            return []
        x, out = sf["lo"][0] + 0.01, []
        for _ in range(int(self.rng.integers(2, 5))):
            w = round(float(self.rng.uniform(0.2, 0.3)), 4)
            if x + w > sf["hi"][0] - 0.01:
                break
            o = self.scene.place_on(shelf, si, "storage_box", (x + w / 2 + 0.001, (sf["lo"][1] + sf["hi"][1]) / 2), 0.0,
                                    {"width": w, "depth": d, "height": round(float(max(0.08, self.rng.uniform(0.7, 1.0) * h)), 4)})
            if o is not None:
                out.append(o)
            x += w + 0.012
        return out

    def ceiling_light(self, x, y):
        a, full, s, spec = self.scene.make("ceiling_light")
        lo, hi = a.mesh.bounds()
        H = self.room.H
        drop_ok = min(full["drop"], H - 2.1 - (hi[2] - full["drop"]))
        params = dict(full, drop=round(max(0.1, drop_ok), 4))

        def pose(lo, hi):
            return (x, y, H - 0.0005 - hi[2]), 0.0
        got = self.scene.try_floor("ceiling_light", self.rng, pose, 1, params, support="ceiling")
        if got is None and edition() >= 3:  # edition 3: a small room's centre can be in the door's clearance: off it
            for dx, dy in ((0.35, 0.0), (-0.35, 0.0), (0.0, 0.35), (0.0, -0.35), (0.35, 0.35), (-0.35, -0.35), (0.35, -0.35), (-0.35, 0.35)):
                got = self.scene.try_floor("ceiling_light", self.rng, lambda lo, hi, dx=dx, dy=dy: ((x + dx, y + dy, H - 0.0005 - hi[2]), 0.0),
                                           1, params, support="ceiling")
                if got is not None:
                    break
        return got

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
            self.scene.fill_surfaces(sup, cats, count, self.rng, ceiling=self.room.H - self.room.cornice)

    def shelves(self, shelf):
        if shelf is None:
            return
        for si in range(len(shelf["_asset"].surfaces)):
            if self.rng.uniform() < 0.85:
                # edition 3: shelves packed as lived-in ones are (some tall bookcases close their bottom with doors)
                base = 0.65 if edition() >= 3 else 0.55
                self.scene.fill_books(shelf, si, self.rng, fill=min(0.9, base + 0.2 * self.dens))
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
                top = min(wtop + 0.15, self.room.H - 0.06 - self.room.cornice)
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


LAMP_ROOM = 0.5
"""Width (m) of the floor a reading chair keeps free at one arm, against its wall, for its floor lamp (edition 3)."""


def room_beside(c, pick, width, both=False, gap=0.06, height=1.7):
    """Pose proposer: ``pick``'s poses (backs against a wall) that leave a ``width`` square of floor free against
    the same wall, ``height`` high, at one side of the object (at ``both`` sides), ``gap`` from it, inside the room
    (a floor lamp's place, or two nightstands')."""
    room, scene = c.room, c.scene

    def pose(lo, hi):
        p = pick(lo, hi)
        if p is None:
            return None
        (x, y, _), yaw = p
        w = min(range(4), key=lambda k: abs(math.remainder(yaw - WALL_YAW[k], 2 * math.pi)))
        u = (x - room.x0) if w in (0, 2) else (y - room.y0)
        half = max(-lo[0], hi[0])
        (ix0, iy0, _), (ix1, iy1, _) = scene.inside
        for side in (-1, 1):
            cx, cy = room.at_wall(w, u + side * (half + gap + width / 2), width / 2 + 0.03)
            strip = ([cx - width / 2, cy - width / 2, 0.0], [cx + width / 2, cy + width / 2, height])
            ok = ix0 <= strip[0][0] and strip[1][0] <= ix1 and iy0 <= strip[0][1] and strip[1][1] <= iy1 \
                and scene.free(strip, 0.0)
            if ok != both:   # one side free is enough for one; one side taken fails both
                return p if ok else None
        return p if both else None
    return pose


def beside(c, obj, cat, side, tries=3, params=None):
    """A ``cat`` (a floor lamp, a side table) against the same wall as ``obj`` at its ``side`` (-1, 1), 4-12 cm
    from it, its back 5 cm off the wall."""
    w = c.wall_of(obj)
    u = c.u_of(obj, w)
    half = (obj["bounds"]["hi"][0] - obj["bounds"]["lo"][0]) / 2 if w in (0, 2) else (obj["bounds"]["hi"][1] - obj["bounds"]["lo"][1]) / 2

    def pose(lo, hi):
        r = max(-lo[0], hi[0])
        return (*c.room.at_wall(w, u + side * (half + r + c.rng.uniform(0.04, 0.12)), hi[1] + 0.05), 0.0), WALL_YAW[w]
    return c.floor(cat, pose, tries=tries, params=params)


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


def tuck(c, chair, table, n, sideways=(0.0,), rug=None, phases=False):
    """Slide ``chair`` along ``n`` (unit, horizontal) in under ``table``: as far as its real triangles allow (the
    table and what stands on it) less TUCK_MARGIN, or pulled out a little, never overlapping another object's box.
    ``sideways``: shifts across ``n`` to try in turn (a desk's drawer pedestal leaves knee space at one end).
    ``rug``: the rug the chair stands on (edition 3): the chair stays on its top. ``phases`` (edition-3 offices):
    the clearance is the least of the measure's ray grid laid at thirds of a cell across and up too, so a seat
    within a cell of a desk's drawer pedestal measures clear wherever the room (resized) puts it.
    Records ``chair["tucked_under"] = {"object", "direction"}`` when the seat front ends TUCK_UNDER or more under
    the top's edge; returns whether it did."""
    scene, rng = c.scene, c.rng
    n = np.array([n[0], n[1], 0.0]) / math.hypot(n[0], n[1])
    across = np.array([-n[1], n[0], 0.0])
    on_table = [o for o in scene.graph["objects"] if isinstance(o["support"], dict) and o["support"]["object"] == table["id"]]
    fixed = np.concatenate([placed_triangles(o) for o in [table] + on_table])
    old = (list(chair["bounds"]["lo"]), list(chair["bounds"]["hi"]))
    k_old = next(k for k, b in enumerate(scene.blockers) if list(b[0]) == old[0] and list(b[1]) == old[1])
    skip = [[list(o["bounds"]["lo"]), list(o["bounds"]["hi"])] for o in (table, rug) if o is not None]
    others = [b for k, b in enumerate(scene.blockers) if k != k_old and [list(b[0]), list(b[1])] not in skip]
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
        offs = [across * a + np.array([0.0, 0.0, b]) for a in (0.0, 0.0033, 0.0067) for b in (0.0, 0.0033, 0.0067)] if phases else [0.0]
        room = min(slide_clearance(tris0 + across * shift + o, fixed + o, n) for o in offs)
        options.append((room - TUCK_MARGIN, -abs(shift), base))
    for room, _, base in sorted(options, key=lambda o: o[:2], reverse=True):  # the deepest knee space first
        if not math.isfinite(room):  # the slide misses the table altogether: nothing to tuck under here
            continue
        if room < need:
            break
        slide = max(need, min(room, room - pull))
        loc = base + n * slide
        box = world_aabb(lo, hi, loc, chair["rotation_z"])
        if any(overlap(box, b, 0.005) for b in others) or (rug is not None and not on_top(rug, lo, hi, loc, chair["rotation_z"])):
            continue
        scene.blockers[k_old] = box
        chair["location"] = [round(float(v), 6) for v in loc]
        chair["bounds"] = {"lo": [float(v) for v in box[0]], "hi": [float(v) for v in box[1]]}
        chair["tucked_under"] = {"object": table["id"], "direction": [round(float(n[0]), 6), round(float(n[1]), 6)]}
        return True
    return False


MATCHING_CHAIRS = 0.85
"""Edition 3: the share of tables whose chairs are one matching set (the others keep a mix of chairs)."""


def on_top(rug, lo, hi, loc, yaw):
    """Does an object's footprint (object-space box lo..hi at ``loc`` turned by ``yaw``) lie on ``rug``'s top?"""
    return in_surface(lo, hi, loc, yaw, rug["location"], rug["rotation_z"], rug["_asset"].surfaces[0])


def top_of(rug):
    """The height (m) an object standing on ``rug``'s top has its base at."""
    return rug["location"][2] + rug["_asset"].surfaces[0]["z"] + CONTACT_GAP


def on_rug(c, cat, rug, pose, tries=1, params=None, seed=None):
    """A floor piece standing on ``rug``'s top at ``pose(lo, hi)`` (a floor pose: its z is replaced), kept whole on
    the top; what it stands on is recorded as its support."""
    z = top_of(rug)

    def at(lo, hi):
        p = pose(lo, hi)
        if p is None or not on_top(rug, lo, hi, p[0], p[1]):
            return None
        return (p[0][0], p[0][1], z), p[1]
    return c.scene.try_floor(cat, c.rng, at, tries, params, support={"object": rug["id"], "surface": 0}, gap=0.0, seed=seed)


def table_with_chairs(c, cat="table", params=None, n_chairs=4, items=6, settings=True, pose=None, rug=None):
    """A free-standing table, chairs on its sides facing it and half tucked under its edge, place settings.
    ``pose``: the table's pose proposer (default anywhere 0.9 m in from the walls); ``rug`` (edition 3): the table
    and its chairs stand on that rug's top. A table turned a quarter turn has its chairs along its world-long sides."""
    room, rng = c.room, c.rng

    def free_standing(lo, hi):
        x0, y0 = room.x0, room.y0
        return (rng.uniform(x0 + 0.9, x0 + room.W - 0.9), rng.uniform(y0 + 0.9, y0 + room.D - 0.9), 0.0), rng.uniform(-0.08, 0.08)
    if rug is None:
        table = c.floor(cat, pose or free_standing, params=params)
    else:
        table = on_rug(c, cat, rug, pose, tries=1, params=params)
    if table is None:
        return None
    tl, th = table["bounds"]["lo"], table["bounds"]["hi"]
    cx, cy = (tl[0] + th[0]) / 2, (tl[1] + th[1]) / 2
    ex, ey = th[0] - tl[0], th[1] - tl[1]
    long_x = ex > 1.3
    long_y = not long_x and ey > 1.3 and edition() >= 3
    sides = [(0, -1, 0.0), (0, 1, 0.0), (-1, 0, 0.0), (1, 0, 0.0)]
    if long_x:
        sides = [(0, -1, -0.25), (0, 1, 0.25), (0, -1, 0.25), (0, 1, -0.25), (-1, 0, 0.0), (1, 0, 0.0)]
    elif long_y:
        sides = [(-1, 0, -0.25), (1, 0, 0.25), (-1, 0, 0.25), (1, 0, -0.25), (0, -1, 0.0), (0, 1, 0.0)]
    seats = []
    # edition 3: a set of matching chairs round most tables (each chair was its own design, a showroom of chairs)
    matching = edition() >= 3 and rng.uniform() < MATCHING_CHAIRS
    for sx, sy, along in sides[: max(1, n_chairs)]:
        def chair_pose(lo, hi, sx=sx, sy=sy, along=along):
            back = hi[1]
            tx = cx + sx * (ex / 2 + back + 0.04) + along * ex * (sy != 0)
            ty = cy + sy * (ey / 2 + back + 0.04) + along * ey * (sx != 0 and long_y)
            return (tx, ty, 0.0), math.atan2(-sx, sy) + rng.uniform(-0.12, 0.12)
        first = seats[0][3] if matching and seats else None
        kw = {"params": first and first["params"], "seed": first and first["seed"]}
        ch = c.floor("chair", chair_pose, tries=2, **kw) if rug is None else on_rug(c, "chair", rug, chair_pose, tries=2, **kw)
        if ch is not None:
            seats.append((sx, sy, along, ch))
    if settings:  # a plate (and a glass) in front of each chair
        q = round(table["rotation_z"] / (math.pi / 2))   # a table turned a quarter turn: world offsets into its frame
        cq, sq = round(math.cos(-q * math.pi / 2)), round(math.sin(-q * math.pi / 2))
        for sx, sy, along, _ in seats:
            lx = sx * (ex / 2 - 0.18) + along * ex * (sy != 0)
            ly = sy * (ey / 2 - 0.18) + along * ey * (sx != 0 and long_y)
            for cat_, (wx, wy) in (("plate", (lx, ly)), ("wine_glass", (lx + 0.16 * (1 if sy >= 0 else -1), ly - 0.08 * sy))):
                yl = rng.uniform(-3, 3) if cat_ == "plate" else 0.0
                c.scene.place_on(table, 0, cat_, (cq * wx - sq * wy, sq * wx + cq * wy), yl)
    c.on(table, TABLE_TOP, c.n(items))
    for sx, sy, _, ch in seats:  # after what stands on the table, so the chair backs clear it too
        tuck(c, ch, table, (-sx, -sy), rug=rug)
    return table
