"""Edition-3 trees (bpy-free): the broadleaf and conifer issue #14 asks for, called by ``nature.tree`` when
``edition() >= 3``.

* broadleaf (``_broadleaf``): a trunk flared at the base by root buttresses, leaning and bending a little, that
  forks into 2-4 tapered limbs; every limb carries 1-3 crown lobes (leaf-carded foliage clumps of different sizes,
  at different heights, on twigs off the limb), so the crown has an irregular outline, an uneven lower edge and
  gaps where the sky shows through.
* conifer (``_conifer``): a continuous trunk tapering to the leader, carrying whorls of drooping branches; each
  branch holds a flat, bent needle spray. Whorls shrink towards the top, each turned and sized on its own, with a
  few branches missing.

Both return (mesh, materials) in the slots edition 1-2 trees use: 0 bark, 1 foliage."""
from __future__ import annotations

import numpy as np

from .. import geometry as geo
from ..batched import blobs, stack, tubes
from ..geometry import blob, lathe, leaf_cards, merge, rng_for, rot_z, tube
from ..materials import material

BROADLEAF_LEAVES = 3900
"""Leaf cards over the whole broadleaf crown at detail 1 (8 triangles each), shared between the lobes by their
surface area: with the lobes' cores, trunk and limbs a broadleaf is 34-37 000 triangles (edition 2: 30-53 000;
seeds 0-19)."""

CONIFER_NEEDLES = 44
"""Needle cards per branch spray at detail 1 (scaled by the spray's length; a whorl's laid over all its sprays by
area): a conifer of 10-13 whorls is 22-30 000 triangles, median 27 000 (edition 2: 19-30 000, median 23 000)."""


def _flare(m, rng, r0: float, height: float):
    """Root buttresses: push a trunk's vertices out in 4-6 lobes that fade over ``height`` from the ground."""
    v = m.verts
    ang = np.arctan2(v[:, 1], v[:, 0])
    k, phase = int(rng.integers(4, 7)), rng.uniform(0, 2 * np.pi)
    lobes = np.abs(np.sin(ang * k / 2 + phase)) ** 3
    fade = np.exp(-np.maximum(v[:, 2], 0.0) / height)
    rad = np.linalg.norm(v[:, :2], axis=1)
    grow = 1 + (0.35 + 0.9 * lobes) * fade * (r0 / np.maximum(rad, 1e-9)) * 0.6
    v[:, :2] *= np.where(rad > 1e-9, grow, 1.0)[:, None]
    return m


