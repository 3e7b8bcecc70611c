"""Foreground cut-out for image-to-3D: the object alone, and a mask the user can see and fix.

Image-conditioned generators (Point-E / Shap-E image models, CLIP image encoders) expect one object on a
plain background. ``cut_foreground`` picks the mask from the best source there is, in this order:

1. a mask the user gave (white = keep), e.g. ours after they painted over it;
2. the image's own alpha channel, when it actually separates something;
3. Segment Anything (Kirillov et al. 2023, arXiv 2304.02643) through transformers' ``SamModel``, prompted with
   a centred box and the centre point, when a model folder is given (``facebook/sam-vit-base``);
4. a classical cut: distance from a background colour model fitted to the image border, Otsu's threshold,
   morphological clean-up, the largest component near the centre, holes filled.

``compose_on_background`` then centres the object on a square plain background, and ``save_mask`` writes the
mask where the user can edit it. torch and transformers are imported only on the Segment Anything path.
"""
from __future__ import annotations

import importlib.util
import io
import json
import logging
import os
from typing import Callable

import numpy as np
from PIL import Image, ImageOps

from ..files import atomic_write

log = logging.getLogger(__name__)

MIN_SIDE, MAX_SIDE = 32, 8192
"""accepted image sides in pixels"""
MIN_COVERAGE, MAX_COVERAGE = 0.005, 0.98
"""a usable mask covers more than 0.5% of the image and less than 98% of it"""
SAM_REPO = "facebook/sam-vit-base"
"""the Segment Anything checkpoint to download for the SAM path"""
METHODS = ("auto", "sam", "classical")

_WORK_SIDE = 512  # the classical cut runs at most this many pixels on the long side, then scales the mask up


def _noop() -> None:
    return None


