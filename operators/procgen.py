"""Operators for procedural assets and scenes. Thin: read settings, call backend.procgen, report errors.

Every builder call is atomic: on an error nothing is added and the scene is left as it was.
"""
import json

import bpy


import uuid

from ..backend.blender import procgen as builder, session
from ..backend.jobs import SpecError, check_choice, check_seed
from ..backend.procgen import registry
from ..backend.procgen.plan import SCENE_TYPES, plan, resolve_scene_params
from ..properties.procgen import fill_params
from .common import new_seed


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
            obj = builder.add_asset(context.scene, props.category, props.seed, _param_overrides(props),
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
        seed = new_seed()
        overrides = _param_overrides(props) if props and props.category == obj["conjure_category"] else {}
        try:
            builder.rebuild_asset(obj, overrides, seed=seed)
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
            builder.rebuild_asset(obj, params)
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
        kind, seed, params = props.scene_type, props.scene_seed, {"density": props.density}
        try:  # 1. check the inputs now, so a bad one is reported before any work
            check_choice("type", kind, SCENE_TYPES)
            resolve_scene_params(kind, check_seed("seed", seed), params)
        except SpecError as e:
            self.report({"ERROR"}, str(e))
            return {"CANCELLED"}
        # 2. plan on a background thread, build a few objects per timer tick: Blender never stalls
        work = builder.SceneBuild(lambda: plan(kind, seed, params), tag=uuid.uuid4().hex)
        session.start_local_work(context.scene, work.tx.tag, f"{kind} {seed}", "scene_build", work)
        self.report({"INFO"}, f"Building a {kind} scene (seed {seed}); see Jobs")
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
