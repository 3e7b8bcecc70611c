"""Prop from text or image, Blender side, in real bpy: operators and their input checks, the import of
generate results (candidates side by side, point clouds, all or nothing, spread over timer ticks), keeping
one candidate, previews, cut-out masks; and end to end with tiny real models once the backend has them.

Result events are the worker contract (backend/jobs.py); where no worker is needed the tests feed the
session the events a worker sends, for files written here.
"""
import json
import os
import struct
import subprocess
import sys
import time
import zlib

import numpy as np
import pytest

from conftest import ADDON, ROOT, box_mesh

pytestmark = pytest.mark.timeout(180)


def mod(name):
    return sys.modules[f"{ADDON}.{name}"]


def session():
    return mod("backend.blender.session")


def counts():
    import bpy
    return {k: len(getattr(bpy.data, k))
            for k in ("objects", "meshes", "materials", "images", "collections", "node_groups")}


def png(rgba: np.ndarray) -> bytes:
    """PNG bytes of UInt8[H, W, 4]."""
    h, w, _ = rgba.shape
    raw = b"".join(b"\x00" + row.tobytes() for row in rgba.astype(np.uint8))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write_png(path, w, h, color=(200, 40, 40, 255)):
    with open(path, "wb") as f:
        f.write(png(np.tile(np.array(color, dtype=np.uint8), (h, w, 1))))
    return str(path)


def write_box_glb(path, half=(0.5, 0.5, 0.5), color=(200, 40, 40, 255)):
    """A textured box standing on Z=0, as the worker writes it."""
    pos, nrm, uv, idx = box_mesh(half)
    mod("backend.mesh.glb").write_glb(str(path), pos, nrm, uv.astype(np.float32),
                                      idx, png(np.tile(np.array(color, np.uint8), (4, 4, 1))),
                                      name=os.path.basename(str(path)))
    return str(path)


def write_ply(path, xyz, rgb):
    data = np.empty(len(xyz), dtype=[("x", "<f4"), ("y", "<f4"), ("z", "<f4"),
                                     ("red", "u1"), ("green", "u1"), ("blue", "u1")])
    for i, c in enumerate("xyz"):
        data[c] = xyz[:, i]
    for i, c in enumerate(("red", "green", "blue")):
        data[c] = rgb[:, i]
    header = (f"ply\nformat binary_little_endian 1.0\ncomment test\nelement vertex {len(xyz)}\n"
              "property float x\nproperty float y\nproperty float z\n"
              "property uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n")
    with open(path, "wb") as f:
        f.write(header.encode("ascii") + data.tobytes())
    return str(path)


def generate_spec(out_dir, name="chair", **params):
    params = {"prompt": "a red chair", "pipeline": "shap-e", **params}
    return mod("backend.jobs").JobSpec.from_json({"type": "generate", "name": name, "seed": 7,
                                                  "output_dir": str(out_dir), "params": params})


def fake_job(scene, spec, job_id="job1"):
    """A job the session follows as if a worker had accepted it."""
    session().track(scene, job_id, spec, spec.name)
    return job_id


def result_event(job_id, spec, candidates, **meta):
    metadata = {"prompt": spec.params.prompt, "pipeline": spec.params.pipeline, "model": "openai/shap-e",
                "seed": spec.seed, "steps": spec.params.steps, "guidance": 15.0, **meta}
    return {"event": "result", "job_id": job_id, "paths": dict(candidates[0]), "candidates": candidates,
            "metadata": metadata}


def set_text(scene, out_dir, prompt="a red chair"):
    p = scene.conjure.prop
    p.input_mode, p.prompt, p.name = "TEXT", prompt, ""
    scene.conjure.output_dir = str(out_dir)
    return p


# --------------------------------------------------------------------------- registration and defaults
def test_registered_with_sensible_defaults(fresh_scene, bpy_module):
    for name in ("CONJURE_PT_prop", "CONJURE_PT_prop_advanced", "CONJURE_OT_prop_generate",
                 "CONJURE_OT_prop_keep_candidate", "CONJURE_OT_prop_cutout", "CONJURE_OT_prop_regenerate"):
        assert hasattr(bpy_module.types, name), name
    p = fresh_scene.conjure.prop
    assert (p.pipeline, p.input_mode, p.steps, p.candidates) == ("embedded", "TEXT", 16, 1)
    assert (p.resolution, p.face_budget, p.texture_size, p.size) == (64, 4000, 256, 1.0)
    p.pipeline = "shap-e"  # a pipeline brings its own settings
    assert (p.steps, p.resolution, p.face_budget, p.texture_size) == (64, 128, 20000, 1024)
    p.input_mode = "IMAGE"
    p.pipeline = "embedded"  # text only: the input follows
    assert p.input_mode == "TEXT"
    p.input_mode = "IMAGE"  # and a picture picks a pipeline that takes pictures
    assert p.pipeline == "shap-e"
    assert p.use_default_guidance and p.device == "PREFS" and p.output == "mesh"
    p.pipeline, p.output = "point-e", "both"
    p.pipeline = "shap-e"  # Shap-E makes meshes only: the output follows
    assert p.output == "mesh"
    assert bpy_module.context.preferences.addons[ADDON].preferences.text_encoder == ""


