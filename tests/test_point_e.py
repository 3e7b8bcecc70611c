"""Point-E re-implementation: checkpoint compatibility (names, shapes), loading errors, the Karras sampler,
and CLIP encoding with tiny real transformers CLIP models. No bpy, no hub, CPU only, tiny sizes."""
import json
import math

import numpy as np
import pytest
import torch

from backend.generate.point_e import checkpoint, diffusion, sampler, transformer

# --------------------------------------------------------------------------- reference key names
# Point-E's module tree (openai/point-e, point_e/models/transformer.py: PointDiffusionTransformer,
# CLIPImagePointDiffusionTransformer, Transformer, ResidualAttentionBlock, MultiheadAttention, MLP), written
# out for base40M-textvec: width 512, 12 layers, 6 -> 12 channels, CLIP ViT-L/14 vectors (768).
TEXTVEC_TOP_KEYS = {
    "time_embed.c_fc.weight": (2048, 512), "time_embed.c_fc.bias": (2048,),
    "time_embed.c_proj.weight": (512, 2048), "time_embed.c_proj.bias": (512,),
    "ln_pre.weight": (512,), "ln_pre.bias": (512,),
    "ln_post.weight": (512,), "ln_post.bias": (512,),
    "input_proj.weight": (512, 6), "input_proj.bias": (512,),
    "output_proj.weight": (12, 512), "output_proj.bias": (12,),
    "clip_embed.weight": (512, 768), "clip_embed.bias": (512,),
}
BLOCK_KEYS = {
    "attn.c_qkv.weight": (1536, 512), "attn.c_qkv.bias": (1536,),
    "attn.c_proj.weight": (512, 512), "attn.c_proj.bias": (512,),
    "ln_1.weight": (512,), "ln_1.bias": (512,),
    "mlp.c_fc.weight": (2048, 512), "mlp.c_fc.bias": (2048,),
    "mlp.c_proj.weight": (512, 2048), "mlp.c_proj.bias": (512,),
    "ln_2.weight": (512,), "ln_2.bias": (512,),
}


def expected_keys(top: dict, layers: int = 12) -> dict:
    keys = dict(top)
    for i in range(layers):
        keys.update({f"backbone.resblocks.{i}.{k}": v for k, v in BLOCK_KEYS.items()})
    return keys


def shapes(model) -> dict:
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def test_base40m_textvec_state_dict_matches_point_e():
    model = transformer.build_model(transformer.MODEL_CONFIGS["base40M-textvec"], device="meta")
    assert isinstance(model, transformer.CLIPVecPointDiffusionTransformer)
    assert shapes(model) == expected_keys(TEXTVEC_TOP_KEYS)
    assert len(shapes(model)) == 14 + 12 * 12
    assert sum(p.numel() for p in model.parameters()) == 40_333_836  # "40M"


def test_other_published_configs_state_dicts():
    no_clip = {k: v for k, v in TEXTVEC_TOP_KEYS.items() if not k.startswith("clip_embed")}
    grid = {"clip_embed.0.weight": (1024,), "clip_embed.0.bias": (1024,),  # LayerNorm over the 1024-d grid
            "clip_embed.1.weight": (512, 1024), "clip_embed.1.bias": (512,)}
    upsample = {**no_clip, **grid, "cond_point_proj.weight": (512, 6), "cond_point_proj.bias": (512,),
                "channel_scales": (6,), "channel_biases": (6,)}  # buffers, saved in upsample_40M.pt
    cases = {"base40M-imagevec": TEXTVEC_TOP_KEYS, "base40M-uncond": no_clip, "base40M": {**no_clip, **grid},
             "upsample": upsample}
    for name, top in cases.items():
        model = transformer.build_model(transformer.MODEL_CONFIGS[name], device="meta")
        assert shapes(model) == expected_keys(top), name


def test_unknown_model_name_or_key_is_an_error():
    with pytest.raises(ValueError, match="unknown Point-E model name 'Nope'"):
        transformer.build_model({**transformer.TINY_CONFIG, "name": "Nope"})
    with pytest.raises(ValueError, match="colour"):
        transformer.build_model({**transformer.TINY_CONFIG, "colour": 1})


