"""Refine a mesh toward a prompt by score distillation (SDS / VSD) through a differentiable renderer.

    from backend.refine import camera, render, shading, guidance, optimise
    mvp = camera.view_proj(camera.OrbitView(azimuth=30, elevation=15))[None]
    out = shading.render_mesh(verts, faces, mvp, (128, 128), uvs=uvs, uv_faces=uv_faces, tex=texture)

The job is ``run.run_refine``; its parameters are ``params.RefineParams``; torch-free input checks are in
``meshio``. Nothing is imported here, so importing the package costs nothing.
"""
