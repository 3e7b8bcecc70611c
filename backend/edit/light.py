"""Lighting and camera edits (bpy-free): "make it night", "warm evening light", "look at the table from above"."""
from __future__ import annotations

import math

import numpy as np

from ..procgen.layout import look_at_camera, visible_ids
from ..procgen.plan_room import sky_for_sun
from .grammar import EditError

WARM, COOL = (1.0, 0.55, 0.25), (0.7, 0.85, 1.0)


def mix(rgb, to, t):
    return [round(float(a + (b - a) * t), 4) for a, b in zip(rgb, to)]


def _window_normal(g):
    from ..procgen.plan_room import WALLS
    op = next((op for op in g.get("openings", []) if op["kind"] == "window"), None)
    if op is None:
        return (0.0, 1.0)
    return next(n for name, n, _ in WALLS if name == op["wall"])


def lighting(g, e, notes):
    mood = e.setting
    lights = g["lights"]
    sun = next((li for li in lights if li["type"] == "SUN"), None)
    lamps = [li for li in lights if li["name"].startswith("light_")]
    if mood in ("night", "evening", "day"):
        elev = {"night": None, "evening": 0.1, "day": 0.6}[mood]
        if elev is None:
            g["lights"] = lights = [li for li in lights if li["type"] != "SUN"]
            g["world"] = {"color": [0.004, 0.006, 0.02], "strength": 0.15}
            for li in lamps:
                li["energy"] = round(li["energy"] * 2.0, 3)
                li["color"] = list(WARM)
            for li in lights:
                if li["type"] == "AREA":
                    li["energy"] = round(li["energy"] * 0.25, 3)
            g["render"]["exposure"] = round(g["render"].get("exposure", 0.0) + 0.6, 3)
            return "night: no sun, a dark sky, lamps up"
        if sun is None:
            nx, ny = _window_normal(g)
            sun = {"name": "sun", "type": "SUN", "direction": [nx, ny, 0.0], "energy": 4.0, "color": [1.0, 0.95, 0.88], "angle": 0.02}
            g["lights"].insert(0, sun)
        d = np.asarray(sun["direction"], np.float64)
        h = d[:2] / max(np.linalg.norm(d[:2]), 1e-9)
        nd = [round(float(h[0] * math.cos(elev)), 6), round(float(h[1] * math.cos(elev)), 6), round(-math.sin(elev), 6)]
        sun["direction"] = nd
        if mood == "evening":
            sun.update(energy=2.5, color=[1.0, 0.5, 0.22])
            for li in lamps:
                li["color"] = list(WARM)
            g["world"] = {"color": [0.9, 0.55, 0.35], "strength": 0.4, "sky": sky_for_sun(nd, 0.15)}
            return "evening: low orange sun, warm lamps"
        sun.update(energy=4.0, color=[1.0, 0.95, 0.88])
        g["world"] = {"color": [0.55, 0.7, 1.0], "strength": 0.6, "sky": sky_for_sun(nd, 0.3)}
        g["render"]["exposure"] = 0.6 if "rooms" in g else 0.0
        return "day: sun up, blue sky"
    if mood in ("brighter", "darker"):
        k = 1.5 if mood == "brighter" else 1 / 1.5
        for li in lights:
            li["energy"] = round(li["energy"] * k, 4)
        g["world"] = dict(g["world"], strength=round(g["world"].get("strength", 1.0) * k, 4))
        return f"all lights ×{k:.2f}"
    to = WARM if mood == "warm" else COOL
    for li in lights:
        li["color"] = mix(li["color"], to, 0.4)
    return f"light colour {mood}er"


def camera(g, e, ids, notes):
    objs = [o for o in g["objects"] if o["id"] in ids]
    if not objs:
        raise EditError(f"the camera can look at objects, not at the {e.target.text}", e.target.text)
    lo = np.min([o["bounds"]["lo"] for o in objs], axis=0)
    hi = np.max([o["bounds"]["hi"] for o in objs], axis=0)
    c = (lo + hi) / 2
    cams = g["cameras"]
    main = next(cm for cm in cams if cm["name"] == "camera_main")
    room = next((r for r in g.get("rooms", []) if all(r["lo"][k] <= c[k] <= r["hi"][k] for k in range(2))), None)
    H = room["hi"][2] if room else max(4.0, hi[2] + 3.0)

    def inside_something(p):
        return any(all(o["bounds"]["lo"][k] - 0.05 <= p[k] <= o["bounds"]["hi"][k] + 0.05 for k in range(3)) for o in g["objects"])
    if e.setting == "above":
        size = float(max(hi[0] - lo[0], hi[1] - lo[1], 0.5))
        z = min(H - 0.1, hi[2] + max(1.2, size * 1.8))
        rc = ((np.asarray(room["lo"][:2]) + room["hi"][:2]) / 2) if room else c[:2]
        for t in (0.0, 0.15, 0.3, 0.45, 0.6):
            loc = (c[0] + (rc[0] - c[0]) * t + 0.01, c[1] + (rc[1] - c[1]) * t, z)
            if not inside_something(loc):
                break
        else:
            raise EditError(f"there is no free spot above the {e.target.text.removeprefix('the ')} for the camera", e.target.text)
        new = look_at_camera("camera_main", loc, (c[0], c[1], hi[2]), 24.0 if size > 1.0 else 35.0)
    else:
        # from the camera position (reserved zones) that sees the target, at eye height
        best = None
        for cm in cams:
            cand = look_at_camera("camera_main", cm["location"], tuple(c), main["lens"])
            seen = set(visible_ids(g, cand)) & set(ids)
            d = float(np.linalg.norm(np.asarray(cm["location"]) - c))
            if e.setting == "close":
                loc = tuple(c + (np.asarray(cm["location"]) - c) * 0.55)
                if not inside_something(loc):
                    cand = look_at_camera("camera_main", loc, tuple(c), main["lens"])
            score = (len(seen), -d if e.setting == "close" else 0.0)
            if best is None or score > best[0]:
                best = (score, cand)
        new = best[1]
        if best[0][0] == 0:
            notes.append(f"no camera position sees the {e.target.text.removeprefix('the ')} unblocked; aimed anyway")
    new["sees"] = len(visible_ids(g, new))
    g["cameras"] = [new if cm["name"] == "camera_main" else cm for cm in cams]
    return f"camera_main looks at {', '.join(ids[:3])}{' from above' if e.setting == 'above' else ''}"


