"""GLB files: every kind Conjure writes passes the Khronos glTF Validator (0 errors, 0 warnings), reads back as
written, stands Y-up, and the same inputs give the same bytes.

The validator is the npm package ``gltf-validator`` that ``make setup`` installs into ``.tools/``; it runs under
Node.js through ``tests/gltf_validate.js``. Without Node.js or the package these tests fail (they do not skip).
"""
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from backend.generate import model_cache
from backend.jobs import JobSpec
from backend.mesh import glb
from backend.worker.runner import JobContext, run_job
from conftest import ROOT, box_mesh, small_spec

VALIDATOR = os.path.join(ROOT, ".tools", "node_modules", "gltf-validator")
SCRIPT = os.path.join(ROOT, "tests", "gltf_validate.js")
GENERATE = {"steps": 3, "resolution": 24, "texture_size": 32, "face_budget": 600, "preview_every": 0}


def validate(path) -> dict:
    """The glTF Validator's report on ``path`` (a dict, as its JSON)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (`node`) is not on PATH: the glTF Validator needs it (install Node.js, then `make setup`)")
    if not os.path.isfile(os.path.join(VALIDATOR, "package.json")):
        pytest.fail(f"the glTF Validator is not installed in {VALIDATOR}: run `make setup`")
    r = subprocess.run([node, SCRIPT, str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"gltf_validate.js failed ({r.returncode}): {r.stderr}"
    return json.loads(r.stdout)


def assert_valid(path) -> dict:
    """0 errors and 0 warnings (infos and hints are allowed); returns the report's issues."""
    issues = validate(path)["issues"]
    bad = [m for m in issues["messages"] if m["severity"] <= 1]  # 0 error, 1 warning, 2 info, 3 hint
    assert issues["numErrors"] == 0 and issues["numWarnings"] == 0, json.dumps(bad, indent=1)
    return issues


def run(spec: dict) -> dict:
    events = []
    run_job(JobContext("job", JobSpec.from_json(spec), events.append))
    assert events[-1]["event"] == "result", events[-1].get("message")
    return events[-1]


def chunks(path) -> tuple[dict, bytes]:
    data = open(path, "rb").read()
    jlen = struct.unpack_from("<I", data, 12)[0]
    return json.loads(data[20:20 + jlen]), data


def box():
    """A textured unit box standing on Z=0 (Z up): positions, normals, uvs, indices, png."""
    pos, nrm, uv, idx = box_mesh()
    buf = io.BytesIO()
    Image.fromarray(np.tile(np.array([200, 40, 40], np.uint8), (4, 4, 1))).save(buf, format="PNG")
    return pos, nrm, uv * 0.5 + 0.25, idx, buf.getvalue()


@pytest.fixture
def models(tiny_model_dir, monkeypatch):
    monkeypatch.setenv("CONJURE_MODEL_DIR", tiny_model_dir)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield tiny_model_dir
    model_cache.clear_cache()


# --------------------------------------------------------------------------- the validator, on every kind
def test_implicit_shape_glb_is_valid(tmp_path):
    assert_valid(run(small_spec(tmp_path))["paths"]["glb"])


@pytest.mark.parametrize("params", [{"pipeline": "shap-e", "prompt": "a red chair"},
                                    {"pipeline": "point-e", "prompt": "a chair", "output": "both"}],
                         ids=["shap-e", "point-e"])
def test_generate_glb_is_valid(models, tmp_path, params):
    """The tiny models' outputs are noise: ragged, many-part meshes, a harder case than a clean shape."""
    spec = {"type": "generate", "name": "prop", "seed": 0, "output_dir": str(tmp_path), "device": "cpu",
            "params": {**GENERATE, **params}}
    assert_valid(run(spec)["paths"]["glb"])


def test_box_and_zero_normals_are_valid(tmp_path):
    """A zero normal (a flat spot of an SDF) is replaced by the mesh's own: glTF requires unit normals."""
    pos, nrm, uv, idx, png = box()
    nrm[0] = 0.0
    nrm[5] = np.nan
    path = tmp_path / "box.glb"
    glb.write_glb(str(path), pos, nrm, uv, idx, png, name="box")
    issues = assert_valid(path)
    assert issues["numInfos"] == 0 and issues["numHints"] == 0, issues["messages"]  # nor infos, nor hints
    n = glb.read_glb(str(path))["normals"]
    np.testing.assert_allclose(np.linalg.norm(n, axis=1), 1.0, atol=1e-6)


def test_validator_catches_a_broken_file(tmp_path):
    """The check is real: a GLB whose accessor runs past its buffer is an error."""
    pos, nrm, uv, idx, png = box()
    path = tmp_path / "bad.glb"
    glb.write_glb(str(path), pos, nrm, uv, idx, png)
    doc, data = chunks(path)
    doc["accessors"][doc["meshes"][0]["primitives"][0]["attributes"]["POSITION"]]["count"] *= 100
    js = json.dumps(doc).encode()
    js += b" " * (-len(js) % 4)
    rest = data[20 + struct.unpack_from("<I", data, 12)[0]:]
    path.write_bytes(struct.pack("<III", 0x46546C67, 2, 20 + len(js) + len(rest))
                     + struct.pack("<II", len(js), 0x4E4F534A) + js + rest)
    assert validate(path)["issues"]["numErrors"] > 0


