"""Install Worker from Blender's preferences, end to end: the real operator, a real venv, a real pip install of a
small requirement set (a local wheel, no index), progress over timer ticks, Worker Python set on success."""
import os
import subprocess
import sys
import time

import pytest

from conftest import ADDON
from test_installer import make_wheel

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def install_mod(addon):
    return sys.modules[ADDON + ".backend.blender.install"]


@pytest.fixture
def isolated_pip(monkeypatch):
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    for name in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_NO_INDEX"):
        monkeypatch.delenv(name, raising=False)


def test_install_worker_sets_worker_python(fresh_scene, install_mod, isolated_pip, tmp_path):
    import bpy
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    make_wheel(str(wheels), "tinyworkerpkg", "1.0")
    reqs = tmp_path / "requirements.txt"
    reqs.write_text("tinyworkerpkg==1.0\n")
    prefs = bpy.context.preferences.addons[ADDON].preferences
    prefs.worker_python = ""
    assert bpy.ops.conjure.install_worker(torch="none", requirements=str(reqs),
                                          pip_args=f"--no-index --find-links {wheels}") == {"FINISHED"}
    assert install_mod.running()  # it runs in the background
    with pytest.raises(RuntimeError, match="already running"):
        bpy.ops.conjure.install_worker(torch="none")
    seen = []
    while install_mod.running() or install_mod._st.installer is not None:
        install_mod.tick()
        seen.append(install_mod.status()["fraction"])
        time.sleep(0.05)
    assert seen == sorted(seen) and install_mod.status()["fraction"] == 1.0
    st = install_mod.status()
    assert not st["error"], st["error"]
    python = prefs.worker_python
    assert python == install_mod.worker_python(st["folder"]) and os.path.isfile(python)
    assert not os.path.commonpath([python, os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]) == \
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # never inside the extension
    out = subprocess.run([python, "-c", "import tinyworkerpkg; print(tinyworkerpkg.VERSION)"], capture_output=True,
                         text=True, timeout=30)
    assert out.stdout.strip() == "1.0"
    assert st["installed"] is not None


def test_failed_install_says_why_and_keeps_settings(fresh_scene, install_mod, isolated_pip, tmp_path):
    import bpy
    reqs = tmp_path / "requirements.txt"
    reqs.write_text("nosuchconjurepkg==9\n")
    prefs = bpy.context.preferences.addons[ADDON].preferences
    prefs.worker_python = "/keep/this/python"
    assert bpy.ops.conjure.install_worker(torch="none", requirements=str(reqs),
                                          pip_args=f"--no-index --find-links {tmp_path}") == {"FINISHED"}
    install_mod.wait(90)
    st = install_mod.status()
    assert "nosuchconjurepkg" in st["error"] and prefs.worker_python == "/keep/this/python"
    assert not os.path.exists(st["folder"] + ".new")
