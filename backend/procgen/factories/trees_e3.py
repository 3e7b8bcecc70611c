"""Edition-3 trees (bpy-free): the broadleaf and conifer issue #14 asks for, called by ``nature.tree`` when
``edition() >= 3``.

* broadleaf (``_broadleaf``): a trunk flared at the base by root buttresses, leaning and bending a little, that
  forks at the crown's foot into 2-4 tapered limbs. The crown is a dome as wide as the crown radius, coming down
  to a clear trunk shorter than the crown is wide; each limb carries a mass of 3-10 lobes (leaf-carded clumps of
  different sizes, each on a branch off the limb) round its side of the dome, some set further in, a few left
  out, and every lobe sends sprays (twigs ending in small leaf clusters) out past its edge: a broad crown with a
  ragged outline, sky between the masses and near the edges, limbs showing in the gaps and leaves thicker on the
  outside than inside.
* conifer (``_conifer``): a continuous trunk tapering to the leader, carrying whorls of drooping branches; each
  branch holds a flat, bent needle spray. Whorls shrink towards the top, each turned and sized on its own, with a
  few branches missing.

Both return (mesh, materials) in the slots edition 1-2 trees use: 0 bark, 1 foliage."""
from __future__ import annotations

import numpy as np

from .. import geometry as geo
from ..batched import blobs, stack, tubes
from ..geometry import blob, lathe, leaf_cards, merge, rng_for, tube
from ..materials import material

BROADLEAF_LEAVES = 3300
"""Leaf cards over the whole broadleaf crown at detail 1 (8 triangles each), shared between the clumps by their
surface area, a triangle facing into the crown taking a third as many as one facing out: with the clumps, trunk,
limbs and twigs a broadleaf is 33-37 000 triangles (edition 2: 30-53 000; seeds 0-19)."""

SPRAYS = 3
"""Leafy sprays per broadleaf crown lobe, each a small leaf cluster on a twig reaching out past the lobe."""

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


def _frames(d):
    """Float["B 3 3"]: right-handed frames (rows: side, side, ``d``) whose third axis is each unit row of ``d``."""
    ref = np.where((np.abs(d[:, 2]) < 0.9)[:, None], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0])
    e1 = np.cross(d, ref)
    e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
    return np.stack([e1, np.cross(d, e1), d], axis=1)


