"""The N-panel section "Shape from Primitives": signed-distance primitives -> a textured object. Drawing only."""
import bpy

from ..backend.blender import session
from .base import ConjurePanel


class CONJURE_UL_primitives(bpy.types.UIList):
    def draw_item(self, context, layout, data, item, icon, active_data, active_propname, index):
        row = layout.row(align=True)
        row.prop(item, "kind", text="")
        row.prop(item, "color", text="")
        row.prop(item, "subtract", text="", icon="REMOVE" if item.subtract else "ADD")


class CONJURE_PT_shape(ConjurePanel, bpy.types.Panel):
    bl_label = "Shape from Primitives"
    bl_options = {"DEFAULT_CLOSED"}

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
        row.operator("conjure.shape_generate", icon="PLAY")
        row.operator("conjure.cancel", text="", icon="CANCEL").panel = "shape"
        running = session.jobs_for_panel(context.scene, "shape")
        if running:
            job = running[-1]
            layout.progress(factor=job.progress, type="BAR", text=f"{job.label}: {job.message}")
        obj = context.active_object
        if obj is not None and "conjure_spec" in obj and "conjure_pipeline" not in obj:  # props: their own panel
            row = layout.row(align=True)
            row.operator("conjure.shape_regenerate", text="Regenerate", icon="FILE_REFRESH").new_seed = False
            row.operator("conjure.shape_regenerate", text="New Seed", icon="RNDCURVE").new_seed = True


CLASSES = (CONJURE_UL_primitives, CONJURE_PT_shape)