def load_image(path) -> Image.Image:
    """The image at ``path`` as RGB, or RGBA when it has transparency, turned upright per its EXIF tag.

    Raises ValueError for a missing file, something Pillow cannot read, or sides outside 32..8192 pixels
    (checked from the header, before the pixels are decoded)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"no image file at {path}")
    try:
        with Image.open(path) as image:
            _check_size(image.size, f"the image {os.path.basename(path)}")
            image.load()
            upright = ImageOps.exif_transpose(image)
            return upright.convert("RGBA" if _has_alpha(upright) else "RGB")
    except (OSError, SyntaxError, Image.DecompressionBombError) as e:  # SyntaxError: some corrupt files
        raise ValueError(f"{path} is not an image that can be read ({e})") from None


def _check_size(size: tuple[int, int], what: str) -> None:
    w, h = size
    if min(w, h) < MIN_SIDE:
        raise ValueError(f"{what} is too small ({w}x{h} pixels); give at least {MIN_SIDE} pixels on each side")
    if max(w, h) > MAX_SIDE:
        raise ValueError(f"{what} is too large ({w}x{h} pixels); scale it to at most {MAX_SIDE} pixels a side")


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def cut_foreground(image, *, method: str = "auto", sam_model_dir: str | None = None, mask=None,
                   check: Callable[[], None] = _noop, device: str = "cpu",
                   ) -> tuple[Image.Image, np.ndarray, str]:
    """Cut the object out of ``image`` (a PIL image or a path).

    method: "auto" uses Segment Anything when ``sam_model_dir`` holds it and the classical cut otherwise;
    "sam" insists on Segment Anything; "classical" never loads a model. A user ``mask`` (PIL image in L, RGB
    or RGBA, Bool/UInt8/Float[H, W] array or path; white = keep; resized to the image if the aspect matches)
    and then a real alpha channel take precedence over any method. ``check`` is called between steps (a job's
    cancellation point); ``device`` is the torch device for Segment Anything.

    Returns (the RGBA image with the background transparent, Bool[H, W] mask, the source used: "mask",
    "alpha", "sam" or "classical"). Raises ValueError when there is no foreground or no background."""
    # 1. Check inputs
    if method not in METHODS:
        raise ValueError(f"unknown foreground method {method!r}; use one of {', '.join(METHODS)}")
    if not isinstance(image, Image.Image):
        image = load_image(image)
    _check_size(image.size, "the image")
    has_alpha = _has_alpha(image)
    rgba = image.convert("RGBA")
    rgb = rgba.convert("RGB")
    alpha = np.asarray(rgba.getchannel("A"))
    check()

    # 2. Choose the mask
    if mask is not None:
        fg, used = _user_mask(mask, image.size), "mask"
    elif has_alpha and _alpha_separates(alpha):
        fg, used = alpha > 127, "alpha"
    else:
        problem = None if method == "classical" else sam_problem(sam_model_dir)
        if method != "classical" and problem is None:
            fg, used = segment_with_sam(rgb, sam_model_dir, device=device), "sam"
        else:
            if method == "sam":
                raise ValueError(f"Segment Anything is not available: {problem}. Download {SAM_REPO} (for example "
                                 f"`hf download {SAM_REPO} --local-dir <folder>`) and give that folder, or "
                                 "use the classical method")
            if sam_model_dir is not None and problem is not None:
                log.warning("not using Segment Anything (%s); cutting the foreground the classical way", problem)
            fg, used = classical_mask(rgb, check=check), "classical"
    check()

    # 3. A mask that leaves nothing, or nothing out, is an error, not a result
    coverage = float(fg.mean())
    if coverage < MIN_COVERAGE:
        raise ValueError(f"the image has no foreground: the {used} mask covers {coverage:.2%} of it (at least "
                         f"{MIN_COVERAGE:.1%} is needed). Use a picture of one object, or draw a mask")
    if coverage > MAX_COVERAGE:
        raise ValueError(f"the {used} mask covers {coverage:.1%} of the image, so there is no background to cut "
                         "away. Hint: leave some plain background around the object, use an image with "
                         "transparency, or draw a mask")

    # 4. The background made transparent (an alpha channel the mask came from keeps its soft edges)
    out_alpha = alpha if used == "alpha" else np.where(fg, 255, 0).astype(np.uint8)
    out = rgb.copy()
    out.putalpha(Image.fromarray(out_alpha))
    return out, fg, used


def _alpha_separates(alpha: np.ndarray) -> bool:
    """Whether an alpha channel is a cut-out: some pixels opaque, and at least 2% transparent. A fully
    transparent or (nearly) fully opaque channel says nothing about the object, so it is ignored."""
    transparent = float((alpha <= 127).mean())
    return transparent >= 1.0 - MAX_COVERAGE and transparent < 1.0


def _user_mask(mask, size: tuple[int, int]) -> np.ndarray:
    """Bool[H, W] from a user's mask (white = keep; a transparent pixel counts as black)."""
    if isinstance(mask, np.ndarray):
        if mask.ndim != 2:
            raise ValueError(f"a mask array must be [H, W], got shape {mask.shape}")
        if mask.dtype == bool:
            mask = mask.astype(np.uint8) * 255
        elif np.issubdtype(mask.dtype, np.floating):
            mask = np.round(np.clip(np.nan_to_num(mask), 0.0, 1.0) * 255.0).astype(np.uint8)
        elif mask.dtype != np.uint8:
            raise ValueError(f"a mask array must be bool, uint8 (0..255) or float (0..1), not {mask.dtype}")
        mask = Image.fromarray(mask)
    elif not isinstance(mask, Image.Image):
        path = os.fspath(mask)
        if not os.path.isfile(path):
            raise ValueError(f"no mask file at {path}")
        try:
            with Image.open(path) as opened:
                mask = opened.copy()
        except (OSError, SyntaxError, Image.DecompressionBombError) as e:
            raise ValueError(f"{path} is not a mask image that can be read ({e})") from None
    if _has_alpha(mask):
        rgba = mask.convert("RGBA")
        grey = np.asarray(rgba.convert("L"), dtype=np.float32) * (np.asarray(rgba.getchannel("A")) / 255.0)
        mask = Image.fromarray(np.round(grey).astype(np.uint8))
    else:
        mask = mask.convert("L")
    if mask.size != size:
        (mw, mh), (w, h) = mask.size, size
        if abs(mw / mh - w / h) > 0.02 * (w / h):
            raise ValueError(f"the mask is {mw}x{mh} pixels but the image is {w}x{h}; they must have the same shape")
        mask = mask.resize(size, Image.BILINEAR)
    return np.asarray(mask) > 127


