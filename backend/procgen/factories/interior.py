"""Architectural and soft-furnishing factories: door, window, rug, curtain, wall art, mirror, ceiling light
(bpy-free). Doors and windows are sized to an opening (width x height); wall-mounted pieces have their back at
+Y (against the wall) and their lowest point at z = 0 (the planner lifts them to their mounting height)."""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _orient, edition, lathe, merge, rbox, rbox_c, rng_for, rod, rot_z
from ..materials import material
from ..registry import Asset, Param, factory
from . import drapery, lighting, openings, textiles, wall_decor


@factory("door", (
    Param("width", 0.7, 1.0, doc="Opening width, m"),
    Param("height", 1.95, 2.2, doc="Opening height, m"),
    Param("depth", 0.1, 0.3, doc="Wall thickness the frame lines, m"),
    Param("open_angle", 0.0, 1.2, doc="How far the leaf is swung into the room (-Y), rad"),
    Param("panels", 1, 4, integer=True, doc="Raised panels on the leaf"),
), ("structure", "door"))
def door(seed, p):
    """Door: lining frame with architraves, a panelled leaf hung on the left jamb (swung open by
    ``open_angle`` towards -Y), lever handles. Origin: bottom centre of the opening, wall plane at y = 0. Edition 3:
    stop beads, moulded architraves on both faces, a panelled, flush or half-glazed leaf of stiles and rails with
    raised panels, hinges, levers on roses or backplates (``openings.door3``)."""
    if edition() >= 3:
        return openings.door3(seed, p)
    rng = rng_for(seed, "door", "shape")
    w, h, d = p["width"], p["height"], p["depth"]
    jt = 0.03  # lining thickness
    parts = []
    for sx in (-1, 1):  # jambs and architraves
        x0, x1 = sorted((sx * (w / 2 - 0.001), sx * (w / 2 - jt)))
        parts.append(rbox((x0, -d / 2 + 0.001, 0), (x1, d / 2 - 0.001, h - 0.001), 0.002, 1))
    parts.append(rbox((-w / 2 + jt - 0.002, -d / 2 + 0.001, h - jt), (w / 2 - jt + 0.002, d / 2 - 0.001, h - 0.001), 0.002, 1))
    lw, lh, lt = w - 2 * jt - 0.006, h - jt - 0.012, 0.04
    leaf = [rbox((0, -lt / 2, 0.008), (lw, lt / 2, 0.008 + lh), 0.004, 2, mat=1)]
    n = p["panels"]
    ph = (lh - 0.12 - 0.08 * (n - 1)) / n
    for k in range(n):
        z = 0.008 + 0.1 + k * (ph + 0.08)
        for sy in (-1, 1):
            y0, y1 = sorted((sy * (lt / 2 - 0.003), sy * (lt / 2 + 0.006)))
            leaf.append(rbox((0.09, y0, z), (lw - 0.09, y1, z + ph), 0.006, 3, mat=1))
    hz = 0.008 + min(1.0, lh * 0.48)
    for sy in (-1, 1):
        leaf.append(rod((lw - 0.07, sy * (lt / 2 - 0.002), hz), (lw - 0.07, sy * (lt / 2 + 0.05), hz), 0.009, 12, mat=2))
        leaf.append(rod((lw - 0.07, sy * (lt / 2 + 0.045), hz), (lw - 0.19, sy * (lt / 2 + 0.05), hz), 0.008, 12, mat=2))
    hinge = np.array([-w / 2 + jt + 0.003, -d / 2 + lt / 2 + 0.004, 0.0])
    leaf_m = merge(leaf).transformed(rot_z(-p["open_angle"]), hinge)
    parts.append(leaf_m)
    mats = (material("paint", rng_for(seed, "door", "mat", "frame"), "white"),
            material("paint" if rng.uniform() < 0.6 else "wood", rng_for(seed, "door", "mat", "leaf")),
            material("metal", rng_for(seed, "door", "mat", "handle")))
    return Asset(merge(parts), mats)


