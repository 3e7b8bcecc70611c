"""Edition 3 of the upholstered furniture (bpy-free): the sofa, the armchair and the bed, built the way an
upholsterer builds them.

* Sofa and armchair: a frame (arms, a deck, a back whose front leans back) covered in fabric; separate seat cushions
  resting on the deck and back cushions leaning on the back, each a stuffed block (``soft_block``): rounded edges,
  a subdivided face crowned with the throw cushion's stuffing profile (``soft.CROWN``), sides bulging, and a piped
  seam (a ridge) round the top and bottom edges. Arms are rolled (a bolster over a panel), track (square with soft
  edges) or sloped (falling towards the front). The frame stands on tapered wooden legs (``joinery.tapered_leg``),
  turned metal legs or a recessed plinth.
* Bed: a frame on legs or an upholstered divan base; a headboard that is buttoned (tufted: dimples with a button in
  each, in a diamond grid), channelled (vertical stuffed channels) or a panelled wooden one; a mattress with rounded,
  piped edges; a duvet draped over the mattress: flat on top, rolling round the mattress edge and hanging down the
  sides and the foot in soft folds (a closed quilt, thick in the middle, thin at its hem); two (or one) crowned
  pillows from the throw cushion's stuffing (``soft._pillow``) lying at the head.

Every part is a closed shell; cushions, mattress, duvet and pillows are clear of each other (1-4 mm) and of the frame
they rest on; frame parts are sunk into each other, never face to face. Same conventions as furniture.py: origin at
the footprint centre on the floor, front -Y, back (the headboard) +Y; the outer bounds are edition 2's for the same
parameters. Material slots: sofa (fabric, legs); bed (frame, sheet, duvet, upholstery).
"""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _orient, _planar_uvs, _seg, lathe, loft, merge, rbox, rng_for, rot_x
from .. import finishes
from ..materials import material
from ..registry import Asset
from .joinery import tapered_leg
from .soft import CROWN, _pillow
from .worktop import rrect

_TOPO: dict = {}


def _topology(mx: int, my: int, mz: int):
    """(grid Int["V 3"] coordinate indices per welded vertex, faces Int["F 4"]) of a box whose sides are grids of
    mx x my x mz coordinates, built once per shape; callers must not mutate."""
    key = (mx, my, mz)
    if key in _TOPO:
        return _TOPO[key]
    m = key
    verts, quads = [], []
    base = 0
    for a in range(3):
        b, c = [x for x in range(3) if x != a]
        for s in (0, m[a] - 1):
            B, C = np.meshgrid(np.arange(m[b]), np.arange(m[c]), indexing="ij")
            q = np.zeros(B.shape + (3,), np.int64)
            q[..., a], q[..., b], q[..., c] = s, B, C
            ii, jj = np.meshgrid(np.arange(m[b] - 1), np.arange(m[c] - 1), indexing="ij")
            i0 = (ii * m[c] + jj).ravel()
            f = np.stack([i0, i0 + m[c], i0 + m[c] + 1, i0 + 1], axis=1)
            if (s > 0) != ((b - a) % 3 == 1):
                f = f[:, ::-1]
            verts.append(q.reshape(-1, 3))
            quads.append(f + base)
            base += q.shape[0] * q.shape[1]
    q = np.concatenate(verts)
    uniq, inv = np.unique(q, axis=0, return_inverse=True)
    out = (uniq, inv.ravel()[np.concatenate(quads)])
    _TOPO[key] = out
    return out


def _coords(half: float, r: float, k: int, n: int):
    """Coordinates along one axis: a rounded edge of ``k`` steps at each end and ``n`` points between them."""
    u = np.linspace(1.0, 0.0, k + 1)
    side = -(half - r) - r * u
    mid = np.linspace(-(half - r), half - r, n + 2)[1:-1]
    return np.concatenate([side, mid, -side[::-1]])


