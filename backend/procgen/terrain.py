"""Terrain heightfields (bpy-free): seeded smooth relief with exact flat plateaus under objects, an optional pond
(a hollow with an irregular shore dug into the relief, water to just below the lowest point of its rim) and an
optional path (a shallow worn strip).

Bare soil (the path, the pond's shore and bed) is not painted by whole grid cells: ``soil_edge`` gives every
vertex its signed distance (m) to the edge of the soil, and the renderer blends the terrain's two materials
per pixel across that interpolated distance (smooth, with a little noise: a worn, slightly ragged edge)."""
from __future__ import annotations

import numpy as np

from .geometry import grid_heightfield, rng_for


def terrain_noise(seed, x, y, amp):
    """Smooth seeded height (sum of random plane waves), metres."""
    g = rng_for(seed, "terrain", "waves")
    h = np.zeros(np.broadcast(x, y).shape)
    for k in range(6):
        a = g.uniform(0, 2 * np.pi)
        f = 0.08 * (1.8 ** k)
        h += amp / (1.9 ** k) * np.sin(f * (np.cos(a) * x + np.sin(a) * y) + g.uniform(0, 2 * np.pi))
    return h


def terrain_mesh(spec):
    """The patch's ground from a terrain geometry spec (see plan_outdoor): the heightfield's top alone, flats
    applied exactly; the land (``horizon_mesh``) meets its border edge for edge, so it needs no skirts (which
    Cycles shaded as a dark line along the border). One material slot on every face: where a path or pond bares
    the soil, ``soil_edge`` says how much of slot 1 shows (per vertex, blended per pixel by the renderer), never
    whole faces."""
    H = terrain_mesh_heights(spec)
    return grid_heightfield(H, spec["size"], spec["size"], float(H.min()) - 1.0, closed=False)


SOIL_FAR = 10.0
"""``soil_edge`` of points far from any soil (m): the field only matters within a metre of an edge."""
SHORE_BAND = 0.4
"""Width (m) of bare, wet soil round a pond beyond its waterline."""


def soil_edge(spec, x, y, far=False):
    """Signed distance (m) from points (x, y) to the edge of the bare soil (the path's strip; a pond's bed and a
    SHORE_BAND beyond its waterline): negative on soil, positive on grass, at most SOIL_FAR; for the land round
    the patch too. None when the terrain has neither path nor pond. It is smooth, so its value interpolated
    across a grid cell keeps the edge a smooth curve (within millimetres of the exact distance near the edge).

    A path runs on across the land along its ``far`` polylines (``path_far``); those count only with ``far``
    True: the land's grid grows coarse away from the patch, so the renderer measures the distance to them per
    pixel (``far_lines``) instead of interpolating it between vertices metres apart. A path planned before it
    had them (a graph kept in a file) narrows away beyond the patch as PATH_FADE says."""
    if not spec.get("path") and not spec.get("pond"):
        return None
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    e = np.full(np.broadcast(x, y).shape, SOIL_FAR)
    if spec.get("path"):
        pth = spec["path"]
        if "far" in pth:
            e = np.minimum(e, path_distance(pth["points"], x, y) - pth["width"] / 2)
            if far:
                for line in pth["far"]:
                    e = np.minimum(e, path_distance(line, x, y) - pth["width"] / 2)
        else:
            out = np.maximum(np.maximum(np.abs(x), np.abs(y)) - spec["size"] / 2 - PATH_FADE[0], 0)  # off the patch
            e = np.minimum(e, path_distance(pth["points"], x, y) - pth["width"] / 2 + out * PATH_FADE[1])
    if spec.get("pond"):
        d, r_shore = pond_shore(spec["seed"], spec["pond"], x, y)
        e = np.minimum(e, d - (r_shore * pond_waterline(spec["pond"]) + SHORE_BAND))
    return np.minimum(e, SOIL_FAR)


