"""Where models come from: the hub cache (downloaded with progress), or a folder the user picked.

Settings come from the worker's environment, which the Blender preferences (or the CLI flags) set:

- ``CONJURE_MODEL_DIR``  the hub cache folder (default: huggingface_hub's own cache, shared with other tools)
- ``CONJURE_OFFLINE`` / ``HF_HUB_OFFLINE``  never touch the network; a model that is not on disk is an error

Every model is resolved *before* any work starts, so a missing model fails at once with a message that says what
to download and where it would go.
"""
from __future__ import annotations

import io
import os
from typing import Callable

POINT_E_URL = "https://openaipublic.azureedge.net/main/point-e/"
# Point-E's published checkpoints (not on the hub): file name -> what it is.
POINT_E_CHECKPOINTS = {"base40M-textvec": "base_40m_textvec.pt", "base40M-imagevec": "base_40m_imagevec.pt",
                       "base40M": "base_40m.pt", "base300M": "base_300m.pt", "base1B": "base_1b.pt",
                       "upsample": "upsample_40m.pt", "sdf": "sdf.pt"}


class ModelMissing(RuntimeError):
    """A model is not on disk and cannot (or may not) be downloaded. The message says what to do."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def offline() -> bool:
    return _truthy(os.environ.get("CONJURE_OFFLINE")) or _truthy(os.environ.get("HF_HUB_OFFLINE"))


def cache_dir() -> str:
    """The hub cache folder models are read from and downloaded to."""
    configured = os.environ.get("CONJURE_MODEL_DIR", "").strip()
    if configured:
        return os.path.abspath(os.path.expanduser(configured))
    from huggingface_hub import constants

    return constants.HF_HUB_CACHE


def conjure_dir() -> str:
    """Conjure's own model files (Point-E checkpoints): ``<model dir>/point-e`` or ``~/.cache/conjure``."""
    configured = os.environ.get("CONJURE_MODEL_DIR", "").strip()
    if configured:
        return os.path.abspath(os.path.expanduser(configured))
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "conjure")


def _progress_class(repo_id: str, report: Callable[[dict], None]):
    """A tqdm class for ``snapshot_download`` that turns its byte counter into ``report`` calls (no terminal output)."""
    from tqdm.std import tqdm

    class _Report(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["file"] = io.StringIO()
            kwargs["disable"] = False
            super().__init__(*args, **kwargs)
            self._last = -1.0

        def update(self, n=1):
            out = super().update(n)
            if self.unit == "B" and self.n != self._last:
                self._last = self.n
                report({"repo": repo_id, "done": int(self.n), "total": int(self.total or 0)})
            return out

    return _Report


def resolve(ref: str, *, report: Callable[[dict], None] | None = None, allow_patterns=None,
            local_only: bool = False) -> str:
    """A local folder holding model ``ref`` (a hub repo id, or an absolute folder/file path that must exist).
    ``local_only``: never download, even when online (optional helpers such as Segment-Anything)."""
    if os.path.isabs(ref):
        if not os.path.exists(ref):
            raise ModelMissing(f"model folder {ref} does not exist")
        return ref
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (GatedRepoError, LocalEntryNotFoundError, RepositoryNotFoundError,
                                        RevisionNotFoundError)

    cache = cache_dir()
    where = os.path.join(cache, "models--" + ref.replace("/", "--"))
    kwargs = dict(cache_dir=cache, allow_patterns=allow_patterns)
    try:
        if offline() or local_only:
            return snapshot_download(ref, local_files_only=True, **kwargs)
        try:  # already downloaded: no network round trip at all
            return snapshot_download(ref, local_files_only=True, **kwargs)
        except LocalEntryNotFoundError:
            pass
        tqdm_class = _progress_class(ref, report) if report else None
        return snapshot_download(ref, tqdm_class=tqdm_class, **kwargs)
    except LocalEntryNotFoundError:
        if local_only and not offline():
            raise ModelMissing(f"model {ref} is not downloaded; it would go in {where}") from None
        if offline():
            raise ModelMissing(
                f"model {ref} is not downloaded and Conjure is offline. Turn on 'Allow downloads' in the add-on "
                f"preferences (or unset HF_HUB_OFFLINE), or download it yourself with "
                f"`hf download {ref} --cache-dir {cache}`; it goes in {where}") from None
        raise ModelMissing(f"model {ref} could not be downloaded (the hub is unreachable?); it would go in "
                           f"{where}") from None
    except GatedRepoError:
        raise ModelMissing(f"model {ref} needs you to accept its licence on huggingface.co and log in "
                           f"(`hf auth login`)") from None
    except RepositoryNotFoundError:
        raise ModelMissing(f"there is no model {ref} on the hub (check the name)") from None
    except RevisionNotFoundError as e:
        raise ModelMissing(f"model {ref}: {e}") from None
    except OSError as e:  # network errors surface as OSError subclasses (requests / httpx)
        raise ModelMissing(f"model {ref} could not be downloaded ({e}); it would go in {where}") from None


def resolve_point_e(ref: str, name: str = "base40M-textvec") -> str:
    """Path of a Point-E checkpoint: ``ref`` if it is a file, ``<ref>/<name>.pt`` if a folder, else the default."""
    folder = conjure_dir() if ref == "" else ref
    if os.path.isfile(folder):
        return folder
    for candidate in (f"{name}.pt", f"{name}.safetensors", POINT_E_CHECKPOINTS.get(name, "")):
        path = os.path.join(folder, "point-e", candidate) if ref == "" else os.path.join(folder, candidate)
        if candidate and os.path.isfile(path):
            return path
    target = os.path.join(conjure_dir(), "point-e", f"{name}.pt") if ref == "" else os.path.join(ref, f"{name}.pt")
    raise ModelMissing(
        f"the Point-E checkpoint {name} is not on disk. Point-E's weights are not on the hub: download "
        f"{POINT_E_URL}{POINT_E_CHECKPOINTS.get(name, name + '.pt')} and save it as {target}")
