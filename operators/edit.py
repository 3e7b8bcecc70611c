"""Operators of "Edit with words". Thin: read the instruction and the selection, call backend.blender.edit,
report what changed or why nothing did. Each Apply is one step of Blender's undo stack (``UNDO``)."""
import json

import bpy
from bpy.props import StringProperty

import uuid

from ..backend.blender import edit as scene_edit, session
from ..backend.edit import AmbiguousEdit, EditError


def _can_edit(cls, context, action):
    if context.scene is None or not hasattr(context.scene, "conjure"):
        cls.poll_message_set("Conjure settings are not registered on this scene")
        return False
    if context.mode != "OBJECT":
        cls.poll_message_set(f"Switch to Object Mode to {action}")
        return False
    return True


class CONJURE_OT_edit_apply(bpy.types.Operator):
    """Change the scene as the instruction says (objects named by it are rebuilt; everything else stays)"""

    bl_idname = "conjure.edit_apply"
    bl_label = "Apply"
    bl_options = {"REGISTER", "UNDO"}

    choice: StringProperty(name="Choice", options={"SKIP_SAVE", "HIDDEN"},
                           description="Answer to the panel's question: the object id the instruction means")

    @classmethod
    def poll(cls, context):
        return _can_edit(cls, context, "edit the scene")

    def execute(self, context):
        props = context.scene.conjure.edit
        text = props.pending if self.choice else props.instruction
        if not text.strip():
            self.report({"ERROR"}, "Instruction: type what to change, e.g. 'make the chairs red'")
            return {"CANCELLED"}
        selection = [self.choice] if self.choice else scene_edit.selection_ids(context.selected_objects)
        props.question, props.candidates, props.pending = "", "", ""
        try:  # something the library lacks: a prop from text in the background, placed when it is ready
            wanted = scene_edit.prop_request(context.scene, text, selection)
        except EditError as e:
            props.message = f"Not done: {e}"
            self.report({"ERROR"}, str(e))
            return {"CANCELLED"}
        if wanted is not None:
            return self._start_prop(context, text, selection, *wanted)
        try:
            res = scene_edit.apply(context.scene, text, selection, ambiguity="choose" if self.choice else "ask")
        except AmbiguousEdit as e:
            props.question, props.candidates, props.pending = str(e), json.dumps(e.candidates[:8]), text
            self.report({"WARNING"}, f"{e} (choose in the Edit panel)")
            return {"CANCELLED"}
        except EditError as e:
            props.message = f"Not done: {e}"
            self.report({"ERROR"}, str(e))
            return {"CANCELLED"}
        props.message = res.message + ("; " + "; ".join(res.notes) if res.notes else "")
        scene_edit.sync_history(context.scene)
        self.report({"INFO"}, props.message)
        return {"FINISHED"}


    def _start_prop(self, context, text, selection, prompt, seed):
        import os
        cfg = session.worker_config(context)
        if not cfg["python"]:
            self.report({"ERROR"}, "Worker Python is not set (Preferences > Add-ons > Conjure): it makes props from text")
            return {"CANCELLED"}
        try:
            out = os.path.join(session.output_folder(context, context.scene.conjure.output_dir), "edit_props")
        except ValueError as e:
            self.report({"ERROR"}, f"Output Folder: {e}")
            return {"CANCELLED"}
        work = scene_edit.PropEdit(text, selection, prompt, seed, out, cfg["python"], session.worker_env(cfg))
        session.start_local_work(context.scene, uuid.uuid4().hex, f"edit: {prompt}", "edit_prop", work)
        context.scene.conjure.edit.message = f"Making '{prompt}' from text; it is placed when ready (see Jobs)"
        self.report({"INFO"}, context.scene.conjure.edit.message)
        return {"FINISHED"}


class CONJURE_OT_edit_undo(bpy.types.Operator):
    """Undo the last instruction exactly: what it built is deleted and what it replaced comes back"""

    bl_idname = "conjure.edit_undo"
    bl_label = "Undo Edit"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        if not _can_edit(cls, context, "undo an edit"):
            return False
        if not scene_edit.history(context.scene):
            cls.poll_message_set("No instruction has been applied to this scene")
            return False
        return True

    def execute(self, context):
        try:
            text = scene_edit.undo(context.scene)
        except EditError as e:
            self.report({"ERROR"}, str(e))
            return {"CANCELLED"}
        scene_edit.sync_history(context.scene)
        context.scene.conjure.edit.message = f"Undone: {text}"
        self.report({"INFO"}, f"Undone: {text}")
        return {"FINISHED"}


class CONJURE_OT_edit_set_category(bpy.types.Operator):
    """Tell Conjure what the selected objects are (e.g. chair), so instructions can name them"""

    bl_idname = "conjure.edit_set_category"
    bl_label = "Set Category"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        if not _can_edit(cls, context, "set a category"):
            return False
        if not any(o.type == "MESH" for o in context.selected_objects):
            cls.poll_message_set("Select the mesh objects to name")
            return False
        return True

    def execute(self, context):
        cat = context.scene.conjure.edit.category
        done = [o for o in context.selected_objects if o.type == "MESH" and not o.get("conjure_id")]
        for o in done:
            o["conjure_category"] = cat
        if not done:
            self.report({"ERROR"}, "Objects of a Conjure scene already have their category")
            return {"CANCELLED"}
        self.report({"INFO"}, f"{len(done)} object(s) are now {cat.replace('_', ' ')}")
        return {"FINISHED"}


CLASSES = (CONJURE_OT_edit_apply, CONJURE_OT_edit_undo, CONJURE_OT_edit_set_category)
