"""``python -m backend.cli edit`` in a fresh process: graph .json in -> edited .json / .blend out; a .blend in ->
edited .blend out (undo history kept); ``batch.py -- edit`` (what ``blender -b --python batch.py`` runs);
bad input -> one line on stderr, exit 2, nothing written."""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cli(*args, entry=("-m", "backend.cli")):
    return subprocess.run([sys.executable, *entry, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def room_json(tmp_path_factory):
    from backend.procgen.plan import plan
    path = tmp_path_factory.mktemp("edit") / "room.json"
    path.write_text(json.dumps(plan("living_room", 2, edition=1)))  # the scene the messages below were written for
    return str(path)


def test_edit_json_to_json_and_blend(room_json, tmp_path):
    out = _cli("edit", room_json, "make the couch crimson", "--out", str(tmp_path / "e.json"),
               "--blend", str(tmp_path / "e.blend"))
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert info["group"] == "appearance" and info["diff"] == {"objects": {"added": [], "removed": [], "changed": ["sofa_0"]}}
    edited = json.load(open(info["graph"]))
    assert edited["edits"] == ["make the couch crimson"]
    assert os.path.getsize(info["blend"]) > 10000
    # the saved .blend holds the graph, so it can be edited again (in a new process, through batch.py)
    out2 = _cli("--", "edit", info["blend"], "add two candles on the coffee table", "--blend", str(tmp_path / "e2.blend"),
                entry=("batch.py",))
    assert out2.returncode == 0, out2.stderr
    info2 = json.loads(out2.stdout.strip().splitlines()[-1])
    n = sum(o["category"] == "candle" for o in json.load(open(room_json))["objects"])  # candles already there
    assert info2["diff"]["objects"]["added"] == [f"candle_{n}", f"candle_{n + 1}"]
    check = subprocess.run([sys.executable, "-c", (
        "import bpy, json, sys; bpy.ops.wm.open_mainfile(filepath=sys.argv[1]);"
        "c = [c for c in bpy.data.collections if 'conjure_graph' in c][0];"
        "print(json.dumps([json.loads(c['conjure_graph'])['edits'], [json.loads(c['conjure_edit_history'])[0]['instruction']],"
        "sorted(o.name for o in c.objects if o.name.startswith('candle'))]))"), info2["blend"]],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert json.loads(check.stdout.strip().splitlines()[-1]) == [
        ["make the couch crimson", "add two candles on the coffee table"], ["add two candles on the coffee table"],
        [f"candle_{i}" for i in range(n + 2)]]  # the room's own candles and the two added


@pytest.mark.parametrize("args,msg", [
    (["add ten sofas"], "only 2 of 10 sofas fit"),
    (["make the sofa flurble"], "'flurble' is not a colour or material"),
    (["make it red", "--select", "nope_0"], None),
    ([""], "the instruction is empty"),
])
def test_edit_errors(room_json, tmp_path, args, msg):
    out = _cli("edit", room_json, *args, "--out", str(tmp_path / "x.json"))
    if msg is None:  # an unknown selection id is ignored and the choice is reported
        assert out.returncode == 0 and "nothing selected" in out.stdout
        return
    assert out.returncode == 2 and out.stderr.strip().splitlines()[-1].startswith("error: ") and msg in out.stderr
    assert not (tmp_path / "x.json").exists()


def test_edit_bad_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    for path, msg in ((str(tmp_path / "missing.json"), "no such file"), (str(bad), "not a readable scene graph")):
        out = _cli("edit", path, "make it night")
        assert out.returncode == 2 and msg in out.stderr
    blend = tmp_path / "x.blend"
    blend.write_bytes(b"BLENDER")
    out = _cli("edit", str(blend), "make it night")
    assert out.returncode == 2 and "--blend: say where to save" in out.stderr


def test_add_a_prop_from_text(room_json, tmp_path):
    """"add a brass telescope by the window": a real generate job (embedded model, offline) on a worker this
    command starts, the GLB placed on the floor by the window under the planner's constraints, built into the .blend."""
    out = _cli("edit", room_json, "add a brass telescope by the window", "--out", str(tmp_path / "t.json"),
               "--blend", str(tmp_path / "t.blend"), "--prop-dir", str(tmp_path / "props"), "--offline", "--quiet")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert info["group"] == "add_prop" and info["diff"]["objects"]["added"] == ["prop_0"]
    g = json.load(open(info["graph"]))
    prop = next(o for o in g["objects"] if o["id"] == "prop_0")
    assert prop["prompt"] == "brass telescope" and os.path.isfile(prop["glb"]) and prop["support"] == "floor"
    win = next(s for s in g["structure"] if s["category"] == "window")["geometry"]["location"]
    c = [(prop["bounds"]["lo"][k] + prop["bounds"]["hi"][k]) / 2 for k in (0, 1)]
    assert ((c[0] - win[0]) ** 2 + (c[1] - win[1]) ** 2) ** 0.5 < 2.5  # by the window
    from backend.procgen.constraints import violations
    from backend.procgen.plan import plan
    assert set(violations(g)) <= set(violations(plan("living_room", 2)))
    check = subprocess.run([sys.executable, "-c", (
        "import bpy, sys; bpy.ops.wm.open_mainfile(filepath=sys.argv[1]); o = bpy.data.objects['prop_0'];"
        "print(len(o.data.vertices), o['conjure_prompt'], round(max(o.dimensions), 2))"), info["blend"]],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    nverts, _, size = check.stdout.strip().splitlines()[-1].rpartition(" ")[0].split(" ", 1)[0], None, \
        check.stdout.strip().splitlines()[-1].split()[-1]
    assert int(nverts) > 100 and abs(float(size) - 1.0) < 0.05