@factory("window", (
    Param("width", 0.6, 2.0, doc="Opening width, m"),
    Param("height", 0.6, 1.6, doc="Opening height, m"),
    Param("depth", 0.1, 0.3, doc="Wall thickness, m"),
    Param("columns", 1, 3, integer=True, doc="Casements across"),
), ("structure", "window"))
def window(seed, p):
    """Window: frame lining the opening, casements with mullions, glass panes with real thickness, an inside sill.
    Origin: bottom centre of the opening, wall plane at y = 0 (inside towards -Y). Edition 3: a frame with a stepped
    section, casements (a transom on tall ones) or sliding sashes with glazing bars, handles, a sill board with an
    apron inside and a sloped sill outside (``openings.window3``)."""
    if edition() >= 3:
        return openings.window3(seed, p)
    w, h, d, n = p["width"], p["height"], p["depth"], p["columns"]
    ft = 0.05
    parts = []
    for sx in (-1, 1):
        x0, x1 = sorted((sx * (w / 2 - 0.001), sx * (w / 2 - ft)))
        parts.append(rbox((x0, -0.035, 0.001), (x1, 0.035, h - 0.001), 0.003, 1))
    for z0, z1 in ((0.001, ft), (h - ft, h - 0.001)):
        parts.append(rbox((-w / 2 + ft - 0.003, -0.034, z0), (w / 2 - ft + 0.003, 0.034, z1), 0.003, 1))
    cw = (w - 2 * ft) / n
    for k in range(1, n):
        x = -w / 2 + ft + k * cw
        parts.append(rbox((x - 0.025, -0.033, ft - 0.003), (x + 0.025, 0.033, h - ft + 0.003), 0.003, 1))
    trans = h * 0.62 if h > 1.0 else None
    if trans:
        parts.append(rbox((-w / 2 + ft - 0.002, -0.032, trans - 0.02), (w / 2 - ft + 0.002, 0.032, trans + 0.02), 0.003, 1))
    for k in range(n):
        x0 = -w / 2 + ft + k * cw + (0.025 if k else 0) - 0.004
        x1 = -w / 2 + ft + (k + 1) * cw - (0.025 if k < n - 1 else 0) + 0.004
        for z0, z1 in (((ft - 0.004, trans - 0.016), (trans + 0.016, h - ft + 0.004)) if trans else ((ft - 0.004, h - ft + 0.004),)):
            parts.append(rbox((x0, -0.003, z0), (x1, 0.003, z1), 0.001, 1, mat=1))
    parts.append(rbox((-w / 2 - 0.04, -d / 2 - 0.045, -0.03), (w / 2 + 0.04, -d / 2 - 0.002, 0.0), 0.004, 2))  # inside sill, room side of the wall
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    mats = (material("paint", rng_for(seed, "window", "mat", "frame"), "white"),
            material("glass", rng_for(seed, "window", "mat", "glass")),
            material("stone" if seed % 3 == 0 else "paint", rng_for(seed, "window", "mat", "sill"), "white"))
    return Asset(m, mats)


@factory("rug", (
    Param("width", 0.6, 3.0, doc="Length along X, m"),
    Param("depth", 0.4, 3.0, doc="Depth along Y, m (drawn up to 2.2; up to 3 for a rug under a bed)", draw_hi=2.2),
    Param("pile", 0.006, 0.02, doc="Thickness, m"),
), ("object", "textile", "rug"))
def rug(seed, p):
    """Rug: a soft, rounded slab with a bound border and fringes on the short ends. Edition 3: a pile with rounded
    edges, overcast selvedges, tassels lying on the floor and a woven pattern (``textiles.rug``)."""
    if edition() >= 3:
        return textiles.rug(seed, p)
    rng = rng_for(seed, "rug", "shape")
    w, d, t = p["width"], p["depth"], p["pile"]
    parts = [rbox_c(0, 0, 0, w, d, t, t * 0.45, 2), rbox_c(0, 0, t * 0.3, w - 0.16, d - 0.16, t * 0.75, t * 0.3, 2, mat=1)]
    for sx in (-1, 1):
        for k, y in enumerate(np.linspace(-d / 2 + 0.03, d / 2 - 0.03, max(4, int(d / 0.025)))):
            g = rng_for(seed, "rug", "fringe", sx, k)
            L = 0.05 + g.uniform(0, 0.02)
            parts.append(rod((sx * (w / 2 - 0.01), y, t * 0.4), (sx * (w / 2 + L), y + g.uniform(-0.01, 0.01), 0.0015),
                             0.0015, 4, mat=2))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    top = float(m.verts[:, 2].max())
    surf = ({"lo": [-w / 2 + 0.1, -d / 2 + 0.1], "hi": [w / 2 - 0.1, d / 2 - 0.1], "z": top, "clear": 2.5},)
    mats = (material("fabric", rng_for(seed, "rug", "mat", "border"), "rug"),
            material("fabric", rng_for(seed, "rug", "mat", "field"), "rug"),
            material("fabric", rng_for(seed, "rug", "mat", "fringe"), "paper"))
    return Asset(m, mats, surf)


