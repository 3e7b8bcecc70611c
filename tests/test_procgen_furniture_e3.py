"""Edition 3 of the furniture factories (issue #14: furniture read as pastel toys): real carcasses (side panels,
an overhanging top, fronts between the sides with shadow gaps, drawers in real proportions, handles standing
off), a kitchen worktop with a real sink cut-out, tapered or turned legs with set-back aprons, a stool's footrest
ring, finishes from real wood species and furniture paints, grain along each part. Each check is run on edition 2
too and finds the toy there. bpy-free."""
import numpy as np
import pytest

from backend.procgen import finishes, geometry as geo, measure
from backend.procgen.factories import build_registry
from backend.procgen.registry import generate

REG = build_registry()
CASES = ("cabinet", "nightstand", "wardrobe", "tv_stand", "kitchen_counter", "wall_cabinet", "vanity", "desk")
LEGGED = ("table", "coffee_table", "chair", "stool", "desk")
SLOTS = {"desk": (1, 2, 3)}   # (carcass, fronts, handles) material slots; (0, 1, 2) elsewhere


def _shells(m):
    """[(vertex ids, material slot)] of the mesh's connected shells (labels spread over faces to a fixed point)."""
    lab = np.arange(len(m.verts))
    face = np.repeat(np.arange(len(m.sizes)), m.sizes)
    while True:
        fmin = np.full(len(m.sizes), len(m.verts))
        np.minimum.at(fmin, face, lab[m.corners])
        new = lab.copy()
        np.minimum.at(new, m.corners, fmin[face])
        new = new[new]
        if np.array_equal(new, lab):
            break
        lab = new
    vmat = np.zeros(len(m.verts), np.int64)
    vmat[m.corners] = m.mat[face]
    return [(np.flatnonzero(lab == r), int(vmat[r])) for r in np.unique(lab[m.corners])]


def _euler(m, v):
    """V - E + F of the shell with vertices ``v``: 2 for a sphere-like shell, 0 for a ring (a cut-out)."""
    faces = np.unique(np.repeat(np.arange(len(m.sizes)), m.sizes)[np.isin(m.corners, v)])
    return len(v) - int(m.sizes[faces].sum()) // 2 + len(faces)


def _boxes(m, shells):
    return [(m.verts[v].min(axis=0), m.verts[v].max(axis=0), s) for v, s in shells]


def _fronts(boxes, slot):
    """Bounding boxes of each front: the front shells (a Shaker door's panel, rails and stiles) merged where they
    overlap in x and z."""
    fr = [[lo.copy(), hi.copy()] for lo, hi, s in boxes if s == slot]
    merged = True
    while merged:
        merged = False
        for i in range(len(fr)):
            for j in range(i + 1, len(fr)):
                a, b = fr[i], fr[j]
                if all(a[0][k] < b[1][k] and b[0][k] < a[1][k] for k in (0, 2)):
                    fr[i] = [np.minimum(a[0], b[0]), np.maximum(a[1], b[1])]
                    del fr[j]
                    merged = True
                    break
            if merged:
                break
    return fr


def construction(asset, category):
    """What a real case piece has, measured on its shells: {"sides": two side panels 15-25 mm thick running
    most of the depth and height, "top_over": a top overhanging the sides, "gaps": every gap between neighbouring
    fronts (m), "inside": fronts between the side panels, "handles": every front has a handle standing >= 15 mm
    off it}."""
    carcass, front, handle = SLOTS.get(category, (0, 1, 2))
    m = asset.mesh
    boxes = _boxes(m, _shells(m))
    car = [(lo, hi) for lo, hi, s in boxes if s == carcass]
    tall = max(hi[2] - lo[2] for lo, hi in car)
    sides = [(lo, hi) for lo, hi in car if 0.015 <= hi[0] - lo[0] <= 0.025 and hi[2] - lo[2] > 0.6 * tall
             and hi[1] - lo[1] > 0.2]
    fr = _fronts(boxes, front)
    gaps = []
    for i, a in enumerate(fr):
        for b in fr[i + 1:]:
            for k, o in ((0, 2), (2, 0)):   # neighbours across x (overlapping in z) and across z
                if a[0][o] < b[1][o] - 0.01 and b[0][o] < a[1][o] - 0.01:
                    g = max(b[0][k] - a[1][k], a[0][k] - b[1][k])
                    if g < 0.01:   # neighbours (fronts of two units have two side panels between them)
                        gaps.append(float(g))
    hs = [(lo, hi) for lo, hi, s in boxes if s == handle]
    handled = all(any(a[0][0] <= (lo[0] + hi[0]) / 2 <= a[1][0] and a[0][2] <= (lo[2] + hi[2]) / 2 <= a[1][2]
                      and lo[1] < a[0][1] - 0.015 for lo, hi in hs) for a in fr)
    inside = bool(sides) and all(any(s[1][0] <= a[0][0] for s in sides) and any(s[0][0] >= a[1][0] for s in sides)
                                 for a in fr)
    side_w = max((hi[0] for lo, hi in sides), default=0.0)
    tops = [(lo, hi) for lo, hi in car if hi[0] - lo[0] > 0.1 and hi[2] - lo[2] < 0.05 and hi[0] > side_w + 0.005]
    return {"sides": len(sides) >= 2, "top_over": bool(tops), "gaps": gaps, "inside": inside, "handles": handled,
            "fronts": fr}