def soft_block(lo, hi, r, crown=0.0, bulge=0.0, pipe=0.0, cells=(8, 8, 3), k=3, mat=0, smooth=True,
               level_back=False, rim=None) -> Mesh:
    """A stuffed block filling the box ``lo``..``hi`` exactly: edges and corners rounded by ``r`` in ``k`` steps,
    every face subdivided (``cells`` points between the rounded edges along x, y, z, times the detail level), the
    top (+Z) crowned by ``crown`` m with the throw cushion's stuffing profile (a plateau with a rounded rim and a
    dome; a negative ``crown`` dishes it), the sides bulging ``bulge`` m in the middle and a piped seam (a ridge
    ``pipe`` m proud) running round the top and bottom edges; With ``rim`` ((x, y) shares, 0-1) the crown is a
    level plateau whose outer ``rim`` shares roll down to the seam instead (a seat cushion: a throw cushion stands level
    on it), and with ``level_back`` the plateau runs on to the back (+Y) edge. UVs metric, planar per face (the
    weave)."""
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    half = (hi - lo) / 2
    r = float(min(r, half.min() * 0.8))
    k = _seg(k, 1)
    ns = [_seg(c, 1) for c in cells]
    co = [_coords(half[a], r, k, ns[a]) for a in range(3)]
    grid, faces = _topology(*(len(c) for c in co))
    q = np.stack([co[a][grid[:, a]] for a in range(3)], axis=1)
    inner = half - r
    core = np.clip(q, -inner, inner)
    d = q - core
    ln = np.linalg.norm(d, axis=1, keepdims=True)
    nrm = np.where(ln > 1e-12, d / np.maximum(ln, 1e-12), 0.0)
    p = core + nrm * r
    t = np.clip(np.abs(p) / half, 0, 1)
    if crown:
        if rim:    # a level plateau whose outer ``rim`` share rolls down to the seam (a seat: what stands on it is level)
            rx, ry = rim
            sx = np.clip((t[:, 0] - 1 + rx) / rx, 0, 1)
            sy = np.clip((np.where(p[:, 1] < 0, t[:, 1], 0.0) if level_back else t[:, 1]) - 1 + ry, 0, None) / ry
            prof = (1 - sx ** 2) * (1 - np.clip(sy, 0, 1) ** 2)
        else:
            Q = np.clip((1 - t[:, 0] ** 2) * (1 - t[:, 1] ** 2), 0, 1)
            prof = (1 - CROWN) * Q ** 0.35 + CROWN * Q
        p[:, 2] += crown * prof * np.clip(p[:, 2] / half[2], 0, 1)
    if bulge:
        side = 1 - t[:, 2] ** 2
        p[:, 0] += bulge * side * (1 - t[:, 1] ** 2) * np.sign(p[:, 0]) * t[:, 0]
        p[:, 1] += bulge * side * (1 - t[:, 0] ** 2) * np.sign(p[:, 1]) * t[:, 1]
    if pipe:
        horiz = np.hypot(nrm[:, 0], nrm[:, 1])
        w = np.exp(-((np.abs(nrm[:, 2]) - np.sqrt(0.5)) / 0.1) ** 2) * (horiz > 0.3)
        p += pipe * w[:, None] * nrm
    a0, a1 = p.min(axis=0), p.max(axis=0)
    verts = lo + (p - a0) * (hi - lo) / (a1 - a0)
    uvs = _planar_uvs(verts[faces]).reshape(-1, 2)
    return _orient(Mesh(verts, faces.ravel().copy(), np.full(len(faces), 4), uvs, mat, smooth))   # never a view of the cache


def _bolster(xc, y0, y1, zc, R, mat=0):
    """A rolled arm's bolster: a cylinder of radius ``R`` along Y with rounded ends."""
    e = 0.35 * R
    L = y1 - y0
    k = _seg(3, 2)
    a = np.linspace(0, np.pi / 2, k + 1)
    prof = [(0.0, 0.0)] + [(R - e + e * np.sin(x), e - e * np.cos(x)) for x in a] + \
           [(R - e + e * np.cos(x), L - e + e * np.sin(x)) for x in a] + [(0.0, L)]
    return lathe(prof, 28, mat).transformed(rot_x(-np.pi / 2), (xc, y0, zc))


