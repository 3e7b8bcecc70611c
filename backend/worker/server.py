"""The worker's server loop: newline-delimited JSON over TCP, one job at a time.

Protocol (client -> worker; every connection starts with ``hello``)::

    {"op": "hello", "token": "..."}             -> {"event": "hello", "pid": ..., "protocol": 1, ...}
    {"op": "submit", "job_id": "...", "spec": {...}}  -> accepted, then progress/log..., then result|error|cancelled
    {"op": "cancel", "job_id": "..."}           -> cancelled (queued job at once; running job within a second)
    {"op": "status"}                            -> {"event": "status", "running": ..., "queued": [...], ...}
    {"op": "release"}                           -> frees cached models; {"event": "released"}
    {"op": "shutdown"}                          -> cancels everything and exits

Nothing received is unpickled or evaluated: messages are parsed with ``json.loads`` and checked field by
field. A line over ``MAX_MESSAGE`` bytes, invalid JSON or an unknown op gets an error event and the
connection stays usable; a wrong token gets an error and the connection is closed.
"""
from __future__ import annotations

import gc
import hmac
import json
import os
import queue
import socket
import sys
import threading
import time
import uuid

from ..jobs import FINAL_EVENTS, JobSpec, SpecError, event
from .device import DeviceError, describe, resolve_device
from .runner import JobContext, run_job

PROTOCOL = 1
MAX_MESSAGE = 1 << 20  # bytes per line
_JOB_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class Connection:
    def __init__(self, sock: socket.socket, server: "WorkerServer"):
        self.sock = sock
        self.server = server
        self.rfile = sock.makefile("rb")
        self.lock = threading.Lock()
        self.open = True
        self.authenticated = False

    def send(self, ev: dict) -> None:
        data = (json.dumps(ev, separators=(",", ":")) + "\n").encode("utf-8")
        with self.lock:
            if not self.open:
                return
            try:
                self.sock.sendall(data)
            except OSError:
                self.open = False

    def close(self) -> None:
        with self.lock:
            self.open = False
        for f in (self.rfile, self.sock):
            try:
                f.close()
            except OSError:
                pass

    def read_message(self):
        """Next message as bytes, or ``b""`` at EOF. Oversize lines raise ValueError (already skipped)."""
        line = self.rfile.readline(MAX_MESSAGE + 1)
        if len(line) == MAX_MESSAGE + 1 and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # drop the rest of the oversize line
                line = self.rfile.readline(MAX_MESSAGE)
            raise ValueError(f"message larger than {MAX_MESSAGE} bytes")
        return line


