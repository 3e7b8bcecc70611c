"""The worker's ``implicit_shape`` job: primitives -> signed distance + colour -> textured GLB."""
from __future__ import annotations


def run_implicit_shape(ctx) -> dict:
    from ..mesh.asset import field_to_asset
    from .sdf import ImplicitShape

    spec, params = ctx.spec, ctx.spec.params
    shape = ImplicitShape(params, spec.seed)
    lo, hi = shape.bounds()
    return field_to_asset(
        ctx, sdf=shape.sdf, color=shape.color, lo=lo, hi=hi, resolution=params.resolution,
        face_budget=params.face_budget, texture_size=params.texture_size, roughness=params.roughness,
        out_dir=ctx.out_dir, name=spec.name, extras={"conjure_spec": spec.to_json()})
