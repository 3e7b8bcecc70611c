"""Start, stop and install the worker (all return at once; the work happens on background threads)."""
import bpy

from ..backend.blender import install, session
from ..backend.client import WorkerError
from ..backend.installer import InstallerError


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


class CONJURE_OT_install_worker(bpy.types.Operator):
    """Make the worker's Python environment in Conjure's user folder (Blender's own Python, torch and the
    worker's packages, several GB for CUDA) and use it; runs in the background and can be cancelled"""
    bl_idname = "conjure.install_worker"
    bl_label = "Install Worker"

    torch: bpy.props.EnumProperty(name="PyTorch", items=[
        ("cpu", "CPU", "PyTorch for the processor only (smaller download)"),
        ("cuda", "CUDA", "PyTorch with NVIDIA GPU support (Linux and Windows)"),
        ("none", "None", "Skip PyTorch (only for testing an install)")], default="cpu")
    requirements: bpy.props.StringProperty(options={'SKIP_SAVE', 'HIDDEN'},
                                           description="Another requirements file (testing)")
    pip_args: bpy.props.StringProperty(options={'SKIP_SAVE', 'HIDDEN'},
                                       description="Extra pip arguments, space-separated (testing)")

    @classmethod
    def poll(cls, context):
        if install.running():
            cls.poll_message_set("An install is already running")
            return False
        return True

    def execute(self, context):
        if not bpy.app.online_access and not self.pip_args:
            self.report({'ERROR'}, "Conjure: installing needs Blender's online access "
                                   "(Preferences > System > Network)")
            return {'CANCELLED'}
        try:
            install.start(context, torch=self.torch, requirements=self.requirements or None,
                          extra_pip_args=self.pip_args.split())
        except (InstallerError, OSError) as e:
            self.report({'ERROR'}, f"Conjure: {e}")
            return {'CANCELLED'}
        self.report({'INFO'}, f"Conjure: installing the worker into {install.env_folder()}")
        return {'FINISHED'}


class CONJURE_OT_install_worker_cancel(bpy.types.Operator):
    """Stop the running install; the previous environment stays as it was"""
    bl_idname = "conjure.install_worker_cancel"
    bl_label = "Cancel Install"

    @classmethod
    def poll(cls, context):
        if not install.running():
            cls.poll_message_set("No install is running")
            return False
        return True

    def execute(self, context):
        install.cancel()
        return {'FINISHED'}


CLASSES = CLASSES + (CONJURE_OT_install_worker, CONJURE_OT_install_worker_cancel)
