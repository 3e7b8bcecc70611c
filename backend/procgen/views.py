"""What fills a camera's frame close to the lens (bpy-free): rays through an n x n grid of the (square) frame against
every object's box and every open door leaf (an oriented box built from the door's own parameters).

An open door leaf a few tens of cm from a corner camera, or a fridge beside it, can fill a third of the picture
while the view still "sees" every object past it (issue #14); ``near_share`` measures that, and the camera picker
counts it against a view.
"""
from __future__ import annotations

import math

import numpy as np

NEAR = 1.0
"""Distance (m) from the lens within which one thing filling much of the frame spoils the view."""
NEAR_MAX = 0.08
"""Largest fraction of the frame one thing nearer than NEAR may cover in a good view."""
PICK_NEAR = 1.5
"""The camera picker's stricter distance (m): a view whose door leaf is 1.1 m off still loses (``spoilt``), so aims
do not settle just past NEAR."""
LEAF_NEAR, LEAF_MAX = 3.0, 0.1
"""An open door leaf is a bare slab, not what a view is for: one nearer than LEAF_NEAR m filling more than LEAF_MAX
of the frame spoils a view too (13 of 140 main views of seeds 0-19 of the room types, before)."""

NEAR_SUM_MAX = 0.15
"""Largest fraction of the frame all things (not walls) nearer than PICK_NEAR may fill together: a worktop's clutter
right under the lens, each piece under NEAR_MAX, still fills the picture."""
BIG_NEAR, BIG_MAX = 2.0, 0.15
"""One object (not a wall) nearer than BIG_NEAR m filling more than BIG_MAX of the frame spoils a view too: a
cabinet or fridge cut by the frame's edge that hides a sixth of the room."""
SHUT = 0.05
"""A door leaf swung less than this (rad) is shut (``plan_room`` shuts the doors out of the plan)."""
JAMB, LEAF_T = 0.03, 0.04
"""The door factory's lining and leaf thickness (m) (factories/interior.py ``door``)."""


def door_leaf(entry):
    """(centre xyz, yaw, half extents xyz) of the leaf of a door structure entry (geometry type "asset"), placed
    where its ``open_angle`` swings it, or None for a door without a leaf."""
    g = entry["geometry"]
    p = g["params"]
    w, h, d, a = p["width"], p["height"], p["depth"], p["open_angle"]
    lw, lh = w - 2 * JAMB - 0.006, h - JAMB - 0.012
    side = -1.0 if p.get("hinge", 0) else 1.0  # +1: hung on the left jamb, the leaf runs towards +x from it
    hx, hy = -side * (w / 2 - JAMB - 0.003), -d / 2 + LEAF_T / 2 + 0.004
    turn = -side * a  # the leaf swings towards -y (into the room) either way
    cx, cy = hx + side * lw / 2 * math.cos(turn), hy + side * lw / 2 * math.sin(turn)
    yaw = g["rotation_z"]
    c, s = math.cos(yaw), math.sin(yaw)
    L = g["location"]
    centre = (L[0] + c * cx - s * cy, L[1] + s * cx + c * cy, L[2] + 0.008 + lh / 2)
    return centre, yaw + turn, (lw / 2, LEAF_T / 2 + 0.05, lh / 2)  # the lever handles stand 5 cm off each face


def frame_rays(cam, n):
    """Float[ndarray, "n*n 3"] unit directions through an n x n grid over a square frame, and the origin."""
    loc, tgt = np.asarray(cam["location"], np.float64), np.asarray(cam["target"], np.float64)
    f = (tgt - loc) / np.linalg.norm(tgt - loc)
    r = np.cross(f, [0, 0, 1.0])
    r = r / np.linalg.norm(r) if np.linalg.norm(r) > 1e-9 else np.array([1.0, 0.0, 0.0])
    u = np.cross(r, f)
    s = np.linspace(-1.0, 1.0, n) * cam["sensor"] / 2 / cam["lens"]
    d = (f[None] + s[:, None, None] * r[None, None] + s[None, :, None] * u[None, None]).reshape(-1, 3)
    return loc, d / np.linalg.norm(d, axis=1, keepdims=True)


