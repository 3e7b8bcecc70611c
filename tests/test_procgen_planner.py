"""Scene planner: constraints for 50 seeds per scene type, graph shape, bad input (bpy-free)."""
import json

import numpy as np
import pytest

from backend.jobs import SpecError
from backend.procgen.constraints import violations
from backend.procgen.layout import frustum_fraction
from backend.procgen.plan import SCENE_TYPES, plan

SEEDS = {"room": range(50), "tabletop": range(50), "outdoor": range(50)}
"""Room types and apartments are slower to plan; they get 12 seeds here (200+ in benchmarks/procgen_build.py)."""


@pytest.mark.parametrize("scene_type", SCENE_TYPES)
def test_constraints_hold_over_seeds(scene_type):
    problems = {}
    for seed in SEEDS.get(scene_type, range(12)):
        g = plan(scene_type, seed)
        v = violations(g)
        if v:
            problems[seed] = v[:3]
        assert json.loads(json.dumps(g)) == g  # pure JSON
    assert not problems, problems


@pytest.mark.parametrize("seed", range(10))
def test_room_is_furnished_with_openings(seed):
    g = plan("room", seed)
    cats = [o["category"] for o in g["objects"]]
    assert len(cats) >= (5 if g["rooms"][0]["type"] in ("bathroom", "kitchen") else 12), cats
    kinds = sorted(o["kind"] for o in g["openings"])
    assert kinds == ["door", "window"]
    assert {"floor", "ceiling"} <= {s["id"] for s in g["structure"]}
    assert sum(s["category"] == "wall" for s in g["structure"]) == 4
    if g["rooms"][0]["type"] != "bathroom":  # a bathroom vanity carries its basin, nothing else
        assert any(isinstance(o["support"], dict) for o in g["objects"]), "no small object on a support"
    assert {"SUN", "AREA"} <= {li["type"] for li in g["lights"]}
    assert sum(s["category"] in ("door", "window") for s in g["structure"]) == 2
    assert frustum_fraction(g, g["cameras"][0]) >= 0.5  # an eye-height view frames most of the room


def test_scene_graph_fields():
    for t in SCENE_TYPES:
        g = plan(t, 1)
        assert g["type"] == t and g["seed"] == 1 and g["version"] == 2
        for o in g["objects"]:
            assert {"id", "category", "seed", "params", "location", "rotation_z", "materials", "semantic", "support",
                    "bounds"} <= set(o)
        assert g["cameras"] and g["lights"] and g["world"]
        assert g["render"]["engine"] == "CYCLES" and g["render"]["size"] > 0


def test_plan_is_deterministic_and_seed_dependent():
    assert plan("room", 4) == plan("room", 4)
    assert plan("room", 4) != plan("room", 5)


def test_density_changes_count():
    few = len(plan("outdoor", 3, {"density": 0.3})["objects"])
    many = len(plan("outdoor", 3, {"density": 1.5})["objects"])
    assert few < many


@pytest.mark.parametrize("scene_type, seed, params, field", [
    ("castle", 0, None, "type"),
    ("room", -3, None, "seed"),
    ("room", 2.5, None, "seed"),
    ("room", None, None, "seed"),
    ("room", 0, {"density": 50}, "params.density"),
    ("room", 0, {"density": -1}, "params.density"),
    ("room", 0, {"width": 100}, "params.width"),
    ("tabletop", 0, {"objects": 10**6}, "params.objects"),
    ("tabletop", 0, {"objects": -5}, "params.objects"),
    ("tabletop", 0, {"objects": 3.5}, "params.objects"),
    ("outdoor", 0, {"size": 1e9}, "params.size"),
    ("outdoor", 0, {"trees": 3}, "params.trees"),
    ("outdoor", 0, "dense", "params"),
])
def test_bad_input_names_the_field(scene_type, seed, params, field):
    with pytest.raises(SpecError) as e:
        plan(scene_type, seed, params)
    assert e.value.field == field
    if field not in ("params", "params.trees"):
        assert "must" in str(e.value)


