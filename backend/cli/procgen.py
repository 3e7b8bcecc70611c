"""Subcommands for procedural content: ``asset`` and ``scene`` (they run in this process's Blender: bpy).

    python -m backend.cli asset chair 7 --param seat_height=0.45 --out out/chair --render out/chair.png
    python -m backend.cli scene --type room --seed 3 --density 1.2 --out out/room --render out/room.png

Each saves a .blend (and for scenes the scene graph .json) into --out, and with --render a PNG through the
scene's own camera (scenes) or a framing camera (assets). Bad input prints one line to stderr, exits 2.
"""
from __future__ import annotations

import json
import os
import sys

from ..files import atomic_write
from ..jobs import SpecError
from .common import CLIError, add_output_flags, check_outputs


def _parse_params(items) -> dict:
    out = {}
    for item in items or ():
        if "=" not in item:
            raise SpecError("--param", f"must look like name=value, got {item!r}")
        k, v = item.split("=", 1)
        try:
            out[k.strip()] = json.loads(v)
        except ValueError:
            raise SpecError(f"params.{k.strip()}", f"must be a number, got {v!r}") from None
    return out


def _seed(text):
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)  # check_seed names the problem with fractional seeds
        except ValueError:
            return text


def _blender():
    try:
        from ..blender import headless
    except ImportError:
        raise CLIError("asset and scene need Blender: `pip install bpy` or run under `blender -b --python "
                       "batch.py -- ...`") from None
    return headless


def run_asset(args) -> int:
    try:
        from ..procgen import registry
        from ..procgen.registry import check_args
        params = _parse_params(args.param)
        budget = dict(detail_level=args.detail, max_triangles=args.max_triangles, edition=args.edition)
        check_args(registry(), args.category, _seed(args.seed), params, **budget)  # validate before Blender work
        check_outputs(args)
        made = _blender().asset_file(args.category, _seed(args.seed), params, os.path.abspath(args.out),
                                     render=args.render, size=args.size, samples=args.samples, **budget)
    except (SpecError, CLIError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    made["params"] = json.loads(made["params"])
    print(json.dumps(made))
    return 0


def run_scene(args) -> int:
    try:
        from ..procgen.plan import plan
        params = _parse_params(args.param)
        if args.density is not None:
            params["density"] = args.density
        graph = plan(args.type, _seed(args.seed), params, edition=args.edition)
        check_outputs(args)
        out = os.path.abspath(args.out)
        stem = f"{args.type}_{args.seed}"
        made = _blender().scene_file(graph, out, stem, render=args.render, size=args.size, samples=args.samples)
        made["graph"] = os.path.join(out, f"{stem}.json")
        atomic_write(made["graph"], json.dumps(graph, indent=1).encode())
    except (SpecError, CLIError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    made["objects"] = len(graph["objects"])
    print(json.dumps(made))
    return 0


def _edition_flag(parser) -> None:
    try:
        from ..procgen.geometry import EDITION
    except ImportError:
        EDITION = "newest"
    parser.add_argument("--edition", type=int, default=None,
                        help=f"procedural factories' edition (default {EDITION}, the newest; 1 = the geometry "
                             "before leaf cards, bark and rock facets, which the embedded model was trained on)")


def add_subcommands(subparsers) -> None:
    try:  # the help lists the categories; a Python without numpy still gets a parser (selftest says what is missing)
        from ..procgen import categories
        from ..procgen.plan import SCENE_PARAMS, SCENE_TYPES
        names = " | ".join(categories())
    except ImportError:
        SCENE_PARAMS, SCENE_TYPES, names = {}, (), "(needs numpy: see `selftest`)"
    a = subparsers.add_parser("asset", help="build one procedural asset and save a .blend")
    a.add_argument("category", help=f"asset category: {names}")
    a.add_argument("seed", help="integer seed, 0..4294967295")
    a.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="override one high-level parameter (repeatable; names and ranges: README 'Procedural')")
    a.add_argument("--detail", type=float, default=1.0,
                   help="tessellation multiplier 0.1..16 (default 1; 4 gives ~40k triangles for a chair)")
    a.add_argument("--max-triangles", type=int, default=None,
                   help="per-asset triangle budget: the finest detail level that fits is used")
    _edition_flag(a)
    a.add_argument("--out", default="out/asset", help="output folder (default out/asset)")
    add_output_flags(a, blend=False)
    a.set_defaults(func=run_asset, blend=None)
    s = subparsers.add_parser("scene", help="plan and build a procedural scene; save .blend + scene graph .json")
    s.add_argument("--type", required=True, help=f"scene type: {' | '.join(SCENE_TYPES)}")
    s.add_argument("--seed", default="0", help="integer seed, 0..4294967295 (default 0)")
    s.add_argument("--density", type=float, default=None, help="how full the scene is, 0.2..2.0 (default 1)")
    names = sorted({k for v in SCENE_PARAMS.values() for k in v} - {"density"})
    s.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help=f"scene parameter (repeatable): {', '.join(names)}")
    _edition_flag(s)
    s.add_argument("--out", default="out/scene", help="output folder (default out/scene)")
    add_output_flags(s, blend=False)
    s.set_defaults(func=run_scene, blend=None)