def sofa3(seed, p):
    """Edition-3 sofa (and armchair, with one cushion): see the module's docstring."""
    g = rng_for(seed, "sofa", "shape", "e3")
    w, d, sh, bh, aw, n = p["width"], p["depth"], p["seat_height"], p["back_height"], p["arm_width"], p["cushions"]
    support = ("legs", "metal", "plinth")[int(g.choice(3, p=[0.5, 0.2, 0.3]))]
    arm = ("rolled", "track", "sloped")[int(g.integers(0, 3))]
    leg = float(g.uniform(0.1, 0.16)) if support != "plinth" else float(g.uniform(0.04, 0.07))
    arm_h = min(sh + float(g.uniform(0.14, 0.22)), bh - 0.08)
    back_d = float(g.uniform(0.2, 0.25))
    tilt = np.radians(g.uniform(5.0, 9.0))
    ct = float(g.uniform(0.12, 0.16))            # seat cushion: its crown at the seat height
    deck = sh - ct
    pipe = 0.003
    parts = []
    # ---- arms (full depth, from the legs' tops to the arm height)
    arms = []
    r_arm = min(0.03, aw * 0.3)
    for sx in (-1, 1):
        x0, x1 = sorted((sx * w / 2, sx * (w / 2 - aw)))
        if arm == "rolled":
            R = aw / 2
            b0, b1 = (x0 + 0.015, x1) if sx < 0 else (x0, x1 - 0.015)
            a = [soft_block((b0, -d / 2, leg), (b1, d / 2, arm_h - R), r_arm, bulge=0.004, cells=(2, 10, 4)),
                 _bolster((x0 + x1) / 2, -d / 2, d / 2, arm_h - R, R)]
        else:
            blk = soft_block((x0, -d / 2, leg), (x1, d / 2, arm_h), r_arm if arm == "sloped" else min(0.02, r_arm),
                             bulge=0.006, pipe=pipe, cells=(3, 10, 5))
            if arm == "sloped":     # the top falls towards the front
                drop = float(g.uniform(0.05, 0.1))
                v = blk.verts
                v[:, 2] -= drop * (0.5 - v[:, 1] / d) * np.clip((v[:, 2] - leg) / (arm_h - leg), 0, 1)
            a = [blk]
        arms.append(a)
        parts += a
    xl = max(float(m.verts[:, 0].max()) for m in arms[0]) + 0.004      # the arms' inner faces (bulge included)
    xr = min(float(m.verts[:, 0].min()) for m in arms[1]) - 0.004
    inner = w - 2 * aw
    # ---- deck (what the seat cushions rest on) and the back, its front leaning back by the cushions' tilt
    parts.append(soft_block((-inner / 2 - 0.02, -d / 2 + 0.02, leg + 0.02), (inner / 2 + 0.02, d / 2 - back_d + 0.01, deck),
                            0.015, cells=(6, 4, 2), k=2))
    back = soft_block((-inner / 2 - 0.025, d / 2 - back_d, leg + 0.025), (inner / 2 + 0.025, d / 2 - 0.01, bh),
                      min(0.04, back_d * 0.2), bulge=0.006, pipe=pipe, cells=(8, 3, 6))
    v = back.verts
    yf, yb = d / 2 - back_d, d / 2 - 0.01
    v[:, 1] += np.clip(v[:, 2] - deck, 0, None) * np.tan(tilt) * (yb - v[:, 1]) / (yb - yf)
    parts.append(back)
    # ---- back cushions leaning on the back, seat cushions on the deck in front of them
    gap = 0.006
    cw = (xr - xl - gap * (n - 1)) / n
    bt = float(g.uniform(0.12, 0.17))
    z0, ybc = deck + 0.002, yf - 0.002
    top = bh - float(g.uniform(0.0, 0.06))
    H = (top - z0 - bt * np.sin(tilt)) / np.cos(tilt)
    y1 = ybc - bt * np.cos(tilt) - 0.004
    R = rot_x(-tilt) @ rot_x(np.pi / 2)
    for i in range(n):
        c0 = xl + i * (cw + gap)
        parts.append(soft_block((c0, -d / 2 + 0.012, deck + 0.001), (c0 + cw, y1, sh), 0.035,
                                crown=float(g.uniform(0.014, 0.02)), bulge=0.008, pipe=pipe, cells=(10, 8, 3),
                                level_back=True, rim=(min(0.35, 0.14 / cw), 0.12)))
        bc = soft_block((c0, 0.0, 0.0), (c0 + cw, H, bt), 0.04, crown=float(g.uniform(0.02, 0.035)), bulge=0.008,
                        pipe=pipe, cells=(10, 10, 3))
        parts.append(bc.transformed(R, (0.0, ybc, z0)))
    # ---- legs or plinth
    leg_parts = []
    lx, ly = w / 2 - aw / 2 - 0.005, d / 2 - 0.06
    t = min(float(g.uniform(0.035, 0.05)), aw - 0.04)
    for sx in (-1, 1):
        for sy in (-1, 1):
            if support == "legs":
                leg_parts.append(tapered_leg(sx * lx, sy * ly, leg + 0.032, leg * 0.9, t, 0.6, 1))
            elif support == "metal":
                rr = t * 0.3
                leg_parts.append(lathe([(0, 0), (rr * 1.3, 0), (rr * 1.3, 0.006), (rr, 0.012), (rr * 1.25, leg + 0.032),
                                        (0, leg + 0.032)], 16, 1).transformed(offset=(sx * lx, sy * ly, 0)))
    if support == "plinth":
        leg_parts.append(rbox((-w / 2 + 0.04, -d / 2 + 0.05, 0.0), (w / 2 - 0.04, d / 2 - 0.05, leg + 0.035), 0.004, 1, 1))
    parts += leg_parts
    fabric = finishes.upholstery(rng_for(seed, "sofa", "mat", "fabric", "e3"))
    gm = rng_for(seed, "sofa", "mat", "legs", "e3")
    legs_mat = finishes.hardware(gm) if support == "metal" else finishes.wood(gm)
    # the level plateau of the seat cushions (their rims roll down to the seams): what stands on it is level
    seat = {"lo": [round(xl + 0.03, 6), round(-d / 2 + 0.06, 6)], "hi": [round(xr - 0.03, 6), round(d / 2 - back_d - 0.01, 6)],
            "z": round(sh, 6), "clear": round(bh - sh + 0.3, 6)}
    return Asset(merge(parts), (fabric, legs_mat), (seat,))


