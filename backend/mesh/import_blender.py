"""Import Conjure results as real Blender objects (main thread only).

``import_result``: a GLB -> mesh with UVs and custom normals, the baked texture as a packed image, a
Principled BSDF material. ``import_points``: a coloured PLY point cloud -> a vertices-only mesh with a
colour attribute, made visible in renders by a Geometry Nodes "Mesh to Points" modifier and a material
that reads the colour. Both record custom properties and link the object into a collection. All or
nothing: if any step fails, every datablock made so far is removed and the scene is as it was.
"""
from __future__ import annotations

import json
import os

import bpy
import numpy as np

from .glb import read_glb

COLLECTION = "Conjure"


def ensure_collection(scene, name: str = COLLECTION):
    coll = bpy.data.collections.get(name)
    if coll is None:
        coll = bpy.data.collections.new(name)
    if scene.collection.children.get(coll.name) is None:
        scene.collection.children.link(coll)
    return coll


def _link(scene, collection, created: list):
    """Link into ``collection``: a Collection (used as it is) or the name of one under the scene's root."""
    if isinstance(collection, bpy.types.Collection):
        return collection
    coll_existed = bpy.data.collections.get(collection) is not None
    coll = ensure_collection(scene, collection)
    if not coll_existed:
        created.append((bpy.data.collections, coll))
    return coll


def _set_props(obj, props: dict) -> None:
    for key, value in props.items():
        obj[key] = json.dumps(value) if isinstance(value, (dict, list)) else value


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


def _build_mesh(name: str, data: dict):
    verts = data["positions"].astype(np.float32)
    faces = data["indices"].astype(np.int32)
    me = bpy.data.meshes.new(name)
    me.vertices.add(len(verts))
    me.vertices.foreach_set("co", verts.ravel())
    me.loops.add(faces.size)
    me.loops.foreach_set("vertex_index", faces.ravel())
    me.polygons.add(len(faces))
    me.polygons.foreach_set("loop_start", np.arange(0, faces.size, 3, dtype=np.int32))
    if data["uvs"] is not None:
        uv = data["uvs"][faces.ravel()].astype(np.float32)
        uv[:, 1] = 1.0 - uv[:, 1]  # glTF's v points down, Blender's up
        me.uv_layers.new(name="UVMap").data.foreach_set("uv", uv.ravel())
    me.update(calc_edges=True)
    me.polygons.foreach_set("use_smooth", np.ones(len(faces), dtype=bool))
    if data["normals"] is not None:
        me.normals_split_custom_set_from_vertices(data["normals"].astype(np.float32).tolist())
    return me


def _build_material(name: str, image, roughness: float, metallic: float):
    mat = bpy.data.materials.new(name)
    if mat.node_tree is None:  # Blender < 5.0 makes materials without nodes
        mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = next(n for n in nodes if n.type == "BSDF_PRINCIPLED")
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Metallic"].default_value = metallic
    if image is not None:
        tex = nodes.new("ShaderNodeTexImage")
        tex.image = image
        tex.location = (bsdf.location.x - 320, bsdf.location.y)
        links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
    return mat


def _load_image(name: str, texture_path: str | None, png: bytes | None):
    """The texture as a packed image: from the PNG next to the GLB, else from the bytes inside it."""
    if texture_path and os.path.isfile(texture_path):
        img = bpy.data.images.load(texture_path, check_existing=False)
    elif png:
        img = bpy.data.images.new(f"{name}_basecolor", 8, 8)
        img.pack(data=png, data_len=len(png))
        img.source = "FILE"
        return img
    else:
        return None
    img.name = f"{name}_basecolor"
    img.pack()
    return img


