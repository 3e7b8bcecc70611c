"""Datasets: ground truth verified against known geometry, the dataset files, resume, executors, bad input.

One tiny dataset (tabletop, 64 px, 4 samples) is rendered once per module and checked from several sides;
the pass conventions are checked on a hand-made scene whose answers are known.
"""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")
from mathutils import Matrix  # noqa: E402

from backend.dataset.camera import GL_TO_CV, intrinsics, look_at, project, trajectory, valid_location  # noqa: E402
from backend.dataset.orchestrator import DatasetError, run  # noqa: E402
from backend.dataset.passes import STUDIO_LIGHT, sky_flow  # noqa: E402
from backend.dataset.spec import DatasetSpec, RunOptions  # noqa: E402
from backend.jobs import SpecError  # noqa: E402
from backend.procgen.plan import plan  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = sys.executable
TINY = {"scene_type": "tabletop", "seeds": [3], "frames": 3, "frames_per_shard": 2, "width": 64, "height": 64,
        "render": {"samples": 4}}


def _spec(out, **kw):
    return DatasetSpec.from_json({**TINY, "output_dir": str(out), **kw})


def _unproject(K, c2w, depth):
    """Pixel centres with depth -> world points Float[H, W, 3]."""
    h, w = depth.shape
    u, v = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    cv = np.stack([(u - K[0][2]) / K[0][0], (v - K[1][2]) / K[1][1], np.ones_like(u)], -1) * depth[..., None]
    gl = cv @ GL_TO_CV  # diag: its own inverse
    return gl @ np.asarray(c2w)[:3, :3].T + np.asarray(c2w)[:3, 3]


# --------------------------------------------------------------------- passes on a known scene
@pytest.fixture
def known_scene(tmp_path):
    """A floor plane at z = 0, a cube (id 2) whose top face is tilted 30 degrees about x, a camera at height 5
    looking straight down."""
    from backend.blender import dataset as bds
    bds.new_scene()
    scene = bpy.context.scene
    bpy.ops.mesh.primitive_plane_add(size=40, location=(0, 0, 0))
    plane = bpy.context.object
    plane.pass_index = 1
    bpy.ops.mesh.primitive_cube_add(size=1, location=(1.0, 0.5, 1.0), rotation=(np.radians(30), 0, 0))
    cube = bpy.context.object
    cube.pass_index = 2
    spec = _spec(tmp_path, width=48, height=40)
    c2w = look_at((0, 0, 5), (0, 0, 0), up=(0, 1, 0))
    name = bds._camera(scene, "Cam", 35.0, [c2w, c2w])
    scene.camera = bpy.data.objects[name]
    bds.setup_render(scene, spec)
    scene.frame_set(1)
    passes = bds.render_exr(scene, str(tmp_path / "f.exr"))
    gt = bds.ground_truth(passes, np.array(scene.camera.matrix_world), np.array([0, 7, 9]))
    K = intrinsics(35.0, bds.SENSOR_MM, 48, 40)
    yield gt, K, np.array(scene.camera.matrix_world), cube
    bpy.ops.wm.read_factory_settings(use_empty=True)


def _eroded(mask):
    m = mask.copy()
    m[1:] &= mask[:-1]
    m[:-1] &= mask[1:]
    m[:, 1:] &= mask[:, :-1]
    m[:, :-1] &= mask[:, 1:]
    return m


def test_depth_is_z_depth_of_a_plane(known_scene):
    gt, K, c2w, _ = known_scene
    floor = gt["instance"] == 1
    assert floor.sum() > 500
    assert np.allclose(gt["depth"][floor], 5.0, atol=1e-3)  # z-depth: the same at the image corners
    world = _unproject(K, c2w, gt["depth"])
    assert np.allclose(world[floor][:, 2], 0.0, atol=2e-3)  # K and pose back-project the floor onto z = 0


