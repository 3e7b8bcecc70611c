"""Measures on real triangles (bpy-free): coincident faces inside one asset, vertical drops onto a support.

The constraint checker and the tests use these instead of trusting what an asset declares about itself.
"""
from __future__ import annotations

import numpy as np

from .geometry import Mesh, fan_triangles


def triangles(m: Mesh):
    """Float[ndarray, "T 3 3"] corner positions of the fan triangles."""
    return m.verts[fan_triangles(m)]


def coplanar_overlaps(m: Mesh, min_area: float = 1e-7, plane_tol: float = 1e-5) -> list:
    """Pairs of triangles lying in one plane (either facing) that overlap with more than ``min_area`` m^2.

    Two parts of one asset whose faces coincide (a leg flush with a seat's side, a part resting exactly on another)
    render as black or flickering patches in a path tracer; an asset's parts must be joined (one surface
    inside the other, faces not coincident) or separated. Returns [(tri_a, tri_b, area)]."""
    t = fan_triangles(m)
    if not len(t):
        return []
    P = m.verts[t]
    n = np.cross(P[:, 1] - P[:, 0], P[:, 2] - P[:, 0])
    ln = np.linalg.norm(n, axis=1)
    ok = ln > 1e-12
    n[ok] /= ln[ok, None]
    # canonical sign so opposite-facing coplanar triangles share a key
    flip = np.where(np.abs(n[:, 0]) > 1e-6, n[:, 0] < 0, np.where(np.abs(n[:, 1]) > 1e-6, n[:, 1] < 0, n[:, 2] < 0))
    cn = np.where(flip[:, None], -n, n)
    off = np.einsum("ij,ij->i", cn, P[:, 0])
    key = np.concatenate([np.round(cn * 1e3), np.round(off / plane_tol)[:, None]], axis=1).astype(np.int64)
    key[~ok] = np.iinfo(np.int64).min
    order = np.lexsort(key.T[::-1])
    ks = key[order]
    brk = np.flatnonzero(np.any(np.diff(ks, axis=0) != 0, axis=1)) + 1
    out = []
    for grp in np.split(order, brk):
        if len(grp) < 2 or not ok[grp[0]]:
            continue
        nrm = cn[grp[0]]
        ax = int(np.argmax(np.abs(nrm)))
        keep = [i for i in range(3) if i != ax]
        Q = P[grp][:, :, keep]
        lo, hi = Q.min(axis=1), Q.max(axis=1)
        for i in range(len(grp)):
            cand = np.flatnonzero((lo[i + 1:] < hi[i] - 1e-9).all(axis=1) & (hi[i + 1:] > lo[i] + 1e-9).all(axis=1)) + i + 1
            for j in cand:
                area = _clip_area(Q[i], Q[j]) / max(abs(nrm[ax]), 1e-9)
                if area > min_area:
                    out.append((int(grp[i]), int(grp[j]), float(area)))
    return out


