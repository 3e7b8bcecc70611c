"""Refinement by score distillation: the oracle (a denoiser that knows the answer) and the job end to end with a
tiny real Stable Diffusion (UNet2DConditionModel, AutoencoderKL, CLIPTextModel, tokenizer, DDPMScheduler built
from small configs under torch.manual_seed(0), saved in the hub's cache layout, loaded through the model store
with downloads off). Tiny-model outputs are noise: those tests check plumbing, files, events, cancel, errors."""
import json
import os

import numpy as np
import pytest
import torch

from backend.generate import model_cache
from backend.jobs import JobSpec, SpecError
from backend.mesh import glb
from backend.refine import guidance as sds, meshio, optimise
from backend.refine.camera import OrbitView
from backend.worker.runner import JobContext, run_job

pytestmark = pytest.mark.timeout(240)


def _sphere(subdiv=1):
    import trimesh

    m = trimesh.creation.icosphere(subdivisions=subdiv, radius=0.5)
    return np.asarray(m.vertices), np.asarray(m.faces)


def _quad_uvs():
    v = np.array([[-0.5, 0, -0.5], [0.5, 0, -0.5], [0.5, 0, 0.5], [-0.5, 0, 0.5]], dtype=np.float64)
    f = np.array([[0, 1, 2], [0, 2, 3]])
    uv = np.array([[0, 1], [1, 1], [1, 0], [0, 0]], dtype=np.float64)
    return v, f, uv


