"""Tiny, randomly initialised copies of the real models, saved in the hub's cache layout.

They are the real classes (diffusers' PriorTransformer and ShapERenderer, transformers' CLIP models, Conjure's
Point-E transformer) built from small configs, so the production loading code runs on them unchanged:
``build_model_dir(root)`` writes a folder that works as ``CONJURE_MODEL_DIR`` with downloads off.

Used by the tests, the benchmarks and ``python -m backend.cli selftest`` (checks an install without weights).
Their outputs are noise by design; only shapes, plumbing and timings mean anything.
"""
from __future__ import annotations

import hashlib
import json
import os

# Vocabulary: the 256 byte-level symbols, alone and word-final, plus CLIP's two specials (no merges).
TEXT_WIDTH = 16
RENDERER_WIDTH = 8
NUM_EMBEDDINGS = 32  # = 4 projected renderer layers x RENDERER_WIDTH rows


def snapshot_dir(root: str, repo_id: str) -> str:
    """Create (if needed) and return the snapshot folder for ``repo_id`` in the hub cache ``root``."""
    owner, name = repo_id.split("/")
    repo = os.path.join(root, f"models--{owner}--{name}")
    commit = hashlib.sha1(f"conjure-tiny:{repo_id}".encode()).hexdigest()
    snap = os.path.join(repo, "snapshots", commit)
    os.makedirs(snap, exist_ok=True)
    os.makedirs(os.path.join(repo, "refs"), exist_ok=True)
    with open(os.path.join(repo, "refs", "main"), "w") as f:
        f.write(commit)
    return snap


def tiny_tokenizer(max_length: int = 77):
    from transformers import CLIPTokenizer
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    symbols = list(bytes_to_unicode().values())
    for suffix in ("", "</w>"):
        for s in symbols:
            vocab[s + suffix] = len(vocab)
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=max_length)


def tiny_text_encoder(width: int = TEXT_WIDTH, projection: int = TEXT_WIDTH):
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection

    return CLIPTextModelWithProjection(CLIPTextConfig(
        bos_token_id=0, eos_token_id=1, pad_token_id=1, vocab_size=600, hidden_size=width,
        projection_dim=projection, intermediate_size=32, num_attention_heads=2, num_hidden_layers=2,
        max_position_embeddings=77))


def tiny_vision_config(width: int = TEXT_WIDTH, projection: int = TEXT_WIDTH):
    from transformers import CLIPVisionConfig

    return CLIPVisionConfig(hidden_size=width, projection_dim=projection, intermediate_size=32,
                            num_attention_heads=2, num_hidden_layers=2, image_size=32, patch_size=8)


def tiny_image_processor():
    from transformers import CLIPImageProcessor

    return CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32},
                              do_center_crop=True, do_normalize=True, do_resize=True, resample=3)


def tiny_prior(proj_dim: int, image: bool = False):
    from diffusers import PriorTransformer

    return PriorTransformer(
        num_attention_heads=2, attention_head_dim=8, embedding_dim=TEXT_WIDTH, num_embeddings=NUM_EMBEDDINGS,
        additional_embeddings=0, time_embed_act_fn="gelu", norm_in_type="layer",
        embedding_proj_norm_type="layer" if image else None, encoder_hid_proj_type=None, added_emb_type=None,
        time_embed_dim=32, embedding_proj_dim=proj_dim, clip_embed_dim=TEXT_WIDTH * 2, num_layers=1)


def tiny_renderer():
    from diffusers.pipelines.shap_e import ShapERenderer

    w = RENDERER_WIDTH
    renderer = ShapERenderer(param_shapes=((w, 93), (w, w), (w, w), (w, w)), d_latent=TEXT_WIDTH, d_hidden=w,
                             n_output=12, background=(0.1, 0.1, 0.1))
    calibrate_renderer(renderer)
    return renderer