def sam_problem(model_dir) -> str | None:
    """Why ``model_dir`` cannot serve as a Segment Anything model, or None when it can."""
    if model_dir is None:
        return "no model folder was given"
    model_dir = os.fspath(model_dir)
    if not os.path.isdir(model_dir):
        return f"{model_dir} is not a folder"
    config = os.path.join(model_dir, "config.json")
    if not os.path.isfile(config):
        return f"{model_dir} has no config.json (not a transformers model folder)"
    try:
        with open(config, encoding="utf-8") as f:
            model_type = json.load(f).get("model_type")
    except (OSError, ValueError, AttributeError) as e:
        return f"{config} cannot be read ({e})"
    if model_type != "sam":
        return f"{model_dir} holds a {model_type!r} model, not Segment Anything ('sam')"
    names = set(os.listdir(model_dir))
    if not names & {"model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"}:
        return f"{model_dir} has no weights (model.safetensors)"
    if not names & {"preprocessor_config.json", "processor_config.json"}:
        return f"{model_dir} has no preprocessor_config.json"
    missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
    if missing:
        return f"this Python lacks {' and '.join(missing)}"
    return None


def segment_with_sam(image: Image.Image, model_dir: str, *, device: str = "cpu") -> np.ndarray:
    """Bool[H, W]: Segment Anything's best mask for the object in the middle of an RGB ``image``.

    Prompted with a box inset 2% from the edges plus a foreground point at the centre; of the three masks SAM
    proposes, the one with the highest predicted IoU wins. The model stays loaded (``model_cache.cached``).
    transformers' Pillow-backed SAM image processor is used where torchvision is absent."""
    import torch
    from transformers import SamModel, SamProcessor

    from .model_cache import cached

    def load():
        model = SamModel.from_pretrained(model_dir, local_files_only=True).to(device).eval()
        return model, SamProcessor.from_pretrained(model_dir, local_files_only=True)

    model, processor = cached(f"sam:{os.path.realpath(model_dir)}:{device}", load)
    w, h = image.size
    box = [0.02 * w, 0.02 * h, 0.98 * w, 0.98 * h]
    inputs = processor(images=image.convert("RGB"), input_boxes=[[box]], input_points=[[[[w / 2, h / 2]]]],
                       input_labels=[[[1]]], return_tensors="pt")
    with torch.inference_mode():
        out = model(**{k: v.to(device) for k, v in inputs.items() if k in
                       ("pixel_values", "input_boxes", "input_points", "input_labels")},
                    multimask_output=True)
    masks = processor.image_processor.post_process_masks(out.pred_masks.cpu(), inputs["original_sizes"],
                                                        inputs["reshaped_input_sizes"])[0]  # 1 x 3 x H x W
    best = int(torch.argmax(out.iou_scores[0, 0]))
    return masks[0, best].numpy().astype(bool)


