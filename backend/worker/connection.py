"""One client connection: a reader with size limits and a writer thread fed by a bounded send queue.

Nothing that produces events (the job runner, another client's handler) ever blocks on a socket: ``send`` only
appends to this connection's queue. A client that stops reading fills its queue and is dropped; the worker and
every other client carry on.
"""
from __future__ import annotations

import collections
import json
import logging
import socket
import threading
import time

log = logging.getLogger("conjure.worker")

MAX_MESSAGE = 1 << 20          # bytes per line once authenticated
MAX_HELLO = 4096               # bytes per line before ``hello`` (a token is a few dozen)
MAX_QUEUED_BYTES = 8 << 20     # events waiting for a slow reader; beyond this the client is dropped


class MessageTooLarge(ValueError):
    """A line longer than the limit (already skipped when the connection stays open)."""


class Connection:
    def __init__(self, sock: socket.socket, peer=None, unread: bytes = b""):
        self.sock = sock
        self.peer = peer
        self.rfile = sock.makefile("rb")
        self._unread = unread  # bytes received before this object existed (after the hello line)
        self.opened = time.monotonic()
        self.authenticated = False
        self.open = True
        self.stalled_since: float | None = None  # when the writer started a send that has not finished
        self._cond = threading.Condition()
        self._out: collections.deque[bytes] = collections.deque()
        self._out_bytes = 0
        self._closing = False
        self._writer: threading.Thread | None = None

    # ------------------------------------------------------------------ sending
    def send(self, ev: dict) -> None:
        """Queue an event; never blocks. Drops the connection when the client is too far behind."""
        data = (json.dumps(ev, separators=(",", ":")) + "\n").encode("utf-8")
        with self._cond:
            if not self.open or self._closing:
                return
            if self._out_bytes + len(data) > MAX_QUEUED_BYTES:
                overflow = True
            else:
                overflow = False
                self._out.append(data)
                self._out_bytes += len(data)
                if self._writer is None:
                    self._writer = threading.Thread(target=self._write_loop, name="conjure-conn-writer",
                                                    daemon=True)
                    self._writer.start()
                self._cond.notify()
        if overflow:
            log.warning("dropping client %s: it stopped reading (%d bytes of events queued)", self.peer,
                        self._out_bytes)
            self.drop()

    def _write_loop(self) -> None:
        while True:
            with self._cond:
                while self.open and not self._out and not self._closing:
                    self._cond.wait()
                if not self.open or (self._closing and not self._out):
                    break
                chunk = b"".join(self._out)
                self._out.clear()
                self._out_bytes = 0
                self.stalled_since = time.monotonic()
            try:
                self.sock.sendall(chunk)
            except OSError:
                self.drop()
                return
            finally:
                self.stalled_since = None
        self._release()

    # ------------------------------------------------------------------ ending
    def close(self) -> None:
        """Close after the queued events are sent (an error reply goes out before the hang-up)."""
        with self._cond:
            if not self.open:
                return
            self._closing = True
            idle = self._writer is None
            self._cond.notify()
        if idle:
            self._release()
        else:
            try:  # the reader is done; the writer closes the socket once its queue is empty
                self.sock.shutdown(socket.SHUT_RD)
            except OSError:
                pass

    def drop(self) -> None:
        """Hang up now, unsent events included; wakes a reader or writer blocked on the socket."""
        with self._cond:
            self._out.clear()
            self._out_bytes = 0
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._release()

    def _release(self) -> None:
        with self._cond:
            if not self.open:
                return
            self.open = False
            self._cond.notify_all()
        for f in (self.rfile, self.sock):
            try:
                f.close()
            except OSError:
                pass

    # ------------------------------------------------------------------ reading
    def read_message(self, limit: int) -> bytes:
        """Next line as bytes, ``b""`` at EOF. A line over ``limit`` raises MessageTooLarge; the rest of it is
        skipped first unless ``skip`` is impossible (EOF)."""
        line = b""
        if self._unread:
            cut = self._unread.find(b"\n", 0, limit + 1)
            end = cut + 1 if cut >= 0 else min(len(self._unread), limit + 1)
            line, self._unread = self._unread[:end], self._unread[end:]
        if not line.endswith(b"\n") and len(line) <= limit:
            line += self.rfile.readline(limit + 1 - len(line))
        if len(line) == limit + 1 and not line.endswith(b"\n"):
            raise MessageTooLarge(f"message larger than {limit} bytes")
        return line

    def skip_line(self) -> None:
        """Discard the rest of an over-long line (authenticated clients only: they may have sent it by mistake)."""
        if self._unread:
            cut = self._unread.find(b"\n")
            self._unread = self._unread[cut + 1:] if cut >= 0 else b""
            if cut >= 0:
                return
        line = b"x"
        while line and not line.endswith(b"\n"):
            line = self.rfile.readline(MAX_MESSAGE)
