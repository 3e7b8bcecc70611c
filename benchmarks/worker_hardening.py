"""Issue #10 figures, loopback only: cancel latency per stage, a 2,000-connection flood, stale files after kill -9.

    python benchmarks/worker_hardening.py [--cancels 20] [--budget 900] [--flood 2000] [--kills 20]

1. cancel latency: an implicit_shape job (4096 px texture) is cancelled at a random moment inside each stage;
   the figure is the time from sending ``cancel`` to receiving ``cancelled`` (max over the cancels per stage).
   Stages are visited round-robin until each has ``--cancels`` or the time budget is spent (then n says so).
2. flood: ``--flood`` hostile connections on loopback (idle ones, and ones sending garbage without a newline) are
   opened and kept open; meanwhile a legitimate client connects, says hello and runs a no-op job, 20 times.
   Then the same while a second flood keeps connecting.
3. kills: ``--kills`` times, a worker re-runs a job into the same folder and is killed with SIGKILL at a random
   moment; then one more worker starts (it cleans up) and the folders are checked for stale files.

Prints one JSON object on its last line.
"""
import argparse
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from _util import ROOT, WORKER_PYTHON, emit, summary
from backend.client import WorkerClient
from backend.mesh.glb import read_glb
from backend.worker import scratch

STAGES = ["sample", "mesh", "decimate", "unwrap", "bake", "export"]
CANCEL_PARAMS = {
    "primitives": [{"kind": "torus", "center": [0, 0, 0], "size": [0.5, 0.2, 0], "color": [0.5, 0.5, 0.5]},
                   {"kind": "sphere", "center": [0.3, 0.3, 0.3], "size": [0.3, 0, 0], "color": [0.9, 0.2, 0.2]}],
    "blend": 0.1, "resolution": 160, "texture_size": 4096, "face_budget": 20000, "color_noise": 0.2,
}
KILL_PARAMS = dict(CANCEL_PARAMS, resolution=64, texture_size=1024, face_budget=4000)


def spec(out, params, seed=0, name="bench"):
    return {"type": "implicit_shape", "name": name, "seed": seed, "output_dir": out, "params": params}


# --------------------------------------------------------------------------- 1. cancel latency
def cancel_latency(n_per_stage: int, budget: float, rng: random.Random, stages=STAGES) -> dict:
    out = tempfile.mkdtemp(prefix="conjure-bench-")
    c = WorkerClient.start_local(WORKER_PYTHON)
    durations: dict[str, float] = {}
    job = c.submit(spec(out, CANCEL_PARAMS))  # one full run: how long each stage takes here
    ev = c.wait_for(job, 900)
    assert ev["event"] == "result", ev
    durations = ev["metadata"]["timings"]
    lat = {s: [] for s in stages}
    failures = []
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline and min(len(v) for v in lat.values()) < n_per_stage:
        target = min(stages, key=lambda s: len(lat[s]))
        job = c.submit(spec(out, CANCEL_PARAMS, seed=rng.randrange(1000)))
        current, ended = None, False
        while current != target and not ended:
            ev = c.events.get(timeout=900)
            if ev.get("job_id") == job and ev["event"] == "progress":
                current = ev["message"]
            ended = ev.get("job_id") == job and ev["event"] in ("result", "error", "cancelled")
        if ended:
            failures.append(ev.get("message", ev["event"]))
            continue
        time.sleep(rng.uniform(0.0, 0.8) * durations.get(target, 0.5))
        for ev in c.poll():  # the stage the job is in now (events already received)
            if ev.get("job_id") == job and ev["event"] == "progress":
                current = ev["message"]
        t0 = time.perf_counter()
        c.cancel(job)
        ev = c.wait_for(job, 60)
        took = time.perf_counter() - t0
        if ev["event"] == "cancelled":
            lat[current if current in lat else target].append(took)
    c.stop()
    return {"stage_seconds_uncancelled": durations, "jobs_that_ended_before_the_stage": failures,
            "latency_s": {s: (summary(v) if v else None) for s, v in lat.items()},
            "max_s": round(max((max(v) for v in lat.values() if v), default=0.0), 4)}


# --------------------------------------------------------------------------- 2. flood
def start_served(token: str):
    tf = os.path.join(tempfile.mkdtemp(prefix="conjure-bench-"), "token")
    with open(tf, "w") as f:
        f.write(token)
    os.chmod(tf, 0o600)
    log = open(os.path.join(os.path.dirname(tf), "worker.log"), "wb")
    proc = subprocess.Popen([WORKER_PYTHON, "-m", "backend.worker", "serve", "--token-file", tf], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=log)
    line = proc.stdout.readline().decode()
    import json
    return proc, json.loads(line.split(" ", 1)[1])["port"], log.name


def legit_round_trip(port: int, token: str, out: str) -> float:
    t0 = time.perf_counter()
    c = WorkerClient.connect("127.0.0.1", port, token, timeout=10)
    job = c.submit({"type": "noop", "output_dir": out})
    ev = c.wait_for(job, 10)
    took = time.perf_counter() - t0
    c.close()
    assert ev["event"] == "result", ev
    return took


def hostile(port: int, i: int):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    if i % 2:
        try:
            s.sendall(b'{"op": "hello", "token": "' + b"A" * 3000)  # never finished
        except OSError:
            pass
    return s


