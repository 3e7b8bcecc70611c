"""Shape from Primitives: generate, regenerate, and edit the list of signed-distance primitives."""
import bpy
from bpy.props import EnumProperty

from ..backend.blender import session
from ..backend.jobs import JobSpec
from ..backend.shapes.presets import PRESETS, preset_params
from .common import RegenerateOperator, has_conjure, output_dir, submit, unique_name


def spec_from_props(context) -> JobSpec:
    """The job spec the panel describes. Raises SpecError or InputError."""
    p = context.scene.conjure
    params = {
        "primitives": [{"kind": q.kind, "center": list(q.center), "size": list(q.size), "end": list(q.end),
                        "color": list(q.color), "subtract": q.subtract} for q in p.primitives],
        "blend": p.blend, "resolution": p.resolution, "texture_size": p.texture_size,
        "face_budget": p.face_budget,
    }
    return JobSpec.from_json({"type": "implicit_shape", "name": unique_name(p.name), "seed": p.seed,
                              "params": params, "output_dir": output_dir(context),
                              "device": session.worker_config(context)["device"]})


class CONJURE_OT_shape_generate(bpy.types.Operator):
    """Make a textured object from the primitives above (runs in the background; see Jobs)"""
    bl_idname = "conjure.shape_generate"
    bl_label = "Generate Shape"

    @classmethod
    def poll(cls, context):
        if not has_conjure(cls, context):
            return False
        if not context.scene.conjure.primitives:
            cls.poll_message_set("Add a primitive or load a preset first")
            return False
        return True

    def execute(self, context):
        return submit(self, context, lambda: spec_from_props(context), context.scene.conjure.name)


class CONJURE_OT_shape_regenerate(RegenerateOperator, bpy.types.Operator):
    """Make the selected shape again from its recorded settings, with the same seed or a new one"""
    bl_idname = "conjure.shape_regenerate"
    bl_label = "Regenerate"
    select_hint = "Select an object made by Shape from Primitives"

    @staticmethod
    def accepts(obj) -> bool:
        return "conjure_spec" in obj and "conjure_pipeline" not in obj


class CONJURE_OT_primitive_add(bpy.types.Operator):
    """Add a primitive to the shape"""
    bl_idname = "conjure.primitive_add"
    bl_label = "Add Primitive"
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        return has_conjure(cls, context)

    def execute(self, context):
        p = context.scene.conjure
        p.primitives.add()
        p.active_primitive = len(p.primitives) - 1
        return {'FINISHED'}


class CONJURE_OT_primitive_remove(bpy.types.Operator):
    """Remove the selected primitive"""
    bl_idname = "conjure.primitive_remove"
    bl_label = "Remove Primitive"
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        if not has_conjure(cls, context):
            return False
        p = context.scene.conjure
        if not 0 <= p.active_primitive < len(p.primitives):
            cls.poll_message_set("Select a primitive to remove")
            return False
        return True

    def execute(self, context):
        p = context.scene.conjure
        p.primitives.remove(p.active_primitive)
        p.active_primitive = max(0, min(p.active_primitive, len(p.primitives) - 1))
        return {'FINISHED'}


class CONJURE_OT_load_preset(bpy.types.Operator):
    """Replace the primitives with a built-in preset shape"""
    bl_idname = "conjure.load_preset"
    bl_label = "Load Preset"
    bl_options = {'REGISTER', 'UNDO'}

    preset: EnumProperty(name="Preset", items=[(k, v["label"], "") for k, v in PRESETS.items()])

    @classmethod
    def poll(cls, context):
        return has_conjure(cls, context)

    def execute(self, context):
        p = context.scene.conjure
        params = preset_params(self.preset)
        p.primitives.clear()
        for src in params["primitives"]:
            q = p.primitives.add()
            q.kind = src["kind"]
            q.center = src.get("center", (0, 0, 0))
            q.size = src.get("size", (0.5, 0.5, 0.5))
            q.end = src.get("end", (0, 0, 1))
            q.color = src.get("color", (0.8, 0.8, 0.8))
            q.subtract = src.get("subtract", False)
        p.blend = params["blend"]
        p.name = self.preset
        p.active_primitive = 0
        return {'FINISHED'}


CLASSES = (CONJURE_OT_shape_generate, CONJURE_OT_shape_regenerate, CONJURE_OT_primitive_add,
           CONJURE_OT_primitive_remove, CONJURE_OT_load_preset)
