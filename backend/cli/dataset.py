"""``dataset``: render a synthetic dataset with ground truth (shards of headless Blender processes).

    python -m backend.cli dataset --out data/rooms --type room --seeds 0-9 --frames 24 --size 512
    python -m backend.cli dataset --spec rooms.json --executor ray --ray-address auto --workers 8
    python -m backend.cli dataset --out data/rooms ... --progress-json     (machine-readable progress lines)

Progress (frames done / total, rate, ETA) on stderr, the summary as one JSON line on stdout. Running the same
command again skips complete shards; an interrupted run resumes where it stopped. Bad input: one line, exit 2.
"""
from __future__ import annotations

import json
import signal
import sys

from ..jobs import SpecError
from .common import CLIError


def _seeds(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        part = part.strip()
        a, sep, b = part.partition("-")
        try:
            out += list(range(int(a), int(b) + 1)) if sep else [int(a)]
        except ValueError:
            raise SpecError("--seeds", f"must look like 0-9 or 1,5,7; got {text!r}") from None
    return out


def spec_from_args(args):
    from ..dataset.spec import DatasetSpec, PASSES
    data = {}
    if args.spec:
        with open(args.spec) as f:
            data = json.load(f)
    flags = {"output_dir": args.out, "scene_type": args.type, "frames": args.frames,
             "frames_per_shard": args.frames_per_shard, "trajectory": args.trajectory, "quality": args.quality,
             "stereo_baseline": args.stereo, "quilt_views": args.quilt,
             "object_spin": args.spin, "factory_edition": args.edition}
    data.update({k: v for k, v in flags.items() if v is not None})
    if args.seeds is not None:
        data["seeds"] = _seeds(args.seeds)
    if args.size is not None:
        data["width"] = data["height"] = args.size
    if args.passes is not None:
        data["passes"] = list(PASSES) if args.passes == "all" else [p.strip() for p in args.passes.split(",")]
    if args.samples is not None:
        data.setdefault("render", {})["samples"] = args.samples
    if args.export:
        data["export"] = [e.strip() for e in args.export.split(",")]
    if "output_dir" not in data:
        raise SpecError("--out", "is required (or output_dir in --spec)")
    return DatasetSpec.from_json(data)


def run_dataset(args) -> int:
    from ..dataset.orchestrator import DatasetError, make_executor, run
    from ..dataset.spec import RunOptions
    try:
        spec = spec_from_args(args)
        options = RunOptions(executor=args.executor, workers=args.workers, ray_address=args.ray_address or "",
                             retries=args.retries, blender=args.blender or "")
    except (SpecError, CLIError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    bar = None
    if args.progress_json:
        def progress(done, total):
            print(json.dumps({"event": "progress", "done": done, "total": total}), flush=True)
    elif args.quiet:
        progress = None
    else:
        def progress(done, total):  # the bar starts once the checks have passed
            nonlocal bar
            if bar is None:
                from tqdm import tqdm
                bar = tqdm(total=total, initial=done, desc="frames", unit="frame", file=sys.stderr,
                           dynamic_ncols=True)
            bar.n = done
            bar.refresh()
    executor = make_executor(options)
    for sig in (signal.SIGTERM, signal.SIGINT):  # cancel: kill the shard processes; finished frames stay
        signal.signal(sig, lambda *_: executor.cancel())
    try:
        summary = run(spec, options, progress=progress, executor=executor)
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except DatasetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        if bar is not None:
            bar.close()
    if summary.get("cancelled"):
        print("cancelled: complete shards are kept; run the same command to resume", file=sys.stderr)
        return 130
    print(json.dumps({"event": "result", **summary}) if args.progress_json else json.dumps(summary), flush=True)
    return 0


def add_subcommands(subparsers) -> None:
    from ..dataset.spec import EXECUTORS, PASSES, QUALITY, TRAJECTORIES
    from ..procgen.geometry import EDITION
    from ..procgen.plan import SCENE_TYPES
    d = subparsers.add_parser("dataset", help="render a synthetic dataset with ground truth (RGB, depth, normals, "
                                              "instance/semantic ids, flow, boxes, COCO, transforms.json)")
    d.add_argument("--spec", metavar="PATH", help="dataset spec JSON (flags below override its fields)")
    d.add_argument("--out", help="output folder")
    d.add_argument("--type", help=f"scene type: {' | '.join(SCENE_TYPES)} (default room)")
    d.add_argument("--seeds", help="scene seeds: 0-9 or 1,5,7 (default 0)")
    d.add_argument("--frames", type=int, help="frames per scene (default 8)")
    d.add_argument("--frames-per-shard", type=int, help="frames per headless process (default 4)")
    d.add_argument("--size", type=int, help="width and height in pixels, 16..8192 (default 256)")
    d.add_argument("--passes", help=f"'all' or a comma list of: {', '.join(PASSES)}")
    d.add_argument("--trajectory", help=f"camera path: {' | '.join(TRAJECTORIES)} (default orbit)")
    d.add_argument("--quality", help=f"render preset: {' | '.join(QUALITY)} (default fast)")
    d.add_argument("--samples", type=int, help="Cycles samples (overrides the preset's)")
    d.add_argument("--edition", type=int, help=f"procedural factories' edition, 1..{EDITION} (default {EDITION}: "
                                               "the newest; a dataset keeps the one it was begun with)")
    d.add_argument("--stereo", type=float, help="also render a right eye this far to the right, m")
    d.add_argument("--quilt", type=int, help="also render this many views on a horizontal arc")
    d.add_argument("--spin", type=float, help="degrees per frame that small objects turn (object motion; default 0)")
    d.add_argument("--export", help="per-scene exports: usd, gltf (comma list)")
    d.add_argument("--executor", default="local", choices=EXECUTORS, help="local processes or a Ray cluster")
    d.add_argument("--workers", type=int, default=1, help="processes (local) or tasks in flight (ray); default 1")
    d.add_argument("--ray-address", help="Ray cluster address (auto, host:6379, ray://host:10001); "
                                         "default: start a local one")
    d.add_argument("--blender", metavar="PATH", help="a Blender binary for the shard processes (blender -b); "
                                                     "default: this Python, which must have the bpy module")
    d.add_argument("--retries", type=int, default=2, help="re-runs of a shard whose process died (default 2)")
    d.add_argument("--quiet", action="store_true", help="no progress bar")
    d.add_argument("--progress-json", action="store_true", help="progress as JSON lines on stdout (the panel)")
    d.set_defaults(func=run_dataset)
