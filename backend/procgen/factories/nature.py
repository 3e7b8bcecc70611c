"""Nature factories: potted plant, rock, tree, bush, grass tuft (bpy-free).

Organic shapes are icospheres displaced by seeded smooth noise (geometry.blob); trunks are lathes,
branches and stems are swept tubes. Origin at the centre of the base, min z = 0. From edition 2
(``geometry.EDITION``) crowns and bushes carry leaf cards, trunks bark ridges, and rocks facets and cracks; edition 3's
rock, stump and grass tuft are ``nature_e3``'s, its tree ``trees_e3``'s.
"""
from __future__ import annotations

import numpy as np

from ..geometry import blob, edition, lathe, leaf_cards, merge, rng_for, rod, rot_y, rot_z, squash_above, tube
from ..materials import material
from ..registry import Asset, Param, factory
from . import nature_e3, plant_detail, trees_e3
from .small import vessel


def _bark(m, rng, amount: float = 0.07):
    """Bark ridges on a lathed trunk: vertical furrows that wander a little with height (radial scale)."""
    v = m.verts
    ang = np.arctan2(v[:, 1], v[:, 0])
    rad = np.linalg.norm(v[:, :2], axis=1)
    k, phase, wander = int(rng.integers(9, 17)), rng.uniform(0, 2 * np.pi), rng.uniform(1.5, 4.0)
    ridge = 1 + amount * (np.abs(np.sin(ang * k / 2 + phase + 0.6 * np.sin(v[:, 2] * wander))) - 0.6)
    v[:, :2] *= np.where(rad > 1e-9, ridge, 1.0)[:, None]
    return m


def _facets_and_cracks(m, rng, size: float):
    """Chip a rock: a few flat facets (vertices clamped to random planes near the surface) and 1-3 cracks
    (narrow grooves where a random plane through the middle cuts the surface)."""
    v = m.verts
    centre = (v.max(axis=0) + v.min(axis=0)) / 2
    rel = v - centre
    for _ in range(int(rng.integers(5, 10))):
        n = rng.normal(size=3)
        n[2] = abs(n[2]) * 0.5 if rng.random() < 0.5 else n[2]   # more facets on the sides and top
        n /= np.linalg.norm(n)
        proj = rel @ n
        cut = proj.max() * rng.uniform(0.78, 0.92)
        rel -= 0.94 * np.maximum(proj - cut, 0.0)[:, None] * n   # squash, not clamp: clamped faces would coincide
    for _ in range(int(rng.integers(1, 4))):
        n = rng.normal(size=3)
        n /= np.linalg.norm(n)
        width, depth = size * rng.uniform(0.012, 0.025), size * rng.uniform(0.015, 0.03)
        dist = np.abs(rel @ n - rng.uniform(-0.2, 0.2) * size)
        groove = np.clip(1 - dist / width, 0, 1) ** 2 * depth
        r = np.linalg.norm(rel, axis=1, keepdims=True)
        rel -= groove[:, None] * rel / np.maximum(r, 1e-9) * (rel[:, 2:3] > rel[:, 2].min() + 0.05 * size)
    m.verts = rel + centre
    return m


def _to_base(m):
    """Shift a mesh so its lowest point is at z = 0."""
    m.verts[:, 2] -= m.verts[:, 2].min()
    return m


