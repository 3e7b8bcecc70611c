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


def test_a_kept_plan_serves_other_windings_slots_and_profiles_of_the_same_shapes():
    """``Assembly.merge`` keeps a plan per sequence of part shapes and, apart, per windings, slots and smooth flags:
    the same shapes again with profiles drawn the other way (the other winding), other slots, flags and sizes give
    what the parts made one by one give; and a merged mesh shares no array with the plan (changing one in place,
    as the pendant does with its vertices, changes no later merge)."""
    def parts(flip, mat, smooth, scale):
        up = [(0.0, 0.0), (0.1 * scale, 0.0), (0.08 * scale, 0.3), (0.0, 0.3)]
        ring = [(0.2 + 0.01 * np.cos(t), 0.5 + 0.01 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 9)[:-1]]
        return [("lathe", (up[::-1] if flip else up, 20, mat, False, smooth)),
                ("add", (geo.box((0, 0, 0), (0.1, 0.1, 0.1 * scale), mat),)),
                ("lathe", (ring[::-1] if flip else ring, 32, 1 - mat, True, True)),
                ("rod", ((0, 0, 0), (0.1 * scale, 0.2, 0.4), 0.01, 8, mat, None))]
    first = None
    for flip, mat, smooth, scale in [(False, 0, True, 1.0), (True, 1, False, 1.3), (False, 1, True, 0.7),
                                     (True, 0, True, 1.0), (False, 0, True, 1.0)]:
        fast, ref = Assembly(), OneByOne()
        for method, args in parts(flip, mat, smooth, scale):
            getattr(fast, method)(*args)
            getattr(ref, method)(*args)
        got = fast.merge()
        assert_same(got, ref.merge())
        if first is None:
            first = got
            for name in geo.Mesh.__slots__:        # scribble over the first result: later merges must not see it
                getattr(first, name)[...] = 7
    assert (first.verts == 7).all()


@pytest.mark.parametrize("level", [0.35, 1.0, 3.0, 12.0])
def test_ellipsoid_is_the_blob_without_noise_moved_and_slotted(level):
    """``geometry.ellipsoid`` (the lamps' bulbs) gives, byte for byte, ``blob`` at roughness 0 (no octaves, as the
    lamps called it, or six octaves of zero amplitude) moved by ``transformed`` and slotted by ``with_material``."""
    g = np.random.default_rng(3)
    with geo.detail(level):
        for subdiv in (0, 1, 2, 3):
            radii = tuple(g.uniform(0.001, 0.5, 3))
            offset = tuple(g.uniform(-2, 2, 3))
            got = geo.ellipsoid(radii, subdiv, 2, offset)
            for octaves in (0, 6):
                ref = geo.blob(geo.rng_for(subdiv, "bulb"), radii, subdiv, 0.0, octaves).transformed(
                    offset=offset).with_material(2)
                assert_same(got, ref)
            assert_same(geo.ellipsoid(radii, subdiv), geo.blob(g, radii, subdiv, 0.0, 0))
