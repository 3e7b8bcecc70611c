"""Subcommands that run worker jobs: run, generate, cutout, demo, validate."""
from __future__ import annotations

import json
import os
import sys

from ..generate.params import GENERATE_OUTPUTS, MAX_CANDIDATES, POINT_E_BASES, POINT_E_MESHERS, SHAP_E_SCHEDULES
from ..generate.pipelines import DEFAULT_PIPELINE, PIPELINES
from ..jobs import JobSpec, load_spec_file
from ..shapes.presets import DEFAULT_PRESET, PRESETS, preset_params
from .common import CLIError, add_worker_flags, run_spec


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


def cmd_run(args) -> int:
    return run_spec(args, _spec_from_args(args))


def on_off(text: str) -> bool:
    """``--flag on`` / ``--flag off`` (also yes/no, true/false, 1/0)."""
    value = text.strip().lower()
    if value in ("on", "yes", "true", "1"):
        return True
    if value in ("off", "no", "false", "0"):
        return False
    import argparse

    raise argparse.ArgumentTypeError(f"expected on or off, got {text!r}")


DEMO_PROMPT = "a red wooden chair"

# Flags of `generate`: the panel's fields, named as in the spec (GenerateParams); --prop-size is params.size
# (--size is the render's pixel size, as for every subcommand). name -> (type, help)
GENERATE_FLAGS = {
    "pipeline": (str, f"model family: {' | '.join(PIPELINES)} (default {DEFAULT_PIPELINE})"),
    "model": (str, "hub model id (owner/name) or an absolute path to a model folder (default: the pipeline's own)"),
    "text_encoder": (str, "point-e: CLIP model for prompts and pictures (default openai/clip-vit-large-patch14)"),
    "steps": (int, "diffusion steps, 1..1000, for each Point-E stage (default 64)"),
    "guidance": (float, "classifier-free guidance, 0..100 (default: the model's own: Shap-E 15 text / 3 image, "
                        "Point-E 3)"),
    "candidates": (int, f"variants from consecutive seeds, 1..{MAX_CANDIDATES} (default 1)"),
    "resolution": (int, "marching-cubes cells along the longest side, 16..256 (default: the pipeline's, 128; "
                        "embedded 64)"),
    "face_budget": (int, "most triangles per result, 100..2000000 (default: the pipeline's, 20000; embedded 4000)"),
    "texture_size": (int, "baked texture size in pixels, 16..4096 (default: the pipeline's, 1024; embedded 256)"),
    "prop_size": (float, "the result's largest dimension in metres, 0.01..100 (default: the pipeline's; "
                                 "embedded: predicted from the prompt, others 1)"),
    "output": (str, f"{' | '.join(GENERATE_OUTPUTS)} (points and both: point-e only; default mesh)"),
    "preview_every": (int, "write a preview PNG every N steps, 0 = none (default 8)"),
    "roughness": (float, "material roughness, 0..1 (default 0.6)"),
    "schedule": (str, f"shap-e: noise schedule, {' | '.join(SHAP_E_SCHEDULES)} (default reference: OpenAI's, sigma "
                      f"160..0.001 with integer timesteps; diffusers: the hub scheduler's, 403.4..0.109)"),
    "upsample": (on_off, "point-e: run Point-E's upsampler after the base model (1,024 -> 4,096 points), on | off "
                         "(default on, as the reference does)"),
    "point_e_base": (str, f"point-e: base model; prompts: {' | '.join(POINT_E_BASES['text'])}, pictures: "
                          f"{' | '.join(POINT_E_BASES['image'])} (default: the first of each)"),
    "mesher": (str, f"point-e: cloud -> mesh, {' | '.join(POINT_E_MESHERS)} (default auto: Point-E's learned SDF "
                    f"model if sdf.pt is on disk, else Conjure's fit)"),
}


def cmd_generate(args) -> int:
    params = {"prompt": args.prompt or "", "image": args.image or "", "mask": args.mask or ""}
    for name in GENERATE_FLAGS:
        value = getattr(args, name)
        if value is not None:
            params["size" if name == "prop_size" else name] = value
    params.update(fp16=args.fp16, cpu_offload=args.cpu_offload)
    data = {"type": "generate", "name": args.name or "prop", "output_dir": args.out or "out",
            "seed": args.seed or 0, "device": args.device or "auto", "params": params}
    return run_spec(args, JobSpec.from_json(data))


def cmd_cutout(args) -> int:
    data = {"type": "cutout", "name": args.name or "cutout", "output_dir": args.out or "out",
            "device": args.device or "auto",
            "params": {"image": args.image, "mask": args.mask or "", "method": args.method}}
    return run_spec(args, JobSpec.from_json(data))


