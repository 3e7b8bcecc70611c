"""Run by test_extension.py in a fresh interpreter of a given bpy version:
install the built zip with Blender's own operator, enable, check the wheels Blender installed import here,
generate, render a small dataset from the panel (its processes import the wheels too), use the CLI from the
installed folder, disable, uninstall; check nothing is left registered and nothing was written into the extension.

    python extension_roundtrip.py ZIP WORKER_PYTHON OUT_DIR
"""
import importlib
import os
import subprocess
import sys
import tempfile
import time

USER = tempfile.mkdtemp(prefix="conjure-ext-user-")
os.environ["BLENDER_USER_RESOURCES"] = USER

import bpy  # noqa: E402

ADDON = "bl_ext.user_default.conjure"


def files_under(folder):
    out = set()
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]  # Python's own bytecode cache
        out.update(os.path.relpath(os.path.join(root, f), folder) for f in files)
    return out


def main(zip_path, worker_python, out_dir):
    repo = next(r for r in bpy.context.preferences.extensions.repos if r.module == "user_default")
    os.makedirs(repo.directory, exist_ok=True)
    result = bpy.ops.extensions.package_install_files(filepath=zip_path, repo="user_default",
                                                     enable_on_install=True)
    assert result == {"FINISHED"}, result
    assert ADDON in bpy.context.preferences.addons, "not enabled after install"
    ext_dir = os.path.join(repo.directory, "conjure")
    before = files_under(ext_dir)
    assert "blender_manifest.toml" in before and "backend/worker/server.py" in before
    assert not any(p.startswith("tests/") for p in before), "tests must not ship in the zip"

    # The wheels Blender installed with the extension (this platform's) are what this Blender imports
    runs = sys.modules[ADDON + ".backend.blender.dataset_runs"]
    (site,) = runs.wheel_paths()
    mods = ("pycocotools.mask", "OpenEXR", "PIL.Image")
    for mod in mods:  # importable here (from the wheels, unless this Python has its own copy earlier on sys.path)
        importlib.import_module(mod)
    code = f"import sys; sys.path.insert(0, {site!r}); " + "; ".join(f"import {m}" for m in mods) + \
        "; print(" + ", ".join(f"{m}.__file__" for m in mods) + ")"
    files = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert len(files) == 3 and all(f.startswith(site + os.sep) for f in files), (files, site)

    session = sys.modules[ADDON + ".backend.blender.session"]
    prefs = bpy.context.preferences.addons[ADDON].preferences
    prefs.worker_python = worker_python
    scene = bpy.context.scene
    bpy.ops.conjure.load_preset(preset="ring")
    p = scene.conjure
    p.resolution, p.texture_size, p.face_budget, p.output_dir = 24, 64, 1000, out_dir
    assert bpy.ops.conjure.shape_generate() == {"FINISHED"}
    session.run_until_idle(120)
    job = p.jobs[-1]
    assert job.state == "DONE", (job.state, job.error)
    obj = bpy.data.objects[job.object_name]
    assert obj.data.uv_layers and obj.active_material and "conjure_spec" in obj
    worker_proc = session._rt.link.client.proc

    # A dataset from the panel: as the bpy module its processes run in this Python, with the wheels
    assert runs.processes() == (sys.executable, ""), runs.processes()
    d = scene.conjure.dataset
    d.scene_type, d.seed_start, d.scenes, d.frames, d.resolution, d.quality = "tabletop", 2, 1, 1, 32, "preview"
    d.output_dir, d.python = os.path.join(out_dir, "dataset"), ""
    assert bpy.ops.conjure.dataset_start() == {"FINISHED"}
    deadline = time.monotonic() + 150
    while d.state == "RUNNING" and time.monotonic() < deadline:
        runs.tick()
        time.sleep(0.2)
    assert d.state == "DONE", (d.state, d.message, d.error)
    assert os.path.exists(os.path.join(out_dir, "dataset", "coco.json"))
    left = os.listdir(site)  # the run's headless Blenders left this Blender's installed wheels alone
    assert all(any(n.lower().startswith(m) for n in left) for m in ("pycocotools", "openexr", "pil")), left

    # The headless CLI works from the installed extension's folder too.
    spec = os.path.join(out_dir, "spec.json")
    with open(spec, "w") as f:
        f.write('{"type": "noop", "output_dir": "%s"}' % out_dir)
    cli = subprocess.run([worker_python, "-m", "backend.cli", "run", spec, "--quiet"], cwd=ext_dir,
                         capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert cli.returncode == 0, cli.stderr
    assert files_under(ext_dir) == before, sorted(files_under(ext_dir) ^ before)

    tick = session.tick
    bpy.ops.preferences.addon_disable(module=ADDON)
    leftovers = [n for n in dir(bpy.types) if n.startswith(("CONJURE_", "Conjure"))]
    assert not leftovers, leftovers
    assert not hasattr(bpy.types.Scene, "conjure"), "Scene.conjure left behind"
    assert not bpy.app.timers.is_registered(tick), "timer left registered"
    assert worker_proc.poll() is not None, "worker left running"
    assert not any(getattr(h, "__module__", "").startswith(ADDON)
                   for hs in (bpy.app.handlers.load_post, bpy.app.handlers.depsgraph_update_post) for h in hs)

    repo_index = list(bpy.context.preferences.extensions.repos).index(repo)
    bpy.ops.extensions.package_uninstall(repo_index=repo_index, pkg_id="conjure")
    assert not os.path.exists(ext_dir), "still installed"
    print("EXTENSION_ROUNDTRIP_OK", bpy.app.version_string)


if __name__ == "__main__":
    main(*sys.argv[1:4])
    # Every check is done. bpy 4.5 can hang for ever in a static destructor at exit (GlobalState and its
    # delayed_close_thread, seen after this script's extension install + dataset run): leave without them.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
