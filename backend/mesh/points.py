"""Coloured point cloud -> implicit field (SDF + colour), and the clean-ups around it (numpy + scipy only).

Point-E style text-to-3D gives surface samples with colours, not a surface. ``cloud_field`` turns them into
the pair of numpy callables every shape job hands to ``asset.field_to_asset`` (negative inside, metres, Z up):

1. normals by PCA over the k nearest neighbours
2. one consistent orientation, propagated along a minimum spanning tree of the k-nearest-neighbour
   ("Riemannian") graph, as in Hoppe et al., "Surface reconstruction from unorganized points", SIGGRAPH 1992;
   then each connected part is made to point outward
3. signed distance: a smooth kernel average of the signed distances to the neighbours' tangent planes,
   which is continuous and bridges gaps of a few sample spacings
4. colour: an inverse-distance-weighted average of the neighbours' colours

Around it: ``remove_outliers`` before, ``keep_largest_components`` after marching cubes, and a small PLY
writer/reader for the clouds themselves.
"""
from __future__ import annotations

import numpy as np

from ..color import srgb_to_linear
from .extract import compact

_QUERY_CHUNK = 65_536  # query points per KD-tree call: bounds memory at about 100 MB whatever the caller passes


def _check_cloud(xyz, rgb) -> tuple[np.ndarray, np.ndarray]:
    """Float64[N, 3] positions and colours, or a ValueError saying what is wrong with them."""
    xyz = np.asarray(xyz, dtype=np.float64)
    rgb = np.asarray(rgb, dtype=np.float64)
    if xyz.ndim != 2 or xyz.shape[1] != 3:
        raise ValueError(f"xyz must be an [N, 3] array of positions, got shape {xyz.shape}")
    if rgb.shape != xyz.shape:
        raise ValueError(f"rgb must be [N, 3] like xyz {xyz.shape}, got shape {rgb.shape}")
    bad = int((~np.isfinite(xyz)).any(axis=1).sum())
    if bad:
        raise ValueError(f"xyz has {bad} point(s) with NaN or infinite coordinates")
    if not np.isfinite(rgb).all() or (len(rgb) and (rgb.min() < 0.0 or rgb.max() > 1.0)):
        raise ValueError("rgb must hold finite colours in 0..1")
    return xyz, rgb