# --------------------------------------------------------------------------- bad input
def _set_prefs_encoder(value):
    import bpy
    bpy.context.preferences.addons[ADDON].preferences.text_encoder = value


@pytest.mark.parametrize("mutate, label", [
    (lambda p, d: setattr(p, "prompt", "   "), "Prompt"),
    (lambda p, d: setattr(p, "model", "not a model id!"), "Model"),
    (lambda p, d: setattr(p, "model", "/nonexistent/conjure/model-folder"), "Model"),
    (lambda p, d: (setattr(p, "input_mode", "IMAGE"), setattr(p, "image_path", str(d / "missing.png"))), "Picture"),
    (lambda p, d: (setattr(p, "input_mode", "IMAGE"), setattr(p, "image_path", "")), "Picture"),
    (lambda p, d: setattr(p, "name", "bad/name"), "Name"),
    (lambda p, d: (setattr(p, "pipeline", "point-e"), _set_prefs_encoder("no such encoder")),
     "Point-E text encoder"),
    (lambda p, d: setattr(p.id_data.conjure, "output_dir", "/proc/conjure"), "Output Folder"),
])
def test_bad_input_is_reported_by_field_and_nothing_changes(fresh_scene, tmp_path, mutate, label):
    import bpy
    p = set_text(fresh_scene, tmp_path)
    bpy.ops.mesh.primitive_cube_add()  # something in the scene that must stay as it is
    mutate(p, tmp_path)
    before = counts()
    try:
        with pytest.raises(RuntimeError, match=f"Error: Conjure: {label}"):
            bpy.ops.conjure.prop_generate()
    finally:
        _set_prefs_encoder("")
    assert fresh_scene.conjure.last_error.startswith(label)
    assert len(fresh_scene.conjure.jobs) == 0 and session()._rt.link.client is None  # nothing was submitted
    assert counts() == before
    assert not os.listdir(tmp_path)


def test_regenerate_with_out_of_range_spec_names_the_field(fresh_scene, tmp_path):
    import bpy
    fresh_scene.conjure.output_dir = str(tmp_path)
    bpy.ops.mesh.primitive_cube_add()
    obj = bpy.context.active_object
    spec = generate_spec(tmp_path).to_json()
    spec["params"]["face_budget"] = 10  # below the minimum (a hand-edited or old spec)
    obj["conjure_spec"], obj["conjure_pipeline"] = json.dumps(spec), "shap-e"
    before = counts()
    with pytest.raises(RuntimeError, match="Conjure: Face Budget: must be between 100"):
        bpy.ops.conjure.prop_regenerate(new_seed=True)
    assert counts() == before and len(fresh_scene.conjure.jobs) == 0


def test_polls_explain(fresh_scene):
    import bpy
    for op, words in ((bpy.ops.conjure.cancel, "No job is queued or running"),
                      (bpy.ops.conjure.prop_cutout, "Switch the input to Image"),
                      (bpy.ops.conjure.prop_keep_candidate, "Select one of the candidates"),
                      (bpy.ops.conjure.prop_regenerate, "Select a prop"),
                      (bpy.ops.conjure.prop_edit_mask, "Cut out the picture first")):
        with pytest.raises(RuntimeError, match=words):
            op()
    fresh_scene.conjure.prop.input_mode = "IMAGE"
    with pytest.raises(RuntimeError, match="Choose a picture first"):
        bpy.ops.conjure.prop_cutout()


