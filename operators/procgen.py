"""Operators for procedural assets and scenes. Thin: read settings, call backend.procgen, report errors.

Every builder call is atomic: on an error nothing is added and the scene is left as it was.
"""
import json
import random

import bpy

from ..backend.jobs import SpecError
from ..backend.procgen import builder_blender
from ..backend.procgen.planner import plan, registry
from ..panels.procgen_props import fill_params


def _conjure_asset(obj):
    return obj is not None and obj.type == "MESH" and obj.get("conjure_category") in registry().names()


def _param_overrides(props) -> dict:
    if props.params_category != props.category:
        return {}
    return {p.name: (round(p.value) if p.integer else p.value) for p in props.params if p.override}


def _can_add(cls, context, action: str) -> bool:
    """Poll shared by the operators that add to the scene; says why when they can't run."""
    if context.scene is None or not hasattr(context.scene, "conjure"):
        cls.poll_message_set("Conjure settings are not registered on this scene")
        return False
    if context.mode != "OBJECT":
        cls.poll_message_set(f"Switch to Object Mode to {action}")
        return False
    return True


def _select_only(context, obj):
    for o in context.selected_objects:
        o.select_set(False)
    obj.select_set(True)
    context.view_layer.objects.active = obj


class CONJURE_OT_add_asset(bpy.types.Operator):
    """Add a procedural asset of the chosen category and seed at the 3D cursor"""

    bl_idname = "conjure.add_asset"
    bl_label = "Add Asset"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        return _can_add(cls, context, "add an asset")

    def execute(self, context):
        props = context.scene.conjure.procgen
        try:
            obj = builder_blender.add_asset(context.scene, props.category, props.seed, _param_overrides(props),
                                            tuple(context.scene.cursor.location))
        except SpecError as e:
            self.report({"ERROR"}, str(e))
            return {"CANCELLED"}
        _select_only(context, obj)
        self.report({"INFO"}, f"Added {obj.name} (seed {props.seed})")
        return {"FINISHED"}


class CONJURE_OT_reroll_asset(bpy.types.Operator):
    """Give the active Conjure asset a new random seed and rebuild it (parameters you set are kept)"""

    bl_idname = "conjure.reroll_asset"
    bl_label = "Re-roll"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        if not _conjure_asset(context.active_object):
            cls.poll_message_set("Select a Conjure asset to re-roll")
            return False
        return True

    def execute(self, context):
        obj = context.active_object
        props = context.scene.conjure.procgen if hasattr(context.scene, "conjure") else None
        seed = random.SystemRandom().randrange(0, 2**31 - 1)
        overrides = _param_overrides(props) if props and props.category == obj["conjure_category"] else {}
        try:
            builder_blender.rebuild_asset(obj, overrides, seed=seed)
        except SpecError as e:
            self.report({"ERROR"}, str(e))
            return {"CANCELLED"}
        if props is not None:
            props.seed = seed
        self.report({"INFO"}, f"{obj.name}: seed {seed}")
        return {"FINISHED"}


class CONJURE_OT_rebuild_asset(bpy.types.Operator):
    """Rebuild the active Conjure asset from its edited parameters (Conjure panel, Object section)"""

    bl_idname = "conjure.rebuild_asset"
    bl_label = "Rebuild Asset"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        if not _conjure_asset(context.active_object):
            cls.poll_message_set("Select a Conjure asset to rebuild")
            return False
        return True

    def execute(self, context):
        obj = context.active_object
        spec = registry().get(obj["conjure_category"])
        params = {}
        for p in spec.params:
            key = f"conjure_param_{p.name}"
            if key in obj:
                params[p.name] = obj[key]
            else:
                params[p.name] = json.loads(obj["conjure_params"])[p.name]
        try:
            builder_blender.rebuild_asset(obj, params)
        except SpecError as e:
            self.report({"ERROR"}, str(e))
            return {"CANCELLED"}
        self.report({"INFO"}, f"Rebuilt {obj.name}")
        return {"FINISHED"}


class CONJURE_OT_generate_scene(bpy.types.Operator):
    """Plan and build a procedural scene (room, tabletop or outdoor) from a seed in a new collection"""

    bl_idname = "conjure.generate_scene"
    bl_label = "Generate Scene"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        return _can_add(cls, context, "generate a scene")

    def execute(self, context):
        props = context.scene.conjure.procgen
        try:
            graph = plan(props.scene_type, props.scene_seed, {"density": props.density})
            coll = builder_blender.build_scene(context.scene, graph)
        except SpecError as e:
            self.report({"ERROR"}, str(e))
            return {"CANCELLED"}
        self.report({"INFO"}, f"Built {coll.name}: {len(graph['objects'])} objects")
        return {"FINISHED"}


class CONJURE_OT_procgen_reset_params(bpy.types.Operator):
    """Show the chosen category's parameters, all drawn from the seed again"""

    bl_idname = "conjure.procgen_reset_params"
    bl_label = "Reset Parameters"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        if context.scene is None or not hasattr(context.scene, "conjure"):
            cls.poll_message_set("Conjure settings are not registered on this scene")
            return False
        return True

    def execute(self, context):
        fill_params(context.scene.conjure.procgen)
        return {"FINISHED"}


CLASSES = (CONJURE_OT_add_asset, CONJURE_OT_reroll_asset, CONJURE_OT_rebuild_asset, CONJURE_OT_generate_scene,
           CONJURE_OT_procgen_reset_params)
