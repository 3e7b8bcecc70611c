"""Figure (issue #14): Conjure's procedural assets side by side with Infinigen's on this machine: seconds to make
one asset's mesh in Blender, and its triangles.

Infinigen needs its own Python (it pins bpy 4.2, numpy<2 and old trimesh/scikit-image): `make infinigen-venv`
builds `.venv-infinigen` from PyPI (infinigen 1.15.5), or pass --infinigen-python. Each Infinigen factory runs in
that Python (benchmarks/_infinigen_child.py: spawn_asset + finalize_assets + evaluating its geometry nodes, seeded
as Infinigen's own generate_individual_assets does); Conjure's matching category runs here (generate + building
the Blender mesh, current factory edition), at detail 1 and at the detail level whose triangles come nearest
Infinigen's (the per-asset budget a user can set). Conjure's side is timed twice: cold, each asset in a fresh
factory-settings file (the first asset of its kind in a file), and warm, the 2nd..Nth asset of the kind in one file
(as in a scene build: material templates and other per-session caches are warm). A third figure, first: a fresh file
with the material templates' store emptied too (the first asset of its kind in the process; the store lives outside
the file, so "cold" copies templates made by earlier assets of the process). A fourth, new seed: cold, with a seed
not used before in the process (the material recordings kept per description, ``material_templates._recorded``,
cannot help it; "cold" repeats the seeds "first" used). Infinigen's side is its factory in a fresh process per
category, as before.

Usage: .venv/bin/python benchmarks/infinigen_compare.py [--seeds 3] [--categories chair,mug] [--timeout 900]
       [--rounds 1] [--warm-store]
       [--infinigen-json earlier.json]   (Infinigen's side from an earlier run: its trees and rocks take minutes)
Prints a table and, on its last line, one JSON object.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# Conjure category -> Infinigen factory (module under infinigen.assets.objects : class), the nearest counterpart
PAIRS = {
    "chair": "seating:ChairFactory", "sofa": "seating:SofaFactory", "bed": "seating:BedFactory",
    "cushion": "seating:PillowFactory", "table": "tables:TableDiningFactory",
    "bookshelf": "shelves:SimpleBookcaseFactory", "cabinet": "shelves:SingleCabinetFactory",
    "mug": "tableware:CupFactory", "bowl": "tableware:BowlFactory", "plate": "tableware:PlateFactory",
    "bottle": "tableware:BottleFactory", "vase": "table_decorations:VaseFactory",
    "book": "table_decorations:BookFactory", "table_lamp": "lamp:DeskLampFactory",
    "floor_lamp": "lamp:FloorLampFactory", "potted_plant": "tableware:LargePlantContainerFactory",
    "rock": "rocks:BoulderFactory", "bush": "trees:BushFactory", "tree": "trees:TreeFactory",
    "grass_tuft": "grassland:GrassTuftFactory",
}
DETAILS = (1.0, 2.0, 4.0, 8.0)


def run_infinigen(python, categories, seeds, timeout):
    """{category: [result dicts]} from one child process per category (a crash or hang loses only that one)."""
    where = subprocess.run([python, "-c", "import infinigen, sys; sys.stdout.write(str(infinigen.repo_root()))"],
                           capture_output=True, text=True, timeout=300)
    if where.returncode:
        sys.exit(f"error: {python} cannot import infinigen: {where.stderr.strip()[-300:]}")
    child = os.path.join(ROOT, "benchmarks", "_infinigen_child.py")
    out = {}
    for cat in categories:
        try:
            r = subprocess.run([python, child, PAIRS[cat], str(seeds)], cwd=where.stdout, capture_output=True,
                               text=True, timeout=timeout)
            lines = [json.loads(l[7:]) for l in r.stdout.splitlines() if l.startswith("RESULT ")]
            if not lines:
                lines = [{"error": f"exit {r.returncode}: {r.stderr.strip()[-200:]}"}]
        except subprocess.TimeoutExpired:
            lines = [{"error": f"timed out after {timeout} s"}]
        out[cat] = lines
        print(f"infinigen {cat:13s} {PAIRS[cat]:40s} {lines}", file=sys.stderr, flush=True)
    return out


def run_conjure(categories, seeds, target_tris, warm_store=False):
    """{category: {detail: {"seconds": median, "triangles": median}}}: generate + Blender mesh, per asset."""
    import bpy
    from backend.blender import material_templates
    from backend.blender.procgen import add_asset
    out = {}
    for cat in categories:
        out[cat] = {}
        for d in DETAILS:
            first = []  # first: the templates' store emptied too, each time
            for seed in range(seeds):
                bpy.ops.wm.read_factory_settings(use_empty=True)
                material_templates.clear()
                t = time.perf_counter()
                add_asset(bpy.context.scene, cat, seed, detail_level=d)
                first.append(time.perf_counter() - t)
            if warm_store:   # every structure of the kind in the store (the "first" rows emptied it before each)
                bpy.ops.wm.read_factory_settings(use_empty=True)
                for seed in range(seeds):
                    add_asset(bpy.context.scene, cat, seed, detail_level=d)
            secs, cpu, tris = [], [], []
            for seed in range(seeds):
                bpy.ops.wm.read_factory_settings(use_empty=True)
                t, c = time.perf_counter(), time.process_time()
                ob = add_asset(bpy.context.scene, cat, seed, detail_level=d)
                secs.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)   # this process's CPU time: less moved by other processes' load
                tris.append(sum(len(p.vertices) - 2 for p in ob.data.polygons))
            fresh = []  # cold with a seed not used before in the process (nothing a seed's own assets left behind)
            for seed in range(seeds):
                bpy.ops.wm.read_factory_settings(use_empty=True)
                t = time.perf_counter()
                add_asset(bpy.context.scene, cat, 10_000 + 1000 * DETAILS.index(d) + seed, detail_level=d)
                fresh.append(time.perf_counter() - t)
            bpy.ops.wm.read_factory_settings(use_empty=True)  # warm: one file, a first asset of the kind, then seeds
            add_asset(bpy.context.scene, cat, 1000, detail_level=d)
            warm = []
            for seed in range(seeds):
                t = time.perf_counter()
                add_asset(bpy.context.scene, cat, seed, detail_level=d)
                warm.append(time.perf_counter() - t)
            out[cat][d] = {"seconds": statistics.median(secs), "warm_seconds": statistics.median(warm),
                           "first_seconds": statistics.median(first), "new_seed_seconds": statistics.median(fresh),
                           "cpu_seconds": statistics.median(cpu),
                           "triangles": int(statistics.median(tris))}
            if target_tris.get(cat) and out[cat][d]["triangles"] >= target_tris[cat]:
                break  # finer levels only cost more
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--infinigen-python", default=os.environ.get("CONJURE_INFINIGEN_PYTHON",
                                                                 os.path.join(ROOT, ".venv-infinigen", "bin", "python")))
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--categories", default=",".join(PAIRS))
    ap.add_argument("--timeout", type=int, default=900, help="seconds per Infinigen factory (all its seeds)")
    ap.add_argument("--warm-store", action="store_true",
                    help="before the cold seeds, make each seed's asset once (untimed) so the template store holds "
                         "every tree structure of the kind: without it, the store holds only what the last 'first' "
                         "asset made, and a cold asset of another structure builds its template (a 'first' cost)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run Conjure's side this many times in the one process and report the last (with 1, the "
                         "first category's figures include the process's own warm-up: first calls, unspecialised "
                         "Python; every asset is still cold, warm or first as described)")
    ap.add_argument("--infinigen-json", metavar="FILE",
                    help="reuse the Infinigen side of an earlier run (its last JSON line) instead of running it again")
    args = ap.parse_args()
    cats = [c.strip() for c in args.categories.split(",") if c.strip()]
    bad = [c for c in cats if c not in PAIRS]
    if bad:
        sys.exit(f"error: no Infinigen counterpart for {', '.join(bad)} (known: {', '.join(PAIRS)})")
    if args.infinigen_json:
        with open(args.infinigen_json) as f:
            last = [l for l in f.read().splitlines() if l.startswith("{")][-1]  # the JSON line of a saved log
        earlier = {r["category"]: r for r in json.loads(last)["rows"]}
        inf = {c: [{"seconds": earlier[c]["infinigen"]["seconds"], "triangles": earlier[c]["infinigen"]["triangles"]}]
               if earlier.get(c, {}).get("infinigen") else [{"error": "not in the earlier run"}] for c in cats}
    elif not os.path.exists(args.infinigen_python):
        sys.exit(f"error: {args.infinigen_python} does not exist: run `make infinigen-venv` or pass --infinigen-python")
    else:
        inf = run_infinigen(args.infinigen_python, cats, args.seeds, args.timeout)
    ok = {c: [r for r in rs if "seconds" in r] for c, rs in inf.items()}
    inf_med = {c: {"seconds": statistics.median(r["seconds"] for r in rs),
                   "triangles": int(statistics.median(r["triangles"] for r in rs))} for c, rs in ok.items() if rs}
    for _ in range(args.rounds):   # the last round's figures: earlier rounds only warm the process
        con = run_conjure(cats, args.seeds, {c: v["triangles"] for c, v in inf_med.items()}, args.warm_store)
    rows = []
    print(f"{'category':13s} {'Infinigen s':>11s} {'tris':>9s} | {'Conjure d1 s':>12s} {'tris':>7s} {'x faster':>8s} "
          f"{'warm s':>7s} {'x':>6s} | {'nearest detail':>14s} {'s':>7s} {'tris':>8s} {'x faster':>8s} {'warm s':>7s} "
          f"{'x':>6s}   (cold: first of its kind in a fresh file; warm: Nth in one file)")
    for c in cats:
        i = inf_med.get(c)
        c1 = con[c][1.0]
        near = min(con[c].items(), key=lambda kv: abs(kv[1]["triangles"] - i["triangles"]) if i else 0)
        row = {"category": c, "infinigen_factory": PAIRS[c], "infinigen": i,
               "infinigen_errors": [r["error"] for r in inf[c] if "error" in r],
               "conjure_detail_1": c1, "conjure_nearest": {"detail": near[0], **near[1]}}
        if i:
            row["speedup_detail_1"] = round(i["seconds"] / c1["seconds"], 1)
            row["speedup_nearest"] = round(i["seconds"] / near[1]["seconds"], 1)
            row["speedup_detail_1_warm"] = round(i["seconds"] / c1["warm_seconds"], 1)
            row["speedup_nearest_warm"] = round(i["seconds"] / near[1]["warm_seconds"], 1)
            row["speedup_detail_1_first"] = round(i["seconds"] / c1["first_seconds"], 1)
            row["speedup_nearest_first"] = round(i["seconds"] / near[1]["first_seconds"], 1)
            row["speedup_detail_1_new_seed"] = round(i["seconds"] / c1["new_seed_seconds"], 1)
            row["speedup_nearest_new_seed"] = round(i["seconds"] / near[1]["new_seed_seconds"], 1)
            print(f"{c:13s} {i['seconds']:11.3f} {i['triangles']:9d} | {c1['seconds']:12.4f} {c1['triangles']:7d} "
                  f"{row['speedup_detail_1']:8.1f} {c1['warm_seconds']:7.4f} {row['speedup_detail_1_warm']:6.1f} | "
                  f"{near[0]:14.0f} {near[1]['seconds']:7.3f} {near[1]['triangles']:8d} {row['speedup_nearest']:8.1f} "
                  f"{near[1]['warm_seconds']:7.3f} {row['speedup_nearest_warm']:6.1f} | "
                  f"first {c1['first_seconds']:.4f} ({row['speedup_detail_1_first']}x), "
                  f"{near[1]['first_seconds']:.3f} ({row['speedup_nearest_first']}x); "
                  f"new seed {c1['new_seed_seconds']:.4f} ({row['speedup_detail_1_new_seed']}x), "
                  f"{near[1]['new_seed_seconds']:.3f} ({row['speedup_nearest_new_seed']}x); "
                  f"cold CPU {c1['cpu_seconds']:.4f}, {near[1]['cpu_seconds']:.3f}")
        else:
            print(f"{c:13s} Infinigen failed: {row['infinigen_errors'][:1]}")
        rows.append(row)
    print(json.dumps({"benchmark": "infinigen_compare", "seeds": args.seeds, "rounds": args.rounds,
                      "warm_store": args.warm_store, "rows": rows,
                      "infinigen_from": args.infinigen_json or "this run",
                      "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}",
                      "load": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
