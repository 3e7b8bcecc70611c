"""A differentiable triangle renderer in plain torch, split like nvdiffrast (Laine et al. 2020, arXiv 2011.03277):

    rast  = rasterize(clip, faces, (H, W))       # who covers each pixel: face id, barycentrics, depth
    attr  = interpolate(values, rast, faces)     # per-vertex values (normals, UVs, colours) at each pixel
    rgb   = texture(image, uv)                   # bilinear lookup (glTF UVs: origin top-left, v down)
    rgb   = antialias(rgb, rast, clip, faces, adjacency)   # silhouettes blended by where the edge crosses

Visibility is not differentiable and need not be: the z-buffer is a vectorised scatter-min over the candidate
pixels of each face's bounding box (faces bucketed by box size, so a big triangle costs its area and small ones
cost a few pixels; no pixels-by-faces tensor). Barycentrics and depth are then recomputed with autograd for the
covered pixels only, so gradients reach vertex positions through the interior (attributes) and, via
``antialias``, through silhouette edges. The same code runs on CPU and CUDA.

Conventions (camera, clip space, image rows) are in ``camera.py``. Shapes: B views, V vertices, F faces, H x W
pixels. Faces with a vertex behind the camera (w <= ``NEAR_W``) are dropped, not clipped: keep the object in front.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

NEAR_W = 1e-3
_CANDIDATES_PER_CHUNK = 1 << 21
_NO_HIT = torch.iinfo(torch.int64).max


@dataclass
class Raster:
    """What ``rasterize`` found. ``face`` is -1 where no face covers the pixel."""

    face: torch.Tensor
    """Long[B, H, W] face index (no gradient)"""
    depth: torch.Tensor
    """Float[B, H, W] view depth (w) of the visible surface, 0 on the background (differentiable)"""
    size: tuple
    """(H, W)"""
    pix: tuple
    """(b, i, j) Long[N] each: the covered pixels"""
    bary: torch.Tensor
    """Float[N, 3] perspective-correct barycentrics of the covered pixels (differentiable)"""
    fid: torch.Tensor
    """Long[N] the face seen at each covered pixel"""
    tri: torch.Tensor
    """Long[N, 3] its vertices"""

    @property
    def mask(self) -> torch.Tensor:
        """Bool[B, H, W] covered pixels."""
        return self.face >= 0

    def dense(self, values: torch.Tensor, fill: float = 0.0) -> torch.Tensor:
        """Float[N, C] per covered pixel -> Float[B, H, W, C] (``fill`` elsewhere), keeping gradients."""
        b = self.face.shape[0]
        out = values.new_full((b, *self.size, values.shape[-1]), fill)
        return out.index_put(self.pix, values)


def screen(clip: torch.Tensor, size: tuple) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Float[B, V, 4] clip positions -> pixel coordinates x (right), y (down) and depth w, each Float[B, V].
    Pixel (i, j) has its centre at (j + 0.5, i + 0.5)."""
    h, w = size
    cw = clip[..., 3]
    safe = torch.where(cw.abs() < 1e-12, torch.full_like(cw, 1e-12), cw)
    x = (clip[..., 0] / safe + 1.0) * (0.5 * w)
    y = (1.0 - clip[..., 1] / safe) * (0.5 * h)
    return x, y, cw


