"""Throw cushions on sofas, armchairs and beds (bpy-free), placed on the real geometry: each cushion is settled
onto the seat's (or mattress's) triangles and slid back until it leans on the back cushions (or the bed's
pillows), never into them. Its own seeded stream: dressing a seat changes nothing else in the plan."""
from __future__ import annotations

import math

import numpy as np

from .factories import registry
from .geometry import rng_for, rot_z
from .layout import CONTACT_GAP, in_surface, overlap, world_aabb
from .measure import drop_heights, triangles
from .registry import generate

MARGIN = 0.006
"""Clearance (m) left between a cushion and the back it leans on, measured vertex to surface along the slide."""
HOW_MANY = {"sofa": (0.9, 1, 4), "armchair": (0.4, 1, 1), "bed": (0.5, 1, 3)}
"""Per seat category: (chance it gets cushions, fewest, most)."""


def _room_behind(cushion_verts, cushion_tris, seat_verts, seat_tris):
    """How far (m) the cushion can slide along +Y before it meets the seat: its vertices cast onto the seat's
    triangles, and the seat's vertices cast back onto the cushion's (so a rounded edge between two of its
    vertices is not missed)."""
    near = seat_verts[(seat_verts >= cushion_verts.min(axis=0) - 0.05).all(axis=1)
                      & (seat_verts <= cushion_verts.max(axis=0) + [0.05, 1.0, 0.05]).all(axis=1)]
    back = _ahead(near * [1.0, -1.0, 1.0], cushion_tris * [1.0, -1.0, 1.0]) if len(near) else np.full(1, np.inf)
    return min(float(_ahead(cushion_verts, seat_tris).min()), float(back.min()))


def _ahead(verts, tris):
    """Per vertex, how far (m) it can move along +Y before meeting ``tris`` (inf when nothing is ahead)."""
    out = np.full(len(verts), np.inf)
    lo, hi = verts.min(axis=0), verts.max(axis=0)
    tlo, thi = tris.min(axis=1), tris.max(axis=1)
    tris = tris[(tlo[:, 0] <= hi[0]) & (thi[:, 0] >= lo[0]) & (tlo[:, 2] <= hi[2]) & (thi[:, 2] >= lo[2]) & (thi[:, 1] >= lo[1])]
    if not len(tris):
        return out
    a, b, c = tris[:, 0], tris[:, 1], tris[:, 2]
    v0, v1 = (b - a)[:, [0, 2]], (c - a)[:, [0, 2]]  # in the XZ plane, looking along +Y
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    good = np.abs(den) > 1e-14
    a, b, c, v0, v1, den = a[good], b[good], c[good], v0[good], v1[good], den[good]
    for s in range(0, len(verts), 128):
        p = verts[s:s + 128]
        w = p[:, None, [0, 2]] - a[None, :, [0, 2]]
        u = (w[..., 0] * v1[None, :, 1] - v1[None, :, 0] * w[..., 1]) / den
        v = (v0[None, :, 0] * w[..., 1] - w[..., 0] * v0[None, :, 1]) / den
        inside = (u >= -1e-9) & (v >= -1e-9) & (u + v <= 1 + 1e-9)
        y = a[None, :, 1] + u * (b[None, :, 1] - a[None, :, 1]) + v * (c[None, :, 1] - a[None, :, 1])
        d = np.where(inside & (y >= p[:, None, 1]), y - p[:, None, 1], np.inf)
        out[s:s + 128] = d.min(axis=1)
    return out