def test_attention_matches_point_e_einsum_with_per_head_qkv_layout():
    torch.manual_seed(0)
    attn = transformer.MultiheadAttention(width=16, heads=4, init_std=0.5)
    x = torch.randn(2, 5, 16)
    # Point-E: qkv viewed [B, N, heads, 3d], split into q, k, v per head, each scaled by d^-1/4
    qkv = attn.c_qkv(x).view(2, 5, 4, -1)
    q, k, v = torch.split(qkv, 4, dim=-1)
    scale = 1 / math.sqrt(math.sqrt(4))
    w = torch.softmax(torch.einsum("bthc,bshc->bhts", q * scale, k * scale), dim=-1)
    want = attn.c_proj(torch.einsum("bhts,bshc->bthc", w, v).reshape(2, 5, -1))
    torch.testing.assert_close(attn(x), want, rtol=1e-5, atol=1e-6)


def test_timestep_embedding_is_cos_then_sin():
    emb = transformer.timestep_embedding(torch.tensor([0, 3]), 8)
    assert emb.shape == (2, 8)
    assert torch.equal(emb[0], torch.tensor([1.0] * 4 + [0.0] * 4))
    freqs = torch.exp(-math.log(10000) * torch.arange(4) / 4)
    torch.testing.assert_close(emb[1], torch.cat([torch.cos(3 * freqs), torch.sin(3 * freqs)]))


# --------------------------------------------------------------------------- tiny models
def tiny_model(config=None, seed=0):
    """A real model at toy size. Point-E zero-initialises output_proj; give it weights so outputs vary."""
    torch.manual_seed(seed)
    model = transformer.build_model(config or transformer.TINY_CONFIG)
    torch.nn.init.normal_(model.output_proj.weight, std=0.3)
    return model.eval()


def tiny_embedding(batch=2, dim=24, seed=0):
    return torch.nn.functional.normalize(torch.randn(batch, dim, generator=torch.Generator().manual_seed(seed)), dim=-1)


def run_tiny(model, x_seed=0):
    g = torch.Generator().manual_seed(x_seed)
    x = torch.randn(2, 6, 16, generator=g)
    return model(x, torch.tensor([3, 500]), embeddings=tiny_embedding())


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
def test_save_load_round_trip_gives_identical_outputs(tmp_path, suffix):
    model = tiny_model()
    path = tmp_path / f"tiny{suffix}"
    checkpoint.save_model(model, path)
    loaded = checkpoint.load_model(path, transformer.TINY_CONFIG)
    assert not loaded.training
    with torch.no_grad():
        assert torch.equal(run_tiny(model), run_tiny(loaded))
    again = checkpoint.load_model(model.state_dict(), transformer.TINY_CONFIG)
    with torch.no_grad():
        assert torch.equal(run_tiny(model), run_tiny(again))


def test_load_names_the_first_bad_key(tmp_path):
    state = tiny_model().state_dict()
    missing = {k: v for k, v in state.items() if k != "clip_embed.weight"}
    with pytest.raises(ValueError, match=r"missing key 'clip_embed.weight' \(1 missing"):
        checkpoint.load_model(missing, transformer.TINY_CONFIG)
    bad_shape = {**state, "input_proj.weight": torch.zeros(32, 3)}
    with pytest.raises(ValueError, match=r"'input_proj.weight' has shape \[32, 3\], the model needs \[32, 6\]"):
        checkpoint.load_model(bad_shape, transformer.TINY_CONFIG)
    extra = {**state, "clip.logit_scale": torch.zeros(())}
    path = tmp_path / "extra.pt"
    torch.save(extra, path)
    with pytest.raises(ValueError, match=r"extra.pt does not fit CLIPVecPointDiffusionTransformer: "
                                         r"unexpected key 'clip.logit_scale'"):
        checkpoint.load_model(path, transformer.TINY_CONFIG)
    with pytest.raises(ValueError, match="'step' is a int, not a tensor"):
        checkpoint.load_model({**state, "step": 3}, transformer.TINY_CONFIG)


