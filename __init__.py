"""Conjure: text/image to 3D props, procedural scenes and synthetic datasets.

register()/unregister() only. Each UI module lists its classes in ``CLASSES``; they are registered in the
order of ``_modules()`` and unregistered in reverse. The one root PropertyGroup hangs on ``Scene.conjure``.
"""
import bpy

from .operators import generate as _op_generate, session as _session, worker as _op_worker
from .panels import generate as _pt_generate, preferences as _preferences, props as _props


def _modules():
    return (
        _preferences,
        _props,
        _op_worker,
        _op_generate,
        _pt_generate,
    )


def register():
    for module in _modules():
        for cls in module.CLASSES:
            bpy.utils.register_class(cls)
    bpy.types.Scene.conjure = bpy.props.PointerProperty(type=_props.ConjureSceneProps)


def unregister():
    _session.shutdown()
    del bpy.types.Scene.conjure
    for module in reversed(_modules()):
        for cls in reversed(module.CLASSES):
            bpy.utils.unregister_class(cls)
