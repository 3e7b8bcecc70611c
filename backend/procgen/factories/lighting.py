"""Edition 3 of the lamps and the pendant light (bpy-free): how a real lamp is put together.

``small.py``'s ``table_lamp`` / ``floor_lamp`` and ``interior.py``'s ``ceiling_light`` call these when
``geometry.edition() >= 3``; editions 1 and 2 stay there, unchanged. Conventions: metres, Z up, origin at the centre
of the base (min z = 0; a pendant's top, z max, touches the ceiling); every part a closed shell, sunk into its
neighbour or clear of it.

* Table lamp: a turned base (a ceramic ginger jar, gourd or column, or a stack of metal discs and beads), a stem, a
  lamp holder with a switch, a harp (a wire loop round the bulb from a saddle on the holder) with a finial on top,
  the shade's spider (three spokes from the harp's top to the shade's top ring) and a tapered shade (drum, empire or
  coolie) with a real wall and rolled rims at both edges; the bulb inside it.
* Floor lamp: a turned, weighted metal foot, a tall stem with collars, the same fitting and shade.
* Pendant: a turned ceiling rose, a cord with a strain-relief grip, a lamp holder and either a spun metal dome
  with a rolled rim, or a fabric drum on a spider; the bulb inside.

Material slots: 0 metal (fittings), 1 shade, 2 bulb (emission), 3 the base (ceramic, or the fittings' own metal: one finish,
one node tree; pendants: the cord).
"""
from __future__ import annotations

import numpy as np

from .. import finishes
from ..assembly import Assembly
from ..geometry import ellipsoid, rng_for, tube
from ..materials import material
from ..registry import Asset


_RIM = [(float(np.cos(t)), float(np.sin(t))) for t in np.linspace(0, 2 * np.pi, 9)[:-1]]  # per angle, as before


def torus_ring(parts: Assembly, rc, zc, rr, mat, segments=48):
    """A rolled rim: a circle of radius ``rr`` at (rc, zc) in the profile plane (8 points), revolved about Z."""
    parts.lathe([(rc + rr * c, zc + rr * s) for c, s in _RIM], segments, mat, loop=True)


def shade(parts: Assembly, r0, r1, z0, z1, wall, rim, mat=1, segments=64):
    """A tapered shade: a wall ``wall`` thick from outer radius ``r0`` at z0 to ``r1`` at z1, each edge wrapped in a
    rolled rim (a ring of tube radius ``rim`` round the wall's end, reaching 0.7 ``rim`` past it), added to
    ``parts``. Returns [(rim radius, rim z) bottom, top]."""
    parts.lathe([(r0, z0), (r1, z1), (r1 - wall, z1), (r0 - wall, z0)], segments, mat, loop=True)
    slope = (r1 - r0) / (z1 - z0)
    rims = []
    for z in (z0 + 0.3 * rim, z1 - 0.3 * rim):
        rc = r0 + slope * (z - z0) - wall / 2
        torus_ring(parts, rc, z, rim, mat, segments)
        rims.append((rc, z))
    return rims


def _base_profile(g, R, hb):
    """A turned base's outer profile [(r, z)] (open: from the axis at the floor to the axis at the top)."""
    style = int(g.integers(0, 4))
    if style == 0:    # ginger jar
        pts = [(0.62 * R, 0.0), (0.6 * R, 0.03 * hb), (0.8 * R, 0.15 * hb), (R, 0.42 * hb), (0.93 * R, 0.65 * hb),
               (0.7 * R, 0.82 * hb), (0.4 * R, 0.92 * hb), (0.42 * R, 0.97 * hb), (0.3 * R, hb)]
    elif style == 1:  # gourd
        pts = [(0.55 * R, 0.0), (0.53 * R, 0.03 * hb), (0.9 * R, 0.18 * hb), (R, 0.32 * hb), (0.75 * R, 0.5 * hb),
               (0.45 * R, 0.6 * hb), (0.62 * R, 0.75 * hb), (0.5 * R, 0.9 * hb), (0.25 * R, hb)]
    elif style == 2:  # column on a plinth
        pts = [(R, 0.0), (R, 0.06 * hb), (0.85 * R, 0.1 * hb), (0.55 * R, 0.14 * hb), (0.55 * R, 0.86 * hb),
               (0.7 * R, 0.92 * hb), (0.7 * R, 0.96 * hb), (0.35 * R, hb)]
    else:             # metal: a stepped foot, a column of beads
        pts = [(R, 0.0), (R, 0.05 * hb), (0.9 * R, 0.08 * hb), (0.35 * R, 0.12 * hb), (0.18 * R, 0.2 * hb)]
        for z in np.linspace(0.3, 0.85, 4):
            pts += [(0.16 * R, (z - 0.05) * hb), (0.3 * R, z * hb), (0.16 * R, (z + 0.05) * hb)]
        pts += [(0.2 * R, 0.95 * hb), (0.12 * R, hb)]
    return [(0.0, 0.0)] + pts + [(0.0, hb)], style == 3


