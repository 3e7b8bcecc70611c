"""Edition 3's prop material kinds in real bpy (``materials_props``): the switched-off screen, silvered glass, a
basket's wicker weave and glued butcher-block wood build node trees that drive the BSDF, and a small top-down
Cycles render of an end-grain board shows a checker of two woods (edition 2's board shows one)."""
import json

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from backend.blender.materials import procedural_material  # noqa: E402
from backend.blender.procgen import add_asset  # noqa: E402
from backend.procgen import generate_asset  # noqa: E402
from backend.procgen.materials import material  # noqa: E402
from backend.procgen.geometry import rng_for  # noqa: E402
from test_procgen_edition3_blender import _bsdf, _top_down, scene  # noqa: E402,F401


def _ops(mat):
    return {n.operation for n in mat.node_tree.nodes if n.type == "MATH"}


def test_screen_and_mirror_are_glossy_coated_and_smudged(scene):  # noqa: F811
    for kind in ("screen", "mirror"):
        desc = material(kind, rng_for(0, "test", kind))
        mat = procedural_material(desc)
        bsdf = _bsdf(mat)
        assert bsdf.inputs["Coat Weight"].default_value > 0.9
        rough = bsdf.inputs["Coat Roughness" if kind == "screen" else "Roughness"]
        assert rough.is_linked, f"{kind}: no smudges"
        assert json.loads(mat["conjure_material"]) == desc
    assert _bsdf(procedural_material(material("mirror", rng_for(1, "test")))).inputs["Metallic"].default_value == 1.0


@pytest.mark.parametrize("kind, style", [("wicker", None), ("butcher_block", 0), ("butcher_block", 1)])
def test_weave_and_glued_wood_build_patterned_node_trees(scene, kind, style):  # noqa: F811
    desc = material(kind, rng_for(0, "test", kind))
    if style is not None:
        desc["params"]["style"] = style
    mat = procedural_material(desc)
    bsdf = _bsdf(mat)
    assert bsdf.inputs["Base Color"].is_linked and bsdf.inputs["Normal"].is_linked
    assert {"FLOOR", "FRACT"} <= _ops(mat)
    if style == 0:
        assert any(n.type == "TEX_WHITE_NOISE" for n in mat.node_tree.nodes)   # a pith per block


def _end_grain_seed():
    return next(s for s in range(200) if generate_asset("cutting_board", s)[0].materials[0]["params"]
                .get("finish", "").count("_") == 3)          # end_grain_<wood>_<wood>: two woods


def test_a_rendered_end_grain_board_is_a_checker_of_two_woods(scene, tmp_path, edition=None):  # noqa: F811
    seed = _end_grain_seed()
    obj = add_asset(scene, "cutting_board", seed, edition=edition)
    w = max(obj.dimensions.x, obj.dimensions.y)
    ext = w * 1.1
    px = _top_down(scene, obj, ext, tmp_path, "board")
    b = generate_asset("cutting_board", seed)[0].materials[0]["params"]["block"]

    def at(x, y):   # mean colour of a 3 x 3 patch at world (x, y)
        c, r = int(round(32 + x / ext * 64)), int(round(32 + y / ext * 64))
        return px[r - 1:r + 2, c - 1:c + 2].reshape(-1, 3).mean(0)
    for j in (0, -1):
        row = [at((i + 0.5) * b, (j + 0.5) * b) for i in (-2, -1, 0, 1)]
        for c0, c1 in zip(row, row[1:]):      # neighbouring blocks: the other wood
            assert np.abs(c0 - c1).max() > 0.08, (c0, c1)


def test_the_checker_check_fails_on_edition_2(scene, tmp_path):  # noqa: F811
    with pytest.raises(AssertionError):
        test_a_rendered_end_grain_board_is_a_checker_of_two_woods(scene, tmp_path, edition=2)


