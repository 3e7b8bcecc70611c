"""PNG encoding in row bands, so a caller can check for cancel between bands (a 4096 px texture takes seconds).

Each row uses the PNG "Up" filter (difference to the row above: smooth textures compress well), one zlib stream
fed band by band (RFC 2083 / the PNG specification, 2nd edition: 8-bit greyscale, RGB or RGBA, no interlace).
"""
from __future__ import annotations

import struct
import zlib
from typing import Callable

import numpy as np

_BYTES_PER_BAND = 2 << 20
_COLOR_TYPE = {1: 0, 3: 2, 4: 6}  # channels -> PNG colour type (grey, RGB, RGBA)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode(image: np.ndarray, tick: Callable[[], None] = lambda: None, level: int = 6) -> bytes:
    """UInt8[H, W] or UInt8[H, W, 1|3|4] -> PNG bytes. Deterministic: the same pixels give the same bytes."""
    img = np.asarray(image)
    if img.dtype != np.uint8:
        raise ValueError(f"PNG pixels must be uint8, got {img.dtype}")
    if img.ndim == 2:
        img = img[:, :, None]
    h, w, c = img.shape
    if c not in _COLOR_TYPE or h < 1 or w < 1:
        raise ValueError(f"cannot write a {img.shape} image as PNG")
    z = zlib.compressobj(level)
    parts = []
    band = max(1, _BYTES_PER_BAND // (w * c))
    prev = np.zeros((1, w * c), dtype=np.uint8)
    for r in range(0, h, band):
        rows = img[r:r + band].reshape(-1, w * c)
        above = np.concatenate([prev, rows[:-1]])
        filtered = np.empty((len(rows), w * c + 1), dtype=np.uint8)
        filtered[:, 0] = 2  # filter type Up
        np.subtract(rows, above, out=filtered[:, 1:])  # modulo 256
        parts.append(z.compress(filtered.tobytes()))
        prev = rows[-1:]
        tick()
    parts.append(z.flush())
    ihdr = struct.pack(">IIBBBBB", w, h, 8, _COLOR_TYPE[c], 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
