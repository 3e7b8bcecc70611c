"""The ``refine`` subcommand: a mesh file + a prompt -> a refined textured GLB (the panel's Refine Mesh)."""
from __future__ import annotations

import os

from ..jobs import JobSpec
from ..refine.params import DEFAULT_GUIDANCE, GUIDANCE_METHODS, MAX_FACES, MESH_SUFFIXES, REFINE_MODES, WEIGHTINGS
from .common import CLIError, add_worker_flags, run_spec

# Flags, named as in the spec (RefineParams): name -> (type, help with allowed values and default)
REFINE_FLAGS = {
    "negative_prompt": (str, "what it should not look like (default 'blurry, low quality, oversaturated, "
                             "multiple faces')"),
    "mode": (str, f"{' | '.join(REFINE_MODES)}: texture only, or texture + vertex offsets (default texture)"),
    "method": (str, f"{' | '.join(GUIDANCE_METHODS)}: score distillation, or variational score distillation "
                    f"with a LoRA (default sds)"),
    "model": (str, "Stable Diffusion: hub id (owner/name) or an absolute folder "
                   "(default stable-diffusion-v1-5/stable-diffusion-v1-5)"),
    "steps": (int, "optimisation steps, 1..20000 (default 400)"),
    "guidance": (float, f"classifier-free guidance, 0..200 (default: SDS {DEFAULT_GUIDANCE['sds']:g}, "
                        f"VSD {DEFAULT_GUIDANCE['vsd']:g})"),
    "resolution": (int, "render size in pixels, 32..1024, a multiple of 8 (default 128)"),
    "views_per_step": (int, "random camera views per step, 1..8 (default 1)"),
    "texture_size": (int, "texture size in pixels, 64..4096 (default 512)"),
    "lr_texture": (float, "texture learning rate, 1e-5..1 (default 0.02)"),
    "lr_geometry": (float, "vertex-offset learning rate, 1e-7..0.1 (default 0.0005; geometry mode)"),
    "lr_lora": (float, "VSD LoRA learning rate, 1e-6..0.1 (default 0.001)"),
    "lora_rank": (int, "VSD LoRA rank, 1..64 (default 4)"),
    "laplacian_weight": (float, "Laplacian smoothness weight, 0..1e6 (default 1000; geometry mode)"),
    "normal_weight": (float, "normal-consistency weight, 0..1e6 (default 100; geometry mode)"),
    "t_min": (float, "smallest timestep as a fraction of T, 0..1 (default 0.02)"),
    "t_max": (float, "largest timestep at the start, 0..1, above --t-min (default 0.98)"),
    "t_max_end": (float, "largest timestep at the end (annealed), between --t-min and --t-max (default 0.5)"),
    "weighting": (str, f"w(t): {' | '.join(WEIGHTINGS)} (default sds = 1 - alpha_bar)"),
    "preview_every": (int, "preview render + loss curve every N steps, 0..1000, 0 = none (default 10)"),
}


def mesh_file(path: str, out_dir: str, name: str) -> str:
    """The mesh as the job takes it: .npz and .glb as they are; other formats trimesh reads (.obj, .ply, .stl,
    .off, ...) converted to ``<out>/<name>_input.npz``. Checked here, before the worker is asked anything."""
    from ..refine.meshio import MeshProblem, load_mesh

    path = os.path.abspath(os.path.expanduser(path))
    if not os.path.isfile(path):
        raise CLIError(f"mesh: {path} is not a file")
    if not path.lower().endswith(MESH_SUFFIXES):
        try:
            import numpy as np
            import trimesh

            m = trimesh.load(path, force="mesh", process=False)
        except ImportError:
            raise CLIError("mesh: reading .obj/.ply/.stl needs trimesh; give a .glb or .npz") from None
        except Exception as e:  # trimesh raises many kinds for unreadable files
            raise CLIError(f"mesh: cannot read {path} ({e})") from None
        os.makedirs(out_dir, exist_ok=True)
        converted = os.path.join(out_dir, f"{name}_input.npz")
        np.savez(converted, verts=np.asarray(m.vertices, dtype=np.float64), faces=np.asarray(m.faces, dtype=np.int64))
        path = converted
    try:
        load_mesh(path)
    except MeshProblem as e:
        raise CLIError(f"mesh: {e}") from None
    return path


def cmd_refine(args) -> int:
    out = os.path.abspath(args.out or "out")
    name = args.name or "refined"
    params = {"prompt": args.prompt}
    for flag in REFINE_FLAGS:
        value = getattr(args, flag)
        if value is not None:
            params[flag] = value
    params.update(fp16=args.fp16, cpu_offload=args.cpu_offload)
    data = {"type": "refine", "name": name, "output_dir": out, "seed": args.seed or 0,
            "device": args.device or "auto", "params": params}
    data["params"]["mesh"] = mesh_file(args.mesh, out, name)
    return run_spec(args, JobSpec.from_json(data))


def add_subcommands(sub) -> None:
    r = sub.add_parser("refine", help="re-texture (and reshape) a mesh toward a prompt by score distillation "
                                      "(SDS / VSD with Stable Diffusion)")
    r.add_argument("mesh", help=f"the mesh: .glb, .npz (verts, faces, optional per-corner uvs) or anything trimesh "
                                f"reads (.obj, .ply, .stl); manifold, 1..{MAX_FACES:,} triangles")
    r.add_argument("prompt", help="what the object should look like")
    for name, (kind, text) in REFINE_FLAGS.items():
        r.add_argument("--" + name.replace("_", "-"), type=kind, dest=name, help=text)
    r.add_argument("--fp16", action="store_true", help="half precision on a GPU (ignored on the CPU; default off)")
    r.add_argument("--cpu-offload", action="store_true", help="keep models in CPU memory between uses (GPU; "
                                                              "default off)")
    r.add_argument("--model-dir", help="model folder (hub cache layout; default: $CONJURE_MODEL_DIR or the hub's "
                                       "own cache)")
    r.add_argument("--out", help="output folder (default out/)")
    r.add_argument("--name", help="base name of the outputs (default refined)")
    r.add_argument("--seed", type=int, help="random seed, 0..4294967295 (default 0)")
    add_worker_flags(r)
    r.set_defaults(func=cmd_refine)