def cmd_demo(args) -> int:
    """The quick start: a sentence -> the shipped embedded model (offline) -> GLB, texture, .blend and a render."""
    import time

    out = os.path.abspath(args.out)
    args.blend = os.path.join(out, "demo.blend")
    args.render = os.path.join(out, "demo_render.png")
    args.offline = True  # the embedded model ships with Conjure: nothing to download
    data = {"type": "generate", "name": "demo", "output_dir": out, "seed": args.seed, "device": args.device or "auto",
            "params": {"prompt": args.prompt, "pipeline": "embedded"}}
    t0 = time.perf_counter()
    code = run_spec(args, JobSpec.from_json(data))
    print(f"demo: {args.prompt!r} -> {out} in {time.perf_counter() - t0:.1f} s (worker start, model load, job, "
          f"import, render)", file=sys.stderr)
    return code


def cmd_validate(args) -> int:
    spec = load_spec_file(args.spec)
    print(json.dumps(spec.to_json(), indent=2))
    return 0


def add_subcommands(sub) -> None:
    r = sub.add_parser("run", help="run one job spec (a file, or an implicit-shape preset with flags)")
    r.add_argument("spec", nargs="?", help="job spec file (.json or .toml); see README 'Job specs'")
    r.add_argument("--preset", help=f"Shape from Primitives preset instead of a file: {' | '.join(PRESETS)} "
                                    f"(default {DEFAULT_PRESET})")
    r.add_argument("--out", help="output folder (default: the spec's, or out/)")
    r.add_argument("--name", help="base name of the outputs (letters, digits, _ . -)")
    r.add_argument("--seed", type=int, help="random seed, 0..4294967295 (default: the spec's, or 0)")
    r.add_argument("--resolution", type=int, help="override params.resolution")
    r.add_argument("--texture-size", type=int, help="override params.texture_size")
    r.add_argument("--face-budget", type=int, help="override params.face_budget")
    add_worker_flags(r)
    r.set_defaults(func=cmd_run)

    d = sub.add_parser("demo", help="the quick start: a sentence -> the shipped embedded model (offline) -> GLB, "
                                    "texture, .blend and a rendered PNG under --out")
    d.add_argument("prompt", nargs="?", default=DEMO_PROMPT, help=f"what to make (default {DEMO_PROMPT!r})")
    d.add_argument("--out", default="out", help="output folder (default out/)")
    d.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_worker_flags(d, render=False)
    d.set_defaults(func=cmd_demo, samples=16, size=256)

    g = sub.add_parser("generate", help="a prompt or a picture -> textured prop(s)")
    g.add_argument("prompt", nargs="?", help="what to make, in words")
    g.add_argument("--image", help="a picture of one object (instead of a prompt)")
    g.add_argument("--mask", help="foreground mask for --image (white = keep; default: cut out automatically)")
    for name, (kind, text) in GENERATE_FLAGS.items():
        g.add_argument("--" + name.replace("_", "-"), type=kind, dest=name, help=text)
    g.add_argument("--fp16", action="store_true", help="half precision on a GPU (ignored on the CPU)")
    g.add_argument("--cpu-offload", action="store_true", help="keep models in CPU memory between uses (GPU)")
    g.add_argument("--model-dir", help="model folder (hub cache layout; default: $CONJURE_MODEL_DIR or the "
                                       "hub's own cache)")
    g.add_argument("--out", help="output folder (default out/)")
    g.add_argument("--name", help="base name of the outputs (default prop)")
    g.add_argument("--seed", type=int, help="random seed, 0..4294967295 (default 0); candidate k uses seed+k")
    add_worker_flags(g)
    g.set_defaults(func=cmd_generate)

    c = sub.add_parser("cutout", help="cut the foreground out of a picture: writes <name>_mask.png and _cutout.png")
    c.add_argument("image", help="the picture")
    c.add_argument("--mask", help="a mask you edited, to clean and apply")
    c.add_argument("--method", default="auto", choices=("auto", "alpha", "sam", "classic"),
                   help="auto (alpha channel, else Segment Anything if downloaded, else classic; default) | "
                        "alpha | sam | classic")
    c.add_argument("--model-dir", help="model folder (for Segment Anything)")
    c.add_argument("--out", help="output folder (default out/)")
    c.add_argument("--name", help="base name of the outputs (default cutout)")
    add_worker_flags(c, render=False)
    c.set_defaults(func=cmd_cutout)

    v = sub.add_parser("validate", help="check a job spec file and print it normalised")
    v.add_argument("spec", help="job spec file (.json or .toml)")
    v.set_defaults(func=cmd_validate)
