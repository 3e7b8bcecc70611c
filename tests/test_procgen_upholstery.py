"""Edition 3 of the upholstered furniture (issue #14: "soft upholstery, cushions with rounded, subdivided shapes"):
sofas and armchairs with separate crowned seat and back cushions resting on the frame without touching it, arms in
three styles, legs or a plinth; beds with a headboard, a rounded mattress, a duvet draped over its sides, crowned
pillows and a frame on legs or a divan; chairs whose back legs rake back above the seat. Each check runs on the
real meshes (shells, ray-parity insideness, triangle drops) and finds what edition 2 lacked. bpy-free."""
import numpy as np
import pytest

from backend.procgen import geometry as geo, measure
from backend.procgen.factories import build_registry
from backend.procgen.registry import generate
from tests.test_procgen_edition3_things import _inside, shells

REG = build_registry()


def _parts(m):
    """[(verts, slot, shell triangles Float["T 3 3"])] per connected shell."""
    sh = shells(m)
    owner = np.zeros(len(m.verts), np.int64)
    for k, (ids, _) in enumerate(sh):
        owner[ids] = k
    tri = geo.fan_triangles(m)
    T, tri_shell = m.verts[tri], owner[tri[:, 0]]
    return [(m.verts[ids], s, T[tri_shell == k]) for k, (ids, s) in enumerate(sh)]