def test_normals_in_camera_space(known_scene):
    gt, K, c2w, cube = known_scene
    n = gt["normal"]
    floor = _eroded(gt["instance"] == 1)  # normals are averaged over a pixel's samples: skip silhouettes
    assert floor.sum() > 500
    assert np.allclose(n[floor], [0, 0, 1], atol=1e-3)  # floor faces the camera: +Z in OpenGL camera axes
    top_world = np.array(cube.matrix_world.to_3x3() @ Matrix.Identity(3).col[2])  # the cube's +Z face
    expect = c2w[:3, :3].T @ top_world
    on_cube = _eroded(gt["instance"] == 2)
    close = np.linalg.norm(n[on_cube] - expect, axis=1) < 1e-3
    assert close.mean() > 0.5  # most cube pixels see the tilted top face, with exactly its normal


def test_ids_semantics_and_reprojection_of_a_known_point(known_scene):
    gt, K, c2w, cube = known_scene
    assert set(np.unique(gt["instance"])) == {0, 1, 2} or set(np.unique(gt["instance"])) == {1, 2}
    assert (gt["semantic"][gt["instance"] == 2] == 9).all() and (gt["semantic"][gt["instance"] == 1] == 7).all()
    top_centre = np.array(cube.matrix_world @ Matrix.Translation((0, 0, 0.5)).to_translation())
    uv, z = project(K, c2w, top_centre)
    u, v = uv[0]
    assert gt["instance"][int(v), int(u)] == 2
    assert abs(gt["depth"][int(v), int(u)] - z[0]) < 0.05


def test_flow_includes_object_motion(tmp_path):
    """A cube moving 0.3 m along +x between frames under a still camera: flow on the cube is its projected
    motion, the floor's is zero."""
    from backend.blender import dataset as bds
    bds.new_scene()
    scene = bpy.context.scene
    bpy.ops.mesh.primitive_plane_add(size=40, location=(0, 0, 0))
    bpy.context.object.pass_index = 1
    bpy.ops.mesh.primitive_cube_add(size=1, location=(0, 0, 0.5))
    cube = bpy.context.object
    cube.pass_index = 2
    for frame, x in ((1, 0.0), (2, 0.3)):
        cube.location.x = x
        cube.keyframe_insert("location", frame=frame)
    c2w = look_at((0, 0, 6), (0, 0, 0), up=(0, 1, 0))
    scene.camera = bpy.data.objects[bds._camera(scene, "Cam", 35.0, [c2w, c2w])]
    bds.setup_render(scene, _spec(tmp_path, width=48, height=48))
    scene.frame_set(1)
    gt = bds.ground_truth(bds.render_exr(scene, str(tmp_path / "f.exr")), c2w, np.array([0, 1, 2]))
    K = intrinsics(35.0, bds.SENSOR_MM, 48, 48)
    (a, b), _ = project(K, c2w, [[0, 0, 1.0], [0.3, 0, 1.0]])
    on_cube = _eroded(gt["instance"] == 2)
    assert on_cube.sum() > 20
    assert np.allclose(np.median(gt["flow"][on_cube], axis=0), b - a, atol=0.05)
    assert np.abs(gt["flow"][_eroded(gt["instance"] == 1)]).max() < 1e-3
    bpy.ops.wm.read_factory_settings(use_empty=True)


# --------------------------------------------------------------------- one real dataset, checked
@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    spec = _spec(tmp_path_factory.mktemp("ds"))
    summary = run(spec, RunOptions(workers=2))
    return spec, summary


def _frames(spec):
    out = []
    for fr in range(spec.frames):
        with open(os.path.join(spec.output_dir, "scenes", spec.scene_name(spec.seeds[0]), "frames",
                               f"{fr:06d}.json")) as f:
            out.append(json.load(f))
    return out


def _load(spec, rel):
    p = os.path.join(spec.output_dir, rel)
    if p.endswith(".npy"):
        return np.load(p)
    from PIL import Image
    return np.asarray(Image.open(p))


