"""Edition-3 mirror and wall art (bpy-free): moulded frames swept round their outline (mitred at the corners of a
rectangle, continuous round a circle or an arch), a mirror pane 4 mm thick in the frame's rebate (most with a
bevelled face) over a backing board or a bevelled frameless pane held by clips, in silvered glass (the ``mirror``
kind); a picture behind a passe-partout with a bevelled window, mostly glazed (or a canvas in a float frame, or a
gallery-wrapped canvas without one). Same conventions as interior.py: back at y = 0 (against the wall), front -Y, lowest
point z = 0, the bounds of edition 2 for the same params (a round mirror is as wide as the smaller side).
"""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _orient, _seg, loft, merge, rbox, rng_for
from .. import finishes
from ..materials import material
from ..registry import Asset
from .parts import window_panel


def outline(kind: str, w: float, h: float, n: int = 48):
    """Float["N 2"]: a convex outline (x, z) counter-clockwise seen from the front (-Y): "rect" w x h from z = 0,
    "round" a circle of diameter min(w, h), "oval" an ellipse w x h, "arch" a rectangle under a half-circle top w wide."""
    n = _seg(n, 16)
    if kind == "rect":
        return np.array([(-w / 2, 0.0), (-w / 2, h), (w / 2, h), (w / 2, 0.0)])
    if kind in ("round", "oval"):
        rx, rz = (min(w, h) / 2,) * 2 if kind == "round" else (w / 2, h / 2)
        t = np.linspace(0, 2 * np.pi, n + 1)[:-1]
        return np.stack([-rx * np.sin(t), rz - rz * np.cos(t)], 1)
    r = w / 2
    t = np.linspace(0.0, np.pi, n // 2 + 1)
    return np.concatenate([[(w / 2, 0.0)], np.stack([r * np.cos(t), h - r + r * np.sin(t)], 1), [(-w / 2, 0.0)]])


def inset(path, o: float):
    """``path`` moved ``o`` inwards (mitred: each corner along its bisector)."""
    c = path.mean(0)
    e = np.roll(path, -1, 0) - path
    nrm = np.stack([-e[:, 1], e[:, 0]], 1) / np.linalg.norm(e, axis=1, keepdims=True)
    if (nrm * (c - path)).sum() < 0:
        nrm = -nrm
    na, nb = np.roll(nrm, 1, 0), nrm             # the edges before and after each vertex
    m = (na + nb) / (1.0 + (na * nb).sum(1, keepdims=True))
    return path + m * o


def frame_loop(path, prof, mat: int = 0, smooth: bool = False) -> Mesh:
    """A moulding of section ``prof`` [(o, y)] (o inwards from ``path``, y through the wall; a closed loop) swept
    round the closed outline ``path``: a closed ring solid, mitred at the corners."""
    N, K = len(path), len(prof)
    verts = np.concatenate([np.stack([q[:, 0], np.full(N, y), q[:, 1]], 1) for q, y in
                            ((inset(path, o), y) for o, y in prof)])       # (K * N, 3), profile-major
    i = np.arange(N)[None, :]
    j = np.arange(K)[:, None]
    quads = np.stack([j * N + i, j * N + (i + 1) % N, ((j + 1) % K) * N + (i + 1) % N, ((j + 1) % K) * N + i], -1).reshape(-1, 4)
    # UVs: u along each side of the outline (the grain follows the moulding round the frame), v round the section
    e = np.roll(path, -1, 0) - path
    e = e / np.linalg.norm(e, axis=1, keepdims=True)
    side = np.broadcast_to(i, (K, N)).reshape(-1)
    pts = verts[quads][:, :, [0, 2]]                                       # (F, 4, 2)
    u = np.einsum("fcd,fd->fc", pts, e[side])
    pv = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(np.asarray(prof, float), axis=0), axis=1))])
    jj = np.broadcast_to(j, (K, N)).reshape(-1)
    v0, v1 = pv[jj], np.where(jj + 1 < K, pv[(jj + 1) % K], pv[-1] + np.linalg.norm(np.subtract(prof[-1], prof[0])))
    uvs = np.stack([u, np.stack([v0, v0, v1, v1], 1)], -1).reshape(-1, 2)
    return _orient(Mesh(verts, quads.ravel(), np.full(len(quads), 4), uvs, mat, smooth))


def slab(path, y0: float, y1: float, mat: int, o: float = 0.0) -> Mesh:
    """A flat plate of outline ``path`` (moved ``o`` inwards) from y0 to y1."""
    q = inset(path, o)
    return loft([np.stack([q[:, 0], np.full(len(q), y), q[:, 1]], 1) for y in (y0, y1)], mat, smooth=False)


