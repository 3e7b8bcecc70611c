"""The cache of loaded models the pipelines share (cleared by the worker's `release`)."""
from __future__ import annotations

_CACHE: dict[str, object] = {}


def quiet_libraries() -> None:
    """diffusers / transformers report weight loading with progress bars and tables on stderr; in the worker
    that is noise in the log (Conjure reports progress itself)."""
    import diffusers
    import transformers

    diffusers.utils.logging.set_verbosity_error()
    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def cached(key: str, load):
    """The model stored under ``key``, loading it with ``load()`` the first time."""
    if key not in _CACHE:
        quiet_libraries()
        _CACHE[key] = load()
    return _CACHE[key]


def clear_cache() -> None:
    _CACHE.clear()