def test_oracle_denoiser_drives_renders_to_the_target():
    """SDS with a denoiser whose clean estimate is a fixed target image: the render error must fall by a large
    factor. Exercises the loop, the timestep schedule, w(t), the renderer's gradients and the optimiser."""
    v, f, uv = _quad_uvs()
    views = [OrbitView(0.0, 0.0, 1.6)]
    yy, xx = np.mgrid[0:16, 0:16]
    target_tex = np.where(((yy // 4 + xx // 4) % 2)[..., None] == 1, [0.9, 0.2, 0.1], [0.1, 0.3, 0.9])
    settings = optimise.Settings(steps=150, resolution=32, texture_size=16, lr_texture=0.03, views=views, seed=0)
    with torch.no_grad():
        target = optimise.Refiner(v, f, uv, f, target_tex, settings).render(views)["rgb"][0]
    refiner = optimise.Refiner(v, f, uv, f, np.full((16, 16, 3), 0.5), settings)

    def error():
        with torch.no_grad():
            return float(((refiner.render(views)["rgb"][0] - target) ** 2).mean())

    before = error()
    guide = sds.guidance_for_oracle(target, guidance=1.0, schedule=sds.Schedule(0.02, 0.98, 0.5), seed=0)
    result = optimise.refine(refiner, guide)
    after = error()
    assert after < before / 20, (before, after)
    assert result.steps_done == 150 and len(result.losses) == 150


def test_oracle_moves_geometry_toward_a_target_silhouette():
    """Texture + geometry mode with the oracle: a sphere's vertices move so its renders match a wider one."""
    v, f = _sphere(2)
    import trimesh

    uv = np.zeros((len(v), 2)) + 0.5
    views = [OrbitView(a, 10.0, 2.0) for a in (0.0, 90.0)]
    settings = optimise.Settings(steps=60, resolution=32, texture_size=8, views=views, geometry=True,
                                 lr_geometry=0.004, lr_texture=1e-9, laplacian_weight=20.0, normal_weight=2.0,
                                 seed=0)
    tex = np.full((8, 8, 3), 0.8)
    wide = v * np.array([1.4, 1.4, 1.0])
    with torch.no_grad():
        targets = optimise.Refiner(wide, f, uv, f, tex, settings).render(views)["rgb"]
    refiner = optimise.Refiner(v, f, uv, f, tex, settings)

    def error():
        with torch.no_grad():
            return float(((refiner.render(views)["rgb"] - targets) ** 2).mean())

    before = error()
    guide = sds.guidance_for_oracle(targets[0], guidance=1.0, seed=0)
    guide_side = sds.guidance_for_oracle(targets[1], guidance=1.0, seed=1)

    class PerView:  # the oracle is one image: use the target of the view being rendered
        def loss(self, rgb, labels, step, total):
            return (guide if labels[0] == "front" else guide_side).loss(rgb, labels, step, total)

    result = optimise.refine(refiner, PerView())
    assert error() < before / 3, (before, error())
    assert result.flipped == 0
    assert trimesh.Trimesh(result.verts, f).is_watertight


# --------------------------------------------------------------------------- the job
@pytest.fixture(scope="module")
def sd_dir(tmp_path_factory):
    from backend.generate.tiny import build_stable_diffusion

    root = str(tmp_path_factory.mktemp("sd"))
    build_stable_diffusion(root)
    return root


@pytest.fixture
def models(sd_dir, monkeypatch):
    monkeypatch.setenv("CONJURE_MODEL_DIR", sd_dir)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield sd_dir
    model_cache.clear_cache()


def _mesh_file(folder, uvs=True, subdiv=1):
    v, f = _sphere(subdiv)
    data = {"verts": v + np.array([3.0, 0.0, 1.0]), "faces": f}
    if uvs:
        corner = v[f.reshape(-1)]
        data["uvs"] = np.stack([0.5 + np.arctan2(corner[:, 1], corner[:, 0]) / (2 * np.pi),
                                0.5 + corner[:, 2]], 1)
    path = os.path.join(str(folder), "input.npz")
    np.savez(path, **data)
    return path


FAST = {"steps": 4, "resolution": 32, "texture_size": 64, "preview_every": 2}


def spec(out, mesh, **params):
    return JobSpec.from_json({"type": "refine", "output_dir": str(out), "name": "refined", "seed": 1,
                              "device": "cpu", "params": {"mesh": mesh, "prompt": "a stone", **FAST, **params}})


def run(s, cancel_after=None):
    events = []

    def emit(ev):
        events.append(ev)
        if ev.get("preview"):
            ev["preview_existed"] = os.path.isfile(ev["preview"])
        if cancel_after and ev["event"] == "progress" and ev["message"].startswith(f"step {cancel_after}/"):
            ctx.cancel_event.set()

    ctx = JobContext("job", s, emit)
    run_job(ctx)
    return events[-1], events


@pytest.mark.parametrize("mode,method", [("texture", "sds"), ("geometry", "vsd")])
def test_refine_job_end_to_end(models, tmp_path, mode, method):
    mesh = _mesh_file(tmp_path, uvs=(mode == "texture"))
    final, events = run(spec(tmp_path, mesh, mode=mode, method=method))
    assert final["event"] == "result", final
    paths, meta = final["paths"], final["metadata"]
    g = glb.read_glb(paths["glb"])
    assert g["texture_png"][:8] == b"\x89PNG\r\n\x1a\n" and os.path.isfile(paths["loss_curve"])
    # in the input's own coordinates (the sphere sits at x = 3, z = 1)
    assert abs(g["positions"][:, 0].mean() - 3.0) < 0.05 and abs(g["positions"][:, 2].mean() - 1.0) < 0.05
    assert meta["flipped_faces"] == 0 and meta["manifold"] and meta["steps"] == 4
    assert json.loads(json.dumps(g["extras"]["conjure_spec"]))["params"]["mode"] == mode
    steps = [e for e in events if e["event"] == "progress" and e["message"].startswith("step ")]
    assert len(steps) == 4  # progress every step
    shots = [e for e in steps if e.get("preview")]
    assert len(shots) == 2 and all(e["preview_existed"] for e in shots) and shots[-1]["loss_curve"]
    assert not os.path.exists(os.path.join(tmp_path, ".preview"))  # previews are removed at the end
    if method == "vsd":  # the cached UNet got its LoRA removed again
        unet = next(v for v in model_cache._CACHE.values()) if model_cache._CACHE else None
        assert unet is None or not any("lora" in n for n, _ in unet.unet.named_parameters())


def test_refine_job_is_deterministic_and_cancels(models, tmp_path):
    mesh = _mesh_file(tmp_path)
    a, _ = run(spec(tmp_path / "a", mesh, steps=2, preview_every=0))
    b, _ = run(spec(tmp_path / "b", mesh, steps=2, preview_every=0))
    assert open(a["paths"]["texture"], "rb").read() == open(b["paths"]["texture"], "rb").read()
    final, events = run(spec(tmp_path / "c", mesh, steps=50, preview_every=0), cancel_after=2)
    assert final["event"] == "cancelled"
    assert sum(1 for e in events if e["event"] == "progress" and e["message"].startswith("step ")) == 2


def test_bad_inputs_fail_before_any_work(models, tmp_path):
    mesh = _mesh_file(tmp_path)
    with pytest.raises(SpecError, match="prompt"):
        spec(tmp_path, mesh, prompt="  ")
    with pytest.raises(SpecError, match="resolution"):
        spec(tmp_path, mesh, resolution=30)
    with pytest.raises(SpecError, match="mode"):
        spec(tmp_path, mesh, mode="paint")
    with pytest.raises(SpecError, match="mesh"):
        spec(tmp_path, "", prompt="x")
    with pytest.raises(SpecError, match="steps"):
        spec(tmp_path, mesh, steps=0)
    v, f = _sphere(1)
    bad = os.path.join(str(tmp_path), "bad.npz")
    np.savez(bad, verts=v, faces=np.concatenate([f, f[:1]]))
    final, events = run(spec(tmp_path, bad))
    assert final["event"] == "error" and "not manifold" in final["message"]
    assert not any(e["event"] == "progress" and e["message"] == "load" for e in events)
    empty = os.path.join(str(tmp_path), "empty.npz")
    np.savez(empty, verts=v, faces=np.zeros((0, 3), dtype=np.int64))
    with pytest.raises(meshio.MeshProblem, match="no faces"):
        meshio.load_mesh(empty)
    with pytest.raises(meshio.MeshProblem, match="at most 10"):
        meshio.check_mesh(v, f, max_faces=10)


# --------------------------------------------------------------------------- the CLI
def _cli(*args):
    import subprocess
    import sys

    from conftest import ROOT, VENV_PYTHON

    python = VENV_PYTHON if os.path.exists(VENV_PYTHON) else sys.executable
    return subprocess.run([python, "-m", "backend.cli", "refine", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=200)


def test_cli_refines_an_obj_file(sd_dir, tmp_path):
    import trimesh

    obj = tmp_path / "rock.obj"
    trimesh.creation.icosphere(subdivisions=1).export(str(obj))
    r = _cli(str(obj), "a rock", "--steps", "2", "--resolution", "32", "--texture-size", "64", "--mode", "geometry",
             "--model-dir", sd_dir, "--offline", "--device", "cpu", "--out", str(tmp_path / "out"), "--quiet")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert os.path.isfile(out["paths"]["glb"]) and os.path.isfile(out["paths"]["loss_curve"])
    assert out["metadata"]["flipped_faces"] == 0


@pytest.mark.parametrize("args, words", [
    (("--steps", "0"), "steps: must be between 1 and 20000"),
    (("--mode", "paint"), "mode: must be one of texture, geometry"),
    (("--resolution", "100"), "resolution: must be a multiple of 8"),
])
def test_cli_bad_flags_fail_before_any_work(tmp_path, args, words):
    mesh = _mesh_file(tmp_path)
    r = _cli(mesh, "a rock", *args, "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and words in r.stderr, r.stderr
    r = _cli(mesh, "  ", "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "prompt: is empty" in r.stderr


def test_vsd_trains_the_lora_and_leaves_the_unet_alone():
    from backend.generate.tiny import tiny_sd_parts
    from backend.refine import models

    torch.manual_seed(0)
    parts = tiny_sd_parts()
    unet = parts["unet"].requires_grad_(False)
    base = {n: p.detach().clone() for n, p in unet.named_parameters()}
    lora = models.add_lora(unet, rank=2)
    assert lora  # (peft switches requires_grad with the adapters: on only while the LoRA runs)
    before = [p.detach().clone() for p in lora]
    emb = {k: torch.randn(2, 77, 16) for k in ("front", "side", "back")}
    guide = sds.ScoreDistillation(encoder=sds.VAEEncoder(parts["vae"], 32), denoiser=sds.UNetDenoiser(unet),
                                  alphas_cumprod=parts["scheduler"].alphas_cumprod, embeddings=emb, guidance=7.5,
                                  mode="vsd", lora_params=lora, lora_lr=1e-2, seed=0)
    rgb = torch.rand(2, 32, 32, 3, requires_grad=True)
    for step in range(2):
        loss, info = guide.loss(rgb, ["front", "back"], step, 2)
        loss.backward()
    assert rgb.grad is not None and torch.isfinite(rgb.grad).all() and rgb.grad.abs().sum() > 0
    assert "lora_loss" in info and np.isfinite(info["lora_loss"])
    assert any(not torch.equal(a, b.detach()) for a, b in zip(before, lora))  # the LoRA learned
    for n, p in unet.named_parameters():  # the pretrained weights did not move
        if n in base:
            assert torch.equal(base[n], p.detach()), n
    # with the adapters on, the prediction differs from the pretrained one; off, it is the pretrained one
    x, t, c = torch.randn(1, 4, 16, 16), torch.tensor([500]), emb["front"][1:]
    den = sds.UNetDenoiser(unet)
    with torch.no_grad():
        assert not torch.allclose(den(x, t, c, adapters=True), den(x, t, c, adapters=False))
        unet.delete_adapters("vsd")
        assert torch.allclose(den(x, t, c), den(x, t, c, adapters=False))


def test_view_prompts_and_schedule():
    pairs = sds.view_prompts("a fox", "blurry")
    assert pairs["front"] == ("a fox, front view", "blurry")
    assert pairs["back"] == ("a fox, back view", "blurry, front view, face")
    s = sds.Schedule(0.02, 0.98, 0.5)
    g = torch.Generator().manual_seed(0)
    early = torch.cat([s.draw(0, 100, 1000, 64, g) for _ in range(4)])
    late = torch.cat([s.draw(99, 100, 1000, 64, g) for _ in range(4)])
    assert early.min() >= 20 and early.max() > 800 and late.max() < 500  # annealed
    assert torch.allclose(sds.weight("sds", torch.tensor(0.25)), torch.tensor(0.75))


def test_a_conjure_glb_keeps_its_texture_as_the_start(models, tmp_path):
    from backend.mesh.asset import png_bytes

    v, f = _sphere(1)
    uv = np.stack([0.5 + np.arctan2(v[:, 1], v[:, 0]) / (2 * np.pi), 0.5 + v[:, 2]], 1).clip(0, 1)
    red = np.zeros((16, 16, 3), np.uint8)
    red[..., 0] = 200
    path = str(tmp_path / "prop.glb")
    glb.write_glb(path, v, v / np.linalg.norm(v, axis=1, keepdims=True), uv, f, png_bytes(red))
    final, _ = run(spec(tmp_path / "out", path, steps=1, lr_texture=1e-5, preview_every=0))
    assert final["event"] == "result", final
    from PIL import Image

    tex = np.asarray(Image.open(final["paths"]["texture"]))
    assert abs(float(tex[..., 0].mean()) - 200) < 3 and float(tex[..., 1:].mean()) < 3
    assert len(glb.read_glb(final["paths"]["glb"])["indices"]) == len(f)
