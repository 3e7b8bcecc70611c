"""The worker's server loop: newline-delimited JSON over TCP, one job at a time.

Protocol (client -> worker; every connection starts with ``hello``)::

    {"op": "hello", "token": "..."}             -> {"event": "hello", "pid": ..., "protocol": 1, ...}
    {"op": "submit", "job_id": "...", "spec": {...}}  -> accepted, then progress/log..., then result|error|cancelled
    {"op": "cancel", "job_id": "..."}           -> cancelled (queued job at once; running job within a second)
    {"op": "status"}                            -> {"event": "status", "running": ..., "queued": [...], ...}
    {"op": "release"}                           -> frees cached models; {"event": "released"}
    {"op": "shutdown"}                          -> cancels everything and exits

Nothing received is unpickled or evaluated: messages are parsed with ``json.loads`` and checked field by
field. Every problem is answered with one error event, ``{"event": "error", "job_id": ..., "kind": ...,
"message": "one line"}``; ``job_id`` is the job the message named when it named a well-formed one, else null.
Error kinds:

    unauthorized   the first message was not ``hello`` with the right token. The connection is closed.
    bad_request    the message itself is wrong: not JSON, not an object, no ``op``, an unknown op, a line over
                   ``MAX_MESSAGE`` bytes, nesting deeper than ``MAX_DEPTH``, a string with a lone surrogate,
                   a malformed or reused job_id, cancelling an unknown or ended job. The connection stays usable.
                   Before ``hello`` any bad message (or a line over ``MAX_HELLO`` bytes) closes the connection.
    bad_spec       the job spec is invalid; ``field`` names the offending field (e.g. ``params.blend``).
    busy           the worker is at a limit: too many clients (the connection is closed) or too many queued jobs.
    failed         the job raised an error: the message is one line ``ExceptionType: what``; the traceback is
                   only in the worker's log.
    out_of_memory  the job ran out of (GPU) memory.
    internal       a bug in the worker while handling a message; details in the worker's log.

Limits that keep one client from starving the others (or stopping the worker): at most ``MAX_PENDING``
connections that have not said ``hello``, held by the accept loop in a selector with no thread each (when full,
the oldest one that has already been read is dropped to admit a new one, and each gets ``HELLO_TIMEOUT``
seconds), at most ``MAX_CLIENTS`` authenticated ones, a bounded send queue per connection (a
client that stops reading is dropped), ``MAX_QUEUED_JOBS`` queued jobs and the last ``history`` finished jobs
remembered for ``status``. A failing ``accept`` (out of file descriptors) is logged and retried, never fatal.
"""
from __future__ import annotations

import collections
import errno
import gc
import hmac
import json
import logging
import os
import queue
import selectors
import socket
import sys
import threading
import time
import uuid

from ..jobs import FINAL_EVENTS, JobSpec, SpecError, event
from .connection import MAX_HELLO, MAX_MESSAGE, Connection, MessageTooLarge
from .protocol import MAX_DEPTH, BadMessage, job_id_of, parse_message, valid_job_id
from .device import DeviceError, describe, resolve_device
from .runner import JobContext, one_line, run_job

log = logging.getLogger("conjure.worker")

PROTOCOL = 1
MAX_PENDING = 256         # connections that have not said hello yet (no thread each: held in a selector)
ACCEPT_BATCH = 512        # connections taken from the kernel's queue before the waiting ones are read
MAX_CLIENTS = 32          # authenticated connections
HELLO_TIMEOUT = 3.0       # seconds a new connection has to authenticate
SEND_STALL_TIMEOUT = 30.0  # seconds a send may block before the client is dropped
MAX_QUEUED_JOBS = 1000
HISTORY = 1000            # finished jobs remembered (status, duplicate ids)
__all__ = ["WorkerServer", "MAX_MESSAGE", "MAX_HELLO", "MAX_DEPTH", "PROTOCOL"]


