"""Headless entry point: the same job specs as the panel, from a JSON/TOML file or flags.

    python -m backend.cli run spec.json [--out DIR] [--blend out.blend] [--render out.png]
    python -m backend.cli run --preset snowman --seed 3 --out out/
    python -m backend.cli generate "a red armchair" --steps 64 --candidates 2 --out out/ --blend out/chair.blend
    python -m backend.cli generate --image photo.png --pipeline shap-e --out out/
    python -m backend.cli cutout photo.png --out out/        # the foreground mask, to check or paint over
    python -m backend.cli asset chair 7 --param seat_height=0.45 --out out/chair --render out/chair.png
    python -m backend.cli scene --type room --seed 3 --out out/room --render out/room.png
    python -m backend.cli demo                      # the README's `make demo`
    python -m backend.cli validate spec.toml
    python -m backend.cli selftest                  # checks a worker environment end to end
    blender -b --python batch.py -- run spec.json   # the same, inside Blender

Progress goes to stderr (tqdm: rate and ETA), the result (one JSON object) is the last line on stdout. Exit codes:
0 done, 1 the job failed, 2 bad input, 130 interrupted (the job is cancelled and the worker stopped).
"""
from .app import build_parser, main

__all__ = ("build_parser", "main")
