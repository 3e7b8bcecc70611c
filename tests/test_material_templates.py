"""Node-tree material templates (``backend/blender/material_templates.py``) in real bpy: a material made by copying
a cached template and re-setting its values equals one built node by node, compared node by node (types, settings,
every input value, ramp elements, links), for every material kind, several seeded parameter sets each, every
description the factories make, and blend materials; the compare itself fails on a single changed value; templates
live in a store outside the file (never saved, untouched by file loads and purges), so a fresh file's first
material of a structure is a copy too; renders match."""
import json

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from backend.blender import material_templates  # noqa: E402
from backend.blender.materials import blend_material, procedural_material  # noqa: E402
from backend.procgen.factories import registry  # noqa: E402
from backend.procgen.geometry import rng_for  # noqa: E402
from backend.procgen.materials import KINDS, material, rug_pattern  # noqa: E402
from backend.procgen.registry import generate  # noqa: E402

_NODE_BASE = set(bpy.types.ShaderNode.bl_rna.properties.keys())


def _value(v):
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    if hasattr(v, "name") and isinstance(getattr(v, "name"), str) and not hasattr(v, "__len__"):
        return ("id", v.name)  # an image or other datablock
    try:
        return tuple(v)
    except TypeError:
        return repr(v)


def tree_dump(mat):
    """Everything that decides how ``mat``'s node tree renders, in build order: per node its type, name,
    location, every setting its type adds (enums, flags, numbers, strings), every input's default value, and its
    colour ramp's settings and elements; and the set of links by node name and socket index."""
    nodes = []
    for n in mat.node_tree.nodes:
        settings = {k: _value(getattr(n, k)) for k, p in n.bl_rna.properties.items()
                    if k not in _NODE_BASE and p.type in ("ENUM", "BOOLEAN", "INT", "FLOAT", "STRING")}
        inputs = [(s.identifier, _value(s.default_value) if hasattr(s, "default_value") else None) for s in n.inputs]
        ramp = None
        if getattr(n, "color_ramp", None) is not None:
            r = n.color_ramp
            ramp = (r.interpolation, r.color_mode, r.hue_interpolation,
                    [(e.position, tuple(e.color)) for e in r.elements])
        nodes.append((n.bl_idname, n.name, tuple(n.location), settings, inputs, ramp))
    index = {n.as_pointer(): i for i, n in enumerate(mat.node_tree.nodes)}

    def sock_index(s, socks):
        return next(i for i, x in enumerate(socks) if x.as_pointer() == s.as_pointer())
    links = sorted((lk.from_node.name, sock_index(lk.from_socket, lk.from_node.outputs), lk.to_node.name,
                    sock_index(lk.to_socket, lk.to_node.inputs)) for lk in mat.node_tree.links)
    assert len(index) == len(nodes)
    return {"nodes": nodes, "links": links}


def assert_same_tree(a, b):
    da, db = tree_dump(a), tree_dump(b)
    assert len(da["nodes"]) == len(db["nodes"]), (a.name, b.name)
    for na, nb in zip(da["nodes"], db["nodes"]):
        assert na == nb, (a.name, na[1])
    assert da["links"] == db["links"], a.name


@pytest.fixture
def fresh():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    material_templates.clear()
    yield
    bpy.ops.wm.read_factory_settings(use_empty=True)
    material_templates.clear()


def _descs_per_kind(seeds=4):
    out = []
    for kind in KINDS:
        for s in range(seeds):
            rng = rng_for(s, "template-test", kind)
            out.append(rug_pattern(rng, 1.0 + s, 0.8 + 0.3 * s) if kind == "rug" else material(kind, rng))
    return out


def _factory_descs():
    """Every distinct material description the factories make (all categories, editions 1-3, two seeds): the
    optional parameters (edition-2 glaze, leaf veins, polished stone, seams, painted metal...) come from here."""
    from backend.procgen import geometry
    seen = {}
    reg = registry()
    for ed in (1, 2, 3):
        with geometry.factory_edition(ed):
            for cat in reg.names():
                for seed in (0, 1):
                    asset, _ = generate(reg, cat, seed)
                    for d in asset.materials:
                        seen.setdefault(json.dumps(d, sort_keys=True), d)
    return list(seen.values())