def test_load_refuses_pickled_objects(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save(_Pickled(), path)
    with pytest.raises(ValueError, match="not a plain torch state dict"):
        checkpoint.load_model(path, transformer.TINY_CONFIG)


class _Pickled:
    """An arbitrary object: weights_only loading must refuse it."""


# --------------------------------------------------------------------------- diffusion and sampling
def test_schedules_and_sigma_to_t():
    d = diffusion.diffusion_from_config(diffusion.DIFFUSION_CONFIGS["base40M-textvec"])
    assert set(diffusion.DIFFUSION_CONFIGS) == set(transformer.MODEL_CONFIGS)
    assert d.num_timesteps == 1024 and d.betas.max() <= 0.999
    assert np.all(np.diff(d.alphas_cumprod) < 0)
    for t in (0, 1, 100, 512, 1000, 1023):
        assert d.sigma_to_t(float(d.sigmas[t]) * (1 + 1e-9)) in (t - 1, t)  # floored interpolation
    assert d.sigma_to_t(1e-6) == 0 and d.sigma_to_t(1e6) == 1023
    up = diffusion.diffusion_from_config(diffusion.DIFFUSION_CONFIGS["upsample"])
    assert up.betas[0] == pytest.approx(1000 / 1024 * 1e-4)
    x = torch.tensor([[[0.25], [-0.5], [0.0], [0.0], [255.0], [127.5]]])
    torch.testing.assert_close(d.scale_channels(x).flatten(), torch.tensor([0.5, -1.0, 0.0, -1.0, 1.0, 0.0]))
    torch.testing.assert_close(d.unscale_channels(d.scale_channels(x)), x)


def test_karras_sampler_recovers_gaussian_data():
    """With the exact epsilon of Gaussian data N(mu, s^2), the samples must have mean mu and std s:
    checks the sigma -> t map, the input scaling and the Heun steps together."""
    d = diffusion.diffusion_from_config(diffusion.BASE_DIFFUSION_CONFIG)
    mu, s = 0.3, 0.1
    ac = torch.from_numpy(d.alphas_cumprod).float()

    def oracle(x, t):
        a = ac[t].view(-1, 1, 1)
        eps = (1 - a).sqrt() * (x - a.sqrt() * mu) / (a * s * s + 1 - a)
        return torch.cat([eps, torch.zeros_like(eps)], dim=1)

    out = diffusion.karras_sample(oracle, d, (1, 6, 4000), generator=torch.Generator().manual_seed(0), steps=32,
                                  guidance_scale=1.0)
    scaled = d.scale_channels(out)
    assert abs(scaled.mean().item() - mu) < 0.01
    assert abs(scaled.std().item() - s) < 0.01


def sample(model=None, **kw):
    kw.setdefault("steps", 4)
    kw.setdefault("generator", torch.Generator().manual_seed(kw.pop("seed", 0)))
    return sampler.sample_point_cloud(model or tiny_model(), kw.pop("embedding", tiny_embedding()), **kw)


def test_sampling_gives_finite_points_of_the_right_shapes():
    xyz, rgb = sample()
    assert xyz.shape == rgb.shape == (2, 16, 3)
    assert xyz.dtype == rgb.dtype == np.float32
    assert np.isfinite(xyz).all() and np.abs(xyz).max() <= 0.5
    assert rgb.min() >= 0 and rgb.max() <= 1
    assert np.allclose(rgb * 255, np.round(rgb * 255), atol=1e-4)


def test_same_seed_same_bytes_different_seed_differs():
    model = tiny_model()
    a, b, c = sample(model, seed=7), sample(model, seed=7), sample(model, seed=8)
    assert a[0].tobytes() == b[0].tobytes() and a[1].tobytes() == b[1].tobytes()
    assert not np.array_equal(a[0], c[0])


def test_callback_every_step_and_check_cancels():
    calls, checks = [], []
    sample(steps=5, callback=lambda i, n, x0: calls.append((i, n, tuple(x0.shape))), check=lambda: checks.append(1))
    assert calls == [(i, 5, (2, 6, 16)) for i in range(1, 6)]
    assert len(checks) == 2 * 5 - 1  # Heun: two model calls a step, one on the last (Euler) step

    class Stop(Exception):
        pass

    def check():
        checks.append(1)
        if len(checks) > 3:
            raise Stop()

    checks.clear()
    calls.clear()
    with pytest.raises(Stop):
        sample(steps=5, callback=lambda *a: calls.append(a), check=check)
    assert len(calls) == 1


def test_guidance_changes_the_result():
    model = tiny_model()
    plain, guided = sample(model, guidance_scale=1.0), sample(model, guidance_scale=3.0)
    assert not np.array_equal(plain[0], guided[0])
    assert np.array_equal(plain[0], sample(model, guidance_scale=0.0)[0])  # Point-E: 0 also means unguided


def test_sampling_input_errors():
    model = tiny_model()
    with pytest.raises(ValueError, match="exactly 16 points"):
        sample(model, num_points=32)
    with pytest.raises(ValueError, match=r"embeddings of shape \[B, 24\], got \[2, 7\]"):
        sample(model, embedding=torch.zeros(2, 7))
    uncond = tiny_model({k: v for k, v in transformer.TINY_CONFIG.items()
                         if k not in ("token_cond", "cond_drop_prob", "feature_dim")}
                        | {"name": "PointDiffusionTransformer"})
    with pytest.raises(ValueError, match="cannot be guided"):
        sample(uncond, embedding=None)
    xyz, _ = sample(uncond, embedding=None, batch_size=3, guidance_scale=1.0)
    assert xyz.shape == (3, 16, 3)


TINY_UPSAMPLE = {"name": "CLIPImageGridUpsamplePointDiffusionTransformer", "width": 32, "layers": 1, "heads": 4,
                 "n_ctx": 12, "cond_ctx": 16, "input_channels": 6, "output_channels": 12, "time_token_cond": True,
                 "cond_drop_prob": 0.1, "init_scale": 0.25, "grid_feature_dim": 32, "grid_size": 4,
                 "channel_biases": [0.0, 0.0, 0.0, -1.0, -1.0, -1.0],
                 "channel_scales": [2.0, 2.0, 2.0, 0.007843137255, 0.007843137255, 0.007843137255]}


def test_upsampler_keeps_the_input_points_and_adds_n_ctx():
    xyz, rgb = sample()
    up = tiny_model(TINY_UPSAMPLE)
    g = torch.Generator().manual_seed(0)
    big_xyz, big_rgb = sampler.upsample_point_cloud(up, xyz, rgb, generator=g, steps=3)
    assert big_xyz.shape == big_rgb.shape == (2, 28, 3)
    np.testing.assert_allclose(big_xyz[:, :16], xyz)
    np.testing.assert_allclose(big_rgb[:, :16], rgb, atol=1e-6)
    assert np.isfinite(big_xyz).all()


# --------------------------------------------------------------------------- CLIP encoders
VOCAB = ["<|startoftext|>", "<|endoftext|>", "a", "c", "o", "t", "r", "e", "d", "a</w>", "c</w>", "o</w>",
         "t</w>", "r</w>", "e</w>", "d</w>", "ca", "cat</w>", "at</w>", "re", "red</w>"]
MERGES = ["#version: 0.2", "c a", "ca t</w>", "a t</w>", "r e", "re d</w>"]


@pytest.fixture(scope="module")
def clip_text(tmp_path_factory):
    """A tiny real CLIP text encoder and BPE tokenizer (hand-written vocab, as diffusers' tests do)."""
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection, CLIPTokenizer

    folder = tmp_path_factory.mktemp("clip_tok")
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(VOCAB)}))
    (folder / "merges.txt").write_text("\n".join(MERGES) + "\n")
    (folder / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 8}))
    tokenizer = CLIPTokenizer.from_pretrained(str(folder))
    torch.manual_seed(0)
    config = CLIPTextConfig(vocab_size=len(VOCAB), hidden_size=32, intermediate_size=37, num_hidden_layers=2,
                            num_attention_heads=4, max_position_embeddings=8, projection_dim=24,
                            bos_token_id=0, eos_token_id=1, pad_token_id=1)
    return CLIPTextModelWithProjection(config).eval(), tokenizer


