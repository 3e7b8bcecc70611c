"""Asset factories: mesh validity per category, parameter ranges, bad input, cross-process determinism (bpy-free)."""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from backend.jobs import SpecError
from backend.procgen import geometry as geo
from backend.procgen.factories import build_registry, furniture
from backend.procgen.registry import Registry, generate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REG = build_registry()
REQUIRED = ("chair", "table", "sofa", "bed", "bookshelf", "cabinet", "table_lamp", "floor_lamp", "mug", "bowl",
            "plate", "vase", "bottle", "potted_plant", "book", "rock", "tree")


def test_required_categories_registered():
    assert set(REQUIRED) <= set(REG.names())
    assert len(REG.names()) >= 14
    for name in REG.names():
        spec = REG.get(name)
        assert spec.doc and spec.params and all(p.doc and p.lo < p.hi for p in spec.params), name


def test_duplicate_registration_is_an_error():
    r = Registry()
    r.register(furniture.chair)
    with pytest.raises(ValueError, match="already registered"):
        r.register(furniture.chair)


def _check_mesh(asset, label):
    m = asset.mesh
    und, directed = geo.edge_use_counts(m)
    assert set(und.tolist()) == {2}, f"{label}: not closed (edge uses {set(und.tolist())})"
    assert set(directed.tolist()) == {1}, f"{label}: inconsistent winding"
    assert geo.signed_volume(m) > 0, f"{label}: normals point inwards"
    assert geo.face_areas(m).min() > 1e-9, f"{label}: degenerate face"
    assert len(m.uvs) == len(m.corners) and np.isfinite(m.uvs).all(), f"{label}: UVs missing"
    assert np.isfinite(m.verts).all()
    lo, hi = m.bounds()
    assert abs(lo[2]) < 1e-9, f"{label}: origin not at the base (min z {lo[2]})"
    assert 0.005 < hi[2] < 15 and (hi - lo)[:2].max() < 10, f"{label}: implausible size {hi - lo}"
    assert m.mat.min() >= 0 and m.mat.max() < len(asset.materials), f"{label}: face without material"
    for d in asset.materials:
        assert d["kind"] and "base_color" in d["params"]
    for s in asset.surfaces:
        assert s["lo"][0] < s["hi"][0] and s["lo"][1] < s["hi"][1] and 0 < s["z"] <= hi[2] + 1e-9


@pytest.mark.parametrize("category", sorted(REG.names()))
def test_mesh_valid_over_seeds(category):
    for seed in range(8):
        asset, params = generate(REG, category, seed)
        _check_mesh(asset, f"{category} seed {seed} {params}")


@pytest.mark.parametrize("category", sorted(REG.names()))
def test_mesh_valid_at_parameter_extremes(category):
    spec = REG.get(category)
    for end in ("lo", "hi"):
        params = {p.name: getattr(p, end) for p in spec.params}
        asset, full = generate(REG, category, 11, params)
        assert full == {k: (int(v) if spec.param(k).integer else float(v)) for k, v in params.items()}
        _check_mesh(asset, f"{category} at {end}")


def test_overriding_one_param_keeps_the_others():
    _, a = generate(REG, "chair", 5)
    _, b = generate(REG, "chair", 5, {"seat_height": 0.41})
    assert b["seat_height"] == 0.41
    assert {k: v for k, v in a.items() if k != "seat_height"} == {k: v for k, v in b.items() if k != "seat_height"}


@pytest.mark.parametrize("category, seed, params, field", [
    ("spaceship", 0, None, "category"),
    ("chair", -1, None, "seed"),
    ("chair", 1.5, None, "seed"),
    ("chair", "3", None, "seed"),
    ("chair", 2**40, None, "seed"),
    ("chair", 0, {"seat_height": 3.0}, "params.seat_height"),
    ("chair", 0, {"wings": 2}, "params.wings"),
    ("bookshelf", 0, {"shelves": 1000}, "params.shelves"),
    ("bookshelf", 0, {"shelves": -2}, "params.shelves"),
    ("bookshelf", 0, {"shelves": 2.5}, "params.shelves"),
    ("mug", 0, {"radius": float("nan")}, "params.radius"),
    ("mug", 0, [1, 2], "params"),
])
def test_bad_input_names_the_field(category, seed, params, field):
    with pytest.raises(SpecError) as e:
        generate(REG, category, seed, params)
    assert e.value.field == field
    assert str(e.value).startswith(field)


