"""An assembly of mesh parts merged in order, its lathed parts computed together into the merged arrays (bpy-free).

A lamp is ~17 turned parts (lathes, and rods, which are lathes turned onto an axis), each a few dozen vertices:
built one by one with ``geometry.lathe`` (~15 numpy calls each) and merged with ``geometry.merge``, every part's
arrays are made and then copied once more. ``Assembly`` takes the same calls (``lathe``, ``rod``) and ready meshes
(``add``) in order, and ``merge`` makes the merged mesh in a fixed number of numpy calls (plus a few per rod and per
ready mesh): all lathed parts' vertices in one pass over their profiles stacked, all their UV lengths in one, and the
topology (corners, UV u, sizes, slots, smooth flags) copied from a plan kept per sequence of part shapes, windings,
slots and flags (``_Plan``). The result is the same, byte for byte, as ``geometry.merge`` of the parts made one by one
with ``geometry.lathe`` / ``geometry.rod`` (``tests/test_procgen_assembly.py``): every vertex and UV comes from the
same floating-point operations on the same numbers as in ``geometry.lathe_into``, element by element.
"""
from __future__ import annotations

from itertools import accumulate

import numpy as np

from .geometry import Mesh, _cross, _lathe_outward, lathe_spec, rod_spec

_PLANS: dict = {}   # (part shapes, windings, slots, smooth flags) -> _Plan; oldest first
PLANS_MAX = 512


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
        """``geometry.merge`` of the parts, as ``geometry.lathe_into`` would write each lathed part, in a fixed
        number of numpy calls for all the lathed parts together."""
        parts = self._parts
        lathes = [p for p in parts if not isinstance(p, Mesh)]
        shapes = tuple((len(p.verts), len(p.corners), len(p.sizes)) if isinstance(p, Mesh) else p[1] for p in parts)
        # 1. every lathed part's vertices at once, from the stacked profiles (as ``lathe_into``, element by element),
        #    written run by run (the lathed parts between two ready meshes)
        plan = _plan(shapes, None)
        prof = np.concatenate([p[0] for p in lathes]) if lathes else np.empty((0, 2))
        verts = np.empty((plan.nv[-1], 3))
        r, z = prof[plan.vr, 0], prof[plan.vr, 1]
        for d0, d1, s0 in plan.vruns:
            own = slice(s0, s0 + d1 - d0)
            v = verts[d0:d1]
            np.multiply(r[own], plan.cos[own], out=v[:, 0])
            np.multiply(r[own], plan.sin[own], out=v[:, 1])
            v[plan.vsingle[own], :2] = 0.0
            v[:, 2] = z[own]
        # 2. each part's winding: from its profile, or by its fan triangles' signed volume when too close to call;
        #    then the rods turned onto their axes
        flips = []
        for p, k in zip(lathes, plan.lathe_parts):
            prof_k, sh, m, sm, turn = p
            v = verts[plan.nv[k]:plan.nv[k + 1]]
            outward = _lathe_outward(prof_k, sh.single, sh.loop)
            if outward is None:
                a, b, c = v[sh.tris[:, 0]], v[sh.tris[:, 1]], v[sh.tris[:, 2]]
                outward = float(np.einsum("ij,ij->i", a, _cross(b, c)).sum() / 6.0) >= 0
            flips.append((0 if outward else 1, m, sm))
            if turn is not None:
                v[:] = v @ turn[0] + turn[1]
        plan = _plan(shapes, tuple(flips))
        # 3. each profile row's UV v: its distance along the profile, summed in order per part (as np.cumsum sums)
        seg = np.linalg.norm(prof[plan.seg_b] - prof[plan.seg_a], axis=1).tolist()
        vcoord = []
        for a, b in plan.seg_runs:
            vcoord.extend(accumulate(seg[a:b], initial=0.0))
        uvs, corners = plan.uvs.copy(), plan.corners.copy()
        v = np.array(vcoord)[plan.vrow]
        for d0, d1, s0 in plan.cruns:
            uvs[d0:d1, 1] = v[s0:s0 + d1 - d0]
        sizes, mat, smooth = plan.sizes.copy(), plan.mat.copy(), plan.smooth.copy()
        # 4. the ready meshes into their slices
        nv, nc, nf = plan.nv, plan.nc, plan.nf
        for k, p in enumerate(parts):
            if isinstance(p, Mesh):
                v, c, f = slice(nv[k], nv[k + 1]), slice(nc[k], nc[k + 1]), slice(nf[k], nf[k + 1])
                verts[v], uvs[c], sizes[f], mat[f], smooth[f] = p.verts, p.uvs, p.sizes, p.mat, p.smooth
                np.add(p.corners, nv[k], out=corners[c])
        return Mesh.raw(verts, corners, sizes, uvs, mat, smooth)


