"""The kitchen recipe (bpy-free): a continuous run of units along the wall with the most free length (a worktop
with the sink, the cooker, often a second worktop past it, the fridge at one end where it fits), an L run on a
neighbouring wall from the corner where there is room, upper cabinets over the worktops and the cooker, things on
the worktops, a small table with chairs or a stool.

Small kitchens were sparse (issue #14: kitchen seed 0 had a 1.2 m counter, 5 things on it and one upper
cabinet; 34 of kitchen seeds 0-49 had no cooker): units were dropped at random wall positions and the cooker only
fitted if the counter happened to leave room at one of its ends. Now the run is laid out along a measured free
stretch of wall, so its pieces fit by construction.
"""
from __future__ import annotations

import math

from .geometry import edition, rng_for
from .layout import CONTACT_GAP, in_surface, overlap, world_aabb
from .materials import material
from .room_kit import WALL_YAW, table_with_chairs

KITCHEN_CLUTTER = ("jar", "jar", "bottle", "bottle", "bowl", "fruit", "mug", "mug", "plate", "wine_glass", "potted_plant", "storage_box")
"""What stands on a worktop; a plant is a small herb pot and a storage box a low bread bin, a board and a pan are
of the smaller sizes (``_SMALL``)."""
_SMALL = {"potted_plant": {"pot_radius": 0.07, "height": 0.28, "leaves": 8}, "storage_box": {"width": 0.3, "depth": 0.22, "height": 0.16},
          "cutting_board": {"width": 0.32, "depth": 0.22}, "saucepan": {"radius": 0.085}}
KITCHENWARE = (("kettle", 0.9), ("knife_block", 0.6), ("cutting_board", 0.8), ("saucepan", 0.6))
"""Edition 3: what a used kitchen's worktops hold, each with the chance a kitchen has it, placed before the rest of
the clutter so they find room (a board and a knife block towards the wall, a kettle, a pan)."""
KITCHEN_CLUTTER_3 = KITCHEN_CLUTTER + ("saucepan",)
"""Edition 3's worktop clutter: edition 2's and a second pan (one kettle, board and knife block a kitchen)."""
UPPER_Z = 1.5
"""Bottom of the upper kitchen cabinets (m): clear of what stands on a 0.9 m worktop (its 0.6 m free height)."""
RUN_DEPTH = 0.7
"""How deep (m) a strip of floor in front of a wall must be free for a run of units (0.6 m units, 3 cm off the wall)."""
UNIT_DEPTH = 0.6
"""Worktop depth (m), the cooker's depth, so the fronts of a run line up."""
JOINT = 0.006
"""Gap (m) between neighbouring pieces of a run."""
SINK_MIN, PIECE_MIN = 1.0, 0.6
"""Shortest worktop (m) with a sink, and without."""
CLUTTER_PER_M = 7.0
"""Things tried per metre of free worktop at density 1 (plus 3 per worktop)."""
CLUTTER_PER_M_3 = 10.5
"""Edition 3's tries per metre: things set square to the worktop pack closer, so more of the tries find room."""


END_GAP = 0.03
"""A stretch stops this far (m) short of the walls at its ends: clear of their skirting boards (14 mm deep)."""


def stretches(c, w, depth, z1, gap=0.02):
    """Free stretches (u0, u1) along wall ``w`` (room-local) where a strip ``depth`` deep and ``z1`` high in front of
    the wall meets no blocker (door clearance, camera corner, window front, curtains, furniture) closer than ``gap``."""
    room = c.room
    L = room.length(w)
    zone = room.zone(w, 0.0, L, depth, 0.0, z1)
    ax, off = (0, room.x0) if w in (0, 2) else (1, room.y0)
    cuts = sorted((b[0][ax] - off - gap, b[1][ax] - off + gap) for b in c.scene.blockers if overlap(zone, b, gap))
    free, x = [], END_GAP
    for a, b in cuts:
        if a > x:
            free.append((x, a))
        x = max(x, b)
    if L - END_GAP > x:
        free.append((x, L - END_GAP))
    return free


def _piece(c, w, cat, u0, width, params):
    """One piece of a run, its back 3 cm off wall ``w``, spanning room-local u0..u0 + width along it."""
    room = c.room

    def pose(lo, hi):
        return (*room.at_wall(w, u0 + width / 2, hi[1] + 0.03), 0.0), WALL_YAW[w]
    return c.scene.try_floor(cat, c.rng, pose, 1, params, gap=0.001)


