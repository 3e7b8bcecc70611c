"""Edition 3 of the door, window, mirror, wall art, curtain, cutting board, storage box and coffee table (issue #14:
these still read as toys on the asset sheet): each feature a real one has is there as geometry, measured on the
mesh; every asset is a set of closed shells with no coincident faces; a door or window still fits its opening as
edition 2 did. Each check is run on edition 2 too and finds the toy there (bpy-free)."""
import numpy as np
import pytest

from backend.procgen import finishes, geometry as geo
from backend.procgen.factories import build_registry
from backend.procgen.registry import generate
from test_procgen_edition3_things import assert_clean, ray_y
from test_procgen_furniture_e3 import _shells

REG = build_registry()


def shells(m):
    """[(Float["V 3"] vertices, material slot)] of the mesh's connected shells."""
    return [(m.verts[ids], s) for ids, s in _shells(m)]


# ------------------------------------------------------------------ 1. door
@pytest.mark.parametrize("seed", range(8))
def test_doors_have_a_40_mm_leaf_of_joinery_architraves_both_sides_hinges_and_levers(seed, edition=None):
    a, p = generate(REG, "door", seed, {"open_angle": 0.0}, edition=edition)
    assert_clean(a, f"door {seed}")
    m, w, h, d = a.mesh, p["width"], p["height"], p["depth"]
    sh = shells(m)
    # the leaf (slot 1): 40 mm thick, hung in the lining's room-side half
    leaf = np.concatenate([v for v, s in sh if s == 1])
    assert abs(np.ptp(leaf[:, 1]) - 0.04) < 0.004
    # architraves (slot 0) on both faces of the wall, covering the joint: past the opening's sides and head
    for sy in (-1, 1):
        cas = [v for v, s in sh if s == 0 and (sy * v[:, 1]).min() > d / 2 - 0.003]
        assert len(cas) >= 3, f"door {seed}: architrave missing on the {'-+'[sy > 0]}Y face"
        c = np.concatenate(cas)
        assert c[:, 0].min() < -w / 2 - 0.04 and c[:, 0].max() > w / 2 + 0.04 and c[:, 2].max() > h + 0.04
        assert np.ptp(c[:, 1]) > 0.015                     # moulded: it stands 15 mm or more off the wall
    # lever handles on both faces of the leaf, and hinge knuckles on its hinge edge
    hw = [v for v, s in sh if s == 2]
    lf, lb = leaf[:, 1].min(), leaf[:, 1].max()
    assert any(v[:, 1].min() < lf - 0.04 for v in hw) and any(v[:, 1].max() > lb + 0.04 for v in hw)
    hinge_x = leaf[:, 0].min()
    assert sum(1 for v in hw if abs(v[:, 0].mean() - hinge_x) < 0.01 and np.ptp(v[:, 2]) > 0.08) >= 2
    # the leaf: a flush slab, or stiles and rails with recessed panels (or glass) between them
    parts = [v for v, s in sh if s in (1, 3)]
    if len(parts) > 1:
        xc = (leaf[:, 0].min() + leaf[:, 0].max()) / 2
        z = leaf[:, 2].min() + 0.45
        front = [y for y, s in ray_y(m, xc - 0.17, z) if lf - 0.001 <= y <= lb + 0.001]
        assert front and front[0] > lf + 0.006, f"door {seed}: no panel recessed in the leaf"


def test_doors_come_in_panelled_flush_and_glazed_leaves_and_still_hang_and_swing_as_before():
    kinds = set()
    for seed in range(16):
        a, p = generate(REG, "door", seed, {"open_angle": 0.0})
        sl = [s for v, s in shells(a.mesh) if s in (1, 3)]
        kinds.add("glazed" if 3 in sl else "flush" if len(sl) == 1 else f"panels{len(sl)}")
    assert {"glazed", "flush"} <= kinds and len(kinds) >= 4, kinds
    # the leaf hangs where edition 2's slab hung (the same box when shut) and turns about the same hinge line
    for seed in range(4):
        for ed in (2, 3):
            a, p = generate(REG, "door", seed, {"open_angle": 0.0}, edition=ed)
            w, h, d = p["width"], p["height"], p["depth"]
            sl = [v for v, s in shells(a.mesh) if s == 1]
            leaf = np.concatenate(sl) if ed == 3 else max(sl, key=lambda v: np.prod(np.ptp(v, axis=0)))
            np.testing.assert_allclose(leaf.min(0), [-w / 2 + 0.033, -d / 2 + 0.004, 0.008], atol=0.0015)
            np.testing.assert_allclose(leaf.max(0), [w / 2 - 0.033, -d / 2 + 0.044, h - 0.034], atol=0.0015)
        hinge = np.array([-w / 2 + 0.033, -d / 2 + 0.024, 0.0])
        turned = np.concatenate([v for v, s in shells(generate(REG, "door", seed, {"open_angle": 0.9})[0].mesh) if s == 1])
        np.testing.assert_allclose((turned - hinge) @ geo.rot_z(-0.9), leaf - hinge, atol=1e-9)


