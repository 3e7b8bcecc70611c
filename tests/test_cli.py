"""The headless entry points, run the way pipeline engineers run them (real subprocesses)."""
import json
import os
import subprocess

import pytest

from conftest import ROOT, SMALL_PARAMS, VENV_PYTHON

pytestmark = pytest.mark.timeout(180)


def cli(*args, cwd=ROOT):
    return subprocess.run([VENV_PYTHON, "-m", "backend.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=170)


def write_spec(tmp_path, **params):
    spec = {"type": "implicit_shape", "name": "prop", "output_dir": str(tmp_path / "out"),
            "params": dict(SMALL_PARAMS, **params)}
    path = tmp_path / "job.json"
    path.write_text(json.dumps(spec))
    return path


def test_run_spec_file(tmp_path):
    r = cli("run", str(write_spec(tmp_path)), "--seed", "3")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert os.path.isfile(out["paths"]["glb"]) and out["metadata"]["faces"] <= SMALL_PARAMS["face_budget"]
    assert "100%|" in r.stderr and "step/s" in r.stderr  # tqdm progress bar with rate


def test_run_flags_only(tmp_path):
    r = cli("run", "--preset", "ring", "--out", str(tmp_path), "--resolution", "16", "--texture-size", "32",
            "--quiet")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "ring.glb").is_file()


@pytest.mark.parametrize("args, words", [
    (["run", "--preset", "teapot"], "unknown preset"),
    (["run", "/nonexistent/spec.json"], "cannot read"),
    (["run", "--preset", "ring", "--resolution", "100000"], "resolution"),
    (["run", "--preset", "ring", "--out", "/proc/x"], "output_dir"),
    (["validate", "/nonexistent.toml"], "cannot read"),
])
def test_bad_input_exit_2(tmp_path, args, words):
    r = cli(*args)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stderr.startswith("error:") and words in r.stderr, r.stderr


def test_bad_spec_file_names_field(tmp_path):
    r = cli("run", str(write_spec(tmp_path, blend=-1)))
    assert r.returncode == 2 and "params.blend" in r.stderr


def test_batch_script_saves_blend_and_render(tmp_path):
    """``blender -b --python batch.py -- run ...``: here bpy-as-a-module runs the same script."""
    spec = write_spec(tmp_path)
    blend, png = tmp_path / "scene.blend", tmp_path / "render.png"
    r = subprocess.run([VENV_PYTHON, os.path.join(ROOT, "batch.py"), "--", "run", str(spec), "--blend", str(blend),
                        "--render", str(png), "--size", "64", "--samples", "4", "--quiet"],
                       capture_output=True, text=True, timeout=170, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert blend.stat().st_size > 10000 and png.read_bytes().startswith(b"\x89PNG")
    check = subprocess.run([VENV_PYTHON, "-c", f"""
import bpy
bpy.ops.wm.open_mainfile(filepath={str(blend)!r})
o = bpy.data.objects['prop']
assert o.data.uv_layers and o.active_material and o.users_collection[0].name == 'Conjure'
img = [i for i in bpy.data.images if i.packed_file]
assert img, 'texture not packed'
print('OK')
"""], capture_output=True, text=True, timeout=120)
    assert check.stdout.strip().endswith("OK"), check.stderr[-2000:]


def test_selftest_passes_here_and_names_what_is_wrong(tmp_path):
    ok = cli("selftest", "--device", "cpu")
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout.strip().splitlines()[-1])
    assert report == {"ok": True, "problems": []}
    assert "tiny text-to-3D job" in ok.stderr and "torch 2.13.0" in ok.stderr
    # A Python without the worker's packages: each missing package is named with the command that fixes it.
    bare = tmp_path / "bare"
    subprocess.run([os.path.realpath("/usr/bin/python3") if os.path.exists("/usr/bin/python3") else "python3",
                    "-m", "venv", "--without-pip", str(bare)], check=True, timeout=60)
    r = subprocess.run([str(bare / "bin" / "python"), "-m", "backend.cli", "selftest"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, PYTHONPATH=ROOT))
    assert r.returncode == 1
    report = json.loads(r.stdout.strip().splitlines()[-1])
    (problem,) = report["problems"]
    assert "torch (ModuleNotFoundError" in problem and "pip install -r" in problem and "requirements.txt" in problem
