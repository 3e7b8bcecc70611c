"""Run Conjure's CLI inside Blender: ``blender -b --python batch.py -- run spec.json --blend out.blend``.

Arguments after ``--`` are the same as ``python -m backend.cli``.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from backend.cli import main  # noqa: E402

if __name__ == "__main__":
    code = main(sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else [])
    if code:
        sys.exit(code)