def test_name_comes_from_the_prompt_and_is_unique(fresh_scene, tmp_path):
    import bpy
    set_text(fresh_scene, tmp_path, prompt="A red chair!")
    ops = mod("operators.prop")
    spec = ops.spec_from_props(bpy.context)
    assert spec.name == "A_red_chair" and spec.params.prompt == "A red chair!" and spec.params.guidance is None
    bpy.data.objects.new("A_red_chair_c2", None)
    fresh_scene.conjure.prop.candidates = 3
    assert ops.spec_from_props(bpy.context).name == "A_red_chair_001"
    p = fresh_scene.conjure.prop
    p.use_default_guidance, p.guidance, p.device = False, 7.5, "cpu"
    spec = ops.spec_from_props(bpy.context)
    assert spec.params.guidance == 7.5 and spec.device == "cpu" and spec.params.candidates == 3
    assert p.use_default_size and spec.params.size is None  # the pipeline's size (the embedded model predicts it)
    p.use_default_size, p.size = False, 2.5
    assert ops.spec_from_props(bpy.context).params.size == 2.5


def test_fidelity_settings_reach_the_spec(fresh_scene, tmp_path):
    """Shap-E's schedule and Point-E's upsampler, picture model and mesher (issue 15), defaults as the reference."""
    import bpy
    ops = mod("operators.prop")
    p = set_text(fresh_scene, tmp_path)
    assert (p.schedule, p.upsample, p.point_e_base, p.mesher) == ("reference", True, "DEFAULT", "auto")
    params = ops.spec_from_props(bpy.context).params
    assert (params.schedule, params.upsample, params.point_e_base, params.mesher) == ("reference", True, "", "auto")
    p.pipeline, p.schedule, p.upsample, p.mesher, p.point_e_base = "point-e", "diffusers", False, "fit", "base1B"
    params = ops.spec_from_props(bpy.context).params
    assert (params.schedule, params.upsample, params.mesher) == ("diffusers", False, "fit")
    assert params.point_e_base == ""  # a prompt: the picture model does not apply
    p.input_mode, p.image_path = "IMAGE", write_png(tmp_path / "chair.png", 8, 8)
    assert ops.spec_from_props(bpy.context).params.point_e_base == "base1B"


# --------------------------------------------------------------------------- point clouds
def test_point_cloud_import_from_ply(fresh_scene, tmp_path):
    import bpy
    rng = np.random.default_rng(0)
    xyz = rng.uniform(-0.5, 0.5, (400, 3)).astype(np.float32)
    xyz[:, 2] += 0.5
    rgb = rng.integers(0, 256, (400, 3)).astype(np.uint8)
    ply = write_ply(tmp_path / "cloud.ply", xyz, rgb)
    spec = generate_spec(tmp_path, name="cloud", pipeline="point-e", output="points")
    job = fake_job(fresh_scene, spec)
    session()._apply(result_event(job, spec, [{"ply": ply, "seed": 7}], pipeline="point-e"))
    session().run_until_idle(10)
    item = fresh_scene.conjure.jobs[-1]
    assert item.state == "DONE", item.error
    obj = bpy.data.objects[item.object_name]
    assert obj.name == "cloud" and len(obj.data.vertices) == 400 and len(obj.data.polygons) == 0
    co = np.empty(1200, dtype=np.float32)
    obj.data.vertices.foreach_get("co", co)
    assert np.allclose(co.reshape(-1, 3), xyz)
    col = np.empty(1600, dtype=np.float32)
    obj.data.color_attributes["Col"].data.foreach_get("color", col)
    srgb = rgb[:, 0] / 255.0
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    assert np.allclose(col.reshape(-1, 4)[:, 0], linear, atol=1e-5)
    # Visible in renders: Mesh to Points -> Set Material, the material reads the colour attribute.
    (modifier,) = obj.modifiers
    kinds = {n.bl_idname for n in modifier.node_group.nodes}
    assert {"GeometryNodeMeshToPoints", "GeometryNodeSetMaterial"} <= kinds
    attr = next(n for n in obj.active_material.node_tree.nodes if n.type == "ATTRIBUTE")
    assert attr.attribute_name == "Col" and attr.outputs["Color"].links
    evaluated = obj.evaluated_get(bpy.context.evaluated_depsgraph_get())
    assert len(evaluated.to_mesh().vertices) == 0  # the mesh became points
    evaluated.to_mesh_clear()
    assert obj["conjure_pipeline"] == "point-e" and obj["conjure_seed"] == 7 and obj["conjure_candidate"] == 0
    assert obj.users_collection[0].name == "cloud"
    assert bpy.data.collections["Conjure"].children.get("cloud") is not None


