"""Edition-3 rock, stump and grass tuft (bpy-free): the shapes issue #14 asks for, called by ``nature``'s factories
when ``edition() >= 3``.

* ``grass_tuft``: a clump of flat, tapered, V-keeled blades that curve outwards under their weight (some folded
  over), around a dense base of short blades; every blade a closed shell of its own (``_blades``).
* ``rock``: a weathered mass: the intersection of a few large half-spaces (planar facets) with soft-min rounded
  edges, one or two V-shaped cracks, a flattened base; the ``rock`` material (grain, darker crevices, lichen).
* ``stump``: a flared lathe with deep, irregular bark furrows, roots running out and into the ground, and a sawn,
  slightly tilted top whose faces carry the bark rim (slot 0), the pale sapwood ring (slot 2) and the darker
  heartwood (slot 1); both wood slots draw the same growth rings (``end_grain``)."""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _seg, lathe, merge, rng_for, rot_z, tube, unit_icosphere, detail_level, _orient
from ..materials import material

# ----------------------------------------------------------------------------------------------------- grass
BLADE_STATIONS = 5
"""Cross-sections along a long blade at detail 1 (the last one is the tip's point): 6 (stations - 2) + 4 = 22
triangles per blade (``_blades``); short base blades have 3 stations (10 triangles). A tuft of the most blades
(40 + 14 long, 28 short) is 1468 triangles: it is instanced in the thousands."""


def _blades(base, lean_dir, lean, droop, length, width, tone, stations, v_tip=1.0):
    """Closed, V-keeled blades, all at once. Per blade (arrays of B): ``base`` (B, 3) root point, ``lean_dir``
    (B, 3) horizontal unit direction it leans to, ``lean`` its angle from vertical at the root, ``droop`` how much
    more it bends by the tip (rad: above about 1.6 the blade folds over and hangs), ``length`` and ``width`` (m at
    the root), ``tone`` (0-0.97: the blade's shade, carried in UV u for the material); ``v_tip``: UV v at the tips
    (below 1 for short blades: the material pales only the tips of the long ones). Each cross-section is a triangle
    (left edge, right edge, keel behind the midrib); the width holds to about half way, then tapers to the tip, a
    single point. Returns a Mesh (all slot 0)."""
    B, K = len(base), stations
    t = np.linspace(0.0, 1.0, K)
    # 1. the midrib: the angle from vertical grows along the blade (a cantilever bending under its own weight)
    fine = np.linspace(0.0, 1.0, 4 * (K - 1) + 1)
    ang = lean[:, None] + droop[:, None] * fine[None, :] ** 1.6                     # (B, F)
    step = length[:, None] / (len(fine) - 1)
    up = np.array([0.0, 0.0, 1.0])
    d = np.sin(ang)[..., None] * lean_dir[:, None, :] + np.cos(ang)[..., None] * up  # (B, F, 3) tangent
    pts = np.concatenate([np.zeros((B, 1, 3)), np.cumsum(d[:, :-1] * step[..., None], axis=1)], axis=1)
    pts = pts[:, ::4] + base[:, None, :]                                            # (B, K, 3)
    pts[:, 1:, 2] = np.maximum(pts[:, 1:, 2], base[:, None, 2] + 0.002)             # a folded tip rests on the turf
    tang = np.gradient(pts, axis=1)
    tang /= np.maximum(np.linalg.norm(tang, axis=2, keepdims=True), 1e-12)
    # 2. the frame: the blade's face looks along its lean (its flat side to the sky as it bends over)
    side = np.cross(np.broadcast_to(up, lean_dir.shape), lean_dir)[:, None, :] + 0 * tang
    side -= tang * np.einsum("bki,bki->bk", side, tang)[..., None]
    side /= np.maximum(np.linalg.norm(side, axis=2, keepdims=True), 1e-12)
    normal = np.cross(tang, side)                                                   # the blade's upper face
    w = width[:, None] * np.minimum(1.0, (1.0 - t) / 0.55) ** 0.8 * (1.0 - 0.15 * t)  # (B, K)
    half = (w / 2)[..., None]
    keel = (0.22 * w)[..., None]
    ring = np.stack([pts - side * half, pts + side * half, pts - normal * keel], axis=2)  # (B, K, 3, 3)
    verts = np.concatenate([ring[:, :-1].reshape(B, -1, 3), pts[:, -1:]], axis=1)      # tip: one point
    # 3. faces per blade: the sides between stations, a fan at the tip, a cap at the root
    n_side = 3 * (K - 1)
    faces = []
    for k in range(K - 2):
        for j in range(3):
            a, b = 3 * k + j, 3 * k + (j + 1) % 3
            faces += [[a, b, b + 3], [a, b + 3, a + 3]]
    tip = 3 * (K - 1)
    for j in range(3):
        faces.append([3 * (K - 2) + j, 3 * (K - 2) + (j + 1) % 3, tip])
    faces.append([0, 2, 1])
    faces = np.asarray(faces)
    nv = n_side + 1
    corners = (faces[None] + nv * np.arange(B)[:, None, None]).reshape(-1)
    # UVs: u the blade's tone (+ up to 0.02 across it: left, right, keel), v along it (0 root, 1 tip)
    uvk = np.stack([np.tile([0.0, 0.02, 0.01], K - 1), np.repeat(t[:-1] * v_tip, 3)], 1)
    uvk = np.concatenate([uvk, [[0.01, v_tip]]])
    uvs = np.tile(uvk[faces.reshape(-1)], (B, 1))
    uvs[:, 0] += np.repeat(tone, len(faces) * 3)
    m = Mesh(verts.reshape(-1, 3), corners, np.full(len(faces) * B, 3), uvs, 0, True)
    return _orient(m, ("blades", B, K))