@factory("potted_plant", (
    Param("height", 0.2, 0.7, doc="Overall height, m"),
    Param("pot_radius", 0.05, 0.14, doc="Pot rim radius, m"),
    Param("leaves", 5, 24, integer=True, doc="Number of leaves"),
), ("object", "plant", "potted_plant"), small=True)
def potted_plant(seed, p):
    """House plant: tapered ceramic pot, soil, stems with flattened leaf blades. Edition 2: leaves folded along a
    midrib with veins, curved stems, lumpy soil with pebbles, a glazed pot (``plant_detail.potted_plant``)."""
    if edition() >= 2:
        return Asset(*plant_detail.potted_plant(seed, p))
    rng = rng_for(seed, "potted_plant", "shape")
    pr, h = p["pot_radius"], p["height"]
    ph = min(pr * rng.uniform(1.0, 1.5), h * 0.45)
    parts = [vessel([(pr * 0.75, 0), (pr, ph)], 0.006, 0.012)]
    soil_z = ph * 0.85
    parts.append(lathe([(0, 0.0119), (pr * 0.75 - 0.006 + (pr * 0.25) * 0.0, 0.0119), (pr - 0.0062 - 0.001, soil_z), (0, soil_z)], 24).with_material(1))
    leaf_len = (h - ph) * 0.55
    for k in range(p["leaves"]):
        g = rng_for(seed, "potted_plant", "leaf", k)
        yaw = 2 * np.pi * (k / p["leaves"]) + g.uniform(-0.3, 0.3)
        tilt = g.uniform(0.15, 0.9)
        sl = leaf_len * g.uniform(0.5, 0.9)
        base = np.array([0.0, 0.0, soil_z - 0.005])
        d = np.array([np.sin(tilt) * np.cos(yaw), np.sin(tilt) * np.sin(yaw), np.cos(tilt)])
        tip = base + d * sl
        parts.append(rod(base, tip, 0.003, 5, mat=2))
        ll = leaf_len * g.uniform(0.35, 0.6)
        leaf = blob(g, (ll / 2, ll * g.uniform(0.15, 0.3), 0.004), 1, 0.05)
        leaf = leaf.transformed(rot_z(yaw) @ rot_y(-(np.pi / 2 - tilt) * 0.8), tip + d * ll * 0.4).with_material(2)
        parts.append(leaf)
    m = merge(parts)
    squash_above(m, soil_z, h)  # keep within the requested height
    mats = (material("ceramic", rng_for(seed, "potted_plant", "mat", "pot")),
            material("stone", rng_for(seed, "potted_plant", "mat", "soil"), "soil"),
            material("foliage", rng_for(seed, "potted_plant", "mat", "leaf")))
    return Asset(m, mats)


@factory("rock", (
    Param("size", 0.1, 2.5, doc="Largest horizontal extent, m"),
    Param("flatness", 0.35, 1.0, doc="Height as a fraction of the size"),
    Param("roughness", 0.05, 0.3, doc="Amplitude of the surface noise"),
), ("nature", "rock"))
def rock(seed, p):
    """Rock or boulder: noise-displaced icosphere with a flat bearing face. Edition 3: large planar facets with
    rounded edges, V-shaped cracks, a flattened base and a weathered ``rock`` material (``nature_e3.rock``)."""
    if edition() >= 3:
        return Asset(*nature_e3.rock(seed, p))
    g = rng_for(seed, "rock", "shape")
    s = p["size"] / 2
    radii = (s, s * g.uniform(0.6, 1.0), s * p["flatness"])
    fine = edition() >= 2
    m = blob(g, radii, (3 if p["size"] > 0.6 else 2) + fine, p["roughness"], 6 + fine, flat_bottom=-0.35)
    if fine:
        m = _facets_and_cracks(m, rng_for(seed, "rock", "chips"), p["size"])
    m = _to_base(m.transformed(rot_z(g.uniform(0, 2 * np.pi))))
    lo, hi = m.bounds()
    m.verts[:, :2] -= (lo[:2] + hi[:2]) / 2
    return Asset(m, (material("stone", rng_for(seed, "rock", "mat", "stone")),))


