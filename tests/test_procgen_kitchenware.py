"""Kitchenware (issue #14: small kitchens lacked kettles, pots and boards): the new categories are real objects
(spout, handle and lid; a hollow pan under its lid; a flat board; knives standing in a block), registered so the
planner and the edit words find them, and edition-3 kitchens carry them on their worktops and hob (bpy-free)."""
import json

import numpy as np
import pytest

from backend.procgen import geometry as geo
from backend.procgen.constraints import violations
from backend.procgen.factories import build_registry
from backend.procgen.kitchen import KITCHENWARE
from backend.procgen.plan import plan
from backend.procgen.registry import generate
from test_procgen_edition3_things import assert_clean, shells

REG = build_registry()
WARE = ("kettle", "saucepan", "cutting_board", "knife_block")


def test_kitchenware_is_registered_as_small_kitchen_objects():
    for name in WARE:
        spec = REG.get(name)
        assert spec.small and spec.semantic == ("object", "kitchen", name)
    assert {c for c, _ in KITCHENWARE} == set(WARE)


def _drop(m, x, y):
    """z of every crossing of a vertical ray at (x, y) with the mesh, top first."""
    tri = geo.fan_triangles(m)
    P = m.verts[tri]
    a, b, c = P[:, 0], P[:, 1], P[:, 2]
    v0, v1 = b[:, :2] - a[:, :2], c[:, :2] - a[:, :2]
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    w = np.array([x, y]) - a[:, :2]
    with np.errstate(divide="ignore", invalid="ignore"):
        u = (w[:, 0] * v1[:, 1] - v1[:, 0] * w[:, 1]) / den
        v = (v0[:, 0] * w[:, 1] - w[:, 0] * v0[:, 1]) / den
        z = a[:, 2] + u * (b[:, 2] - a[:, 2]) + v * (c[:, 2] - a[:, 2])
        hit = (np.abs(den) > 1e-14) & (u >= 0) & (v >= 0) & (u + v <= 1)
    return np.unique(np.round(z[hit], 7))[::-1]      # (a ray along an edge meets both its faces)


@pytest.mark.parametrize("seed", range(8))
def test_kettles_have_a_spout_a_handle_and_a_lid(seed):
    a, p = generate(REG, "kettle", seed)
    assert_clean(a, f"kettle {seed}")
    m, R = a.mesh, p["radius"]
    sh = shells(m)
    body = max((m.verts[ids] for ids, s in sh), key=lambda v: np.prod(np.ptp(v, axis=0)))
    # a spout (or pouring lip) reaching out past the body on +X, a handle shell in the handle's material
    assert m.verts[:, 0].max() > body[:, 0].max() + 0.01
    assert any(s == 1 and np.ptp(m.verts[ids], axis=0).max() > 0.08 for ids, s in sh)
    # a lid: a shell sitting on the body's top
    lids = [m.verts[ids] for ids, s in sh if np.ptp(m.verts[ids][:, 2]) < 0.03 and np.ptp(m.verts[ids][:, 0]) > R * 0.6
            and abs(m.verts[ids][:, 2].min() - body[:, 2].max()) < 0.01]
    assert lids


@pytest.mark.parametrize("seed", range(8))
def test_saucepans_are_hollow_under_their_lid_with_handles(seed):
    a, p = generate(REG, "saucepan", seed)
    assert_clean(a, f"saucepan {seed}")
    m, R, H = a.mesh, p["radius"], p["height"]
    z = _drop(m, R * 0.5, 0.0)
    # lid (top and underside), then a cavity most of the pan's height deep, then the floor and the base
    assert len(z) >= 4 and z[1] - z[2] > 0.6 * H, z
    ext = np.ptp(m.verts[:, 0])
    assert ext > 2 * R + (0.1 if p["handles"] == 0 else 0.02)


def test_cutting_boards_lie_flat_and_knife_blocks_hold_knives():
    for seed in range(6):
        a, p = generate(REG, "cutting_board", seed)
        assert_clean(a, f"cutting_board {seed}")
        assert np.isclose(np.ptp(a.mesh.verts[:, 2]), p["thickness"]) and a.materials[0]["kind"] in ("butcher_block", "plastic", "wood")
        a, p = generate(REG, "knife_block", seed)
        assert_clean(a, f"knife_block {seed}")
        m = a.mesh
        handles = [ids for ids, s in shells(m) if s == 1]
        assert len(handles) == p["knives"]
        block = np.concatenate([m.verts[ids] for ids, s in shells(m) if s == 0])
        assert all(m.verts[ids][:, 2].max() > block[:, 2].max() + 0.05 for ids in handles)


@pytest.fixture(scope="module")
def kitchens():
    return {ed: [plan("kitchen", s, edition=ed) for s in range(16)] for ed in (2, 3)}


def test_edition_3_kitchens_carry_kettles_pans_and_boards_on_their_worktops(kitchens):
    def count(g, cat):
        return sum(o["category"] == cat for o in g["objects"])
    new, old = kitchens[3], kitchens[2]
    assert not any(count(g, c) for g in old for c in WARE)       # edition 2's plans are as they were
    assert sum(count(g, "kettle") > 0 for g in new) >= 12
    assert sum(count(g, "cutting_board") > 0 for g in new) >= 10
    assert sum(count(g, "saucepan") > 0 for g in new) >= 8
    ids = {}
    for g in new:
        ids = {o["id"]: o["category"] for o in g["objects"]}
        for o in g["objects"]:
            if o["category"] in WARE:     # each stands on a worktop or the hob
                assert isinstance(o["support"], dict) and ids[o["support"]["object"]] in ("kitchen_counter", "stove")
    # and the kitchens pass every check (nothing floating or interpenetrating on the real triangles)
    for s in range(0, 16, 3):
        assert not violations(new[s]), (s, violations(new[s])[:3])


def test_a_kitchens_fitted_units_share_one_finish():
    """Edition 3: base and wall units of one kitchen are one wood or paint with one handle metal (before, each unit
    drew its own, so one kitchen mixed pine, white and oak); edition 2 graphs keep each unit's own."""
    from backend.procgen.plan import plan

    checked = 0
    for seed in range(8):
        units = [o for o in plan("kitchen", seed)["objects"] if o["category"] in ("kitchen_counter", "wall_cabinet")]
        if len(units) >= 2:
            assert len({json.dumps(o["materials"][:3], sort_keys=True) for o in units}) == 1, seed
            checked += 1
    assert checked >= 5
    mixed = 0
    for seed in range(8):
        units = [o for o in plan("kitchen", seed, edition=2)["objects"] if o["category"] in ("kitchen_counter", "wall_cabinet")]
        mixed += len({json.dumps(o["materials"][:1], sort_keys=True) for o in units}) > 1
    assert mixed >= 3
