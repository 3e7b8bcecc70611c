"""What the subcommands share: worker flags and connection, tqdm progress, running a job, Blender outputs."""
from __future__ import annotations

import json
import os
import sys

from ..files import read_token_file
from ..jobs import DEVICES, JobSpec


class CLIError(Exception):
    """Bad usage: printed as one line, exit code 2."""


def add_worker_flags(p, *, render: bool = True) -> None:
    g = p.add_argument_group("worker")
    g.add_argument("--worker-python", metavar="PATH",
                   help="Python to run the worker with (default: $CONJURE_WORKER_PYTHON, else this Python)")
    g.add_argument("--connect", metavar="HOST:PORT",
                   help="use a worker someone started (`python -m backend.worker serve`) instead of starting one; "
                        "it keeps running afterwards")
    g.add_argument("--token-file", metavar="PATH", help="file holding the token for --connect, readable by you "
                                                         "alone (default: $CONJURE_WORKER_TOKEN)")
    g.add_argument("--shutdown-after", action="store_true",
                   help="with --connect: stop that worker when the job ends (by default it keeps running)")
    g.add_argument("--offline", action="store_true", help="never download models (default: download when missing)")
    g.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    g.add_argument("--device", choices=tuple(DEVICES), help="where models run (default: auto = CUDA, MPS, CPU)")
    if render:
        add_output_flags(p)


def add_output_flags(p, blend: bool = True) -> None:
    g = p.add_argument_group("Blender outputs (need bpy)")
    if blend:
        g.add_argument("--blend", metavar="PATH", help="also import into Blender and save this .blend")
    g.add_argument("--render", metavar="PATH", help="also render a PNG of the result (Cycles on the CPU)")
    g.add_argument("--samples", type=int, default=16, help="Cycles samples for --render (1..4096; default 16)")
    g.add_argument("--size", type=int, default=256, help="--render width and height in pixels (16..8192; default 256)")


def check_outputs(args) -> None:
    """Check --blend/--render/--samples/--size before any work; Blender must be importable for them."""
    blend, render = getattr(args, "blend", None), getattr(args, "render", None)
    if not (blend or render):
        return
    if not 1 <= args.samples <= 4096:
        raise CLIError(f"--samples must be between 1 and 4096, got {args.samples}")
    if not 16 <= args.size <= 8192:
        raise CLIError(f"--size must be between 16 and 8192, got {args.size}")
    for path in (blend, render):
        if path:
            folder = os.path.dirname(os.path.abspath(path))
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError as e:
                raise CLIError(f"cannot create {folder}: {e.strerror}") from None
            if not os.access(folder, os.W_OK):
                raise CLIError(f"cannot write to {folder}")
    try:
        from ..blender import render  # noqa: F401  (needs bpy)
    except ImportError:
        raise CLIError("--blend/--render need Blender: `pip install bpy` or run under `blender -b --python "
                       "batch.py -- ...`") from None


def default_python() -> str:
    """Our own interpreter, unless we are inside Blender (whose Python lacks the worker's packages)."""
    if "bpy" in sys.modules and getattr(sys.modules["bpy"].app, "binary_path", ""):
        exe = sys.modules["bpy"].app.binary_path
        if os.path.basename(exe).startswith("blender"):
            raise CLIError("inside Blender, pass --worker-python (a Python with the worker's packages)")
    return sys.executable


def client(args):
    """A connection to the worker the flags describe (a new local one by default)."""
    from ..client import WorkerClient

    if args.connect:
        host, _, port = args.connect.rpartition(":")
        if not host or not port.isdigit():
            raise CLIError("--connect: expected HOST:PORT")
        token = os.environ.get("CONJURE_WORKER_TOKEN", "")
        if args.token_file:
            try:
                token, warning = read_token_file(args.token_file)
            except OSError as e:
                raise CLIError(f"--token-file: cannot read {args.token_file}: {e.strerror}") from None
            except ValueError as e:
                raise CLIError(f"--token-file: {e}") from None
            if warning:
                print(f"warning: {warning}", file=sys.stderr)
        if not token:
            raise CLIError("--connect needs a token (--token-file or $CONJURE_WORKER_TOKEN)")
        return WorkerClient.connect(host, int(port), token)
    python = args.worker_python or os.environ.get("CONJURE_WORKER_PYTHON") or default_python()
    env = {"HF_HUB_OFFLINE": "1", "CONJURE_OFFLINE": "1"} if args.offline else {}
    if getattr(args, "model_dir", None):
        env["CONJURE_MODEL_DIR"] = os.path.abspath(os.path.expanduser(args.model_dir))
    return WorkerClient.start_local(python, device=args.device or "auto", env=env)


class Progress:
    """A tqdm bar on stderr fed by worker events: step / total, the stage in the description, rate and ETA."""

    def __init__(self, label: str, stream=None):
        from tqdm import tqdm

        self.bar = tqdm(total=1000, desc=label, unit="step", file=stream or sys.stderr, dynamic_ncols=True,
                        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, "
                                   "{rate_fmt}]{postfix}")

    def __call__(self, ev: dict) -> None:
        kind = ev.get("event")
        if kind == "progress":
            total = max(int(ev.get("total") or 1), 1)
            if total != self.bar.total:
                self.bar.reset(total=total)
            step = min(max(int(ev.get("step") or 0), 0), total)
            if step > self.bar.n:
                self.bar.update(step - self.bar.n)
            self.bar.set_postfix_str(str(ev.get("message", ""))[:40], refresh=True)
        elif kind == "log":
            self.bar.write(f"{ev.get('level', 'info')}: {ev.get('message', '')}", file=sys.stderr)
        elif kind in ("result", "error", "cancelled", "disconnected"):
            if kind == "result":
                self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()


def run_job(args, spec: JobSpec) -> dict:
    """Submit ``spec`` to a worker, show progress, return the final event. A worker this command started is
    stopped afterwards; one it connected to (--connect) keeps running unless --shutdown-after."""
    if getattr(args, "shutdown_after", False) and not args.connect:
        raise CLIError("--shutdown-after needs --connect (a worker this command starts is always stopped)")
    c = client(args)
    try:
        job_id = c.submit(spec)
        try:
            return c.wait_for(job_id, on_event=None if args.quiet else Progress(spec.name))
        except KeyboardInterrupt:
            c.cancel(job_id)
            c.wait_for(job_id, timeout=3.0)
            raise
    finally:
        if c.proc is None and getattr(args, "shutdown_after", False):
            from ..client import WorkerError

            try:
                c.shutdown()
            except WorkerError:
                pass
        c.stop()  # a worker we connected to keeps running: stop() only disconnects from it


def run_spec(args, spec: JobSpec) -> int:
    """Run the job; print its result as one JSON line (after importing/rendering/saving if asked)."""
    check_outputs(args)
    ev = run_job(args, spec)
    kind = ev.get("event")
    if kind != "result":
        msg = ev.get("message") or kind
        print(f"error: job {kind}: {msg}", file=sys.stderr)
        return 130 if kind == "cancelled" else 1
    out = {"paths": ev["paths"], "metadata": ev["metadata"]}
    if "candidates" in ev:
        out["candidates"] = ev["candidates"]
    if getattr(args, "blend", None) or getattr(args, "render", None):
        from ..blender.render import import_and_save

        out["paths"].update(import_and_save(ev, spec, blend=args.blend, render=args.render,
                                            samples=args.samples, size=args.size))
    print(json.dumps(out))
    return 0
