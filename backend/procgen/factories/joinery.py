"""Edition-3 tables, chairs, stools and the desk (bpy-free): legs tapered (a square leg narrowing below the
aprons) or turned on a lathe (foot, long taper, bead and collar under a square pommel the aprons join), aprons
set back 12 mm from the legs' faces, tops with a profiled edge (an underside bevel or a bullnose, rounded corners
in plan); stools with a round wooden or padded seat and a footrest ring. Wood grain runs along each part's long
axis (``board_uvs``). Same conventions as furniture.py: origin at the footprint centre on the floor, front -Y.
"""
from __future__ import annotations

import numpy as np

from ..geometry import detail_level, lathe, loft, merge, rbox, rng_for, rod, rot_align_z, rot_x
from .. import finishes
from ..registry import Asset
from .casework import board_uvs
from .worktop import rrect


def profiled_top(w, d, z0, t, rc, profile: str, mat=0):
    """Table or seat top ``w`` x ``d`` from ``z0`` to ``z0 + t``, corners rounded ``rc`` in plan; ``profile``
    "bevel" (an underside bevel, the top's arris eased), "bullnose" (a half-round edge) or "round" (both arrises
    rounded by at most 6 mm)."""
    k = max(2, int(round(3 * detail_level())))
    if profile == "bevel":
        b = min(0.015, t * 0.45)
        prof = [(b, 0.0), (0.0, t * 0.45)]
        e = min(0.004, t * 0.2)
        prof += [(e * (1 - np.cos(a)), t - e + e * np.sin(a)) for a in np.linspace(0, np.pi / 2, k + 1)]
    elif profile == "bullnose":
        e = t / 2
        prof = [(e * (1 - np.cos(a)), e + e * np.sin(a)) for a in np.linspace(-np.pi / 2 + 0.35, np.pi / 2, 2 * k + 1)]
    else:   # "round": both arrises rounded by at most 6 mm
        e = min(0.006, t * 0.3)
        arc = np.linspace(0, np.pi / 2, k + 1)
        prof = [(e * (1 - np.sin(a)), e * (1 - np.cos(a))) for a in arc] + [(e * (1 - np.cos(a)), t - e + e * np.sin(a)) for a in arc]
    rings = [rrect(0.0, 0.0, w / 2 - i, d / 2 - i, rc - i, z0 + z) for i, z in prof]
    return board_uvs(loft(rings, mat, smooth=True), 0 if w >= d else 1)


def tapered_leg(x, y, z_top, z_split, t, taper, mat=0):
    """Square leg (edges eased) straight from ``z_top`` down to ``z_split``, then narrowing to ``taper`` x ``t``
    at the floor."""
    r = min(0.004, t * 0.12)
    prof = [(t * taper, 0.0), (t, z_split), (t, z_top)]
    rings = [rrect(x, y, s / 2, s / 2, r, z) for s, z in prof]
    return board_uvs(loft(rings, mat, smooth=False), 2)


def turned_leg(x, y, z_top, z_pommel, t, mat=0):
    """Turned leg: a square pommel from ``z_pommel`` up to ``z_top`` (where aprons join) over a lathe-turned
    shaft: a foot, a long taper, a bead and a collar, its top 5 mm into the pommel."""
    R = t / 2
    L = z_pommel + 0.005
    prof = [(0, 0.0), (0.6 * R, 0.0), (0.68 * R, 0.012), (0.58 * R, 0.03), (0.5 * R, 0.05), (0.72 * R, L * 0.62),
            (0.82 * R, L * 0.66), (0.66 * R, L * 0.7), (0.7 * R, L - 0.05), (0.9 * R, L - 0.035), (0.94 * R, L - 0.025),
            (0.74 * R, L - 0.015), (0.8 * R, L), (0, L)]
    shaft = board_uvs(lathe(prof, 24, mat).transformed(offset=(x, y, 0.0)), 2)
    pommel = board_uvs(rbox((x - R, y - R, z_pommel), (x + R, y + R, z_top), min(0.003, t * 0.1), 1, mat), 2)
    return [shaft, pommel]