# ------------------------------------------------------------------ 2. window
@pytest.mark.parametrize("seed", range(10))
def test_windows_have_a_stepped_frame_sashes_round_thick_glass_handles_and_sills_both_sides(seed, edition=None):
    a, p = generate(REG, "window", seed, edition=edition)
    assert_clean(a, f"window {seed}")
    m, w, h, d = a.mesh, p["width"], p["height"], p["depth"]
    sh = shells(m)
    # the frame: one ring with a stepped section (an outside lip the sashes close against: 3+ offsets in from
    # the opening's sides at one height)
    frame = max((v for v, s in sh if s == 0), key=lambda v: np.prod(np.ptp(v, axis=0)))
    assert len(np.unique(np.round(frame[:, 0], 4))) >= 6, f"window {seed}: a frame of plain boards"
    # every pane of glass (6 mm thick) sits in a sash: a frame ring round it, sash and glass clear of the frame's
    glass = [v for v, s in sh if s == 1]
    assert glass and all(abs(np.ptp(v[:, 1]) - 0.006) < 1e-6 for v in glass)
    rings = [v for v, s in sh if s == 0 and len(v) <= 64 and np.ptp(v[:, 0]) > 0.1 and np.ptp(v[:, 2]) > 0.1]
    for gv in glass:
        lo, hi = gv.min(0), gv.max(0)
        assert any((r.min(0)[[0, 2]] < lo[[0, 2]]).all() and (r.max(0)[[0, 2]] > hi[[0, 2]]).all() and
                   r[:, 1].min() < lo[1] and r[:, 1].max() > hi[1] for r in rings), f"window {seed}: glass without a sash"
    # a handle or a sash catch (slot 3); a sill board with a nosing inside and a sloped sill outside the wall
    assert any(s == 3 for v, s in sh), f"window {seed}: no handle"
    inside = np.concatenate([v for v, s in sh if s == 2])
    assert inside[:, 1].min() < -d / 2 - 0.03 and inside[:, 1].max() > -d / 2 + 0.02
    outside = [v for v, s in sh if s == 4]
    assert outside and outside[0][:, 1].max() > d / 2 + 0.02, f"window {seed}: no outside sill"
    top = outside[0][outside[0][:, 1] > d / 2]
    assert np.ptp(top[:, 2]) > 0.01


def test_windows_fit_their_opening_as_edition_2_did_and_come_as_casements_and_sliding_sashes():
    kinds = set()
    for seed in range(12):
        e2, p = generate(REG, "window", seed, edition=2)
        e3, p3 = generate(REG, "window", seed)
        assert p3 == p
        (lo2, hi2), (lo3, hi3) = e2.mesh.bounds(), e3.mesh.bounds()
        np.testing.assert_allclose(lo3, lo2, atol=1e-9)                 # the room side and the bottom as before
        np.testing.assert_allclose(hi3[[0, 2]], hi2[[0, 2]], atol=1e-9)
        glass = [v for v, s in shells(e3.mesh) if s == 1]
        ys = {round(float(v[:, 1].mean()), 3) for v in glass}
        kinds.add("sliding" if len(ys) > 1 else "casement")
    assert kinds == {"sliding", "casement"}


