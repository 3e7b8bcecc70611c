"""Terrain heightfields (bpy-free): seeded smooth relief with exact flat plateaus under objects."""
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
    """Closed terrain slab from a terrain geometry spec (see plan_outdoor); flats are applied exactly."""
    S, n, seed, amp = spec["size"], spec["resolution"], spec["seed"], spec["amplitude"]
    xs = np.linspace(-S / 2, S / 2, n)
    X, Y = np.meshgrid(xs, xs)
    H = terrain_noise(seed, X, Y, amp)
    inside = np.zeros(H.shape, bool)
    for fx, fy, r, h0, blend in spec["flats"]:
        d = np.hypot(X - fx, Y - fy)
        w = np.clip((d - r) / blend, 0, 1)
        w = w * w * (3 - 2 * w)
        H = np.where(inside, H, h0 + (H - h0) * w)
        inside |= d <= r
    for fx, fy, r, h0, _ in spec["flats"]:  # exact plateaus (they never overlap)
        H = np.where(np.hypot(X - fx, Y - fy) <= r, h0, H)
    return grid_heightfield(H, S, S, float(H.min()) - 1.0)
