"""Helpers for tests that talk to a real worker process over loopback as a raw (possibly hostile) client."""
import json
import os
import socket
import subprocess
import time

from conftest import ROOT, VENV_PYTHON

TOKEN = "test-token-0123456789"


class Served:
    """A worker started as ``python -m backend.worker serve`` (the way a remote worker is started)."""

    def __init__(self, tmp_path, *args, token=TOKEN, preexec_fn=None, env=None):
        self.token_file = tmp_path / "token"
        self.token_file.write_text(token)
        self.token_file.chmod(0o600)
        self.token = token
        self.log_path = tmp_path / "worker.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [VENV_PYTHON, "-m", "backend.worker", "serve", "--token-file", str(self.token_file), *args],
                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, preexec_fn=preexec_fn,
                env=dict(os.environ, **(env or {})))
        line = self.proc.stdout.readline().decode()
        assert line.startswith("CONJURE_WORKER_READY"), (line, self.log())
        self.port = json.loads(line.split(" ", 1)[1])["port"]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def raw(self, hello=True, timeout=10.0) -> "Raw":
        r = Raw(self.port, timeout)
        if hello:
            r.send({"op": "hello", "token": self.token})
            assert r.read()["event"] == "hello"
        return r

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


class Raw:
    """A bare socket speaking the protocol by hand."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.rfile = self.sock.makefile("rb")

    def send(self, msg) -> None:
        self.send_bytes(json.dumps(msg).encode() + b"\n" if not isinstance(msg, bytes) else msg)

    def send_bytes(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read(self) -> dict:
        line = self.rfile.readline()
        assert line, "connection closed"
        return json.loads(line)

    def read_until(self, pred, limit=10_000) -> dict:
        for _ in range(limit):
            ev = self.read()
            if pred(ev):
                return ev
        raise AssertionError("no matching event")

    def closed(self, timeout=5.0) -> bool:
        """True when the worker hangs up within ``timeout`` (after any replies it sent)."""
        self.sock.settimeout(timeout)
        try:
            while self.rfile.readline():
                pass
            return True
        except (socket.timeout, TimeoutError):
            return False
        except OSError:
            return True

    def close(self) -> None:
        for f in (self.rfile, self.sock):
            try:
                f.close()
            except OSError:
                pass


def wait_until(pred, timeout=10.0, every=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(every)
    return False
