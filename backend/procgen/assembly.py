"""An assembly of mesh parts merged in order, its lathed parts written straight into the merged arrays (bpy-free).

A lamp is ~17 turned parts (lathes, and rods, which are lathes turned onto an axis), each a few dozen vertices:
built one by one with ``geometry.lathe`` each costs ~30 numpy calls, and ``geometry.merge`` then copies every part's
arrays once more (at detail 8 the factory's time is mostly first touches of fresh memory). ``Assembly`` takes the
same calls (``lathe``, ``rod``) and ready meshes (``add``) in order; ``merge`` allocates each merged array once and
writes every lathed part into its slice from its cached topology, in ~15 numpy calls a part. The result is the same,
byte for byte, as ``geometry.merge`` of the parts made one by one (``tests/test_procgen_assembly.py``): every vertex,
UV and winding comes from the same floating-point operations on the same numbers.
"""
from __future__ import annotations

import numpy as np

from .geometry import Mesh, _cross, _lathe_outward, _lathe_topology, _ring_angles, _seg, norm3, rot_align_z

_TOPO: dict = {}  # (on-axis flags, segments, loop) -> _Shape


class _Shape:
    """One lathe topology's arrays, per winding (outward as made, or flipped): callers must not mutate."""
    __slots__ = ("nv", "vr", "vsingle", "cos", "sin", "sizes", "tris", "corners", "u", "vrow")

    def __init__(self, single, n, loop):
        vr, vc, vsingle, corners, sizes, u, vrow, tris, rev = _lathe_topology(np.array(single, bool), n, loop)
        cos, sin = _ring_angles(n)
        self.nv, self.vr, self.vsingle, self.cos, self.sin = len(vr), vr, vsingle, cos[vc], sin[vc]
        self.sizes, self.tris = sizes, tris
        self.corners, self.u, self.vrow = (corners, corners[rev]), (u, u[rev]), (vrow, vrow[rev])


def _shape(single: tuple, n: int, loop: bool) -> _Shape:
    key = (single, n, loop)
    hit = _TOPO.get(key)
    if hit is None:
        hit = _TOPO[key] = _Shape(single, n, loop)
    return hit


class Assembly:
    """Parts in order: ``lathe`` and ``rod`` take ``geometry.lathe`` / ``geometry.rod``'s arguments, ``add`` a
    ready ``Mesh``; ``merge()`` is ``geometry.merge`` of them all."""

    def __init__(self):
        self._parts: list = []  # a Mesh, or a lathe spec [profile rows, on-axis flags, n, loop, mat, smooth, rod]

    def add(self, mesh: Mesh) -> None:
        self._parts.append(mesh)

    def lathe(self, profile, segments: int = 24, mat: int = 0, loop: bool = False, smooth: bool = True) -> None:
        rows = [(float(r), float(z)) for r, z in profile]
        on_axis = tuple(r <= 1e-12 for r, _ in rows)
        if not loop and not (on_axis[0] and on_axis[-1]):
            raise ValueError("open lathe profile must start and end on the axis")
        single = tuple(a and not loop for a in on_axis)
        self._parts.append([rows, single, _seg(segments, 6), bool(loop), int(mat), bool(smooth), None])

    def rod(self, p0, p1, r: float, segments: int = 10, mat: int = 0, r1=None) -> None:
        p0, p1 = np.asarray(p0, np.float64), np.asarray(p1, np.float64)
        d = p1 - p0
        h = norm3(d)
        self.lathe([(0.0, 0.0), (r, 0.0), (r if r1 is None else r1, h), (0.0, h)], segments, mat)
        self._parts[-1][6] = (rot_align_z(d).T, p0)

    def merge(self) -> Mesh:
        """``geometry.merge`` of the parts. Each output array is allocated once and the lathed parts are written
        straight into it: a 40k-triangle lamp's factory is mostly first touches of fresh memory (page faults), so
        no part's arrays are made first and copied."""
        parts = [p if isinstance(p, Mesh) else _Lathe(p) for p in self._parts]
        counts = [(len(p.verts), len(p.corners), len(p.sizes)) if isinstance(p, Mesh) else (p.nv, p.nc, p.nf)
                  for p in parts]
        nv, nc, nf = (np.cumsum([0] + list(c)).tolist() for c in zip(*counts))
        verts, uvs = np.empty((nv[-1], 3)), np.empty((nc[-1], 2))
        corners, sizes = np.empty(nc[-1], np.int64), np.empty(nf[-1], np.int64)
        mat, smooth = np.empty(nf[-1], np.int64), np.empty(nf[-1], bool)
        for k, p in enumerate(parts):
            v, c, f = slice(nv[k], nv[k + 1]), slice(nc[k], nc[k + 1]), slice(nf[k], nf[k + 1])
            if isinstance(p, Mesh):
                verts[v], uvs[c], sizes[f], mat[f], smooth[f] = p.verts, p.uvs, p.sizes, p.mat, p.smooth
                np.add(p.corners, nv[k], out=corners[c])
            else:
                p.write(verts[v], corners[c], nv[k], uvs[c], sizes[f], mat[f], smooth[f])
        return Mesh.raw(verts, corners, sizes, uvs, mat, smooth)


class _Lathe:
    """One lathed part of an ``Assembly``: ``geometry.lathe`` (a rod's: ``geometry.rod``), written into slices of
    the merged arrays by ``write``."""
    __slots__ = ("spec", "shape", "nv", "nc", "nf")

    def __init__(self, spec):
        self.spec = spec
        self.shape = sh = _shape(spec[1], spec[2], spec[3])
        self.nv, self.nc, self.nf = sh.nv, len(sh.corners[0]), len(sh.sizes)

    def write(self, verts, corners, offset, uvs, sizes, mat, smooth):
        rows, single, n, loop, m, sm, turn = self.spec
        sh = self.shape
        p = np.asarray(rows, np.float64)
        # the vertices, as ``lathe`` makes them (r cos, r sin, z; an axis point (0, 0, z))
        r = p[sh.vr, 0]
        np.multiply(r, sh.cos, out=verts[:, 0])
        np.multiply(r, sh.sin, out=verts[:, 1])
        verts[sh.vsingle, :2] = 0.0
        verts[:, 2] = p[sh.vr, 1]
        # the winding (from the profile; by the signed volume when that is too close to call)
        outward = _lathe_outward(p, np.array(single, bool), loop)
        if outward is None:
            a, b, c = verts[sh.tris[:, 0]], verts[sh.tris[:, 1]], verts[sh.tris[:, 2]]
            outward = float(np.einsum("ij,ij->i", a, _cross(b, c)).sum() / 6.0) >= 0
        f = 0 if outward else 1
        if turn is not None:   # a rod: turned onto its axis
            verts[:] = verts @ turn[0] + turn[1]
        # each row's UV v: its distance along the profile, summed in order (as np.cumsum sums)
        pts = np.vstack([p, p[:1]]) if loop else p
        vcoord = np.zeros(len(pts))
        np.cumsum(np.linalg.norm(pts[1:] - pts[:-1], axis=1), out=vcoord[1:])
        np.add(sh.corners[f], offset, out=corners)
        uvs[:, 0] = sh.u[f]
        np.take(vcoord, sh.vrow[f], out=uvs[:, 1], mode="clip")
        sizes[:] = sh.sizes
        mat[:] = m
        smooth[:] = sm