def _run_pieces(rng, length):
    """Widths of a run's pieces in order along the wall for ``length`` m of free wall: [(category, width, params)]."""
    stove_w = round(float(rng.uniform(0.5, 0.62) if rng.uniform() < 0.8 else rng.uniform(0.75, 0.9)), 4)
    if length < SINK_MIN + stove_w + JOINT:
        stove_w = 0.5
    fridge_w = round(float(rng.uniform(0.6, 0.75)), 4)
    total = min(length, rng.uniform(3.0, 4.8))
    stove = total >= SINK_MIN + stove_w + JOINT
    fridge = stove and total >= SINK_MIN + 0.4 + stove_w + fridge_w + 2 * JOINT  # else it stands elsewhere
    rest = total - stove * (stove_w + JOINT) - fridge * (fridge_w + JOINT)
    second = 0.0
    if stove and rest >= SINK_MIN + PIECE_MIN + JOINT and rng.uniform() < 0.8:
        second = min(3.0, rng.uniform(PIECE_MIN, min(1.6, rest - SINK_MIN - JOINT)))
        rest -= second + JOINT
    first = min(3.0, rest)
    if first < PIECE_MIN:
        return []
    pieces = [("kitchen_counter", first, {"sink": int(first >= SINK_MIN)})]
    if stove:
        pieces.append(("stove", stove_w, {"burners": 6 if stove_w >= 0.75 else 4}))
    if second:
        pieces.append(("kitchen_counter", second, {"sink": 0}))
    if fridge:
        pieces.insert(0, ("fridge", fridge_w, {}))
    return pieces[::-1] if rng.uniform() < 0.5 else pieces


def _camera_us(c, w):
    """Room-local positions along wall ``w`` of the reserved camera corners that touch it."""
    room = c.room
    ax, off = (0, room.x0) if w in (0, 2) else (1, room.y0)
    wall_zone = room.zone(w, 0.0, room.length(w), 0.05, 0.0, room.H)
    return [(z["lo"][ax] + z["hi"][ax]) / 2 - off for z in c.scene.graph.get("zones", [])
            if z["kind"] == "camera" and overlap(wall_zone, (z["lo"], z["hi"]))]


def _main_run(c):
    """The run along the wall with the most free length (among those nearly as long, a random one); returns
    (wall, [placed pieces])."""
    rng = c.rng
    options = [(b - a, w, a, b) for w in range(4) for a, b in stretches(c, w, RUN_DEPTH, 1.25)]
    if not options:
        return None, []
    longest = max(o[0] for o in options)
    good = [o for o in options if o[0] >= 0.75 * longest]
    F, w, a, b = good[int(rng.integers(0, len(good)))]
    pieces = _run_pieces(rng, F)
    span = sum(p[1] for p in pieces) + JOINT * max(0, len(pieces) - 1)
    # the run starts at the end of the stretch away from the camera corner on its wall (seen across the room, not
    # from beside it); a random end where no camera stands by that wall
    cams = _camera_us(c, w)
    if cams:
        far_a = min(abs(a - u) for u in cams) > min(abs(b - u) for u in cams)
        ends = [p[0] for p in pieces[:1] + pieces[-1:]]
        if edition() >= 3 and "fridge" in ends and ends[0 if far_a else 1] != "fridge":
            pieces = pieces[::-1]  # edition 3: the fridge at the run's end away from the camera (it stood beside the lens)
    else:
        far_a = rng.uniform() < 0.5
    u = a if far_a else b - span
    placed = []
    for cat, width, params in pieces:
        width = round(float(width), 4)
        if cat == "kitchen_counter":
            params = dict(params, width=width, depth=UNIT_DEPTH)
        else:
            params = dict(params, width=width)
        obj = _piece(c, w, cat, u, width, params)
        if obj is not None:
            placed.append(obj)
        u += width + JOINT
    return w, placed


