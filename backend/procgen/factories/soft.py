"""Soft furnishings (bpy-free): the throw cushion. Origin at the footprint centre on what it rests on; its
front faces -Y and it leans back towards +Y (against a sofa's back or a bed's pillows)."""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _orient, _seg, edition, merge, rng_for, rot_x
from ..materials import material
from ..registry import Asset, Param, factory

SQUASH = 0.012
"""How far (m) the cushion's weight flattens its lowest edge into a contact patch."""
CROWN = 0.7
"""Share of the stuffing's profile that is a dome, q = (1 - u^2)(1 - v^2); the rest is q^0.35, a plateau with a
steep rounded edge (all of it before: the middle read flat under even light)."""


def _pillow(W, H, T, pinch, n, rng):
    """A stuffed cushion in the XZ plane, facing -Y: two panels sewn along their rim (shared rim vertices, so the
    shell is closed), sides pulled in between the corners (``pinch``), puffed ``T`` thick in the middle and
    thin at the seam, with a few soft wrinkles. Grid lines crowd towards the rim where it curves most."""
    s = np.sin(np.linspace(-np.pi / 2, np.pi / 2, n + 1))  # -1..1, denser at the ends
    U, V = np.meshgrid(s, s)  # [row = v, col = u]
    X = U * W / 2 * (1 - pinch * (1 - V ** 2))
    Z = V * H / 2 * (1 - pinch * (1 - U ** 2))
    # a crowned dome, not a slab with rounded edges: the face curves all the way from the seam to the middle
    q = np.clip((1 - U ** 2) * (1 - V ** 2), 0, 1)
    puff = (1 - CROWN) * q ** 0.35 + CROWN * q  # a thin rounded bead at the seam (the panels never meet flat) + a dome
    a, b, ph = rng.uniform(2, 5), rng.uniform(2, 5), rng.uniform(0, 2 * np.pi, 2)
    wrinkle = 0.006 * np.sin(a * U * np.pi + ph[0]) * np.sin(b * V * np.pi + ph[1]) * (1 - U ** 2) * (1 - V ** 2)
    # creases running in from the pinched corners (where the cover gathers), fading out towards the middle
    for su, sv in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
        along = np.clip((su * U + sv * V) / 2, 0, 1)  # 1 at this corner, 0 at the middle
        across = (su * U - sv * V) / 2
        wrinkle += 0.005 * along ** 2 * np.cos(across * np.pi * rng.uniform(5, 8)) * (1 - U ** 2) ** 0.5 * (1 - V ** 2) ** 0.5
    rim = (np.abs(U) >= 1 - 1e-12) | (np.abs(V) >= 1 - 1e-12)
    N = (n + 1) ** 2
    front = np.stack([X, -(T / 2) * puff + wrinkle, Z], -1).reshape(-1, 3)
    back = np.stack([X, (T / 2) * puff + wrinkle * 0.7, Z], -1).reshape(-1, 3)
    ids_back = np.where(rim.ravel(), np.arange(N), N + np.arange(N))  # rim vertices are the front's
    verts = np.concatenate([front, back])
    ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    q = (ii * (n + 1) + jj).ravel()
    quads_f = np.stack([q, q + 1, q + n + 2, q + n + 1], 1)
    quads_b = ids_back[quads_f][:, ::-1]
    quads = np.concatenate([quads_f, quads_b])
    used = np.unique(quads)
    remap = np.full(len(verts), -1, np.int64)
    remap[used] = np.arange(len(used))
    verts, quads = verts[used], remap[quads]
    uvs = verts[quads.ravel()][:, [0, 2]] + 0.5  # metric, the weave runs across the face
    return _orient(Mesh(verts, quads.ravel(), np.full(len(quads), 4), uvs, 0, True)), (X, Z)


def _piping(X, Z, r, k, mat):
    """A corded seam: a closed ring tube of radius ``r`` round the cushion's rim (no caps: it closes on itself)."""
    n = X.shape[0] - 1
    rim = [(0, j) for j in range(n)] + [(i, n) for i in range(n)] + [(n, j) for j in range(n, 0, -1)] + [(i, 0) for i in range(n, 0, -1)]
    # the rim's grid crowds into the corners: a cord 3 r apart at least (no folded rings)
    return cord(spaced([np.array([X[i, j], 0.0, Z[i, j]]) for i, j in rim], 3 * r), r, k, mat)