def fitting(parts: Assembly, g, zc, rb, z_top, h_shade_top, top_r, mat=0):
    """Lamp holder under a bulb centred at ``zc`` (radius ``rb``), a harp round the bulb up to ``z_top`` with a
    finial, and the spider's spokes to the shade's top rim (its ring at radius ``top_r``, height ``h_shade_top``),
    added to ``parts``. Returns the holder's bottom z."""
    zs1 = zc - 1.25 * rb + 0.006                 # the holder's top: the bulb's neck sits 6 mm in it
    zs0 = zs1 - 0.045
    parts.lathe([(0, zs0), (0.017, zs0), (0.017, zs1 - 0.006), (0.0145, zs1 - 0.002), (0.0145, zs1), (0, zs1)], 24, mat)
    parts.rod((0.012, 0, zs0 + 0.02), (0.026, 0, zs0 + 0.02), 0.004, 10, mat)          # the switch
    hx = rb + 0.012
    parts.rod((-hx - 0.004, 0, zs0 + 0.006), (hx + 0.004, 0, zs0 + 0.006), 0.0035, 10, mat)   # the saddle
    a = np.linspace(np.pi, 0, 13)
    arc = np.stack([hx * np.cos(a), np.zeros_like(a), z_top - hx + hx * np.sin(a)], 1)
    legs0 = np.stack([np.full(4, -hx), np.zeros(4), np.linspace(zs0 + 0.006, z_top - hx, 5)[:-1]], 1)
    legs1 = np.stack([np.full(4, hx), np.zeros(4), np.linspace(z_top - hx, zs0 + 0.006, 5)[1:]], 1)
    parts.add(tube(np.concatenate([legs0, arc, legs1]), 0.0022, 8, mat))
    parts.lathe([(0, z_top - 0.004), (0.006, z_top - 0.004), (0.006, z_top + 0.004), (0.009, z_top + 0.01),
                 (0.006, z_top + 0.016), (0, z_top + 0.018)], 16, mat)                    # finial
    phase = g.uniform(0, 2 * np.pi / 3)
    for k in range(3):
        t = phase + 2 * np.pi * k / 3
        parts.rod((0, 0, z_top), (top_r * np.cos(t), top_r * np.sin(t), h_shade_top), 0.0014, 6, mat)
    return zs0


