"""Panel operators -> real worker process -> import, in real bpy (Blender 4.5 as a module)."""
import json
import os
import signal
import sys
import time

import pytest

from conftest import ADDON, SLOW_PARAMS, SMALL_PARAMS

pytestmark = pytest.mark.timeout(180)


def session():
    return sys.modules[ADDON + ".backend.blender.session"]


def set_shape(scene, params, out_dir, name="thing"):
    import bpy
    bpy.ops.conjure.load_preset(preset="snowman")
    p = scene.conjure
    p.primitives.clear()
    for src in params["primitives"]:
        q = p.primitives.add()
        q.kind, q.center, q.size = src["kind"], src.get("center", (0, 0, 0)), src["size"]
        q.color = src.get("color", (0.8, 0.8, 0.8))
    p.blend, p.resolution = params["blend"], params["resolution"]
    p.texture_size, p.face_budget = params["texture_size"], params["face_budget"]
    p.output_dir, p.name = str(out_dir), name


def datablock_counts():
    import bpy
    return {k: len(getattr(bpy.data, k)) for k in ("objects", "meshes", "materials", "images", "collections")}


def pump_until(pred, timeout=60):
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "timed out"
        session().tick()
        time.sleep(0.01)


def test_registered(addon, bpy_module):
    for name in ("CONJURE_PT_prop", "CONJURE_PT_shape", "CONJURE_PT_jobs", "CONJURE_PT_worker",
                 "CONJURE_OT_shape_generate", "CONJURE_OT_prop_generate"):
        assert hasattr(bpy_module.types, name), name
    prefs = bpy_module.context.preferences.addons[ADDON].preferences
    assert prefs.device == "auto" and prefs.allow_downloads


def test_generate_round_trip(fresh_scene, tmp_path):
    import bpy
    set_shape(fresh_scene, SMALL_PARAMS, tmp_path)
    assert bpy.ops.conjure.shape_generate() == {"FINISHED"}
    job = fresh_scene.conjure.jobs[-1]
    assert job.state == "QUEUED"
    session().run_until_idle(120)
    job = fresh_scene.conjure.jobs[-1]
    assert job.state == "DONE", job.error
    obj = bpy.data.objects[job.object_name]
    assert obj.users_collection[0].name == "Conjure"
    assert len(obj.data.polygons) > 100 and obj.data.uv_layers
    mat = obj.active_material
    bsdf = next(n for n in mat.node_tree.nodes if n.type == "BSDF_PRINCIPLED")
    link = bsdf.inputs["Base Color"].links[0]
    assert link.from_node.type == "TEX_IMAGE" and link.from_node.image.packed_file is not None
    spec = json.loads(obj["conjure_spec"])
    assert spec["params"]["resolution"] == SMALL_PARAMS["resolution"]
    assert os.path.isfile(obj["conjure_glb"]) and obj["conjure_glb"].startswith(str(tmp_path))
    # Regenerate makes a second object from the recorded settings.
    bpy.context.view_layer.objects.active = obj
    assert bpy.ops.conjure.shape_regenerate() == {"FINISHED"}
    session().run_until_idle(120)
    assert fresh_scene.conjure.jobs[-1].state == "DONE"
    assert fresh_scene.conjure.jobs[-1].object_name == "thing_001"


def test_cancel_mid_job_leaves_scene_unchanged(fresh_scene, tmp_path):
    import bpy
    set_shape(fresh_scene, SLOW_PARAMS, tmp_path)
    before = datablock_counts()
    bpy.ops.conjure.shape_generate()
    job = fresh_scene.conjure.jobs[-1]
    pump_until(lambda: fresh_scene.conjure.jobs[-1].message == "unwrap")
    assert bpy.ops.conjure.cancel() == {"FINISHED"}
    session().run_until_idle(30)  # a bound against hanging; latency figures are in benchmarks/
    job = fresh_scene.conjure.jobs[-1]
    assert job.state == "CANCELLED"
    assert datablock_counts() == before


def test_killed_worker_fails_job_then_restarts(fresh_scene, tmp_path):
    import bpy
    set_shape(fresh_scene, SLOW_PARAMS, tmp_path)
    before = datablock_counts()
    bpy.ops.conjure.shape_generate()
    pump_until(lambda: fresh_scene.conjure.jobs[-1].state == "RUNNING")
    pid = session()._rt.link.client.proc.pid
    os.kill(pid, signal.SIGKILL)
    session().run_until_idle(15)
    job = fresh_scene.conjure.jobs[-1]
    assert job.state == "FAILED" and "Worker lost" in job.error and "SIGKILL" in job.error
    assert fresh_scene.conjure.last_error == job.error
    assert datablock_counts() == before
    assert session().worker_status().startswith("Stopped")
    # The next job starts a new worker.
    set_shape(fresh_scene, SMALL_PARAMS, tmp_path)
    bpy.ops.conjure.shape_generate()
    session().run_until_idle(120)
    assert fresh_scene.conjure.jobs[-1].state == "DONE"
    assert session()._rt.link.client.proc.pid != pid