@pytest.mark.parametrize("category", ("door", "window"))
def test_doors_and_windows_keep_out_of_the_wall_the_floor_and_the_skirting(category):
    """Nothing is sunk into the wall round the opening (inside the wall's thickness every vertex is within the
    opening), nothing touches the floor, and a door's architrave stands clear of a room's 14 mm skirting, which
    runs up to the opening (its plinth blocks stand in front of it)."""
    for seed in range(12):
        a, p = generate(REG, category, seed)
        v, w, d = a.mesh.verts, p["width"], p["depth"]
        h, z0 = (p["height"], 0.0) if category == "door" else (p["height"], 0.03)
        inside = np.abs(v[:, 1]) < d / 2 + 0.0001
        assert (np.abs(v[inside, 0]) < w / 2).all() and (v[inside, 2] >= z0).all() and (v[inside, 2] < z0 + h).all(), seed
        if category == "door":
            front = np.abs(v[:, 1]) > d / 2
            assert v[front, 2].min() > 0.0009          # nothing in front of the wall on the floor
            skirting = (np.abs(v[:, 1]) < d / 2 + 0.0145 + 0.0005) & (np.abs(v[:, 0]) > w / 2) & (v[:, 2] < 0.0805)
            assert not skirting.any(), seed


# ------------------------------------------------------------------ 3. mirror and wall art
def _frame(sh, w, h):
    """The frame: a slot-0 shell running all round the outline (as wide and as high as the asset)."""
    rings = [v for v, s in sh if s == 0 and np.ptp(v[:, 0]) > w - 0.002 and np.ptp(v[:, 2]) > h - 0.002]
    assert rings, "no frame running round it"
    return rings[0]


@pytest.mark.parametrize("seed", range(10))
def test_mirrors_are_framed_or_bevelled_panes_standing_proud_of_a_backing_board(seed, edition=None):
    a, p = generate(REG, "mirror", seed, edition=edition)
    assert_clean(a, f"mirror {seed}")
    m, w, h = a.mesh, p["width"], p["height"]
    lo, hi = m.bounds()
    assert lo[0] >= -w / 2 - 1e-9 and hi[0] <= w / 2 + 1e-9 and abs(lo[2]) < 1e-9 and hi[2] <= h + 1e-9 and abs(hi[1]) < 1e-9
    sh = shells(m)
    pane = np.concatenate([v for v, s in sh if s == 1])
    back = [v for v, s in sh if s == 2]
    assert back, f"mirror {seed}: no backing board"
    back = np.concatenate(back)
    assert pane[:, 1].min() < back[:, 1].min() - 0.002 and back[:, 1].max() < 0.0     # the pane in front, both off the wall
    frame = [v for v, s in sh if s == 0 and np.ptp(v[:, 0]) > 0.8 * np.ptp(pane[:, 0])]
    if frame:      # a moulded frame: its section steps through 6 or more depths, and it laps over the pane's edge
        f = frame[0]
        assert len(np.unique(np.round(f[:, 1], 5))) >= 6
        assert f[:, 1].min() < pane[:, 1].min() - 0.004
    else:          # frameless: the pane's front edge bevelled (three depths), clips over its edge
        assert len(np.unique(np.round(pane[:, 1], 5))) == 3
        assert sum(1 for v, s in sh if s == 0) == 4


def test_mirrors_come_rectangular_round_and_arched_framed_and_frameless():
    shapes, framed = set(), set()
    for seed in range(24):
        a, p = generate(REG, "mirror", seed)
        pane = np.concatenate([v for v, s in shells(a.mesh) if s == 1])
        top = pane[pane[:, 2] > pane[:, 2].max() - 0.02]
        low = pane[pane[:, 2] < pane[:, 2].min() + 0.02]
        shapes.add("rect" if np.ptp(top[:, 0]) > 0.9 * np.ptp(pane[:, 0]) else
                   "arch" if np.ptp(low[:, 0]) > 0.9 * np.ptp(pane[:, 0]) else "round")
        framed.add(sum(1 for v, s in shells(a.mesh) if s == 0) == 1)
    assert shapes == {"rect", "round", "arch"} and framed == {True, False}