def classical_mask(image: Image.Image, *, check: Callable[[], None] = _noop) -> np.ndarray:
    """Bool[H, W] foreground of an RGB ``image`` of one object on a plain (possibly shaded) background.

    1. fit a quadratic colour ramp to the border pixels (twice, dropping what the object covers there)
    2. threshold the colour distance from that ramp (Otsu, with a floor so noise alone is no object)
    3. open then close (a radius of 0.5% of the image), keep the largest component reaching the central
       half of the image (the largest of all if none does), fill its holes; scale back up
    """
    from scipy import ndimage
    from skimage.filters import threshold_otsu
    from skimage.measure import label
    from skimage.morphology import disk

    full = image.size
    scale = min(1.0, _WORK_SIDE / max(full))
    small = image.convert("RGB")
    if scale < 1.0:
        small = small.resize((max(1, round(full[0] * scale)), max(1, round(full[1] * scale))), Image.BOX)
    img = np.asarray(small, dtype=np.float64) / 255.0
    h, w = img.shape[:2]

    # 1. Background model from the border
    ys, xs = np.mgrid[0:h, 0:w]
    u, v = xs / max(w - 1, 1) * 2.0 - 1.0, ys / max(h - 1, 1) * 2.0 - 1.0
    basis = np.stack([np.ones_like(u), u, v, u * u, u * v, v * v], axis=-1)  # H x W x 6
    strip = max(2, round(0.03 * min(h, w)))
    border = np.zeros((h, w), dtype=bool)
    border[:strip], border[-strip:], border[:, :strip], border[:, -strip:] = True, True, True, True
    a, b = basis[border], img[border]
    use = np.ones(len(a), dtype=bool)
    for _ in range(3):
        coef, *_ = np.linalg.lstsq(a[use], b[use], rcond=None)
        resid = np.linalg.norm(b - a @ coef, axis=1)
        spread = 1.4826 * float(np.median(np.abs(resid[use] - np.median(resid[use])))) + 1e-3
        use = resid <= float(np.median(resid[use])) + 2.5 * spread
    dist = np.linalg.norm(img - basis @ coef, axis=-1)
    dist = ndimage.gaussian_filter(dist, 1.0)
    check()

    # 2. Threshold: Otsu, but never below 0.06 (about 15 of 255 levels), which noise and shading stay under
    floor = 0.06
    if float(dist.max()) <= floor:
        return np.zeros((full[1], full[0]), dtype=bool)
    fg = dist > max(float(threshold_otsu(dist)), floor)

    # 3. Clean up, pick the object, fill it
    radius = max(1, round(0.005 * min(h, w)))
    fg = ndimage.binary_opening(fg, structure=disk(radius))
    fg = ndimage.binary_closing(fg, structure=disk(radius), border_value=0)
    labels = label(fg, connectivity=2)
    if labels.max() == 0:
        return np.zeros((full[1], full[0]), dtype=bool)
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    centre = labels[h // 4:h - h // 4, w // 4:w - w // 4]
    central = np.unique(centre[centre > 0])
    if len(central):
        pick = central[np.argmax(sizes[central])]
    else:
        pick = int(np.argmax(sizes))
        log.info("no foreground region reaches the middle of the image; keeping the largest one")
    fg = ndimage.binary_fill_holes(labels == pick)
    check()
    if scale < 1.0:
        up = Image.fromarray(fg.astype(np.uint8) * 255).resize(full, Image.BILINEAR)
        fg = np.asarray(up) > 127
    return fg


def compose_on_background(rgba: Image.Image, background=(255, 255, 255), size: int | None = None,
                          margin: float = 0.1) -> Image.Image:
    """The cut-out object centred on a plain square (what Shap-E's image model and CLIP encoders expect).

    Crops to the bounding box of the visible pixels, pads to a square so the object spans (1 - 2 margin) of
    it on its longer side, composites over ``background`` (an RGB triple, 0..255) and resizes to
    ``size`` x ``size`` if given. Returns an RGB image."""
    if not isinstance(rgba, Image.Image) or rgba.mode != "RGBA":
        raise ValueError("compose_on_background needs an RGBA image (as cut_foreground returns)")
    if not 0.0 <= margin < 0.5:
        raise ValueError(f"margin must be in [0, 0.5), got {margin!r}")
    bg = tuple(background)
    if len(bg) != 3 or not all(isinstance(c, (int, np.integer)) and 0 <= c <= 255 for c in bg):
        raise ValueError(f"background must be an RGB triple of integers 0..255, got {background!r}")
    bg = tuple(int(c) for c in bg)
    if size is not None and (int(size) != size or size < 1):
        raise ValueError(f"size must be a positive number of pixels, got {size!r}")
    alpha = np.asarray(rgba.getchannel("A"))
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if len(rows) == 0:
        raise ValueError("the image has no foreground: every pixel is transparent")
    crop = rgba.crop((int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1))
    side = int(np.ceil(max(crop.size) / (1.0 - 2.0 * margin)))
    canvas = Image.new("RGB", (side, side), bg)
    canvas.paste(crop, ((side - crop.size[0]) // 2, (side - crop.size[1]) // 2), crop)
    if size is not None and size != side:
        canvas = canvas.resize((int(size), int(size)), Image.LANCZOS)
    return canvas


def save_mask(path, mask: np.ndarray) -> None:
    """Write Bool[H, W] ``mask`` as an 8-bit greyscale PNG (white = object), atomically."""
    mask = np.asarray(mask)
    if mask.ndim != 2 or mask.size == 0:
        raise ValueError(f"a mask must be a non-empty [H, W] array, got shape {mask.shape}")
    buf = io.BytesIO()
    Image.fromarray(np.where(mask.astype(bool), 255, 0).astype(np.uint8)).save(buf, format="PNG")
    atomic_write(os.fspath(path), buf.getvalue())
