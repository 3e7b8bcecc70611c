"""Point-E checkpoints in and out: ``.pt`` state dicts (as OpenAI publishes them) and ``.safetensors``.

Loading never unpickles code (``torch.load(weights_only=True)``) and is strict: every parameter and buffer
must be present with its exact shape and nothing else may be there, or a ``ValueError`` names the first
offending key, so a checkpoint paired with the wrong config fails before it produces noise.
"""
from __future__ import annotations

import os
from typing import Mapping

import torch

from .sdf import CrossAttentionPointCloudSDFModel, build_sdf_model
from .transformer import PointDiffusionTransformer, build_model as build_transformer


def build_model(config: dict, device=None, dtype=None) -> torch.nn.Module:
    """Any Point-E model from its config: a point diffusion transformer, or the SDF model (``sdf.pt``)."""
    if config.get("name") == "CrossAttentionPointCloudSDFModel":
        return build_sdf_model(config, device=device, dtype=dtype)
    return build_transformer(config, device=device, dtype=dtype)


def read_state_dict(path: str) -> dict[str, torch.Tensor]:
    """The tensors stored in a ``.pt`` / ``.pth`` / ``.bin`` (torch) or ``.safetensors`` file, on the CPU."""
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file

        return load_file(path, device="cpu")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # a pickle with code in it, or not a torch file at all
        raise ValueError(f"{path}: not a plain torch state dict ({type(e).__name__}: {e})") from None
    return _as_state_dict(state, path)


def _as_state_dict(state, what: str) -> dict[str, torch.Tensor]:
    if not isinstance(state, Mapping):
        raise ValueError(f"{what}: expected a mapping of parameter names to tensors, got {type(state).__name__}")
    for key, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise ValueError(f"{what}: entry {key!r} is a {type(value).__name__}, not a tensor")
    return dict(state)


def check_state_dict(model: torch.nn.Module, state: Mapping[str, torch.Tensor], what: str = "checkpoint") -> None:
    """Raise ``ValueError`` naming the first missing, unexpected or mis-shaped key of ``state`` for ``model``."""
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    misshaped = [k for k in expected if k in state and tuple(state[k].shape) != expected[k]]
    if not (missing or unexpected or misshaped):
        return
    if missing:
        first = f"missing key {missing[0]!r}"
    elif unexpected:
        first = f"unexpected key {unexpected[0]!r}"
    else:
        k = misshaped[0]
        first = f"key {k!r} has shape {list(state[k].shape)}, the model needs {list(expected[k])}"
    counts = f"{len(missing)} missing, {len(unexpected)} unexpected, {len(misshaped)} mis-shaped"
    raise ValueError(f"{what} does not fit {type(model).__name__}: {first} ({counts}; wrong config?)")


def load_model(source: str | os.PathLike | Mapping[str, torch.Tensor], config: dict, device="cpu",
               dtype: torch.dtype = torch.float32) -> PointDiffusionTransformer | CrossAttentionPointCloudSDFModel:
    """A Point-E model built from ``config`` with the weights of ``source`` (a file path or a state dict),
    on ``device`` in ``dtype``, in eval mode.

    The module tree is built on the meta device and takes the checkpoint's tensors directly, so no memory is
    spent on a random initialisation that would be overwritten.
    """
    # 1. Read the tensors
    if isinstance(source, Mapping):
        what, state = "state dict", _as_state_dict(source, "state dict")
    else:
        what = os.fspath(source)
        state = read_state_dict(what)
    # 2. Build the architecture and compare names and shapes
    model = build_model(config, device="meta")
    check_state_dict(model, state, what)
    # 3. Take the tensors, then move and cast
    model.load_state_dict(state, strict=True, assign=True)
    return model.to(device=device, dtype=dtype).eval().requires_grad_(False)


def save_model(model: torch.nn.Module, path: str | os.PathLike) -> None:
    """Write ``model``'s state dict: safetensors for ``.safetensors`` paths, else ``torch.save`` (a Point-E .pt)."""
    path = os.fspath(path)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    if path.endswith(".safetensors"):
        from safetensors.torch import save_file

        save_file(state, path)
    else:
        torch.save(state, path)
