"""Edition 2 of the potted plant (bpy-free): leaf blades folded along a raised midrib, arched and tapered, their
veins drawn by the leaf material on the blade's own UVs; curved stems; an uneven soil surface with a few pebbles,
in a glazed pot with a foot ring and a rolled rim. ``nature.potted_plant`` calls ``potted_plant`` here when
``geometry.edition() >= 2``; edition 1 stays there, unchanged.
"""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _orient, _seg, blob, lathe, merge, rng_for, rot_x, rot_y, rot_z, squash_above, tube
from ..materials import material
from .small_detail import glazed, vessel2


def leaf_blade(length, width, fold=0.25, arch=0.15, thickness=0.0012, mat=0) -> Mesh:
    """A closed leaf blade along +x from its base at the origin: an ovate outline (widest at 40 % of its length),
    folded into a shallow V along the midrib (the edges ``fold`` x half-width above it), arched so the tip droops
    ``arch`` x length, thin at the edges and thicker along a raised midrib. Top and underside meet at the
    outline; the base and the tip are single points. UVs: u along the blade (0 base, 1 tip), v across (0.5 on the
    midrib), the frame the leaf material draws its veins in."""
    n, k = _seg(12, 5), _seg(4, 2)
    s = np.linspace(0.0, 1.0, n + 1)[1:-1]
    w = np.linspace(-1.0, 1.0, 2 * k + 1)
    hw = width / 2 * np.sin(np.pi * s ** 0.75) ** 0.9                       # half-width along the blade
    S, W = np.meshgrid(s, w, indexing="ij")
    HW = hw[:, None] * W
    mid = fold * np.abs(HW) - arch * length * S ** 2                         # V fold plus the droop
    tk = thickness * (0.35 + 0.65 * (1 - S)) * (1 - W ** 2) + thickness * 1.2 * np.exp(-(W / 0.12) ** 2) * (1 - S)
    top = np.stack([S * length, HW, mid + tk / 2], axis=-1)
    bot = np.stack([S * length, HW, mid - tk / 2], axis=-1)
    # each row's loop: the top from one edge to the other, then the underside back (the edges shared)
    loops = np.concatenate([top, bot[:, -2:0:-1]], axis=1)                 # (n-1, 4k, 3)
    uv_row = np.concatenate([(w + 1) / 2, (w[-2:0:-1] + 1) / 2])
    m_loop = loops.shape[1]
    verts = np.concatenate([loops.reshape(-1, 3), [[0.0, 0.0, 0.0], [length, 0.0, -arch * length]]])
    base, tip = len(verts) - 2, len(verts) - 1
    rows = len(s)
    idx = np.arange(rows * m_loop).reshape(rows, m_loop)
    j2 = np.roll(np.arange(m_loop), -1)
    quads = np.stack([idx[:-1], idx[:-1][:, j2], idx[1:][:, j2], idx[1:]], axis=-1).reshape(-1, 4)
    su = np.broadcast_to(s[:, None], (rows, m_loop))
    sv = np.broadcast_to(uv_row[None, :], (rows, m_loop))
    quv = np.stack([np.stack([su[:-1], sv[:-1]], -1), np.stack([su[:-1], sv[:-1][:, j2]], -1),
                    np.stack([su[1:], sv[1:][:, j2]], -1), np.stack([su[1:], sv[1:]], -1)], axis=2).reshape(-1, 2)
    j = np.arange(m_loop)
    base_tris = np.stack([np.full(m_loop, base), idx[0, j2], idx[0, j]], axis=1)
    tip_tris = np.stack([np.full(m_loop, tip), idx[-1, j], idx[-1, j2]], axis=1)
    buv = np.stack([np.tile([0.0, 0.5], (m_loop, 1)), np.stack([np.full(m_loop, s[0]), uv_row[j2]], 1),
                    np.stack([np.full(m_loop, s[0]), uv_row[j]], 1)], axis=1).reshape(-1, 2)
    tuv = np.stack([np.tile([1.0, 0.5], (m_loop, 1)), np.stack([np.full(m_loop, s[-1]), uv_row[j]], 1),
                    np.stack([np.full(m_loop, s[-1]), uv_row[j2]], 1)], axis=1).reshape(-1, 2)
    corners = np.concatenate([quads.ravel(), base_tris.ravel(), tip_tris.ravel()])
    sizes = np.concatenate([np.full(len(quads), 4), np.full(2 * m_loop, 3)])
    uvs = np.concatenate([quv, buv, tuv])
    return _orient(Mesh(verts, corners, sizes, uvs, mat, True))


def _soil(rng, r_top, r_bottom, z_bottom, z_top, mat):
    """Soil filling a tapered pot to ``z_top``: a lathe whose top rings are lifted and dropped by seeded noise
    (lumps of +-3 mm), higher in the middle than at the wall."""
    rings = np.array([0.25, 0.5, 0.72, 0.9, 1.0])
    prof = [(0.0, z_bottom), (r_bottom, z_bottom), (r_top, z_top)] + [(r_top * f, z_top + 0.003 * (1 - f)) for f in rings[::-1][1:]] + [(0.0, z_top + 0.003)]
    m = lathe(prof, 36)
    v = m.verts
    top = v[:, 2] > z_top - 1e-9
    lump = np.zeros(top.sum())
    for _ in range(5):
        d = rng.normal(size=2)
        d /= np.linalg.norm(d)
        lump += np.sin((v[top, :2] @ d) * rng.uniform(60, 160) + rng.uniform(0, 2 * np.pi)) / 5
    edge = np.hypot(v[top, 0], v[top, 1]) >= r_top - 1e-9
    v[top, 2] += np.where(edge, 0.0, 0.003 * lump)
    return m.with_material(mat)