def _legs(style, pos, z_top, z_split, t, taper, mat=0):
    out = []
    for x, y in pos:
        out += [tapered_leg(x, y, z_top, z_split, t, taper, mat)] if style == "tapered" else turned_leg(x, y, z_top, z_split, t, mat)
    return out


def _rail(lo, hi, mat=0):
    ext = np.subtract(hi, lo)
    return board_uvs(rbox(lo, hi, 0.0025, 1, mat), int(np.argmax(ext)))


def table3(seed, p):
    """Edition-3 table: profiled top; four tapered or turned legs with aprons 12 mm behind their faces, or the
    turned pedestal of edition 2 under the new top."""
    g = rng_for(seed, "table", "shape", "e3")
    w, d, h, tt = p["width"], p["depth"], p["height"], p["top_thickness"]
    rc = float(g.uniform(0.004, 0.04)) if g.uniform() < 0.7 else float(min(w, d) * g.uniform(0.08, 0.15))
    profile = "bevel" if g.uniform() < 0.6 else "bullnose"
    parts = [profiled_top(w, d, h - tt, tt, rc, profile)]
    e = tt / 2 if profile == "bullnose" else min(0.004, tt * 0.2)     # the flat top is a rounded rectangle e inside
    flat = max(0.02, e + 0.003, rc - max(rc - e, 0.0) / np.sqrt(2) + 0.003)   # a rectangle inside it
    legs_at = None
    if p["pedestal"]:
        rb = min(w, d) * 0.32
        parts.append(board_uvs(lathe([(0, 0), (rb, 0), (rb * 0.97, 0.02), (rb * 0.6, 0.035), (0.07, 0.06), (0.05, 0.1),
                                      (0.045, h - tt - 0.08), (0.07, h - tt - 0.02), (0.09, h - tt + 0.004),
                                      (0, h - tt + 0.004)], 32), 2))
    else:
        lt = float(g.uniform(0.045, 0.07))
        inset = max(float(g.uniform(0.04, 0.08)) + min(0.015, tt * 0.45), 0.3 * rc + 0.012)   # clear of bevel, corners
        lx, ly = w / 2 - inset - lt / 2, d / 2 - inset - lt / 2
        ah = float(g.uniform(0.07, 0.11))
        za, zb = h - tt - ah, h - tt + 0.003
        style = "turned" if g.uniform() < 0.45 else "tapered"
        pos = [(sx * lx, sy * ly) for sx in (-1, 1) for sy in (-1, 1)]
        parts += _legs(style, pos, h - tt + 0.004, za - 0.015, lt, float(g.uniform(0.55, 0.7)))
        legs_at = (lx, ly, lt, za)
        if p.get("shelf"):   # a coffee table's lower shelf, housed in the legs
            zs = float(g.uniform(0.08, 0.14))
            parts.append(board_uvs(rbox((-lx, -ly, zs), (lx, ly, zs + 0.018), 0.002, 1), 0 if w >= d else 1))
        yo, xo = ly + lt / 2 - 0.012, lx + lt / 2 - 0.012          # aprons' outer faces 12 mm behind the legs'
        for sy in (-1, 1):
            y0, y1 = sorted((sy * yo, sy * (yo - 0.02)))
            parts.append(_rail((-lx, y0, za), (lx, y1, zb)))
        for sx in (-1, 1):   # side aprons 1 mm lower so no face meets the long aprons' faces
            x0, x1 = sorted((sx * xo, sx * (xo - 0.02)))
            parts.append(_rail((x0, -ly, za - 0.001), (x1, ly, zb - 0.001)))
    mats = (finishes.furniture(rng_for(seed, "table", "mat", "frame", "e3"), 0.8),)
    surf = ({"lo": [-w / 2 + flat, -d / 2 + flat], "hi": [w / 2 - flat, d / 2 - flat], "z": h, "clear": 1.2},)
    return Asset(merge(parts), mats, surf), legs_at


