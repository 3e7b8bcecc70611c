"""Figure: outdoor terrain over many seeds (bpy-free): pond open-water area and shore irregularity, how far the
path's and shore's soil edge interpolated across the 0.25 m grid strays from the true curve (the renderer blends
soil and grass by it), how well the land meets the patch (height step along the border), and plan time.

Usage: .venv/bin/python benchmarks/procgen_outdoor.py [--seeds 50]
Prints one JSON object on its last line.
"""
import argparse
import os
import time

from _util import emit, summary

import numpy as np

from backend.procgen.plan import plan
from backend.procgen.terrain import ground_height, horizon_mesh, soil_edge, terrain_mesh


def bilinear(E, S, x, y):
    n = E.shape[0]
    fx, fy = (x + S / 2) / S * (n - 1), (y + S / 2) / S * (n - 1)
    i, j = np.clip(fy.astype(int), 0, n - 2), np.clip(fx.astype(int), 0, n - 2)
    ty, tx = fy - i, fx - j
    return E[i, j] * (1 - tx) * (1 - ty) + E[i, j + 1] * tx * (1 - ty) + E[i + 1, j] * (1 - tx) * ty + E[i + 1, j + 1] * tx * ty


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=50)
    a = ap.parse_args()
    plan_s, water_m2, water_frac, reach_ratio, edge_err, edge_p99, seam = [], [], [], [], [], [], []
    ponds = paths = 0
    for seed in range(a.seeds):
        t0 = time.perf_counter()
        g = plan("outdoor", seed)
        plan_s.append(time.perf_counter() - t0)
        t, land = g["structure"][0]["geometry"], g["structure"][1]["geometry"]
        S, n = t["size"], t["resolution"]
        m = terrain_mesh(t)
        edge = m.verts[np.abs(m.verts[:, :2]).max(axis=1) >= S / 2 - 1e-9]
        key = {(round(x, 6), round(y, 6)): z for x, y, z in horizon_mesh(land, t).verts}
        seam.append(max(abs(key[(round(x, 6), round(y, 6))] - z) for x, y, z in edge))
        if "pond" in t:
            ponds += 1
            p = t["pond"]
            r = p["r"]
            u = np.linspace(-r, r, 161)
            X, Y = np.meshgrid(u + p["x"], u + p["y"])
            wet = ((ground_height(t, X, Y) < p["level"]) & (np.hypot(X - p["x"], Y - p["y"]) < r)).sum() * (u[1] - u[0]) ** 2
            water_m2.append(float(wet))
            water_frac.append(float(wet) / S ** 2)
            reach = []
            for ang in np.linspace(0, 2 * np.pi, 36, endpoint=False):
                d = np.linspace(0, r, 400)
                under = ground_height(t, p["x"] + d * np.cos(ang), p["y"] + d * np.sin(ang)) < p["level"]
                reach.append(d[np.argmin(under)] if not under.all() else r)
            reach_ratio.append(max(reach) / min(reach))
        paths += "path" in t
        if "path" in t or "pond" in t:
            E = soil_edge(t, m.verts[:, 0], m.verts[:, 1]).reshape(n, n)
            x, y = np.random.default_rng(seed).uniform(-S / 2, S / 2, (2, 200000))
            exact = soil_edge(t, x, y)
            near = np.abs(exact) < 0.15  # the edge zone (a path's centre line, where |d| kinks, lies >= 0.35 m in)
            err = np.abs(bilinear(E, S, x[near], y[near]) - exact[near])
            edge_err.append(float(err.max()))
            edge_p99.append(float(np.percentile(err, 99)))
    emit({"figure": "procgen_outdoor", "seeds": a.seeds, "ponds": ponds, "paths": paths,
          "pond_water_m2": summary(water_m2), "pond_water_min_m2": round(min(water_m2), 1),
          "pond_water_share_of_patch": round(float(np.median(water_frac)), 4),
          "shore_reach_max_over_min": summary(reach_ratio),
          "soil_edge_error_m": {"max": round(max(edge_err), 4), "p99_median": round(float(np.median(edge_p99)), 5)},
          "grid_cell_m": round(S / (n - 1), 4), "seam_step_m_max": float(max(seam)),
          "plan_s": summary(plan_s), "load": round(os.getloadavg()[0], 2)})


if __name__ == "__main__":
    main()