# --------------------------------------------------------------------------- what the file holds
def test_round_trip_and_y_up(tmp_path):
    pos, nrm, uv, idx, png = box()
    path = tmp_path / "box.glb"
    extras = {"conjure_spec": {"type": "implicit_shape", "seed": 3}, "faces": 12}
    glb.write_glb(str(path), pos, nrm, uv, idx, png, name="crate", roughness=0.3, metallic=0.25, extras=extras)
    g = glb.read_glb(str(path))
    np.testing.assert_array_equal(g["positions"], pos.astype(np.float32))
    np.testing.assert_allclose(g["normals"], nrm, atol=1e-7)
    np.testing.assert_allclose(g["uvs"], uv, atol=1e-7)
    np.testing.assert_array_equal(g["indices"], idx)
    assert g["texture_png"] == png  # the PNG goes in as it was written beside the GLB
    assert g["extras"] == extras and g["name"] == "crate"
    pbr = g["material"]["pbrMetallicRoughness"]
    assert (pbr["roughnessFactor"], pbr["metallicFactor"]) == (0.3, 0.25)
    # In the file the box stands on y = 0, 1 high (glTF is Y up), and no node transform is needed for that.
    doc, _ = chunks(path)
    acc = doc["accessors"][doc["meshes"][0]["primitives"][0]["attributes"]["POSITION"]]
    assert acc["min"][1] == 0.0 and acc["max"][1] == 1.0
    assert not {"matrix", "rotation", "translation", "scale"} & set(doc["nodes"][0])
    assert doc["asset"]["extras"] == extras


def test_same_inputs_same_bytes_across_processes(tmp_path):
    """Determinism does not hang on Python's per-process hash seed (trimesh keys its buffers by hashes)."""
    code = ("import sys, hashlib, numpy as np; sys.path.insert(0, 'tests'); from test_glb import box; "
            "from backend.mesh.glb import glb_bytes; p, n, u, i, png = box(); "
            "print(hashlib.sha256(glb_bytes(p, n, u, i, png, name='b', extras={'a': [1, 2]})).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                              env=dict(os.environ, PYTHONHASHSEED=seed)).stdout.strip() for seed in ("1", "2")}
    assert len(digests) == 1, digests
    pos, nrm, uv, idx, png = box()
    here = glb.glb_bytes(pos, nrm, uv, idx, png, name="b", extras={"a": [1, 2]})
    assert hashlib.sha256(here).hexdigest() in digests


def test_write_is_atomic_and_refuses_bad_input(tmp_path):
    pos, nrm, uv, idx, png = box()
    path = tmp_path / "box.glb"
    glb.write_glb(str(path), pos, nrm, uv, idx, png)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="face indices"):
        glb.write_glb(str(path), pos, nrm, uv, idx + 100, png)
    with pytest.raises(ValueError, match="uvs"):
        glb.write_glb(str(path), pos, nrm, uv[:3], idx, png)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["box.glb"]


def test_legacy_file_with_node_rotation_is_read_z_up(tmp_path):
    """GLBs written before trimesh kept Z-up vertices under a node rotation: they still read the same."""
    pos = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 2]], dtype=np.float32)
    idx = np.array([0, 1, 2, 0, 2, 3], dtype=np.uint32)
    binary = pos.tobytes() + idx.tobytes()
    doc = {"asset": {"version": "2.0", "extras": {"x": 1}}, "scene": 0, "scenes": [{"nodes": [0]}],
           "nodes": [{"mesh": 0, "name": "old", "rotation": [-0.70710678, 0.0, 0.0, 0.70710678]}],
           "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1}]}],
           "accessors": [{"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3"},
                         {"bufferView": 1, "componentType": 5125, "count": 6, "type": "SCALAR"}],
           "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": 48},
                           {"buffer": 0, "byteOffset": 48, "byteLength": 24}],
           "buffers": [{"byteLength": len(binary)}]}
    js = json.dumps(doc).encode()
    js += b" " * (-len(js) % 4)
    path = tmp_path / "old.glb"
    path.write_bytes(struct.pack("<III", 0x46546C67, 2, 28 + len(js) + len(binary))
                     + struct.pack("<II", len(js), 0x4E4F534A) + js + struct.pack("<II", len(binary), 0x004E4942)
                     + binary)
    g = glb.read_glb(str(path))
    np.testing.assert_array_equal(g["positions"], pos)
    assert g["name"] == "old" and g["extras"] == {"x": 1} and g["texture_png"] is None


def test_blenders_own_gltf_importer_stands_it_upright(bpy_module, tmp_path):
    """Another glTF reader (Blender's io_scene_gltf2) sees the same object: Z up, on Z=0, textured."""
    bpy = bpy_module
    pos, nrm, uv, idx, png = box()
    path = tmp_path / "tall.glb"
    glb.write_glb(str(path), pos * [1.0, 2.0, 3.0], nrm, uv, idx, png, name="tall")
    bpy.ops.wm.read_factory_settings(use_empty=True)
    assert bpy.ops.import_scene.gltf(filepath=str(path)) == {"FINISHED"}
    (obj,) = bpy.context.scene.objects
    co = np.array([v.co[:] for v in obj.data.vertices])
    np.testing.assert_allclose(obj.matrix_world, np.eye(4), atol=1e-6)
    np.testing.assert_allclose([co.min(axis=0), co.max(axis=0)], [[-0.5, -1.0, 0.0], [0.5, 1.0, 3.0]], atol=1e-6)
    images = [n.image for n in obj.data.materials[0].node_tree.nodes if n.type == "TEX_IMAGE"]
    assert len(images) == 1 and tuple(images[0].size) == (4, 4)
    bpy.ops.wm.read_factory_settings(use_empty=True)