def _check(descs):
    kinds_templated = set()
    for i, desc in enumerate(descs):
        ref = procedural_material(desc, f"ref{i}", template=False)
        n_before = len(bpy.data.materials)
        got = procedural_material(desc, f"got{i}")
        assert len(bpy.data.materials) - n_before == 1  # the material: its template lives in the store
        assert_same_tree(ref, got)
        assert got["conjure_material"] == ref["conjure_material"] and tuple(got.diffuse_color) == tuple(ref.diffuse_color)
        assert "conjure_template" not in got.keys()
        kinds_templated.add(desc["kind"])
    assert material_templates.STATS["unrecorded"] == 0
    assert material_templates.STATS["copied"] >= len(descs) // 2  # most went through a template copy
    return kinds_templated


def test_every_kind_templated_equals_built_node_by_node(fresh):
    descs = _descs_per_kind()
    assert _check(descs) == set(KINDS)
    # the descriptions of one kind share templates: far fewer templates than materials, none in the file
    assert 0 < len(material_templates.templates()) < len(descs)
    assert not _in_file()


def test_every_factory_description_templated_equals_built_node_by_node(fresh):
    descs = _factory_descs()
    assert len(descs) > 100
    _check(descs)
    # and again in the other order: a template made from a later description serves an earlier one
    material_templates.clear()
    _check(descs[::-1])


def test_blend_materials_templated_equal_built_node_by_node(fresh):
    soil = [material("soil", rng_for(s, "t", "soil")) for s in range(3)]
    grass = [material("grass", rng_for(s, "t", "grass")) for s in range(3)]
    water = material("water", rng_for(0, "t", "water"))
    cases = [dict(inside=soil[s], outside=grass[s], attribute="edge") for s in range(3)]
    cases += [dict(inside=soil[s], outside=grass[(s + 1) % 3], attribute="edge", wet="wet") for s in range(3)]
    cases += [dict(inside=soil[s], outside=grass[s], attribute="edge", lines=[[[0, 0], [1 + s, 2], [3, 1]]],
                   half_width=0.4 + 0.1 * s) for s in range(3)]
    cases += [dict(inside=water, outside=grass[0], attribute="edge", wet="wet", soft=0.1, ragged=0.3)]
    for i, kw in enumerate(cases):
        ref = blend_material(name=f"ref{i}", template=False, **kw)
        got = blend_material(name=f"got{i}", **kw)
        assert_same_tree(ref, got)
        assert got["conjure_material"] == ref["conjure_material"]
    assert material_templates.STATS["unrecorded"] == 0 and material_templates.STATS["copied"] >= len(cases) - 4


def test_the_compare_finds_one_changed_value(fresh):
    desc = material("wood", rng_for(3, "t", "wood"))
    ref = procedural_material(desc, "ref", template=False)
    got = procedural_material(desc, "got")
    assert_same_tree(ref, got)
    mutations = [
        lambda m: setattr(next(n for n in m.node_tree.nodes if n.type == "TEX_WAVE").inputs["Scale"], "default_value",
                          next(n for n in m.node_tree.nodes if n.type == "TEX_WAVE").inputs["Scale"].default_value + 1e-3),
        lambda m: setattr(next(n for n in m.node_tree.nodes if n.type == "VALTORGB").color_ramp.elements[0],
                          "position", 0.151),
        lambda m: setattr(next(n for n in m.node_tree.nodes if n.type == "MATH"), "operation", "SUBTRACT"),
        lambda m: m.node_tree.links.remove(m.node_tree.links[0]),
    ]
    for k, mutate in enumerate(mutations):
        bad = got.copy()
        assert_same_tree(ref, bad)
        mutate(bad)
        with pytest.raises(AssertionError):
            assert_same_tree(ref, bad)
        bpy.data.materials.remove(bad)


def test_templates_take_values_from_the_description_not_the_template(fresh):
    """Two descriptions of one structure: the second (a template copy) gets its own values, not the first's."""
    a = material("ceramic", rng_for(0, "t", "ceramic"))
    b = material("ceramic", rng_for(1, "t", "ceramic"))
    ma, mb = procedural_material(a), procedural_material(b)
    assert len(material_templates.templates()) == 1

    def bsdf_color(m):
        return tuple(next(n for n in m.node_tree.nodes if n.type == "BSDF_PRINCIPLED").inputs["Base Color"].default_value)
    assert np.allclose(bsdf_color(mb)[:3], b["params"]["base_color"], atol=1e-6)
    assert not np.allclose(bsdf_color(ma), bsdf_color(mb))


