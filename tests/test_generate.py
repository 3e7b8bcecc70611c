"""Text / image -> 3D in the worker, with tiny real models loaded through the production loading code.

The models are diffusers' and transformers' real classes (and Conjure's Point-E transformer) at tiny sizes, saved
in the hub's cache layout by ``backend.generate.tiny`` and found through ``backend.generate.store`` with downloads
off, exactly as a user's downloaded models are. Their outputs are noise: the tests check plumbing, files, validity,
determinism, cancelling and errors, not shapes.
"""
import os

import numpy as np
import pytest

from backend.generate import model_cache as registry, store
from backend.jobs import JobSpec, SpecError
from backend.mesh import extract, glb
from backend.worker.runner import JobContext, run_job

FAST = {"pipeline": "shap-e", "steps": 3, "resolution": 24, "texture_size": 32, "face_budget": 600, "preview_every": 2}


@pytest.fixture
def models(tiny_model_dir, monkeypatch):
    monkeypatch.setenv("CONJURE_MODEL_DIR", tiny_model_dir)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield tiny_model_dir
    registry.clear_cache()


def spec(out, name="prop", seed=0, **params):
    return JobSpec.from_json({"type": "generate", "output_dir": str(out), "name": name, "seed": seed,
                              "device": "cpu", "params": {**FAST, **params}})


def run(s, cancel_at=None):
    """Run a job in-process; ``cancel_at``: request a cancel when this progress message prefix shows up."""
    events = []

    def emit(ev):
        events.append(ev)
        if ev.get("preview"):
            ev["preview_existed"] = os.path.isfile(ev["preview"])  # previews live only while the job runs
        if cancel_at and ev["event"] == "progress" and ev["message"].endswith(cancel_at):
            ctx.cancel_event.set()

    ctx = JobContext("job", s, emit)
    run_job(ctx)
    return events[-1], events