class WorkerServer:
    def __init__(self, host: str, port: int, token: str, device: str = "auto", parent_pid: int | None = None,
                 history: int = HISTORY):
        if not token:
            raise ValueError("a token is required")
        self.token = token.encode("utf-8", "surrogatepass")
        self.device = device
        self.parent_pid = parent_pid
        self.history = max(int(history), 1)
        self.listener = socket.create_server((host, port), backlog=1024)
        self.address = self.listener.getsockname()[:2]
        self.jobs: dict[str, dict] = {}  # job_id -> {"state", "ctx", "conn", "final"}
        self.finished: collections.deque[str] = collections.deque()  # ended job ids, oldest first
        self.queue: "queue.Queue[str | None]" = queue.Queue()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.current: str | None = None
        self.conns: set[Connection] = set()
        self.conns_lock = threading.Lock()
        self._reserve_fd: int | None = None
        self.selector = selectors.DefaultSelector()
        self.pending: dict[socket.socket, _Pending] = {}  # not yet authenticated, oldest first (accept loop only)
        self._wake_r, self._wake_w = socket.socketpair()  # shutdown() wakes the accept loop
        self._wake_r.setblocking(False)
        self._last_log = 0.0
        self._polls = 0

    # ------------------------------------------------------------------ jobs
    def _emit_for(self, job_id: str):
        def emit(ev: dict) -> None:
            with self.lock:
                job = self.jobs.get(job_id)
                if job is None or job["conn"] is None:
                    return
                if ev["event"] in FINAL_EVENTS:
                    job["state"] = {"result": "done", "error": "failed", "cancelled": "cancelled"}[ev["event"]]
                conn = job["conn"]
            conn.send(ev)
        return emit

    def _retire(self, job_id: str) -> None:
        """The job ended: forget its context and connection, and all but the last ``history`` ended jobs."""
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None:
                return
            job["ctx"] = job["conn"] = None
            self.finished.append(job_id)
            while len(self.finished) > self.history:
                self.jobs.pop(self.finished.popleft(), None)

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
                ctx = job["ctx"]
            run_job(ctx)
            self._retire(job_id)
            with self.lock:
                self.current = None

    def submit(self, conn: Connection, msg: dict) -> None:
        job_id = msg.get("job_id") or uuid.uuid4().hex
        if not valid_job_id(job_id):
            conn.send(event("error", None, kind="bad_request", message="job_id: must be 1-64 letters, digits, - or _"))
            return
        try:
            spec = msg.get("spec")
            out = spec.get("output_dir") if isinstance(spec, dict) else None
            if isinstance(out, str) and not os.path.isabs(os.path.expanduser(out)):
                # Clients resolve relative folders against their own working folder; the worker has none to offer.
                raise SpecError("output_dir", f"must be an absolute path on the worker's machine, got {out[:80]!r}")
            spec = JobSpec.from_json(spec)
        except SpecError as e:
            conn.send(event("error", job_id, kind="bad_spec", field=e.field, message=one_line(f"bad job spec: {e}")))
            return
        except (ValueError, TypeError, OverflowError, RecursionError) as e:  # a check that missed a case
            log.exception("job %s: spec check failed", job_id)
            conn.send(event("error", job_id, kind="bad_spec", field="spec",
                            message=one_line(f"bad job spec: {type(e).__name__}: {e}")))
            return
        with self.lock:
            if job_id in self.jobs:
                conn.send(event("error", job_id, kind="bad_request", message=f"job_id {job_id} is already in use"))
                return
            if self.queue.qsize() >= MAX_QUEUED_JOBS:
                conn.send(event("error", job_id, kind="busy",
                                message=f"{MAX_QUEUED_JOBS} jobs are already queued; try again later"))
                return
            ctx = JobContext(job_id, spec, self._emit_for(job_id))
            self.jobs[job_id] = {"state": "queued", "ctx": ctx, "conn": conn}
        conn.send(event("accepted", job_id, type=spec.type, position=self.queue.qsize()))
        self.queue.put(job_id)

    def cancel(self, conn: Connection, job_id) -> None:
        if not valid_job_id(job_id):
            conn.send(event("error", None, kind="bad_request", message="cancel: job_id must be 1-64 letters, "
                                                                      "digits, - or _"))
            return
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None:
                conn.send(event("error", job_id, kind="bad_request", message=f"no such job: {job_id}"))
                return
            state, owner = job["state"], job["conn"]
            if state in ("queued", "running"):
                job["ctx"].cancel_event.set()
            if state == "queued":
                job["state"] = "cancelled"
        if state == "queued":
            owner.send(event("cancelled", job_id))
            self._retire(job_id)
        elif state != "running":
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
        with self.conns_lock:
            clients = sum(1 for c in self.conns if c.authenticated)
        return event("status", None, pid=os.getpid(), running=self.current, queued=queued, jobs=states,
                     device=self.device, rss_bytes=rss, clients=clients, history=self.history)

    # ------------------------------------------------------------------ connections
    def handle(self, conn: Connection) -> None:
        """An authenticated connection's thread: serve it until it ends."""
        try:
            self._serve(conn)
        except Exception:  # a bug must cost one connection at most, and be in the log
            log.exception("connection %s: unexpected error", conn.peer)
        finally:
            with self.conns_lock:
                self.conns.discard(conn)
            conn.close()

    def _hello_error(self, line: bytes) -> dict | None:
        """None when ``line`` is ``hello`` with the right token, else the error event to send before hanging up."""
        try:
            msg = parse_message(line)
        except BadMessage as e:
            return event("error", None, kind="bad_request", message=f"{e}; closing (say hello first)")
        token = msg.get("token")
        if msg["op"] != "hello" or not isinstance(token, str) or not hmac.compare_digest(
                token.encode("utf-8", "surrogatepass"), self.token):
            return event("error", None, kind="unauthorized", message="wrong or missing token")
        return None

    def _serve(self, conn: Connection) -> None:
        while not self.stopping.is_set() and conn.open:
            try:
                line = conn.read_message(MAX_MESSAGE)
            except MessageTooLarge as e:
                conn.skip_line()
                conn.send(event("error", None, kind="bad_request", message=str(e)))
                continue
            except OSError:
                return
            if not line:
                return
            if not line.strip():
                continue
            try:
                msg = parse_message(line)
            except BadMessage as e:
                conn.send(event("error", e.job_id, kind="bad_request", message=str(e)))
                continue
            try:
                self.dispatch(conn, msg)
            except Exception as e:  # a bad message must never take the connection or worker down
                log.exception("message %s failed", msg.get("op"))
                conn.send(event("error", job_id_of(msg), kind="internal",
                                message=one_line(f"{type(e).__name__}: {e}")))

    def dispatch(self, conn: Connection, msg: dict) -> None:
        op = msg["op"]
        if op == "submit":
            self.submit(conn, msg)
        elif op == "cancel":
            self.cancel(conn, msg.get("job_id"))
        elif op == "status":
            ev = self.status()
            if msg.get("probe_device") is True:  # imports torch: only when asked
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
            log.info("shutdown requested by %s", conn.peer)
            self.shutdown()
        elif op == "hello":
            conn.send(event("hello", None, pid=os.getpid(), protocol=PROTOCOL, device=self.device))
        else:
            conn.send(event("error", job_id_of(msg), kind="bad_request",
                            message=f"unknown op {one_line(repr(op), 80)}"))

    def shutdown(self) -> None:
        self.stopping.set()
        with self.lock:
            for job in self.jobs.values():
                if job["ctx"] is not None:
                    job["ctx"].cancel_event.set()
        self.queue.put(None)
        try:  # the accept loop closes the listener and the waiting connections on its way out
            self._wake_w.send(b"x")
        except OSError:
            pass

    def _watch_parent(self) -> None:
        """Exit when the process that started us (Blender) is gone, so no worker is left behind."""
        while not self.stopping.wait(1.0):
            if os.getppid() != self.parent_pid:
                log.info("parent %s is gone: shutting down", self.parent_pid)
                self.shutdown()

    # ------------------------------------------------------------------ the accept loop
    # Connections that have not said hello yet cost no thread: the accept loop holds them in a selector, reads
    # their first line without blocking, and only an authenticated connection gets a thread of its own. A flood of
    # hostile connections therefore costs an accept, a register and a close each, and the kernel's accept queue is
    # drained in a tight loop, so a legitimate client is not left waiting behind it.

    def _accept_ready(self) -> None:
        for _ in range(ACCEPT_BATCH):
            if len(self.pending) >= MAX_PENDING:
                # Full: shed the longest-waiting connection, but only one that has been polled at least once
                # (what it sent has been read); otherwise read the waiting ones first and accept again after.
                oldest = next(iter(self.pending))
                if self.pending[oldest].polls == self._polls:
                    return
                self._drop_pending(oldest)
            try:
                sock, peer = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                if self.stopping.is_set():
                    return
                self._last_log = self._accept_failed(e, self._last_log)
                return
            try:
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.pending[sock] = _Pending(peer, self._polls)
                self.selector.register(sock, selectors.EVENT_READ, sock)
            except (OSError, ValueError) as e:
                log.warning("could not take a connection from %s: %s", peer, e)
                self._drop_pending(sock)

    def _read_hello(self, sock: socket.socket) -> None:
        p = self.pending.get(sock)
        if p is None:
            return
        try:
            data = sock.recv(MAX_HELLO + 1 - len(p.buf))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop_pending(sock)
            return
        p.buf += data
        cut = p.buf.find(b"\n")
        if cut < 0:
            if len(p.buf) > MAX_HELLO:
                self._refuse(sock, event("error", None, kind="bad_request",
                                         message=f"message larger than {MAX_HELLO} bytes; closing (say hello first)"))
            return
        line, rest = p.buf[:cut + 1], p.buf[cut + 1:]
        err = self._hello_error(line)
        if err is not None:
            self._refuse(sock, err)
            return
        with self.conns_lock:
            full = sum(1 for c in self.conns if c.authenticated) >= MAX_CLIENTS
        if full:
            self._refuse(sock, event("error", None, kind="busy",
                                     message=f"{MAX_CLIENTS} clients are already connected"))
            return
        self._forget_pending(sock)
        sock.setblocking(True)
        conn = Connection(sock, p.peer, unread=rest)
        conn.authenticated = True
        with self.conns_lock:
            self.conns.add(conn)
        conn.send(event("hello", None, pid=os.getpid(), protocol=PROTOCOL, device=self.device))
        try:
            threading.Thread(target=self.handle, args=(conn,), name="conjure-conn", daemon=True).start()
        except RuntimeError as e:  # no thread could be started
            log.warning("could not serve %s: %s", p.peer, e)
            with self.conns_lock:
                self.conns.discard(conn)
            conn.drop()

    def _refuse(self, sock: socket.socket, ev: dict) -> None:
        """Best-effort one-line error (the socket buffer has room for it), then hang up."""
        try:
            sock.send((json.dumps(ev, separators=(",", ":")) + "\n").encode("utf-8"))
        except OSError:
            pass
        self._drop_pending(sock)

    def _forget_pending(self, sock: socket.socket) -> None:
        if self.pending.pop(sock, None) is not None:
            try:
                self.selector.unregister(sock)
            except (KeyError, ValueError):
                pass

    def _drop_pending(self, sock: socket.socket) -> None:
        self._forget_pending(sock)
        try:
            sock.close()
        except OSError:
            pass

    def _sweep(self) -> None:
        """Drop connections that did not say hello in time and clients whose sends are stuck."""
        now = time.monotonic()
        for sock in [s for s, p in self.pending.items() if now - p.opened > HELLO_TIMEOUT]:
            self._drop_pending(sock)
        with self.conns_lock:
            late = [c for c in self.conns
                    if c.stalled_since is not None and now - c.stalled_since > SEND_STALL_TIMEOUT]
            for c in late:
                self.conns.discard(c)
        for c in late:
            c.drop()

    def _accept_failed(self, e: OSError, last_log: float) -> float:
        """Out of file descriptors (or a transient error): shed one waiting connection, log, go on."""
        now = time.monotonic()
        if now - last_log > 5.0:
            log.warning("accept failed: %s (%d waiting for hello, %d clients); still serving", e,
                        len(self.pending), len(self.conns))
            last_log = now
        self._sweep()
        if e.errno in (errno.EMFILE, errno.ENFILE):
            if self.pending:  # free a descriptor: the longest-waiting connection that has not said hello
                self._drop_pending(next(iter(self.pending)))
                return last_log
            if self._reserve_fd is not None:  # none to drop: accept with the spare descriptor and hang up
                os.close(self._reserve_fd)
                self._reserve_fd = None
                try:
                    sock, _ = self.listener.accept()
                    sock.close()
                except OSError:
                    pass
                self._open_reserve()
        time.sleep(0.01)
        return last_log

    def _open_reserve(self) -> None:
        try:
            self._reserve_fd = os.open(os.devnull, os.O_RDONLY)
        except OSError:
            self._reserve_fd = None

    def serve_forever(self) -> None:
        runner = threading.Thread(target=self._runner, name="conjure-runner", daemon=True)
        runner.start()
        if self.parent_pid:
            threading.Thread(target=self._watch_parent, daemon=True).start()
        self._open_reserve()
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ, None)
        self.selector.register(self._wake_r, selectors.EVENT_READ, self._wake_r)
        last_sweep = 0.0
        try:
            while not self.stopping.is_set():
                if time.monotonic() - last_sweep > 0.25:
                    self._sweep()
                    last_sweep = time.monotonic()
                try:
                    ready = self.selector.select(timeout=0.25)
                except OSError as e:
                    log.warning("select failed: %s", e)
                    time.sleep(0.01)
                    continue
                self._polls += 1
                # Waiting connections first, so that a hello already sent is read before anyone is shed.
                ready.sort(key=lambda item: item[0].data is None)
                for key, _ in ready:
                    if key.data is None:
                        self._accept_ready()
                    elif key.data is self._wake_r:
                        try:
                            self._wake_r.recv(64)
                        except OSError:
                            pass
                    else:
                        self._read_hello(key.data)
        finally:
            for sock in list(self.pending):
                self._drop_pending(sock)
            self.selector.close()
            for s in (self.listener, self._wake_r, self._wake_w):
                try:
                    s.close()
                except OSError:
                    pass
        log.info("stopping")
        # Give a running job a moment to see its cancel and report it.
        deadline = time.monotonic() + 2.0
        while self.current is not None and time.monotonic() < deadline:
            time.sleep(0.02)


class _Pending:
    """A connection that has not said hello: what it sent so far and when it came."""
    __slots__ = ("peer", "buf", "opened", "polls")

    def __init__(self, peer, polls: int):
        self.peer = peer
        self.buf = b""
        self.opened = time.monotonic()
        self.polls = polls  # the accept loop's poll count when it came


def release_models() -> None:
    """Free cached models and accelerator memory (models live in backend.generate's cache)."""
    from ..generate import model_cache

    model_cache.clear_cache()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()