def test_a_description_seen_before_reuses_its_recording_and_keeps_its_own_values(fresh):
    """The second time a description is asked for, its kept recording is used (no pure-Python recording), and
    every material still equals its own node-by-node build: descriptions of one structure with other values,
    asked for in between, take nothing from it (nor it from them)."""
    descs = _descs_per_kind(3)
    refs = [procedural_material(d, f"ref{i}", template=False) for i, d in enumerate(descs)]
    distinct = len({json.dumps(d, sort_keys=True) for d in descs})
    for rnd in range(2):
        for i, d in enumerate(descs):
            assert_same_tree(refs[i], procedural_material(d, f"r{rnd}_{i}"))
        assert material_templates.STATS["recalled"] == rnd * len(descs) + len(descs) - distinct
    bpy.ops.wm.read_factory_settings(use_empty=True)    # a fresh file: copies from the store, recordings recalled
    for i, d in enumerate(descs):
        assert_same_tree(procedural_material(d, f"ref{i}", template=False), procedural_material(d, f"f{i}"))
    assert material_templates.STATS["recalled"] == 3 * len(descs) - distinct
    assert material_templates.STATS["unrecorded"] == 0
    material_templates.clear()                          # forgets the recordings too
    procedural_material(descs[0], "after_clear")
    assert material_templates.STATS["recalled"] == 0


def _in_file():
    """Template materials in the current file (there should be none: templates live in the store)."""
    return [m for m in bpy.data.materials if m.name.startswith(material_templates.TEMPLATE_PREFIX)]


def test_templates_live_outside_the_file_and_survive_reload_reset_and_purge(fresh, tmp_path):
    """The first material of a structure in a fresh file (after a save and reload, a factory reset or a purge) is a
    copy of the store's template, not a node-by-node build, and equals one; no template is ever in the file."""
    descs = [material("fabric", rng_for(s, "t", "fabric")) for s in range(3)]
    ref = tree_dump(procedural_material(descs[0], "ref", template=False))
    m0 = procedural_material(descs[0], "m0")
    assert material_templates.STATS["built"] == 1 and len(material_templates.templates()) == 1 and not _in_file()
    m0.use_fake_user = True
    path = str(tmp_path / "t.blend")
    bpy.ops.wm.save_as_mainfile(filepath=path)
    bpy.ops.wm.open_mainfile(filepath=path)
    assert "m0" in bpy.data.materials and not _in_file()
    m1 = procedural_material(descs[0], "m1")
    assert tree_dump(m1) == ref and material_templates.STATS["built"] == 1
    bpy.ops.wm.read_factory_settings(use_empty=True)
    copied = material_templates.STATS["copied"]
    m2 = procedural_material(descs[0], "m2")
    assert tree_dump(m2) == ref
    assert material_templates.STATS["built"] == 1 and material_templates.STATS["copied"] == copied + 1
    bpy.data.materials.remove(m2)
    bpy.data.orphans_purge(do_recursive=True)
    assert tree_dump(procedural_material(descs[0], "m3")) == ref and material_templates.STATS["built"] == 1
    # another description of the structure, in yet another fresh file: a copy with its own values
    bpy.ops.wm.read_factory_settings(use_empty=True)
    ref1 = tree_dump(procedural_material(descs[1], "ref1", template=False))
    assert tree_dump(procedural_material(descs[1], "m4")) == ref1 and material_templates.STATS["built"] == 1
    assert not _in_file()


def test_a_changed_or_freed_template_is_rebuilt_and_copies_outlive_the_store(fresh):
    desc = material("stone", rng_for(2, "t", "stone"))
    ref = tree_dump(procedural_material(desc, "ref", template=False))
    a = procedural_material(desc, "a")
    # a template whose shape changed (a script removed a node) is not used: rebuilt
    tmpl = material_templates.templates()[0]
    tmpl.node_tree.nodes.remove(tmpl.node_tree.nodes[-1])
    assert tree_dump(procedural_material(desc, "b")) == ref and material_templates.STATS["built"] == 2
    # a material of the user's under a template's name is not taken for one
    impostor = bpy.data.materials.new(material_templates.templates()[0].name)
    if impostor.node_tree is None:
        impostor.use_nodes = True
    assert tree_dump(procedural_material(desc, "c")) == ref
    # clear() frees the store: copies made from it are whole on their own; the next material rebuilds a template
    material_templates.clear()
    assert material_templates.templates() == []
    assert tree_dump(a) == ref
    assert tree_dump(procedural_material(desc, "d")) == ref and material_templates.STATS["built"] == 1