def _corner_run(c, w):
    """A worktop without a sink on a wall next to ``w``, from the end of a free stretch nearest wall ``w`` (an L)."""
    rng, room = c.rng, c.room
    best = None
    for w2 in ((w + 1) % 4, (w + 3) % 4):
        for a, b in stretches(c, w2, RUN_DEPTH, 0.95):
            if b - a < PIECE_MIN + 0.2:
                continue
            for end in (a, b):
                x, y = room.at_wall(w2, end, RUN_DEPTH / 2)
                d = {0: y - room.y0, 2: room.y0 + room.D - y, 1: room.x0 + room.W - x, 3: x - room.x0}[w]
                if best is None or d < best[0]:
                    best = (d, w2, a, b, end)
    if best is None or best[0] > 1.2:  # nothing that reaches the run's corner
        return None
    _, w2, a, b, end = best
    width = round(float(min(2.4, max(PIECE_MIN, (b - a) * rng.uniform(0.6, 1.0)))), 4)  # the stretch is >= PIECE_MIN + 0.2
    u0 = a if end == a else b - width
    return w2, _piece(c, w2, "kitchen_counter", u0, width, {"width": width, "depth": UNIT_DEPTH, "sink": 0})


def uppers(c, w, u0, u1):
    """Upper cabinets over the stretch (u0, u1) (room-local along wall ``w``), in equal units of 0.4-0.9 m side by
    side, each where the wall is free (windows, curtains and door clearances keep them out)."""
    n = math.ceil((u1 - u0 - 0.01) / 0.9)
    if n < 1 or (u1 - u0) / n - JOINT < 0.4:
        return []
    uw = round(float((u1 - u0) / n - JOINT), 4)
    height = round(float(min(0.75, c.room.H - UPPER_Z - 0.1)), 4)
    out = []
    for k in range(n):
        u = u0 + k * (uw + JOINT) + uw / 2

        def pose(lo, hi, u=u):
            return (*c.room.at_wall(w, u, hi[1] + 0.002), UPPER_Z), WALL_YAW[w]
        out.append(c.scene.try_floor("wall_cabinet", c.rng, pose, 1, {"width": uw, "doors": 1 if uw < 0.6 else 2, "height": height},
                                     support="wall", gap=0.001))
    return [o for o in out if o is not None]


def worktop_things(c, counter, count, cats=KITCHEN_CLUTTER, params=None) -> int:
    """Up to ``count`` things (drawn from ``cats``) on a worktop, lined up towards the wall (the front is where
    people work), none overlapping another, all below the upper cabinets. Edition 3 sets them square to the
    worktop (give or take 17 degrees) and measures their turned footprint, so long things (a board, a pan with
    its handle) fit where a circle round them would not. Returns how many were placed."""
    rng, scene = c.rng, c.scene
    squared = edition() >= 3
    done = 0
    surfs = counter["_asset"].surfaces
    loc, yaw0 = counter["location"], counter["rotation_z"]
    cs, sn = math.cos(yaw0), math.sin(yaw0)
    placed = scene.on_surface.setdefault(counter["id"], [])
    for _ in range(count):
        if not surfs:
            return done
        si = int(rng.integers(0, len(surfs)))
        s = surfs[si]
        cat = cats[int(rng.integers(0, len(cats)))]
        a, full, seed, spec = scene.make(cat, params or _SMALL.get(cat))
        lo, hi = a.mesh.bounds()
        z = loc[2] + s["z"] + CONTACT_GAP
        if hi[2] > min(s["clear"], UPPER_Z - z) - 0.03:
            continue
        for _ in range(16):
            if squared:   # edition 3: square to the worktop give or take 17 degrees, its turned footprint measured
                turn = int(rng.integers(0, 4)) * math.pi / 2 + rng.uniform(-0.3, 0.3)
                ct, st = math.cos(turn), math.sin(turn)
                fx = [ct * x - st * y for x in (lo[0], hi[0]) for y in (lo[1], hi[1])]
                fy = [st * x + ct * y for x in (lo[0], hi[0]) for y in (lo[1], hi[1])]
                yaw = yaw0 + turn
                x0, x1, y1, y0 = s["lo"][0] - min(fx), s["hi"][0] - max(fx), s["hi"][1] - max(fy), s["lo"][1] - min(fy)
            else:
                yaw = yaw0 + rng.uniform(-math.pi, math.pi)
                r = max(abs(v) for v in (lo[0], lo[1], hi[0], hi[1]))  # turned any way it stays within r of its origin
                x0, x1, y1, y0 = s["lo"][0] + r, s["hi"][0] - r, s["hi"][1] - r, s["lo"][1] + r
            if x0 > x1 or y1 < y0:
                if squared:
                    continue
                break
            lx = rng.uniform(x0, x1)
            ly = max(y0, y1 - abs(rng.normal(0.0, 0.18)))
            p = (loc[0] + cs * lx - sn * ly, loc[1] + sn * lx + cs * ly, z)
            box = world_aabb(lo, hi, p, yaw)
            if not in_surface(lo, hi, p, yaw, loc, yaw0, s) or any(overlap(box, b, 0.01) for b in placed):
                continue
            placed.append(box)
            scene.add(cat, a, full, seed, spec, p, yaw, {"object": counter["id"], "surface": si}, box)
            done += 1
            break
    return done


