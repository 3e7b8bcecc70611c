"""Colour conversions, in one place (IEC 61966-2-1 sRGB transfer function).

Conventions across Conjure: colour fields, materials and Blender attributes are linear RGB; 8-bit files
(PNG textures, PLY point colours, previews) hold sRGB. Convert exactly once at that boundary.
"""
from __future__ import annotations

import numpy as np


def srgb_to_linear(srgb) -> np.ndarray:
    """Float[..., 3] sRGB in 0..1 -> linear (clipped to 0..1 first)."""
    s = np.clip(np.asarray(srgb, dtype=np.float64), 0.0, 1.0)
    return np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(rgb) -> np.ndarray:
    """Float[..., 3] linear in 0..1 -> sRGB (clipped to 0..1 first)."""
    c = np.clip(np.asarray(rgb, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * np.power(c, 1 / 2.4) - 0.055)


def linear_to_srgb8(rgb) -> np.ndarray:
    """Linear Float[..., 3] -> sRGB UInt8 (rounded to nearest)."""
    return np.round(linear_to_srgb(rgb) * 255.0).astype(np.uint8)


def srgb8_to_linear(rgb8) -> np.ndarray:
    """sRGB UInt8[..., 3] -> linear Float[..., 3]."""
    return srgb_to_linear(np.asarray(rgb8, dtype=np.float64) / 255.0)