@pytest.mark.parametrize("seed", range(10))
def test_wall_art_has_a_moulded_frame_round_a_bevelled_passe_partout_or_a_canvas(seed, edition=None):
    a, p = generate(REG, "wall_art", seed, edition=edition)
    assert_clean(a, f"wall_art {seed}")
    m, w, h = a.mesh, p["width"], p["height"]
    lo, hi = m.bounds()
    np.testing.assert_allclose([lo[0], lo[2], hi[0], hi[1], hi[2]], [-w / 2, 0, w / 2, 0, h], atol=1e-6)
    sh = shells(m)
    pic = np.concatenate([v for v, s in sh if s == 2])
    if len(sh) == 1 and sh[0][1] == 2:   # a gallery-wrapped canvas: the painting round a stretcher 2-3 cm deep
        assert 0.02 - 1e-6 <= np.ptp(pic[:, 1]) <= 0.03 + 1e-6, f"wall_art {seed}: a canvas without depth"
        return
    frame = _frame(sh, w, h)
    assert len(np.unique(np.round(frame[:, 1], 5))) >= 4, f"wall_art {seed}: a frame of flat boards"
    mats = [v for v, s in sh if s == 1]
    if mats:       # the passe-partout: a board with a window cut at a bevel, the picture behind it
        mb = mats[0]
        assert len(np.unique(np.round(mb[:, 1], 5))) == 3, f"wall_art {seed}: the mat's window is not bevelled"
        assert pic[:, 1].min() > mb[:, 1].min() and pic[:, 1].min() < mb[:, 1].max() + 0.001
    else:          # a canvas: a stretched picture 1 cm or more deep, its face behind the frame's front
        assert np.ptp(pic[:, 1]) > 0.01 and pic[:, 1].min() > frame[:, 1].min() + 0.005


# ------------------------------------------------------------------ 4. curtain
@pytest.mark.parametrize("seed", range(8))
def test_curtains_hang_from_rings_on_a_pole_with_finials_in_uneven_folds_down_to_a_hem(seed, edition=None):
    a, p = generate(REG, "curtain", seed, edition=edition)
    assert_clean(a, f"curtain {seed}")
    m, w, folds = a.mesh, p["width"], p["folds"]
    sh = shells(m)
    cloth = [v for v, s in sh if s == 0]
    assert len(cloth) == 1
    cloth = cloth[0]
    hard = [v for v, s in sh if s == 1]
    pole = max(hard, key=lambda v: np.ptp(v[:, 0]))
    assert np.ptp(pole[:, 0]) > w + 0.1                                  # the pole runs past the panel
    ends = [v for v in hard if np.ptp(v[:, 0]) < 0.1 and abs(v[:, 0].mean()) > pole[:, 0].max()
            and np.ptp(v[:, 2]) > 0.035]
    assert len(ends) == 2, f"curtain {seed}: no finials"                  # a ball at each end, fatter than the pole
    # rings: thin hoops round the pole (their hole round its axis), one at each fold's edge
    zc, yc = pole[:, 2].mean(), pole[:, 1].mean()
    rings = [v for v in hard if np.ptp(v[:, 0]) < 0.01 and v[:, 2].min() < zc - 0.02 < zc + 0.01 < v[:, 2].max()]
    assert len(rings) == 2 * folds + 1, f"curtain {seed}: {len(rings)} rings"
    # the heading passes through each ring; the folds between rings differ in width (not a uniform sine)
    top = cloth[:, 2].max()
    for r in rings:
        assert r[:, 2].min() < top, f"curtain {seed}: a ring above the cloth"
    xs = np.sort([r[:, 0].mean() for r in rings])
    gaps = np.diff(xs)
    assert gaps.std() / gaps.mean() > 0.08
    assert np.ptp(cloth[:, 1]) > 0.05                                     # folds 5 cm deep or more
    # a hem: the cloth is doubled over its last few centimetres
    def thickness(z):
        hits = [y for y, s in ray_y(m, 0.0, z) if s == 0]
        return hits[1] - hits[0]
    assert thickness(0.01) > 1.8 * thickness(1.0)


