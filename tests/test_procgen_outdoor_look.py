"""Issue #14, outdoor leftovers: green grass, a wet shore, a path that runs on across the land (bpy-free checks of
the graph and terrain fields, and small Cycles renders in real bpy)."""
import colorsys

import numpy as np
import pytest

from backend.procgen.plan import plan


def _srgb(c):
    c = np.asarray(c, np.float64)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055) * 255


@pytest.mark.parametrize("seed", range(0, 40, 3))
def test_grass_has_a_realistic_green_albedo_with_dry_patches(seed):
    """The ground's and the grass blades' colour is healthy green, about sRGB (60-110, 90-140, 30-60) before
    light (the old ground was a pale grey-olive plaster), with straw-coloured dry patches; every grass scatter and
    every placed tuft takes the turf's own description (blade mode), so blades match the ground under them."""
    g = plan("outdoor", seed)
    ground = g["structure"][0]["materials"][0]
    assert ground["kind"] == "grass" and g["structure"][1]["materials"][0] == ground
    r, gg, b = _srgb(ground["params"]["base_color"])
    assert 50 <= r <= 115 and 88 <= gg <= 140 and 25 <= b <= 62 and gg > r + 10 and gg > b + 40, (r, gg, b)
    h, s, v = colorsys.rgb_to_hsv(*(_srgb(ground["params"]["color2"]) / 255))
    assert 0.08 <= h <= 0.17 and s > 0.35, (h, s, v)  # straw / brown
    assert 0.05 <= ground["params"]["dry"] <= 0.4
    blades = {"kind": "grass", "params": dict(ground["params"], blades=1, per_blade=1)}   # edition 3: per blade
    assert all(o["materials"][0]["params"].get("per_blade") is None
               for o in plan("outdoor", seed, edition=2)["objects"] if o["category"] == "grass_tuft")
    grass = [sc for sc in g["scatter"] if sc["category"] == "grass_tuft"]
    assert len(grass) == 3 and all(sc["materials"] == [blades] for sc in grass)
    assert all(o["materials"] == [blades] for o in g["objects"] if o["category"] == "grass_tuft")


@pytest.mark.parametrize("seed", range(1, 40, 4))
def test_dry_grass_is_straw_not_earth(seed):
    """Far dry-grass patches read as bare earth (issue #14): their colour was a dark brown, sRGB value about
    95-130, as dark as the path's soil. Dry grass is straw: light yellow-beige, well above the soil's brightness."""
    g = plan("outdoor", seed)
    ground = g["structure"][0]["materials"][0]
    straw = _srgb(ground["params"]["color2"])
    h, s, v = colorsys.rgb_to_hsv(*(straw / 255))
    assert 0.08 <= h <= 0.17 and 0.3 <= s <= 0.6 and v >= 0.58, (straw, h, s, v)
    soils = [m["params"]["base_color"] for e in g["structure"] for m in e["materials"] if m["kind"] == "soil"]
    for soil in soils:
        assert straw.mean() > 1.4 * _srgb(soil).mean(), (straw, _srgb(soil))


def _render(scene, tmp_path, camera, size=48, samples=8):
    bpy = pytest.importorskip("bpy")
    scene.camera = bpy.data.objects[camera]
    scene.render.engine, scene.cycles.samples, scene.cycles.use_denoising = "CYCLES", samples, False
    scene.render.resolution_x = scene.render.resolution_y = size
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "PNG"
    scene.render.filepath = str(tmp_path / f"{camera}.png")
    bpy.ops.render.render(write_still=True)
    from PIL import Image
    return np.asarray(Image.open(scene.render.filepath).convert("RGB"), np.float64)


@pytest.fixture
def bscene():
    bpy = pytest.importorskip("bpy")
    bpy.ops.wm.read_factory_settings(use_empty=True)
    yield bpy.context.scene
    bpy.ops.wm.read_factory_settings(use_empty=True)