WET_BAND = 0.6
"""Width (m) of the wet bank beyond a pond's waterline (the shore's bare soil and the first grass): darker and
glossier, ragged at its outer edge (the renderer pushes that edge in and out by noise, per pixel)."""


def wet_edge(spec, x, y):
    """Signed distance (m) from points (x, y) to the outer edge of the wet bank round the pond's waterline:
    negative on the wet bank (and under the water), positive beyond it, at most SOIL_FAR. None without a pond
    (or for a pond planned before the irregular shore). Smooth across the grid, like ``soil_edge``."""
    pond = spec.get("pond")
    if not pond or "level" not in pond:
        return None
    d, r_shore = pond_shore(spec["seed"], pond, np.asarray(x, np.float64), np.asarray(y, np.float64))
    return np.minimum(d - (r_shore * pond_waterline(pond) + WET_BAND), SOIL_FAR)


def path_distance(points, x, y):
    """Distance (m) from points (x, y) to the polyline ``points`` [[x, y], ...]."""
    P = np.asarray(points, np.float64)
    a, b = P[:-1], P[1:]
    q = np.stack([np.asarray(x, np.float64).ravel(), np.asarray(y, np.float64).ravel()], 1)
    ab = b - a
    t = np.clip(((q[:, None] - a[None]) * ab[None]).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-12)[None], 0, 1)
    d = np.linalg.norm(q[:, None] - (a[None] + t[..., None] * ab[None]), axis=-1).min(axis=1)
    return d.reshape(np.shape(x))


POND_BANK = 0.05
"""The pond's bank stands this high (m) above the water at the shore radius."""
SHORE_MIN = 0.78
"""The shore radius wanders between this fraction of the pond's radius (the water disc's) and all of it."""


def pond_shore(seed, pond, x, y):
    """Distance (m) of points (x, y) from the pond's centre, and the shore radius in their direction: a few
    seeded harmonics of the angle between SHORE_MIN and 1 times the pond's radius (an irregular, rounded
    outline, never a circle)."""
    g = rng_for(seed, "terrain", "shore")
    dx, dy = np.asarray(x, np.float64) - pond["x"], np.asarray(y, np.float64) - pond["y"]
    a = np.arctan2(dy, dx)
    s = np.zeros(np.broadcast(dx, dy).shape)
    amps = g.uniform(0.4, 1.0, 3)
    for k, amp, ph in zip((2, 3, 5), amps, g.uniform(0, 2 * np.pi, 3)):
        s += amp * np.sin(k * a + ph)
    s = 0.5 + 0.5 * s / amps.sum()
    return np.hypot(dx, dy), pond["r"] * (SHORE_MIN + (1 - SHORE_MIN) * s)


def pond_waterline(pond):
    """Where the bank meets the water, as a fraction of the shore radius."""
    return float(np.sqrt(1 - POND_BANK / (pond["depth"] + POND_BANK)))


def pond_bank(seed, pond, x, y):
    """Height (m) of the pond's bank at (x, y): ``depth`` below the water at its centre, rising as a bowl to
    POND_BANK above the water at the shore radius and on outwards at the same slope. The ground is the lower of
    this and the relief, so everything inside the waterline is under water."""
    d, r = pond_shore(seed, pond, x, y)
    D = pond["depth"] + POND_BANK
    top = pond["level"] + POND_BANK
    return np.where(d < r, top - D * (1 - (d / r) ** 2), top + 2 * D / r * (d - r))


def _smooth_min(a, b, k):
    """min(a, b) with the crease rounded over ``k`` (m); never above the min, at most k/4 below it."""
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0, 1)
    return b + (a - b) * h - k * h * (1 - h)


def water_mesh(spec):
    """The pond's water: a 2 cm thick disc whose top is the water level (its sides hide under the banks; the
    irregular shore lies inside it)."""
    from .geometry import lathe
    (x, y, z), r = spec["center"], spec["radius"]
    return lathe([(0.0, z - 0.02), (r, z - 0.02), (r, z), (0.0, z)], 64, smooth=False).transformed(offset=(x, y, 0.0))


