"""Room-level realism of issue #14 (bpy-free): a desk always has its chair, a living room is furnished (80+ objects
at the default density, the coffee table on its rug, a lamp), curtains hang beside the windows, nightstands carry
their lamps, the main camera is not a view past a fridge."""
import math

import numpy as np
import pytest

from backend.procgen.constraints import violations
from backend.procgen.layout import EXTRA_VIEWS, dominant_share
from backend.procgen.plan import plan
from backend.procgen.views import LEAF_MAX, LEAF_NEAR, NEAR_MAX, door_leaf, near_share, near_shares


def _on(g, obj, cat):
    return [o for o in g["objects"] if o["category"] == cat and isinstance(o["support"], dict) and o["support"]["object"] == obj["id"]]


def test_every_office_desk_gets_its_chair():
    """An office desk has a chair tucked into its knee space (the defect: 13 of office seeds 0-29 had none, the
    chair's turned box hit the desk before it could be slid in, or a door's clearance took the space in front)."""
    missing = []
    for seed in range(30):
        g = plan("office", seed)
        for d in (o for o in g["objects"] if o["category"] == "desk"):
            if not any(o.get("tucked_under", {}).get("object") == d["id"] for o in g["objects"] if o["category"] == "chair"):
                missing.append(seed)
    assert not missing, f"desks without a chair in office seeds {missing}"


def test_living_room_is_furnished_at_the_default_density():
    """The issue's goal is a furnished living room of 80-200 objects; at density 1 the median of seeds 0-19 was 72
    (the rug hit the sofa and took the coffee table with it in a third of the rooms, end tables and their lamps
    were missing)."""
    counts, with_table, with_lamp = [], 0, 0
    for seed in range(20):
        g = plan("living_room", seed)
        counts.append(len(g["objects"]))
        rugs = [o for o in g["objects"] if o["category"] == "rug"]
        with_table += any(_on(g, r, "coffee_table") for r in rugs)
        with_lamp += any(o["category"] in ("table_lamp", "floor_lamp") for o in g["objects"])
    assert np.median(counts) >= 80 and max(counts) <= 200, counts
    assert with_table >= 18 and with_lamp >= 16, (with_table, with_lamp)


def test_curtains_hang_beside_the_windows():
    """A curtain on either side of the window where the wall has room (the defect: the planner sized the gap for one
    curtain and hung another, wider one, which hit the window's clearance: 2 of living room seeds 0-19 had one)."""
    hung = sum(any(o["category"] == "curtain" for o in plan("living_room", seed)["objects"]) for seed in range(20))
    assert hung >= 15, hung


def test_nightstands_carry_their_lamps():
    """A bedroom's nightstands each get a table lamp (the defect: the lamp's box, turned by its yaw, no longer fitted
    the top it was sized for: 5 of 24 nightstands over bedroom seeds 0-19 had one)."""
    stands = lamps = 0
    for seed in range(20):
        g = plan("bedroom", seed)
        for ns in (o for o in g["objects"] if o["category"] == "nightstand"):
            stands += 1
            lamps += bool(_on(g, ns, "table_lamp"))
    assert stands >= 10 and lamps >= 0.9 * stands, (stands, lamps)


def test_main_camera_is_the_least_blocked_of_the_views_that_see_the_most():
    """Kitchen seed 0's main camera saw 11 objects past a fridge filling a quarter of the frame, while another view
    saw the same 11 with nothing in the way: of the eye-height views that see the most objects, the main one is the
    one least filled by a single piece of furniture (views nothing spoils; a high corner's objects count
    HIGH_VIEW_WEIGHT)."""
    from backend.procgen.layout import HIGH_VIEW_WEIGHT, HIGH_VIEW_Z
    from backend.procgen.views import spoilt

    def score(c):
        return c["sees"] * (HIGH_VIEW_WEIGHT if c["location"][2] > HIGH_VIEW_Z else 1.0)

    for seed in range(10):
        g = plan("kitchen", seed)
        eye = [c for c in g["cameras"] if c["name"] not in EXTRA_VIEWS and not spoilt(g, c)]
        best = [c for c in eye if score(c) == max(score(e) for e in eye)]
        shares = [round(dominant_share(g, c), 2) for c in best]
        assert g["cameras"][0]["name"] == "camera_main" and shares[0] == min(shares), (seed, shares)


