"""Train the embedded model: the autoencoder on the corpus, then the prior on (caption embedding, latent) pairs.

    python -m backend.generate.embedded.train --out DIR              # the shipped weights, from scratch
    python -m backend.generate.embedded.train --out DIR --data FOLDER # fine-tune on your own meshes + captions

Everything is seeded: the corpus, the captions, the batches, the initial weights. CUDA is used when present.
"""
from __future__ import annotations

import os

# On a shared CPU, OpenMP threads that spin while waiting make each step 3x slower when another process runs
# (measured on the 2-core build machine): wait passively unless the user chose otherwise. Set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import json
import math
import time

import numpy as np

from . import captions as cap
from .corpus import N_NEAR
from .model import DEFAULT_AE, SDF_CLAMP, SDF_OFFSET, EmbeddedModel, build_scheduler, load_model

CAPTIONS_PER_ITEM = 4
COND_DROPOUT = 0.1     # classifier-free guidance: the prompt is replaced by zeros this often (Ho & Salimans 2022)
ENCODER_POINTS = 256   # surface points the encoder sees (a random subset of the stored ones, each step)
COLOR_POINTS = 96
NEAR_POINTS, UNIFORM_POINTS = 192, 64    # SDF samples per item and step (random subsets of the stored ones)
INSIDE_WEIGHT = 1.0    # SDF loss weight of query points inside the (inflated) shape: see train_autoencoder (2 and 3
                       # were tried for the shipped weights: chairs and tables came out fatter, grass no better)


def item_captions(meta: list, ranges: dict, seed: int, per_item: int = CAPTIONS_PER_ITEM) -> list:
    """``per_item`` training captions for each item (user items keep their own caption)."""
    from ...procgen.geometry import rng_for

    out = []
    for m in meta:
        if "caption" in m:
            out.append([m["caption"]])
            continue
        rng = rng_for(seed, "captions", m["category"], m["index"])
        out.append([cap.caption(m, ranges[m["category"]], rng) for _ in range(per_item)])
    return out


def _lr(step: int, total: int, peak: float, warmup: int = 100) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warmup) / max(total - warmup, 1))))


def train_autoencoder(model: EmbeddedModel, surface: np.ndarray, sdf: np.ndarray, steps: int, batch: int,
                      seed: int, device: str, log=print, lr: float = 1e-3, inside_weight: float = INSIDE_WEIGHT) -> list:
    """Fit encoder + decoder: truncated SDF L1 at the query points, colour L1 at (jittered) surface points.
    Query points inside the (inflated) shape weigh ``inside_weight``: a grass blade or a leaf is a sliver of
    the volume around it, and unweighted its few inside samples lose to the many outside ones."""
    import torch

    ae = model.autoencoder.to(device).train()
    opt = torch.optim.AdamW(ae.parameters(), lr=lr, weight_decay=0.0)
    gen = np.random.default_rng(seed)
    history = []
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = _lr(step, steps, lr)
        idx = np.sort(gen.choice(len(surface), size=min(batch, len(surface)), replace=False))
        surf = torch.from_numpy(np.asarray(surface[idx], np.float32)).to(device)
        qi = np.concatenate([gen.choice(N_NEAR, NEAR_POINTS, replace=False),
                             N_NEAR + gen.choice(sdf.shape[1] - N_NEAR, UNIFORM_POINTS, replace=False)])
        q = torch.from_numpy(np.asarray(sdf[idx][:, np.sort(qi)], np.float32)).to(device)
        perm = torch.from_numpy(gen.permutation(surf.shape[1])).to(device)
        enc_in = surf[:, perm[:ENCODER_POINTS]]
        col = surf[:, perm[ENCODER_POINTS:ENCODER_POINTS + COLOR_POINTS]]
        col_pos = col[..., :3] + torch.from_numpy(gen.normal(0, 0.02, col[..., :3].shape).astype(np.float32)).to(device)
        latent = ae.encoder(enc_in)
        latent = latent + 0.05 * torch.from_numpy(gen.normal(size=latent.shape).astype(np.float32)).to(device)
        pos = torch.cat([q[..., :3], col_pos], dim=1)
        pred_sdf, pred_rgb = ae.decoder(latent, pos)
        n = q.shape[1]
        target = (q[..., 3] - SDF_OFFSET).clamp(-SDF_CLAMP, SDF_CLAMP)
        weight = 1.0 + (inside_weight - 1.0) * (target < 0).float()
        # unclamped prediction: gradients always flow
        loss_sdf = ((pred_sdf[:, :n] - target).abs() * weight).sum() / weight.sum() / SDF_CLAMP
        loss_rgb = (pred_rgb[:, n:] - col[..., 3:]).abs().mean()
        loss_reg = 1e-4 * latent.pow(2).mean()
        loss = loss_sdf + loss_rgb + loss_reg
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ae.parameters(), 1.0)
        opt.step()
        history.append({"step": step, "loss": loss.item(), "sdf": loss_sdf.item(), "rgb": loss_rgb.item()})
        if step % 50 == 0 or step == steps - 1:
            h = history[-1]
            log(f"autoencoder step {step}/{steps}: loss {h['loss']:.4f} (sdf {h['sdf']:.4f}, rgb {h['rgb']:.4f})")
    ae.eval()
    return history


