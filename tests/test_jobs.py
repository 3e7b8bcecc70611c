"""Job specs: every bad field gets a clear error naming it (no bpy, no worker)."""
import json
import math
import os

import pytest

from backend.jobs import JobSpec, SpecError, load_spec_file
from conftest import small_spec


def err(spec) -> SpecError:
    with pytest.raises(SpecError) as e:
        JobSpec.from_json(spec)
    return e.value


def test_valid_spec_round_trips(tmp_path):
    spec = JobSpec.from_json(small_spec(tmp_path))
    again = JobSpec.from_json(json.dumps(spec.to_json()))
    assert again == spec
    assert spec.params.primitives[0].kind == "sphere"


@pytest.mark.parametrize("mutate, field, words", [
    (lambda s: s.update(type="teleport"), "type", "must be one of"),
    (lambda s: s.pop("output_dir"), "output_dir", "required"),
    (lambda s: s.update(colour="red"), "colour", "unknown field"),
    (lambda s: s["params"].update(resolution=100000), "resolution", "between 8 and 256"),
    (lambda s: s["params"].update(resolution=2.5), "resolution", "whole number"),
    (lambda s: s["params"].update(texture_size=-1), "texture_size", "between"),
    (lambda s: s["params"].update(face_budget=0), "face_budget", "between"),
    (lambda s: s["params"].update(blend=float("nan")), "blend", "finite"),
    (lambda s: s["params"].update(primitives=[]), "primitives", "at least one"),
    (lambda s: s["params"].update(primitives=[{"kind": "sphere", "size": [-1, 0, 0]}]), "size[0]", "between"),
    (lambda s: s["params"].update(primitives=[{"kind": "sphere", "size": [0, 0, 0]}]), "size[0]", "positive"),
    (lambda s: s["params"].update(primitives=[{"kind": "cone"}]), "kind", "must be one of"),
    (lambda s: s["params"].update(primitives=[{"kind": "sphere", "center": [0, 0]}]), "center", "3 numbers"),
    (lambda s: s["params"].update(primitives=[{"kind": "sphere", "center": [0, math.inf, 0]}]), "center[1]", "finite"),
    (lambda s: s["params"].update(primitives=[{"kind": "sphere", "subtract": True}]), "primitives", "add material"),
    (lambda s: s["params"].update(primitives=[{"kind": "torus", "size": [0.1, 0.2, 0]}]), "size[1]", "minor radius"),
    (lambda s: s.update(seed=-1), "seed", "between"),
    (lambda s: s.update(seed="seven"), "seed", "number"),
    (lambda s: s.update(name="../../etc/passwd"), "name", "letters"),
    (lambda s: s.update(device="tpu"), "device", "must be one of"),
])
def test_bad_fields_are_named(tmp_path, mutate, field, words):
    spec = small_spec(tmp_path)
    spec["params"] = json.loads(json.dumps(spec["params"]))
    mutate(spec)
    e = err(spec)
    assert field in e.field, (e.field, str(e))
    assert words in str(e)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_dir_non_root(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    assert "not writable" in str(err(small_spec(ro / "sub")))


def test_output_dir_that_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    assert "is not a folder" in str(err(small_spec(f / "sub")))


def test_unwritable_output_dir(tmp_path):
    # /proc is not writable even for root.
    assert err(small_spec("/proc/conjure-out")).field == "output_dir"


def test_not_json():
    assert "not valid JSON" in str(err("{nope"))


def test_toml_spec_file_and_overrides(tmp_path):
    f = tmp_path / "job.toml"
    f.write_text(f'''
type = "implicit_shape"
name = "ball"
output_dir = "{tmp_path}"
[params]
resolution = 16
[[params.primitives]]
kind = "sphere"
size = [0.5, 0, 0]
''')
    spec = load_spec_file(str(f), {"seed": 5})
    assert spec.seed == 5 and spec.params.resolution == 16
    f.write_text("type = ")
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec_file(str(f))
