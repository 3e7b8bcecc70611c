"""Build the extension with Blender's own builder (one zip per platform, each with its platform's wheels),
validate it, install/enable/run/disable/uninstall it, on bpy 4.5 LTS and bpy 5.0 (each in a fresh interpreter)."""
import glob
import os
import subprocess
import sys

import pytest

from conftest import ROOT, VENV_PYTHON

pytestmark = pytest.mark.timeout(300)


def blender_ext(python):
    import_path = subprocess.run([python, "-c", "import bpy, os; print(os.path.dirname(bpy.__file__))"],
                                 capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    found = glob.glob(os.path.join(os.path.dirname(os.path.dirname(import_path)), "*", "scripts", "addons_core",
                                   "bl_pkg", "cli", "blender_ext.py"))
    if not found:  # layout: site-packages/bpy/<ver>/scripts/modules/bpy
        found = glob.glob(os.path.join(import_path, "..", "..", "addons_core", "bl_pkg", "cli", "blender_ext.py"))
    assert found, "blender_ext.py not found in the bpy wheel"
    return os.path.abspath(found[0])


def pythons():
    out = [pytest.param(VENV_PYTHON, id="bpy-4.5")]
    p50 = os.environ.get("CONJURE_BPY50_PYTHON") or os.path.join(ROOT, ".venv-bpy50", "bin", "python")
    out.append(pytest.param(p50, id="bpy-5.0", marks=pytest.mark.skipif(
        not os.path.exists(p50) and not os.environ.get("CI"), reason="no bpy 5.0 venv (make setup makes one)")))
    return out


PLATFORMS = {"linux-x64": "manylinux", "macos-arm64": "arm64", "macos-x64": "x86_64", "windows-x64": "win_amd64"}


def manifest():
    import tomllib
    with open(os.path.join(ROOT, "blender_manifest.toml"), "rb") as f:
        return tomllib.load(f)


def test_manifest_lists_the_downloaded_wheels():
    """`make wheels` downloaded exactly the wheels the manifest lists: each package for Python 3.11 on each
    platform the manifest lists (macOS may share one universal2 wheel); none is in git."""
    m = manifest()
    assert sorted(m["platforms"]) == sorted(PLATFORMS)
    folder = os.path.join(ROOT, "wheels")
    assert os.path.isdir(folder), "no wheels/: run `make wheels`"
    assert sorted("./wheels/" + f for f in os.listdir(folder) if f.endswith(".whl")) == sorted(m["wheels"])
    with open(os.path.join(ROOT, "requirements", "blender-wheels.txt")) as f:
        pins = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
    for pin in pins:
        name, version = pin.lower().split("==")
        files = [w.rsplit("/", 1)[1] for w in m["wheels"] if w.rsplit("/", 1)[1].lower().startswith(f"{name}-")]
        assert files and all(f"-{version}-cp311-" in w for w in files), (pin, files)
        for platform, tag in PLATFORMS.items():
            assert any(tag in w or (platform.startswith("macos") and "universal2" in w) for w in files), \
                (pin, platform)
    tracked = subprocess.run(["git", "ls-files", "wheels"], cwd=ROOT, capture_output=True, text=True).stdout
    assert not tracked.strip(), f"wheels are build output, not for git: {tracked}"


@pytest.mark.parametrize("python", pythons())
def test_build_validate_install_run_uninstall(python, tmp_path):
    tool = blender_ext(python)
    v = subprocess.run([python, tool, "validate", ROOT], capture_output=True, text=True)
    assert v.returncode == 0 and "Success" in v.stdout, v.stdout + v.stderr
    build = tmp_path / "build"
    build.mkdir()
    b = subprocess.run([python, tool, "build", "--split-platforms", "--source-dir", ROOT, "--output-dir", str(build)],
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stdout + b.stderr
    zips = {z.name: z for z in build.glob("conjure-*.zip")}
    assert sorted(zips) == sorted(f"conjure-0.1.0-{p.replace('-', '_')}.zip" for p in PLATFORMS), sorted(zips)
    for platform, z in zips.items():
        check_shipped(z)
        v = subprocess.run([python, tool, "validate", str(z)], capture_output=True, text=True)
        assert v.returncode == 0 and "Success" in v.stdout, v.stdout + v.stderr
    zip_path = zips["conjure-0.1.0-linux_x64.zip"]
    check_wheels(zip_path, "linux-x64")
    out = tmp_path / "out"
    out.mkdir()
    r = subprocess.run([python, os.path.join(ROOT, "tests", "extension_roundtrip.py"), str(zip_path), VENV_PYTHON,
                        str(out)], capture_output=True, text=True, timeout=280)
    assert "EXTENSION_ROUNDTRIP_OK" in r.stdout, (r.stdout[-3000:] + r.stderr[-3000:])


def check_shipped(zip_path):
    """The zip holds what the add-on runs and nothing else: no tests, benchmarks or dev files, no empty
    packages; the worker's requirements ship (Install Worker needs them)."""
    import zipfile

    names = zipfile.ZipFile(zip_path).namelist()
    assert "backend/worker/requirements.txt" in names and "__init__.py" in names
    bad = [n for n in names if n.split("/")[0] in ("tests", "benchmarks", "requirements", "docs", "build", "out")
           or n in ("Makefile", "BENCHMARKS.md", "ARCHITECTURE.md") or n.startswith(".") or "__pycache__" in n]
    assert not bad, bad
    packages = {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    empty = [p for p in packages if not any(n.startswith(p + "/") and not n.endswith("/__init__.py")
                                            for n in names)]
    assert not empty, f"empty packages shipped: {empty}"


def check_wheels(zip_path, platform):
    """A platform's zip carries that platform's wheel of every package, and no other platform's."""
    import zipfile
    wheels = [n for n in zipfile.ZipFile(zip_path).namelist() if n.endswith(".whl")]
    assert sorted(w.rsplit("/", 1)[1].split("-")[0] for w in wheels) == ["openexr", "pillow", "pycocotools"], wheels
    assert all(PLATFORMS[platform] in w for w in wheels), wheels


def test_manifest_rejects_bad_permissions(tmp_path):
    """The validator is real: a broken manifest fails."""
    tool = blender_ext(VENV_PYTHON)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "__init__.py").write_text("")
    with open(os.path.join(ROOT, "blender_manifest.toml")) as f:
        text = f.read()
    (bad / "blender_manifest.toml").write_text(text.replace('id = "conjure"', 'id = "con jure"'))
    v = subprocess.run([sys.executable, tool, "validate", str(bad)], capture_output=True, text=True)
    assert v.returncode != 0
