"""Figure: contact sheets of every asset category and of every scene type (Cycles on the CPU), saved as PNGs.

Usage: .venv/bin/python benchmarks/procgen_sheets.py [--what assets|scenes|both] [--tile 192] [--samples 24]
       [--seed 0] [--out docs]
Each asset is framed by a camera at 30 degrees elevation on a neutral floor with a sun and a sky; each scene is
rendered through its own main camera with the settings the builder gives it, exposure metered
(``meter_exposure``). Prints one JSON object on its last line.
"""
import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bpy  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from backend.blender.procgen import add_asset, build_scene, meter_exposure  # noqa: E402
from backend.blender.render import add_camera, render_settings, render_to_file  # noqa: E402
from backend.procgen import categories  # noqa: E402
from backend.procgen.plan import SCENE_TYPES, plan  # noqa: E402


def _asset_tile(cat, seed, path, tile, samples):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    obj = add_asset(scene, cat, seed)
    bpy.ops.mesh.primitive_plane_add(size=60.0)
    floor = bpy.context.active_object
    m = bpy.data.materials.new("floor")
    m.diffuse_color = (0.5, 0.5, 0.5, 1)
    if m.node_tree is None:
        m.use_nodes = True
    bsdf = next(n for n in m.node_tree.nodes if n.type == "BSDF_PRINCIPLED")
    bsdf.inputs["Base Color"].default_value = (0.42, 0.42, 0.42, 1)
    bsdf.inputs["Roughness"].default_value = 0.8
    floor.data.materials.append(m)
    az = math.radians(-60)
    add_camera(scene, [obj], lens=50.0, direction=(math.cos(az), math.sin(az), 0.62))
    sun = bpy.data.objects.new("sun", bpy.data.lights.new("sun", "SUN"))
    sun.data.energy, sun.data.angle = 3.5, math.radians(8)
    sun.rotation_euler = (math.radians(50), 0.0, math.radians(-20))
    scene.collection.objects.link(sun)
    scene.world = bpy.data.worlds.new("w")
    if scene.world.node_tree is None:
        scene.world.use_nodes = True
    bg = scene.world.node_tree.nodes["Background"]
    bg.inputs["Color"].default_value = (0.6, 0.7, 0.85, 1)
    bg.inputs["Strength"].default_value = 0.7
    render_settings(scene, size=tile, samples=samples, denoise=True)
    render_to_file(scene, path)
    return sum(len(p.vertices) - 2 for p in obj.data.polygons)


def _scene_tile(t, seed, path, tile, samples):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    g = plan(t, seed)
    build_scene(scene, g)
    meter_exposure(scene)
    scene.render.resolution_x = scene.render.resolution_y = tile
    scene.cycles.samples = samples
    render_to_file(scene, path)
    tris = sum(sum(len(p.vertices) - 2 for p in o.data.polygons) for o in scene.objects if o.type == "MESH")
    return len(g["objects"]), tris


def _sheet(tiles, labels, cols, path):
    w, h = Image.open(tiles[0]).size
    rows = (len(tiles) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * w, rows * (h + 18)), (24, 24, 24))
    draw = ImageDraw.Draw(sheet)
    for k, (tp, lab) in enumerate(zip(tiles, labels)):
        x, y = (k % cols) * w, (k // cols) * (h + 18)
        sheet.paste(Image.open(tp).convert("RGB"), (x, y))
        draw.text((x + 4, y + h + 3), lab, fill=(230, 230, 230))
    sheet.save(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--what", default="both", choices=("assets", "scenes", "both"))
    ap.add_argument("--tile", type=int, default=192)
    ap.add_argument("--scene-tile", type=int, default=320)
    ap.add_argument("--samples", type=int, default=24)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default="", help="comma-separated categories or scene types (default: all)")
    ap.add_argument("--out", default="docs")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    tmp = os.path.join(out, "tiles")
    os.makedirs(tmp, exist_ok=True)
    only = [x for x in a.only.split(",") if x]
    label_file = os.path.join(tmp, "labels.json")
    saved = json.load(open(label_file)) if os.path.exists(label_file) else {}

    def compose(names, prefix, cols, sheet_name):
        """The sheet from every tile on disk (tiles re-rendered with --only replace their old versions)."""
        keys = [f"{prefix}_{n}" for n in names]
        if all(os.path.exists(os.path.join(tmp, k + ".png")) and k in saved for k in keys):
            _sheet([os.path.join(tmp, k + ".png") for k in keys], [saved[k] for k in keys], cols, os.path.join(out, sheet_name))
    result = {"figure": "procgen_sheets", "bpy": bpy.app.version_string, "cpus": os.cpu_count(), "samples": a.samples}
    if a.what in ("assets", "both"):
        t0 = time.perf_counter()
        cats = [c for c in categories() if not only or c in only]
        tiles, labels, tris = [], [], {}
        for c in cats:
            p = os.path.join(tmp, f"asset_{c}.png")
            tris[c] = _asset_tile(c, a.seed, p, a.tile, a.samples)
            tiles.append(p)
            labels.append(f"{c} ({tris[c]} tris)")
            saved[f"asset_{c}"] = labels[-1]
        json.dump(saved, open(label_file, "w"), indent=1)
        compose(categories(), "asset", 8, "procgen_assets.png")
        result.update(assets=len(cats), asset_triangles=tris, assets_s=round(time.perf_counter() - t0, 1))
    if a.what in ("scenes", "both"):
        t0 = time.perf_counter()
        types = [t for t in SCENE_TYPES if not only or t in only]
        tiles, labels, info = [], [], {}
        for t in types:
            p = os.path.join(tmp, f"scene_{t}.png")
            n, tr = _scene_tile(t, a.seed, p, a.scene_tile, a.samples)
            info[t] = {"objects": n, "triangles": tr}
            tiles.append(p)
            labels.append(f"{t} seed {a.seed}: {n} objects, {tr // 1000}k tris")
            saved[f"scene_{t}"] = labels[-1]
        json.dump(saved, open(label_file, "w"), indent=1)
        compose(SCENE_TYPES, "scene", 4, "procgen_scenes.png")
        result.update(scenes=info, scenes_s=round(time.perf_counter() - t0, 1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
