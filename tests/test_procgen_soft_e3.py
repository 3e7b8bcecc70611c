"""Edition 3 of the cushion, the folded towels, the wall shelf and the wardrobe (issue #14: "soft upholstery",
"real detail where the object has it", "fabric weave, wood grain following the board"): each feature measured on
the mesh; each check also runs on what came before (edition 2's cushion and wardrobe; the first edition-3 towel
and shelf, kept for editions 1-2) to see it fail. bpy-free."""
import numpy as np
import pytest

from backend.procgen import geometry as geo
from backend.procgen.factories import build_registry
from backend.procgen.registry import generate
from test_procgen_edition3_things import assert_clean, shells

REG = build_registry()
CATS = ("cushion", "towel", "wall_shelf", "wardrobe")


def _before(check, *args):
    """``check`` fails on the code before edition 3's (edition 2)."""
    with pytest.raises(AssertionError):
        check(*args, edition=2)


# ------------------------------------------------------------------ cushion
def _body(a):
    return max((a.mesh.verts[ids] for ids, s in shells(a.mesh) if s == 0), key=len)


def _seam_angle(v):
    """Degrees between the seam plane and each panel where they meet, half-way up the cushion's right side: from
    the seam's outermost point to the nearest point of the front (and the back) a little further in."""
    mid = v[np.abs(v[:, 2] - (v[:, 2].min() + v[:, 2].max()) / 2) < 0.02]
    tip = mid[np.argmax(mid[:, 0])]
    near = mid[(mid[:, 0] < tip[0] - 1e-4) & (mid[:, 0] > tip[0] - 0.03) & (np.abs(mid[:, 2] - tip[2]) < 0.012)]
    out = []
    for side in (near[:, 1] < tip[1] - 1e-6, near[:, 1] > tip[1] + 1e-6):
        q = near[side][np.argmin(np.abs(near[side][:, 0] - tip[0]))]
        out.append(np.degrees(np.arctan2(abs(q[1] - tip[1]), tip[0] - q[0])))
    return max(out)


@pytest.mark.parametrize("seed", range(6))
def test_a_cushion_has_a_sewn_flange_at_its_seam(seed, edition=None):
    """Knife-edged (no cord): front and back meet in a thin flange, each panel leaving the seam plane at under 55
    degrees (edition 2's panels rounded into the seam, 59-80 degrees: a puffy bead, no seam to see)."""
    a, p = generate(REG, "cushion", seed, {"piping": 0, "lean": 0.0}, edition=edition)
    assert _seam_angle(_body(a)) < 55, (seed, _seam_angle(_body(a)))


def test_the_flange_check_fails_on_edition_2():
    _before(test_a_cushion_has_a_sewn_flange_at_its_seam, 0)


def _thickness(v, z):
    """The cushion's thickness (m) down its middle at height z."""
    col = v[(np.abs(v[:, 0]) < 0.03) & (np.abs(v[:, 2] - z) < 0.012)]
    return np.ptp(col[:, 1])


@pytest.mark.parametrize("seed", range(6))
def test_a_cushion_has_settled_and_has_dog_ears(seed, edition=None):
    """The stuffing has settled: a quarter of the way down from the middle the cushion is 10 % thicker or more
    than a quarter of the way up (edition 2: the same within 2 %); the corners are thin flaps (under a quarter
    of the middle's thickness 2 cm in from the tip)."""
    a, p = generate(REG, "cushion", seed, {"lean": 0.0}, edition=edition)
    v = _body(a)
    zc, H = (v[:, 2].min() + v[:, 2].max()) / 2, np.ptp(v[:, 2])
    assert _thickness(v, zc - H / 4) > 1.1 * _thickness(v, zc + H / 4), seed
    c = v[np.argmax(v[:, 0] + v[:, 2])]          # the top right corner's tip
    ear = v[np.linalg.norm(v[:, [0, 2]] - (c[[0, 2]] - 0.014), axis=1) < 0.012]
    assert np.ptp(ear[:, 1]) < 0.25 * np.ptp(v[np.abs(v[:, 0]) < 0.03][:, 1])


def test_the_settling_check_fails_on_edition_2():
    _before(test_a_cushion_has_settled_and_has_dog_ears, 1)


