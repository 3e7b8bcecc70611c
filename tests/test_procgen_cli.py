"""Headless procgen CLI in a fresh process: .blend + scene graph JSON; bad input -> one line on stderr, exit 2."""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "backend.cli", *args], cwd=ROOT, capture_output=True,
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


def test_full_seed_range_and_render(tmp_path):
    """Seeds up to 2**32-1 are allowed everywhere (a seed past 2**31 used to raise OverflowError in Blender), and
    --render writes a PNG while stdout keeps only the JSON result (Blender's render noise goes to stderr)."""
    out = _cli("asset", "mug", "4000000000", "--out", str(tmp_path), "--render", str(tmp_path / "mug.png"),
               "--samples", "2", "--size", "32")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1, out.stdout  # nothing but the result on stdout
    info = json.loads(lines[0])
    assert os.path.getsize(info["render"]) > 100 and os.path.exists(info["blend"])
    import bpy  # the object keeps its full seed (as text: Blender's integer properties are 32-bit)
    bpy.ops.wm.open_mainfile(filepath=info["blend"])
    assert int(bpy.data.objects["mug"]["conjure_seed"]) == 4000000000


def test_scene_render_uses_scene_camera(tmp_path):
    out = _cli("scene", "--type", "tabletop", "--seed", "2", "--out", str(tmp_path), "--render",
               str(tmp_path / "t.png"), "--samples", "1", "--size", "32")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(out.stdout.strip().splitlines()) == 1 and os.path.getsize(info["render"]) > 100


def test_every_flag_has_help():
    from backend.cli import build_parser

    def walk(parser):
        for action in parser._actions:
            if hasattr(action, "choices") and isinstance(action.choices, dict):  # subcommands
                for sub in action.choices.values():
                    yield from walk(sub)
            elif action.dest != "help":
                yield parser.prog, action
    missing = [f"{prog} {a.option_strings or a.dest}" for prog, a in walk(build_parser()) if not a.help]
    assert not missing, missing