def calibrate_renderer(renderer, latent_std: float = 1.0, samples: int = 4) -> None:
    """Shift the SDF output's bias so random latents give a surface: a random MLP's field is usually all
    inside or all outside, which would make every tiny run end in "no surface". Centres the field on its
    median over the volume for a few random latents (deterministic: its own generator)."""
    import torch
    from torch.func import functional_call

    gen = torch.Generator().manual_seed(1234)
    n = sum(shape[0] for shape in renderer.config.param_shapes)
    pts = (torch.rand((1, 4096, 3), generator=gen) * 2 - 1)
    values = []
    with torch.no_grad():
        for _ in range(samples):
            latent = torch.randn((1, n, renderer.config.d_latent), generator=gen) * latent_std
            params = dict(renderer.mlp.named_parameters())
            for name, value in renderer.params_proj(latent).items():
                params[name[len("nerstf."):]] = value.squeeze(0)
            out = functional_call(renderer.mlp, params, args=(), kwargs=dict(
                position=pts, direction=None, ts=None, nerf_level="fine", rendering_mode="stf"))
            values.append(torch.atanh(out.signed_distance.clamp(-0.999999, 0.999999)).flatten())
        last = renderer.mlp.mlp[-1]
        last.bias[0] -= torch.cat(values).median()


def tiny_scheduler():
    from diffusers import HeunDiscreteScheduler

    return HeunDiscreteScheduler(beta_schedule="exp", num_train_timesteps=1024, prediction_type="sample",
                                 use_karras_sigmas=True, clip_sample=True, clip_sample_range=1.0)


def build_shap_e(root: str, repo_id: str = "openai/shap-e") -> str:
    import torch
    from diffusers import ShapEPipeline

    torch.manual_seed(0)
    pipe = ShapEPipeline(prior=tiny_prior(TEXT_WIDTH), text_encoder=tiny_text_encoder(), tokenizer=tiny_tokenizer(),
                         scheduler=tiny_scheduler(), shap_e_renderer=tiny_renderer())
    snap = snapshot_dir(root, repo_id)
    pipe.save_pretrained(snap)
    return snap


def build_shap_e_img2img(root: str, repo_id: str = "openai/shap-e-img2img") -> str:
    import torch
    from diffusers import ShapEImg2ImgPipeline
    from transformers import CLIPVisionModel

    torch.manual_seed(1)
    pipe = ShapEImg2ImgPipeline(prior=tiny_prior(TEXT_WIDTH, image=True),
                                image_encoder=CLIPVisionModel(tiny_vision_config()),
                                image_processor=tiny_image_processor(), scheduler=tiny_scheduler(),
                                shap_e_renderer=tiny_renderer())
    snap = snapshot_dir(root, repo_id)
    pipe.save_pretrained(snap)
    return snap


def build_clip(root: str, repo_id: str = "openai/clip-vit-large-patch14") -> str:
    """A tiny CLIPModel (text + vision towers with projections) with tokenizer and image processor."""
    import torch
    from transformers import CLIPConfig, CLIPModel

    torch.manual_seed(2)
    text = tiny_text_encoder().config
    config = CLIPConfig(text_config=text.to_dict(), vision_config=tiny_vision_config().to_dict(),
                        projection_dim=TEXT_WIDTH)
    snap = snapshot_dir(root, repo_id)
    CLIPModel(config).save_pretrained(snap)
    tiny_tokenizer().save_pretrained(snap)
    tiny_image_processor().save_pretrained(snap)
    return snap


POINT_E_NAMES = ("base40M-textvec", "base40M-imagevec", "base40M", "upsample", "sdf")


def tiny_point_e_configs(points: int = 256) -> dict[str, dict]:
    """Tiny configs of every Point-E model Conjure runs, sized to the tiny CLIP (vectors of ``TEXT_WIDTH``; grids
    of the vision tower's ``TEXT_WIDTH`` channels over (32 / 8)^2 = 16 patches). The upsampler adds 3 points per
    base point, as the published one does (1,024 -> 4,096)."""
    from .point_e import transformer
    from .point_e.sdf import SDF_CONFIG

    vec = dict(transformer.TINY_CONFIG, feature_dim=TEXT_WIDTH, n_ctx=points)
    grid_keys = {"grid_feature_dim": TEXT_WIDTH, "grid_size": 4}
    trunk = {k: v for k, v in vec.items() if k not in ("name", "token_cond", "feature_dim")}
    published_up = transformer.MODEL_CONFIGS["upsample"]
    return {
        "base40M-textvec": vec,
        "base40M-imagevec": vec,
        "base40M": {**trunk, **grid_keys, "name": "CLIPImageGridPointDiffusionTransformer"},
        "upsample": {**trunk, **grid_keys, "name": published_up["name"], "n_ctx": 3 * points, "cond_ctx": points,
                     "channel_scales": published_up["channel_scales"],
                     "channel_biases": published_up["channel_biases"]},
        "sdf": {**SDF_CONFIG, "width": 16, "encoder_layers": 1, "decoder_layers": 1, "encoder_heads": 2,
                "decoder_heads": 2, "n_ctx": 4 * points},
    }


