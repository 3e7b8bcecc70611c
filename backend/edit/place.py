"""Placement edits on an existing scene graph (bpy-free): add, move, remove, clear, swap, vary, more, fewer.

The planner's own ``layout.Scene`` is rebuilt from the graph (keep-out zones, the window fronts, every floor
object's box as a blocker, what already stands on each surface), so new and moved objects obey the same
constraints as generated ones: no overlaps, supported, inside the room, door / window / camera zones clear.
Objects not named by the edit keep their entries byte for byte.
"""
from __future__ import annotations

import math

import numpy as np

from ..procgen import rooms
from ..procgen.constraints import AssetCache
from ..procgen.factories import registry
from ..procgen.geometry import rng_for
from ..procgen.layout import CONTACT_GAP, Scene, graph_edition, in_surface, overlap, world_aabb
from ..procgen.moulding import moulding_boxes
from ..procgen.plan_room import WALLS, Room, lamp_lights
from .grammar import PROP, EditError
from . import lexicon as lx

SUPPORT_ORDER = ("table", "coffee_table", "desk", "kitchen_counter", "nightstand", "cabinet", "tv_stand", "vanity",
                 "bookshelf", "stool")
"""Where a small object goes when the instruction does not say."""
LAMPS = ("table_lamp", "floor_lamp", "ceiling_light")
FLOOR_OK = ("potted_plant", "storage_box")
"""Small categories that may also stand on the floor (the room planner puts plants there)."""




def small(category: str) -> bool:
    return category != PROP and registry().get(category).small


def dependents(g, ids) -> list:
    """Ids of everything standing (directly or not) on the objects ``ids``."""
    out, frontier = [], set(ids)
    while frontier:
        nxt = [o["id"] for o in g["objects"] if isinstance(o["support"], dict) and o["support"]["object"] in frontier]
        out += nxt
        frontier = set(nxt)
    return out


def remove_ids(g, ids) -> None:
    ids = set(ids)
    g["objects"] = [o for o in g["objects"] if o["id"] not in ids]
    g["lights"] = [li for li in g["lights"] if li["name"] not in {f"light_{i}" for i in ids}]