def encode_all(model: EmbeddedModel, surface: np.ndarray, device: str, batch: int = 256):
    """Latents Float[N, K, D] of every item (the encoder sees the first ENCODER_POINTS * 2 stored points)."""
    import torch

    out = []
    with torch.no_grad():
        for i in range(0, len(surface), batch):
            s = torch.from_numpy(np.asarray(surface[i:i + batch, :ENCODER_POINTS * 2], np.float32)).to(device)
            out.append(model.autoencoder.encoder(s).cpu())
    return torch.cat(out)


def _caption_batch(item_emb: list, idx, gen, device):
    """One random caption embedding of each item in ``idx``, replaced by zeros with probability COND_DROPOUT (the
    unconditional branch of classifier-free guidance). Draws from ``gen`` in a fixed order: same seed, same batch."""
    import torch

    emb = torch.stack([item_emb[i][gen.integers(0, len(item_emb[i]))] for i in idx]).to(device)
    drop = torch.from_numpy(gen.random(len(idx)) < COND_DROPOUT).to(device)
    return torch.where(drop[:, None], torch.zeros_like(emb), emb)


def train_prior(model: EmbeddedModel, latents, item_emb: list, steps: int, batch: int, seed: int, device: str,
                log=print, lr: float = 5e-4) -> list:
    """Denoise standardised latents given a caption embedding (zeros with prob. COND_DROPOUT), predicting x0."""
    import torch

    sched = build_scheduler(model.config["scheduler"], "ddpm")
    prior = model.prior.to(device).train()
    opt = torch.optim.AdamW(prior.parameters(), lr=lr, weight_decay=0.01)
    z_all = model.autoencoder.standardise(latents.to(device))
    gen = np.random.default_rng(seed + 1)
    tgen = torch.Generator(device="cpu").manual_seed(seed + 2)
    history = []
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = _lr(step, steps, lr)
        idx = gen.integers(0, len(z_all), size=batch)
        emb = _caption_batch(item_emb, idx, gen, device)
        x0 = z_all[torch.from_numpy(idx).to(device)]
        noise = torch.randn(x0.shape, generator=tgen).to(device)
        t = torch.randint(0, sched.config.num_train_timesteps, (batch,), generator=tgen).to(device)
        xt = sched.add_noise(x0, noise, t)
        pred = prior(xt, timestep=t, proj_embedding=emb).predicted_image_embedding
        loss = (pred - x0).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(prior.parameters(), 1.0)
        opt.step()
        history.append({"step": step, "loss": loss.item()})
        if step % 100 == 0 or step == steps - 1:
            log(f"prior step {step}/{steps}: loss {history[-1]['loss']:.4f}")
    prior.eval()
    return history


def train_size(model: EmbeddedModel, item_emb: list, extents: np.ndarray, steps: int, seed: int, device: str,
               log=print, lr: float = 1e-3, batch: int = 256) -> list:
    """The size head: a caption's embedding -> log of the item's true extent (metres, x y z), L1 loss, so "a
    small mug" and "a tall pine tree" get their sizes. Zero embeddings (prob. COND_DROPOUT) learn the mean size."""
    import torch

    head = model.size.to(device).train()
    opt = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=0.01)
    target_all = torch.from_numpy(np.log(np.maximum(np.asarray(extents, np.float32), 1e-3))).to(device)
    gen = np.random.default_rng(seed + 3)
    history = []
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = _lr(step, steps, lr)
        idx = gen.integers(0, len(item_emb), size=batch)
        emb = _caption_batch(item_emb, idx, gen, device)
        loss = (head(emb) - target_all[torch.from_numpy(idx).to(device)]).abs().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        history.append({"step": step, "loss": loss.item()})
        if step % 200 == 0 or step == steps - 1:
            log(f"size step {step}/{steps}: loss {history[-1]['loss']:.4f} (mean |log error|)")
    head.eval()
    return history