def kitchenware(c, runs):
    """Edition 3: a kettle, a cutting board, a knife block and a pan on the worktops (each with its chance in
    ``KITCHENWARE``; tried on the worktops, longest free top first, until one holds it), and a casserole on a
    glass-ceramic hob."""
    rng = c.rng
    tops = sorted((o for _, o in runs if o["category"] == "kitchen_counter"),
                  key=lambda o: -sum(s["hi"][0] - s["lo"][0] for s in o["_asset"].surfaces))
    for cat, chance in KITCHENWARE:
        if rng.uniform() < chance:
            for top in tops:
                if worktop_things(c, top, 1, (cat,)):
                    break
    for _, o in runs:
        if o["category"] == "stove" and o["_asset"].surfaces and rng.uniform() < 0.6:
            worktop_things(c, o, 1, ("saucepan",), {"handles": 1})


def _along(c, w, obj):
    """(u0, u1): a placed object's extent along wall ``w`` (room-local)."""
    ax, off = (0, c.room.x0) if w in (0, 2) else (1, c.room.y0)
    return obj["bounds"]["lo"][ax] - off, obj["bounds"]["hi"][ax] - off


FITTED = ("kitchen_counter", "wall_cabinet")
"""The fitted units that share a kitchen's finish."""


def one_finish(g):
    """Edition 3: every base and wall unit of a kitchen takes the first base unit's carcass, front and handle
    materials (slots 0-2 of both factories), as a fitted kitchen is bought: one wood or paint, one handle metal."""
    units = [o for o in g["objects"] if o["category"] in FITTED]
    first = next((o for o in units if o["category"] == "kitchen_counter"), None)
    if first is None:
        return
    for o in units:
        o["materials"] = list(first["materials"][:3]) + list(o["materials"][3:])


