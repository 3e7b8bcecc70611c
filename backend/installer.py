"""WorkerInstaller: build the worker's Python environment (a venv with torch, diffusers, ...) for an artist.

bpy-free and torch-free: Blender's preferences drive it from a ``bpy.app.timers`` callback (``start()``, then
``poll()`` every few tenths of a second), tests drive it directly. The work runs on a background thread; each
step is a subprocess in its own process group, so ``cancel()`` ends pip and whatever pip started at once.

The recipe, all of it in ``<target>.new`` so the previous environment stays usable until the last moment:

1. Check the Python (``venv`` and ``ensurepip`` importable) and the target (outside the extension's folder).
2. ``python -m venv <target>.new``.
3. torch alone, from the index that matches the device (CPU wheels from PyTorch's index; the CUDA build is the
   default one on PyPI for Linux).
4. The worker's requirements, constrained to the torch that step 3 installed.
5. Import a few modules with the new interpreter.
6. Swap: ``<target>`` -> ``<target>.old``, ``<target>.new`` -> ``<target>``, delete ``<target>.old``.

A failed or cancelled install deletes ``<target>.new`` and leaves ``<target>`` as it was. pip's own detailed
log goes to ``<target>.install.log``.
"""
from __future__ import annotations

import atexit
import errno
import glob
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

from .pip_output import PipOutput

BACKEND_DIR = os.path.dirname(os.path.abspath(__file__))
EXTENSION_ROOT = os.path.dirname(BACKEND_DIR)  # the folder holding backend/: never written to
REQUIREMENTS = os.path.join(BACKEND_DIR, "worker", "requirements.txt")
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
INFO_FILE = "conjure-install.json"
# pip's final words when it found nothing because it reached no index (then a network problem is the cause).
_UNREACHABLE = re.compile(r"No matching distribution|Could not find a version|OSError|HTTPConnectionPool|"
                          r"HTTPSConnectionPool|connection", re.I)
DEFAULT_CHECK = ("numpy", "torch")
# Share of the progress bar per step (normalised over the steps that run).
STEP_WEIGHTS = {"venv": 0.05, "torch": 0.45, "requirements": 0.42, "verify": 0.08}


class InstallerError(ValueError):
    """The install cannot be started as asked (bad target, bad option)."""


