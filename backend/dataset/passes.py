"""One Cycles render's passes -> per-frame ground truth (bpy-free numpy; conventions in backend/blender/dataset.py).

``passes`` maps Blender's pass names to arrays read from the multilayer EXR: Combined Float[H, W, 3], Depth
Float[H, W], Normal Float[H, W, 3] (world), IndexOB Float[H, W], Vector Float[H, W, 4], and for the preview look
"Denoising Albedo" Float[H, W, 3]. Rows are top to bottom (as the EXR stores them).
"""
from __future__ import annotations

import numpy as np

from ..color import linear_to_srgb8
from .camera import GL_TO_CV

NO_SURFACE = 1e9  # Cycles writes 1e10 where a ray hits nothing
STUDIO_LIGHT = np.array([-0.35, 0.55, 0.76]) / np.linalg.norm([-0.35, 0.55, 0.76])
"""The preview look's key light, camera space (OpenGL axes): from the upper left, towards the viewer."""


def pixel_rays(K, width: int, height: int) -> np.ndarray:
    """Float[H, W, 3] ray directions through the pixel centres, camera space, OpenGL axes (z = -1)."""
    K = np.asarray(K, float)
    u, v = np.meshgrid(np.arange(width) + 0.5, np.arange(height) + 0.5)
    cv = np.stack([(u - K[0, 2]) / K[0, 0], (v - K[1, 2]) / K[1, 1], np.ones_like(u)], -1)
    return cv @ GL_TO_CV  # diag(1, -1, -1) is its own inverse


def sky_flow(K, c2w, c2w_next, width: int, height: int) -> np.ndarray:
    """Float[H, W, 2] forward flow of points at infinity (sky, background): only the camera's rotation moves
    them. Each pixel's ray is turned into the next camera's space and projected with K; directions behind the
    next camera get 0."""
    R = np.asarray(c2w, float)[:3, :3]
    R_next = np.asarray(c2w_next, float)[:3, :3]
    d = pixel_rays(K, width, height) @ (R_next.T @ R).T  # camera t -> world -> camera t+1 (row vectors)
    x = (d @ GL_TO_CV) @ np.asarray(K, float).T
    ahead = x[..., 2] > 1e-9
    uv = x[..., :2] / np.where(ahead, x[..., 2], 1.0)[..., None]
    u, v = np.meshgrid(np.arange(width) + 0.5, np.arange(height) + 0.5)
    return np.where(ahead[..., None], uv - np.stack([u, v], -1), 0.0)


def studio_rgb(albedo, normal_cam, hit) -> np.ndarray:
    """The preview look, UInt8[H, W, 3] sRGB: each surface's albedo under a fixed studio light (ambient plus one
    key light in camera space, as Workbench's studio lighting), the background's own colour elsewhere. Computed
    from the render's albedo and normal passes, so the preview needs no second render."""
    shade = 0.3 + 0.7 * np.clip(normal_cam @ STUDIO_LIGHT, 0.0, 1.0)
    rgb = np.where(hit[..., None], albedo * shade[..., None], albedo)
    return linear_to_srgb8(rgb)


def ground_truth(passes: dict, c2w: np.ndarray, lut: np.ndarray, *, K=None, c2w_next=None) -> dict:
    """Render passes -> ground-truth arrays: depth Float32[H, W] (0 = no surface), normal Float32[H, W, 3]
    (camera space), instance Int32[H, W], semantic UInt16[H, W], flow Float32[H, W, 2]. With ``K`` and
    ``c2w_next`` (the camera at the next frame) pixels without a surface get the camera-rotation flow of
    points at infinity (Cycles' Vector pass has 0 there)."""
    z = passes["Depth"]
    hit = z < NO_SURFACE
    depth = np.where(hit, z, 0.0).astype(np.float32)
    n = passes["Normal"] @ np.asarray(c2w)[:3, :3]  # world -> camera: R^T n, written for row vectors
    norms = np.linalg.norm(n, axis=-1, keepdims=True)
    normal = np.where(hit[..., None], n / np.maximum(norms, 1e-8), 0.0).astype(np.float32)
    inst = np.rint(passes["IndexOB"]).astype(np.int32)
    v = passes["Vector"]
    flow = np.stack([-v[..., 2], v[..., 3]], -1)  # Blender: ZW = current - next, y up
    if K is not None and c2w_next is not None:
        h, w = depth.shape
        flow = np.where(hit[..., None], flow, sky_flow(K, c2w, c2w_next, w, h))
    return {"depth": depth, "normal": normal, "instance": inst, "semantic": lut[inst].astype(np.uint16),
            "flow": flow.astype(np.float32)}
