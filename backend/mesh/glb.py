"""Minimal glTF 2.0 binary (GLB) writer and reader for textured triangle meshes (numpy only).

One mesh, one primitive (POSITION, NORMAL, TEXCOORD_0, uint32 indices), one PBR material whose
base colour is an embedded PNG. ``extras`` on the asset carry Conjure's metadata (the job spec).
Files are written atomically (temporary file + rename), so a reader never sees half a GLB.
"""
from __future__ import annotations

import json
import struct

import numpy as np

from ..files import atomic_write

_MAGIC, _JSON, _BIN = 0x46546C67, 0x4E4F534A, 0x004E4942
_FLOAT, _UINT = 5126, 5125
_Z_UP_TO_Y_UP = [-0.70710678, 0.0, 0.0, 0.70710678]  # node rotation: -90 degrees about X


def _pad(b: bytes, fill: bytes) -> bytes:
    return b + fill * (-len(b) % 4)


def write_glb(path: str, positions: np.ndarray, normals: np.ndarray, uvs: np.ndarray, indices: np.ndarray,
              texture_png: bytes, *, name: str = "conjure", roughness: float = 0.6, metallic: float = 0.0,
              extras: dict | None = None) -> None:
    """Write a textured mesh. positions/normals Float[V, 3], uvs Float[V, 2] (glTF convention), indices Int[F, 3]."""
    pos = np.ascontiguousarray(positions, dtype=np.float32)
    nrm = np.ascontiguousarray(normals, dtype=np.float32)
    uv = np.ascontiguousarray(uvs, dtype=np.float32)
    idx = np.ascontiguousarray(indices, dtype=np.uint32).reshape(-1)
    blobs = [pos.tobytes(), nrm.tobytes(), uv.tobytes(), idx.tobytes(), texture_png]
    views, offset, binary = [], 0, b""
    for i, blob in enumerate(blobs):
        view = {"buffer": 0, "byteOffset": offset, "byteLength": len(blob)}
        if i < 3:
            view["target"] = 34962
        elif i == 3:
            view["target"] = 34963
        views.append(view)
        padded = _pad(blob, b"\0")
        binary += padded
        offset += len(padded)
    accessors = [
        {"bufferView": 0, "componentType": _FLOAT, "count": len(pos), "type": "VEC3",
         "min": pos.min(axis=0).tolist(), "max": pos.max(axis=0).tolist()},
        {"bufferView": 1, "componentType": _FLOAT, "count": len(nrm), "type": "VEC3"},
        {"bufferView": 2, "componentType": _FLOAT, "count": len(uv), "type": "VEC2"},
        {"bufferView": 3, "componentType": _UINT, "count": len(idx), "type": "SCALAR"},
    ]
    doc = {
        "asset": {"version": "2.0", "generator": "Conjure", "extras": extras or {}},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        # glTF is Y-up; Conjure works Z-up like Blender, so the node turns Z-up into Y-up.
        "nodes": [{"mesh": 0, "name": name, "rotation": _Z_UP_TO_Y_UP}],
        "meshes": [{"name": name, "primitives": [{
            "attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2}, "indices": 3, "material": 0}]}],
        "materials": [{"name": name, "pbrMetallicRoughness": {
            "baseColorTexture": {"index": 0}, "metallicFactor": metallic, "roughnessFactor": roughness}}],
        "textures": [{"source": 0, "sampler": 0}],
        "samplers": [{"magFilter": 9729, "minFilter": 9987, "wrapS": 33071, "wrapT": 33071}],
        "images": [{"bufferView": 4, "mimeType": "image/png", "name": f"{name}_basecolor"}],
        "accessors": accessors,
        "bufferViews": views,
        "buffers": [{"byteLength": len(binary)}],
    }
    js = _pad(json.dumps(doc, separators=(",", ":")).encode("utf-8"), b" ")
    total = 12 + 8 + len(js) + 8 + len(binary)
    data = (struct.pack("<III", _MAGIC, 2, total) + struct.pack("<II", len(js), _JSON) + js
            + struct.pack("<II", len(binary), _BIN) + binary)
    atomic_write(path, data)


class GLBError(ValueError):
    pass


def read_glb(path: str) -> dict:
    """Read a GLB written by ``write_glb`` (or any single-mesh, single-primitive, indexed triangle GLB).

    Returns positions, normals, uvs (glTF convention), indices Int[F, 3], texture_png (bytes or None),
    material (dict), extras (dict), name. Coordinates are returned Z-up (the writer's node rotation undone)."""
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
    node = doc.get("nodes", [{}])[0]
    if node.get("rotation") != _Z_UP_TO_Y_UP:  # a plain Y-up file: turn it Z-up
        positions = positions[:, [0, 2, 1]] * np.array([1.0, -1.0, 1.0])
        if normals is not None:
            normals = normals[:, [0, 2, 1]] * np.array([1.0, -1.0, 1.0])
    material = doc.get("materials", [{}])[prim.get("material", 0)] if doc.get("materials") else {}
    texture_png = None
    pbr = material.get("pbrMetallicRoughness", {})
    if "baseColorTexture" in pbr:
        tex = doc["textures"][pbr["baseColorTexture"]["index"]]
        texture_png = bytes(view_bytes(doc["images"][tex["source"]]["bufferView"]))
    return {"positions": positions, "normals": normals, "uvs": uvs, "indices": indices,
            "texture_png": texture_png, "material": material, "extras": doc["asset"].get("extras", {}),
            "name": node.get("name", "conjure")}
