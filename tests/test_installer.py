"""The Install Worker engine end to end: real venvs, real pip, local wheels (no PyPI), a slow local index to cancel."""
import base64
import hashlib
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile

import pytest

from backend.installer import EXTENSION_ROOT, InstallerError, WorkerInstaller, installed_info, worker_python
from backend.pip_output import PipOutput

pytestmark = pytest.mark.timeout(60)


def make_wheel(folder, name, version, payload=b""):
    """A minimal pure-Python wheel: ``import name`` gives ``name.VERSION``."""
    files = {f"{name}/__init__.py": f"VERSION = {version!r}\n".encode()}
    if payload:
        files[f"{name}/blob.bin"] = payload
    info = f"{name}-{version}.dist-info"
    files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: conjure-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = "".join(f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},"
                     f"{len(d)}\n" for p, d in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    path = os.path.join(folder, f"{name}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for p, d in files.items():
            z.writestr(p, d)
    return path


def requirements(folder, *lines):
    path = os.path.join(folder, "requirements.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def run_install(target, reqs, extra, timeout=40, **kw):
    inst = WorkerInstaller(sys.executable, str(target), reqs, torch=None, extra_pip_args=extra,
                           check_modules=kw.pop("check_modules", ()), **kw)
    inst.start()
    assert inst.wait(timeout), "the install did not finish in time"
    return inst, inst.poll()


def imports(target, module):
    out = subprocess.run([worker_python(str(target)), "-c", f"import {module}; print({module}.VERSION)"],
                         capture_output=True, text=True, timeout=30)
    return out.stdout.strip() if out.returncode == 0 else None


@pytest.fixture(scope="module", autouse=True)
def isolated_pip():
    """Only the indexes a test names: none of this machine's pip configuration."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PIP_CONFIG_FILE", os.devnull)
        for name in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_NO_INDEX"):
            mp.delenv(name, raising=False)
        yield


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheels")
    make_wheel(str(folder), "tinypkg", "1.0")
    make_wheel(str(folder), "tinypkg", "2.0")
    return str(folder)


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheels):
    """tinypkg 1.0 installed into a fresh target, then 2.0 installed over it (the swap). Returns the target and
    the second install's events."""
    root = tmp_path_factory.mktemp("user")
    target = root / "worker-env"
    offline = ("--no-index", "--find-links", wheels)
    first, _ = run_install(target, requirements(str(root), "tinypkg==1.0"), offline, check_modules=("tinypkg",))
    assert first.ok, first.result
    assert imports(target, "tinypkg") == "1.0"
    second, events = run_install(target, requirements(str(root), "tinypkg==2.0"), offline, check_modules=("tinypkg",))
    assert second.ok, second.result
    return target, events


def assert_previous_env_intact(target):
    assert imports(target, "tinypkg") == "2.0"
    assert not os.path.exists(str(target) + ".new") and not os.path.exists(str(target) + ".old")


def test_install_then_replace(installed):
    target, events = installed
    done = events[-1]
    assert done["kind"] == "done" and done["python"] == worker_python(str(target))
    assert_previous_env_intact(target)  # the replacement holds 2.0, nothing left beside it
    fractions = [e["fraction"] for e in events if e["kind"] == "progress"]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(set(fractions)) > 3
    messages = [e["message"] for e in events if e["kind"] == "progress"]
    assert "Collecting tinypkg-2.0-py3-none-any.whl" in messages and "Installed 1 package" in messages
    assert any("Successfully installed tinypkg-2.0" in e["message"] for e in events if e["kind"] == "log")
    # The bin/ scripts were pointed at the final folder before the swap: the env's own pip runs.
    pip = subprocess.run([os.path.join(str(target), "bin", "pip"), "--version"], capture_output=True, text=True)
    assert pip.returncode == 0 and str(target) in pip.stdout
    assert installed_info(str(target))["torch"] is None


def test_missing_package_keeps_previous_env(installed, wheels, tmp_path):
    target, _ = installed
    inst, events = run_install(target, requirements(str(tmp_path), "tinypkg==2.0", "nosuchpkg==9"),
                               ("--no-index", "--find-links", wheels))
    err = events[-1]
    assert not inst.ok and inst.done and err is inst.result
    assert err["kind"] == "error" and err["reason"] == "pip", err
    assert err["message"] == "pip failed: No matching distribution found for nosuchpkg==9"
    assert "\n" not in err["message"]
    assert_previous_env_intact(target)


def test_unreachable_index_is_a_network_error(installed, tmp_path):
    target, _ = installed
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inst, events = run_install(target, requirements(str(tmp_path), "tinypkg==3.0"),
                               ("--index-url", f"http://127.0.0.1:{port}/simple", "--retries", "0", "--timeout", "2"))
    err = events[-1]
    assert err["reason"] == "network", err
    assert err["message"].startswith(f"could not reach the package index http://127.0.0.1:{port}/simple: "
                                     "[Errno 111] Connection refused")
    assert_previous_env_intact(target)


class _SlowIndex(http.server.BaseHTTPRequestHandler):
    """A find-links page with one wheel whose download stalls after the first kilobyte."""
    wheel_path = None
    release = threading.Event()

    def do_GET(self):
        name = os.path.basename(self.wheel_path)
        if self.path.rstrip("/") == "":
            body = f'<html><body><a href="{name}">{name}</a></body></html>'.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        data = open(self.wheel_path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[:1024])
        self.wfile.flush()
        self.release.wait(30)

    def log_message(self, *args):
        pass


def test_cancel_mid_download(installed, tmp_path):
    target, _ = installed
    _SlowIndex.wheel_path = make_wheel(str(tmp_path), "slowpkg", "1.0", payload=os.urandom(2_000_000))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowIndex)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        inst = WorkerInstaller(sys.executable, str(target), requirements(str(tmp_path), "slowpkg==1.0"), torch=None,
                               extra_pip_args=("--no-index", "--find-links", url), check_modules=())
        inst.start()
        events = []
        deadline = time.monotonic() + 40
        while not any(e["kind"] == "progress" and e["message"].startswith("Downloading slowpkg") for e in events):
            assert time.monotonic() < deadline and not inst.done, events[-3:]
            time.sleep(0.05)
            events += inst.poll()
        assert os.path.isdir(str(target) + ".new")  # mid-install: the partial environment exists
        inst.cancel()
        assert inst.wait(30)  # a bound against hanging, not a speed check
        err = inst.poll()[-1]
        assert err == inst.result and err["reason"] == "cancelled", err
        assert_previous_env_intact(target)
    finally:
        _SlowIndex.release.set()
        server.shutdown()
        server.server_close()


def test_refuses_target_in_or_around_the_extension(tmp_path):
    reqs = requirements(str(tmp_path), "tinypkg==1.0")
    for bad in (os.path.join(EXTENSION_ROOT, "worker-env"), EXTENSION_ROOT, os.path.dirname(EXTENSION_ROOT)):
        with pytest.raises(InstallerError, match="extension's folder"):
            WorkerInstaller(sys.executable, bad, reqs, torch=None)
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(InstallerError, match="not a Python environment"):
        WorkerInstaller(sys.executable, str(tmp_path / "photos"), reqs, torch=None)
    assert (tmp_path / "photos" / "holiday.jpg").exists()


def test_python_without_ensurepip(tmp_path):
    """A Python whose ensurepip is missing (as on Debian without python3-venv) is reported, not half-used.
    Before that, what an install killed between its two renames left (only ``env.old``) is put back."""
    (tmp_path / "env.old").mkdir()
    (tmp_path / "env.old" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "env.new").mkdir()
    shadow = tmp_path / "shadow" / "ensurepip"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('ensurepip is disabled', name='ensurepip')\n")
    python = tmp_path / "python3"
    python.write_text(f"#!/bin/sh\nPYTHONPATH={shadow.parent} exec {sys.executable} \"$@\"\n")
    python.chmod(0o755)
    inst = WorkerInstaller(str(python), str(tmp_path / "env"), requirements(str(tmp_path), "tinypkg"), torch=None)
    inst.start()
    assert inst.wait(20)
    assert inst.result["reason"] == "python", inst.result
    assert "ensurepip module is missing" in inst.result["message"]
    assert not os.path.exists(str(tmp_path / "env.new")) and not os.path.exists(str(tmp_path / "env.old"))
    assert (tmp_path / "env" / "pyvenv.cfg").exists()


def test_pip_output_causes_and_progress():
    """Lines as pip 23-26 print them map to one-line causes; the estimate only goes up."""
    out = PipOutput(2)
    lines = [
        "Collecting torch==2.13.0",
        "  Downloading torch-2.13.0-cp311-cp311-manylinux_2_28_x86_64.whl (890.1 MB)",
        "Progress 100000000 of 890100000",
        "Collecting sympy",
        "Installing collected packages: sympy, torch",
        "Successfully installed sympy-1.14.0 torch-2.13.0",
    ]
    seen = []
    for line in lines:
        out.feed(line)
        seen.append(out.fraction)
    assert seen == sorted(seen) and seen[-1] == 1.0
    net = PipOutput(1)
    net.feed("WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after "
             "connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at "
             "0x7f>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': "
             "/simple/torch/")
    assert net.network == "[Errno -3] Temporary failure in name resolution"
    disk = PipOutput(1)
    disk.feed("ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device")
    assert disk.disk == "No space left on device"
    assert disk.last_error.startswith("Could not install packages due to an OSError")
