"""Field -> triangle mesh: sample on a grid in slabs, marching cubes per slab, weld, clean.

Working in slabs keeps memory flat and lets a job be cancelled between slabs (well inside a second
at the largest allowed resolution). Vertices on a slab boundary come out bit-identical from both
neighbouring slabs (same two samples, integer offsets), so welding by exact equality is sound.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

SLAB = 24  # grid layers per marching-cubes call


def _noop(*_a, **_k):
    return None


def sample_grid(sdf: Callable[[np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray, resolution: int,
                tick: Callable[[], None] = _noop) -> tuple[np.ndarray, np.ndarray, float]:
    """Float32[X, Y, Z] of SDF samples covering [lo, hi] with ``resolution`` cells on the longest side,
    plus one empty cell of margin all round so the surface closes. Returns (grid, origin, spacing)."""
    h = float(np.max(hi - lo)) / resolution
    origin = lo - h
    dims = np.ceil((hi - lo) / h).astype(int) + 3
    xs, ys = (origin[i] + h * np.arange(dims[i]) for i in range(2))
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    plane = np.stack([gx.ravel(), gy.ravel(), np.zeros(gx.size)], axis=1)
    grid = np.empty(tuple(dims), dtype=np.float32)
    for z in range(dims[2]):
        plane[:, 2] = origin[2] + h * z
        grid[:, :, z] = sdf(plane).reshape(dims[0], dims[1])
        if z % 8 == 0:
            tick()
    return grid, origin, h


def marching_cubes(grid: np.ndarray, origin: np.ndarray, h: float,
                   tick: Callable[[], None] = _noop) -> tuple[np.ndarray, np.ndarray]:
    """Zero level set of ``grid`` (negative inside) -> (Float64[V, 3] vertices, Int64[F, 3] faces),
    counter-clockwise seen from outside."""
    from skimage.measure import marching_cubes as mc

    verts, faces, offset = [], [], 0
    nz = grid.shape[2]
    for z0 in range(0, nz - 1, SLAB):
        z1 = min(z0 + SLAB, nz - 1)
        slab = grid[:, :, z0:z1 + 1]
        tick()
        if slab.min() > 0.0 or slab.max() < 0.0:
            continue
        v, f, _n, _val = mc(slab, level=0.0, gradient_direction="descent", allow_degenerate=False)
        v = v.astype(np.float64)
        v[:, 2] += z0
        verts.append(v)
        faces.append(f.astype(np.int64) + offset)
        offset += len(v)
    if not verts:
        return np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64)
    v, f = weld(np.concatenate(verts), np.concatenate(faces))
    return origin + v * h, f


def weld(verts: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge bit-identical vertices, then drop faces that became degenerate."""
    uniq, inverse = np.unique(verts, axis=0, return_inverse=True)
    faces = inverse.reshape(-1)[faces]
    return uniq, remove_degenerate(uniq, faces)


def remove_degenerate(verts: np.ndarray, faces: np.ndarray, eps: float = 1e-14) -> np.ndarray:
    """Faces with a repeated vertex or (near) zero area removed."""
    a, b, c = faces[:, 0], faces[:, 1], faces[:, 2]
    keep = (a != b) & (b != c) & (a != c)
    area2 = np.linalg.norm(np.cross(verts[b] - verts[a], verts[c] - verts[a]), axis=1)
    keep &= area2 > eps
    return faces[keep]


def compact(verts: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop vertices no face uses."""
    used = np.unique(faces)
    remap = np.full(len(verts), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    return verts[used], remap[faces]


def field_normals(sdf: Callable[[np.ndarray], np.ndarray], pts: np.ndarray, h: float) -> np.ndarray:
    """Float32[N, 3] unit normals from the SDF gradient (central differences, step h/2)."""
    e = h * 0.5
    grad = np.empty_like(pts)
    for i in range(3):
        d = np.zeros(3)
        d[i] = e
        grad[:, i] = sdf(pts + d) - sdf(pts - d)
    n = np.linalg.norm(grad, axis=1, keepdims=True)
    return (grad / np.maximum(n, 1e-12)).astype(np.float32)


def signed_volume(verts: np.ndarray, faces: np.ndarray) -> float:
    """Volume enclosed by a closed mesh; positive when faces wind counter-clockwise seen from outside."""
    a, b, c = verts[faces[:, 0]], verts[faces[:, 1]], verts[faces[:, 2]]
    return float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)


def boundary_edge_count(faces: np.ndarray) -> int:
    """Edges used by exactly one face (0 for a closed mesh)."""
    e = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    _, counts = np.unique(e, axis=0, return_counts=True)
    return int((counts == 1).sum())
