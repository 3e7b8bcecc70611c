"""Edit scenes with words (issue #13), bpy-free: ``apply_instruction(graph, "make the chairs red")`` ->
``Result(graph, diff, edit, message, notes)``; ``EditError`` / ``AmbiguousEdit`` when it cannot be done.
The Blender side (``backend.blender.edit``) applies the diff to a built scene with undo."""
from .apply import Result, apply_instruction, graph_diff
from .grammar import AmbiguousEdit, Edit, EditError, parse

__all__ = ["AmbiguousEdit", "Edit", "EditError", "Result", "apply_instruction", "graph_diff", "parse"]