class WorkerServer:
    def __init__(self, host: str, port: int, token: str, device: str = "auto", parent_pid: int | None = None):
        if not token:
            raise ValueError("a token is required")
        self.token = token
        self.device = device
        self.parent_pid = parent_pid
        self.listener = socket.create_server((host, port))
        self.address = self.listener.getsockname()[:2]
        self.jobs: dict[str, dict] = {}  # job_id -> {"state", "ctx", "conn", "final"}
        self.queue: "queue.Queue[str | None]" = queue.Queue()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.current: str | None = None

    # ------------------------------------------------------------------ jobs
    def _emit_for(self, job_id: str):
        def emit(ev: dict) -> None:
            with self.lock:
                job = self.jobs.get(job_id)
                if job is None:
                    return
                if ev["event"] in FINAL_EVENTS:
                    job["state"] = {"result": "done", "error": "failed", "cancelled": "cancelled"}[ev["event"]]
                    job["final"] = ev
                conn = job["conn"]
            conn.send(ev)
        return emit

    def _runner(self) -> None:
        while not self.stopping.is_set():
            job_id = self.queue.get()
            if job_id is None:
                return
            with self.lock:
                job = self.jobs.get(job_id)
                if job is None or job["state"] != "queued":
                    continue
                job["state"] = "running"
                self.current = job_id
            run_job(job["ctx"])
            with self.lock:
                self.current = None

    def submit(self, conn: Connection, msg: dict) -> None:
        job_id = msg.get("job_id") or uuid.uuid4().hex
        if not isinstance(job_id, str) or not 0 < len(job_id) <= 64 or not set(job_id) <= _JOB_ID_CHARS:
            conn.send(event("error", None, kind="bad_request", message="job_id: must be 1-64 letters, digits, - or _"))
            return
        try:
            spec = JobSpec.from_json(msg.get("spec"))
        except SpecError as e:
            conn.send(event("error", job_id, kind="bad_spec", field=e.field, message=f"bad job spec: {e}"))
            return
        with self.lock:
            if job_id in self.jobs:
                conn.send(event("error", job_id, kind="bad_request", message=f"job_id {job_id} is already in use"))
                return
            ctx = JobContext(job_id, spec, self._emit_for(job_id))
            self.jobs[job_id] = {"state": "queued", "ctx": ctx, "conn": conn, "final": None}
        conn.send(event("accepted", job_id, type=spec.type, position=self.queue.qsize()))
        self.queue.put(job_id)

    def cancel(self, conn: Connection, job_id) -> None:
        with self.lock:
            job = self.jobs.get(job_id) if isinstance(job_id, str) else None
            if job is None:
                conn.send(event("error", job_id if isinstance(job_id, str) else None, kind="bad_request",
                                message=f"no such job: {job_id!r}"))
                return
            state = job["state"]
            job["ctx"].cancel_event.set()
            if state == "queued":
                job["state"] = "cancelled"
                job["final"] = event("cancelled", job_id)
        if state == "queued":
            job["conn"].send(event("cancelled", job_id))
        elif state not in ("running",):
            conn.send(event("error", job_id, kind="bad_request", message=f"job {job_id} already ended ({state})"))

    def status(self) -> dict:
        with self.lock:
            states = {jid: j["state"] for jid, j in self.jobs.items()}
            queued = [jid for jid, s in states.items() if s == "queued"]
        rss = None
        try:
            with open(f"/proc/{os.getpid()}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1]) * 1024
        except OSError:
            pass
        return event("status", None, pid=os.getpid(), running=self.current, queued=queued, jobs=states,
                     device=self.device, rss_bytes=rss)

    # ------------------------------------------------------------------ connections
    def handle(self, conn: Connection) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    line = conn.read_message()
                except ValueError as e:
                    conn.send(event("error", None, kind="bad_request", message=str(e)))
                    continue
                except OSError:
                    break
                if not line:
                    break
                if not line.strip():
                    continue
                try:
                    msg = json.loads(line)
                except (ValueError, UnicodeDecodeError) as e:
                    conn.send(event("error", None, kind="bad_request", message=f"message is not valid JSON: {e}"))
                    continue
                if not isinstance(msg, dict) or not isinstance(msg.get("op"), str):
                    conn.send(event("error", None, kind="bad_request", message="message must be an object with an 'op'"))
                    continue
                if not conn.authenticated:
                    token = msg.get("token")
                    if msg["op"] != "hello" or not isinstance(token, str) or not hmac.compare_digest(
                            token.encode(), self.token.encode()):
                        conn.send(event("error", None, kind="unauthorized", message="wrong or missing token"))
                        break
                    conn.authenticated = True
                    conn.send(event("hello", None, pid=os.getpid(), protocol=PROTOCOL, device=self.device))
                    continue
                try:
                    self.dispatch(conn, msg)
                except Exception as e:  # a bad message must never take the connection or worker down
                    conn.send(event("error", None, kind="internal", message=f"{type(e).__name__}: {e}"))
        finally:
            conn.close()

    def dispatch(self, conn: Connection, msg: dict) -> None:
        op = msg["op"]
        if op == "submit":
            self.submit(conn, msg)
        elif op == "cancel":
            self.cancel(conn, msg.get("job_id"))
        elif op == "status":
            ev = self.status()
            if msg.get("probe_device"):  # imports torch: only when asked
                try:
                    ev["device_info"] = describe(resolve_device(self.device))
                except DeviceError as e:
                    ev["device_error"] = str(e)
            conn.send(ev)
        elif op == "release":
            gc.collect()
            release_models()
            conn.send(event("released", None))
        elif op == "shutdown":
            self.shutdown()
        elif op == "hello":
            conn.send(event("hello", None, pid=os.getpid(), protocol=PROTOCOL, device=self.device))
        else:
            conn.send(event("error", None, kind="bad_request", message=f"unknown op {op!r}"))

    def shutdown(self) -> None:
        self.stopping.set()
        with self.lock:
            for job in self.jobs.values():
                job["ctx"].cancel_event.set()
        self.queue.put(None)
        try:
            self.listener.close()
        except OSError:
            pass

    def _watch_parent(self) -> None:
        """Exit when the process that started us (Blender) is gone, so no worker is left behind."""
        while not self.stopping.wait(1.0):
            if os.getppid() != self.parent_pid:
                self.shutdown()

    def serve_forever(self) -> None:
        runner = threading.Thread(target=self._runner, name="conjure-runner", daemon=True)
        runner.start()
        if self.parent_pid:
            threading.Thread(target=self._watch_parent, daemon=True).start()
        self.listener.settimeout(0.5)
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Connection(sock, self)
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()
        # Give a running job a moment to see its cancel and report it.
        deadline = time.monotonic() + 2.0
        while self.current is not None and time.monotonic() < deadline:
            time.sleep(0.02)


def release_models() -> None:
    """Free cached models and accelerator memory (models live in backend.generate's cache)."""
    from ..generate import model_cache

    model_cache.clear_cache()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()
