"""WorkerClient: start or connect to a worker, submit jobs, stream events, cancel, restart.

bpy-free and torch-free: Blender's Python, the CLI and the dataset orchestrator all use it. A reader
thread turns the worker's lines into event dicts on a ``queue.Queue``; the owner drains it on its own
thread (in Blender: a ``bpy.app.timers`` callback on the main thread).
"""
from __future__ import annotations

import json
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from .files import private_dir
from .jobs import FINAL_EVENTS, JobSpec

READY = "CONJURE_WORKER_READY"
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # folder holding backend/


class WorkerError(RuntimeError):
    """The worker could not be started, reached, or it refused us."""


def default_log_dir() -> str:
    return os.path.join(tempfile.gettempdir(), f"conjure-{os.getuid() if hasattr(os, 'getuid') else 'user'}")


KEEP_LOGS = 20  # worker logs kept in the log folder (one per start); older ones are removed at the next start


def prune_logs(log_dir: str, keep: int = KEEP_LOGS, idle: float = 3600.0) -> None:
    """Remove worker logs (``worker-*.log``) in ``log_dir`` beyond the newest ``keep`` that nothing has written to
    for ``idle`` seconds (a log still being written belongs to a worker that may still be running)."""
    now = time.time()
    try:
        names = [n for n in os.listdir(log_dir) if n.startswith("worker-") and n.endswith(".log")]
        paths = sorted((os.path.join(log_dir, n) for n in names), key=os.path.getmtime, reverse=True)
    except OSError:
        return
    for path in paths[keep:]:
        try:
            if now - os.path.getmtime(path) > idle:
                os.remove(path)
        except OSError:
            pass


def _describe_exit(code: int | None, log_path: str | None) -> str:
    if code is None:
        return "the connection to the worker was lost"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        why = f"the worker was killed ({name})"
        if -code == signal.SIGKILL:
            why += "; the system may have run out of memory"
    else:
        why = f"the worker exited with code {code}"
    if log_path and os.path.exists(log_path):
        with open(log_path, "rb") as f:
            f.seek(max(0, os.path.getsize(log_path) - 2000))
            tail = f.read().decode("utf-8", "replace").strip().splitlines()
        if tail:
            why += f": {tail[-1]}"
    return why