def import_result(scene, glb_path: str, *, name: str | None = None, texture_path: str | None = None,
                  custom_props: dict | None = None, collection: str = COLLECTION):
    """Build the object from ``glb_path`` and link it into ``collection`` of ``scene``. Returns the object."""
    data = read_glb(glb_path)
    name = name or data["name"]
    created = []
    try:
        me = _build_mesh(name, data)
        created.append((bpy.data.meshes, me))
        image = _load_image(name, texture_path, data["texture_png"])
        if image is not None:
            created.append((bpy.data.images, image))
        pbr = data["material"].get("pbrMetallicRoughness", {})
        mat = _build_material(name, image, float(pbr.get("roughnessFactor", 0.6)),
                              float(pbr.get("metallicFactor", 0.0)))
        created.append((bpy.data.materials, mat))
        me.materials.append(mat)
        obj = bpy.data.objects.new(name, me)
        created.append((bpy.data.objects, obj))
        props = dict(custom_props or {})
        extras = data["extras"]
        if "conjure_spec" in extras and "conjure_spec" not in props:
            props["conjure_spec"] = extras["conjure_spec"]
        _set_props(obj, props)
        obj["conjure_glb"] = os.path.abspath(glb_path)
        _link(scene, collection, created).objects.link(obj)
    except BaseException:
        remove_datablocks(created)
        raise
    return obj


# --------------------------------------------------------------------------- point clouds
_PLY_TYPES = {"char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1", "short": "i2", "int16": "i2",
              "ushort": "u2", "uint16": "u2", "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
              "float": "f4", "float32": "f4", "double": "f8", "float64": "f8"}
COLOR_ATTRIBUTE = "Col"