def test_the_recording_answers_membership_as_bpy_does():
    """``"Sheen Weight" in bsdf.inputs`` (the rug's wool sheen and its tint link): the recording must see the same
    sockets, or a template built from it would miss them."""
    from backend.blender.material_recording import Recording
    from backend.blender.materials import _fill
    desc = rug_pattern(rng_for(0, "t", "rug"), 2.0, 1.4)
    rec = Recording()
    _fill(rec, "rug", desc["params"])
    bsdf = next(n for n in rec.node_tree.node_list if n.bl_idname == "ShaderNodeBsdfPrincipled")
    assert "Sheen Weight" in bsdf.inputs and "No Such Socket" not in bsdf.inputs and 0 not in bsdf.inputs
    sheen_tint = bsdf.inputs["Sheen Tint"].index
    assert any(op[0] == "link" and op[3] == bsdf.index and op[4] == sheen_tint for op in rec.node_tree.ops)
    assert ("in", bsdf.index, bsdf.inputs["Sheen Weight"].index) in rec.node_tree.values


def test_a_bad_description_fails_the_same_way_and_leaves_nothing(fresh):
    desc = material("wood", rng_for(0, "t", "wood"))
    procedural_material(desc)  # a template exists
    n = len(bpy.data.materials)
    bad = {"kind": "wood", "params": {k: v for k, v in desc["params"].items() if k != "scale"}}
    with pytest.raises(KeyError):
        procedural_material(bad)
    assert len(bpy.data.materials) == n


def _render(cat, seed, tmp_path, tag, warm_with=()):
    """A 64 px Cycles render of ``cat``'s asset ``seed`` in a fresh file, after building (and deleting) the assets
    ``warm_with`` there (so their materials' templates exist)."""
    from backend.blender.procgen import add_asset
    from backend.blender.render import render_settings, render_to_file
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    for s in warm_with:
        bpy.data.objects.remove(add_asset(scene, cat, s))
    copied, poked = material_templates.STATS["copied"], material_templates.STATS["poked"]
    obj = add_asset(scene, cat, seed)
    copied, poked = material_templates.STATS["copied"] - copied, material_templates.STATS["poked"] - poked
    bpy.context.view_layer.update()
    from mathutils import Vector
    corners = [obj.matrix_world @ Vector(c) for c in obj.bound_box]
    centre = sum(corners, Vector()) / 8
    size = max((a - b).length for a in corners for b in corners)
    cam = bpy.data.objects.new("cam", bpy.data.cameras.new("cam"))
    cam.location = centre + Vector((1.0, -1.4, 0.8)) * size
    cam.rotation_euler = (centre - cam.location).to_track_quat("-Z", "Y").to_euler()
    cam.data.type, cam.data.ortho_scale = "ORTHO", 1.05 * size
    scene.collection.objects.link(cam)
    scene.camera = cam
    sun = bpy.data.objects.new("sun", bpy.data.lights.new("sun", "SUN"))
    sun.rotation_euler = (0.7, 0.2, 0.5)
    scene.collection.objects.link(sun)
    scene.world = bpy.data.worlds.new("w")
    if scene.world.node_tree is None:
        scene.world.use_nodes = True
    scene.world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0.6
    render_settings(scene, size=64, samples=8, denoise=False)
    scene.cycles.seed = 0
    path = render_to_file(scene, str(tmp_path / f"{cat}_{seed}_{tag}.png"))
    img = bpy.data.images.load(path)
    return np.array(img.pixels[:]).reshape(img.size[1], img.size[0], 4)[:, :, :3], copied, poked


@pytest.mark.parametrize("cat", ["table_lamp", "chair", "sofa"])
def test_renders_fresh_and_templated_match(fresh, tmp_path, monkeypatch, cat):
    """Seed 1 of a category rendered with its materials built node by node, then (after seeds 0, 2, 3 made the
    templates) through template copies: the same pixels (the same trees, the same sampling seed)."""
    monkeypatch.setattr(material_templates, "ENABLED", False)
    ref, copied, _ = _render(cat, 1, tmp_path, "fresh")
    assert copied == 0
    monkeypatch.setattr(material_templates, "ENABLED", True)
    material_templates.clear()
    got, copied, _ = _render(cat, 1, tmp_path, "templated", warm_with=(0, 2, 3))
    assert copied >= 1 and material_templates.STATS["unrecorded"] == 0
    assert ref.std() > 0.01  # not an empty frame
    assert np.abs(got - ref).max() < 1e-6, np.abs(got - ref).max()


