"""The root PropertyGroup (``scene.conjure``) and the groups it holds. Data only, no logic."""
import bpy
from bpy.props import (BoolProperty, CollectionProperty, EnumProperty, FloatProperty, FloatVectorProperty,
                       IntProperty, PointerProperty, StringProperty)

from ..backend.generate.params import MAX_CANDIDATES, MAX_PROMPT_CHARS, MAX_RESOLUTION as MAX_PROP_RESOLUTION
from ..backend.generate.pipelines import DEFAULT_PIPELINE, pipelines
from ..backend.jobs import DEVICES, MAX_TEXTURE_SIZE, MIN_TEXTURE_SIZE
from ..backend.shapes.params import MAX_RESOLUTION, MIN_RESOLUTION
from ..backend.shapes.presets import DEFAULT_PRESET, PRESETS
from .dataset import ConjureDatasetProps
from .edit import ConjureEditProps
from .procgen import ConjureProcgenProps
from .refine import ConjureRefineProps

DEVICE_ITEMS = [(d, *DEVICES[d]) for d in DEVICES]

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
    kind: StringProperty(name="Kind", description="The job type (implicit_shape, generate, cutout, ...)")
    collection_name: StringProperty(name="Collection", description="The collection holding this job's candidates")
    preview: StringProperty(name="Preview", subtype="FILE_PATH", description="The latest preview image")
    download: StringProperty(name="Download", description="What is being downloaded, and how much")
    download_progress: FloatProperty(name="Download", min=0.0, max=1.0, subtype="FACTOR")
    loss_curve: StringProperty(name="Loss Curve", subtype="FILE_PATH", description="The latest loss curve image")


_DEFAULTS = pipelines()[DEFAULT_PIPELINE].defaults


def _on_pipeline(self, _context):
    """A pipeline brings its own steps, resolution, face budget and texture size (the embedded model's are small)."""
    for key, value in pipelines()[self.pipeline].defaults.items():
        setattr(self, key, value)
    if self.output not in pipelines()[self.pipeline].outputs:
        self.output = "mesh"
    mode = "image" if self.input_mode == "IMAGE" else "text"
    if mode not in pipelines()[self.pipeline].modes:  # e.g. the embedded model with a picture: back to text
        self.input_mode = "TEXT" if "text" in pipelines()[self.pipeline].modes else "IMAGE"


def _on_input_mode(self, _context):
    """A picture needs a pipeline that takes pictures: switch to the first that does (the embedded model is text only)."""
    mode = "image" if self.input_mode == "IMAGE" else "text"
    if mode not in pipelines()[self.pipeline].modes:
        self.pipeline = next(p.name for p in pipelines().values() if mode in p.modes)


