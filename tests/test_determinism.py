"""Same seed, same bytes across x86-64 machines: OpenBLAS's kernel is pinned before numpy loads it (an AVX-512
Cooper Lake machine rounded N x 3 @ 3 x 3 products differently and moved editions 1 and 2's pinned digests)."""
import json
import os
import subprocess
import sys

from backend.determinism import CORETYPE, _cpu_flags

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBE = ("import json, numpy as np; from threadpoolctl import threadpool_info; "
         "print(json.dumps([i.get('architecture') for i in threadpool_info() if i.get('internal_api') == 'openblas']))")


def _fresh(code, **env):
    clean = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
                         timeout=120, check=True)
    return out.stdout.strip().splitlines()


def test_the_cli_and_worker_entry_points_pin_the_kernel_before_numpy_loads():
    pinned = {"avx2", "fma"} <= _cpu_flags()
    lines = _fresh("from backend.determinism import pin_blas; print(pin_blas()); " + PROBE)
    assert lines[0] == str(pinned)
    if pinned:
        assert json.loads(lines[1]) == [CORETYPE]


def test_nothing_is_pinned_once_numpy_is_loaded_or_when_the_user_chose():
    assert _fresh("import numpy; from backend.determinism import pin_blas; print(pin_blas())") == ["False"]
    assert _fresh("from backend.determinism import pin_blas; print(pin_blas())", OPENBLAS_CORETYPE="Zen") == ["False"]


def test_the_worker_and_cli_modules_pin_it_when_started():
    for mod in ("backend.worker", "backend.cli"):
        lines = _fresh(f"import runpy, sys; sys.argv = ['x', '--help']\n"
                       f"try:\n    runpy.run_module('{mod}', run_name='__main__')\nexcept SystemExit:\n    pass\n"
                       f"import os; print('PIN', os.environ.get('OPENBLAS_CORETYPE'))")
        assert lines[-1] == f"PIN {CORETYPE if {'avx2', 'fma'} <= _cpu_flags() else None}", mod
