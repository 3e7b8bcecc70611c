"""Edition 2 of the small indoor objects (bpy-free): books with a page block, a rounded spine and a title; bottles
of hollow glass with a separate cap or cork and a label band; ceramics with rolled rims and foot rings.

``small.py``'s factories call these when ``geometry.edition() >= 2``; edition 1 (the embedded corpus's) stays
there, unchanged. Same conventions: metres, Z up, origin at the centre of the base, min z = 0; every part is a
closed shell, joined to its neighbours (one inside the other) or separated by a gap, never face to face.
"""
from __future__ import annotations

import numpy as np

from ..geometry import _seg, boxes, detail_level, lathe, loft, merge, rbox, rng_for, rot_y
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


BANDS_DARK = ((0.012, 0.011, 0.01), (0.09, 0.012, 0.01), (0.01, 0.018, 0.06), (0.012, 0.04, 0.02))
"""Title bands on light covers: black, oxblood, navy, forest (linear RGB)."""
BANDS_LIGHT = ((0.75, 0.68, 0.52), (0.8, 0.79, 0.75), (0.6, 0.45, 0.2))
"""Title bands on dark covers: cream, off-white, ochre."""
PAGES = tuple({"kind": "pages", "params": {"base_color": list(c), "color2": [round(v * 0.65, 4) for v in c], "roughness": 0.8,
                                           "scale": sc}} for c, sc in (((0.78, 0.74, 0.62), 3000.0), ((0.82, 0.8, 0.74), 3500.0),
                                                                       ((0.7, 0.62, 0.45), 2800.0), ((0.85, 0.84, 0.8), 4000.0)))
"""Page blocks: cream, white, old yellowed, bright white paper. A handful of shared descriptions, so a shelf of books
builds a handful of node trees, not one per book."""


def _title(rng, n_max: int) -> str:
    """A seeded title of one to three words from the font's letters, at most ``n_max`` characters."""
    words = ["".join(rng.choice(list(_LETTERS), int(rng.integers(2, 7)))) for _ in range(int(rng.integers(1, 4)))]
    return " ".join(words)[:max(n_max, 0)].strip()


def _glyph_boxes(text, z_top, px, x_mid, y_front, y_back, mat):
    """Embossed letters reading down a spine from ``z_top``: each glyph's rows (across the spine, along x) are
    runs of ink merged into one box, with a gap between rows so no two boxes share a face. One mesh (or None)."""
    lo, hi = [], []
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
                lo.append((x0 - px * 0.42, y_front, z_hi - (c1 + 1) * px + px * 0.08))
                hi.append((x0 + px * 0.42, y_back, z_hi - c0 * px - px * 0.08))
    return boxes(lo, hi, mat) if lo else None


def book(seed, p):
    """Hard-cover book, edition 2: bevelled boards that overhang the page block by 3 mm at the head, tail and
    fore-edge; a rounded spine (the boards' front edges buried in it); a page block that follows the spine's curve
    and has a concave fore-edge, its pages drawn by the ``pages`` material; a title band in a contrasting colour
    on the spine with the title embossed in foil, or in black on a light band (pixel-font letters as geometry, no
    texture)."""
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
        letters = _glyph_boxes(text, bz1 - px, px, 0.0, front, float(back), 3)
        parts += [letters] if letters is not None else []
    m = merge(parts)
    if not p["standing"]:  # lay it on its back cover, front cover (+X) up: the title reads left to right
        m = m.transformed(rot_y(-np.pi / 2), (h / 2, 0.0, 0.0))
        m.verts[:, 2] -= m.verts[:, 2].min()
    cover = material("fabric", rng_for(seed, "book", "mat", "cover"), "cover")
    lum = float(np.dot(cover["params"]["base_color"], (0.2126, 0.7152, 0.0722)))
    g = rng_for(seed, "book", "mat", "band")
    bands = BANDS_DARK if lum > 0.08 else BANDS_LIGHT          # contrast with the cover
    band = {"kind": "paint", "params": {"base_color": list(bands[int(g.integers(0, len(bands)))]), "roughness": 0.5, "wear": 0.15}}
    foil = FOIL[int(g.integers(0, len(FOIL)))]
    letters = ({"kind": "metal", "params": {"base_color": list(foil), "metallic": 1.0, "roughness": 0.3, "scale": 300.0,
                                            "bump": 0.02, "brushed": 0.0, "painted": 0}} if bands is BANDS_DARK
               else {"kind": "paint", "params": {"base_color": [0.015, 0.014, 0.013], "roughness": 0.4, "wear": 0.1}})
    mats = (cover, PAGES[int(g.integers(0, len(PAGES)))], band, letters)   # foil on dark bands, black ink on light
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


# --------------------------------------------------------------------- ceramics
def _at(profile, z):
    """Radius of a profile [(r, z), ...] (z increasing) at height z."""
    rs, zs = zip(*profile)
    return float(np.interp(z, zs, rs))


