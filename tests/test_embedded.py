"""The embedded text-to-3D model: corpus, captions, training, the shipped weights through the worker's generate job,
and ``train --data`` on a user's folder. Real components throughout (procedural factories, MiniLM, diffusers'
PriorTransformer and schedulers, trimesh); sizes kept small so the file runs in about a minute on a 2-core CPU."""
import json
import os
import re

import numpy as np
import pytest

from backend.generate import model_cache as registry
from backend.generate.embedded import captions, colors, corpus
from backend.jobs import JobSpec
from backend.mesh import glb
from backend.worker.runner import JobContext, run_job

CATS = ["mug", "chair", "bookshelf", "bush"]


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("corpus") / "c")
    return corpus.build(folder, seed=5, per_category=6, categories=CATS, workers=1, log=lambda s: None)


def test_corpus_build_is_deterministic(tiny_corpus, tmp_path):
    again = corpus.build(str(tmp_path / "again"), seed=5, per_category=6, categories=CATS, workers=1, log=lambda s: None)
    for name in ("surface.npy", "sdf.npy", "meta.jsonl", "corpus.json"):
        with open(os.path.join(tiny_corpus, name), "rb") as a, open(os.path.join(again, name), "rb") as b:
            assert a.read() == b.read(), name
    other = corpus.build(str(tmp_path / "other"), seed=6, per_category=6, categories=CATS, workers=1,
                         log=lambda s: None)
    assert not np.array_equal(np.load(os.path.join(other, "sdf.npy")), np.load(os.path.join(tiny_corpus, "sdf.npy")))
    c = corpus.Corpus(tiny_corpus)
    assert c.surface.shape == (24, corpus.N_SURFACE, 6) and c.sdf.shape == (24, corpus.N_NEAR + corpus.N_UNIFORM, 4)
    # near samples straddle the surface; uniform ones are mostly outside
    near = np.asarray(c.sdf[:, :corpus.N_NEAR, 3], np.float32)
    assert 0.1 < (near < 0).mean() < 0.6
    assert np.abs(c.surface[..., :3]).max() <= 0.81


def test_captions_say_true_colour_words(tiny_corpus):
    c = corpus.Corpus(tiny_corpus)
    ranges = corpus.param_ranges()
    rng = np.random.default_rng(0)
    coloured = 0
    for i, m in enumerate(c.meta):
        rgb = np.median(np.asarray(c.surface[i, :, 3:], np.float64), axis=0)
        if m["color"]:
            coloured += 1
            assert colors.name_of(rgb) == m["color"], (m, rgb)   # the data is the colour the caption says
        texts = [captions.caption(m, ranges[m["category"]], rng, heldout=h) for h in (False, True) for _ in range(8)]
        for t in texts:
            said = [w for w in re.findall(r"[a-z]+", t) if w in colors.NAMES]
            assert said in ([], [m["color"]]), (t, m["color"])
        if m["color"]:
            assert any(m["color"] in t for t in texts)
        if m["category"] == "bookshelf":
            assert any(f"with {captions.NUMBERS[m['params']['shelves']]} shelves" in t for t in texts)
    assert coloured >= 12


def test_corpus_fingerprint_is_made_again_from_the_factories(tiny_corpus):
    c = corpus.Corpus(tiny_corpus)
    from_cache = corpus.fingerprint(5, CATS, c)
    assert from_cache == corpus.fingerprint(5, CATS)            # the factories, run again, give the same items
    assert from_cache != corpus.fingerprint(6, CATS)            # and it tells other data apart
    assert from_cache != corpus.fingerprint(5, CATS[:-1], c)
    assert all(len(m["extent"]) == 3 and min(m["extent"]) > 0 for m in c.meta)   # true sizes, metres


def test_the_factories_still_make_the_data_the_shipped_weights_learned():
    """Drift guard: the shipped weights record a fingerprint of their corpus. If the procedural factories change
    what they make for these categories, ``train`` no longer reproduces the weights."""
    from backend.generate.embedded.pipeline import WEIGHTS

    with open(os.path.join(WEIGHTS, "config.json")) as f:
        info = json.load(f)["info"]
    recipe = info["corpus"]["recipe"]
    got = corpus.fingerprint(recipe["seed"], recipe["categories"])
    assert got == info.get("corpus_fingerprint"), (
        f"the procedural factories changed: retrain with `python -m backend.generate.embedded.train --out "
        f"backend/generate/embedded/weights` (corpus fingerprint {got}, the shipped weights were trained on "
        f"{info.get('corpus_fingerprint', 'no recorded fingerprint')}), then update the model card and BENCHMARKS.md")