@pytest.mark.parametrize("mutate, words", [
    (lambda p, d: setattr(p.primitives[0], "size", (0, 0, 0)), "Primitive 1 Size: must be positive"),
    (lambda p, d: setattr(p, "output_dir", "/proc/conjure"), "Output Folder: "),
    (lambda p, d: setattr(p, "name", "bad/name"), "Name: must be 1-64 letters"),
    (lambda p, d: setattr(p.primitives[0], "center", (1e9, 0, 0)), "Primitive 1 Center: must be between"),
])
def test_bad_input_is_reported_and_scene_unchanged(fresh_scene, tmp_path, mutate, words):
    import bpy
    set_shape(fresh_scene, SMALL_PARAMS, tmp_path)
    mutate(fresh_scene.conjure, tmp_path)
    before = datablock_counts()
    with pytest.raises(RuntimeError, match=r"Error: Conjure: .*" + words.replace("[", r"\[").replace("]", r"\]")):
        bpy.ops.conjure.shape_generate()  # bpy raises the operator's ERROR report
    assert words in fresh_scene.conjure.last_error
    assert len(fresh_scene.conjure.jobs) == 0
    assert datablock_counts() == before


def test_no_primitives_poll_explains(fresh_scene):
    import bpy
    fresh_scene.conjure.primitives.clear()
    with pytest.raises(RuntimeError, match="Add a primitive"):
        bpy.ops.conjure.shape_generate()


def test_bad_worker_python_is_reported(fresh_scene, tmp_path, monkeypatch):
    import bpy
    set_shape(fresh_scene, SMALL_PARAMS, tmp_path)
    monkeypatch.setenv("CONJURE_WORKER_PYTHON", "/nowhere/python3")
    with pytest.raises(RuntimeError, match="worker Python interpreter not found"):
        bpy.ops.conjure.shape_generate()
    assert "not found" in fresh_scene.conjure.last_error


def test_scene_deleted_while_job_runs(fresh_scene, tmp_path):
    import bpy
    other = bpy.data.scenes.new("Other")
    bpy.context.window_manager  # noqa: B018
    set_shape(other, SMALL_PARAMS, tmp_path)
    with bpy.context.temp_override(scene=other):
        assert bpy.ops.conjure.shape_generate() == {"FINISHED"}
    objects = len(bpy.data.objects)
    bpy.data.scenes.remove(other)
    session().run_until_idle(120)  # must not raise
    assert len(bpy.data.objects) == objects


def test_worker_start_stop_operators(fresh_scene):
    import bpy
    assert bpy.ops.conjure.worker_start() == {"FINISHED"}  # returns at once (stall figures: benchmarks)
    assert session().worker_status() == "Starting worker…"
    session().wait_for_worker()
    proc = session()._rt.link.client.proc
    assert session().worker_status().startswith("Running")
    assert bpy.ops.conjure.worker_stop() == {"FINISHED"}
    assert session().worker_status() == "Stopped"
    proc.wait(timeout=10)  # stopped on a background thread


def test_disabling_while_the_worker_starts_kills_the_start(fresh_scene, tmp_path, monkeypatch):
    """Before: shutdown() joined the start thread for up to 65 s (the start's own 60 s timeout)."""
    import bpy
    from conftest import VENV_PYTHON
    slow = tmp_path / "slow-python"
    pidfile = tmp_path / "pid"
    slow.write_text(f"#!/bin/sh\necho $$ > {pidfile}\nsleep 30\nexec {VENV_PYTHON} \"$@\"\n")
    slow.chmod(0o755)
    monkeypatch.setenv("CONJURE_WORKER_PYTHON", str(slow))
    assert bpy.ops.conjure.worker_start() == {"FINISHED"}
    link = session()._rt.link
    assert wait_for_file(pidfile)
    session().shutdown()
    assert "cancelled" in link.error, link.error  # not "did not start within 60 s"
    pid = int(pidfile.read_text())
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"


def wait_for_file(path, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return True
        time.sleep(0.02)
    return False


def test_an_imported_result_is_its_own_undo_step(fresh_scene, tmp_path):
    """The result arrives over timer ticks after the operator's undo step: Ctrl+Z takes exactly it back."""
    import bpy
    set_shape(fresh_scene, SMALL_PARAMS, tmp_path)
    before = datablock_counts()
    bpy.ops.ed.undo_push(message="before")
    assert bpy.ops.conjure.shape_generate("EXEC_DEFAULT", True) == {"FINISHED"}  # with its undo step, as a button
    session().run_until_idle(120)
    assert bpy.context.scene.conjure.jobs[-1].state == "DONE"
    name = bpy.context.scene.conjure.jobs[-1].object_name
    assert name in bpy.data.objects
    bpy.ops.ed.undo()
    assert name not in bpy.data.objects
    assert datablock_counts()["objects"] == before["objects"]
    bpy.ops.ed.redo()
    assert name in bpy.data.objects
