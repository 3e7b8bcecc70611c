"""One shard in its own headless Blender process (the bpy module):

    python -m backend.dataset.shard SPEC.json SEED START STOP

Prints one JSON line per event on stdout — ``{"event": "frame", "frame": i}`` per frame rendered, then
``{"event": "done", "shard": id}`` — and exits 0; Blender's own console output goes to stderr. Any error exits
non-zero with the message on stderr (the orchestrator retries, then reports it).
"""
from __future__ import annotations

import json
import sys

from .spec import DatasetSpec, Shard


def command(python: str, spec_path: str, shard: Shard) -> list[str]:
    return [python, "-m", "backend.dataset.shard", spec_path, str(shard.seed), str(shard.start), str(shard.stop)]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
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
    sys.exit(main())