def _bent_path(start, direction, length: float, rise: float, n: int):
    """Points along a limb from ``start`` leaving along unit ``direction``, its end lifted by ``rise`` (m; < 0
    droops) along a parabola: Float["n 3"]."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    return start + direction * length * t + np.array([0.0, 0.0, rise]) * t ** 2


def _broadleaf(seed, p, bark):
    g = rng_for(seed, "tree", "e3", "broadleaf")
    h, cr = p["height"], p["crown"] * p["height"]
    tr = h * g.uniform(0.03, 0.042)
    parts = []
    # 1. the trunk: leaning and bending a little up to the fork, flared at the base, with bark furrows
    fork = h * g.uniform(0.3, 0.42)
    lean = g.normal(0, 1, 2) * 0.04 * fork
    t = np.linspace(0.0, 1.0, 7)
    path = np.stack([lean[0] * t ** 2, lean[1] * t ** 2, fork * t], axis=1)
    path[0, 2] -= 0.05                                        # starts below the ground
    trunk = tube(path, tr * (1.0 - 0.3 * t), 20)
    parts.append(bark(_flare(trunk, g, tr, fork * 0.1)))
    top = path[-1]
    # 2. 2-4 limbs from around the fork, spread round the compass, rising outwards to the crown's upper lobes
    limbs = int(g.integers(2, 5))
    az0 = g.uniform(0, 2 * np.pi)
    lobe_centres, lobe_radii = [], []
    for k in range(limbs):
        gk = rng_for(seed, "tree", "e3", "limb", k)
        az = az0 + 2 * np.pi * k / limbs + gk.uniform(-0.4, 0.4)
        out = np.array([np.cos(az), np.sin(az), 0.0])
        start = top - np.array([0, 0, fork * gk.uniform(0.0, 0.2)])
        r_top = cr * gk.uniform(0.3, 0.42)
        end = out * cr * gk.uniform(0.5, 0.78) + [0, 0, h * gk.uniform(0.66, 0.88) - r_top]
        ctrl = start + (end - start) * [0.55, 0.55, 0.25]     # out first, then up: a quadratic Bezier
        t = np.linspace(0.0, 1.0, 6)[:, None]
        lp = (1 - t) ** 2 * start + 2 * t * (1 - t) * ctrl + t ** 2 * end
        r_limb = tr * gk.uniform(0.5, 0.7)
        parts.append(tube(lp, np.linspace(r_limb, r_limb * 0.3, 6), 10))
        lobe_centres.append(end + [0, 0, r_top * 0.4])
        lobe_radii.append(r_top)
        # 3. 1-2 lower lobes on twigs off the limb, further out and lower down: an uneven lower edge
        for j in range(int(gk.integers(1, 3))):
            at = lp[int(gk.integers(3, 6))]
            a2 = az + gk.choice([-1, 1]) * gk.uniform(0.5, 1.3)
            c = at + np.array([np.cos(a2), np.sin(a2), gk.uniform(-0.2, 0.25)]) * cr * gk.uniform(0.45, 0.7)
            twig = np.array([at, (at + c) / 2 + [0, 0, cr * 0.06], c])
            parts.append(tube(twig, [r_limb * 0.45, r_limb * 0.3, r_limb * 0.12], 6))
            lobe_centres.append(c)
            lobe_radii.append(cr * gk.uniform(0.2, 0.32))
    if g.random() < 0.6:                                      # a leader on up through the middle
        end = np.array([top[0], top[1], h * 0.8])
        lp = np.linspace(top, end, 4) + np.outer(np.sin(np.linspace(0, np.pi, 4)), [*g.normal(0, 0.08 * cr, 2), 0])
        parts.append(tube(lp, np.linspace(tr * 0.6, tr * 0.25, 4), 10))
        lobe_centres.append(end)
        lobe_radii.append(cr * g.uniform(0.2, 0.3))
    # 4. the lobes' foliage: each a core clump with a smaller one bulging off it (no lobe a sphere), under leaf cards
    cores = []
    for k, (c, r) in enumerate(zip(lobe_centres, lobe_radii)):
        gk = rng_for(seed, "tree", "e3", "lobe", k)
        core = blob(gk, 0.85 * r * np.array([1.0, gk.uniform(0.75, 1.0), gk.uniform(0.6, 0.8)]), 2, 0.45, 6)
        core = core.transformed(rot_z(gk.uniform(0, 2 * np.pi)), c)
        b = gk.uniform(0, 2 * np.pi)
        rb = r * gk.uniform(0.45, 0.7)
        off = np.array([np.cos(b), np.sin(b), gk.uniform(-0.3, 0.6)]) * r * 0.75
        bulge = blob(gk, (rb, rb, rb * 0.75), 1, 0.3, 4).transformed(offset=c + off)
        cores.append(merge([core, bulge]).with_material(1))
    area = np.array([r * r for r in lobe_radii])  # the bulge's share goes with its lobe
    leaf = float(np.clip(cr * 0.14, 0.1, 0.35))
    for k, core in enumerate(cores):
        parts.append(core)
        count = int(round(BROADLEAF_LEAVES * area[k] / area.sum()))
        parts.append(leaf_cards(rng_for(seed, "tree", "e3", "leaves", k), core, count, leaf, mat=1, lift=0.3))
    return merge(parts)


def _conifer(seed, p, bark):
    g = rng_for(seed, "tree", "e3", "conifer")
    h, cr = p["height"], p["crown"] * p["height"] * 0.75
    tr = h * g.uniform(0.016, 0.026)
    parts = []
    # 1. one trunk from the ground to the leader, tapering all the way, with bark furrows and a flared foot
    prof = [(0, -0.05), (tr * 1.25, -0.05), (tr * 1.1, h * 0.03), (tr * 0.85, h * 0.3), (tr * 0.45, h * 0.7),
            (tr * 0.12, h * 0.97), (0, h)]
    trunk = lathe(prof, 16)
    parts.append(bark(_flare(trunk, g, tr, h * 0.03)))
    # 2. whorls from the crown's foot to the top: fewer, shorter branches higher up, each whorl turned on its own
    whorls = int(g.integers(10, 14))
    z0 = h * g.uniform(0.18, 0.28)
    zs = z0 + (h * 0.93 - z0) * (np.linspace(0.0, 1.0, whorls) ** 0.85 + g.uniform(-0.02, 0.02, whorls))
    cols = []                                                 # per whorl: (zb, up, az, L, droop, w) of its branches
    for k, zb in enumerate(np.sort(zs)):
        gk = rng_for(seed, "tree", "e3", "whorl", k)
        up = (zb - z0) / (h - z0)                             # 0 at the lowest whorl, ~1 at the top
        reach = cr * (1.0 - up) ** 0.9 * gk.uniform(0.75, 1.1) + 0.12
        n = max(4, int(round((9 - 4 * up) * gk.uniform(0.8, 1.2))))
        lost = (gk.random(n) < 0.15) & (up < 0.8)             # a branch lost: a gap in the whorl (a quarter at most)
        keep = ~(lost & (np.cumsum(lost) <= n // 4))
        az = gk.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(n) / n + gk.uniform(-0.3, 0.3, n)
        L = reach * gk.uniform(0.8, 1.05, n)
        droop = L * (0.15 + 0.25 * (1 - up)) * gk.uniform(0.7, 1.2, n)
        w = L * gk.uniform(0.2, 0.3, n)
        droop = np.minimum(droop, zb + 0.12 * L - 2 * w - 0.1)  # a low branch sweeps down to the ground, not into it
        cols.append(np.stack([np.full(n, zb), np.full(n, up), az, L, droop, w])[:, keep])
    zb, up, az, L, droop, w = np.concatenate(cols, axis=1)
    whorl = np.repeat(np.arange(whorls), [c.shape[1] for c in cols])
    cos, sin = np.cos(az)[:, None], np.sin(az)[:, None]

    def place(x, y, z):                                       # local (out along +x) to the branch's azimuth
        return np.stack([x * cos - y * sin, x * sin + y * cos, z + zb[:, None]], axis=-1)
    # the branches: out along their azimuth, drooping, every one at once
    s = np.linspace(0.0, 1.0, 5)[None]
    path = place(L[:, None] * s, 0 * s, 0.12 * L[:, None] * s - droop[:, None] * s ** 2)
    verts, shape = tubes(path, np.broadcast_to(np.linspace(tr * 0.35, tr * 0.08, 5), (len(L), 5)), 5)
    parts.append(stack(verts, shape))
    # the sprays: flat clumps along the branches, bent to follow their droop
    verts, shape = blobs(rng_for(seed, "tree", "e3", "sprays"), np.stack([L * 0.5, w, w * 0.35], 1), 1, 0.35, 4)
    x = verts[..., 0] + L[:, None] * 0.55
    s = np.clip(x / L[:, None], 0.0, 1.0)
    z = verts[..., 2] + 0.12 * L[:, None] * s - droop[:, None] * s ** 2 - w[:, None] * 0.15
    sprays = stack(place(x, verts[..., 1], z), shape, mat=1)
    # their needle cards, at once: each whorl's share of them and needle length as when it was leafed on its own
    per_tri = len(shape.sizes)
    needles = CONIFER_NEEDLES * np.clip(L / cr, 0.5, 1.6)
    area = np.bincount(np.repeat(whorl, per_tri), weights=geo.face_areas(sprays), minlength=whorls)
    dens = np.bincount(whorl, weights=needles, minlength=whorls) / area
    width = np.clip(np.bincount(whorl, weights=w, minlength=whorls) / np.bincount(whorl, minlength=whorls) * 0.8,
                    0.08, 0.25)
    tri_whorl = np.repeat(whorl, per_tri)
    parts += [sprays, leaf_cards(rng_for(seed, "tree", "e3", "needles"), sprays, int(round(needles.sum())),
                                 width[tri_whorl], mat=1, lift=0.6, weight=dens[tri_whorl])]
    # 3. the leader: a narrow spire of needles over the top whorl
    tip = blob(rng_for(seed, "tree", "e3", "leader"), (cr * 0.05 + 0.04, cr * 0.05 + 0.04, h * 0.06), 1, 0.1, 3)
    tip = tip.transformed(offset=(0, 0, h * 0.94)).with_material(1)
    parts += [tip, leaf_cards(rng_for(seed, "tree", "e3", "leader_needles"), tip, 40, 0.08, mat=1, lift=0.8)]
    return merge(parts)


def tree(seed, p, bark):
    """(mesh, materials): a broadleaf or conifer (``p["conifer"]``) ``p["height"]`` tall whose crown fits in
    ``p["crown"]`` times the height (the conifer's in 0.75 of that), origin at the foot of the trunk. ``bark``
    furrows a trunk mesh (``nature._bark`` with its seeded stream)."""
    m = (_conifer if p["conifer"] else _broadleaf)(seed, p, bark)
    # fit the crown inside its nominal radius and height so the planner's footprint is exact
    cr = p["crown"] * p["height"] * (0.75 if p["conifer"] else 1.0)
    xy = np.abs(m.verts[:, :2]).max()
    if xy > cr:
        m.verts[:, :2] *= cr / xy
    m.verts[:, 2] -= m.verts[:, 2].min()
    m.verts[:, 2] *= p["height"] / m.verts[:, 2].max()
    mats = (material("wood", rng_for(seed, "tree", "mat", "bark"), "bark"),
            material("foliage", rng_for(seed, "tree", "mat", "leaf")))
    return m, mats
