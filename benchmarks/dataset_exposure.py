"""Dataset exposure metering: per scene type, one tiny shard (1 frame) rendered through the real dataset path
(``backend.blender.dataset.render_shard``) with its exposure metered once per scene; reported: the metered
exposure (stops), the frame's mean brightness (sRGB 0-1) and share of burnt pixels (> 0.98), the seconds the
metering takes (``meter_exposure`` called again on the built scene) and the shard's seconds; with
``--prior`` the frames use the scene graph's prior instead (what dataset renders did before metering), for
comparison.

    python benchmarks/dataset_exposure.py [--types room,bedroom,tabletop,outdoor] [--seeds 0,1] [--size 128]
"""
import argparse
import json
import os
import sys
import tempfile
import time

from _util import emit

import numpy as np
from PIL import Image

from backend.blender import dataset as bds
from backend.blender.procgen import meter_exposure
from backend.dataset.spec import DatasetSpec

ap = argparse.ArgumentParser()
ap.add_argument("--types", default="room,bedroom,tabletop,outdoor")
ap.add_argument("--seeds", default="0,1")
ap.add_argument("--size", type=int, default=128)
ap.add_argument("--prior", action="store_true", help="skip metering: the graph's prior exposure")
args = ap.parse_args()

if args.prior:
    bds.meter_exposure = lambda scene: scene.view_settings.exposure  # the build's prior stays
rows, meter_s = [], []
for t in args.types.split(","):
    for seed in (int(s) for s in args.seeds.split(",")):
        out = tempfile.mkdtemp(prefix="conjure-bench-")
        spec = DatasetSpec.from_json({"output_dir": out, "scene_type": t, "seeds": [seed], "frames": 1,
                                      "width": args.size, "height": args.size})
        t0 = time.perf_counter()
        bds.render_shard(spec, spec.shards()[0])
        shard_s = time.perf_counter() - t0
        if not args.prior:
            import bpy
            t1 = time.perf_counter()
            meter_exposure(bpy.context.scene)
            meter_s.append(time.perf_counter() - t1)
        with open(os.path.join(out, "scenes", spec.scene_name(seed), "frames", "000000.json")) as f:
            view = json.load(f)["views"][0]
        rgb = np.asarray(Image.open(os.path.join(out, view["files"]["rgb"]))).astype(float) / 255
        rows.append({"type": t, "seed": seed, "exposure": view.get("exposure"), "mean": round(float(rgb.mean()), 3),
                     "burnt": round(float((rgb.mean(-1) > 0.98).mean()), 4), "shard_s": round(shard_s, 2)})
        print(rows[-1], file=sys.stderr)
emit({"figure": "dataset_exposure", "prior": args.prior, "size": args.size, "quality": "fast", "rows": rows,
      "meter_s": round(float(np.median(meter_s)), 2) if meter_s else None, "load": os.getloadavg()[0]})