def test_kitchens_and_bathrooms_are_furnished_like_real_ones():
    """Kitchens: worktop runs with a sink, a cooker, upper cabinets over the runs and clutter on the worktops;
    bathrooms: a vanity with things on its top and towels on rails (issue #14: they were sparse)."""
    kitchens = [plan("kitchen", s) for s in range(12)]
    cats = [[o["category"] for o in g["objects"]] for g in kitchens]
    assert sum("stove" in c for c in cats) >= 3
    assert sum(c.count("wall_cabinet") >= 2 for c in cats) >= 8
    assert sum(c.count("kitchen_counter") >= 2 for c in cats) >= 6
    on_worktops = [sum(1 for o in g["objects"] if isinstance(o["support"], dict) and o["support"]["object"].startswith("kitchen_counter"))
                   for g in kitchens]
    assert sorted(on_worktops)[len(on_worktops) // 2] >= 6, on_worktops
    baths = [[o["category"] for o in plan("bathroom", s)["objects"]] for s in range(12)]
    assert sum("towel_rail" in c for c in baths) >= 8
    assert sorted(len(c) for c in baths)[6] >= 8


def test_apartments_are_plans_with_doors_between_neighbours():
    """Apartments of 3-4 rooms are laid out on a grid (L, 2x2, staggered), not only in a row; every room is
    reachable from the entrance through door leaves set in shared walls (door positions, not declared links)."""
    shapes = set()
    for seed in range(5):
        for n in (3, 4):
            g = plan("apartment", seed, {"rooms": n})
            rms = g["rooms"]
            shapes.add(len({r["lo"][1] for r in rms}) > 1)
            parent = list(range(len(rms)))

            def find(i):
                while parent[i] != i:
                    i = parent[i]
                return i
            entrances = 0
            for d in (s for s in g["structure"] if s["category"] == "door"):
                x, y = d["geometry"]["location"][:2]
                touch = [k for k, r in enumerate(rms) if r["lo"][0] - 0.2 <= x <= r["hi"][0] + 0.2 and r["lo"][1] - 0.2 <= y <= r["hi"][1] + 0.2]
                entrances += len(touch) == 1
                for k in touch[1:]:
                    parent[find(k)] = find(touch[0])
            assert len({find(k) for k in range(len(rms))}) == 1, (seed, n, "rooms not all connected by doors")
            assert entrances == 1, (seed, n, entrances)
    assert shapes == {True, False}  # some plans have a second row of rooms, some are a row


def test_outdoor_ponds_sit_in_hollows_and_paths_stay_clear():
    """Outdoors, some seeds get a pond (water below the lowest point of its bank, ground under the middle lower
    still) and a path; no tree, rock or grass tuft stands in the water or on the path."""
    import numpy as np
    from backend.procgen.terrain import ground_height, path_distance
    ponds = paths = 0
    for seed in range(10):
        g = plan("outdoor", seed)
        terr = g["structure"][0]["geometry"]
        water = [s for s in g["structure"] if s["category"] == "water"]
        pts = np.array([o["location"][:2] for o in g["objects"]]
                       + [p[:2] for sc in g.get("scatter", []) if sc["id"] == "grass" for p in sc["points"]])
        if "pond" in terr:
            ponds += 1
            (x, y, level), r = water[0]["geometry"]["center"], water[0]["geometry"]["radius"]
            ring = np.linspace(0, 2 * np.pi, 90, endpoint=False)
            assert ground_height(terr, x + r * np.cos(ring), y + r * np.sin(ring)).min() > level
            assert ground_height(terr, np.array([x]), np.array([y]))[0] < level - 0.2
            wet = np.hypot(pts[:, 0] - x, pts[:, 1] - y) < r
            assert not wet.any(), (seed, int(wet.sum()))
        else:
            assert not water
        if "path" in terr:
            paths += 1
            on = path_distance(terr["path"]["points"], pts[:, 0], pts[:, 1]) < terr["path"]["width"] / 2
            assert not on.any(), (seed, int(on.sum()))
    assert ponds >= 3 and paths >= 3, (ponds, paths)


def _bilinear(E, S, x, y):
    """A grid of vertex values over the patch, interpolated at (x, y) as across the mesh's faces."""
    n = E.shape[0]
    fx, fy = (np.asarray(x) + S / 2) / S * (n - 1), (np.asarray(y) + S / 2) / S * (n - 1)
    i, j = np.clip(fy.astype(int), 0, n - 2), np.clip(fx.astype(int), 0, n - 2)
    ty, tx = fy - i, fx - j
    return (E[i, j] * (1 - tx) * (1 - ty) + E[i, j + 1] * tx * (1 - ty) + E[i + 1, j] * (1 - tx) * ty
            + E[i + 1, j + 1] * tx * ty)


def test_soil_edges_are_smooth_curves_not_grid_cells():
    """Path and shore (issue #14): bare soil is not painted by whole 0.25 m grid cells (stair steps up to 18 cm off
    the curve) but blended per pixel by each vertex's signed distance to the soil's edge. Interpolated across the
    faces, that distance puts the edge within 2.5 cm of the true curve (99 % within 1 cm), and the mesh
    has one material slot."""
    from backend.procgen.terrain import soil_edge, terrain_mesh
    paths = shores = 0
    for seed in range(8):
        t = plan("outdoor", seed)["structure"][0]["geometry"]
        if "path" not in t and "pond" not in t:
            assert soil_edge(t, 0.0, 0.0) is None
            continue
        paths, shores = paths + ("path" in t), shores + ("pond" in t)
        S, n = t["size"], t["resolution"]
        m = terrain_mesh(t)
        assert set(m.mat.tolist()) == {0}
        E = soil_edge(t, m.verts[:, 0], m.verts[:, 1])[: n * n].reshape(n, n)  # the top grid's vertices first
        x, y = np.random.default_rng(seed).uniform(-S / 2, S / 2, (2, 200000))
        exact = soil_edge(t, x, y)
        near = np.abs(exact) < 0.15  # the edge zone (a path's centre line, where |d| kinks, lies >= 0.35 m in)
        assert near.sum() > 1000
        err = np.abs(_bilinear(E, S, x[near], y[near]) - exact[near])
        assert err.max() < 0.025 and np.percentile(err, 99) < 0.01, (seed, float(err.max()))
    assert paths >= 2 and shores >= 2


def test_ponds_read_as_water_from_afar():
    """Ponds (issue #14: they looked small and pale): open water at least 3 % of the patch (6-9 m across on the
    default one), an irregular shore (not a circle), the bank above the water all round the water disc's edge, a
    dark opaque water material that mirrors the sky, and nothing (object footprint or grass) in the water."""
    from backend.procgen.terrain import ground_height
    ponds = 0
    for seed in range(12):
        g = plan("outdoor", seed)
        water = [s for s in g["structure"] if s["category"] == "water"]
        if not water:
            continue
        ponds += 1
        t = g["structure"][0]["geometry"]
        w = water[0]
        (x, y, level), r = w["geometry"]["center"], w["geometry"]["radius"]
        u = np.linspace(-r, r, 161)
        X, Y = np.meshgrid(u + x, u + y)
        wet = (ground_height(t, X, Y) < level) & (np.hypot(X - x, Y - y) < r)
        assert wet.sum() * (u[1] - u[0]) ** 2 > 0.03 * t["size"] ** 2, seed
        ring = np.linspace(0, 2 * np.pi, 360, endpoint=False)
        assert ground_height(t, x + r * np.cos(ring), y + r * np.sin(ring)).min() > level + 0.01, seed
        reach = []  # how far the water reaches from the centre, per direction
        for a in ring[::10]:
            d = np.linspace(0, r, 400)
            under = ground_height(t, x + d * np.cos(a), y + d * np.sin(a)) < level
            reach.append(d[np.argmin(under)] if not under.all() else r)
        assert max(reach) > 1.12 * min(reach), (seed, min(reach), max(reach))
        mat = w["materials"][0]
        assert mat["kind"] == "water" and "transmission" not in mat["params"]
        assert np.dot(mat["params"]["base_color"], [0.2126, 0.7152, 0.0722]) < 0.05
        for o in g["objects"]:
            lo, hi = o["bounds"]["lo"], o["bounds"]["hi"]
            assert np.hypot(np.clip(x, lo[0], hi[0]) - x, np.clip(y, lo[1], hi[1]) - y) >= r, (seed, o["id"])
        grass = np.array([p[:2] for sc in g["scatter"] for p in sc["points"]])
        assert (np.hypot(grass[:, 0] - x, grass[:, 1] - y) >= r).all(), seed
    assert ponds >= 4


def test_land_meets_the_patch_without_a_seam():
    """Issue #14 (a 24 m slab in a void; then a line round the patch): the land's inner border is the patch's own
    border, vertex for vertex and height for height (path trough and flats included), the patch is an open
    surface (no skirts to shade as a line), and grass runs on over the border at the same density; no land
    scatter stands on the patch."""
    from backend.procgen.terrain import horizon_mesh, land_surface, terrain_mesh
    for seed in range(4):
        g = plan("outdoor", seed)
        t, land = g["structure"][0]["geometry"], g["structure"][1]["geometry"]
        S, n = t["size"], t["resolution"]
        patch = terrain_mesh(t)
        assert len(patch.verts) == n * n and (patch.verts[:, 2] > patch.verts[:, 2].min() - 1e-9).all()
        edge = patch.verts[np.abs(patch.verts[:, :2]).max(axis=1) >= S / 2 - 1e-9]
        m = horizon_mesh(land, t)
        key = {(round(x, 6), round(y, 6)): z for x, y, z in m.verts}
        assert max(abs(key[(round(x, 6), round(y, 6))] - z) for x, y, z in edge) < 1e-6, seed
        assert len(edge) == 4 * (n - 1)
        pts = {sc["id"]: np.array(sc["points"])[:, :3] for sc in g["scatter"]}
        for sid in ("edge_grass", "far_grass", "far_trees"):
            p = pts[sid]
            assert (np.abs(p[:, :2]).max(axis=1) > S / 2).all(), sid
            assert np.allclose(p[:, 2], land_surface(land, t, p[:, 0], p[:, 1]) - 0.005, atol=1e-4), sid
        ring = lambda p, lo, hi: ((np.abs(p[:, :2]).max(axis=1) > lo) & (np.abs(p[:, :2]).max(axis=1) <= hi)).sum()
        inside = ring(pts["grass"], S / 2 - 1, S / 2) / (S * S - (S - 2) ** 2)
        outside = (ring(pts["edge_grass"], S / 2, S / 2 + 1) + ring(pts["far_grass"], S / 2, S / 2 + 1)) / ((S + 2) ** 2 - S * S)
        assert 0.75 < outside / inside < 1.3, (seed, inside, outside)


def test_graphs_planned_before_the_irregular_shore_still_build():
    """A scene graph kept in a file from before (pond without a water level) still gives its round bowl."""
    from backend.procgen.terrain import ground_height, terrain_mesh
    t = plan("outdoor", 0)["structure"][0]["geometry"]
    old = dict(t, pond={k: t["pond"][k] for k in ("x", "y", "r", "depth")})
    p = old["pond"]
    assert len(terrain_mesh(old).verts) == t["resolution"] ** 2
    centre = ground_height(old, np.array([p["x"]]), np.array([p["y"]]))[0]
    flat = ground_height(dict(old, pond=None, flats=[]), np.array([p["x"]]), np.array([p["y"]]))[0]
    assert centre < flat - 0.5 * p["depth"]
