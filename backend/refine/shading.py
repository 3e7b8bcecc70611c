"""One call that renders a textured (or plain) mesh from some views: rasterise, interpolate, shade, antialias.

    out = render_mesh(mesh_verts, mesh.faces, mvp, (128, 128), uvs=mesh.uvs, uv_faces=mesh.uv_faces,
                      tex=albedo, lit=True, adjacency=mesh.adjacency)
    out["rgb"]: Float[B, H, W, 3] in [0, 1] (linear), out["alpha"]: Float[B, H, W] (soft at silhouettes)
"""
from __future__ import annotations

import torch

from . import render
from .camera import to_clip

AMBIENT = 0.35


def vertex_normals(verts: torch.Tensor, faces: torch.Tensor) -> torch.Tensor:
    """Float[V, 3] area-weighted unit vertex normals (differentiable)."""
    v0, v1, v2 = verts[faces[:, 0]], verts[faces[:, 1]], verts[faces[:, 2]]
    fn = torch.linalg.cross(v1 - v0, v2 - v0)
    n = torch.zeros_like(verts).index_add(0, faces.reshape(-1), fn.repeat_interleave(3, dim=0))
    return n / n.norm(dim=1, keepdim=True).clamp_min(1e-12)


def render_mesh(verts: torch.Tensor, faces: torch.Tensor, mvp: torch.Tensor, size: tuple, *,
                uvs: torch.Tensor | None = None, uv_faces: torch.Tensor | None = None,
                tex: torch.Tensor | None = None, color: tuple = (0.8, 0.8, 0.8), lit: bool = True,
                eye: torch.Tensor | None = None, background: tuple = (1.0, 1.0, 1.0),
                adjacency: torch.Tensor | None = None) -> dict:
    """Render Float[V, 3] ``verts`` / Long[F, 3] ``faces`` through Float[B, 4, 4] ``mvp``.

    Albedo is ``tex`` (Float[Ht, Wt, 3], glTF UVs ``uvs`` Float[Vt, 2] on ``uv_faces``) or the flat ``color``.
    ``lit``: Lambert shading with a light at the camera ``eye`` (Float[B, 3]), plus ambient; else albedo only.
    ``adjacency``: from ``render.face_adjacency`` (computed here if None)."""
    clip = to_clip(verts, mvp)
    rast = render.rasterize(clip, faces, size)
    b = clip.shape[0]
    if tex is not None:
        uv = render.interpolate(uvs, rast, uv_faces)
        albedo = render.texture(tex, uv)
    else:
        albedo = verts.new_tensor(color).expand(b, *size, 3)
    rgb = albedo
    if lit:
        both = render.interpolate(torch.cat([vertex_normals(verts, faces), verts], dim=1), rast)
        normal, pos = both[..., :3], both[..., 3:]
        to_light = eye.to(verts)[:, None, None, :] - pos
        to_light = to_light / to_light.norm(dim=-1, keepdim=True).clamp_min(1e-9)
        n = normal / normal.norm(dim=-1, keepdim=True).clamp_min(1e-9)
        diffuse = (n * to_light).sum(-1).abs()  # two-sided: thin parts light up from either side
        rgb = albedo * (AMBIENT + (1.0 - AMBIENT) * diffuse)[..., None]
    mask = rast.mask[..., None]
    bg = verts.new_tensor(background)
    rgba = torch.cat([torch.where(mask, rgb, bg), mask.to(rgb.dtype)], dim=-1)
    if adjacency is None:
        adjacency = render.face_adjacency(faces)
    rgba = render.antialias(rgba, rast, clip, faces, adjacency)
    return {"rgb": rgba[..., :3], "alpha": rgba[..., 3], "rast": rast}
