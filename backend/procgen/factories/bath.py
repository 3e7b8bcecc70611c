"""Edition-3 bathtub and towel rail (bpy-free): one glazed shell, a rounded basin and a shower over it (seeded);
towels hanging over a rail in folds (``towel_rail3``).

The shell is one closed loft of rounded rectangles: a front panel set 12 mm in under a rim that overhangs it (the
shadow line a panelled bath shows), a deck with rounded edges, wider at the tap end (+X), and a basin that falls
steeply from a rolled lip and curves into a flat floor, its back end (-X) sloping into a back rest. Chrome: pillar
taps and a spout on the tap end's deck, a waste in the floor and an overflow on the end wall under the taps.

About half the tubs carry a shower over them, fitted to the tap end (the end the bathroom puts into a corner):
a hinged glass screen on the front rim with a rounded top corner, or an L-shaped curtain rail with a curtain
gathered at the tap end and hanging inside the basin; both with edition 3's shower mixer and riser on the back wall
(``household.riser``). Same bounds in x and y as edition 2 (the footprint the room planner places); a shower makes
the tub taller. Back (+Y) against the wall, front -Y, min z = 0.
"""
from __future__ import annotations

import numpy as np

from ..geometry import _seg, lathe, loft, merge, rbox, rng_for, rod, rot_align_z, tube
from ..materials import material
from ..registry import Asset
from .drapery import _scallops, cloth, sheet
from .household import _CHROME, _SCREEN, riser
from .kitchen_bath import _white_ceramic


def rounded_rect(x0, x1, y0, y1, r, z, m):
    """Float["4m 3"]: a rectangle x0..x1, y0..y1 at height z with corners of radius r (m points each), counter-
    clockwise from above; the same count and order for any size, so rings of different rectangles loft."""
    r = min(r, (x1 - x0) / 2 - 1e-4, (y1 - y0) / 2 - 1e-4)
    pts = []
    for cx, cy, a0 in ((x1 - r, y0 + r, -np.pi / 2), (x1 - r, y1 - r, 0.0), (x0 + r, y1 - r, np.pi / 2), (x0 + r, y0 + r, np.pi)):
        a = a0 + np.linspace(0.0, np.pi / 2, m)
        pts += [(cx + r * np.cos(t), cy + r * np.sin(t), z) for t in a]
    return np.array(pts)


def shell(L, W, H, floor, m):
    """The tub's one closed shell (see the module's docstring); returns (mesh, basin top (xa, xb, ya, yb))."""
    rim, tap_deck, back_deck = 0.055, 0.11, 0.075
    xa, xb, ya, yb = -L / 2 + back_deck, L / 2 - tap_deck, -W / 2 + rim, W / 2 - rim
    R = lambda e, z, r=0.012: rounded_rect(-L / 2 + e, L / 2 - e, -W / 2 + e, W / 2 - e, r, z, m)  # noqa: E731
    rings = [R(0.012, 0.0), R(0.012, 0.01), R(0.012, H - 0.04), R(0.012, H - 0.034), R(0.0, H - 0.03),
             R(0.0, H - 0.01), R(0.003, H - 0.002), R(0.009, H)]
    # the basin: from its lip down a quarter ellipse (steep at the top, tangent to the floor), the back end further in
    ins = np.array([0.3, 0.06, 0.09, 0.09])             # how far in the floor's edge is from the top's: -X, +X, -Y, +Y
    rings.append(rounded_rect(xa, xb, ya, yb, 0.07, H, m))
    rings.append(rounded_rect(xa + 0.004, xb - 0.004, ya + 0.004, yb - 0.004, 0.068, H - 0.008, m))
    D = H - 0.012 - floor
    for a in np.linspace(0.0, np.pi / 2, _seg(9, 5))[1:]:
        f = 1.0 - np.cos(a)
        e = 0.006 + f * ins
        rings.append(rounded_rect(xa + e[0], xb - e[1], ya + e[2], yb - e[3], 0.07 + 0.05 * f, H - 0.012 - D * np.sin(a), m))
    return loft(rings, 0, smooth=True), (xa, xb, ya, yb, ins, D)