class WorkerClient:
    """One connection to one worker (a process we started, or a running one we connected to)."""

    def __init__(self, sock: socket.socket, token: str, proc: subprocess.Popen | None = None,
                 log_path: str | None = None):
        self.sock = sock
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # small messages: no Nagle delay
        self.token = token
        self.proc = proc
        self.log_path = log_path
        self.events: "queue.Queue[dict]" = queue.Queue()
        self._send_lock = threading.Lock()
        self._rfile = sock.makefile("rb")
        self.connected = True
        self.info = self._handshake()
        self._reader = threading.Thread(target=self._read_loop, name="conjure-client-reader", daemon=True)
        self._reader.start()

    # ------------------------------------------------------------------ construction
    @classmethod
    def start_local(cls, python: str | None = None, *, device: str = "auto", env: dict | None = None,
                    log_dir: str | None = None, timeout: float = 60.0,
                    cancel: threading.Event | None = None) -> "WorkerClient":
        """Start ``python -m backend.worker serve`` on loopback with a fresh token and connect to it.

        Setting ``cancel`` while the worker is starting kills it and raises WorkerError at once."""
        python = os.path.abspath(os.path.expanduser(python or sys.executable))
        if not os.path.isfile(python) or not os.access(python, os.X_OK):
            raise WorkerError(f"worker Python interpreter not found or not executable: {python}")
        token = secrets.token_urlsafe(24)
        log_dir = os.path.abspath(log_dir or default_log_dir())
        try:  # under the shared temp folder: ours alone (0700), never one another user made first
            os.makedirs(os.path.dirname(log_dir), exist_ok=True)
            private_dir(log_dir)
        except OSError as e:
            raise WorkerError(f"cannot use the worker's folder: {e}") from None
        prune_logs(log_dir, KEEP_LOGS - 1)
        log_path = os.path.join(log_dir, f"worker-{os.getpid()}-{uuid.uuid4().hex[:6]}.log")
        full_env = dict(os.environ, **(env or {}))
        # `python -m` puts the working folder first on sys.path: run from the package root (ours, not writable
        # by others) and ask for safe paths too (Python 3.11+), so only PYTHONPATH's package root is searched.
        full_env.update(CONJURE_WORKER_TOKEN=token, PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1",
                        PYTHONSAFEPATH="1",
                        PYTHONPATH=os.pathsep.join(p for p in (PACKAGE_ROOT, full_env.get("PYTHONPATH")) if p))
        log = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600), "ab")
        try:
            proc = subprocess.Popen(
                [python, "-m", "backend.worker", "serve", "--host", "127.0.0.1", "--port", "0",
                 "--device", device, "--parent-pid", str(os.getpid())],
                cwd=PACKAGE_ROOT, env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
        except OSError as e:
            raise WorkerError(f"cannot start the worker with {python}: {e.strerror}") from None
        finally:
            log.close()
        port = cls._wait_ready(proc, timeout, log_path, cancel)
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.settimeout(None)
            return cls(sock, token, proc, log_path)
        except (OSError, WorkerError):
            proc.kill()
            proc.wait()
            raise

    @staticmethod
    def _wait_ready(proc: subprocess.Popen, timeout: float, log_path: str,
                    cancel: threading.Event | None = None) -> int:
        result: dict = {}

        def read():
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").strip()
                if line.startswith(READY):
                    result["info"] = json.loads(line[len(READY):])
                    return

        t = threading.Thread(target=read, daemon=True)
        t.start()
        deadline = time.monotonic() + timeout
        while t.is_alive() and time.monotonic() < deadline:
            if cancel is not None and cancel.is_set():
                proc.kill()
                proc.wait()
                raise WorkerError("the worker's start was cancelled")
            t.join(min(0.05, max(deadline - time.monotonic(), 0.0)))
        if "info" not in result:
            if not t.is_alive():  # stdout closed: the process is ending; collect its exit code
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            if proc.poll() is None:
                proc.kill()
                proc.wait()
                raise WorkerError(f"the worker did not start within {timeout:.0f} s (log: {log_path})")
            raise WorkerError(f"the worker failed to start: {_describe_exit(proc.returncode, log_path)}")
        return int(result["info"]["port"])

    @classmethod
    def connect(cls, host: str, port: int, token: str, timeout: float = 10.0) -> "WorkerClient":
        """Connect to a worker someone else started (``python -m backend.worker serve``)."""
        try:
            sock = socket.create_connection((host, int(port)), timeout=timeout)
        except OSError as e:
            raise WorkerError(f"cannot reach the worker at {host}:{port}: {e.strerror or e}") from None
        sock.settimeout(None)
        return cls(sock, token)

    # ------------------------------------------------------------------ protocol
    def _send(self, msg: dict) -> None:
        data = (json.dumps(msg, separators=(",", ":")) + "\n").encode("utf-8")
        with self._send_lock:
            try:
                self.sock.sendall(data)
            except OSError as e:
                raise WorkerError(f"lost the connection to the worker: {e}") from None

    def _handshake(self) -> dict:
        self.sock.settimeout(10)
        try:
            self._send({"op": "hello", "token": self.token})
            line = self._rfile.readline()
        except (OSError, socket.timeout) as e:
            raise WorkerError(f"the worker did not answer: {e}") from None
        finally:
            self.sock.settimeout(None)
        if not line:
            raise WorkerError("the worker closed the connection")
        ev = json.loads(line)
        if ev.get("event") != "hello":
            self.close()
            raise WorkerError(f"the worker refused the connection: {ev.get('message', ev)}")
        return ev

    def _read_loop(self) -> None:
        try:
            for line in self._rfile:
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue
                if isinstance(ev, dict):
                    self.events.put(ev)
        except (OSError, ValueError):
            pass
        self.connected = False
        code = None
        if self.proc is not None:
            try:
                code = self.proc.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                code = None
        self.events.put({"event": "disconnected", "job_id": None, "message": _describe_exit(code, self.log_path),
                         "exit_code": code})

    def submit(self, spec: JobSpec | dict, job_id: str | None = None) -> str:
        """Send a job; returns its id at once (events follow on ``events``)."""
        job_id = job_id or uuid.uuid4().hex
        payload = spec.to_json() if isinstance(spec, JobSpec) else spec
        self._send({"op": "submit", "job_id": job_id, "spec": payload})
        return job_id

    def cancel(self, job_id: str) -> None:
        self._send({"op": "cancel", "job_id": job_id})

    def request_status(self, probe_device: bool = False) -> None:
        self._send({"op": "status", "probe_device": probe_device})

    def release(self) -> None:
        self._send({"op": "release"})

    def send_raw(self, data: bytes) -> None:
        """Send bytes as they are (tests of the worker's input checks)."""
        with self._send_lock:
            self.sock.sendall(data)

    def poll(self, limit: int | None = None) -> list[dict]:
        """Events received so far (at most ``limit``), without blocking."""
        out = []
        while limit is None or len(out) < limit:
            try:
                out.append(self.events.get_nowait())
            except queue.Empty:
                break
        return out

    def wait_for(self, job_id: str, timeout: float | None = None, on_event=None) -> dict:
        """Block until the job's final event (result / error / cancelled) or a disconnect; returns it."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError(f"job {job_id} did not finish within {timeout} s")
            try:
                ev = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if on_event:
                on_event(ev)
            if ev.get("event") == "disconnected":
                return ev
            if ev.get("job_id") == job_id and ev.get("event") in FINAL_EVENTS:
                return ev

    # ------------------------------------------------------------------ lifetime
    def alive(self) -> bool:
        return self.connected and (self.proc is None or self.proc.poll() is None)

    def close(self) -> None:
        """Disconnect. A worker we connected to keeps running (``shutdown`` stops one on purpose)."""
        self.connected = False
        try:  # wake the reader thread first: closing its file while it reads would wait for the next line
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        for f in (self._rfile, self.sock):
            try:
                f.close()
            except OSError:
                pass

    def shutdown(self) -> None:
        """Ask the worker to exit, whoever started it (the one way to stop a remote worker on purpose)."""
        self._send({"op": "shutdown"})

    def stop(self, timeout: float = 5.0) -> None:
        """Stop a worker we started (frees its memory; killed if it does not exit in time). A worker we only
        connected to keeps running: this just disconnects (``shutdown`` stops it on purpose)."""
        if self.proc is None:
            self.close()
            return
        if self.connected:
            try:
                self._send({"op": "shutdown"})
            except WorkerError:
                pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdout:
                self.proc.stdout.close()
        self.close()
