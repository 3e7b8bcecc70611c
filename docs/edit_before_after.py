"""Make docs/edit_before_after.png: a living room (seed 2) through its main camera, before and after three
instructions ("make the couch crimson", "add three mugs on the coffee table", "warm evening light"), side by side.

Usage: .venv/bin/python docs/edit_before_after.py [--samples 24] [--size 384]
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import bpy  # noqa: E402
import numpy as np  # noqa: E402

from backend.blender import edit as scene_edit  # noqa: E402
from backend.blender.procgen import build_scene  # noqa: E402
from backend.blender.render import render_settings, render_to_file  # noqa: E402
from PIL import Image  # noqa: E402
from backend.procgen.plan import plan  # noqa: E402

EDITS = ("make the couch crimson", "add three mugs on the coffee table", "warm evening light")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=24)
    ap.add_argument("--size", type=int, default=384)
    args = ap.parse_args()
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    build_scene(scene, plan("living_room", 2))
    tmp = os.path.join(ROOT, "out", "edit_docs")
    render_settings(scene, size=args.size, samples=args.samples, denoise=True)
    a = render_to_file(scene, os.path.join(tmp, "before.png"))
    for text in EDITS:
        print(scene_edit.apply(scene, text).message, file=sys.stderr)
    render_settings(scene, size=args.size, samples=args.samples, denoise=True)
    b = render_to_file(scene, os.path.join(tmp, "after.png"))
    ia, ib = (np.asarray(Image.open(p).convert("RGB")) for p in (a, b))
    gap = np.full((ia.shape[0], 8, 3), 255, np.uint8)
    Image.fromarray(np.concatenate([ia, gap, ib], axis=1)).save(os.path.join(ROOT, "docs", "edit_before_after.png"))


if __name__ == "__main__":
    main()
