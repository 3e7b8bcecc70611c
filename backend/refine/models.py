"""Stable Diffusion's parts for score distillation, loaded through the model store like every other model.

Only what SDS needs is read from the hub layout (``unet``, ``vae``, ``text_encoder``, ``tokenizer``,
``scheduler``): no safety checker, no pipeline object. fp16 and CPU offload apply on a GPU only.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

DEFAULT_MODEL = "stable-diffusion-v1-5/stable-diffusion-v1-5"
# What SDS reads: configs, the tokenizer, and one set of safetensors weights (not the fp16/EMA variants, .bin, ...).
ALLOW_PATTERNS = ["model_index.json", "*/config.json", "scheduler/*", "tokenizer/*",
                  "unet/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors",
                  "text_encoder/model.safetensors"]


@dataclass
class StableDiffusionParts:
    ref: str
    folder: str
    unet: object
    vae: object
    text_encoder: object
    tokenizer: object
    alphas_cumprod: torch.Tensor
    device: str
    dtype: torch.dtype

    @property
    def resolution(self) -> int:
        """The image size the UNet was trained at (latent size x the VAE's down-scaling)."""
        factor = 2 ** (len(self.vae.config.block_out_channels) - 1)
        return int(self.unet.config.sample_size) * factor


def load(ref: str, device: str, *, fp16: bool = False, cpu_offload: bool = False, report=None
         ) -> StableDiffusionParts:
    """Resolve (download with progress unless offline) and load the parts; the text encoder stays on the CPU."""
    from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTokenizer

    from ..generate import store
    from ..generate.model_cache import quiet_libraries

    quiet_libraries()
    folder = store.resolve(ref or DEFAULT_MODEL, report=report, allow_patterns=ALLOW_PATTERNS)
    dtype = torch.float16 if (fp16 and device == "cuda") else torch.float32
    unet = UNet2DConditionModel.from_pretrained(folder, subfolder="unet", torch_dtype=dtype)
    vae = AutoencoderKL.from_pretrained(folder, subfolder="vae", torch_dtype=dtype)
    text_encoder = CLIPTextModel.from_pretrained(folder, subfolder="text_encoder")
    tokenizer = CLIPTokenizer.from_pretrained(folder, subfolder="tokenizer")
    scheduler = DDPMScheduler.from_pretrained(folder, subfolder="scheduler")
    for m in (unet, vae, text_encoder):
        m.requires_grad_(False)
        m.eval()
    if device != "cpu":
        vae.to(device)  # small (84M parameters), and called through encode(), which offload hooks do not see
        if cpu_offload:  # the UNet's layers stay in CPU memory and visit the GPU one at a time (slow, small)
            from accelerate import cpu_offload as sequential_offload

            sequential_offload(unet, execution_device=torch.device(device))
        else:
            unet.to(device)
    return StableDiffusionParts(ref=ref or DEFAULT_MODEL, folder=folder, unet=unet, vae=vae,
                                text_encoder=text_encoder, tokenizer=tokenizer,
                                alphas_cumprod=scheduler.alphas_cumprod.float(), device=device, dtype=dtype)


@torch.no_grad()
def encode_prompts(parts: StableDiffusionParts, pairs: dict[str, tuple[str, str]]) -> dict[str, torch.Tensor]:
    """label -> (prompt, negative) into label -> Float[2, L, D] (negative first), in the UNet's dtype."""
    tok = parts.tokenizer
    out = {}
    for label, (prompt, negative) in pairs.items():
        ids = tok([negative, prompt], padding="max_length", max_length=tok.model_max_length, truncation=True,
                  return_tensors="pt").input_ids
        out[label] = parts.text_encoder(ids)[0].to(parts.dtype)
    return out


def add_lora(unet, rank: int = 4) -> list:
    """A LoRA on the UNet's attention projections (diffusers' peft integration); returns its parameters,
    the only trainable ones. Adapters start switched off (the pretrained prediction is the default)."""
    from peft import LoraConfig

    unet.add_adapter(LoraConfig(r=rank, lora_alpha=rank, init_lora_weights="gaussian",
                                target_modules=["to_q", "to_k", "to_v", "to_out.0"]), adapter_name="vsd")
    params = [p for n, p in unet.named_parameters() if "lora" in n]
    for p in params:
        p.requires_grad_(True)
        p.data = p.data.float()
    unet.disable_adapters()
    return params