def spaced(P, gap):
    """The points of the closed loop ``P`` (a list of 3-vectors) left after dropping each one nearer than ``gap``
    to the last kept (the loop's closing step too): an array."""
    keep = [P[0]]
    for q in P[1:]:
        if np.linalg.norm(q - keep[-1]) >= gap:
            keep.append(q)
    while np.linalg.norm(keep[-1] - keep[0]) < gap:
        keep.pop()
    return np.array(keep)


def cord(P, r, k, mat, axis=(0.0, 1.0, 0.0)):
    """A closed ring tube of radius ``r`` and ``k`` sides through the loop ``P`` (M x 3, in a plane normal to
    ``axis``): a piped seam's cord (no caps: it closes on itself)."""
    T = np.roll(P, -1, 0) - np.roll(P, 1, 0)
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    out = np.cross(T, axis)  # in the cushion's plane, outwards for this winding (or inwards: either)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    th = np.linspace(0, 2 * np.pi, k + 1)[:-1]
    rings = P[:, None] + r * (np.cos(th)[None, :, None] * out[:, None] + np.sin(th)[None, :, None] * np.asarray(axis))
    m = len(P)
    corners, uvs = [], []
    for i in range(m):
        i2 = (i + 1) % m
        for j in range(k):
            j2 = (j + 1) % k
            corners += [i * k + j, i * k + j2, i2 * k + j2, i2 * k + j]
            uvs += [(i * 0.01, j / k), (i * 0.01, (j + 1) / k), ((i + 1) * 0.01, (j + 1) / k), ((i + 1) * 0.01, j / k)]
    return _orient(Mesh(rings.reshape(-1, 3), corners, np.full(m * k, 4), uvs, mat, True))


@factory("cushion", (
    Param("width", 0.35, 0.55, doc="Width across, m"),
    Param("height", 0.3, 0.55, doc="Height of the face, m (under the width: a lumbar cushion)"),
    Param("thickness", 0.12, 0.2, doc="Stuffed thickness in the middle, m"),
    Param("lean", 0.0, 25.0, doc="How far it leans back from upright, degrees (0 stands it up)"),
    Param("piping", 0, 1, integer=True, doc="1: a corded seam round the rim; 0: a plain sewn seam"),
), ("furnishing", "textile", "cushion"), small=True)
def cushion(seed, p):
    """Throw cushion: two stuffed fabric panels sewn at the rim, puffed in the middle and pinched at the
    corners, with soft wrinkles and a corded (piped) or plain seam; leaning back by ``lean`` and flattened a
    little where it rests (its weight). Edition 3: a sewn flange or welt seam, dog-eared corners, settled
    stuffing, buttoned tufts or a centre dimple, a coarse weave (``sewn.cushion3``)."""
    if edition() >= 3:
        from .sewn import cushion3
        return cushion3(seed, p)
    rng = rng_for(seed, "cushion", "shape")
    W, H, T = p["width"], min(p["height"], p["width"]), p["thickness"]
    n = _seg(16, 6)
    body, (X, Z) = _pillow(W, H, T, rng.uniform(0.06, 0.12), n, rng)
    parts = [body]
    if p["piping"]:
        parts.append(_piping(X, Z, 0.0045, _seg(6, 4), 1))
    m = merge(parts).transformed(rot_x(-np.radians(p["lean"])))  # the top back towards +Y
    v = m.verts
    z0 = v[:, 2].min() + SQUASH  # squashed nearly flat where it rests (never exactly: no coincident faces)
    v[:, 2] = np.where(v[:, 2] < z0, z0 + (v[:, 2] - z0) * 0.08, v[:, 2])
    v[:, 2] -= v[:, 2].min()
    lo, hi = v.min(axis=0), v.max(axis=0)
    v[:, 0] -= (lo[0] + hi[0]) / 2
    v[:, 1] -= (lo[1] + hi[1]) / 2
    fabric = material("fabric", rng_for(seed, "cushion", "mat", "fabric"), "cushion")
    cord = material("fabric", rng_for(seed, "cushion", "mat", "cord"), "cushion") if rng.uniform() < 0.5 else fabric
    return Asset(m, (fabric, cord))
FACTORIES = (cushion,)