def dished_top(w, d, cy, z0, t, rc, dish, mat=0):
    """A chair seat ``w`` x ``d`` centred on (0, ``cy``) from ``z0`` to ``z0 + t``: both arrises rounded (at most
    6 mm), corners rounded ``rc`` in plan, its top dished ``dish`` m deep towards the middle (a saddle: the deepest
    part a little behind the centre) in rings that stay inside the rim."""
    k = max(2, int(round(3 * detail_level())))
    e = min(0.006, t * 0.3)
    arc = np.linspace(0, np.pi / 2, k + 1)
    prof = [(e * (1 - np.sin(a)), e * (1 - np.cos(a))) for a in arc] + [(e * (1 - np.cos(a)), t - e + e * np.sin(a)) for a in arc]
    rings = [rrect(0.0, cy, w / 2 - i, d / 2 - i, rc - i, z0 + z) for i, z in prof]
    span = min(w, d) / 2 - e
    for f in np.linspace(0.0, 1.0, max(3, int(round(4 * detail_level()))) + 1)[1:]:
        i = e + span * 0.75 * f
        rings.append(rrect(0.0, cy + 0.2 * span * f * 0.3, w / 2 - i, d / 2 - i, max(rc - i, 0.002), z0 + t - dish * np.sin(f * np.pi / 2)))
    return board_uvs(loft(rings, mat, smooth=True), 0 if w >= d else 1)


def raked_leg(x, y_seat, z_seat, z_top, rake, splay, t, mat=0):
    """A chair's back leg and back post in one piece: square (edges eased), ``t`` thick at the seat (``z_seat``,
    its axis at ``y_seat``), splayed back ``splay`` m at the floor where it narrows to 0.72 ``t``, and raking back
    by ``rake`` radians above the seat up to ``z_top`` (0.9 ``t`` there)."""
    r = min(0.004, t * 0.12)
    off = np.tan(rake)
    prof = [(0.0, y_seat + splay, 0.72 * t), (z_seat - 0.02, y_seat, t), (z_seat + 0.02, y_seat + 0.02 * off, t),
            (z_top, y_seat + (z_top - z_seat) * off, 0.9 * t)]
    rings = [rrect(x, y, s / 2, s / 2, r, z) for z, y, s in prof]
    return board_uvs(loft(rings, mat, smooth=False), 2)