class ConjurePropProps(bpy.types.PropertyGroup):
    """Settings of "Prop from Text / Image" (``scene.conjure.prop``); the job's checks are in GenerateParams."""

    pipeline: EnumProperty(name="Pipeline", update=_on_pipeline, default=DEFAULT_PIPELINE,
                           items=[(p.name, p.label, p.description) for p in pipelines().values()])
    input_mode: EnumProperty(name="Input", update=_on_input_mode, items=[
        ("TEXT", "Text", "Describe the object in words"),
        ("IMAGE", "Image", "Make the object shown in a picture"),
    ], default="TEXT")
    prompt: StringProperty(name="Prompt", maxlen=MAX_PROMPT_CHARS,
                           description="What to make, e.g. 'a red wooden chair'")
    image_path: StringProperty(name="Picture", subtype="FILE_PATH",
                               description="A picture of one object (PNG or JPEG), ideally on a plain background")
    mask_method: EnumProperty(name="Cut Out", items=[
        ("auto", "Auto", "Alpha channel if the picture has one, else Segment Anything if downloaded, else classic"),
        ("alpha", "Alpha", "The picture's own transparency"),
        ("sam", "Segment Anything", "Meta's Segment Anything model"),
        ("classic", "Classic", "Background colour from the border, no model needed"),
    ], default="auto")
    mask_image: PointerProperty(name="Mask", type=bpy.types.Image,
                                description="Foreground mask for the picture (white = keep); paint on it to fix it")
    steps: IntProperty(name="Steps", default=_DEFAULTS["steps"], min=1, max=1000, soft_max=256,
                       description="Diffusion steps: more is slower and usually cleaner")
    use_default_guidance: BoolProperty(name="Model Default", default=True,
                                       description="Use the guidance the model's authors use "
                                                   "(Shap-E 15 for text, 3 for pictures; Point-E 3)")
    guidance: FloatProperty(name="Guidance", default=15.0, min=0.0, max=100.0, soft_max=30.0,
                            description="Classifier-free guidance: higher follows the prompt more closely, "
                                        "at the cost of variety")
    seed: IntProperty(name="Seed", default=0, min=0, description="Same seed and settings, same result")
    candidates: IntProperty(name="Candidates", default=1, min=1, max=MAX_CANDIDATES,
                            description="Variants to make from consecutive seeds; keep the one you like")
    resolution: IntProperty(name="Resolution", default=_DEFAULTS["resolution"], min=16, max=MAX_PROP_RESOLUTION,
                            description="Marching-cubes cells along the longest side")
    face_budget: IntProperty(name="Face Budget", default=_DEFAULTS["face_budget"], min=100, max=2_000_000,
                             description="Most triangles in each result; finer meshes are decimated")
    texture_size: IntProperty(name="Texture Size", default=_DEFAULTS["texture_size"], min=MIN_TEXTURE_SIZE, max=MAX_TEXTURE_SIZE,
                              description="Baked texture width and height in pixels")
    use_default_size: BoolProperty(name="Size from Prompt", default=True,
                                   description="Let the pipeline choose the size: the embedded model predicts it "
                                               "from the words ('a small mug', 'a tall tree'); the others make 1 m")
    size: FloatProperty(name="Size", default=1.0, min=0.01, max=100.0, unit="LENGTH",
                        description="The result's largest dimension; it stands on the ground at its origin")
    output: EnumProperty(name="Output", items=[
        ("mesh", "Mesh", "A textured mesh"),
        ("points", "Points", "The coloured point cloud only"),
        ("both", "Both", "The mesh and the point cloud"),
    ], default="mesh")
    device: EnumProperty(name="Device", items=[("PREFS", "From Preferences", "The device chosen in the add-on "
                                                                             "preferences")] + DEVICE_ITEMS,
                         default="PREFS")
    fp16: BoolProperty(name="Half Precision", default=False,
                       description="fp16 on a GPU: faster, half the memory (ignored on the CPU)")
    cpu_offload: BoolProperty(name="CPU Offload", default=False,
                              description="Keep models in CPU memory and move each to the GPU only while it runs")
    preview_every: IntProperty(name="Preview Every", default=8, min=0, max=1000,
                               description="Show a preview every N diffusion steps (0 = none)")
    model: StringProperty(name="Model", description="Hub model id (owner/name) or a local model folder; "
                                                    "empty: the pipeline's default model")
    roughness: FloatProperty(name="Roughness", default=0.6, min=0.0, max=1.0, subtype="FACTOR")
    schedule: EnumProperty(name="Schedule", items=[
        ("reference", "Reference", "OpenAI's noise levels: sigma 160 down to 0.001, integer timesteps"),
        ("diffusers", "Diffusers", "diffusers' scheduler config: sigma 403.4 down to 0.109, fractional timesteps"),
    ], default="reference", description="Shap-E: the noise levels the prior is sampled over")
    upsample: BoolProperty(name="Upsample", default=True,
                           description="Point-E: run the upsampler after the base model (1,024 -> 4,096 points), "
                                       "as the reference does")
    point_e_base: EnumProperty(name="Picture Model", items=[
        ("DEFAULT", "Reference Default", "base40M (CLIP image grid), as the reference's image example"),
        ("base40M", "base40M", "40M parameters, CLIP image grid"),
        ("base300M", "base300M", "300M parameters, CLIP image grid (slower, better)"),
        ("base1B", "base1B", "1B parameters, CLIP image grid (slowest, best)"),
        ("base40M-imagevec", "base40M-imagevec", "40M parameters, one CLIP image vector"),
    ], default="DEFAULT", description="Point-E: the base model for pictures (prompts use base40M-textvec)")
    mesher: EnumProperty(name="Mesher", items=[
        ("auto", "Auto", "Point-E's learned SDF model if sdf.pt is downloaded, else Conjure's fit"),
        ("learned", "Learned SDF", "Point-E's learned SDF model (needs sdf.pt)"),
        ("fit", "Conjure Fit", "Conjure's own SDF fitted to the cloud"),
    ], default="auto", description="Point-E: how the cloud becomes a mesh")
    name: StringProperty(name="Name", description="Base name of the objects and files "
                                                  "(empty: made from the prompt or the picture's name)")

    def mask_for(self, picture: str):
        """The mask image that applies to ``picture``: one cut out from it, or one the user chose (untagged)."""
        img = self.mask_image
        if img is None:
            return None
        source = img.get("conjure_source")
        return img if source is None or source == picture else None


def _preset_items(_self, _context):
    return [(k, v["label"], f"Load the {v['label']} preset") for k, v in PRESETS.items()]


class ConjureSceneProps(bpy.types.PropertyGroup):
    # Shape from Primitives
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
    # Prop from text or image
    prop: PointerProperty(type=ConjurePropProps)
    # Synthetic datasets
    dataset: PointerProperty(type=ConjureDatasetProps)
    # Refine a mesh by score distillation
    refine: PointerProperty(type=ConjureRefineProps)
    # Edit with words
    edit: PointerProperty(type=ConjureEditProps)


CLASSES = (ConjurePrimitive, ConjureJob, ConjurePropProps, ConjureSceneProps)
