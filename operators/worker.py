"""Start and stop the worker process (both return at once; the work happens on background threads)."""
import bpy

from ..backend.blender import session
from ..backend.client import WorkerError


class CONJURE_OT_worker_start(bpy.types.Operator):
    """Start the worker process now (it also starts by itself with the first job)"""
    bl_idname = "conjure.worker_start"
    bl_label = "Start Worker"

    def execute(self, context):
        try:
            session.ensure_worker(context)
        except (WorkerError, OSError) as e:
            if hasattr(context.scene, "conjure"):
                context.scene.conjure.last_error = str(e)
            self.report({'ERROR'}, f"Conjure worker: {e}")
            return {'CANCELLED'}
        if session.token_warning():
            self.report({'WARNING'}, f"Conjure worker: {session.token_warning()}")
        self.report({'INFO'}, f"Conjure worker: {session.worker_status()}")
        return {'FINISHED'}


class CONJURE_OT_worker_stop(bpy.types.Operator):
    """Stop the local worker and free its memory, or disconnect from a remote one (which keeps running).
    Queued and running jobs are cancelled"""
    bl_idname = "conjure.worker_stop"
    bl_label = "Stop Worker"

    def execute(self, context):
        session.stop_worker()
        return {'FINISHED'}


CLASSES = (CONJURE_OT_worker_start, CONJURE_OT_worker_stop)
