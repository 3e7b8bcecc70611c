"""Refine Mesh, Blender side, in real bpy: polls, input checks before anything is submitted, the mesh sent to the
worker, the import of a result beside the original (which is unchanged), Refine Again, and the panel."""
import json
import os

import numpy as np
import pytest

from test_blender_prop import _draw, counts, fake_job, mod, session, write_box_glb

pytestmark = pytest.mark.timeout(180)


def _setup(scene, tmp_path, prompt="a mossy stone"):
    scene.conjure.output_dir = str(tmp_path)
    scene.conjure.refine.prompt = prompt
    return scene.conjure.refine


def test_registered_and_polls_explain(fresh_scene):
    import bpy
    for name in ("CONJURE_PT_refine", "CONJURE_PT_refine_advanced", "CONJURE_OT_refine", "CONJURE_OT_refine_again"):
        assert hasattr(bpy.types, name), name
    p = fresh_scene.conjure.refine
    assert (p.mode, p.method, p.steps, p.resolution, p.texture_size) == ("texture", "sds", 400, 128, 512)
    with pytest.raises(RuntimeError, match="Select a mesh to refine"):
        bpy.ops.conjure.refine()
    with pytest.raises(RuntimeError, match="Select an object made by Refine Mesh"):
        bpy.ops.conjure.refine_again()


def test_spec_sends_the_selected_mesh(fresh_scene, tmp_path):
    import bpy
    _setup(fresh_scene, tmp_path)
    bpy.ops.mesh.primitive_cube_add(location=(2, 0, 0))
    spec = mod("operators.refine").spec_from_props(bpy.context)
    assert spec.type == "refine" and spec.name == "Cube_refined" and spec.params.source == "Cube"
    with np.load(spec.params.mesh) as data:
        assert data["faces"].shape == (12, 3) and data["verts"].shape == (8, 3) and data["uvs"].shape == (36, 2)
        assert abs(data["verts"]).max() == pytest.approx(1.0)  # the object's own space, not the world's


@pytest.mark.parametrize("make, words", [
    ("empty_prompt", "Conjure: Prompt: is empty"),
    ("non_manifold", "Conjure: Mesh: bad: the mesh is not manifold"),
    ("no_faces", "Conjure: Mesh: bad: the mesh has no faces"),
    ("steps", "Conjure: Steps"),
])
def test_bad_input_is_reported_and_nothing_is_submitted(fresh_scene, tmp_path, make, words):
    import bpy
    _setup(fresh_scene, tmp_path, prompt="" if make == "empty_prompt" else "a stone")
    if make in ("non_manifold", "no_faces"):
        me = bpy.data.meshes.new("bad")
        v = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (0, -1, 0)]
        faces = [] if make == "no_faces" else [(0, 1, 2), (0, 1, 3), (0, 1, 4)]  # three faces on one edge
        me.from_pydata(v, [], faces)
        obj = bpy.data.objects.new("bad", me)
        fresh_scene.collection.objects.link(obj)
        bpy.context.view_layer.objects.active = obj
    else:
        bpy.ops.mesh.primitive_cube_add()
    before = counts()
    if make == "steps":  # an out-of-range recorded setting: the spec's own check, named by its panel label
        spec = mod("operators.refine").spec_from_props(bpy.context).to_json()
        spec["params"]["steps"] = 0
        obj = bpy.context.active_object
        obj["conjure_spec"], obj["conjure_refined_from"] = json.dumps(spec), "Cube"
        with pytest.raises(RuntimeError, match=words):
            bpy.ops.conjure.refine_again()
    else:
        with pytest.raises(RuntimeError, match=words):
            bpy.ops.conjure.refine()
    assert len(fresh_scene.conjure.jobs) == 0 and session()._rt.link.client is None
    assert counts() == before


def test_result_is_imported_beside_the_original(fresh_scene, tmp_path):
    import bpy
    _setup(fresh_scene, tmp_path)
    bpy.ops.mesh.primitive_cube_add(location=(1, 2, 3))
    cube = bpy.context.active_object
    cube_before = [tuple(v.co) for v in cube.data.vertices]
    spec = mod("operators.refine").spec_from_props(bpy.context)
    job = fake_job(fresh_scene, spec)
    glb_path = write_box_glb(tmp_path / "Cube_refined.glb", half=(1, 1, 1))
    curve = tmp_path / "Cube_refined_loss.png"
    curve.write_bytes(b"\x89PNG\r\n\x1a\n")
    session()._apply({"event": "progress", "job_id": job, "step": 5, "total": 10, "message": "step 5/10",
                      "loss_curve": str(curve)})
    assert fresh_scene.conjure.jobs[-1].loss_curve == str(curve)
    session()._apply({"event": "result", "job_id": job, "paths": {"glb": glb_path, "loss_curve": str(curve)},
                      "metadata": {"flipped_faces": 0}})
    session().run_until_idle(10)
    assert fresh_scene.conjure.jobs[-1].state == "DONE", fresh_scene.conjure.jobs[-1].error
    new = bpy.data.objects["Cube_refined"]
    assert new.location.x == pytest.approx(1 + 2 * 1.2) and tuple(new.location)[1:] == pytest.approx((2, 3))
    assert json.loads(new["conjure_spec"])["params"]["source"] == "Cube" and new["conjure_refined_from"] == "Cube"
    assert new["conjure_loss_curve"] == os.path.abspath(str(curve))
    assert [tuple(v.co) for v in cube.data.vertices] == cube_before and tuple(cube.location) == (1, 2, 3)
    # Refine Again from the result: its recorded settings, a fresh name
    bpy.context.view_layer.objects.active = new
    log = _draw(mod("panels.refine").CONJURE_PT_refine, bpy.context)
    ops = [c[1][0] for c in log if c[0] == "operator"]
    assert ops.count("conjure.refine_again") == 2 and "conjure.refine" in ops
    again = mod("operators.common").regenerate_spec(bpy.context, new, new=False,
                                                    unique=mod("operators.common").unique_name)
    assert again.type == "refine" and again.name == "Cube_refined_001" and again.params.prompt == "a mossy stone"


def test_panels_draw(fresh_scene, tmp_path):
    import bpy
    panels = mod("panels.refine")
    _setup(fresh_scene, tmp_path)
    log = _draw(panels.CONJURE_PT_refine, bpy.context)
    assert any(c[0] == "label" and c[2].get("text") == "Select a mesh to refine" for c in log)
    bpy.ops.mesh.primitive_cube_add()
    fresh_scene.conjure.refine.mode = "geometry"
    assert any(c[0] == "prop" and c[1][1] == "laplacian_weight"
               for c in _draw(panels.CONJURE_PT_refine_advanced, bpy.context))
    job = fake_job(fresh_scene, mod("operators.refine").spec_from_props(bpy.context))
    from test_blender_prop import write_png
    session()._apply({"event": "progress", "job_id": job, "step": 3, "total": 9, "message": "step 3/9",
                      "preview": write_png(tmp_path / "pv.png", 8, 8), "loss_curve": write_png(tmp_path / "lc.png", 8, 8)})
    log = _draw(panels.CONJURE_PT_refine, bpy.context)
    assert sum(1 for c in log if c[0] == "template_icon") == 2  # the preview render and the loss curve