def grass_tuft(seed, p):
    """(mesh, materials): ``blades`` long blades (root width 2-7 mm, tapered to a point, leaning out more the further
    out they root, bending under their weight, about one in six folded over) and a dense base of short blades."""
    h, n, spread = p["height"], p["blades"], p["spread"]
    parts = []
    for kind, count, stations in (("long", _seg(n + 14, 6), _seg(BLADE_STATIONS, 3)), ("base", _seg(8 + n // 2, 3), 3)):
        g = rng_for(seed, "grass_tuft", "e3", kind)
        a = g.uniform(0, 2 * np.pi, count)
        r = spread * g.uniform(0, 1, count) * (1.0 if kind == "long" else 0.5)    # denser towards the middle
        base = np.stack([r * np.cos(a), r * np.sin(a), np.zeros(count)], axis=1)
        # outer blades lean out more; a few cross over the middle (lean direction jittered)
        twist = g.normal(0, 0.35, count)
        lean_dir = np.stack([np.cos(a + twist), np.sin(a + twist), np.zeros(count)], axis=1)
        lean = 0.05 + 0.5 * (r / max(spread, 1e-6)) ** 1.5 + g.uniform(0.0, 0.2, count)
        if kind == "long":
            length = h * g.uniform(0.55, 1.0, count)
            folded = g.random(count) < 0.17
            droop = np.where(folded, g.uniform(1.7, 2.5, count), g.uniform(0.15, 1.0, count) * length / h)
            width = np.clip(h * 0.03, 0.003, 0.008) * g.uniform(0.7, 1.25, count)
        else:
            length = h * g.uniform(0.12, 0.3, count)
            droop = g.uniform(0.1, 0.5, count)
            width = np.clip(h * 0.03, 0.0025, 0.008) * g.uniform(0.8, 1.2, count)
        tone = np.round(g.uniform(0.0, 0.97, count), 4)
        v_tip = 1.0 if kind == "long" else 0.4
        parts.append(_blades(base, lean_dir, lean, droop, length, width, tone, stations, v_tip))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    mat = material("grass", rng_for(seed, "grass_tuft", "mat", "e3"))
    mat["params"].update(blades=1, dry=0.0, per_blade=1)
    return m, (mat,)


# ----------------------------------------------------------------------------------------------------- rock
def _soft_min(r, k):
    """Smooth minimum over the last axis (Float["V P"]), rounding where two planes meet over about ``k``."""
    lo = r.min(axis=1, keepdims=True)
    return lo[:, 0] - k * np.log(np.exp(-(r - lo) / k).sum(axis=1))


def rock(seed, p):
    """(mesh, materials): a weathered rock. Rays from the centre of an icosphere meet the nearest of 6-10 random
    planes (large flat facets) through a soft minimum (rounded edges), a few long, gentle noise waves weather it,
    1-2 cracks cut V-shaped grooves part way across, and everything under the bearing plane is flattened."""
    g = rng_for(seed, "rock", "e3", "shape")
    size = p["size"]
    s = size / 2
    radii = np.array([s, s * g.uniform(0.65, 1.0), s * p["flatness"]])
    lvl = detail_level()
    sub = (4 if size > 0.6 else 3) + (1 if lvl >= 2 else 0) - (1 if lvl < 1 else 0) - (1 if lvl < 0.5 else 0)
    unit, faces = unit_icosphere(max(1, min(5, sub)))
    # 1. facets: planes in directions spread over the sphere (golden-angle spiral, jittered); the base one is flat
    n_planes = int(g.integers(6, 11))
    i = np.arange(n_planes) + 0.5
    z = 1 - 2 * i / n_planes
    phi = i * np.pi * (3 - np.sqrt(5)) + g.uniform(0, 2 * np.pi)
    normals = np.stack([np.sqrt(1 - z ** 2) * np.cos(phi), np.sqrt(1 - z ** 2) * np.sin(phi), z], 1)
    normals += g.normal(0, 0.25, normals.shape)
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    dist = g.uniform(0.66, 0.9, n_planes)
    normals = np.concatenate([normals, [[0.0, 0.0, -1.0]]])
    dist = np.concatenate([dist, [g.uniform(0.45, 0.6)]])
    cosang = unit @ normals.T
    hit = np.where(cosang > 1e-3, dist[None, :] / np.maximum(cosang, 1e-3), 50.0)
    hit = np.minimum(hit, 1.35)                                  # a sphere of 1.35 bounds the gaps between planes
    r = _soft_min(hit, 0.03 * (1 + p["roughness"]))
    # 2. weathering: a few long waves and a finer grain, both gentle (the facets stay readable)
    for k in range(4):
        d = g.normal(size=3)
        d /= np.linalg.norm(d)
        r *= 1 + p["roughness"] * 0.06 / (1.8 ** k) * np.sin((2.0 + 2.2 * k) * (unit @ d) + g.uniform(0, 2 * np.pi))
    v = unit * r[:, None] * radii
    # 3. cracks: V grooves along a plane through the rock, fading out along their length
    for c in range(int(g.integers(1, 3))):
        gc = rng_for(seed, "rock", "e3", "crack", c)
        n = np.array([*gc.normal(size=2), gc.normal() * 0.3])
        n /= np.linalg.norm(n)
        along = np.cross(n, [0.0, 0.0, 1.0])
        along /= np.linalg.norm(along)
        off = gc.uniform(-0.3, 0.3) * s
        width = max(0.035 * size, 1.25 * s * 1.1 / 2 ** sub)         # at least a vertex either side
        depth = max(gc.uniform(0.035, 0.06) * size, 0.6 * width)     # steep sides, however coarse the mesh
        sd = v @ n - off
        reach = np.clip(1.3 - np.abs((v @ along) / s - gc.uniform(-0.4, 0.4)) / gc.uniform(0.7, 1.1), 0, 1)
        groove = np.clip(1 - np.abs(sd) / width, 0, 1) * depth * np.minimum(1.0, reach * 2)
        groove *= np.clip(v[:, 2] / (0.15 * s) + 1.2, 0, 1)          # dies out towards the base
        rad = np.linalg.norm(v, axis=1, keepdims=True)
        v -= groove[:, None] * v / np.maximum(rad, 1e-9)
    # 4. the base: flattened (squashed, not clamped, so no faces collapse) and the rock set down on it
    fb = v[:, 2].min() + 0.12 * radii[2]
    v[:, 2] = np.where(v[:, 2] < fb, fb + (v[:, 2] - fb) * 0.04, v[:, 2])
    v = v @ rot_z(g.uniform(0, 2 * np.pi)).T
    v[:, 2] -= v[:, 2].min()
    lo, hi = v.min(axis=0), v.max(axis=0)
    v[:, :2] -= (lo[:2] + hi[:2]) / 2
    u = 0.5 + np.arctan2(unit[:, 1], unit[:, 0]) / (2 * np.pi)
    w = 0.5 + np.arcsin(np.clip(unit[:, 2], -1, 1)) / np.pi
    fu = u[faces]
    fu = np.where((np.ptp(fu, axis=1)[:, None] > 0.5) & (fu < 0.5), fu + 1.0, fu)
    uvs = np.stack([fu.ravel(), w[faces].ravel()], axis=1)
    m = _orient(Mesh(v, faces.ravel(), np.full(len(faces), 3), uvs, 0, True), ("blob", sub))
    return m, (material("rock", rng_for(seed, "rock", "mat", "e3")),)


# ----------------------------------------------------------------------------------------------------- stump
def _furrows(ang, z, g, count):
    """Bark relief in [-1, 0] at angles ``ang`` and heights ``z``: broad plates (0) parted by narrow, deep furrows
    (-1) that wander up the trunk, split and rejoin; each furrow its own depth."""
    wander = 0.35 * np.sin(z * g.uniform(4, 9) + g.uniform(0, 6)) + 0.2 * np.sin(z * g.uniform(13, 21) + ang * 2)
    x = (ang * count / (2 * np.pi) + wander + 0.15 * np.sin(ang * 3 + g.uniform(0, 6))) % 1.0
    which = np.floor(ang * count / (2 * np.pi) + wander + 0.15 * np.sin(ang * 3)).astype(int) % count
    depth = g.uniform(0.45, 1.0, count)[which]
    v = np.abs(x - 0.5) * 2                                      # 1 at the furrow, 0 mid-plate
    return -depth * np.clip((v - 0.55) / 0.45, 0, 1) ** 1.5


def stump(seed, p):
    """(mesh, materials): a sawn tree stump (see the module docstring). Materials: bark, heartwood, sapwood."""
    g = rng_for(seed, "stump", "e3", "shape")
    r, h = p["radius"], p["height"]
    bark_t = r * g.uniform(0.06, 0.1)
    sap = r * g.uniform(0.1, 0.2)
    flare = g.uniform(0.25, 0.45)
    # 1. the profile: flared wall up to the cut, then the cut's rings inwards (bark rim, sapwood, heartwood)
    zs = h * np.array([0.0, 0.03, 0.08, 0.15, 0.25, 0.38, 0.55, 0.72, 0.88, 1.0])
    wall = [(r * (1 + flare * np.exp(-z / (0.18 * h))), z) for z in zs]
    top = [(r - bark_t, h), (r - bark_t - sap, h), (r * 0.5 * (1 - bark_t / r - sap / r), h)]
    prof = [(0.0, 0.0)] + wall + top + [(0.0, h)]
    m = lathe(prof, 96)
    rows = len(prof)
    n = len(m.sizes) // (rows - 1)                               # the segments at this detail level
    # faces come row by row, n each: rows 1-10 wall (bark), the bark rim, the sapwood ring, then the heartwood
    mat = np.zeros(rows - 1, np.int64)
    mat[len(wall) + 1] = 2
    mat[len(wall) + 2:] = 1
    m.mat = np.repeat(mat, n)
    v = m.verts
    rad = np.linalg.norm(v[:, :2], axis=1)
    ang = np.arctan2(v[:, 1], v[:, 0])
    # 2. bark furrows on the wall, as deep as the bark is thick; the cut's outline follows them inwards, fading
    count = int(np.clip(round(2 * np.pi * r / g.uniform(0.03, 0.055)), 12, 32))
    relief = _furrows(ang, v[:, 2], rng_for(seed, "stump", "e3", "bark"), count)
    on_wall = v[:, 2] < h - 1e-9
    depth = bark_t * 2.0 * np.where(on_wall, 1.0, np.clip((rad - (r - bark_t - sap)) / (bark_t + sap), 0, 1))
    lumps = 1 + 0.06 * np.sin(ang * 2 + g.uniform(0, 6)) + 0.04 * np.sin(ang * 5 + g.uniform(0, 6))
    scale = np.where(rad > 1e-9, (rad * lumps + relief * depth) / np.maximum(rad, 1e-9), 1.0)
    v[:, :2] *= scale[:, None]
    # 3. the saw cut: tilted a few degrees (the top rows), the wall following smoothly
    tilt = np.tan(g.uniform(0.03, 0.12))
    d = g.uniform(0, 2 * np.pi)
    v[:, 2] += tilt * (v[:, 0] * np.cos(d) + v[:, 1] * np.sin(d)) * (v[:, 2] / h) ** 3
    parts = [m]
    # 4. roots: from the flare out over the ground and down into it, bark-covered
    roots = int(g.integers(4, 7))
    for k in range(roots):
        gk = rng_for(seed, "stump", "e3", "root", k)
        a = 2 * np.pi * (k + gk.uniform(-0.3, 0.3)) / roots
        reach = r * gk.uniform(1.25, 1.8)
        rr = r * gk.uniform(0.26, 0.38)
        t = np.linspace(0, 1, 8)
        dist = r * 0.55 + (reach - r * 0.55) * t
        bend = gk.uniform(-0.25, 0.25) * t ** 2
        z = min(h * 0.3, r * 0.8) * (1 - t) ** 1.3 - rr * 0.9 * t ** 4      # out over the ground, then down into it
        path = np.stack([dist * np.cos(a + bend), dist * np.sin(a + bend), z], 1)
        radii = rr * (1 - 0.6 * t) + 0.004
        root = tube(path, radii, _seg(8, 5))
        parts.append(root)
    out = merge(parts)
    z = out.verts[:, 2]
    out.verts[:, 2] = np.where(z < 0, z * 0.04, z)                # the roots sink into the ground: flattened there
    out.verts[:, 2] -= out.verts[:, 2].min()
    mats = (material("bark", rng_for(seed, "stump", "mat", "e3", "bark")),)
    grain = material("end_grain", rng_for(seed, "stump", "mat", "e3", "rings"))
    grain["params"]["pith"] = [round(float(x), 4) for x in g.uniform(-0.12, 0.12, 2) * r]   # off-centre, as most are
    grain["params"]["radius"] = round(float(r), 4)
    heart = {"kind": "end_grain", "params": dict(grain["params"])}
    sapwood = {"kind": "end_grain", "params": dict(grain["params"], base_color=grain["params"]["color3"],
                                                   color2=[round(c * 0.8, 4) for c in grain["params"]["color3"]])}
    return out, mats + (heart, sapwood)
