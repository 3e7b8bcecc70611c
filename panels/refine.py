"""The N-panel section "Refine Mesh" and its Advanced sub-panel. Drawing only.

The latest preview render and the loss curve are shown through their own ``bpy.utils.previews`` collection
(two entries at most), reloaded when the worker rewrites the files, freed on unregister.
"""

import bpy

from ..backend.blender import session
from .base import ConjurePanel
from .previews import PreviewSlots

_slots = PreviewSlots()
_image = _slots.image  # slots: preview | curve


def free_previews() -> None:
    """Called by unregister()."""
    _slots.free()


def _latest_job(scene):
    jobs = session.jobs_for_panel(scene, "refine", states=("QUEUED", "RUNNING", "DONE", "FAILED", "CANCELLED"))
    return jobs[-1] if jobs else None


class CONJURE_PT_refine(ConjurePanel, bpy.types.Panel):
    bl_label = "Refine Mesh"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        layout = self.layout
        p = context.scene.conjure.refine
        obj = context.active_object
        if obj is not None and obj.type == 'MESH':
            layout.label(text=f"{obj.name}: {len(obj.data.polygons):,} faces", icon="MESH_DATA")
        else:
            layout.label(text="Select a mesh to refine", icon="INFO")
        layout.prop(p, "prompt")
        layout.row().prop(p, "mode", expand=True)
        layout.row().prop(p, "method", expand=True)
        col = layout.column()
        col.prop(p, "steps")
        row = col.row(align=True)
        row.prop(p, "use_default_guidance")
        sub = row.row()
        sub.enabled = not p.use_default_guidance
        sub.prop(p, "guidance")
        col.prop(p, "resolution")
        col.prop(p, "texture_size")
        col.prop(p, "seed")
        col.prop(p, "name")
        row = layout.row(align=True)
        row.scale_y = 1.4
        row.operator("conjure.refine", icon="BRUSH_DATA")
        row.operator("conjure.cancel", text="", icon="CANCEL").panel = "refine"
        job = _latest_job(context.scene)
        if job is not None:
            if job.state in ("QUEUED", "RUNNING"):
                layout.progress(factor=job.progress, type="BAR", text=f"{job.label}: {job.message}")
                if job.download:
                    layout.progress(factor=job.download_progress, type="BAR", text=job.download)
            elif job.error:
                layout.label(text=job.error[:120], icon="ERROR")
            box = layout.box()
            shot = _image("preview", job.preview) if job.state in ("QUEUED", "RUNNING") else None
            if shot is not None:
                box.template_icon(icon_value=shot.icon_id, scale=8.0)
            curve = _image("curve", job.loss_curve)
            if curve is not None:
                box.label(text="Loss")
                box.template_icon(icon_value=curve.icon_id, scale=8.0)
        if obj is not None and "conjure_refined_from" in obj:
            row = layout.row(align=True)
            row.operator("conjure.refine_again", text="Refine Again", icon="FILE_REFRESH").new_seed = False
            row.operator("conjure.refine_again", text="New Seed", icon="RNDCURVE").new_seed = True
            if obj.get("conjure_flipped_faces"):
                layout.label(text=f"{obj['conjure_flipped_faces']} faces turned over", icon="ERROR")


class CONJURE_PT_refine_advanced(ConjurePanel, bpy.types.Panel):
    bl_label = "Advanced"
    bl_parent_id = "CONJURE_PT_refine"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        p = context.scene.conjure.refine
        col = self.layout.column()
        col.prop(p, "negative_prompt")
        col.prop(p, "model")
        col.prop(p, "views_per_step")
        col.prop(p, "lr_texture")
        sub = col.column()
        sub.enabled = p.mode == "geometry"
        sub.prop(p, "lr_geometry")
        sub.prop(p, "laplacian_weight")
        sub.prop(p, "normal_weight")
        sub = col.column()
        sub.enabled = p.method == "vsd"
        sub.prop(p, "lr_lora")
        sub.prop(p, "lora_rank")
        col.prop(p, "t_min")
        col.prop(p, "t_max")
        col.prop(p, "t_max_end")
        col.prop(p, "weighting")
        col.prop(p, "preview_every")
        col.prop(p, "fp16")
        col.prop(p, "cpu_offload")


CLASSES = (CONJURE_PT_refine, CONJURE_PT_refine_advanced)
