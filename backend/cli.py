"""Headless entry point: the same job specs as the panel, from a JSON/TOML file or flags.

    python -m backend.cli run spec.json [--out DIR] [--blend out.blend] [--render out.png]
    python -m backend.cli run --preset snowman --seed 3 --out out/
    python -m backend.cli demo                      # the README's `make demo`
    python -m backend.cli validate spec.toml
    python -m backend.cli generate "a red armchair" --steps 64 --candidates 2 --out out/ --blend out/chair.blend
    python -m backend.cli generate --image photo.png --pipeline shap-e --out out/
    python -m backend.cli cutout photo.png --out out/        # the foreground mask, to check or paint over
    python -m backend.cli train --data my_meshes/ --out my_model/   # fine-tune the embedded model on your meshes
    blender -b --python batch.py -- run spec.json   # the same, inside Blender

Progress goes to stderr, the result (one JSON object) to stdout. Exit codes: 0 done, 1 the job failed,
2 bad input, 130 interrupted (the job is cancelled and the worker stopped).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from .jobs import JobSpec, SpecError, load_spec_file
from .presets import DEFAULT_PRESET, PRESETS, preset_params


class CLIError(Exception):
    """Bad usage: printed as one line, exit code 2."""


def _progress_printer(stream=sys.stderr):
    state = {"t0": time.monotonic()}

    def show(ev: dict) -> None:
        kind = ev.get("event")
        if kind == "progress":
            total = max(int(ev.get("total") or 1), 1)
            frac = min(max(ev.get("step", 0) / total, 0.0), 1.0)
            bar = "#" * int(frac * 30)
            stream.write(f"\r[{bar:<30}] {frac * 100:5.1f}% {ev.get('message', ''):<12} "
                         f"{time.monotonic() - state['t0']:6.1f}s")
            stream.flush()
        elif kind == "log":
            stream.write(f"\n{ev.get('level', 'info')}: {ev.get('message', '')}\n")
        elif kind in ("result", "error", "cancelled", "disconnected"):
            stream.write("\n")
            stream.flush()
    return show


def _spec_from_args(args) -> JobSpec:
    overrides = {}
    if args.out:
        overrides["output_dir"] = args.out
    if args.name:
        overrides["name"] = args.name
    if args.seed is not None:
        overrides["seed"] = args.seed
    if args.device:
        overrides["device"] = args.device
    param_flags = {k: v for k, v in (("resolution", args.resolution), ("texture_size", args.texture_size),
                                     ("face_budget", args.face_budget)) if v is not None}
    if args.spec:
        if args.preset:
            raise CLIError("give either a spec file or --preset, not both")
        spec = load_spec_file(args.spec, overrides)
        if param_flags:
            data = spec.to_json()
            data["params"].update(param_flags)
            spec = JobSpec.from_json(data)
        return spec
    preset = args.preset or DEFAULT_PRESET
    if preset not in PRESETS:
        raise CLIError(f"--preset: unknown preset {preset!r} (known: {', '.join(PRESETS)})")
    data = {"type": "implicit_shape", "name": preset, "output_dir": "out", "params": preset_params(preset)}
    data.update(overrides)
    data["params"].update(param_flags)
    return JobSpec.from_json(data)


def _client(args):
    from .client import WorkerClient

    if args.connect:
        host, _, port = args.connect.rpartition(":")
        if not host or not port.isdigit():
            raise CLIError("--connect: expected HOST:PORT")
        token = os.environ.get("CONJURE_WORKER_TOKEN", "")
        if args.token_file:
            with open(args.token_file) as f:
                token = f.read().strip()
        if not token:
            raise CLIError("--connect needs a token (--token-file or $CONJURE_WORKER_TOKEN)")
        return WorkerClient.connect(host, int(port), token)
    python = args.worker_python or os.environ.get("CONJURE_WORKER_PYTHON") or _default_python()
    env = {"HF_HUB_OFFLINE": "1", "CONJURE_OFFLINE": "1"} if args.offline else {}
    if getattr(args, "model_dir", None):
        env["CONJURE_MODEL_DIR"] = os.path.abspath(os.path.expanduser(args.model_dir))
    return WorkerClient.start_local(python, device=args.device or "auto", env=env)


def _default_python() -> str:
    """Our own interpreter, unless we are inside Blender (whose Python lacks the worker's packages)."""
    if "bpy" in sys.modules and getattr(sys.modules["bpy"].app, "binary_path", ""):
        exe = sys.modules["bpy"].app.binary_path
        if os.path.basename(exe).startswith("blender"):
            raise CLIError("inside Blender, pass --worker-python (a Python with the worker's packages)")
    return sys.executable


def run_job(args, spec: JobSpec) -> dict:
    """Submit ``spec`` to a worker, print progress, return the final event."""
    client = _client(args)
    try:
        job_id = client.submit(spec)
        try:
            return client.wait_for(job_id, on_event=None if args.quiet else _progress_printer())
        except KeyboardInterrupt:
            client.cancel(job_id)
            client.wait_for(job_id, timeout=3.0)
            raise
    finally:
        client.stop()


def cmd_run(args) -> int:
    return _run_spec(args, _spec_from_args(args))


def _run_spec(args, spec: JobSpec) -> int:
    for path in (args.blend, args.render):
        if path:
            folder = os.path.dirname(os.path.abspath(path))
            os.makedirs(folder, exist_ok=True)
            if not os.access(folder, os.W_OK):
                raise CLIError(f"cannot write to {folder}")
    if args.blend or args.render:
        try:
            import bpy  # noqa: F401
        except ImportError:
            raise CLIError("--blend/--render need Blender: `pip install bpy` or run under `blender -b --python "
                           "batch.py -- ...`") from None
    ev = run_job(args, spec)
    kind = ev.get("event")
    if kind != "result":
        msg = ev.get("message") or kind
        print(f"error: job {kind}: {msg}", file=sys.stderr)
        return 130 if kind == "cancelled" else 1
    out = {"paths": ev["paths"], "metadata": {k: v for k, v in ev["metadata"].items() if k != "conjure_spec"}}
    if "candidates" in ev:
        out["candidates"] = ev["candidates"]
    if args.blend or args.render:
        from .scene_blender import import_and_save

        out["paths"].update(import_and_save(ev, spec, blend=args.blend, render=args.render,
                                            samples=args.samples, size=args.size))
    print(json.dumps(out))
    return 0


# Flags of `generate`: the panel's fields, named as in the spec (GenerateParams); --prop-size is params.size
# (--size is the render's pixel size, as for `run`).
GENERATE_FLAGS = (("pipeline", str), ("model", str), ("text_encoder", str), ("steps", int), ("guidance", float),
                  ("candidates", int), ("resolution", int), ("face_budget", int), ("texture_size", int),
                  ("prop_size", float), ("output", str), ("preview_every", int), ("roughness", float))


def cmd_generate(args) -> int:
    params = {"prompt": args.prompt or "", "image": args.image or "", "mask": args.mask or ""}
    for name, _ in GENERATE_FLAGS:
        value = getattr(args, name)
        if value is not None:
            params["size" if name == "prop_size" else name] = value
    params.update(fp16=args.fp16, cpu_offload=args.cpu_offload)
    data = {"type": "generate", "name": args.name or "prop", "output_dir": args.out or "out",
            "seed": args.seed or 0, "device": args.device or "auto", "params": params}
    args.spec = None
    return _run_spec(args, JobSpec.from_json(data))


def cmd_cutout(args) -> int:
    data = {"type": "cutout", "name": args.name or "cutout", "output_dir": args.out or "out",
            "params": {"image": args.image, "mask": args.mask or "", "method": args.method}}
    args.blend = args.render = None
    return _run_spec(args, JobSpec.from_json(data))


def cmd_demo(args) -> int:
    out = os.path.abspath(args.out)
    args.spec, args.preset, args.name = None, DEFAULT_PRESET, "demo"
    args.out = out
    args.blend = os.path.join(out, "demo.blend")
    args.render = os.path.join(out, "demo_render.png")
    args.resolution = args.texture_size = args.face_budget = None
    return cmd_run(args)


def cmd_validate(args) -> int:
    spec = load_spec_file(args.spec)
    print(json.dumps(spec.to_json(), indent=2))
    return 0


def cmd_train(args) -> int:
    from .generate.embedded.cli import cmd_train as train

    return train(args)


def _add_worker_flags(p):
    p.add_argument("--worker-python", help="Python to run the worker with (default: this one)")
    p.add_argument("--connect", metavar="HOST:PORT", help="use a running worker instead of starting one")
    p.add_argument("--token-file", help="token for --connect (or $CONJURE_WORKER_TOKEN)")
    p.add_argument("--offline", action="store_true", help="never download models")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--samples", type=int, default=16, help="Cycles samples for --render (default 16)")
    p.add_argument("--size", type=int, default=256, help="--render width and height in pixels (default 256)")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="conjure", description="Conjure, headless")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run one job spec (file or flags)")
    r.add_argument("spec", nargs="?", help="job spec file (.json or .toml)")
    r.add_argument("--preset", help=f"implicit-shape preset ({', '.join(PRESETS)})")
    r.add_argument("--out", help="output folder")
    r.add_argument("--name", help="base name of outputs")
    r.add_argument("--seed", type=int)
    r.add_argument("--device", choices=("auto", "cuda", "mps", "cpu"))
    r.add_argument("--resolution", type=int)
    r.add_argument("--texture-size", type=int)
    r.add_argument("--face-budget", type=int)
    r.add_argument("--blend", help="also import into Blender and save this .blend")
    r.add_argument("--render", help="also render a preview PNG (Cycles, CPU)")
    _add_worker_flags(r)
    r.set_defaults(func=cmd_run)
    d = sub.add_parser("demo", help="the quick-start job: snowman -> GLB -> .blend + PNG under out/")
    d.add_argument("--out", default="out")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--device", choices=("auto", "cuda", "mps", "cpu"))
    _add_worker_flags(d)
    d.set_defaults(func=cmd_demo)
    g = sub.add_parser("generate", help="a prompt or a picture -> textured prop(s) (Shap-E or Point-E)")
    g.add_argument("prompt", nargs="?", help="what to make, in words")
    g.add_argument("--image", help="a picture of one object (instead of a prompt)")
    g.add_argument("--mask", help="foreground mask for --image (white = keep; default: cut out automatically)")
    for name, kind in GENERATE_FLAGS:
        g.add_argument("--" + name.replace("_", "-"), type=kind, dest=name)
    g.add_argument("--fp16", action="store_true", help="half precision on a GPU")
    g.add_argument("--cpu-offload", action="store_true", help="keep models in CPU memory between uses (GPU)")
    g.add_argument("--model-dir", help="model folder (hub cache layout; default: $CONJURE_MODEL_DIR or the "
                                       "hub's own cache)")
    g.add_argument("--out", help="output folder (default out/)")
    g.add_argument("--name", help="base name of outputs (default prop)")
    g.add_argument("--seed", type=int)
    g.add_argument("--device", choices=("auto", "cuda", "mps", "cpu"))
    g.add_argument("--blend", help="also import into Blender and save this .blend")
    g.add_argument("--render", help="also render a preview PNG (Cycles, CPU)")
    _add_worker_flags(g)
    g.set_defaults(func=cmd_generate)

    c = sub.add_parser("cutout", help="cut the foreground out of a picture: writes <name>_mask.png and _cutout.png")
    c.add_argument("image")
    c.add_argument("--mask", help="a mask you edited, to clean and apply")
    c.add_argument("--method", default="auto", choices=("auto", "alpha", "sam", "classic"))
    c.add_argument("--model-dir", help="model folder (for Segment-Anything)")
    c.add_argument("--out")
    c.add_argument("--name")
    c.add_argument("--device", choices=("auto", "cuda", "mps", "cpu"))
    _add_worker_flags(c)
    c.set_defaults(func=cmd_cutout)

    t = sub.add_parser("train", help="fine-tune the embedded model on your meshes: a folder of GLB/OBJ + captions.csv")
    t.add_argument("--data", required=True, help="folder of .glb/.obj files and captions.csv (rows: file,caption)")
    t.add_argument("--out", help="model folder to write (default: <model dir>/embedded/<folder name>)")
    t.add_argument("--steps", type=int, default=300, help="training steps for each stage (default 300)")
    t.add_argument("--init", help="model folder to start from (default: the shipped embedded weights)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--quiet", action="store_true", help="no progress log")
    t.set_defaults(func=cmd_train)

    v = sub.add_parser("validate", help="check a job spec file and print it normalised")
    v.add_argument("spec")
    v.set_defaults(func=cmd_validate)
    from .procgen.cli import add_subcommands as procgen_subcommands

    procgen_subcommands(sub)
    return ap


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--" in argv:  # blender -b --python batch.py -- run ...
        argv = argv[argv.index("--") + 1:]
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (SpecError, CLIError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: job cancelled", file=sys.stderr)
        return 130
    except Exception as e:
        from .client import WorkerError

        if isinstance(e, (WorkerError, OSError)):
            print(f"error: {e}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
