"""An assembly of mesh parts merged in order, its lathed parts written straight into the merged arrays (bpy-free).

A lamp is ~17 turned parts (lathes, and rods, which are lathes turned onto an axis), each a few dozen vertices:
built one by one with ``geometry.lathe`` and merged with ``geometry.merge``, every part's arrays are made and then
copied once more (at detail 8 the factory's time is mostly first touches of fresh memory). ``Assembly`` takes the
same calls (``lathe``, ``rod``) and ready meshes (``add``) in order; ``merge`` allocates each merged array once and
has ``geometry.lathe_into`` (the one implementation of the lathe's arithmetic, which ``geometry.lathe`` and
``geometry.rod`` also use) write every lathed part into its slice. The result is the same, byte for byte, as
``geometry.merge`` of the parts made one by one (``tests/test_procgen_assembly.py``).
"""
from __future__ import annotations

import numpy as np

from .geometry import Mesh, lathe_into, lathe_spec, rod_spec


class Assembly:
    """Parts in order: ``lathe`` and ``rod`` take ``geometry.lathe`` / ``geometry.rod``'s arguments, ``add`` a
    ready ``Mesh``; ``merge()`` is ``geometry.merge`` of them all."""

    def __init__(self):
        self._parts: list = []  # a Mesh, or a lathed part (profile, LatheShape, mat, smooth, turn or None)

    def add(self, mesh: Mesh) -> None:
        self._parts.append(mesh)

    def lathe(self, profile, segments: int = 24, mat: int = 0, loop: bool = False, smooth: bool = True) -> None:
        p, sh = lathe_spec(profile, segments, loop)
        self._parts.append((p, sh, int(mat), bool(smooth), None))

    def rod(self, p0, p1, r: float, segments: int = 10, mat: int = 0, r1=None) -> None:
        p, sh, turn = rod_spec(p0, p1, r, segments, r1)
        self._parts.append((p, sh, int(mat), True, turn))

    def merge(self) -> Mesh:
        """``geometry.merge`` of the parts. Each output array is allocated once and the lathed parts are written
        straight into it: a 40k-triangle lamp's factory is mostly first touches of fresh memory (page faults), so
        no part's arrays are made first and copied."""
        parts = self._parts
        counts = [(len(p.verts), len(p.corners), len(p.sizes)) if isinstance(p, Mesh) else (p[1].nv, p[1].nc, p[1].nf)
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
                prof, sh, m, sm, turn = p
                lathe_into(prof, sh, turn, verts[v], corners[c], nv[k], uvs[c])
                sizes[f], mat[f], smooth[f] = sh.sizes, m, sm
        return Mesh.raw(verts, corners, sizes, uvs, mat, smooth)