def _plan(shapes: tuple, flips: tuple) -> "_Plan":
    """The kept ``_Plan`` for these part shapes (``flips`` None: the vertex half only, for any windings)."""
    key = (shapes, flips)
    hit = _PLANS.get(key)
    if hit is None:
        if len(_PLANS) >= PLANS_MAX:
            del _PLANS[next(iter(_PLANS))]    # the oldest
        hit = _PLANS[key] = _Plan(shapes, flips)
    return hit


class _Plan:
    """Index arrays for merging parts of these shapes (a ``LatheShape`` per lathed part, (verts, corners, faces)
    per ready mesh), and, given each lathed part's (winding, slot, smooth), the merged topology with the ready
    meshes' slices left to fill. Read-only once made."""

    def __init__(self, shapes, flips):
        counts = [s if isinstance(s, tuple) else (s.nv, s.nc, s.nf) for s in shapes]
        self.nv, self.nc, self.nf = (np.cumsum([0] + list(c)).tolist() for c in zip(*counts))
        self.lathe_parts = [k for k, s in enumerate(shapes) if not isinstance(s, tuple)]
        lathes = [shapes[k] for k in self.lathe_parts]
        rows = np.cumsum([0] + [len(sh.single) for sh in lathes]).tolist()   # each profile's first stacked row
        cat = lambda arrays, dtype: np.concatenate(arrays) if arrays else np.empty(0, dtype)
        self.vr = cat([sh.vr + o for sh, o in zip(lathes, rows)], np.int64)
        self.cos, self.sin = cat([sh.cos for sh in lathes], float), cat([sh.sin for sh in lathes], float)
        self.vsingle = cat([sh.vsingle for sh in lathes], bool)
        self.vruns = _runs(self.nv, self.lathe_parts)
        self.cruns = _runs(self.nc, self.lathe_parts)
        # profile segments (a loop's closing one included) and each part's run of them
        seg_a, seg_b, runs, s = [], [], [], 0
        for sh, o in zip(lathes, rows):
            P = len(sh.single)
            a = np.arange(P) if sh.loop else np.arange(P - 1)
            seg_a.append(a + o)
            seg_b.append((a + 1) % P + o)
            runs.append((s, s + len(a)))
            s += len(a)
        self.seg_a, self.seg_b, self.seg_runs = cat(seg_a, np.int64), cat(seg_b, np.int64), runs
        if flips is None:
            return
        # the topology for these windings, slots and flags
        nc, nf = self.nc[-1], self.nf[-1]
        self.corners, self.uvs = np.zeros(nc, np.int64), np.zeros((nc, 2))
        self.sizes, self.mat, self.smooth = np.zeros(nf, np.int64), np.zeros(nf, np.int64), np.zeros(nf, bool)
        vrow, vstart = [], 0
        for sh, k, (f, m, sm), (a, b) in zip(lathes, self.lathe_parts, flips, runs):
            c, fs = slice(self.nc[k], self.nc[k + 1]), slice(self.nf[k], self.nf[k + 1])
            self.corners[c] = sh.corners[f] + self.nv[k]
            self.uvs[c, 0] = sh.u[f]
            self.sizes[fs], self.mat[fs], self.smooth[fs] = sh.sizes, m, sm
            vrow.append(sh.vrow[f] + vstart)
            vstart += b - a + 1                 # this part's UV lengths: one per segment, and the 0 before them
        self.vrow = cat(vrow, np.int64)


def _runs(offsets, parts):
    """[(first, end, first in the lathed parts' own order)] of the merged rows (``offsets``: each part's first) that
    consecutive lathed ``parts`` fill, one run per stretch between ready meshes."""
    out, own = [], 0
    for k in parts:
        n = offsets[k + 1] - offsets[k]
        if out and out[-1][1] == offsets[k]:
            out[-1] = (out[-1][0], offsets[k + 1], out[-1][2])
        else:
            out.append((offsets[k], offsets[k + 1], own))
        own += n
    return out