def test_shap_e_prompt_to_textured_glb(models, tmp_path):
    final, events = run(spec(tmp_path, prompt="a red chair", size=2.0))
    assert final["event"] == "result", final.get("message")
    g = glb.read_glb(final["paths"]["glb"])
    verts, faces = g["positions"], g["indices"]
    assert len(faces) > 0 and len(faces) <= 600
    assert g["uvs"].shape == (len(verts), 2) and np.all((g["uvs"] >= 0) & (g["uvs"] <= 1))
    assert g["texture_png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert os.path.isfile(final["paths"]["texture"])
    assert not extract.remove_degenerate(verts, faces).shape[0] < len(faces), "degenerate faces left"
    # normalised: largest dimension = size, standing on z = 0 (glTF is Y-up: the file's y is Blender's z)
    lo, hi = np.array(final["metadata"]["bounds"])
    assert np.isclose(np.max(hi - lo), 2.0) and np.isclose(lo[2], 0.0)
    m = final["metadata"]
    assert (m["prompt"], m["seed"], m["steps"], m["guidance"], m["pipeline"]) == ("a red chair", 0, 3, 15.0, "shap-e")
    assert (m["schedule"], m["sigma_max"], m["sigma_min"]) == ("reference", 160.0, 0.001)
    for stage in ("load", "encode", "sample", "decode", "mesh", "clean", "decimate", "unwrap", "bake", "export"):
        assert stage in m["timings"], stage
    progress = [e for e in events if e["event"] == "progress"]
    steps = [e for e in progress if "sampling step" in e["message"]]
    assert len(steps) == 5  # Heun: 2 * steps - 1 model calls
    assert [e["step"] for e in progress] == sorted(e["step"] for e in progress), "progress ran backwards"
    previews = [e for e in steps if e["preview"]]
    assert previews and all(e["preview_existed"] for e in previews)
    assert not os.path.exists(os.path.join(tmp_path, ".preview")), "previews must be cleaned when the job ends"


def test_shap_e_diffusers_schedule_is_selectable_and_recorded(models, tmp_path):
    final, _ = run(spec(tmp_path, prompt="a red chair", schedule="diffusers"))
    assert final["event"] == "result", final.get("message")
    m = final["metadata"]
    assert m["schedule"] == "diffusers"
    assert m["sigma_max"] == pytest.approx(403.4, abs=0.1) and m["sigma_min"] == pytest.approx(0.1086, abs=1e-4)


def test_shap_e_guidance_between_0_and_1_guides_as_the_reference_does(models):
    """The reference guides for every scale but 0 and 1 (diffusers only above 1): 0.5 mixes the pair."""
    from backend.generate import shap_e

    model = shap_e.load(spec("/tmp", prompt="x").params, "cpu")
    emb = model.encode("a lamp", guided=True)
    half = model.sample(emb, seed=1, steps=2, guidance=0.5)
    one = model.sample(emb, seed=1, steps=2, guidance=1.0)  # 1 and 0: the conditional prediction alone
    zero = model.sample(emb, seed=1, steps=2, guidance=0.0)
    np.testing.assert_array_equal(one.numpy(), zero.numpy())
    assert not np.allclose(half.numpy(), one.numpy())


def test_renderer_from_config_has_empty_mc_tables_but_our_decode_meshes(models):
    """diffusers' decode_to_mesh uses marching-cubes tables that are zeros in a renderer built from a config;
    Conjure's decode queries the field and meshes it itself."""
    from backend.generate import shap_e

    model = shap_e.load(spec("/tmp", prompt="x").params, "cpu")
    assert int(model.renderer.mesh_decoder.cases.abs().sum()) == 0
    emb = model.encode("a lamp", guided=True)
    latents = model.sample(emb, seed=1, steps=2, guidance=3.0)
    weights = {k: v.clone() for k, v in model.renderer.state_dict().items()}
    sdf, color, lo, hi = model.field(latents)
    grid, origin, h = extract.sample_grid(sdf, lo, hi, 24)
    verts, faces = extract.marching_cubes(grid, origin, h)
    assert len(faces) > 0
    c = color(verts[:50])
    assert c.shape == (50, 3) and np.all((c >= 0) & (c <= 1))
    for k, v in model.renderer.state_dict().items():  # decoding changed nothing in the renderer
        assert v.equal(weights[k]), k


def test_same_seed_same_bytes_and_candidates_follow_seeds(models, tmp_path):
    read = lambda ev: open(ev["paths"]["glb"], "rb").read()  # noqa: E731
    a, _ = run(spec(tmp_path, seed=7, prompt="a vase"))
    first = read(a)
    b, _ = run(spec(tmp_path, seed=7, prompt="a vase"))  # same spec, same folder: the same file, byte for byte
    assert read(b) == first
    c, _ = run(spec(tmp_path / "c", seed=8, prompt="a vase"))
    assert not np.array_equal(glb.read_glb(c["paths"]["glb"])["positions"], glb.read_glb(b["paths"]["glb"])["positions"])
    both, _ = run(spec(tmp_path / "d", seed=7, prompt="a vase", candidates=2))
    assert [cand["seed"] for cand in both["candidates"]] == [7, 8]
    assert both["metadata"]["candidates"] == 2
    second = glb.read_glb(both["candidates"][1]["glb"])
    np.testing.assert_array_equal(second["positions"], glb.read_glb(c["paths"]["glb"])["positions"])


def test_cancel_between_sampling_steps_writes_nothing(models, tmp_path):
    final, events = run(spec(tmp_path, prompt="a boat", steps=20), cancel_at="sampling step 3/39")
    assert final["event"] == "cancelled"
    steps = [e for e in events if e["event"] == "progress" and "sampling step" in e["message"]]
    assert len(steps) == 3
    assert not any(f.endswith((".glb", ".png")) for f in os.listdir(tmp_path)), os.listdir(tmp_path)


def test_prompt_longer_than_the_tokenizer_limit_fails_before_sampling(models, tmp_path):
    final, events = run(spec(tmp_path, prompt="chair " * 80))
    assert final["event"] == "error"
    msg = final["message"]
    assert "402 tokens long" in msg and "at most 77" in msg and "325 tokens over" in msg  # 5 tokens a word
    assert 'would silently cut it after "...' in msg and "shorten it" in msg
    assert not any("sampling" in e.get("message", "") for e in events)


def test_missing_model_offline_says_what_to_download_and_where(models, tmp_path):
    final, events = run(spec(tmp_path, prompt="a cup", model="nobody/no-such-model"))
    assert final["event"] == "error"
    msg = final["message"]
    assert "nobody/no-such-model" in msg and "offline" in msg and "hf download" in msg
    assert os.path.join(models, "models--nobody--no-such-model") in msg
    assert not any(e["event"] == "progress" and e["message"] not in ("load",) for e in events)


def test_wrong_kind_of_model_folder_is_named(models, tmp_path):
    img2img = store.resolve("openai/shap-e-img2img")
    final, _ = run(spec(tmp_path, prompt="a cup", model=img2img))
    assert final["event"] == "error" and "ShapEImg2ImgPipeline" in final["message"]
    final, _ = run(spec(tmp_path, prompt="a cup", model=str(tmp_path / "nope")))
    assert final["event"] == "error" and "does not exist" in final["message"]


@pytest.mark.parametrize("params, field", [
    ({"prompt": ""}, "params.prompt"),
    ({"prompt": "   "}, "params.prompt"),
    ({"prompt": "x", "steps": 0}, "params.steps"),
    ({"prompt": "x", "guidance": float("nan")}, "params.guidance"),
    ({"prompt": "x", "face_budget": 0}, "params.face_budget"),
    ({"prompt": "x", "model": "not a model"}, "params.model"),
    ({"prompt": "x", "candidates": 9}, "params.candidates"),
    ({"prompt": "x", "output": "points"}, "params.output"),
    ({"prompt": "x", "pipeline": "dreamfusion"}, "params.pipeline"),
    ({"image": "/nonexistent.png"}, "params.image"),
    ({"prompt": "x", "schedule": "karras"}, "params.schedule"),
    ({"prompt": "x", "pipeline": "point-e", "upsample": "yes"}, "params.upsample"),
    ({"prompt": "x", "pipeline": "point-e", "mesher": "poisson"}, "params.mesher"),
    ({"prompt": "x", "pipeline": "point-e", "point_e_base": "base40M"}, "params.point_e_base"),
    ({"prompt": "x", "point_e_base": "base40M-textvec"}, "params.point_e_base"),
    ({"prompt": "x", "mask": "/nonexistent.png"}, "params.mask"),
])
def test_bad_inputs_are_refused_with_the_field_named(params, field, tmp_path):
    with pytest.raises(SpecError) as e:
        JobSpec.from_json({"type": "generate", "output_dir": str(tmp_path), "params": params})
    assert str(e.value).startswith(field)


def _disc_image(path, size=96, background=(128, 128, 128)):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (size, size), background)
    ImageDraw.Draw(img).ellipse([size * 0.25, size * 0.25, size * 0.75, size * 0.75], fill=(200, 30, 30))
    img.save(path)
    return str(path)