def test_dominant_share_measures_what_fills_the_frame():
    g = {"objects": [{"support": "floor", "bounds": {"lo": [-1.0, 1.0, 0.0], "hi": [1.0, 1.5, 3.0]}}]}
    near = {"location": [0.0, 0.0, 1.0], "target": [0.0, 3.0, 1.0], "lens": 24.0, "sensor": 36.0}
    far = dict(near, location=[0.0, -8.0, 1.0])
    assert dominant_share(g, near) > 0.5 > dominant_share(g, far) > 0.0


def test_tuck_leaves_a_chair_whose_slide_misses_the_table():
    """Room seed 138 (a dining room): a chair at the end of a long side could slide without meeting the table (its
    measured clearance was infinite) and was sent to infinity, which broke the constraint checks."""
    g = plan("room", 138)
    assert all(np.isfinite(o["location"]).all() for o in g["objects"])
    assert not violations(g)


def test_apartment_cameras_count_only_what_their_own_room_shows():
    """In an apartment the walls between rooms hide the other rooms: a camera's visible objects are those of the
    room it stands in (the defect: apartment 0's main camera stood in the kitchen's corner aimed through the wall at
    the living room, 'seeing' 92 objects; Blender's rays reached 20 of 133)."""
    from backend.procgen.layout import in_room, visible_ids

    for seed in range(4):
        g = plan("apartment", seed)
        centre = {o["id"]: (np.asarray(o["bounds"]["lo"][:2]) + o["bounds"]["hi"][:2]) / 2 for o in g["objects"]}
        for cam in g["cameras"]:
            room = next(r for r in g["rooms"] if in_room(r, cam["location"]))
            outside = [i for i in visible_ids(g, cam) if not in_room(room, centre[i])]
            assert not outside, f"apartment {seed} {cam['name']} in {room['name']} counts {outside[:3]} of other rooms"
        main = g["cameras"][0]
        assert main["name"] == "camera_main" and main["sees"] >= 10, (seed, main["sees"])


def test_apartment_coverage_is_checked_room_by_room():
    """An apartment's views are judged per room: each room has a camera of its own framing most of that room's
    objects (a single view framing 60% of a whole apartment was only ever met by aiming through walls; apartment 51
    has no such view and is fine room by room). A room left without a camera is a violation that names it."""
    from backend.procgen.layout import in_room

    g = plan("apartment", 51)
    assert violations(g) == []
    room = g["rooms"][1]
    g["cameras"] = [c for c in g["cameras"] if not in_room(room, c["location"])]
    assert any(v.startswith(f"no camera in {room['name']}") for v in violations(g))


# (type, seed) whose main view had one thing nearer than 1 m filling over 8 % of the frame before views counted it
# (benchmarks/procgen_near_views.py over the six room types x seeds 0-49 found 21; these are some of them)
NEAR_SPOILT = [("bathroom", 21), ("bathroom", 27), ("office", 9), ("office", 18), ("kitchen", 4), ("kitchen", 16),
               ("bedroom", 13), ("living_room", 27)]


@pytest.mark.parametrize("scene_type, seed", NEAR_SPOILT)
def test_main_view_is_not_filled_by_a_door_leaf_or_cabinet_beside_the_lens(scene_type, seed):
    """Issue #14: an open door leaf (or a wall cabinet, a curtain, a wardrobe) a few tens of cm from the corner
    camera filled a corner of the main view; the picker now counts it against a view."""
    g = plan(scene_type, seed)
    shares = near_shares(g, g["cameras"][0])
    assert max(shares.values(), default=0.0) <= NEAR_MAX, shares