def calibrate_sdf(model, seed: int = 1234) -> None:
    """Shift a random SDF model's output so a ball-shaped cloud gives a surface: zero at the median over Point-E's
    meshing cube (a random model's value is otherwise about constant, and there is no surface to mesh)."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    cloud = torch.nn.functional.normalize(torch.randn(1, 3, 256, generator=gen), dim=1) * 0.3
    query = torch.rand(1, 3, 2048, generator=gen) * 1.02 - 0.51
    with torch.no_grad():
        model.output_proj.bias -= model(query, cloud).median()


def build_point_e(root: str, names=POINT_E_NAMES, points: int = 256) -> list[str]:
    """Tiny Point-E models as ``<root>/point-e/<name>.pt``, each with its ``<name>.json`` config
    (``points`` per base cloud; the published models make 1024)."""
    import torch
    from .point_e import checkpoint

    configs = tiny_point_e_configs(points)
    folder = os.path.join(root, "point-e")
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i, name in enumerate(names):
        torch.manual_seed(3 + i)
        model = checkpoint.build_model(configs[name])
        if name == "sdf":
            calibrate_sdf(model)
        path = os.path.join(folder, f"{name}.pt")
        checkpoint.save_model(model, path)
        with open(os.path.join(folder, f"{name}.json"), "w") as f:
            json.dump(configs[name], f, indent=1)
        paths.append(path)
    return paths


def tiny_sd_parts(latent_size: int = 16, published: bool = False) -> dict:
    """Stable Diffusion's parts for score distillation: UNet2DConditionModel, AutoencoderKL, CLIPTextModel,
    tokenizer, DDPMScheduler. Tiny by default (a 2x VAE, ``latent_size`` latents); ``published``: SD 1.5's own
    sizes (860M UNet, 8x VAE, 123M CLIP text encoder, 64 x 64 latents), for the benchmarks. Random weights."""
    from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    scheduler = DDPMScheduler(num_train_timesteps=1000, beta_schedule="scaled_linear", beta_start=0.00085,
                              beta_end=0.012, prediction_type="epsilon", clip_sample=False, steps_offset=1)
    if published:
        unet = UNet2DConditionModel(sample_size=64, cross_attention_dim=768)
        vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), latent_channels=4, sample_size=512,
                            down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                            layers_per_block=2)
        text = CLIPTextModel(CLIPTextConfig(bos_token_id=0, eos_token_id=1, pad_token_id=1, vocab_size=600,
                                            hidden_size=768, intermediate_size=3072, num_attention_heads=12,
                                            num_hidden_layers=12, max_position_embeddings=77))
        return {"unet": unet, "vae": vae, "text_encoder": text, "tokenizer": tiny_tokenizer(), "scheduler": scheduler}
    unet = UNet2DConditionModel(
        sample_size=latent_size, in_channels=4, out_channels=4, layers_per_block=1, block_out_channels=(8, 16),
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=TEXT_WIDTH, attention_head_dim=4, norm_num_groups=4)
    vae = AutoencoderKL(block_out_channels=(8, 16), in_channels=3, out_channels=3, latent_channels=4,
                        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
                        layers_per_block=1, norm_num_groups=4, sample_size=latent_size * 2)
    text = CLIPTextModel(tiny_text_encoder().config)
    return {"unet": unet, "vae": vae, "text_encoder": text, "tokenizer": tiny_tokenizer(), "scheduler": scheduler}


def build_stable_diffusion(root: str, repo_id: str = "stable-diffusion-v1-5/stable-diffusion-v1-5",
                           published: bool = False) -> str:
    """Stable Diffusion's parts (see ``tiny_sd_parts``) as a StableDiffusionPipeline snapshot in hub layout."""
    import torch
    from diffusers import StableDiffusionPipeline

    torch.manual_seed(0)
    pipe = StableDiffusionPipeline(**tiny_sd_parts(published=published), safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)
    snap = snapshot_dir(root, repo_id)
    pipe.save_pretrained(snap)
    return snap


def build_model_dir(root: str, point_e: bool = True) -> str:
    """Every tiny model Conjure knows, in hub layout under ``root``. Returns ``root``."""
    os.makedirs(root, exist_ok=True)
    build_stable_diffusion(root)
    build_shap_e(root)
    build_shap_e_img2img(root)
    build_clip(root)
    if point_e:
        build_point_e(root)
    return root