def test_shap_e_image_to_glb(models, tmp_path):
    image = _disc_image(tmp_path / "disc.png")
    final, events = run(spec(tmp_path / "out", image=image))
    assert final["event"] == "result", final.get("message")
    assert final["metadata"]["guidance"] == 3.0 and final["metadata"]["image"] == image
    assert any(e["event"] == "log" and "foreground" in e["message"] for e in events)
    assert len(glb.read_glb(final["paths"]["glb"])["indices"]) > 0


def test_image_with_no_foreground_is_an_error(models, tmp_path):
    from PIL import Image

    path = tmp_path / "blank.png"
    Image.new("RGB", (96, 96), (128, 128, 128)).save(path)
    final, _ = run(spec(tmp_path / "out", image=str(path)))
    assert final["event"] == "error" and "no foreground" in final["message"]


def test_point_e_prompt_to_points_and_mesh(models, tmp_path):
    """The reference's text recipe: base40M-textvec, then the upsampler (4x the points), meshed with the
    learned SDF model when sdf.pt is there."""
    from backend.mesh.ply import read_ply

    final, events = run(spec(tmp_path, pipeline="point-e", prompt="a chair", output="both", resolution=32))
    assert final["event"] == "result", final.get("message")
    xyz, rgb = read_ply(final["paths"]["ply"])
    assert xyz.shape == (1024, 3) and rgb.shape == (1024, 3)  # 256 base points + 768 from the upsampler
    assert len(glb.read_glb(final["paths"]["glb"])["indices"]) > 0
    m = final["metadata"]
    assert m["pipeline"] == "point-e" and m["guidance"] == 3.0
    assert (m["point_e_base"], m["upsample"], m["upsample_guidance"]) == ("base40M-textvec", True, 0.0)
    assert m["mesher"] == "point-e learned SDF (sdf.pt)"
    assert "sample" in m["timings"] and "upsample" in m["timings"]
    messages = [e["message"] for e in events if e["event"] == "progress"]
    assert any(msg.endswith(": sampling step 3/3") for msg in messages)
    assert any(msg.endswith(": upsampling step 3/3") for msg in messages)
    assert [e["step"] for e in events if e["event"] == "progress"] == \
        sorted(e["step"] for e in events if e["event"] == "progress"), "progress ran backwards"
    assert any(e.get("preview") for e in events)


