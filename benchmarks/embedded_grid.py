"""Render a grid of embedded-model results for a set of prompts (Blender Workbench, textures shown).

Each prompt goes through the worker's generate job (shipped weights, fast settings, seed 0); the GLBs are
imported with Blender's glTF importer, laid out in a grid with their prompt underneath, and rendered.

    python benchmarks/embedded_grid.py [--out docs/embedded_grid.png]
"""
import argparse
import math
import os
import tempfile
import time

from _embedded import generate
from _util import ROOT, emit

PROMPTS = (
    "a red wooden chair", "a long blue sofa with three seat cushions", "a tall narrow bookshelf with five shelves",
    "a white cabinet with drawers", "a small blue ceramic mug", "a tall green glass bottle",
    "a yellow vase", "a table lamp", "a pine tree", "a grey rock", "a potted plant", "a red book lying flat",
    "a round dining table", "a double bed with two pillows", "an orange bowl", "a tuft of grass",
)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "embedded_grid.png"))
    ap.add_argument("--cols", type=int, default=4)
    ap.add_argument("--size", type=int, default=1280)
    a = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    t0 = time.time()
    work = tempfile.mkdtemp(prefix="conjure-grid-")
    paths = []
    for k, prompt in enumerate(PROMPTS):
        final, _, _ = generate(prompt, os.path.join(work, str(k)), seed=0, size=1.0)  # the grid lays out 1 m cells
        assert final["event"] == "result", (prompt, final.get("message"))
        paths.append(final["paths"]["glb"])
    gen_s = time.time() - t0

    import bpy

    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    cols = a.cols
    rows = math.ceil(len(paths) / cols)
    gap = 1.6
    for k, (path, prompt) in enumerate(zip(paths, PROMPTS)):
        before = set(bpy.data.objects)
        bpy.ops.import_scene.gltf(filepath=path)
        x, y = (k % cols) * gap, -(k // cols) * gap * 1.15
        for obj in set(bpy.data.objects) - before:
            if obj.parent is None:
                obj.location = (x, 0.0, y)
                obj.rotation_euler = (0.0, 0.0, math.radians(-30))
        curve = bpy.data.curves.new(f"label{k}", "FONT")
        curve.body = prompt if len(prompt) <= 30 else prompt[:28] + "..."
        curve.size = 0.09
        curve.align_x = "CENTER"
        label = bpy.data.objects.new(f"label{k}", curve)
        label.location = (x, 0.0, y - 0.22)
        label.rotation_euler = (math.radians(90), 0.0, 0.0)
        scene.collection.objects.link(label)
    cam_data = bpy.data.cameras.new("cam")
    cam_data.type = "ORTHO"
    cam_data.ortho_scale = max(cols, rows * 1.15) * gap + 0.3
    cam = bpy.data.objects.new("cam", cam_data)
    cx, cz = (cols - 1) * gap / 2, -(rows - 1) * gap * 1.15 / 2 + 0.4
    cam.location = (cx, -10.0, cz + 2.0)
    cam.rotation_euler = (math.radians(78.7), 0.0, 0.0)
    scene.collection.objects.link(cam)
    scene.camera = cam
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.display.shading.light = "STUDIO"
    scene.display.shading.color_type = "TEXTURE"
    scene.display.shading.show_shadows = True
    scene.render.resolution_x = a.size
    scene.render.resolution_y = int(a.size * rows * 1.15 / cols)
    scene.render.filepath = os.path.abspath(a.out)
    os.makedirs(os.path.dirname(scene.render.filepath), exist_ok=True)
    bpy.ops.render.render(write_still=True)
    emit({"benchmark": "embedded_grid", "prompts": len(PROMPTS), "out": scene.render.filepath,
          "generate_s": round(gen_s, 1), "seconds": round(time.time() - t0, 1)})


if __name__ == "__main__":
    main()
