"""Run inside a Python that has Infinigen (and its own bpy 4.2): spawn each requested factory's assets and print one
JSON line per asset: {"factory", "seed", "seconds", "triangles"} or {"factory", "seed", "error"}.

Usage (by benchmarks/infinigen_compare.py, in Infinigen's install folder so its gin configs resolve):
    python _infinigen_child.py MODULE:FACTORY[,MODULE:FACTORY...] SEEDS
"""
import importlib
import json
import sys
import time
import traceback

import bpy
import gin
from infinigen.core import init
from infinigen.core.util import blender as butil
from infinigen.core.util.math import FixedSeed


def triangles(root) -> int:
    """Triangles of every mesh under ``root`` after modifiers and geometry nodes (what a render would see)."""
    dg = bpy.context.evaluated_depsgraph_get()
    n = 0
    for ob in [root, *root.children_recursive]:
        if ob.type != "MESH":
            continue
        ev = ob.evaluated_get(dg)
        me = ev.to_mesh()
        me.calc_loop_triangles()
        n += len(me.loop_triangles)
        ev.to_mesh_clear()
    return n


def main():
    names, seeds = sys.argv[1].split(","), int(sys.argv[2])
    init.apply_gin_configs(["infinigen_examples/configs_indoor", "infinigen_examples/configs_nature"],
                           configs=[], overrides=[], skip_unknown=True)
    init.configure_blender()
    for item in names:
        module, name = item.split(":")
        with gin.unlock_config():
            factory = getattr(importlib.import_module(f"infinigen.assets.objects.{module}"), name)
        for seed in range(seeds):
            butil.clear_scene()
            try:
                t = time.perf_counter()
                with FixedSeed(seed):  # as Infinigen's own generate_individual_assets does
                    fac = factory(seed)
                    asset = fac.spawn_asset(seed)
                    fac.finalize_assets(asset)
                    n = triangles(asset)  # geometry nodes are evaluated here: part of making the mesh
                out = {"factory": name, "seed": seed, "seconds": time.perf_counter() - t, "triangles": n}
            except Exception as e:  # noqa: BLE001 (a factory that fails is reported, the others still run)
                traceback.print_exc(file=sys.stderr)
                out = {"factory": name, "seed": seed, "error": f"{type(e).__name__}: {e}"}
            print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
