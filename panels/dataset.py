"""N-panel section "Synthetic dataset". Drawing only."""
import bpy

from ..backend.dataset.spec import PASSES
from .base import ConjurePanel as _ConjurePanel


class CONJURE_PT_dataset(_ConjurePanel, bpy.types.Panel):
    bl_label = "Synthetic dataset"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        p = context.scene.conjure.dataset
        layout = self.layout
        layout.use_property_split = True
        col = layout.column()
        col.enabled = p.state != "RUNNING"
        for name in ("scene_type", "seed_start", "scenes", "frames", "resolution", "quality", "trajectory"):
            col.prop(p, name)
        grid = col.grid_flow(columns=2, align=True)
        for name in PASSES:
            grid.prop(p, f"pass_{name}")
        col.prop(p, "stereo_baseline")
        col.prop(p, "quilt_views")
        row = col.row(heading="Export Scenes")
        row.prop(p, "export_usd")
        row.prop(p, "export_gltf")
        col.prop(p, "output_dir")
        col.prop(p, "executor")
        col.prop(p, "workers")
        if p.executor == "ray":
            col.prop(p, "ray_address")
        col.prop(p, "python")
        row = layout.row(align=True)
        row.operator("conjure.dataset_start", icon="RENDER_ANIMATION")
        row.operator("conjure.dataset_cancel", icon="CANCEL")
        if p.state != "IDLE":
            layout.progress(factor=p.progress, type="BAR", text=p.message)
        if p.error:
            layout.label(text=p.error, icon="ERROR")


CLASSES = (CONJURE_PT_dataset,)