def _front_block(x0, x1, y_back, depth, z0, z1, r, crown, rim=None, cells=(8, 8, 2), mat=0, pipe=0.0):
    """A stuffed block x0..x1, z0..z1, ``depth`` thick in front of ``y_back``, crowned on its front (-Y) face."""
    b = soft_block((x0, z0, 0.0), (x1, z1, depth), r, crown=crown, rim=rim, cells=cells, mat=mat, pipe=pipe)
    return b.transformed(rot_x(np.pi / 2), (0.0, y_back, 0.0))


def _tufted(W, y_back, depth, hh, z_lo, g, mat):
    """A buttoned headboard to the floor: a front crowned block with dimples in a diamond grid above ``z_lo``
    and a button sunk 3 mm into each."""
    cells = (_seg(int(W / 0.03), 6), _seg(int(hh / 0.03), 6), 1)
    b = soft_block((-W / 2, 0.0, 0.0), (W / 2, hh, depth), 0.03, crown=0.012, cells=cells, mat=mat, k=2)
    sx, sz = float(g.uniform(0.14, 0.2)), float(g.uniform(0.12, 0.16))
    cols = max(2, int((W - 0.16) / sx))
    rows = max(1, int((hh - 0.06 - z_lo) / sz))
    pts = [(-(cols - 1) * sx / 2 + i * sx + (sx / 2 if j % 2 else 0.0), hh - 0.08 - j * sz)
           for j in range(rows) for i in range(cols - (j % 2))]
    pts = [(x, z) for x, z in pts if z > z_lo + 0.04]
    v = b.verts
    front = v[:, 2] > depth * 0.5
    dip = np.zeros(len(v))
    for x, z in pts:
        dip = np.maximum(dip, np.exp(-((v[:, 0] - x) ** 2 + (v[:, 1] - z) ** 2) / (2 * 0.025 ** 2)))
    v[:, 2] -= 0.02 * dip * front
    parts = [b]
    for x, z in pts:
        k = np.argmin((v[:, 0] - x) ** 2 + (v[:, 1] - z) ** 2 + 1e3 * (~front))
        zs = v[k, 2] - 0.003
        parts.append(lathe([(0, zs), (0.011, zs), (0.0115, zs + 0.005), (0.008, zs + 0.009), (0, zs + 0.0105)], 12, mat)
                     .transformed(offset=(x, z, 0.0)))
    return [m.transformed(rot_x(np.pi / 2), (0.0, y_back, 0.0)) for m in parts]