def hills(seed, x, y, amp):
    """Large-scale relief for the land around the patch (hills a few hundred metres across), metres."""
    g = rng_for(seed, "terrain", "hills")
    h = np.zeros(np.broadcast(x, y).shape)
    for k in range(5):
        a = g.uniform(0, 2 * np.pi)
        f = 0.008 * (1.9 ** k)
        h += amp / (1.8 ** k) * (0.5 + 0.5 * np.sin(f * (np.cos(a) * x + np.sin(a) * y) + g.uniform(0, 2 * np.pi)))
    return h


HILLS_BLEND = 150.0
"""Distance (m) beyond the patch over which its relief turns into the hills."""
SEAM_BLEND = 4.0
"""Distance (m) beyond the patch over which the land takes over from the patch's own border heights (its flats,
path trough and pond bank included), so the two meet without a step."""
PATH_FADE = (3.0, 0.3)
"""A path planned without ``far`` polylines runs on this far (m) beyond the patch, then narrows by this much per
metre into the meadow."""
PATH_FAR = (8.0, 14.0, 22.0, 35.0, 55.0, 80.0, 110.0)
"""Lengths (m) of the straight legs by which a path runs on across the land from each end of its patch part
(324 m in all, past the farthest trees), each turned a little from the one before."""


def path_far(seed, points):
    """The polylines [[x, y], ...] by which a path (its patch part ``points``) runs on from both ends across the
    land: each leaves along the path's own direction at that end, then bends gently (seeded) leg by leg."""
    g = rng_for(seed, "terrain", "path_far")
    P = np.asarray(points, np.float64)
    lines = []
    for end, prev in ((P[-1], P[-2]), (P[0], P[1])):
        d = (end - prev) / max(float(np.linalg.norm(end - prev)), 1e-9)
        a = float(np.arctan2(d[1], d[0]))
        line = [end]
        for leg in PATH_FAR:
            a += float(g.uniform(-0.22, 0.22))
            line.append(line[-1] + leg * np.array([np.cos(a), np.sin(a)]))
        lines.append([[round(float(u), 3), round(float(v), 3)] for u, v in line])
    return lines


def land_height(seed, x, y, S, amp, hills_amp):
    """Height of the land around a patch of side ``S``: the patch's relief at its border (1 cm lower), blending
    into hills over HILLS_BLEND metres."""
    d = np.maximum(np.abs(x), np.abs(y)) - S / 2  # distance outside the patch (Chebyshev)
    w = np.clip(d / HILLS_BLEND, 0, 1)
    return terrain_noise(seed, x, y, amp) * (1 - w) + hills(seed, x, y, hills_amp) * w * w * (3 - 2 * w) - 0.01


def land_surface(spec, patch, x, y):
    """Height of the built land (a horizon spec) at points (x, y) outside ``patch`` (its terrain spec): exactly
    the patch's surface along its border, turning into ``land_height`` over SEAM_BLEND metres."""
    S = spec["size"]
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    h = land_height(spec["seed"], x, y, S, spec["amplitude"], spec["hills"])
    if patch is None:
        return h
    cx, cy = np.clip(x, -S / 2, S / 2), np.clip(y, -S / 2, S / 2)  # nearest point of the patch's border
    edge = ground_height(patch, cx, cy) - land_height(spec["seed"], cx, cy, S, spec["amplitude"], spec["hills"])
    d = np.maximum(np.abs(x), np.abs(y)) - S / 2
    w = np.clip(1 - d / SEAM_BLEND, 0, 1)
    return h + edge * w * w * (3 - 2 * w)


