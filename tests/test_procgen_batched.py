"""``batched`` builds many tubes or blobs at once: each shell of its mesh is the primitive ``geometry`` builds on its
own (the same vertices to rounding, corners, UVs and winding), at every detail level. bpy-free."""
import numpy as np
import pytest

from backend.procgen import batched
from backend.procgen import geometry as geo


def _shell(m, k, nv, nf):
    """The k-th of a stacked mesh's shells of ``nv`` vertices and ``nf`` faces, its corners counted from 0."""
    starts = geo.face_starts(m)
    c0, c1 = starts[k * nf], (starts[(k + 1) * nf] if (k + 1) * nf < len(starts) else len(m.corners))
    return (m.verts[k * nv:(k + 1) * nv], m.corners[c0:c1] - k * nv, m.sizes[k * nf:(k + 1) * nf], m.uvs[c0:c1])


@pytest.mark.parametrize("level", (0.35, 1.0, 3.0))
def test_tubes_are_the_tubes_geometry_builds_one_by_one(level):
    rng = np.random.default_rng(5)
    paths = np.cumsum(rng.normal(size=(12, 5, 3)) * 0.2, axis=1)
    paths[3] = np.linspace([0, 0, 0], [0, 0, 1.0], 5)         # starting straight up: the other reference axis
    radii = rng.uniform(0.01, 0.05, (12, 5))
    with geo.detail(level):
        verts, shape = batched.tubes(paths, radii, 6)
        m = batched.stack(verts, shape, mat=1)
        for k in range(12):
            one = geo.tube(paths[k], radii[k], 6, 1)
            v, c, s, uv = _shell(m, k, len(one.verts), len(one.sizes))
            np.testing.assert_allclose(v, one.verts, atol=1e-12)
            assert (c == one.corners).all() and (s == one.sizes).all() and (uv == one.uvs).all(), k
    assert (m.mat == 1).all() and geo.signed_volume(m) > 0


@pytest.mark.parametrize("level", (0.35, 1.0, 3.0))
def test_blobs_without_noise_are_geometry_blobs_and_wound_outwards(level):
    """With no noise a batch blob is ``geometry.blob``'s scaled icosphere (its noise is drawn per batch, so only the
    smooth shape can be compared); with noise, and mirrored by a frame, every shell still winds outwards."""
    radii = np.array([[1.0, 0.5, 0.3], [0.2, 0.2, 0.6]])
    with geo.detail(level):
        verts, shape = batched.blobs(np.random.default_rng(0), radii, 1, 0.0, 4)
        m = batched.stack(verts, shape)
        for k, r in enumerate(radii):
            one = geo.blob(np.random.default_rng(0), r, 1, 0.0, 4)
            v, c, s, uv = _shell(m, k, len(one.verts), len(one.sizes))
            np.testing.assert_allclose(v, one.verts, atol=1e-12)
            assert (c == one.corners).all() and (uv == one.uvs).all(), k
        verts, shape = batched.blobs(np.random.default_rng(1), radii, 2, 0.4, 6)
        mirrored = batched.stack(verts * [1, 1, -1], shape)
        nf = len(shape.sizes)
        for k in range(len(radii)):
            v, c, s, uv = _shell(mirrored, k, verts.shape[1], nf)
            assert geo.signed_volume(geo.Mesh(v, c, s, uv)) > 0, k