def lamp(seed, name, h, shade_r, base_r, floor: bool):
    g = rng_for(seed, name, "e3")
    style = int(g.integers(0, 3))             # drum, empire, coolie
    taper = (g.uniform(0.85, 0.97), g.uniform(0.55, 0.72), g.uniform(0.42, 0.5))[style]
    top_r = shade_r * taper
    shade_h = shade_r * (g.uniform(0.8, 1.05) if style < 2 else g.uniform(0.62, 0.75))
    wall, rim = 0.0025, 0.0032
    z0 = h - shade_h
    parts = Assembly()
    rims = shade(parts, shade_r, top_r, z0 + 0.7 * rim, h - 0.7 * rim, wall, rim)
    top_z = rims[1][1]

    def r_in(z):      # the shade's inner radius at height z
        return shade_r - wall + (top_r - shade_r) * (z - z0) / shade_h

    def harp_top(rb):
        return min(max(zc + 1.25 * rb + 0.012, z0 + shade_h * 0.8), top_z - 0.004)
    zc = z0 + shade_h * 0.42
    rb = min(0.03, 0.25 * shade_h)
    while rb > 0.006 and (rb + 0.006 > r_in(zc + 1.25 * rb) or rb + 0.0182 > r_in(harp_top(rb) - rb - 0.012)):
        rb *= 0.92    # the bulb and the harp's loop round it clear the shade's wall (by 6 and 4 mm)
    parts.add(ellipsoid((rb, rb, 1.25 * rb), 2, 2, (0, 0, zc)))     # the bulb
    zs0 = fitting(parts, g, zc, rb, harp_top(rb), top_z, rims[1][0])
    if floor:      # a weighted foot, a tall stem with collars
        hb = g.uniform(0.03, 0.05)
        foot = [(0, 0), (base_r, 0), (base_r, hb * 0.25), (base_r * 0.97, hb * 0.35), (base_r * 0.97, hb * 0.45),
                (base_r * 0.9, hb * 0.6), (base_r * 0.6, hb * 0.72), (base_r * 0.45, hb * 0.8), (base_r * 0.25, hb * 0.9),
                (base_r * 0.2, hb), (0, hb)]     # a turned foot: a band, an ogee, a boss round the stem
        parts.lathe(foot, 48, 3)
        if g.uniform() < 0.6:   # a plain tube with three collars
            parts.rod((0, 0, hb - 0.004), (0, 0, zs0 + 0.004), 0.0105, 16, 3)
            for z in (hb + 0.04, (hb + zs0) * 0.55, zs0 - 0.03):
                parts.lathe([(0.0095, z - 0.01), (0.016, z - 0.006), (0.016, z + 0.006), (0.0095, z + 0.01)], 20, 3, loop=True)
        else:                   # a turned column: a baluster low down, beads and reeds up the shaft
            z0c, z1c = hb - 0.004, zs0 + 0.004
            L = z1c - z0c
            prof = [(0.0, z0c), (0.03, z0c), (0.03, z0c + 0.02), (0.022, z0c + 0.03), (0.034, z0c + 0.12), (0.024, z0c + 0.2),
                    (0.013, z0c + 0.24)]
            for z in np.linspace(z0c + 0.3, z1c - 0.08, 5):
                prof += [(0.012, z - 0.012), (0.019, z), (0.012, z + 0.012)]
            prof += [(0.011, z1c - 0.04), (0.018, z1c - 0.025), (0.012, z1c - 0.01), (0.011, z1c), (0.0, z1c)]
            if L > 0.5:
                parts.lathe(prof, 24, 3)
            else:
                parts.rod((0, 0, z0c), (0, 0, z1c), 0.0105, 16, 3)
        metal_base = True
    else:          # a turned base, a short metal stem up to the holder
        hb = zs0 * g.uniform(0.6, 0.85)
        prof, metal_base = _base_profile(g, base_r, hb)
        parts.lathe(prof, 48, 3)
        parts.rod((0, 0, hb - 0.008), (0, 0, zs0 + 0.004), 0.008, 14, 0)
    metal = finishes.hardware(rng_for(seed, name, "mat", "metal"))   # brass, black, brushed steel or bronze
    mats = (metal, finishes.lampshade(rng_for(seed, name, "mat", "shade")),
            material("emission", rng_for(seed, name, "mat", "bulb"), "warm"),
            metal if metal_base else finishes.glaze(rng_for(seed, name, "mat", "base")))   # one metal finish
    #   for the fittings and a metal base or stand (one node tree fewer to build)
    return Asset(parts.merge(), mats)