def test_caption_splits_do_not_overlap():
    assert not set(captions.TRAIN_TEMPLATES) & set(captions.HELDOUT_TEMPLATES)
    held = [(c, n) for c in captions.NOUNS for n in colors.NAMES if captions.heldout_pair(c, n)]
    assert len(held) == len(captions.NOUNS)   # one held-out colour per category


def test_training_loss_falls_and_the_saved_model_loads(tiny_corpus, tmp_path):
    from backend.generate.embedded import train
    from backend.generate.embedded.pipeline import load
    from backend.generate.params import GenerateParams

    out = str(tmp_path / "model")
    report = train.train(out, corpus_folder=tiny_corpus, ae_steps=80, prior_steps=80, batch=8, prior_batch=16,
                         threads=2, log=lambda s: None)
    for stage in ("autoencoder", "prior"):
        losses = [h["loss"] for h in report[stage]]
        assert np.mean(losses[-10:]) < 0.8 * np.mean(losses[:10]), stage
    assert sorted(os.listdir(out)) == ["config.json", "model.safetensors"]
    try:
        model = load(GenerateParams(prompt="a red mug", model=out), "cpu")
        assert model.ref == out and model.model.config["info"]["ae_steps"] == 80
        emb = model.encode("a red mug", guided=True)
        z = model.sample(emb, seed=1, steps=3, guidance=3.0)
        ae = model.model.config["autoencoder"]
        assert z.shape == (1, ae["latent_tokens"], ae["latent_dim"]) and bool(z.isfinite().all())
        # the size head learned the items' true sizes (metres): a positive extent per axis
        size = model.model.predict_size(emb[-1:])
        assert size.shape == (1, 3) and bool((size > 0).all())
        assert report["size"] and np.mean([h["loss"] for h in report["size"][-10:]]) < report["size"][0]["loss"]
    finally:
        registry.clear_cache()


def test_training_from_a_caption_table_with_a_deeper_decoder(tiny_corpus, tmp_path):
    """A GPU machine without the MiniLM package trains from a caption table written where MiniLM is; the table must
    cover every caption, and a model with more latent tokens and decoder rounds saves and loads as configured."""
    import torch

    from backend.generate.embedded import train
    from backend.generate.embedded.corpus import Corpus, param_ranges
    from backend.generate.embedded.model import load_model

    table = str(tmp_path / "captions.npz")
    n = train.write_caption_table(table, tiny_corpus)
    c = Corpus(tiny_corpus)
    texts = train.item_captions([c.meta[i] for i in c.indices("train")], param_ranges(), 0)
    assert n == len({t for ts in texts for t in ts})
    from_table = train.caption_embeddings(texts, "cpu", table, log=lambda s: None)
    direct = train.caption_embeddings(texts[:2], "cpu", None, log=lambda s: None)
    for cap, emb in direct.items():   # float16 in the file: the same embedding to 1e-3
        assert torch.allclose(from_table[cap], emb, atol=2e-3)
    with pytest.raises(ValueError, match="lacks 1 of"):
        train.caption_embeddings(texts + [["a caption the table never saw"]], "cpu", table, log=lambda s: None)
    out = str(tmp_path / "deep")
    report = train.train(out, corpus_folder=tiny_corpus, ae_steps=30, prior_steps=10, size_steps=10, batch=8,
                         prior_batch=16, log=lambda s: None, caption_table=table,
                         ae_config={"latent_tokens": 24, "cross_layers": 3})
    assert report["autoencoder"] and report["prior"]
    model = load_model(out)
    assert model.config["autoencoder"]["latent_tokens"] == 24 and len(model.autoencoder.decoder.cross) == 2
    assert model.config["prior"]["num_embeddings"] == 24 and model.size is not None


