"""The mesh a refinement starts from: read (.npz from Blender, or a Conjure .glb), checked, welded, UV'd.

Torch-free, so Blender and the CLI can run the same checks before submitting a job.

Inside the refinement a mesh is ``verts`` Float[V, 3] (welded: one vertex per position) with ``faces`` Int[F, 3],
plus its UV layout on split vertices: ``uvs`` Float[Vt, 2] (glTF: v down), ``uv_faces`` Int[F, 3] and
``uv_vert`` Int[Vt] (the welded vertex of each UV vertex).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import MAX_FACES


class MeshProblem(ValueError):
    """The input mesh cannot be refined; the message says why and what to do."""


@dataclass
class RefineMesh:
    verts: np.ndarray
    faces: np.ndarray
    uvs: np.ndarray | None = None
    uv_faces: np.ndarray | None = None
    uv_vert: np.ndarray | None = None
    texture_png: bytes | None = None


def edge_faces(faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique undirected edges Int[E, 2] and how many faces use each Int[E]."""
    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    e = np.sort(e, axis=1)
    uniq, counts = np.unique(e, axis=0, return_counts=True)
    return uniq, counts


def manifold_problems(faces: np.ndarray) -> list[str]:
    """What keeps a triangle mesh from being edge-manifold with consistent winding ([] = nothing).
    Boundary edges (open meshes) are allowed."""
    faces = np.asarray(faces, dtype=np.int64)
    problems = []
    _, counts = edge_faces(faces)
    if (counts > 2).any():
        problems.append(f"{int((counts > 2).sum())} edges are shared by more than two faces")
    directed = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    _, dcounts = np.unique(directed, axis=0, return_counts=True)
    if (dcounts > 1).any():
        problems.append(f"{int((dcounts > 1).sum())} edges have inconsistent face winding (flipped neighbours)")
    degenerate = (faces[:, 0] == faces[:, 1]) | (faces[:, 1] == faces[:, 2]) | (faces[:, 0] == faces[:, 2])
    if degenerate.any():
        problems.append(f"{int(degenerate.sum())} faces repeat a vertex")
    return problems


def check_mesh(verts: np.ndarray, faces: np.ndarray, *, max_faces: int = MAX_FACES) -> None:
    """Raise MeshProblem unless the mesh has 1..max_faces triangles, finite vertices and is edge-manifold."""
    verts, faces = np.asarray(verts), np.asarray(faces)
    if faces.ndim != 2 or faces.shape[1] != 3 or len(faces) == 0:
        raise MeshProblem("the mesh has no faces (select a mesh object with faces)")
    if len(faces) > max_faces:
        raise MeshProblem(f"the mesh has {len(faces):,} triangles; at most {max_faces:,} can be refined "
                          f"(decimate it first)")
    if verts.ndim != 2 or verts.shape[1] != 3 or not np.isfinite(verts).all():
        raise MeshProblem("the mesh's vertex positions are missing or not finite")
    if faces.min() < 0 or faces.max() >= len(verts):
        raise MeshProblem("the mesh's faces point at vertices it does not have")
    problems = manifold_problems(faces)
    if problems:
        raise MeshProblem("the mesh is not manifold: " + "; ".join(problems) +
                          " (in Blender: Mesh > Clean Up > Merge by Distance, Recalculate Normals)")


def weld(verts: np.ndarray, faces: np.ndarray, decimals: int = 6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge vertices at the same position. Returns (welded verts, faces over them, Int[V] old -> new)."""
    key = np.round(verts, decimals)
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(verts))[::-1]
    return verts[first], inverse[faces], inverse


def split_uvs(faces: np.ndarray, corner_uvs: np.ndarray, decimals: int = 7):
    """Per-corner UVs Float[3F, 2] -> (uvs Float[Vt, 2], uv_faces Int[F, 3], uv_vert Int[Vt])."""
    corners = faces.reshape(-1)
    key = np.concatenate([corners[:, None].astype(np.float64), np.round(corner_uvs, decimals)], axis=1)
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    return uniq[:, 1:].copy(), inverse.reshape(-1, 3), uniq[:, 0].astype(np.int64)


def load_mesh(path: str) -> RefineMesh:
    """Read, check and weld the input mesh (UVs kept when it has them)."""
    if path.lower().endswith(".glb"):
        from ..mesh.glb import read_glb

        data = read_glb(path)
        v, f = data["positions"], data["indices"]
        verts, faces, old_to_new = weld(v, f)
        mesh = RefineMesh(verts, faces, texture_png=data["texture_png"])
        if data["uvs"] is not None:
            mesh.uvs, mesh.uv_faces, mesh.uv_vert = data["uvs"], f, old_to_new
    else:
        with np.load(path, allow_pickle=False) as data:
            if "verts" not in data or "faces" not in data:
                raise MeshProblem(f"{path} holds no 'verts' and 'faces' arrays")
            verts = np.asarray(data["verts"], dtype=np.float64)
            faces = np.asarray(data["faces"], dtype=np.int64)
            corner_uvs = np.asarray(data["uvs"], dtype=np.float64) if "uvs" in data else None
        if len(faces) and faces.ndim == 2:
            verts, faces, _ = weld(verts, faces)
        mesh = RefineMesh(verts, faces)
        if corner_uvs is not None and corner_uvs.shape == (faces.size, 2):
            flipped = np.stack([corner_uvs[:, 0], 1.0 - corner_uvs[:, 1]], 1)  # Blender's v up -> glTF's v down
            mesh.uvs, mesh.uv_faces, mesh.uv_vert = split_uvs(faces, flipped)
    check_mesh(mesh.verts, mesh.faces)
    return mesh


def normalise(verts: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """Centre the bounding box on the origin and scale its largest dimension to 1. Returns (verts, scale,
    centre): original = verts / scale + centre."""
    lo, hi = verts.min(axis=0), verts.max(axis=0)
    centre = (lo + hi) / 2
    scale = 1.0 / max(float(np.max(hi - lo)), 1e-9)
    return (verts - centre) * scale, scale, centre
