"""Edition-3 books (bpy-free): cover designs and paperbacks.

A hard cover is edition 2's (``small_detail.book``: boards, rounded spine, page block, spine title) with a design
on its boards; a paperback (about a third of books) has a thin card cover flush with its pages all round and a
square spine carrying the title band. The designs are seeded combinations of a border frame (a foil or ink rule
inset from the board's edges), a title panel (a block in the band's colour with the title on it in the spine's
pixel font and a line or two of "author", in foil or ink) and a contrasting band across the cover; the back
carries the band and a blurb (short lines of ink). The printed or blocked parts stand 0.1-0.38 mm proud of the
cover and are sunk into it, each kind at its own depth, 0.04 mm or more from any other (no two faces in one
plane). The bounds for the same params are edition 2's (books stand on shelves by their bounds): built standing,
spine towards -Y, then laid on the back cover, front cover up, as edition 2 does.
"""
from __future__ import annotations

import numpy as np

from ..geometry import box, boxes, detail_level, merge, rng_for, rot_y
from ..materials import material
from .small_detail import _FONT, _LETTERS, _title, book as book2

COVER, PAGES, BAND, INK = 0, 1, 2, 3
_COVER_TEXT = np.array([[0.0, -1.0, 0.0], [0.0, 0.0, -1.0], [1.0, 0.0, 0.0]])
"""Turns ``_glyph_boxes``' spine letters (reading down -z, their tops towards +x, standing out towards -y) to read
along +y on the front cover, tops up, standing out towards +x."""