def horizon_mesh(spec, patch=None):
    """Land from the patch's edge to ``radius``: a grid whose inner rows and columns are the patch's own border
    vertices (same coordinates, same heights: no seam, no gap), 0.25 m apart for the first SEAM_BLEND + 2
    metres, then ever wider out to the hills, with a square hole where the patch is."""
    S, n, R = spec["size"], spec["resolution"], spec["radius"]
    inner = np.linspace(-S / 2, S / 2, n)
    near = S / 2 + np.arange(1, int((SEAM_BLEND + 2) / 0.25) + 1) * 0.25
    far = near[-1] + (R - near[-1]) * np.linspace(0, 1, 28)[1:] ** 2
    outer = np.concatenate([near, far])
    xs = np.concatenate([-outer[::-1], inner, outer])
    X, Y = np.meshgrid(xs, xs)
    H = land_surface(spec, patch, X, Y)
    nx = len(xs)
    verts = np.stack([X.ravel(), Y.ravel(), H.ravel()], axis=1)
    jj, ii = np.meshgrid(np.arange(nx - 1), np.arange(nx - 1))
    a = (ii * nx + jj).ravel()
    cx = (xs[jj.ravel()] + xs[jj.ravel() + 1]) / 2
    cy = (xs[ii.ravel()] + xs[ii.ravel() + 1]) / 2
    keep = (np.abs(cx) > S / 2) | (np.abs(cy) > S / 2)
    a = a[keep]
    quads = np.stack([a, a + 1, a + nx + 1, a + nx], axis=1)
    used = np.unique(quads)  # drop the unused vertices under the patch
    remap = np.full(len(verts), -1, np.int64)
    remap[used] = np.arange(len(used))
    verts, quads = verts[used], remap[quads]
    uvs = verts[quads.ravel()][:, :2] / 4.0
    from .geometry import Mesh
    return Mesh(verts, quads.ravel(), np.full(len(quads), 4), uvs, 0, True)


def ground_height(spec, x, y):
    """Height of the built patch surface (flats applied) at points (x, y), bilinear in the grid, metres."""
    S, n = spec["size"], spec["resolution"]
    H = terrain_mesh_heights(spec)
    fx = np.clip((np.asarray(x) + S / 2) / S * (n - 1), 0, n - 1.000001)
    fy = np.clip((np.asarray(y) + S / 2) / S * (n - 1), 0, n - 1.000001)
    i, j = fy.astype(int), fx.astype(int)
    ty, tx = fy - i, fx - j
    return (H[i, j] * (1 - tx) * (1 - ty) + H[i, j + 1] * tx * (1 - ty) + H[i + 1, j] * (1 - tx) * ty + H[i + 1, j + 1] * tx * ty)


def terrain_mesh_heights(spec):
    S, n, seed, amp = spec["size"], spec["resolution"], spec["seed"], spec["amplitude"]
    xs = np.linspace(-S / 2, S / 2, n)
    X, Y = np.meshgrid(xs, xs)
    H = terrain_noise(seed, X, Y, amp)
    if spec.get("pond") and "level" in spec["pond"]:
        H = _smooth_min(H, pond_bank(seed, spec["pond"], X, Y), 0.08)
    elif spec.get("pond"):  # a graph planned before the irregular shore (kept in a file): its round bowl
        p = spec["pond"]
        k = np.clip(1 - (np.hypot(X - p["x"], Y - p["y"]) / p["r"]) ** 2, 0, 1)
        H = H - p["depth"] * k * k
    if spec.get("path"):
        pth = spec["path"]
        w = np.clip(1 - path_distance(pth["points"], X, Y) / (pth["width"] / 2 + 0.25), 0, 1)
        H = H - pth["depth"] * w * w * (3 - 2 * w)
    inside = np.zeros(H.shape, bool)
    for fx, fy, r, h0, blend in spec["flats"]:
        d = np.hypot(X - fx, Y - fy)
        w = np.clip((d - r) / blend, 0, 1)
        w = w * w * (3 - 2 * w)
        H = np.where(inside, H, h0 + (H - h0) * w)
        inside |= d <= r
    for fx, fy, r, h0, _ in spec["flats"]:
        H = np.where(np.hypot(X - fx, Y - fy) <= r, h0, H)
    return H