def test_bad_ply_leaves_nothing(fresh_scene, tmp_path):
    bad = tmp_path / "bad.ply"
    xyz, rgb = np.zeros((10, 3), np.float32), np.zeros((10, 3), np.uint8)
    write_ply(bad, xyz, rgb)
    bad.write_bytes(bad.read_bytes()[:-20])  # truncated
    good = write_box_glb(tmp_path / "a.glb")
    spec = generate_spec(tmp_path, pipeline="point-e", output="both")
    before = counts()
    job = fake_job(fresh_scene, spec)
    session()._apply(result_event(job, spec, [{"glb": good, "ply": str(bad), "seed": 7}]))
    session().run_until_idle(10)
    item = fresh_scene.conjure.jobs[-1]
    assert item.state == "FAILED" and "truncated" in item.error and "Import failed" in item.error
    assert counts() == before


# --------------------------------------------------------------------------- candidates
def _three_candidates(scene, tmp_path, broken=None):
    halves = [(0.5, 0.3, 0.5), (0.2, 0.2, 0.6), (0.7, 0.4, 0.3)]
    cands = []
    for i, half in enumerate(halves):
        path = tmp_path / f"chair_{i}.glb"
        if i == broken:
            path.write_bytes(b"glTF not really")
        else:
            write_box_glb(path, half, color=(60 * i, 100, 200, 255))
        cands.append({"glb": str(path), "texture": "", "seed": 7 + i})
    spec = generate_spec(tmp_path, candidates=3)
    job = fake_job(scene, spec)
    session()._apply(result_event(job, spec, cands))
    return job, halves


def test_candidates_import_side_by_side_over_several_ticks(fresh_scene, tmp_path, monkeypatch):
    import bpy
    monkeypatch.setattr(session(), "TICK_BUDGET", 0.0)  # one candidate per tick
    before = counts()
    job, halves = _three_candidates(fresh_scene, tmp_path)
    session().tick()
    item = fresh_scene.conjure.jobs[-1]
    assert item.state == "RUNNING" and item.message == "importing 1/3"
    assert len(fresh_scene.objects) == 0  # out of sight until all are in
    session().tick()
    assert item.message == "importing 2/3" and bpy.data.collections.get("Conjure") is None
    session().tick()
    assert item.state == "DONE", item.error
    coll = bpy.data.collections["Conjure"].children["chair"]
    objs = sorted(coll.objects, key=lambda o: o["conjure_candidate"])
    assert [o.name for o in objs] == ["chair_c1", "chair_c2", "chair_c3"]
    assert len(fresh_scene.objects) == 3
    assert tuple(objs[0].location) == (0.0, 0.0, 0.0)
    for (a, ha), (b, hb) in zip(zip(objs, halves), zip(objs[1:], halves[1:])):
        gap = (b.location.x - hb[0]) - (a.location.x + ha[0])
        assert gap == pytest.approx(0.25), (a.name, b.name)
    for i, o in enumerate(objs):
        assert o.data.uv_layers and len(o.data.polygons) == 12
        tex = next(n for n in o.active_material.node_tree.nodes if n.type == "TEX_IMAGE")
        assert tex.image.packed_file is not None
        spec = json.loads(o["conjure_spec"])
        assert spec["seed"] == 7 + i and spec["params"]["candidates"] == 1
        assert (o["conjure_prompt"], o["conjure_model"], o["conjure_pipeline"]) == ("a red chair", "openai/shap-e",
                                                                                   "shap-e")
        assert (o["conjure_seed"], o["conjure_steps"], o["conjure_guidance"]) == (7 + i, 64, 15.0)
        assert "conjure_import" not in o and "conjure_import" not in o.data
    grown = {k: v - before[k] for k, v in counts().items()}
    assert grown == {"objects": 3, "meshes": 3, "materials": 3, "images": 3, "collections": 2, "node_groups": 0}

    # Keep the middle one: the others go with their meshes, materials and textures; it moves to the origin.
    keep = objs[1]
    kept_mesh, kept_mat = keep.data.name, keep.active_material.name
    bpy.context.view_layer.objects.active = keep
    assert bpy.ops.conjure.prop_keep_candidate() == {"FINISHED"}
    assert keep.name == "chair" and tuple(keep.location) == (0.0, 0.0, 0.0)
    assert list(coll.objects) == [keep] and keep.select_get()
    grown = {k: v - before[k] for k, v in counts().items()}
    assert grown == {"objects": 1, "meshes": 1, "materials": 1, "images": 1, "collections": 2, "node_groups": 0}
    assert keep.data.name == kept_mesh and keep.active_material.name == kept_mat
    with pytest.raises(RuntimeError, match="only candidate"):
        bpy.ops.conjure.prop_keep_candidate()