def moulding(fw: float, dep: float, style: str):
    """A frame section [(o, y)]: ``fw`` wide, ``dep`` deep, back at y = 0, with a rebate 8 mm deep behind the sight
    edge for the glass or the picture. "ogee": a bead at the outer edge, a cove falling to a flat and a lip at the
    sight edge; "bevel": a slope up to a flat and a rounded outer edge (a metal or modern frame)."""
    if style == "ogee":
        a = np.linspace(0, np.pi, 6)
        bead = [(fw * 0.14 * (1 - np.cos(t)), -dep * 0.8 - dep * 0.2 * np.sin(t)) for t in a]
        cove = [(fw * 0.28 + fw * 0.32 * (1 - np.cos(t)), -dep * 0.8 + dep * 0.3 * np.sin(t)) for t in np.linspace(0, np.pi / 2, 4)[1:]]
        top = [(0.0, 0.0), (0.0, -dep * 0.8)] + bead[1:] + cove + [(fw * 0.82, -dep * 0.52), (fw * 0.9, -dep * 0.62), (fw, -dep * 0.55)]
    else:
        top = [(0.0, 0.0), (0.0, -dep + 0.004), (0.0012, -dep + 0.0012), (0.004, -dep), (fw * 0.35, -dep), (fw, -dep * 0.55)]
    return top + [(fw, -0.008), (fw - 0.008, -0.008), (fw - 0.008, 0.0)]


def mirror3(seed, p):
    """Edition-3 mirror: a rectangular, round, oval or arched pane in a moulded wooden or metal frame over a backing
    board, or a bevelled frameless pane on clips."""
    g = rng_for(seed, "mirror", "shape", "e3")
    w, h = p["width"], p["height"]
    kind = ("rect", "round", "arch")[int(g.choice(3, p=(0.5, 0.25, 0.25)))]
    if kind == "arch" and h < w * 0.5 + 0.15:
        kind = "rect"
    if kind == "round" and max(w, h) > 1.15 * min(w, h) and rng_for(seed, "mirror", "oval", "e3").uniform() < 0.6:
        kind = "oval"            # an ellipse filling the w x h box
    path = outline(kind, w, h)
    style = ("ogee", "bevel", "frameless")[int(g.choice(3, p=(0.45, 0.3, 0.25)))]
    parts = []
    if style == "frameless":     # a pane 7 mm thick on a backing board, held by four clips: its bevel falls 5 mm over
        # 25 mm to a 2 mm edge, steep enough (11 degrees) to catch other light than the face does: a bright line.
        # The pane 3 mm inside the bounds all round: the clips over its edge reach them, not past (z >= 0)
        path = outline(kind, w - 0.006, h - 0.006) + (0.0, 0.003)
        inner = inset(path, 0.025)
        rings = [np.stack([q[:, 0], np.full(len(q), y), q[:, 1]], 1) for q, y in ((path, -0.0045), (path, -0.0065), (inner, -0.0115))]
        parts.append(loft(rings, 1, smooth=False))
        parts.append(slab(path, -0.005, -0.0005, 2, 0.03))
        lo, hi = path.min(0), path.max(0)
        for x, z in (((lo[0] + hi[0]) / 2, lo[1]), ((lo[0] + hi[0]) / 2, hi[1]), (lo[0], (lo[1] + hi[1]) / 2), (hi[0], (lo[1] + hi[1]) / 2)):
            cx, cz = (0.012, 0.006) if z in (lo[1], hi[1]) else (0.006, 0.012)      # half sizes
            c = np.array([x, z]) - np.sign(np.array([x, z]) - path.mean(0)) * 0.003      # 3 mm over the pane's edge
            parts.append(rbox((c[0] - cx, -0.012, c[1] - cz), (c[0] + cx, -0.002, c[1] + cz), 0.0015, 1, 0))
        fw = 0.0
    else:
        fw = float(g.uniform(0.035, 0.07)) if style == "ogee" else float(g.uniform(0.018, 0.03))
        # a metal frame 28-40 mm deep: it stands off the glass, and the glass shows its inner face again
        dep = float(g.uniform(0.025, 0.035)) if style == "ogee" else float(rng_for(seed, "mirror", "depth", "e3").uniform(0.028, 0.04))
        parts.append(frame_loop(path, moulding(fw, dep, style), 0, smooth=kind != "rect"))
        if rng_for(seed, "mirror", "bevel", "e3").uniform() < 0.75:    # a bevelled pane: its face falls 3.6 mm
            # over the 22 mm inside the sight edge (and 12 mm under the lip), a bright line that says "glass"
            rings = [np.stack([q[:, 0], np.full(len(q), y), q[:, 1]], 1)
                     for q, y in ((inset(path, fw - 0.012), -0.0035), (inset(path, fw - 0.012), -0.0042), (inset(path, fw + 0.022), -0.0078))]
            parts.append(loft(rings, 1, smooth=False))
        else:
            parts.append(slab(path, -0.0075, -0.0035, 1, fw - 0.012))   # the pane, its edge under the lip
        parts.append(slab(path, -0.004, -0.0005, 2, fw - 0.0075))       # the backing board behind it
    m = merge(parts)
    gm = rng_for(seed, "mirror", "mat", "e3")
    frame = (finishes.wood(gm) if gm.uniform() < 0.5 else finishes.paint(gm)) if style == "ogee" else finishes.hardware(gm)
    silver = material("mirror", rng_for(seed, "mirror", "mat", "silver", "e3"))   # silvered glass, faintly green
    back = {"kind": "paint", "params": {"base_color": [0.05, 0.045, 0.04], "roughness": 0.8, "wear": 0.0}}
    return Asset(m, (frame, silver, back))