def flood(n: int) -> dict:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    raised = False
    if soft < 2 * n + 200:  # this process holds every hostile socket open
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 2 * n + 200), hard))
        raised = True
    token = "bench-token-0123456789"
    proc, port, log = start_served(token)
    try:
        return _flood(n, proc, port, log, token, raised, soft)
    finally:  # a failed round trip must not leave the worker behind
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _flood(n, proc, port, log, token, raised, soft) -> dict:
    out = tempfile.mkdtemp(prefix="conjure-bench-")
    socks, failed = [], 0
    t0 = time.perf_counter()
    for i in range(n):
        try:
            socks.append(hostile(port, i))
        except OSError:
            failed += 1
    open_s = time.perf_counter() - t0
    held = [legit_round_trip(port, token, out) for _ in range(20)]
    alive_after_held = proc.poll() is None
    # A second flood keeps connecting while the client works.
    stop = threading.Event()
    more = []

    def keep_flooding():
        i = 0
        while not stop.is_set() and i < n:
            try:
                more.append(hostile(port, i))
            except OSError:
                pass
            i += 1

    t = threading.Thread(target=keep_flooding)
    t.start()
    during = [legit_round_trip(port, token, out) for _ in range(20)]
    stop.set()
    t.join()
    alive = proc.poll() is None
    for s in socks + more:
        s.close()
    proc.kill()
    proc.wait()
    with open(log, errors="replace") as f:
        log_text = f.read()
    return {"hostile_connections": n, "hostile_connect_failures": failed, "opened_in_s": round(open_s, 3),
            "second_flood_connections": len(more), "fd_limit_raised": raised, "fd_soft_limit": soft,
            "alive": alive_after_held and alive, "legit_round_trip_s_flood_held": summary(held),
            "legit_round_trip_s_while_flooding": summary(during),
            "worker_log_warnings": log_text.count("WARNING")}


# --------------------------------------------------------------------------- 3. kill -9
def stale_after_kills(kills: int, rng: random.Random) -> dict:
    out = tempfile.mkdtemp(prefix="conjure-bench-kill-")
    root = scratch.worker_root()
    unwrap_before = {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("conjure-unwrap-")}
    c = WorkerClient.start_local(WORKER_PYTHON)
    ev = c.wait_for(c.submit(spec(out, KILL_PARAMS, seed=0, name="k")), 300)
    assert ev["event"] == "result", ev
    full = float(sum(ev["metadata"]["timings"].values())) + 0.3
    c.stop()
    pids, completed, killed_in = [], 0, {}
    for i in range(kills):
        c = WorkerClient.start_local(WORKER_PYTHON)
        pids.append(c.proc.pid)
        job = c.submit(spec(out, KILL_PARAMS, seed=i + 1, name="k"))
        stage = "queued"
        deadline = time.monotonic() + rng.uniform(0.0, full * 1.2)
        done = False
        while time.monotonic() < deadline:
            for ev in c.poll():
                if ev.get("job_id") == job and ev["event"] == "progress":
                    stage = ev["message"]
                if ev.get("job_id") == job and ev["event"] in ("result", "error", "cancelled"):
                    done = True
            time.sleep(0.005)
        os.kill(c.proc.pid, signal.SIGKILL)
        c.proc.wait()
        c.stop()
        completed += done
        killed_in[stage if not done else "after result"] = killed_in.get(stage if not done else "after result", 0) + 1
    before_cleanup = _stale(out, root, pids, unwrap_before)
    WorkerClient.start_local(WORKER_PYTHON).stop()  # the next start cleans up
    after = _stale(out, root, pids, unwrap_before)
    return {"kills": kills, "killed_during": killed_in, "stale_before_next_start": before_cleanup,
            "stale_after_next_start": after}


def _stale(out: str, root: str, pids: list, unwrap_before: set) -> dict:
    names = os.listdir(out)
    staging = [n for n in names if n.startswith(scratch.STAGING_PREFIX)]
    tmp = [n for n in names if n.endswith(".tmp")]
    glb, png = "k.glb" in names, "k.png" in names
    mismatched = 0
    if glb and png:
        with open(os.path.join(out, "k.png"), "rb") as f:
            mismatched = int(read_glb(os.path.join(out, "k.glb"))["texture_png"] != f.read())
    worker_dirs = [p for p in pids if os.path.exists(os.path.join(root, f"worker-{p}"))]
    unwrap = {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("conjure-unwrap-")} - unwrap_before
    lone = int(glb != png)
    total = len(staging) + len(tmp) + mismatched + lone + len(worker_dirs) + len(unwrap)
    return {"total": total, "staging_folders": len(staging), "tmp_files": len(tmp), "lone_file": lone,
            "mismatched_pair": mismatched, "dead_worker_folders": len(worker_dirs), "unwrap_folders": len(unwrap)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cancels", type=int, default=20)
    ap.add_argument("--budget", type=float, default=900.0, help="seconds for the cancel part (default 900)")
    ap.add_argument("--flood", type=int, default=2000)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--stages", default=",".join(STAGES), help="stages to cancel in (default: all)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: cancel,flood,kills")
    args = ap.parse_args()
    rng = random.Random(10)
    skip = set(args.skip.split(","))
    result = {"figure": "worker_hardening"}
    if "flood" not in skip:
        result["flood"] = flood(args.flood)
        print("flood", result["flood"], file=sys.stderr, flush=True)
    if "kills" not in skip:
        result["kills"] = stale_after_kills(args.kills, rng)
        print("kills", result["kills"], file=sys.stderr, flush=True)
    if "cancel" not in skip:
        result["cancel"] = cancel_latency(args.cancels, args.budget, rng, args.stages.split(","))
    emit(result)


if __name__ == "__main__":
    main()
