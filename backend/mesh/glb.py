"""GLB (glTF 2.0 binary) for textured triangle meshes: written with trimesh, read back with numpy alone.

One mesh, one primitive (POSITION, NORMAL, TEXCOORD_0, uint32 indices), one PBR material whose base colour is an
embedded PNG. ``extras`` on the asset carry Conjure's metadata (the job spec). Conjure works Z-up like Blender and
glTF is Y-up: the writer turns the vertices Y-up (no node transform) and the reader turns them back.
Files are written atomically (bytes first, then temporary file + rename), so a reader never sees half a GLB.
"""
from __future__ import annotations

import json
import struct

import numpy as np

from ..files import atomic_write

_MAGIC, _JSON, _BIN = 0x46546C67, 0x4E4F534A, 0x004E4942
_FLOAT, _UINT = 5126, 5125
_ARRAY_BUFFER, _ELEMENT_ARRAY_BUFFER = 34962, 34963
# Files written before trimesh kept Z-up vertices under this node rotation (-90 degrees about X).
_LEGACY_Z_UP_TO_Y_UP = [-0.70710678, 0.0, 0.0, 0.70710678]
# Texture sampling: linear, mipmapped, clamped at the edges (xatlas charts reach the texture's border).
_SAMPLER = {"magFilter": 9729, "minFilter": 9987, "wrapS": 33071, "wrapT": 33071}


def z_up_to_y_up(v: np.ndarray) -> np.ndarray:
    """Float[N, 3] Blender/Conjure axes (Z up, -Y forward) -> glTF axes (Y up, +Z forward): (x, z, -y)."""
    return np.stack([v[:, 0], v[:, 2], -v[:, 1]], axis=1)


def y_up_to_z_up(v: np.ndarray) -> np.ndarray:
    """The inverse of ``z_up_to_y_up``: (x, -z, y)."""
    return np.stack([v[:, 0], -v[:, 2], v[:, 1]], axis=1)


def _unit_normals(normals: np.ndarray, mesh) -> np.ndarray:
    """Float[V, 3] unit normals: a zero or non-finite one (a flat spot of the SDF) takes the mesh's area-weighted
    vertex normal instead, since glTF requires unit normals."""
    n = np.asarray(normals, dtype=np.float64)
    length = np.linalg.norm(n, axis=1)
    bad = ~np.isfinite(length) | (length < 1e-6)
    if bad.any():
        import trimesh

        computed = trimesh.Trimesh(mesh.vertices, mesh.faces, process=False).vertex_normals
        n = n.copy()
        n[bad] = computed[bad]
        length = np.linalg.norm(n, axis=1)
        n[length < 1e-6] = (0.0, 1.0, 0.0)  # a vertex on no face with area: any unit vector will do
        length = np.linalg.norm(n, axis=1)
    return n / length[:, None]


def glb_bytes(positions: np.ndarray, normals: np.ndarray, uvs: np.ndarray, indices: np.ndarray,
              texture_png: bytes, *, name: str = "conjure", roughness: float = 0.6, metallic: float = 0.0,
              extras: dict | None = None) -> bytes:
    """The GLB of a textured mesh (see ``write_glb``); the same inputs give the same bytes."""
    import trimesh
    from trimesh.visual import TextureVisuals
    from trimesh.visual.material import PBRMaterial

    # 1. Check inputs
    pos = np.asarray(positions, dtype=np.float64)
    faces = np.asarray(indices, dtype=np.int64).reshape(-1, 3)
    uv = np.asarray(uvs, dtype=np.float64)
    if pos.ndim != 2 or pos.shape[1] != 3 or len(pos) == 0 or len(faces) == 0:
        raise ValueError(f"a GLB needs vertices [V, 3] and faces [F, 3], got {pos.shape} and {faces.shape}")
    if np.shape(normals) != pos.shape or uv.shape != (len(pos), 2):
        raise ValueError(f"normals must be [V, 3] and uvs [V, 2] for V = {len(pos)}, "
                         f"got {np.shape(normals)} and {uv.shape}")
    if faces.min() < 0 or faces.max() >= len(pos):
        raise ValueError(f"face indices must lie in 0..{len(pos) - 1}")
    if not (np.isfinite(pos).all() and np.isfinite(uv).all()):
        raise ValueError("the mesh's positions or UVs are not finite")
    if not texture_png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("the texture must be a PNG file's bytes")

    # 2. Build the mesh Y-up with its material (trimesh's UVs have v up: it flips them back to glTF's v down)
    pos = z_up_to_y_up(pos)
    material = PBRMaterial(name=name, roughnessFactor=float(roughness), metallicFactor=float(metallic))
    mesh = trimesh.Trimesh(pos, faces, visual=TextureVisuals(uv=np.stack([uv[:, 0], 1.0 - uv[:, 1]], axis=1),
                                                             material=material), process=False)
    mesh.vertex_normals = _unit_normals(z_up_to_y_up(np.asarray(normals, dtype=np.float64)), mesh)
    scene = trimesh.Scene()
    scene.add_geometry(mesh, geom_name=name, node_name=name)

    # 3. Export. The texture is added by hand through trimesh's hooks: trimesh would decode and re-encode it with
    #    Pillow (seconds for a 4096 px texture) and pad its bufferView; this embeds the PNG exactly as written.
    texture_view = []

    def add_texture(buffer_items, tree: dict) -> None:
        texture_view.append(len(buffer_items))
        buffer_items["conjure_texture"] = texture_png + b"\0" * (-len(texture_png) % 4)
        tree["samplers"] = [dict(_SAMPLER)]
        tree["images"].append({"bufferView": texture_view[0], "mimeType": "image/png", "name": f"{name}_basecolor"})
        tree["textures"].append({"source": len(tree["images"]) - 1, "sampler": 0})
        for mat in tree["materials"]:
            mat.setdefault("pbrMetallicRoughness", {})["baseColorTexture"] = {"index": len(tree["textures"]) - 1}

    def finish_tree(tree: dict) -> None:  # Conjure's metadata on the asset; buffer view lengths and targets
        tree["asset"] = {"version": "2.0", "generator": f"Conjure (trimesh {trimesh.__version__})",
                         "extras": json.loads(json.dumps(extras or {}))}
        tree["bufferViews"][texture_view[0]]["byteLength"] = len(texture_png)
        for prim in (p for m in tree["meshes"] for p in m["primitives"]):
            for acc in prim["attributes"].values():
                tree["bufferViews"][tree["accessors"][acc]["bufferView"]]["target"] = _ARRAY_BUFFER
            tree["bufferViews"][tree["accessors"][prim["indices"]]["bufferView"]]["target"] = _ELEMENT_ARRAY_BUFFER

    return trimesh.exchange.gltf.export_glb(scene, include_normals=True, unitize_normals=True,
                                            buffer_postprocessor=add_texture, tree_postprocessor=finish_tree)