def test_instance_ids_map_one_to_one_to_graph_objects(dataset):
    spec, _ = dataset
    graph = plan(spec.scene_type, spec.seeds[0])
    ids = [o["id"] for o in graph["objects"]] + [s["id"] for s in graph["structure"]]
    labels = json.load(open(os.path.join(spec.output_dir, "labels.json")))
    for fr in _frames(spec):
        view = fr["views"][0]
        objs = view["objects"]
        assert [o["id"] for o in objs] == ids and [o["instance_id"] for o in objs] == list(range(1, len(ids) + 1))
        inst, sem, depth = (_load(spec, view["files"][k]) for k in ("instance", "semantic", "depth"))
        assert inst.dtype == np.int32 and set(np.unique(inst)) <= set(range(len(ids) + 1))
        world = _unproject(view["camera"]["K"], view["camera"]["c2w"], depth)
        for o, g in zip(objs, graph["objects"]):
            mask = inst == o["instance_id"]
            assert o["pixels"] == mask.sum()
            assert labels[str(o["category_id"])] == g["category"]
            assert (sem[mask] == o["category_id"]).all()
            if mask.any():  # the pixels with this id lie on this object (inside its box from the graph)
                lo, hi = np.array(g["bounds"]["lo"]) - 0.02, np.array(g["bounds"]["hi"]) + 0.02
                inside = np.all((world[mask] >= lo) & (world[mask] <= hi), axis=1)
                assert inside.mean() > 0.95, (o["id"], inside.mean())


def test_boxes_contain_their_pixels(dataset):
    spec, _ = dataset
    for fr in _frames(spec):
        view = fr["views"][0]
        inst = _load(spec, view["files"]["instance"])
        for o in view["objects"]:
            if not o["pixels"]:
                assert o["bbox_visible"] is None
                continue
            ys, xs = np.nonzero(inst == o["instance_id"])
            x0, y0, x1, y1 = o["bbox_visible"]
            assert x0 <= xs.min() and xs.max() < x1 and y0 <= ys.min() and ys.max() < y1
            if o["kind"] == "object":
                ax0, ay0, ax1, ay1 = o["bbox_amodal"]
                assert ax0 <= x0 + 1 and ay0 <= y0 + 1 and ax1 >= x1 - 1 and ay1 >= y1 - 1
                m = np.array(o["matrix_world"])
                lo, hi = np.array(o["extents_lo"]), np.array(o["extents_hi"])
                corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
                uv, z = project(view["camera"]["K"], view["camera"]["c2w"], corners @ m[:3, :3].T + m[:3, 3])
                if (z > 0.1).all():  # the 3D box projects around the visible pixels
                    assert uv[:, 0].min() <= x0 + 1 and uv[:, 0].max() >= x1 - 1


def _expected_flow(va, vb, depth, inst):
    """Where each pixel's surface point is in the next frame: into its object's space with this frame's
    matrix_world, out with the next frame's, projected by the next camera; minus the pixel centre."""
    h, w = depth.shape
    world = _unproject(va["camera"]["K"], va["camera"]["c2w"], depth)
    mats_a = {o["instance_id"]: np.array(o["matrix_world"]) for o in va["objects"]}
    mats_b = {o["instance_id"]: np.array(o["matrix_world"]) for o in vb["objects"]}
    moved = world.copy()
    for iid in np.unique(inst):
        if iid:
            m = mats_b[iid] @ np.linalg.inv(mats_a[iid])
            moved[inst == iid] = world[inst == iid] @ m[:3, :3].T + m[:3, 3]
    uv_next, _ = project(vb["camera"]["K"], vb["camera"]["c2w"], moved.reshape(-1, 3))
    u, v = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    return uv_next.reshape(h, w, 2) - np.stack([u, v], -1), u, v


def _check_geometric_flow(spec, frames):
    for a, b in zip(frames, frames[1:]):
        va, vb = a["views"][0], b["views"][0]
        flow, depth, inst = (_load(spec, va["files"][k]) for k in ("flow", "depth", "instance"))
        expect, u, v = _expected_flow(va, vb, depth, inst)
        hit = depth > 0
        err = np.linalg.norm(flow - expect, axis=-1)[hit]
        size = np.linalg.norm(expect, axis=-1)[hit]
        # depth and flow come from jittered samples inside the pixel, the reprojection from its centre
        assert size.mean() > 2 and np.median(err) < 0.01 * size.mean() + 0.05, (np.median(err), size.mean())
        assert np.percentile(err, 90) < 0.05 * size.mean() + 0.5
    return flow, depth, inst, u, v


