"""Geometry terms of refinement (torch): Laplacian and normal-consistency regularisers, the flipped-face check.

The mesh being refined is welded (one vertex per position); UV seams live in separate ``uv_faces``.
Input checks (manifold, size) are torch-free, in ``meshio``.
"""
from __future__ import annotations

import torch


def laplacian_matrix(faces: torch.Tensor, n_verts: int) -> torch.Tensor:
    """Sparse Float[V, V] uniform graph Laplacian L = I - D^-1 A (L v = v - mean of the neighbours)."""
    e = torch.cat([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    e = torch.cat([e, e.flip(1)])
    e = torch.unique(e, dim=0)
    deg = torch.zeros(n_verts).index_add_(0, e[:, 0], torch.ones(len(e)))
    vals = -1.0 / deg[e[:, 0]].clamp_min(1.0)
    idx = torch.cat([e.T, torch.arange(n_verts).repeat(2, 1)], dim=1)
    vals = torch.cat([vals, torch.ones(n_verts)])
    return torch.sparse_coo_tensor(idx, vals, (n_verts, n_verts), check_invariants=True).coalesce()


def laplacian_loss(verts: torch.Tensor, lap: torch.Tensor) -> torch.Tensor:
    """Mean squared length of the uniform Laplacian (smoothness; Desbrun et al. 1999)."""
    return (torch.sparse.mm(lap.to(verts.device), verts) ** 2).sum(1).mean()


def face_normals(verts: torch.Tensor, faces: torch.Tensor, unit: bool = True) -> torch.Tensor:
    n = torch.linalg.cross(verts[faces[:, 1]] - verts[faces[:, 0]], verts[faces[:, 2]] - verts[faces[:, 0]])
    return n / n.norm(dim=1, keepdim=True).clamp_min(1e-12) if unit else n


def interior_edges(adjacency: torch.Tensor) -> torch.Tensor:
    """Long[E, 2] pairs of faces sharing an edge (each pair once), from ``render.face_adjacency``."""
    f = torch.arange(len(adjacency))[:, None].expand_as(adjacency)
    pairs = torch.stack([f.reshape(-1), adjacency.reshape(-1)], 1)
    return pairs[(pairs[:, 1] > pairs[:, 0])]


def normal_consistency_loss(verts: torch.Tensor, faces: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
    """Mean (1 - cos) between the normals of faces sharing an edge (penalises creases and fold-overs)."""
    n = face_normals(verts, faces)
    return (1.0 - (n[pairs[:, 0]] * n[pairs[:, 1]]).sum(1)).mean()


def flipped_faces(rest: torch.Tensor, verts: torch.Tensor, faces: torch.Tensor) -> int:
    """How many faces turned over (normal now points more than 90 degrees away from where it pointed)."""
    with torch.no_grad():
        a = face_normals(rest, faces, unit=False)
        b = face_normals(verts, faces, unit=False)
        return int(((a * b).sum(1) <= 0).sum())
