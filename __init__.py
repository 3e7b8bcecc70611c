"""Conjure: text/image to 3D props, procedural scenes and synthetic datasets.

register()/unregister() only. Each UI module lists its classes in ``CLASSES``; they are registered in the
order of ``_modules()`` and unregistered in reverse. The one root PropertyGroup hangs on ``Scene.conjure``.
"""
import bpy

from .operators import generate as _op_generate, procgen as _op_procgen, prop as _op_prop, session as _session
from .operators import worker as _op_worker
from .panels import generate as _pt_generate, preferences as _preferences, procgen as _pt_procgen
from .panels import procgen_props as _procgen_props, prop as _pt_prop, props as _props


def _modules():
    return (
        _preferences,
        _procgen_props,
        _props,
        _op_worker,
        _op_generate,
        _op_procgen,
        _op_prop,
        _pt_prop,
        _pt_generate,
        _pt_procgen,
    )


def register():
    for module in _modules():
        for cls in module.CLASSES:
            bpy.utils.register_class(cls)
    bpy.types.Scene.conjure = bpy.props.PointerProperty(type=_props.ConjureSceneProps)


def unregister():
    _session.shutdown()
    _pt_prop.free_previews()
    del bpy.types.Scene.conjure
    for module in reversed(_modules()):
        for cls in reversed(module.CLASSES):
            bpy.utils.unregister_class(cls)
