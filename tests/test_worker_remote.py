"""Issue #10 items 4 and 7: a remote worker keeps running unless stopped on purpose; the token lives in a file."""
import os
import subprocess
import sys
import time

import pytest

from backend.client import WorkerClient
from conftest import ADDON, ROOT, VENV_PYTHON
from worker_util import Served

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def served(tmp_path):
    s = Served(tmp_path)
    yield s
    s.stop()


def cli(*args):
    return subprocess.run([VENV_PYTHON, "-m", "backend.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=170)


def still_serving(s) -> bool:
    c = WorkerClient.connect("127.0.0.1", s.port, s.token)
    try:
        return c.info["event"] == "hello"
    finally:
        c.close()


def test_run_connect_leaves_the_remote_worker_running(served, tmp_path):
    r = cli("run", "--preset", "ring", "--out", str(tmp_path), "--resolution", "16", "--texture-size", "32",
            "--quiet", "--connect", f"127.0.0.1:{served.port}", "--token-file", str(served.token_file))
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr
    time.sleep(0.3)
    assert served.alive() and still_serving(served)


def test_shutdown_after_stops_the_remote_worker(served, tmp_path):
    r = cli("run", "--preset", "ring", "--out", str(tmp_path), "--resolution", "16", "--texture-size", "32",
            "--quiet", "--connect", f"127.0.0.1:{served.port}", "--token-file", str(served.token_file),
            "--shutdown-after")
    assert r.returncode == 0, r.stderr
    assert served.proc.wait(timeout=10) == 0


def test_client_stop_only_disconnects_from_a_remote_worker(served):
    c = WorkerClient.connect("127.0.0.1", served.port, served.token)
    c.stop()
    time.sleep(0.3)
    assert served.alive() and still_serving(served)
    c = WorkerClient.connect("127.0.0.1", served.port, served.token)
    c.shutdown()
    assert served.proc.wait(timeout=10) == 0


def test_readable_token_file_is_warned_about(served, tmp_path):
    served.token_file.chmod(0o644)
    r = cli("run", "--preset", "ring", "--out", str(tmp_path), "--resolution", "16", "--texture-size", "32",
            "--quiet", "--connect", f"127.0.0.1:{served.port}", "--token-file", str(served.token_file))
    assert r.returncode == 0, r.stderr
    assert "warning: token file" in r.stderr and "chmod 600" in r.stderr
    loose = tmp_path / "loose-token"  # the worker warns about its own --token-file too
    loose.write_text("abc")
    loose.chmod(0o604)
    proc = subprocess.Popen([VENV_PYTHON, "-m", "backend.worker", "serve", "--token-file", str(loose)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout.readline().startswith(b"CONJURE_WORKER_READY")
    finally:
        proc.kill()
        _, err = proc.communicate()
    assert b"warning: token file" in err


# --------------------------------------------------------------------------- Blender, Remote mode
def session():
    return sys.modules[ADDON + ".backend.blender.session"]


def test_blender_remote_stop_keeps_worker_and_token_stays_out_of_prefs(fresh_scene, served, tmp_path):
    import bpy
    prefs = bpy.context.preferences.addons[ADDON].preferences
    assert "remote_token" not in prefs.bl_rna.properties
    prefs.worker_mode, prefs.remote_host, prefs.remote_port = "REMOTE", "127.0.0.1", served.port
    prefs.remote_token_file = str(served.token_file)
    try:
        assert bpy.ops.conjure.worker_start() == {"FINISHED"}
        session().wait_for_worker(30)
        assert session().worker_status() == "Connected (remote)"
        assert bpy.ops.conjure.worker_stop() == {"FINISHED"}
        assert session().worker_status() == "Stopped"
        time.sleep(0.3)
        assert served.alive() and still_serving(served)
        bpy.ops.wm.save_userpref()
        userpref = os.path.join(bpy.utils.user_resource("CONFIG"), "userpref.blend")
        with open(userpref, "rb") as f:
            assert served.token.encode() not in f.read()
    finally:
        prefs.worker_mode, prefs.remote_token_file = "LOCAL", ""