def vessel2(outer, thickness, bottom, segments=32, ring=0.006, recess=0.0025, bead=True):
    """Closed thick-walled vessel, edition 2: like ``small.vessel`` (outer profile bottom to top, walls
    ``thickness`` thick, inner floor at ``bottom``) with a foot ring (the underside recessed by ``recess`` inside a
    ring ``ring`` wide, its edges bevelled) and a rolled rim: a bead 1.6 walls across, standing out of the outer
    wall, its top at the profile's top."""
    outer = [(float(r), float(z)) for r, z in outer]
    (r0, _), (top_r, top_z) = outer[0], outer[-1]
    fo = r0 - 0.0015                                  # the ring is tucked under the body by 1.5 mm
    fi = max(fo - ring, 0.004)
    foot_h = min(0.003, 0.5 * outer[1][1])
    base = [(0.0, recess), (fi, recess), (fi + 0.0012, 0.0), (fo - 0.0012, 0.0), (fo, 0.0012), (r0, foot_h)]
    rb = 0.8 * thickness if bead else 0.5 * thickness
    below = top_z - (2.4 * rb if bead else 0.0)
    body = [(r, z) for r, z in outer[1:] if foot_h < z < below - 1e-4] + [(_at(outer, below), below)]
    if bead:   # a circle round (top_r - 0.2 t, top_z - rb) from low outside, over the top, to the inside
        cx, cz = _at(outer, below) - 0.2 * thickness, top_z - rb
        rim = [(cx + rb * np.cos(a), cz + rb * np.sin(a)) for a in np.linspace(-np.pi / 3, 4 * np.pi / 3, 9)]
    else:
        rim = [(top_r - thickness / 2 + rb * np.cos(a), top_z + rb * np.sin(a)) for a in np.linspace(0, np.pi, 6)[1:-1]]
    inner = [(max(r - thickness, 1e-3), z) for r, z in body[::-1] if z > bottom + 1e-6]
    inner.append((max(_at(outer, bottom) - thickness, 1e-3), bottom))
    return lathe(base + body + rim + inner + [(0.0, bottom)], segments)


GLAZES = (((0.8, 0.78, 0.72), (0.55, 0.5, 0.42)),     # white / cream
          ((0.42, 0.55, 0.45), (0.2, 0.32, 0.25)),     # celadon
          ((0.05, 0.03, 0.02), (0.3, 0.12, 0.04)),     # tenmoku: near black, breaking rust-brown
          ((0.05, 0.1, 0.35), (0.02, 0.03, 0.15)),     # cobalt blue
          ((0.35, 0.03, 0.03), (0.15, 0.01, 0.01)),    # oxblood red
          ((0.55, 0.47, 0.36), (0.35, 0.28, 0.2)),     # oatmeal
          ((0.3, 0.3, 0.15), (0.15, 0.15, 0.06)),      # ash olive
          ((0.25, 0.3, 0.33), (0.12, 0.15, 0.17)))     # slate
"""Real glazes (linear RGB): the glaze and its pooled (thicker, darker) colour."""


def glaze(rng, foot_z: float) -> dict:
    """Edition-2 parameters of a glazed ceramic (see ``materials``' ceramic): a real glaze's colour and its pooled
    colour (``GLAZES``, jittered); the glaze stops in a wavy line ``foot_z`` m above the base, showing the bare
    ``clay`` below; ``variation`` (0-1) is how much the colour drifts over the piece, ``drips`` (0-1) how strongly
    it runs in streaks down the walls."""
    base, pool = GLAZES[int(rng.integers(0, len(GLAZES)))]
    k = float(rng.uniform(0.85, 1.15))
    clay = ((0.55, 0.42, 0.3), (0.42, 0.2, 0.1), (0.7, 0.65, 0.58), (0.3, 0.28, 0.27))[int(rng.integers(0, 4))]
    return {"base_color": [round(min(1.0, c * k), 4) for c in base], "color2": [round(min(1.0, c * k), 4) for c in pool],
            "clay": [round(c * float(rng.uniform(0.85, 1.1)), 4) for c in clay], "foot_z": round(float(foot_z), 4),
            "variation": round(float(rng.uniform(0.15, 0.45)), 4), "drips": round(float(rng.uniform(0.0, 1.0)), 4)}


def glazed(desc: dict, rng, foot_z: float) -> dict:
    """``desc`` (a ceramic description) with ``glaze`` parameters added; other kinds as they are."""
    if desc["kind"] != "ceramic":
        return desc
    return dict(desc, params=dict(desc["params"], **glaze(rng, foot_z)))