@factory("tree", (
    Param("height", 3.0, 10.0, doc="Overall height, m"),
    Param("crown", 0.25, 0.45, doc="Crown radius as a fraction of the height"),
    Param("conifer", 0, 1, integer=True, doc="0: broadleaf crown of foliage clumps, 1: conifer tiers"),
), ("nature", "plant", "tree"))
def tree(seed, p):
    """Tree: flared trunk (lathe), branches (tubes) and a foliage crown (noisy clumps or conifer tiers). Edition 3:
    a broadleaf's trunk forks into limbs carrying crown lobes of different sizes and heights; a conifer's whorls of
    drooping, needled branches on one tapering trunk (``trees_e3.tree``)."""
    if edition() >= 3:
        return Asset(*trees_e3.tree(seed, p, lambda m: _bark(m, rng_for(seed, "tree", "e3", "bark"), 0.1)))
    g = rng_for(seed, "tree", "shape")
    h, cr = p["height"], p["crown"] * p["height"]
    tr = h * g.uniform(0.018, 0.03)
    parts = []
    if p["conifer"]:
        cr *= 0.75
        trunk_h = h * 0.95
        trunk = lathe([(0, 0), (tr * 1.5, 0), (tr * 1.1, 0.15), (tr * 0.3, trunk_h), (0, trunk_h)], 12 if edition() < 2 else 24)
        parts.append(trunk if edition() < 2 else _bark(trunk, rng_for(seed, "tree", "bark")))
        tiers = int(g.integers(5, 9))
        z0 = h * g.uniform(0.12, 0.25)
        step = (h - z0) / (tiers + 0.6)
        for k in range(tiers):
            r = cr * (1 - k / (tiers + 0.5)) * g.uniform(0.9, 1.05)
            zb = z0 + k * step
            ring = [(0, zb - step * 0.15), (r * 0.35, zb + 0.02), (r, zb - step * 0.25), (r * 0.92, zb - step * 0.1),
                    (r * 0.5, zb + step * 0.8), (0, zb + step * 1.7)]
            tier = lathe(ring, 20, mat=1)
            v = tier.verts
            ang = np.arctan2(v[:, 1], v[:, 0])
            rad = np.linalg.norm(v[:, :2], axis=1)
            jag = 1 + 0.22 * np.maximum(0, np.sin(ang * int(g.integers(7, 12)) + g.uniform(0, 6))) ** 3
            v[:, :2] *= np.where(rad > 1e-9, jag, 1.0)[:, None]
            v[:, 2] -= 0.25 * step * (rad / max(r, 1e-6)) ** 2 * (jag - 1) * 3  # branch tips droop
            parts.append(tier)
            if edition() >= 2:    # needle sprays over the tier
                parts.append(leaf_cards(rng_for(seed, "tree", "sprays", k), tier, 450,
                                        float(np.clip(r * 0.15, 0.08, 0.3)), mat=1, lift=0.5))
    else:
        trunk_h = h * g.uniform(0.35, 0.5)
        trunk = lathe([(0, 0), (tr * 1.7, 0), (tr * 1.15, 0.25), (tr * 0.8, trunk_h), (0, trunk_h + 0.05)], 16 if edition() < 2 else 32)
        parts.append(trunk if edition() < 2 else _bark(trunk, rng_for(seed, "tree", "bark")))
        clumps = int(g.integers(14, 26))
        centre = np.array([0.0, 0.0, h - cr * 1.05])
        for k in range(clumps):
            gk = rng_for(seed, "tree", "clump", k)
            d = gk.normal(size=3)
            d /= np.linalg.norm(d)
            d[2] = abs(d[2]) * 0.8 - 0.1
            off = d * cr * gk.uniform(0.35, 0.75)
            c = centre + off
            rad = cr * gk.uniform(0.28, 0.42)
            start = np.array([0, 0, trunk_h * gk.uniform(0.7, 0.95)])
            mid = start + (c - start) * 0.5 + np.array([0, 0, cr * 0.15])
            parts.append(tube(np.array([start, mid, c]), [tr * 0.5, tr * 0.3, tr * 0.12], 6))
            clump = blob(gk, (rad, rad, rad * 0.75), 2, 0.3, 7).transformed(offset=c).with_material(1)
            parts.append(clump)
            if edition() >= 2:
                parts.append(leaf_cards(rng_for(seed, "tree", "leaves", k), clump, 220,
                                        float(np.clip(cr * 0.1, 0.08, 0.3)), mat=1))
    m = merge(parts)
    # fit the crown inside its nominal radius and height so the planner's footprint is exact
    xy = np.abs(m.verts[:, :2]).max()
    if xy > cr:
        m.verts[:, :2] *= cr / xy
    top = m.verts[:, 2].max()
    m.verts[:, 2] *= h / top
    mats = (material("wood", rng_for(seed, "tree", "mat", "bark"), "bark"), material("foliage", rng_for(seed, "tree", "mat", "leaf")))
    return Asset(m, mats)