def read_ply_points(path: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(Float32[N, 3] xyz, UInt8[N, 3] rgb or None) from a binary little-endian PLY's vertex element."""
    with open(path, "rb") as f:
        raw = f.read()
    end = raw.find(b"end_header")
    if not raw.startswith(b"ply") or end < 0:
        raise ValueError(f"{os.path.basename(path)} is not a PLY file")
    body_start = raw.index(b"\n", end) + 1
    count, fields, in_vertex = None, [], False
    for line in raw[:end].decode("ascii", "replace").splitlines()[1:]:
        words = line.split()
        if not words or words[0] in ("comment", "obj_info"):
            continue
        if words[0] == "format" and words[1:2] != ["binary_little_endian"]:
            raise ValueError(f"{os.path.basename(path)}: only binary little-endian PLY is supported")
        if words[0] == "element":
            if count is not None:
                break  # the vertices come first; later elements (faces) are ignored
            if words[1] != "vertex":
                raise ValueError(f"{os.path.basename(path)}: the first element must be the vertices")
            count, in_vertex = int(words[2]), True
        elif words[0] == "property" and in_vertex:
            if words[1] == "list" or words[1] not in _PLY_TYPES:
                raise ValueError(f"{os.path.basename(path)}: unsupported vertex property {' '.join(words[1:])}")
            fields.append((words[2], "<" + _PLY_TYPES[words[1]]))
    names = [n for n, _ in fields]
    if count is None or not all(c in names for c in "xyz"):
        raise ValueError(f"{os.path.basename(path)}: no vertex element with x, y, z")
    dtype = np.dtype(fields)
    if len(raw) - body_start < count * dtype.itemsize:
        raise ValueError(f"{os.path.basename(path)} is truncated")
    data = np.frombuffer(raw, dtype=dtype, count=count, offset=body_start)
    xyz = np.stack([data[c] for c in "xyz"], axis=1).astype(np.float32)
    if not np.isfinite(xyz).all():
        raise ValueError(f"{os.path.basename(path)}: point coordinates are not finite")
    rgb = None
    if all(c in names for c in ("red", "green", "blue")):
        rgb = np.stack([data[c] for c in ("red", "green", "blue")], axis=1)
        rgb = rgb.astype(np.uint8) if rgb.dtype == np.uint8 else np.clip(rgb, 0, 255).astype(np.uint8)
    return xyz, rgb


def _srgb_to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def point_radius(xyz: np.ndarray) -> float:
    """A point radius that closes the gaps between neighbours on the cloud's surface: half the spacing
    of N points spread evenly over the bounding box's surface area."""
    ext = np.maximum(xyz.max(axis=0) - xyz.min(axis=0), 1e-6) if len(xyz) else np.ones(3)
    area = 2.0 * (ext[0] * ext[1] + ext[1] * ext[2] + ext[0] * ext[2])
    return float(np.clip(0.5 * np.sqrt(area / max(len(xyz), 1)), 1e-4, 0.25 * ext.max()))


def _points_node_group(name: str, material, radius: float):
    """Geometry Nodes: Mesh to Points (radius exposed on the modifier) -> Set Material."""
    ng = bpy.data.node_groups.new(name, "GeometryNodeTree")
    ng.interface.new_socket(name="Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    sock = ng.interface.new_socket(name="Point Radius", in_out="INPUT", socket_type="NodeSocketFloat")
    sock.default_value, sock.min_value = radius, 0.0
    ng.interface.new_socket(name="Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
    nodes, links = ng.nodes, ng.links
    gin, gout = nodes.new("NodeGroupInput"), nodes.new("NodeGroupOutput")
    to_points, set_mat = nodes.new("GeometryNodeMeshToPoints"), nodes.new("GeometryNodeSetMaterial")
    gin.location, to_points.location, set_mat.location, gout.location = (-400, 0), (-150, 0), (80, 0), (300, 0)
    set_mat.inputs["Material"].default_value = material
    links.new(gin.outputs["Geometry"], to_points.inputs["Mesh"])
    links.new(gin.outputs["Point Radius"], to_points.inputs["Radius"])
    links.new(to_points.outputs["Points"], set_mat.inputs["Geometry"])
    links.new(set_mat.outputs["Geometry"], gout.inputs["Geometry"])
    return ng, sock.identifier


def _points_material(name: str, roughness: float):
    mat = bpy.data.materials.new(name)
    if mat.node_tree is None:  # Blender < 5.0 makes materials without nodes
        mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = next(n for n in nodes if n.type == "BSDF_PRINCIPLED")
    bsdf.inputs["Roughness"].default_value = roughness
    attr = nodes.new("ShaderNodeAttribute")
    attr.attribute_type, attr.attribute_name = "GEOMETRY", COLOR_ATTRIBUTE
    attr.location = (bsdf.location.x - 320, bsdf.location.y)
    links.new(attr.outputs["Color"], bsdf.inputs["Base Color"])
    return mat


def import_points(scene, ply_path: str, *, name: str, custom_props: dict | None = None,
                  collection=COLLECTION, roughness: float = 0.8, radius: float | None = None):
    """Build a point-cloud object from a PLY (Z up, metres) and link it into ``collection``. Returns it."""
    xyz, rgb = read_ply_points(ply_path)
    if len(xyz) == 0:
        raise ValueError(f"{os.path.basename(ply_path)} has no points")
    created = []
    try:
        me = bpy.data.meshes.new(name)
        created.append((bpy.data.meshes, me))
        me.vertices.add(len(xyz))
        me.vertices.foreach_set("co", xyz.ravel())
        colors = np.ones((len(xyz), 4), dtype=np.float32)
        if rgb is not None:
            colors[:, :3] = _srgb_to_linear(rgb.astype(np.float32) / 255.0)
        attr = me.color_attributes.new(COLOR_ATTRIBUTE, "FLOAT_COLOR", "POINT")
        attr.data.foreach_set("color", colors.ravel())
        me.update()
        mat = _points_material(f"{name}_points", roughness)
        created.append((bpy.data.materials, mat))
        me.materials.append(mat)
        ng, radius_id = _points_node_group(f"{name}_points", mat, radius or point_radius(xyz))
        created.append((bpy.data.node_groups, ng))
        obj = bpy.data.objects.new(name, me)
        created.append((bpy.data.objects, obj))
        mod = obj.modifiers.new("Points", "NODES")
        mod.node_group = ng
        mod[radius_id] = float(radius or point_radius(xyz))
        _set_props(obj, dict(custom_props or {}))
        obj["conjure_ply"] = os.path.abspath(ply_path)
        _link(scene, collection, created).objects.link(obj)
    except BaseException:
        remove_datablocks(created)
        raise
    return obj


# --------------------------------------------------------------------------- generate results
_TAG = "conjure_import"  # on datablocks of an import in progress: the job id (removed when it is done)
_STORES = {"OBJECT": "objects", "MESH": "meshes", "MATERIAL": "materials", "IMAGE": "images",
           "NODETREE": "node_groups", "COLLECTION": "collections"}


def _id_int(value):
    """An int custom property if it fits Blender's 32 bits, else text (seeds go up to 2**32 - 1)."""
    value = int(value)
    return value if -2**31 <= value < 2**31 else str(value)


def _x_extent(objects) -> tuple[float, float, float, float]:
    """(min x, max x, min y, max y) of the objects' vertices in their own space."""
    lo, hi = np.full(3, np.inf), np.full(3, -np.inf)
    for obj in objects:
        co = np.empty(len(obj.data.vertices) * 3, dtype=np.float32)
        obj.data.vertices.foreach_get("co", co)
        if co.size:
            co = co.reshape(-1, 3)
            lo, hi = np.minimum(lo, co.min(axis=0)), np.maximum(hi, co.max(axis=0))
    if not np.isfinite(lo).all():
        return 0.0, 0.0, 0.0, 0.0
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


class JobImport:
    """Brings every candidate of one generate result into one new collection, one candidate per ``step``.

    Candidates stand side by side along +X with a gap (the first at the origin). For output "both" a
    candidate is a mesh and, behind it (+Y), its point cloud. Until ``finish`` the collection is linked
    nowhere, so nothing shows in the scene; ``rollback`` removes all of it. Between steps the datablocks
    are kept by name and tagged with the job id, and looked up again (the user may undo or load a file).
    """

    GAP = 0.25  # gap between candidates, as a fraction of the requested size

    def __init__(self, ev: dict, *, name: str, job_id: str):
        spec = ev.get("spec") or {}
        params = spec.get("params") or {}
        meta = ev.get("metadata") or {}
        cands = ev.get("candidates") or [dict(ev.get("paths") or {}, seed=meta.get("seed", spec.get("seed", 0)))]
        if not isinstance(cands, list) or not all(isinstance(c, dict) and (c.get("glb") or c.get("ply"))
                                                  for c in cands):
            raise ValueError("a candidate has neither a GLB nor a PLY file")
        self.job_id, self.name = job_id, name
        self.spec, self.params, self.meta, self.candidates = spec, params, meta, cands
        self.total, self.done = len(cands), 0
        self.gap = self.GAP * float(params.get("size") or 1.0)
        self.cursor: float | None = None  # where the next candidate's left side goes
        self.created: list[tuple[str, str]] = []  # (bpy.data attribute, datablock name), oldest first
        self.objects: list[str] = []
        self.collection_name: str | None = None

    def _get(self, store: str, name: str):
        block = getattr(bpy.data, store).get(name)
        if block is None or block.get(_TAG) != self.job_id:
            raise RuntimeError("the partly imported result was removed meanwhile (undo or a file load?)")
        return block

    def _record(self, block) -> None:
        block[_TAG] = self.job_id
        self.created.append((_STORES[block.id_type], block.name))

    def candidate_props(self, index: int) -> dict:
        """Custom properties of candidate ``index``: its own spec (its seed, one candidate) for Regenerate."""
        from ..jobs import DEFAULT_GUIDANCE
        seed = int(self.candidates[index].get("seed", int(self.spec.get("seed", 0)) + index))
        spec = json.loads(json.dumps(self.spec))
        spec["seed"] = seed
        spec.setdefault("params", {})["candidates"] = 1
        p, m = self.params, self.meta
        pipeline = str(m.get("pipeline") or p.get("pipeline") or "shap-e")
        guidance = m.get("guidance", p.get("guidance"))
        if guidance is None:
            guidance = DEFAULT_GUIDANCE.get((pipeline, "image" if p.get("image") else "text"), 0.0)
        props = {"conjure_spec": spec, "conjure_job_id": self.job_id,
                 "conjure_prompt": str(m.get("prompt", p.get("prompt", "")) or ""),
                 "conjure_model": str(m.get("model") or p.get("model") or ""),
                 "conjure_pipeline": pipeline, "conjure_seed": _id_int(seed),
                 "conjure_steps": int(m.get("steps", p.get("steps", 0)) or 0),
                 "conjure_guidance": float(guidance), "conjure_candidate": index}
        if p.get("image"):
            props["conjure_image"] = str(p["image"])
        return props

    def step(self, scene) -> bool:
        """Import the next candidate. Returns True when all are imported (then call ``finish``)."""
        if self.collection_name is None:
            coll = bpy.data.collections.new(self.name)
            coll.use_fake_user = True  # linked nowhere until finish: keep it from being purged meanwhile
            self._record(coll)
            self.collection_name = coll.name
        coll = self._get("collections", self.collection_name)
        for store, name in self.created:
            self._get(store, name)
        index = self.done
        cand = self.candidates[index]
        base = self.name if self.total == 1 else f"{self.name}_c{index + 1}"
        props = self.candidate_props(index)
        roughness = float(self.params.get("roughness", 0.6))
        made = []
        try:
            if cand.get("glb"):
                made.append(import_result(scene, cand["glb"], name=base, texture_path=cand.get("texture"),
                                          custom_props=props, collection=coll))
            if cand.get("ply"):
                made.append(import_points(scene, cand["ply"], name=f"{base}_points" if made else base,
                                          custom_props=props, collection=coll, roughness=roughness))
        finally:
            for obj in made:
                for _store, block in datablocks_of(obj):
                    self._record(block)
                self.objects.append(obj.name)
        lo_x, hi_x, _, _ = _x_extent(made)
        x = 0.0 if self.cursor is None else self.cursor - lo_x
        for obj in made:
            obj.location.x = x
        if len(made) == 2:  # the cloud stands behind its mesh
            _, _, _, mesh_hi_y = _x_extent(made[:1])
            _, _, pts_lo_y, _ = _x_extent(made[1:])
            made[1].location.y = mesh_hi_y + self.gap - pts_lo_y
        self.cursor = x + hi_x + self.gap
        self.done += 1
        return self.done == self.total

    def finish(self, scene) -> list:
        """Link the finished collection under "Conjure" in ``scene``; returns the objects."""
        coll = self._get("collections", self.collection_name)
        objects = [self._get("objects", n) for n in self.objects]
        ensure_collection(scene).children.link(coll)
        coll.use_fake_user = False
        for store, name in self.created:
            block = getattr(bpy.data, store).get(name)
            if block is not None and _TAG in block:
                del block[_TAG]
        return objects

    def rollback(self) -> None:
        """Remove everything this import made (only datablocks still tagged with this job)."""
        for store, name in reversed(self.created):
            coll = getattr(bpy.data, store)
            block = coll.get(name)
            if block is not None and block.get(_TAG) == self.job_id:
                coll.remove(block)
        self.created.clear()


# --------------------------------------------------------------------------- cutout masks
MASK_IMAGE = "Conjure Mask"


def load_mask_image(path: str, name: str = MASK_IMAGE, *, source: str, cutout: str = ""):
    """Load a cutout mask as image ``name`` (white = keep), replacing an earlier Conjure mask of that name
    everywhere it is shown. ``source`` is the picture it belongs to."""
    img = bpy.data.images.load(path, check_existing=False)
    try:
        img.colorspace_settings.name = "Non-Color"
        img["conjure_source"] = os.path.abspath(source)
        img["conjure_cutout"] = cutout
        old = bpy.data.images.get(name)
        if old is not None and old != img and old.get("conjure_source") is not None and old.library is None:
            old.user_remap(img)
            bpy.data.images.remove(old)
        img.name = name
    except BaseException:
        bpy.data.images.remove(img)
        raise
    return img
