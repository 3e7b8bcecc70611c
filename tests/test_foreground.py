"""Foreground cut-out for image-to-3D, on images made here (no bpy; torch only for the tiny real SAM)."""
import logging
import os

import numpy as np
import pytest
from PIL import Image

from backend.generate import model_cache as registry
from backend.generate.foreground import (classical_mask, compose_on_background, cut_foreground, load_image,
                                         save_mask, segment_with_sam)

H, W = 240, 320
CX, CY, R = 170, 110, 70


def disc_mask(h=H, w=W, cx=CX, cy=CY, r=R):
    yy, xx = np.mgrid[0:h, 0:w]
    return (xx - cx) ** 2 + (yy - cy) ** 2 < r**2


def disc_on_gradient(seed=0) -> Image.Image:
    """A red disc on a grey left-to-right gradient with a little sensor noise."""
    xx = np.mgrid[0:H, 0:W][1]
    background = (90 + 110 * xx / W)[..., None] * np.ones(3)
    img = np.where(disc_mask()[..., None], [200, 30, 30], background)
    img += np.random.default_rng(seed).normal(0, 4, img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def iou(a, b):
    return (a & b).sum() / (a | b).sum()


def test_classical_cut_finds_the_disc():
    rgba, mask, used = cut_foreground(disc_on_gradient())
    assert used == "classical"
    assert mask.shape == (H, W) and mask.dtype == bool
    assert iou(mask, disc_mask()) > 0.9
    alpha = np.asarray(rgba.getchannel("A"))
    assert rgba.mode == "RGBA" and rgba.size == (W, H)
    assert (alpha[mask] == 255).all() and (alpha[~mask] == 0).all()


def test_classical_cut_ignores_a_stray_speck_and_fills_holes():
    img = np.asarray(disc_on_gradient()).copy()
    img[10:16, 10:16] = [20, 200, 20]  # a small object in a corner, away from the centre
    img[CY - 8:CY + 8, CX - 8:CX + 8] = [150, 150, 150]  # a grey hole in the disc, background-coloured
    mask = classical_mask(Image.fromarray(img))
    assert not mask[10:16, 10:16].any()
    assert mask[CY - 8:CY + 8, CX - 8:CX + 8].all()
    assert iou(mask, disc_mask()) > 0.9


def test_alpha_channel_is_used_as_is():
    rgb = np.asarray(disc_on_gradient())
    alpha = np.where(disc_mask(), 255, 0).astype(np.uint8)
    alpha[disc_mask() & (np.mgrid[0:H, 0:W][1] > CX + 60)] = 100  # soft (under half) on the right rim
    image = Image.fromarray(np.dstack([rgb, alpha]))
    rgba, mask, used = cut_foreground(image, method="sam")  # alpha wins over any method
    assert used == "alpha"
    np.testing.assert_array_equal(mask, alpha > 127)
    np.testing.assert_array_equal(np.asarray(rgba.getchannel("A")), alpha)  # soft edges kept


def test_opaque_alpha_is_ignored():
    image = disc_on_gradient().convert("RGBA")  # alpha 255 everywhere says nothing
    _rgba, mask, used = cut_foreground(image)
    assert used == "classical" and iou(mask, disc_mask()) > 0.9


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
def test_user_mask_wins_and_is_resized(mode, tmp_path):
    user = np.zeros((H // 2, W // 2), dtype=np.uint8)
    user[20:100, 30:90] = 255  # a rectangle, nothing like the disc
    image = Image.fromarray(user).convert(mode)
    if mode == "RGBA":  # painted white on a transparent layer: transparent counts as black
        rgba = np.zeros((H // 2, W // 2, 4), dtype=np.uint8)
        rgba[..., :3] = 255
        rgba[..., 3] = user
        image = Image.fromarray(rgba)
    _rgba, mask, used = cut_foreground(disc_on_gradient(), mask=image)
    assert used == "mask" and mask.shape == (H, W)
    expected = np.zeros((H, W), dtype=bool)
    expected[40:200, 60:180] = True
    assert iou(mask, expected) > 0.97
    # The same mask from a file, and as a boolean array of the image's size.
    path = tmp_path / "mask.png"
    image.save(path)
    assert iou(cut_foreground(disc_on_gradient(), mask=str(path))[1], expected) > 0.97
    assert (cut_foreground(disc_on_gradient(), mask=expected)[1] == expected).all()


def test_user_mask_of_another_shape_is_refused():
    with pytest.raises(ValueError, match="same shape"):
        cut_foreground(disc_on_gradient(), mask=Image.new("L", (100, 100), 255))


def test_empty_and_full_images_are_refused():
    with pytest.raises(ValueError, match="the image has no foreground"):
        cut_foreground(Image.new("RGB", (200, 150), (120, 130, 140)))
    with pytest.raises(ValueError, match="the image has no foreground"):
        cut_foreground(disc_on_gradient(), mask=np.zeros((H, W), dtype=bool))
    with pytest.raises(ValueError, match="no background to cut away. Hint"):
        cut_foreground(disc_on_gradient(), mask=np.ones((H, W), dtype=bool))


def test_sam_without_a_model_says_what_to_download(tmp_path):
    with pytest.raises(ValueError, match="facebook/sam-vit-base"):
        cut_foreground(disc_on_gradient(), method="sam")
    with pytest.raises(ValueError, match="no config.json"):
        cut_foreground(disc_on_gradient(), method="sam", sam_model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="unknown foreground method"):
        cut_foreground(disc_on_gradient(), method="magic")


def test_auto_falls_back_to_classical_and_says_why(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="backend.generate.foreground"):
        _rgba, mask, used = cut_foreground(disc_on_gradient(), sam_model_dir=str(tmp_path / "nowhere"))
    assert used == "classical" and iou(mask, disc_mask()) > 0.9
    assert "not a folder" in caplog.text


@pytest.fixture
def tiny_sam_dir(tmp_path):
    """A real transformers SamModel at a tiny size, saved with its (Pillow-backed) processor."""
    import torch
    from transformers import SamConfig, SamModel, SamProcessor
    from transformers.models.sam import SamImageProcessorPil
    from transformers.models.sam.configuration_sam import (SamMaskDecoderConfig, SamPromptEncoderConfig,
                                                           SamVisionConfig)

    vision = SamVisionConfig(hidden_size=32, output_channels=16, num_hidden_layers=2, num_attention_heads=2,
                             mlp_dim=64, image_size=64, patch_size=16, global_attn_indexes=[1], window_size=2,
                             num_pos_feats=8)
    prompt = SamPromptEncoderConfig(hidden_size=16, image_size=64, patch_size=16, mask_input_channels=4)
    decoder = SamMaskDecoderConfig(hidden_size=16, num_hidden_layers=2, num_attention_heads=2, mlp_dim=32,
                                   iou_head_hidden_dim=16)
    config = SamConfig(vision_config=vision.to_dict(), prompt_encoder_config=prompt.to_dict(),
                       mask_decoder_config=decoder.to_dict())
    torch.manual_seed(1)  # random weights: seed 1 happens to give a mask that passes the coverage checks
    folder = tmp_path / "sam"
    SamModel(config).save_pretrained(folder)
    SamProcessor(image_processor=SamImageProcessorPil(
        size={"longest_edge": 64}, pad_size={"height": 64, "width": 64},
        mask_size={"longest_edge": 16}, mask_pad_size={"height": 16, "width": 16})).save_pretrained(folder)
    yield str(folder)
    registry.clear_cache()


def test_sam_path_runs_end_to_end(tiny_sam_dir):
    mask = segment_with_sam(disc_on_gradient(), tiny_sam_dir)
    assert mask.shape == (H, W) and mask.dtype == bool
    rgba, mask, used = cut_foreground(disc_on_gradient(), method="sam", sam_model_dir=tiny_sam_dir)
    assert used == "sam" and mask.shape == (H, W) and rgba.size == (W, H)
    assert cut_foreground(disc_on_gradient(), sam_model_dir=tiny_sam_dir)[2] == "sam"  # auto prefers SAM
    assert cut_foreground(disc_on_gradient(), method="classical", sam_model_dir=tiny_sam_dir)[2] == "classical"


def test_compose_centres_the_object_on_a_square():
    rgba, mask, _ = cut_foreground(disc_on_gradient())
    out = compose_on_background(rgba, background=(255, 255, 255), size=256, margin=0.1)
    assert out.mode == "RGB" and out.size == (256, 256)
    red = (np.asarray(out)[..., 1] < 100)  # the disc: low green; the background is white
    ys, xs = np.nonzero(red)
    assert abs(xs.mean() - 127.5) < 2 and abs(ys.mean() - 127.5) < 2
    assert (xs.max() - xs.min() + 1) == pytest.approx(0.8 * 256, abs=3)  # spans 1 - 2 x margin
    corner = np.asarray(out)[:5, :5]
    assert (corner == 255).all()
    # Without a size the square keeps the crop's resolution.
    cols, rows = np.flatnonzero(mask.any(axis=0)), np.flatnonzero(mask.any(axis=1))
    side = max(cols[-1] - cols[0], rows[-1] - rows[0]) + 1
    assert compose_on_background(rgba, margin=0.0).size == (side, side)
    with pytest.raises(ValueError, match="no foreground"):
        compose_on_background(Image.new("RGBA", (64, 64), (0, 0, 0, 0)))
    with pytest.raises(ValueError, match="margin"):
        compose_on_background(rgba, margin=0.5)


def test_save_mask_round_trip(tmp_path):
    mask = disc_mask()
    path = tmp_path / "sub" / "mask.png"
    save_mask(str(path), mask)
    assert os.listdir(path.parent) == ["mask.png"]
    back = Image.open(path)
    assert back.mode == "L" and back.size == (W, H)
    np.testing.assert_array_equal(np.asarray(back) > 127, mask)
    assert set(np.unique(np.asarray(back))) == {0, 255}
    # What was saved is a valid user mask again.
    assert (cut_foreground(disc_on_gradient(), mask=str(path))[1] == mask).all()


def test_load_image_errors(tmp_path):
    with pytest.raises(ValueError, match="no image file"):
        load_image(tmp_path / "missing.png")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(ValueError, match="not an image that can be read"):
        load_image(text)
    Image.new("RGB", (20, 100)).save(tmp_path / "small.png")
    with pytest.raises(ValueError, match="too small"):
        load_image(tmp_path / "small.png")
    Image.new("1", (9000, 40)).save(tmp_path / "wide.png")
    with pytest.raises(ValueError, match="too large"):
        load_image(tmp_path / "wide.png")
    good = tmp_path / "disc.png"
    disc_on_gradient().save(good)
    assert load_image(good).mode == "RGB" and load_image(good).size == (W, H)
    Image.new("RGBA", (64, 64), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    assert load_image(tmp_path / "clear.png").mode == "RGBA"


def test_sam_loads_the_hub_folder_layout(tiny_sam_dir):
    """facebook/sam-vit-base on the hub ships preprocessor_config.json naming SamImageProcessor (which needs
    torchvision); transformers must still load it, with its Pillow-backed twin where torchvision is absent."""
    import json

    with open(os.path.join(tiny_sam_dir, "processor_config.json")) as f:
        image_config = json.load(f)["image_processor"]
    os.remove(os.path.join(tiny_sam_dir, "processor_config.json"))
    image_config.update(image_processor_type="SamImageProcessor", processor_class="SamProcessor")
    with open(os.path.join(tiny_sam_dir, "preprocessor_config.json"), "w") as f:
        json.dump(image_config, f)
    mask = segment_with_sam(disc_on_gradient(), tiny_sam_dir)
    assert mask.shape == (H, W) and mask.dtype == bool
