"""``assembly.Assembly`` (the lamps' lathed parts written straight into one merged mesh) gives what
``geometry.merge`` of the same parts made one by one with ``geometry.lathe`` / ``geometry.rod`` gives, element for
element and dtype for dtype: over random profiles (open, looped, with axis points, with windings too close to call
from the profile), rods in every direction, detail levels, and the three lamp categories over many seeds. bpy-free."""
import numpy as np
import pytest

from backend.procgen import geometry as geo
from backend.procgen.assembly import Assembly
from backend.procgen.factories import build_registry, lighting
from backend.procgen.registry import generate

REG = build_registry()


class OneByOne:
    """The reference: every part made on its own and merged, as the lamps did before ``Assembly``."""

    def __init__(self):
        self.parts = []

    def add(self, mesh):
        self.parts.append(mesh)

    def lathe(self, profile, segments=24, mat=0, loop=False, smooth=True):
        self.parts.append(geo.lathe(profile, segments, mat, loop, smooth))

    def rod(self, p0, p1, r, segments=10, mat=0, r1=None):
        self.parts.append(geo.rod(p0, p1, r, segments, mat, r1))

    def merge(self):
        return geo.merge(self.parts)


def assert_same(a, b):
    for name in geo.Mesh.__slots__:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert x.tobytes() == y.tobytes(), name   # bit for bit (-0.0 included)


def _random_parts(g, n_parts):
    """(method, args) for a random mix of open and looped lathes, rods and ready meshes."""
    out = []
    for _ in range(n_parts):
        kind = g.integers(0, 5)
        if kind == 0:      # an open profile from the axis to the axis, with an axis point in the middle sometimes
            k = int(g.integers(2, 9))
            z = np.sort(g.uniform(-0.5, 0.5, k + 2))
            prof = [(0.0, z[0])] + [(float(g.uniform(0.001, 0.3)), float(zz)) for zz in z[1:-1]] + [(0.0, z[-1])]
            if k > 3 and g.uniform() < 0.3:
                prof[k // 2] = (0.0, prof[k // 2][1])
            if g.uniform() < 0.3:
                prof = prof[::-1]      # inward winding: flipped
            out.append(("lathe", (prof, int(g.integers(3, 70)), int(g.integers(0, 4)), False, bool(g.uniform() < 0.8))))
        elif kind == 1:    # a looped profile (a ring), either winding
            a = np.linspace(0, 2 * np.pi, int(g.integers(3, 12)) + 1)[:-1] * (1 if g.uniform() < 0.5 else -1)
            rc, zc, rr = g.uniform(0.05, 0.3), g.uniform(-0.2, 0.2), g.uniform(0.001, 0.04)
            prof = [(rc + rr * np.cos(t), zc + rr * np.sin(t)) for t in a]
            out.append(("lathe", (prof, int(g.integers(3, 70)), int(g.integers(0, 4)), True, True)))
        elif kind == 2:    # a flat disc: a profile whose winding is too close to call (signed volume ~ 0)
            z = float(g.uniform(-0.3, 0.3))
            out.append(("lathe", ([(0.0, z), (float(g.uniform(0.01, 0.2)), z), (0.0, z)], int(g.integers(3, 40)), 0,
                                  False, True)))
        elif kind == 3:    # a rod, sometimes along +-Z or tapered
            p0 = g.uniform(-1, 1, 3)
            d = g.uniform(-1, 1, 3) if g.uniform() < 0.7 else np.array([0.0, 0.0, g.choice([-1.0, 1.0])])
            r1 = None if g.uniform() < 0.6 else float(g.uniform(0.001, 0.02))
            out.append(("rod", (tuple(p0), tuple(p0 + d), float(g.uniform(0.001, 0.03)), int(g.integers(3, 20)),
                                int(g.integers(0, 4)), r1)))
        else:              # a ready mesh in between
            out.append(("add", (geo.box(g.uniform(-1, 0, 3), g.uniform(0.01, 1, 3), int(g.integers(0, 4))),)))
    return out


@pytest.mark.parametrize("level", [0.35, 1.0, 2.0, 8.0])
def test_assembly_equals_parts_made_one_by_one(level):
    g = np.random.default_rng(int(level * 100))
    for trial in range(40):
        parts = _random_parts(g, int(g.integers(1, 25)))
        with geo.detail(level):
            fast, ref = Assembly(), OneByOne()
            for method, args in parts:
                getattr(fast, method)(*args)
                getattr(ref, method)(*args)
            assert_same(fast.merge(), ref.merge())


def test_assembly_rejects_an_open_profile_off_the_axis_as_lathe_does():
    with pytest.raises(ValueError, match="axis"):
        geo.lathe([(0.1, 0.0), (0.1, 1.0), (0.0, 1.0)])
    with pytest.raises(ValueError, match="axis"):
        Assembly().lathe([(0.1, 0.0), (0.1, 1.0), (0.0, 1.0)])


@pytest.mark.parametrize("category", ["table_lamp", "floor_lamp", "ceiling_light"])
def test_lamps_built_with_the_assembly_equal_the_lamps_built_part_by_part(category, monkeypatch):
    fast = {}
    for level in (0.35, 1.0, 2.0, 8.0):
        for seed in range(12):
            fast[level, seed] = generate(REG, category, seed, detail_level=level)
    monkeypatch.setattr(lighting, "Assembly", OneByOne)
    for (level, seed), (asset, params) in fast.items():
        ref, ref_params = generate(REG, category, seed, detail_level=level)
        assert params == ref_params and asset.materials == ref.materials
        assert_same(asset.mesh, ref.mesh)
