"""Cameras for the differentiable renderer: orbit views around the object, as clip-space transforms.

Conventions (the same as Blender's, so a view described here is the view a Blender camera would see):

- World: Z up, metres. "Front" is the view from -Y looking toward +Y (Blender's numpad 1), so azimuth 0 puts the
  camera on the -Y axis; azimuth grows counter-clockwise seen from above (90 degrees: camera on +X, "side" view;
  180: camera on +Y, "back" view). Elevation is the angle above the XY plane.
- Camera (view) space: the camera looks down its -Z axis, +Y is up in the image, +X is right (OpenGL and
  Blender camera convention).
- Projection: pinhole, vertical field of view ``fov_y`` (radians), square pixels; clip space as OpenGL
  (x, y, z, w) with w = view-space depth (distance along the viewing axis, positive in front of the camera).
- Image: row 0 is the TOP of the picture; pixel (row i, column j) has its centre at NDC
  x = (2 (j + 0.5) / W) - 1, y = 1 - (2 (i + 0.5) / H).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class OrbitView:
    """A camera on a sphere around ``target``, looking at it."""

    azimuth: float
    """degrees; 0 = front (camera on -Y), 90 = camera on +X, 180 = back"""
    elevation: float = 15.0
    """degrees above the XY plane"""
    distance: float = 2.5
    """metres from the target"""
    fov_y: float = 40.0
    """vertical field of view in degrees"""
    target: tuple = (0.0, 0.0, 0.0)

    def eye(self) -> tuple:
        az, el = math.radians(self.azimuth), math.radians(self.elevation)
        x = self.distance * math.cos(el) * math.sin(az)
        y = -self.distance * math.cos(el) * math.cos(az)
        z = self.distance * math.sin(el)
        return (self.target[0] + x, self.target[1] + y, self.target[2] + z)


def look_at(eye, target, up=(0.0, 0.0, 1.0), dtype=torch.float32) -> torch.Tensor:
    """Float[4, 4] world -> view matrix of a camera at ``eye`` looking at ``target`` (view -Z toward target)."""
    eye, target, up = (torch.tensor(v, dtype=torch.float64) for v in (eye, target, up))
    back = eye - target
    back = back / back.norm()
    if abs(float(back @ up)) > 0.999:  # looking straight down or up: any horizontal "up" will do
        up = torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64)
    right = torch.linalg.cross(up, back)
    right = right / right.norm()
    true_up = torch.linalg.cross(back, right)
    m = torch.eye(4, dtype=torch.float64)
    m[0, :3], m[1, :3], m[2, :3] = right, true_up, back
    m[:3, 3] = -m[:3, :3] @ eye
    return m.to(dtype)


def perspective(fov_y_deg: float, aspect: float = 1.0, near: float = 0.05, far: float = 100.0,
                dtype=torch.float32) -> torch.Tensor:
    """Float[4, 4] OpenGL projection: view space -> clip space (w = view depth)."""
    f = 1.0 / math.tan(math.radians(fov_y_deg) / 2)
    p = torch.zeros(4, 4, dtype=torch.float64)
    p[0, 0], p[1, 1] = f / aspect, f
    p[2, 2], p[2, 3] = (far + near) / (near - far), 2 * far * near / (near - far)
    p[3, 2] = -1.0
    return p.to(dtype)


def view_proj(view: OrbitView, dtype=torch.float32) -> torch.Tensor:
    """Float[4, 4] world -> clip transform of an orbit view."""
    return perspective(view.fov_y, dtype=torch.float64).matmul(
        look_at(view.eye(), view.target, dtype=torch.float64)).to(dtype)


def to_clip(verts: torch.Tensor, mvp: torch.Tensor) -> torch.Tensor:
    """Float[V, 3] world positions, Float[B, 4, 4] (or [4, 4]) transforms -> Float[B, V, 4] clip positions."""
    if mvp.dim() == 2:
        mvp = mvp[None]
    hom = torch.cat([verts, torch.ones_like(verts[:, :1])], dim=1)
    return torch.matmul(hom[None], mvp.to(verts).transpose(1, 2))


def view_direction_label(azimuth: float) -> str:
    """front | side | back for a camera azimuth in degrees (DreamFusion's view-dependent prompting,
    arXiv 2209.14988 section 3.2: front within 45 degrees of 0, back within 45 of 180, side otherwise)."""
    a = (azimuth + 180.0) % 360.0 - 180.0
    if abs(a) <= 45.0:
        return "front"
    if abs(a) >= 135.0:
        return "back"
    return "side"