class Planner:
    """The planner's state rebuilt from a graph, for one edit (its RNG is keyed by the edit)."""

    def __init__(self, g, key):
        self.g = g
        if "rooms" not in g:
            raise EditError("placing objects needs a room: a scene built by Conjure (Generate scene) of a room type; "
                            f"this is a {g['type']} scene")
        sc = Scene(g["type"], g["seed"], g["params"])
        sc.graph = g  # add() appends to the edited graph itself
        sc.next_seed = rng_for(g["seed"], "edit", *key, "seeds")
        self.rng = rng_for(g["seed"], "edit", *key, "place")
        for o in g["objects"]:
            cat, _, n = o["id"].rpartition("_")
            if n.isdigit():
                sc.counts[cat] = max(sc.counts.get(cat, 0), int(n) + 1)
        self.scene = sc
        self.cache = AssetCache(g["params"].get("detail", 1.0), graph_edition(g))
        self.set_room(g["rooms"][0]["name"])

    # -- state
    def set_room(self, name):
        r = next(r for r in self.g["rooms"] if r["name"] == name)
        lo, hi = r["lo"], r["hi"]
        self.room = Room(r["name"], r["type"], lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1], hi[2])
        sc = self.scene
        sc.inside = self.room.box()
        sc.blockers = [(z["lo"], z["hi"]) for z in self.g.get("zones", [])]
        self.windows = []
        for op in self.g.get("openings", []):
            if op["kind"] == "window" and op.get("room", self.g["rooms"][0]["name"]) == r["name"]:
                w = [n for n, *_ in WALLS].index(op["wall"])
                (u0, u1), (z0, z1) = op["u"], op["z"]
                sc.blockers.append(self.room.zone(w, u0 - 0.1, u1 + 0.1, 0.5, z0 - 0.05, self.room.H + 1))
                self.windows.append((w, u0, u1 - u0, z0, z1))
        sc.blockers += [self.box(o) for o in self.g["objects"] if self.blocks(o)]
        for st in self.g.get("structure", []):   # nothing is put into the cornice or the splashback
            if st["category"] == "cornice" and st["geometry"]["type"] == "moulding":
                sc.blockers += [tuple(b) for b in moulding_boxes(st["geometry"])]
            elif st["category"] in ("cornice", "wall_tiles") and st["geometry"]["type"] == "boxes" and "lining" not in st:
                sc.blockers += [tuple(b) for b in st["geometry"]["boxes"]]
        sc.on_surface = {}
        for o in self.g["objects"]:
            if isinstance(o["support"], dict):
                sc.on_surface.setdefault(o["support"]["object"], []).append(self.box(o))
        self.ctx = rooms._Ctx(sc, self.room, self.rng, [(w, u, ww, s, t) for w, u, ww, s, t in self.windows])

    def blocks(self, o) -> bool:
        """Floor, wall and ceiling things block; so does furniture standing on a rug."""
        return not isinstance(o["support"], dict) or not small(o["category"])

    @staticmethod
    def box(o):
        return (list(o["bounds"]["lo"]), list(o["bounds"]["hi"]))

    @staticmethod
    def by_id_in(objs, i):
        return next(o for o in objs if o["id"] == i)

    def by_id(self, i):
        return next(o for o in self.g["objects"] if o["id"] == i)

    def room_of(self, o):
        c = [(o["bounds"]["lo"][k] + o["bounds"]["hi"][k]) / 2 for k in range(2)]
        for r in self.g["rooms"]:
            if r["lo"][0] <= c[0] <= r["hi"][0] and r["lo"][1] <= c[1] <= r["hi"][1]:
                return r["name"]
        return self.g["rooms"][0]["name"]

    def asset(self, o):
        return self.cache.get(o)

    def local_box(self, o):
        """Object-space box (lo, hi) of ``o``: a prop's stored box, else its asset mesh's bounds."""
        if o["category"] == PROP:
            return np.asarray(o["box"]["lo"], np.float64), np.asarray(o["box"]["hi"], np.float64)
        return self.asset(o).mesh.bounds()

    def add_box(self, entry, lo, hi, place, anchor_box, tries=300):
        """Place an object known only by its box (a generated prop) on the floor; the entry gets its pose."""
        pose_fn = self.poses(place, anchor_box)
        for _ in range(tries):
            pose = pose_fn(lo, hi)
            if pose is None:
                continue
            got = self.fits(lo, hi, pose[0], pose[1], "floor")
            if got is None:
                continue
            loc, aabb = got
            self.scene.blockers.append(aabb)
            entry.update(location=[round(float(v), 6) for v in loc], rotation_z=round(float(pose[1]), 6), support="floor",
                         bounds={"lo": [float(v) for v in aabb[0]], "hi": [float(v) for v in aabb[1]]})
            self.g["objects"].append(entry)
            return entry
        return None

    def finish(self, added_ids):
        """Lamp lights for new lamps; drop the planner's scratch keys."""
        new = [o for o in self.g["objects"] if o["id"] in set(added_ids)]
        assets = {o["id"]: o.get("_asset") or self.asset(o) for o in new if o["category"] in LAMPS}
        if assets:
            self.g["lights"] += lamp_lights({"objects": [o for o in new if o["id"] in assets]}, assets)
        for o in self.g["objects"]:
            o.pop("_asset", None)

    # -- pose proposers: (lo, hi) of the object -> ((x, y, z), yaw) or None
    def wall_index(self, name):
        if name in lx.WALL_NAMES:
            return lx.WALL_NAMES.index(name)
        ops = [op for op in self.g.get("openings", []) if op.get("room", self.room.name) == self.room.name]
        if name in ("window", "door"):
            op = next((op for op in ops if op["kind"] == name), None)
            if op is None:
                raise EditError(f"this room has no {name}", f"{name} wall")
            return [n for n, *_ in WALLS].index(op["wall"])
        if name in ("far", "back"):
            door = next((op for op in ops if op["kind"] == "door"), None)
            return ([n for n, *_ in WALLS].index(door["wall"]) + 2) % 4 if door else 2
        return None

    def poses(self, place, anchor_box=None):
        rng, room, ctx = self.rng, self.room, self.ctx
        rel = place.relation
        if rel == "wall":
            return ctx.against(self.wall_index(place.wall))
        if rel == "corner":
            sides = {0: ((0, True), (3, True)), 1: ((0, False), (1, True)), 2: ((1, False), (2, False)),
                     3: ((2, True), (3, False))}  # corner (x0,y0), (x1,y0), (x1,y1), (x0,y1): (wall, u at its start)

            def corner(lo, hi):
                w, at_start = sides[int(rng.integers(0, 4))][int(rng.integers(0, 2))]
                halfw = max(-lo[0], hi[0])
                L = room.length(w)
                u = halfw + 0.05 + rng.uniform(0, 0.1) if at_start else L - halfw - 0.05 - rng.uniform(0, 0.1)
                x, y = room.at_wall(w, u, hi[1] + 0.03)
                return (x, y, 0.0), rooms.WALL_YAW[w]
            return corner
        if rel == "middle":
            cx, cy = room.centre()

            def middle(lo, hi):
                return (cx + rng.uniform(-0.6, 0.6), cy + rng.uniform(-0.6, 0.6), 0.0), float(rng.integers(0, 4)) * math.pi / 2
            return middle
        if rel == "near" and anchor_box is not None:
            (alo, ahi) = anchor_box
            acx, acy = (alo[0] + ahi[0]) / 2, (alo[1] + ahi[1]) / 2

            def near(lo, hi):
                r = max(hi[0] - lo[0], hi[1] - lo[1]) / 2
                side = int(rng.integers(0, 4))
                gap = rng.uniform(0.05, 0.45) + r
                if side in (0, 1):
                    x = (alo[0] - gap) if side == 0 else (ahi[0] + gap)
                    y = rng.uniform(alo[1], ahi[1])
                else:
                    y = (alo[1] - gap) if side == 2 else (ahi[1] + gap)
                    x = rng.uniform(alo[0], ahi[0])
                yaw = rooms.facing((x, y), (acx, acy))
                return (x, y, 0.0), round(yaw / (math.pi / 2)) * (math.pi / 2)
            return near

        def anywhere(lo, hi):
            if rng.uniform() < 0.6:
                return ctx.against()(lo, hi)
            return ((rng.uniform(room.x0 + 0.5, room.x0 + room.W - 0.5), rng.uniform(room.y0 + 0.5, room.y0 + room.D - 0.5), 0.0),
                    float(rng.integers(0, 4)) * math.pi / 2)
        return anywhere

    def fits(self, lo, hi, loc, yaw, support="floor", gap=0.02):
        loc = (loc[0], loc[1], loc[2] + (CONTACT_GAP if support == "floor" else 0.0))
        aabb = world_aabb(lo, hi, loc, yaw)
        ins = self.scene.inside
        if not all(ins[0][i] <= aabb[0][i] and aabb[1][i] <= ins[1][i] for i in range(3)):
            return None
        if not self.scene.free(aabb, gap):
            return None
        return loc, aabb

    # -- operations
    def add_floor(self, category, place, anchor_box, tries=300, params=None):
        return self.scene.try_floor(category, self.rng, self.poses(place, anchor_box), tries, params)

    def add_on(self, category, sup, count):
        """Up to ``count`` objects of ``category`` on ``sup``'s surfaces; returns the new objects."""
        if "_asset" not in sup:
            sup["_asset"] = self.asset(sup)
        if not sup["_asset"].surfaces:
            raise EditError(f"the {sup['category'].replace('_', ' ')} has no surface to put things on", sup["id"])
        before = len(self.g["objects"])
        for _round in range(12):
            need = count - (len(self.g["objects"]) - before)
            if need <= 0:
                break
            self.scene.fill_surfaces(sup, [category], need, self.rng, ceiling=self.room.H)
        return self.g["objects"][before:]

    def move_floor(self, o, place, anchor_box, tries=400):
        """Move a floor object (its asset unchanged) and what stands on it; None when no pose fits."""
        mine = self.box(o)
        self.scene.blockers = [b for b in self.scene.blockers if b != mine]
        lo, hi = self.local_box(o)
        pose_fn = self.poses(place, anchor_box)
        support = o["support"] if o["support"] in ("floor", "wall", "ceiling") else "floor"
        for _ in range(tries):
            pose = pose_fn(lo, hi)
            if pose is None:
                continue
            loc, yaw = pose
            if support == "wall":
                continue  # wall things are moved along walls by re-adding; not supported
            got = self.fits(lo, hi, loc, yaw, "floor")
            if got is None:
                continue
            loc, aabb = got
            self.transform(o, loc, yaw)
            o["support"] = "floor"
            self.scene.blockers.append(aabb)
            return o
        self.scene.blockers.append(mine)
        return None

    def transform(self, o, loc, yaw):
        """Set ``o``'s pose and carry everything standing on it along rigidly."""
        old_loc, old_yaw = o["location"], o["rotation_z"]
        dyaw = yaw - old_yaw
        c, s = math.cos(dyaw), math.sin(dyaw)
        for d in [o] + [self.by_id(i) for i in dependents(self.g, [o["id"]])]:
            if d is o:
                nl = loc
            else:
                rx, ry = d["location"][0] - old_loc[0], d["location"][1] - old_loc[1]
                nl = (loc[0] + c * rx - s * ry, loc[1] + s * rx + c * ry, d["location"][2] + (loc[2] - old_loc[2]))
            ny = d["rotation_z"] + (dyaw if d is not o else 0.0) if d is not o else yaw
            lo, hi = self.local_box(d)
            aabb = world_aabb(lo, hi, nl, ny)
            d["location"] = [round(float(v), 6) for v in nl]
            d["rotation_z"] = round(float(math.remainder(ny, 2 * math.pi)), 6)
            d["bounds"] = {"lo": [float(v) for v in aabb[0]], "hi": [float(v) for v in aabb[1]]}

    def move_on(self, o, sup, tries=300):
        """Move a small object onto ``sup`` (asset unchanged); None when it does not fit."""
        if "_asset" not in sup:
            sup["_asset"] = self.asset(sup)
        surfaces = sup["_asset"].surfaces
        if not surfaces:
            raise EditError(f"the {sup['category'].replace('_', ' ')} has no surface to put things on", sup["id"])
        old = o["support"]
        if isinstance(old, dict):
            placed = self.scene.on_surface.get(old["object"], [])
            if self.box(o) in placed:
                placed.remove(self.box(o))
        lo, hi = self.asset(o).mesh.bounds()
        L, yaw0 = sup["location"], sup["rotation_z"]
        placed = self.scene.on_surface.setdefault(sup["id"], [])
        r = float(np.hypot(max(-lo[0], hi[0]), max(-lo[1], hi[1])))  # footprint radius: any yaw fits inside
        tall_enough = [k for k, sf in enumerate(surfaces)
                       if hi[2] <= min(sf["clear"] - 0.01, self.room.H - (L[2] + sf["z"]) - 0.05)]
        if not tall_enough:
            return None
        for _ in range(tries):
            si = tall_enough[int(self.rng.integers(0, len(tall_enough)))]
            surf = surfaces[si]
            x0, x1 = surf["lo"][0] + min(r, 0.45 * (surf["hi"][0] - surf["lo"][0])), surf["hi"][0] - min(r, 0.45 * (surf["hi"][0] - surf["lo"][0]))
            y0, y1 = surf["lo"][1] + min(r, 0.45 * (surf["hi"][1] - surf["lo"][1])), surf["hi"][1] - min(r, 0.45 * (surf["hi"][1] - surf["lo"][1]))
            lx_, ly_ = self.rng.uniform(x0, x1), self.rng.uniform(y0, y1)
            c, s = math.cos(yaw0), math.sin(yaw0)
            p = (L[0] + c * lx_ - s * ly_, L[1] + s * lx_ + c * ly_, L[2] + surf["z"] + CONTACT_GAP)
            yaw = yaw0 + self.rng.uniform(-math.pi, math.pi)
            if not in_surface(lo, hi, p, yaw, L, yaw0, surf):
                continue
            aabb = world_aabb(lo, hi, p, yaw)
            if any(overlap(aabb, b, 0.01) for b in placed):
                continue
            placed.append(aabb)
            self.transform(o, p, yaw)
            o["support"] = {"object": sup["id"], "surface": si}
            return o
        return None

    def replace(self, o, category, params=None, keep_dependents=False):
        """A new object of ``category`` where ``o`` stood (same back plane and heading when it fits, else nearby,
        else anywhere along the walls). Returns (new object or None, ids removed)."""
        deps = dependents(self.g, [o["id"]])
        gone = [o["id"]] + deps
        o_all = list(self.g["objects"])
        old_lo, old_hi = self.local_box(o)
        mine = self.box(o)
        if isinstance(o["support"], dict) and small(category):
            sup = self.by_id(o["support"]["object"])
            remove_ids(self.g, gone)
            placed = self.scene.on_surface.get(sup["id"], [])
            if mine in placed:
                placed.remove(mine)
            new = self.add_on(category, sup, 1)
            if new and category == o["category"]:
                new[0]["id"] = o["id"]
            return (new[0] if new else None), gone
        remove_ids(self.g, gone)
        self.scene.blockers = [b for b in self.scene.blockers if b != mine]
        loc0, yaw0 = o["location"], o["rotation_z"]
        rng = self.rng
        first = [True]

        def same_spot(lo, hi):
            # keep the back plane (local +Y side) where it was: the piece stays against its wall
            dy = old_hi[1] - hi[1]
            c, s = math.cos(yaw0), math.sin(yaw0)
            base = (loc0[0] - s * dy, loc0[1] + c * dy, 0.0)
            if first[0]:
                first[0] = False
                return base, yaw0
            if rng.uniform() < 0.7:
                return (base[0] + rng.uniform(-0.4, 0.4), base[1] + rng.uniform(-0.4, 0.4), 0.0), yaw0
            return self.ctx.against()(lo, hi)
        support = o["support"] if o["support"] in ("wall", "ceiling") else "floor"
        if support != "floor":
            return None, gone
        saved = [self.by_id_in(o_all, i) for i in deps if self.by_id_in(o_all, i)["support"]["object"] == o["id"]] \
            if keep_dependents else []
        new = self.scene.try_floor(category, rng, same_spot, 400, params)
        if new is not None and category == o["category"]:
            new["id"] = o["id"]  # a variation keeps its name
        if new is not None and saved:
            kept = self._reseat(o, new, saved)
            gone = [i for i in gone if i not in kept]
        return new, gone

    def _reseat(self, old, new, saved):
        """Put ``old``'s direct dependents (their saved entries) back on ``new`` at the same surface-local spots
        where they still fit; returns the ids kept."""
        new["_asset"] = new.get("_asset") or self.asset(new)
        surfaces = new["_asset"].surfaces
        placed = self.scene.on_surface.setdefault(new["id"], [])
        L0, y0 = old["location"], old["rotation_z"]
        L1, y1 = new["location"], new["rotation_z"]
        c0, s0, c1, s1 = math.cos(-y0), math.sin(-y0), math.cos(y1), math.sin(y1)
        kept = []
        for d in saved:
            si = d["support"]["surface"]
            if si >= len(surfaces):
                continue
            surf = surfaces[si]
            wx, wy = d["location"][0] - L0[0], d["location"][1] - L0[1]
            lx_, ly_ = c0 * wx - s0 * wy, s0 * wx + c0 * wy
            p = (L1[0] + c1 * lx_ - s1 * ly_, L1[1] + s1 * lx_ + c1 * ly_, L1[2] + surf["z"] + CONTACT_GAP)
            yaw = d["rotation_z"] - y0 + y1
            lo, hi = self.asset(d).mesh.bounds()
            if hi[2] > surf["clear"] - 0.01 or not in_surface(lo, hi, p, yaw, L1, y1, surf):
                continue
            aabb = world_aabb(lo, hi, p, yaw)
            if any(overlap(aabb, b, 0.002) for b in placed):
                continue
            placed.append(aabb)
            d = dict(d, location=[round(float(v), 6) for v in p], rotation_z=round(float(math.remainder(yaw, 2 * math.pi)), 6),
                     support={"object": new["id"], "surface": si},
                     bounds={"lo": [float(v) for v in aabb[0]], "hi": [float(v) for v in aabb[1]]})
            self.g["objects"].append(d)
            kept.append(d["id"])
        return kept


def anchor_box(g, target, ids):
    """The box an anchor phrase names: an object's bounds or a door / window opening."""
    if target.structure in ("window", "door"):
        ops = [op for op in g.get("openings", []) if op["kind"] == target.structure]
        if not ops:
            raise EditError(f"this scene has no {target.structure}", target.text)
        s = next(s for s in g["structure"] if s["category"] == target.structure)
        lo, hi = s.get("bounds", {}).get("lo"), None
        x, y = s["geometry"]["location"][:2]
        w = s["geometry"]["params"]["width"]
        return ([x - w / 2, y - w / 2, 0.0], [x + w / 2, y + w / 2, 2.0]) if lo is None else (lo, hi)
    o = next(o for o in g["objects"] if o["id"] == ids[0])
    return (o["bounds"]["lo"], o["bounds"]["hi"])