def pendant(seed, p):
    g = rng_for(seed, "ceiling_light", "e3")
    r, drop = p["radius"], p["drop"]
    dome = g.uniform() < 0.55
    sh = r * (g.uniform(0.5, 0.85) if dome else g.uniform(0.7, 1.0))
    total = drop + sh
    parts = Assembly()
    parts.lathe([(0, total - 0.03), (0.03, total - 0.03), (0.055, total - 0.022), (0.065, total - 0.012),
                 (0.065, total), (0, total)], 32, 0)                                          # ceiling rose
    parts.lathe([(0, total - 0.05), (0.006, total - 0.05), (0.0075, total - 0.03), (0, total - 0.029)], 12, 0)
    hold_top = min(sh + 0.01 if dome else sh * 0.55, total - 0.125)   # room for the grip and 2 cm of cord
    parts.rod((0, 0, hold_top + 0.04), (0, 0, total - 0.045), 0.0032, 8, 3)              # cord
    parts.lathe([(0, hold_top + 0.035), (0.008, hold_top + 0.035), (0.006, hold_top + 0.06), (0, hold_top + 0.061)], 12, 0)
    hs0 = hold_top - 0.04
    parts.lathe([(0, hs0), (0.018, hs0), (0.018, hold_top + 0.035), (0.012, hold_top + 0.042), (0, hold_top + 0.042)], 20, 0)
    rb = min(0.035, r * 0.3, sh * 0.35)
    zc = hs0 - 1.25 * rb + 0.004
    wall, rim = 0.0018, 0.003
    if dome:      # a spun metal dome: a curved wall, a collar round the holder, a rolled rim
        a = np.linspace(0.0, 1.0, 9)
        outer = [(0.03 + (r - 0.03) * np.sin(t * np.pi / 2) ** 1.3, sh * (1 - t) ** 1.15) for t in a]
        outer[-1] = (r, 0.0)
        inner = [(max(0.0285, x - wall), z - wall * 0.7 if i else z - wall) for i, (x, z) in enumerate(outer)]
        inner[-1] = (r - wall, 0.0)
        prof = outer + inner[::-1]
        parts.lathe(prof, 64, 1, loop=True)
        torus_ring(parts, r - wall / 2, rim * 0.6, rim, 1, 64)
        parts.lathe([(0.017, hs0 + 0.005), (0.034, hs0 + 0.005), (0.034, sh + 0.004), (0.017, sh + 0.004)], 24, 0, loop=True)
        zc = min(zc, sh * 0.55)
    else:         # a fabric drum hung from a spider under the holder
        rims = shade(parts, r, r * g.uniform(0.9, 1.0), 0.7 * rim, sh - 0.7 * rim, wall, rim)
        for k in range(3):
            t = 2 * np.pi * k / 3 + g.uniform(0, 0.5)
            parts.rod((0, 0, hs0 + 0.012), ((rims[1][0]) * np.cos(t), rims[1][0] * np.sin(t), rims[1][1]), 0.0014, 6, 0)
        parts.lathe([(0.0175, hs0 + 0.006), (0.026, hs0 + 0.006), (0.026, hs0 + 0.018), (0.0175, hs0 + 0.018)], 20, 0, loop=True)
    parts.add(ellipsoid((rb, rb, 1.25 * rb), 2, 2, (0, 0, zc)))     # the bulb
    if zc + 1.25 * rb - 0.004 < hs0:   # a short neck into the holder when the bulb hangs lower
        parts.rod((0, 0, zc + rb * 0.8), (0, 0, hs0 + 0.004), rb * 0.35, 12, 0)
    m = parts.merge()
    m.verts[:, 2] -= m.verts[:, 2].min()
    shade_mat = material("metal", rng_for(seed, "ceiling_light", "mat", "shade")) if dome else \
        finishes.lampshade(rng_for(seed, "ceiling_light", "mat", "shade"))
    cord = {"kind": "fabric", "params": {"base_color": [0.02, 0.02, 0.02], "color2": [0.01, 0.01, 0.01], "roughness": 0.8,
                                         "scale": 800.0, "sheen": 0.3, "bump": 0.1}}
    return Asset(m, (material("metal", rng_for(seed, "ceiling_light", "mat", "metal")), shade_mat,
                     material("emission", rng_for(seed, "ceiling_light", "mat", "bulb"), "warm"), cord))
