"""``edit``: change a scene with words, headless.

    python -m backend.cli edit room.json "make the chairs red" --out edited.json --blend edited.blend
    python -m backend.cli edit room.blend "add three mugs on the table" --blend room2.blend
    blender -b --python batch.py -- edit room.json "make it night" --out night.json

A .json scene graph is edited without Blender (``--out`` writes the edited graph, ``--blend`` / ``--render``
build it); a .blend is opened, edited in place of its Conjure scene (undo history kept) and saved to ``--blend``.
Ambiguity is resolved by ``--select ID`` (repeatable) or reported in ``notes``. Bad input: one line on stderr, exit 2.
"""
from __future__ import annotations

import json
import os
import sys

from ..files import atomic_write
from .common import CLIError, add_output_flags, add_worker_flags, check_outputs, run_job


def _prop_maker(args):
    """make_prop for apply_instruction: a generate job (the chosen pipeline, embedded by default) on a worker,
    exactly as `generate --prompt` runs it; returns the GLB and its box."""
    def make(prompt, seed):
        from ..jobs import JobSpec
        from ..mesh.glb import read_glb
        spec = JobSpec.from_json({"type": "generate", "name": prompt.replace(" ", "_")[:40], "seed": seed,
                                  "output_dir": os.path.abspath(args.prop_dir), "device": args.device or "auto",
                                  "params": {"prompt": prompt, "pipeline": args.pipeline, "size": args.prop_size}})
        ev = run_job(args, spec)
        if ev.get("event") != "result":
            raise CLIError(f"making '{prompt}' failed: {ev.get('message') or ev.get('event')}")
        glb = ev["paths"]["glb"]
        pos = read_glb(glb)["positions"]
        return {"glb": glb, "lo": pos.min(axis=0).tolist(), "hi": pos.max(axis=0).tolist()}
    return make


def run_edit(args) -> int:
    from ..edit import EditError, apply_instruction
    try:
        path = os.path.abspath(args.scene)
        if not os.path.isfile(path):
            raise CLIError(f"{args.scene}: no such file")
        check_outputs(args)
        if path.endswith(".blend"):
            if not args.blend:
                raise CLIError("--blend: say where to save the edited .blend (the input is not overwritten)")
            if args.out:
                raise CLIError("--out writes an edited .json graph; with a .blend input use --blend")
            try:
                from ..blender import edit as scene_edit
            except ImportError:
                raise CLIError("editing a .blend needs Blender: `pip install bpy` or `blender -b --python batch.py -- edit ...`") from None
            res, made = scene_edit.edit_blend_file(path, args.instruction, args.select or (), os.path.abspath(args.blend),
                                                   render=args.render, size=args.size, samples=args.samples)
        else:
            try:
                with open(path, encoding="utf-8") as f:
                    graph = json.load(f)
            except (OSError, ValueError) as e:
                raise CLIError(f"{args.scene}: not a readable scene graph JSON ({e})") from None
            res = apply_instruction(graph, args.instruction, selection=args.select or (), make_prop=_prop_maker(args))
            made = {}
            if args.out:
                made["graph"] = os.path.abspath(args.out)
                os.makedirs(os.path.dirname(made["graph"]), exist_ok=True)
                atomic_write(made["graph"], json.dumps(res.graph, indent=1).encode())
            if args.blend or args.render:
                from ..blender import edit as scene_edit
                made.update(scene_edit.edited_file(res.graph, os.path.abspath(args.blend) if args.blend else None,
                                                   render=args.render, size=args.size, samples=args.samples))
    except (EditError, CLIError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    changed = {k: v for k, v in res.diff.items() if (any(v.values()) if isinstance(v, dict) else v)}
    print(json.dumps({"message": res.message, "notes": res.notes, "group": res.edit.group, "diff": changed, **made}))
    return 0


def add_subcommands(subparsers) -> None:
    p = subparsers.add_parser("edit", help="change a scene (graph .json or .blend) with an instruction in words")
    p.add_argument("scene", help="scene graph .json (from `scene --out`) or a .blend with a Conjure scene")
    p.add_argument("instruction", help="e.g. \"make the chairs red\", \"add three mugs on the table\", \"make it night\"")
    p.add_argument("--select", action="append", metavar="ID",
                   help="object id the instruction means by 'it' or a singular noun (repeatable)")
    p.add_argument("--out", metavar="PATH", help="write the edited scene graph .json here")
    p.add_argument("--pipeline", default="embedded", help="pipeline for things the asset library lacks "
                   "(\"add a brass telescope\"; default: embedded, the offline model)")
    p.add_argument("--prop-size", type=float, default=1.0, help="largest dimension of such a prop, m (default 1)")
    p.add_argument("--prop-dir", default="out/props", help="where their GLBs go (default out/props)")
    add_output_flags(p, blend=True)
    add_worker_flags(p, render=False)
    p.set_defaults(func=run_edit)