def test_flow_matches_geometry_and_warps_the_next_frame(dataset):
    spec, _ = dataset
    frames = _frames(spec)
    for a, b in zip(frames, frames[1:]):
        va, vb = a["views"][0], b["views"][0]
        # 1. geometric: flow = each pixel's 3D point reprojected into the next camera
        flow, depth, inst, u, v = _check_geometric_flow(spec, [a, b])
        h, w = depth.shape
        hit = depth > 0
        # 2. photometric: frame t+1 sampled at x + flow(x) looks like frame t on unoccluded pixels
        rgb_a = _load(spec, va["files"]["rgb"]).astype(float)
        rgb_b = _load(spec, vb["files"]["rgb"]).astype(float)
        inst_b = _load(spec, vb["files"]["instance"])
        xs = np.clip(np.rint(u - 0.5 + flow[..., 0]).astype(int), 0, w - 1)
        ys = np.clip(np.rint(v - 0.5 + flow[..., 1]).astype(int), 0, h - 1)
        inside = (u + flow[..., 0] >= 0) & (u + flow[..., 0] < w) & (v + flow[..., 1] >= 0) & (v + flow[..., 1] < h)
        ok = inside & hit & (inst_b[ys, xs] == inst)
        warped = np.abs(rgb_b[ys, xs] - rgb_a).mean(-1)[ok].mean()
        unwarped = np.abs(rgb_b - rgb_a).mean(-1)[ok].mean()
        assert ok.mean() > 0.5 and warped < 0.5 * unwarped and warped < 12, (warped, unwarped)
        # 3. background pixels move with the camera's rotation (points at infinity), not 0
        if (~hit).any():
            K = va["camera"]["K"]
            assert np.allclose(flow[~hit], sky_flow(K, va["camera"]["c2w"], vb["camera"]["c2w"], w, h)[~hit],
                               atol=1e-3)


def _bilinear(img, x, y):
    """img Float[H, W, C] sampled at continuous pixel coordinates (centres at integer + 0.5)."""
    h, w = img.shape[:2]
    x, y = np.clip(x - 0.5, 0, w - 1.001), np.clip(y - 0.5, 0, h - 1.001)
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    return ((img[y0, x0] * (1 - fx) + img[y0, x0 + 1] * fx) * (1 - fy)
            + (img[y0 + 1, x0] * (1 - fx) + img[y0 + 1, x0 + 1] * fx) * fy)


def test_sky_flow_follows_the_camera_rotation(tmp_path):
    """A sky with detail (noise on the view direction, no geometry) and a camera that turns and moves: frame t+1
    warped back by the flow matches frame t, where zero flow does not."""
    from backend.blender import dataset as bds
    scene = bds.new_scene()
    world = bpy.data.worlds.new("Sky")
    world.use_nodes = True
    nodes, links = world.node_tree.nodes, world.node_tree.links
    coord, noise = nodes.new("ShaderNodeTexCoord"), nodes.new("ShaderNodeTexNoise")
    noise.inputs["Scale"].default_value = 6.0
    links.new(coord.outputs["Generated"], noise.inputs["Vector"])
    links.new(noise.outputs["Color"], nodes["Background"].inputs["Color"])
    scene.world = world
    spec = _spec(tmp_path, width=64, height=48, render={"samples": 16, "adaptive_threshold": 0.0, "denoise": False})
    c2w0 = look_at((0, 0, 1.5), (5, 1, 2.0))
    c2w1 = look_at((0.4, -0.3, 1.5), (5, 1.4, 2.2))  # turned about 4.5 degrees, and moved (no parallax at infinity)
    name = bds._camera(scene, "Cam", 35.0, [c2w0, c2w1])
    scene.camera = bpy.data.objects[name]
    bds.setup_render(scene, spec)
    K = intrinsics(35.0, bds.SENSOR_MM, 64, 48)
    frames = []
    for f in (1, 2):
        scene.frame_set(f)
        frames.append(bds.render_exr(scene, str(tmp_path / f"{f}.exr")))
    c2w_a = np.array(scene.camera.matrix_world)  # frame 2 now
    assert np.allclose(bds.camera_at(scene.camera, 2), c2w_a, atol=1e-5)
    gt = bds.ground_truth(frames[0], bds.camera_at(scene.camera, 1), np.array([0]), K=K,
                          c2w_next=bds.camera_at(scene.camera, 2))
    assert (gt["depth"] == 0).all()
    flow = gt["flow"]
    u, v = np.meshgrid(np.arange(64) + 0.5, np.arange(48) + 0.5)
    x, y = u + flow[..., 0], v + flow[..., 1]
    inside = (x >= 1) & (x < 63) & (y >= 1) & (y < 47)
    a, b = frames[0]["Combined"], frames[1]["Combined"]
    warped = np.abs(_bilinear(b, x, y) - a).mean(-1)[inside].mean()
    unwarped = np.abs(b - a).mean(-1)[inside].mean()
    assert np.linalg.norm(flow, axis=-1).mean() > 3 and inside.mean() > 0.6
    assert warped < 0.15 * unwarped, (warped, unwarped)
    bpy.ops.wm.read_factory_settings(use_empty=True)


