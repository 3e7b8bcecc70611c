"""Material generator descriptions (bpy-free).

A description is a JSON-ready dict ``{"kind": ..., "params": {...}}`` whose values are drawn from a seeded
generator; ``materials_blender.build_material`` turns it into a shader node tree (Principled BSDF + textures).
The same kind + generator state gives the same description, so material settings are as reproducible as geometry.
"""
from __future__ import annotations

import colorsys

KINDS = ("wood", "metal", "ceramic", "fabric", "plastic", "glass", "stone", "foliage", "paint", "emission")

# (hue range, saturation range, value range) per palette; colours are linear-ish RGB in [0, 1].
_PALETTES = {
    "wood": ((0.05, 0.10), (0.45, 0.75), (0.25, 0.65)),
    "metal": ((0.0, 0.15), (0.0, 0.25), (0.55, 0.9)),
    "ceramic": ((0.0, 1.0), (0.05, 0.6), (0.55, 0.95)),
    "fabric": ((0.0, 1.0), (0.15, 0.6), (0.25, 0.75)),
    "plastic": ((0.0, 1.0), (0.4, 0.9), (0.35, 0.9)),
    "glass": ((0.25, 0.55), (0.0, 0.3), (0.85, 1.0)),
    "stone": ((0.05, 0.12), (0.0, 0.2), (0.3, 0.6)),
    "soil": ((0.06, 0.09), (0.45, 0.65), (0.12, 0.25)),
    "ground": ((0.16, 0.25), (0.35, 0.6), (0.2, 0.38)),
    "foliage": ((0.2, 0.33), (0.5, 0.85), (0.2, 0.55)),
    "bark": ((0.05, 0.09), (0.35, 0.6), (0.15, 0.3)),
    "paint": ((0.0, 1.0), (0.0, 0.35), (0.55, 0.95)),
    "paper": ((0.1, 0.15), (0.02, 0.12), (0.85, 0.95)),
    "cover": ((0.0, 1.0), (0.4, 0.8), (0.2, 0.6)),
    "label": ((0.0, 1.0), (0.3, 0.8), (0.35, 0.9)),
    "white": ((0.0, 0.1), (0.0, 0.05), (0.85, 0.95)),
    "warm": ((0.08, 0.12), (0.2, 0.4), (0.95, 1.0)),
}


def _color(rng, palette: str) -> list:
    (h0, h1), (s0, s1), (v0, v1) = _PALETTES[palette]
    rgb = colorsys.hsv_to_rgb(rng.uniform(h0, h1), rng.uniform(s0, s1), rng.uniform(v0, v1))
    return [round(float(c), 4) for c in rgb]


def _shade(rgb, k: float) -> list:
    return [round(min(1.0, c * k), 4) for c in rgb]


def _u(rng, lo, hi) -> float:
    return round(float(rng.uniform(lo, hi)), 4)


def material(kind: str, rng, palette: str | None = None) -> dict:
    """One seeded material description. ``palette`` overrides the colour family (e.g. stone with "soil")."""
    if kind not in KINDS:
        raise ValueError(f"unknown material kind {kind!r}")
    base = _color(rng, palette or ("white" if kind == "emission" else kind))
    p = {"base_color": base}
    if kind == "wood":
        p.update(color2=_shade(base, _u(rng, 0.45, 0.75)), roughness=_u(rng, 0.35, 0.7), scale=_u(rng, 2.0, 6.0),
                 distortion=_u(rng, 2.0, 8.0), stretch=_u(rng, 4.0, 12.0))
    elif kind == "metal":
        p.update(metallic=1.0, roughness=_u(rng, 0.15, 0.5), scale=_u(rng, 20.0, 80.0), bump=_u(rng, 0.02, 0.1))
    elif kind == "ceramic":
        p.update(roughness=_u(rng, 0.05, 0.3), coat=_u(rng, 0.2, 1.0))
    elif kind == "fabric":
        p.update(color2=_shade(base, _u(rng, 0.7, 0.9)), roughness=_u(rng, 0.75, 1.0), scale=_u(rng, 80.0, 200.0),
                 sheen=_u(rng, 0.2, 0.8))
    elif kind == "plastic":
        p.update(roughness=_u(rng, 0.2, 0.6))
    elif kind == "glass":
        p.update(roughness=_u(rng, 0.0, 0.08), ior=_u(rng, 1.45, 1.55), transmission=1.0)
    elif kind == "stone":
        p.update(color2=_shade(base, _u(rng, 0.5, 0.8)), roughness=_u(rng, 0.6, 0.95), scale=_u(rng, 2.0, 8.0),
                 bump=_u(rng, 0.1, 0.4))
    elif kind == "foliage":
        p.update(color2=_shade(base, _u(rng, 0.55, 0.85)), roughness=_u(rng, 0.4, 0.7), scale=_u(rng, 5.0, 20.0),
                 subsurface=_u(rng, 0.05, 0.2))
    elif kind == "paint":
        p.update(roughness=_u(rng, 0.3, 0.8))
    elif kind == "emission":
        p.update(strength=_u(rng, 3.0, 8.0), roughness=0.5)
    return {"kind": kind, "params": p}
