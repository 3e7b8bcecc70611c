"""Signed-distance fields from primitives, and the colour field that goes with them (numpy only).

Distances are in metres, negative inside. Formulas are the standard exact SDFs (Inigo Quilez,
"distance functions"); the smooth union is the polynomial smooth-min of the same source.
"""
from __future__ import annotations

import numpy as np

from .params import ImplicitShapeParams, Primitive


def primitive_sdf(p: Primitive, pts: np.ndarray) -> np.ndarray:
    """Float[N] signed distance of Float[N, 3] points to one primitive."""
    c = np.asarray(p.center)
    q = pts - c
    if p.kind == "sphere":
        return np.linalg.norm(q, axis=1) - p.size[0]
    if p.kind == "torus":  # ring lies in the XY plane (Z up)
        ring = np.sqrt(q[:, 0] ** 2 + q[:, 1] ** 2) - p.size[0]
        return np.sqrt(ring**2 + q[:, 2] ** 2) - p.size[1]
    if p.kind == "box":
        d = np.abs(q) - np.asarray(p.size)
        outside = np.linalg.norm(np.maximum(d, 0.0), axis=1)
        inside = np.minimum(d.max(axis=1), 0.0)
        return outside + inside
    if p.kind == "capsule":
        a, b = c, np.asarray(p.end)
        ab = b - a
        denom = float(ab @ ab)
        h = np.zeros(len(pts)) if denom == 0.0 else np.clip((q @ ab) / denom, 0.0, 1.0)
        return np.linalg.norm(q - h[:, None] * ab, axis=1) - p.size[0]
    raise ValueError(p.kind)


def primitive_bounds(p: Primitive) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(p.center)
    if p.kind == "sphere":
        r = np.full(3, p.size[0])
    elif p.kind == "torus":
        r = np.array([p.size[0] + p.size[1]] * 2 + [p.size[1]])
    elif p.kind == "box":
        r = np.asarray(p.size)
    else:
        e = np.asarray(p.end)
        lo, hi = np.minimum(c, e) - p.size[0], np.maximum(c, e) + p.size[0]
        return lo, hi
    return c - r, c + r


def smooth_min(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    if k <= 0.0:
        return np.minimum(a, b)
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b * (1 - h) + a * h - k * h * (1 - h)


def smooth_max(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    return -smooth_min(-a, -b, k)


class ImplicitShape:
    """The SDF and colour field described by ``ImplicitShapeParams`` (seeded colour variation)."""

    def __init__(self, params: ImplicitShapeParams, seed: int):
        self.params = params
        rng = np.random.Generator(np.random.PCG64(seed))
        # A few random plane waves make a smooth, seeded colour variation (value noise without tables).
        self._waves_dir = rng.normal(size=(6, 3))
        self._waves_freq = rng.uniform(2.0, 9.0, size=6)
        self._waves_phase = rng.uniform(0.0, 2 * np.pi, size=6)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Axis-aligned bounds of the added primitives, padded by the blend radius."""
        los, his = zip(*(primitive_bounds(p) for p in self.params.primitives if not p.subtract))
        pad = self.params.blend + 1e-3
        return np.min(los, axis=0) - pad, np.max(his, axis=0) + pad

    def sdf(self, pts: np.ndarray) -> np.ndarray:
        k = self.params.blend
        d = None
        for p in self.params.primitives:
            if p.subtract:
                continue
            di = primitive_sdf(p, pts)
            d = di if d is None else smooth_min(d, di, k)
        for p in self.params.primitives:
            if p.subtract:
                d = smooth_max(d, -primitive_sdf(p, pts), k)
        return d

    def color(self, pts: np.ndarray) -> np.ndarray:
        """Float[N, 3] linear RGB: primitive colours blended by proximity, plus seeded variation."""
        added = [p for p in self.params.primitives if not p.subtract]
        dists = np.stack([primitive_sdf(p, pts) for p in added], axis=1)  # N x P
        # Softmin weights with a width tied to the blend radius, so colours mix where shapes merge.
        width = max(0.5 * self.params.blend, 0.01)
        w = np.exp(-(dists - dists.min(axis=1, keepdims=True)) / width)
        w /= w.sum(axis=1, keepdims=True)
        rgb = w @ np.asarray([p.color for p in added])
        if self.params.color_noise > 0.0:
            dirs = self._waves_dir / np.linalg.norm(self._waves_dir, axis=1, keepdims=True)
            phase = pts @ dirs.T * self._waves_freq + self._waves_phase
            noise = np.sin(phase).mean(axis=1)
            rgb = rgb * (1.0 + self.params.color_noise * noise[:, None])
        return np.clip(rgb, 0.0, 1.0)
