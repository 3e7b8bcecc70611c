"""Field (SDF + colour) -> a textured asset on disk: the stages every shape job shares.

1. sample the SDF on a grid   2. marching cubes   3. decimate to the face budget
4. UV unwrap (xatlas)         5. bake the colour field into a texture   6. write PNG + GLB
"""
from __future__ import annotations

import os
from typing import Callable

import numpy as np

from ..files import atomic_write
from . import bake, child, extract, glb, png, unwrap


class NoSurface(ValueError):
    """A model's field has no zero level inside its box: that sample made nothing (another seed may)."""


CHILD_FACES = 100_000  # above this many faces, decimation runs in a killable child process (it takes > 0.2 s)


def simplify(verts: np.ndarray, faces: np.ndarray, face_budget: int) -> tuple[np.ndarray, np.ndarray]:
    """Quadric decimation (Fast-Quadric-Mesh-Simplification) down to at most ``face_budget`` faces (one long C
    call per pass; see ``decimate`` for the cancellable form)."""
    import fast_simplification

    v, f = verts.astype(np.float32), faces.astype(np.int32)
    target = face_budget
    for _ in range(4):  # noisy surfaces (model outputs) can stop short of the target: aim lower and go again
        v, f = fast_simplification.simplify(v, f, target_count=target)
        if len(f) <= face_budget:
            break
        target = max(int(target * face_budget / len(f) * 0.9), 4)
    return v, f


def decimate(verts: np.ndarray, faces: np.ndarray, face_budget: int,
             cancelled: Callable[[], bool] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """At most ``face_budget`` faces. With ``cancelled``, a large mesh is decimated in a child process that is
    killed when ``cancelled()`` turns true (raises ``child.Cancelled``)."""
    if len(faces) <= face_budget:
        return verts, faces
    if cancelled is not None and len(faces) > CHILD_FACES:
        out = child.run("decimate", {"verts": verts, "faces": faces, "face_budget": np.array(face_budget)},
                        cancelled)
        v, f = out["verts"], out["faces"]
    else:
        v, f = simplify(verts, faces, face_budget)
    v, f = v.astype(np.float64), f.astype(np.int64)
    f = extract.remove_degenerate(v, f)
    return extract.compact(v, f)


def png_bytes(image: np.ndarray, tick: Callable[[], None] = lambda: None) -> bytes:
    """UInt8 image -> PNG bytes, encoded in bands with ``tick`` between them (cancel checks)."""
    return png.encode(image, tick)


def fit_transform(verts: np.ndarray, size: float) -> tuple[float, np.ndarray]:
    """Uniform scale and offset that make the largest dimension ``size`` and stand the mesh on Z=0 with its
    origin at the centre of its base: ``new = (v - offset) * scale``."""
    lo, hi = verts.min(axis=0), verts.max(axis=0)
    scale = size / max(float(np.max(hi - lo)), 1e-12)
    offset = np.array([(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, lo[2]])
    return scale, offset


def field_to_asset(ctx, *, sdf: Callable, color: Callable, lo: np.ndarray, hi: np.ndarray, resolution: int,
                   face_budget: int, texture_size: int, roughness: float, out_dir: str, name: str,
                   extras: dict, clean: bool = False, fit_size: float | None = None,
                   grid_stage: str = "sample") -> dict:
    """Run the stages under ``ctx`` (progress, cancel, timings). Returns the result event's fields.

    ``clean`` keeps the largest connected part(s) of the raw surface (model outputs have floaters);
    ``fit_size`` rescales so the largest dimension is that many metres, standing on Z=0 (origin at the base).
    """
    names = [grid_stage, "mesh"] + (["clean"] if clean else []) + ["decimate", "unwrap", "bake", "export"]
    step = {n: i + 1 for i, n in enumerate(names)}
    total = len(names)
    with ctx.stage(grid_stage, step[grid_stage], total):
        grid, origin, h = extract.sample_grid(sdf, lo, hi, resolution, tick=ctx.check)
    with ctx.stage("mesh", step["mesh"], total):
        verts, faces = extract.marching_cubes(grid, origin, h, tick=ctx.check)
        del grid
        if len(faces) == 0:
            if clean:
                raise NoSurface("the model produced no surface (try another seed or prompt)")
            raise ValueError("the shape has no surface inside its bounds (is every primitive subtracted away?)")
    if clean:
        with ctx.stage("clean", step["clean"], total):
            from .points import keep_largest_components

            faces = extract.remove_degenerate(verts, faces)
            verts, faces = keep_largest_components(verts, faces)
    with ctx.stage("decimate", step["decimate"], total):
        verts, faces = decimate(verts, faces, face_budget, cancelled=ctx.cancelled)
    with ctx.stage("unwrap", step["unwrap"], total):
        vmap, faces, uvs = unwrap.unwrap(verts, faces, cancelled=ctx.cancelled)
        verts = verts[vmap]
        normals = extract.field_normals(sdf, verts, h)
    with ctx.stage("bake", step["bake"], total):
        image = bake.bake_texture(verts, faces, uvs, texture_size, color, tick=ctx.check)
    with ctx.stage("export", step["export"], total):
        if fit_size is not None:
            scale, offset = fit_transform(verts, fit_size)
            verts = (verts - offset) * scale
        os.makedirs(out_dir, exist_ok=True)
        texture = png_bytes(image, tick=ctx.check)
        ctx.check()
        tex_path = os.path.join(out_dir, f"{name}.png")
        glb_path = os.path.join(out_dir, f"{name}.glb")
        atomic_write(tex_path, texture)
        metadata = dict(extras, faces=int(len(faces)), vertices=int(len(verts)),
                        bounds=[verts.min(axis=0).tolist(), verts.max(axis=0).tolist()])
        # The GLB records how it was made (the spec included); the result event does not repeat the spec.
        glb.write_glb(glb_path, verts, normals, uvs, faces, texture, name=name, roughness=roughness, extras=metadata)
        metadata.pop("conjure_spec", None)
    metadata["timings"] = dict(ctx.timings)
    return {"paths": {"glb": glb_path, "texture": tex_path}, "metadata": metadata}
