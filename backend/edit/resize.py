""""Make the room bigger" (bpy-free): a single room's walls move out (or in) and what stands against a wall moves
with it; what stands in the middle moves by half the change, so groups (a table and its chairs, a sofa, rug and
coffee table) keep their exact relations. Openings keep their place along their wall; the door and camera zones,
the ceiling fill light and the cameras are made again for the new box. A smaller room whose furniture would
collide is refused by the constraint checks (``apply``), naming the objects."""
from __future__ import annotations

from ..procgen.kitchen import splashback_boxes
from ..procgen.layout import overlap
from ..procgen.plan import SCENE_PARAMS
from ..procgen.plan_room import DOOR_W, WALLS, Room, _cameras, _cornice, _lining, _skirting, _wall_boxes
from .grammar import EditError

FACTORS = {"bigger": (1.2, 1.2), "smaller": (0.85, 0.85), "wider": (1.2, 1.0), "narrower": (0.85, 1.0),
           "deeper": (1.0, 1.2), "shallower": (1.0, 0.85)}
NEAR_WALL = 0.35
"""An object whose box is closer than this (m) to a wall moves with that wall."""


DOOR_STEP = 0.05
"""Steps (m) along its wall in which a door looks for a place whose clearance is free."""


def _clearance(room, w, u0):
    return room.zone(w, u0 - 0.15, u0 + DOOR_W + 0.15, 1.0, -1, room.H + 1)


def _free_door(g, room, w, op, how):
    """The door's [u0, u1] on wall ``w`` of the resized ``room``: where it is if its clearance (the zone the
    planner keeps clear) holds no object, else the nearest place along the wall whose clearance is free and
    which keeps off the wall's other openings. Raises EditError naming what blocks it when there is none."""
    boxes = [(o["bounds"]["lo"], o["bounds"]["hi"]) for o in g["objects"]]
    others = [o["u"] for o in g["openings"] if o is not op and o["wall"] == op["wall"]]

    def free(u0):
        if u0 < 0.3 - 1e-9 or u0 + DOOR_W > room.length(w) - 0.3 + 1e-9:
            return False
        if any(u0 - 0.1 < b and a < u0 + DOOR_W + 0.1 for a, b in others):
            return False
        z = _clearance(room, w, u0)
        return not any(overlap(b, z, -1e-9) for b in boxes)
    u = op["u"][0]
    if free(u):
        return op["u"]
    for k in range(1, int(room.length(w) / DOOR_STEP) + 1):
        for cand in (u + k * DOOR_STEP, u - k * DOOR_STEP):
            if free(cand):
                return [round(cand, 6), round(cand + DOOR_W, 6)]
    z = _clearance(room, w, min(max(u, 0.3), room.length(w) - DOOR_W - 0.3))
    blocked = [o["id"] for o in g["objects"] if overlap((o["bounds"]["lo"], o["bounds"]["hi"]), z, -1e-9)]
    raise EditError(f"making the room {how} leaves no free place for the door on the {op['wall']} wall "
                    f"({', '.join(blocked[:3]) or 'the other openings'} in the way)", how)


