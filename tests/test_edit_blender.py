"""Edit scenes with words in real bpy: the diff applied to a built scene, Conjure's undo restoring names,
transforms, meshes and materials exactly, Blender's own undo step per Apply, the operators and the panel's
question, plain scenes with a category, and all-or-nothing on errors."""
import json

import pytest

bpy = pytest.importorskip("bpy")

from backend.blender import edit as scene_edit  # noqa: E402
from backend.blender.procgen import add_asset, build_scene  # noqa: E402
from backend.edit import EditError  # noqa: E402
from backend.procgen.plan import plan  # noqa: E402


def snapshot(scene):
    """Everything an edit may touch, by name: object transforms, mesh / light / camera data names, materials with
    their Principled base colours, plus the scene's world, camera and exposure, and the datablock counts."""
    objs = {}
    for ob in scene.objects:
        mats = []
        for m in getattr(ob.data, "materials", []) or []:
            bsdf = next((n for n in m.node_tree.nodes if n.type == "BSDF_PRINCIPLED"), None) if m and m.node_tree else None
            mats.append((m.name if m else None, tuple(round(v, 5) for v in bsdf.inputs["Base Color"].default_value) if bsdf else None))
        objs[ob.name] = (tuple(round(v, 6) for v in ob.matrix_world.col[3][:3]), round(ob.rotation_euler.z, 6),
                         ob.data.name if ob.data else None, tuple(mats),
                         len(ob.data.vertices) if ob.type == "MESH" else None)
    counts = (len(bpy.data.objects), len(bpy.data.meshes), len(bpy.data.materials), len(bpy.data.lights),
              len(bpy.data.cameras), len(bpy.data.worlds))
    return objs, scene.world.name if scene.world else None, scene.camera.name if scene.camera else None, \
        round(scene.view_settings.exposure, 6), counts


def scene_ids(scene, coll):
    return sorted(ob.get("conjure_id") for ob in coll.objects if ob.get("conjure_id") and ob.type == "MESH")


@pytest.fixture
def room(fresh_scene):
    g = plan("living_room", 2, edition=1)  # the scene the edits below were written for (its floor lamp, candles)
    coll = build_scene(fresh_scene, g)
    return fresh_scene, coll, g


EDITS = ["make the couch crimson", "move the armchair to the corner", "add three mugs on the coffee table",
         "put a plant in the corner", "remove the lamp", "swap the armchair for a floor lamp", "a different bookshelf",
         "paint the walls sage green", "make the lamp glow warmer", "make it night", "look at the sofa from above",
         "make the room deeper"]


def test_edits_update_the_scene_and_undo_restores_it_exactly(room):
    scene, coll, g = room
    before = snapshot(scene)
    graphs = [g]
    for text in EDITS:
        res = scene_edit.apply(scene, text)
        graphs.append(res.graph)
        # the scene holds exactly the graph's objects and structure, and the stored graph is the edited one
        want = sorted([o["id"] for o in res.graph["objects"]] + [s["id"] for s in res.graph["structure"]])
        assert scene_ids(scene, coll) == want, text
        assert json.loads(coll[scene_edit.GRAPH_KEY]) == res.graph
    assert [h["instruction"] for h in scene_edit.history(scene)] == EDITS
    red = coll.objects["sofa_0"]
    assert red.data.materials[0].name != before[0]["sofa_0"][3][0][0]
    assert scene.world.name != before[1] and scene.camera.get("conjure_id") == "camera_main"
    for k in range(len(EDITS) - 1, -1, -1):
        assert scene_edit.undo(scene) == EDITS[k]
        assert json.loads(coll[scene_edit.GRAPH_KEY]) == graphs[k]
    assert snapshot(scene) == before
    with pytest.raises(EditError, match="no edit to undo"):
        scene_edit.undo(scene)


def test_failed_instruction_changes_nothing(room):
    scene, coll, g = room
    scene_edit.apply(scene, "make the couch crimson")
    before = snapshot(scene)
    for bad in ("add ten sofas", "make the sofa flurble", "remove the bathtub", "add ten beds on the vase"):
        with pytest.raises(EditError):
            scene_edit.apply(scene, bad)
        assert snapshot(scene) == before
    assert len(scene_edit.history(scene)) == 1


def test_edited_scene_rebuilds_from_its_graph(room):
    scene, coll, g = room
    scene_edit.apply(scene, "add two candles on the coffee table")
    scene_edit.apply(scene, "remove the lamp")
    stored = json.loads(coll[scene_edit.GRAPH_KEY])
    other = bpy.data.scenes.new("rebuilt")
    coll2 = build_scene(other, stored)
    assert scene_ids(other, coll2) == scene_ids(scene, coll)
    a = {ob.get("conjure_id"): tuple(round(v, 6) for v in ob.location) for ob in coll.objects if ob.get("conjure_id")}
    b = {ob.get("conjure_id"): tuple(round(v, 6) for v in ob.location) for ob in coll2.objects if ob.get("conjure_id")}
    assert a == b