def caption_embeddings(texts: list, device: str, table_file: str | None = None, log=print) -> dict:
    """{caption: Float[384]} for every caption in ``texts``: MiniLM here, or read from ``table_file``."""
    import torch

    unique = sorted({t for ts in texts for t in ts})
    if not table_file:
        from .text import TextEncoder

        log(f"embedding {len(unique)} distinct captions")
        return dict(zip(unique, TextEncoder(device).encode(unique)))
    with np.load(table_file) as z:
        table = dict(zip(z["captions"].tolist(), z["embeddings"].astype(np.float32)))
    missing = [u for u in unique if u not in table]
    if missing:
        raise ValueError(f"{table_file} lacks {len(missing)} of the {len(unique)} training captions (e.g. "
                         f"{missing[0]!r}): write it again from this corpus with --write-caption-table")
    log(f"{len(unique)} caption embeddings read from {table_file}")
    return {u: torch.from_numpy(table[u]) for u in unique}


def write_caption_table(path: str, corpus_folder: str, seed: int = 0) -> int:
    """Embed every training caption of a corpus with MiniLM and save them (float16, .npz): training can then run
    on a machine that has a GPU but no copy of the MiniLM package (``--caption-table``). Returns the count."""
    import torch

    from .corpus import Corpus, param_ranges

    corpus = Corpus(corpus_folder)
    meta = [corpus.meta[i] for i in corpus.indices("train")]
    table = caption_embeddings(item_captions(meta, param_ranges(), seed), "cpu", log=lambda s: None)
    emb = torch.stack(list(table.values())).numpy().astype(np.float16)
    np.savez_compressed(path, captions=np.array(list(table)), embeddings=emb)
    return len(table)


def _stamped(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, flush=True)


def train(out: str, *, corpus_folder: str, ae_steps: int, prior_steps: int, batch: int = 32,
          prior_batch: int = 128, seed: int = 0, device: str | None = None, init: str | None = None,
          threads: int = 2, size_steps: int = 1500, log=_stamped, ae_config: dict | None = None,
          inside_weight: float = INSIDE_WEIGHT, caption_table: str | None = None) -> dict:
    """Train (or fine-tune ``init``) on a built corpus folder and save the model folder ``out``. ``ae_config``
    overrides the autoencoder's shape of a fresh model; ``caption_table`` is a file written by
    ``write_caption_table`` (the prompt embeddings, for a machine without the MiniLM package)."""
    import torch

    from .corpus import Corpus, param_ranges

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    t0 = time.time()
    # 1. Data: training items only (held-out colour/category pairs stay out)
    corpus = Corpus(corpus_folder)
    idx = corpus.indices("train")
    if len(idx) == 0:
        raise ValueError(f"{corpus_folder} has no training items")
    surface, sdf = corpus.surface[idx], corpus.sdf[idx]
    meta = [corpus.meta[i] for i in idx]
    # 2. Model: fresh, or the one to fine-tune
    fresh = {"autoencoder": dict(DEFAULT_AE, **ae_config), "size_head": True} if ae_config else {}
    model = load_model(init, "cpu").train() if init else EmbeddedModel(fresh)
    # 3. Autoencoder
    stage_s = {}
    t = time.time()
    ae_hist = (train_autoencoder(model, surface, sdf, ae_steps, batch, seed, device, log, inside_weight=inside_weight)
               if ae_steps else [])
    stage_s["autoencoder"] = round(time.time() - t, 1)
    # 4. Latent statistics (fresh models only: a fine-tune keeps the latent space its prior knows)
    latents = encode_all(model, surface, device)
    if not init:
        model.autoencoder.latent_mean.copy_(latents.mean(dim=0))
        model.autoencoder.latent_std.copy_(latents.std(dim=0).clamp_min(1e-3))
    # 5. Captions -> MiniLM embeddings
    t = time.time()
    texts = item_captions(meta, param_ranges(), seed)
    table = caption_embeddings(texts, device, caption_table, log)
    item_emb = [torch.stack([table[c] for c in ts]) for ts in texts]
    stage_s["captions"] = round(time.time() - t, 1)
    # 6. Size head (true extents; items without one, e.g. user meshes from an older corpus, are left out)
    t = time.time()
    sized = [k for k, m in enumerate(meta) if m.get("extent")]
    size_hist = []
    if model.size is not None and sized and size_steps:
        size_hist = train_size(model, [item_emb[k] for k in sized], np.array([meta[k]["extent"] for k in sized]),
                               size_steps, seed, device, log)
    stage_s["size"] = round(time.time() - t, 1)
    # 7. Prior
    t = time.time()
    pr_hist = train_prior(model, latents, item_emb, prior_steps, prior_batch, seed, device, log) if prior_steps else []
    stage_s["prior"] = round(time.time() - t, 1)
    elapsed = time.time() - t0
    model.config["info"] = {"corpus": corpus.info, "train_items": int(len(idx)), "ae_steps": ae_steps,
                            "prior_steps": prior_steps, "batch": batch, "prior_batch": prior_batch, "seed": seed,
                            "points_per_item": {"encoder": ENCODER_POINTS, "near": NEAR_POINTS,
                                                "uniform": UNIFORM_POINTS, "colour": COLOR_POINTS},
                            "captions_per_item": CAPTIONS_PER_ITEM, "inside_weight": inside_weight,
                            "caption_embeddings": "table" if caption_table else "minilm",
                            "seconds": round(elapsed, 1), "stage_seconds": stage_s, "device": device,
                            "init": bool(init), "size_steps": len(size_hist),
                            "size_loss_last100": float(np.mean([h["loss"] for h in size_hist[-100:]]))
                            if size_hist else None,
                            "ae_loss_last100": float(np.mean([h["loss"] for h in ae_hist[-100:]])) if ae_hist else None,
                            "prior_loss_last100": float(np.mean([h["loss"] for h in pr_hist[-100:]])) if pr_hist else None}
    if corpus.info.get("recipe", {}).get("categories"):
        from .corpus import fingerprint
        model.config["info"]["corpus_fingerprint"] = fingerprint(corpus.info["recipe"]["seed"],
                                                                 corpus.info["recipe"]["categories"], corpus)
    model.to("cpu").save(out)
    log(f"saved {out} after {elapsed:.0f} s")
    return {"autoencoder": ae_hist, "prior": pr_hist, "size": size_hist, "seconds": elapsed, "out": out}


