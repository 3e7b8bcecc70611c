"""The Blender-side layer: the only package under ``backend/`` that imports bpy (glTF-Blender-IO's ``blender/``).

One job per module:

- ``transaction``  every datablock an import or build creates, removed again on failure or cancel; the
                   "Conjure" collection
- ``mesh``         numpy arrays -> ``bpy.types.Mesh`` (positions, faces, UVs, normals, colours, material slots)
- ``materials``    Principled BSDF from baked textures, point-cloud materials, procedural node trees
- ``importers``    one result importer per job type, used by the panel's event pump and by the CLI
- ``procgen``      scene graphs and assets -> Blender objects
- ``render``       framing, lights, Cycles/Workbench settings, render to file
- ``session``      the worker link and the event pump (a ``bpy.app.timers`` callback on the main thread)

Everything here runs on Blender's main thread.
"""
