"""Tiny real models in the hub's layout, for tests (the builders live in backend.generate.tiny)."""
from backend.generate.tiny import build_model_dir  # noqa: F401
