"""Small preview images while a model samples: a shaded front view of a field, or a splat of a point cloud.

Both are cheap numpy renders (no renderer of the model's own), written as PNGs next to the results so the panel
can show them. Views look along +Y at the X/Z plane (Z up), like Blender's front view.
"""
from __future__ import annotations

import os
import shutil

import numpy as np

from ..color import linear_to_srgb8
from ..files import atomic_write
from ..mesh.asset import png_bytes

BACKGROUND = np.array([0.16, 0.16, 0.16])


def field_view(sdf, color, lo: np.ndarray, hi: np.ndarray, n: int = 40) -> np.ndarray:
    """uint8[n, n, 3]: the first inside voxel along +Y for each (x, z) pixel, coloured and shaded by depth."""
    axes = [np.linspace(lo[i], hi[i], n) for i in range(3)]
    gx, gy, gz = np.meshgrid(*axes, indexing="ij")
    pts = np.stack([gx.ravel(), gy.ravel(), gz.ravel()], axis=1)
    inside = (sdf(pts) < 0.0).reshape(n, n, n)
    hit = inside.any(axis=1)                       # [x, z]
    first = np.argmax(inside, axis=1)              # y index of the first inside voxel
    xi, zi = np.nonzero(hit)
    image = np.tile(BACKGROUND, (n, n, 1))
    if len(xi):
        surf = np.stack([axes[0][xi], axes[1][first[xi, zi]], axes[2][zi]], axis=1)
        shade = 1.0 - 0.6 * first[xi, zi] / max(n - 1, 1)
        image[xi, zi] = color(surf) * shade[:, None]
    return linear_to_srgb8(np.flip(image.transpose(1, 0, 2), axis=0))   # rows = -z, columns = x


def points_view(xyz: np.ndarray, rgb: np.ndarray, n: int = 96) -> np.ndarray:
    """uint8[n, n, 3]: the cloud splatted front-on (nearest point wins), fitted to the frame."""
    xyz = np.asarray(xyz, dtype=np.float64)
    image = np.tile(BACKGROUND, (n, n, 1))
    ok = np.isfinite(xyz).all(axis=1)
    xyz, rgb = xyz[ok], np.asarray(rgb, dtype=np.float64)[ok]
    if len(xyz) == 0:
        return linear_to_srgb8(image)
    lo, hi = xyz.min(axis=0), xyz.max(axis=0)
    span = max(float(np.max(hi - lo)), 1e-6) * 1.1
    mid = (lo + hi) / 2
    col = np.clip(((xyz[:, 0] - mid[0]) / span + 0.5) * n, 0, n - 1).astype(int)
    row = np.clip((0.5 - (xyz[:, 2] - mid[2]) / span) * n, 0, n - 1).astype(int)
    order = np.argsort(-xyz[:, 1], kind="stable")   # far first, so nearer points overwrite
    image[row[order], col[order]] = np.clip(rgb[order], 0, 1)
    return linear_to_srgb8(image)


def preview_folder(out_dir: str, job_id: str) -> str:
    """The job's own preview folder, ``<out_dir>/.preview/<job id>`` (removed by ``clean`` when the job ends)."""
    return os.path.join(out_dir, ".preview", job_id)


def clean(out_dir: str, job_id: str) -> None:
    """Remove the job's previews (and ``.preview`` itself once no job uses it)."""
    shutil.rmtree(preview_folder(out_dir, job_id), ignore_errors=True)
    try:
        os.rmdir(os.path.join(out_dir, ".preview"))
    except OSError:  # other jobs' previews are still there, or it is gone already
        pass


def write_preview(folder: str, name: str, step: int, image: np.ndarray, scale: int = 2) -> str:
    """Write ``image`` (upscaled ``scale`` x, nearest) as ``<folder>/<name>_<step>.png``; return the path."""
    os.makedirs(folder, exist_ok=True)
    if scale > 1:
        image = np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)
    path = os.path.join(folder, f"{name}_{step:04d}.png")
    atomic_write(path, png_bytes(image))
    return path
