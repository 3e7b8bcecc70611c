"""Executors: run shard commands (``python -m backend.dataset.shard ...``, a headless Blender process each)
and report frames and shards as they finish. A process that dies is run again up to ``retries`` times, then
its shard is reported as failed with the tail of its stderr.

* ``LocalExecutor`` — a pool of N processes on this machine (threads only wait on them);
* ``RayExecutor`` — one Ray task per shard (the task runs the same command); the repository and the output
  folder must be at the same paths on every node (a shared file system).
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from ..jobs import SpecError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STDERR_TAIL = 2000


class ShardFailed(Exception):
    def __init__(self, shard_id: str, attempts: int, stderr: str):
        lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
        # the exception's own line (Python's last traceback line; Blender may print more after it)
        last = next((ln for ln in reversed(lines) if re.match(r"^[A-Za-z_.]+(Error|Exception)\b", ln)),
                    lines[-1] if lines else "no output")
        super().__init__(f"shard {shard_id} failed {attempts} time(s): {last[-500:]}")
        self.shard_id, self.attempts, self.stderr = shard_id, attempts, stderr


_private_user = []


def private_user_resources() -> str:
    """An empty Blender user folder for this process's children, removed at exit. A headless Blender started
    with the user's own folder syncs the extensions' wheels with *its* preferences, where Conjure is not
    enabled, and so uninstalls them from the user's Blender (seen with the bpy module); children get their own
    folder and import the wheels from PYTHONPATH / sys.path instead."""
    if not _private_user:
        import atexit
        import shutil
        import tempfile
        _private_user.append(tempfile.mkdtemp(prefix="conjure-blender-user-"))
        atexit.register(shutil.rmtree, _private_user[0], True)
    return _private_user[0]


def shard_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    env["BLENDER_USER_RESOURCES"] = private_user_resources()
    return env


if sys.platform.startswith("linux"):
    import ctypes
    _prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child may only call it (no imports)

    def _die_with_parent():  # in the child before exec: a killed orchestrator takes its shard processes along
        _prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
else:
    _die_with_parent = None


def run_shard_process(cmd: list[str], on_frame=lambda f: None, procs=None, lock=None) -> tuple[int, str]:
    """Run one shard command to the end; (exit code, stderr tail). ``on_frame(i)`` per frame event."""
    import tempfile
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, cwd=ROOT, env=shard_env(), stdout=subprocess.PIPE, stderr=err, text=True,
                             preexec_fn=_die_with_parent)
        if procs is not None:
            with lock:
                procs.add(p)
        try:
            for line in p.stdout:
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue
                if ev.get("event") == "frame":
                    on_frame(ev["frame"])
            rc = p.wait()
        finally:
            if procs is not None:
                with lock:
                    procs.discard(p)
        err.seek(0)
        return rc, err.read()[-STDERR_TAIL:].decode(errors="replace")


class LocalExecutor:
    """A pool of ``workers`` shard processes on this machine."""

    def __init__(self, workers: int = 1, retries: int = 2):
        self.workers, self.retries = workers, retries
        self._procs: set = set()
        self._lock = threading.Lock()
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        """Stop: no new shards; running processes are killed (their finished frames stay, atomic)."""
        self.cancelled.set()
        with self._lock:
            for p in list(self._procs):
                p.kill()

    def run(self, jobs, on_frame, on_done, on_failed) -> None:
        """``jobs``: [(shard, command)]. Calls back from worker threads."""
        def one(shard, cmd):
            for attempt in range(1, self.retries + 2):
                if self.cancelled.is_set():
                    return
                rc, err = run_shard_process(cmd, lambda f: on_frame(shard, f), self._procs, self._lock)
                if rc == 0:
                    on_done(shard)
                    return
            if not self.cancelled.is_set():
                on_failed(ShardFailed(shard.id, attempt, err))

        with ThreadPoolExecutor(self.workers, thread_name_prefix="conjure-shard") as pool:
            for f in [pool.submit(one, s, c) for s, c in jobs]:
                f.result()


def check_ray_address(address: str, timeout: float = 3.0) -> None:
    """Fail fast (SpecError) if ``ray`` is missing or a host:port address does not answer."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise SpecError("executor", "ray is not installed (pip install 'ray[default]')") from None
    if address in ("", "auto", "local"):
        return
    hostport = address.split("://", 1)[-1]
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        raise SpecError("ray_address", f"must be host:port, ray://host:port or auto; got {address!r}")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as e:
        raise SpecError("ray_address", f"nothing answers at {host}:{port} ({e.strerror or e})") from None


def _ray_shard(cmd):
    rc, err = run_shard_process(cmd)
    return rc, err


class RayExecutor:
    """One Ray task per shard; at most ``workers`` in flight. Ray re-runs tasks whose worker died
    (``max_retries``); a shard process that exits non-zero is submitted again up to ``retries`` times."""

    def __init__(self, address: str = "", workers: int = 1, retries: int = 2):
        self.address, self.workers, self.retries = address, workers, retries
        self.cancelled = threading.Event()
        self._refs = []

    def cancel(self) -> None:
        import ray
        self.cancelled.set()
        for r in list(self._refs):
            ray.cancel(r, force=True)

    def run(self, jobs, on_frame, on_done, on_failed) -> None:
        import ray
        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, log_to_driver=False)
            else:
                ray.init(num_cpus=self.workers, include_dashboard=False, log_to_driver=False)
        task = ray.remote(num_cpus=1, max_retries=self.retries)(_ray_shard)
        pending = list(jobs)
        attempts: dict = {}
        running: dict = {}
        while (pending or running) and not self.cancelled.is_set():
            while pending and len(running) < self.workers:
                shard, cmd = pending.pop(0)
                attempts[shard.id] = attempts.get(shard.id, 0) + 1
                ref = task.remote(cmd)
                running[ref] = (shard, cmd)
            self._refs = list(running)
            done, _ = ray.wait(list(running), num_returns=1)
            for ref in done:
                shard, cmd = running.pop(ref)
                try:
                    rc, err = ray.get(ref)
                except (ray.exceptions.RayError,) as e:
                    rc, err = -1, str(e)
                if rc == 0:
                    for f in range(shard.start, shard.stop):
                        on_frame(shard, f)
                    on_done(shard)
                elif attempts[shard.id] <= self.retries:
                    pending.append((shard, cmd))
                else:
                    on_failed(ShardFailed(shard.id, attempts[shard.id], err))