def dress(scene, seat) -> list:
    """Throw cushions on ``seat`` (a planned sofa, armchair or bed with its ``_asset``) in a row along its seat,
    leaning back; returns the objects added (none when the dice say so or nothing fits)."""
    chance, lo_n, hi_n = HOW_MANY[seat["category"]]
    g = rng_for(scene.seed, "cushions", seat["id"])
    if g.uniform() >= chance:
        return []
    want = int(g.integers(lo_n, hi_n + 1))
    asset = seat["_asset"]
    if not asset.surfaces:
        return []
    surf = asset.surfaces[0]
    tris, sv = triangles(asset.mesh), asset.mesh.verts
    spec = registry().get("cushion")
    made = []
    for k in range(want):
        s = int(g.integers(0, 2**31 - 1))
        params = {"lean": round(float(g.uniform(8.0, 22.0)), 4)}
        if seat["category"] == "armchair":
            params["width"] = round(float(g.uniform(0.35, 0.42)), 4)
        a, full = generate(registry(), "cushion", s, params, detail_level=scene.graph["params"].get("detail", 1.0))
        made.append((s, a, full, float(g.uniform(-0.2, 0.2)), float(g.uniform(-0.02, 0.02))))
    # a row along the seat: the ends first (against the arms), then between them; drop what does not fit
    widths = [float(np.ptp((a.mesh.verts @ rot_z(j).T)[:, 0])) for _, a, _, j, _ in made]
    span = surf["hi"][0] - surf["lo"][0] - 0.04
    while made and sum(widths) + 0.02 * (len(made) - 1) > span:
        made.pop()
        widths.pop()
    if not made:
        return []
    n = len(made)
    if n == 1:
        xs = [surf["lo"][0] + 0.02 + widths[0] / 2] if g.uniform() < 0.5 else [surf["hi"][0] - 0.02 - widths[0] / 2]
    else:
        x0, x1 = surf["lo"][0] + 0.02 + widths[0] / 2, surf["hi"][0] - 0.02 - widths[-1] / 2
        xs = list(np.linspace(x0, x1, n))
    placed = []
    L, yaw0 = seat["location"], seat["rotation_z"]
    R0 = rot_z(yaw0)
    for (s, a, full, j, dx), x in zip(made, xs):
        v0 = a.mesh.verts @ rot_z(j).T
        ctris = triangles(a.mesh) @ rot_z(j).T
        if v0[:, 2].max() > surf["clear"] - 0.01:
            continue
        x = x + dx if n > 1 else x
        y = surf["lo"][1] - v0[:, 1].min() + 0.02
        z = surf["z"]
        # settle it on the seat, slide it back until it leans on the back (or the pillows); where settling
        # would sink part of it into what is behind (a pillow's rounded top), keep it further forward
        ok, y_max = False, np.inf
        for _ in range(12):
            lift = _settle_lift(v0 + [x, y, 0.0], tris, z)
            if lift is None:
                break
            z = lift
            if _sunk(v0 + [x, y, z], tris) > 0.0:
                y_max = y - 0.01
                y = y_max
                continue
            room = _room_behind(v0 + [x, y, z], ctris + [x, y, z], sv, tris)
            if not np.isfinite(room):
                break
            if room >= MARGIN * 0.5 and (abs(room - MARGIN) < 0.002 or y >= y_max - 1e-9):
                ok = True
                break
            y = min(y + room - MARGIN, y_max)
        if not ok:
            continue
        loc = tuple(np.asarray(L, np.float64) + R0 @ np.array([x, y, z]))
        yaw = yaw0 + j
        lo, hi = a.mesh.bounds()
        if not in_surface(lo, hi, loc, yaw, L, yaw0, surf) or _base_support(v0 + [x, y, z], tris) < 0.6:
            continue
        aabb = world_aabb(lo, hi, loc, yaw)
        if any(overlap(aabb, b, 0.005) for b in scene.on_surface.get(seat["id"], [])):
            continue
        obj = scene.add("cushion", a, full, s, spec, loc, yaw, {"object": seat["id"], "surface": 0}, aabb)
        scene.on_surface.setdefault(seat["id"], []).append(aabb)
        placed.append(obj)
    return placed


def _sunk(verts, tris, reach=0.03):
    """How deep (m) the deepest of ``verts`` lies under a surface of ``tris`` right above it (within ``reach``
    above the vertex); 0 or less when none is sunk."""
    lo, hi = verts.min(axis=0), verts.max(axis=0)
    tlo, thi = tris.min(axis=1), tris.max(axis=1)
    tris = tris[(tlo[:, :2] <= hi[:2]).all(axis=1) & (thi[:, :2] >= lo[:2]).all(axis=1) & (thi[:, 2] >= lo[2])
                & (tlo[:, 2] <= hi[2] + reach)]
    if not len(tris):
        return 0.0
    worst = -np.inf
    a, b, c = tris[:, 0], tris[:, 1], tris[:, 2]
    v0, v1 = (b - a)[:, :2], (c - a)[:, :2]
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    good = np.abs(den) > 1e-14
    a, b, c, v0, v1, den = a[good], b[good], c[good], v0[good], v1[good], den[good]
    for s in range(0, len(verts), 128):
        p = verts[s:s + 128]
        w = p[:, None, :2] - a[None, :, :2]
        u = (w[..., 0] * v1[None, :, 1] - v1[None, :, 0] * w[..., 1]) / den
        v = (v0[None, :, 0] * w[..., 1] - w[..., 0] * v0[None, :, 1]) / den
        inside = (u >= -1e-9) & (v >= -1e-9) & (u + v <= 1 + 1e-9)
        z = a[None, :, 2] + u * (b[None, :, 2] - a[None, :, 2]) + v * (c[None, :, 2] - a[None, :, 2])
        d = np.where(inside & (z <= p[:, None, 2] + reach), z - p[:, None, 2], -np.inf)
        worst = max(worst, float(d.max()) if d.size else -np.inf)
    return worst


def _base_support(verts, tris):
    """Share of the cushion's base points (within 1 mm of its bottom) with seat geometry at most 5 mm under them
    (what the constraint checker measures)."""
    bottom = verts[:, 2].min()
    feet = verts[verts[:, 2] <= bottom + 0.001]
    z = drop_heights(feet[:, :2], tris, bottom + 0.05)
    return float(np.mean(np.isfinite(z) & (bottom - z <= 0.005)))


def _settle_lift(verts, tris, z_guess):
    """Base height at which ``verts`` (at base 0) rest on ``tris``: the lowest band of the cushion dropped onto
    the triangles under it, 0.5 mm clear; None when there is nothing under it."""
    low = verts[verts[:, 2] <= verts[:, 2].min() + 0.04]
    lo, hi = low[:, :2].min(axis=0), low[:, :2].max(axis=0)
    tlo, thi = tris[:, :, :2].min(axis=1), tris[:, :, :2].max(axis=1)
    tris = tris[(tlo <= hi).all(axis=1) & (thi >= lo).all(axis=1)]
    h = drop_heights(low[:, :2], tris, z_guess + 0.1 + low[:, 2].min())
    good = np.isfinite(h)
    if not good.any():
        return None
    return float((h[good] - low[good, 2]).max()) + CONTACT_GAP