# ------------------------------------------------------------------ 5. cutting board, storage box, coffee table
@pytest.mark.parametrize("seed", range(8))
def test_cutting_boards_have_round_corners_chamfered_edges_a_hole_and_grain_along_them(seed, edition=None):
    a, p = generate(REG, "cutting_board", seed, edition=edition)
    assert_clean(a, f"cutting_board {seed}")
    m, w, d, t = a.mesh, p["width"], p["depth"], p["thickness"]
    v = m.verts
    # corners rounded in plan: nothing within 1 cm of the footprint's corners
    corner = np.abs(v[:, :2]) - [w / 2, d / 2]
    assert np.linalg.norm(corner, axis=1).min() > 0.01, f"cutting_board {seed}: square corners"
    # edges chamfered: the top face stops short of the sides
    top = v[v[:, 2] > v[:, 2].max() - 1e-9]
    assert np.abs(top[:, 0]).max() < w / 2 - 0.002 and np.abs(top[:, 1]).max() < d / 2 - 0.002
    # one solid with a hole through it (genus one: V - E + F = 0)
    und, _ = geo.edge_use_counts(m)
    assert len(shells(m)) == 1 and len(v) - len(und) + len(m.sizes) == 0, f"cutting_board {seed}: no hole"
    # the grain (UV u) runs along the board's length on its top
    tri = geo.fan_triangles(m)
    face = np.repeat(np.arange(len(m.sizes)), m.sizes)
    up = np.flatnonzero(np.isin(face, np.unique(geo.fan_owner(m)[np.all(v[tri][:, :, 2] > t - 1e-9, axis=1)])))
    along = 0 if w >= d else 1
    assert np.allclose(m.uvs[up, 0], v[m.corners[up], along])


def test_cutting_boards_come_with_and_without_a_juice_groove_in_wood_strips_end_grain_and_plastic():
    grooved, finishes_seen = set(), set()
    for seed in range(16):
        a, p = generate(REG, "cutting_board", seed)
        v, t = a.mesh.verts, p["thickness"]
        inner = (v[:, 0] < 0) & (v[:, 0] > -p["width"] / 2 + 0.012) & (np.abs(v[:, 1]) < p["depth"] / 2 - 0.012)   # clear of the hole
        grooved.add(bool(((v[:, 2] < t - 0.001) & (v[:, 2] > t * 0.6) & inner).any()))
        f = a.materials[0]
        finishes_seen.add(f["kind"] if f["kind"] != "butcher_block" else f["params"]["finish"].split("_")[0])
    assert grooved == {True, False}
    assert finishes_seen == {"wood", "strips", "end", "plastic"}, finishes_seen


def _euler(m, v):
    """V - E + F of the shell with vertices ``v`` (2 for a closed blob, 0 for a ring)."""
    rows = {tuple(r) for r in v}
    idx = np.array([i for i, r in enumerate(map(tuple, m.verts)) if r in rows])
    faces = np.unique(np.repeat(np.arange(len(m.sizes)), m.sizes)[np.isin(m.corners, idx)])
    return len(idx) - int(m.sizes[faces].sum()) // 2 + len(faces)


@pytest.mark.parametrize("seed", range(8))
def test_coffee_tables_have_a_profiled_top_a_lower_shelf_and_legs_or_sleds_in_natural_wood(seed, edition=None):
    a, p = generate(REG, "coffee_table", seed, edition=edition)
    assert_clean(a, f"coffee_table {seed}")
    m, w, d, h = a.mesh, p["width"], p["depth"], p["height"]
    sh = shells(m)
    top = max((v for v, s in sh), key=lambda v: np.ptp(v[:, 0]) * np.ptp(v[:, 1]) * (v[:, 2].min() > h / 2))
    assert len(np.unique(np.round(top[:, 2], 5))) >= 4, f"coffee_table {seed}: a slab top"       # a profiled edge
    shelf = [v for v, s in sh if v[:, 2].max() < h * 0.5 and np.ptp(v[:, 0]) > 0.5 * w and np.ptp(v[:, 1]) > 0.4 * d
             and np.ptp(v[:, 2]) < 0.03]
    assert shelf, f"coffee_table {seed}: no lower shelf"
    legs = [v for v, s in sh if v[:, 2].min() < 1e-6 and np.ptp(v[:, 2]) > 0.6 * h]
    sleds = [v for v in legs if np.ptp(v[:, 1]) > 0.5 * d]
    assert len(legs) == 4 and not sleds or len(sleds) == 2 == len(legs) and all(_euler(m, v) == 0 for v in sleds)
    assert a.materials[0]["kind"] == "wood" and a.materials[0]["params"]["finish"] in finishes.WOODS


def test_coffee_tables_stand_on_legs_or_sleds():
    kinds = set()
    for seed in range(12):
        m = generate(REG, "coffee_table", seed)[0].mesh
        kinds.add(any(np.ptp(v[:, 1]) > 0.2 and v[:, 2].min() < 1e-6 for v, s in shells(m) if s == 1))
    assert kinds == {True, False}