def test_outdoor_land_renders_green(bscene, tmp_path):
    """Seen from the top-down camera under the physical sky, the land (outside the pond and the path) reads as
    green grass in the rendered image: the old grey-olive ground gave a mean saturation about 0.2."""
    from backend.blender.procgen import build_scene, meter_exposure
    g = plan("outdoor", 7)
    build_scene(bscene, g)
    bscene.camera = next(o for o in bscene.objects if o.name.startswith("camera_top"))
    meter_exposure(bscene)
    px = _render(bscene, tmp_path, bscene.camera.name)
    h, s, v = colorsys.rgb_to_hsv(*(np.median(px.reshape(-1, 3), axis=0) / 255))
    assert 0.17 <= h <= 0.36 and s >= 0.35, (h, s, v)


def test_wet_edge_is_a_ragged_free_band_round_the_waterline():
    """terrain.wet_edge: negative from the water out to WET_BAND beyond the waterline, positive beyond, never more
    than SOIL_FAR; the same numbers for the same seed; None without a pond."""
    from backend.procgen.terrain import SOIL_FAR, WET_BAND, pond_shore, pond_waterline, wet_edge
    for seed in (0, 3, 11):
        t = plan("outdoor", seed)["structure"][0]["geometry"]
        if "pond" not in t:
            continue
        p = t["pond"]
        a = np.linspace(0, 2 * np.pi, 200, endpoint=False)
        _, r = pond_shore(t["seed"], p, p["x"] + np.cos(a), p["y"] + np.sin(a))
        wl = r * pond_waterline(p)
        for k, expect in ((0.0, True), (WET_BAND * 0.9, True), (WET_BAND * 1.1, False), (30.0, False)):
            x, y = p["x"] + np.cos(a) * (wl + k), p["y"] + np.sin(a) * (wl + k)
            e = wet_edge(t, x, y)
            assert ((e < 0) == expect).all() and (e <= SOIL_FAR).all(), (seed, k)
        assert np.array_equal(wet_edge(t, x, y), wet_edge(t, x, y))
    assert wet_edge({"seed": 0, "path": None, "pond": None}, 0.0, 0.0) is None


def test_pond_bank_renders_wet_darker_than_dry(bscene, tmp_path):
    """The wet bank round the pond's waterline is darker and glossier per pixel: the terrain carries the
    wet_edge point attribute, and a top-down orthographic render of the shore is much darker across the bank
    than the same render with the attribute set dry (the old terrain had neither)."""
    bpy = pytest.importorskip("bpy")
    from backend.blender.procgen import WET_ATTRIBUTE, build_scene
    from backend.procgen.terrain import WET_BAND, pond_shore, pond_waterline, wet_edge
    g = plan("outdoor", 13)
    t = g["structure"][0]["geometry"]
    assert "pond" in t
    p = t["pond"]
    coll = build_scene(bscene, dict(g, objects=[], scatter=[]))
    me = coll.objects["terrain"].data
    vals = np.empty(len(me.vertices), np.float32)
    me.attributes[WET_ATTRIBUTE].data.foreach_get("value", vals)
    co = np.empty(len(me.vertices) * 3, np.float32)
    me.vertices.foreach_get("co", co)
    co = co.reshape(-1, 3)
    assert np.allclose(vals, wet_edge(t, co[:, 0], co[:, 1]), atol=1e-4)
    half = p["r"] * 1.25
    cam = bpy.data.objects.new("shore_cam", bpy.data.cameras.new("shore_cam"))
    coll.objects.link(cam)
    cam.data.type, cam.data.ortho_scale = "ORTHO", 2 * half
    cam.location = (p["x"], p["y"], p["level"] + 20.0)
    cam.rotation_euler = (0.0, 0.0, 0.0)
    n = 96
    wet_img = _render(bscene, tmp_path, "shore_cam", size=n, samples=16)
    me.attributes[WET_ATTRIBUTE].data.foreach_set("value", np.full(len(vals), 10.0, np.float32))
    me.update()
    dry_img = _render(bscene, tmp_path, "shore_cam", size=n, samples=16)
    c = (np.arange(n) + 0.5) / n * 2 * half - half
    X, Y = np.meshgrid(p["x"] + c, p["y"] - c)  # image rows run from the top (+Y) down
    d, r = pond_shore(t["seed"], p, X, Y)
    wl = r * pond_waterline(p)
    band = (d > wl + 0.08) & (d < wl + WET_BAND - 0.15)
    far = d > wl + WET_BAND + 0.6
    assert band.sum() > 100
    lum_wet, lum_dry = wet_img[band].mean(), dry_img[band].mean()
    assert lum_wet < 0.8 * lum_dry, (lum_wet, lum_dry)
    assert abs(wet_img[far].mean() - dry_img[far].mean()) < 0.03 * dry_img[far].mean()  # only the bank


