"""Pipelines registered by name, and the cache of loaded models they share."""
from __future__ import annotations

_CACHE: dict[str, object] = {}


def cached(key: str, load):
    """The model stored under ``key``, loading it with ``load()`` the first time."""
    if key not in _CACHE:
        _CACHE[key] = load()
    return _CACHE[key]


def clear_cache() -> None:
    _CACHE.clear()