@pytest.mark.parametrize("category", CASES)
def test_case_furniture_is_built_like_a_cabinet(category):
    for seed in range(6):
        a, p = generate(REG, category, seed)
        c = construction(a, category)
        assert c["sides"] and c["inside"] and c["handles"], (category, seed, p, {k: c[k] for k in ("sides", "inside", "handles")})
        assert (c["gaps"] or len(c["fronts"]) == 1) and all(0.002 <= g <= 0.004 for g in c["gaps"]), (category, seed, c["gaps"])
        if category not in ("wall_cabinet", "kitchen_counter", "desk"):
            assert c["top_over"], (category, seed)
    # edition 2: one box for a carcass, fronts stuck on its face
    c2 = construction(generate(REG, category, 0, edition=2)[0], category)
    assert not (c2["sides"] and c2["inside"])


@pytest.mark.parametrize("category, params", [("cabinet", {"drawers": 1}), ("nightstand", None)])
def test_drawers_have_real_proportions(category, params):
    """Drawer fronts 12-31 cm high and at least 30 cm wide (or the unit's width): edition 2 made grids of tiny
    boxes."""
    def bad(ed):
        out = []
        for seed in range(12):
            a, p = generate(REG, category, seed, params, edition=ed)
            for lo, hi in construction(a, category)["fronts"]:
                w, h = hi[0] - lo[0], hi[2] - lo[2]
                if h < 0.4 and not (0.12 <= h <= 0.31 and w >= min(0.3, p.get("width", 1) - 0.08)):
                    out.append((seed, round(w, 3), round(h, 3)))
        return out
    assert not bad(3)
    assert bad(2)


def test_kitchen_counter_worktop_has_a_real_sink():
    """One worktop slab overhanging the fronts by 20-40 mm, with a cut-out (a closed shell of genus one) the
    sink's bowl drops through, a tap standing behind it; kitchen drawers 14-30 cm high, a unit wide."""
    for seed in range(6):
        a, p = generate(REG, "kitchen_counter", seed, {"sink": 1, "width": 1.8})
        m = a.mesh
        shells = _shells(m)
        tops = [v for v, s in shells if s == 3]
        assert len(tops) == 1
        assert _euler(m, tops[0]) == 0, "the worktop has no cut-out"
        steel = np.concatenate([v for v, s in shells if s == 4])
        assert m.verts[steel, 2].min() < 0.9 - 0.15 and m.verts[steel, 2].max() > 0.9 + 0.25   # bowl and tap
        fronts = construction(a, "kitchen_counter")["fronts"]
        over = min(lo[1] for lo, hi in fronts) - m.verts[tops[0], 1].min()
        assert 0.02 <= over <= 0.04, over
        for lo, hi in fronts:
            h = hi[2] - lo[2]
            assert h > 0.4 or (0.14 <= h <= 0.3 and hi[0] - lo[0] > 0.4), (seed, lo, hi)
    old = generate(REG, "kitchen_counter", 0, {"sink": 1, "width": 1.8}, edition=2)[0].mesh   # a plate on a slab
    assert [_euler(old, v) for v, s in _shells(old) if s == 3] == [2]