def _sheet(w, h, t, folds, amp, rng, mat):
    """Closed hanging sheet: a grid waved into uneven folds (pleats gathered at the heading, the folds opening
    and deepening towards the hem, each fold its own depth), with thickness ``t``."""
    nx, nz = max(16, folds * 12), 24
    x = np.linspace(-w / 2, w / 2, nx)
    z = np.linspace(0, h, nz)
    X, Z = np.meshgrid(x, z)
    ph = rng.uniform(0, 2 * np.pi)
    u = (X + w / 2) / w
    warp = 0.35 / folds * np.sin(2 * np.pi * 1.3 * u + rng.uniform(0, 2 * np.pi))  # folds not evenly spaced
    theta = 2 * np.pi * folds * (u + warp) + ph
    depth = 1 + 0.3 * np.sin(2 * np.pi * folds * 0.37 * u + rng.uniform(0, 2 * np.pi))  # each fold its own depth
    fall = 0.55 + 0.45 * (1 - Z / h) ** 1.5
    Y = amp * depth * (np.sin(theta) + 0.25 * np.sin(2 * theta + 0.7)) * fall
    front = np.stack([X, Y - t / 2, Z], -1).reshape(-1, 3)
    back = np.stack([X, Y + t / 2, Z], -1).reshape(-1, 3)
    verts = np.concatenate([front, back])
    off = nx * nz
    idx = lambda i, j: i * nx + j  # noqa: E731
    faces = []
    for i in range(nz - 1):
        for j in range(nx - 1):
            a, b, c, dd = idx(i, j), idx(i, j + 1), idx(i + 1, j + 1), idx(i + 1, j)
            faces += [[a, b, c, dd], [off + a, off + dd, off + c, off + b]]
    ring = [idx(0, j) for j in range(nx)] + [idx(i, nx - 1) for i in range(1, nz)] + \
           [idx(nz - 1, j) for j in range(nx - 2, -1, -1)] + [idx(i, 0) for i in range(nz - 2, 0, -1)]
    for a, b in zip(ring, ring[1:] + ring[:1]):
        faces.append([b, a, off + a, off + b])
    faces = np.asarray(faces)
    uvs = verts[faces.ravel()][:, [0, 2]]
    return _orient(Mesh(verts, faces.ravel(), np.full(len(faces), 4), uvs, mat, True))


@factory("curtain", (
    Param("width", 0.6, 1.6, doc="Width of one panel as hung, m"),
    Param("height", 1.8, 2.6, doc="Drop from the rod, m"),
    Param("folds", 3, 9, integer=True, doc="Number of folds"),
), ("object", "textile", "curtain"))
def curtain(seed, p):
    """Curtain panel hanging in folds from a rod with rings; back (+Y) to the wall. Edition 3: a pole with finials on
    brackets, rings on it, the heading scalloped between unevenly spaced rings, folds loosening towards a hem
    (``drapery.curtain3``)."""
    if edition() >= 3:
        return drapery.curtain3(seed, p)
    rng = rng_for(seed, "curtain", "shape")
    w, h = p["width"], p["height"]
    amp = w / p["folds"] * 0.3
    sheet = _sheet(w, h - 0.05, 0.004, p["folds"], amp, rng, 0).transformed(offset=(0, -0.06 - amp, 0.0))
    parts = [sheet, rod((-w / 2 - 0.05, -0.06 - amp, h - 0.02), (w / 2 + 0.05, -0.06 - amp, h - 0.02), 0.012, 12, mat=1)]
    for sx in (-1, 1):
        parts.append(rod((sx * (w / 2 + 0.03), 0.0, h - 0.02), (sx * (w / 2 + 0.03), -0.06 - amp + 0.005, h - 0.02), 0.008, 8, mat=1))
    mats = (material("fabric", rng_for(seed, "curtain", "mat", "cloth")), material("metal", rng_for(seed, "curtain", "mat", "rod")))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    m.verts[:, 1] -= m.verts[:, 1].max()
    return Asset(m, mats)


@factory("wall_art", (
    Param("width", 0.3, 1.2, doc="Frame width, m"),
    Param("height", 0.3, 0.9, doc="Frame height, m"),
    Param("frame", 0.015, 0.06, doc="Frame moulding width, m"),
), ("object", "decor", "wall_art"))
def wall_art(seed, p):
    """Framed picture: moulded frame, passe-partout and a canvas (a seeded landscape painting material). Edition 3: a
    frame moulding swept round it, a passe-partout with a bevelled window over the picture, or a canvas in a float
    frame (``wall_decor.wall_art3``)."""
    if edition() >= 3:
        return wall_decor.wall_art3(seed, p)
    w, h, f = p["width"], p["height"], p["frame"]
    dep = 0.03
    parts = []
    for sx in (-1, 1):
        x0, x1 = sorted((sx * w / 2, sx * (w / 2 - f)))
        parts.append(rbox((x0, -dep, 0), (x1, 0, h), f * 0.3, 3))
    for z0, z1 in ((0, f), (h - f, h)):
        parts.append(rbox((-w / 2 + f - 0.004, -dep + 0.002, z0), (w / 2 - f + 0.004, -0.001, z1), f * 0.3, 3))
    parts.append(box_like(-w / 2 + f - 0.002, w / 2 - f + 0.002, -dep * 0.6, -0.002, f - 0.002, h - f + 0.002, 1))
    mm = min(w, h) * 0.08
    parts.append(box_like(-w / 2 + f + mm, w / 2 - f - mm, -dep * 0.6 - 0.0015, -dep * 0.5, f + mm, h - f - mm, 2))
    mats = (material("wood" if seed % 2 else "metal", rng_for(seed, "wall_art", "mat", "frame")),
            material("paint", rng_for(seed, "wall_art", "mat", "mat"), "white"),
            material("painting", rng_for(seed, "wall_art", "mat", "canvas")))
    return Asset(merge(parts), mats)