def resize(g, how: str, deps_of) -> str:
    if how not in FACTORS:
        raise EditError(f"making the room {how} is not supported (bigger, smaller, wider, narrower, deeper, shallower)", how)
    if len(g.get("rooms", [])) != 1 or g["type"] not in SCENE_PARAMS or "width" not in SCENE_PARAMS[g["type"]]:
        raise EditError(f"resizing works on single rooms; this is a{'n' if g['type'][0] in 'aeiou' else ''} {g['type']} scene", how)
    r = g["rooms"][0]
    W, D, H = r["hi"][0] - r["lo"][0], r["hi"][1] - r["lo"][1], r["hi"][2]
    (wlo, whi, *_), (dlo, dhi, *_) = SCENE_PARAMS[g["type"]]["width"], SCENE_PARAMS[g["type"]]["depth"]
    fw, fd = FACTORS[how]
    W2 = round(min(max(W * fw, wlo), whi), 3) if fw != 1.0 else W
    D2 = round(min(max(D * fd, dlo), dhi), 3) if fd != 1.0 else D
    if abs(W2 - W) < 1e-3 and abs(D2 - D) < 1e-3:
        raise EditError(f"the room is already as {how.replace('er', '')} as a {g['type'].replace('_', ' ')} gets "
                        f"({W:.2f} x {D:.2f} m)", how)
    dW, dD = W2 - W, D2 - D
    x0, y0 = r["lo"][0], r["lo"][1]

    def shift(lo, hi):
        dx = 0.0 if lo[0] - x0 < NEAR_WALL else dW if x0 + W - hi[0] < NEAR_WALL else dW / 2
        dy = 0.0 if lo[1] - y0 < NEAR_WALL else dD if y0 + D - hi[1] < NEAR_WALL else dD / 2
        return dx, dy
    # 1. Objects: floor, wall and ceiling things by their place; what stands on them rigidly with them
    by = {o["id"]: o for o in g["objects"]}
    moved = {}
    def own_shift(o):  # a chair tucked under a table or desk moves with it (it stays tucked)
        t = by.get((o.get("tucked_under") or {}).get("object"))
        return shift(*((t or o)["bounds"]["lo"], (t or o)["bounds"]["hi"]))
    for o in g["objects"]:
        if isinstance(o["support"], dict):
            continue
        dx, dy = own_shift(o)
        for i in [o["id"]] + deps_of(g, [o["id"]]):
            moved[i] = (dx, dy)
    for i, (dx, dy) in moved.items():
        o = by[i]
        o["location"] = [round(o["location"][0] + dx, 6), round(o["location"][1] + dy, 6), o["location"][2]]
        o["bounds"] = {"lo": [o["bounds"]["lo"][0] + dx, o["bounds"]["lo"][1] + dy, o["bounds"]["lo"][2]],
                       "hi": [o["bounds"]["hi"][0] + dx, o["bounds"]["hi"][1] + dy, o["bounds"]["hi"][2]]}
    for li in g["lights"]:
        if li["name"].startswith("light_") and li["name"][6:] in moved:
            dx, dy = moved[li["name"][6:]]
            li["location"] = [round(li["location"][0] + dx, 6), round(li["location"][1] + dy, 6), li["location"][2]]
        elif li["name"] == "ceiling_fill":
            li.update(location=[x0 + W2 / 2, y0 + D2 / 2, H - 0.02], size=[W2 * 0.5, D2 * 0.5], energy=round(2.0 * W2 * D2, 2))
    # 2. The box, its walls and openings: each opening moves along its wall as the furniture against that wall
    #    does (curtains stay at their window, a sideboard keeps its distance from the door), then a door whose
    #    clearance would still take furniture moves to the nearest free place on its wall
    old_room = Room(r["name"], r["type"], x0, y0, W, D, H)
    room = Room(r["name"], r["type"], x0, y0, W2, D2, H)
    names = [n for n, *_ in WALLS]
    for op in g["openings"]:
        w = names.index(op["wall"])
        dx, dy = shift(*old_room.zone(w, op["u"][0], op["u"][1], 0.05, 0.0, 1.0)[:2])
        du = dx if w in (0, 2) else dy
        op["u"] = [round(op["u"][0] + du, 6), round(op["u"][1] + du, 6)]
    for op in g["openings"]:
        if op["kind"] == "door":
            op["u"] = _free_door(g, room, names.index(op["wall"]), op, how)
    openings = {w: [] for w in range(4)}
    for op in g["openings"]:
        w = names.index(op["wall"])
        (u0, u1), (z0, z1) = op["u"], op["z"]
        if u1 > room.length(w) - 0.2:
            raise EditError(f"the {op['kind']} on the {op['wall']} wall would not fit in the smaller wall", how)
        openings[w].append((u0, u1, -0.2 if op["kind"] == "door" else z0, z1))
    r["hi"] = [x0 + W2, y0 + D2, H]
    g["params"] = dict(g["params"], width=W2, depth=D2)
    for s in g["structure"]:
        c = s["category"]
        geo = s["geometry"]
        if c == "floor":
            geo["boxes"] = [[[x0, y0, -0.1], [x0 + W2, y0 + D2, 0]]]
        elif c == "ceiling":
            geo["boxes"] = [[[x0, y0, H], [x0 + W2, y0 + D2, H + 0.1]]]
        elif c == "wall":
            geo["boxes"] = _wall_boxes(names.index(s["id"].split("_")[1]), W2, D2, H, openings[names.index(s["id"].split("_")[1])], x0, y0)
        elif c == "skirting":
            geo["boxes"] = _skirting(room, openings, s["materials"][0], s["id"])["geometry"]["boxes"]
        elif c == "cornice":
            s["geometry"] = _cornice(room, s["cornice"]["height"], s["cornice"]["depth"], s["materials"][0], s["id"])["geometry"]
        elif c == "wall_tiles" and "splashback" in s:  # behind the kitchen's units, which have moved with their walls
            sp = s["splashback"]
            by_id = {o["id"]: o for o in g["objects"]}
            wins = [(w, u0, u1, z0, z1) for w, ops in openings.items() for (u0, u1, z0, z1) in ops if z0 > 0]
            geo["boxes"] = splashback_boxes(room, [(by_id[i], z) for i, z in sp["over"] if i in by_id], wins, sp["top"])
        elif c == "wall_tiles":
            geo["boxes"] = _lining(room, openings, s["lining"]["height"], s["materials"][0], s["id"])["geometry"]["boxes"]
        elif c in ("door", "window"):
            op = next(op for op in g["openings"] if op["kind"] == c)
            x, y = room.wall_centre(names.index(op["wall"]), (op["u"][0] + op["u"][1]) / 2)
            geo["location"] = [round(x, 6), round(y, 6), geo["location"][2]]
    # 3. Keep-out zones for the new box: door clearance where the door is, cameras in the same two corners
    zones = []
    corners = []
    for z in g["zones"]:
        if z["kind"] == "camera":
            cx = x0 if z["lo"][0] - x0 < 0.4 else x0 + W2 - 0.8
            cy = y0 if z["lo"][1] - y0 < 0.4 else y0 + D2 - 0.8
            corners.append((cx, cy))
            zones.append({"kind": "camera", "lo": [cx, cy, -1], "hi": [cx + 0.8, cy + 0.8, H + 1]})
    for op in g["openings"]:
        if op["kind"] == "door":
            lo, hi = room.zone(names.index(op["wall"]), op["u"][0] - 0.15, op["u"][0] + DOOR_W + 0.15, 1.0, -1, H + 1)
            zones.insert(0, {"kind": "door_clearance", "lo": lo, "hi": hi})
    g["zones"] = zones
    # 4. Cameras for the new box (ranked by what they see, as generated scenes are)
    _cameras(g, [(room, corners)])
    return f"room {W:.2f} x {D:.2f} m -> {W2:.2f} x {D2:.2f} m"
