"""Edition 2's indoor materials in real bpy: page edges, printed labels, glazes with a bare foot, veined leaves
build as node trees that drive the BSDF (not a flat colour)."""
import json

import pytest

bpy = pytest.importorskip("bpy")

from backend.blender.materials import procedural_material  # noqa: E402
from backend.blender.procgen import add_asset  # noqa: E402


@pytest.fixture
def scene():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    yield bpy.context.scene
    bpy.ops.wm.read_factory_settings(use_empty=True)


def _bsdf(mat):
    return next(n for n in mat.node_tree.nodes if n.type == "BSDF_PRINCIPLED")


def _ops(mat):
    return {n.operation for n in mat.node_tree.nodes if n.type == "MATH"}


def test_indoor_detail_materials_build_as_node_trees(scene):
    seen = set()
    for cat, seed, params in (("book", 0, {"standing": 1}), ("bottle", 0, None), ("bottle", 1, None), ("mug", 0, None),
                              ("plate", 0, None), ("potted_plant", 0, None)):
        obj = add_asset(scene, cat, seed, params)
        for mat in obj.data.materials:
            desc = json.loads(mat["conjure_material"])
            kind, p = desc["kind"], desc["params"]
            bsdf = _bsdf(mat)
            if kind == "pages":        # leaf lines: fract of u x scale, a shade per leaf
                assert "FRACT" in _ops(mat) and any(n.type == "TEX_WHITE_NOISE" for n in mat.node_tree.nodes)
            elif kind == "label":      # stripes and rows of print on the label's UVs
                assert {"FRACT", "LESS_THAN", "GREATER_THAN"} <= _ops(mat)
            elif kind == "ceramic" and "clay" in p:   # the glaze stops above a bare, rough foot
                assert bsdf.inputs["Roughness"].is_linked and "LESS_THAN" in _ops(mat)
            elif kind == "foliage" and "vein_count" in p:
                assert {"ABSOLUTE", "FRACT"} <= _ops(mat) and bsdf.inputs["Normal"].is_linked
            else:
                continue
            assert bsdf.inputs["Base Color"].is_linked, f"{cat}: {kind} is a flat colour"
            seen.add(kind if kind not in ("ceramic", "foliage") else f"{kind}2")
    assert seen == {"pages", "label", "ceramic2", "foliage2"}


def test_paint_without_edge_wear_builds(scene):
    """A paint description with wear 0 used to fail (the unworn colour is a constant, not a socket)."""
    mat = procedural_material({"kind": "paint", "params": {"base_color": [0.1, 0.2, 0.3], "roughness": 0.5, "wear": 0.0}})
    assert tuple(_bsdf(mat).inputs["Base Color"].default_value)[:3] == pytest.approx((0.1, 0.2, 0.3))
