"""Prop from text or image: generate, cut out the picture, edit the mask, keep a candidate, regenerate.

Thin: read ``scene.conjure.prop``, build a ``generate`` or ``cutout`` JobSpec (its checks are the contract;
errors name the panel field), hand it to ``session``. Results are imported by ``session`` on the main thread.
"""
import json
import os
import re

import bpy

from ..backend.blender import session
from ..backend.blender.transaction import datablocks_of, remove_datablocks
from ..backend.generate.pipelines import pipelines
from ..backend.jobs import JobSpec, SpecError
from .common import (LABELS, InputError, RegenerateOperator, describe, has_conjure, output_dir, submit,
                     unique_name)


# --------------------------------------------------------------------------- building specs
def slug(text: str, fallback: str = "prop") -> str:
    """A file- and object-safe name from free text: 'A red chair!' -> 'A_red_chair'."""
    out = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.-")[:40].rstrip("_.-")
    return out or fallback


def resolve_model(value: str, field: str) -> str:
    """A model field as the spec wants it: '' or a hub id as typed; a folder (also '//relative') made absolute
    and required to exist."""
    value = value.strip()
    if not value:
        return ""
    looks_like_path = value.startswith(("/", "~", "//", "\\", ".")) or re.match(r"^[A-Za-z]:[\\/]", value)
    if not looks_like_path:
        return value  # a hub id: checked by the spec (owner/name)
    path = os.path.abspath(os.path.expanduser(bpy.path.abspath(value)))
    if not os.path.exists(path):
        raise InputError(f"{LABELS[field]}: {path} does not exist (give a model folder or a hub id owner/name)")
    return path


def _picture(p) -> str:
    if not p.image_path.strip():
        raise InputError("Picture: choose a picture of the object (or switch the input to Text)")
    return os.path.abspath(bpy.path.abspath(p.image_path))


def save_mask(img, out_dir: str, name: str) -> str:
    """The mask as a PNG file for the worker: its own file if unchanged, else a copy saved in ``out_dir``
    (the output folder, never the extension's)."""
    own = bpy.path.abspath(img.filepath) if img.filepath else ""
    if own and not img.is_dirty and not img.packed_file and os.path.isfile(own):
        return os.path.abspath(own)
    if not img.has_data and not img.packed_file and not (own and os.path.isfile(own)):
        raise InputError(f"Mask: the image {img.name!r} has no pixels (its file is missing)")
    path = os.path.join(out_dir, f"{name}_mask.png")
    os.makedirs(out_dir, exist_ok=True)
    saved_format = img.file_format
    try:
        img.file_format = "PNG"
        img.save(filepath=path, save_copy=True)
    except RuntimeError as e:
        raise InputError(f"Mask: could not save {img.name!r} to {path}: {e}") from None
    finally:
        img.file_format = saved_format
    return path


def spec_from_props(context) -> JobSpec:
    """The generate job the panel describes. Raises InputError naming the panel field. May save the
    user's painted mask into the output folder (only once everything else is valid)."""
    p = context.scene.conjure.prop
    prefs = session.preferences(context)
    image = _picture(p) if p.input_mode == "IMAGE" else ""
    prompt = p.prompt if p.input_mode == "TEXT" else ""
    base = p.name.strip() or slug(prompt or os.path.splitext(os.path.basename(image))[0])
    name = unique_name(base, p.candidates)
    out_dir = output_dir(context)
    params = {
        "pipeline": p.pipeline, "prompt": prompt, "image": image, "model": resolve_model(p.model, "model"),
        "text_encoder": resolve_model(prefs.text_encoder, "text_encoder")
        if prefs and pipelines()[p.pipeline].text_encoder else "",
        "steps": p.steps, "guidance": None if p.use_default_guidance else p.guidance,
        "candidates": p.candidates, "resolution": p.resolution, "face_budget": p.face_budget,
        "texture_size": p.texture_size, "size": None if p.use_default_size else p.size, "output": p.output if p.output in pipelines()[p.pipeline].outputs else "mesh",
        "fp16": p.fp16, "cpu_offload": p.cpu_offload, "preview_every": p.preview_every, "roughness": p.roughness,
        "schedule": p.schedule, "upsample": p.upsample, "mesher": p.mesher,
        "point_e_base": p.point_e_base if p.pipeline == "point-e" and image and p.point_e_base != "DEFAULT" else "",
    }
    device = session.worker_config(context)["device"] if p.device == "PREFS" else p.device
    data = {"type": "generate", "name": name, "seed": p.seed, "output_dir": out_dir, "device": device,
            "params": params}
    try:
        spec = JobSpec.from_json(data)
        mask = p.mask_for(image) if image else None
        if mask is not None:
            params["mask"] = save_mask(mask, spec.output_dir, name)
            spec = JobSpec.from_json(data)
    except SpecError as e:
        raise describe(e) from None
    return spec


def cutout_spec(context) -> JobSpec:
    p = context.scene.conjure.prop
    picture = _picture(p)
    name = slug(os.path.splitext(os.path.basename(picture))[0]) + "_cutout"
    out_dir = output_dir(context)
    try:
        return JobSpec.from_json({"type": "cutout", "name": name[:64], "output_dir": out_dir,
                                  "device": session.worker_config(context)["device"],
                                  "params": {"image": picture, "method": p.mask_method}})
    except SpecError as e:
        raise describe(e) from None


