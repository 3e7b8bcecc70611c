"""A loss curve as a PNG, drawn with Pillow (the worker has no plotting library)."""
from __future__ import annotations

import numpy as np


def curve_png(series: dict[str, list[float]], title: str, *, log: bool = False, size=(640, 360)) -> bytes:
    """Lines for each named series (steps on x), with a smoothed copy of noisy ones; PNG bytes."""
    from PIL import Image, ImageDraw

    from ..mesh.asset import png_bytes

    w, h = size
    left, right, top, bottom = 64, 16, 28, 36
    img = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(img)
    colours = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189)]
    values = [np.asarray(v, dtype=np.float64) for v in series.values() if len(v)]
    allv = np.concatenate(values) if values else np.zeros(1)
    allv = allv[np.isfinite(allv)]
    if log:
        allv = np.log10(np.maximum(allv, 1e-12))
    lo, hi = (float(allv.min()), float(allv.max())) if len(allv) else (0.0, 1.0)
    if hi - lo < 1e-12:
        hi = lo + 1.0
    n = max((len(v) for v in series.values()), default=1)

    def xy(i, v):
        v = np.log10(max(v, 1e-12)) if log else v
        return (left + (w - left - right) * i / max(n - 1, 1), top + (h - top - bottom) * (1 - (v - lo) / (hi - lo)))

    d.rectangle([left, top, w - right, h - bottom], outline=(0, 0, 0))
    d.text((left, 6), title, fill=(0, 0, 0))
    for frac in (0.0, 0.5, 1.0):
        val = lo + (hi - lo) * frac
        label = f"1e{val:.1f}" if log else f"{val:.3g}"
        d.text((4, top + (h - top - bottom) * (1 - frac) - 6), label, fill=(0, 0, 0))
    d.text((left, h - bottom + 6), "step 1", fill=(0, 0, 0))
    d.text((w - right - 60, h - bottom + 6), f"step {n}", fill=(0, 0, 0))
    for k, (name, v) in enumerate(series.items()):
        v = np.asarray(v, dtype=np.float64)
        if len(v) == 0:
            continue
        col = colours[k % len(colours)]
        if len(v) > 20:  # noisy: a faint raw line and a moving average
            faint = tuple(int(c + (255 - c) * 0.7) for c in col)
            d.line([xy(i, x) for i, x in enumerate(v)], fill=faint, width=1)
            win = max(len(v) // 20, 2)
            v = np.convolve(v, np.ones(win) / win, mode="valid")
            pts = [xy(i + win - 1, x) for i, x in enumerate(v)]
        else:
            pts = [xy(i, x) for i, x in enumerate(v)]
        if len(pts) > 1:
            d.line(pts, fill=col, width=2)
        d.text((left + 200, top + 6 + 14 * k), name, fill=col)
    return png_bytes(np.asarray(img))
