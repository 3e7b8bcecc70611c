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


def winding_number(verts: np.ndarray, tris: np.ndarray, queries: np.ndarray, chunk: int = 512) -> np.ndarray:
    """Generalised winding number of each query point (~1 inside a closed outward shell, ~0 outside).
    Van Oosterom and Strackee's solid angle per triangle, summed (torch on the CPU: fused, single precision)."""
    import torch

    tv = torch.from_numpy(verts[tris].astype(np.float32))            # [T, 3, 3]
    q_all = torch.from_numpy(np.asarray(queries, np.float32))
    out = []
    with torch.no_grad():
        for i in range(0, len(q_all), chunk):
            d = tv[None] - q_all[i:i + chunk, None, None, :]          # [Q, T, 3, 3]
            a, b, c = d[:, :, 0], d[:, :, 1], d[:, :, 2]
            la, lb, lc = a.norm(dim=2), b.norm(dim=2), c.norm(dim=2)
            det = (a * torch.linalg.cross(b, c, dim=2)).sum(2)
            den = la * lb * lc + (a * b).sum(2) * lc + (b * c).sum(2) * la + (c * a).sum(2) * lb
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