def potted_plant(seed, p):
    """House plant, edition 2: a glazed pot (foot ring, rolled rim), lumpy soil with pebbles, curved stems, and
    leaf blades folded along a midrib with veins (the leaf material's ``vein_count``)."""
    rng = rng_for(seed, "potted_plant", "shape")
    pr, h = p["pot_radius"], p["height"]
    ph = min(pr * rng.uniform(1.0, 1.5), h * 0.45)
    parts = [vessel2([(pr * 0.75, 0), (pr * 0.8, 0.01), (pr, ph)], 0.006, 0.012, 40, ring=0.008)]
    soil_z = ph * 0.85
    r_wall = lambda z: pr * 0.75 + (pr * 0.05) * min(z / 0.01, 1) + (pr * 0.2) * max(z - 0.01, 0) / (ph - 0.01) - 0.006  # noqa: E731
    parts.append(_soil(rng_for(seed, "potted_plant", "soil"), r_wall(soil_z) - 0.0012, r_wall(0.0125) - 0.0012, 0.0125,
                       soil_z, 1))
    g = rng_for(seed, "potted_plant", "pebbles")
    rs = r_wall(soil_z) - 0.0012
    sv = parts[-1].verts[parts[-1].verts[:, 2] > soil_z - 1e-9]            # the soil's top vertices
    for _ in range(int(g.integers(4, 11))):   # half sunk where the soil is, never at the wall
        pr_ = g.uniform(0.003, 0.007)
        a, d = g.uniform(0, 2 * np.pi), g.uniform(0, max(rs - 2 * pr_, 0.0))
        x, y = d * np.cos(a), d * np.sin(a)
        z = sv[np.argmin(np.hypot(sv[:, 0] - x, sv[:, 1] - y)), 2]
        parts.append(blob(g, (pr_, pr_ * g.uniform(0.6, 1), pr_ * 0.6), 1, 0.15, 3).transformed(
            rot_z(g.uniform(0, 2 * np.pi)), (x, y, z - 0.25 * pr_)).with_material(4))
    leaf_len = (h - ph) * 0.55
    for k in range(p["leaves"]):
        g = rng_for(seed, "potted_plant", "leaf", k)
        yaw = 2 * np.pi * (k / p["leaves"]) + g.uniform(-0.3, 0.3)
        tilt = g.uniform(0.15, 0.9)
        sl = leaf_len * g.uniform(0.5, 0.9)
        base = np.array([g.uniform(-0.2, 0.2) * rs, g.uniform(-0.2, 0.2) * rs, soil_z - 0.005])
        d = np.array([np.sin(tilt) * np.cos(yaw), np.sin(tilt) * np.sin(yaw), np.cos(tilt)])
        # a stem curving out: it leaves the soil steeper than it ends
        t = np.linspace(0, 1, 6)[:, None]
        up = np.array([0.0, 0.0, 1.0])
        path = base + sl * (t * d + 0.25 * np.sin(np.pi * t) * (up - d * d[2]) * 0.5)
        parts.append(tube(path, np.linspace(0.0032, 0.0022, 6), 6).with_material(3))
        ll = leaf_len * g.uniform(0.35, 0.6)
        out = path[-1] - path[-2]
        out /= np.linalg.norm(out)
        elev = np.arcsin(np.clip(out[2], -1, 1))
        roll = g.uniform(-0.4, 0.4)
        for arch in (g.uniform(0.08, 0.25), 0.05, 0.0):   # droop less where the tip would reach into the pot
            leaf = leaf_blade(ll, ll * g.uniform(0.3, 0.55), g.uniform(0.15, 0.45), arch, mat=2)
            leaf = leaf.transformed(rot_z(yaw) @ rot_y(-elev * 0.9) @ rot_x(roll), path[-1] - out * 0.004)
            lv = leaf.verts
            if not ((lv[:, 2] < ph + 0.01) & (np.hypot(lv[:, 0], lv[:, 1]) < pr + 0.01)).any():
                break
        parts.append(leaf)
    m = merge(parts)
    squash_above(m, soil_z, h)  # keep within the requested height
    leaf = material("foliage", rng_for(seed, "potted_plant", "mat", "leaf"))
    leaf = dict(leaf, params=dict(leaf["params"], vein_count=int(rng_for(seed, "potted_plant", "veins").integers(6, 13))))
    mats = (glazed(material("ceramic", rng_for(seed, "potted_plant", "mat", "pot")), rng_for(seed, "potted_plant", "glaze"), 0.004),
            material("soil", rng_for(seed, "potted_plant", "mat", "soil")), leaf,
            material("foliage", rng_for(seed, "potted_plant", "mat", "stem")),
            material("stone", rng_for(seed, "potted_plant", "mat", "pebble")))
    return m, mats
