"""Dataset-level files (bpy-free), made from the shard records and frame records the shards wrote:

* ``manifest.json`` — the spec, render settings, Conjure and Blender versions, every shard with its frames and
  every file with its SHA-256; rewritten (atomically) after each shard, so it always lists what is complete;
* ``labels.json`` — semantic class names by id;
* ``coco.json`` — COCO instance annotations (RLE masks from the instance pass, pycocotools' encoding);
* ``scenes/<scene>/transforms.json`` — one per scene in the NeRF / Gaussian-splatting convention
  (``transform_matrix`` camera-to-world, OpenGL axes; ``fl_x``, ``fl_y``, ``cx``, ``cy``, ``w``, ``h``).

Nothing here holds timestamps or durations: an interrupted-and-resumed run writes the same bytes as an
uninterrupted one.
"""
from __future__ import annotations

import json
import os
import tomllib

import numpy as np

from ..files import atomic_write
from .spec import STRUCTURE_CATEGORIES, DatasetSpec, label_map

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def conjure_version() -> str:
    with open(os.path.join(ROOT, "blender_manifest.toml"), "rb") as f:
        return tomllib.load(f)["version"]


def _dump(path, obj, indent=1):
    atomic_write(path, json.dumps(obj, indent=indent, sort_keys=True).encode())


