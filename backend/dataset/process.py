"""A dataset run in its own process, followed without waiting (bpy-free; the Blender panel uses it).

``launch()`` chooses the processes: inside a real Blender the shards run in Blender's own binary
(``blender -b --factory-startup``) and the orchestrator in Blender's Python (or a Python the user chose); as the
bpy module (no Blender binary) everything runs in a Python that has the bpy module.

``DatasetProcess`` starts ``python -m backend.cli dataset --spec FILE --progress-json ...`` in a new process
group (``paths``, e.g. the extension's wheels, go first on its PYTHONPATH and on the shards' sys.path); a reader thread turns its JSON lines into the latest state, which ``poll()`` returns at once.
``cancel()`` kills the group (the orchestrator and its shard processes); files written so far are complete
(atomic), and running the same spec again resumes.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import threading
import time

from ..files import atomic_write
from .executors import ROOT, shard_env
from .spec import DatasetSpec, RunOptions


def is_blender_binary(binary_path: str, executable: str) -> bool:
    """``bpy.app.binary_path`` names a Blender program: an executable file called blender* (Blender.app's
    ``Blender``, ``blender.exe``) that is not the Python running us. The bpy module reports "" (or, built
    differently, its Python)."""
    if not binary_path or not os.path.isfile(binary_path) or not os.access(binary_path, os.X_OK):
        return False
    if executable and os.path.realpath(binary_path) == os.path.realpath(executable):
        return False
    return os.path.basename(binary_path).lower().startswith("blender")


def launch(binary_path: str, executable: str, python: str = "") -> tuple[str, str]:
    """(the Python that runs the orchestrator, the Blender binary that runs the shards or "").

    ``binary_path`` is ``bpy.app.binary_path``, ``executable`` is ``sys.executable`` (in a real Blender: its
    bundled Python, which has no bpy module), ``python`` the user's choice ("" = none)."""
    blender = binary_path if is_blender_binary(binary_path, executable) else ""
    return python or executable, blender


class DatasetProcess:
    def __init__(self, spec: DatasetSpec, options: RunOptions, python: str, paths=()):
        self.spec_path = os.path.join(tempfile.mkdtemp(prefix="conjure-dataset-"), "spec.json")
        atomic_write(self.spec_path, json.dumps(spec.to_json()).encode())
        cmd = [python, "-m", "backend.cli", "dataset", "--spec", self.spec_path, "--progress-json",
               "--executor", options.executor, "--workers", str(options.workers), "--retries", str(options.retries)]
        if options.ray_address:
            cmd += ["--ray-address", options.ray_address]
        if options.blender:
            cmd += ["--blender", options.blender]
        env = shard_env()
        env["PYTHONPATH"] = os.pathsep.join([*paths, env["PYTHONPATH"]])
        self.command = cmd
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=self._err,
                                     text=True, start_new_session=True)
        self.state = {"state": "RUNNING", "done": 0, "total": spec.total_frames, "rate": 0.0, "eta": None,
                      "error": "", "result": None}
        self._t0, self._done0 = time.monotonic(), None
        self._lock = threading.Lock()
        threading.Thread(target=self._read, name="conjure-dataset-reader", daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                if ev.get("event") == "progress":
                    if self._done0 is None:  # frames already there when resuming do not count towards the rate
                        self._done0, self._t0 = ev["done"], time.monotonic()
                    dt = time.monotonic() - self._t0
                    rate = (ev["done"] - self._done0) / dt if dt > 0 else 0.0
                    self.state.update(done=ev["done"], total=ev["total"], rate=rate,
                                      eta=(ev["total"] - ev["done"]) / rate if rate > 0 else None)
                elif ev.get("event") == "result":
                    self.state["result"] = ev
        rc = self.proc.wait()
        self._err.seek(0)
        err = self._err.read().decode(errors="replace").strip().splitlines()
        with self._lock:
            if self.state["state"] == "CANCELLED":
                return
            if rc == 0:
                self.state["state"] = "DONE"
            else:
                self.state.update(state="FAILED", error=next((ln for ln in reversed(err) if ln.startswith("error")),
                                                             err[-1] if err else f"exit code {rc}"))

    def poll(self) -> dict:
        with self._lock:
            return dict(self.state)

    def cancel(self) -> None:
        with self._lock:
            if self.state["state"] != "RUNNING":
                return
            self.state["state"] = "CANCELLED"
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