def boxes(graph):
    """(names, centres Float[ndarray, "B 3"], yaws Float[ndarray, "B"], half extents Float[ndarray, "B 3"], the door
    leaves' names) of every object's box (axis-aligned), every open door leaf, window and piece of wall (a wall's
    pieces share its name: the one wall beside the lens is one thing); compute once, pass to ``near_shares`` for
    many views."""
    names, cs, yaws, halves, leaves = [], [], [], [], set()
    for o in graph["objects"]:
        lo, hi = np.asarray(o["bounds"]["lo"], np.float64), np.asarray(o["bounds"]["hi"], np.float64)
        names.append(o["id"])
        cs.append((lo + hi) / 2)
        yaws.append(0.0)
        halves.append((hi - lo) / 2)
    for e in graph.get("structure", []):
        if e["category"] == "door" and e["geometry"].get("type") == "asset":
            c, yaw, half = door_leaf(e)
            names.append(e["id"])
            if e["geometry"]["params"]["open_angle"] > SHUT:
                leaves.add(e["id"])  # a shut door is part of its wall, not a slab swung into the view
            cs.append(np.asarray(c))
            yaws.append(yaw)
            halves.append(np.asarray(half))
        elif e["category"] == "window" and e["geometry"].get("type") == "asset":
            g, p = e["geometry"], e["geometry"]["params"]  # frame and sill stand a few cm proud of the wall
            names.append(e["id"])
            cs.append(np.asarray(g["location"], np.float64) + (0.0, 0.0, 0.03 + p["height"] / 2))
            yaws.append(g["rotation_z"])
            halves.append(np.asarray((p["width"] / 2 + 0.05, p["depth"] / 2 + 0.05, p["height"] / 2 + 0.05)))
        elif e["category"] == "wall" and e["geometry"].get("type") == "boxes":
            for lo, hi in e["geometry"]["boxes"]:
                lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
                names.append(e["id"])
                cs.append((lo + hi) / 2)
                yaws.append(0.0)
                halves.append((hi - lo) / 2)
    return names, np.reshape(cs, (-1, 3)), np.asarray(yaws, np.float64), np.reshape(halves, (-1, 3)), leaves


def _first_hits(graph, cam, n, near, things):
    """(names, per-ray index of the first thing hit into ``names`` (-1: none), its distance) for ``cam``'s n x n
    rays, counting only things that can be hit nearer than ``near`` m."""
    o, d = frame_rays(cam, n)
    names, c, yaw, half, _ = boxes(graph) if things is None else things
    keep = np.linalg.norm(c - o, axis=1) - np.linalg.norm(half, axis=1) < near  # only these can be hit that near
    if not keep.any():
        return names, np.full(len(d), -1), np.full(len(d), np.inf)
    idx = np.flatnonzero(keep)
    c, half = c[idx], half[idx]
    cs, sn = np.cos(yaw[idx]), np.sin(yaw[idx])
    rel = o[None] - c  # (B, 3)
    ol = np.stack([cs * rel[:, 0] + sn * rel[:, 1], -sn * rel[:, 0] + cs * rel[:, 1], rel[:, 2]], axis=1)  # box frames
    dl = np.stack([cs[:, None] * d[None, :, 0] + sn[:, None] * d[None, :, 1], -sn[:, None] * d[None, :, 0] + cs[:, None] * d[None, :, 1],
                   np.broadcast_to(d[None, :, 2], (len(idx), len(d)))], axis=2)  # (B, N, 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / np.where(np.abs(dl) < 1e-12, 1e-12, dl)
        t0, t1 = (-half[:, None] - ol[:, None]) * inv, (half[:, None] - ol[:, None]) * inv
    tn, tf = np.minimum(t0, t1).max(axis=2), np.maximum(t0, t1).min(axis=2)
    t = np.where((tn < tf) & (tf > 0), np.maximum(tn, 0.0), np.inf)  # (B, N)
    first = t.min(axis=0)
    return names, np.where(np.isfinite(first), idx[t.argmin(axis=0)], -1), first


def _shares(names, who, first, near) -> dict:
    """{thing: fraction of the rays whose first hit is that thing, nearer than ``near`` m} (a wall's pieces add up)."""
    out = {}
    hit = who[first < near]
    for k, count in zip(*np.unique(hit, return_counts=True)):
        out[names[k]] = out.get(names[k], 0.0) + float(count / len(who))
    return out


def near_shares(graph, cam, n=15, near=NEAR, things=None) -> dict:
    """{thing: fraction of ``cam``'s frame whose first hit is that thing, nearer than ``near`` m}. ``things``:
    ``boxes(graph)`` when already computed."""
    return _shares(*_first_hits(graph, cam, n, near, things), near)


def near_share(graph, cam, n=15, near=NEAR, things=None) -> float:
    """Largest fraction of ``cam``'s frame one thing nearer than ``near`` m fills (0 when nothing is that near)."""
    return max(near_shares(graph, cam, n, near, things).values(), default=0.0)


def spoilt(graph, cam, things=None) -> bool:
    """Does one thing nearer than PICK_NEAR m fill more than NEAR_MAX of ``cam``'s frame (all of them together more
    than NEAR_SUM_MAX), one object nearer than
    BIG_NEAR m more than BIG_MAX, or an open door leaf nearer than LEAF_NEAR m more than LEAF_MAX?"""
    things = boxes(graph) if things is None else things
    hits = _first_hits(graph, cam, 15, max(PICK_NEAR, BIG_NEAR, LEAF_NEAR), things)  # one cast for every rule
    near = _shares(*hits, PICK_NEAR)
    if max(near.values(), default=0.0) > NEAR_MAX or sum(v for k, v in near.items() if not k.startswith("wall")) > NEAR_SUM_MAX:
        return True
    if any(v > BIG_MAX for k, v in _shares(*hits, BIG_NEAR).items() if not k.startswith("wall")):
        return True
    return any(v > LEAF_MAX for k, v in _shares(*hits, LEAF_NEAR).items() if k in things[4])
