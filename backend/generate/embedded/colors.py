"""Named colours: the palette corpus items are painted from, and the name of any colour.

A caption's colour word must be true of the asset's data, so the corpus paints an asset's main material from this
palette (``PALETTE``, linear RGB like the material descriptions) and captions name the colour with ``name_of``,
which is also what the colour-adherence benchmark uses on generated textures.
"""
from __future__ import annotations

import colorsys

import numpy as np

# name -> (hue range, saturation range, value range) in sRGB HSV; sampled for paint, used for naming.
PALETTE = {
    "red": ((0.98, 1.02), (0.75, 0.95), (0.65, 0.9)),
    "orange": ((0.06, 0.09), (0.8, 0.95), (0.85, 1.0)),
    "yellow": ((0.13, 0.16), (0.75, 0.95), (0.85, 1.0)),
    "green": ((0.28, 0.38), (0.6, 0.85), (0.45, 0.75)),
    "blue": ((0.58, 0.64), (0.7, 0.9), (0.6, 0.9)),
    "purple": ((0.74, 0.8), (0.55, 0.8), (0.45, 0.7)),
    "pink": ((0.9, 0.95), (0.35, 0.55), (0.85, 1.0)),
    "white": ((0.0, 1.0), (0.0, 0.06), (0.88, 0.97)),
    "black": ((0.0, 1.0), (0.0, 0.15), (0.06, 0.14)),
    "grey": ((0.0, 1.0), (0.0, 0.08), (0.4, 0.62)),
    "brown": ((0.05, 0.09), (0.55, 0.8), (0.3, 0.5)),
}
NAMES = tuple(PALETTE)


def _to_srgb(linear: np.ndarray) -> np.ndarray:
    c = np.clip(np.asarray(linear, np.float64), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * np.power(c, 1 / 2.4) - 0.055)


def _to_linear(srgb: np.ndarray) -> np.ndarray:
    c = np.clip(np.asarray(srgb, np.float64), 0.0, 1.0)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def sample(name: str, rng) -> list:
    """A linear-RGB colour of the named family, drawn from ``rng``."""
    (h0, h1), (s0, s1), (v0, v1) = PALETTE[name]
    srgb = colorsys.hsv_to_rgb(rng.uniform(h0, h1) % 1.0, rng.uniform(s0, s1), rng.uniform(v0, v1))
    return [round(float(c), 4) for c in _to_linear(np.array(srgb))]


def name_of(linear_rgb) -> str:
    """The palette name closest to one linear-RGB colour (hue first for saturated colours, lightness otherwise)."""
    r, g, b = _to_srgb(np.asarray(linear_rgb, np.float64))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if v < 0.2:
        return "black"
    if s < 0.2:
        return "white" if v > 0.78 else ("grey" if v > 0.3 else "black")
    if 0.03 <= h < 0.11 and v < 0.62:
        return "brown"
    if s < 0.6 and v > 0.78 and (h >= 0.86 or h < 0.03):
        return "pink"
    for name, lo, hi in (("red", 0.0, 0.03), ("orange", 0.03, 0.11), ("yellow", 0.11, 0.2), ("green", 0.2, 0.47),
                         ("blue", 0.47, 0.7), ("purple", 0.7, 0.86), ("pink", 0.86, 0.94), ("red", 0.94, 1.01)):
        if lo <= h < hi:
            return name
    return "red"