def _duvet(w, my0, yc, top, re, gs, hang, T, g, mat):
    """A quilt lying over a mattress ``w`` wide from ``my0`` (its foot) with its flat top at ``top``: flat over
    the top, rolling round the mattress's edges (a cylinder of radius ``re + gs`` whose axis lies ``gs`` lower
    than the edge's, so it clears it) and hanging ``hang`` down the sides and the foot in soft folds; its head edge
    at ``yc``. Two quilted panels sewn at the hem (shared rim vertices): ``T`` thick on top, thinner hanging,
    nothing at the hem."""
    Rw = re + gs
    Rx, Ry0 = w / 2 - re, my0 + re
    E = Rw * np.pi / 2 + hang
    m = _seg(12, 4)
    e = np.linspace(0.0, E, m + 1)[1:] ** 1.0
    xs = np.concatenate([-(Rx + e[::-1]), np.linspace(-Rx, Rx, _seg(24, 6)), Rx + e])
    ys = np.concatenate([Ry0 - e[::-1], np.linspace(Ry0, yc, _seg(30, 6))])
    PX, PY = np.meshgrid(xs, ys)              # [row = y, col = x]
    qx, qy = np.clip(PX, -Rx, Rx), np.maximum(PY, Ry0)
    dx, dy = PX - qx, PY - qy
    ed = np.hypot(dx, dy)
    nx, ny = np.where(ed > 1e-12, dx / np.maximum(ed, 1e-12), 0.0), np.where(ed > 1e-12, dy / np.maximum(ed, 1e-12), 0.0)
    phi = np.minimum(ed / Rw, np.pi / 2)
    h = np.where(ed / Rw <= np.pi / 2, Rw * np.sin(phi), Rw)
    zc = top - Rw
    Z = np.where(ed / Rw <= np.pi / 2, zc + Rw * np.cos(phi), zc - (ed - Rw * np.pi / 2))
    base = np.stack([qx + nx * h, qy + ny * h, Z], -1)
    N = np.stack([nx * np.sin(phi), ny * np.sin(phi), np.cos(phi)], -1)
    # soft folds hanging from the edge: along the perimeter (s), deeper the lower they hang
    s = qy + np.abs(qx) + 0.15 * np.arctan2(ny, np.abs(nx))
    lam, ph = float(g.uniform(0.16, 0.26)), g.uniform(0, 2 * np.pi, 2)
    grow = np.clip((ed - Rw * np.pi / 3) / 0.12, 0, 1)
    fold = 0.0085 * grow * (0.5 + 0.5 * np.sin(2 * np.pi * s / lam + ph[0])) * (0.75 + 0.25 * np.sin(2 * np.pi * s / (2.7 * lam) + ph[1]))
    hem = np.minimum(np.minimum(PX - xs[0], xs[-1] - PX), np.minimum(PY - ys[0], yc - PY))
    taper = np.clip(hem / 0.04, 0, 1) ** 0.5
    a, b = g.uniform(2, 5, 2)
    quilt = 0.004 * (0.5 + 0.5 * np.sin(a * PX * np.pi / w * 4) * np.sin(b * PY * 2.0)) * (ed < 1e-9)
    thick = (T * (1 - 0.7 * np.clip(ed / (Rw * np.pi / 2 + 0.05), 0, 1)) + quilt) * taper
    inner = base + N * fold[..., None]
    outer = inner + N * thick[..., None]
    rows, cols = PX.shape
    n = rows * cols
    rim = np.zeros((rows, cols), bool)
    rim[0, :] = rim[-1, :] = rim[:, 0] = rim[:, -1] = True
    ids_in = np.where(rim.ravel(), np.arange(n), n + np.arange(n))
    verts = np.concatenate([outer.reshape(-1, 3), inner.reshape(-1, 3)])
    ii, jj = np.meshgrid(np.arange(rows - 1), np.arange(cols - 1), indexing="ij")
    q = (ii * cols + jj).ravel()
    quads_o = np.stack([q, q + 1, q + cols + 1, q + cols], 1)
    quads = np.concatenate([quads_o, ids_in[quads_o][:, ::-1]])
    on_rim = rim.ravel()[np.concatenate([quads_o, quads_o[:, ::-1]])]
    first = np.argmin(on_rim, axis=1)          # a hem corner's quad fans from its one inner vertex (no rim-only triangle)
    quads = np.take_along_axis(quads, (first[:, None] + np.arange(4)[None]) % 4, axis=1)
    used = np.unique(quads)
    remap = np.full(len(verts), -1, np.int64)
    remap[used] = np.arange(len(used))
    verts, quads = verts[used], remap[quads]
    uvs = _planar_uvs(verts[quads]).reshape(-1, 2)
    return _orient(Mesh(verts, quads.ravel(), np.full(len(quads), 4), uvs, mat, True))


