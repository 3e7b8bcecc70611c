"""Colour field -> texture: rasterise the UV layout, look the field up at each texel's 3D point.

UVs here follow glTF: origin at the top-left of the image, v pointing down.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..color import linear_to_srgb8

_CANDIDATES_PER_CHUNK = 500_000  # candidate texels per chunk (and per cancel check)


_TEXELS_PER_CHUNK = 131_072  # colour look-ups (and sRGB rows) per cancel check


def _noop() -> None:
    pass


def rasterize_uv(uvs: np.ndarray, faces: np.ndarray, size: int,
                 tick: Callable[[], None] = _noop) -> tuple[np.ndarray, np.ndarray]:
    """Texels whose centre lies in a UV triangle; ``tick`` is called between chunks (cancel checks).

    Returns (Int64[T] flat texel index, ascending; Float64[T, 4]: for each of those texels, its face index and
    three barycentric weights). A texel on a shared edge belongs to the first triangle that covers it.

    Only covered texels are stored (chunk by chunk), not a size x size table: first touching the pages of a
    4096 px table cost about a second in one chunk, with no cancel check inside."""
    px = uvs[faces] * size - 0.5  # F x 3 x 2, texel centres at integer coordinates
    lo = np.floor(px.min(axis=1)).astype(np.int64).clip(0, size - 1)
    hi = np.ceil(px.max(axis=1)).astype(np.int64).clip(0, size - 1)
    ext = (hi - lo + 1).max(axis=1)
    bucket = np.ceil(np.log2(np.maximum(ext, 1))).astype(int)
    covered = np.zeros(size * size, dtype=bool)
    found_texels, found_bary = [], []
    for b in np.unique(bucket):
        span = 1 << int(b)
        tris = np.nonzero(bucket == b)[0]
        step = max(1, _CANDIDATES_PER_CHUNK // (span * span))
        oy_all, ox_all = np.mgrid[0:span, 0:span]
        ox_all, oy_all = ox_all.ravel(), oy_all.ravel()
        # A triangle whose box alone holds more candidates than a chunk (span > 707 px) is done in slices of its
        # box, so the cancel check still comes every chunk; smaller ones are done whole, ``step`` at a time.
        per = min(span * span, _CANDIDATES_PER_CHUNK)
        for s, o in ((s, o) for s in range(0, len(tris), step) for o in range(0, span * span, per)):
            t = tris[s:s + step]
            ox, oy = ox_all[o:o + per], oy_all[o:o + per]
            x = lo[t, 0, None] + ox[None, :]
            y = lo[t, 1, None] + oy[None, :]
            a, bb, c = px[t, 0], px[t, 1], px[t, 2]
            v0, v1 = bb - a, c - a
            d = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
            ok_tri = np.abs(d) > 1e-12
            d = np.where(ok_tri, d, 1.0)
            qx, qy = x - a[:, 0, None], y - a[:, 1, None]
            w1 = (qx * v1[:, 1, None] - v1[:, 0, None] * qy) / d[:, None]
            w2 = (v0[:, 0, None] * qy - qx * v0[:, 1, None]) / d[:, None]
            w0 = 1.0 - w1 - w2
            eps = -1e-6
            inside = (w0 >= eps) & (w1 >= eps) & (w2 >= eps) & ok_tri[:, None]
            inside &= (x <= hi[t, 0, None]) & (y <= hi[t, 1, None])
            ti, ci = np.nonzero(inside)
            texel = y[ti, ci] * size + x[ti, ci]
            free = ~covered[texel]
            texel, ti, ci = texel[free], ti[free], ci[free]
            texel, first = np.unique(texel, return_index=True)  # of repeats within the chunk, the first wins
            found_texels.append(texel)
            found_bary.append(np.stack([t[ti[first]].astype(np.float64), w0[ti[first], ci[first]],
                                        w1[ti[first], ci[first]], w2[ti[first], ci[first]]], axis=1))
            covered[texel] = True
            tick()
    if not found_texels:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 4))
    texels = np.concatenate(found_texels)
    order = np.argsort(texels, kind="stable")
    tick()
    return texels[order], np.concatenate(found_bary)[order]


def dilate(image: np.ndarray, mask: np.ndarray, passes: int,
           tick: Callable[[], None] = _noop) -> tuple[np.ndarray, np.ndarray]:
    """Grow filled texels into empty ones (average of filled 4-neighbours, wrapping at the edges) so seams do
    not bleed. Returns the image (``image`` itself, changed in place) and the grown mask. Only the texels that
    grow are computed."""
    img, m = image, mask.copy()
    h, w = m.shape
    dirs = ((0, 1), (0, -1), (1, 0), (-1, 0))
    for _ in range(passes):
        cnt = np.zeros(m.shape, dtype=np.uint8)
        for dy, dx in dirs:
            cnt += np.roll(m, (dy, dx), axis=(0, 1))
            tick()
        grow = (~m) & (cnt > 0)
        gy, gx = np.nonzero(grow)
        tick()
        if not len(gy):
            break
        acc = np.zeros((len(gy), img.shape[2]))
        for dy, dx in dirs:  # np.roll by (dy, dx): the neighbour at (y - dy, x - dx)
            ny, nx = (gy - dy) % h, (gx - dx) % w
            acc += img[ny, nx] * m[ny, nx][:, None]
        img[gy, gx] = acc / cnt[gy, gx].astype(np.float64)[:, None]
        m |= grow
        tick()
    return img, m


def bake_texture(verts: np.ndarray, faces: np.ndarray, uvs: np.ndarray, size: int,
                 color: Callable[[np.ndarray], np.ndarray], padding: int = 4,
                 tick: Callable[[], None] = _noop) -> np.ndarray:
    """UInt8[size, size, 3] sRGB texture of ``color`` (linear RGB of Float[N, 3] points) over the UV layout.
    ``tick`` is called every few hundred thousand texels (well under 0.2 s apart at 4096 px)."""
    idx, bary = rasterize_uv(uvs, faces, size, tick)
    img = np.zeros((size * size, 3))
    for s in range(0, len(idx), _TEXELS_PER_CHUNK):
        texels = idx[s:s + _TEXELS_PER_CHUNK]
        b = bary[s:s + _TEXELS_PER_CHUNK]
        tri = verts[faces[b[:, 0].astype(np.int64)]]  # T x 3 x 3
        img[texels] = color(np.einsum("tk,tkj->tj", b[:, 1:], tri))
        tick()
    del bary
    mask = np.zeros(size * size, dtype=bool)
    mask[idx] = True
    mask = mask.reshape(size, size)
    img, grown = dilate(img.reshape(size, size, 3), mask, padding, tick)
    # Texels no chart reaches get the mean colour, so mip-maps and filtering stay clean (summed band by band).
    band = max(1, _TEXELS_PER_CHUNK // size)
    fill, filled = np.zeros(3), np.count_nonzero(mask)
    for r in range(0, size, band):
        fill = np.add.reduce(np.concatenate([fill[None], img[r:r + band][mask[r:r + band]]]), axis=0)
        tick()
    fill = fill / filled if filled else 0.5
    out = np.empty((size, size, 3), dtype=np.uint8)
    for r in range(0, size, band):
        rows = img[r:r + band]
        rows[~grown[r:r + band]] = fill
        out[r:r + band] = linear_to_srgb8(rows)
        tick()
    return out