def test_candidate_import_is_all_or_nothing(fresh_scene, tmp_path, monkeypatch):
    monkeypatch.setattr(session(), "TICK_BUDGET", 0.0)
    before = counts()
    _three_candidates(fresh_scene, tmp_path, broken=2)
    session().run_until_idle(10)
    item = fresh_scene.conjure.jobs[-1]
    assert item.state == "FAILED" and item.error.startswith("Import failed") and "chair_2.glb" in item.error
    assert fresh_scene.conjure.last_error == item.error
    assert counts() == before


def test_cancel_during_import_rolls_back(fresh_scene, tmp_path, monkeypatch):
    import bpy
    monkeypatch.setattr(session(), "TICK_BUDGET", 0.0)
    before = counts()
    _three_candidates(fresh_scene, tmp_path)
    session().tick()
    assert counts() != before
    assert bpy.ops.conjure.cancel(panel="prop") == {"FINISHED"}
    assert fresh_scene.conjure.jobs[-1].state == "CANCELLED"
    assert counts() == before and not session().active_jobs()


def test_regenerate_from_a_candidate(fresh_scene, tmp_path, monkeypatch):
    """Regenerate rebuilds the candidate's own spec (its seed, one candidate), or with a new seed."""
    import bpy
    _three_candidates(fresh_scene, tmp_path)
    session().run_until_idle(10)
    obj = bpy.data.objects["chair_c3"]
    bpy.context.view_layer.objects.active = obj
    sent = []
    monkeypatch.setattr(session(), "submit", lambda context, spec, label: sent.append(spec) or "j")
    assert bpy.ops.conjure.prop_regenerate(new_seed=False) == {"FINISHED"}
    assert bpy.ops.conjure.prop_regenerate(new_seed=True) == {"FINISHED"}
    same, new = sent
    assert same.seed == 9 and same.params.candidates == 1 and same.params.prompt == "a red chair"
    assert same.name == "chair_001" and new.name == "chair_001"
    assert new.seed != 9  # a random seed (1 in 4 billion to repeat)


# --------------------------------------------------------------------------- progress, previews, downloads
def test_progress_preview_and_download(fresh_scene, tmp_path):
    spec = generate_spec(tmp_path)
    job = fake_job(fresh_scene, spec)
    preview = write_png(tmp_path / "preview_0008.png", 16, 8)
    s = session()
    s._apply({"event": "progress", "job_id": job, "step": 0, "total": 64, "message": "downloading",
              "preview": None, "download": {"repo": "openai/shap-e", "file": "x", "done": 1.2e9, "total": 3.4e9}})
    item = fresh_scene.conjure.jobs[-1]
    assert item.download == "Downloading openai/shap-e: 1.2 / 3.4 GB"
    assert item.download_progress == pytest.approx(1.2 / 3.4)
    s._apply({"event": "progress", "job_id": job, "step": 16, "total": 64, "message": "sampling 16/64",
              "preview": preview})
    assert item.download == "" and item.preview == preview and item.progress == pytest.approx(0.25)
    assert item.message == "sampling 16/64" and item.state == "RUNNING"
    s._apply({"event": "progress", "job_id": job, "step": 17, "total": 64, "message": "sampling 17/64",
              "preview": None})
    assert item.preview == preview  # the latest preview stays until a newer one comes
    assert s.download_text({"repo": "openai/clip", "done": 5e6, "total": 2.5e8}) == \
        "Downloading openai/clip: 5.0 / 250.0 MB"


def test_preview_loads_and_reloads(addon, tmp_path):
    panel = mod("panels.prop")
    a = write_png(tmp_path / "a.png", 16, 8)
    pa = panel.preview_image(a)
    assert tuple(pa.image_size) == (16, 8)
    assert panel.preview_image(a) is pa  # unchanged file: the same preview
    b = write_png(tmp_path / "b.png", 12, 12)
    assert tuple(panel.preview_image(b).image_size) == (12, 12)
    assert list(panel._slots._coll) == ["preview"]  # one slot: the old image was freed
    write_png(tmp_path / "b.png", 20, 10)  # rewritten in place (later: thumbnails know mtimes to the second)
    os.utime(b, (time.time() + 2, time.time() + 2))
    assert tuple(panel.preview_image(b).image_size) == (20, 10)
    assert panel.preview_image(str(tmp_path / "gone.png")) is None
    panel.free_previews()
    assert panel._slots._coll is None


