"""The "Edit with words" section of the Conjure tab. Drawing only."""
import json

import bpy

from .base import ConjurePanel as _ConjurePanel


class CONJURE_UL_edit_history(bpy.types.UIList):
    def draw_item(self, _context, layout, _data, item, _icon, _active_data, _active_prop, _index=0):
        layout.label(text=item.instruction, icon="TEXT")


class CONJURE_PT_edit(_ConjurePanel, bpy.types.Panel):
    bl_label = "Edit with words"

    def draw(self, context):
        props = context.scene.conjure.edit
        layout = self.layout
        layout.prop(props, "instruction", text="")
        row = layout.row(align=True)
        row.operator("conjure.edit_apply", icon="CHECKMARK")
        row.operator("conjure.edit_undo", icon="LOOP_BACK")
        if props.question:
            box = layout.box()
            box.label(text=props.question, icon="QUESTION")
            for cid in json.loads(props.candidates or "[]"):
                box.operator("conjure.edit_apply", text=cid).choice = cid
        if props.message:
            layout.label(text=props.message, icon="INFO")
        if len(props.history):
            layout.label(text="Applied")
            layout.template_list("CONJURE_UL_edit_history", "", props, "history", props, "active_step", rows=3)
        obj = context.active_object
        if obj is not None and obj.type == "MESH" and not obj.get("conjure_id"):
            row = layout.row(align=True)
            row.prop(props, "category", text="Is a")
            row.operator("conjure.edit_set_category", text="", icon="CHECKMARK")
            if obj.get("conjure_category"):
                layout.label(text=f"{obj.name}: {obj['conjure_category'].replace('_', ' ')}")


CLASSES = (CONJURE_UL_edit_history, CONJURE_PT_edit)