def kitchen(c):
    """Runs of units, uppers over them, things on the worktops, the fridge, a table with two chairs or a stool."""
    rng, room = c.rng, c.room
    # 1. The main run; the fridge where it fits if the run could not hold it; an L on a neighbouring wall
    w, run = _main_run(c)
    runs = [(w, o) for o in run]
    if not any(o["category"] == "fridge" for o in run):
        c.floor("fridge", c.against(), tries=20)
    if run and (sum(o["params"]["width"] for o in run) < 3.0 or rng.uniform() < 0.6):
        w2, o = _corner_run(c, w) or (None, None)
        if o is not None:
            runs.append((w2, o))
    # 2. What the run could not hold, wherever it fits
    if not any(o["category"] == "kitchen_counter" and o["params"]["sink"] for _, o in runs):
        o = c.floor("kitchen_counter", c.against(), tries=20, params={"width": 1.2, "depth": UNIT_DEPTH, "sink": 1})
        if o is not None:
            runs.append((c.wall_of(o), o))
    if not any(o["category"] == "stove" for _, o in runs):
        o = c.floor("stove", c.against(), tries=20, params={"width": 0.5, "burners": 4})
        if o is not None:
            runs.append((c.wall_of(o), o))
    # 3. Uppers over each wall's worktops and cooker (one row per wall, broken where the wall is taken)
    for ww in sorted({ww for ww, _ in runs}):
        spans = sorted(_along(c, ww, o) for w_, o in runs if w_ == ww and o["category"] != "fridge")
        merged = []
        for a, b in spans:
            if merged and a - merged[-1][1] < 0.05:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        for a, b in merged:
            uppers(c, ww, a + 0.002, b - 0.002)
    # 4. Things on the worktops (edition 3: a tiled splashback, the kitchenware first, and one finish for the whole
    # kitchen)
    if edition() >= 3:
        splashback(c, runs)
        one_finish(c.scene.graph)
        kitchenware(c, runs)
    for _, o in runs:
        if o["category"] == "kitchen_counter":
            free_len = sum(s["hi"][0] - s["lo"][0] for s in o["_asset"].surfaces)
            if edition() >= 3:
                worktop_things(c, o, c.n(3 + CLUTTER_PER_M_3 * free_len), KITCHEN_CLUTTER_3)
            else:
                worktop_things(c, o, c.n(3 + CLUTTER_PER_M * free_len))
    # 5. A runner in front of the sink's worktop; a table with two chairs where there is room, else a stool
    sink = next((o for _, o in runs if o["category"] == "kitchen_counter" and o["params"]["sink"]), None)
    if sink is not None and rng.uniform() < 0.5:
        ws = c.wall_of(sink)
        rp = {"width": round(float(min(1.6, sink["params"]["width"])), 4), "depth": 0.6, "pile": 0.01}
        c.floor("rug", lambda lo, hi: ((*room.at_wall(ws, c.u_of(sink, ws) + rng.uniform(-0.1, 0.1), UNIT_DEPTH + 0.12 + hi[1]), 0.0),
                                       WALL_YAW[ws]), tries=3, params=rp)
    if room.W * room.D < 9 or table_with_chairs(c, params={"width": 0.9, "depth": 0.7}, n_chairs=2, items=3, settings=False) is None:
        c.floor("stool", c.against(), tries=10)
    if edition() >= 3:
        _extras(c)
    wa = int(rng.integers(0, 4))
    c.mount("wall_art", wa, room.length(wa) / 2, 1.5, tries=6)
    c.decor(art=0, plants=1)
    c.ceiling_light(*room.centre())


def _extras(c):
    """Edition 3: what else kitchens hold, each when it fits: an open shelf of jars, bowls and bottles on a free wall,
    a dresser or sideboard with crockery, a shelf of cookbooks, a basket or bin by a wall."""
    rng = c.rng
    if rng.uniform() < 0.55:
        c.on(c.shelf_on_a_wall((1.4, 1.65), lambda: {"width": round(float(rng.uniform(0.6, 1.0)), 4),
                                                      "depth": round(float(rng.uniform(0.2, 0.26)), 4)}),
             ("jar", "jar", "bowl", "plate", "bottle", "mug", "potted_plant", "vase"), c.n(4))
    if rng.uniform() < 0.3:
        side = c.floor("cabinet", c.against(), tries=15, params={"height": round(float(rng.uniform(0.8, 0.95)), 4)})
        c.on(side, ("bowl", "plate", "fruit", "jar", "bottle", "vase", "potted_plant"), c.n(3))
    if rng.uniform() < 0.15:
        c.shelves(c.floor("bookshelf", c.against(), tries=10, params={"height": round(float(rng.uniform(0.9, 1.2)), 4)}))
    if rng.uniform() < 0.35:
        c.floor("storage_box", c.against(), tries=8)


SPLASH_DEPTH = 0.006
"""How far (m) the tiled splashback behind an edition-3 kitchen's worktops and cooker stands out from the wall."""


def splashback_boxes(room, units, windows, top):
    """Boxes of a tiled splashback on the wall behind each of ``units`` ((object, height of its top surface): worktops
    and cookers standing with their back to a wall), from 3 cm under that top (down into the gap behind the worktop)
    up to ``top``, across the unit's width and half the joints to its neighbours, broken where a window
    (w, u0, u1, sill, wtop) would be covered."""
    out = []
    for o, z_top in units:
        w = min(range(4), key=lambda k: abs(math.remainder(o["rotation_z"] - WALL_YAW[k], 2 * math.pi)))
        ax, off = (0, room.x0) if w in (0, 2) else (1, room.y0)
        a, b = o["bounds"]["lo"][ax] - off - JOINT / 2, o["bounds"]["hi"][ax] - off + JOINT / 2
        a, b = max(a, END_GAP), min(b, room.length(w) - END_GAP)
        z0 = z_top - 0.03
        spans = [(a, b)]
        for ww, u0, u1, sill, wtop in windows:
            if ww == w and sill < top and wtop > z0:
                spans = [p for x, y in spans for p in ((x, min(y, u0)), (max(x, u1), y)) if p[1] - p[0] > 0.02]
        for x, y in spans:
            lo, hi = room.zone(w, x, y, SPLASH_DEPTH, z0, top)
            out.append([[round(v, 6) for v in lo], [round(v, 6) for v in hi]])
    return out