def test_the_props_and_their_kinds_build_in_blender_5():
    from blender5 import run_in_blender5
    code = ("import bpy, json\nfrom backend.blender.procgen import add_asset\n"
            "bpy.ops.wm.read_factory_settings(use_empty=True)\nn = 0\n"
            "for cat in ('tv', 'monitor', 'mirror', 'wall_art', 'storage_box', 'cutting_board', 'book'):\n"
            "    for seed in range(8):\n"
            "        o = add_asset(bpy.context.scene, cat, seed)\n        n += len(o.data.polygons) > 0\n"
            "kinds = {}\n"
            "for m in bpy.data.materials:\n"
            "    if 'conjure_material' in m:\n"
            "        k = json.loads(m['conjure_material'])['kind']\n"
            "        b = next(x for x in m.node_tree.nodes if x.type == 'BSDF_PRINCIPLED')\n"
            "        kinds[k] = b.inputs['Base Color'].is_linked or b.inputs['Coat Weight'].default_value > 0.9\n"
            "print(json.dumps([n, kinds]))\n")
    n, kinds = run_in_blender5(code)
    assert n == 56 and {"screen", "mirror", "wicker", "butcher_block"} <= set(kinds), kinds
    assert all(kinds[k] for k in ("screen", "mirror", "wicker", "butcher_block")), kinds


def _mirror_seen(scene, tmp_path, desc, tilt):  # noqa: F811
    """Mean linear colour of the middle of a mirror plane under a uniform white sky, seen ``tilt`` degrees off its
    normal."""
    import math
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    bpy.ops.mesh.primitive_plane_add(size=4.0)
    plane = bpy.context.active_object
    plane.data.materials.append(procedural_material(desc))
    cam = bpy.data.objects.new("cam", bpy.data.cameras.new("cam"))
    cam.data.type, cam.data.ortho_scale = "ORTHO", 0.4
    t = math.radians(tilt)
    cam.location = (0.0, -3.0 * math.sin(t), 3.0 * math.cos(t))
    cam.rotation_euler = (t, 0.0, 0.0)
    scene.collection.objects.link(cam)
    scene.camera = cam
    scene.world = bpy.data.worlds.new("w")
    if scene.world.node_tree is None:
        scene.world.use_nodes = True
    bg = scene.world.node_tree.nodes["Background"]
    bg.inputs["Color"].default_value, bg.inputs["Strength"].default_value = (1.0, 1.0, 1.0, 1.0), 1.0
    from backend.blender.render import render_settings, render_to_file
    render_settings(scene, size=16, samples=8, denoise=False)
    scene.view_settings.view_transform = "Standard"
    path = str(tmp_path / f"mirror_{tilt}.png")
    render_to_file(scene, path)
    img = bpy.data.images.load(path)
    from backend.color import srgb_to_linear
    return srgb_to_linear(np.array(img.pixels[:]).reshape(img.size[1], img.size[0], 4)[4:12, 4:12, :3].reshape(-1, 3).mean(0))


def _old_mirror(desc):
    """The silvering as it was before the grazing darkening (session 10's description)."""
    p = dict(desc["params"], base_color=[0.88, 0.9, 0.89], tint=[0.88, 0.96, 0.93])
    p.pop("graze")
    return {"kind": "mirror", "params": p}


@pytest.mark.parametrize("old", [False, True])
def test_a_rendered_mirror_darkens_to_green_grey_towards_grazing(scene, tmp_path, old):  # noqa: F811
    """Seen 75 degrees off its normal the silvered glass is darker and greener than seen square on; the old
    silvering (no ``graze``) got brighter towards grazing, as bare metal does, and fails the check."""
    desc = material("mirror", rng_for(0, "test", "mirror"))
    if old:
        desc = _old_mirror(desc)
    front, graze = _mirror_seen(scene, tmp_path, desc, 0), _mirror_seen(scene, tmp_path, desc, 75)
    ok = graze.mean() < 0.88 * front.mean() and graze[1] / graze[0] > front[1] / front[0]
    assert ok != old, (front, graze)
