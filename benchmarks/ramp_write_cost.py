"""Figure (issue #14): what writing a material copy's colour ramp costs, by RNA (``foreach_set`` of the elements'
positions and colours: the ramp's RNA update runs the node tree's update, which walks every node tree in the file)
and by ``material_templates._poke_ramp`` (the same values straight into Blender's elements, no update), in files
already holding 0..N other node-tree materials. Medians over copies of one table-lamp material with a ramp, ms per ramp.

Usage: .venv/bin/python benchmarks/ramp_write_cost.py [--materials 0,100,300,1000] [--copies 50]
Prints one line per file size and, on its last line, one JSON object.
"""
import argparse
import json
import os
import statistics
import sys
import time
from array import array

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--materials", default="0,100,300,1000")
    ap.add_argument("--copies", type=int, default=50)
    a = ap.parse_args()
    import bpy
    from backend.blender import material_templates
    from backend.blender.procgen import add_asset
    rows = []
    for n in (int(x) for x in a.materials.split(",")):
        bpy.ops.wm.read_factory_settings(use_empty=True)
        add_asset(bpy.context.scene, "table_lamp", 0)
        src = next(m for m in bpy.data.materials if any(x.bl_idname == "ShaderNodeValToRGB" for x in m.node_tree.nodes))
        for i in range(n):   # other materials with node trees (copies of the lamp's): what the update walks
            src.copy()
        out = {}
        for how in ("rna", "poke"):
            times = []
            for k in range(a.copies):
                mat = src.copy()
                els = next(x for x in mat.node_tree.nodes if x.bl_idname == "ShaderNodeValToRGB").color_ramp.elements
                pos, col = array("f", bytes(4 * len(els))), array("f", bytes(16 * len(els)))
                els.foreach_get("position", pos)
                els.foreach_get("color", col)
                pos[-1], col[0] = 0.9 - 0.001 * k, 0.5 + 0.001 * k
                t = time.perf_counter()
                if how == "rna":
                    els.foreach_set("position", pos)
                    els.foreach_set("color", col)
                elif not material_templates._poke_ramp(els, pos, col):
                    sys.exit("error: the elements did not read back as CBData")
                times.append(time.perf_counter() - t)
                bpy.data.materials.remove(mat)
            out[how] = round(statistics.median(times) * 1e3, 4)
        rows.append({"materials_in_file": n, "rna_ms": out["rna"], "poke_ms": out["poke"]})
        print(f"{n:5d} node-tree materials in the file: RNA {out['rna']:.3f} ms, poke {out['poke']:.3f} ms per ramp", flush=True)
    print(json.dumps({"figure": "ramp_write_cost", "rows": rows, "load": list(os.getloadavg())}))


if __name__ == "__main__":
    main()
