"""Result importers: one per job type, named in ``backend/job_types.py``, used by the event pump and by the CLI.

An importer is made from the worker's result event and brings the result in over one or more ``step`` calls
(the event pump spreads steps over timer ticks so the UI never waits), then ``finish`` links it into the scene,
or ``rollback`` removes all of it. Until ``finish``, nothing shows in the scene.

    imp = CandidatesImport(result_event, name="chair", job_id="...", spec=submitted_spec_json)
    while not imp.step(scene): pass
    summary = imp.finish(scene)      # {"message", "object_name", "collection_name"}
"""
from __future__ import annotations

import json
import os

import bpy
import numpy as np

from ..color import srgb_to_linear
from ..generate.params import candidate_name
from ..mesh.glb import read_glb
from ..mesh.ply import read_ply
from .idprops import id_int, set_props
from .materials import points_material, texture_image, textured_material
from .mesh import build_mesh
from .transaction import Transaction, datablocks_of, ensure_collection


# --------------------------------------------------------------------------- one object
def import_glb(tx: Transaction, glb_path: str, *, name: str | None = None, texture_path: str | None = None,
               custom_props: dict | None = None):
    """A GLB written by Conjure -> a mesh object (UVs, custom normals, packed texture, Principled BSDF), linked
    nowhere; every datablock is recorded in ``tx``. Returns the object."""
    data = read_glb(glb_path)
    name = name or data["name"]
    faces = data["indices"]
    uvs = None
    if data["uvs"] is not None:
        uvs = data["uvs"][faces.ravel()].copy()
        uvs[:, 1] = 1.0 - uvs[:, 1]  # glTF's v points down, Blender's up
    me = tx.add(build_mesh(name, data["positions"], faces, uvs=uvs, normals=data["normals"]))
    image = texture_image(f"{name}_basecolor", texture_path, data["texture_png"])
    if image is not None:
        tx.add(image)
    pbr = data["material"].get("pbrMetallicRoughness", {})
    mat = tx.add(textured_material(name, image, float(pbr.get("roughnessFactor", 0.6)),
                                   float(pbr.get("metallicFactor", 0.0))))
    me.materials.append(mat)
    obj = tx.add(bpy.data.objects.new(name, me))
    set_props(obj, dict(custom_props or {}))
    obj["conjure_glb"] = os.path.abspath(glb_path)
    return obj


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


def import_points(tx: Transaction, ply_path: str, *, name: str, custom_props: dict | None = None,
                  roughness: float = 0.8, radius: float | None = None):
    """A coloured PLY cloud (Z up, metres, sRGB colours) -> a vertices-only mesh object with a linear ``Col``
    attribute, shown in renders by a "Mesh to Points" modifier. Linked nowhere; recorded in ``tx``."""
    xyz, rgb = read_ply(ply_path)
    if len(xyz) == 0:
        raise ValueError(f"{os.path.basename(ply_path)} has no points")
    radius = float(radius or point_radius(xyz))
    me = tx.add(build_mesh(name, xyz, colors=srgb_to_linear(rgb)))  # the one sRGB -> linear conversion
    mat = tx.add(points_material(f"{name}_points", roughness))
    me.materials.append(mat)
    ng, radius_id = _points_node_group(f"{name}_points", mat, radius)
    tx.add(ng)
    obj = tx.add(bpy.data.objects.new(name, me))
    mod = obj.modifiers.new("Points", "NODES")
    mod.node_group = ng
    mod[radius_id] = radius
    set_props(obj, dict(custom_props or {}))
    obj["conjure_ply"] = os.path.abspath(ply_path)
    return obj


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


# --------------------------------------------------------------------------- importers per job type
class _Import:
    """Shared by the importers: a tagged transaction and the result event."""

    total = 1

    def __init__(self, ev: dict, *, name: str, job_id: str, spec: dict):
        self.ev, self.name, self.job_id = ev, name, job_id
        self.spec = spec  # the client's copy of what it submitted (the worker does not send it back)
        self.meta = ev.get("metadata") or {}
        self.tx = Transaction(tag=job_id)
        self.done = 0

    def rollback(self) -> None:
        """Remove everything this import made (only datablocks still tagged with this job)."""
        self.tx.rollback()