def shard_records(spec: DatasetSpec) -> dict:
    """shard id -> its record, for the spec's shards that are complete: the record exists and every file it
    lists is there with its size (a record is written last, after all of its files)."""
    out = {}
    for sh in spec.shards():
        path = os.path.join(spec.output_dir, "shards", f"{sh.id}.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            rec = json.load(f)
        files = [(os.path.join(spec.output_dir, rel), meta["bytes"]) for rel, meta in rec["files"].items()]
        if all(os.path.exists(p) and os.path.getsize(p) == n for p, n in files):
            out[sh.id] = rec
    return out


def frame_records(spec: DatasetSpec, records: dict) -> list[dict]:
    frames = []
    for sh in spec.shards():
        if sh.id in records:
            for fr in range(sh.start, sh.stop):
                with open(os.path.join(spec.output_dir, "scenes", spec.scene_name(sh.seed), "frames",
                                       f"{fr:06d}.json")) as f:
                    frames.append(json.load(f))
    return frames


def write_manifest(spec: DatasetSpec, records: dict, blender: str = "") -> dict:
    shards = []
    for sh in spec.shards():
        rec = records.get(sh.id)
        shards.append({"id": sh.id, "seed": sh.seed, "scene": spec.scene_name(sh.seed), "frames": [sh.start, sh.stop],
                       "complete": rec is not None, "files": rec["files"] if rec else {}})
    blender = blender or next((r["blender"] for r in records.values()), "")
    manifest = {"format": "conjure-dataset/1", "conjure_version": conjure_version(), "blender": blender,
                "spec": spec.to_json(), "render_settings": spec.render.__dict__ | {"width": spec.width,
                                                                                    "height": spec.height},
                "conventions": CONVENTIONS, "frames_total": spec.total_frames,
                "frames_done": sum(sh["frames"][1] - sh["frames"][0] for sh in shards if sh["complete"]),
                "shards": shards}
    manifest["spec"]["output_dir"] = "."  # the dataset can move
    _dump(os.path.join(spec.output_dir, "manifest.json"), manifest)
    return manifest


CONVENTIONS = {
    "depth": "float32 z-depth in metres (distance along the camera's viewing axis); 0 = no surface",
    "normal": "float32 unit normals in camera space, OpenGL axes (+X right, +Y up, +Z towards the viewer); 0 = none",
    "instance": "int32 instance ids (1.. scene-graph order: objects, then structure); 0 = background",
    "semantic": "uint16 PNG of category ids, names in labels.json; 0 = background",
    "flow": "float32 forward flow to the next frame, pixels (u right, v down): pixel (x, y) moves to (x+u, y+v)",
    "camera.K": "OpenCV intrinsics (+X right, +Y down, +Z forward; pixel centres at integer + 0.5)",
    "camera.c2w": "camera-to-world, OpenGL / Blender / NeRF axes (+X right, +Y up, looks along -Z), Z-up world, metres",
    "boxes": "bbox_visible/bbox_amodal = [x0, y0, x1, y1] pixels; 3D box = extents_lo..extents_hi in the object's "
             "space, placed by matrix_world",
}


def write_labels(spec: DatasetSpec) -> list[str]:
    labels = label_map()
    _dump(os.path.join(spec.output_dir, "labels.json"), {str(i): n for i, n in enumerate(labels)})
    return labels


def write_coco(spec: DatasetSpec, frames: list[dict]) -> dict:
    """COCO instances over every (frame, view) image: one annotation per visible object instance."""
    from pycocotools import mask as mask_utils
    labels = label_map()
    coco = {"info": {"description": f"Conjure {spec.scene_type} dataset", "version": conjure_version()},
            "licenses": [], "images": [], "annotations": [],
            "categories": [{"id": i, "name": n, "supercategory": "structure" if n in STRUCTURE_CATEGORIES else "object"}
                           for i, n in enumerate(labels) if i > 0]}
    for fr in frames:
        for view in fr["views"]:
            if "instance" not in view["files"] or "objects" not in view:
                continue
            image_id = len(coco["images"]) + 1
            coco["images"].append({"id": image_id, "file_name": view["files"].get("rgb", ""), "width": spec.width,
                                   "height": spec.height, "scene": fr["scene"], "frame": fr["frame"],
                                   "view": view["view"]})
            inst = np.load(os.path.join(spec.output_dir, view["files"]["instance"]))
            for obj in view["objects"]:
                if not obj["pixels"]:
                    continue
                rle = mask_utils.encode(np.asfortranarray((inst == obj["instance_id"]).astype(np.uint8)))
                x0, y0, x1, y1 = obj["bbox_visible"]
                coco["annotations"].append({
                    "id": len(coco["annotations"]) + 1, "image_id": image_id, "category_id": obj["category_id"],
                    "segmentation": {"size": rle["size"], "counts": rle["counts"].decode("ascii")},
                    "area": int(mask_utils.area(rle)), "bbox": [x0, y0, x1 - x0, y1 - y0], "iscrowd": 0,
                    "instance_id": obj["instance_id"], "object": obj["id"]})
    _dump(os.path.join(spec.output_dir, "coco.json"), coco, indent=None)
    return coco


def write_transforms(spec: DatasetSpec, frames: list[dict]) -> list[str]:
    """One transforms.json per scene (main view), paths relative to the scene folder."""
    by_scene: dict = {}
    for fr in frames:
        by_scene.setdefault(fr["scene"], []).append(fr)
    written = []
    for scene, frs in by_scene.items():
        cam = frs[0]["views"][0]["camera"]
        K = cam["K"]
        out = {"camera_model": "OPENCV", "fl_x": K[0][0], "fl_y": K[1][1], "cx": K[0][2], "cy": K[1][2],
               "w": cam["width"], "h": cam["height"], "k1": 0.0, "k2": 0.0, "p1": 0.0, "p2": 0.0,
               "camera_angle_x": 2 * float(np.arctan(cam["width"] / (2 * K[0][0]))), "frames": []}
        prefix = f"scenes/{scene}/"
        for fr in frs:
            v = fr["views"][0]
            f = {"file_path": v["files"].get("rgb", "").removeprefix(prefix), "transform_matrix": v["camera"]["c2w"]}
            if "depth" in v["files"]:
                f["depth_file_path"] = v["files"]["depth"].removeprefix(prefix)
            out["frames"].append(f)
        path = os.path.join(spec.output_dir, prefix, "transforms.json")
        _dump(path, out)
        written.append(path)
    return written
