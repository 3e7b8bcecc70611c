"""Point-E (Nichol et al. 2022, arXiv 2212.08751) re-implemented for Conjure: text/image -> coloured point cloud.

Our own code, written so that OpenAI's published checkpoints (``base40M-textvec.pt``, ``base40M-imagevec.pt``,
``base40M.pt``, ``upsample_40M.pt``, ...) load with ``load_state_dict(strict=True)``.

- ``transformer``  the point diffusion transformers and the published model configs
- ``diffusion``    the Gaussian diffusion (cosine / linear schedules) and the Karras Heun sampler with CFG
- ``checkpoint``   load a ``.pt`` / ``.safetensors`` state dict into a model, with a clear error on mismatch
- ``sampler``      CLIP embeddings (transformers' CLIP models) and point-cloud sampling in data units

A batch script reads as plain steps::

    from backend.generate.point_e import checkpoint, sampler, transformer
    model = checkpoint.load_model("base40M-textvec.pt", transformer.MODEL_CONFIGS["base40M-textvec"])
    emb = sampler.encode_text_clip(clip_text_model, clip_tokenizer, ["a red chair"])
    xyz, rgb = sampler.sample_point_cloud(model, emb, generator=torch.Generator().manual_seed(0))

The package imports torch; nothing here imports bpy. Import the submodules you need (this file imports none,
so importing the package stays cheap and torch-free).
"""