def test_some_cushions_are_buttoned_into_dimples(edition=None):
    """Over 12 seeds some cushions have covered buttons (small shells in the trim's slot, in front of the face),
    each in a dimple: the cushion under a button at most 65 % as thick as its fullest."""
    tufted = 0
    for seed in range(12):
        a, p = generate(REG, "cushion", seed, {"lean": 0.0, "piping": 0}, edition=edition)
        buttons = [a.mesh.verts[ids] for ids, s in shells(a.mesh) if s == 1 and np.ptp(a.mesh.verts[ids], axis=0).max() < 0.03]
        if not buttons:
            continue
        tufted += 1
        v = _body(a)
        full = np.ptp(v[:, 1])
        for b in buttons:
            c = b.mean(0)
            under = v[np.hypot(v[:, 0] - c[0], v[:, 2] - c[2]) < 0.008]
            assert np.ptp(under[:, 1]) < 0.65 * full, (seed, np.ptp(under[:, 1]), full)
    assert tufted >= 3, tufted


def test_the_button_check_fails_on_edition_2():
    _before(test_some_cushions_are_buttoned_into_dimples)


# ------------------------------------------------------------------ towels
def _towels(a, p):
    m = a.mesh
    return sorted((m.verts[ids] for ids, s in shells(m) if np.ptp(m.verts[ids][:, 0]) > p["width"] * 0.8
                   and np.ptp(m.verts[ids][:, 1]) > p["depth"] * 0.5), key=lambda v: v[:, 2].min())


def _inside(points, tris):
    """Per point, whether it is inside the closed triangles ``tris`` (odd crossings of a ray along +Z)."""
    a, b, c = tris[:, 0], tris[:, 1], tris[:, 2]
    v0, v1 = (b - a)[:, :2], (c - a)[:, :2]
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    ok = np.abs(den) > 1e-14
    a, b, c, v0, v1, den = a[ok], b[ok], c[ok], v0[ok], v1[ok], den[ok]
    out = np.zeros(len(points), bool)
    for s in range(0, len(points), 256):
        q = points[s:s + 256]
        w = q[:, None, :2] - a[None, :, :2]
        u = (w[..., 0] * v1[None, :, 1] - v1[None, :, 0] * w[..., 1]) / den
        v = (v0[None, :, 0] * w[..., 1] - w[..., 0] * v0[None, :, 1]) / den
        z = a[None, :, 2] + u * (b - a)[None, :, 2] + v * (c - a)[None, :, 2]
        hit = (u >= 0) & (v >= 0) & (u + v <= 1) & (z > q[:, None, 2])
        out[s:s + 256] = hit.sum(1) % 2 == 1
    return out


@pytest.mark.parametrize("seed", range(6))
def test_folded_towels_turn_round_at_the_front_and_show_their_layers_behind(seed, edition=None):
    """Each towel one shell (before: a pad and a separate tube for its fold) whose front, across its middle, is a
    half-round as tall as the towel (the points within a radius of the front on a circle to 2 mm, its radius
    40-60 % of the towel's thickness there); behind, the loose layers' edges (two or more lips along the back)."""
    a, p = generate(REG, "towel", seed, {"count": 3}, edition=edition)
    towels = _towels(a, p)
    assert len(towels) == 3 == len(shells(a.mesh))
    for v in towels:
        cx = (v[:, 0].min() + v[:, 0].max()) / 2
        sl = v[np.abs(v[:, 0] - cx) < 0.02]
        t = np.ptp(sl[sl[:, 1] < sl[:, 1].min() + 0.03][:, 2])
        front = sl[sl[:, 1] < sl[:, 1].min() + t * 0.45]
        y, z = front[:, 1], front[:, 2]   # least-squares circle: y^2 + z^2 = 2 a y + 2 b z + c
        (ca, cb, cc), *_ = np.linalg.lstsq(np.stack([2 * y, 2 * z, np.ones_like(y)], 1), y * y + z * z, rcond=None)
        r = np.sqrt(cc + ca * ca + cb * cb)
        assert np.abs(np.hypot(y - ca, z - cb) - r).max() < 0.002 and 0.4 < r / t < 0.6, (seed, r / t)
        back = sl[sl[:, 1] > sl[:, 1].max() - 0.006]
        back = back[np.argsort(back[:, 2])]
        y = back[:, 1]
        lips = np.sum((y[1:-1] > y[:-2]) & (y[1:-1] >= y[2:]))
        assert lips >= 2, (seed, lips)


