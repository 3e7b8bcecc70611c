"""Edition 3 of the candle and the storage box (bpy-free).

``small.py``'s ``candle`` and ``storage_box`` call these when ``geometry.edition() >= 3``; editions 1 and 2 stay
there, unchanged. Conventions: metres, Z up, origin at the centre of the base (min z = 0); every part a closed
shell, sunk into its neighbour or clear of it.

* Candle: the wax burnt down into a crater round the wick, its lip uneven where it melted, wax drips running down
  the side ending in beads; a curled wick with a charred tip and (mostly) a flame; a pillar stands on a dish, a
  taper in a turned candlestick with a drip pan and a cup.
* Storage box: a woven basket (stakes and rows of weavers bulging over one stake and under the next round a rounded
  rectangle, each row shifted by a stake, the stakes standing out as ribs where the weavers pass behind them, the
  ``wicker`` material drawing the same strands cell for cell, flared sides, a rope border and
  rope handles at the ends) or a lidded box (walls with handle cut-outs in the ends, a lid with a
  skirt, a label holder with a card on the front).
"""
from __future__ import annotations

import numpy as np

from ..geometry import _seg, lathe, merge, rbox, rng_for, rot_z, tube
from ..materials import material
from ..registry import Asset
from .parts import window_panel


def _rings(m, profile_len: int):
    """A lathe's vertices as (axis start, rings Float["P-2 n 3"] view, axis end) for a profile that starts and
    ends on the axis."""
    n = (len(m.verts) - 2) // (profile_len - 2)
    return m.verts[1:-1].reshape(profile_len - 2, n, 3)


def candle(seed, p):
    g = rng_for(seed, "candle", "e3")
    h, r = p["height"], p["radius"]
    taper = r < 0.017
    parts = []
    # 1. The holder: a turned candlestick for a taper, a dish for a pillar; z_seat is where the wax stands
    if taper:
        hh = g.uniform(0.09, 0.15)
        br = g.uniform(0.035, 0.05)
        cup_r = r + 0.004
        prof = [(0, 0), (br, 0), (br, 0.006), (br * 0.8, 0.012), (0.012, 0.02), (0.009, 0.03), (0.016, 0.04), (0.009, 0.05),
                (0.008, hh - 0.03), (0.03, hh - 0.024), (0.032, hh - 0.02), (0.012, hh - 0.016), (cup_r, hh - 0.012),
                (cup_r, hh), (0, hh)]
        parts.append(lathe(prof, 40, 3))
        z_seat = hh - 0.01           # the wax stands 1 cm deep in the cup
        holder = material("metal", rng_for(seed, "candle", "mat", "holder"))
    else:
        dr = r * 1.35 + 0.015
        prof = [(0, 0), (dr * 0.7, 0), (dr * 0.72, 0.003), (dr - 0.004, 0.004), (dr, 0.012), (dr - 0.003, 0.013),
                (dr - 0.008, 0.0065), (0, 0.0065)]
        parts.append(lathe(prof, 48, 3))
        z_seat = 0.0055              # sunk 1 mm into the dish
        holder = material("ceramic", rng_for(seed, "candle", "mat", "holder"))
    # 2. The wax: a wall up to an uneven, rounded lip, a crater burnt down round the wick
    top = z_seat + h
    crater = min(r * 0.5, 0.012) * g.uniform(0.4, 1.0)
    lip = [(r, top - 0.004), (r * 0.99, top - 0.0015), (r * 0.95, top), (r * 0.88, top - 0.0008)]
    bowl = [(r * (0.8 - 0.65 * t), top - 0.001 - crater * np.sin(t * np.pi / 2)) for t in np.linspace(0.0, 1.0, 5)[1:]]
    prof = [(0, z_seat), (r, z_seat)] + lip + bowl + [(0, top - 0.001 - crater)]
    wax = lathe(prof, 40, 0)
    rings = _rings(wax, len(prof))
    theta = np.arctan2(rings[0, :, 1], rings[0, :, 0])
    sag = sum(g.uniform(0.2, 1.0) * np.cos(k * theta + g.uniform(0, 2 * np.pi)) / k for k in (1, 2, 3))
    sag = (sag - sag.min()) / max(np.ptp(sag), 1e-9) * min(0.004, crater * 0.6 + 0.001)  # the lip melted lower on one side
    for i, w in enumerate([0.0, 0.3, 0.8, 1.0, 1.0, 0.8, 0.5, 0.25, 0.0]):
        rings[i, :, 2] -= w * sag
    parts.append(wax)
    # 3. Drips running down the side from low places on the lip, each ending in a bead
    nd = int(g.integers(0, 4))
    for k in range(nd):
        i = int(np.argmax(sag + g.uniform(0, 0.5, len(sag)) * sag.max()))
        a = theta[i] + g.uniform(-0.15, 0.15)
        L = min(h * 0.8, g.uniform(0.01, 0.05))
        rr = g.uniform(0.0016, 0.0026)
        zs = np.linspace(top - 0.003 - sag[i], top - 0.003 - sag[i] - L, 7)
        rad = np.r_[r * 0.93, np.full(6, r + rr * 0.15)]
        path = np.stack([rad * np.cos(a), rad * np.sin(a), zs], 1)
        radii = np.r_[rr * 0.8, rr, rr, rr * 0.9, rr * 0.85, rr * 1.25, rr * 0.6]
        parts.append(tube(path, radii, 8, 0))
    # 4. A curled wick with a charred tip, and a flame on most
    wz0, wl = top - 0.001 - crater - 0.004, g.uniform(0.008, 0.013)
    bend = g.uniform(0.001, 0.003)
    tz = np.linspace(0, 1, 6)
    wick = np.stack([bend * tz ** 2, np.zeros(6), wz0 + (wl + 0.004) * tz], 1)
    parts.append(tube(wick, 0.0008, 6, 1))
    lit = g.uniform() < 0.75
    if lit:
        fz = wz0 + wl + 0.001
        flame = [(0, fz)] + [(0.0045 * np.sin(t) * (1 - t / np.pi) ** 0.3, fz + 0.022 * (1 - np.cos(t)) / 2)
                             for t in np.linspace(0.4, np.pi - 0.3, 7)] + [(0, fz + 0.023)]
        parts.append(lathe(flame, 14, 2).transformed(offset=(bend, 0, 0)))
    colours = ((0.85, 0.8, 0.7), (0.86, 0.84, 0.8), (0.5, 0.06, 0.05), (0.75, 0.62, 0.38), (0.12, 0.2, 0.3))
    c = colours[int(g.choice(len(colours), p=(0.45, 0.25, 0.1, 0.12, 0.08)))]
    wax_m = {"kind": "plastic", "params": {"base_color": list(c), "roughness": 0.45}}
    return Asset(merge(parts), (wax_m, {"kind": "plastic", "params": {"base_color": [0.015, 0.012, 0.01], "roughness": 0.9}},
                                material("emission", rng_for(seed, "candle", "mat", "flame"), "warm"), holder))