def _clear(a, b):
    """No vertex of shell ``a`` inside shell ``b`` and none of ``b``'s inside ``a`` (real triangles)."""
    (va, _, ta), (vb, _, tb) = a, b
    if (va.min(0) > vb.max(0) + 1e-4).any() or (va.max(0) < vb.min(0) - 1e-4).any():
        return True
    return not _inside(va[::max(1, len(va) // 600)], tb).any() and not _inside(vb[::max(1, len(vb) // 600)], ta).any()


def _seat_cushions(asset, parts=None):
    """Fabric shells whose top is the declared seat height (within 1 mm) and that lie on the seat."""
    s = asset.surfaces[0]
    out = []
    for part in parts or _parts(asset.mesh):
        v = part[0]
        c = (v.min(0) + v.max(0)) / 2
        if part[1] == 0 and abs(v[:, 2].max() - s["z"]) < 1e-3 and s["lo"][0] - 0.03 <= c[0] <= s["hi"][0] + 0.03 and np.ptp(v[:, 2]) < 0.25:
            out.append(part)
    return out


def _crown(v):
    """How far (m) the middle of a cushion's top rises over its top 9-30 mm in from either side (where the crown
    rolls down to the seam)."""
    c = (v.min(0) + v.max(0)) / 2
    half = np.ptp(v, axis=0) / 2
    mid = v[(np.abs(v[:, 0] - c[0]) < 0.15 * half[0]) & (np.abs(v[:, 1] - c[1]) < 0.15 * half[1])]
    side = v[(np.abs(np.abs(v[:, 0] - c[0]) - half[0] + 0.0195) <= 0.0105) & (np.abs(v[:, 1] - c[1]) < 0.15 * half[1])]
    if not len(mid) or not len(side):
        return 0.0
    return float(mid[:, 2].max() - side[:, 2].max())


@pytest.mark.parametrize("category", ["sofa", "armchair"])
def test_seat_cushions_are_separate_crowned_and_subdivided(category, edition=3):
    for seed in range(8):
        a, p = generate(REG, category, seed, edition=edition)
        cush = _seat_cushions(a)
        assert len(cush) == (p["cushions"] if category == "sofa" else 1), (category, seed, len(cush))
        for v, _, _ in cush:
            assert _crown(v) > 0.006, (category, seed, _crown(v))
            assert (v[:, 2] > v[:, 2].max() - 0.3 * np.ptp(v[:, 2])).sum() >= 60, (category, seed)


@pytest.mark.parametrize("category", ["sofa", "armchair"])
def test_cushions_rest_on_the_deck_and_touch_nothing(category, edition=3):
    """Seat cushions: their base 0.5-3 mm over real triangles of the deck under it; back cushions: as many as the
    seat cushions, leaning back, over the deck; no cushion shares space with another part."""
    for seed in range(6):
        a, p = generate(REG, category, seed, edition=edition)
        parts = _parts(a.mesh)
        cush = _seat_cushions(a, parts)
        assert cush, (category, seed)
        ids = [k for k, q in enumerate(parts) if any(q[0] is c[0] for c in cush)]
        seat = a.surfaces[0]
        backs = [k for k, (v, s, _) in enumerate(parts) if s == 0 and k not in ids and np.ptp(v[:, 2]) > 0.25
                 and v[:, 0].min() >= seat["lo"][0] - 0.035 and v[:, 0].max() <= seat["hi"][0] + 0.035]
        assert len(backs) == len(cush), (category, seed, len(backs))
        for k in backs:   # leaning back: the top is further back than the bottom
            v = parts[k][0]
            assert v[v[:, 2] > v[:, 2].max() - 0.02, 1].max() > v[v[:, 2] < v[:, 2].min() + 0.02, 1].max() + 0.015
        others = [q for k, q in enumerate(parts) if k not in ids + backs]
        tris = np.concatenate([q[2] for q in others])
        for k in ids + backs:
            for j, q in enumerate(parts):
                if j != k:
                    assert _clear(parts[k], q), (category, seed, k, j)
        for v, _, _ in cush:
            base = v[v[:, 2] < v[:, 2].min() + 1e-4]
            h = measure.drop_heights(base[:, :2], tris, v[:, 2].min())
            gap = v[:, 2].min() - h
            assert np.isfinite(h).mean() > 0.9 and np.nanmax(gap[np.isfinite(gap)]) < 0.003 and gap.min() > 0.0003, (category, seed)


def _arm_style(a, p):
    """'rolled' (a bolster over the arm: two fabric shells at the sofa's side), 'sloped' (the top 3 cm lower at the
    front than at the back) or 'track'."""
    right = a.mesh.verts[:, 0].max()
    side = [v for v, s, _ in _parts(a.mesh) if s == 0 and v[:, 0].min() > 0 and v[:, 0].max() > right - 0.02]
    if len(side) >= 2:
        return "rolled"
    v = side[0]
    d = np.ptp(v[:, 1])
    front = v[v[:, 1] < v[:, 1].min() + 0.2 * d, 2].max()
    back = v[v[:, 1] > v[:, 1].max() - 0.3 * d, 2].max()
    return "sloped" if back - front > 0.03 else "track"


def _support(a):
    legs = [v for v, s, _ in _parts(a.mesh) if s == 1 and abs(v[:, 2].min()) < 1e-9]
    if len(legs) == 1 and np.ptp(legs[0][:, 0]) > 0.5:
        return "plinth"
    return "legs" if len(legs) == 4 else "other"


def test_arms_and_supports_vary_with_the_seed():
    got = [(_arm_style(a, p), _support(a)) for a, p in (generate(REG, "sofa", s) for s in range(12))]
    assert {g[0] for g in got} == {"rolled", "track", "sloped"}, got
    assert {g[1] for g in got} == {"plinth", "legs"}, got
    old = {_arm_style(a, p) for a, p in (generate(REG, "sofa", s, edition=2) for s in range(12))}
    assert old == {"track"}


@pytest.mark.parametrize("category", ["sofa", "armchair", "bed"])
def test_upholstery_is_closed_clean_and_keeps_its_bounds(category):
    """Closed shells, no coincident faces, within edition 2's outer bounds for the same parameters (the planner
    placed it there), the seat surface's height the real top of the cushions."""
    for seed in range(8):
        a, p = generate(REG, category, seed)
        m = a.mesh
        und, directed = geo.edge_use_counts(m)
        assert set(und.tolist()) == {2} and set(directed.tolist()) == {1}, (category, seed)
        assert not measure.coplanar_overlaps(m), (category, seed)
        assert abs(m.bounds()[0][2]) < 1e-9
        lo2, hi2 = generate(REG, category, seed, edition=2)[0].mesh.bounds()
        lo, hi = m.bounds()
        assert (lo >= lo2 - 5e-4).all() and (hi <= hi2 + 5e-4).all() and (hi - lo > 0.97 * (hi2 - lo2)).all(), (seed, lo, hi, lo2, hi2)
        s = a.surfaces[0]
        if category == "bed":
            continue
        xy = np.stack(np.meshgrid(np.linspace(s["lo"][0] + 0.1, s["hi"][0] - 0.1, 7),
                                  np.linspace(s["lo"][1] + 0.05, s["lo"][1] + 0.25, 3)), -1).reshape(-1, 2)
        h = measure.drop_heights(xy, measure.triangles(m), s["z"] + 0.5)
        assert np.isfinite(h).all() and (np.abs(h - s["z"]) < 0.02).mean() > 0.8 and h.max() <= s["z"] + 1e-6, (category, seed)


def test_the_upholstery_follows_the_triangle_budget():
    for cat in ("sofa", "armchair", "bed"):
        full = len(geo.fan_triangles(generate(REG, cat, 0)[0].mesh))
        coarse = len(geo.fan_triangles(generate(REG, cat, 0, detail_level=0.35)[0].mesh))
        small = len(geo.fan_triangles(generate(REG, cat, 0, max_triangles=(full + coarse) // 2)[0].mesh))
        assert coarse < full and small <= (full + coarse) // 2


def _bed_parts(a, p):
    """{"mattress", "pillows", "duvet", "rest"}: the mattress (the sheet-slot shell filling the declared top), the
    pillows (the other sheet-slot shells), the duvet (the blanket slot) and every other shell."""
    parts = _parts(a.mesh)
    s = a.surfaces[0]
    span = np.subtract(s["hi"], s["lo"])
    mat = [q for q in parts if q[1] == 1 and (np.ptp(q[0][:, :2], axis=0) > 0.95 * span).all()]
    return {"mattress": mat, "pillows": [q for q in parts if q[1] == 1 and not any(q is m for m in mat)],
            "duvet": [q for q in parts if q[1] == 2], "rest": [q for q in parts if q[1] not in (1, 2)]}


def test_beds_have_a_mattress_a_draped_duvet_crowned_pillows_and_a_headboard(edition=3):
    for seed in range(8):
        a, p = generate(REG, "bed", seed, edition=edition)
        b, s = _bed_parts(a, p), a.surfaces[0]
        assert len(b["mattress"]) == 1 and len(b["duvet"]) == 1 and len(b["pillows"]) == p["pillows"], (seed, b.keys())
        mv = b["mattress"][0][0]
        assert abs(mv[:, 2].max() - s["z"]) < 1e-3
        for v, _, _ in b["pillows"]:            # crowned, lying on the mattress 0.5-3 mm over it
            assert np.ptp(v[:, 2]) > 0.09 and 0.0005 < v[:, 2].min() - s["z"] < 0.003, seed
            c = (v.min(0) + v.max(0)) / 2
            mid = v[np.hypot(v[:, 0] - c[0], v[:, 1] - c[1]) < 0.05, 2].max()
            edge = v[np.abs(v[:, 0] - c[0]) > 0.42 * np.ptp(v[:, 0]), 2].max()
            assert mid - edge > 0.02, seed
        dv = b["duvet"][0][0]
        # it hangs over both sides and the foot, 10 cm or more under the mattress top, outside the mattress
        low = dv[dv[:, 2] < s["z"] - 0.1]
        assert len(low) and low[:, 0].max() > s["hi"][0] and low[:, 0].min() < s["lo"][0] and low[:, 1].min() < s["lo"][1], seed
        # in folds: at one height down the side, the hanging cloth moves in and out along the bed
        band = dv[(np.abs(dv[:, 2] - (s["z"] - 0.09)) < 0.02) & (dv[:, 0] > s["hi"][0]) & (dv[:, 1] > s["lo"][1] + 0.2)]
        assert np.ptp(band[:, 0]) > 0.008, (seed, np.ptp(band[:, 0]))
        # a headboard behind the mattress reaching the headboard height
        hb = [v for v, _, _ in b["rest"] if v[:, 1].min() > s["hi"][1] - 0.01]
        assert hb and max(v[:, 2].max() for v in hb) > p["headboard_height"] - 0.03, seed
        soft = b["mattress"] + b["pillows"] + b["duvet"]
        for q in soft:
            for r in soft + b["rest"]:
                if q is not r:
                    assert _clear(q, r), (seed, q[0].min(0), r[0].min(0))


def test_bed_headboards_and_bases_vary_with_the_seed():
    """Buttoned (a shell with buttons in front), channelled (five or more upholstered shells side by side) or
    panelled (wooden posts and rails), on legs (four wooden feet) or a divan (an upholstered base)."""
    heads, bases = set(), set()
    for seed in range(12):
        a, p = generate(REG, "bed", seed)
        b, s = _bed_parts(a, p), a.surfaces[0]
        hb = [(v, k) for v, k, _ in b["rest"] if v[:, 1].min() > s["hi"][1] - 0.01]
        up = [v for v, k in hb if k == 3]
        if len([v for v in up if np.ptp(v[:, 0]) < 0.03]) >= 4:
            heads.add("tufted")
        elif len([v for v in up if np.ptp(v[:, 2]) > 0.5]) >= 5:
            heads.add("channels")
        elif not up:
            heads.add("panelled")
        base = [k for v, k, _ in b["rest"] if v[:, 1].min() < s["lo"][1] and np.ptp(v[:, 1]) > 1.5]
        bases.add("divan" if 3 in base else "legs")
        assert base, seed
    assert heads == {"tufted", "channels", "panelled"} and bases == {"divan", "legs"}, (heads, bases)


def _back_legs(a, p):
    """The two floor-standing wooden shells reaching the top of the back."""
    top = p["seat_height"] + p["back_height"]
    return [v for v, k, _ in _parts(a.mesh) if k == 0 and abs(v[:, 2].min()) < 1e-9 and v[:, 2].max() > top - 0.01]


def test_chair_back_legs_splay_below_the_seat_and_rake_back_above_it(edition=3):
    for seed in range(10):
        a, p = generate(REG, "chair", seed, edition=edition)
        legs = _back_legs(a, p)
        assert len(legs) == 2, seed
        sh = p["seat_height"]
        for v in legs:     # the leg's axis at each of its cross-sections (z levels)
            zr = np.unique(np.round(v[:, 2], 6))
            yc = {z: (v[np.abs(v[:, 2] - z) < 1e-6, 1].min() + v[np.abs(v[:, 2] - z) < 1e-6, 1].max()) / 2 for z in zr}
            above, below = zr[zr > sh - 0.045].min(), zr[zr < sh - 0.045].max()
            rake = np.degrees(np.arctan2(yc[zr[-1]] - yc[above], zr[-1] - above))
            splay = yc[zr[0]] - yc[below]
            assert 4.5 < rake < 9.0 and splay > 0.01, (seed, rake, splay)


def test_chair_seats_are_dished_or_padded():
    """Without the loose cushion a seat is dished (its middle 3-9 mm under its rim) or carries a crowned fabric pad
    clear of it; edition 2's seats were flat slabs."""
    kinds = set()
    for seed in range(12):
        for ed in (3, 2):
            a, p = generate(REG, "chair", seed, edition=ed)
            if p["cushion"]:
                continue
            parts = _parts(a.mesh)
            pads = [q for q in parts if q[1] == 1]
            seat = max((q for q in parts if q[1] == 0), key=lambda q: np.ptp(q[0][:, 0]) * np.ptp(q[0][:, 1]))
            v = seat[0]
            c = (v.min(0) + v.max(0)) / 2
            rim = v[:, 2].max()
            mid = measure.drop_heights(np.array([c[:2]]), seat[2], rim + 0.1)[0]
            if pads:
                pv = pads[0][0]
                ok = len(pads) == 1 and 0.0005 < pv[:, 2].min() - rim < 0.003 and _crown(pv) > 0.004 and _clear(pads[0], seat)
                kind = "pad"
            else:
                ok, kind = 0.003 < rim - mid < 0.009, "dish"
            if ed == 3:
                assert ok, (seed, kind, rim - mid)
                kinds.add(kind)
            else:
                assert not ok, seed
    assert kinds == {"dish", "pad"}


@pytest.mark.parametrize("check, kw", [(test_chair_back_legs_splay_below_the_seat_and_rake_back_above_it, {}),
                                       (test_beds_have_a_mattress_a_draped_duvet_crowned_pillows_and_a_headboard, {}),
                                       (test_seat_cushions_are_separate_crowned_and_subdivided, {"category": "sofa"}),
                                       (test_cushions_rest_on_the_deck_and_touch_nothing, {"category": "sofa"})],
                         ids=lambda x: getattr(x, "__name__", str(x)))
def test_the_checks_fail_on_edition_2(check, kw):
    with pytest.raises(AssertionError):
        check(edition=2, **kw)
