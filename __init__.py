"""Conjure: text/image to 3D props, procedural scenes and synthetic datasets.

register()/unregister() only. Each UI module lists its classes in ``CLASSES``; they are registered in the
order of ``_modules()`` (which is also the order of the panels in the N-panel tab) and unregistered in reverse.
The one root PropertyGroup hangs on ``Scene.conjure``.
"""
import bpy

from .backend.blender import dataset_runs as _dataset_runs, install as _install, session as _session
from .backend.blender import material_templates as _material_templates
from .operators import dataset as _op_dataset, jobs as _op_jobs, procgen as _op_procgen, prop as _op_prop
from .operators import refine as _op_refine, shape as _op_shape, worker as _op_worker
from .operators import edit as _op_edit
from .panels import dataset as _pt_dataset, jobs as _pt_jobs, procgen as _pt_procgen, prop as _pt_prop
from .panels import refine as _pt_refine, shape as _pt_shape
from .panels import edit as _pt_edit
from .properties import dataset as _dataset_props, preferences as _preferences, procgen as _procgen_props
from .properties import edit as _edit_props, refine as _refine_props
from .properties import scene as _scene_props


def _modules():
    return (
        _preferences,
        _procgen_props,
        _dataset_props,
        _refine_props,
        _edit_props,
        _scene_props,
        _op_jobs,
        _op_worker,
        _op_prop,
        _op_shape,
        _op_procgen,
        _op_dataset,
        _op_refine,
        _op_edit,
        _pt_prop,
        _pt_refine,
        _pt_procgen,
        _pt_edit,
        _pt_shape,
        _pt_dataset,
        _pt_jobs,
    )


def register():
    for module in _modules():
        for cls in module.CLASSES:
            bpy.utils.register_class(cls)
    bpy.types.Scene.conjure = bpy.props.PointerProperty(type=_scene_props.ConjureSceneProps)


def unregister():
    _session.shutdown()
    _install.shutdown()
    _dataset_runs.shutdown()
    _pt_prop.free_previews()
    _pt_refine.free_previews()
    _material_templates.clear()  # the material templates' store (outside the file)
    del bpy.types.Scene.conjure
    for module in reversed(_modules()):
        for cls in reversed(module.CLASSES):
            bpy.utils.unregister_class(cls)
