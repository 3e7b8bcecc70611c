"""All or nothing: a ``Transaction`` records each datablock made by an import or a build and removes them all
again on failure or cancel. Also the one helper for the "Conjure" collection.

Datablocks are recorded by store and name, never by Python reference, so a transaction can span timer ticks
(the user may undo, rename or load a file meanwhile: ``check`` notices). With a ``tag``, each block carries it as a
custom property until ``commit``, and only blocks still carrying it are ever removed.
"""
from __future__ import annotations

import bpy

COLLECTION = "Conjure"
TAG = "conjure_import"

_STORES = {"OBJECT": "objects", "MESH": "meshes", "MATERIAL": "materials", "IMAGE": "images",
           "NODETREE": "node_groups", "COLLECTION": "collections", "LIGHT": "lights", "CAMERA": "cameras",
           "WORLD": "worlds", "TEXTURE": "textures"}


class Transaction:
    """Use as ``with Transaction() as tx: tx.add(bpy.data.meshes.new(...))``: an exception rolls back."""

    def __init__(self, tag: str | None = None):
        self.tag = tag
        self.created: list[tuple[str, str]] = []  # (bpy.data attribute, datablock name), oldest first

    def add(self, block):
        """Record ``block`` (just created) and return it."""
        if self.tag is not None:
            block[TAG] = self.tag
        self.created.append((_STORES[block.id_type], block.name))
        return block

    def get(self, store: str, name: str):
        """A recorded block, looked up again; RuntimeError if it was removed or replaced meanwhile."""
        block = getattr(bpy.data, store).get(name)
        if block is None or (self.tag is not None and block.get(TAG) != self.tag):
            raise RuntimeError("the partly built result was removed meanwhile (undo or a file load?)")
        return block

    def check(self) -> None:
        """Raise RuntimeError unless every recorded block is still there."""
        for store, name in self.created:
            self.get(store, name)

    def rollback(self) -> None:
        """Remove every recorded block that is still there (newest first)."""
        for store, name in reversed(self.created):
            data = getattr(bpy.data, store)
            block = data.get(name)
            if block is not None and (self.tag is None or block.get(TAG) == self.tag):
                try:
                    data.remove(block)
                except ReferenceError:
                    pass
        self.created.clear()

    def commit(self) -> None:
        """Keep everything: drop the tags; the transaction forgets its blocks."""
        if self.tag is not None:
            for store, name in self.created:
                block = getattr(bpy.data, store).get(name)
                if block is not None and TAG in block:
                    del block[TAG]
        self.created.clear()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.rollback()
        return False


def ensure_collection(scene, name: str = COLLECTION, tx: Transaction | None = None):
    """The collection ``name`` linked under ``scene``'s root (made, and recorded in ``tx``, if missing)."""
    coll = bpy.data.collections.get(name)
    if coll is None:
        coll = bpy.data.collections.new(name)
        if tx is not None:
            tx.add(coll)
    if scene.collection.children.get(coll.name) is None and coll not in scene.collection.children_recursive:
        scene.collection.children.link(coll)
    return coll


def remove_datablocks(blocks) -> None:
    """Remove ``(store, datablock)`` pairs, newest first; ones already gone are skipped."""
    for store, block in reversed(list(blocks)):
        try:
            store.remove(block)
        except ReferenceError:
            pass


def datablocks_of(obj) -> list:
    """``(store, datablock)`` pairs that ``obj`` owns, in creation order (data first, the object last):
    its mesh, the mesh's materials, their image textures and the Geometry Nodes groups of its modifiers.
    Only blocks that nothing but ``obj`` (and each other) uses are listed, so removing them is safe."""
    out, seen = [], set()

    def add(store, block, users_allowed: int):
        if block is None or block.as_pointer() in seen or block.use_fake_user or block.users > users_allowed:
            return False
        seen.add(block.as_pointer())
        out.append((store, block))
        return True

    me = obj.data if isinstance(obj.data, bpy.types.Mesh) else None
    mats = [m for m in (me.materials if me else ()) if m is not None]
    for mod in obj.modifiers:
        if mod.type == "NODES" and mod.node_group is not None:
            for node in mod.node_group.nodes:
                if node.bl_idname == "GeometryNodeSetMaterial" and node.inputs["Material"].default_value:
                    mats.append(node.inputs["Material"].default_value)
    image_refs: dict = {}
    for mat in dict.fromkeys(mats):
        if mat.node_tree is not None:
            for n in mat.node_tree.nodes:
                if n.type == "TEX_IMAGE" and n.image is not None:
                    image_refs[n.image] = image_refs.get(n.image, 0) + 1
    for img, refs in image_refs.items():
        add(bpy.data.images, img, refs)
    for mat in mats:
        add(bpy.data.materials, mat, sum(1 for m in mats if m == mat))
    for mod in obj.modifiers:
        if mod.type == "NODES" and mod.node_group is not None:
            add(bpy.data.node_groups, mod.node_group, 1)
    if me is not None:
        add(bpy.data.meshes, me, 1)
    out.append((bpy.data.objects, obj))
    return out