_DIGEST = """
import hashlib, json
from backend.procgen.factories import build_registry
from backend.procgen.registry import generate
from backend.procgen.plan import plan
R = build_registry(); h = hashlib.sha256()
for c in R.names():
    for s in (0, 7, 123456789):
        a, p = generate(R, c, s)
        h.update(a.mesh.digest().encode()); h.update(json.dumps([a.materials, a.surfaces, p], sort_keys=True).encode())
for t in ("room", "tabletop", "outdoor"):
    h.update(json.dumps(plan(t, 5), sort_keys=True).encode())
print(h.hexdigest())
"""


def test_same_seed_same_bytes_in_fresh_processes():
    env = dict(os.environ, PYTHONHASHSEED="random")
    outs = [subprocess.run([sys.executable, "-c", _DIGEST], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True, timeout=120).stdout.strip() for _ in range(2)]
    assert outs[0] == outs[1] and len(outs[0]) == 64


def test_different_seeds_differ():
    a, _ = generate(REG, "vase", 1)
    b, _ = generate(REG, "vase", 2)
    assert a.mesh.digest() != b.mesh.digest()
    assert hashlib.sha256(json.dumps(a.materials).encode()).digest() != hashlib.sha256(json.dumps(b.materials).encode()).digest()


def test_editions_detail_nature_and_keep_the_corpus_edition():
    """Edition 2 adds leaves, bark and chipped rock; edition 1 (the embedded corpus's) stays as it was."""
    from backend.generate.embedded.corpus import CORPUS_EDITION
    from backend.procgen import generate_asset

    assert CORPUS_EDITION == 1 and geo.EDITION >= 2
    for cat, factor in (("tree", 2.0), ("bush", 3.0), ("rock", 2.0)):
        old, p_old = generate(REG, cat, 4, edition=1)
        new, p_new = generate(REG, cat, 4)
        assert p_old == p_new                             # same parameters: the detail is not a new knob
        assert len(geo.fan_triangles(new.mesh)) > factor * len(geo.fan_triangles(old.mesh)), cat
        assert generate_asset(cat, 4, edition=1)[0].mesh.digest() == old.mesh.digest()
        _check_mesh(new, f"{cat} edition 2")
    # a chipped rock has flat facets: many vertices share a few planes (a smooth blob has none)
    rock = generate(REG, "rock", 4)[0].mesh
    tris = geo.fan_triangles(rock)
    a, b, c = (rock.verts[tris[:, i]] for i in range(3))
    n = np.cross(b - a, c - a)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    _, counts = np.unique(np.round(n, 2), axis=0, return_counts=True)
    assert counts.max() >= 20
    for bad in (0, geo.EDITION + 1, 1.5, "2"):
        with pytest.raises(SpecError) as e:
            generate(REG, "tree", 0, edition=bad)
        assert e.value.field == "edition"


def test_leaf_cards_are_closed_and_follow_the_detail_level():
    core = geo.blob(geo.rng_for(0, "t"), (1.0, 1.0, 0.8), 2)
    leaves = geo.leaf_cards(geo.rng_for(0, "leaves"), core, 100, 0.2)
    assert len(leaves.sizes) == 8 * 100
    und, directed = geo.edge_use_counts(leaves)
    assert set(und.tolist()) == {2} and set(directed.tolist()) == {1} and geo.signed_volume(leaves) > 0
    with geo.detail(0.5):
        assert len(geo.leaf_cards(geo.rng_for(0, "leaves"), core, 100, 0.2).sizes) == 8 * 50
    # they grow out of the core: every leaf's stalk is within its own length of the surface
    stalk = leaves.verts[0::6]
    r = np.linalg.norm(stalk / np.array([1.0, 1.0, 0.8]), axis=1)
    assert np.all(np.abs(r - 1) < 0.4)