def box_like(x0, x1, y0, y1, z0, z1, mat):
    return rbox((x0, y0, z0), (x1, y1, z1), 0.0, 0, mat)


@factory("mirror", (
    Param("width", 0.4, 1.0, doc="Width, m"),
    Param("height", 0.5, 1.2, doc="Height, m"),
), ("object", "decor", "mirror"))
def mirror(seed, p):
    """Wall mirror: rounded frame around a mirror-finish pane. Edition 3: rectangular, round or arched, in a moulded
    wooden or a metal frame over a backing board, or a bevelled frameless pane on clips (``wall_decor.mirror3``)."""
    if edition() >= 3:
        return wall_decor.mirror3(seed, p)
    w, h = p["width"], p["height"]
    parts = [rbox((-w / 2, -0.025, 0), (w / 2, 0, h), 0.01, 3), rbox((-w / 2 + 0.03, -0.028, 0.03), (w / 2 - 0.03, -0.015, h - 0.03), 0.002, 1, mat=1)]
    silver = {"kind": "metal", "params": {"base_color": [0.9, 0.9, 0.9], "metallic": 1.0, "roughness": 0.02, "scale": 300.0,
                                          "bump": 0.0, "brushed": 1.0, "painted": 0}}
    return Asset(merge(parts), (material("metal", rng_for(seed, "mirror", "mat", "frame")), silver))


@factory("ceiling_light", (
    Param("radius", 0.12, 0.3, doc="Shade radius, m"),
    Param("drop", 0.1, 0.7, doc="Cord length below the ceiling, m"),
), ("object", "lighting", "ceiling_light"))
def ceiling_light(seed, p):
    """Pendant light: ceiling rose, cord, a spun shade open at the bottom and a glowing bulb inside it.
    Its top (z max) touches the ceiling. Edition 3: a turned rose, a cord with a grip, a holder and a spun metal
    dome with a rolled rim or a fabric drum on a spider (``lighting.pendant``)."""
    if edition() >= 3:
        return lighting.pendant(seed, p)
    rng = rng_for(seed, "ceiling_light", "shape")
    r, drop = p["radius"], p["drop"]
    sh = r * rng.uniform(0.5, 0.9)
    total = drop + sh
    parts = [lathe([(0, total - 0.025), (0.06, total - 0.025), (0.06, total), (0, total)], 24)]
    parts.append(lathe([(0, sh - 0.02), (0.004, sh - 0.02), (0.004, total - 0.02), (0, total - 0.02)], 8))
    shade = [(0.03, sh), (r * 0.5, sh * 0.85), (r * 0.9, sh * 0.35), (r, 0.0), (r - 0.003, 0.0), (r * 0.9 - 0.003, sh * 0.35),
             (r * 0.5 - 0.003, sh * 0.85 - 0.002), (0.027, sh - 0.003)]
    parts.append(lathe(shade, 40, mat=1, loop=True))
    rb = min(0.035, r * 0.3, sh * 0.4)
    parts.append(lathe([(0, sh - 0.01), (0.012, sh - 0.01), (0.012, sh - 0.03), (0, sh - 0.03)], 12))
    bulb = lathe([(0, sh - 0.028 - 2 * rb)] + [(rb * np.sin(a), sh - 0.028 - rb - rb * np.cos(a)) for a in np.linspace(0.3, np.pi - 0.3, 6)]
                 + [(0, sh - 0.026)], 16, mat=2)
    parts.append(bulb)
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    mats = (material("metal", rng_for(seed, "ceiling_light", "mat", "metal")),
            material("metal", rng_for(seed, "ceiling_light", "mat", "shade")),
            material("emission", rng_for(seed, "ceiling_light", "mat", "bulb"), "warm"))
    return Asset(m, mats)


FACTORIES = (door, window, rug, curtain, wall_art, mirror, ceiling_light)
