"""Add-on preferences: where the worker runs, where models live, which device, whether to download."""
import bpy
from bpy.props import BoolProperty, EnumProperty, IntProperty, StringProperty

from ..backend.jobs import DEVICES

ADDON_ID = __package__.rpartition(".")[0]


class ConjurePreferences(bpy.types.AddonPreferences):
    bl_idname = ADDON_ID

    worker_mode: EnumProperty(name="Worker", items=[
        ("LOCAL", "Local", "Start a worker process on this computer when needed"),
        ("REMOTE", "Remote", "Connect to a running worker (e.g. on a GPU box)"),
    ], default="LOCAL")
    worker_python: StringProperty(
        name="Worker Python", subtype="FILE_PATH",
        description="Python interpreter with Conjure's worker packages (torch, diffusers, numpy, ...); "
                    "Install Worker sets it. Empty: $CONJURE_WORKER_PYTHON")
    install_torch: EnumProperty(name="PyTorch", items=[
        ("cpu", "CPU", "PyTorch for the processor only (smaller download)"),
        ("cuda", "CUDA", "PyTorch with NVIDIA GPU support")], default="cpu")
    remote_host: StringProperty(name="Host", default="127.0.0.1")
    remote_port: IntProperty(name="Port", default=8765, min=1, max=65535)
    remote_token_file: StringProperty(
        name="Token file", subtype="FILE_PATH",
        description="File holding the remote worker's token, readable by you alone (chmod 600). The token itself "
                    "is never stored in Blender's preferences. Empty: $CONJURE_WORKER_TOKEN")
    model_cache_dir: StringProperty(
        name="Model folder", subtype="DIR_PATH",
        description="Where downloaded models are kept (empty: the Hugging Face hub cache)")
    device: EnumProperty(name="Device", items=[(d, *DEVICES[d]) for d in DEVICES], default="auto")
    text_encoder: StringProperty(
        name="Point-E text encoder",
        description="CLIP model Point-E uses to read prompts and pictures: hub id (owner/name) or a local folder. "
                    "Empty: openai/clip-vit-large-patch14")
    allow_downloads: BoolProperty(
        name="Allow model downloads", default=True,
        description="Download missing models (also needs Blender's 'Allow Online Access')")

    def draw(self, context):
        layout = self.layout
        layout.prop(self, "worker_mode", expand=True)
        if self.worker_mode == "LOCAL":
            layout.prop(self, "worker_python")
            self._draw_install(layout)
        else:
            row = layout.row()
            row.prop(self, "remote_host")
            row.prop(self, "remote_port")
            layout.prop(self, "remote_token_file")
        layout.prop(self, "model_cache_dir")
        layout.prop(self, "device")
        layout.prop(self, "text_encoder")
        row = layout.row()
        row.prop(self, "allow_downloads")
        if not bpy.app.online_access:
            row.label(text="Blender's online access is off: offline mode", icon="INFO")

    def _draw_install(self, layout):
        from ..backend.blender import install

        st = install.status()
        box = layout.box()
        if st["running"]:
            box.progress(factor=st["fraction"], type="BAR", text=f"Installing: {st['message']}"[:90])
            box.operator("conjure.install_worker_cancel", icon="CANCEL")
            return
        row = box.row(align=True)
        row.prop(self, "install_torch", expand=True)
        row.operator("conjure.install_worker", icon="IMPORT").torch = self.install_torch
        info = st["installed"]
        if info:
            box.label(text=f"Installed: torch {info.get('torch_version', '?')} ({info.get('torch', '?')}) in "
                           f"{st['folder']}", icon="CHECKMARK")
        else:
            box.label(text=f"Makes a Python environment in {st['folder']}", icon="INFO")
        if st["error"]:
            box.label(text=st["error"][:200], icon="ERROR")


CLASSES = (ConjurePreferences,)