def _leg_shells(m, h):
    return [m.verts[v] for v, s in _shells(m) if m.verts[v, 2].min() < 1e-6 and np.ptp(m.verts[v, 2]) > 0.5 * h
            and np.ptp(m.verts[v, 1]) < 0.1]


@pytest.mark.parametrize("category", ["table", "coffee_table", "chair", "desk"])
def test_legs_are_tapered_or_turned_and_aprons_set_back(category):
    def straight(ed):
        n = 0
        for seed in range(8):
            a, p = generate(REG, category, seed, {"pedestal": 0} if category == "table" else None, edition=ed)
            h = np.ptp(a.mesh.verts[:, 2])
            for v in _leg_shells(a.mesh, 0.45 * h):
                foot = v[v[:, 2] < 0.01]
                if np.ptp(foot[:, 0]) > 0.85 * np.ptp(v[:, 0]) - 1e-6:
                    n += 1
        return n
    assert straight(3) == 0
    assert straight(2) > 0


def test_aprons_stand_back_from_the_legs():
    for ed, lo, hi in ((3, 0.0115, 0.0125), (2, 0.0055, 0.0065)):
        a, p = generate(REG, "table", 1, {"pedestal": 0}, edition=ed)
        legs = [a.mesh.verts[v] for v, s in _shells(a.mesh) if np.ptp(a.mesh.verts[v, 0]) < 0.1 and np.ptp(a.mesh.verts[v, 1]) < 0.1]
        front_leg = min(v[:, 1].min() for v in legs)   # a square leg's face, or a turned leg's pommel
        aprons = [a.mesh.verts[v] for v, s in _shells(a.mesh) if np.ptp(a.mesh.verts[v, 0]) > 0.5 * p["width"]
                  and np.ptp(a.mesh.verts[v, 2]) < 0.15 and np.ptp(a.mesh.verts[v, 1]) < 0.05]
        setback = min(v[:, 1].min() for v in aprons) - front_leg
        assert lo <= setback <= hi, (ed, setback)


def test_stool_has_a_round_seat_and_a_footrest_ring():
    for seed in range(8):
        a, p = generate(REG, "stool", seed)
        m = a.mesh
        rings = [m.verts[v] for v, s in _shells(m) if _euler(m, v) == 0]
        assert len(rings) == 1 and 0.2 * p["height"] < rings[0][:, 2].mean() < 0.5 * p["height"]
        top = m.verts[m.verts[:, 2] > m.verts[:, 2].max() - 0.03]
        assert abs(np.ptp(top[:, 0]) - 2 * p["radius"]) < 0.01 and abs(np.ptp(top[:, 1]) - 2 * p["radius"]) < 0.01
    m2 = generate(REG, "stool", 0, edition=2)[0].mesh
    assert all(_euler(m2, v) == 2 for v, s in _shells(m2))   # edition 2: a ring of straight rods


def _near(rgb, ref):
    return bool(np.all(np.abs(np.array(rgb) - ref) <= 0.2 * np.array(ref) + 0.02))


def _palette_finish(desc, named=True):
    """A wood within 20 % of a species' albedo, a paint within 20 % of a furniture paint (``named``: the one its
    ``finish`` names)."""
    p = desc["params"]
    table = finishes.WOODS if desc["kind"] == "wood" else finishes.PAINTS
    if named:
        return p.get("finish") in table and _near(p["base_color"], table[p["finish"]])
    return any(_near(p["base_color"], ref) for ref in table.values())


@pytest.mark.parametrize("category", ("chair", "table", "bookshelf") + CASES + ("stool", "bed"))
def test_finishes_are_real_woods_and_furniture_paints(category):
    """Every wood is one of the species (its colour within 20 % of the species' albedo), every paint one of the
    furniture paints; wood is the commonest finish. Edition 2 drew paint from any hue (pastels)."""
    kinds = []
    for seed in range(16):
        a, _ = generate(REG, category, seed)
        for desc in a.materials:
            if desc["kind"] in ("wood", "paint"):
                assert _palette_finish(desc), (category, seed, desc)
                kinds.append(desc["kind"])
    assert kinds.count("wood") > kinds.count("paint")


