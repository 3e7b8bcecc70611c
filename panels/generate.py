"""The N-panel tab "Conjure": Generate, Jobs and Worker sections. Drawing only."""
import bpy

from ..operators import session


class CONJURE_UL_primitives(bpy.types.UIList):
    def draw_item(self, context, layout, data, item, icon, active_data, active_propname, index):
        row = layout.row(align=True)
        row.prop(item, "kind", text="")
        row.prop(item, "color", text="")
        row.prop(item, "subtract", text="", icon="REMOVE" if item.subtract else "ADD")


class CONJURE_UL_jobs(bpy.types.UIList):
    ICONS = {"QUEUED": "TIME", "RUNNING": "PLAY", "DONE": "CHECKMARK", "FAILED": "ERROR", "CANCELLED": "CANCEL"}

    def draw_item(self, context, layout, data, item, icon, active_data, active_propname, index):
        row = layout.row()
        row.label(text=item.label, icon=self.ICONS[item.state])
        if item.state == "RUNNING":
            row.progress(factor=item.progress, type="RING", text="")
        row.label(text=item.error or item.message)


class ConjurePanel:
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Conjure"


class CONJURE_PT_generate(ConjurePanel, bpy.types.Panel):
    bl_label = "Generate"

    def draw(self, context):
        layout = self.layout
        p = context.scene.conjure
        layout.operator_menu_enum("conjure.load_preset", "preset", text="Load Preset", icon="PRESET")
        row = layout.row()
        row.template_list("CONJURE_UL_primitives", "", p, "primitives", p, "active_primitive", rows=3)
        col = row.column(align=True)
        col.operator("conjure.primitive_add", text="", icon="ADD")
        col.operator("conjure.primitive_remove", text="", icon="REMOVE")
        if 0 <= p.active_primitive < len(p.primitives):
            q = p.primitives[p.active_primitive]
            box = layout.box()
            box.prop(q, "center")
            box.prop(q, "size")
            if q.kind == "capsule":
                box.prop(q, "end")
        col = layout.column()
        col.prop(p, "blend")
        col.prop(p, "resolution")
        col.prop(p, "face_budget")
        col.prop(p, "texture_size")
        col.prop(p, "seed")
        col.prop(p, "name")
        col.prop(p, "output_dir")
        row = layout.row(align=True)
        row.scale_y = 1.4
        row.operator("conjure.generate", icon="PLAY")
        row.operator("conjure.cancel", icon="CANCEL")
        running = [j for j in p.jobs if j.state in ("QUEUED", "RUNNING") and j.kind not in ("generate", "cutout")]
        if running:
            job = running[-1]
            layout.progress(factor=job.progress, type="BAR", text=f"{job.label}: {job.message}")
        if p.last_error:
            layout.label(text=p.last_error, icon="ERROR")
        obj = context.active_object
        if obj is not None and "conjure_spec" in obj and "conjure_pipeline" not in obj:  # props: their own panel
            layout.operator("conjure.regenerate", icon="FILE_REFRESH")


class CONJURE_PT_jobs(ConjurePanel, bpy.types.Panel):
    bl_label = "Jobs"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        p = context.scene.conjure
        self.layout.template_list("CONJURE_UL_jobs", "", p, "jobs", p, "active_job", rows=3)
        self.layout.operator("conjure.clear_jobs", icon="TRASH")


class CONJURE_PT_worker(ConjurePanel, bpy.types.Panel):
    bl_label = "Worker"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        layout = self.layout
        layout.label(text=f"Status: {session.worker_status()}")
        row = layout.row(align=True)
        row.operator("conjure.worker_start", icon="PLAY")
        row.operator("conjure.worker_stop", text="Stop (free memory)", icon="X")


CLASSES = (CONJURE_UL_primitives, CONJURE_UL_jobs, CONJURE_PT_generate, CONJURE_PT_jobs, CONJURE_PT_worker)