def test_near_share_sees_an_open_door_leaf_beside_the_lens():
    """The measure itself: a door in the wall x = 0 swung 60 degrees into the room, a camera 0.4 m from its leaf
    looking past it into the room, and the same camera 3 m back."""
    door = {"id": "door_0", "category": "door", "geometry": {"type": "asset", "category": "door", "location": [0.0, 1.0, 0.0],
            "rotation_z": math.pi / 2, "params": {"width": 0.9, "height": 2.1, "depth": 0.12, "open_angle": 1.05}}}
    g = {"objects": [], "structure": [door]}
    centre, _, _ = door_leaf(door)
    near = {"location": [centre[0] + 0.1, centre[1] - 0.45, 1.4], "target": [3.0, 3.0, 1.0], "lens": 24.0, "sensor": 36.0}
    assert near_share(g, near) > 0.15
    far = dict(near, location=[3.5, -2.0, 1.4], target=[0.0, 1.0, 1.0])
    assert near_share(g, far) == 0.0 < max(near_shares(g, far, near=6.0).values())


@pytest.mark.parametrize("scene_type, seed", [("room", 0), ("bathroom", 17), ("kitchen", 17), ("living_room", 11)])
def test_main_view_is_not_a_view_past_an_open_door_leaf(scene_type, seed):
    """Farther off, an open door leaf is still a bare slab: room seed 0's main view (a bathroom) looked past one
    2-3 m away filling a sixth of the frame. A leaf nearer than 3 m may fill at most 10 % of the main view."""
    g = plan(scene_type, seed)
    leaves = {e["id"] for e in g["structure"] if e["category"] == "door"}
    shares = near_shares(g, g["cameras"][0], near=LEAF_NEAR)
    assert max((v for k, v in shares.items() if k in leaves), default=0.0) <= LEAF_MAX, shares


@pytest.mark.parametrize("scene_type,seeds", [("apartment", (3, 0)), ("kitchen", range(0, 40, 4)), ("bedroom", range(6))])
def test_floor_objects_keep_clear_of_the_skirting(scene_type, seeds):
    """Apartment 3's nightstand stood 9 mm from the side wall, 5 mm into its 14 mm skirting board, and a kitchen
    fridge at the end of its run 1 cm from the next wall (both found on real triangles in Blender): what stands on
    the floor keeps clear of the skirting boxes."""
    from backend.procgen.layout import overlap
    for seed in seeds:
        g = plan(scene_type, seed)
        skirting = [b for s in g["structure"] if s["category"] == "skirting" for b in s["geometry"]["boxes"]]
        hits = [o["id"] for o in g["objects"] if o["support"] == "floor"
                for b in skirting if overlap((o["bounds"]["lo"], o["bounds"]["hi"]), b, -1e-6)]
        assert hits == [], (scene_type, seed, hits)


@pytest.mark.parametrize("kind", ["living_room", "kitchen", "office", "bathroom"])
def test_doors_out_of_the_plan_are_shut(kind):
    """Nothing is modelled behind a lone room's door or an apartment's entrance: an open one showed a black hole."""
    for seed in range(4):
        doors = [e for e in plan(kind, seed)["structure"] if e["category"] == "door"]
        assert doors and all(e["geometry"]["params"]["open_angle"] == 0.0 for e in doors)
    apt = [e["geometry"]["params"]["open_angle"] for e in plan("apartment", 2)["structure"] if e["category"] == "door"]
    assert apt.count(0.0) == 1 and len(apt) >= 3  # the entrance; the doors between rooms swing as they were