def test_text_prompts_encode_to_unit_vectors(clip_text):
    model, tokenizer = clip_text
    emb = sampler.encode_text_clip(model, tokenizer, ["a red cat", "cat", "red"])
    assert emb.shape == (3, 24)
    torch.testing.assert_close(emb.norm(dim=-1), torch.ones(3))
    assert not torch.allclose(emb[0], emb[1])
    alone = sampler.encode_text_clip(model, tokenizer, "cat")  # padding in a batch does not change a prompt
    torch.testing.assert_close(alone[0], emb[1], rtol=1e-5, atol=1e-6)
    xyz, _ = sample(embedding=emb)
    assert xyz.shape == (3, 16, 3)


def test_too_long_prompt_is_an_error(clip_text):
    model, tokenizer = clip_text
    with pytest.raises(ValueError, match=r"prompt 1 is 9 tokens long; .* at most 8"):
        sampler.encode_text_clip(model, tokenizer, ["cat", "cat " * 7])


def test_image_encoders_vector_and_grid():
    from PIL import Image
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    torch.manual_seed(0)
    vision = CLIPVisionModelWithProjection(CLIPVisionConfig(
        image_size=32, patch_size=8, hidden_size=32, intermediate_size=37, num_hidden_layers=2,
        num_attention_heads=4, projection_dim=24)).eval()
    processor = CLIPImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    rng = np.random.default_rng(0)
    images = [Image.fromarray(rng.integers(0, 255, (40, 48, 3), dtype=np.uint8)) for _ in range(2)]
    vec = sampler.encode_image_clip(vision, processor, images)
    assert vec.shape == (2, 24)
    torch.testing.assert_close(vec.norm(dim=-1), torch.ones(2))
    grid = sampler.encode_image_clip_grid(vision, processor, images)
    assert grid.shape == (2, 32, 16)  # hidden 32, (32 / 8)^2 patches
    grid_model = tiny_model({k: v for k, v in TINY_UPSAMPLE.items()
                             if k not in ("cond_ctx", "channel_biases", "channel_scales")}
                            | {"name": "CLIPImageGridPointDiffusionTransformer", "n_ctx": 16})
    xyz, rgb = sample(grid_model, embedding=grid)
    assert xyz.shape == (2, 16, 3) and np.isfinite(xyz).all()