def splashback(c, runs):
    """Edition 3: tiles on the wall behind the run's worktops and cooker up to the upper cabinets (a structure
    entry, its boxes kept free of anything hung later); None without worktops."""
    units = [(o, round(o["location"][2] + (o["_asset"].surfaces[0]["z"] if o["_asset"].surfaces else o["bounds"]["hi"][2] - o["location"][2]), 6))
             for _, o in runs if o["category"] in ("kitchen_counter", "stove")]
    if not units:
        return None
    windows = [(w, wu, wu + ww, sill, wtop) for (w, wu, ww, sill, wtop) in c.windows]
    top = UPPER_Z - 0.002
    boxes = splashback_boxes(c.room, units, windows, top)
    if not boxes:
        return None
    r = rng_for(c.scene.seed, "splashback", c.room.name)
    desc = material("tile", r, "tile")
    desc["params"]["tile"] = round(float(r.uniform(0.075, 0.15)), 4)
    entry = {"id": f"splashback_{c.room.name}", "category": "wall_tiles", "semantic": ["structure", "wall_tiles"],
             "geometry": {"type": "boxes", "boxes": boxes},
             "splashback": {"over": [[o["id"], z] for o, z in units], "top": round(top, 4), "depth": SPLASH_DEPTH},
             "materials": [desc]}
    c.scene.graph["structure"].append(entry)
    c.scene.blockers += [(list(lo), list(hi)) for lo, hi in boxes]
    return entry


# ------------------------------------------------------------ what a kitchen is recognised by (tests, benchmarks)


def kitchen_run(g):
    """(sink worktop, cooker) standing side by side against the same wall, fronts in line and at most 2 cm
    apart along it, or None: the run a kitchen is recognised by."""
    objs = g["objects"]
    sinks = [o for o in objs if o["category"] == "kitchen_counter" and o["params"]["sink"]]
    stoves = [o for o in objs if o["category"] == "stove"]
    counters = [o for o in objs if o["category"] == "kitchen_counter"]
    for st in stoves:
        yaw = st["rotation_z"]
        for k in counters:
            if abs(math.remainder(k["rotation_z"] - yaw, 2 * math.pi)) > 1e-3:
                continue
            along = 0 if abs(math.cos(yaw)) > 0.5 else 1  # the wall's direction
            across = 1 - along
            gap = max(k["bounds"]["lo"][along] - st["bounds"]["hi"][along], st["bounds"]["lo"][along] - k["bounds"]["hi"][along])
            backs = abs((k["bounds"]["lo"][across] + k["bounds"]["hi"][across]) - (st["bounds"]["lo"][across] + st["bounds"]["hi"][across])) / 2
            if gap <= 0.02 and backs < 0.05 and (k in sinks or any(_joined(k, s, along) for s in sinks)):
                return k, st
    return None


def _joined(a, b, along):
    return abs(a["rotation_z"] - b["rotation_z"]) < 1e-3 and max(a["bounds"]["lo"][along] - b["bounds"]["hi"][along],
                                                                 b["bounds"]["lo"][along] - a["bounds"]["hi"][along]) <= 0.9


def uppers_over(g, obj):
    """Upper cabinets whose span along the wall overlaps ``obj``'s, on the same wall."""
    along = 0 if abs(math.cos(obj["rotation_z"])) > 0.5 else 1
    return [o for o in g["objects"] if o["category"] == "wall_cabinet" and abs(o["rotation_z"] - obj["rotation_z"]) < 1e-3
            and o["bounds"]["lo"][along] < obj["bounds"]["hi"][along] and obj["bounds"]["lo"][along] < o["bounds"]["hi"][along]]


def on_worktops(g):
    """How many things stand on the kitchen counters."""
    ids = {o["id"] for o in g["objects"] if o["category"] == "kitchen_counter"}
    return sum(1 for o in g["objects"] if isinstance(o["support"], dict) and o["support"]["object"] in ids)