def test_preview_is_one_render_with_its_ground_truth(tmp_path):
    """The preview preset renders each view once: the studio-look RGB and the ground truth share that render."""
    from backend.blender import dataset as bds
    spec = _spec(tmp_path, frames=1, quality="preview", render=None, width=48, height=48)
    os.makedirs(tmp_path, exist_ok=True)
    renders = []

    @bpy.app.handlers.persistent
    def count(*_):
        renders.append(1)

    bpy.app.handlers.render_post.append(count)
    try:
        bds.render_shard(spec, spec.shards()[0])
    finally:
        bpy.app.handlers.render_post.remove(count)
        bpy.ops.wm.read_factory_settings(use_empty=True)
    assert len(renders) == 1
    (fr,) = _frames(spec)
    files = fr["views"][0]["files"]
    rgb, depth, normal = (_load(spec, files[k]).astype(float) for k in ("rgb", "depth", "normal"))
    hit = depth > 0
    assert 0.3 < hit.mean() and len(np.unique(rgb[~hit].reshape(-1, 3), axis=0)) <= 1  # background: one colour
    lum = rgb.mean(-1)
    facing = normal @ STUDIO_LIGHT
    assert lum[hit & (facing > 0.8)].mean() > lum[hit & (facing < 0.3)].mean()  # shaded by the studio light


def test_flow_includes_spinning_objects(tmp_path):
    spec = _spec(tmp_path, frames=2, frames_per_shard=2, object_spin=20.0, passes=["depth", "instance", "flow",
                                                                                   "boxes"])
    run(spec, RunOptions())
    a, b = _frames(spec)
    spinning = [o for o in a["views"][0]["objects"] if o["pixels"] > 10 and o["matrix_world"] != next(
        q for q in b["views"][0]["objects"] if q["id"] == o["id"])["matrix_world"]]
    assert len(spinning) >= 2
    _check_geometric_flow(spec, [a, b])


def test_coco_reads_back_with_pycocotools(dataset):
    from pycocotools.coco import COCO
    spec, summary = dataset
    coco = COCO(os.path.join(spec.output_dir, "coco.json"))
    assert len(coco.getImgIds()) == spec.frames and summary["annotations"] == len(coco.getAnnIds())
    for ann in coco.loadAnns(coco.getAnnIds()):
        img = coco.loadImgs(ann["image_id"])[0]
        fr = _frames(spec)[img["frame"]]
        inst = _load(spec, fr["views"][0]["files"]["instance"])
        mask = coco.annToMask(ann)
        assert ann["area"] == mask.sum() == (inst == ann["instance_id"]).sum()
        assert (mask.astype(bool) == (inst == ann["instance_id"])).all()


