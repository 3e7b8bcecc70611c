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


LIQUIDS = ((0.35, 0.02, 0.03), (0.55, 0.32, 0.05), (0.8, 0.85, 0.75), (0.25, 0.4, 0.05))
"""Tints of what a bottle holds: red wine, oil or whisky, water, green (a cordial) (linear RGB)."""


def bottle(seed, p, vessel):
    """Bottle, edition 2: hollow glass with real wall thickness (2-3 mm, a thicker base) open at a beaded mouth;
    a separate knurled screw cap or a cork stopper clear of the glass by 0.4-0.6 mm; a paper label band wrapped
    0.3 mm off the body (its own material slot, printed on UVs that span its height); sometimes a liquid inside."""
    rng = rng_for(seed, "bottle", "detail")
    h, r, s = p["height"], p["radius"], p["shoulder"]
    nr = r * rng_for(seed, "bottle", "shape").uniform(0.3, 0.45)     # the same neck radius as edition 1
    wall = rng.uniform(0.002, 0.003)
    cork = rng.uniform() < 0.35
    z_m = h - (0.012 if cork else 0.004)                             # the glass mouth's rim
    body = z_m - 0.02                                                # where the neck's straight part begins
    neck0 = min(body * 0.82, z_m - 0.035)
    shoulder = min(body * s, neck0 - 0.02)
    outer = [(r * 0.95, 0.0), (r, 0.005), (r, shoulder)]
    for k in np.linspace(0.2, 1, 5):
        outer.append((nr + (r - nr) * np.cos(k * np.pi / 2), shoulder + (neck0 - shoulder) * k))
    outer += [(nr, z_m - 0.006), (nr + 0.0015, z_m - 0.004), (nr + 0.0015, z_m - 0.001), (nr, z_m)]  # the bead
    glass = vessel(outer, wall, rng.uniform(0.004, 0.007), 48)
    rim_top = z_m + wall / 2
    parts = [glass]
    if cork:
        rc = nr - wall - 0.0004
        parts.append(lathe([(0, z_m - 0.02), (rc, z_m - 0.02), (rc, rim_top + 0.0006), (nr + 0.002, rim_top + 0.0006),
                            (nr + 0.002, h - 0.002), (nr + 0.001, h), (0, h)], 24, mat=1))
    else:
        ro, ri = nr + 0.0015 + 0.0026, nr + 0.0015 + 0.0006   # clear of the bead by 0.6 mm
        zb = z_m - 0.016
        cap = lathe([(0, h), (ro - 0.001, h), (ro, h - 0.001), (ro, zb + 0.001), (ro - 0.0005, zb), (ri, zb),
                     (ri, rim_top + 0.0006), (0, rim_top + 0.0006)], 48, mat=1)
        v = cap.verts
        rad = np.hypot(v[:, 0], v[:, 1])
        knurl = (np.abs(rad - ro) < 1e-9) & (v[:, 2] > zb + 0.0015) & (v[:, 2] < h - 0.0015)
        ang = np.arctan2(v[:, 1], v[:, 0])
        v[knurl, :2] *= (1 + 0.05 * (np.cos(ang[knurl] * 24) > 0))[:, None]   # 24 grip ridges
        parts.append(cap)
    z0, z1 = shoulder * rng.uniform(0.15, 0.3), shoulder * rng.uniform(0.75, 0.92)
    label = lathe([(r + 0.0003, z0), (r + 0.0006, z0), (r + 0.0006, z1), (r + 0.0003, z1)], 48, mat=2, loop=True)
    label.uvs[:, 1] = (label.verts[label.corners, 2] - z0) / (z1 - z0)   # v: 0 at the label's foot, 1 at its top
    parts.append(label)
    if rng.uniform() < 0.6:
        fill = shoulder * rng.uniform(0.5, 0.95)
        base = glass.verts[:, 2][(np.hypot(glass.verts[:, 0], glass.verts[:, 1]) < 1e-9)].max()  # the inner floor
        rl = r * 0.95 - wall - 0.0004
        parts.append(lathe([(0, base + 0.0004), (rl, base + 0.0004), (rl, fill), (0, fill)], 32, mat=3))
    tint = LIQUIDS[int(rng.integers(0, len(LIQUIDS)))]
    g = rng_for(seed, "bottle", "mat", "cap")
    cap_mat = ({"kind": "stone", "params": {"base_color": [0.42, 0.27, 0.14], "color2": [0.3, 0.18, 0.09], "roughness": 0.9,
                                            "scale": 90.0, "bump": 0.3}} if cork
               else material("metal" if g.uniform() < 0.6 else "plastic", g))
    mats = (material("glass", rng_for(seed, "bottle", "mat", "glass")), cap_mat,
            material("label", rng_for(seed, "bottle", "mat", "label")),
            {"kind": "glass", "params": {"base_color": list(tint), "roughness": 0.0, "ior": 1.34, "transmission": 1.0}})
    return merge(parts), mats
