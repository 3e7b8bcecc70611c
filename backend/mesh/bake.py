"""Colour field -> texture: rasterise the UV layout, look the field up at each texel's 3D point.

UVs here follow glTF: origin at the top-left of the image, v pointing down.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..color import linear_to_srgb8

_CANDIDATES_PER_CHUNK = 2_000_000


def rasterize_uv(uvs: np.ndarray, faces: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Texels whose centre lies in a UV triangle.

    Returns (Int64[T] flat texel index, Float64[T, 4]: face index and three barycentric weights)."""
    px = uvs[faces] * size - 0.5  # F x 3 x 2, texel centres at integer coordinates
    lo = np.floor(px.min(axis=1)).astype(np.int64).clip(0, size - 1)
    hi = np.ceil(px.max(axis=1)).astype(np.int64).clip(0, size - 1)
    ext = (hi - lo + 1).max(axis=1)
    bucket = np.ceil(np.log2(np.maximum(ext, 1))).astype(int)
    out_idx, out_bary = [], []
    for b in np.unique(bucket):
        span = 1 << int(b)
        tris = np.nonzero(bucket == b)[0]
        step = max(1, _CANDIDATES_PER_CHUNK // (span * span))
        oy, ox = np.mgrid[0:span, 0:span]
        ox, oy = ox.ravel(), oy.ravel()
        for s in range(0, len(tris), step):
            t = tris[s:s + step]
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
            out_idx.append(y[ti, ci] * size + x[ti, ci])
            out_bary.append(np.stack([t[ti].astype(np.float64), w0[ti, ci], w1[ti, ci], w2[ti, ci]], axis=1))
    if not out_idx:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 4))
    idx, bary = np.concatenate(out_idx), np.concatenate(out_bary)
    idx, first = np.unique(idx, return_index=True)  # a texel on a shared edge is baked once
    return idx, bary[first]


def dilate(image: np.ndarray, mask: np.ndarray, passes: int) -> tuple[np.ndarray, np.ndarray]:
    """Grow filled texels into empty ones (average of filled 4-neighbours) so seams do not bleed.
    Returns the image and the grown mask."""
    img, m = image.copy(), mask.copy()
    for _ in range(passes):
        acc = np.zeros_like(img)
        cnt = np.zeros(m.shape, dtype=np.float64)
        for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)):
            sm = np.roll(m, (dy, dx), axis=(0, 1))
            acc += np.roll(img, (dy, dx), axis=(0, 1)) * sm[..., None]
            cnt += sm
        grow = (~m) & (cnt > 0)
        if not grow.any():
            break
        img[grow] = acc[grow] / cnt[grow][:, None]
        m = m | grow
    return img, m


def bake_texture(verts: np.ndarray, faces: np.ndarray, uvs: np.ndarray, size: int,
                 color: Callable[[np.ndarray], np.ndarray], padding: int = 4,
                 tick: Callable[[], None] = lambda: None) -> np.ndarray:
    """UInt8[size, size, 3] sRGB texture of ``color`` (linear RGB of Float[N, 3] points) over the UV layout."""
    idx, bary = rasterize_uv(uvs, faces, size)
    tick()
    img = np.zeros((size * size, 3))
    fi = bary[:, 0].astype(np.int64)
    tri = verts[faces[fi]]  # T x 3 x 3
    pts = np.einsum("tk,tkj->tj", bary[:, 1:], tri)
    for s in range(0, len(pts), 262_144):
        img[idx[s:s + 262_144]] = color(pts[s:s + 262_144])
        tick()
    mask = np.zeros(size * size, dtype=bool)
    mask[idx] = True
    mask = mask.reshape(size, size)
    img, grown = dilate(img.reshape(size, size, 3), mask, padding)
    # Texels no chart reaches get the mean colour, so mip-maps and filtering stay clean.
    img[~grown] = img[mask].mean(axis=0) if mask.any() else 0.5
    return linear_to_srgb8(img)