def _taps(L, H, mat):
    """Pillar taps either side of a spout on the tap end's deck (x about L/2 - 0.055)."""
    x = L / 2 - 0.055
    parts = []
    for y in (-0.1, 0.1):                # a shroud and a capstan head on each pillar
        parts.append(lathe([(0, 0), (0.024, 0), (0.024, 0.004), (0.017, 0.012), (0.015, 0.05), (0.019, 0.056),
                            (0.019, 0.064), (0.012, 0.07), (0, 0.072)], 24, mat).transformed(offset=(x, y, H - 0.002)))
        for k in range(2):
            a = k * np.pi / 2 + np.pi / 4
            d = np.array([np.cos(a), np.sin(a), 0.0]) * 0.032
            parts.append(rod((x - d[0], y - d[1], H + 0.062), (x + d[0], y + d[1], H + 0.062), 0.0045, 8, mat))
    path = np.array([(x, 0.0, H + 0.001), (x, 0.0, H + 0.09), (x - 0.03, 0.0, H + 0.125), (x - 0.09, 0.0, H + 0.13),
                     (x - 0.14, 0.0, H + 0.115)])
    parts.append(tube(path, np.array([0.016, 0.014, 0.013, 0.012, 0.011]), 14, mat))
    parts.append(lathe([(0, 0), (0.028, 0), (0.028, 0.004), (0.022, 0.008), (0, 0.008)], 24, mat).transformed(offset=(x, 0.0, H - 0.002)))
    return parts


def _screen(g, L, W, H):
    """A hinged glass bath screen on the front rim at the tap end: 8 mm glass from a chrome hinge channel on the end
    wall, its free top corner rounded, on a clear seal strip 1 mm clear of the deck."""
    reach = float(g.uniform(0.75, 0.9))
    top = H + float(g.uniform(1.38, 1.45))
    gy, gt, ch = -W / 2 + 0.028, 0.008, 0.022
    x_w, x_f, z0, rc = L / 2 - ch + 0.003, L / 2 - reach, H + 0.008, float(g.uniform(0.15, 0.3))
    a = np.linspace(0.0, np.pi / 2, _seg(10, 4))
    outline = [(x_w, z0), (x_w, top)] + [(x_f + rc - rc * np.sin(t), top - rc + rc * np.cos(t)) for t in a] + [(x_f, z0)]
    rings = [[(x, y, z) for x, z in outline] for y in (gy - gt / 2, gy + gt / 2)]
    parts = [loft(rings, 1, smooth=False)]
    parts.append(rbox((x_f + 0.002, gy - 0.006, H + 0.001), (x_w - 0.002, gy + 0.006, H + 0.011), 0.002, 1, 1))   # the seal
    parts.append(rbox((L / 2 - ch, gy - 0.015, z0 - 0.002), (L / 2, gy + 0.015, top + 0.004), 0.002, 1, 2))      # the hinge channel
    return parts


