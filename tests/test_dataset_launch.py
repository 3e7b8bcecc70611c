"""Which processes a dataset run uses: inside a real Blender its own binary (``blender -b --factory-startup``)
for the shards, as the bpy module a Python with bpy. The Blender command line's boot code is run for real (with
Blender's argv) in a bpy-module Python; this machine has no Blender binary, so Blender's own flag parsing is
checked only as the argument list it is given."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from backend.dataset.process import is_blender_binary, launch
from backend.dataset.shard import command
from backend.dataset.spec import DatasetSpec, RunOptions, Shard
from backend.dataset.orchestrator import run
from backend.jobs import SpecError

BUNDLED_PYTHON = "/opt/blender-4.5/4.5/python/bin/python3.11"  # where Blender keeps its Python (sys.executable)


def _executable(path, mode=0o755):
    path.write_bytes(b"")
    path.chmod(mode)
    return str(path)


def test_a_real_blender_renders_shards_in_its_own_binary(tmp_path):
    blender = _executable(tmp_path / "blender")
    assert launch(blender, BUNDLED_PYTHON) == (BUNDLED_PYTHON, blender)
    # a Python the user chose (one with Ray, say) runs the orchestrator; the shards stay in Blender
    assert launch(blender, BUNDLED_PYTHON, "/usr/bin/python3") == ("/usr/bin/python3", blender)
    for name in ("Blender", "blender.exe", "blender-4.5"):  # macOS app bundle, Windows, a renamed build
        assert is_blender_binary(_executable(tmp_path / name), BUNDLED_PYTHON), name


def test_the_bpy_module_runs_everything_in_its_python(tmp_path):
    assert launch("", sys.executable) == (sys.executable, "")  # what bpy.app.binary_path is as a module
    assert launch(sys.executable, sys.executable) == (sys.executable, "")  # a build reporting its Python
    assert launch("", sys.executable, "/venv/bin/python") == ("/venv/bin/python", "")
    assert not is_blender_binary(str(tmp_path / "blender"), sys.executable)  # missing
    assert not is_blender_binary(_executable(tmp_path / "blender", 0o644), sys.executable)  # not executable
    assert not is_blender_binary(_executable(tmp_path / "python3.11"), sys.executable)  # not Blender
    assert not is_blender_binary(str(tmp_path), sys.executable)  # a folder


def test_the_panel_choice_inside_this_bpy_module(fresh_scene, addon):
    runs = sys.modules[addon.__name__ + ".backend.blender.dataset_runs"]
    import bpy
    assert bpy.app.binary_path == "" and runs.processes() == (sys.executable, "")


def test_blender_command_line():
    spec_path, shard = "/data/ds/spec.json", Shard(7, 4, 8)
    cmd = command("/unused/python", spec_path, shard, blender="/opt/blender/blender", paths=["/wheels/site"])
    boot = cmd[cmd.index("--python-expr") + 1]
    # background first, factory settings before any script, the script's arguments after "--"
    assert cmd == ["/opt/blender/blender", "-b", "--factory-startup", "--python-exit-code", "1",
                   "--python-expr", boot, "--", spec_path, "7", "4", "8"]
    assert f"sys.path[:0] = {[ROOT, '/wheels/site']!r}" in boot and "backend.dataset.shard" in boot
    compile(boot, "<python-expr>", "exec")
    assert command("/venv/bin/python", spec_path, shard) == [
        "/venv/bin/python", "-m", "backend.dataset.shard", spec_path, "7", "4", "8"]


def test_blender_boot_code_renders_a_shard(tmp_path):
    """The --python-expr code, run as Blender runs it (its argv, no PYTHONPATH, another working folder), in a
    Python whose `bpy` is the module: the shard is rendered and recorded."""
    spec = DatasetSpec(output_dir=str(tmp_path / "ds"), scene_type="tabletop", seeds=(3,), frames=1, width=32,
                       height=32, quality="preview", passes=("rgb", "depth"))
    os.makedirs(spec.output_dir)
    spec_path = os.path.join(spec.output_dir, "spec.json")
    with open(spec_path, "w") as f:
        json.dump(spec.to_json(), f)
    shard = spec.shards()[0]
    argv = command("", spec_path, shard, blender="blender", paths=[])
    boot = argv[argv.index("--python-expr") + 1]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([sys.executable, "-c", f"import sys; sys.argv = {argv!r}; exec({boot!r})"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr[-2000:]
    events = [json.loads(ln) for ln in r.stdout.splitlines() if ln.startswith("{")]
    assert events == [{"event": "frame", "frame": 0}, {"event": "done", "shard": shard.id}]
    with open(os.path.join(spec.output_dir, "shards", f"{shard.id}.json")) as f:
        assert "scenes/tabletop_3/depth/000000.npy" in json.load(f)["files"]


def test_a_blender_that_is_not_there_is_refused_before_work(tmp_path):
    spec = DatasetSpec(output_dir=str(tmp_path / "ds"), scene_type="tabletop", frames=1, width=32, height=32)
    with pytest.raises(SpecError, match="blender.*not an executable"):
        run(spec, RunOptions(blender=str(tmp_path / "blender")))
    assert not os.path.exists(os.path.join(spec.output_dir, "spec.json"))
    r = subprocess.run([sys.executable, "-m", "backend.cli", "dataset", "--out", str(tmp_path / "ds2"), "--frames",
                        "1", "--blender", str(tmp_path / "nope")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and "not an executable" in r.stderr, r.stderr
