"""Text -> 3D: time and peak memory per stage, and Conjure's overhead against the raw diffusers pipeline.

Runs the worker's real ``generate`` handler in this process (so memory can be sampled) on the tiny, randomly
initialised components from ``backend.generate.tiny`` (real classes, hub layout, loaded by the production code),
then imports the result into Blender. With ``--full`` (meant for a GPU machine) the components are built at their
published sizes, still randomly initialised: that measures Conjure's overhead honestly without weights.

    python benchmarks/generate_stages.py [--pipeline shap-e|point-e] [--image] [--steps 16] [--full] [--device auto]
                                         [--runs 2] [--mesher fit] [--no-upsample]

Point-E runs as the reference does: the base model, then the upsampler (1,024 -> 4,096 points; ``--no-upsample``
to skip it); ``--image`` conditions on a generated picture (grid model ``base40M``) instead of a prompt.
With ``--full`` Point-E's published configs (base40M-textvec, base40M, upsample, sdf) and CLIP ViT-L/14 (text and
vision towers) are built at their published sizes with random weights.

Overhead: the same prompt, seed and steps through diffusers' own ``ShapEPipeline(..., output_type="latent")``
(encode + sample, the model calls) against Conjure's encode + sample stages; and the rest of Conjure's stages
(decode to import) reported beside it.
"""
import argparse
import os
import tempfile
import threading
import time

from _util import emit

from backend.worker.runner import JobContext, run_job  # noqa: E402  (after _util sets sys.path)


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class MeasuredContext(JobContext):
    """A job context that also records each stage's peak RSS (sampled every 5 ms) and CUDA peak."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.peak_rss: dict[str, int] = {}
        self.peak_cuda: dict[str, int] = {}

    def stage(self, name, step=None, total=None):
        import contextlib

        import torch

        outer = super().stage(name, step, total)

        @contextlib.contextmanager
        def measured():
            peak, stop = [rss_bytes()], threading.Event()

            def sample():
                while not stop.wait(0.005):
                    peak[0] = max(peak[0], rss_bytes())

            t = threading.Thread(target=sample, daemon=True)
            if torch.cuda.is_available():
                torch.cuda.reset_peak_memory_stats()
            t.start()
            try:
                with outer:
                    yield
            finally:
                stop.set()
                t.join()
                self.peak_rss[name] = max(self.peak_rss.get(name, 0), peak[0], rss_bytes())
                if torch.cuda.is_available():
                    self.peak_cuda[name] = max(self.peak_cuda.get(name, 0), torch.cuda.max_memory_allocated())

        return measured()


def build_point_e_full(root: str) -> None:
    """Point-E's published configs and CLIP ViT-L/14 at full size, random weights (no download)."""
    import torch
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPTextConfig, CLIPVisionConfig

    from backend.generate import tiny
    from backend.generate.point_e import checkpoint, transformer
    from backend.generate.point_e.sdf import SDF_CONFIG

    folder = os.path.join(root, "point-e")
    os.makedirs(folder, exist_ok=True)
    configs = {"base40M-textvec": transformer.MODEL_CONFIGS["base40M-textvec"],
               "base40M": transformer.MODEL_CONFIGS["base40M"], "upsample": transformer.MODEL_CONFIGS["upsample"],
               "sdf": SDF_CONFIG}
    for i, (name, config) in enumerate(configs.items()):
        torch.manual_seed(10 + i)
        model = checkpoint.build_model(config)
        if name != "sdf":  # Point-E zero-initialises the output layer; random weights make the outputs vary
            torch.nn.init.normal_(model.output_proj.weight, std=0.02)
        checkpoint.save_model(model, os.path.join(folder, f"{name}.pt"))
    torch.manual_seed(2)
    text = CLIPTextConfig(hidden_size=768, intermediate_size=3072, projection_dim=768, num_attention_heads=12,
                          num_hidden_layers=12, vocab_size=49408, max_position_embeddings=77,
                          bos_token_id=0, eos_token_id=1, pad_token_id=1)
    vision = CLIPVisionConfig(hidden_size=1024, intermediate_size=4096, projection_dim=768, num_attention_heads=16,
                              num_hidden_layers=24, image_size=224, patch_size=14)
    snap = tiny.snapshot_dir(root, "openai/clip-vit-large-patch14")
    CLIPModel(CLIPConfig(text_config=text.to_dict(), vision_config=vision.to_dict(), projection_dim=768)
              ).save_pretrained(snap)
    tiny.tiny_tokenizer().save_pretrained(snap)
    CLIPImageProcessor(size={"shortest_edge": 224}, crop_size={"height": 224, "width": 224}).save_pretrained(snap)