# --------------------------------------------------------------------------- cut-out masks
def test_cutout_result_becomes_the_mask_image(fresh_scene, tmp_path):
    import bpy
    picture = write_png(tmp_path / "chair.png", 32, 32)
    jobs = mod("backend.jobs")
    images = len(bpy.data.images)
    for n in range(2):  # a second cut-out replaces the first mask
        mask = write_png(tmp_path / f"mask{n}.png", 32, 32, color=(255, 255, 255, 255))
        spec = jobs.JobSpec.from_json({"type": "cutout", "name": "chair_cutout", "output_dir": str(tmp_path),
                                       "params": {"image": picture}})
        job = fake_job(fresh_scene, spec, job_id=f"cut{n}")
        session()._apply({"event": "result", "job_id": job, "paths": {"mask": mask, "cutout": picture},
                          "metadata": {"method": "classic", "coverage": 0.42}})
        session().run_until_idle(5)  # the importer runs on the next timer tick
        item = fresh_scene.conjure.jobs[-1]
        assert item.state == "DONE" and item.message == "42% of the picture kept (classic)"
    img = fresh_scene.conjure.prop.mask_image
    assert img.name == "Conjure Mask" and img["conjure_source"] == picture
    assert os.path.basename(img.filepath) == "mask1.png"
    assert len(bpy.data.images) == images + 1


def test_painted_mask_is_saved_to_the_output_folder(fresh_scene, tmp_path):
    import bpy
    out = tmp_path / "out"
    picture = write_png(tmp_path / "chair.png", 32, 32)
    mask_file = write_png(tmp_path / "mask.png", 32, 32, color=(255, 255, 255, 255))
    p = fresh_scene.conjure.prop
    p.input_mode, p.image_path, p.name = "IMAGE", picture, "chair"
    fresh_scene.conjure.output_dir = str(out)
    ops = mod("operators.prop")
    assert ops.spec_from_props(bpy.context).params.mask == ""  # no mask yet: the worker cuts out itself
    img = mod("backend.blender.importers").load_mask_image(mask_file, source=picture)
    p.mask_image = img
    assert ops.spec_from_props(bpy.context).params.mask == mask_file  # unchanged: its own file
    px = np.ones(32 * 32 * 4, dtype=np.float32)
    px[: 32 * 4 * 8] = 0.0  # paint the bottom rows black
    img.pixels.foreach_set(px)
    img.update()
    assert img.is_dirty
    spec = ops.spec_from_props(bpy.context)
    saved = spec.params.mask
    assert saved == str(out / "chair_mask.png") and os.path.isfile(saved)
    assert os.path.commonpath([saved, ROOT]) != ROOT
    back = bpy.data.images.load(saved)
    assert back.size[0] == 32 and back.pixels[0] == 0.0 and back.pixels[-1] == 1.0
    # With no output folder set, the mask still goes outside the extension's folder.
    fresh_scene.conjure.output_dir = ""
    saved = ops.spec_from_props(bpy.context).params.mask
    assert os.path.isfile(saved) and os.path.commonpath([saved, ROOT]) != ROOT
    # A mask cut out of another picture is not used.
    p.image_path = write_png(tmp_path / "other.png", 32, 32)
    assert ops.spec_from_props(bpy.context).params.mask == ""


