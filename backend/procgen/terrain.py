"""Terrain heightfields (bpy-free): seeded smooth relief with exact flat plateaus under objects, an optional pond
(a bowl dug into the relief, water to just below its lowest rim point) and an optional path (a shallow worn
strip whose faces take the terrain's second material)."""
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
    """Closed terrain slab from a terrain geometry spec (see plan_outdoor); flats are applied exactly. Top faces
    within half the path's width of its centre line take material slot 1."""
    H = terrain_mesh_heights(spec)
    m = grid_heightfield(H, spec["size"], spec["size"], float(H.min()) - 1.0)
    path = spec.get("path")
    if path:
        S, n = spec["size"], spec["resolution"]
        c = np.linspace(-S / 2, S / 2, n)
        c = (c[:-1] + c[1:]) / 2
        X, Y = np.meshgrid(c, c)  # top quads come first, row by row (grid_heightfield)
        on = path_distance(path["points"], X.ravel(), Y.ravel()) <= path["width"] / 2
        m.mat[: len(on)] = np.where(on, 1, m.mat[: len(on)])
    return m


def path_distance(points, x, y):
    """Distance (m) from points (x, y) to the polyline ``points`` [[x, y], ...]."""
    P = np.asarray(points, np.float64)
    a, b = P[:-1], P[1:]
    q = np.stack([np.asarray(x, np.float64).ravel(), np.asarray(y, np.float64).ravel()], 1)
    ab = b - a
    t = np.clip(((q[:, None] - a[None]) * ab[None]).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-12)[None], 0, 1)
    d = np.linalg.norm(q[:, None] - (a[None] + t[..., None] * ab[None]), axis=-1).min(axis=1)
    return d.reshape(np.shape(x))


def pond_bowl(pond, x, y):
    """How far (m) the pond's bowl lowers the ground at (x, y): ``depth`` at its centre, 0 at and beyond its
    radius, with zero slope at the rim."""
    d = np.hypot(np.asarray(x) - pond["x"], np.asarray(y) - pond["y"])
    k = np.clip(1 - (d / pond["r"]) ** 2, 0, 1)
    return pond["depth"] * k * k


def water_mesh(spec):
    """The pond's water: a 2 cm thick disc whose top is the water level (its sides hide under the banks)."""
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


def land_height(seed, x, y, S, amp, hills_amp):
    """Height of the land around a patch of side ``S``: the patch's relief at its border (1 cm lower), blending
    into hills over HILLS_BLEND metres."""
    d = np.maximum(np.abs(x), np.abs(y)) - S / 2  # distance outside the patch (Chebyshev)
    w = np.clip(d / HILLS_BLEND, 0, 1)
    return terrain_noise(seed, x, y, amp) * (1 - w) + hills(seed, x, y, hills_amp) * w * w * (3 - 2 * w) - 0.01


def horizon_mesh(spec):
    """Land from the patch's edge to ``radius``: a grid that shares the patch's border coordinates, with the
    patch's own relief at the border blending into hills further out, and a square hole where the patch is."""
    S, n, seed, amp, R = spec["size"], spec["resolution"], spec["seed"], spec["amplitude"], spec["radius"]
    e = 0.02  # the hole is 2 cm wider than the patch, so the land never touches the patch's skirts
    inner = np.linspace(-S / 2 - e, S / 2 + e, max(3, (n - 1) // 8 + 1))
    outer = S / 2 + e + (R - S / 2) * np.linspace(0, 1, 28)[1:] ** 2
    xs = np.concatenate([-outer[::-1], inner, outer])
    X, Y = np.meshgrid(xs, xs)
    H = land_height(seed, X, Y, S, amp, spec["hills"])
    nx = len(xs)
    verts = np.stack([X.ravel(), Y.ravel(), H.ravel()], axis=1)
    jj, ii = np.meshgrid(np.arange(nx - 1), np.arange(nx - 1))
    a = (ii * nx + jj).ravel()
    cx = (xs[jj.ravel()] + xs[jj.ravel() + 1]) / 2
    cy = (xs[ii.ravel()] + xs[ii.ravel() + 1]) / 2
    keep = (np.abs(cx) > S / 2 + e) | (np.abs(cy) > S / 2 + e)
    a = a[keep]
    quads = np.stack([a, a + 1, a + nx + 1, a + nx], axis=1)
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
    if spec.get("pond"):
        H = H - pond_bowl(spec["pond"], X, Y)
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