def test_manifest_and_transforms(dataset):
    spec, _ = dataset
    import hashlib
    m = json.load(open(os.path.join(spec.output_dir, "manifest.json")))
    assert m["frames_done"] == m["frames_total"] == 3 and all(s["complete"] for s in m["shards"])
    assert m["render_settings"]["samples"] == 4 and m["conjure_version"] and m["blender"].startswith("4.")
    for s in m["shards"]:
        for rel, meta in s["files"].items():
            with open(os.path.join(spec.output_dir, rel), "rb") as f:
                assert hashlib.sha256(f.read()).hexdigest() == meta["sha256"]
    t = json.load(open(os.path.join(spec.output_dir, "scenes", "tabletop_3", "transforms.json")))
    assert len(t["frames"]) == 3 and t["w"] == 64 and os.path.exists(
        os.path.join(spec.output_dir, "scenes", "tabletop_3", t["frames"][0]["file_path"]))
    assert np.allclose(t["frames"][1]["transform_matrix"], _frames(spec)[1]["views"][0]["camera"]["c2w"])


def test_exposure_is_metered_per_scene_and_recorded(tmp_path):
    """Dataset frames are metered like headless scene renders: once per scene through the first view, the same in
    every shard (each shard meters on its own), recorded in every view's frame record and in graph.json. A dim
    interior gets more exposure than a sunlit tabletop, and both come out neither dark nor burnt."""
    ev = {}
    for scene_type, seed in (("room", 0), ("tabletop", 3)):
        spec = _spec(tmp_path / scene_type, scene_type=scene_type, seeds=[seed], frames=2, frames_per_shard=1)
        run(spec, RunOptions(workers=1))
        name = spec.scene_name(seed)
        graph = json.load(open(os.path.join(spec.output_dir, "scenes", name, "graph.json")))
        seen = set()
        for fr in range(2):
            with open(os.path.join(spec.output_dir, "scenes", name, "frames", f"{fr:06d}.json")) as f:
                view = json.load(f)["views"][0]
            seen.add(view["exposure"])
            rgb = _load(spec, view["files"]["rgb"]).astype(float) / 255
            assert 0.25 < rgb.mean() < 0.75, (scene_type, fr, rgb.mean())
            assert (rgb.mean(-1) > 0.98).mean() < 0.02, (scene_type, fr)  # no burnt-out areas
        assert seen == {graph["render"]["exposure"]}, (scene_type, seen)
        ev[scene_type] = graph["render"]["exposure"]
    assert ev["room"] > ev["tabletop"] + 1.0, ev


def test_rerun_skips_complete_shards(dataset):
    spec, _ = dataset
    before = open(os.path.join(spec.output_dir, "manifest.json"), "rb").read()
    again = run(spec, RunOptions())
    assert again["shards_run"] == 0 and again["shards_skipped"] == 2
    assert open(os.path.join(spec.output_dir, "manifest.json"), "rb").read() == before


# --------------------------------------------------------------------- resume, retries, executors
def _cli(out, *extra):
    return [PY, "-m", "backend.cli", "dataset", "--out", str(out), "--type", "tabletop", "--seeds", "5",
            "--frames", "4", "--frames-per-shard", "1", "--size", "32", "--samples", "2", "--quiet", *extra]


def _checksums(out):
    m = json.load(open(os.path.join(out, "manifest.json")))
    return {rel: meta["sha256"] for s in m["shards"] for rel, meta in s["files"].items()}, m


def _tree(out):
    return sorted(os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs)