def _check_query(pts) -> np.ndarray:
    pts = np.asarray(pts, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 3:
        raise ValueError(f"query points must be [M, 3], got shape {pts.shape}")
    return pts


def _spacing(r: np.ndarray) -> float:
    """Typical sample spacing from sorted neighbour distances Float[N, k] (the point itself first): the median
    distance to the 3rd neighbour, which duplicates and clumps barely move."""
    return float(np.median(r[:, min(3, r.shape[1] - 1)]))


def _kernel_weights(r: np.ndarray, sigma: float) -> np.ndarray:
    """Float[M, K] weights for the K nearest of K + 1 sorted neighbour distances ``r`` (Float[M, K + 1]).

    A Gaussian in the distance, relative to the nearest one so it never underflows, times a taper that reaches
    zero at the last distance given (the (K + 1)-th neighbour, or the search radius if that is nearer): a sample
    entering or leaving the K nearest does so with zero weight, so the field is continuous. The Gaussian is
    ``sigma`` wide near the samples and widens to half the distance to the nearest one farther out, so away
    from the surface all K samples have a say and no single badly oriented normal decides the sign."""
    r2 = r * r
    taper = np.clip(1.0 - r2[:, :-1] / np.maximum(r2[:, -1:], 1e-300), 0.0, None) ** 2
    width2 = np.maximum(sigma * sigma, 0.25 * r2[:, :1])
    gauss = np.exp((r2[:, :1] - r2[:, :-1]) * (0.5 / width2))
    # The tiny floor only matters when all K + 1 neighbours are equally far (the weights would all be zero).
    return (taper + 1e-12) * gauss


def estimate_normals(xyz: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Float[N, 3] unit normals, unoriented: the least-variance direction of each point's neighbours
    (``idx``: Int[N, k] neighbour indices, the point itself included)."""
    nb = xyz[idx]  # N x k x 3
    centred = nb - nb.mean(axis=1, keepdims=True)
    cov = np.einsum("nki,nkj->nij", centred, centred)
    _vals, vecs = np.linalg.eigh(cov)  # eigenvalues ascending
    return vecs[:, :, 0]


def orient_normals(xyz: np.ndarray, normals: np.ndarray, idx: np.ndarray, dist: np.ndarray,
                   spacing: float) -> np.ndarray:
    """Normals flipped to one consistent, outward orientation (Hoppe et al. 1992, section 3.3).

    Within each connected part of the k-nearest-neighbour graph, orientation spreads from the point farthest
    from the part's centroid (pointing away from it) along the minimum spanning tree whose edge cost is
    1 - |n_i . n_j|, so it crosses the flattest places first. Each part is then flipped as a whole if its
    normals point inward on balance: the integral of (p - c) . n over a closed surface is 3 x its volume.
    Last, a normal that disagrees with the sum of its neighbours' is flipped (twice over)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import breadth_first_order, connected_components, minimum_spanning_tree

    n = len(xyz)
    # 1. The undirected neighbour graph, each edge once, costs > 0 (csgraph reads a zero as "no edge").
    i = np.repeat(np.arange(n), idx.shape[1])
    j, r = idx.ravel(), dist.ravel()
    a, b = np.minimum(i, j), np.maximum(i, j)
    keep = a != b
    a, b, r = a[keep], b[keep], r[keep]
    _, first = np.unique(a * n + b, return_index=True)
    a, b, r = a[first], b[first], r[first]
    cos = np.abs(np.einsum("ij,ij->i", normals[a], normals[b]))
    # The small distance term prefers near neighbours among equally flat edges (ties on planar patches).
    cost = np.clip(1.0 - cos, 0.0, None) + 1e-3 * r / spacing + 1e-9
    graph = csr_matrix((cost, (a, b)), shape=(n, n))
    tree = minimum_spanning_tree(graph)

    # 2. Propagate along the tree, part by part.
    out = normals.copy()
    n_parts, labels = connected_components(graph, directed=False)
    for part in range(n_parts):
        members = np.flatnonzero(labels == part)
        centre = xyz[members].mean(axis=0)
        seed = members[np.argmax(np.linalg.norm(xyz[members] - centre, axis=1))]
        order, pred = breadth_first_order(tree, seed, directed=False, return_predecessors=True)
        child, parent = order[1:], pred[order[1:]]
        disagree = (np.einsum("ij,ij->i", normals[child], normals[parent]) < 0.0).tolist()
        flip = {int(seed): float(np.dot(normals[seed], xyz[seed] - centre)) < 0.0}
        for c, p, d in zip(child.tolist(), parent.tolist(), disagree):
            flip[c] = flip[p] != d
        flips = np.fromiter((flip[c] for c in order.tolist()), dtype=bool, count=len(order))
        out[order[flips]] *= -1.0
        # 3. Outward on balance (divergence theorem), whatever the seed said.
        if np.einsum("ij,ij->", xyz[members] - centre, out[members]) < 0.0:
            out[members] *= -1.0
    # 4. A tree edge at a sharp corner can still flip a lone normal: let the neighbours outvote it.
    for _ in range(2):
        vote = np.einsum("ij,ikj->i", out, out[idx[:, 1:]])
        out[vote < 0.0] *= -1.0
    return out


class CloudField:
    """Signed distance and colour fields of a coloured point cloud (build with ``cloud_field``).

    ``sdf`` and ``color`` take Float[M, 3] points and are deterministic, vectorised and continuous.

    Far from the samples the nearest-neighbour search, not the arithmetic, is what costs: deep inside a closed
    surface hundreds of samples are almost equally near, and most of a bounding grid is far. So the kernel
    only looks within a band around the samples, and beyond it the SDF is read from a coarse grid of the
    same field (trilinear), blended in smoothly over the band's outer part. The mesh, which comes from
    near the surface, sees the exact kernel."""

    def __init__(self, xyz: np.ndarray, rgb_linear: np.ndarray, normals: np.ndarray, spacing: float,
                 k: int, smoothing: float):
        from scipy.spatial import cKDTree

        self.points = xyz
        """Float[N, 3] the samples"""
        self.colors = rgb_linear
        """Float[N, 3] their linear RGB colours"""
        self.normals = normals
        """Float[N, 3] their outward unit normals"""
        self.spacing = spacing
        """typical distance between neighbouring samples (metres)"""
        self.k = k
        """neighbours each query averages over"""
        self.smoothing = smoothing
        """width of the SDF's Gaussian kernel, in sample spacings"""
        self._tree = cKDTree(xyz)
        self._sigma = smoothing * spacing
        # Normal components and plane offsets as separate contiguous arrays: (x - p) . n = x . n - p . n,
        # gathered per component, is several times faster than an einsum over gathered [M, k, 3] blocks.
        self._n = [np.ascontiguousarray(normals[:, i]) for i in range(3)]
        self._offset = np.einsum("ij,ij->i", xyz, normals)
        self._build_far_grid()

    def _build_far_grid(self) -> None:
        """The band within which the kernel is evaluated, and the coarse grid the SDF is read from beyond it.

        A query's "reach" is the distance to its (k + 1)-th nearest sample, the kernel's support radius. The
        kernel is used where the reach is under ``band``; the grid where it is over, blended over the reach
        range [blend_start, band]. Grid cells are one spacing (coarser for very elongated clouds: at most 64
        cells a side), and blend_start is chosen so that every corner of the cell around a query the grid
        serves is still 1.5 spacings or more off the surface, where the kernel's sign is dependable: the
        trilinear interpolation then adds no zero crossing of its own. Nodes beyond the band take the value of
        the nearest node within it plus the distance to that node (signs spread from the band's faces)."""
        from scipy.ndimage import distance_transform_edt

        lo, hi = self.points.min(axis=0), self.points.max(axis=0)
        cell = max(self.spacing, float(np.max(hi - lo)) / 64.0)
        r, _ = self._tree.query(self.points, k=self.k + 1, workers=-1)
        reach_on_surface = float(np.median(r[:, -1]))
        # A point d off a flat patch has a reach of about sqrt(d^2 + reach_on_surface^2).
        self._blend_start = np.sqrt(3.0) * cell + np.hypot(1.5 * self.spacing, reach_on_surface)
        self._band = self._blend_start + 1.25 * self.spacing
        pad = self._band + 2.0 * cell
        dims = tuple(np.ceil((hi - lo + 2.0 * pad) / cell).astype(int) + 1)
        self._origin, self._cell = lo - pad, cell
        axes = [self._origin[i] + cell * np.arange(dims[i]) for i in range(3)]
        nodes = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
        values = np.empty(len(nodes))
        for s in range(0, len(nodes), _QUERY_CHUNK):
            values[s:s + _QUERY_CHUNK], _reach = self._kernel(nodes[s:s + _QUERY_CHUNK])
        values = values.reshape(dims)
        known = np.isfinite(values)
        dist, inds = distance_transform_edt(~known, sampling=cell, return_indices=True)
        src = values[tuple(inds)]
        self._grid = np.where(known, values, src + np.where(src >= 0.0, dist, -dist))

    def _kernel(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(Float[M] the kernel SDF, Float[M] the reach), both inf where the reach is beyond the band."""
        r, idx = self._tree.query(x, k=self.k + 1, distance_upper_bound=self._band, workers=-1)
        reach = r[:, -1]
        out = np.full(len(x), np.inf)
        ok = np.isfinite(reach)
        r, near, x = r[ok], idx[ok, :-1], x[ok]
        w = _kernel_weights(r, self._sigma)
        nx, ny, nz = self._n
        d = x[:, 0:1] * nx[near] + x[:, 1:2] * ny[near] + x[:, 2:3] * nz[near] - self._offset[near]
        out[ok] = (w * d).sum(axis=1) / w.sum(axis=1)
        return out, reach

    def _far(self, x: np.ndarray) -> np.ndarray:
        """Float[M] the far field: trilinear in the grid, plus the distance to the grid outside it."""
        from scipy.ndimage import map_coordinates

        g = (x - self._origin) / self._cell
        inside = np.clip(g, 0.0, np.array(self._grid.shape) - 1.0)
        v = map_coordinates(self._grid, inside.T, order=1, mode="nearest", prefilter=False)
        return v + self._cell * np.linalg.norm(g - inside, axis=1)

    def sdf(self, pts: np.ndarray) -> np.ndarray:
        """Float[M] signed distance, negative inside: the kernel-weighted mean of the signed distances
        (x - p_i) . n_i to the k nearest samples' tangent planes (far from them, the coarse grid's)."""
        pts = _check_query(pts)
        out = np.empty(len(pts))
        for s in range(0, len(pts), _QUERY_CHUNK):
            x = pts[s:s + _QUERY_CHUNK]
            value, reach = self._kernel(x)
            t = np.clip((reach - self._blend_start) / (self._band - self._blend_start), 0.0, 1.0)
            t = t * t * (3.0 - 2.0 * t)  # smoothstep: 0 up to blend_start, 1 from the band's edge on
            far = t > 0.0
            if far.any():
                mix = t[far]
                value[far] = (1.0 - mix) * np.where(mix < 1.0, value[far], 0.0) + mix * self._far(x[far])
            out[s:s + len(x)] = value
        return out

    def color(self, pts: np.ndarray) -> np.ndarray:
        """Float[M, 3] linear RGB: inverse-square-distance weights over the k nearest samples, tapered
        to zero at the (k + 1)-th like the SDF kernel, so colours blend without seams."""
        pts = _check_query(pts)
        out = np.empty((len(pts), 3))
        eps = 0.1 * self.spacing  # keeps the weight finite on a sample, where it is that sample's colour
        for s in range(0, len(pts), _QUERY_CHUNK):
            r, idx = self._tree.query(pts[s:s + _QUERY_CHUNK], k=self.k + 1, workers=-1)
            r2 = r * r
            taper = np.clip(1.0 - r2[:, :-1] / np.maximum(r2[:, -1:], 1e-300), 0.0, None) ** 2 + 1e-12
            w = taper / (r[:, :-1] + eps) ** 2
            out[s:s + len(r)] = np.einsum("mk,mkc->mc", w, self.colors[idx[:, :-1]]) / w.sum(axis=1)[:, None]
        return np.clip(out, 0.0, 1.0)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Axis-aligned bounds of the samples, padded by a few sample spacings (at least 2% of the size)."""
        lo, hi = self.points.min(axis=0), self.points.max(axis=0)
        pad = max(3.0 * self.spacing, 0.02 * float(np.max(hi - lo)))
        return lo - pad, hi + pad


def cloud_field(xyz, rgb, *, k: int = 16, smoothing: float = 1.0, srgb: bool = True) -> CloudField:
    """The implicit field of a coloured point cloud.

    xyz: Float[N, 3] surface samples (metres, Z up); rgb: Float[N, 3] their colours in 0..1, sRGB-encoded
    when ``srgb`` (as Point-E's, which come from rendered images) or already linear.
    k: neighbours for normals, orientation and the field kernels (more: smoother, closes larger gaps).
    smoothing: width of the SDF's Gaussian kernel in sample spacings (larger blurs sharp edges more).
    """
    # 1. Check inputs
    xyz, rgb = _check_cloud(xyz, rgb)
    if int(k) != k or k < 3:
        raise ValueError(f"k must be an integer of at least 3, got {k!r}")
    k = int(k)
    if len(xyz) <= k:
        raise ValueError(f"a point cloud needs more than k={k} points, got {len(xyz)}")
    if not smoothing > 0.0:
        raise ValueError(f"smoothing must be positive, got {smoothing!r}")

    # 2. Neighbourhoods and the typical sample spacing
    from scipy.spatial import cKDTree

    dist, idx = cKDTree(xyz).query(xyz, k=k, workers=-1)  # the point itself first
    spacing = _spacing(dist)
    if not spacing > 1e-12 * max(1.0, float(np.abs(xyz).max())):
        raise ValueError("the points are (nearly) all in one place; there is no surface to rebuild")

    # 3. Normals, oriented
    normals = estimate_normals(xyz, idx)
    normals = orient_normals(xyz, normals, idx, dist, spacing)
    colors = srgb_to_linear(rgb) if srgb else rgb
    return CloudField(xyz, colors, normals, spacing, k, float(smoothing))


def remove_outliers(xyz, rgb, *, k: int = 8, ratio: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """The points (and their colours) that are not statistical outliers.

    A point is dropped when the mean distance to its k nearest neighbours exceeds the median of that over all
    points by more than ``ratio`` robust standard deviations (1.4826 x the median absolute deviation, but at
    least half the median, so an evenly spaced cloud loses nothing)."""
    xyz, rgb = _check_cloud(xyz, rgb)
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    if not ratio > 0.0:
        raise ValueError(f"ratio must be positive, got {ratio!r}")
    if len(xyz) <= k:
        raise ValueError(f"outlier removal needs more than k={k} points, got {len(xyz)}")
    from scipy.spatial import cKDTree

    dist, _ = cKDTree(xyz).query(xyz, k=int(k) + 1, workers=-1)
    mean = dist[:, 1:].mean(axis=1)
    median = float(np.median(mean))
    sigma = max(1.4826 * float(np.median(np.abs(mean - median))), 0.5 * median)
    keep = mean <= median + ratio * sigma
    return xyz[keep], rgb[keep]


def keep_largest_components(verts: np.ndarray, faces: np.ndarray,
                            min_fraction: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """The mesh without its small floating pieces: connected components (faces joined by shared vertices)
    with fewer than ``min_fraction`` of the largest component's faces are dropped, unused vertices too."""
    if not 0.0 < min_fraction <= 1.0:
        raise ValueError(f"min_fraction must be in (0, 1], got {min_fraction!r}")
    if len(faces) == 0:
        return verts, faces
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows, cols = faces.ravel(), faces[:, [1, 2, 0]].ravel()
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(len(verts), len(verts)))
    _, labels = connected_components(graph, directed=False)
    face_label = labels[faces[:, 0]]
    counts = np.bincount(face_label)
    keep = counts >= min_fraction * counts.max()
    return compact(verts, faces[keep[face_label]])