def _poly_area(p):
    x, y = p[:, 0], p[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _clip_area(a, b) -> float:
    """Area of the intersection of two 2D triangles (Sutherland-Hodgman)."""
    if _poly_area(a) < 0:
        a = a[::-1]
    if _poly_area(b) < 0:
        b = b[::-1]
    poly = [tuple(p) for p in a]
    for k in range(3):
        c0, c1 = b[k], b[(k + 1) % 3]
        ex, ey = c1 - c0

        def inside(p):
            return ex * (p[1] - c0[1]) - ey * (p[0] - c0[0]) >= -1e-12

        def cross(p, q):
            d0 = ex * (p[1] - c0[1]) - ey * (p[0] - c0[0])
            d1 = ex * (q[1] - c0[1]) - ey * (q[0] - c0[0])
            s = d0 / (d0 - d1)
            return (p[0] + s * (q[0] - p[0]), p[1] + s * (q[1] - p[1]))
        src, poly = poly, []
        for i, p in enumerate(src):
            q = src[(i + 1) % len(src)] if src else p
            if inside(p):
                poly.append(p)
                if not inside(q):
                    poly.append(cross(p, q))
            elif inside(q):
                poly.append(cross(p, q))
        if len(poly) < 3:
            return 0.0
    return abs(_poly_area(np.asarray(poly)))


def drop_heights(points_xy, tris, z_from):
    """Highest z at or below ``z_from`` where a vertical ray down from each (x, y) meets a triangle, else -inf.

    points_xy Float[ndarray, "P 2"], tris Float[ndarray, "T 3 3"] (world space). The constraint checker uses it to
    measure what an object really stands on instead of trusting a declared surface."""
    pts = np.asarray(points_xy, np.float64).reshape(-1, 2)
    out = np.full(len(pts), -np.inf)
    if not len(tris) or not len(pts):
        return out
    a, b, c = tris[:, 0], tris[:, 1], tris[:, 2]
    v0, v1 = b[:, :2] - a[:, :2], c[:, :2] - a[:, :2]
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    good = np.abs(den) > 1e-14
    a, b, c, v0, v1, den = a[good], b[good], c[good], v0[good], v1[good], den[good]
    for s in range(0, len(pts), 256):
        p = pts[s:s + 256]
        w = p[:, None, :] - a[None, :, :2]
        u = (w[..., 0] * v1[None, :, 1] - v1[None, :, 0] * w[..., 1]) / den
        v = (v0[None, :, 0] * w[..., 1] - w[..., 0] * v0[None, :, 1]) / den
        inside = (u >= -1e-9) & (v >= -1e-9) & (u + v <= 1 + 1e-9)
        z = a[None, :, 2] + u * (b[None, :, 2] - a[None, :, 2]) + v * (c[None, :, 2] - a[None, :, 2])
        z = np.where(inside & (z <= z_from), z, -np.inf)
        out[s:s + 256] = z.max(axis=1) if z.shape[1] else -np.inf
    return out


def _ray_hits(tris, side, n, cell):
    """Where rays along ``n`` through a ``cell`` grid in the (side, z) plane meet ``tris``: (ray keys (i, z) as
    Int[ndarray, "H 2"], depth along n Float[ndarray, "H"]), one row per ray-triangle hit."""
    s_, z_, d_ = tris @ side, tris[:, :, 2], tris @ n
    i0, i1 = np.ceil(s_.min(1) / cell).astype(np.int64), np.floor(s_.max(1) / cell).astype(np.int64)
    j0, j1 = np.ceil(z_.min(1) / cell).astype(np.int64), np.floor(z_.max(1) / cell).astype(np.int64)
    ni, nj = np.maximum(i1 - i0 + 1, 0), np.maximum(j1 - j0 + 1, 0)
    cnt = ni * nj
    t = np.repeat(np.arange(len(tris)), cnt)
    if not len(t):
        return np.zeros((0, 2), np.int64), np.zeros(0)
    k = np.arange(len(t)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    ri, rj = i0[t] + k // nj[t], j0[t] + k % nj[t]
    ps, pz = ri * cell, rj * cell
    a_s, a_z = s_[t, 0], z_[t, 0]
    v0s, v0z = s_[t, 1] - a_s, z_[t, 1] - a_z
    v1s, v1z = s_[t, 2] - a_s, z_[t, 2] - a_z
    den = v0s * v1z - v1s * v0z
    flat = np.abs(den) <= 1e-14  # triangles seen edge-on
    den = np.where(flat, 1.0, den)
    ws, wz = ps - a_s, pz - a_z
    u = (ws * v1z - v1s * wz) / den
    v = (v0s * wz - ws * v0z) / den
    hit = ~flat & (u >= -1e-9) & (v >= -1e-9) & (u + v <= 1 + 1e-9)
    t, u, v = t[hit], u[hit], v[hit]
    depth = d_[t, 0] + u * (d_[t, 1] - d_[t, 0]) + v * (d_[t, 2] - d_[t, 0])
    return np.stack([ri[hit], rj[hit]], 1), depth


def slide_clearance(moving_tris, fixed_tris, direction, cell=0.01):
    """How far (m) the triangles ``moving_tris`` can slide along the horizontal ``direction`` before they touch
    ``fixed_tris`` (both Float[ndarray, "T 3 3"], world space); inf when nothing is in the way, 0 or less when
    they already touch or interpenetrate where the fixed geometry lies ahead.

    Rays along the direction through a ``cell`` grid (sideways x height) meet both meshes; per ray, the front-most
    moving hit is compared with the nearest fixed hit. The moving side's front is widened to the neighbouring
    rays, so an edge between two rays is not missed (the answer errs short by about a cell times the surface's
    slope). Chairs slid under tables use it; the Blender-side sweep confirms no triangles cross."""
    n = np.array([direction[0], direction[1], 0.0], np.float64)
    n /= np.linalg.norm(n)
    side = np.array([-n[1], n[0], 0.0])
    ta, tb = np.asarray(moving_tris, np.float64).reshape(-1, 3, 3), np.asarray(fixed_tris, np.float64).reshape(-1, 3, 3)
    if not len(ta) or not len(tb):
        return float("inf")
    ka, da = _ray_hits(ta, side, n, cell)
    kb, db = _ray_hits(tb, side, n, cell)
    if not len(da) or not len(db):
        return float("inf")
    ka = np.concatenate([ka + [di, dz] for di in (-1, 0, 1) for dz in (-1, 0, 1)])
    da = np.tile(da, 9)
    lo = np.minimum(ka.min(0), kb.min(0))
    zspan = int(max(ka[:, 1].max(), kb[:, 1].max()) - lo[1] + 1)
    key_a = (ka[:, 0] - lo[0]) * zspan + (ka[:, 1] - lo[1])
    key_b = (kb[:, 0] - lo[0]) * zspan + (kb[:, 1] - lo[1])
    ua, inv_a = np.unique(key_a, return_inverse=True)
    front = np.full(len(ua), -np.inf)
    np.maximum.at(front, inv_a, da)
    ub, inv_b = np.unique(key_b, return_inverse=True)
    near = np.full(len(ub), np.inf)
    np.minimum.at(near, inv_b, db)
    _, ia, ib = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
    if not len(ia):
        return float("inf")
    return float((near[ib] - front[ia]).min())
