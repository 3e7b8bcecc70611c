"""The root PropertyGroup (``scene.conjure``) and the groups it holds. Data only, no logic."""
import bpy
from bpy.props import (BoolProperty, CollectionProperty, EnumProperty, FloatProperty, FloatVectorProperty,
                       IntProperty, PointerProperty, StringProperty)

from ..backend.jobs import MAX_RESOLUTION, MAX_TEXTURE_SIZE, MIN_RESOLUTION, MIN_TEXTURE_SIZE
from ..backend.presets import DEFAULT_PRESET, PRESETS
from .procgen_props import ConjureProcgenProps

JOB_STATES = [
    ("QUEUED", "Queued", "Waiting for the worker"),
    ("RUNNING", "Running", "The worker is running it"),
    ("DONE", "Done", "Finished; the result is in the scene"),
    ("FAILED", "Failed", "Stopped with an error"),
    ("CANCELLED", "Cancelled", "Cancelled by the user"),
]


class ConjurePrimitive(bpy.types.PropertyGroup):
    kind: EnumProperty(name="Kind", items=[
        ("sphere", "Sphere", "Radius = Size X"),
        ("torus", "Torus", "Major radius = Size X, minor radius = Size Y, ring in the XY plane"),
        ("box", "Box", "Half extents = Size"),
        ("capsule", "Capsule", "From Center to End, radius = Size X"),
    ], default="sphere")
    center: FloatVectorProperty(name="Center", size=3, subtype="TRANSLATION", unit="LENGTH")
    size: FloatVectorProperty(name="Size", size=3, default=(0.5, 0.2, 0.5), min=0.0, unit="LENGTH")
    end: FloatVectorProperty(name="End", size=3, default=(0.0, 0.0, 1.0), subtype="TRANSLATION", unit="LENGTH")
    color: FloatVectorProperty(name="Color", size=3, subtype="COLOR", default=(0.8, 0.8, 0.8), min=0.0, max=1.0)
    subtract: BoolProperty(name="Subtract", description="Carve this primitive out instead of adding it")


class ConjureJob(bpy.types.PropertyGroup):
    job_id: StringProperty(name="Job ID")
    label: StringProperty(name="Label")
    state: EnumProperty(name="State", items=JOB_STATES, default="QUEUED")
    progress: FloatProperty(name="Progress", min=0.0, max=1.0, subtype="FACTOR")
    message: StringProperty(name="Message")
    error: StringProperty(name="Error")
    object_name: StringProperty(name="Object", description="The object this job made")


def _preset_items(_self, _context):
    return [(k, v["label"], f"Load the {v['label']} preset") for k, v in PRESETS.items()]


class ConjureSceneProps(bpy.types.PropertyGroup):
    # Generate: implicit shape
    primitives: CollectionProperty(type=ConjurePrimitive)
    active_primitive: IntProperty(name="Active primitive")
    preset: EnumProperty(name="Preset", items=_preset_items)
    blend: FloatProperty(name="Blend", description="Smooth-union radius (0 = hard union)", default=0.06,
                         min=0.0, max=10.0, unit="LENGTH")
    resolution: IntProperty(name="Resolution", description="Marching-cubes cells along the longest side",
                            default=96, min=MIN_RESOLUTION, max=MAX_RESOLUTION)
    texture_size: IntProperty(name="Texture size", default=512, min=MIN_TEXTURE_SIZE, max=MAX_TEXTURE_SIZE)
    face_budget: IntProperty(name="Face budget", description="Most triangles in the result",
                             default=10000, min=100, max=2_000_000)
    seed: IntProperty(name="Seed", default=0, min=0)
    name: StringProperty(name="Name", default=DEFAULT_PRESET, description="Base name of the object and its files")
    output_dir: StringProperty(name="Output folder", subtype="DIR_PATH", default="",
                               description="Where GLBs and textures are written "
                                           "(empty: next to the .blend, or the extension's user folder)")
    # Jobs and status
    jobs: CollectionProperty(type=ConjureJob)
    active_job: IntProperty(name="Active job")
    last_error: StringProperty(name="Last error")
    # Procedural assets and scenes
    procgen: PointerProperty(type=ConjureProcgenProps)


CLASSES = (ConjurePrimitive, ConjureJob, ConjureSceneProps)