class MeshImport(_Import):
    """``implicit_shape``: one GLB -> one object in the "Conjure" collection."""

    def __init__(self, ev: dict, *, name: str, job_id: str, spec: dict):
        super().__init__(ev, name=name, job_id=job_id, spec=spec)
        paths = ev.get("paths") or {}
        if not paths.get("glb"):
            raise ValueError("the result has no GLB file")
        self.paths = paths
        self.object_name: str | None = None

    def step(self, scene) -> bool:
        obj = import_glb(self.tx, self.paths["glb"], name=self.name, texture_path=self.paths.get("texture"),
                         custom_props={"conjure_spec": self.spec, "conjure_job_id": self.job_id})
        self.object_name, self.done = obj.name, 1
        return True

    def finish(self, scene) -> dict:
        obj = self.tx.get("objects", self.object_name)
        ensure_collection(scene, tx=self.tx).objects.link(obj)
        self.tx.commit()
        return {"message": f"created {obj.name}", "object_name": obj.name, "collection_name": ""}


class RefineImport(MeshImport):
    """``refine``: the refined GLB -> a new object beside the original (which is never changed), with the same
    transform, shifted along world X by the original's width and a gap. No original (deleted, or the CLI):
    it stays where the GLB puts it."""

    GAP = 0.2  # fraction of the original's width

    def step(self, scene) -> bool:
        params = self.spec.get("params") or {}
        props = {"conjure_spec": self.spec, "conjure_job_id": self.job_id,
                 "conjure_refined_from": str(params.get("source") or ""),
                 "conjure_prompt": str(params.get("prompt") or ""),
                 "conjure_flipped_faces": int(self.meta.get("flipped_faces") or 0)}
        if self.paths.get("loss_curve"):
            props["conjure_loss_curve"] = os.path.abspath(self.paths["loss_curve"])
        obj = import_glb(self.tx, self.paths["glb"], name=self.name, texture_path=self.paths.get("texture"),
                         custom_props=props)
        source = bpy.data.objects.get(str(params.get("source") or ""))
        if source is not None:
            from mathutils import Vector

            corners = [source.matrix_world @ Vector(c) for c in source.bound_box]
            width = max(c.x for c in corners) - min(c.x for c in corners)
            obj.matrix_world = source.matrix_world.copy()
            obj.location.x += width * (1.0 + self.GAP)
        self.object_name, self.done = obj.name, 1
        return True