def test_upsampler_conditions_on_the_raw_base_sample():
    """Point-E feeds the upsampler the base stage's unrounded sample; the output starts with it unchanged."""
    raw = sampler.sample_points(tiny_model(), tiny_embedding(), generator=torch.Generator().manual_seed(0), steps=3)
    assert raw.shape == (2, 6, 16) and not torch.equal(raw[:, 3:], raw[:, 3:].round())  # colours not yet rounded
    up = tiny_model(TINY_UPSAMPLE)
    big = sampler.upsample_points(up, raw, generator=torch.Generator().manual_seed(0), steps=3)
    assert big.shape == (2, 6, 28)
    assert torch.equal(big[:, :, :16], raw)
    with pytest.raises(ValueError, match=r"low_res of shape \[B, 6, 16\]"):
        sampler.upsample_points(up, raw[:, :, :8], generator=torch.Generator(), steps=1)


# --------------------------------------------------------------------------- the learned SDF model (sdf.pt)
# Point-E's CrossAttentionPointCloudSDFModel (point_e/models/sdf.py, perceiver.py) with the published "sdf" config:
# width 256, 8 encoder layers (self-attention), 4 decoder layers (cross-attention), written out.
SDF_TOP_KEYS = {"encoder_input_proj.weight": (256, 3), "encoder_input_proj.bias": (256,),
                "decoder_input_proj.weight": (256, 3), "decoder_input_proj.bias": (256,),
                "ln_post.weight": (256,), "ln_post.bias": (256,),
                "output_proj.weight": (1, 256), "output_proj.bias": (1,)}
