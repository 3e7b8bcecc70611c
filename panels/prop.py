"""The N-panel section "Prop from Text / Image" and its Advanced sub-panel. Drawing only.

The latest diffusion preview is shown through ``previews.PreviewSlots``: reloaded when the file changes or a newer
one replaces it, freed on unregister.
"""
import os
import textwrap

import bpy

from ..backend.blender import session
from ..backend.generate.pipelines import pipelines
from .base import ConjurePanel
from .previews import PreviewSlots

# Hint text in empty fields (not in every Blender this extension supports)
_HINT = "placeholder" in bpy.types.UILayout.bl_rna.functions["prop"].parameters.keys()
_slots = PreviewSlots()


def preview_image(path: str):
    """The ImagePreview of the latest diffusion preview at ``path`` (None if there is none)."""
    return _slots.image("preview", path)


def free_previews() -> None:
    """Called by unregister()."""
    _slots.free()


def _hint(text: str) -> dict:
    return {"placeholder": text} if _HINT else {}


def _wrapped(layout, text: str, icon: str = "NONE", width: int = 48) -> None:
    lines = textwrap.wrap(text, width) or [""]
    col = layout.column(align=True)
    for i, line in enumerate(lines):
        col.label(text=line, icon=icon if i == 0 else "BLANK1")


def _latest_prop_job(scene):
    jobs = session.jobs_for_panel(scene, "prop", states=("QUEUED", "RUNNING", "DONE", "FAILED", "CANCELLED"))
    return jobs[-1] if jobs else None


class CONJURE_PT_prop(ConjurePanel, bpy.types.Panel):
    bl_label = "Prop from Text / Image"

    @classmethod
    def poll(cls, context):
        return hasattr(context.scene, "conjure")

    def draw(self, context):
        layout = self.layout
        scene = context.scene
        p = scene.conjure.prop
        layout.row().prop(p, "pipeline", expand=True)
        layout.row().prop(p, "input_mode", expand=True)
        if p.input_mode == "TEXT":
            layout.prop(p, "prompt", text="", icon="FONT_DATA", **_hint("a red wooden chair"))
        else:
            self._draw_picture(layout, p)
        col = layout.column(align=True)
        col.use_property_split = True
        col.prop(p, "seed")
        col.prop(p, "candidates")
        col.prop(p, "name", **_hint("from the prompt"))
        row = layout.row(align=True)
        row.scale_y = 1.6
        row.operator("conjure.prop_generate", icon="SHADERFX")
        row.operator("conjure.cancel", text="", icon="CANCEL").panel = "prop"
        self._draw_job(layout, scene)
        if scene.conjure.last_error:
            _wrapped(layout.box(), scene.conjure.last_error, icon="ERROR")
        self._draw_selection(layout, context)

    @staticmethod
    def _draw_picture(layout, p):
        layout.prop(p, "image_path", text="")
        row = layout.row(align=True)
        row.prop(p, "mask_method", text="")
        row.operator("conjure.prop_cutout", icon="SELECT_SUBTRACT")
        layout.template_ID(p, "mask_image", open="image.open")
        img = p.mask_image
        if img is None:
            return
        picture = os.path.abspath(bpy.path.abspath(p.image_path)) if p.image_path else ""
        if p.mask_for(picture) is None:
            layout.label(text="This mask is for another picture: cut out again", icon="ERROR")
        row = layout.row()
        row.template_icon(icon_value=layout.icon(img), scale=6.0)
        col = row.column()
        col.operator("conjure.prop_edit_mask", icon="BRUSH_DATA")
        if img.is_dirty:
            col.label(text="Painted: saved on Generate", icon="INFO")

    @staticmethod
    def _draw_job(layout, scene):
        job = _latest_prop_job(scene)
        if job is None or job.state not in ("QUEUED", "RUNNING"):
            return
        box = layout.box()
        box.progress(factor=job.progress, type="BAR", text=f"{job.label}: {job.message}"[:80])
        if job.download:
            box.progress(factor=job.download_progress, type="BAR", text=job.download)
        preview = preview_image(job.preview)
        if preview is not None:
            box.template_icon(icon_value=preview.icon_id, scale=8.0)

    @staticmethod
    def _draw_selection(layout, context):
        obj = context.active_object
        if obj is None or "conjure_pipeline" not in obj:
            return
        box = layout.box()
        what = obj.get("conjure_prompt") or os.path.basename(str(obj.get("conjure_image", ""))) or obj.name
        box.label(text=f"{what[:40]}", icon="OBJECT_DATA")
        box.label(text=f"{obj['conjure_pipeline']} · seed {obj.get('conjure_seed', '-')} · "
                       f"{obj.get('conjure_steps', '-')} steps · candidate {int(obj.get('conjure_candidate', 0)) + 1}")
        box.operator("conjure.prop_keep_candidate", icon="CHECKMARK")
        row = box.row(align=True)
        row.operator("conjure.prop_regenerate", text="Regenerate", icon="FILE_REFRESH").new_seed = False
        row.operator("conjure.prop_regenerate", text="New Seed", icon="RNDCURVE").new_seed = True


class CONJURE_PT_prop_advanced(ConjurePanel, bpy.types.Panel):
    bl_label = "Advanced"
    bl_parent_id = "CONJURE_PT_prop"
    bl_options = {"DEFAULT_CLOSED"}

    @classmethod
    def poll(cls, context):
        return hasattr(context.scene, "conjure")

    def draw(self, context):
        p = context.scene.conjure.prop
        layout = self.layout
        layout.use_property_split = True
        col = layout.column(align=True)
        col.prop(p, "steps")
        row = col.row(align=True)
        row.prop(p, "use_default_guidance")
        sub = col.row(align=True)
        sub.enabled = not p.use_default_guidance
        sub.prop(p, "guidance")
        col = layout.column(align=True)
        col.prop(p, "resolution")
        col.prop(p, "face_budget")
        col.prop(p, "texture_size")
        col.prop(p, "use_default_size")
        sub = col.row(align=True)
        sub.enabled = not p.use_default_size
        sub.prop(p, "size")
        col.prop(p, "roughness")
        if len(pipelines()[p.pipeline].outputs) > 1:
            layout.prop(p, "output")
        col = layout.column(align=True)
        if p.pipeline == "shap-e":
            col.prop(p, "schedule")
        if p.pipeline == "point-e":
            col.prop(p, "upsample")
            if p.input_mode == "IMAGE":
                col.prop(p, "point_e_base")
            col.prop(p, "mesher")
        col = layout.column(align=True)
        col.prop(p, "device")
        col.prop(p, "fp16")
        col.prop(p, "cpu_offload")
        col.prop(p, "preview_every")
        layout.prop(p, "model")
        layout.prop(context.scene.conjure, "output_dir")


CLASSES = (CONJURE_PT_prop, CONJURE_PT_prop_advanced)
