"""``python -m backend.worker serve [--host H] [--port P] [--device D]``

The token comes from the environment variable CONJURE_WORKER_TOKEN, or --token-file; with neither, a
fresh one is made and printed. When ready the worker prints one line to stdout:
``CONJURE_WORKER_READY {"host": ..., "port": ..., "pid": ...}``.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import sys

from ..determinism import pin_blas

pin_blas()  # before anything imports numpy

from ..files import read_token_file
from ..jobs import DEVICES
from . import scratch
from .server import HISTORY, WorkerServer

READY = "CONJURE_WORKER_READY"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m backend.worker", description="Conjure's worker process")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="serve jobs over TCP (newline-delimited JSON)")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    s.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    s.add_argument("--device", choices=tuple(DEVICES), default="auto")
    s.add_argument("--token-file", help="file holding the token clients must present")
    s.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    s.add_argument("--history", type=int, default=HISTORY,
                   help=f"finished jobs remembered for status (default {HISTORY})")
    args = ap.parse_args(argv)
    # The log (stderr; a file when Blender or the CLI started us) holds what clients are not sent: tracebacks,
    # dropped connections, accept errors.
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)s conjure.worker[%(process)d]: %(message)s")
    token = os.environ.get("CONJURE_WORKER_TOKEN", "")
    if args.token_file:
        try:
            token, warning = read_token_file(args.token_file)
        except (OSError, ValueError) as e:
            print(f"error: cannot read token file: {e}", file=sys.stderr)
            return 2
        if warning:
            print(f"warning: {warning}", file=sys.stderr, flush=True)
    if not token:
        token = secrets.token_urlsafe(24)
        print(f"token: {token}", file=sys.stderr, flush=True)
    try:
        server = WorkerServer(args.host, args.port, token, device=args.device, parent_pid=args.parent_pid,
                              history=args.history)
    except OSError as e:
        print(f"error: cannot listen on {args.host}:{args.port}: {e.strerror}", file=sys.stderr)
        return 2
    try:  # clean after killed workers; our temporary files go to a private folder removed at exit
        scratch.init()
    except OSError as e:
        print(f"error: cannot use the worker's folder: {e}", file=sys.stderr)
        return 2
    host, port = server.address
    print(READY, json.dumps({"host": host, "port": port, "pid": os.getpid()}), flush=True)
    try:
        server.serve_forever()
    finally:
        scratch.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
