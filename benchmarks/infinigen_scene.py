"""Figure (issue #14): one whole furnished room, Infinigen against Conjure, on this machine.

Infinigen's side runs its own indoor pipeline the way its README starts it, in its own Python (`make infinigen-venv`:
infinigen 1.15.5 from PyPI with bpy 4.2): ``python -m infinigen_examples.generate_indoors --task coarse -g
fast_solve.gin singleroom.gin -p compose_indoors.terrain_enabled=False`` (its quickest settings: one room, the fast
constraint solve, no terrain; the coarse task lays out and populates the room and saves scene.blend, before any
render). It is timed from start to exit with its peak memory (``/usr/bin/time -v``), then its saved scene.blend is
opened here (bpy 4.5 reads 4.2 files) to count objects and evaluated triangles. Conjure's side plans and builds rooms
of the same type in Blender here (``plan`` + ``build_scene``, the current factory edition), seeds 0..n-1.

Usage: .venv/bin/python benchmarks/infinigen_scene.py [--seed 0] [--timeout 3600] [--conjure-seeds 3]
       [--details 1 8] [--render side_by_side.png] [--infinigen-dir OUT]   (OUT: a finished run's output folder with its log.txt
       and wall.json: reuse it instead of running)
Prints a table and, on its last line, one JSON object.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

ROOM_TYPES = {"bathroom": "bathroom", "bedroom": "bedroom", "kitchen": "kitchen", "living-room": "living_room",
              "livingroom": "living_room", "dining-room": "dining_room", "diningroom": "dining_room",
              "office": "office"}
"""Infinigen's room tags (as its solver logs them) -> Conjure's room type."""


def _site(python):
    out = subprocess.run([python, "-c", "import infinigen_examples, os; print(os.path.dirname(os.path.dirname("
                          "infinigen_examples.__file__)))"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def run_infinigen(python, seed, out_dir, timeout):
    """Run Infinigen's coarse indoor task; write its output and log.txt (stdout + stderr + /usr/bin/time -v)
    into ``out_dir``."""
    os.makedirs(out_dir, exist_ok=True)
    cmd = ["/usr/bin/time", "-v", python, "-m", "infinigen_examples.generate_indoors", "--seed", str(seed),
           "--task", "coarse", "--output_folder", out_dir, "-g", "fast_solve.gin", "singleroom.gin",
           "-p", "compose_indoors.terrain_enabled=False"]
    t0 = time.perf_counter()
    with open(os.path.join(out_dir, "log.txt"), "w") as log:
        try:
            rc = subprocess.run(cmd, cwd=_site(python), stdout=log, stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
    with open(os.path.join(out_dir, "wall.json"), "w") as f:
        json.dump({"seconds": time.perf_counter() - t0, "rc": rc}, f)


def read_infinigen(out_dir, open_blend=True):
    """Seconds, peak RSS, the room type and (``open_blend``) the saved scene's objects and triangles of a finished
    run."""
    wall = json.load(open(os.path.join(out_dir, "wall.json")))
    log = open(os.path.join(out_dir, "log.txt"), errors="replace").read()
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", log)
    room = re.search(r"'([a-z-]+)_0/0'", log)
    res = {"seconds": round(wall["seconds"], 1), "rc": wall["rc"], "peak_rss_mb": int(rss.group(1)) // 1024 if rss else None,
           "room": room.group(1) if room else None}
    blend = next((os.path.join(d, f) for d, _, fs in os.walk(out_dir) for f in fs if f == "scene.blend"), None)
    if blend and open_blend:
        import bpy
        bpy.ops.wm.open_mainfile(filepath=blend)
        res.update(_count(bpy.context.scene))
        bpy.ops.wm.read_factory_settings(use_empty=True)
    return res


def _count(scene):
    """Mesh objects and triangles of what a render would see (modifiers and geometry nodes evaluated, instances
    counted per instance)."""
    import bpy
    dg = bpy.context.evaluated_depsgraph_get()
    objs, tris = 0, 0
    for inst in dg.object_instances:
        ob = inst.object
        if ob.type != "MESH" or ob.hide_render:
            continue
        objs += 1
        me = ob.data
        me.calc_loop_triangles()
        tris += len(me.loop_triangles)
    return {"mesh_objects": objs, "triangles": tris}


def run_conjure(room_type, seeds, detail=1.0):
    import resource

    import bpy

    from backend.blender.procgen import build_scene
    from backend.procgen.plan import plan

    runs = []
    for s in range(seeds):
        bpy.ops.wm.read_factory_settings(use_empty=True)
        t0 = time.perf_counter()
        g = plan(room_type, s, {"detail": detail})
        build_scene(bpy.context.scene, g)
        dt = time.perf_counter() - t0
        runs.append({"seed": s, "seconds": round(dt, 3), "objects": len(g["objects"]), **_count(bpy.context.scene)})
    return {"runs": runs, "median_s": round(statistics.median(r["seconds"] for r in runs), 3),
            "median_triangles": int(statistics.median(r["triangles"] for r in runs)),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def _room_bounds(room):
    import bpy
    from mathutils import Vector
    ob = next(o for o in bpy.context.scene.objects if o.type == "MESH" and o.name.startswith(f"{room}_0/0"))
    pts = [ob.matrix_world @ Vector(c) for c in ob.bound_box]
    return [min(p[i] for p in pts) for i in range(3)], [max(p[i] for p in pts) for i in range(3)]


def render_pair(out_dir, room, room_type, png, size=384, samples=16):
    """Infinigen's room (from a corner at eye height, 24 mm, looking across to the far corner; its own lights, or
    one ceiling point light if it saved none; Blender's default exposure) beside Conjure's room of the same type at seed
    0 (its main camera, metered as the scene sheet does), Cycles, side by side in ``png``."""
    import bpy
    from mathutils import Vector
    from PIL import Image

    from backend.blender.procgen import build_scene, meter_exposure
    from backend.blender.render import render_to_file
    from backend.procgen.plan import plan

    tiles = []
    blend = next(os.path.join(d, f) for d, _, fs in os.walk(out_dir) for f in fs if f == "scene.blend")
    bpy.ops.wm.open_mainfile(filepath=blend)
    sc = bpy.context.scene
    lo, hi = _room_bounds(room)
    cd = bpy.data.cameras.new("compare")
    cd.lens, cd.sensor_width = 24.0, 36.0
    cam = bpy.data.objects.new("compare", cd)
    sc.collection.objects.link(cam)
    loc, tgt = Vector((lo[0] + 0.35, hi[1] - 0.35, lo[2] + 1.6)), Vector((hi[0] - 0.9, lo[1] + 0.9, lo[2] + 0.6))
    cam.location, cam.rotation_euler = loc, (tgt - loc).to_track_quat("-Z", "Y").to_euler()
    sc.camera = cam
    for o in sc.objects:
        if "placeholder" in o.name:
            o.hide_render = True
    if not any(o.type == "LIGHT" and not o.hide_render for o in sc.objects):
        ld = bpy.data.lights.new("compare", "POINT")
        ld.energy = 150.0
        lo_ = bpy.data.objects.new("compare", ld)
        sc.collection.objects.link(lo_)
        lo_.location = ((lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, hi[2] - 0.4)
    sc.render.engine = "CYCLES"
    sc.cycles.samples, sc.cycles.device, sc.cycles.use_denoising = samples, "CPU", True
    sc.render.resolution_x = sc.render.resolution_y = size
    sc.render.resolution_percentage = 100
    sc.render.filepath = png + ".infinigen.png"
    bpy.ops.render.render(write_still=True)
    tiles.append(sc.render.filepath)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    sc = bpy.context.scene
    build_scene(sc, plan(room_type, 0))
    meter_exposure(sc)  # as the scene sheet renders it
    sc.render.resolution_x = sc.render.resolution_y = size
    sc.cycles.samples = samples
    render_to_file(sc, png + ".conjure.png")
    tiles.append(png + ".conjure.png")
    ims = [Image.open(t).convert("RGB") for t in tiles]
    sheet = Image.new("RGB", (sum(i.width for i in ims), max(i.height for i in ims)))
    x = 0
    for im in ims:
        sheet.paste(im, (x, 0))
        x += im.width
    sheet.save(png)
    for t in tiles:
        os.remove(t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0, help="Infinigen's scene seed")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds Infinigen may take before it is stopped")
    ap.add_argument("--conjure-seeds", type=int, default=3)
    ap.add_argument("--details", type=float, nargs="+", default=[1.0, 8.0],
                    help="Conjure's detail levels (the per-asset triangle budget a user can set)")
    ap.add_argument("--infinigen-python", default=os.path.join(ROOT, ".venv-infinigen", "bin", "python"))
    ap.add_argument("--render", help="also write a side-by-side PNG here: Infinigen's room, Conjure's room of the type")
    ap.add_argument("--infinigen-dir", help="a finished run's output folder (with log.txt and wall.json): reuse it")
    a = ap.parse_args()
    out_dir = a.infinigen_dir or os.path.join(os.environ.get("TMPDIR", "/tmp"), f"conjure_infinigen_scene_{a.seed}")
    if not a.infinigen_dir:
        if not os.path.exists(a.infinigen_python):
            sys.exit(f"no Infinigen Python at {a.infinigen_python}: run `make infinigen-venv` or pass --infinigen-python")
        run_infinigen(a.infinigen_python, a.seed, out_dir, a.timeout)
    room_type = ROOM_TYPES.get(read_infinigen(out_dir, open_blend=False)["room"] or "", "living_room")
    con = {f"detail_{d:g}": run_conjure(room_type, a.conjure_seeds, d) for d in a.details}  # before opening
    inf = read_infinigen(out_dir)  # Infinigen's big scene, so Conjure's peak memory is its own
    speedup = {k: round(inf["seconds"] / v["median_s"], 1) for k, v in con.items()} if inf["rc"] == 0 else None
    if a.render:
        render_pair(out_dir, inf["room"], room_type, os.path.abspath(a.render))
    print(f"Infinigen coarse {inf['room']}: {inf['seconds']} s (rc {inf['rc']}), peak {inf['peak_rss_mb']} MB, "
          f"{inf.get('mesh_objects')} mesh objects, {inf.get('triangles')} triangles")
    for k, c in con.items():
        for r in c["runs"]:
            print(f"Conjure {room_type} seed {r['seed']} {k}: {r['seconds']} s, {r['objects']} objects, {r['mesh_objects']} "
                  f"mesh objects, {r['triangles']} triangles")
    print(json.dumps({"figure": "infinigen_scene", "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
                      "infinigen": inf, "conjure": {"type": room_type, **con},
                      "x_faster": speedup}))


if __name__ == "__main__":
    main()
