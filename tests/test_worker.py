"""The worker as a real OS process: protocol, jobs, cancel, kill, bad input."""
import json
import os
import signal
import socket
import time

import pytest

from backend.client import WorkerClient, WorkerError
from backend.mesh.glb import read_glb
from backend.worker.server import MAX_MESSAGE
from conftest import SLOW_PARAMS, VENV_PYTHON, small_spec

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def worker():
    c = WorkerClient.start_local(VENV_PYTHON)
    yield c
    c.stop()


def next_event(c, kind=None, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for ev in c.poll(limit=1):
            if kind is None or ev["event"] == kind:
                return ev
        time.sleep(0.01)
    raise AssertionError(f"no {kind} event within {timeout} s")


def test_implicit_job_round_trip(worker, tmp_path):
    seen = []
    job = worker.submit(small_spec(tmp_path))
    ev = worker.wait_for(job, 60, on_event=seen.append)
    assert ev["event"] == "result", ev
    kinds = [e["event"] for e in seen]
    assert kinds[0] == "accepted" and "progress" in kinds
    steps = [e["step"] for e in seen if e["event"] == "progress"]
    assert steps == sorted(steps) and steps[-1] == 6
    data = read_glb(ev["paths"]["glb"])
    assert data["indices"].shape[1] == 3 and len(data["indices"]) <= 1500
    assert data["uvs"].min() >= 0 and data["uvs"].max() <= 1
    assert data["texture_png"].startswith(b"\x89PNG")
    assert data["extras"]["conjure_spec"]["params"]["resolution"] == 24
    assert set(ev["metadata"]["timings"]) == {"sample", "mesh", "decimate", "unwrap", "bake", "export"}


def test_same_seed_same_bytes(worker, tmp_path):
    outs = []
    for _ in range(2):
        job = worker.submit(small_spec(tmp_path, seed=7))
        path = worker.wait_for(job, 60)["paths"]["glb"]
        outs.append(open(path, "rb").read())
    assert outs[0] == outs[1]


def test_bad_spec_is_an_error_and_worker_stays_up(worker, tmp_path):
    spec = small_spec(tmp_path)
    spec["params"] = dict(spec["params"], resolution=-5)
    job = worker.submit(spec)
    ev = worker.wait_for(job, 10)
    assert ev["event"] == "error" and ev["kind"] == "bad_spec" and "resolution" in ev["message"]
    job = worker.submit({"type": "noop", "output_dir": str(tmp_path)})
    assert worker.wait_for(job, 10)["event"] == "result"


def test_malformed_and_oversize_messages(worker, tmp_path):
    worker.send_raw(b"this is not json\n")
    assert "not valid JSON" in next_event(worker, "error")["message"]
    worker.send_raw(b'[1, 2, 3]\n')
    assert "must be an object" in next_event(worker, "error")["message"]
    worker.send_raw(b'{"op": "explode"}\n')
    assert "unknown op" in next_event(worker, "error")["message"]
    worker.send_raw(b'{"op": "submit", "spec": "' + b"x" * (MAX_MESSAGE + 10) + b'"}\n')
    assert "larger than" in next_event(worker, "error")["message"]
    worker.send_raw(b'{"op": "submit", "job_id": "../../x", "spec": {}}\n')
    assert "job_id" in next_event(worker, "error")["message"]
    # Still serving.
    job = worker.submit({"type": "noop", "output_dir": str(tmp_path), "params": {"echo": "hi"}})
    assert worker.wait_for(job, 10)["metadata"]["echo"] == "hi"
    assert worker.alive()


def test_wrong_token_is_refused(worker):
    port = worker.sock.getpeername()[1]
    with pytest.raises(WorkerError, match="refused"):
        WorkerClient.connect("127.0.0.1", port, "wrong-token")
    # A raw connection that skips hello gets an error and is closed.
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b'{"op": "submit", "spec": {}}\n')
    reply = s.makefile("rb").readline()
    assert json.loads(reply)["kind"] == "unauthorized"
    assert s.recv(10) == b""
    s.close()


def test_worker_binds_loopback_only(worker):
    """The listening socket's local address (from the kernel's table) is 127.0.0.1, not 0.0.0.0."""
    port = worker.sock.getpeername()[1]
    with open("/proc/net/tcp") as f:
        rows = [line.split() for line in f.readlines()[1:]]
    listening = [r[1] for r in rows if r[3] == "0A" and int(r[1].split(":")[1], 16) == port]
    assert listening == ["0100007F:%04X" % port], listening


def test_status_lists_jobs(worker, tmp_path):
    job = worker.submit({"type": "noop", "output_dir": str(tmp_path)})
    worker.wait_for(job, 10)
    worker.request_status()
    ev = next_event(worker, "status")
    assert ev["jobs"][job] == "done" and ev["pid"] == worker.proc.pid and ev["rss_bytes"] > 0


