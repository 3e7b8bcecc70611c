"""Settings of "Refine Mesh" (``scene.conjure.refine``); the job's checks are in ``RefineParams``. Data only."""
import bpy
from bpy.props import BoolProperty, EnumProperty, FloatProperty, IntProperty, StringProperty

from ..backend.refine.params import DEFAULT_GUIDANCE, GUIDANCE_METHODS, MAX_PROMPT_CHARS, REFINE_MODES, RefineParams

_D = RefineParams.__dataclass_fields__


def _default(name):
    return _D[name].default


class ConjureRefineProps(bpy.types.PropertyGroup):
    prompt: StringProperty(name="Prompt", maxlen=MAX_PROMPT_CHARS,
                           description="What the selected object should look like, e.g. 'a mossy stone'")
    negative_prompt: StringProperty(name="Negative Prompt", maxlen=MAX_PROMPT_CHARS,
                                    default=_default("negative_prompt"),
                                    description="What it should not look like (side and back views also get "
                                                "'front view, face', against faces on every side)")
    mode: EnumProperty(name="Mode", default="texture", items=[
        ("texture", "Texture", REFINE_MODES["texture"]),
        ("geometry", "Texture + Geometry", REFINE_MODES["geometry"]),
    ])
    method: EnumProperty(name="Method", default="sds", items=[
        ("sds", "SDS", GUIDANCE_METHODS["sds"]), ("vsd", "VSD", GUIDANCE_METHODS["vsd"])])
    steps: IntProperty(name="Steps", default=_default("steps"), min=1, max=20000, soft_max=3000,
                       description="Optimisation steps: each renders, asks the diffusion model and updates")
    use_default_guidance: BoolProperty(name="Method Default", default=True,
                                       description=f"Use the method's usual guidance (SDS {DEFAULT_GUIDANCE['sds']:g}, "
                                                   f"VSD {DEFAULT_GUIDANCE['vsd']:g})")
    guidance: FloatProperty(name="Guidance", default=100.0, min=0.0, max=200.0,
                            description="Classifier-free guidance: higher follows the prompt harder (and saturates)")
    resolution: IntProperty(name="Render Size", default=_default("resolution"), min=32, max=1024, step=8,
                            description="Render size in pixels (a multiple of 8); resized to the model's own size")
    views_per_step: IntProperty(name="Views per Step", default=1, min=1, max=8,
                                description="Random camera views rendered each step")
    texture_size: IntProperty(name="Texture Size", default=_default("texture_size"), min=64, max=4096,
                              description="Width and height of the painted UV texture")
    lr_texture: FloatProperty(name="Texture LR", default=_default("lr_texture"), min=1e-5, max=1.0, precision=4,
                              description="Learning rate of the texture (Adam)")
    lr_geometry: FloatProperty(name="Geometry LR", default=_default("lr_geometry"), min=1e-7, max=0.1,
                               precision=5, description="Learning rate of the vertex offsets (Adam)")
    lr_lora: FloatProperty(name="LoRA LR", default=_default("lr_lora"), min=1e-6, max=0.1, precision=5,
                           description="VSD: learning rate of the LoRA that learns the renders")
    lora_rank: IntProperty(name="LoRA Rank", default=_default("lora_rank"), min=1, max=64,
                           description="VSD: rank of the LoRA on the UNet's attention")
    laplacian_weight: FloatProperty(name="Smoothness", default=_default("laplacian_weight"), min=0.0, max=1e6,
                                    description="Weight of the Laplacian term: higher keeps the surface smoother")
    normal_weight: FloatProperty(name="Normal Consistency", default=_default("normal_weight"), min=0.0, max=1e6,
                                 description="Weight of the normal-consistency term: higher avoids creases and "
                                             "fold-overs")
    t_min: FloatProperty(name="Min Timestep", default=_default("t_min"), min=0.0, max=1.0, subtype="FACTOR")
    t_max: FloatProperty(name="Max Timestep", default=_default("t_max"), min=0.0, max=1.0, subtype="FACTOR")
    t_max_end: FloatProperty(name="Max Timestep at End", default=_default("t_max_end"), min=0.0, max=1.0,
                             subtype="FACTOR", description="The max timestep is annealed down to this")
    weighting: EnumProperty(name="Weighting", default="sds", items=[
        ("sds", "1 - alpha", "DreamFusion's w(t)"), ("uniform", "Uniform", "w(t) = 1"),
        ("snr", "sqrt(alpha (1 - alpha))", "Magic3D-style")])
    preview_every: IntProperty(name="Preview Every", default=_default("preview_every"), min=0, max=1000,
                               description="Show a render and the loss curve every N steps (0 = none)")
    fp16: BoolProperty(name="Half Precision", default=False, description="fp16 on a GPU (ignored on the CPU)")
    cpu_offload: BoolProperty(name="CPU Offload", default=False,
                              description="Keep models in CPU memory and move each to the GPU while it runs")
    model: StringProperty(name="Model", description="Stable Diffusion: hub id (owner/name) or a local folder; "
                                                    "empty: stable-diffusion-v1-5/stable-diffusion-v1-5")
    seed: IntProperty(name="Seed", default=0, min=0, description="Same seed and settings, same result")
    name: StringProperty(name="Name", description="Name of the new object and its files "
                                                  "(empty: the selected object's name + _refined)")


CLASSES = (ConjureRefineProps,)
