"""Shared bits for the benchmark scripts (each script prints one JSON object on its last line)."""
import json
import os
import platform
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
VENV_PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
WORKER_PYTHON = os.environ.get("CONJURE_WORKER_PYTHON") or (VENV_PYTHON if os.path.exists(VENV_PYTHON)
                                                             else sys.executable)


def machine() -> str:
    return f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}"


def summary(xs) -> dict:
    xs = sorted(xs)
    return {"median": round(statistics.median(xs), 5), "p95": round(xs[int(0.95 * (len(xs) - 1))], 5),
            "max": round(xs[-1], 5), "n": len(xs)}


def emit(obj: dict) -> None:
    obj.setdefault("machine", machine())
    print(json.dumps(obj))
