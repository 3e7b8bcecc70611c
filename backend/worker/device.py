"""Choosing the torch device for model jobs: auto / cuda / mps / cpu (torch is imported lazily)."""
from __future__ import annotations


class DeviceError(RuntimeError):
    """The requested device is not available in this worker."""


def resolve_device(preference: str) -> str:
    """The device to use for ``preference``: auto picks CUDA, then Apple MPS, then the CPU."""
    if preference not in ("auto", "cuda", "mps", "cpu"):
        raise DeviceError(f"unknown device {preference!r} (use auto, cuda, mps or cpu)")
    if preference == "cpu":
        return "cpu"
    try:
        import torch
    except ImportError:
        if preference == "auto":
            return "cpu"
        raise DeviceError(f"device {preference} needs torch in the worker's Python") from None
    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if preference == "cuda" and not cuda:
        raise DeviceError("device cuda was asked for, but this worker's torch sees no CUDA GPU "
                          f"(torch {torch.__version__}); choose auto or cpu")
    if preference == "mps" and not mps:
        raise DeviceError("device mps was asked for, but Apple's Metal backend is not available here")
    if preference == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    return preference


def describe(device: str) -> dict:
    """Name and memory of a resolved device (for the status event)."""
    if device == "cuda":
        import torch
        props = torch.cuda.get_device_properties(0)
        return {"device": "cuda", "name": props.name, "total_bytes": props.total_memory,
                "allocated_bytes": torch.cuda.memory_allocated(0)}
    return {"device": device}
