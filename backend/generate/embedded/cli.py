"""``python -m backend.cli train --data FOLDER [--out DIR] [--steps N]``: fine-tune the embedded model on a folder
of GLB / OBJ files with captions.csv; prints one JSON object (the model folder, what was skipped and why)."""
from __future__ import annotations

import json
import os
import sys


def default_out(data: str) -> str:
    from ..store import conjure_dir

    return os.path.join(conjure_dir(), "embedded", os.path.basename(os.path.normpath(data)) or "model")


def cmd_train(args) -> int:
    from .userdata import DataError, finetune

    out = os.path.abspath(os.path.expanduser(args.out or default_out(args.data)))
    log = (lambda s: None) if getattr(args, "quiet", False) else (lambda s: print(s, file=sys.stderr))
    try:
        report = finetune(os.path.abspath(os.path.expanduser(args.data)), out, init=args.init, steps=args.steps,
                          seed=args.seed, log=log)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps({"model": out, "skipped": report["skipped"], "seconds": round(report["seconds"], 1),
                      "use": f"set the Model field (or --model) to {out} with the embedded pipeline"}))
    return 0