def test_earlier_v2_folders_load_with_their_single_decoder_round(tmp_path):
    """A v2 folder saved before the deeper decoder (16 tokens, no ``cross_layers`` in its config) loads as it was."""
    import json as _json

    from backend.generate.embedded.model import EmbeddedModel, load_model

    old = EmbeddedModel({"autoencoder": {"kind": "attention", "latent_tokens": 16, "cross_layers": 1},
                         "size_head": True})
    old.save(str(tmp_path))
    cfg_path = tmp_path / "config.json"
    cfg = _json.loads(cfg_path.read_text())
    del cfg["autoencoder"]["cross_layers"]
    cfg_path.write_text(_json.dumps(cfg))
    model = load_model(str(tmp_path))
    assert len(model.autoencoder.decoder.cross) == 0 and model.config["autoencoder"]["latent_tokens"] == 16


def test_inside_weight_counts_the_inside_of_thin_parts(tiny_corpus):
    """The SDF loss weighs query points inside the shape more: with the weight, a decoder that says 'empty'
    everywhere pays more than without it (the loss is what the grass blades and leaves needed)."""
    from backend.generate.embedded import train
    from backend.generate.embedded.corpus import Corpus
    from backend.generate.embedded.model import EmbeddedModel

    c = Corpus(tiny_corpus)
    first = {}
    for w in (1.0, 4.0):
        m = EmbeddedModel({})
        out = m.autoencoder.decoder.out   # the decoder says distance +SDF_CLAMP ('empty') everywhere
        out.weight.data.zero_()
        out.bias.data.zero_()
        out.bias.data[0] = 1.0
        first[w] = train.train_autoencoder(m, c.surface[:8], c.sdf[:8], 1, 8, 0, "cpu", log=lambda s: None,
                                           lr=0.0, inside_weight=w)[0]["sdf"]
    assert first[4.0] > first[1.0] * 1.2


def _run(tmp_path, seed=0, **params):
    events = []
    spec = JobSpec.from_json({"type": "generate", "output_dir": str(tmp_path), "name": "prop", "seed": seed,
                              "device": "cpu", "params": dict({"resolution": 48, "texture_size": 64,
                                                               "face_budget": 3000, "steps": 12}, **params)})
    ctx = JobContext("job", spec, events.append)
    run_job(ctx)
    return events[-1], events