BASKETS = [seed for seed in range(12) if len(shells(generate(REG, "storage_box", seed)[0].mesh)) <= 4]


@pytest.mark.parametrize("seed", BASKETS[:4])
def test_baskets_have_rope_handles_at_the_ends_and_stakes_showing_between_the_weavers(seed, edition=None):
    a, p = generate(REG, "storage_box", seed, edition=edition)
    assert_clean(a, f"storage_box {seed}")
    m, w, h = a.mesh, p["width"], p["height"]
    sh = shells(m)
    wall = max((v for v, s in sh), key=len)
    # a handle at each end: a loop standing 2 cm or more out from the end wall, below the border
    for sx in (-1, 1):
        out = [v for v, s in sh if s == 1 and (sx * v[:, 0]).max() > (sx * wall[:, 0]).max() + 0.02 and v[:, 2].max() < h - 0.02]
        assert out, f"storage_box {seed}: no handle at the {'-+'[sx > 0]}X end"
    # the stakes: at a height between two rows of weavers (where they meet), the outer surface still steps in and
    # out round the basket (the ribs of the stakes); 0.8 mm or more on a long side
    zs = np.unique(np.round(wall[:, 2], 6))
    spread = []
    for zm in zs[(zs > 0.3 * h) & (zs < 0.7 * h)]:
        ring = wall[np.isclose(wall[:, 2], zm, atol=1e-6)]
        side = ring[(np.abs(ring[:, 0]) < 0.15 * w) & (ring[:, 1] < 0)]
        if len(side) > 2:
            spread.append(np.ptp(side[:, 1]))
    assert min(spread) > 0.0008, f"storage_box {seed}: rows of weavers with nothing between them"


@pytest.mark.parametrize("category", ("door", "window", "mirror", "curtain", "cutting_board", "storage_box", "coffee_table"))
def test_the_triangle_budget_holds_and_coarse_meshes_stay_clean(category):
    """The new parts follow the detail level, so a budget between the coarsest and the default mesh is met, and the
    coarsest mesh is as clean as the default one."""
    for seed in range(3):
        full = len(geo.fan_triangles(generate(REG, category, seed)[0].mesh))
        coarse_a, _ = generate(REG, category, seed, detail_level=0.35)
        assert_clean(coarse_a, f"{category} {seed} coarse")
        coarse = len(geo.fan_triangles(coarse_a.mesh))
        budget = max(100, (full + coarse) // 2)
        small = len(geo.fan_triangles(generate(REG, category, seed, max_triangles=budget)[0].mesh))
        assert coarse <= full and small <= max(budget, coarse), (category, seed, full, coarse, small)


EDITION_3_CHECKS = [
    (test_doors_have_a_40_mm_leaf_of_joinery_architraves_both_sides_hinges_and_levers, {"seed": 0}),
    (test_windows_have_a_stepped_frame_sashes_round_thick_glass_handles_and_sills_both_sides, {"seed": 0}),
    (test_mirrors_are_framed_or_bevelled_panes_standing_proud_of_a_backing_board, {"seed": 0}),
    (test_wall_art_has_a_moulded_frame_round_a_bevelled_passe_partout_or_a_canvas, {"seed": 0}),
    (test_curtains_hang_from_rings_on_a_pole_with_finials_in_uneven_folds_down_to_a_hem, {"seed": 0}),
    (test_cutting_boards_have_round_corners_chamfered_edges_a_hole_and_grain_along_them, {"seed": 0}),
    (test_coffee_tables_have_a_profiled_top_a_lower_shelf_and_legs_or_sleds_in_natural_wood, {"seed": 0}),
    (test_coffee_tables_have_a_profiled_top_a_lower_shelf_and_legs_or_sleds_in_natural_wood, {"seed": 1}),
    (test_baskets_have_rope_handles_at_the_ends_and_stakes_showing_between_the_weavers, {"seed": BASKETS[0]}),
]


@pytest.mark.parametrize("check, kw", EDITION_3_CHECKS, ids=lambda x: getattr(x, "__name__", str(x)))
def test_the_checks_fail_on_edition_2(check, kw):
    """The checks above find what edition 2 lacks: run on edition 2's meshes they fail."""
    with pytest.raises(AssertionError):
        check(edition=2, **kw)