def test_a_scene_build_leaves_no_templates_in_the_file_and_a_failed_one_nothing(fresh):
    """A committed scene build leaves its materials with only their description and no template in the file; a
    failed one removes its materials, as before."""
    from backend.blender.procgen import build_scene
    from backend.blender.transaction import TAG
    from backend.procgen.plan import plan
    build_scene(bpy.context.scene, plan("room", 1))
    assert material_templates.templates() and not _in_file()
    assert material_templates.STATS["copied"] > 0
    for m in bpy.data.materials:
        assert set(m.keys()) == {"conjure_material"}, (m.name, m.keys())
        assert TAG not in m
    bpy.ops.wm.read_factory_settings(use_empty=True)
    graph = plan("room", 2)
    graph["objects"][-1]["category"] = "dragon"
    with pytest.raises(Exception):
        build_scene(bpy.context.scene, graph)
    assert len(bpy.data.materials) == 0


def test_templates_equal_node_by_node_builds_in_blender_5():
    """The kind-by-kind and blend comparisons above, run again in Blender 5.0's bpy (other socket layouts)."""
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    py = os.path.join(root, ".venv-bpy50", "bin", "python")
    if not os.path.exists(py) or bpy.app.version >= (5, 0, 0) or ".venv-bpy50" in sys.prefix:
        pytest.skip("no .venv-bpy50 (or already running in it)")
    out = subprocess.run([py, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", os.path.abspath(__file__), "-k",
                          "every_kind or blend_materials or one_changed_value or outside_the_file"], cwd=root,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "4 passed" in out.stdout, out.stdout[-500:]


def _ramp_descs():
    """Descriptions with colour ramps, two of each structure, their ramps' values different (so a copy's ramp is
    rewritten)."""
    out = []
    for desc in _descs_per_kind(seeds=3):
        ref = procedural_material(desc, "probe", template=False)
        if any(n.bl_idname == "ShaderNodeValToRGB" for n in ref.node_tree.nodes):
            out.append(desc)
        bpy.data.materials.remove(ref)
    return out


def test_ramps_written_into_copies_equal_built_node_by_node_in_a_full_file(fresh):
    """A copy's colour ramps are written straight into Blender's elements (``_poke_ramp``, without the ramp's RNA
    update): in a file already holding 300 materials, every ramp-holding kind's copies read back (positions,
    colours, every other value) as the same materials built node by node."""
    for i in range(300):
        bpy.data.materials.new(f"filler{i}")
    descs = _ramp_descs()
    assert len({d["kind"] for d in descs}) >= 3
    _check(descs)
    assert material_templates.STATS["poked"] >= len(descs) // 2


def test_ramps_fall_back_to_rna_when_the_elements_do_not_read_back(fresh, monkeypatch):
    """Where Blender's elements do not read back through the C layout ``_poke_ramp`` expects (read here as doubles),
    nothing is poked and RNA writes the ramps: the same trees."""
    import ctypes
    monkeypatch.setattr(material_templates.ctypes, "c_float", ctypes.c_double)
    descs = _ramp_descs()
    _check(descs)
    assert material_templates.STATS["poked"] == 0


def test_a_lamp_with_poked_ramps_renders_as_built_node_by_node(fresh, tmp_path, monkeypatch):
    """Table lamp seed 1 after seeds 0, 2 and 3 made its templates: its copies' ramps are poked (not updated by
    RNA), and the render (which evaluates the copies for the first time) is the node-by-node one, pixel for pixel."""
    monkeypatch.setattr(material_templates, "ENABLED", False)
    ref, _, _ = _render("table_lamp", 1, tmp_path, "fresh")
    monkeypatch.setattr(material_templates, "ENABLED", True)
    material_templates.clear()
    got, copied, poked = _render("table_lamp", 1, tmp_path, "templated", warm_with=(0, 2, 3))
    assert copied >= 1 and poked >= 1
    assert np.abs(got - ref).max() < 1e-6, np.abs(got - ref).max()
