"""Cancel a job, clear finished ones: the same operators for every job type."""
import bpy
from bpy.props import StringProperty

from ..backend.blender import session
from .common import has_conjure


class CONJURE_OT_cancel(bpy.types.Operator):
    """Cancel a job: the newest queued or running one shown in this panel (a result being imported is removed)"""
    bl_idname = "conjure.cancel"
    bl_label = "Cancel"

    job_id: StringProperty(options={'SKIP_SAVE'}, description="The job to cancel (empty: the newest)")
    panel: StringProperty(options={'SKIP_SAVE'}, description="Only jobs shown in this panel (prop, shape)")

    @classmethod
    def poll(cls, context):
        if not has_conjure(cls, context):
            return False
        if not session.active_jobs():
            cls.poll_message_set("No job is queued or running")
            return False
        return True

    def execute(self, context):
        active = session.active_jobs()
        if self.job_id:
            job_id = self.job_id
        elif self.panel:
            mine = [j.job_id for j in session.jobs_for_panel(context.scene, self.panel) if j.job_id in active]
            if not mine:
                self.report({'INFO'}, "Conjure: no job of this panel is queued or running")
                return {'CANCELLED'}
            job_id = mine[-1]
        else:
            job_id = active[-1]
        session.cancel(job_id)
        return {'FINISHED'}


class CONJURE_OT_clear_jobs(bpy.types.Operator):
    """Remove finished, failed and cancelled jobs from the list"""
    bl_idname = "conjure.clear_jobs"
    bl_label = "Clear Finished"

    @classmethod
    def poll(cls, context):
        return has_conjure(cls, context)

    def execute(self, context):
        jobs = context.scene.conjure.jobs
        for i in reversed(range(len(jobs))):
            if jobs[i].state not in ("QUEUED", "RUNNING"):
                jobs.remove(i)
        context.scene.conjure.active_job = max(0, len(jobs) - 1)
        return {'FINISHED'}


CLASSES = (CONJURE_OT_cancel, CONJURE_OT_clear_jobs)