def test_walls_windows_and_shut_doors_are_things_a_view_can_be_spoilt_by():
    from backend.procgen.views import boxes, near_shares, spoilt

    g = plan("bedroom", 1)
    things = boxes(g)
    assert {"wall_south", "wall_north", "window_0", "door_0"} <= set(things[0])
    assert "door_0" not in things[4]  # shut: not counted as a leaf swung into the view
    x0, y0 = g["rooms"][0]["lo"][:2]
    # a lens 15 cm from the south wall looking along it: the wall fills much of the frame
    cam = {"location": [x0 + 1.0, y0 + 0.15, 1.5], "target": [x0 + 3.0, y0 + 0.35, 1.4], "lens": 24.0, "sensor": 36.0}
    assert near_shares(g, cam, things=things).get("wall_south", 0.0) > 0.1
    assert spoilt(g, cam, things)


def test_wall_to_wall_carpet_is_a_muted_carpet_colour():
    """A fabric floor is carpet (greige, oatmeal, taupe, warm grey), not a rug's accent colour over the whole room."""
    import colorsys

    from backend.procgen.finishes import CARPETS
    seen, seen3 = 0, 0
    for kind in ("living_room", "bedroom", "office"):
        for seed in range(12):
            for e in plan(kind, seed, edition=2)["structure"]:
                m = e["materials"][0] if e["category"] == "floor" else None
                if m and m["kind"] == "fabric":
                    h, s, v = colorsys.rgb_to_hsv(*m["params"]["base_color"])
                    assert s <= 0.3 and 0.12 <= v <= 0.45, (kind, seed, m["params"]["base_color"])
                    seen += 1
            # edition 3: the carpet kind in a named carpet colour (charcoal and burgundy are carpets too)
            for e in plan(kind, seed)["structure"]:
                m = e["materials"][0] if e["category"] == "floor" else None
                assert not (m and m["kind"] == "fabric"), (kind, seed)
                if m and m["kind"] == "carpet":
                    name = m["params"]["finish"].removeprefix("carpet_")
                    ref = CARPETS[name]
                    assert all(abs(c - r) <= 0.2 * r + 0.02 for c, r in zip(m["params"]["base_color"], ref)), (kind, seed, name)
                    assert max(m["params"]["base_color"]) <= 0.5
                    seen3 += 1
    assert seen >= 3 and seen3 >= 3


def test_tiled_floors_take_floor_tile_colours():
    """Tiled floors are slate, charcoal, warm grey, terracotta or sandstone, not the pale wall tiles' colours."""
    import colorsys

    seen = 0
    for kind in ("bathroom", "kitchen", "dining_room"):
        for seed in range(10):
            floor = next(e for e in plan(kind, seed)["structure"] if e["category"] == "floor")["materials"][0]
            if floor["kind"] == "tile":
                _h, s, v = colorsys.rgb_to_hsv(*floor["params"]["base_color"])
                assert s <= 0.5 and v <= 0.5, (kind, seed, floor["params"]["base_color"])
                seen += 1
    assert seen >= 5


def test_every_apartment_room_keeps_a_view_that_frames_most_of_it():
    """Apartment seed 30: with views kept clear of walls and clutter by the lens, no camera in its living room
    framed 60 % of the room's objects (best 52 %); a room that short of it gets an overview from its high corner."""
    g = plan("apartment", 30)
    assert violations(g) == []


def test_edition_3_tables_mostly_get_a_matching_set_of_chairs():
    """Every chair round a table was its own design (a showroom of chairs); edition 3 gives most tables one set
    (MATCHING_CHAIRS), each chair of it the same seed and parameters; edition 2 keeps its mixed chairs."""
    def sets(edition):
        same = tables = 0
        for seed in range(20):
            by = {}
            for o in plan("dining_room", seed, edition=edition)["objects"]:
                if o["category"] == "chair" and "tucked_under" in o:
                    by.setdefault(o["tucked_under"]["object"], []).append((o["seed"], str(o["params"])))
            for chairs in (v for v in by.values() if len(v) > 1):
                tables += 1
                same += len(set(chairs)) == 1
        return same, tables
    same, tables = sets(3)
    assert tables >= 15 and same >= 0.5 * tables, (same, tables)
    assert sets(2)[0] == 0
