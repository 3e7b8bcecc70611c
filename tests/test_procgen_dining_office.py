"""Edition-3 dining rooms and offices that look lived in (issue #14), bpy-free: the dining table and its chairs stand
on a rug big enough for a pulled-out chair, the sideboard faces the table with a picture centred over it, offices
have a desk with a drawer pedestal, bookshelves, a rug and a reading corner, and both cover more of their floor."""
import numpy as np

from backend.procgen.constraints import violations
from backend.procgen.layout import in_surface
from backend.procgen.plan import plan
from backend.procgen.registry import generate
from backend.procgen.factories import registry


def _floor_pieces(g):
    """Objects standing on the floor or on a rug (furniture), rugs left out."""
    ids = {o["id"]: o for o in g["objects"]}
    return [o for o in g["objects"] if o["category"] != "rug" and (o["support"] == "floor" or (
        isinstance(o["support"], dict) and ids[o["support"]["object"]]["category"] == "rug"))]


def covered(g) -> float:
    """The share of the room's floor covered in plan by furniture and rugs (their boxes' union on a 2 cm grid)."""
    (x0, y0, _), (x1, y1, _) = g["rooms"][0]["lo"], g["rooms"][0]["hi"]
    grid = np.zeros((int(round((x1 - x0) / 0.02)), int(round((y1 - y0) / 0.02))), bool)
    for o in _floor_pieces(g) + [o for o in g["objects"] if o["category"] == "rug"]:
        lo, hi = o["bounds"]["lo"], o["bounds"]["hi"]
        grid[max(0, int((lo[0] - x0) / 0.02)):int(np.ceil((hi[0] - x0) / 0.02)), max(0, int((lo[1] - y0) / 0.02)):int(np.ceil((hi[1] - y0) / 0.02))] = True
    return float(grid.mean())


def _rug_top(rug):
    a, _ = generate(registry(), "rug", rug["seed"], rug["params"])
    return a.surfaces[0]


def test_dining_chairs_stand_on_the_rug_under_the_table():
    """The dining table stood on bare floor tiles with its chairs (no rug in any of dining seeds 0-29): now the table
    and every chair set at it stand on one rug, and most tucked chairs pulled 25 cm back out (to sit down) stay whole
    on its top (a small room's rug reaches less far past the table)."""
    on_rug = pulled = tucked = 0
    for seed in range(16):
        g = plan("dining_room", seed)
        ids = {o["id"]: o for o in g["objects"]}
        (table,) = [o for o in g["objects"] if o["category"] == "table"]
        sup = table["support"]
        if not isinstance(sup, dict) or ids[sup["object"]]["category"] != "rug":
            continue
        on_rug += 1
        rug = ids[sup["object"]]
        top = _rug_top(rug)
        chairs = [o for o in g["objects"] if o["category"] == "chair"]
        assert len(chairs) >= 4 and all(ch["support"] == {"object": rug["id"], "surface": 0} for ch in chairs), seed
        for ch in (o for o in chairs if o.get("tucked_under")):
            n = np.asarray(ch["tucked_under"]["direction"])
            lo, hi = generate(registry(), "chair", ch["seed"], ch["params"])[0].mesh.bounds()
            out = (ch["location"][0] - 0.25 * n[0], ch["location"][1] - 0.25 * n[1])
            pulled += in_surface(lo, hi, out, ch["rotation_z"], rug["location"], rug["rotation_z"], top)
            tucked += 1
        assert not violations(g), seed
    assert on_rug >= 14 and tucked >= 40 and pulled >= 0.75 * tucked, (on_rug, tucked, pulled)


def test_dining_sideboard_faces_the_table_under_a_picture():
    """The sideboard stood anywhere along any wall: now it stands facing the table (its middle within 30 cm of the
    table's, along its wall) with a picture centred over it, and its top holds things in groups."""
    facing = art = dressed = 0
    for seed in range(16):
        g = plan("dining_room", seed)
        (table,) = [o for o in g["objects"] if o["category"] == "table"]
        tc = (np.asarray(table["bounds"]["lo"][:2]) + table["bounds"]["hi"][:2]) / 2
        sides = [o for o in g["objects"] if o["category"] == "cabinet" and o["support"] == "floor"]
        if not sides:
            continue
        sb = sides[0]
        sc = (np.asarray(sb["bounds"]["lo"][:2]) + sb["bounds"]["hi"][:2]) / 2
        along = 0 if sb["bounds"]["hi"][0] - sb["bounds"]["lo"][0] > sb["bounds"]["hi"][1] - sb["bounds"]["lo"][1] else 1
        facing += abs(sc[along] - tc[along]) <= 0.3
        art += any(o["category"] == "wall_art" and abs((o["bounds"]["lo"][along] + o["bounds"]["hi"][along]) / 2 - sc[along]) < 0.02
                   and o["bounds"]["lo"][2] > sb["bounds"]["hi"][2] for o in g["objects"])
        dressed += sum(isinstance(o["support"], dict) and o["support"]["object"] == sb["id"] for o in g["objects"]) >= 3
    assert facing >= 13 and art >= 11 and dressed >= 11, (facing, art, dressed)


def test_offices_hold_what_a_study_holds():
    """An office was a desk, a chair, a bookshelf or two and little else (a rug in 12 of office seeds 0-29): now the
    desk has a drawer pedestal beside it, most rooms a rug, a plant and a reading corner where the room is big
    enough (an armchair with a floor lamp or a side table at an arm)."""
    pieces, rugs, pedestals, corners, big = [], 0, 0, 0, 0
    for seed in range(16):
        g = plan("office", seed)
        objs = g["objects"]
        cats = [o["category"] for o in _floor_pieces(g)]
        pieces.append(len(cats))
        assert {"desk", "chair", "bookshelf"} <= set(cats), (seed, cats)
        rugs += "rug" in {o["category"] for o in objs}
        (desk,) = [o for o in objs if o["category"] == "desk"]
        pedestals += any(o["category"] == "cabinet" and abs(o["rotation_z"] - desk["rotation_z"]) < 1e-6   # its side 5-10 cm off the desk's
                         and min(abs(a["bounds"]["lo"][k] - b["bounds"]["hi"][k]) for k in (0, 1) for a, b in ((o, desk), (desk, o))) < 0.1
                         for o in objs)
        r = g["rooms"][0]
        if (r["hi"][0] - r["lo"][0]) * (r["hi"][1] - r["lo"][1]) >= 11.0:
            big += 1
            chairs = [o for o in objs if o["category"] == "armchair"]
            corners += any(np.linalg.norm(np.asarray(o["location"][:2]) - ch["location"][:2]) < 1.0
                           for ch in chairs for o in objs if o["category"] in ("floor_lamp", "nightstand"))
        assert not violations(g), seed
    assert np.median(pieces) >= 8 and rugs >= 12 and pedestals >= 10 and corners >= 0.6 * big, (pieces, rugs, pedestals, corners, big)


def test_dining_rooms_and_offices_cover_more_of_their_floor():
    """Dining seed 0 was a table and chairs in a sea of floor tiles: furniture and rugs covered a median 17 % of
    dining-room floors and 20 % of offices' (seeds 0-15); now over 30 % and 28 %."""
    dining = [covered(plan("dining_room", s)) for s in range(16)]
    office = [covered(plan("office", s)) for s in range(16)]
    assert np.median(dining) >= 0.3 and np.median(office) >= 0.28, (np.median(dining), np.median(office))
