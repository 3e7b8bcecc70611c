"""Operators through bpy.ops in real bpy: add, re-roll, rebuild, generate scene; errors leave the scene unchanged.

The operator/panel modules are imported as part of a package rooted at the repository (as Blender does for the
extension) and registered here with a minimal root PropertyGroup, so this test does not depend on the add-on's
root __init__; if the add-on is already registered, its registration is used as is.
"""
import importlib
import os
import sys
import types

import pytest

bpy = pytest.importorskip("bpy")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKG = "conjure_procgen_under_test"


@pytest.fixture(scope="module")
def registered():
    if hasattr(bpy.types.Scene, "conjure") and hasattr(bpy.ops.conjure, "add_asset"):
        yield None
        return
    if hasattr(bpy.types.Scene, "conjure"):
        pytest.skip("Scene.conjure is registered by the add-on but without the procgen operators")
    pkg = types.ModuleType(PKG)
    pkg.__path__ = [ROOT]
    sys.modules[PKG] = pkg
    props = importlib.import_module(PKG + ".panels.procgen_props")
    ops = importlib.import_module(PKG + ".operators.procgen")
    panels = importlib.import_module(PKG + ".panels.procgen")

    class ConjureProcgenTestRoot(bpy.types.PropertyGroup):
        procgen: bpy.props.PointerProperty(type=props.ConjureProcgenProps)

    classes = props.CLASSES + (ConjureProcgenTestRoot,) + ops.CLASSES + panels.CLASSES
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.conjure = bpy.props.PointerProperty(type=ConjureProcgenTestRoot)
    yield classes
    del bpy.types.Scene.conjure
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
    for name in [m for m in sys.modules if m == PKG or m.startswith(PKG + ".")]:
        del sys.modules[name]


@pytest.fixture
def ctx(registered):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    yield bpy.context
    bpy.ops.wm.read_factory_settings(use_empty=True)


def _state():
    return (sorted(o.name for o in bpy.data.objects), len(bpy.data.meshes), len(bpy.data.materials),
            len(bpy.data.collections))


def test_add_asset_and_parameters(ctx):
    props = ctx.scene.conjure.procgen
    props.category = "table"  # update callback fills the parameter list
    assert [p.name for p in props.params] == ["height", "width", "depth", "top_thickness", "pedestal"]
    props.seed = 12
    props.params["width"].override = True
    props.params["width"].value = 1.5
    assert bpy.ops.conjure.add_asset() == {"FINISHED"}
    obj = ctx.view_layer.objects.active
    assert obj["conjure_category"] == "table" and obj["conjure_seed"] == 12
    assert abs(obj["conjure_param_width"] - 1.5) < 1e-6
    assert abs(obj.dimensions.x - 1.5) < 1e-3


def test_add_asset_out_of_range_reports_and_adds_nothing(ctx):
    props = ctx.scene.conjure.procgen
    props.category = "chair"
    props.params["seat_height"].override = True
    props.params["seat_height"].value = 2.0
    before = _state()
    with pytest.raises(RuntimeError, match=r"params.seat_height: must be between 0.4 and 0.5"):
        bpy.ops.conjure.add_asset()
    assert _state() == before


def test_reroll_and_rebuild(ctx):
    props = ctx.scene.conjure.procgen
    props.category = "vase"
    assert bpy.ops.conjure.add_asset() == {"FINISHED"}
    obj = ctx.view_layer.objects.active
    seed0, verts0 = obj["conjure_seed"], len(obj.data.vertices)
    co0 = [tuple(v.co) for v in obj.data.vertices[:5]]
    assert bpy.ops.conjure.reroll_asset() == {"FINISHED"}
    assert obj["conjure_seed"] != seed0 and props.seed == obj["conjure_seed"]
    assert [tuple(v.co) for v in obj.data.vertices[:5]] != co0 or len(obj.data.vertices) != verts0
    obj["conjure_param_height"] = 0.3
    assert bpy.ops.conjure.rebuild_asset() == {"FINISHED"}
    assert abs(obj.dimensions.z - 0.3) < 0.01
    # an out-of-range edit is reported and the object keeps its mesh
    mesh = obj.data.name
    obj["conjure_param_height"] = 5.0
    with pytest.raises(RuntimeError, match="params.height"):
        bpy.ops.conjure.rebuild_asset()
    assert obj.data.name == mesh and abs(obj.dimensions.z - 0.3) < 0.01


def test_poll_explains(ctx):
    with pytest.raises(RuntimeError, match="Select a Conjure asset"):
        bpy.ops.conjure.rebuild_asset()


def test_generate_scene(ctx):
    props = ctx.scene.conjure.procgen
    props.scene_type = "tabletop"
    props.scene_seed = 4
    props.density = 0.5
    assert bpy.ops.conjure.generate_scene() == {"FINISHED"}
    colls = [c for c in ctx.scene.collection.children if c.name.startswith("Conjure tabletop 4")]
    assert len(colls) == 1 and len(colls[0].objects) > 4
    assert ctx.scene.camera is not None