def test_point_e_upsampler_off_and_conjure_fit(models, tmp_path):
    from backend.mesh.ply import read_ply

    final, _ = run(spec(tmp_path, pipeline="point-e", prompt="a chair", output="both", resolution=32,
                        upsample=False, mesher="fit"))
    assert final["event"] == "result", final.get("message")
    assert read_ply(final["paths"]["ply"])[0].shape == (256, 3)
    m = final["metadata"]
    assert m["upsample"] is False and "upsample" not in m["timings"]
    assert m["mesher"] == "conjure fitted SDF"


def test_point_e_image_uses_the_grid_model_and_the_guided_upsampler(models, tmp_path):
    from backend.mesh.ply import read_ply

    image = _disc_image(tmp_path / "disc.png")
    final, _ = run(spec(tmp_path / "out", pipeline="point-e", image=image, output="points"))
    assert final["event"] == "result", final.get("message")
    m = final["metadata"]
    assert (m["point_e_base"], m["upsample"], m["upsample_guidance"]) == ("base40M", True, 3.0)
    assert read_ply(final["paths"]["ply"])[0].shape == (1024, 3)
    final, _ = run(spec(tmp_path / "vec", pipeline="point-e", image=image, output="points",
                        point_e_base="base40M-imagevec"))
    assert final["event"] == "result", final.get("message")
    assert final["metadata"]["point_e_base"] == "base40M-imagevec"


def test_point_e_learned_mesher_without_sdf_checkpoint_says_where_it_goes(tiny_model_dir, tmp_path, monkeypatch):
    import shutil

    models = tmp_path / "models"
    shutil.copytree(tiny_model_dir, models)
    os.remove(models / "point-e" / "sdf.pt")
    monkeypatch.setenv("CONJURE_MODEL_DIR", str(models))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    try:
        final, _ = run(spec(tmp_path / "a", pipeline="point-e", prompt="a chair", resolution=32, mesher="learned"))
        assert final["event"] == "error" and "sdf.pt" in final["message"]
        assert os.path.join(str(models), "point-e", "sdf.pt") in final["message"]
        final, _ = run(spec(tmp_path / "b", pipeline="point-e", prompt="a chair", resolution=32, upsample=False))
        assert final["event"] == "result", final.get("message")
        assert final["metadata"]["mesher"] == "conjure fitted SDF"  # auto falls back to Conjure's fit
        os.remove(models / "point-e" / "upsample.pt")
        final, _ = run(spec(tmp_path / "c", pipeline="point-e", prompt="a chair", output="points"))
        assert final["event"] == "error" and "upsample_40m.pt" in final["message"]
        assert "turn Upsample off" in final["message"]
    finally:
        registry.clear_cache()


def test_point_e_missing_checkpoint_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CONJURE_MODEL_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    final, _ = run(spec(tmp_path, pipeline="point-e", prompt="a chair"))
    assert final["event"] == "error"
    assert "base_40m_textvec.pt" in final["message"]
    assert os.path.join(str(tmp_path / "empty"), "point-e", "base40M-textvec.pt") in final["message"]


def test_download_progress_reports_bytes():
    seen = []
    bar = store._progress_class("openai/shap-e", seen.append)(total=300, unit="B")
    bar.update(100)
    bar.update(200)
    bar.close()
    assert seen[-1] == {"repo": "openai/shap-e", "done": 300, "total": 300}


def test_generate_through_a_real_worker(tiny_model_dir, tmp_path):
    from backend.client import WorkerClient
    from tests.conftest import VENV_PYTHON

    c = WorkerClient.start_local(VENV_PYTHON, env={"CONJURE_MODEL_DIR": tiny_model_dir, "HF_HUB_OFFLINE": "1"})
    try:
        job = c.submit(spec(tmp_path, prompt="a small house").to_json())
        final = c.wait_for(job, timeout=120)
        assert final["event"] == "result", final
        assert os.path.isfile(final["paths"]["glb"])
        job = c.submit(spec(tmp_path / "2", prompt="a tall house", steps=200).to_json())

        def cancel_at_step_2(ev):
            if ev.get("event") == "progress" and "sampling step 2/" in ev.get("message", ""):
                c.cancel(job)

        assert c.wait_for(job, timeout=60, on_event=cancel_at_step_2)["event"] == "cancelled"
    finally:
        c.stop()