def test_kill_and_resume_gives_the_same_dataset(tmp_path):
    full, killed = tmp_path / "full", tmp_path / "killed"
    subprocess.run(_cli(full), cwd=ROOT, check=True, capture_output=True)
    p = subprocess.Popen(_cli(killed), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (killed / "shards").is_dir() or not os.listdir(killed / "shards"):  # after the first shard
        assert time.monotonic() < deadline and p.poll() is None
        time.sleep(0.05)
    time.sleep(0.7)  # somewhere inside the next shard
    p.send_signal(signal.SIGKILL)
    p.wait()
    time.sleep(0.5)
    assert len(os.listdir(killed / "shards")) < 4
    shards_then = sorted(os.listdir(killed / "shards"))
    time.sleep(2.0)  # the shard processes died with the orchestrator: nothing more is written
    assert sorted(os.listdir(killed / "shards")) == shards_then
    subprocess.run(_cli(killed), cwd=ROOT, check=True, capture_output=True)
    (a, ma), (b, mb) = _checksums(full), _checksums(killed)
    assert a == b and len(a) > 20 and ma == mb
    assert _tree(full) == _tree(killed)
    for f in ("coco.json", "manifest.json", "scenes/tabletop_5/transforms.json"):
        assert open(full / f, "rb").read() == open(killed / f, "rb").read()


def test_a_dying_process_is_retried_then_reported(tmp_path):
    flaky = tmp_path / "flaky.sh"
    flaky.write_text(f"#!/bin/sh\nif [ ! -e {tmp_path}/died ]; then touch {tmp_path}/died; kill -9 $$; fi\n"
                     f"exec {PY} \"$@\"\n")
    flaky.chmod(0o755)
    spec = _spec(tmp_path / "a", frames=1)
    assert run(spec, RunOptions(python=str(flaky), retries=1))["frames_done"] == 1
    dead = tmp_path / "dead.sh"
    dead.write_text("#!/bin/sh\necho 'out of memory' >&2\nkill -9 $$\n")
    dead.chmod(0o755)
    with pytest.raises(DatasetError, match="out of memory") as e:
        run(_spec(tmp_path / "b", frames=1), RunOptions(python=str(dead), retries=2))
    assert e.value.failures[0].attempts == 3
    assert json.load(open(tmp_path / "b" / "manifest.json"))["frames_done"] == 0


def test_ray_executor_on_a_local_cluster_gives_the_same_dataset(tmp_path, dataset):
    ray = pytest.importorskip("ray")
    spec, _ = dataset
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        other = DatasetSpec.from_json({**spec.to_json(), "output_dir": str(tmp_path / "ray")})
        assert run(other, RunOptions(executor="ray", workers=2))["frames_done"] == 3
    finally:
        ray.shutdown()
    assert _checksums(tmp_path / "ray")[0] == _checksums(spec.output_dir)[0]


# --------------------------------------------------------------------- bad input, before any work
@pytest.mark.parametrize("field, value, message", [
    ("output_dir", "/proc/conjure-dataset", "not writable"),
    ("frames", 0, "between 1"),
    ("width", 0, "between 16"),
    ("height", 100000, "between 16"),
    ("passes", ["rgb", "albedo"], "albedo"),
    ("seeds", [], "non-empty"),
])
def test_bad_spec_is_refused(tmp_path, field, value, message):
    with pytest.raises(SpecError, match=message):
        DatasetSpec.from_json({**TINY, "output_dir": str(tmp_path), field: value})


def test_unreachable_ray_address_and_foreign_folder_are_refused_before_work(tmp_path):
    with pytest.raises(SpecError, match="nothing answers"):
        run(_spec(tmp_path / "r"), RunOptions(executor="ray", ray_address="127.0.0.1:9"))
    assert not (tmp_path / "r" / "shards").exists()
    run(_spec(tmp_path / "f", frames=1, passes=["rgb"]), RunOptions())
    with pytest.raises(SpecError, match="another dataset"):
        run(_spec(tmp_path / "f", frames=2, passes=["rgb"]), RunOptions())
    r = subprocess.run(_cli(tmp_path / "c", "--size", "0"), cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("error: width")


def test_trajectories_are_valid_and_smooth():
    for scene_type, seed in (("room", 0), ("room", 7), ("tabletop", 2), ("outdoor", 1)):
        g = plan(scene_type, seed)
        for kind in ("orbit", "walk", "random"):
            poses = trajectory(g, 6, kind, seed)
            assert len(poses) == 7 and all(valid_location(g, p[:3, 3]) for p in poses)
            if kind != "random":
                steps = [np.linalg.norm(a[:3, 3] - b[:3, 3]) for a, b in zip(poses, poses[1:])]
                assert max(steps) < 0.25 * max(np.linalg.norm(poses[0][:3, 3] - poses[-1][:3, 3]), 1.0) + 1.0


def _seen_over(g, poses):
    """Fraction of the objects in the walk's room whose box centre is in the (square) frame at least once."""
    from backend.dataset.camera import _inside_room
    lo, hi = _inside_room(g)
    c = np.array([(np.array(o["bounds"]["lo"]) + o["bounds"]["hi"]) / 2 for o in g["objects"]])
    c = c[np.all((lo <= c) & (c <= hi), axis=1)]
    K = intrinsics(g["cameras"][0]["lens"], 36.0, 100, 100)
    seen = np.zeros(len(c), bool)
    for p in poses:
        uv, z = project(K, p, c)
        seen |= (z > 0.05) & np.all((uv >= 0) & (uv <= 100), axis=1)
    return seen.mean()


@pytest.mark.parametrize("scene_type", ["room", "living_room", "bedroom", "office", "apartment"])
def test_room_walks_see_most_of_the_room_and_turn_smoothly(scene_type):
    from backend.dataset.camera import MAX_TURN
    fractions = []
    for seed in range(6):
        g = plan(scene_type, seed)
        poses = trajectory(g, 8, "walk", seed)
        assert all(valid_location(g, p[:3, 3]) for p in poses)
        fractions.append(_seen_over(g, poses[:8]))
        yaws = np.unwrap([np.arctan2(-p[1, 2], -p[0, 2]) for p in poses])  # heading of the view axis (-z)
        assert np.abs(np.diff(yaws)).max() <= MAX_TURN + 1e-6
        steps = np.diff(np.diff(yaws))
        assert np.abs(steps[:-1]).max() < 1e-6  # one steady turn (the extra last pose too)
    assert np.mean(fractions) > 0.85 and min(fractions) > 0.6, fractions


def test_paths_that_used_to_fail():
    """bedroom 8: the straight walk between the planner's cameras crossed furniture; apartment 2: the orbit's
    ellipse assumed a room starting at the origin."""
    for scene_type, seed, kind in (("bedroom", 8, "walk"), ("apartment", 2, "orbit")):
        g = plan(scene_type, seed)
        assert all(valid_location(g, p[:3, 3]) for p in trajectory(g, 8, kind, seed))


def test_preview_stereo_quilt_and_exports(tmp_path):
    spec = _spec(tmp_path, frames=1, quality="preview", render=None, width=32, height=32, stereo_baseline=0.06,
                 quilt_views=2, export=["gltf", "usd"])
    assert spec.render.engine == "CYCLES" and spec.render.look == "STUDIO"
    run(spec, RunOptions())
    fr = _frames(spec)[0]
    assert [v["view"] for v in fr["views"]] == ["main", "right", "quilt_00", "quilt_01"]
    main, right = fr["views"][0]["camera"]["c2w"], fr["views"][1]["camera"]["c2w"]
    assert np.allclose(np.array(right)[:3, 3] - np.array(main)[:3, 3], np.array(main)[:3, 0] * 0.06, atol=1e-5)
    for v in fr["views"]:
        assert _load(spec, v["files"]["rgb"]).shape == (32, 32, 3)
        assert (_load(spec, v["files"]["depth"]) > 0).mean() > 0.5
    scene_dir = tmp_path / "scenes" / "tabletop_3"
    assert (scene_dir / "tabletop_3.glb").read_bytes()[:4] == b"glTF"
    assert (scene_dir / "tabletop_3.usdc").read_bytes()[:8] == b"PXR-USDC"


def test_every_structure_the_planners_make_has_its_own_label():
    """A new structure kind (the realism pass's ponds; skirting boards) must not fall into ``other``."""
    from backend.dataset.spec import label_map
    from backend.procgen.plan import SCENE_TYPES
    labels = set(label_map())
    made = {s["category"] for t in SCENE_TYPES for seed in range(6) for s in plan(t, seed).get("structure", [])}
    assert "water" in made and made <= labels, made - labels