def build_models(root: str, full: bool, pipeline: str = "shap-e") -> None:
    from backend.generate import tiny

    if not full:
        tiny.build_model_dir(root)
        return
    if pipeline == "point-e":
        build_point_e_full(root)
        return
    import torch
    from diffusers import HeunDiscreteScheduler, PriorTransformer, ShapEPipeline
    from diffusers.pipelines.shap_e import ShapERenderer
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection

    # Published sizes (openai/shap-e configs), random weights.
    torch.manual_seed(0)
    prior = PriorTransformer(num_attention_heads=16, attention_head_dim=64, num_layers=24, embedding_dim=1024,
                             num_embeddings=1024, additional_embeddings=0, time_embed_act_fn="gelu",
                             norm_in_type="layer", encoder_hid_proj_type=None, added_emb_type=None,
                             time_embed_dim=4096, embedding_proj_dim=768, clip_embed_dim=2048)
    text = CLIPTextModelWithProjection(CLIPTextConfig(hidden_size=768, intermediate_size=3072, projection_dim=768,
                                                      num_attention_heads=12, num_hidden_layers=12,
                                                      vocab_size=49408))
    sched = HeunDiscreteScheduler(beta_schedule="exp", num_train_timesteps=1024, prediction_type="sample",
                                  use_karras_sigmas=True, clip_sample=True, clip_sample_range=1.0)
    renderer = ShapERenderer()
    tiny.calibrate_renderer(renderer)
    pipe = ShapEPipeline(prior=prior, text_encoder=text, tokenizer=tiny.tiny_tokenizer(), scheduler=sched,
                         shap_e_renderer=renderer)
    pipe.save_pretrained(tiny.snapshot_dir(root, "openai/shap-e"))


def raw_diffusers_seconds(root: str, prompt: str, steps: int, device: str, reps: int = 2) -> float:
    import torch
    from diffusers import ShapEPipeline

    from backend.generate import store

    pipe = ShapEPipeline.from_pretrained(store.resolve("openai/shap-e"), local_files_only=True).to(device)
    pipe.set_progress_bar_config(disable=True)
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        pipe(prompt, num_inference_steps=steps, guidance_scale=15.0, output_type="latent",
             generator=torch.Generator().manual_seed(0))
        if device == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t0)
    return best