class _Failed(Exception):
    """A step failed; ``reason`` is one of network / disk / pip / python / cancelled."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def worker_python(target_dir: str) -> str:
    """The interpreter inside the environment at ``target_dir`` (it may not exist yet)."""
    if os.name == "nt":
        return os.path.join(target_dir, "Scripts", "python.exe")
    return os.path.join(target_dir, "bin", "python")


def installed_info(target_dir: str) -> dict | None:
    """What the last successful install into ``target_dir`` recorded (torch build, versions), or None."""
    try:
        with open(os.path.join(target_dir, INFO_FILE), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _inside(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([path, folder]) == folder


def _torch_lines(requirements: str) -> list[str]:
    """The torch pins of a requirements file (``torch==2.13.0``), so torch has one source of truth."""
    out = []
    with open(requirements, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if re.match(r"torch\s*($|[<>=!~;\[ ])", line):
                out.append(line)
    return out


def _count_requirements(requirements: str) -> int:
    with open(requirements, encoding="utf-8") as f:
        return sum(1 for line in f if line.split("#", 1)[0].strip() and not line.lstrip().startswith("-"))


class WorkerInstaller:
    """One install of the worker's environment into ``target_dir``; start it once, then poll it.

    ``python`` is the interpreter the venv is made from (inside Blender: ``sys.executable``, Blender's own
    Python). ``torch`` is ``"cpu"``, ``"cuda"`` or None (no separate torch step: whatever the requirements say
    comes from the default index). On Windows PyPI's torch is CPU-only: pass ``torch_index_url`` (a
    ``https://download.pytorch.org/whl/cuXXX`` index) for CUDA there. ``extra_pip_args`` go to every pip call
    (a mirror, ``--no-index --find-links DIR`` for offline installs). Stop a worker that runs from
    ``target_dir`` before starting: its files are replaced.
    """

    def __init__(self, python: str, target_dir: str, requirements: str = REQUIREMENTS, torch: str | None = "cpu",
                 extra_pip_args: tuple[str, ...] = (), *, torch_index_url: str | None = None,
                 check_modules: tuple[str, ...] = DEFAULT_CHECK):
        if torch not in ("cpu", "cuda", None):
            raise InstallerError(f"torch must be 'cpu', 'cuda' or None, not {torch!r}")
        if not target_dir:
            raise InstallerError("no folder given for the worker environment")
        target = os.path.abspath(os.path.expanduser(target_dir))
        if _inside(target, EXTENSION_ROOT) or _inside(EXTENSION_ROOT, target):
            raise InstallerError(f"refusing to install the worker into {target}: it is inside (or holds) the "
                                 f"extension's folder {EXTENSION_ROOT}; use the extension's user folder")
        if os.path.exists(target) and not os.path.isfile(os.path.join(target, "pyvenv.cfg")):
            raise InstallerError(f"refusing to replace {target}: it exists and is not a Python environment")
        if not os.path.isfile(requirements):
            raise InstallerError(f"requirements file not found: {requirements}")
        self.python = os.path.abspath(os.path.expanduser(python))
        self.target_dir = target
        self.requirements = os.path.abspath(requirements)
        self.torch = torch
        self.torch_index_url = torch_index_url
        self.extra_pip_args = tuple(extra_pip_args)
        self.check_modules = tuple(check_modules)
        self.log_path = target + ".install.log"
        self._new, self._old = target + ".new", target + ".old"
        self._events: "queue.Queue[dict]" = queue.Queue()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._cancelled = False
        self._thread: threading.Thread | None = None
        self._fraction = 0.0
        self._message = ""
        self._last_emit = 0.0
        self.result: dict | None = None  # the final event (done or error)

    # ------------------------------------------------------------------ public API
    def start(self) -> None:
        if self._thread is not None:
            raise InstallerError("this installer was already started; make a new one")
        atexit.register(self.cancel)  # Blender quitting mid-install must not leave pip running on its own
        self._thread = threading.Thread(target=self._run, name="conjure-installer", daemon=True)
        self._thread.start()

    def poll(self) -> list[dict]:
        """Events since the last call, without blocking."""
        out = []
        while True:
            try:
                out.append(self._events.get_nowait())
            except queue.Empty:
                return out

    def cancel(self) -> None:
        """Stop now: kill the running step's process group; the thread then removes the partial environment.
        Too late once the new environment is being swapped into place (the install then ends as done)."""
        with self._lock:
            self._cancelled = True
            if self._proc is not None:
                _kill_group(self._proc)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the install ends (True) or ``timeout`` passes (False)."""
        if self._thread is None:
            raise InstallerError("the installer was not started")
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def done(self) -> bool:
        return self.result is not None

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result["kind"] == "done"

    # ------------------------------------------------------------------ events
    def _progress(self, fraction: float, message: str | None = None, force: bool = False) -> None:
        fraction = max(self._fraction, min(1.0, fraction))  # never backwards
        message = message or self._message
        now = time.monotonic()
        if fraction == self._fraction and message == self._message:
            return
        if force or message != self._message or (fraction - self._fraction >= 0.002 and now - self._last_emit > 0.1):
            self._events.put({"kind": "progress", "fraction": fraction, "message": message})
            self._last_emit = now
            self._fraction, self._message = fraction, message

    def _log(self, message: str) -> None:
        self._events.put({"kind": "log", "message": message})

    def _finish(self, event: dict) -> None:
        self._events.put(event)
        self.result = event  # after the put: whoever sees ``done`` finds the final event in ``poll()``
        atexit.unregister(self.cancel)

    # ------------------------------------------------------------------ the recipe
    def _run(self) -> None:
        try:
            self._install()
        except _Failed as e:
            self._cleanup_new()
            reason = "cancelled" if self._cancelled else e.reason
            message = "the install was cancelled" if self._cancelled else e.message
            self._finish({"kind": "error", "message": message, "reason": reason, "log": self.log_path})
        except OSError as e:
            self._cleanup_new()
            self._finish({"kind": "error", "message": _os_message(e, self.target_dir), "reason": "disk",
                          "log": self.log_path})
        except Exception as e:  # a bug here must still end the install and say so, not leave the UI waiting
            self._cleanup_new()
            self._finish({"kind": "error", "message": f"the installer failed: {type(e).__name__}: {e}",
                          "reason": "internal", "log": self.log_path})
            raise
        else:
            self._progress(1.0, "Worker environment installed", force=True)
            self._finish({"kind": "done", "python": worker_python(self.target_dir), "log": self.log_path})

    def _install(self) -> None:
        steps = ["venv"] + (["torch"] if self.torch else []) + ["requirements", "verify"]
        total = sum(STEP_WEIGHTS[s] for s in steps)
        spans, at = {}, 0.0
        for s in steps:
            spans[s] = (at / total, (at + STEP_WEIGHTS[s]) / total)
            at += STEP_WEIGHTS[s]

        # 1. Clean what an earlier, interrupted install left behind; check the Python.
        self._progress(0.0, "Checking Python", force=True)
        self._recover_interrupted_swap()
        self._cleanup_new()
        self._check_python()
        os.makedirs(os.path.dirname(self.target_dir), exist_ok=True)
        with open(self.log_path, "w", encoding="utf-8"):
            pass  # pip appends with --log: start each install with an empty log

        # 2. The virtual environment (pip comes from the Python's own ensurepip: no download).
        self._progress(spans["venv"][0], "Creating the Python environment", force=True)
        out = PipOutput(1)
        self._call([self.python, "-m", "venv", self._new], out, spans["venv"], what="venv")
        py = worker_python(self._new)
        pip = [py, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
               "--progress-bar", "raw" if _pip_version(self._new) >= (24, 1) else "off", "--log", self.log_path]

        # 3. torch alone, from the index that matches the device.
        torch_version = None
        if self.torch:
            lines = _torch_lines(self.requirements) or ["torch"]
            index = self.torch_index_url or (TORCH_CPU_INDEX if self.torch == "cpu" and sys.platform != "darwin"
                                             else None)  # macOS: PyPI's wheels are the CPU (+MPS) build
            args = pip + list(self.extra_pip_args) + (["--index-url", index] if index else []) + lines
            self._progress(spans["torch"][0], f"Installing torch ({self.torch})", force=True)
            self._call(args, PipOutput(4), spans["torch"], what="pip")
            torch_version = self._output([py, "-I", "-c", "import importlib.metadata as m; print(m.version('torch'))"])

        # 4. Everything else, keeping the torch of step 3.
        args = pip + list(self.extra_pip_args) + ["-r", self.requirements]
        if torch_version:
            constraint = os.path.join(self._new, "conjure-constraints.txt")
            with open(constraint, "w", encoding="utf-8") as f:
                f.write(f"torch=={torch_version}\n")
            args += ["-c", constraint]
        self._progress(spans["requirements"][0], "Installing the worker's packages", force=True)
        self._call(args, PipOutput(3 * _count_requirements(self.requirements)), spans["requirements"], what="pip")

        # 5. The new interpreter imports what the worker needs.
        self._progress(spans["verify"][0], "Checking the new environment", force=True)
        imports = "; ".join(f"import {m}" for m in self.check_modules) or "pass"
        self._call([py, "-I", "-c", imports], PipOutput(1), spans["verify"], what="verify")
        info = {"torch": self.torch, "torch_version": torch_version, "base_python": self.python,
                "requirements": self.requirements, "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        with open(os.path.join(self._new, INFO_FILE), "w", encoding="utf-8") as f:
            json.dump(info, f, indent=1)

        # 6. Swap into place.
        self._check_cancel()
        _retarget_scripts(self._new, self.target_dir)
        self._swap()

    def _check_python(self) -> None:
        if not (os.path.isfile(self.python) and os.access(self.python, os.X_OK)):
            raise _Failed("python", f"Python interpreter not found or not executable: {self.python}")
        probe = ("import sys\ntry:\n import venv, ensurepip\nexcept ImportError as e:\n print(e.name)\n"
                 "print(sys.version.split()[0])")
        lines = self._output([self.python, "-c", probe]).splitlines()
        if len(lines) > 1:
            raise _Failed("python", f"{self.python} cannot make virtual environments with pip: its {lines[0]} module "
                          "is missing (some Linux distributions split it off, e.g. python3-venv); bootstrapping pip "
                          "another way (venv --without-pip + get-pip.py) needs a download and is not attempted")

    def _recover_interrupted_swap(self) -> None:
        if os.path.isdir(self._old):
            if os.path.isdir(self.target_dir):
                shutil.rmtree(self._old)
            else:  # stopped between the two renames: the old environment is the last good one
                os.rename(self._old, self.target_dir)

    def _swap(self) -> None:
        had_old = os.path.isdir(self.target_dir)
        if had_old:
            os.rename(self.target_dir, self._old)
        try:
            os.rename(self._new, self.target_dir)
        except OSError:
            if had_old:
                os.rename(self._old, self.target_dir)
            raise
        if had_old:
            shutil.rmtree(self._old, ignore_errors=True)

    def _cleanup_new(self) -> None:
        for attempt in range(20):  # Windows: files of a just-killed process stay locked for a moment
            if not os.path.lexists(self._new):
                return
            try:
                shutil.rmtree(self._new)
            except OSError:
                time.sleep(0.05)

    # ------------------------------------------------------------------ subprocesses
    def _check_cancel(self) -> None:
        if self._cancelled:
            raise _Failed("cancelled", "the install was cancelled")

    def _spawn(self, args: list[str]) -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
        env.update(PYTHONUNBUFFERED="1", PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        if os.name == "nt":
            group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        else:
            group = {"start_new_session": True}  # its own process group: cancel() kills pip and its children
        with self._lock:
            self._check_cancel()
            try:
                self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                              stderr=subprocess.STDOUT, env=env, cwd=os.path.dirname(self.target_dir),
                                              **group)
            except OSError as e:
                raise _Failed("python", f"cannot run {args[0]}: {e.strerror}") from None
            return self._proc

    def _output(self, args: list[str]) -> str:
        proc = self._spawn(args)
        text = proc.communicate()[0].decode("utf-8", "replace").strip()
        self._check_cancel()
        if proc.returncode != 0:
            raise _Failed("python", f"{' '.join(args[:3])} failed: {(text.splitlines() or ['no output'])[-1]}")
        return text

    def _call(self, args: list[str], out: PipOutput, span: tuple[float, float], what: str) -> None:
        """Run one step, turning its output into log and progress events; raise _Failed if it fails."""
        log_start = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        proc = self._spawn(args)
        lo, hi = span
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if not line:
                continue
            if out.feed(line):
                self._log(line)
            self._progress(lo + (hi - lo) * out.fraction, out.message)
        code = proc.wait()
        proc.stdout.close()
        with self._lock:
            self._proc = None
        self._check_cancel()
        if code == 0:
            self._progress(hi, force=True)
            return
        out.read_log(self.log_path, log_start)  # pip logs some causes (a refused connection) only there
        if out.disk:
            raise _Failed("disk", f"not enough disk space for the worker environment in "
                          f"{os.path.dirname(self.target_dir)}: {out.disk}")
        if what == "venv":
            detail = out.last_error or out.last_line or f"exit code {code}"
            if "ensurepip" in "\n".join(out.tail):
                detail = "ensurepip is not available to install pip into it (e.g. python3-venv is missing)"
            raise _Failed("python", f"{self.python} could not create a virtual environment: {detail}")
        if out.network and (out.last_error is None or _UNREACHABLE.search(out.last_error)):
            where = f" {out.index}" if out.index else ""
            raise _Failed("network", f"could not reach the package index{where}: {out.network}")
        if what == "verify":
            raise _Failed("pip", f"the new environment is broken: {out.last_line or f'exit code {code}'}")
        if code < 0:
            raise _Failed("pip", f"pip was killed by signal {-code} (out of memory?)")
        raise _Failed("pip", f"pip failed: {out.last_error or out.last_line or f'exit code {code}'}")


def _kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _pip_version(env_dir: str) -> tuple[int, ...]:
    """pip's version in a fresh venv, from its dist-info folder (no subprocess)."""
    pattern = os.path.join(env_dir, "Lib" if os.name == "nt" else "lib*/python*", "site-packages", "pip-*.dist-info")
    for path in glob.glob(pattern):
        m = re.match(r"pip-(\d+)\.(\d+)", os.path.basename(path))
        if m:
            return int(m.group(1)), int(m.group(2))
    return (0, 0)


def _retarget_scripts(env_dir: str, final_dir: str) -> None:
    """venv and pip write the environment's absolute path into bin/ scripts (shebangs, activate): point them at
    the final folder before the rename, so ``<env>/bin/pip`` works afterwards (Windows .exe launchers excepted)."""
    if os.name == "nt":
        return
    old, new = env_dir.encode(), final_dir.encode()
    for path in glob.glob(os.path.join(env_dir, "bin", "*")):
        if os.path.islink(path) or not os.path.isfile(path) or os.path.getsize(path) > 1 << 16:
            continue
        with open(path, "rb") as f:
            data = f.read()
        if old in data and b"\0" not in data:
            with open(path, "wb") as f:
                f.write(data.replace(old, new))


def _os_message(e: OSError, where: str) -> str:
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"not enough disk space for the worker environment in {os.path.dirname(where)}: {e.strerror}"
    return f"cannot write the worker environment: {e.strerror or e}" + (f": {e.filename}" if e.filename else "")