def main(argv=None) -> None:
    from .corpus import VERSION, build, default_cache

    ap = argparse.ArgumentParser(description="Train Conjure's embedded text-to-3D model.")
    ap.add_argument("--out", help="model folder to write (config.json + model.safetensors); required to train")
    ap.add_argument("--data", help="a folder of GLB/OBJ files + captions.csv to fine-tune on (default: procedural)")
    ap.add_argument("--init", help="model folder to start from (default: fresh; with --data: the shipped weights)")
    ap.add_argument("--cache", default=default_cache(), help="corpus cache folder")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-category", type=int, default=1100)
    ap.add_argument("--ae-steps", type=int, default=9000)
    ap.add_argument("--batch", type=int, default=128, help="autoencoder batch (shapes)")
    ap.add_argument("--prior-steps", type=int, default=4000)
    ap.add_argument("--prior-batch", type=int, default=256)
    ap.add_argument("--steps", type=int, help="with --data: steps for each stage (default 300)")
    ap.add_argument("--size-steps", type=int, default=1500, help="steps of the size head (prompt -> true size)")
    ap.add_argument("--latent-tokens", type=int, default=DEFAULT_AE["latent_tokens"], help="autoencoder latent tokens")
    ap.add_argument("--cross-layers", type=int, default=DEFAULT_AE["cross_layers"],
                    help="rounds of point -> token attention in the field decoder")
    ap.add_argument("--inside-weight", type=float, default=INSIDE_WEIGHT,
                    help="SDF loss weight of query points inside the shape (thin parts)")
    ap.add_argument("--caption-table", help="precomputed caption embeddings (.npz from --write-caption-table): for "
                                            "a GPU machine without the MiniLM package")
    ap.add_argument("--write-caption-table", metavar="FILE",
                    help="build the corpus, embed its training captions with MiniLM into FILE, and stop")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device")
    a = ap.parse_args(argv)
    if not a.out and not a.write_caption_table:
        ap.error("--out is required (the model folder to write)")
    if a.data:
        from .userdata import finetune
        report = finetune(a.data, a.out, init=a.init, steps=a.steps or 300, cache=a.cache, seed=a.seed,
                          threads=a.threads, device=a.device)
        print(json.dumps({k: v for k, v in report.items() if k not in ("autoencoder", "prior", "size")}))
        return
    folder = build(os.path.join(a.cache, f"procgen-s{a.seed}-n{a.per_category}-v{VERSION}"), a.seed,
                   a.per_category, workers=a.threads)
    if a.write_caption_table:
        n = write_caption_table(a.write_caption_table, folder, a.seed)
        print(json.dumps({"caption_table": a.write_caption_table, "captions": n}))
        return
    report = train(a.out, corpus_folder=folder, ae_steps=a.ae_steps, prior_steps=a.prior_steps, seed=a.seed,
                   batch=a.batch, prior_batch=a.prior_batch, init=a.init, threads=a.threads, device=a.device,
                   size_steps=a.size_steps, inside_weight=a.inside_weight, caption_table=a.caption_table,
                   ae_config={"latent_tokens": a.latent_tokens, "cross_layers": a.cross_layers})
    print(json.dumps({"out": report["out"], "seconds": round(report["seconds"], 1)}))


if __name__ == "__main__":
    main()