# ------------------------------------------------------------------ storage box
def _superellipse(verts, hx, hy, flare, e=5.0):
    """Map a lathe about Z whose outer wall is at radius 1 onto a rounded rectangle (half sizes ``hx``, ``hy`` at
    z = 0, growing by ``flare`` per m of height): the lathe's angle goes to the same fraction of the outline's
    length, and a vertex at radius rho sits (rho - 1) m along the outline's outward normal there; vertices on the
    axis stay on it. In place."""
    x, y, z = verts[:, 0], verts[:, 1], verts[:, 2]
    rho = np.hypot(x, y)
    k = 2.0 / e
    # the lathe's angle becomes a fraction of the outline's length (its straight sides get their share of vertices)
    psi = np.linspace(-np.pi, np.pi, 4097)
    cp, sp = np.cos(psi), np.sin(psi)
    run = np.hypot(np.diff(np.sign(cp) * np.abs(cp) ** k * hx), np.diff(np.sign(sp) * np.abs(sp) ** k * hy))
    cum = np.r_[0.0, np.cumsum(run)] / run.sum()
    th = np.interp((np.arctan2(y, x) + np.pi) / (2 * np.pi), cum, psi)
    c, s = np.cos(th), np.sin(th)
    ux, uy = np.sign(c) * np.abs(c) ** k, np.sign(s) * np.abs(s) ** k
    sx, sy = hx + flare * z, hy + flare * z
    # the outline's outward normal: gradient of |x/sx|^e + |y/sy|^e
    nx = np.sign(c) * np.abs(ux) ** (e - 1) / sx
    ny = np.sign(s) * np.abs(uy) ** (e - 1) / sy
    nn = np.maximum(np.hypot(nx, ny), 1e-12)
    on_axis = rho < 1e-9
    verts[:, 0] = np.where(on_axis, 0.0, ux * sx + (rho - 1.0) * nx / nn)
    verts[:, 1] = np.where(on_axis, 0.0, uy * sy + (rho - 1.0) * ny / nn)
    return verts


