"""Start and cancel a synthetic dataset run. The run is a separate headless process; this session only
follows it (backend/blender/dataset_runs.py)."""
import dataclasses
import os

import bpy

from ..backend.blender import dataset_runs
from ..backend.dataset.spec import DatasetSpec, RunOptions
from ..backend.jobs import SpecError
from .common import has_conjure


def spec_from_props(context):
    p = context.scene.conjure.dataset
    spec = DatasetSpec.from_json({
        "output_dir": bpy.path.abspath(p.output_dir), "scene_type": p.scene_type,
        "seeds": list(range(p.seed_start, p.seed_start + p.scenes)), "frames": p.frames,
        "width": p.resolution, "height": p.resolution, "passes": p.passes(), "trajectory": p.trajectory,
        "quality": p.quality, "stereo_baseline": p.stereo_baseline, "quilt_views": p.quilt_views,
        "export": [e for e in ("usd", "gltf") if getattr(p, f"export_{e}")]})
    options = RunOptions(executor=p.executor, workers=p.workers, ray_address=p.ray_address.strip())
    return spec, options


def dataset_processes(context) -> tuple[str, str]:
    """(orchestrator Python, Blender binary for the shards or ""): see dataset_runs.processes."""
    p = context.scene.conjure.dataset
    return dataset_runs.processes(bpy.path.abspath(p.python) if p.python else "")


class CONJURE_OT_dataset_start(bpy.types.Operator):
    """Render the dataset in separate headless processes (this Blender keeps working); a folder that already
    holds this dataset is resumed"""

    bl_idname = "conjure.dataset_start"
    bl_label = "Start"

    @classmethod
    def poll(cls, context):
        if not has_conjure(cls, context):
            return False
        if dataset_runs.running(context.scene):
            cls.poll_message_set("A dataset run is already going: cancel it first")
            return False
        return True

    def execute(self, context):
        p = context.scene.conjure.dataset
        if p.output_dir.startswith("//") and not bpy.data.filepath:
            self.report({"ERROR"}, "Save the .blend first, or choose an absolute Output Folder")
            return {"CANCELLED"}
        try:
            spec, options = spec_from_props(context)
        except SpecError as e:
            self.report({"ERROR"}, f"Dataset: {e}")
            return {"CANCELLED"}
        python, blender = dataset_processes(context)
        if not os.path.exists(python):
            self.report({"ERROR"}, f"Dataset: Python {python} does not exist (set Python in the panel)")
            return {"CANCELLED"}
        dataset_runs.start(context.scene, spec, dataclasses.replace(options, blender=blender), python)
        self.report({"INFO"}, f"Dataset: {spec.total_frames} frames into {spec.output_dir}")
        return {"FINISHED"}


class CONJURE_OT_dataset_cancel(bpy.types.Operator):
    """Stop the dataset run (complete frames are kept; Start resumes it)"""

    bl_idname = "conjure.dataset_cancel"
    bl_label = "Cancel"

    @classmethod
    def poll(cls, context):
        if not has_conjure(cls, context):
            return False
        if not dataset_runs.running(context.scene):
            cls.poll_message_set("No dataset run is going")
            return False
        return True

    def execute(self, context):
        dataset_runs.cancel(context.scene)
        return {"FINISHED"}


CLASSES = (CONJURE_OT_dataset_start, CONJURE_OT_dataset_cancel)
