"""Shared test set-up: real bpy (Blender as a module) with Conjure loaded as an extension, real worker processes.

Blender's user folders point at a temporary directory (set before bpy is imported), so tests never touch
the machine's Blender config. The repository is linked into the ``user_default`` extension repository
and enabled as ``bl_ext.user_default.conjure``, exactly as Blender loads an installed extension.
"""
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
_USER = tempfile.mkdtemp(prefix="conjure-test-user-")
os.environ.setdefault("BLENDER_USER_RESOURCES", _USER)
os.environ.setdefault("CONJURE_WORKER_PYTHON", VENV_PYTHON if os.path.exists(VENV_PYTHON) else sys.executable)
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
sys.dont_write_bytecode = True
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
from backend.determinism import pin_blas  # noqa: E402

pin_blas()  # before bpy or numpy load OpenBLAS: the pinned digests were taken with its Haswell kernels

import pytest  # noqa: E402

ADDON = "bl_ext.user_default.conjure"

# Tiny but real implicit-shape params: fast enough for many tests on 2 cores.
SMALL_PARAMS = {
    "primitives": [
        {"kind": "sphere", "center": [0, 0, 0.3], "size": [0.3, 0, 0], "color": [0.9, 0.2, 0.2]},
        {"kind": "box", "center": [0, 0, 0.65], "size": [0.15, 0.15, 0.15], "color": [0.2, 0.2, 0.9]},
    ],
    "blend": 0.05, "resolution": 24, "texture_size": 64, "face_budget": 1500,
}

# A job slow enough (tens of seconds) to be cancelled or killed in the middle.
SLOW_PARAMS = {
    "primitives": [{"kind": "torus", "center": [0, 0, 0], "size": [0.5, 0.2, 0], "color": [0.5, 0.5, 0.5]},
                   {"kind": "sphere", "center": [0.3, 0.3, 0.3], "size": [0.3, 0, 0]}],
    "blend": 0.1, "resolution": 256, "texture_size": 4096, "face_budget": 400000,
}


def box_mesh(half=(0.5, 0.5, 0.5)):
    """A box standing on Z=0 with a UV square per face: Float[24, 3] positions and normals, Float[24, 2] UVs,
    Int[12, 3] triangles (what the tests write as GLBs)."""
    import numpy as np
    hx, hy, hz = half
    corners = np.array([[x, y, z] for z in (0, 2 * hz) for y in (-hy, hy) for x in (-hx, hx)], dtype=np.float64)
    quads = [(0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (2, 6, 7, 3), (0, 4, 6, 2), (1, 3, 7, 5)]
    pos, nrm, uv, idx = [], [], [], []
    for q in quads:
        p = corners[list(q)]
        n = np.cross(p[1] - p[0], p[2] - p[0])
        base = len(pos)
        pos += list(p)
        nrm += [n / np.linalg.norm(n)] * 4
        uv += [(0, 0), (1, 0), (1, 1), (0, 1)]
        idx += [(base, base + 1, base + 2), (base, base + 2, base + 3)]
    return np.array(pos), np.array(nrm), np.array(uv, dtype=np.float64), np.array(idx)


def small_spec(out_dir, **kw):
    spec = {"type": "implicit_shape", "name": "small", "seed": 0, "output_dir": str(out_dir),
            "params": dict(SMALL_PARAMS)}
    spec.update(kw)
    return spec


@pytest.fixture(scope="session")
def bpy_module():
    import bpy
    return bpy


@pytest.fixture(scope="session")
def _addon_linked(bpy_module):
    """The repository linked into the ``user_default`` extension repository, as an installed extension is."""
    bpy = bpy_module
    repo = next(r for r in bpy.context.preferences.extensions.repos if r.module == "user_default")
    os.makedirs(repo.directory, exist_ok=True)
    link = os.path.join(repo.directory, "conjure")
    if not os.path.exists(link):
        os.symlink(ROOT, link)
    yield
    if hasattr(bpy.types.Scene, "conjure"):
        bpy.ops.preferences.addon_disable(module=ADDON)


@pytest.fixture
def addon(_addon_linked, bpy_module):
    """Conjure enabled in real Blender. Enabled again when needed: reading factory settings (which other
    tests do) disables add-ons that are not in the saved preferences."""
    if not hasattr(bpy_module.types.Scene, "conjure"):
        bpy_module.ops.preferences.addon_enable(module=ADDON)
    assert hasattr(bpy_module.types.Scene, "conjure"), "Conjure did not register"
    return sys.modules[ADDON]


@pytest.fixture
def fresh_scene(addon, bpy_module):
    """An empty scene with Conjure enabled; the worker is stopped afterwards."""
    bpy_module.ops.wm.read_factory_settings(use_empty=True)
    if not hasattr(bpy_module.types.Scene, "conjure"):  # the reset disabled it: enable again
        bpy_module.ops.preferences.addon_enable(module=ADDON)
    yield bpy_module.context.scene
    session = sys.modules[ADDON + ".backend.blender.session"]
    session.stop_worker()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A model folder (hub cache layout) with every tiny model Conjure knows: use as CONJURE_MODEL_DIR."""
    from backend.generate.tiny import build_model_dir
    return build_model_dir(str(tmp_path_factory.mktemp("models")))


# bpy 4.5 can hang for ever in a static destructor at interpreter exit after Cycles renders (seen in shard processes
# and once in a test run that had finished). Once pytest has reported everything, leave without that teardown.
_EXIT_STATUS = {"code": None}


def pytest_sessionfinish(session, exitstatus):
    _EXIT_STATUS["code"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    if _EXIT_STATUS["code"] is not None and "bpy" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS["code"])