def basket(seed, p, g):
    w, d, h = p["width"], p["depth"], p["height"]
    t = 0.006                                     # wall thickness
    flare = g.uniform(0.05, 0.2)                  # the sides lean out by this much per m
    hx, hy = w / 2 - flare * h - 0.01, d / 2 - flare * h - 0.01
    stakes = max(12, int(round((w + d) * 2 / 0.045)))
    stakes += stakes % 2                          # even: the weavers go over one stake and under the next all round
    seg = _seg(4 * stakes, 8)
    row_h = g.uniform(0.014, 0.02)
    rows = max(3, int((h - 0.03) / row_h))
    row_h = (h - 0.025) / rows
    zs = np.linspace(0.008, h - 0.017, rows * 2 + 1)
    outer = [(1.0, 0.0), (1.0, 0.004)] + [(1.0, z) for z in zs] + [(1.0, h - 0.012)]
    inner = [(1.0 - t, h - 0.012), (1.0 - t, 0.01)]
    prof = [(0.0, 0.0)] + outer + inner + [(0.0, 0.01)]
    m = lathe(prof, seg, 0, smooth=True)
    rings = _rings(m, len(prof))
    th = np.arctan2(rings[0, :, 1], rings[0, :, 0])
    # over and under: each row of weavers passes in front of one stake and behind the next (a period of two stakes),
    # bulging out over the stakes it covers; the next row is shifted by one stake; round in section (thinner at the
    # row's top and bottom); and the stakes stand out as ribs where that row's weaver passes behind them
    amp = 0.004
    for i, z in enumerate(zs):
        row = int((z - 0.008) / row_h)
        frac = ((z - 0.008) / row_h) % 1.0
        phase = stakes / 2 * th + np.pi * row
        weaver = amp * (0.5 + 0.5 * np.cos(phase)) ** 0.7 * np.sin(np.pi * min(max(frac, 0.0), 1.0)) ** 0.5
        rib = amp * 0.65 * (0.5 - 0.5 * np.cos(phase)) ** 8
        bulge = np.maximum(weaver, rib)
        rings[2 + i, :, 0] *= 1 + bulge
        rings[2 + i, :, 1] *= 1 + bulge
    _superellipse(m.verts, hx, hy, flare)
    rope = lathe([(1.0 + 0.0055 * np.cos(a), h - 0.0075 + 0.0075 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 11)[:-1]],
                 _seg(2 * stakes, 8), 1, loop=True)
    rope.verts[:] = _superellipse(rope.verts, hx, hy, flare)
    # rope handles at both ends: a loop standing out from the end wall, its ends sunk into the wall below the border
    zh = h - 0.04
    handles = []
    if zh > 0.05:
        for sx in (-1, 1):
            xw = hx + flare * zh
            ph = np.linspace(0, np.pi, _seg(14, 6))
            path = np.stack([sx * (xw - 0.004 + 0.03 * np.sin(ph)), -0.035 * np.cos(ph), zh - 0.008 * np.sin(ph)], 1)
            handles.append(tube(path, 0.0055, 10, 1))
    tint = ((0.42, 0.3, 0.15), (0.55, 0.42, 0.24), (0.2, 0.12, 0.06), (0.5, 0.48, 0.4))[int(g.integers(0, 4))]
    # the weave's colour and bump on the wall's UVs (u: the fraction round the outline, v: 1 m (the lathe's unit
    # base) plus the height up the outer wall), cell for cell on the bulges above
    weave = {"kind": "wicker", "params": {"base_color": list(tint), "color2": [round(c * 0.35, 4) for c in tint], "roughness": 0.7,
                                          "stakes": stakes, "row": round(float(row_h), 5), "offset": 1.008,
                                          "variation": round(float(g.uniform(0.1, 0.3)), 4)}}
    rope_m = {"kind": "fabric", "params": {"base_color": [round(c * 0.85, 4) for c in tint], "color2": [round(c * 0.55, 4) for c in tint],
                                           "roughness": 0.9, "scale": 300.0, "sheen": 0.2, "bump": 0.3}}
    return Asset(merge([m, rope] + handles), (weave, rope_m))


