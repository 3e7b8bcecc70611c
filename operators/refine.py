"""Refine Mesh: re-texture (and reshape) the selected mesh toward a prompt by score distillation; run it again."""
import os

import bpy
import numpy as np

from ..backend.blender import session
from ..backend.blender.mesh import mesh_arrays
from ..backend.jobs import JobSpec
from ..backend.refine.meshio import MeshProblem, check_mesh
from .common import InputError, RegenerateOperator, has_conjure, output_dir, submit, unique_name


def _mesh_file(context, obj, folder: str, name: str) -> str:
    """The mesh to send: the object's own Conjure GLB when it is unmodified (keeps its texture), else its evaluated
    mesh as ``<name>_input.npz`` in the output folder (kept, so the result can be refined again). Checked here,
    before anything is submitted."""
    glb = obj.get("conjure_glb")
    if isinstance(glb, str) and os.path.isfile(glb) and not obj.modifiers:
        from ..backend.mesh.glb import read_glb
        from ..backend.refine.meshio import load_mesh

        if len(read_glb(glb)["positions"]) == len(obj.data.vertices):  # else it was edited since: send the mesh
            try:
                load_mesh(glb)
            except MeshProblem as e:
                raise InputError(f"Mesh: {obj.name}: {e}") from None
            return glb
    arrays = mesh_arrays(obj, context.evaluated_depsgraph_get())
    try:
        check_mesh(arrays["verts"], arrays["faces"])
    except MeshProblem as e:
        raise InputError(f"Mesh: {obj.name}: {e}") from None
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{name}_input.npz")
    np.savez(path, **arrays)
    return path


def spec_from_props(context) -> JobSpec:
    """The job spec the panel describes for the active object. Raises SpecError or InputError."""
    obj = context.active_object
    if obj is None or obj.type != 'MESH':
        raise InputError("Mesh: select a mesh object to refine")
    p = context.scene.conjure.refine
    if not p.prompt.strip():
        raise InputError("Prompt: is empty: describe what the object should look like")
    folder = output_dir(context)
    name = unique_name(p.name.strip() or f"{obj.name}_refined".replace(" ", "_"))
    params = {
        "mesh": _mesh_file(context, obj, folder, name), "source": obj.name, "prompt": p.prompt,
        "negative_prompt": p.negative_prompt, "mode": p.mode, "method": p.method, "model": p.model.strip(),
        "steps": p.steps, "guidance": None if p.use_default_guidance else p.guidance, "resolution": p.resolution,
        "views_per_step": p.views_per_step, "texture_size": p.texture_size, "lr_texture": p.lr_texture,
        "lr_geometry": p.lr_geometry, "lr_lora": p.lr_lora, "lora_rank": p.lora_rank,
        "laplacian_weight": p.laplacian_weight, "normal_weight": p.normal_weight, "t_min": p.t_min,
        "t_max": p.t_max, "t_max_end": p.t_max_end, "weighting": p.weighting, "preview_every": p.preview_every,
        "fp16": p.fp16, "cpu_offload": p.cpu_offload,
    }
    return JobSpec.from_json({"type": "refine", "name": name, "seed": p.seed, "params": params,
                              "output_dir": folder, "device": session.worker_config(context)["device"]})


class CONJURE_OT_refine(bpy.types.Operator):
    """Refine the selected mesh toward the prompt (a new object appears beside it; the original is not changed)"""
    bl_idname = "conjure.refine"
    bl_label = "Refine Mesh"

    @classmethod
    def poll(cls, context):
        if not has_conjure(cls, context):
            return False
        obj = context.active_object
        if obj is None or obj.type != 'MESH':
            cls.poll_message_set("Select a mesh to refine")
            return False
        return True

    def execute(self, context):
        return submit(self, context, lambda: spec_from_props(context), lambda spec: f"{spec.name} (refine)")


class CONJURE_OT_refine_again(RegenerateOperator, bpy.types.Operator):
    """Refine again with the settings recorded on the selected refined object, with the same seed or a new one"""
    bl_idname = "conjure.refine_again"
    bl_label = "Refine Again"
    select_hint = "Select an object made by Refine Mesh"

    @staticmethod
    def accepts(obj) -> bool:
        return "conjure_spec" in obj and "conjure_refined_from" in obj


CLASSES = (CONJURE_OT_refine, CONJURE_OT_refine_again)