def chair3(seed, p):
    """Edition-3 chair: front legs tapered or turned; back legs splayed back below the seat and running on up into
    the back posts, raked back 5-8 degrees above it; stretchers; slatted or panel back following the rake; a seat
    with a rounded edge, dished (a saddle) or carrying an upholstered pad (or the optional loose cushion). The
    chair's outer bounds are edition 2's for the same parameters: the seat gives up the depth the rake takes."""
    rng = rng_for(seed, "chair", "shape")        # the same draws as edition 2 for the shared proportions
    g = rng_for(seed, "chair", "shape", "e3")
    w, d, sh, t = p["seat_width"], p["seat_depth"], p["seat_height"], p["leg_thickness"]
    st = rng.uniform(0.025, 0.04)
    top_back = sh + p["back_height"]
    rc = float(g.uniform(0.008, 0.02))
    style = "turned" if g.uniform() < 0.4 else "tapered"
    rake = np.radians(g.uniform(5.0, 8.0))
    splay = float(g.uniform(0.025, 0.045))
    zs0 = sh - st - 0.01                          # where the back legs bend: just under the seat
    extra = max((top_back - zs0) * np.tan(rake) - 0.05 * t, splay - 0.14 * t, 0.0)
    ds, cy = d - extra, -extra / 2               # the seat, its back edge moved forward by what the rake takes
    lx = w / 2 - 0.008 - t / 2
    lyf, lyb = cy - ds / 2 + 0.008 + t / 2, cy + ds / 2 - 0.008 - t / 2
    seat_kind = "plain" if p["cushion"] else ("dish" if g.uniform() < 0.6 else "pad")
    if seat_kind == "dish":
        parts = [dished_top(w, ds, cy, sh - st, st, rc, float(g.uniform(0.004, 0.008)))]
    else:
        parts = [profiled_top(w, ds, sh - st, st, rc, "round").transformed(offset=(0.0, cy, 0.0))]
    zs = sh * rng.uniform(0.2, 0.35)
    parts += _legs(style, [(-lx, lyf), (lx, lyf)], sh - st * 0.5, max(zs + t * 1.2, sh - st - 0.06), t, 0.7)
    for sx in (-1, 1):
        parts.append(raked_leg(sx * lx, lyb, zs0, top_back, rake, splay, t))

    def y_back(z):      # the back legs' axis at height z
        return lyb + (splay * (1 - z / (zs0 - 0.02)) if z < zs0 - 0.02 else max(z - zs0, 0.0) * np.tan(rake))
    for sx in (-1, 1):   # side stretchers from the front legs into the splayed back legs
        parts.append(_rail((sx * lx - t * 0.28, lyf, zs), (sx * lx + t * 0.28, y_back(zs + t * 0.225), zs + t * 0.45)))
    yb = y_back(zs + t * 0.825)
    parts.append(_rail((-lx, yb - t * 0.28, zs + t * 0.6), (lx, yb + t * 0.22, zs + t * 1.05)))
    # the back: rails or a panel built upright along the back posts' axis, then raked with them
    R = rot_x(-rake)
    piv = np.array([0.0, lyb, zs0])

    def raked(m):
        return m.transformed(R, piv - R @ piv)
    style_b = int(rng.integers(0, 3))
    span = p["back_height"] * 0.6
    L = (top_back - zs0) / np.cos(rake)          # the posts' length above the bend, along their axis
    if style_b < 2:
        rails = 2 + style_b
        for k in range(rails):
            z = zs0 + L - 0.02 - k * span / rails
            parts.append(raked(_rail((-lx, lyb - t * 0.35, z - 0.045), (lx, lyb + t * 0.25, z))))
    else:
        z = zs0 + L - 0.02
        parts.append(raked(board_uvs(rbox((-lx, lyb - t * 0.35, z - span), (lx, lyb + t * 0.25, z), 0.01, 3, bulge=0.004), 0)))
    if p["cushion"]:
        cd = (lyb - t / 2 - 0.004) - (cy - ds / 2 + 0.015)
        parts.append(rbox((-(lx - t / 2) + 0.005, cy - ds / 2 + 0.015, sh - 0.004), ((lx - t / 2) - 0.005, cy - ds / 2 + 0.015 + cd,
                          sh + 0.046), 0.02, 4, mat=1, bulge=0.012))
    elif seat_kind == "pad":    # an upholstered pad on the seat, in front of the back posts, 1 mm clear of the seat
        from .upholstery import soft_block
        parts.append(soft_block((-w / 2 + 0.012, cy - ds / 2 + 0.012, sh + 0.001), (w / 2 - 0.012, lyb - t / 2 - 0.006,
                                sh + float(g.uniform(0.025, 0.04))), 0.012, crown=0.012, pipe=0.002, cells=(8, 8, 1), k=2, mat=1))
    from ..materials import material
    mats = (finishes.furniture(rng_for(seed, "chair", "mat", "frame", "e3"), 0.8),
            material("fabric", rng_for(seed, "chair", "mat", "cushion")))
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    return Asset(m, mats)