def _slab(hx, y0, y1, z0, z1, rc, e, mat):
    """A bed base from -hx..hx, y0..y1, z0..z1: corners rounded ``rc`` in plan, its edges eased by ``e``."""
    cy, hy = (y0 + y1) / 2, (y1 - y0) / 2
    rings = [rrect(0.0, cy, hx - e, hy - e, rc - e, z0), rrect(0.0, cy, hx, hy, rc, z0 + e),
             rrect(0.0, cy, hx, hy, rc, z1 - e), rrect(0.0, cy, hx - e, hy - e, rc - e, z1)]
    return loft(rings, mat, smooth=True)


def bed3(seed, p):
    """Edition-3 bed: see the module's docstring. The headboard is at +Y; the declared surface is the mattress."""
    from .casework import board_uvs
    from .soft import SQUASH
    g = rng_for(seed, "bed", "shape", "e3")
    w, l, mt, hh = p["width"], p["length"], p["mattress_top"], p["headboard_height"]
    fw, fl = w + 0.06, l + 0.08
    W = fw + 0.02                                   # the headboard's width (edition 2's outer bounds)
    divan = g.uniform() < 0.4
    head = ("tufted", "channels", "panelled")[int(g.integers(0, 3))]
    leg = float(g.uniform(0.1, 0.2)) if not divan else 0.025
    mh = float(g.uniform(0.18, 0.26))
    frame_top = mt - mh
    my0, my1 = -fl / 2 + 0.04, fl / 2 - 0.085
    hb_front = fl / 2 - 0.08
    parts = []
    # ---- base: a wooden frame on tapered legs, or an upholstered divan on short feet
    # its corners rounded in plan as much as the mattress's edge, so the duvet rolling round that edge clears them
    re = float(g.uniform(0.03, 0.05))
    bx, by0, by1 = w / 2 + 0.005, my0 - 0.005, fl / 2 - 0.05
    if divan:
        parts.append(_slab(bx, by0, by1, leg, frame_top - 0.001, re + 0.005, 0.012, 3))
        for sx in (-1, 1):
            for sy in (-1, 1):
                parts.append(lathe([(0, 0), (0.022, 0), (0.024, 0.01), (0.02, leg + 0.012), (0, leg + 0.012)], 16, 0)
                             .transformed(offset=(sx * (w / 2 - 0.08), sy * (l / 2 - 0.1), 0.0)))
    else:
        parts.append(board_uvs(_slab(bx, by0, by1, leg, frame_top - 0.001, re + 0.005, 0.004, 0), 1))
        t = float(g.uniform(0.045, 0.06))
        for sx in (-1, 1):
            for sy in (-1, 1):
                parts.append(tapered_leg(sx * (w / 2 - 0.05), sy * (l / 2 - 0.05) - (0.02 if sy > 0 else 0.0), leg + 0.02,
                                         leg * 0.8, t, 0.65))
    # ---- headboard
    if head == "tufted":
        parts += _tufted(W, fl / 2, 0.08, hh, mt, g, 3)
    elif head == "channels":
        k = int(g.integers(5, 10))
        cw = (W - 0.02 - 0.004 * (k - 1)) / k
        parts.append(board_uvs(rbox((-W / 2 + 0.01, fl / 2 - 0.03, 0.0), (W / 2 - 0.01, fl / 2, hh - 0.02), 0.004, 1), 0))
        for i in range(k):
            x0 = -W / 2 + i * (cw + 0.004)
            parts.append(_front_block(x0, x0 + cw, fl / 2 - 0.015, 0.065, 0.0, hh, min(0.03, cw * 0.3), 0.02,
                                      rim=(0.6, 0.08), cells=(4, _seg(int(hh / 0.05), 6), 1), mat=3))
    else:
        pw, z_b = 0.06, (leg if not divan else 0.0) + 0.01
        yb, yf = fl / 2 - 0.005, fl / 2 - 0.075
        for sx in (-1, 1):
            x0, x1 = sorted((sx * W / 2, sx * (W / 2 - pw)))
            parts.append(board_uvs(rbox((x0, yf, 0.0), (x1, yb, hh), 0.004, 2), 2))
        xi = W / 2 - pw + 0.005
        rails = [(z_b, frame_top + 0.06), (hh - 0.09, hh - 0.012)]
        for z0, z1 in rails:
            parts.append(board_uvs(rbox((-xi, yf + 0.007, z0), (xi, yb - 0.007, z1), 0.003, 2), 0))
        parts.append(board_uvs(rbox((-xi, fl / 2 - 0.05, rails[0][1] - 0.005), (xi, fl / 2 - 0.03, rails[1][0] + 0.005),
                                    0.002, 1), 2))
        k = int(g.integers(2, 5))
        for i in range(1, k):
            x = -xi + 2 * xi * i / k
            parts.append(board_uvs(rbox((x - 0.025, fl / 2 - 0.062, rails[0][1] - 0.008), (x + 0.025, fl / 2 - 0.018,
                                                                                          rails[1][0] + 0.008), 0.003, 2), 2))
    # ---- mattress, pillows, duvet
    parts.append(soft_block((-w / 2, my0, frame_top), (w / 2, my1, mt), re, crown=0.006, pipe=0.0025,
                            rim=(min(0.5, 0.16 / w), min(0.5, 0.16 / (my1 - my0))), cells=(12, 16, 2), mat=1))
    n = p["pillows"]
    pw_ = (w - 0.1) / n
    PL = float(g.uniform(0.36, 0.44))
    py = my1 - 0.015 - PL / 2
    for i in range(n):
        PW = min(0.72, pw_ - 0.05)
        gp = rng_for(seed, "bed", "pillow", i)
        body, _ = _pillow(PW, min(PL, PW), float(g.uniform(0.11, 0.15)), float(gp.uniform(0.04, 0.08)), _seg(14, 6), gp)
        body = body.transformed(rot_x(-np.pi / 2))   # lying on its back: the thickness up, the face's height along Y
        v = body.verts
        z0 = v[:, 2].min() + SQUASH
        v[:, 2] = np.where(v[:, 2] < z0, z0 + (v[:, 2] - z0) * 0.08, v[:, 2])
        v -= [0.0, 0.0, v[:, 2].min()]
        cx = -w / 2 + 0.05 + pw_ * (i + 0.5)
        parts.append(body.transformed(offset=(cx, py, mt + 0.001)).with_material(1))
    yc = py - PL / 2 - 0.03
    hang = min(float(g.uniform(0.14, 0.3)), mt - re - 0.1 - 0.05)
    parts.append(_duvet(w, my0, yc, mt + 0.005, re, 0.012, hang, float(g.uniform(0.03, 0.045)), g, 2))
    mats = (finishes.furniture(rng_for(seed, "bed", "mat", "frame", "e3"), 0.75),
            material("fabric", rng_for(seed, "bed", "mat", "sheet"), "white"),
            finishes.bedding(rng_for(seed, "bed", "mat", "blanket", "e3")),
            finishes.upholstery(rng_for(seed, "bed", "mat", "upholstery", "e3")))
    top = {"lo": [round(-w / 2, 6), round(my0, 6)], "hi": [round(w / 2, 6), round(my1, 6)], "z": round(mt, 6), "clear": 1.0}
    return Asset(merge(parts), mats, (top,))
