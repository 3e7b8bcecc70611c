"""The differentiable renderer: known images, gradients against finite differences, optimisation sanity."""
import math

import numpy as np
import pytest
import torch

from backend.refine import camera, geometry, meshio, render
from backend.refine.shading import render_mesh

pytestmark = pytest.mark.timeout(120)

QUAD_V = torch.tensor([[-0.5, 0, -0.5], [0.5, 0, -0.5], [0.5, 0, 0.5], [-0.5, 0, 0.5]], dtype=torch.float64)
QUAD_F = torch.tensor([[0, 1, 2], [0, 2, 3]])


def _cube():
    import trimesh

    m = trimesh.creation.box(extents=(1, 1, 1))
    return torch.tensor(m.vertices, dtype=torch.float64), torch.tensor(m.faces, dtype=torch.int64)


def _sphere(subdiv=2):
    import trimesh

    m = trimesh.creation.icosphere(subdivisions=subdiv, radius=0.6)
    return torch.tensor(m.vertices, dtype=torch.float32), torch.tensor(m.faces, dtype=torch.int64)


def test_quad_at_known_depth_covers_the_expected_pixels():
    view = camera.OrbitView(azimuth=0, elevation=0, distance=2.0, fov_y=40)
    rast = render.rasterize(camera.to_clip(QUAD_V, camera.view_proj(view, torch.float64)), QUAD_F, (32, 32))
    half = 0.5 / 2.0 / math.tan(math.radians(20)) * 16  # half the quad's width in pixels
    assert int(rast.mask.sum()) == (2 * round(half)) ** 2 == 484
    assert torch.allclose(rast.depth[rast.mask], torch.full_like(rast.depth[rast.mask], 2.0))
    assert rast.face[0, 0, 0] == -1 and rast.face[0, 16, 16] >= 0
    assert torch.allclose(rast.bary.sum(1), torch.ones(len(rast.bary), dtype=torch.float64))


def test_nearer_face_wins_and_cube_normals_point_at_the_camera():
    v, f = _cube()
    from backend.refine.shading import vertex_normals

    fn = geometry.face_normals(v, f)
    # per-face normals as a flat attribute: interpolate the face's normal at all three corners
    flat_v = v[f.reshape(-1)]
    flat_f = torch.arange(len(flat_v)).reshape(-1, 3)
    for az, el, expect in ((0, 0, (0, -1, 0)), (90, 0, (1, 0, 0)), (180, 0, (0, 1, 0)), (0, 89, (0, 0, 1))):
        view = camera.OrbitView(azimuth=az, elevation=el, distance=3.0)
        rast = render.rasterize(camera.to_clip(flat_v, camera.view_proj(view, torch.float64)), flat_f, (16, 16))
        n = render.interpolate(fn.repeat_interleave(3, 0), rast)
        assert torch.allclose(n[0, 8, 8], torch.tensor(expect, dtype=torch.float64), atol=1e-6), (az, el)
        assert abs(float(rast.depth[0, 8, 8]) - 2.5) < 2e-3  # the near face (the 89 degree view: tilted 1 degree)
    assert vertex_normals(v, f).shape == v.shape


def test_gradients_match_finite_differences_inside_and_on_silhouettes():
    torch.manual_seed(0)
    v = torch.tensor([[-0.45, 0.05, -0.4], [0.5, -0.1, -0.35], [0.05, 0.1, 0.47]], dtype=torch.float64)
    f = torch.tensor([[0, 1, 2]])
    colors = torch.tensor([[1.0, 0.2, 0.1], [0.1, 0.9, 0.3], [0.2, 0.3, 1.0]], dtype=torch.float64)
    mvp = camera.view_proj(camera.OrbitView(azimuth=10, elevation=5, distance=2.2), torch.float64)
    weights = torch.rand(1, 24, 24, 4, dtype=torch.float64)
    adj = render.face_adjacency(f)

    def loss(verts):
        clip = camera.to_clip(verts, mvp)
        rast = render.rasterize(clip, f, (24, 24))
        col = render.interpolate(colors, rast)
        rgba = torch.cat([col, rast.mask[..., None].double()], -1)
        return (render.antialias(rgba, rast, clip, f, adj) * weights).sum()

    x = v.clone().requires_grad_(True)
    loss(x).backward()
    eps = 1e-5
    fd = torch.zeros_like(v)
    for i in range(3):
        for k in range(3):
            d = torch.zeros_like(v)
            d[i, k] = eps
            fd[i, k] = (loss(v + d) - loss(v - d)) / (2 * eps)
    assert x.grad.abs().max() > 1.0
    assert torch.allclose(x.grad, fd, rtol=1e-3, atol=1e-3 * float(fd.abs().max())), (x.grad, fd)