def test_operator_asks_when_ambiguous_and_is_one_blender_undo_step(room):
    scene, coll, g = room
    props = scene.conjure.edit
    before = snapshot(scene)
    props.instruction = "make the chair blue"
    chairs = sorted(o["id"] for o in g["objects"] if o["category"] == "chair")
    assert len(chairs) >= 2  # the scene has several chairs, so "the chair" is ambiguous
    assert bpy.ops.conjure.edit_apply() == {"CANCELLED"}  # several chairs, nothing selected: a question
    assert f"{len(chairs)} objects match" in props.question and sorted(json.loads(props.candidates)) == chairs
    assert snapshot(scene) == before
    assert bpy.ops.conjure.edit_apply(choice=chairs[1]) == {"FINISHED"}
    assert props.question == "" and [h.instruction for h in props.history] == ["make the chair blue"]
    mat = coll.objects[chairs[1]].data.materials[0]
    assert mat.name not in [m[0] for m in before[0][chairs[1]][3]]
    # Blender's own undo (Ctrl+Z) takes the whole Apply back in one step
    bpy.ops.ed.undo_push(message="before next")
    bpy.context.view_layer.objects.active = None
    for ob in bpy.context.selected_objects:
        ob.select_set(False)
    bpy.context.scene.conjure.edit.instruction = "remove the floor lamp"
    mid = snapshot(bpy.context.scene)
    # a button press pushes the operator's undo step; from Python that is bpy.ops' third argument (undo=True)
    assert bpy.ops.conjure.edit_apply("EXEC_DEFAULT", True) == {"FINISHED"}
    assert snapshot(bpy.context.scene) != mid
    bpy.ops.ed.undo()
    assert snapshot(bpy.context.scene) == mid
    # and Conjure's Undo Edit restores the first edit exactly
    assert bpy.ops.conjure.edit_undo() == {"FINISHED"}
    assert snapshot(bpy.context.scene) == before


def test_operator_reports_errors(room):
    scene, coll, g = room
    scene.conjure.edit.instruction = "add ten sofas"
    with pytest.raises(RuntimeError, match="only 2 of 10 sofas fit"):
        bpy.ops.conjure.edit_apply()
    scene.conjure.edit.instruction = "  "
    with pytest.raises(RuntimeError, match="Instruction: type what to change"):
        bpy.ops.conjure.edit_apply()
    with pytest.raises(RuntimeError, match="No instruction has been applied"):
        bpy.ops.conjure.edit_undo()


def test_plain_scene_with_categories(fresh_scene):
    scene = fresh_scene
    chair = add_asset(scene, "chair", 3)
    bpy.ops.mesh.primitive_cube_add(location=(2, 0, 0.5))
    cube = bpy.context.active_object
    mat = bpy.data.materials.new("cube paint")
    mat.use_nodes = True
    cube.data.materials.append(mat)
    for ob in bpy.context.selected_objects:
        ob.select_set(False)
    cube.select_set(True)
    scene.conjure.edit.category = "table"
    assert bpy.ops.conjure.edit_set_category() == {"FINISHED"} and cube["conjure_category"] == "table"
    before = snapshot(scene)
    res = scene_edit.apply(scene, "make the table crimson")
    assert res.diff["objects"]["changed"] == ["Cube"]
    new_mat = bpy.data.objects["Cube"].data.materials[0]
    bsdf = next(n for n in new_mat.node_tree.nodes if n.type == "BSDF_PRINCIPLED")
    from backend.edit.lexicon import COLOURS
    assert [round(v, 4) for v in bsdf.inputs["Base Color"].default_value[:3]] == COLOURS["crimson"]
    assert mat.node_tree.nodes["Principled BSDF"].inputs["Base Color"].default_value[0] != COLOURS["crimson"][0]
    scene_edit.apply(scene, "remove the chair")
    assert "chair" not in scene.objects
    with pytest.raises(EditError, match="needs a room: a scene built by Conjure"):
        scene_edit.apply(scene, "add a mug on the table")
    assert scene_edit.undo(scene) == "remove the chair"
    assert scene_edit.undo(scene) == "make the table crimson"
    assert snapshot(scene) == before
    assert chair.name == "chair"


def test_panel_adds_a_prop_from_text_in_the_background(room, tmp_path):
    """The operator starts a real headless generate (embedded model, offline, its own worker) and returns at once;
    the session's timer places the GLB when it is ready, as one edit that Undo Edit takes back."""
    import sys
    import time
    scene, coll, g = room
    scene.conjure.output_dir = str(tmp_path)
    scene.conjure.edit.instruction = "add a brass telescope by the window"
    before = snapshot(scene)
    assert bpy.ops.conjure.edit_apply() == {"FINISHED"}
    assert scene.conjure.jobs[-1].state == "RUNNING" and snapshot(scene) == before  # returned at once, nothing placed yet
    session = sys.modules["bl_ext.user_default.conjure.backend.blender.session"]
    deadline = time.time() + 240
    while session.active_jobs() and time.time() < deadline:
        session.tick()
        time.sleep(0.2)
    job = scene.conjure.jobs[-1]
    assert job.state == "DONE", (job.state, job.error)
    assert "prop_0" in coll.objects and coll.objects["prop_0"]["conjure_prompt"] == "brass telescope"
    assert [h.instruction for h in scene.conjure.edit.history] == ["add a brass telescope by the window"]
    graph = json.loads(coll["conjure_graph"])
    assert bpy.ops.conjure.edit_undo() == {"FINISHED"}
    assert snapshot(scene) == before
    # The edited graph, prop included, rebuilds anywhere (a dataset shard builds graphs with build_scene).
    rebuilt = build_scene(bpy.data.scenes.new("rebuilt"), graph)
    assert [o for o in rebuilt.objects if o.get("conjure_id") == "prop_0"][0]["conjure_prompt"] == "brass telescope"