def test_cli_generate_saves_a_blend_with_every_candidate(tiny_model_dir, tmp_path):
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "backend.cli", "generate", "a blue teapot", "--steps", "2", "--candidates", "2",
         "--resolution", "24", "--face-budget", "500", "--texture-size", "32", "--prop-size", "0.5",
         "--out", str(out), "--model-dir", tiny_model_dir, "--offline", "--quiet", "--blend", str(out / "t.blend")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])  # bpy may print lines of its own first
    assert [c["seed"] for c in result["candidates"]] == [0, 1]
    assert os.path.isfile(out / "t.blend")
    bad = subprocess.run([sys.executable, "-m", "backend.cli", "generate", "--steps", "0", "x", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "params.steps" in bad.stderr


def test_cutout_job_writes_mask_and_cutout(tmp_path):
    from PIL import Image

    image = _disc_image(tmp_path / "disc.png")
    for method in ("auto", "classic"):
        s = JobSpec.from_json({"type": "cutout", "output_dir": str(tmp_path / method), "name": "disc", "device": "cpu",
                               "params": {"image": image, "method": method}})
        final, _ = run(s)
        assert final["event"] == "result", final.get("message")
        assert final["metadata"]["method"] == "classical"
        mask = np.asarray(Image.open(final["paths"]["mask"])) > 127
        assert 0.15 < mask.mean() < 0.25  # the disc covers pi/16 of the picture
        assert Image.open(final["paths"]["cutout"]).mode == "RGBA"
    s = JobSpec.from_json({"type": "cutout", "output_dir": str(tmp_path / "a"), "device": "cpu",
                           "params": {"image": image, "method": "alpha"}})
    final, _ = run(s)
    assert final["event"] == "error" and "alpha" in final["message"]


def test_point_colours_reach_blender_once_converted(models, tmp_path, monkeypatch):
    """The colours the Point-E pipeline makes (sRGB, as the reference writes them) go through the worker's PLY and
    Blender's importer and come back as the same colours in linear RGB (Blender's space), converted exactly once.
    They used to be converted sRGB -> linear twice: a colour meant as 0.214 arrived as 0.038."""
    bpy = pytest.importorskip("bpy")
    from backend.blender.importers import import_points
    from backend.blender.transaction import Transaction
    from backend.generate import point_e_pipeline

    made = []
    original = point_e_pipeline.PointE.points

    def recording(self, out):
        xyz, rgb = original(self, out)
        made.append(rgb.copy())
        return xyz, rgb

    monkeypatch.setattr(point_e_pipeline.PointE, "points", recording)
    final, _ = run(spec(tmp_path, pipeline="point-e", prompt="a grey mug", output="points"))
    assert final["event"] == "result", final.get("message")
    from backend.color import srgb_to_linear
    linear = srgb_to_linear(made[0])
    assert linear.std() > 0.01  # a real spread of colours, not one value
    with Transaction() as tx:
        obj = import_points(tx, final["paths"]["ply"], name="colours")
    col = np.empty(len(obj.data.vertices) * 4, dtype=np.float32)
    obj.data.color_attributes["Col"].data.foreach_get("color", col)
    back = col.reshape(-1, 4)[:, :3]
    assert back.shape == linear.shape
    assert np.abs(back - linear).max() < 0.01, np.abs(back - linear).max()  # 8-bit sRGB steps are < 0.01 linear
    tx.rollback()


def test_cancelled_two_candidate_job_leaves_no_candidate_files(models, tmp_path):
    """Issue #10: candidate 1 was written before candidate 2 was cancelled, and stayed."""
    events = []

    def emit(ev):
        events.append(ev)
        if ev["event"] == "progress" and ev["message"].startswith("prop_c2: sampling step 1/"):
            ctx.cancel_event.set()

    ctx = JobContext("job", spec(tmp_path, prompt="a boat", candidates=2, steps=2), emit)
    run_job(ctx)
    assert events[-1]["event"] == "cancelled"
    assert any(e["event"] == "progress" and e["message"].startswith("export") for e in events)  # candidate 1 done
    assert [f for f in os.listdir(tmp_path) if f != ".preview"] == []