@factory("bush", (
    Param("radius", 0.25, 1.0, doc="Horizontal radius, m"),
    Param("height", 0.3, 1.2, doc="Height, m"),
    Param("clumps", 2, 6, integer=True, doc="Number of foliage clumps"),
), ("nature", "plant", "bush"))
def bush(seed, p):
    """Shrub: a few overlapping noisy foliage clumps on the ground."""
    r, h = p["radius"], p["height"]
    parts = []
    for k in range(p["clumps"]):
        g = rng_for(seed, "bush", "clump", k)
        a = g.uniform(0, 2 * np.pi)
        d = 0 if k == 0 else g.uniform(0.2, 0.45) * r
        cr = r * g.uniform(0.5, 0.7)
        clump = blob(g, (cr, cr, h * g.uniform(0.4, 0.55)), 2, 0.2, flat_bottom=-0.6).transformed(
            offset=(d * np.cos(a), d * np.sin(a), 0))
        parts.append(clump)
        if edition() >= 2:
            parts.append(leaf_cards(rng_for(seed, "bush", "leaves", k), clump, 500,
                                    float(np.clip(r * 0.15, 0.05, 0.14)), min_z=0.0))   # none below the ground
    m = _to_base(merge(parts))
    lo, hi = m.bounds()
    m.verts[:, :2] -= (lo[:2] + hi[:2]) / 2
    m.verts[:, 0] *= r / max(np.abs(m.verts[:, 0]).max(), 1e-6)
    m.verts[:, 1] *= r / max(np.abs(m.verts[:, 1]).max(), 1e-6)
    m.verts[:, 2] *= h / m.verts[:, 2].max()
    return Asset(m, (material("foliage", rng_for(seed, "bush", "mat", "leaf")),))


@factory("grass_tuft", (
    Param("height", 0.08, 0.4, doc="Blade length, m"),
    Param("blades", 6, 40, integer=True, doc="Number of blades"),
    Param("spread", 0.03, 0.15, doc="Radius of the tuft base, m"),
), ("nature", "plant", "grass"))
def grass_tuft(seed, p):
    """Grass tuft: flat, tapered blades that lean out and bend under their own weight (flattened swept tubes).
    Edition 3: V-keeled blades tapering to a point, some folded over, around a dense base of short blades, in the
    turf's own ``grass`` material in blade mode (``nature_e3.grass_tuft``)."""
    if edition() >= 3:
        return Asset(*nature_e3.grass_tuft(seed, p))
    parts = []
    for k in range(p["blades"]):
        g = rng_for(seed, "grass_tuft", "blade", k)
        a, d = g.uniform(0, 2 * np.pi), g.uniform(0, p["spread"])
        base = np.array([d * np.cos(a), d * np.sin(a), 0.0])
        lean = g.uniform(0.1, 0.6)
        L = p["height"] * g.uniform(0.6, 1.0)
        out = np.array([np.cos(a), np.sin(a), 0.0])
        t = np.linspace(0, 1, 5)[:, None]
        path = base + L * (t * np.array([0, 0, 1.0]) * np.cos(lean) + out * np.sin(lean) * t ** 1.6) - np.array([0, 0, 1.0]) * L * 0.25 * np.sin(lean) * t ** 2.5
        blade = tube(path, np.linspace(0.0022, 0.0003, 5), 4)
        v = blade.verts - path[0]
        v = v - np.outer(v @ out, out) * 0.7  # flatten across the blade
        blade.verts = v + path[0]
        parts.append(blade)
    m = _to_base(merge(parts))
    return Asset(m, (material("foliage", rng_for(seed, "grass_tuft", "mat", "leaf")),))


FACTORIES = (potted_plant, rock, tree, bush, grass_tuft)


