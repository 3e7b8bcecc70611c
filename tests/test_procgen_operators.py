"""Operators through bpy.ops in real bpy: add, re-roll, rebuild, generate scene; errors leave the scene unchanged.

Uses the real add-on, enabled as an installed extension (conftest's ``fresh_scene``).
"""
import sys
import time

import pytest

bpy = pytest.importorskip("bpy")


@pytest.fixture
def ctx(fresh_scene):
    yield bpy.context


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
    assert bpy.ops.conjure.generate_scene() == {"FINISHED"}  # planned on a thread, built over ticks
    assert not [c for c in ctx.scene.collection.children if c.name.startswith("Conjure tabletop")]
    session = sys.modules["bl_ext.user_default.conjure.backend.blender.session"]
    ticks = 0
    while session.active_jobs():
        session.tick()
        ticks += 1
        time.sleep(0.005)
    assert ctx.scene.conjure.jobs[-1].state == "DONE", ctx.scene.conjure.jobs[-1].error
    colls = [c for c in ctx.scene.collection.children if c.name.startswith("Conjure tabletop 4")]
    assert len(colls) == 1 and len(colls[0].objects) > 4
    assert ctx.scene.camera is not None and ctx.scene.camera.name in colls[0].objects
    assert ticks >= 2  # spread over ticks (the longest stall is measured by benchmarks/ui_tick.py)


def test_generate_scene_cancel_leaves_nothing(ctx):
    props = ctx.scene.conjure.procgen
    props.scene_type, props.scene_seed = "room", 1
    before = {k: len(getattr(bpy.data, k)) for k in ("objects", "meshes", "materials", "collections")}
    assert bpy.ops.conjure.generate_scene() == {"FINISHED"}
    session = sys.modules["bl_ext.user_default.conjure.backend.blender.session"]
    for _ in range(5):  # some objects are built
        session.tick()
        time.sleep(0.05)
    assert bpy.ops.conjure.cancel() == {"FINISHED"}
    assert ctx.scene.conjure.jobs[-1].state == "CANCELLED"
    assert {k: len(getattr(bpy.data, k)) for k in before} == before
