"""UV unwrap with xatlas, in a child process so that a cancel can stop it at once.

xatlas is one long C++ call that cannot be interrupted from Python; running it in its own process
(``backend.mesh.child``: arrays passed as .npz files, never pickles) lets ``unwrap`` kill it within a poll interval.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from . import child


Cancelled = child.Cancelled


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

    Runs in a child process (``backend.mesh.child``), killed at once on cancel."""
    out = child.run("unwrap", {"verts": verts, "faces": faces}, cancelled, poll)
    return out["vmapping"], out["faces"], out["uvs"]