@factory("stump", (
    Param("radius", 0.15, 0.5, doc="Trunk radius, m"),
    Param("height", 0.2, 0.8, doc="Height of the cut, m"),
), ("nature", "wood", "stump"))
def stump(seed, p):
    """Tree stump: flared, bark-ridged trunk (radial noise in the lathe) cut flat, with roots. Edition 3: deep
    irregular bark furrows, roots into the ground, a tilted saw cut showing bark rim, sapwood and heartwood with
    growth rings (``nature_e3.stump``)."""
    if edition() >= 3:
        return Asset(*nature_e3.stump(seed, p))
    g = rng_for(seed, "stump", "shape")
    r, h = p["radius"], p["height"]
    prof = [(0, 0)] + [(r * (1 + 0.5 * np.exp(-z / (0.2 * h))), z) for z in np.linspace(0, h, 8)] + [(0, h)]
    m = lathe(prof, 40)
    v = m.verts
    ang = np.arctan2(v[:, 1], v[:, 0])
    rad = np.linalg.norm(v[:, :2], axis=1)
    ridge = 1 + 0.04 * np.sin(ang * int(g.integers(14, 26)) + 3 * np.sin(v[:, 2] * 9)) * (rad > 1e-6)
    v[:, :2] *= ridge[:, None]
    top = v[:, 2] >= h - 1e-9
    m.mat[:] = 0
    cut = lathe([(0, h - 0.004), (r * 0.93, h - 0.004), (r * 0.93, h + 0.002), (0, h + 0.002)], 40, mat=1)
    parts = [m, cut]
    for k in range(int(g.integers(3, 6))):
        a = g.uniform(0, 2 * np.pi)
        path = np.array([[np.cos(a) * r * 0.8 * t, np.sin(a) * r * 0.8 * t, h * 0.25 * (1 - t)] for t in (0.2, 0.6, 1.0)])
        path[:, :2] *= 1 + np.linspace(0, 1.0, 3)[:, None]
        parts.append(tube(path + [0, 0, r * 0.12], [r * 0.22, r * 0.16, r * 0.06], 8))
    del top
    mm = merge(parts)
    mm.verts[:, 2] -= mm.verts[:, 2].min()
    return Asset(mm, (material("wood", rng_for(seed, "stump", "mat", "bark"), "bark"),
                      material("wood", rng_for(seed, "stump", "mat", "rings"))))


@factory("flower", (
    Param("height", 0.15, 0.6, doc="Stem height, m"),
    Param("petals", 5, 12, integer=True, doc="Petals per flower head"),
    Param("heads", 1, 5, integer=True, doc="Flower heads"),
), ("nature", "plant", "flower"))
def flower(seed, p):
    """Wild flowers: curved stems, a few leaves, heads with a centre disc and flattened petals."""
    parts = []
    for k in range(p["heads"]):
        g = rng_for(seed, "flower", "head", k)
        a, lean = g.uniform(0, 2 * np.pi), g.uniform(0.05, 0.35)
        L = p["height"] * g.uniform(0.6, 1.0)
        t = np.linspace(0, 1, 6)[:, None]
        base = np.array([g.uniform(-0.02, 0.02), g.uniform(-0.02, 0.02), 0.0])
        d = np.array([np.cos(a) * np.sin(lean), np.sin(a) * np.sin(lean), np.cos(lean)])
        path = base + L * (t * np.array([0, 0, 1.0]) * (1 - t) + d * t ** 2 + np.array([0, 0, 1.0]) * t * 0.0)
        path[:, 2] = L * t[:, 0] * (1 - 0.3 * lean)
        parts.append(tube(path, np.linspace(0.0025, 0.0015, 6), 6))
        head = path[-1]
        hr = g.uniform(0.008, 0.015)
        parts.append(blob(g, (hr, hr, hr * 0.6), 1, 0.05, 2).transformed(offset=head + [0, 0, 0.003]).with_material(2))
        for j in range(p["petals"]):
            b = 2 * np.pi * j / p["petals"]
            pl = hr * g.uniform(1.8, 2.6)
            petal = blob(g, (pl / 2, pl * 0.22, 0.0015), 1, 0.0, 0)
            parts.append(petal.transformed(rot_z(b) @ rot_y(-0.25), head + [np.cos(b) * (pl / 2 + hr * 0.6), np.sin(b) * (pl / 2 + hr * 0.6), 0.002]).with_material(1))
        leaf = blob(g, (L * 0.15, L * 0.04, 0.0015), 1, 0.0, 0)
        parts.append(leaf.transformed(rot_z(a + 1.5) @ rot_y(-0.6), base + [0, 0, L * 0.3]))
    m = _to_base(merge(parts))
    return Asset(m, (material("foliage", rng_for(seed, "flower", "mat", "leaf")),
                     material("paint", rng_for(seed, "flower", "mat", "petal"), "canvas"),
                     material("paint", rng_for(seed, "flower", "mat", "centre"), "soil")))


FACTORIES = FACTORIES + (stump, flower)
