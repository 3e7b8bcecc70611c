"""Long single C calls (xatlas' unwrap, quadric decimation) in a child process, so a cancel can stop them at once.

Arrays go in and out as .npz files (never pickles) in a private temporary folder (inside a worker: the worker's
own folder, which the next worker removes if this one is killed). Run as
``python -m <package>.mesh.child TASK IN.npz OUT.npz PARENT_PID``; TASK is a name in ``TASKS``.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from typing import Callable

import numpy as np


class Cancelled(Exception):
    """The caller asked to stop."""


def _task_unwrap(data) -> dict:
    from .unwrap import _xatlas

    vmapping, faces, uvs = _xatlas(data["verts"], data["faces"])
    return {"vmapping": vmapping, "faces": faces, "uvs": uvs}


def _task_decimate(data) -> dict:
    from .asset import simplify

    verts, faces = simplify(data["verts"], data["faces"], int(data["face_budget"]))
    return {"verts": verts, "faces": faces}


TASKS = {"unwrap": _task_unwrap, "decimate": _task_decimate}


def run(task: str, arrays: dict, cancelled: Callable[[], bool] = lambda: False, poll: float = 0.05) -> dict:
    """Run ``TASKS[task]`` on ``arrays`` in a child process; returns its arrays. Raises ``Cancelled`` (the child
    is killed within ``poll`` seconds) or RuntimeError when the child fails."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}")
    with tempfile.TemporaryDirectory(prefix=f"conjure-{task}-") as tmp:
        src, dst = os.path.join(tmp, "in.npz"), os.path.join(tmp, "out.npz")
        np.savez(src, **arrays)
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONSAFEPATH="1",
                   PYTHONPATH=os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]))
        proc = subprocess.Popen([sys.executable, "-m", __name__, task, src, dst, str(os.getpid())], env=env,
                                cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            while proc.poll() is None:
                if cancelled():
                    raise Cancelled()
                time.sleep(poll)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        if proc.returncode != 0:
            raise RuntimeError(f"{task} failed (exit {proc.returncode}): {err.strip()[-500:]}")
        with np.load(dst, allow_pickle=False) as out:
            return {k: out[k] for k in out.files}


def _die_with_parent(parent: int) -> None:
    """Linux: get SIGKILL when the worker that started us dies, so no orphan keeps computing."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _main(argv: list[str]) -> int:
    task, src, dst, parent = argv
    _die_with_parent(int(parent))
    with np.load(src, allow_pickle=False) as data:
        out = TASKS[task](data)
    np.savez(dst, **out)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
