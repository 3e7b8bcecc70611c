"""Edition 3's new material kinds in real bpy: a woven rug's pattern (``rug``: medallion, stripes, lattice) builds
as a node tree that drives the BSDF, and a small top-down Cycles render of a rug shows its pattern as several
distinct colours (a plain slab shows one)."""
import json

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from backend.blender.materials import procedural_material  # noqa: E402
from backend.blender.procgen import add_asset  # noqa: E402
from backend.blender.render import render_settings, render_to_file  # noqa: E402
from backend.procgen.materials import rug_pattern  # noqa: E402
from backend.procgen.geometry import rng_for  # noqa: E402


@pytest.fixture
def scene():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    yield bpy.context.scene
    bpy.ops.wm.read_factory_settings(use_empty=True)


def _bsdf(mat):
    return next(n for n in mat.node_tree.nodes if n.type == "BSDF_PRINCIPLED")


def test_every_rug_style_builds_a_patterned_node_tree(scene):
    styles = set()
    for k in range(40):
        desc = rug_pattern(rng_for(k, "test", "rug"), 2.0, 1.4)
        if desc["params"]["style"] in styles:
            continue
        styles.add(desc["params"]["style"])
        mat = procedural_material(desc)
        bsdf = _bsdf(mat)
        assert bsdf.inputs["Base Color"].is_linked and bsdf.inputs["Normal"].is_linked
        ops = {n.operation for n in mat.node_tree.nodes if n.type == "MATH"}
        assert {"ABSOLUTE", "LESS_THAN", "FRACT"} <= ops
        assert json.loads(mat["conjure_material"]) == desc
    assert styles == {0, 1, 2}


def _top_down(scene, obj, extent, tmp_path, name):
    """A 64 px orthographic render straight down on ``obj`` (image x = world x over ``extent`` m), lit by a uniform
    white sky: Float[ndarray, "64 64 3"] linear colours, row 0 at world -y."""
    cam = bpy.data.objects.new("cam", bpy.data.cameras.new("cam"))
    cam.data.type, cam.data.ortho_scale = "ORTHO", extent
    cam.location = (0.0, 0.0, 3.0)
    scene.collection.objects.link(cam)
    scene.camera = cam
    scene.world = bpy.data.worlds.new("w")
    if scene.world.node_tree is None:
        scene.world.use_nodes = True
    scene.world.node_tree.nodes["Background"].inputs["Strength"].default_value = 1.0
    render_settings(scene, size=64, samples=8, denoise=False)
    path = str(tmp_path / f"{name}.png")
    render_to_file(scene, path)
    img = bpy.data.images.load(path)
    return np.array(img.pixels[:]).reshape(img.size[1], img.size[0], 4)[:, :, :3]


def _rug_seed(style):
    from backend.procgen import generate_asset
    return next(s for s in range(100) if generate_asset("rug", s, {"width": 2.0, "depth": 1.4, "pile": 0.01})[0]
                .materials[0]["params"]["style"] == style)


def test_a_rendered_rug_shows_its_medallion_field_and_border(scene, tmp_path, edition=None):
    """Rendered straight down, a medallion rug's centre, field and border are three different colours."""
    seed = _rug_seed(0)
    obj = add_asset(scene, "rug", seed, {"width": 2.0, "depth": 1.4, "pile": 0.01}, edition=edition)
    px = _top_down(scene, obj, 2.2, tmp_path, "rug")
    bw = json.loads(obj.data.materials[0]["conjure_material"])["params"].get("border", 0.16)

    def at(x):   # mean colour of a 3 x 3 patch at world (x, 0)
        c = int(round(32 + x / 2.2 * 64))
        return px[31:34, c - 1:c + 2].reshape(-1, 3).mean(0)
    centre, field, border = at(0.0), at(0.7 * (1.0 - bw)), at(1.0 - bw / 2)
    assert np.abs(centre - field).max() > 0.03 and np.abs(field - border).max() > 0.03, (centre, field, border)


def test_the_rug_render_check_fails_on_a_plain_rug(scene, tmp_path):
    with pytest.raises(AssertionError):
        test_a_rendered_rug_shows_its_medallion_field_and_border(scene, tmp_path, edition=2)


def test_edition_3_assets_and_the_rug_material_build_in_blender_5():
    from blender5 import run_in_blender5
    code = ("import bpy, json\nfrom backend.blender.procgen import add_asset\n"
            "bpy.ops.wm.read_factory_settings(use_empty=True)\nn = 0\n"
            "for cat in ('fridge', 'stove', 'rug', 'table_lamp', 'floor_lamp', 'ceiling_light', 'candle', 'storage_box',"
            " 'kettle', 'saucepan', 'cutting_board', 'knife_block'):\n"
            "    for seed in range(3):\n"
            "        o = add_asset(bpy.context.scene, cat, seed)\n        n += len(o.data.polygons) > 0\n"
            "rugs = [m for m in bpy.data.materials if 'conjure_material' in m and json.loads(m['conjure_material'])['kind'] == 'rug']\n"
            "linked = all(next(x for x in m.node_tree.nodes if x.type == 'BSDF_PRINCIPLED').inputs['Base Color'].is_linked for m in rugs)\n"
            "print(json.dumps([n, len(rugs), linked]))\n")
    n, rugs, linked = run_in_blender5(code)
    assert n == 36 and rugs >= 1 and linked


def _floor_render(scene, tmp_path, desc, name):
    bpy.ops.mesh.primitive_plane_add(size=4.0)
    obj = bpy.context.active_object
    obj.data.materials.append(procedural_material(desc))
    return _top_down(scene, obj, 3.6, tmp_path, name)


def test_an_edition_3_carpet_shows_patches_of_pile_where_a_plain_fabric_floor_is_flat(scene, tmp_path):
    """Edition-3 carpeted floors (``finishes.carpet``) read as carpet from a room's cameras: light and dark patches
    of pile tens of cm across; the edition-2 floor (``fabric`` with the carpet palette: a 2 mm weave) renders flat."""
    from backend.procgen.finishes import carpet
    from backend.procgen.materials import material
    from backend.procgen.plan import plan
    g = next(g for g in (plan("bedroom", s) for s in range(10))
             if next(x for x in g["structure"] if x["category"] == "floor")["materials"][0]["kind"] == "carpet")
    assert next(x for x in g["structure"] if x["category"] == "floor")["materials"][0]["params"]["finish"].startswith("carpet_")
    desc = carpet(rng_for(3, "test", "carpet"))
    mat = procedural_material(desc)
    assert _bsdf(mat).inputs["Base Color"].is_linked and _bsdf(mat).inputs["Normal"].is_linked
    plain = material("fabric", rng_for(3, "test", "carpet"), "carpet")
    plain["params"]["base_color"] = desc["params"]["base_color"]

    def patchiness(px):   # spread of 16 x 16 px block means (the pile's patches, not the per-pixel noise)
        blocks = px.mean(2).reshape(4, 16, 4, 16).mean((1, 3))
        return float(blocks.std() / blocks.mean())
    flat = {**desc, "params": {**desc["params"], "mottle": 0.0}}
    a = patchiness(_floor_render(scene, tmp_path, desc, "carpet"))
    out = []
    for d, name in ((plain, "plain"), (flat, "flat")):
        bpy.ops.wm.read_factory_settings(use_empty=True)
        out.append(patchiness(_floor_render(bpy.context.scene, tmp_path, d, name)))
    assert a > 2 * max(out), (a, out)
