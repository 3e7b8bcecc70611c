"""Run a snippet in the Blender 5.0 module venv (`.venv-bpy50`, made by the Makefile): the tests that check code
also builds under the newer Blender."""
import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_in_blender5(code: str, timeout: int = 300):
    """Run ``code`` with the repo as working directory; its last printed line is JSON, returned decoded. Skips the
    test where the venv is missing."""
    py = os.path.join(ROOT, ".venv-bpy50", "bin", "python")
    if not os.path.exists(py):
        pytest.skip("no .venv-bpy50")
    out = subprocess.run([py, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])
