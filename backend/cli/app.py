"""The parser (every subcommand, every flag with its allowed values and default) and ``main``."""
from __future__ import annotations

import argparse
import sys

from ..jobs import SpecError
from .common import CLIError


# Subcommand modules, each with ``add_subcommands(sub)``; imported here so the parser is one place to read.
SUBCOMMANDS = ("jobs", "procgen", "edit", "dataset", "refine", "train", "selftest")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    ap = argparse.ArgumentParser(prog="python -m backend.cli", description="Conjure, headless: the same jobs as "
                                 "the Blender panel. Progress on stderr, the result as one JSON line on stdout.")
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            importlib.import_module(f".{name}", __package__).add_subcommands(sub)
        except ImportError as e:  # a Python without the worker's packages still gets `selftest`, which says why
            if name == "selftest":
                raise
            print(f"warning: the {name} subcommands are unavailable ({e}); run `selftest`", file=sys.stderr)
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