SDF_DECODER_KEYS = {"attn.c_q.weight": (256, 256), "attn.c_q.bias": (256,),
                    "attn.c_kv.weight": (512, 256), "attn.c_kv.bias": (512,),
                    "attn.c_proj.weight": (256, 256), "attn.c_proj.bias": (256,),
                    "ln_1.weight": (256,), "ln_1.bias": (256,), "ln_2.weight": (256,), "ln_2.bias": (256,),
                    "mlp.c_fc.weight": (1024, 256), "mlp.c_fc.bias": (1024,),
                    "mlp.c_proj.weight": (256, 1024), "mlp.c_proj.bias": (256,),
                    "ln_3.weight": (256,), "ln_3.bias": (256,)}


def test_sdf_model_state_dict_matches_point_e():
    from backend.generate.point_e.sdf import SDF_CONFIG

    model = checkpoint.build_model(SDF_CONFIG, device="meta")
    want = dict(SDF_TOP_KEYS)
    encoder_block = {"attn.c_qkv.weight": (768, 256), "attn.c_qkv.bias": (768,),
                     "attn.c_proj.weight": (256, 256), "attn.c_proj.bias": (256,),
                     "ln_1.weight": (256,), "ln_1.bias": (256,),
                     "mlp.c_fc.weight": (1024, 256), "mlp.c_fc.bias": (1024,),
                     "mlp.c_proj.weight": (256, 1024), "mlp.c_proj.bias": (256,),
                     "ln_2.weight": (256,), "ln_2.bias": (256,)}
    for i in range(8):
        want.update({f"encoder.resblocks.{i}.{k}": v for k, v in encoder_block.items()})
    for i in range(4):
        want.update({f"decoder.resblocks.{i}.{k}": v for k, v in SDF_DECODER_KEYS.items()})
    assert shapes(model) == want


def test_sdf_model_cross_attention_matches_point_e_einsum():
    """Point-E's QKVMultiheadCrossAttention: kv laid out per head as [k_h | v_h], q and k scaled by d^-1/4."""
    from backend.generate.point_e.sdf import MultiheadCrossAttention

    torch.manual_seed(0)
    attn = MultiheadCrossAttention(width=16, heads=4, data_width=16, init_std=0.5)
    x, data = torch.randn(2, 5, 16), torch.randn(2, 7, 16)
    q = attn.c_q(x).view(2, 5, 4, -1)
    k, v = torch.split(attn.c_kv(data).view(2, 7, 4, -1), 4, dim=-1)
    scale = 1 / math.sqrt(math.sqrt(4))
    w = torch.softmax(torch.einsum("bthc,bshc->bhts", q * scale, k * scale), dim=-1)
    want = attn.c_proj(torch.einsum("bhts,bshc->bthc", w, v).reshape(2, 5, -1))
    torch.testing.assert_close(attn(x, data), want, rtol=1e-5, atol=1e-6)


def test_sdf_model_round_trip_and_shapes(tmp_path):
    from backend.generate.tiny import tiny_point_e_configs

    config = tiny_point_e_configs()["sdf"]
    torch.manual_seed(0)
    model = checkpoint.build_model(config).eval()
    path = tmp_path / "sdf.pt"
    checkpoint.save_model(model, path)
    loaded = checkpoint.load_model(path, config)
    cloud, query = torch.randn(1, 3, 100), torch.randn(1, 3, 30)
    with torch.no_grad():
        assert loaded(query, cloud).shape == (1, 30)
        assert torch.equal(loaded(query, cloud), model(query, cloud))
        latents = loaded.encode(cloud)  # encoded once, queried in batches
        torch.testing.assert_close(torch.cat([loaded.predict(query[:, :, :10], latents),
                                              loaded.predict(query[:, :, 10:], latents)], dim=1),
                                   loaded.predict(query, latents))
    with pytest.raises(ValueError, match="does not fit CrossAttentionPointCloudSDFModel"):
        checkpoint.load_model(tiny_model().state_dict(), config)