# --------------------------------------------------------------------------- end to end with tiny real models
@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """Tiny Shap-E / CLIP / Point-E models in hub layout, built by the worker's Python (Blender's has no torch)."""
    root = str(tmp_path_factory.mktemp("models"))
    code = "import sys; sys.path[:0] = sys.argv[1:3]; import tiny_models; tiny_models.build_model_dir(sys.argv[3])"
    r = subprocess.run([os.environ["CONJURE_WORKER_PYTHON"], "-c", code, ROOT, os.path.join(ROOT, "tests"), root],
                       capture_output=True, text=True, timeout=300, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert r.returncode == 0, r.stderr[-3000:]
    return root


@pytest.fixture
def tiny_models(fresh_scene, tiny_model_dir):
    import bpy
    root = tiny_model_dir
    prefs = bpy.context.preferences.addons[ADDON].preferences
    prefs.model_cache_dir, prefs.allow_downloads = root, False
    session().stop_worker()  # the next job starts a worker that reads these models
    yield root
    session().stop_worker()
    prefs.model_cache_dir, prefs.allow_downloads = "", True


def _tiny_text(scene, out_dir):
    p = set_text(scene, out_dir)
    p.pipeline = "shap-e"  # the tiny Shap-E models (the embedded model has its own end-to-end test)
    p.steps, p.candidates, p.resolution, p.texture_size, p.preview_every = 2, 2, 32, 64, 1
    p.face_budget = 2000
    return p


def test_end_to_end_embedded_model_offline(fresh_scene, tmp_path):
    """The default: a sentence -> the shipped model -> a textured object, with no model downloaded."""
    import bpy
    p = set_text(fresh_scene, tmp_path, prompt="a red wooden chair")
    assert p.pipeline == "embedded"
    assert bpy.ops.conjure.prop_generate() == {"FINISHED"}
    session().run_until_idle(170)
    item = fresh_scene.conjure.jobs[-1]
    assert item.state == "DONE", item.error
    obj = bpy.data.objects[item.object_name]
    assert obj["conjure_pipeline"] == "embedded" and len(obj.data.polygons) > 100 and obj.data.uv_layers
    tex = next(n for n in obj.active_material.node_tree.nodes if n.type == "TEX_IMAGE")
    assert tex.image.packed_file is not None


def test_end_to_end_text_to_two_candidates(tiny_models, fresh_scene, tmp_path):
    import bpy
    _tiny_text(fresh_scene, tmp_path)
    assert bpy.ops.conjure.prop_generate() == {"FINISHED"}
    session().run_until_idle(170)
    item = fresh_scene.conjure.jobs[-1]
    assert item.state == "DONE", item.error
    coll = bpy.data.collections["Conjure"].children[item.collection_name]
    objs = sorted(coll.objects, key=lambda o: o["conjure_candidate"])
    assert len(objs) == 2
    a, b = objs
    assert b.location.x > a.location.x + a.dimensions.x / 2
    for i, o in enumerate(objs):
        assert o.data.uv_layers and len(o.data.polygons) > 0
        bsdf = next(n for n in o.active_material.node_tree.nodes if n.type == "BSDF_PRINCIPLED")
        assert bsdf.inputs["Base Color"].links[0].from_node.type == "TEX_IMAGE"
        assert o["conjure_prompt"] == "a red chair" and o["conjure_pipeline"] == "shap-e"
        assert o["conjure_steps"] == 2 and o["conjure_candidate"] == i
        assert json.loads(o["conjure_spec"])["seed"] == o["conjure_seed"]
    assert objs[0]["conjure_seed"] != objs[1]["conjure_seed"]
    bpy.context.view_layer.objects.active = b
    assert bpy.ops.conjure.prop_keep_candidate() == {"FINISHED"}
    assert list(coll.objects) == [b] and tuple(b.location) == (0.0, 0.0, 0.0)


def test_end_to_end_cancel_leaves_nothing(tiny_models, fresh_scene, tmp_path):
    import bpy
    p = _tiny_text(fresh_scene, tmp_path)
    p.steps, p.resolution = 64, 64
    before = counts()
    assert bpy.ops.conjure.prop_generate() == {"FINISHED"}
    deadline = time.monotonic() + 120
    while fresh_scene.conjure.jobs[-1].state != "RUNNING":
        assert time.monotonic() < deadline
        session().tick()
        time.sleep(0.01)
    assert bpy.ops.conjure.cancel(panel="prop") == {"FINISHED"}
    session().run_until_idle(30)
    assert fresh_scene.conjure.jobs[-1].state == "CANCELLED"
    assert counts() == before


def test_end_to_end_unknown_model_offline_fails_cleanly(tiny_models, fresh_scene, tmp_path):
    import bpy
    p = _tiny_text(fresh_scene, tmp_path)
    p.model = "nobody/no-such-model"
    before = counts()
    assert bpy.ops.conjure.prop_generate() == {"FINISHED"}
    session().run_until_idle(60)
    item = fresh_scene.conjure.jobs[-1]
    assert item.state == "FAILED" and "nobody/no-such-model" in item.error
    assert fresh_scene.conjure.last_error == item.error
    assert counts() == before


def test_end_to_end_point_e_mesh_and_points(tiny_models, fresh_scene, tmp_path):
    import bpy
    p = _tiny_text(fresh_scene, tmp_path)
    p.pipeline, p.output, p.candidates = "point-e", "both", 1
    assert bpy.ops.conjure.prop_generate() == {"FINISHED"}
    session().run_until_idle(170)
    item = fresh_scene.conjure.jobs[-1]
    assert item.state == "DONE", item.error
    objs = list(bpy.data.collections[item.collection_name].objects)
    mesh = next(o for o in objs if "conjure_glb" in o)
    cloud = next(o for o in objs if "conjure_ply" in o)
    assert len(mesh.data.polygons) > 0 and len(cloud.data.polygons) == 0 and len(cloud.data.vertices) > 0
    assert cloud.modifiers[0].node_group is not None and cloud["conjure_pipeline"] == "point-e"
    assert cloud.location.y > mesh.location.y


# --------------------------------------------------------------------------- drawing
class _Layout:
    """Stands in for the UILayout Blender gives a panel in a window (headless bpy draws no panels): each call
    is checked against the real UILayout function's parameters, each property and operator must exist."""

    def __init__(self, log):
        object.__setattr__(self, "log", log)

    def __setattr__(self, name, value):  # use_property_split, scale_y, enabled, ...
        import bpy
        assert name in bpy.types.UILayout.bl_rna.properties.keys(), name

    def __getattr__(self, name):
        import bpy
        fn = bpy.types.UILayout.bl_rna.functions.get(name)
        assert fn is not None, f"UILayout has no {name}()"

        def call(*args, **kwargs):
            params = fn.parameters.keys()
            assert set(kwargs) <= set(params), (name, set(kwargs) - set(params))
            self.log.append((name, args, kwargs))
            if name in ("prop", "template_ID"):
                assert args[1] in args[0].bl_rna.properties.keys(), args[1]
            if name == "operator":
                group, op = args[0].split(".", 1)
                return _OpProps(getattr(getattr(bpy.ops, group), op).get_rna_type())
            if name == "icon":
                return 1
            return _Layout(self.log)

        return call


class _OpProps:
    def __init__(self, rna):
        object.__setattr__(self, "rna", rna)

    def __setattr__(self, name, value):
        assert name in self.rna.properties.keys(), name


def _draw(panel_cls, context):
    from types import SimpleNamespace
    log = []
    me = SimpleNamespace(layout=_Layout(log), **{k: getattr(panel_cls, k) for k in dir(panel_cls)
                                                 if k.startswith("_draw")})
    panel_cls.draw(me, context)
    return log


def test_panels_draw_in_every_state(fresh_scene, tmp_path):
    import bpy
    panels = mod("panels.prop")
    p = set_text(fresh_scene, tmp_path)
    log = _draw(panels.CONJURE_PT_prop, bpy.context)
    assert ("operator", ("conjure.prop_generate",), {"icon": "SHADERFX"}) in log
    p.pipeline = "shap-e"
    assert any(c[0] == "prop" and c[1][1] == "schedule" for c in _draw(panels.CONJURE_PT_prop_advanced, bpy.context))
    p.pipeline = "point-e"
    drawn = [c[1][1] for c in _draw(panels.CONJURE_PT_prop_advanced, bpy.context) if c[0] == "prop"]
    assert {"output", "upsample", "mesher"} <= set(drawn) and "schedule" not in drawn
    # Image mode with a painted mask of another picture, a running job with a download and a preview.
    picture = write_png(tmp_path / "chair.png", 8, 8)
    p.input_mode, p.image_path = "IMAGE", write_png(tmp_path / "other.png", 8, 8)
    p.mask_image = mod("backend.blender.importers").load_mask_image(picture, source=picture)
    p.mask_image.pixels[0] = 0.0
    job = fake_job(fresh_scene, generate_spec(tmp_path))
    session()._apply({"event": "progress", "job_id": job, "step": 3, "total": 9, "message": "sampling",
                      "preview": write_png(tmp_path / "pv.png", 8, 8),
                      "download": {"repo": "openai/shap-e", "done": 1, "total": 2}})
    fresh_scene.conjure.last_error = "Prompt: is empty: describe the object, or give an image " * 3
    log = _draw(panels.CONJURE_PT_prop, bpy.context)
    texts = [c[2].get("text", "") for c in log]
    assert "This mask is for another picture: cut out again" in texts
    assert "Downloading openai/shap-e: 0.0 / 0.0 MB" in texts
    assert sum(1 for c in log if c[0] == "template_icon") == 2  # the mask and the preview
    assert sum(1 for c in log if c[0] == "label" and c[2].get("icon") in ("ERROR", "BLANK1")) >= 3
    # A candidate selected: its summary, Keep and Regenerate.
    session().stop_worker()
    _three_candidates(fresh_scene, tmp_path)
    session().run_until_idle(10)
    bpy.context.view_layer.objects.active = bpy.data.objects["chair_c2"]
    log = _draw(panels.CONJURE_PT_prop, bpy.context)
    ops = [c[1][0] for c in log if c[0] == "operator"]
    assert "conjure.prop_keep_candidate" in ops and ops.count("conjure.prop_regenerate") == 2
    # The Shape from Primitives panel leaves props to their own panel.
    ops = [c[1][0] for c in _draw(mod("panels.shape").CONJURE_PT_shape, bpy.context) if c[0] == "operator"]
    assert "conjure.shape_regenerate" not in ops
