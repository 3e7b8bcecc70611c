"""Figure (issue #14): where one asset's time goes in Blender: the factory (numpy mesh), building the Blender mesh,
and building its node-tree materials, per category and detail level (medians over seeds x repeats). Three figures:
first, each asset in a fresh factory-settings file with the material templates' store emptied (the first asset of
its kind in the process: its node trees are built from their recordings); cold, each asset in a fresh
factory-settings file as ``infinigen_compare.py`` does (the first asset of its kind in a file: the store, which lives
outside the file, holds the templates made by earlier assets of the process); and warm, the 2nd..Nth asset of the
kind in one file (as in a scene build; every asset still has its own material descriptions and node trees).

Usage: .venv/bin/python benchmarks/asset_time_split.py [--categories table_lamp,floor_lamp,chair] [--details 1,8]
       [--seeds 3] [--repeats 3] [--clock wall|cpu]   (first and cold: seeds x repeats fresh files; warm: per repeat
       one file, seed 1000 + repeat first, then seeds 0..N-1 timed)
Prints one line per category and detail, and on its last line one JSON object.
"""
import argparse
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--categories", default="table_lamp,floor_lamp,chair")
    ap.add_argument("--details", default="1,8")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="cpu: this process's CPU time (time.process_time), less moved by other processes' load")
    a = ap.parse_args()
    clock = time.perf_counter if a.clock == "wall" else time.process_time
    import bpy
    from backend.blender import material_templates
    from backend.blender.materials import procedural_material
    from backend.blender.mesh import build_mesh
    from backend.procgen.factories import registry
    from backend.procgen.registry import generate
    rows = []
    for cat in a.categories.split(","):
        for d in (float(x) for x in a.details.split(",")):
            for mode in ("first", "cold", "warm"):
                gen, mesh, mats, tris, nmat = [], [], [], 0, 0
                for rep in range(a.repeats):
                    if mode == "warm":  # one file per repeat; a first asset of the kind (seed 1000 + rep) warms it
                        bpy.ops.wm.read_factory_settings(use_empty=True)
                    for seed in ([1000 + rep] if mode == "warm" else []) + list(range(a.seeds)):
                        if mode in ("first", "cold"):
                            bpy.ops.wm.read_factory_settings(use_empty=True)
                        if mode == "first":
                            material_templates.clear()
                        t0 = clock()
                        asset, _ = generate(registry(), cat, seed, detail_level=d)
                        t1 = clock()
                        m = asset.mesh
                        build_mesh(cat, m.verts, m.corners, sizes=m.sizes, uvs=m.uvs, material_indices=m.mat, smooth=m.smooth)
                        t2 = clock()
                        seen = set()
                        for desc in asset.materials:          # one node tree per distinct description, as a build shares them
                            key = json.dumps(desc, sort_keys=True)
                            if key not in seen:
                                seen.add(key)
                                procedural_material(desc)
                        t3 = clock()
                        if seed >= 1000:
                            continue
                        gen.append(t1 - t0), mesh.append(t2 - t1), mats.append(t3 - t2)
                        tris, nmat = int((m.sizes - 2).sum()), len(seen)
                ms = lambda x: round(statistics.median(x) * 1000, 2)
                row = {"category": cat, "detail": d, "mode": mode, "factory_ms": ms(gen), "mesh_ms": ms(mesh), "materials_ms": ms(mats),
                       "node_trees": nmat, "triangles": tris}
                rows.append(row)
                print(f"{cat:12s} detail {d:4.1f} {mode}  factory {row['factory_ms']:7.2f} ms  mesh {row['mesh_ms']:6.2f} ms  "
                      f"materials {row['materials_ms']:6.2f} ms ({nmat} trees)  {tris} tris", flush=True)
    print(json.dumps({"figure": "asset_time_split", "clock": a.clock, "cpus": os.cpu_count(), "load": list(os.getloadavg()), "rows": rows}))


if __name__ == "__main__":
    main()