# --------------------------------------------------------------------------- visibility (no gradient)
@torch.no_grad()
def zbuffer(x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, faces: torch.Tensor, size: tuple) -> torch.Tensor:
    """Long[B, H, W] nearest face at each pixel centre (-1: none). x, y, w: Float[B, V] from ``screen``.

    Each face's bounding box is scanned (faces grouped by box width and height rounded up to powers of two);
    the covering candidates are scatter-min'ed on a 64-bit key ``depth bits << 32 | face``: for positive floats
    the IEEE bits order like the values, so one pass finds the nearest face (ties: the lower face index)."""
    h, wd = size
    b, f = x.shape[0], faces.shape[0]
    dev = x.device
    tx, ty, tw = x[:, faces], y[:, faces], w[:, faces]                    # B x F x 3
    tx, ty, tw = tx.reshape(-1, 3), ty.reshape(-1, 3), tw.reshape(-1, 3)  # (B F) x 3
    lo_x = torch.ceil(tx.min(1).values - 0.5).clamp(0, wd).long()
    hi_x = torch.floor(tx.max(1).values - 0.5).clamp(-1, wd - 1).long()
    lo_y = torch.ceil(ty.min(1).values - 0.5).clamp(0, h).long()
    hi_y = torch.floor(ty.max(1).values - 0.5).clamp(-1, h - 1).long()
    area = (tx[:, 1] - tx[:, 0]) * (ty[:, 2] - ty[:, 0]) - (tx[:, 2] - tx[:, 0]) * (ty[:, 1] - ty[:, 0])
    ok = (tw > NEAR_W).all(1) & (hi_x >= lo_x) & (hi_y >= lo_y) & (area.abs() > 1e-12) & torch.isfinite(area)
    ids = torch.nonzero(ok).squeeze(1)
    buf = torch.full((b * h * wd,), _NO_HIT, dtype=torch.int64, device=dev)
    if len(ids) == 0:
        return torch.full((b, h, wd), -1, dtype=torch.int64, device=dev)
    ext_x = (hi_x - lo_x + 1)[ids]
    ext_y = (hi_y - lo_y + 1)[ids]
    bx = torch.ceil(torch.log2(ext_x.double())).long()
    by = torch.ceil(torch.log2(ext_y.double())).long()
    key = bx * 64 + by
    order = torch.argsort(key)
    ids, key = ids[order], key[order]
    uniq, counts = torch.unique_consecutive(key, return_counts=True)
    starts = torch.cumsum(counts, 0) - counts
    for k, s0, n in zip(uniq.tolist(), starts.tolist(), counts.tolist()):
        sw, sh = 1 << (k // 64), 1 << (k % 64)
        oy, ox = torch.meshgrid(torch.arange(sh, device=dev), torch.arange(sw, device=dev), indexing="ij")
        ox, oy = ox.reshape(-1), oy.reshape(-1)
        step = max(1, _CANDIDATES_PER_CHUNK // (sw * sh))
        for s in range(s0, s0 + n, step):
            t = ids[s:min(s + step, s0 + n)]
            px = lo_x[t, None] + ox[None]
            py = lo_y[t, None] + oy[None]
            inb = (px <= hi_x[t, None]) & (py <= hi_y[t, None])
            cx, cy = px.to(tx.dtype) + 0.5, py.to(tx.dtype) + 0.5
            x0, x1, x2 = tx[t, 0, None], tx[t, 1, None], tx[t, 2, None]
            y0, y1, y2 = ty[t, 0, None], ty[t, 1, None], ty[t, 2, None]
            inv = 1.0 / area[t, None]
            b0 = ((x1 - cx) * (y2 - cy) - (x2 - cx) * (y1 - cy)) * inv
            b1 = ((x2 - cx) * (y0 - cy) - (x0 - cx) * (y2 - cy)) * inv
            b2 = 1.0 - b0 - b1
            inside = inb & (b0 >= 0) & (b1 >= 0) & (b2 >= 0)
            q = b0 / tw[t, 0, None] + b1 / tw[t, 1, None] + b2 / tw[t, 2, None]
            tt, cc = torch.nonzero(inside, as_tuple=True)
            depth = (1.0 / q[tt, cc]).float().clamp_min(0.0)
            view = t[tt] // f
            pixel = view * (h * wd) + py[tt, cc] * wd + px[tt, cc]
            code = (depth.view(torch.int32).to(torch.int64) << 32) | (t[tt] % f)
            buf.scatter_reduce_(0, pixel, code, reduce="amin", include_self=True)
    face = torch.where(buf == _NO_HIT, torch.full_like(buf, -1), buf & 0xFFFFFFFF)
    return face.view(b, h, wd)


# --------------------------------------------------------------------------- differentiable parts
def _screen_bary(x, y, cx, cy):
    """Screen-space barycentrics of points (cx, cy) in triangles x, y: Float[N, 3] each -> Float[N, 3]."""
    x0, x1, x2 = x.unbind(-1)
    y0, y1, y2 = y.unbind(-1)
    area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    area = torch.where(area.abs() < 1e-12, torch.full_like(area, 1e-12), area)
    b0 = ((x1 - cx) * (y2 - cy) - (x2 - cx) * (y1 - cy)) / area
    b1 = ((x2 - cx) * (y0 - cy) - (x0 - cx) * (y2 - cy)) / area
    return torch.stack([b0, b1, 1.0 - b0 - b1], dim=-1)


def rasterize(clip: torch.Tensor, faces: torch.Tensor, size: tuple) -> Raster:
    """Float[B, V, 4] clip positions (see ``camera.to_clip``), Long[F, 3] faces -> ``Raster``."""
    if clip.dim() == 2:
        clip = clip[None]
    h, w = size
    x, y, cw = screen(clip, size)
    face = zbuffer(x.detach(), y.detach(), cw.detach(), faces, size)
    bi, ii, jj = torch.nonzero(face >= 0, as_tuple=True)
    fid = face[bi, ii, jj]
    tri = faces[fid]                                                  # N x 3
    vb = bi[:, None]
    sb = _screen_bary(x[vb, tri], y[vb, tri], jj.to(x.dtype) + 0.5, ii.to(x.dtype) + 0.5)
    q = sb / cw[vb, tri]                                              # perspective correction
    qs = q.sum(-1, keepdim=True)
    bary = q / qs
    depth = torch.zeros((clip.shape[0], h, w), dtype=clip.dtype, device=clip.device)
    depth = depth.index_put((bi, ii, jj), 1.0 / qs[:, 0])
    return Raster(face=face, depth=depth, size=(h, w), pix=(bi, ii, jj), bary=bary, fid=fid, tri=tri)


def interpolate(values: torch.Tensor, rast: Raster, faces: torch.Tensor | None = None,
                fill: float = 0.0) -> torch.Tensor:
    """Float[V, C] or Float[B, V, C] per-vertex values -> Float[B, H, W, C] at each pixel (``fill`` on the
    background). Differentiable in ``values`` and (through the barycentrics) in the vertex positions.
    ``faces``: Long[F, 3] indexing ``values`` when they live on other vertices than the rasterised faces
    (UVs with seams: same faces, split vertices)."""
    tri = rast.tri if faces is None else faces[rast.fid]
    if values.dim() == 2:
        per_pixel = values[tri]                                       # N x 3 x C
    else:
        per_pixel = values[rast.pix[0][:, None], tri]
    return rast.dense(torch.einsum("nk,nkc->nc", rast.bary, per_pixel), fill)


def texture(image: torch.Tensor, uv: torch.Tensor) -> torch.Tensor:
    """Bilinear lookup of Float[Ht, Wt, C] ``image`` at Float[B, H, W, 2] ``uv`` (glTF: (0, 0) is the image's
    top-left corner, v grows downward; clamped at the border) -> Float[B, H, W, C]. Differentiable in both."""
    b = uv.shape[0]
    grid = uv * 2.0 - 1.0
    src = image.permute(2, 0, 1)[None].expand(b, -1, -1, -1)
    out = torch.nn.functional.grid_sample(src, grid.to(image.dtype), mode="bilinear", padding_mode="border",
                                          align_corners=False)
    return out.permute(0, 2, 3, 1)


def face_adjacency(faces: np.ndarray | torch.Tensor) -> torch.Tensor:
    """Long[F, 3]: the face across the edge opposite corner k of each face (-1 on a boundary edge)."""
    f = faces.detach().cpu().numpy() if isinstance(faces, torch.Tensor) else np.asarray(faces)
    f = f.astype(np.int64)
    n = len(f)
    a = np.stack([f[:, 1], f[:, 2], f[:, 0]], 1).ravel()
    b = np.stack([f[:, 2], f[:, 0], f[:, 1]], 1).ravel()
    key = np.minimum(a, b) * (int(f.max()) + 1 if n else 1) + np.maximum(a, b)
    order = np.argsort(key, kind="stable")
    ks = key[order]
    adj = np.full(3 * n, -1, dtype=np.int64)
    same = np.nonzero(ks[1:] == ks[:-1])[0]
    first, second = order[same], order[same + 1]
    adj[first] = second // 3
    adj[second] = first // 3
    return torch.from_numpy(adj.reshape(n, 3))


def antialias(color: torch.Tensor, rast: Raster, clip: torch.Tensor, faces: torch.Tensor,
              adjacency: torch.Tensor) -> torch.Tensor:
    """Blend colours across silhouette edges by where the edge crosses between pixel centres, so the image
    depends continuously on vertex positions there (nvdiffrast's antialias, arXiv 2011.03277 section 3.3).

    color Float[B, H, W, C] (background already filled in); clip Float[B, V, 4]; adjacency from
    ``face_adjacency``. For each pair of neighbouring pixels whose faces differ, the front one's triangle owns
    the edge; if that edge is a silhouette (a boundary, or the face across it faces the other way), the crossing
    point t in [0, 1] along the pair gives the covered fraction of the pixel the edge passes into."""
    if clip.dim() == 2:
        clip = clip[None]
    x, y, _ = screen(clip, rast.size)
    face, depth = rast.face, rast.depth.detach()
    tx, ty = x[:, faces], y[:, faces]                                  # B x F x 3
    area = (tx[..., 1] - tx[..., 0]) * (ty[..., 2] - ty[..., 0]) - (tx[..., 2] - tx[..., 0]) * (ty[..., 1] - ty[..., 0])
    facing = (area.detach() > 0)
    out = color
    adds_idx, adds_val = [], []
    for axis in (1, 2):
        n = face.shape[axis]
        fa, fb = face.narrow(axis, 0, n - 1), face.narrow(axis, 1, n - 1)
        da, db = depth.narrow(axis, 0, n - 1), depth.narrow(axis, 1, n - 1)
        pb, pi, pj = torch.nonzero(fa != fb, as_tuple=True)
        if len(pb) == 0:
            continue
        qi, qj = (pi + 1, pj) if axis == 1 else (pi, pj + 1)
        fa_, fb_ = fa[pb, pi, pj], fb[pb, pi, pj]
        a_front = (fb_ < 0) | ((fa_ >= 0) & (da[pb, pi, pj] < db[pb, pi, pj]))
        oi, oj = torch.where(a_front, pi, qi), torch.where(a_front, pj, qj)   # occluder pixel
        ni, nj = torch.where(a_front, qi, pi), torch.where(a_front, qj, pj)   # the other one
        tface = torch.where(a_front, fa_, fb_)
        tri = faces[tface]
        vb = pb[:, None]
        bo = _screen_bary(tx[pb, tface], ty[pb, tface], oj.to(x.dtype) + 0.5, oi.to(x.dtype) + 0.5)
        bn = _screen_bary(tx[pb, tface], ty[pb, tface], nj.to(x.dtype) + 0.5, ni.to(x.dtype) + 0.5)
        k = bn.detach().argmin(-1)
        wo = bo.gather(1, k[:, None])[:, 0]
        wn = bn.gather(1, k[:, None])[:, 0]
        other = adjacency.to(face.device)[tface, k]
        silhouette = (other < 0) | (facing[pb, other.clamp_min(0)] != facing[pb, tface])
        denom = wo - wn
        keep = silhouette & (wn.detach() < 0) & (denom.detach() > 1e-12)
        if not keep.any():
            continue
        sel = torch.nonzero(keep).squeeze(1)
        t = (wo[sel] / denom[sel]).clamp(0.0, 1.0)
        b_, oi, oj, ni, nj = pb[sel], oi[sel], oj[sel], ni[sel], nj[sel]
        c_o, c_n = color[b_, oi, oj], color[b_, ni, nj]
        into_n = t >= 0.5      # the occluder's triangle reaches past the midpoint: it covers part of pixel n
        wgt = torch.where(into_n, t - 0.5, 0.5 - t)[:, None]
        ti = torch.where(into_n, ni, oi)
        tj = torch.where(into_n, nj, oj)
        adds_idx.append((b_, ti, tj))
        adds_val.append(wgt * torch.where(into_n[:, None], c_o - c_n, c_n - c_o))
        del vb, tri
    if adds_idx:
        idx = tuple(torch.cat([a[d] for a in adds_idx]) for d in range(3))
        out = color.index_put(idx, torch.cat(adds_val), accumulate=True)
    return out
