"""The oracle's convergence: SDS with a denoiser whose clean estimate is a fixed target image (the renders of a
target), through the real loop (schedule, w(t), renderer gradients, Adam). Two runs, as in tests/test_refine.py:
texture (a grey quad -> a checker, 1 view) and texture + geometry (a sphere -> a wider sphere, 2 views).
Writes docs/refine_oracle.png (render error / initial error per step, log scale)."""
import os

import numpy as np
import torch

from _util import ROOT, emit
from backend.files import atomic_write
from backend.refine import guidance as sds, optimise
from backend.refine.camera import OrbitView
from backend.refine.plot import curve_png


def texture_run(steps=150):
    v = np.array([[-0.5, 0, -0.5], [0.5, 0, -0.5], [0.5, 0, 0.5], [-0.5, 0, 0.5]], dtype=np.float64)
    f = np.array([[0, 1, 2], [0, 2, 3]])
    uv = np.array([[0, 1], [1, 1], [1, 0], [0, 0]], dtype=np.float64)
    views = [OrbitView(0.0, 0.0, 1.6)]
    yy, xx = np.mgrid[0:16, 0:16]
    target_tex = np.where(((yy // 4 + xx // 4) % 2)[..., None] == 1, [0.9, 0.2, 0.1], [0.1, 0.3, 0.9])
    s = optimise.Settings(steps=steps, resolution=32, texture_size=16, lr_texture=0.03, views=views, seed=0)
    with torch.no_grad():
        target = optimise.Refiner(v, f, uv, f, target_tex, s).render(views)["rgb"]
    r = optimise.Refiner(v, f, uv, f, np.full((16, 16, 3), 0.5), s)
    g = sds.guidance_for_oracle(target[0], guidance=1.0, seed=0)
    return _run(r, views, target, lambda rgb, labels, i, n: g.loss(rgb, labels, i, n), steps)


def geometry_run(steps=60):
    import trimesh

    m = trimesh.creation.icosphere(subdivisions=2, radius=0.5)
    v, f = np.asarray(m.vertices), np.asarray(m.faces)
    uv = np.full((len(v), 2), 0.5)
    views = [OrbitView(a, 10.0, 2.0) for a in (0.0, 90.0)]
    s = optimise.Settings(steps=steps, resolution=32, texture_size=8, views=views, geometry=True, lr_geometry=0.004,
                          lr_texture=1e-9, laplacian_weight=20.0, normal_weight=2.0, seed=0)
    tex = np.full((8, 8, 3), 0.8)
    with torch.no_grad():
        target = optimise.Refiner(v * [1.4, 1.4, 1.0], f, uv, f, tex, s).render(views)["rgb"]
    r = optimise.Refiner(v, f, uv, f, tex, s)
    gs = [sds.guidance_for_oracle(target[k], guidance=1.0, seed=k) for k in range(2)]
    out = _run(r, views, target, lambda rgb, labels, i, n: gs[0 if labels[0] == "front" else 1].loss(rgb, labels, i, n),
               steps)
    out["flipped_faces"] = r.result(steps, [], []).flipped
    return out


class _Fn:
    def __init__(self, fn):
        self.loss = fn


def _run(refiner, views, target, fn, steps):
    errors = []

    def err():
        with torch.no_grad():
            return float(((refiner.render(views)["rgb"] - target) ** 2).mean())

    errors.append(err())
    optimise.refine(refiner, _Fn(fn), on_step=lambda i, n, info: errors.append(err()))
    return {"steps": steps, "error_start": errors[0], "error_end": errors[-1],
            "reduction": round(errors[0] / max(errors[-1], 1e-12), 1), "curve": errors}


if __name__ == "__main__":
    torch.set_num_threads(2)
    tex, geo = texture_run(), geometry_run()
    png = curve_png({"texture (quad -> checker)": list(np.array(tex["curve"]) / tex["curve"][0]),
                     "texture + geometry (sphere -> wider)": list(np.array(geo["curve"]) / geo["curve"][0])},
                    "Oracle SDS: render error / initial error per step (log10)", log=True)
    path = os.path.join(ROOT, "docs", "refine_oracle.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    atomic_write(path, png)
    for run in (tex, geo):
        run["curve"] = [round(x, 6) for x in run["curve"][::10]]
    emit({"figure": "oracle SDS convergence", "texture": tex, "geometry": geo, "plot": "docs/refine_oracle.png"})
