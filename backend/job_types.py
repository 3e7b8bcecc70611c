"""Every built-in job type, declared once: its name, params, worker handler and Blender importer.

Adding a job type = its own modules + one ``register_job_type`` line here. Nothing else dispatches on the type:
the worker runs ``handler``, Blender's event pump and the CLI run ``importer``, panels show jobs by ``panel``.
"""
from __future__ import annotations

from .generate.params import CutoutParams, GenerateParams
from .jobs import JobType, NoopParams, register_job_type
from .refine.params import RefineParams
from .shapes.params import ImplicitShapeParams

BUILTIN = (
    JobType("noop", NoopParams, handler=".worker.runner:run_noop",
            label="nothing (health checks and latency measurements)"),
    JobType("implicit_shape", ImplicitShapeParams, handler=".shapes.run:run_implicit_shape",
            importer=".blender.importers:MeshImport", panel="shape",
            label="a textured object from signed-distance primitives"),
    JobType("generate", GenerateParams, handler=".generate.run:run_generate",
            importer=".blender.importers:CandidatesImport", panel="prop",
            label="textured props from a prompt or a picture"),
    JobType("cutout", CutoutParams, handler=".generate.run:run_cutout",
            importer=".blender.importers:MaskImport", panel="prop",
            label="the foreground mask of a picture"),
    JobType("refine", RefineParams, handler=".refine.run:run_refine",
            importer=".blender.importers:RefineImport", panel="refine",
            label="a mesh re-textured (and reshaped) toward a prompt by score distillation"),
)


def register_all() -> None:
    for jt in BUILTIN:
        register_job_type(jt)
