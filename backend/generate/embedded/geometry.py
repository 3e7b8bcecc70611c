"""Triangle soups -> training samples: surface points with colours, and signed distances (numpy only).

Distances are measured to a dense set of surface samples (a KD-tree), signs come from the generalised winding
number (Jacobson et al. 2013), which is right for meshes made of several overlapping closed shells, as the
procedural factories' meshes are, and degrades gracefully on imperfect user meshes.
"""
from __future__ import annotations

import numpy as np

EXTENT = 1.6
"""Every asset is centred and scaled so its largest dimension is this long: it fits the field's box [-1, 1]^3."""


def normalise(verts: np.ndarray) -> tuple[np.ndarray, float]:
    """Centre the bounding box on the origin and scale the largest side to ``EXTENT``. Returns (verts, scale)."""
    lo, hi = verts.min(axis=0), verts.max(axis=0)
    scale = EXTENT / max(float(np.max(hi - lo)), 1e-9)
    return (verts - (lo + hi) / 2) * scale, scale


def sample_surface(verts: np.ndarray, tris: np.ndarray, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points uniformly by area on the triangles. Returns (Float[n, 3] points, Int[n] triangle index)."""
    a, b, c = verts[tris[:, 0]], verts[tris[:, 1]], verts[tris[:, 2]]
    area = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)
    if not np.isfinite(area).all() or area.sum() <= 0:
        raise ValueError("the mesh has no surface area")
    idx = rng.choice(len(tris), size=n, p=area / area.sum())
    u, v = rng.random(n), rng.random(n)
    flip = u + v > 1
    u[flip], v[flip] = 1 - u[flip], 1 - v[flip]
    pts = a[idx] + u[:, None] * (b[idx] - a[idx]) + v[:, None] * (c[idx] - a[idx])
    return pts, idx


def winding_number(verts: np.ndarray, tris: np.ndarray, queries: np.ndarray, chunk: int = 32) -> np.ndarray:
    """Generalised winding number of each query point (~1 inside a closed outward shell, ~0 outside).
    Van Oosterom and Strackee's solid angle per triangle, summed (torch on the CPU, single precision). Written
    component by component over [chunk, T] planes that stay in cache: 8-10x faster than [Q, T, 3, 3] tensors on
    the factories' 1,000-7,000-triangle meshes, the same numbers to 1e-5."""
    import torch

    tv = torch.from_numpy(verts[tris].astype(np.float32))            # [T, 3, 3]
    ax0, ay0, az0, bx0, by0, bz0, cx0, cy0, cz0 = [tv[:, k, j].contiguous() for k in range(3) for j in range(3)]
    q_all = torch.from_numpy(np.asarray(queries, np.float32))
    out = []
    with torch.no_grad():
        for i in range(0, len(q_all), chunk):
            q = q_all[i:i + chunk]
            qx, qy, qz = q[:, 0:1], q[:, 1:2], q[:, 2:3]
            ax, ay, az = ax0 - qx, ay0 - qy, az0 - qz
            bx, by, bz = bx0 - qx, by0 - qy, bz0 - qz
            cx, cy, cz = cx0 - qx, cy0 - qy, cz0 - qz
            la = torch.sqrt(ax * ax + ay * ay + az * az)
            lb = torch.sqrt(bx * bx + by * by + bz * bz)
            lc = torch.sqrt(cx * cx + cy * cy + cz * cz)
            det = ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx)
            den = (la * lb * lc + (ax * bx + ay * by + az * bz) * lc + (bx * cx + by * cy + bz * cz) * la
                   + (cx * ax + cy * ay + cz * az) * lb)
            out.append(torch.atan2(det, den).sum(1) / (2 * np.pi))
    return torch.cat(out).double().numpy()


def signed_distance(verts: np.ndarray, tris: np.ndarray, queries: np.ndarray, rng, dense: int = 4096) -> np.ndarray:
    """Approximate signed distance (negative inside) of ``queries`` to the mesh surface."""
    from scipy.spatial import cKDTree

    surf, _ = sample_surface(verts, tris, dense, rng)
    dist, _ = cKDTree(surf).query(queries)
    inside = winding_number(verts, tris, queries) > 0.5
    return np.where(inside, -dist, dist)


def point_samples(verts: np.ndarray, tris: np.ndarray, tri_colors: np.ndarray, rng, n_surface: int,
                  n_near: int, n_uniform: int) -> tuple[np.ndarray, np.ndarray]:
    """One corpus item from a normalised triangle soup.

    Returns Float32[n_surface, 6] (xyz, linear RGB) and Float32[n_near + n_uniform, 4] (xyz, signed distance);
    near samples are surface points moved by Gaussian noise at two scales."""
    pts, idx = sample_surface(verts, tris, n_surface, rng)
    surface = np.concatenate([pts, tri_colors[idx]], axis=1)
    base, _ = sample_surface(verts, tris, n_near, rng)
    sigma = np.where(np.arange(n_near) % 2 == 0, 0.01, 0.06)[:, None]
    near = base + rng.normal(size=base.shape) * sigma
    uniform = rng.uniform(-1.0, 1.0, size=(n_uniform, 3))
    queries = np.clip(np.concatenate([near, uniform]), -1.0, 1.0)
    sdf = signed_distance(verts, tris, queries, rng)
    return surface.astype(np.float32), np.concatenate([queries, sdf[:, None]], axis=1).astype(np.float32)
