"""Generate, cancel and regenerate props; edit the implicit-shape primitives."""
import json

import bpy
from bpy.props import EnumProperty, IntProperty, StringProperty

from ..backend.client import WorkerError
from ..backend.jobs import JobSpec, SpecError
from ..backend.presets import PRESETS, preset_params
from . import session


def spec_from_props(context) -> JobSpec:
    """The job spec the panel describes. Raises SpecError (or ValueError for the output folder)."""
    p = context.scene.conjure
    params = {
        "primitives": [{"kind": q.kind, "center": list(q.center), "size": list(q.size), "end": list(q.end),
                        "color": list(q.color), "subtract": q.subtract} for q in p.primitives],
        "blend": p.blend, "resolution": p.resolution, "texture_size": p.texture_size,
        "face_budget": p.face_budget,
    }
    name = unique_name(p.name)
    return JobSpec.from_json({"type": "implicit_shape", "name": name, "seed": p.seed, "params": params,
                              "output_dir": session.output_folder(context, p.output_dir),
                              "device": session.worker_config(context)["device"]})


def unique_name(base: str) -> str:
    """``base``, or ``base_NNN`` if an object of that name exists (so files are not overwritten)."""
    if bpy.data.objects.get(base) is None:
        return base
    n = 1
    while bpy.data.objects.get(f"{base}_{n:03d}") is not None:
        n += 1
    return f"{base}_{n:03d}"


def _submit(op, context, make_spec, label: str):
    try:
        spec = make_spec()
    except (SpecError, ValueError) as e:
        context.scene.conjure.last_error = str(e)
        op.report({'ERROR'}, f"Conjure: {e}")
        return {'CANCELLED'}
    try:
        session.submit(context, spec, label)
    except (WorkerError, OSError) as e:
        context.scene.conjure.last_error = str(e)
        op.report({'ERROR'}, f"Conjure worker: {e}")
        return {'CANCELLED'}
    op.report({'INFO'}, f"Conjure: queued {label}")
    return {'FINISHED'}


class CONJURE_OT_generate(bpy.types.Operator):
    """Generate a textured object from the shape above (runs in the background; see Jobs)"""
    bl_idname = "conjure.generate"
    bl_label = "Generate"

    @classmethod
    def poll(cls, context):
        if not context.scene.conjure.primitives:
            cls.poll_message_set("Add a primitive or load a preset first")
            return False
        return True

    def execute(self, context):
        return _submit(self, context, lambda: spec_from_props(context), context.scene.conjure.name)


class CONJURE_OT_cancel(bpy.types.Operator):
    """Cancel the job (by default the newest queued or running one)"""
    bl_idname = "conjure.cancel"
    bl_label = "Cancel"

    job_id: StringProperty(options={'SKIP_SAVE'})

    @classmethod
    def poll(cls, context):
        if not session.active_jobs():
            cls.poll_message_set("No job is queued or running")
            return False
        return True

    def execute(self, context):
        job_id = self.job_id or session.active_jobs()[-1]
        session.cancel(job_id)
        return {'FINISHED'}


class CONJURE_OT_regenerate(bpy.types.Operator):
    """Make the active Conjure object again from its recorded settings"""
    bl_idname = "conjure.regenerate"
    bl_label = "Regenerate"

    new_seed: bpy.props.BoolProperty(name="New seed", description="Use the next seed instead of the same one")

    @classmethod
    def poll(cls, context):
        obj = context.active_object
        if obj is None or "conjure_spec" not in obj:
            cls.poll_message_set("Select an object made by Conjure")
            return False
        return True

    def execute(self, context):
        obj = context.active_object

        def make_spec():
            try:
                data = json.loads(obj["conjure_spec"])
            except (TypeError, ValueError):
                raise SpecError("conjure_spec", "the object's recorded settings are unreadable") from None
            data["name"] = unique_name(data.get("name", obj.name))
            if self.new_seed:
                data["seed"] = (int(data.get("seed", 0)) + 1) % (2**32)
            data["output_dir"] = session.output_folder(context, context.scene.conjure.output_dir)
            return JobSpec.from_json(data)

        return _submit(self, context, make_spec, f"{obj.name} (again)")


class CONJURE_OT_primitive_add(bpy.types.Operator):
    """Add a primitive to the shape"""
    bl_idname = "conjure.primitive_add"
    bl_label = "Add Primitive"
    bl_options = {'REGISTER', 'UNDO'}

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


class CONJURE_OT_clear_jobs(bpy.types.Operator):
    """Remove finished, failed and cancelled jobs from the list"""
    bl_idname = "conjure.clear_jobs"
    bl_label = "Clear Finished"

    def execute(self, context):
        jobs = context.scene.conjure.jobs
        for i in reversed(range(len(jobs))):
            if jobs[i].state not in ("QUEUED", "RUNNING"):
                jobs.remove(i)
        context.scene.conjure.active_job = max(0, len(jobs) - 1)
        return {'FINISHED'}


CLASSES = (CONJURE_OT_generate, CONJURE_OT_cancel, CONJURE_OT_regenerate, CONJURE_OT_primitive_add,
           CONJURE_OT_primitive_remove, CONJURE_OT_load_preset, CONJURE_OT_clear_jobs)