def test_cancel_running_job_within_a_second(worker, tmp_path):
    spec = small_spec(tmp_path, params=SLOW_PARAMS)
    job = worker.submit(spec)
    queued = worker.submit(small_spec(tmp_path / "q"))
    # Wait until the slow job is in its longest stage.
    while True:
        ev = next_event(worker, timeout=60)
        if ev["event"] == "progress" and ev["message"] == "unwrap" and ev["step"] == 3:
            break
    time.sleep(0.3)
    worker.cancel(job)
    seen = []
    ev = worker.wait_for(job, 30, on_event=seen.append)
    assert ev["event"] == "cancelled"
    # The unwrap child was killed: the job never reached its next stage (latency figures: benchmarks/).
    assert not [e for e in seen if e.get("job_id") == job and e.get("message") == "bake"], seen
    # The queued job still runs afterwards.
    assert worker.wait_for(queued, 60)["event"] == "result"


def test_cancel_queued_job(worker, tmp_path):
    slow = worker.submit(small_spec(tmp_path, params=SLOW_PARAMS))
    queued = worker.submit(small_spec(tmp_path / "q"))
    worker.cancel(queued)
    assert worker.wait_for(queued, 5)["event"] == "cancelled"
    worker.cancel(slow)
    assert worker.wait_for(slow, 10)["event"] == "cancelled"


def test_killed_worker_reports_reason(tmp_path):
    c = WorkerClient.start_local(VENV_PYTHON)
    job = c.submit(small_spec(tmp_path, params=SLOW_PARAMS))
    next_event(c, "progress")
    os.kill(c.proc.pid, signal.SIGKILL)
    ev = c.wait_for(job, 10)
    assert ev["event"] == "disconnected"
    assert "SIGKILL" in ev["message"]
    assert not c.alive()
    c.stop()


def test_stop_ends_the_process_and_its_children(tmp_path):
    c = WorkerClient.start_local(VENV_PYTHON)
    c.submit(small_spec(tmp_path, params=SLOW_PARAMS))
    while True:
        ev = next_event(c, timeout=60)
        if ev["event"] == "progress" and ev["message"] == "unwrap":
            break
    time.sleep(0.3)
    pid = c.proc.pid
    children = _children(pid)
    c.stop(timeout=5)
    assert c.proc.returncode is not None
    time.sleep(0.5)
    for child in children:
        assert not os.path.exists(f"/proc/{child}") or _is_zombie(child), f"child {child} outlived the worker"


def _children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return out


def _is_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_missing_interpreter_is_a_clear_error():
    with pytest.raises(WorkerError, match="not found"):
        WorkerClient.start_local("/nonexistent/python")


def test_interpreter_that_exits_at_once_fails_clearly(tmp_path):
    # /bin/false exits at once: the worker "failed to start" with the exit code.
    with pytest.raises(WorkerError, match="failed to start"):
        WorkerClient.start_local("/bin/false")


def test_device_choice(tmp_path):
    from backend.worker.device import DeviceError, resolve_device
    import torch
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(DeviceError, match="no CUDA GPU"):
            resolve_device("cuda")
    c = WorkerClient.start_local(VENV_PYTHON, device="cuda" if not torch.cuda.is_available() else "cpu")
    try:
        c.request_status(probe_device=True)
        ev = next_event(c, "status")
        if torch.cuda.is_available():
            assert ev["device_info"]["device"] == "cpu"
        else:
            assert "no CUDA GPU" in ev["device_error"]
    finally:
        c.stop()


def test_worker_exits_when_its_parent_dies():
    """Blender crashing must not leave a worker behind."""
    import subprocess
    import sys
    from conftest import ROOT
    parent = subprocess.Popen([sys.executable, "-c", f"""
import sys, time
sys.path.insert(0, {ROOT!r})
from backend.client import WorkerClient
c = WorkerClient.start_local({VENV_PYTHON!r})
print(c.proc.pid, flush=True)
time.sleep(60)
"""], stdout=subprocess.PIPE, text=True)
    worker_pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and os.path.exists(f"/proc/{worker_pid}") and not _is_zombie(worker_pid):
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{worker_pid}") or _is_zombie(worker_pid), "worker outlived its parent"


def test_old_worker_logs_are_pruned_at_start(tmp_path):
    """Each start writes a log; only the newest few (and any still being written) are kept."""
    from backend import client as client_mod
    logs = tmp_path / "logs"
    logs.mkdir(mode=0o700)
    old = time.time() - 7200
    for i in range(30):
        p = logs / f"worker-1-{i:06x}.log"
        p.write_text("old")
        os.utime(p, (old + i, old + i))
    fresh = logs / "worker-2-fresh.log"
    fresh.write_text("a running worker's")
    other = logs / "notes.txt"
    other.write_text("not ours")
    c = client_mod.WorkerClient.start_local(VENV_PYTHON, log_dir=str(logs))
    c.stop()
    names = sorted(p.name for p in logs.iterdir())
    assert "notes.txt" in names and "worker-2-fresh.log" in names
    assert len([n for n in names if n.startswith("worker-")]) == client_mod.KEEP_LOGS
    assert "worker-1-00001d.log" in names and "worker-1-000000.log" not in names  # newest kept, oldest gone
