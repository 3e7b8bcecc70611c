"""The parser (every subcommand, every flag with its allowed values and default) and ``main``."""
from __future__ import annotations

import argparse
import sys

from ..jobs import SpecError
from .common import CLIError


def build_parser() -> argparse.ArgumentParser:
    from . import jobs, procgen, refine, selftest

    ap = argparse.ArgumentParser(prog="python -m backend.cli", description="Conjure, headless: the same jobs as "
                                 "the Blender panel. Progress on stderr, the result as one JSON line on stdout.")
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    jobs.add_subcommands(sub)
    procgen.add_subcommands(sub)
    refine.add_subcommand(sub)
    selftest.add_subcommand(sub)
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
        from ..client import WorkerError

        if isinstance(e, (WorkerError, OSError)):
            print(f"error: {e}", file=sys.stderr)
            return 1
        raise
