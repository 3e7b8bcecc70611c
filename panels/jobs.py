"""The N-panel sections "Jobs" (every job, its state and message) and "Worker" (status, start, stop). Drawing only."""
import bpy

from ..backend.blender import session
from .base import ConjurePanel


class CONJURE_UL_jobs(bpy.types.UIList):
    ICONS = {"QUEUED": "TIME", "RUNNING": "PLAY", "DONE": "CHECKMARK", "FAILED": "ERROR", "CANCELLED": "CANCEL"}

    def draw_item(self, context, layout, data, item, icon, active_data, active_propname, index):
        row = layout.row()
        row.label(text=item.label, icon=self.ICONS[item.state])
        if item.state == "RUNNING":
            row.progress(factor=item.progress, type="RING", text="")
        row.label(text=item.error or item.message)


class CONJURE_PT_jobs(ConjurePanel, bpy.types.Panel):
    bl_label = "Jobs"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        p = context.scene.conjure
        self.layout.template_list("CONJURE_UL_jobs", "", p, "jobs", p, "active_job", rows=3)
        row = self.layout.row(align=True)
        row.operator("conjure.cancel", icon="CANCEL")
        row.operator("conjure.clear_jobs", icon="TRASH")


class CONJURE_PT_worker(ConjurePanel, bpy.types.Panel):
    bl_label = "Worker"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        layout = self.layout
        layout.label(text=f"Status: {session.worker_status()}")
        row = layout.row(align=True)
        row.operator("conjure.worker_start", icon="PLAY")
        row.operator("conjure.worker_stop", text="Stop (free memory)", icon="X")


CLASSES = (CONJURE_UL_jobs, CONJURE_PT_jobs, CONJURE_PT_worker)
