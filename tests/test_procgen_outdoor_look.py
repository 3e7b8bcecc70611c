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
    blades = {"kind": "grass", "params": dict(ground["params"], blades=1)}
    grass = [sc for sc in g["scatter"] if sc["category"] == "grass_tuft"]
    assert len(grass) == 3 and all(sc["materials"] == [blades] for sc in grass)
    assert all(o["materials"] == [blades] for o in g["objects"] if o["category"] == "grass_tuft")


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