def lidded_box(seed, p, g):
    w, d, h = p["width"], p["depth"], p["height"]
    t = 0.005
    lid_t, skirt = 0.008, min(0.025, h * 0.2)
    hb = h - lid_t - 0.001                       # the walls' top; the lid floats 1 mm above them on its skirt
    parts = [rbox((-w / 2 + 0.002, -d / 2 + 0.002, 0), (w / 2 - 0.002, d / 2 - 0.002, 0.006), 0.002, 1)]
    for sy in (-1, 1):                           # front and back
        y0, y1 = sorted((sy * d / 2, sy * (d / 2 - t)))
        parts.append(rbox((-w / 2, y0, 0.003), (w / 2, y1, hb), 0.0015, 1))
    # the ends: a panel with a handle hole below the lid's skirt, built facing -Y and turned to face +-X
    hw, hh = min(0.1, (d - 0.04) * 0.5), min(0.028, (hb - skirt) * 0.25)
    hz1 = hb - skirt - 0.012
    for sx in (-1, 1):
        panel = window_panel(-(d / 2 - 0.002), d / 2 - 0.002, 0.004, hb - 0.002, -hw / 2, hw / 2, hz1 - hh, hz1,
                             -t / 2, t / 2, 0.0015, 0)
        parts.append(panel.transformed(rot_z(np.pi / 2 if sx > 0 else -np.pi / 2), (sx * (w / 2 - 0.001 - t / 2), 0.0, 0.0)))
    # the lid: a plate and a skirt round the walls, 2 mm clear of them
    c = 0.002 + 0.004
    parts.append(rbox((-w / 2 - c, -d / 2 - c, hb + 0.001), (w / 2 + c, d / 2 + c, h), 0.003, 2, mat=1))
    for sy in (-1, 1):
        y0, y1 = sorted((sy * (d / 2 + 0.002), sy * (d / 2 + c - 0.0005)))
        parts.append(rbox((-w / 2 - c + 0.0005, y0, hb - skirt), (w / 2 + c - 0.0005, y1, hb + 0.003), 0.0012, 1, mat=1))
    for sx in (-1, 1):   # the ends' skirts run into the front and back ones
        x0, x1 = sorted((sx * (w / 2 + 0.002), sx * (w / 2 + c - 0.001)))
        parts.append(rbox((x0, -d / 2 - 0.004, hb - skirt + 0.0005), (x1, d / 2 + 0.004, hb + 0.0025), 0.0012, 1, mat=1))
    # a label holder on the front: a metal frame over a card, both sunk into the wall
    lw, lh = min(0.08, w * 0.35), min(0.045, (hb - skirt) * 0.5)
    lz = (hb - skirt) * 0.5
    parts.append(window_panel(-lw / 2, lw / 2, lz - lh / 2, lz + lh / 2, -lw / 2 + 0.006, lw / 2 - 0.006, lz - lh / 2 + 0.006,
                              lz + lh / 2 - 0.006, -d / 2 - 0.003, -d / 2 + 0.001, 0.001, 2))
    parts.append(rbox((-lw / 2 + 0.003, -d / 2 - 0.0015, lz - lh / 2 + 0.003), (lw / 2 - 0.003, -d / 2 + 0.0008, lz + lh / 2 - 0.003),
                      0.0005, 1, mat=3))
    kind = ("fabric", "paint", "wood")[int(g.choice(3, p=(0.45, 0.3, 0.25)))]
    body = material(kind, rng_for(seed, "storage_box", "mat", "body"), "fabric" if kind == "fabric" else ("wall" if kind == "paint" else None))
    if kind == "paint" and g.uniform() < 0.5:     # kraft board
        body = {"kind": "paint", "params": {"base_color": [0.35, 0.22, 0.11], "roughness": 0.85, "wear": 0.0}}
    lid = body if g.uniform() < 0.7 else material(kind, rng_for(seed, "storage_box", "mat", "lid"))
    return Asset(merge(parts), (body, lid, material("metal", rng_for(seed, "storage_box", "mat", "frame")),
                                material("paint", rng_for(seed, "storage_box", "mat", "card"), "paper")))


def storage_box(seed, p):
    g = rng_for(seed, "storage_box", "e3")
    return basket(seed, p, g) if g.uniform() < 0.5 else lidded_box(seed, p, g)