def _design(g, x, y0, y1, h, side, band):
    """The cover design's parts on the board face at x = ``x`` (``side`` +1: the front, facing +X; -1: the back),
    the flat of the board spanning y0..y1 and 0..h: the ``band`` ((z, height) or None) across it; on the front a
    border rule and (or) a title panel with the title and an author's line or two, on the back a blurb."""
    def plate(ya, yb, za, zb, front, back, mat):     # front/back: how far out of / into the face
        lo, hi = sorted((x + side * front, x - side * back))
        return box((lo, ya, za), (hi, yb, zb), mat)
    parts = []
    w = y1 - y0
    if band is not None:     # a contrasting band across the cover, from the spine's lap to the fore-edge
        parts.append(plate(y0 - 0.001, y1 + 0.0015, band[0], band[0] + band[1], 0.0001, 0.0003, BAND))
    if side < 0:             # the blurb on the back: lines of ink in the middle, as words where the detail allows
        n = int(g.integers(4, 8))
        brk = int(g.integers(2, n)) if n > 4 else n       # a paragraph ends after line ``brk - 1``: a blank line
        words = []
        for k in range(n):
            z = h * 0.6 - (k + (k >= brk)) * h * 0.035
            last = k == n - 1 or k == brk - 1
            lw = w * (0.6 if not last else 0.35) * float(g.uniform(0.85, 1.0))
            if detail_level() >= 1.0:
                words += _words(g, y0 + w * 0.2, lw, z, h * 0.012)
            else:
                parts.append(plate(y0 + w * 0.2, y0 + w * 0.2 + lw, z, z + h * 0.012, 0.0002, 0.0004, INK))
        if words:            # read from the back, the fore-edge is on the left: the lines start there
            lo, hi = np.array(words).transpose(1, 0, 2)
            lo[:, 0], hi[:, 0] = y0 + y1 - hi[:, 0], y0 + y1 - lo[:, 0]
            parts.append(_inked(lo, hi, x, side, 0.0002, 0.0004))
        return parts
    border = g.uniform() < 0.5
    if border:               # a rule inset 6-12 mm from the edges: four strips, overlapping at the corners
        e = float(g.uniform(0.006, 0.012))
        rw = float(g.uniform(0.0012, 0.0025))
        ya, yb, za, zb = y0 + e, y1 - e, e + 0.003, h - e - 0.003
        yi, yo = ya + rw * 0.5, yb - rw * 0.5           # the rails' ends inside the stiles
        parts += [plate(yi, yo, za, za + rw, 0.00018, 0.00036, INK), plate(yi, yo, zb - rw, zb, 0.00018, 0.00036, INK),
                  plate(ya, ya + rw, za - 0.0004, zb + 0.0004, 0.00026, 0.00042, INK),
                  plate(yb - rw, yb, za - 0.0004, zb + 0.0004, 0.00026, 0.00042, INK)]
    if g.uniform() < 0.65 or not (border or band):   # a title panel in the upper half: a title, an author
        pw = w * float(g.uniform(0.55, 0.78))
        ph = h * float(g.uniform(0.14, 0.22))
        pz = h * float(g.uniform(0.5, 0.6))
        yc = (y0 + y1) / 2
        parts.append(plate(yc - pw / 2, yc + pw / 2, pz, pz + ph, 0.0003, 0.00048, BAND))
        lines = int(g.integers(2, 4))
        lh = ph / (lines * 2 + 1)
        for k in range(lines):                      # the title's line (wider, taller), then the author's
            lw = pw * (0.75 if k == 0 else float(g.uniform(0.35, 0.6)))
            top = pz + ph - lh * (2 * k + 1)
            tall = lh * (1.2 if k == 0 else 0.8)
            px = tall / 5
            if k == 0:
                text = _title(g, int(lw // (4 * px))) if detail_level() >= 0.5 and px >= 0.0008 else ""
            else:                                   # the author, an initial and a name, in letters where they show
                text = _author(g, int(lw // (4 * px))) if k == 1 and detail_level() >= 1.0 and px >= 0.0008 else ""
            if text:                                # in the spine's pixel font, reading across the cover
                glyphs = _glyph_boxes3(text, 0.0, px, 0.0, -0.00038, 0.00014, INK)
                n = len(text) * 4 * px - px
                parts.append(glyphs.transformed(_COVER_TEXT, (x, yc - n / 2, top - tall / 2)))
            elif k > 0 and detail_level() >= 0.5:   # too small for letters: the words as runs of ink
                wl = _words(g, yc - lw / 2, lw, top - tall, tall * 0.8)
                lo, hi = np.array(wl).transpose(1, 0, 2)
                parts.append(_inked(lo, hi, x, side, 0.00038, -0.00014))
            else:
                parts.append(plate(yc - lw / 2, yc + lw / 2, top - tall, top, 0.00038, -0.00014, INK))
    return parts


def _runs(cells, along):
    """Maximal runs of 2 or more cells of ``cells`` (a set of (row, col)) along rows (``along`` 1) or columns (0),
    taken out of ``cells``: [(r0, r1, c0, c1)]."""
    out = []
    for a in range(5 if along else 3):
        b = 0
        while b < (3 if along else 5):
            key = (lambda k: (a, k)) if along else (lambda k: (k, a))
            e = b
            while key(e) in cells and e < (3 if along else 5):
                e += 1
            if e - b >= 2:
                out.append((a, a, b, e - 1) if along else (b, e - 1, a, a))
                cells -= {key(k) for k in range(b, e)}
            b = e + 1 if e == b else e
    return out


def _rects(ch):
    """A glyph of the 3 x 5 font as few rectangles (r0, r1, c0, c1) of ink: runs down its columns first or along its
    rows first (whichever needs fewer), then the cells left one by one."""
    best = None
    for first in (0, 1):
        cells = {(r, c) for r, row in enumerate(_FONT[ch]) for c in range(3) if row[c] == "1"}
        rects = _runs(cells, first) + _runs(cells, 1 - first)
        rects += [(r, r, c, c) for r, c in sorted(cells)]
        best = rects if best is None or len(rects) < len(best) else best
    return best


_RECTS = {ch: _rects(ch) for ch in _FONT}


def _glyph_boxes3(text, z_top, px, x_mid, y_front, y_back, mat):
    """``small_detail._glyph_boxes``'s letters in fewer boxes (about 3.5 a letter instead of 5.5; columns and arms
    instead of rows), placed the same way: reading down from ``z_top``, tops towards +x, a 0.16 ``px`` gap between
    any two boxes. One mesh (or None)."""
    lo, hi = [], []
    for i, ch in enumerate(text):
        if ch == " ":
            continue
        z_hi = z_top - i * 4 * px
        for r0, r1, c0, c1 in _RECTS[ch]:
            lo.append((x_mid + (2 - r1) * px - px * 0.42, y_front, z_hi - (c1 + 1) * px + px * 0.08))
            hi.append((x_mid + (2 - r0) * px + px * 0.42, y_back, z_hi - c0 * px - px * 0.08))
    return boxes(lo, hi, mat) if lo else None


def _words(g, ya, length, z, th):
    """[(lo (y, z), hi (y, z))]: a line of print ``th`` high from y = ``ya``, ``length`` long, as words of 2-11
    letters (a letter 0.5 ``th`` wide) with a space of 0.6 ``th`` between them: the first at most 60 % of the line,
    the last cut to the room left (two letters or more)."""
    out, y = [], ya
    while True:
        wl = int(g.integers(2, 12)) * 0.5 * th
        room = ya + length - y
        if out and room < th:
            return out
        wl = min(wl, room if out else 0.6 * length)
        out.append(((y, z), (y + wl, z + th)))
        y += wl + 0.6 * th


def _inked(lo, hi, x, side, front, back):
    """Ink boxes over (y, z) rectangles ``lo``..``hi`` on the board face at x = ``x`` (``side`` as ``_design``'s),
    standing ``front`` out of the face and sunk ``back`` into it: one mesh."""
    xa, xb = sorted((x + side * front, x - side * back))
    n = len(lo)
    return boxes(np.column_stack([np.full(n, xa), lo]), np.column_stack([np.full(n, xb), hi]), INK)


def _author(rng, n_max: int) -> str:
    """A seeded author's name from the font's letters: an initial and a surname of 4-8 letters, at most ``n_max``
    characters (the initial alone where the surname does not fit)."""
    name = _LETTERS[int(rng.integers(0, len(_LETTERS)))] + " " + "".join(rng.choice(list(_LETTERS), int(rng.integers(4, 9))))
    return name[:max(n_max, 0)].strip()


def _paperback(rng, p):
    """A paperback standing: a card cover 0.8 mm thick flush with its pages, a square spine with the title band."""
    h, d, t = p["height"], p["depth"], p["thickness"]
    X = t / 2 + 0.00005                       # the cover's outer faces (edition 2's spine stands 0.4 mm out)
    cv = 0.0008
    parts = [box((-X + 0.0002, -d / 2, 0.0002), (X - 0.0002, -d / 2 + cv, h - 0.0002), COVER)]      # the spine
    parts += [box((X - cv, -d / 2 + 0.0002, 0.0), (X, d / 2, h), COVER), box((-X, -d / 2 + 0.0002, 0.0), (-X + cv, d / 2, h), COVER)]
    parts.append(box((-X + cv - 0.0002, -d / 2 + cv - 0.0002, 0.0008), (X - cv + 0.0002, d / 2 - 0.0008, h - 0.0008), PAGES))
    # the title band on the spine and the title on it
    bh = h * rng.uniform(0.28, 0.45)
    bz1 = h * rng.uniform(0.8, 0.9)
    parts.append(box((-X + 0.0011, -d / 2 - 0.0002, bz1 - bh), (X - 0.0011, -d / 2 + 0.0004, bz1), BAND))
    px = min(0.4 * t, 0.012) / 5
    if detail_level() >= 0.5 and px >= 0.0008:
        letters = _glyph_boxes3(_title(rng, int((bh - 2 * px) // (4 * px))), bz1 - px, px, 0.0, -d / 2 - 0.0005, -d / 2 + 0.0001, INK)
        parts += [letters] if letters is not None else []
    return merge(parts), X, -d / 2 + cv + 0.0013


def book3(seed, p):
    """Edition-3 book (see the module's docstring)."""
    g = rng_for(seed, "book", "cover", "e3")
    h, d, t = p["height"], p["depth"], p["thickness"]
    standing = dict(p, standing=1)
    m2, mats = book2(seed, standing)
    cover, pages, band, ink = mats
    if g.uniform() < 0.35:                   # a paperback: printed card, matt or glossy
        m, x, y0 = _paperback(rng_for(seed, "book", "detail"), p)
        cm = material("paint", rng_for(seed, "book", "mat", "cover", "e3"), "cover")
        cm["params"].update(roughness=round(float(g.uniform(0.25, 0.6)), 4), wear=round(float(g.uniform(0.0, 0.2)), 4))
        cover = cm
    else:                                    # edition 2's hard cover, its boards' flat beyond the spine's lap
        m, x = m2, t / 2
        c = min(0.003, t / 6)
        y0 = -d / 2 + min(t * 0.22, 0.008) + 1.6 * c + 0.002
    y1 = d / 2 - 0.003
    strip = None
    if g.uniform() < 0.5:    # a band across both boards, low or high
        bh = h * float(g.uniform(0.1, 0.22))
        strip = (h * float(g.uniform(0.08, 0.14)) if g.uniform() < 0.6 else h * float(g.uniform(0.66, 0.74)), bh)
    parts = [m] + _design(g, x, y0, y1, h, 1, strip)
    parts += _design(rng_for(seed, "book", "cover", "e3", "back"), -x, y0, y1, h, -1, strip)
    m = merge(parts)
    if not p["standing"]:  # lay it on its back cover, front cover (+X) up (as edition 2)
        m = m.transformed(rot_y(-np.pi / 2), (h / 2, 0.0, 0.0))
        m.verts[:, 2] -= m.verts[:, 2].min()
    return m, (cover, pages, band, ink)
