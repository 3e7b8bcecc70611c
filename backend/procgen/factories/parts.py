"""Small part builders shared by the edition-3 factories (bpy-free): bar handles on standoffs, a framed panel with
a window (a rectangular ring), control knobs with a grip fin, a grille of louvres.

Same conventions as the factories: metres, Z up, fronts facing -Y. Every part is a closed shell; where a part meets
another it is sunk into it (its end faces buried), never laid face to face on it.
"""
from __future__ import annotations

import numpy as np

from ..geometry import Mesh, _orient, _planar_uvs, box, lathe, rot_align_z, rot_x, rot_z


def bar(a, b, r: float, mat: int, segments: int = 14) -> Mesh:
    """A round bar from point ``a`` to point ``b`` with domed ends (a lathe along the bar's axis)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    L = float(np.linalg.norm(b - a))
    k = np.linspace(0.0, np.pi / 2, 4)
    dome = min(r, L / 3)
    prof = [(0.0, 0.0)] + [(r * np.sin(t), dome * (1 - np.cos(t))) for t in k[1:]]
    prof += [(r * np.sin(t), L - dome * (1 - np.cos(t))) for t in k[::-1][:-1]] + [(0.0, L)]
    return lathe(prof, segments, mat).transformed(rot_align_z(b - a), a)


def standoff_bar(p0, p1, y_face: float, out: float, r: float, mat: int, post_r: float | None = None):
    """A bar handle from ``p0`` to ``p1`` (x, z on a front facing -Y at ``y_face``) held ``out`` m in front of it by
    two tapered posts sunk 2 mm into the front. Returns a list of meshes."""
    p0, p1 = np.asarray(p0, np.float64), np.asarray(p1, np.float64)
    post_r = r * 0.75 if post_r is None else post_r
    yb = y_face - out
    parts = [bar((p0[0], yb, p0[1]), (p1[0], yb, p1[1]), r, mat)]
    for t in (0.1, 0.9):
        x, z = p0 + (p1 - p0) * t
        post = lathe([(0.0, 0.0), (post_r * 1.25, 0.0), (post_r, out + 0.002), (0.0, out + 0.002)], 12, mat)
        parts.append(post.transformed(rot_x(np.pi / 2), (x, y_face + 0.002, z)))
    return parts


def rect_ring(loops, mat: int = 0, smooth: bool = False) -> Mesh:
    """A closed ring solid through rectangular ``loops`` [(x0, x1, z0, z1, y), ...] taken in order round its
    cross-section (e.g. outer front, outer back, inner back, inner front): a door frame round a window, a picture
    frame, a zone ring. Quads join consecutive loops (and the last to the first)."""
    L = np.asarray(loops, np.float64)
    n = len(L)
    corners = np.stack([np.stack([L[:, 0], L[:, 4], L[:, 2]], 1), np.stack([L[:, 1], L[:, 4], L[:, 2]], 1),
                        np.stack([L[:, 1], L[:, 4], L[:, 3]], 1), np.stack([L[:, 0], L[:, 4], L[:, 3]], 1)], 1)
    verts = corners.reshape(-1, 3)
    i = np.arange(n)[:, None]
    j = np.arange(4)[None, :]
    quads = np.stack([i * 4 + j, i * 4 + (j + 1) % 4, ((i + 1) % n) * 4 + (j + 1) % 4, ((i + 1) % n) * 4 + j], -1).reshape(-1, 4)
    uvs = _planar_uvs(verts[quads]).reshape(-1, 2)
    return _orient(Mesh(verts, quads.ravel(), np.full(len(quads), 4), uvs, mat, smooth))


def window_panel(x0, x1, z0, z1, hx0, hx1, hz0, hz1, y0, y1, c: float = 0.003, mat: int = 0) -> Mesh:
    """A panel from (x0, z0) to (x1, z1), ``y0`` (front) to ``y1`` (back), with a window (hx0..hx1, hz0..hz1)
    through it; the outer and window edges of its front chamfered by ``c``."""
    return rect_ring([(x0 + c, x1 - c, z0 + c, z1 - c, y0), (x0, x1, z0, z1, y0 + c), (x0, x1, z0, z1, y1),
                      (hx0, hx1, hz0, hz1, y1), (hx0, hx1, hz0, hz1, y0 + c), (hx0 - c, hx1 + c, hz0 - c, hz1 + c, y0)], mat)


def knob(x, z, y_face, r, angle, mat_body, mat_mark):
    """A cooker knob on a front facing -Y at ``y_face``: a skirt, a grip cylinder and a fin across it (turned by
    ``angle``), sunk 2 mm into the front; a pointer mark on the skirt in ``mat_mark``."""
    skirt = lathe([(0, -0.002), (r, -0.002), (r, 0.005), (r * 0.93, 0.007), (0, 0.007)], 24, mat_body)
    grip = lathe([(0, 0.006), (r * 0.72, 0.006), (r * 0.7, 0.02), (r * 0.62, 0.023), (0, 0.023)], 20, mat_body)
    fin = box((-r * 0.85, -r * 0.17, 0.008), (r * 0.85, r * 0.17, 0.027), mat_body)
    mark = box((r * 0.55, -0.0012, 0.0065), (r * 0.9, 0.0012, 0.0075), mat_mark)
    turn = rot_z(angle)
    out = []
    for m in (skirt, grip, fin, mark):
        out.append(m.transformed(turn).transformed(rot_x(np.pi / 2), (x, y_face, z)))
    return out


def louvres(x0, x1, z0, z1, y_front, depth, n: int, mat: int):
    """``n`` horizontal louvre slats between z0 and z1, ``depth`` deep from ``y_front`` backwards, a gap as high
    as a slat between neighbours (a grille's bars)."""
    n = max(2, int(n))
    pitch = (z1 - z0) / n
    return [box((x0, y_front, z0 + k * pitch + pitch * 0.25), (x1, y_front + depth, z0 + k * pitch + pitch * 0.75), mat)
            for k in range(n)]


def ring(r_in, r_out, z0, z1, mat, segments=48) -> Mesh:
    """A flat annulus (a burner's drip ring, a cooking zone's print) from ``r_in`` to ``r_out``, z0 to z1."""
    return lathe([(r_in, z0), (r_out, z0), (r_out, z1), (r_in, z1)], segments, mat, loop=True)