def _curtain(g, L, W, H, basin):
    """An L-shaped chrome rail over the front and the back-rest end, on wall flanges at the tap end and the back
    wall, with a curtain gathered at the tap end: rings on the rail, the sheet in deep folds hanging inside the
    basin, its hem 20-26 cm under the rim."""
    xa, xb, ya, yb, ins, D = basin
    zr = H + float(g.uniform(1.4, 1.46))
    yr, xe, rr = ya + 0.075, xa + 0.06, 0.0125
    # 1. the rail: a tube with a bend of 12 cm radius at the corner; flanges on the walls at both ends
    bend = 0.12
    t = np.linspace(0.0, np.pi / 2, _seg(8, 4))
    arc = np.stack([xe + bend - bend * np.sin(t), yr + bend - bend * np.cos(t), np.full(len(t), zr)], 1)
    path = np.concatenate([[(L / 2 - 0.006, yr, zr)], arc, [(xe, W / 2 - 0.006, zr)]])
    parts = [tube(path, np.full(len(path), rr), 14, 2)]
    for c, d in (((L / 2, yr, zr), (-1.0, 0.0, 0.0)), ((xe, W / 2, zr), (0.0, -1.0, 0.0))):
        parts.append(lathe([(0, 0), (0.03, 0), (0.03, 0.004), (0.018, 0.012), (0.015, 0.02), (0, 0.02)], 20, 2)
                     .transformed(rot_align_z(d), c))
    # 2. the curtain, gathered: 40-55 cm of rail holding 1.4-2 m of cloth in 5-8 folds, each its own width
    folds = int(g.integers(5, 9))
    x1 = xb - 0.035
    x0 = x1 - float(g.uniform(0.4, 0.55))
    n = 2 * folds + 1
    gaps = g.uniform(0.75, 1.25, n - 1)
    knots = x0 + (x1 - x0) * np.concatenate([[0.0], np.cumsum(gaps) / gaps.sum()])
    ring_r, ring_t = 0.016, 0.0025
    hoop = lathe([(ring_r + ring_t * np.cos(a), ring_t * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 6)[:-1]], 12, 2, loop=True)
    ring_zc = zr - (ring_r - ring_t - rr) - 0.0006       # each ring hangs on the rail, 0.6 mm clear of it
    for x in knots:
        parts.append(hoop.transformed(rot_align_z((1.0, 0.0, 0.0)), (x, yr, ring_zc)))
    top = ring_zc - ring_r + ring_t + 0.003             # the heading: the rings pass through it
    hem = H - float(g.uniform(0.2, 0.26))
    amp = np.minimum(np.diff(knots) * 0.9, 0.034)
    sign = np.where(np.arange(n - 1) % 2 == 0, -1.0, 1.0)
    nx, nz = _seg(7 * folds, 20), _seg(16, 8)
    xs = np.linspace(x0, x1, nx)
    zs = np.linspace(hem, top, nz)
    Z, X = np.meshgrid(zs, xs, indexing="ij")
    b = (top - Z) / (top - hem)                          # 0 at the heading, 1 at the hem: the folds loosen a little
    Y = yr + _scallops(X, knots, amp, sign) * (1.0 - 0.25 * b) + 0.006 * np.sin(7.0 * X + 2.0) * b
    parts.append(sheet(X, Y, Z, np.full(Z.shape, 0.002), 3))
    return parts


def shower_over(seed) -> str:
    """What shower a tub of this seed carries: "" (none, half of them), "screen" or "curtain"."""
    u = float(rng_for(seed, "bathtub", "shower", "e3").uniform())
    return "" if u < 0.5 else "screen" if u < 0.75 else "curtain"


def bathtub3(seed, p):
    """Edition-3 bathtub (see the module's docstring)."""
    g = rng_for(seed, "bathtub", "shape", "e3")
    L, W, H = p["length"], p["width"], p["height"]
    m = _seg(5, 3)
    floor = max(0.1, H - float(g.uniform(0.4, 0.44)))
    body, basin = shell(L, W, H, floor, m)
    parts = [body] + _taps(L, H, 2)
    # the waste in the floor towards the tap end, the overflow on the end wall under the taps
    xa, xb, ya, yb, ins, D = basin
    parts.append(lathe([(0, 0), (0.024, 0), (0.024, 0.0015), (0.02, 0.003), (0, 0.003)], 20, 2).transformed(offset=(xb - 0.15, 0.0, floor - 0.001)))
    zo = floor + D * 0.62                                # sin a = 0.38: the wall 4 mm or so in from the lip's line
    xo = xb - 0.006 - ins[1] * (1.0 - np.sqrt(1.0 - 0.38 ** 2))
    parts.append(lathe([(0, 0), (0.028, 0), (0.028, 0.004), (0.022, 0.008), (0, 0.008)], 20, 2)
                 .transformed(rot_align_z((-1.0, 0.0, 0.0)), (xo + 0.003, 0.0, zo)))
    mats = [_white_ceramic(), _SCREEN, _CHROME]
    kind = shower_over(seed)
    gs = rng_for(seed, "bathtub", "shower", "e3", "fit")
    if kind == "screen":
        parts += _screen(gs, L, W, H)
    elif kind == "curtain":
        parts += _curtain(gs, L, W, H, basin)
        mats.append(cloth(rng_for(seed, "bathtub", "mat", "curtain", "e3")))
    if kind:   # the mixer and riser on the back wall 30 cm in from the tap end, the hose looping over the back deck
        parts += riser(gs, L / 2 - 0.3, W / 2, H + float(gs.uniform(0.35, 0.45)), H + 1.35, H + 0.05, -1.0)
    return Asset(merge(parts), tuple(mats))