def wall_art3(seed, p):
    """Edition-3 picture: a moulded frame (``frame`` wide) round a passe-partout with a bevelled window and the
    picture behind it (most behind 2 mm of glass), or a canvas standing in a float frame; or, unframed, a
    gallery-wrapped canvas 2-3 cm deep (the painting carried round its sides)."""
    g = rng_for(seed, "wall_art", "shape", "e3")
    w, h, f = p["width"], p["height"], p["frame"]
    dep = 0.03
    path = outline("rect", w, h)
    style = "ogee" if g.uniform() < 0.6 else "bevel"
    g2 = rng_for(seed, "wall_art", "shape", "e3", "wrap")
    if g2.uniform() < 0.3:       # a gallery-wrapped canvas, no frame: the painting carried round a stretcher 2-3 cm deep
        cd = float(g2.uniform(0.02, 0.03))
        return Asset(rbox((-w / 2, -cd, 0.0), (w / 2, 0.0, h), 0.003, 2, 2), _wall_art_mats(seed, style))
    parts = [frame_loop(path, moulding(f, dep, style), 0)]
    x0, x1, z0, z1 = -w / 2 + f - 0.006, w / 2 - f + 0.006, f - 0.006, h - f + 0.006   # 6 mm under the sight edge
    if g.uniform() < 0.7:        # a passe-partout: a 2.5 mm board with a bevelled window, the picture behind it
        mm = min(w, h) * float(g.uniform(0.08, 0.16))
        wx0, wx1, wz0, wz1 = x0 + 0.006 + mm, x1 - 0.006 - mm, z0 + 0.006 + mm * 1.1, z1 - 0.006 - mm * 0.9
        glazed = g2.uniform() < 0.7      # behind 2 mm of glass (just clear of the lip), the mat 1.6 mm further back
        b = 0.0016 if glazed else 0.0
        parts.append(window_panel(x0, x1, z0, z1, wx0, wx1, wz0, wz1, -0.0075 + b, -0.005 + b + 0.0001 * glazed, 0.0018, 1))
        parts.append(rbox((wx0 - 0.01, -0.0054 + b, wz0 - 0.01), (wx1 + 0.01, -0.0042 + b, wz1 + 0.01), 0.0, 0, 2))
        parts.append(rbox((x0 + 0.002, -0.0045 + b, z0 + 0.002), (x1 - 0.002, -0.0005, z1 - 0.002), 0.0, 0, 3))
        if glazed:
            parts.append(rbox((x0 + 0.001, -0.0079, z0 + 0.001), (x1 - 0.001, -0.0057, z1 - 0.001), 0.0, 0, 4))
    else:                        # a canvas on a stretcher, its face 2 mm behind the sight edge
        parts.append(rbox((x0 + 0.002, -dep * 0.55 + 0.002, z0 + 0.002), (x1 - 0.002, -0.0005, z1 - 0.002), 0.002, 1, 2))
    return Asset(merge(parts), _wall_art_mats(seed, style))


def _wall_art_mats(seed, style):
    """(frame, passe-partout, picture, backing board, glass) of a picture."""
    gm = rng_for(seed, "wall_art", "mat", "e3")
    frame = (finishes.wood(gm) if gm.uniform() < 0.55 else finishes.paint(gm)) if style == "ogee" else finishes.hardware(gm)
    mat_board = {"kind": "paint", "params": {"base_color": [round(float(c), 4) for c in
                                                            ((0.85, 0.83, 0.78), (0.78, 0.76, 0.7), (0.03, 0.03, 0.03))[int(gm.choice(3, p=(0.55, 0.3, 0.15)))]],
                                             "roughness": 0.9, "wear": 0.0}}
    back = {"kind": "paint", "params": {"base_color": [0.3, 0.2, 0.1], "roughness": 0.9, "wear": 0.0}}
    glass = {"kind": "glass", "params": {"base_color": [0.96, 0.98, 0.97], "roughness": 0.0, "ior": 1.5, "transmission": 1.0}}
    return frame, mat_board, material("painting", rng_for(seed, "wall_art", "mat", "canvas")), back, glass
