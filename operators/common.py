"""What the job operators share: one submit path, one regenerate path, one meaning of "new seed".

Errors are reported with the panel label of the field at fault; nothing is submitted and the scene is unchanged.
"""
from __future__ import annotations

import json
import random
import re

import bpy

from ..backend.blender import session
from ..backend.client import WorkerError
from ..backend.jobs import JobSpec, SpecError

# Spec field -> the label the user sees in the panel (or where else to fix it).
LABELS = {
    "prompt": "Prompt", "image": "Picture", "mask": "Mask", "model": "Model", "pipeline": "Pipeline",
    "text_encoder": "Point-E text encoder (Preferences > Add-ons > Conjure)", "steps": "Steps",
    "guidance": "Guidance", "candidates": "Candidates", "resolution": "Resolution", "face_budget": "Face Budget",
    "texture_size": "Texture Size", "size": "Size", "output": "Output", "fp16": "Half Precision",
    "cpu_offload": "CPU Offload", "preview_every": "Preview Every", "roughness": "Roughness", "method": "Cut Out",
    "sam_model": "Segment Anything model", "name": "Name", "seed": "Seed", "output_dir": "Output Folder",
    "device": "Device", "type": "Job type", "spec": "Recorded settings", "conjure_spec": "Recorded settings",
    "primitives": "Primitives", "blend": "Blend", "kind": "Kind", "center": "Center", "end": "End",
    "color": "Color", "color_noise": "Color Noise",
    # Refine Mesh
    "mesh": "Mesh", "source": "Mesh", "negative_prompt": "Negative Prompt", "mode": "Mode", "method": "Method",
    "views_per_step": "Views per Step", "lr_texture": "Texture LR", "lr_geometry": "Geometry LR",
    "lr_lora": "LoRA LR", "lora_rank": "LoRA Rank", "laplacian_weight": "Smoothness",
    "normal_weight": "Normal Consistency", "t_min": "Min Timestep", "t_max": "Max Timestep",
    "t_max_end": "Max Timestep at End", "weighting": "Weighting",
}


class InputError(ValueError):
    """A user input is wrong; the message starts with the panel label of the field."""


def describe(e: SpecError) -> InputError:
    """A SpecError as the panel says it: 'Face Budget: must be between 100 and 2e+06, got 10',
    'Primitive 2 Size: must be positive for a sphere, got 0.0'."""
    key = re.sub(r"\[\d+\]$", "", e.field.rsplit(".", 1)[-1])
    item = re.search(r"primitives\[(\d+)\]", e.field)
    where = f"Primitive {int(item.group(1)) + 1} " if item else ""
    return InputError(f"{where}{LABELS.get(key, e.field)}: {e.problem}")


def new_seed() -> int:
    """A fresh random seed (what every "New Seed" button means): one a panel's 32-bit Seed field can show;
    specs and the CLI accept seeds up to 2**32-1."""
    return random.SystemRandom().randint(0, 2**31 - 1)


def output_dir(context) -> str:
    try:
        return session.output_folder(context, context.scene.conjure.output_dir)
    except ValueError as e:
        raise InputError(f"Output Folder: {e}") from None


def submit(op, context, make_spec, label) -> set:
    """Build the spec (InputError/SpecError: reported, nothing submitted) and queue it. ``label`` is text or
    ``label(spec)``."""
    try:
        spec = make_spec()
    except SpecError as e:
        return _fail(op, context, str(describe(e)))
    except InputError as e:
        return _fail(op, context, str(e))
    try:
        session.submit(context, spec, label(spec) if callable(label) else label)
    except (WorkerError, OSError) as e:
        return _fail(op, context, str(e), prefix="Conjure worker")
    op.report({'INFO'}, f"Conjure: queued {spec.name}")
    return {'FINISHED'}


def _fail(op, context, message: str, prefix: str = "Conjure") -> set:
    context.scene.conjure.last_error = message
    op.report({'ERROR'}, f"{prefix}: {message}")
    return {'CANCELLED'}


def recorded_spec(obj) -> dict:
    """The job spec recorded on an object Conjure made (``conjure_spec``), as a dict."""
    try:
        data = json.loads(obj["conjure_spec"])
    except (KeyError, TypeError, ValueError):
        raise InputError("Recorded settings: the object's conjure_spec is unreadable") from None
    if not isinstance(data, dict):
        raise InputError("Recorded settings: the object's conjure_spec is not a job spec")
    return data


def regenerate_spec(context, obj, *, new: bool, unique) -> JobSpec:
    """The spec to make ``obj`` again: its recorded settings, a free name (``unique(base, candidates)``), the
    current output folder, and the same seed or a new one."""
    data = recorded_spec(obj)
    params = data.get("params") if isinstance(data.get("params"), dict) else {}
    base = data.get("name") if isinstance(data.get("name"), str) and data.get("name") else obj.name
    data["name"] = unique(base, int(params.get("candidates", 1) or 1))
    if new:
        data["seed"] = new_seed()
    data["output_dir"] = output_dir(context)
    return JobSpec.from_json(data)


def unique_name(base: str, candidates: int = 1) -> str:
    """``base``, or ``base_NNN`` if the objects or the collection a job of that name makes exist already."""
    from ..backend.generate.params import candidate_name

    def taken(b):
        names = [b, f"{b}_points"] + [f"{candidate_name(b, i, candidates)}{s}" for i in range(candidates)
                                      for s in ("", "_points")]
        return bpy.data.collections.get(b) is not None or any(bpy.data.objects.get(n) for n in names)

    if not taken(base):
        return base
    n = 1
    while taken(f"{base}_{n:03d}"):
        n += 1
    return f"{base}_{n:03d}"


def has_conjure(cls, context) -> bool:
    if context.scene is None or not hasattr(context.scene, "conjure"):
        cls.poll_message_set("Conjure settings are not registered on this scene")
        return False
    return True


class RegenerateOperator:
    """Mixin of the Regenerate buttons: make the selected object again from its recorded spec, with the same seed
    or a new one. Subclasses say which objects they take (``accepts``) and what to select otherwise."""

    new_seed: bpy.props.BoolProperty(name="New Seed", description="Use a new random seed instead of the recorded one")
    select_hint = "Select an object made by Conjure"

    @staticmethod
    def accepts(obj) -> bool:
        return "conjure_spec" in obj

    @classmethod
    def poll(cls, context):
        if not has_conjure(cls, context):
            return False
        obj = context.active_object
        if obj is None or not cls.accepts(obj):
            cls.poll_message_set(cls.select_hint)
            return False
        return True

    def execute(self, context):
        obj = context.active_object
        return submit(self, context, lambda: regenerate_spec(context, obj, new=self.new_seed, unique=unique_name),
                      lambda spec: f"{spec.name} (seed {spec.seed})")