def picture(work: str) -> str:
    """A red disc on grey: one object on a plain background."""
    from PIL import Image, ImageDraw

    path = os.path.join(work, "disc.png")
    img = Image.new("RGB", (256, 256), (128, 128, 128))
    ImageDraw.Draw(img).ellipse([64, 64, 192, 192], fill=(200, 30, 30))
    img.save(path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pipeline", default="shap-e", choices=("shap-e", "point-e"))
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--resolution", type=int, default=64)
    ap.add_argument("--face-budget", type=int, default=5000)
    ap.add_argument("--texture-size", type=int, default=512)
    ap.add_argument("--full", action="store_true", help="published-size random components (use a GPU)")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--image", action="store_true", help="a picture instead of a prompt")
    ap.add_argument("--runs", type=int, default=2, help="job runs: the first loads the models, the last is reported")
    ap.add_argument("--mesher", default="fit", choices=("auto", "learned", "fit"), help="point-e only")
    ap.add_argument("--no-upsample", action="store_true", help="point-e: skip the upsampler")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="conjure-bench-gen-")
    models = os.path.join(work, "models")
    t0 = time.perf_counter()
    build_models(models, args.full, args.pipeline)
    build_s = time.perf_counter() - t0
    os.environ.update(CONJURE_MODEL_DIR=models, HF_HUB_OFFLINE="1")

    from backend.generate import model_cache as registry
    from backend.jobs import JobSpec
    from backend.worker.device import resolve_device

    device = resolve_device(args.device)
    condition = {"image": picture(work)} if args.image else {"prompt": "a red armchair"}
    extra = {"output": "both", "mesher": args.mesher, "upsample": not args.no_upsample} \
        if args.pipeline == "point-e" else {}
    spec = JobSpec.from_json({
        "type": "generate", "name": "bench", "seed": 0, "device": device, "output_dir": os.path.join(work, "out"),
        "params": {"pipeline": args.pipeline, **condition, "steps": args.steps, "resolution": args.resolution,
                   "face_budget": args.face_budget, "texture_size": args.texture_size, "preview_every": 0,
                   **extra}})
    runs = []
    for rep in range(args.runs):  # the first run loads the models; later ones are warm (a user's next click)
        events = []
        ctx = MeasuredContext(f"bench{rep}", spec, events.append)
        t0 = time.perf_counter()
        run_job(ctx)
        wall = time.perf_counter() - t0
        final = events[-1]
        assert final["event"] == "result", final
        runs.append((ctx, final, wall))
    ctx, final, wall = runs[-1]

    import bpy  # noqa: F401  (Blender as a module, as the tests use it)
    from backend.blender.importers import CandidatesImport as JobImport

    scene = bpy.context.scene
    before = rss_bytes()
    t0 = time.perf_counter()
    job = JobImport(final, name="bench", job_id="bench", spec=spec.to_json())
    while not job.step(scene):
        pass
    job.finish(scene)
    import_s = time.perf_counter() - t0
    timings = dict(final["metadata"]["timings"], import_=round(import_s, 4))
    peaks = {k: round(v / 2**20, 1) for k, v in ctx.peak_rss.items()}
    peaks["import_"] = round(max(before, rss_bytes()) / 2**20, 1)
    model_s = timings["encode"] + timings["sample"]
    rest_s = sum(v for k, v in timings.items() if k not in ("load", "encode", "sample"))
    meta = final["metadata"]
    out = {"bench": "generate_stages", "pipeline": args.pipeline, "input": "image" if args.image else "text",
           "components": "full-size random" if args.full else "tiny random", "device": device, "steps": args.steps,
           **{k: meta[k] for k in ("point_e_base", "upsample", "mesher", "schedule", "points") if k in meta},
           "resolution": args.resolution, "face_budget": args.face_budget, "texture_size": args.texture_size,
           "build_models_s": round(build_s, 2), "cold_job_s": round(runs[0][2], 3),
           "warm_job_s": round(wall, 3) if len(runs) > 1 else None, "stage_s": timings,
           "stage_peak_rss_mib": peaks, "faces": final["metadata"]["faces"]}
    if ctx.peak_cuda:
        out["stage_peak_cuda_mib"] = {k: round(v / 2**20, 1) for k, v in ctx.peak_cuda.items()}
    if args.pipeline == "shap-e" and not args.image:
        raw = raw_diffusers_seconds(models, "a red armchair", args.steps, device)
        out.update(raw_diffusers_latent_s=round(raw, 4), conjure_encode_sample_s=round(model_s, 4),
                   sampling_loop_overhead_pct=round(100 * (model_s - raw) / raw, 1),
                   conjure_stages_after_sampling_s=round(rest_s, 4))
    registry.clear_cache()
    emit(out)


if __name__ == "__main__":
    main()
