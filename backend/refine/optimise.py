"""The refinement loop: random views -> render -> score distillation (+ regularisers) -> Adam step.

Works on a normalised mesh (bounding box centred on the origin, largest side 1 m; see ``meshio.normalise``).
The texture is a UV image of display (sRGB) values in [0, 1]; geometry is a per-vertex offset on the welded
vertices, kept smooth by a uniform Laplacian and normal consistency (Magic3D's mesh stage, arXiv 2211.10440).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from . import geometry, render
from .camera import OrbitView, view_direction_label, view_proj
from .shading import render_mesh

CAMERA_DISTANCE = 2.0     # metres from the centre of a 1 m object; fov 40 deg leaves a margin around it
ELEVATION_RANGE = (-10.0, 45.0)


@dataclass
class Settings:
    steps: int = 100
    resolution: int = 64
    views_per_step: int = 1
    texture_size: int = 256
    lr_texture: float = 0.02
    lr_geometry: float = 0.0005
    geometry: bool = False
    laplacian_weight: float = 1000.0
    normal_weight: float = 100.0
    preview_every: int = 0
    seed: int = 0
    device: str = "cpu"
    views: list | None = None
    """fixed views to cycle through instead of random ones (tests and the oracle)"""


@dataclass
class Result:
    verts: np.ndarray
    texture: np.ndarray
    """Float[T, T, 3] display values in [0, 1]"""
    losses: list = field(default_factory=list)
    regularisers: list = field(default_factory=list)
    flipped: int = 0
    steps_done: int = 0


def random_views(gen: torch.Generator, n: int) -> list[OrbitView]:
    u = torch.rand((n, 2), generator=gen, dtype=torch.float64)
    lo, hi = ELEVATION_RANGE
    return [OrbitView(azimuth=float(a) * 360.0, elevation=lo + float(e) * (hi - lo), distance=CAMERA_DISTANCE)
            for a, e in u]


def _stack(views, device):
    mvp = torch.stack([view_proj(v) for v in views]).to(device)
    eye = torch.tensor([v.eye() for v in views], dtype=torch.float32, device=device)
    return mvp, eye


class Refiner:
    """Holds the parameters being optimised; ``step`` runs one iteration, ``render`` draws any views."""

    def __init__(self, verts: np.ndarray, faces: np.ndarray, uvs: np.ndarray, uv_faces: np.ndarray,
                 texture: np.ndarray, settings: Settings):
        dev = settings.device
        self.s = settings
        self.verts0 = torch.tensor(verts, dtype=torch.float32, device=dev)
        self.faces = torch.tensor(faces, dtype=torch.int64, device=dev)
        self.uvs = torch.tensor(uvs, dtype=torch.float32, device=dev)
        self.uv_faces = torch.tensor(uv_faces, dtype=torch.int64, device=dev)
        self.adjacency = render.face_adjacency(faces).to(dev)
        self.texture = torch.tensor(texture, dtype=torch.float32, device=dev).requires_grad_(True)
        groups = [{"params": [self.texture], "lr": settings.lr_texture}]
        self.offset = None
        if settings.geometry:
            self.offset = torch.zeros_like(self.verts0, requires_grad=True)
            groups.append({"params": [self.offset], "lr": settings.lr_geometry})
            self.lap = geometry.laplacian_matrix(self.faces.cpu(), len(verts)).to(dev)
            self.pairs = geometry.interior_edges(self.adjacency.cpu()).to(dev)
        self.opt = torch.optim.Adam(groups, betas=(0.9, 0.99), eps=1e-15)
        self.gen = torch.Generator().manual_seed(settings.seed)

    @property
    def verts(self) -> torch.Tensor:
        return self.verts0 if self.offset is None else self.verts0 + self.offset

    def render(self, views, size=None, background=(1.0, 1.0, 1.0)) -> dict:
        size = size or (self.s.resolution, self.s.resolution)
        mvp, eye = _stack(views, self.verts0.device)
        return render_mesh(self.verts, self.faces, mvp, size, uvs=self.uvs, uv_faces=self.uv_faces,
                           tex=self.texture.clamp(0.0, 1.0), lit=self.s.geometry, eye=eye, background=background,
                           adjacency=self.adjacency)

    def step(self, i: int, guidance, check: Callable[[], None] = lambda: None) -> tuple[float, float, dict]:
        """One iteration. Returns (guidance loss, regulariser loss, guidance info). ``check`` (cancel) runs between
        its phases too: with a full-size model on a CPU one step takes many seconds."""
        s = self.s
        if s.views:
            views = [s.views[(i * s.views_per_step + k) % len(s.views)] for k in range(s.views_per_step)]
        else:
            views = random_views(self.gen, s.views_per_step)
        out = self.render(views)
        check()
        loss, info = guidance.loss(out["rgb"], [view_direction_label(v.azimuth) for v in views], i, s.steps)
        check()
        reg = torch.zeros((), device=loss.device)
        if self.offset is not None:
            verts = self.verts
            reg = (s.laplacian_weight * geometry.laplacian_loss(verts, self.lap)
                   + s.normal_weight * geometry.normal_consistency_loss(verts, self.faces, self.pairs))
        self.opt.zero_grad(set_to_none=True)
        (loss + reg).backward()
        self.opt.step()
        return float(loss.detach()), float(reg.detach()), info

    def preview(self, size: int = 96) -> np.ndarray:
        """uint8[size, 2 size, 3]: front and side views."""
        with torch.no_grad():
            rgb = self.render([OrbitView(0.0, 15.0, CAMERA_DISTANCE), OrbitView(90.0, 15.0, CAMERA_DISTANCE)],
                              (size, size))["rgb"]
        img = torch.cat([rgb[0], rgb[1]], dim=1).clamp(0, 1).cpu().numpy()
        return (img * 255 + 0.5).astype(np.uint8)

    def result(self, steps_done: int, losses, regs) -> Result:
        with torch.no_grad():
            verts = self.verts.detach()
            flipped = geometry.flipped_faces(self.verts0, verts, self.faces)
            return Result(verts=verts.cpu().numpy().astype(np.float64),
                          texture=self.texture.detach().clamp(0, 1).cpu().numpy(), losses=list(losses),
                          regularisers=list(regs), flipped=flipped, steps_done=steps_done)


def refine(refiner: Refiner, guidance, *, check: Callable[[], None] = lambda: None,
           on_step: Callable[[int, int, dict], None] | None = None) -> Result:
    """Run ``refiner.s.steps`` iterations; ``check`` (cancel) before each, ``on_step(done, total, info)`` after."""
    losses, regs = [], []
    total = refiner.s.steps
    for i in range(total):
        check()
        loss, reg, info = refiner.step(i, guidance, check)
        if not math.isfinite(loss):
            raise FloatingPointError(f"the loss became {loss} at step {i + 1} (lower the learning rates)")
        losses.append(loss)
        regs.append(reg)
        if on_step:
            on_step(i + 1, total, dict(info, loss=loss, regulariser=reg))
    return refiner.result(total, losses, regs)