def test_path_runs_on_across_the_land_clear_of_grass_and_trees():
    """A path leaves the patch at both ends and runs on across the land (``far`` polylines, past the farthest
    trees) instead of fading a few metres out; soil_edge with far=True is bare soil along them, and the grass
    and trees scattered on the land keep off them."""
    from backend.procgen.terrain import path_distance, soil_edge
    checked = 0
    for seed in (4, 5, 12, 21):
        g = plan("outdoor", seed)
        t = g["structure"][0]["geometry"]
        if "path" not in t:
            continue
        checked += 1
        pth = t["path"]
        assert len(pth["far"]) == 2
        for line in pth["far"]:
            L = np.asarray(line)
            assert np.hypot(*L[-1]) > 250 and np.linalg.norm(L[0] - np.asarray(pth["points"]), axis=1).min() < 1e-3
            mid = (L[:-1] + L[1:]) / 2
            assert (soil_edge(t, mid[:, 0], mid[:, 1], far=True) < -pth["width"] / 2 + 0.01).all()
            assert (soil_edge(t, mid[-3:, 0], mid[-3:, 1]) > 1.0).all()  # per pixel only: never the coarse grid
        sc = {s["id"]: np.asarray(s["points"])[:, :2] for s in g["scatter"]}
        for name, clear in (("far_trees", pth["width"] / 2 + 2.0), ("far_grass", pth["width"] / 2 + 0.2),
                            ("edge_grass", pth["width"] / 2 + 0.2)):
            d = np.min([path_distance(line, sc[name][:, 0], sc[name][:, 1]) for line in pth["far"]], axis=0)
            assert d.min() > clear, (seed, name, d.min())
    assert checked >= 3


def test_path_shows_far_out_on_the_land(bscene, tmp_path):
    """Rendered from above 60-120 m out on the land, the path is a strip of bare soil (redder than green) where
    the far polyline runs, and the land beside it is grass: before, the path faded out a few metres past the
    patch and the land there was all grass."""
    bpy = pytest.importorskip("bpy")
    from backend.blender.procgen import build_scene
    from backend.procgen.terrain import land_surface, path_distance
    g = plan("outdoor", 12)
    t, land = g["structure"][0]["geometry"], g["structure"][1]["geometry"]
    line = np.asarray(t["path"]["far"][0])
    coll = build_scene(bscene, dict(g, objects=[], scatter=[], structure=g["structure"][:2]))
    k = int(np.argmin(np.abs(np.hypot(line[:, 0], line[:, 1]) - 90)))
    cx, cy = line[k]
    half = 6.0
    cam = bpy.data.objects.new("far_cam", bpy.data.cameras.new("far_cam"))
    coll.objects.link(cam)
    cam.data.type, cam.data.ortho_scale, cam.data.clip_end = "ORTHO", 2 * half, 500.0
    cam.location = (cx, cy, float(land_surface(land, t, cx, cy)) + 60.0)
    n = 64
    img = _render(bscene, tmp_path, "far_cam", size=n, samples=8)
    c = (np.arange(n) + 0.5) / n * 2 * half - half
    X, Y = np.meshgrid(cx + c, cy - c)
    d = path_distance(line, X.ravel(), Y.ravel()).reshape(n, n)
    on, off = d < t["path"]["width"] / 2 - 0.25, d > t["path"]["width"] / 2 + 1.5
    assert on.sum() > 20 and off.sum() > 200
    soil = img[..., 0] > img[..., 1] * 1.02  # bare earth is red-brown, grass green
    assert soil[on].mean() > 0.7 and soil[off].mean() < 0.3, (soil[on].mean(), soil[off].mean())
