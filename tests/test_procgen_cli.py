"""Headless procgen CLI in a fresh process: .blend + scene graph JSON; bad input -> one line on stderr, exit 2."""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "backend.procgen.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_scene_saves_blend_and_graph(tmp_path):
    out = _cli("scene", "--type", "tabletop", "--seed", "3", "--density", "0.5", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert os.path.getsize(info["blend"]) > 10000
    with open(info["graph"]) as f:
        graph = json.load(f)
    assert graph["type"] == "tabletop" and graph["seed"] == 3 and len(graph["objects"]) == info["objects"]


def test_asset_saves_blend(tmp_path):
    out = _cli("asset", "tree", "5", "--param", "conifer=1", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert os.path.exists(info["blend"]) and info["params"]["conifer"] == 1


@pytest.mark.parametrize("args, needle", [
    (("scene", "--type", "castle"), "type: must be one of room, tabletop, outdoor"),
    (("scene", "--type", "room", "--seed", "-4"), "seed: must be between 0"),
    (("scene", "--type", "room", "--density", "9"), "params.density: must be between 0.2 and 2"),
    (("asset", "dragon", "1"), "category: must be one of"),
    (("asset", "chair", "1", "--param", "seat_height=9"), "params.seat_height: must be between 0.4 and 0.5"),
    (("asset", "chair", "x"), "seed: must be a number"),
])
def test_bad_input_exits_2(tmp_path, args, needle):
    out = _cli(*args, "--out", str(tmp_path))
    assert out.returncode == 2
    assert needle in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert not any(name.endswith(".blend") for name in os.listdir(tmp_path))