def stool3(seed, p):
    """Edition-3 stool: a round seat (a dished wooden disc with a rounded edge, or a padded top on a wooden
    disc) on splayed tapered legs joined by a footrest ring (a torus the legs pass through)."""
    g = rng_for(seed, "stool", "shape", "e3")
    h, r, n = p["height"], p["radius"], p["legs"]
    padded = g.uniform() < 0.45
    st = 0.03
    z0 = h - st - (0.035 if padded else 0.0)
    e = 0.008
    disc = [(0, z0), (r - e, z0), (r - e * 0.3, z0 + e * 0.3), (r, z0 + e), (r, z0 + st - e), (r - e * 0.3, z0 + st - e * 0.3),
            (r - e, z0 + st)]
    disc += [(r * 0.75, z0 + st - 0.002), (0, z0 + st - 0.006)] if not padded else [(0, z0 + st)]
    parts = [board_uvs(lathe(disc, 40, mat=1), 0)]
    if padded:
        pr = r - 0.006
        parts.append(lathe([(0, z0 + st - 0.003), (pr, z0 + st - 0.003), (pr + 0.004, z0 + st + 0.012), (pr - 0.004, z0 + st + 0.03),
                            (pr * 0.7, h), (0, h + 0.002)], 40, mat=2))
    ring_z = float(h * g.uniform(0.3, 0.38))
    tops, feet = [], []
    for k in range(n):
        a = 2 * np.pi * (k + 0.5) / n
        tops.append(np.array([np.cos(a) * r * 0.62, np.sin(a) * r * 0.62, z0 + 0.012]))
        feet.append(np.array([np.cos(a) * r * 1.1, np.sin(a) * r * 1.1, 0.0]))
    lr = float(g.uniform(0.012, 0.016))
    for f, t in zip(feet, tops):
        d = t - f
        L = float(np.linalg.norm(d))
        prof = [(0, 0), (lr * 0.75, 0), (lr, L * 0.6), (lr * 1.1, L - 0.04), (lr * 1.0, L), (0, L)]
        leg = lathe(prof, 16, mat=0)
        parts.append(board_uvs(leg, 2).transformed(rot_align_z(d), f))
    # the ring's centre line passes through the legs' axes at ring_z (each leg runs through the tube)
    s = ring_z / (tops[0][2])
    rr = float(np.linalg.norm((feet[0] + (tops[0] - feet[0]) * s)[:2]))
    tube_r = 0.009
    circ = [(rr + tube_r * np.cos(a), ring_z + tube_r * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 9)[:-1]]
    ring = lathe(circ, 32, mat=0, loop=True)
    ring.uvs[:, 0] *= 2 * np.pi * rr          # metric along the ring: the grain follows it
    parts.append(ring)
    m = merge(parts)
    m.verts[:, 2] -= m.verts[:, 2].min()
    gm = rng_for(seed, "stool", "mat", "e3")
    frame = finishes.wood(gm) if gm.uniform() < 0.65 else finishes.hardware(gm)
    seat = finishes.wood(gm) if frame["kind"] != "wood" else frame
    from ..materials import material
    pad = material("fabric", rng_for(seed, "stool", "mat", "pad"))
    return Asset(m, (frame, seat, pad))


def desk3(seed, p):
    """Edition-3 desk: an edition-3 four-legged table (never a pedestal table) and a drawer pedestal (a case with
    an inset top, a recessed plinth and a stack of drawers) inside the legs at one end, under the aprons."""
    from .casework import case, case_materials, drawer_heights, grid, styles
    g = rng_for(seed, "desk", "shape")
    base, (lx, ly, lt, za) = table3(seed, {"width": p["width"], "depth": p["depth"], "height": p["height"],
                                           "top_thickness": 0.03, "pedestal": 0})
    w, d = p["width"], p["depth"]
    side = 1 if g.uniform() < 0.5 else -1
    pw = min(0.42, w * 0.32)
    px = side * (lx - lt / 2 - 0.015 - pw / 2)
    pd = 2 * (ly + lt / 2) - 0.05        # beside the legs, its front 25 mm behind theirs
    ph = za - 0.006
    style, handle = styles(seed, "desk")
    ped = case(pw, pd, ph, lambda x0, x1, z0, z1: grid(x0, x1, z0, z1, 1, drawer_heights(z1 - z0, 0.13, 0.3), "drawer"),
               top="inset", base="plinth", plinth=0.06, recess=0.03, style=style, handle=handle)
    m = merge(ped).transformed(offset=(px, 0.0, 0.0))
    m.mat = m.mat + 1
    body, front, metal = case_materials(seed, "desk")
    wood = base.materials[0]            # the pedestal's carcass matches the desk; its fronts most often too
    front = wood if front == body else front
    return Asset(merge([base.mesh, m]), (wood, wood, front, metal), base.surfaces)
