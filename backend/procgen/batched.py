"""Many primitives of one shape at once (bpy-free): tubes along B paths of P points and noisy blobs of B radii,
built with one numpy pass over the batch instead of one Python call per primitive. The vertices come back as a
(B, V, 3) array the caller bends and places in bulk; ``stack`` then joins them into one ``Mesh`` of B closed
shells, each laid out as the single primitive lays it out (``geometry.tube``: its rings, start centre, end centre;
``geometry.blob``: the icosphere's vertices), each wound outwards.

Follows ``geometry.tube`` and ``geometry.blob`` (parallel-transported ring frames; radial plane-wave noise) and the
detail level (``geometry.detail``), drawing its random numbers per batch, not per primitive: not their bytes."""
from __future__ import annotations

import numpy as np

from .geometry import Mesh, _seg, _tube_topology, blob_subdiv, sphere_uvs, unit_icosphere


class Shape:
    """One primitive's topology, shared by every member of a batch: ``corners``, ``sizes``, ``uvs``, its fan
    triangles ``tris`` and the corner order ``rev`` that flips its winding."""
    __slots__ = ("corners", "sizes", "uvs", "tris", "rev")

    def __init__(self, corners, sizes, uvs, tris, rev):
        self.corners, self.sizes, self.uvs, self.tris, self.rev = corners, sizes, uvs, tris, rev


def tubes(paths, radii, segments: int = 8):
    """(Float["B V 3"], Shape): B closed tubes swept along ``paths`` (Float["B P 3"]) with per-point ``radii``
    (Float["B P"]), ``segments`` sides (times the detail level) and the ring frames of ``geometry.tube``."""
    paths = np.asarray(paths, np.float64)
    B, P, _ = paths.shape
    S = _seg(segments, 3)
    cos, sin, corners, sizes, uvs, tris, rev = _tube_topology(P, S)
    tang = np.gradient(paths, axis=1)
    tang /= np.linalg.norm(tang, axis=2, keepdims=True)
    t0 = tang[:, 0]
    ref = np.where((np.abs(t0[:, 2]) < 0.9)[:, None], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0])
    n = np.cross(t0, ref)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    normals = np.empty_like(paths)
    for k in range(P):                                        # parallel transport, every tube at once
        t = tang[:, k]
        n = n - t * np.einsum("bi,bi->b", n, t)[:, None]
        n /= np.linalg.norm(n, axis=1, keepdims=True)
        normals[:, k] = n
    binormals = np.cross(tang, normals)
    r = np.asarray(radii, np.float64)[:, :, None, None]
    rings = paths[:, :, None] + r * (cos[None, None] * normals[:, :, None] + sin[None, None] * binormals[:, :, None])
    verts = np.concatenate([rings.reshape(B, P * S, 3), paths[:, :1], paths[:, -1:]], axis=1)
    return verts, Shape(corners, sizes, uvs, tris, rev)


def blobs(rng, radii, subdiv: int = 1, rough: float = 0.3, octaves: int = 4):
    """(Float["B V 3"], Shape): B icospheres scaled to ``radii`` (Float["B 3"]) and displaced radially by seeded
    smooth noise as ``geometry.blob`` does (its subdivision follows the detail level the same way), centred on
    the origin."""
    radii = np.asarray(radii, np.float64)
    B = len(radii)
    unit, faces = unit_icosphere(blob_subdiv(subdiv))
    d = rng.normal(size=(B, octaves, 3))
    d /= np.linalg.norm(d, axis=2, keepdims=True)
    phase = rng.uniform(0, 2 * np.pi, (B, octaves))
    k = np.arange(octaves)
    wave = np.sin(1.5 * 1.7 ** k * np.einsum("vc,bkc->bvk", unit, d) + phase[:, None])
    disp = (wave * (rough / 1.6 ** k)).sum(axis=2)
    verts = unit[None] * np.clip(1.0 + disp, 0.35, None)[:, :, None] * radii[:, None]
    uvs = sphere_uvs(unit, faces)
    sizes = np.full(len(faces), 3, np.int64)
    rev = (np.arange(len(faces))[:, None] * 3 + [2, 1, 0]).ravel()
    return verts, Shape(faces.ravel(), sizes, uvs, faces, rev)


def stack(verts, shape: Shape, mat: int = 0, smooth: bool = True) -> Mesh:
    """One mesh of the B shells ``verts`` (Float["B V 3"]) of one ``shape``, in order, each wound outwards (a
    shell whose signed volume is negative has its corners reversed)."""
    B, V, _ = verts.shape
    a, b, c = (verts[:, shape.tris[:, i]] for i in range(3))
    inward = np.einsum("bti,bti->b", a, np.cross(b, c)) < 0
    corners = np.where(inward[:, None], shape.corners[shape.rev][None], shape.corners[None])
    corners = (corners + (np.arange(B) * V)[:, None]).ravel()
    uvs = np.where(inward[:, None, None], shape.uvs[shape.rev][None], shape.uvs[None]).reshape(-1, 2)
    nf = B * len(shape.sizes)
    return Mesh.raw(verts.reshape(-1, 3), corners, np.tile(shape.sizes, B), uvs,
                    np.full(nf, mat, np.int64), np.full(nf, smooth))
