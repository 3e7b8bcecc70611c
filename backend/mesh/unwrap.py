"""UV unwrap with xatlas, in a child process so that a cancel can stop it at once.

xatlas is one long C++ call that cannot be interrupted from Python; running it in its own process
(arrays passed as .npz files, never pickles) lets ``unwrap`` kill it within a poll interval.
Run as ``python -m <package>.mesh.unwrap IN.npz OUT.npz PARENT_PID``.
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


def _xatlas(verts: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import xatlas

    atlas = xatlas.Atlas()
    atlas.add_mesh(verts.astype(np.float32), faces.astype(np.uint32))
    pack = xatlas.PackOptions()
    pack.padding = 4
    pack.bilinear = True
    atlas.generate(xatlas.ChartOptions(), pack)
    vmapping, indices, uvs = atlas[0]
    return vmapping.astype(np.int64), indices.astype(np.int64), uvs.astype(np.float64)


def unwrap(verts: np.ndarray, faces: np.ndarray, cancelled: Callable[[], bool] = lambda: False,
           poll: float = 0.05) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unwrap a triangle mesh. Returns (Int[V'] original vertex of each new vertex, Int[F, 3] faces
    over the new vertices, Float[V', 2] UVs in [0, 1], glTF orientation). Raises ``Cancelled``.

    The exchange folder is made by ``tempfile``: inside a worker that is the worker's private folder, which the
    next worker removes if this one is killed (``backend.worker.scratch``)."""
    with tempfile.TemporaryDirectory(prefix="conjure-unwrap-") as tmp:
        src, dst = os.path.join(tmp, "in.npz"), os.path.join(tmp, "out.npz")
        np.savez(src, verts=verts, faces=faces)
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONSAFEPATH="1",
                   PYTHONPATH=os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]))
        proc = subprocess.Popen([sys.executable, "-m", __name__, src, dst, str(os.getpid())], env=env, cwd=tmp,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
            raise RuntimeError(f"UV unwrap failed (exit {proc.returncode}): {err.strip()[-500:]}")
        with np.load(dst, allow_pickle=False) as out:
            return out["vmapping"], out["faces"], out["uvs"]


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
    src, dst, parent = argv
    _die_with_parent(int(parent))
    with np.load(src, allow_pickle=False) as data:
        vmapping, faces, uvs = _xatlas(data["verts"], data["faces"])
    np.savez(dst, vmapping=vmapping, faces=faces, uvs=uvs)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
