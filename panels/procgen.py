"""N-panel sections for procedural assets and scenes. Drawing only."""
import json

import bpy

from ..backend.procgen import registry
from .base import ConjurePanel as _ConjurePanel


class CONJURE_PT_procgen_asset(_ConjurePanel, bpy.types.Panel):
    bl_label = "Add asset"

    @classmethod
    def poll(cls, context):
        return hasattr(context.scene, "conjure")

    def draw(self, context):
        props = context.scene.conjure.procgen
        layout = self.layout
        layout.use_property_split = True
        layout.prop(props, "category")
        layout.prop(props, "seed")
        if props.params_category != props.category:
            layout.operator("conjure.procgen_reset_params", text="Show Parameters", icon="PROPERTIES")
        else:
            box = layout.box()
            box.label(text="Parameters (unchecked: from seed)")
            for p in props.params:
                row = box.row(align=True)
                row.prop(p, "override", text="")
                sub = row.row(align=True)
                sub.active = p.override
                sub.prop(p, "value", text=f"{p.name.replace('_', ' ')} ({p.lo:g}-{p.hi:g})")
            box.operator("conjure.procgen_reset_params", text="Reset", icon="LOOP_BACK")
        row = layout.row(align=True)
        row.operator("conjure.add_asset", icon="ADD")
        row.operator("conjure.reroll_asset", icon="FILE_REFRESH")


class CONJURE_PT_procgen_scene(_ConjurePanel, bpy.types.Panel):
    bl_label = "Generate scene"

    @classmethod
    def poll(cls, context):
        return hasattr(context.scene, "conjure")

    def draw(self, context):
        props = context.scene.conjure.procgen
        layout = self.layout
        layout.use_property_split = True
        layout.prop(props, "scene_type")
        layout.prop(props, "scene_seed")
        layout.prop(props, "density", slider=True)
        layout.operator("conjure.generate_scene", icon="SCENE_DATA")


class CONJURE_PT_procgen_object(_ConjurePanel, bpy.types.Panel):
    bl_label = "Conjure object"

    @classmethod
    def poll(cls, context):
        obj = context.active_object
        return obj is not None and obj.get("conjure_category") is not None

    def draw(self, context):
        obj = context.active_object
        layout = self.layout
        cat = obj["conjure_category"]
        layout.label(text=f"{cat.replace('_', ' ').title()}  ·  seed {obj.get('conjure_seed', '-')}")
        if obj.get("conjure_semantic"):
            layout.label(text="Tags: " + ", ".join(json.loads(obj["conjure_semantic"])))
        if cat not in registry().names():
            return  # structure (walls, floor, terrain): nothing to edit
        col = layout.column(align=True)
        for p in registry().get(cat).params:
            key = f"conjure_param_{p.name}"
            if key in obj:
                col.prop(obj, f'["{key}"]', text=p.name.replace("_", " ").title())
        row = layout.row(align=True)
        row.operator("conjure.rebuild_asset", icon="FILE_REFRESH")
        row.operator("conjure.reroll_asset", icon="MOD_NOISE")


CLASSES = (CONJURE_PT_procgen_asset, CONJURE_PT_procgen_scene, CONJURE_PT_procgen_object)
