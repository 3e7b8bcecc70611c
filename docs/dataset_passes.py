"""Make docs/dataset_passes.png: one dataset frame and its ground truth side by side
(RGB, depth, normals, instance ids, semantic ids, forward flow).

    python docs/dataset_passes.py [DATASET_DIR]     (default: renders a small room dataset first)
"""
import colorsys
import json
import os
import sys
import tempfile

import numpy as np
from PIL import Image, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def colour_ids(ids):
    """Distinct colours per id (golden-ratio hues), black for 0."""
    out = np.zeros(ids.shape + (3,), np.uint8)
    for i in np.unique(ids):
        if i:
            r, g, b = colorsys.hsv_to_rgb((i * 0.618034) % 1, 0.65, 0.95)
            out[ids == i] = (int(r * 255), int(g * 255), int(b * 255))
    return out


def colour_depth(d):
    hit = d > 0
    lo, hi = np.percentile(d[hit], [1, 99]) if hit.any() else (0, 1)
    t = np.clip((d - lo) / max(hi - lo, 1e-6), 0, 1)
    rgb = np.stack([1 - t, 0.3 + 0.4 * (1 - np.abs(t - 0.5) * 2), t], -1)  # near warm, far blue
    return np.where(hit[..., None], rgb * 255, 0).astype(np.uint8)


def colour_flow(f):
    """Middlebury-style: hue = direction, saturation = magnitude."""
    mag = np.linalg.norm(f, axis=-1)
    ang = (np.arctan2(-f[..., 1], f[..., 0]) / (2 * np.pi)) % 1
    s = np.clip(mag / max(np.percentile(mag, 90), 1e-6), 0, 1)
    hsv = (np.stack([ang, s, np.ones_like(s)], -1) * 255).astype(np.uint8)
    return np.asarray(Image.fromarray(hsv, "HSV").convert("RGB"))


def figure(ds: str, frame: int = 0) -> str:
    scene = sorted(os.listdir(os.path.join(ds, "scenes")))[0]
    rec = json.load(open(os.path.join(ds, "scenes", scene, "frames", f"{frame:06d}.json")))["views"][0]
    f = {k: os.path.join(ds, v) for k, v in rec["files"].items()}
    tiles = [("RGB", np.asarray(Image.open(f["rgb"]).convert("RGB"))),
             ("depth (z, m)", colour_depth(np.load(f["depth"]))),
             ("normals (camera)", ((np.load(f["normal"]) * 0.5 + 0.5) * 255).astype(np.uint8)),
             ("instance ids", colour_ids(np.load(f["instance"]))),
             ("semantic ids", colour_ids(np.asarray(Image.open(f["semantic"])).astype(np.int64) * 7)),
             ("flow to next frame", colour_flow(np.load(f["flow"])))]
    h, w = tiles[0][1].shape[:2]
    canvas = Image.new("RGB", (3 * w, 2 * (h + 18)), "white")
    draw = ImageDraw.Draw(canvas)
    for i, (name, img) in enumerate(tiles):
        x, y = (i % 3) * w, (i // 3) * (h + 18)
        canvas.paste(Image.fromarray(img), (x, y + 18))
        draw.text((x + 4, y + 3), name, fill="black")
    # the visible boxes on the RGB tile
    for o in rec.get("objects", []):
        if o["bbox_visible"] and o["kind"] == "object" and o["pixels"] > 30:
            x0, y0, x1, y1 = o["bbox_visible"]
            draw.rectangle([x0, y0 + 18, x1 - 1, y1 - 1 + 18], outline=(255, 255, 0))
    out = os.path.join(ROOT, "docs", "dataset_passes.png")
    canvas.save(out)
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1:
        ds = sys.argv[1]
    else:
        from backend.dataset.orchestrator import run
        from backend.dataset.spec import DatasetSpec
        ds = tempfile.mkdtemp(prefix="conjure-fig-")
        run(DatasetSpec.from_json({"output_dir": ds, "scene_type": "living_room", "seeds": [0], "frames": 2,
                                   "frames_per_shard": 2, "width": 320, "height": 240}))
    print(figure(ds))
