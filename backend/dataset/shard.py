"""One shard in its own headless Blender process: the bpy module, or Blender's own binary::

    python -m backend.dataset.shard SPEC.json SEED START STOP
    blender -b --factory-startup --python-exit-code 1 --python-expr "<put the repository and the wheels on
        sys.path; run this module>" -- SPEC.json SEED START STOP

Prints one JSON line per event on stdout — ``{"event": "frame", "frame": i}`` per frame rendered, then
``{"event": "done", "shard": id}`` — and exits 0; Blender's own console output goes to stderr. Any error exits
non-zero with the message on stderr (the orchestrator retries, then reports it).
"""
from __future__ import annotations

import json
import os
import sys

from .spec import DatasetSpec, Shard

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def command(python: str, spec_path: str, shard: Shard, *, blender: str = "", paths=()) -> list[str]:
    """The shard's command line. With ``blender`` (a Blender binary) the shard runs in that Blender, headless,
    with factory settings (never the user's startup file or add-ons); Blender ignores PYTHONPATH, so the
    repository and ``paths`` (e.g. the extension's wheels) are put on ``sys.path`` by the ``--python-expr``.
    Without it, ``python`` must have the bpy module."""
    args = [spec_path, str(shard.seed), str(shard.start), str(shard.stop)]
    if not blender:
        return [python, "-m", "backend.dataset.shard", *args]
    boot = (f"import runpy, sys; sys.path[:0] = {[ROOT, *paths]!r}; "
            "runpy.run_module('backend.dataset.shard', run_name='__main__')")
    return [blender, "-b", "--factory-startup", "--python-exit-code", "1", "--python-expr", boot, "--", *args]


def main(argv=None) -> int:
    if argv is None:  # Blender's binary passes the script's arguments after "--"
        argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        spec = DatasetSpec.from_json(json.load(f))
    shard = Shard(int(argv[1]), int(argv[2]), int(argv[3]))
    from ..blender.dataset import render_shard  # needs bpy

    def progress(frame):
        print(json.dumps({"event": "frame", "frame": frame}), flush=True)

    render_shard(spec, shard, progress)
    print(json.dumps({"event": "done", "shard": shard.id}), flush=True)
    return 0


if __name__ == "__main__":
    code = main()
    # Everything is written (atomically) and reported. Leave without Blender's static destructors: bpy 4.5's
    # exit can hang for ever in one (a GlobalState waiting on its delayed_close_thread, seen after renders).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