# --------------------------------------------------------------------------- operators
class CONJURE_OT_prop_generate(bpy.types.Operator):
    """Make a textured object from the prompt or picture (runs in the background; candidates appear side by side)"""
    bl_idname = "conjure.prop_generate"
    bl_label = "Generate"

    @classmethod
    def poll(cls, context):
        return has_conjure(cls, context)

    def execute(self, context):
        return submit(self, context, lambda: spec_from_props(context), lambda spec: spec.name)


class CONJURE_OT_prop_cutout(bpy.types.Operator):
    """Cut the object out of the picture; the mask appears below, and you can paint on it before generating"""
    bl_idname = "conjure.prop_cutout"
    bl_label = "Cut Out"

    @classmethod
    def poll(cls, context):
        if not has_conjure(cls, context):
            return False
        p = context.scene.conjure.prop
        if p.input_mode != "IMAGE":
            cls.poll_message_set("Switch the input to Image")
            return False
        if not p.image_path.strip():
            cls.poll_message_set("Choose a picture first")
            return False
        return True

    def execute(self, context):
        return submit(self, context, lambda: cutout_spec(context), lambda spec: spec.name)


class CONJURE_OT_prop_edit_mask(bpy.types.Operator):
    """Show the mask in an Image Editor in paint mode (a new window if there is none): white keeps, black removes"""
    bl_idname = "conjure.prop_edit_mask"
    bl_label = "Edit Mask"

    @classmethod
    def poll(cls, context):
        if not has_conjure(cls, context):
            return False
        if context.scene.conjure.prop.mask_image is None:
            cls.poll_message_set("Cut out the picture first (or choose a mask image)")
            return False
        if context.window is None or context.screen is None:
            cls.poll_message_set("Needs Blender's window (not available in background mode)")
            return False
        return True

    def execute(self, context):
        img = context.scene.conjure.prop.mask_image
        area = next((a for a in context.screen.areas if a.type == "IMAGE_EDITOR"), None)
        if area is None:
            known = set(context.window_manager.windows[:])
            bpy.ops.wm.window_new()
            new = [w for w in context.window_manager.windows if w not in known]
            if not new:
                self.report({'ERROR'}, "Conjure: could not open a window for the mask; open an Image Editor")
                return {'CANCELLED'}
            area = new[0].screen.areas[0]
            area.type = "IMAGE_EDITOR"
        space = area.spaces.active
        space.image = img
        space.ui_mode = "PAINT"
        area.tag_redraw()
        return {'FINISHED'}


def _candidate(obj):
    if obj is None or "conjure_job_id" not in obj or "conjure_candidate" not in obj:
        return None
    return obj["conjure_job_id"], obj["conjure_candidate"]


class CONJURE_OT_prop_keep_candidate(bpy.types.Operator):
    """Keep the selected candidate at the origin and delete the job's other candidates with their meshes,
    materials and textures"""
    bl_idname = "conjure.prop_keep_candidate"
    bl_label = "Keep This Candidate"
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        if not has_conjure(cls, context):
            return False
        cand = _candidate(context.active_object)
        if cand is None:
            cls.poll_message_set("Select one of the candidates a prop job made")
            return False
        if context.mode != "OBJECT":
            cls.poll_message_set("Switch to Object Mode to keep a candidate")
            return False
        if not any(_candidate(o) not in (None, cand) and _candidate(o)[0] == cand[0] for o in bpy.data.objects):
            cls.poll_message_set("This is the job's only candidate")
            return False
        return True

    def execute(self, context):
        obj = context.active_object
        job_id, index = _candidate(obj)
        siblings = [o for o in bpy.data.objects if _candidate(o) is not None and _candidate(o)[0] == job_id]
        keep = [o for o in siblings if o["conjure_candidate"] == index]
        drop = [o for o in siblings if o["conjure_candidate"] != index]
        blocks = [b for o in drop for b in datablocks_of(o)]
        remove_datablocks(blocks)
        main = next((o for o in keep if o.type == "MESH" and "conjure_glb" in o), keep[0])
        shift = main.location.copy()
        for o in keep:
            o.location -= shift
        try:
            base = json.loads(main.get("conjure_spec", "{}")).get("name", "")
        except ValueError:
            base = ""
        if base and base != main.name and bpy.data.objects.get(base) is None:
            main.name = base
        for o in context.selected_objects:
            o.select_set(False)
        for o in keep:
            if context.view_layer.objects.get(o.name) is not None:
                o.select_set(True)
        if context.view_layer.objects.get(main.name) is not None:
            context.view_layer.objects.active = main
        self.report({'INFO'}, f"Conjure: kept {main.name}, removed {len(drop)} other object(s)")
        return {'FINISHED'}


class CONJURE_OT_prop_regenerate(RegenerateOperator, bpy.types.Operator):
    """Make the selected prop again from its recorded settings, with the same seed or a new one"""
    bl_idname = "conjure.prop_regenerate"
    bl_label = "Regenerate"
    select_hint = "Select a prop made from text or a picture"

    @staticmethod
    def accepts(obj) -> bool:
        return "conjure_spec" in obj and "conjure_pipeline" in obj


CLASSES = (CONJURE_OT_prop_generate, CONJURE_OT_prop_cutout, CONJURE_OT_prop_edit_mask,
           CONJURE_OT_prop_keep_candidate, CONJURE_OT_prop_regenerate)