def _leaf(g, x0, x1, y, z_top, drop, T):
    """One hanging side of a towel over a bar: a sheet from ``z_top`` down ``drop``, ``T`` thick, its face at y =
    ``y`` in soft vertical folds (2-4 across, deeper towards the hem), thicker at the hem and over a woven band
    5-9 cm above it."""
    band = float(g.uniform(0.05, 0.09))
    # rows: 2 mm steps at the hem's and the band's edges (the cloth thickens there), evenly spaced above the band
    rows = [0.0, 0.011, 0.013, band - 0.013, band - 0.011, band + 0.011, band + 0.013]
    rows += list(np.linspace(band + 0.04, drop, _seg(8, 4)))
    X, Z = np.meshgrid(np.linspace(x0, x1, _seg(16, 8)), z_top - drop + np.array(rows))
    s = (z_top - Z) / drop                                 # 0 at the top, 1 at the hem
    waves = float(g.uniform(2.0, 4.0)) / (x1 - x0)
    amp = float(g.uniform(0.008, 0.014))
    Y = y + amp * np.sin(2 * np.pi * waves * (X - x0) + float(g.uniform(0, 2 * np.pi))) * s ** 0.7
    above = Z - (z_top - drop)                            # height over the hem
    Tk = np.where(above < 0.012, T * 1.5, np.where(np.abs(above - band) < 0.012, T * 1.3, T))
    return sheet(X, Y, Z, Tk, 0)


def towel_rail3(seed, p):
    """Edition-3 towel rail: edition 2's brackets and bar (``kitchen_bath.rail_layout``) with towels folded over
    it: a soft roll round the bar and two sides hanging in folds, the front one longer, each with a thick hem and a
    woven band; in white or coloured terry."""
    from .kitchen_bath import rail_layout
    g = rng_for(seed, "towel_rail", "shape", "e3")
    bar_y, bar_z, parts, mats, slots = rail_layout(seed, p)
    for k, (tw, cx) in enumerate(slots):
        front, back = float(g.uniform(0.4, 0.6)), float(g.uniform(0.3, 0.45))
        T = float(g.uniform(0.004, 0.006))
        roll = rbox((cx - tw / 2 - 0.002, bar_y - 0.024, bar_z - 0.014), (cx + tw / 2 + 0.002, bar_y + 0.024, bar_z + 0.022), 0.012, 3, 1 + k)
        leaves = [_leaf(g, cx - tw / 2, cx + tw / 2, bar_y - 0.017, bar_z, front, T),
                  _leaf(g, cx - tw / 2 + 0.004, cx + tw / 2 - 0.004, bar_y + 0.017, bar_z, back, T)]
        for lf in leaves:
            lf.mat[:] = 1 + k
        parts += [roll] + leaves
        mats.append(material("fabric", rng_for(seed, "towel_rail", "mat", "towel", k), "rug" if g.uniform() < 0.5 else "white"))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    m.verts[:, 1] -= m.verts[:, 1].max()
    return Asset(m, tuple(mats))