class CandidatesImport(_Import):
    """``generate``: every candidate into one new collection, one candidate per ``step``.

    Candidates stand side by side along +X with a gap (the first at the origin). For output "both" a
    candidate is a mesh and, behind it (+Y), its point cloud. The collection is linked nowhere (kept by a fake
    user) until ``finish``; datablocks are kept by name and tagged with the job id between steps.
    """

    GAP = 0.25  # gap between candidates, as a fraction of the requested size

    def __init__(self, ev: dict, *, name: str, job_id: str, spec: dict):
        super().__init__(ev, name=name, job_id=job_id, spec=spec)
        self.params = self.spec.get("params") or {}
        cands = ev.get("candidates") or [dict(ev.get("paths") or {},
                                              seed=self.meta.get("seed", self.spec.get("seed", 0)))]
        if not isinstance(cands, list) or not all(isinstance(c, dict) and (c.get("glb") or c.get("ply"))
                                                  for c in cands):
            raise ValueError("a candidate has neither a GLB nor a PLY file")
        self.candidates, self.total = cands, len(cands)
        self.gap = self.GAP * float(self.params.get("size") or 1.0)
        self.cursor: float | None = None  # where the next candidate's left side goes
        self.objects: list[str] = []
        self.collection_name: str | None = None

    def candidate_props(self, index: int) -> dict:
        """Custom properties of candidate ``index``: its own spec (its seed, one candidate) for Regenerate."""
        from ..generate.pipelines import DEFAULT_PIPELINE, pipelines
        seed = int(self.candidates[index].get("seed", int(self.spec.get("seed", 0)) + index))
        spec = json.loads(json.dumps(self.spec))
        spec["seed"] = seed
        spec.setdefault("params", {})["candidates"] = 1
        p, m = self.params, self.meta
        pipeline = str(m.get("pipeline") or p.get("pipeline") or DEFAULT_PIPELINE)
        guidance = m.get("guidance", p.get("guidance"))
        if guidance is None:
            known = pipelines().get(pipeline)
            guidance = known.guidance.get("image" if p.get("image") else "text", 0.0) if known else 0.0
        props = {"conjure_spec": spec, "conjure_job_id": self.job_id,
                 "conjure_prompt": str(m.get("prompt", p.get("prompt", "")) or ""),
                 "conjure_model": str(m.get("model") or p.get("model") or ""),
                 "conjure_pipeline": pipeline, "conjure_seed": id_int(seed),
                 "conjure_steps": int(m.get("steps", p.get("steps", 0)) or 0),
                 "conjure_guidance": float(guidance), "conjure_candidate": index}
        if p.get("image"):
            props["conjure_image"] = str(p["image"])
        return props

    def step(self, scene) -> bool:
        """Import the next candidate. Returns True when all are imported (then call ``finish``)."""
        if self.collection_name is None:
            coll = self.tx.add(bpy.data.collections.new(self.name))
            coll.use_fake_user = True  # linked nowhere until finish: keep it from being purged meanwhile
            self.collection_name = coll.name
        self.tx.check()
        coll = self.tx.get("collections", self.collection_name)
        index = self.done
        cand = self.candidates[index]
        base = candidate_name(self.name, index, self.total)
        props = self.candidate_props(index)
        made = []
        if cand.get("glb"):
            made.append(import_glb(self.tx, cand["glb"], name=base, texture_path=cand.get("texture"),
                                   custom_props=props))
        if cand.get("ply"):
            made.append(import_points(self.tx, cand["ply"], name=f"{base}_points" if made else base,
                                      custom_props=props, roughness=float(self.params.get("roughness", 0.6))))
        for obj in made:
            coll.objects.link(obj)
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

    def finish(self, scene) -> dict:
        """Link the finished collection under "Conjure" in ``scene``."""
        coll = self.tx.get("collections", self.collection_name)
        first = self.tx.get("objects", self.objects[0])
        ensure_collection(scene, tx=self.tx).children.link(coll)
        coll.use_fake_user = False
        self.tx.commit()
        message = (f"created {first.name}" if self.total == 1
                   else f"created {self.total} candidates in {coll.name}")
        return {"message": message, "object_name": first.name, "collection_name": coll.name}


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


class MaskImport(_Import):
    """``cutout``: the mask becomes the image the prop panel uses (and the user may paint on)."""

    def __init__(self, ev: dict, *, name: str, job_id: str, spec: dict):
        super().__init__(ev, name=name, job_id=job_id, spec=spec)
        paths = ev.get("paths") or {}
        if not paths.get("mask"):
            raise ValueError("the result has no mask file")
        self.paths = paths

    def step(self, scene) -> bool:
        self.done = 1
        return True

    def finish(self, scene) -> dict:
        source = (self.spec.get("params") or {}).get("image", "")
        img = load_mask_image(self.paths["mask"], source=source, cutout=self.paths.get("cutout", ""))
        if hasattr(scene, "conjure"):
            scene.conjure.prop.mask_image = img
        coverage = self.meta.get("coverage")
        how = f"{coverage:.0%} of the picture kept" if isinstance(coverage, (int, float)) else "mask ready"
        return {"message": f"{how} ({self.meta.get('method', 'auto')})", "object_name": img.name,
                "collection_name": ""}


def importer_for(ev: dict, spec: dict, *, name: str, job_id: str):
    """The importer of the job type of ``spec`` (the submitted spec, JSON) for the result event ``ev``, or None if
    that job type imports nothing."""
    from ..jobs import job_type, resolve
    path = job_type(spec["type"]).importer
    return resolve(path, __package__.rpartition(".")[0])(ev, name=name, job_id=job_id, spec=spec) if path else None


def import_now(ev: dict, spec: dict, scene, *, name: str, job_id: str) -> dict:
    """Import a whole result in one go (headless scripts and the CLI): all or nothing."""
    imp = importer_for(ev, spec, name=name, job_id=job_id)
    if imp is None:
        return {}
    try:
        while not imp.step(scene):
            pass
        return imp.finish(scene)
    except BaseException:
        imp.rollback()
        raise
