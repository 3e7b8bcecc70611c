"""The dataset panel: Start runs a separate process followed by a timer (state, not timing), Cancel stops it,
bad settings are reported before anything starts."""
import sys
import time

import pytest

bpy = pytest.importorskip("bpy")


def _tick_until(mod, scene, states, timeout=240):
    deadline = time.monotonic() + timeout
    while scene.conjure.dataset.state not in states:
        assert time.monotonic() < deadline, scene.conjure.dataset.message
        mod.tick()
        time.sleep(0.1)


@pytest.fixture
def runs(addon):
    return sys.modules[addon.__name__ + ".backend.blender.dataset_runs"]


def _setup(scene, out, **kw):
    p = scene.conjure.dataset
    p.scene_type, p.seed_start, p.scenes, p.frames, p.resolution, p.quality = "tabletop", 4, 1, 2, 32, "preview"
    p.output_dir, p.python = str(out), sys.executable
    for k, v in kw.items():
        setattr(p, k, v)
    return p


def test_start_runs_in_another_process_and_reports_progress(fresh_scene, runs, tmp_path):
    p = _setup(fresh_scene, tmp_path / "ds")
    assert bpy.ops.conjure.dataset_start() == {"FINISHED"}
    assert p.state == "RUNNING"  # the operator returned while the run goes on (stall figures: benchmarks/)
    assert not bpy.ops.conjure.dataset_start.poll()  # one run at a time
    _tick_until(runs, fresh_scene, {"DONE", "FAILED"})
    assert p.state == "DONE", p.error
    assert p.done == p.total == 2 and p.progress == 1.0
    assert (tmp_path / "ds" / "coco.json").exists() and (tmp_path / "ds" / "manifest.json").exists()


def test_cancel_stops_the_run(fresh_scene, runs, tmp_path):
    p = _setup(fresh_scene, tmp_path / "ds", frames=200)
    assert bpy.ops.conjure.dataset_start() == {"FINISHED"}
    assert bpy.ops.conjure.dataset_cancel() == {"FINISHED"}
    assert p.state == "CANCELLED" and not runs.running(fresh_scene)
    assert bpy.ops.conjure.dataset_start.poll()


def test_bad_settings_are_reported_before_starting(fresh_scene, runs, tmp_path):
    _setup(fresh_scene, "/proc/conjure-ds")
    with pytest.raises(RuntimeError, match="not writable"):
        bpy.ops.conjure.dataset_start()
    assert fresh_scene.conjure.dataset.state == "IDLE"


def test_panel_draws_and_its_settings_make_the_spec(fresh_scene, addon, tmp_path):
    ops = sys.modules[addon.__name__ + ".operators.dataset"]
    _setup(fresh_scene, tmp_path / "ds", quilt_views=3, stereo_baseline=0.065, export_gltf=True, pass_flow=False)
    spec, options = ops.spec_from_props(bpy.context)
    assert spec.quilt_views == 3 and spec.stereo_baseline == pytest.approx(0.065) and spec.export == ("gltf",)
    assert "flow" not in spec.passes and spec.seeds == (4,) and options.executor == "local"
    panel = sys.modules[addon.__name__ + ".panels.dataset"].CONJURE_PT_dataset
    assert panel.poll(bpy.context)
