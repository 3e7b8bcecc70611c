"""Headless entry points: ``asset`` and ``scene`` subcommands (added to backend/cli.py by ``add_subcommands``).

    python -m backend.cli asset chair 7 --param seat_height=0.45 --out out/chair
    python -m backend.cli scene --type room --seed 3 --density 1.2 --out out/room

Each saves a .blend (and for scenes the scene graph .json) into --out. Bad input prints one line to stderr, exits 2.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from ..jobs import SpecError


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


def _save(path_dir: str, stem: str):
    import bpy
    os.makedirs(path_dir, exist_ok=True)
    path = os.path.join(path_dir, f"{stem}.blend")
    bpy.ops.wm.save_as_mainfile(filepath=path, check_existing=False)
    return path


def run_asset(args) -> int:
    try:
        from .planner import registry
        from .registry import generate
        params = _parse_params(args.param)
        generate(registry(), args.category, _seed(args.seed), params)  # validate before starting Blender work
        import bpy
        from .builder_blender import add_asset
        bpy.ops.wm.read_factory_settings(use_empty=True)
        obj = add_asset(bpy.context.scene, args.category, _seed(args.seed), params)
        path = _save(os.path.abspath(args.out), f"{args.category}_{args.seed}")
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps({"blend": path, "object": obj.name, "params": json.loads(obj["conjure_params"])}))
    return 0


def run_scene(args) -> int:
    try:
        from .planner import plan
        params = _parse_params(args.param)
        if args.density is not None:
            params["density"] = args.density
        graph = plan(args.type, _seed(args.seed), params)
        import bpy
        from .builder_blender import build_scene
        bpy.ops.wm.read_factory_settings(use_empty=True)
        build_scene(bpy.context.scene, graph)
        out = os.path.abspath(args.out)
        stem = f"{args.type}_{args.seed}"
        path = _save(out, stem)
        gpath = os.path.join(out, f"{stem}.json")
        with open(gpath + ".tmp", "w") as f:
            json.dump(graph, f, indent=1)
        os.replace(gpath + ".tmp", gpath)
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps({"blend": path, "graph": gpath, "objects": len(graph["objects"])}))
    return 0


def add_subcommands(subparsers) -> None:
    from .planner import SCENE_TYPES
    a = subparsers.add_parser("asset", help="build one procedural asset and save a .blend")
    a.add_argument("category", help="asset category, e.g. chair, mug, tree")
    a.add_argument("seed", help="integer seed, 0 .. 2**32-1")
    a.add_argument("--param", action="append", metavar="NAME=VALUE", help="override one high-level parameter")
    a.add_argument("--out", default="out/asset", help="output folder")
    a.set_defaults(func=run_asset)
    s = subparsers.add_parser("scene", help="plan and build a procedural scene; save .blend + scene graph .json")
    s.add_argument("--type", required=True, help=f"one of {', '.join(SCENE_TYPES)}")
    s.add_argument("--seed", default="0", help="integer seed, 0 .. 2**32-1")
    s.add_argument("--density", type=float, default=None, help="0.2 .. 2.0 (1 = typical)")
    s.add_argument("--param", action="append", metavar="NAME=VALUE", help="scene parameter, e.g. width=5")
    s.add_argument("--out", default="out/scene", help="output folder")
    s.set_defaults(func=run_scene)


def main(argv=None) -> int:
    """Standalone: python -m backend.procgen.cli scene --type room --seed 3 --out out/room"""
    ap = argparse.ArgumentParser(prog="conjure-procgen")
    add_subcommands(ap.add_subparsers(dest="command", required=True))
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
