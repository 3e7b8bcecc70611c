"""Edition 2 of the small indoor objects (bpy-free): books with a page block, a rounded spine and a title; bottles
of hollow glass with a separate cap or cork and a label band; ceramics with rolled rims and foot rings.

``small.py``'s factories call these when ``geometry.edition() >= 2``; edition 1 (the embedded corpus's) stays
there, unchanged. Same conventions: metres, Z up, origin at the centre of the base, min z = 0; every part is a
closed shell, joined to its neighbours (one inside the other) or separated by a gap, never face to face.
"""
from __future__ import annotations

import numpy as np

from ..geometry import _seg, box, detail_level, lathe, loft, merge, rbox, rng_for, rot_y
from ..materials import material

# A 3 x 5 pixel font (rows top to bottom, "1" = ink) for the embossed titles on book spines.
_FONT = {
    "A": ("010", "101", "111", "101", "101"), "B": ("110", "101", "110", "101", "110"),
    "C": ("011", "100", "100", "100", "011"), "D": ("110", "101", "101", "101", "110"),
    "E": ("111", "100", "110", "100", "111"), "H": ("101", "101", "111", "101", "101"),
    "I": ("111", "010", "010", "010", "111"), "L": ("100", "100", "100", "100", "111"),
    "M": ("101", "111", "111", "101", "101"), "N": ("110", "101", "101", "101", "101"),
    "O": ("010", "101", "101", "101", "010"), "R": ("110", "101", "110", "101", "101"),
    "S": ("011", "100", "010", "001", "110"), "T": ("111", "010", "010", "010", "010"),
    "U": ("101", "101", "101", "101", "111"), "W": ("101", "101", "111", "111", "101"),
}
_LETTERS = "".join(_FONT)

FOIL = ((0.83, 0.62, 0.26), (0.8, 0.8, 0.78), (0.55, 0.3, 0.18))
"""Blocking foils for spine titles: gold, silver, copper (linear RGB)."""


def _title(rng, n_max: int) -> str:
    """A seeded title of one to three words from the font's letters, at most ``n_max`` characters."""
    words = ["".join(rng.choice(list(_LETTERS), int(rng.integers(2, 7)))) for _ in range(int(rng.integers(1, 4)))]
    return " ".join(words)[:max(n_max, 0)].strip()


def _glyph_boxes(text, z_top, px, x_mid, y_front, y_back, mat):
    """Embossed letters reading down a spine from ``z_top``: each glyph's rows (across the spine, along x) are
    runs of ink merged into one box, with a gap between rows so no two boxes share a face."""
    out = []
    for i, ch in enumerate(text):
        if ch == " ":
            continue
        z_hi = z_top - i * 4 * px          # 3 columns of ink + 1 of spacing per character, down the spine
        for r, row in enumerate(_FONT[ch]):
            x0 = x_mid + (2 - r) * px      # the glyph's top row lies towards +x
            for c0 in range(3):
                if row[c0] != "1" or (c0 > 0 and row[c0 - 1] == "1"):
                    continue
                c1 = c0
                while c1 + 1 < 3 and row[c1 + 1] == "1":
                    c1 += 1
                out.append(box((x0 - px * 0.42, y_front, z_hi - (c1 + 1) * px + px * 0.08),
                               (x0 + px * 0.42, y_back, z_hi - c0 * px - px * 0.08), mat))
    return out


def book(seed, p):
    """Hard-cover book, edition 2: bevelled boards that overhang the page block by 3 mm at the head, tail and
    fore-edge; a rounded spine (the boards' front edges buried in it); a page block that follows the spine's curve
    and has a concave fore-edge, its pages drawn by the ``pages`` material; a title band in a contrasting colour
    on the spine with the title embossed in foil (pixel-font letters as geometry, no texture)."""
    rng = rng_for(seed, "book", "detail")
    h, d, t = p["height"], p["depth"], p["thickness"]
    c = min(0.003, t / 6)                 # board thickness
    half = t / 2
    bulge = min(t * 0.22, 0.008)          # how far the spine's middle stands out from its edges
    xs = np.linspace(-half - 0.0004, half + 0.0004, _seg(12, 6) + 1)
    curve = lambda x: -d / 2 + bulge * np.clip((x / half) ** 2, 0, 1)  # noqa: E731  spine's outer face
    shell = 1.6 * c

    def slab(x, y_lo, y_hi, z0, z1, mat):
        rings = [[(xx, a, z0), (xx, b, z0), (xx, b, z1), (xx, a, z1)] for xx, a, b in zip(x, y_lo, y_hi)]
        return loft(rings, mat)
    # 1. Spine (a curved shell) and the two boards, their front edges inside it
    parts = [slab(xs, curve(xs), curve(xs) + shell, 0.0006, h - 0.0006, 0)]
    yb = -d / 2 + bulge + 0.5 * c
    parts += [rbox((-half, yb, 0), (-half + c, d / 2, h), c * 0.4, 1), rbox((half - c, yb, 0), (half, d / 2, h), c * 0.4, 1)]
    # 2. Page block: 0.5 mm into each board, following the spine at the back, concave at the fore-edge
    a = half - c + 0.0005
    xp = np.linspace(-a, a, _seg(12, 6) + 1)
    conc = bulge * 0.6 * (1 - (xp / a) ** 2)
    parts.append(slab(xp, curve(xp) + c, d / 2 - 0.003 - conc, 0.003, h - 0.003, 1))
    # 3. Title band wrapped on the spine, raised 0.4 mm, its back buried in the spine shell
    bh = h * rng.uniform(0.28, 0.45)
    bz1 = h * rng.uniform(0.8, 0.9)
    bz0 = bz1 - bh
    xband = np.linspace(-half + 0.001, half - 0.001, len(xs))
    parts.append(slab(xband, curve(xband) - 0.0004, curve(xband) + 0.6 * c, bz0, bz1, 2))
    # 4. The title in foil on the band (letters 40 % of the spine's width tall; as many as fit the band's length)
    px = min(0.4 * t, 0.012) / 5
    if detail_level() >= 0.5 and px >= 0.0008:
        text = _title(rng, int((bh - 2 * px) // (4 * px)))
        xw = 2.5 * px
        front = curve(0.0) - 0.0004 - 0.0003
        back = curve(np.array(xw)) + 0.3 * c
        parts += _glyph_boxes(text, bz1 - px, px, 0.0, front, float(back), 3)
    m = merge(parts)
    if not p["standing"]:  # lay it on its back cover, front cover (+X) up: the title reads left to right
        m = m.transformed(rot_y(-np.pi / 2), (h / 2, 0.0, 0.0))
        m.verts[:, 2] -= m.verts[:, 2].min()
    cover = material("fabric", rng_for(seed, "book", "mat", "cover"), "cover")
    lum = float(np.dot(cover["params"]["base_color"], (0.2126, 0.7152, 0.0722)))
    g = rng_for(seed, "book", "mat", "band")
    band = (dict(cover, params=dict(cover["params"], base_color=[round(v * 0.3, 4) for v in cover["params"]["base_color"]],
                                    color2=[round(v * 0.25, 4) for v in cover["params"]["base_color"]]))
            if lum > 0.08 else material("paint", g, "paper"))
    foil = FOIL[int(g.integers(0, len(FOIL)))]
    mats = (cover, material("pages", rng_for(seed, "book", "mat", "pages"), "paper"), band,
            {"kind": "metal", "params": {"base_color": list(foil), "metallic": 1.0, "roughness": round(float(g.uniform(0.2, 0.4)), 4),
                                         "scale": 300.0, "bump": 0.02, "brushed": 0.0, "painted": 0}})
    return m, mats