def plate(r, rim_frac, thickness=0.0045, segments=48):
    """Closed plate profile, edition 2: a foot ring under the well, a flat well, a rim rising in an S-curve to a
    rolled edge; the top and the underside run ``thickness`` apart."""
    well = r * (1 - rim_frac)
    rec, z_rim = 0.002, 0.02
    fo = well * 0.75
    fi = fo - 0.007
    zw = rec + thickness + 0.001                      # the well's top
    rs = np.linspace(fo, r - thickness, 10)
    top = lambda x: zw + (z_rim - zw) * np.clip((x - well * 0.95) / (r - well * 0.95), 0, 1) ** 1.6  # noqa: E731
    under = [(x, max(top(x) - thickness, 0.0015)) for x in rs]
    cz = top(r - thickness) - thickness / 2
    edge = [(r - thickness + thickness / 2 * np.cos(a), cz + thickness / 2 * np.sin(a) * 1.1) for a in np.linspace(-np.pi / 2, np.pi / 2, 6)]
    upper = [(x, top(x)) for x in np.linspace(r - thickness, 0.0, 14)[1:]]
    prof = [(0.0, rec), (fi, rec), (fi + 0.0012, 0.0), (fo - 0.0012, 0.0)] + under + edge[1:] + upper
    return lathe(prof, segments)


def _ceramic2(seed, name, foot_z, slot="body"):
    return glazed(material("ceramic", rng_for(seed, name, "mat", slot)), rng_for(seed, name, "glaze"), foot_z)


def mug(seed, p, tube):
    """Mug, edition 2: rolled rim, foot ring, a handle whose ends are sunk into the middle of the wall (never
    through it), glazed with a bare foot."""
    rng = rng_for(seed, "mug", "shape")
    r, h = p["radius"], p["height"]
    taper = rng.uniform(0.85, 1.05)
    thk = rng.uniform(0.003, 0.005)
    outer = [(r * taper * 0.95, 0.0), (r * taper, 0.006), (r, h)]
    parts = [vessel2(outer, thk, 0.009, 40)]
    if p["handle"]:
        hr = h * rng.uniform(0.25, 0.32)
        a = np.linspace(-np.pi / 2, np.pi / 2, 16)
        z = h / 2 + hr * np.sin(a)
        x_end = np.array([_at(outer, zz) for zz in z]) - thk / 2      # the wall's middle at each end's height
        x = x_end + hr * 0.8 * np.cos(a)
        parts.append(tube(np.stack([x, np.zeros_like(a), z], axis=1), min(0.0055, hr * 0.25), 10))
    return merge(parts), (_ceramic2(seed, "mug", rng_for(seed, "mug", "glaze", "foot").uniform(0.003, 0.012)),)


def bowl(seed, p):
    """Bowl, edition 2: the edition-1 wall on a recessed foot ring, a rolled rim, glazed with a bare foot."""
    rng = rng_for(seed, "bowl", "shape")
    r, h = p["radius"], p["height"]
    foot = r * rng.uniform(0.35, 0.5)
    t = np.linspace(0, 1, 10)
    outer = [(foot, 0.0)] + [(foot + (r - foot) * np.sin(x * np.pi / 2), 0.006 + (h - 0.006) * (1 - np.cos(x * np.pi / 2)) ** 0.8)
                             for x in t[1:]]
    m = vessel2(outer, rng.uniform(0.003, 0.006), 0.01, 40, ring=min(0.008, foot * 0.3))
    return m, (_ceramic2(seed, "bowl", rng_for(seed, "bowl", "glaze", "foot").uniform(0.004, 0.012)),)


def vase_profile(seed, p, samples):
    """(height, outer profile [(radius, z)] of ``samples`` points, "glass" | "ceramic") of the vase with this seed:
    a seeded belly-neck-lip silhouette, shared by both editions."""
    rng = rng_for(seed, "vase", "shape")
    h, r, nk = p["height"], p["radius"], p["neck"]
    belly = rng.uniform(0.25, 0.55)
    z = np.linspace(0, 1, samples)
    prof = r * (nk + (1 - nk) * np.exp(-((z - belly) / 0.28) ** 2)) + r * 0.15 * z ** 4
    outer = [(max(pr, r * 0.25), h * zz) for pr, zz in zip(prof, z)]
    outer[0] = (outer[0][0] * 0.85, 0.0)
    return h, outer, "glass" if rng.uniform() < 0.25 else "ceramic"


def vase(seed, p):
    """Vase, edition 2: the edition-1 silhouette on a foot ring with a rolled lip; ceramic ones glazed to a wavy
    line above a bare foot."""
    h, outer, kind = vase_profile(seed, p, 14)
    m = vessel2(outer, 0.004, 0.01, 40, ring=min(0.008, outer[0][0] * 0.3))
    mat = glazed(material(kind, rng_for(seed, "vase", "mat", "body")), rng_for(seed, "vase", "glaze"),
                 h * rng_for(seed, "vase", "glaze", "foot").uniform(0.03, 0.25))
    return m, (mat,)


def plate_asset(seed, p):
    """Plate, edition 2: foot ring, flat well, S-curved rim to a rolled edge, glazed with a bare foot ring."""
    return plate(p["radius"], p["rim"]), (_ceramic2(seed, "plate", 0.0025),)