def write_glb(path: str, positions: np.ndarray, normals: np.ndarray, uvs: np.ndarray, indices: np.ndarray,
              texture_png: bytes, *, name: str = "conjure", roughness: float = 0.6, metallic: float = 0.0,
              extras: dict | None = None) -> None:
    """Write a textured mesh atomically. positions/normals Float[V, 3] (Z up), uvs Float[V, 2] (glTF convention:
    v down), indices Int[F, 3], texture_png the PNG file's bytes."""
    atomic_write(path, glb_bytes(positions, normals, uvs, indices, texture_png, name=name, roughness=roughness,
                                 metallic=metallic, extras=extras))


class GLBError(ValueError):
    pass


# Hand-written (numpy only): it runs in Blender's Python, which has no trimesh, and trimesh without Pillow
# (also absent there) drops embedded textures.
def read_glb(path: str) -> dict:
    """Read a GLB written by ``write_glb`` (or any single-mesh, single-primitive, indexed triangle GLB whose mesh
    node has no transform).

    Returns positions, normals, uvs (glTF convention), indices Int[F, 3], texture_png (bytes or None),
    material (dict), extras (dict), name. Coordinates are returned Z-up (glTF's Y-up turned back)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 20:
        raise GLBError(f"{path}: too short to be a GLB")
    magic, version, total = struct.unpack_from("<III", data, 0)
    if magic != _MAGIC or version != 2 or total != len(data):
        raise GLBError(f"{path}: not a glTF 2.0 binary file (or truncated)")
    jlen, jtype = struct.unpack_from("<II", data, 12)
    if jtype != _JSON:
        raise GLBError(f"{path}: first chunk is not JSON")
    doc = json.loads(data[20:20 + jlen])
    off = 20 + jlen
    blen, btype = struct.unpack_from("<II", data, off)
    if btype != _BIN:
        raise GLBError(f"{path}: second chunk is not BIN")
    binary = memoryview(data)[off + 8:off + 8 + blen]

    def view_bytes(v):
        bv = doc["bufferViews"][v]
        return binary[bv.get("byteOffset", 0):bv.get("byteOffset", 0) + bv["byteLength"]]

    def accessor(i):
        a = doc["accessors"][i]
        dtype = {_FLOAT: np.float32, _UINT: np.uint32, 5123: np.uint16}[a["componentType"]]
        width = {"SCALAR": 1, "VEC2": 2, "VEC3": 3}[a["type"]]
        raw = view_bytes(a["bufferView"])
        start = a.get("byteOffset", 0)
        arr = np.frombuffer(raw, dtype=dtype, count=a["count"] * width, offset=start)
        return arr.reshape(-1, width) if width > 1 else arr

    try:
        prim = doc["meshes"][0]["primitives"][0]
        attrs = prim["attributes"]
        positions = accessor(attrs["POSITION"]).astype(np.float64)
        normals = accessor(attrs["NORMAL"]).astype(np.float64) if "NORMAL" in attrs else None
        uvs = accessor(attrs["TEXCOORD_0"]).astype(np.float64) if "TEXCOORD_0" in attrs else None
        indices = accessor(prim["indices"]).astype(np.int64).reshape(-1, 3)
    except (KeyError, IndexError) as e:
        raise GLBError(f"{path}: missing mesh data ({e})") from None
    node = next((n for n in doc.get("nodes", []) if n.get("mesh") == 0), {})
    if node.get("rotation") != _LEGACY_Z_UP_TO_Y_UP:  # (legacy files are Z-up already)
        if any(k in node for k in ("matrix", "rotation", "translation", "scale")):
            raise GLBError(f"{path}: the mesh's node has a transform, which is not read here")
        positions = y_up_to_z_up(positions)
        if normals is not None:
            normals = y_up_to_z_up(normals)
    material = doc.get("materials", [{}])[prim.get("material", 0)] if doc.get("materials") else {}
    texture_png = None
    pbr = material.get("pbrMetallicRoughness", {})
    if "baseColorTexture" in pbr:
        tex = doc["textures"][pbr["baseColorTexture"]["index"]]
        texture_png = bytes(view_bytes(doc["images"][tex["source"]]["bufferView"]))
    return {"positions": positions, "normals": normals, "uvs": uvs, "indices": indices,
            "texture_png": texture_png, "material": material, "extras": doc["asset"].get("extras", {}),
            "name": node.get("name", "conjure")}