def test_the_fold_check_fails_on_the_first_towel():
    _before(test_folded_towels_turn_round_at_the_front_and_show_their_layers_behind, 0)


@pytest.mark.parametrize("seed", range(6))
def test_stacked_towels_rest_on_each_other_without_interpenetrating(seed, edition=None):
    """No vertex of a towel inside the one under it (before: each sunk 3 mm into the one below), yet each rests on
    it (a gap under 2 mm somewhere), askew (not all the same footprint); terry cloth with a flat-woven band near
    each end (faces of the dobby slot within 2.5-8 cm of the towel's ends)."""
    a, p = generate(REG, "towel", seed, {"count": 4}, edition=edition)
    towels = _towels(a, p)
    assert len(towels) == 4
    m = a.mesh
    tri = geo.fan_triangles(m)
    owner = np.zeros(len(m.verts), np.int64)
    for k, (ids, s) in enumerate(shells(m)):
        owner[ids] = k
    for lower, upper in zip(towels, towels[1:]):
        k = owner[np.flatnonzero((m.verts == lower[0]).all(1))[0]]
        T = m.verts[tri[owner[tri[:, 0]] == k]]
        assert not _inside(upper, T).any(), seed
        assert upper[:, 2].min() - lower[:, 2].max() < 0.002
    assert {d["kind"] for d in a.materials} == {"terry", "fabric"}
    band = {i for i, d in enumerate(a.materials) if d["kind"] == "fabric"}
    face = np.repeat(np.arange(len(m.sizes)), m.sizes)
    for v in towels:
        ids = np.flatnonzero(np.isin(m.verts, v).all(1))
        fs = np.unique(face[np.isin(m.corners, ids)])
        bf = fs[np.isin(m.mat[fs], list(band))]
        x = m.verts[m.corners[np.isin(face, bf)]][:, 0]
        end = np.minimum(x - v[:, 0].min(), v[:, 0].max() - x)
        assert len(bf) and end.min() > 0.025 and end.max() < 0.08, seed


def test_the_stacking_check_fails_on_the_first_towel():
    _before(test_stacked_towels_rest_on_each_other_without_interpenetrating, 0)


# ------------------------------------------------------------------ wall shelf
def _board(a, p):
    m = a.mesh
    return max((m.verts[ids] for ids, s in shells(m) if s == 0), key=lambda v: np.ptp(v[:, 0]) * np.ptp(v[:, 1]))


@pytest.mark.parametrize("seed", range(6))
def test_a_wall_shelf_hangs_on_real_fixings_and_offers_its_real_top(seed, edition=None):
    """Brackets: two screwed straps on the wall plane (y = 0) from the floor of the asset up under the board,
    braced to an arm (two or more screw heads on each strap, proud of it); floating: a board thicker at the front
    than at the wall; corbels under the board. The surface is the board's real top, whatever stands above it (a
    lip) outside the surface."""
    for style in (0, 1, 2):
        a, p = generate(REG, "wall_shelf", seed, {"style": style}, edition=edition)
        assert_clean(a, f"wall_shelf {seed}")
        (sf,) = a.surfaces
        b = _board(a, p)
        assert sf["z"] == pytest.approx(b[:, 2].max(), abs=1e-5)
        m = a.mesh
        assert (m.verts[m.verts[:, 2] > sf["z"] + 1e-6][:, 1] < sf["lo"][1]).all()
        under = b[:, 2].min()
        if style == 0:
            front, back = b[b[:, 1] < b[:, 1].min() + 0.004], b[b[:, 1] > b[:, 1].max() - 0.002]
            assert np.ptp(front[:, 2]) > 1.2 * np.ptp(back[:, 2]), seed
            continue
        fix = [m.verts[ids] for ids, s in shells(m) if (s == 1) == (style == 1) and m.verts[ids][:, 2].max() < under + 0.003
               and np.ptp(m.verts[ids][:, 2]) > 0.05]
        for x in (-1, 1):
            mine = [v for v in fix if np.sign(v[:, 0].mean()) == x]
            assert mine and max(v[:, 1].max() for v in mine) > -1e-9 and min(v[:, 2].min() for v in mine) < 1e-9, seed
        if style == 1:
            screws = [m.verts[ids] for ids, s in shells(m) if s == 1 and np.ptp(m.verts[ids], axis=0).max() < 0.012]
            assert len(screws) >= 4 and all(v[:, 1].min() < -0.005 for v in screws), seed