def test_antialias_moves_the_silhouette_alone():
    """Without antialias the mask has no gradient; with it, moving an edge outward grows the coverage."""
    v = QUAD_V.clone().requires_grad_(True)
    mvp = camera.view_proj(camera.OrbitView(azimuth=0, elevation=0, distance=2.0), torch.float64)
    out = render_mesh(v, QUAD_F, mvp[None], (32, 32), lit=False)
    out["alpha"].sum().backward()
    # pushing the right edge (+X) outward adds coverage: positive gradient on x of vertices 1 and 2
    assert v.grad[1, 0] > 0 and v.grad[2, 0] > 0 and v.grad[0, 0] < 0 and v.grad[3, 0] < 0


def test_fit_sphere_vertices_to_a_target_silhouette():
    v, f = _sphere(2)
    adj = render.face_adjacency(f)
    views = [camera.OrbitView(azimuth=a, elevation=e, distance=2.5) for a, e in ((0, 10), (90, 10), (45, 60))]
    mvp = torch.stack([camera.view_proj(w) for w in views])
    target_v = v * torch.tensor([1.25, 0.8, 0.9])
    with torch.no_grad():
        target = render_mesh(target_v, f, mvp, (48, 48), lit=False, adjacency=adj)["alpha"]
    lap = geometry.laplacian_matrix(f, len(v))
    offset = torch.zeros_like(v, requires_grad=True)
    opt = torch.optim.Adam([offset], lr=0.01)
    errors = []
    for _ in range(80):
        verts = v + offset
        alpha = render_mesh(verts, f, mvp, (48, 48), lit=False, adjacency=adj)["alpha"]
        err = ((alpha - target) ** 2).mean()
        loss = err + 0.5 * geometry.laplacian_loss(verts, lap)
        opt.zero_grad()
        loss.backward()
        opt.step()
        errors.append(float(err.detach()))
    assert errors[-1] < errors[0] / 4, errors[::10]
    assert geometry.flipped_faces(v, v + offset, f) == 0


def test_fit_a_texture_to_a_target_image():
    v = QUAD_V.float()
    uvs = torch.tensor([[0, 1], [1, 1], [1, 0], [0, 0]], dtype=torch.float32)  # glTF: v down, so top = v 0
    mvp = camera.view_proj(camera.OrbitView(azimuth=0, elevation=0, distance=1.6))[None]
    yy, xx = torch.meshgrid(torch.arange(16), torch.arange(16), indexing="ij")
    checker = (((yy // 4 + xx // 4) % 2).float()[..., None] * torch.tensor([0.9, 0.2, 0.1]) + 0.05)
    with torch.no_grad():
        target = render_mesh(v, QUAD_F, mvp, (40, 40), uvs=uvs, uv_faces=QUAD_F, tex=checker, lit=False)["rgb"]
    tex = torch.full((16, 16, 3), 0.5, requires_grad=True)
    opt = torch.optim.Adam([tex], lr=0.05)
    errors = []
    for _ in range(60):
        rgb = render_mesh(v, QUAD_F, mvp, (40, 40), uvs=uvs, uv_faces=QUAD_F, tex=tex, lit=False)["rgb"]
        err = ((rgb - target) ** 2).mean()
        opt.zero_grad()
        err.backward()
        opt.step()
        errors.append(float(err.detach()))
    assert errors[-1] < errors[0] / 20, errors[::10]


def test_manifold_checks():
    _, f = _cube()
    assert meshio.manifold_problems(f.numpy()) == []
    bad = np.concatenate([f.numpy(), f.numpy()[:1]])
    assert meshio.manifold_problems(bad)
    flipped = f.numpy().copy()
    flipped[0] = flipped[0, ::-1]
    assert any("winding" in p for p in meshio.manifold_problems(flipped))
