"""Edits of plain scenes (bpy): objects that carry ``conjure_category`` but belong to no Conjure scene graph.

Their graph is made from the objects; removal stashes them and appearance copies an object with its materials and
sets their colour (a baked texture is tinted), so ``undo`` can put the originals back exactly. Placement needs a
room and is refused by the planner.
"""
from __future__ import annotations

import json

import bpy
from mathutils import Vector

from ..edit import EditError
from .transaction import datablocks_of, remove_datablocks

HISTORY_KEY = "conjure_edit_history"
PLAIN_KEY = "conjure_plain_edits"


def plain_graph(scene) -> dict:
    objs = []
    for ob in scene.objects:
        cat = ob.get("conjure_category")
        if not cat or ob.type != "MESH" or ob.get("conjure_id"):
            continue
        lo = [min((ob.matrix_world @ Vector(c))[k] for c in ob.bound_box) for k in range(3)]
        hi = [max((ob.matrix_world @ Vector(c))[k] for c in ob.bound_box) for k in range(3)]
        mats = []
        for slot in ob.material_slots:
            bsdf = _bsdf(slot.material)
            col = list(bsdf.inputs["Base Color"].default_value)[:3] if bsdf else [0.8, 0.8, 0.8]
            mats.append({"kind": "plain", "params": {"base_color": [round(c, 4) for c in col]}})
        objs.append({"id": ob.name, "category": cat, "seed": 0, "params": {}, "location": [round(v, 6) for v in ob.location],
                     "rotation_z": round(ob.rotation_euler.z, 6), "materials": mats, "semantic": [], "support": "floor",
                     "bounds": {"lo": lo, "hi": hi}})
    if not objs:
        raise EditError("nothing to edit: this scene has no Conjure scene and no object with a category "
                        "(set one in the Edit panel's Category field)")
    return {"version": 2, "type": "plain", "seed": 0, "params": {}, "objects": objs, "structure": [], "lights": [],
            "cameras": [], "world": {}, "render": {}, "edits": json.loads(scene.get(PLAIN_KEY, "[]"))}


def _bsdf(mat):
    if mat is None or mat.node_tree is None:
        return None
    return next((n for n in mat.node_tree.nodes if n.type == "BSDF_PRINCIPLED"), None)


def apply_plain(scene, old, res, stash):
    """Plain objects: removal stashes them; appearance copies the object's materials and sets their colour."""
    diff = res.diff
    if diff["objects"]["added"]:
        raise EditError("adding or placing objects needs a scene built by Conjure (Generate scene)")
    new = {o["id"]: o for o in res.graph["objects"]}
    step = len(json.loads(scene.get(HISTORY_KEY, "[]")))
    stashed, added, made = [], [], []
    try:
        for key in diff["objects"]["removed"] + diff["objects"]["changed"]:
            ob = bpy.data.objects[key]
            colls = [c.name for c in ob.users_collection]
            if key in diff["objects"]["changed"]:
                if [o for o in old["objects"] if o["id"] == key][0]["location"] != new[key]["location"]:
                    raise EditError("moving plain objects needs a scene built by Conjure")
                cp = ob.copy()
                made.append(cp)
                if cp.data is not None:
                    cp.data = ob.data.copy()
                    made.append(cp.data)
                for slot, desc in zip(cp.material_slots, new[key]["materials"]):
                    if slot.material is None:
                        continue
                    m = slot.material.copy()
                    made.append(m)
                    slot.material = m
                    bsdf = _bsdf(m)
                    if bsdf is not None:
                        col = desc["params"]["base_color"]
                        link = bsdf.inputs["Base Color"].links
                        if link:  # a baked texture: tint it
                            mix = m.node_tree.nodes.new("ShaderNodeMix")
                            mix.data_type, mix.blend_type = "RGBA", "MULTIPLY"
                            mix.inputs["Factor"].default_value = 1.0
                            m.node_tree.links.new(link[0].from_socket, mix.inputs[6])
                            mix.inputs[7].default_value = (*col, 1.0)
                            m.node_tree.links.new(mix.outputs[2], bsdf.inputs["Base Color"])
                        else:
                            bsdf.inputs["Base Color"].default_value = (*col, 1.0)
            for cn in colls:
                bpy.data.collections[cn].objects.unlink(ob) if cn in bpy.data.collections else scene.collection.objects.unlink(ob)
            if not stash.objects.get(ob.name):
                stash.objects.link(ob)
            orig = ob.name
            ob.name = f"{orig}~{step}"
            stashed.append([ob.name, orig, colls])
            if key in diff["objects"]["changed"]:
                for cn in colls:
                    (bpy.data.collections[cn] if cn in bpy.data.collections else scene.collection).objects.link(cp)
                cp.name = orig
                added.append(cp.name)
    except BaseException:
        for b in reversed(made):
            store = {"OBJECT": bpy.data.objects, "MESH": bpy.data.meshes, "MATERIAL": bpy.data.materials}.get(b.id_type)
            if store is not None and b.name in store:
                store.remove(b)
        for name, orig, colls in stashed:
            ob = bpy.data.objects[name]
            stash.objects.unlink(ob)
            for cn in colls:
                (bpy.data.collections[cn] if cn in bpy.data.collections else scene.collection).objects.link(ob)
            ob.name = orig
        raise
    hist = json.loads(scene.get(HISTORY_KEY, "[]"))
    hist.append({"instruction": res.edit.instruction, "message": res.message, "stashed": stashed, "added": added})
    scene[HISTORY_KEY] = json.dumps(hist)
    scene[PLAIN_KEY] = json.dumps(res.graph.get("edits", []))


def undo_plain(scene, stash) -> str:
    hist = json.loads(scene.get(HISTORY_KEY, "[]"))
    if not hist:
        raise EditError("there is no edit to undo")
    h = hist.pop()
    for name in h["added"]:
        ob = bpy.data.objects.get(name)
        if ob is not None:
            remove_datablocks(datablocks_of(ob))
    for name, orig, colls in reversed(h["stashed"]):
        ob = bpy.data.objects[name]
        stash.objects.unlink(ob)
        for cn in colls:
            (bpy.data.collections[cn] if cn in bpy.data.collections else scene.collection).objects.link(ob)
        ob.name = orig
    scene[HISTORY_KEY] = json.dumps(hist)
    scene[PLAIN_KEY] = json.dumps([x["instruction"] for x in hist])
    return h["instruction"]