def test_shipped_weights_make_a_closed_textured_mesh(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    try:
        final, events = _run(tmp_path / "a", prompt="a blue ceramic mug with a handle")
        assert final["event"] == "result", final.get("message")
        m = final["metadata"]
        assert (m["pipeline"], m["model"], m["guidance"]) == ("embedded", "conjure/embedded", 3.0)
        g = glb.read_glb(final["paths"]["glb"])
        faces = g["indices"].reshape(-1, 3)
        assert 100 < len(faces) <= 3000
        # watertight-ish: after welding the unwrap's seam duplicates, nearly every edge has two faces
        _, inverse = np.unique(np.round(g["positions"], 6), axis=0, return_inverse=True)
        f = inverse.ravel()[faces]
        edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
        _, counts = np.unique(edges, axis=0, return_counts=True)
        assert (counts == 2).mean() > 0.97
        previews = [e["preview"] for e in events if e["event"] == "progress" and e.get("preview")]
        assert previews and not os.path.exists(os.path.join(tmp_path / "a", ".preview"))  # cleaned at the end
        # the texture is mostly blue, as asked
        from PIL import Image
        tex = np.asarray(Image.open(final["paths"]["texture"]).convert("RGB"), np.float64) / 255.0
        lin = np.where(tex <= 0.04045, tex / 12.92, ((tex + 0.055) / 1.055) ** 2.4).reshape(-1, 3)
        names = [colors.name_of(c) for c in lin[:: max(len(lin) // 400, 1)]]
        assert max(set(names), key=names.count) == "blue"
        # same seed, same result
        again, _ = _run(tmp_path / "b", prompt="a blue ceramic mug with a handle")
        assert np.array_equal(glb.read_glb(again["paths"]["glb"])["positions"], g["positions"])
    finally:
        registry.clear_cache()


def test_size_words_set_the_default_size(tmp_path, monkeypatch):
    """With no size in the job, the result is as big as the model predicts from the prompt (the corpus kept every
    asset's true size); a size in the job wins."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    try:
        sizes = {}
        for k, prompt in enumerate(("a small ceramic mug", "a tall pine tree", "a sofa")):
            final, _ = _run(tmp_path / str(k), prompt=prompt, steps=4, resolution=32, preview_every=0)
            assert final["event"] == "result", final.get("message")
            g = glb.read_glb(final["paths"]["glb"])
            extent = np.ptp(np.asarray(g["positions"], np.float64), axis=0).max()
            sizes[prompt] = final["metadata"]["size"]
            assert extent == pytest.approx(sizes[prompt], rel=0.02)
        assert sizes["a small ceramic mug"] < 0.3 < sizes["a sofa"] < sizes["a tall pine tree"]
        final, _ = _run(tmp_path / "fixed", prompt="a tall pine tree", steps=4, resolution=32, preview_every=0,
                        size=1.5)
        assert final["metadata"]["size"] == 1.5
    finally:
        registry.clear_cache()


def test_embedded_refuses_pictures(tmp_path):
    from backend.jobs import SpecError

    img = tmp_path / "x.png"
    img.write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(SpecError, match="pipeline"):
        JobSpec.from_json({"type": "generate", "output_dir": str(tmp_path),
                           "params": {"image": str(img), "pipeline": "embedded"}})


def _cli(args, capsys):
    from backend.cli import main

    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_train_data_bad_inputs_are_reported(tmp_path, capsys, monkeypatch):
    import trimesh

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))   # the converted corpus goes here

    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = _cli(["train", "--data", str(empty), "--out", str(tmp_path / "m")], capsys)
    assert code == 2 and "no GLB or OBJ files" in err
    code, _, err = _cli(["train", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "m")], capsys)
    assert code == 2 and "is not a folder" in err

    data = tmp_path / "data"
    data.mkdir()
    box = trimesh.creation.box(extents=(1.0, 0.5, 0.3))
    box.visual.vertex_colors = np.tile([200, 30, 30, 255], (len(box.vertices), 1))
    box.export(data / "crate.glb")
    code, _, err = _cli(["train", "--data", str(data), "--out", str(tmp_path / "m")], capsys)
    assert code == 2 and "no captions file" in err

    open_box = trimesh.Trimesh(box.vertices, box.faces[:-2])   # two triangles missing: open edges
    open_box.export(data / "open.obj")
    (data / "broken.glb").write_bytes(b"glTF this is not a real file")
    trimesh.creation.icosphere(subdivisions=2).export(data / "ball.obj")
    (data / "captions.csv").write_text("file,caption\ncrate.glb,a red crate\nopen.obj,an open box\n"
                                       "broken.glb,a broken file\ngone.glb,a missing file\n")
    out = tmp_path / "model"
    code, stdout, err = _cli(["train", "--data", str(data), "--out", str(out), "--steps", "3", "--quiet"], capsys)
    assert code == 0, err
    result = json.loads(stdout.strip().splitlines()[-1])
    skipped = {s["file"]: s["reason"] for s in result["skipped"]}
    assert "watertight" in skipped["open.obj"]
    assert "cannot read" in skipped["broken.glb"]
    assert "not in the folder" in skipped["gone.glb"]
    assert "no caption" in skipped["ball.obj"]
    assert result["model"] == str(out) and sorted(os.listdir(out)) == ["config.json", "model.safetensors"]

    (data / "crate.glb").unlink()
    code, _, err = _cli(["train", "--data", str(data), "--out", str(tmp_path / "m2")], capsys)
    assert code == 2 and "none of the" in err


def test_a_sample_with_no_surface_is_drawn_again_from_the_next_free_seed(tmp_path, monkeypatch):
    """Seed 45 of this prompt decodes to a field with no surface (found by benchmarks/embedded_quality.py): the job
    draws the next free seed instead of failing, says so in the metadata, and does it the same way every time.
    If new weights make seed 45 work, pick another empty sample for this test."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    try:
        params = {"prompt": "there is a tall thin red clump of grass", "resolution": 64, "steps": 16,
                  "candidates": 2}
        final, _ = _run(tmp_path / "a", seed=45, **params)
        assert final["event"] == "result", final.get("message")
        m = final["metadata"]
        assert m["empty_seeds"] == [45] and m["seed"] == 47          # 46 is the second candidate's own seed
        assert [c["seed"] for c in final["candidates"]] == [47, 46]
        again, _ = _run(tmp_path / "b", seed=45, **params)
        assert np.array_equal(glb.read_glb(again["paths"]["glb"])["positions"],
                              glb.read_glb(final["paths"]["glb"])["positions"])
    finally:
        registry.clear_cache()