def test_the_fixings_check_fails_on_the_first_shelf():
    _before(test_a_wall_shelf_hangs_on_real_fixings_and_offers_its_real_top, 0)


# ------------------------------------------------------------------ wardrobe
@pytest.mark.parametrize("seed", range(6))
def test_wardrobe_doors_are_framed_panels_under_a_cornice_on_a_plinth(seed, edition=None):
    """Every tall door (a front over 1 m) holds two recessed or raised panels behind its frame's face, or one
    mirror; a kick board set back 2 cm or more under the fronts; a cornice at the top projecting past the sides
    and the door faces, under the top."""
    a, p = generate(REG, "wardrobe", seed, edition=edition)
    m = a.mesh
    sh = [(m.verts[ids], s) for ids, s in shells(m)]
    fronts = [v for v, s in sh if s == 1]
    face_y = min(v[:, 1].min() for v in fronts)
    doors = [v for v in fronts if np.ptp(v[:, 2]) > 1.0 and np.ptp(v[:, 0]) < 0.15]   # the stiles
    assert doors
    xs = sorted({round(float(v[:, 0].mean()), 3) for v in doors})
    for xa, xb in zip(xs[::2], xs[1::2]):              # each door between its two stiles
        inside = [s for v, s in sh if s in (1, 3) and xa < v[:, 0].mean() < xb and np.ptp(v[:, 0]) > 0.1
                  and v[:, 1].min() > face_y + 0.002 and np.ptp(v[:, 2]) > 0.15]
        assert inside.count(1) >= 2 or inside.count(3) == 1, (seed, xa, xb, inside)
    car = [v for v, s in sh if s == 0]
    kick = [v for v in car if v[:, 2].min() < 0.01 and v[:, 2].max() < 0.15 and np.ptp(v[:, 1]) < 0.03
            and np.ptp(v[:, 0]) > 0.5 * p["width"] - 0.1]
    assert kick and min(v[:, 1].min() for v in kick) > face_y + 0.02
    sides = max(v[:, 0].max() for v in car if np.ptp(v[:, 2]) > 1.0)
    top = m.verts[:, 2].max()
    cornice = [v for v in car if v[:, 2].min() > top - 0.2 and v[:, 2].max() < top - 0.005]
    assert any(v[:, 0].max() > sides + 0.01 for v in cornice) and any(v[:, 1].min() < face_y - 0.005 for v in cornice), seed


def test_the_wardrobe_check_fails_on_edition_2():
    _before(test_wardrobe_doors_are_framed_panels_under_a_cornice_on_a_plinth, 0)


# ------------------------------------------------------------------ all four
@pytest.mark.parametrize("cat", CATS)
def test_clean_seeded_and_within_a_budget(cat):
    """Closed shells without coincident faces; the same seed gives the same bytes; for the sewn things (subdivided
    surfaces) a budget of half the default triangles is met, and a finer level gives more. (The shelf's and the
    wardrobe's boards and bevels do not follow the detail level, as the other case pieces'.)"""
    for seed in range(4):
        a, _ = generate(REG, cat, seed)
        assert_clean(a, f"{cat} {seed}")
        assert generate(REG, cat, seed)[0].mesh.digest() == a.mesh.digest()
    if cat not in ("cushion", "towel"):
        return
    n = len(geo.fan_triangles(generate(REG, cat, 0)[0].mesh))
    assert len(geo.fan_triangles(generate(REG, cat, 0, max_triangles=n // 2)[0].mesh)) <= n // 2
    assert len(geo.fan_triangles(generate(REG, cat, 0, detail_level=2.0)[0].mesh)) > n
