"""PLY point clouds, the one reader and writer (numpy only, so Blender's Python can use it too).

Hand-written because neither Blender's Python nor the worker needs more than a vertex element with colours,
and this reader runs in Blender where trimesh is not installed.
"""
from __future__ import annotations

import numpy as np

from ..files import atomic_write

_PLY_TYPES = {"char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1", "short": "i2", "int16": "i2",
              "ushort": "u2", "uint16": "u2", "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
              "float": "f4", "float32": "f4", "double": "f8", "float64": "f8"}


# Not trimesh's PLY export: it always adds an alpha property and its own comment line.
def ply_bytes(xyz, rgb) -> bytes:
    """The bytes of a binary little-endian PLY of the cloud (float x, y, z; uchar red, green, blue), exactly as
    Point-E's ``write_ply`` writes them: the same header, and colour bytes ``round_half_even(rgb * 255.499)``
    computed in float32 (so a colour k/255 gives back k, and 0.998 gives 255).
    ``rgb`` is Float[N, 3] in 0..1 as it should appear in the file (sRGB, the PLY convention); see backend/color.py."""
    xyz = np.asarray(xyz, dtype=np.float64)
    rgb = np.asarray(rgb, dtype=np.float32)
    if xyz.ndim != 2 or xyz.shape[1] != 3 or rgb.shape != xyz.shape:
        raise ValueError(f"rgb must be [N, 3] like xyz, got positions {xyz.shape} and colours {rgb.shape}")
    if not (np.isfinite(xyz).all() and np.isfinite(rgb).all()):
        raise ValueError("the cloud's positions or colours are not finite")
    if len(rgb) and (rgb.min() < 0.0 or rgb.max() > 1.0):
        raise ValueError("colours must be in 0..1")
    data = np.empty(len(xyz), dtype=[("x", "<f4"), ("y", "<f4"), ("z", "<f4"),
                                     ("red", "u1"), ("green", "u1"), ("blue", "u1")])
    for i, name in enumerate("xyz"):
        data[name] = xyz[:, i]
    for i, name in enumerate(("red", "green", "blue")):
        # Point-E (point_e/util/ply_util.py): float32 product with 255.499, numpy's round (half to even)
        data[name] = np.round(rgb[:, i] * np.float32(255.499)).astype(np.uint8)
    header = ("ply\nformat binary_little_endian 1.0\n"
              f"element vertex {len(xyz)}\n"
              "property float x\nproperty float y\nproperty float z\n"
              "property uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n")
    return header.encode("ascii") + data.tobytes()


def write_ply(path: str, xyz, rgb) -> None:
    """``ply_bytes(xyz, rgb)`` written atomically to ``path``."""
    atomic_write(path, ply_bytes(xyz, rgb))


def read_ply(path: str) -> tuple[np.ndarray, np.ndarray]:
    """(Float64[N, 3] xyz, Float64[N, 3] rgb in 0..1) from a binary little-endian PLY whose first element
    is the vertices with scalar x, y, z and uchar red, green, blue properties (as ``write_ply`` writes)."""
    with open(path, "rb") as f:
        raw = f.read()
    end = raw.find(b"end_header\n")
    if not raw.startswith(b"ply\n") or end < 0:
        raise ValueError(f"{path} is not a PLY file")
    count, fields = None, []
    for line in raw[:end].decode("ascii", errors="replace").splitlines()[1:]:
        words = line.split()
        if not words or words[0] in ("comment", "obj_info"):
            continue
        if words[0] == "format" and words[1:2] != ["binary_little_endian"]:
            raise ValueError(f"{path}: only binary little-endian PLY is read here, not {' '.join(words[1:])}")
        if words[0] == "element":
            if count is not None:
                break  # only the first element (the vertices) is read
            if words[1] != "vertex":
                raise ValueError(f"{path}: the first element must be 'vertex', got {words[1]!r}")
            count = int(words[2])
        if words[0] == "property":
            if words[1] == "list" or words[1] not in _PLY_TYPES:
                raise ValueError(f"{path}: unsupported vertex property {' '.join(words[1:])!r}")
            fields.append((words[2], "<" + _PLY_TYPES[words[1]]))
    names = [n for n, _ in fields]
    missing = [n for n in ("x", "y", "z", "red", "green", "blue") if n not in names]
    if count is None or missing:
        raise ValueError(f"{path}: no vertex element with {', '.join(missing or ['x, y, z'])}")
    dtype = np.dtype(fields)
    body = raw[end + len(b"end_header\n"):]
    if len(body) < count * dtype.itemsize:
        raise ValueError(f"{path} is truncated: {count} vertices need {count * dtype.itemsize} bytes")
    data = np.frombuffer(body, dtype=dtype, count=count)
    if any(dtype[n] != np.uint8 for n in ("red", "green", "blue")):
        raise ValueError(f"{path}: red, green and blue must be uchar")
    xyz = np.stack([data[n].astype(np.float64) for n in "xyz"], axis=1)
    rgb = np.stack([data[n].astype(np.float64) for n in ("red", "green", "blue")], axis=1)
    return xyz, rgb / 255.0