def _broadleaf(seed, p, bark):
    g = rng_for(seed, "tree", "e3", "broadleaf")
    h, cr = p["height"], p["crown"] * p["height"]
    tr = h * g.uniform(0.03, 0.042)
    parts = []
    # 1. the crown's envelope: an ovoid from its foot to the top, as wide as the crown radius allows (lobes, sprays
    # and leaves reach on past R), 1-1.25 times as tall as it is wide unless that leaves the clear trunk below
    # longer than the crown is wide
    tall = float(np.clip(2 * cr / g.uniform(1.0, 1.25), h - 1.05 * cr, 0.78 * h))
    zb = h - tall
    R, zc, H = cr * 0.75, (zb + h) / 2, tall / 2
    fork = zb + H * g.uniform(0.0, 0.25)
    # 2. the trunk: leaning and bending a little up to the fork, flared at the base, with bark furrows
    lean = g.normal(0, 1, 2) * 0.04 * fork
    t = np.linspace(0.0, 1.0, 7)
    path = np.stack([lean[0] * t ** 2, lean[1] * t ** 2, fork * t], axis=1)
    path[0, 2] -= 0.05                                        # starts below the ground
    trunk = tube(path, tr * (1.0 - 0.3 * t), 20)
    parts.append(bark(_flare(trunk, g, tr, fork * 0.1)))
    top = path[-1]
    # 3. 2-4 limbs' azimuths, spread round the compass; each carries a mass of lobes on the envelope round its
    # side (sky between the masses), from the crown's foot to its top, the lower lobes larger; some lobes sit
    # further in (bays), a few are left out
    limbs = int(g.integers(2, 5))
    l_az = g.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(limbs) / limbs + g.uniform(-0.4, 0.4, limbs)
    n = int(g.integers(16, 22))
    owner = np.arange(n) % limbs
    sin_e = np.clip(-0.95 + 1.9 * (np.arange(n) + g.uniform(0.2, 0.8, n)) / n, -0.95, 0.97)
    az = l_az[owner] + g.normal(0, 0.4 * np.pi / limbs, n) * (1 - 0.5 * sin_e)
    cos_e = np.sqrt(1 - sin_e ** 2)
    rl = min(R, H) * g.uniform(0.22, 0.36, n) * (1.1 - 0.25 * sin_e)
    out = np.stack([cos_e * np.cos(az), cos_e * np.sin(az), sin_e * H / R], 1)
    depth = np.minimum(0.7 * rl / R + g.uniform(0.0, 0.25, n), 0.6)
    centre = np.array([0, 0, zc]) + out * R * (1 - depth)[:, None]
    keep = g.random(n) > 0.15                                 # a few left out: holes the sky shows through
    owner, out, rl, centre = owner[keep], out[keep], rl[keep], centre[keep]
    # 4. the limbs: from the fork up and out under their masses, each lobe on a branch off its limb's end
    r_limb = tr * g.uniform(0.5, 0.7)
    ends = []
    for k in range(limbs):
        mine = centre[owner == k]
        reach = (mine[:, :2].mean(0) if len(mine) else R * np.array([np.cos(l_az[k]), np.sin(l_az[k])])) * 0.7
        end = np.array([*reach, zb + (zc - zb) * g.uniform(0.6, 1.1)])
        start = top - np.array([0, 0, fork * g.uniform(0.0, 0.12)])
        ctrl = start + (end - start) * [0.4, 0.4, 0.7]       # up first, then out: a quadratic Bezier
        t = np.linspace(0.0, 1.0, 6)[:, None]
        parts.append(tube((1 - t) ** 2 * start + 2 * t * (1 - t) * ctrl + t ** 2 * end,
                          np.linspace(r_limb, r_limb * 0.45, 6), 10))
        ends.append(end)
    ends = np.array(ends)[owner]
    mid = (ends + centre) / 2 + (centre - ends) * 0.1 * g.uniform(-1, 1, (len(rl), 3))
    verts, shape = tubes(np.stack([ends, mid, centre], 1), np.tile([r_limb * 0.4, r_limb * 0.28, r_limb * 0.12],
                                                                     (len(rl), 1)), 6)
    parts.append(stack(verts, shape))
    # 5. the foliage: each lobe a clump with a smaller one bulging off it, and sprays (twigs ending in small leaf
    # clusters) reaching out past it, sky between them: a ragged outline, not a ball
    gf = rng_for(seed, "tree", "e3", "foliage")
    m = len(rl)
    core, core_shape = blobs(gf, rl[:, None] * np.stack([np.ones(m), gf.uniform(0.75, 1.0, m),
                                                         gf.uniform(0.6, 0.8, m)], 1), 1, 0.4, 6)
    core = np.einsum("bvi,bij->bvj", core, _frames(_unit(np.c_[gf.normal(0, 0.3, (m, 2)), np.ones(m)])))
    foliage = [stack(core + centre[:, None], core_shape, mat=1)]
    for count, size, reach in ((1, (0.45, 0.65), (0.55, 0.8)), (SPRAYS, (0.2, 0.34), (1.25, 1.9))):
        lobe = np.repeat(np.arange(m), count)
        d = _unit(out[lobe] * [1, 1, R / H] + gf.normal(0, 0.6, (len(lobe), 3)))
        d = _unit(d + [0, 0, 0.25])                             # sprays reach out and up, few hang down
        r = rl[lobe] * gf.uniform(*size, len(lobe))
        at = centre[lobe] + d * rl[lobe, None] * gf.uniform(*reach, len(lobe))[:, None]
        v, sh = blobs(gf, np.stack([r, r * 0.8, r * 0.75], 1), 1, 0.35, 4)
        foliage.append(stack(np.einsum("bvi,bij->bvj", v, _frames(d)) + at[:, None], sh, mat=1))
        if count == SPRAYS:                                   # their twigs, from inside the lobe out to them
            twig = np.stack([centre[lobe] + d * rl[lobe, None] * 0.5, at - d * r[:, None] * 0.5], 1)
            verts, shape = tubes(twig, np.tile([r_limb * 0.12, r_limb * 0.06], (len(r), 1)), 4)
            parts.append(stack(verts, shape))
    cores = merge(foliage)
    # 6. leaves over them all at once, thicker on the sides facing out of the crown than inside it
    tri = geo.fan_triangles(cores)
    a, b, c = (cores.verts[tri[:, i]] for i in range(3))
    facing = np.einsum("ij,ij->i", _unit(np.cross(b - a, c - a)), _unit((a + b + c) / 3 - [0, 0, zc]))
    leaf = float(np.clip(cr * 0.14, 0.1, 0.35))
    parts += [cores, leaf_cards(rng_for(seed, "tree", "e3", "leaves"), cores, BROADLEAF_LEAVES, leaf, mat=1, lift=0.3,
                                weight=0.3 + 0.7 * np.clip(facing, 0.0, 1.0))]
    return merge(parts)


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


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