def test_edition_2_finishes_were_off_palette():
    old = [d for c in ("cabinet", "bookshelf", "chair", "table") for s in range(16)
           for d in generate(REG, c, s, edition=2)[0].materials if d["kind"] in ("wood", "paint")]
    off = [d for d in old if not _palette_finish(d, named=False)]
    assert len(off) > len(old) // 4


@pytest.mark.parametrize("category", ("chair", "table", "coffee_table", "desk", "bookshelf") + CASES)
def test_wood_grain_runs_along_each_part(category):
    """On every long wooden part (the long side 1.5 times the next), the faces that contain the long axis carry
    UV u along it (the wood node tree draws the grain along u)."""
    for seed in range(4):
        a, _ = generate(REG, category, seed)
        m = a.mesh
        wood = {i for i, d in enumerate(a.materials) if d["kind"] == "wood"}
        starts = geo.face_starts(m)
        nrm = np.cross(m.verts[m.corners[starts + 1]] - m.verts[m.corners[starts]],
                       m.verts[m.corners[starts + 2]] - m.verts[m.corners[starts]])
        nrm /= np.maximum(np.linalg.norm(nrm, axis=1, keepdims=True), 1e-12)
        area = geo.face_areas(m)
        face = np.repeat(np.arange(len(m.sizes)), m.sizes)
        for v, s in _shells(m):
            ext = np.sort(np.ptp(m.verts[v], axis=0))
            if s not in wood or ext[2] < 1.5 * ext[1]:
                continue
            L = int(np.argmax(np.ptp(m.verts[v], axis=0)))
            fs = np.unique(face[np.isin(m.corners, v)])
            fs = fs[np.abs(nrm[fs, L]) < 0.1]
            ok = [np.allclose(np.abs(np.diff(m.uvs[starts[f]:starts[f] + m.sizes[f], 0])),
                              np.abs(np.diff(m.verts[m.corners[starts[f]:starts[f] + m.sizes[f]], L])), atol=1e-6) for f in fs]
            good = area[fs][np.array(ok, bool)].sum() if len(fs) else 0.0
            assert good >= 0.95 * area[fs].sum(), (category, seed, s, L)


@pytest.mark.parametrize("category", ("chair", "table", "coffee_table", "desk", "stool", "bookshelf") + CASES)
def test_edition_3_parts_are_closed_and_never_face_to_face(category):
    for seed in range(8):
        a, p = generate(REG, category, seed)
        m = a.mesh
        und, directed = geo.edge_use_counts(m)
        assert set(und.tolist()) == {2} and set(directed.tolist()) == {1}, (category, seed, p)
        assert geo.face_areas(m).min() > 1e-9 and abs(m.bounds()[0][2]) < 1e-9
        assert not measure.coplanar_overlaps(m), (category, seed, p)


@pytest.mark.parametrize("category", ("kitchen_counter", "cabinet", "table", "chair", "stool"))
def test_the_triangle_budget_holds(category):
    """The new parts follow the detail level, so a budget between the coarsest and the default mesh is met."""
    for seed in range(3):
        full = len(geo.fan_triangles(generate(REG, category, seed)[0].mesh))
        coarse = len(geo.fan_triangles(generate(REG, category, seed, detail_level=0.35)[0].mesh))
        budget = (full + coarse) // 2
        small = len(geo.fan_triangles(generate(REG, category, seed, max_triangles=budget)[0].mesh))
        assert coarse < full and small <= budget, (category, seed, full, coarse, small)


def test_some_tall_bookcases_have_a_cupboard_below():
    """Edition 3: one in five tall bookcases closes its lowest compartment with doors (handles on them), and
    declares no shelf surface behind the doors; edition 2's were open all the way down."""
    with_doors = 0
    for seed in range(40):
        a, p = generate(REG, "bookshelf", seed)
        c = construction(a, "bookshelf")
        if not c["fronts"]:
            continue
        with_doors += 1
        assert c["handles"] and all(0.002 <= g <= 0.004 for g in c["gaps"]), (seed, c["gaps"])
        top = max(hi[2] for lo, hi in c["fronts"])
        assert min(s["z"] for s in a.surfaces) > top, seed
        assert not any(s == 1 for v, s in _shells(generate(REG, "bookshelf", seed, edition=2)[0].mesh))
    assert with_doors >= 3
