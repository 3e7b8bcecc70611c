"""Mouldings run round a room (bpy-free): a profile swept along the four walls of a rectangle, mitred at the corners.

A structure entry's geometry ``{"type": "moulding", "lo": [x0, y0], "hi": [x1, y1], "z": z, "profile": [[out, down],
...]}``: the room's inner rectangle, the height the profile hangs from, and the profile as a closed polygon of
points ``out`` metres from the wall and ``down`` metres under ``z`` (from the wall at the top, out and down the
moulded face, and back up the wall). Each profile point becomes the rectangle inset by ``out`` at ``z - down``: the
sweep's corners are mitred on the rectangle's diagonals, and the mesh is one closed shell (a ring round the room).
"""
from __future__ import annotations

import math

import numpy as np

from .geometry import Mesh, _orient, _planar_uvs


def crown_profile(h: float, d: float, top_gap: float, segments: int = 8) -> list:
    """A crown moulding ``h`` tall standing ``d`` out at the ceiling (``top_gap`` under it): a narrow fillet against
    the ceiling, a chamfer, a deep concave cove, a step, and a convex bead down to the wall. Closed polygon of
    [out, down] points, rounded to 0.1 mm."""
    pts = [(0.0, top_gap), (d, top_gap), (d, 0.1 * h), (0.92 * d, 0.18 * h)]
    # the cove: an elliptical quarter centred out in the room, from under the chamfer to the step (concave)
    cx, cy, rx, ry = 0.92 * d, 0.78 * h, 0.67 * d, 0.6 * h
    for k in range(1, segments + 1):
        t = 0.5 * math.pi * k / segments
        pts.append((cx - rx * math.sin(t), cy - ry * math.cos(t)))
    pts.append((0.3 * d, 0.8 * h))          # the step out to the bead
    # the bead: a convex quarter from the step down to the wall
    for k in range(1, segments + 1):
        t = 0.5 * math.pi * k / segments
        pts.append((0.3 * d * math.cos(t), 0.8 * h + 0.2 * h * math.sin(t)))
    return [[round(float(o), 6), round(float(dn), 6)] for o, dn in pts]


def moulding_mesh(geo) -> Mesh:
    """The closed sweep of ``geo["profile"]`` round the rectangle ``geo["lo"]``..``geo["hi"]`` (see the module)."""
    (x0, y0), (x1, y1), z = geo["lo"], geo["hi"], geo["z"]
    prof = np.asarray(geo["profile"], np.float64)
    o, dn = prof[:, 0:1], prof[:, 1:2]
    # per profile point, the inset rectangle's corners (counter-clockwise seen from above)
    xs = np.concatenate([x0 + o, x1 - o, x1 - o, x0 + o], 1)
    ys = np.concatenate([y0 + o, y0 + o, y1 - o, y1 - o], 1)
    zs = np.broadcast_to(z - dn, xs.shape)
    verts = np.stack([xs, ys, zs], -1).reshape(-1, 3)
    n, k = len(prof), 4
    idx = np.arange(n * k).reshape(n, k)
    i2, j2 = np.roll(np.arange(n), -1), np.roll(np.arange(k), -1)
    quads = np.stack([idx, idx[:, j2], idx[i2][:, j2], idx[i2]], -1).reshape(-1, 4)
    uvs = _planar_uvs(verts[quads]).reshape(-1, 2)
    return _orient(Mesh(verts, quads.ravel(), np.full(len(quads), 4), uvs, 0, True))


def moulding_boxes(geo) -> list:
    """The four boxes (one per wall, [[lo], [hi]]) that hold the moulding: what nothing may stand or hang in."""
    (x0, y0), (x1, y1), z = geo["lo"], geo["hi"], geo["z"]
    prof = np.asarray(geo["profile"], np.float64)
    d, top, bottom = float(prof[:, 0].max()), z - float(prof[:, 1].min()), z - float(prof[:, 1].max())
    out = [((x0, y0, bottom), (x1, y0 + d, top)), ((x0, y1 - d, bottom), (x1, y1, top)),
           ((x0, y0 + d, bottom), (x0 + d, y1 - d, top)), ((x1 - d, y0 + d, bottom), (x1, y1 - d, top))]
    return [[[round(v, 6) for v in lo], [round(v, 6) for v in hi]] for lo, hi in out]
