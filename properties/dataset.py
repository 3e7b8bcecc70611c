"""Settings of "Synthetic dataset" (``scene.conjure.dataset``) and the state of its run. Data only."""
import bpy
from bpy.props import BoolProperty, EnumProperty, FloatProperty, IntProperty, StringProperty

from ..backend.dataset.spec import MAX_SIDE, MIN_SIDE, PASSES, QUALITY, TRAJECTORIES
from .procgen import SCENE_ITEMS

RUN_STATES = [("IDLE", "Idle", ""), ("RUNNING", "Running", ""), ("DONE", "Done", ""), ("FAILED", "Failed", ""),
              ("CANCELLED", "Cancelled", "")]
PASS_DOCS = {"rgb": "Colour image (PNG)", "depth": "Z-depth in metres (float32 .npy)",
             "normal": "Camera-space normals (float32 .npy)", "instance": "Instance ids (int32 .npy)",
             "semantic": "Category ids (16-bit PNG) with labels.json", "flow": "Forward optical flow, pixels",
             "boxes": "2D (amodal, visible) and 3D boxes in the frame record"}


def _pass_prop(name):
    return BoolProperty(name=name.title(), default=True, description=PASS_DOCS[name])


class ConjureDatasetProps(bpy.types.PropertyGroup):
    scene_type: EnumProperty(name="Scene Type", items=SCENE_ITEMS, description="Kind of procedural scene")
    seed_start: IntProperty(name="First Seed", min=0, default=0, description="Seed of the first scene")
    scenes: IntProperty(name="Scenes", min=1, max=100000, default=2, description="Scenes (consecutive seeds)")
    frames: IntProperty(name="Frames per Scene", min=1, max=100000, default=8)
    resolution: IntProperty(name="Resolution", min=MIN_SIDE, max=MAX_SIDE, default=256, subtype="PIXEL",
                            description="Width and height of every image")
    quality: EnumProperty(name="Quality", default="fast", items=[
        (k, k.title(), f"{v['engine'].title()}, {v['samples']} samples" + (", denoised" if v["denoise"] else ""))
        for k, v in QUALITY.items()])
    trajectory: EnumProperty(name="Camera Path", items=[(t, t.title(), "") for t in TRAJECTORIES])
    output_dir: StringProperty(name="Output Folder", subtype="DIR_PATH", default="//dataset",
                               description="Where the dataset is written (re-running resumes it)")
    executor: EnumProperty(name="Executor", items=[("local", "Local", "Headless Blender processes on this machine"),
                                                   ("ray", "Ray", "Tasks on a Ray cluster")])
    workers: IntProperty(name="Workers", min=1, max=1024, default=1, description="Processes (or Ray tasks) at once")
    ray_address: StringProperty(name="Ray Address", description="auto, host:6379 or ray://host:10001; "
                                                                "empty: start a local cluster")
    python: StringProperty(name="Python", subtype="FILE_PATH",
                           description="The Python that runs the dataset (e.g. one with Ray). Empty: Blender's own "
                                       "Python. Shards always render in this Blender's own binary (blender -b); "
                                       "as the bpy module, in this Python, which must have bpy")
    stereo_baseline: FloatProperty(name="Stereo Baseline", min=0.0, max=10.0, default=0.0, unit="LENGTH",
                                   description="Also render a right eye this far to the right (0 = off)")
    quilt_views: IntProperty(name="Quilt Views", min=0, max=64, default=0,
                             description="Also render this many views on a horizontal arc (0 = off, else 2 or more)")
    export_usd: BoolProperty(name="USD", description="Also export each scene as USD (Blender's exporter)")
    export_gltf: BoolProperty(name="glTF", description="Also export each scene as binary glTF (Blender's exporter)")
    pass_rgb: _pass_prop("rgb")
    pass_depth: _pass_prop("depth")
    pass_normal: _pass_prop("normal")
    pass_instance: _pass_prop("instance")
    pass_semantic: _pass_prop("semantic")
    pass_flow: _pass_prop("flow")
    pass_boxes: _pass_prop("boxes")
    # state of the run (written by the timer)
    state: EnumProperty(name="State", items=RUN_STATES, default="IDLE")
    done: IntProperty(name="Done")
    total: IntProperty(name="Total")
    progress: FloatProperty(name="Progress", min=0.0, max=1.0, subtype="FACTOR")
    message: StringProperty(name="Message")
    error: StringProperty(name="Error")

    def passes(self) -> list:
        return [p for p in PASSES if getattr(self, f"pass_{p}")]


CLASSES = (ConjureDatasetProps,)
