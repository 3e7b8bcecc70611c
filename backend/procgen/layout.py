"""What every scene planner shares (bpy-free): the ``Scene`` being planned (placement on the floor and on
support surfaces under box constraints), bounding-box helpers, cameras and seeded materials.

Placement is constraint-based on axis-aligned boxes computed from each factory's real geometry, so the
constraints hold by construction for every seed:

* large objects stand on the floor/ground with full-height footprints that never overlap each other,
  the walls, the door clearance zone or the camera zone;
* small objects stand on a support surface (table top, shelf, cabinet top) at z = surface + CONTACT_GAP,
  inside the surface, below the free height above it, and never overlap each other;
* the camera sits in a reserved zone that nothing may enter.

Graph layout::

    {"version": 2, "type": "room", "seed": 3, "params": {...}, "edition": 2,
     "objects": [{"id", "category", "seed", "params", "location", "rotation_z", "materials", "semantic",
                  "support": {"object": id, "surface": k} | "floor" | "ground", "bounds": {"lo", "hi"}}],
     "structure": [{"id", "category", "semantic", "geometry": {"type": "boxes" | "terrain", ...}, "materials"}],
     "lights": [...], "cameras": [{"name", "location", "target", "lens", "sensor", "sees"}], "world": {...},
     "render": {"engine", "size", "samples", "denoise", "exposure"}}
"""
from __future__ import annotations

import math

import numpy as np

from ..jobs import SpecError
from .factories import registry
from .geometry import EDITION, edition, rng_for
from .materials import material
from .registry import generate, resolve_params
from .views import boxes, frame_rays, spoilt

GRAPH_VERSION = 2
"""2 (issue #14): ``render`` {engine, size, samples, denoise, exposure} is what the builder sets on the scene;
cameras carry ``sees`` (objects visible, see ``visible_ids``) and the first one is the one that sees the most;
``world`` may hold a ``sky`` {sun_elevation, sun_rotation, ...} for Blender's sky texture."""
EDITION_FIELD = "edition"
"""The graph key recording the factory edition (``geometry.EDITION``) its assets are built with; a graph without it
predates editions and was made by edition 1."""
SKIRTING_DEPTH = 0.014
"""How far (m) the skirting boards stand out from a room's walls; floor-standing objects keep clear of them."""
CONTACT_GAP = 0.0005
"""Objects rest this far (m) above their support so touching faces never count as interpenetration."""
MAX_OBJECTS = 400
FLAT = 0.05
"""Edition 3: a floor covering this low (m; a rug) may lie in the camera corners kept free of furniture: a camera
standing there sees over it."""

def graph_edition(graph) -> int:
    """The factory edition ``graph``'s assets are built with: building, checking or editing the graph runs under it
    (``geometry.factory_edition``), so a graph saved by an older Conjure rebuilds to the same meshes. SpecError
    names a graph made by a newer Conjure's factories."""
    n = graph.get(EDITION_FIELD, 1)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= EDITION:
        raise SpecError(EDITION_FIELD, f"the scene graph was made by factory edition {n!r}; this Conjure builds "
                                       f"editions 1 to {EDITION} (a newer Conjure made the graph?)")
    return n


# --------------------------------------------------------------------- boxes
def overlap(a, b, gap=0.0) -> bool:
    """3D AABBs (lo, hi) overlap (closer than ``gap``)?"""
    return all(a[0][i] < b[1][i] + gap and b[0][i] < a[1][i] + gap for i in range(3))


def world_aabb(lo, hi, loc, yaw):
    c, s = math.cos(yaw), math.sin(yaw)
    xs, ys = [], []
    for x in (lo[0], hi[0]):
        for y in (lo[1], hi[1]):
            xs.append(loc[0] + c * x - s * y)
            ys.append(loc[1] + s * x + c * y)
    return ([min(xs), min(ys), loc[2] + lo[2]], [max(xs), max(ys), loc[2] + hi[2]])


def in_surface(lo, hi, p, yaw, sup_loc, sup_yaw, surf, tol=1e-6) -> bool:
    """Does the footprint of an object (object-space box lo..hi, placed at ``p`` turned by ``yaw``) lie inside the
    support surface's rectangle, measured in the support's own frame (right for supports turned any angle)?"""
    c, s = math.cos(yaw), math.sin(yaw)
    cs, ss = math.cos(-sup_yaw), math.sin(-sup_yaw)
    for x in (lo[0], hi[0]):
        for y in (lo[1], hi[1]):
            wx, wy = p[0] + c * x - s * y - sup_loc[0], p[1] + s * x + c * y - sup_loc[1]
            lx, ly = cs * wx - ss * wy, ss * wx + cs * wy
            if not (surf["lo"][0] - tol <= lx <= surf["hi"][0] + tol and surf["lo"][1] - tol <= ly <= surf["hi"][1] + tol):
                return False
    return True


class Scene:
    """Accumulates objects and keep-out zones while planning one scene."""

    def __init__(self, scene_type, seed, params):
        self.graph = {"version": GRAPH_VERSION, "type": scene_type, "seed": seed, "params": params,
                      EDITION_FIELD: edition(),
                      "objects": [], "structure": [], "lights": [], "cameras": [], "world": {},
                      "render": {"engine": "CYCLES", "size": 512, "samples": 64, "denoise": True, "exposure": 0.0}}
        self.blockers = []  # AABBs large objects must avoid
        self.inside = None  # (lo, hi) every large object must stay inside
        self.wall_clear = SKIRTING_DEPTH + 0.001
        """How far what stands on the floor keeps in from ``inside``'s walls: clear of the skirting boards (of the
        wall tiles in an edition-3 bathroom, which has no skirting)."""
        self.counts: dict = {}
        self.on_surface: dict = {}  # support id -> AABBs of the objects already standing on it
        self.flat_ok = []  # blockers a flat floor covering may lie in (edition 3: the camera corners)
        self.seed = seed
        self.next_seed = rng_for(seed, "scene", "object-seeds")

    def make(self, category, params=None, seed=None):
        """Generate (asset, full params, seed) for a new object of ``category``; with ``seed``, another of the
        object that seed made (a matching chair: the scene's seed stream moves on all the same)."""
        s = int(self.next_seed.integers(0, 2**31 - 1))
        s = s if seed is None else int(seed)
        spec = registry().get(category)
        full = resolve_params(spec, s, params or {})
        asset, full = generate(registry(), category, s, full, detail_level=self.graph["params"].get("detail", 1.0))
        return asset, full, s, spec

    def add(self, category, asset, full, s, spec, loc, yaw, support, aabb):
        n = self.counts.get(category, 0)
        self.counts[category] = n + 1
        obj = {"id": f"{category}_{n}", "category": category, "seed": s, "params": full,
               "location": [round(float(v), 6) for v in loc], "rotation_z": round(float(yaw), 6),
               "materials": list(asset.materials), "semantic": list(spec.semantic), "support": support,
               "bounds": {"lo": [float(v) for v in aabb[0]], "hi": [float(v) for v in aabb[1]]}}
        obj["_asset"] = asset  # dropped by finish(); planners use it for surfaces and lamp bulbs
        self.graph["objects"].append(obj)
        if len(self.graph["objects"]) > MAX_OBJECTS:
            raise SpecError("params.density", f"scene would exceed {MAX_OBJECTS} objects")
        return obj

    def free(self, aabb, gap=0.02) -> bool:
        if self.flat_ok and aabb[1][2] - aabb[0][2] <= FLAT:
            return not any(overlap(aabb, b, gap) for b in self.blockers if b not in self.flat_ok)
        return not any(overlap(aabb, b, gap) for b in self.blockers)

    def try_floor(self, category, rng, pick_pose, tries=30, params=None, support="floor", gap=0.02, seed=None):
        """Place one floor-standing (or, with ``support="wall"``/``"ceiling"``, mounted) object;
        ``pick_pose(lo, hi) -> (loc, yaw)`` proposes poses (loc z is the object's base); ``seed``: see ``make``."""
        asset, full, s, spec = self.make(category, params, seed)
        lo, hi = asset.mesh.bounds()
        for _ in range(tries):
            pose = pick_pose(lo, hi)
            if pose is None:
                continue
            loc, yaw = pose
            loc = (loc[0], loc[1], loc[2] + (CONTACT_GAP if support == "floor" else 0.0))
            aabb = world_aabb(lo, hi, loc, yaw)
            # inside the room; what stands on the floor also clear of the skirting boards along its walls
            clear = [self.wall_clear] * 2 + [0.0] if support == "floor" else [0.0] * 3
            if self.inside is not None and not all(
                    self.inside[0][i] + clear[i] <= aabb[0][i] and aabb[1][i] <= self.inside[1][i] - clear[i]
                    for i in range(3)):
                continue
            if self.free(aabb, gap):
                self.blockers.append(aabb)
                obj = self.add(category, asset, full, s, spec, loc, yaw, support, aabb)
                obj["_asset"] = asset
                return obj
        return None

    def blocker_of(self, obj):
        """The blocker box ``obj`` (a floor object placed by ``try_floor``) put into ``blockers``."""
        box = [obj["bounds"]["lo"], obj["bounds"]["hi"]]
        return next(b for b in self.blockers if [list(map(float, v)) for v in b] == box)

    def lay_under(self, obj, category, rng, pose, params, move=(0.0, 0.0)):
        """Slide a floor object of ``category`` (a rug) under the floor-standing ``obj`` (a bed) at ``pose(lo, hi)``,
        and lift ``obj``, moved by ``move`` (x, y), onto its top (surface 0): ``obj``'s base at the top, its support
        recorded, its blocker moved, and ``obj`` listed after what now carries it. None, with nothing changed, when
        either does not fit."""
        mine = self.blocker_of(obj)
        olo, ohi = obj["_asset"].mesh.bounds()
        x, y = obj["location"][0] + move[0], obj["location"][1] + move[1]
        self.blockers.remove(mine)
        if not self.free(world_aabb(olo, ohi, (x, y, obj["location"][2]), obj["rotation_z"]), 0.02):
            self.blockers.append(mine)
            return None
        under = self.try_floor(category, rng, pose, 1, params)
        if under is None:
            self.blockers.append(mine)
            return None
        surf = under["_asset"].surfaces[0]
        z = under["location"][2] + surf["z"] + CONTACT_GAP
        aabb = world_aabb(olo, ohi, (x, y, z), obj["rotation_z"])
        obj["location"] = [round(float(x), 6), round(float(y), 6), round(float(z), 6)]
        obj["bounds"] = {"lo": [float(v) for v in aabb[0]], "hi": [float(v) for v in aabb[1]]}
        obj["support"] = {"object": under["id"], "surface": 0}
        self.blockers.append(aabb)
        objs = self.graph["objects"]
        objs.remove(obj)
        objs.append(obj)
        return under

    def fill_surfaces(self, support_obj, cats, count, rng, ceiling=None, yaw_jitter=True):
        """Put up to ``count`` small objects on the support surfaces of ``support_obj``."""
        asset = support_obj["_asset"]
        yaw0 = support_obj["rotation_z"]
        loc = support_obj["location"]
        placed = self.on_surface.setdefault(support_obj["id"], [])
        for k in range(count):
            if not asset.surfaces:
                return placed
            si = int(rng.integers(0, len(asset.surfaces)))
            surf = asset.surfaces[si]
            rect = world_aabb([surf["lo"][0], surf["lo"][1], 0], [surf["hi"][0], surf["hi"][1], 0], loc, yaw0)
            z = loc[2] + surf["z"] + CONTACT_GAP
            cat = cats[int(rng.integers(0, len(cats)))]
            params = {"standing": 1} if cat == "book" and surf["clear"] < 0.6 else None
            a, full, s, spec = self.make(cat, params)
            lo, hi = a.mesh.bounds()
            limit = min(surf["clear"] - 0.01, (ceiling - z - 0.05) if ceiling else 9.0)
            if hi[2] > limit:
                continue
            for _ in range(12):
                yaw = yaw0 + (rng.uniform(-0.4, 0.4) if cat == "book" else rng.uniform(-math.pi, math.pi)) if yaw_jitter else yaw0
                ext = world_aabb(lo, hi, (0, 0, 0), yaw)
                x0, x1 = rect[0][0] - ext[0][0], rect[1][0] - ext[1][0]
                y0, y1 = rect[0][1] - ext[0][1], rect[1][1] - ext[1][1]
                if x0 >= x1 or y0 >= y1:
                    continue
                p = (rng.uniform(x0, x1), rng.uniform(y0, y1), z)
                if not in_surface(lo, hi, p, yaw, loc, yaw0, surf):
                    continue
                aabb = world_aabb(lo, hi, p, yaw)
                if any(overlap(aabb, b, 0.01) for b in placed):
                    continue
                placed.append(aabb)
                self.add(cat, a, full, s, spec, p, yaw, {"object": support_obj["id"], "surface": si}, aabb)
                break
        return placed

    def place_on(self, support_obj, si, category, local_xy, yaw_local=0.0, params=None):
        """One object of ``category`` on surface ``si`` of ``support_obj`` at a surface-local (x, y): None when
        it does not fit (outside the surface, too tall, or overlapping what already stands there)."""
        surf = support_obj["_asset"].surfaces[si]
        a, full, s, spec = self.make(category, params)
        lo, hi = a.mesh.bounds()
        if hi[2] > surf["clear"] - 0.01:
            return None
        yaw0 = support_obj["rotation_z"]
        c, sn = math.cos(yaw0), math.sin(yaw0)
        L = support_obj["location"]
        p = (L[0] + c * local_xy[0] - sn * local_xy[1], L[1] + sn * local_xy[0] + c * local_xy[1], L[2] + surf["z"] + CONTACT_GAP)
        yaw = yaw0 + yaw_local
        aabb = world_aabb(lo, hi, p, yaw)
        if not in_surface(lo, hi, p, yaw, L, yaw0, surf):
            return None
        placed = self.on_surface.setdefault(support_obj["id"], [])
        if any(overlap(aabb, b, 0.002) for b in placed):
            return None
        placed.append(aabb)
        return self.add(category, a, full, s, spec, p, yaw, {"object": support_obj["id"], "surface": si}, aabb)

    def fill_books(self, support_obj, si, rng, fill=0.7):
        """A shelf's worth of upright books, spines to the front, in groups with gaps, sometimes a leaning
        end or a small object between groups (grouped and spread, not scattered)."""
        surf = support_obj["_asset"].surfaces[si]
        x, x_end = surf["lo"][0] + 0.01, surf["hi"][0] - 0.01
        depth = surf["hi"][1] - surf["lo"][1]
        placed = []
        while x < x_end - 0.02:
            if rng.uniform() > fill:  # a gap, or a small object between groups
                if rng.uniform() < 0.4:
                    cat = ("vase", "storage_box", "potted_plant", "candle")[int(rng.integers(0, 4))]
                    o = self.place_on(support_obj, si, cat, (x + 0.08, (surf["lo"][1] + surf["hi"][1]) / 2), rng.uniform(-0.5, 0.5))
                    if o is not None:
                        placed.append(o)
                        x += 0.17
                x += rng.uniform(0.04, 0.15)
                continue
            for _ in range(int(rng.integers(3, 12))):
                hmax = min(0.30, surf["clear"] - 0.02)
                if hmax < 0.19:
                    return placed
                t = round(float(rng.uniform(0.012, 0.05)), 4)
                params = {"height": round(float(rng.uniform(0.18, hmax)), 4), "depth": round(float(min(0.21, depth - 0.01, rng.uniform(0.12, 0.21))), 4),
                          "thickness": t, "standing": 1}
                if params["depth"] < 0.12 or x + t > x_end:
                    break
                yl = surf["lo"][1] + params["depth"] / 2 + 0.005 + rng.uniform(0, 0.01)
                o = self.place_on(support_obj, si, "book", (x + t / 2 + 0.0005, yl), 0.0, params)
                if o is not None:
                    placed.append(o)
                x += t + 0.0015
            x += rng.uniform(0.01, 0.05)
        return placed

    def finish(self):
        for o in self.graph["objects"]:
            o.pop("_asset", None)
        return self.graph


# --------------------------------------------------------------------- cameras
def look_at_camera(name, loc, target, lens, sensor=36.0):
    return {"name": name, "location": [round(float(v), 6) for v in loc], "target": [round(float(v), 6) for v in target],
            "lens": lens, "sensor": sensor}


def aim_camera(graph, name, loc, lens, yaw0, z_targets=(0.0, 0.3, 0.6), spread=0.6, dist=3.0, things=None):
    """Camera at ``loc`` aimed (around heading ``yaw0``) so that it sees the most objects (``visible_ids``:
    in the frustum and not hidden behind furniture), unless a thing right in front of the lens fills much of the
    frame (``views.spoilt``): such aims come last. Its score is kept in the camera's ``"sees"``. ``things``:
    ``views.boxes(graph)`` when already computed."""
    things = boxes(graph) if things is None else things
    best = None
    for dyaw in np.linspace(-spread, spread, 7):
        for zt in z_targets:
            tgt = (loc[0] + dist * math.cos(yaw0 + dyaw), loc[1] + dist * math.sin(yaw0 + dyaw), zt)
            cam = look_at_camera(name, loc, tgt, lens)
            f = len(visible_ids(graph, cam)) + 0.01 * frustum_fraction(graph, cam) - SPOILT * spoilt(graph, cam, things)
            if best is None or f > best[0] + 1e-9:
                best = (f, cam)
    best[1]["sees"] = len(visible_ids(graph, best[1]))
    return best[1]


SPOILT = 1000.0
"""What a thing filling the frame right in front of the lens costs an aim, in objects seen: it comes last."""
EXTRA_VIEWS = ("camera_top", "camera_overview")
"""Views kept after the eye-height ones whatever they see (a top-down or bird's-eye frame is an extra view)."""


def rank_cameras(graph):
    """Sort ``graph["cameras"]`` by how many objects each sees (most first; ``camera_top`` last), views with a thing
    right in front of the lens filling much of the frame (``views.spoilt``: an open door leaf, a cabinet beside
    the camera) after the others; among views that see as many, the one least filled by a single
    piece of furniture (``dominant_share``) first. The first becomes ``camera_main``, the others ``camera_alt``,
    ``camera_2``... (``camera_top`` keeps its name)."""
    cams = graph["cameras"]
    things = boxes(graph)
    ff = {}
    for c in cams:
        c["sees"] = len(visible_ids(graph, c))
        ff[c["name"]] = frustum_fraction(graph, c)
    # edition 3: a view framing under FRAME_MIN of the objects (a small kitchen seen from beside its door: the door,
    # the floor and a stool) goes after the views that frame that much, when there are such
    framed = edition() >= 3 and any(ff[c["name"]] >= FRAME_MIN for c in cams if c["name"] not in EXTRA_VIEWS)
    # the top-down view is kept as an extra view: a dataset's main frame is a view from where a person stands
    cams.sort(key=lambda c: (c["name"] in EXTRA_VIEWS, spoilt(graph, c, things), framed and ff[c["name"]] < FRAME_MIN,
                             -_eye_sees(c), round(dominant_share(graph, c), 2), -ff[c["name"]]))
    cams[0]["name"] = "camera_main"
    for k, c in enumerate(cams[1:]):
        if c["name"] not in EXTRA_VIEWS:
            c["name"] = "camera_alt" if k == 0 else f"camera_{k + 1}"


FRAME_MIN = 0.6
"""Edition 3: the share of the objects (in its frustum: ``frustum_fraction``) a main view must frame when another view
does (the constraint checker's 60 %)."""
HIGH_VIEW_Z = 2.0
"""A camera above this height (m) is a high corner view looking down on the room, not one from eye height."""
HIGH_VIEW_WEIGHT = 0.75
"""What an object seen from a high corner (over 2 m: looking down on the room) counts against one seen from eye
height: a view from where a person stands is what a photograph of a room looks like, so a high view leads only when
it sees a third more."""


def _eye_sees(cam) -> float:
    return cam["sees"] * (HIGH_VIEW_WEIGHT if cam["location"][2] > HIGH_VIEW_Z else 1.0)


def dominant_share(graph, cam, n=15) -> float:
    """Fraction of ``cam``'s frame (an ``n`` x ``n`` grid of rays) whose first hit is the one floor-standing object
    hit most: a fridge beside the camera that fills a quarter of the frame scores 0.25."""
    objs = [o for o in graph["objects"] if o["support"] in ("floor", "ground")]
    if not objs:
        return 0.0
    loc, d = frame_rays(cam, n)
    lo = np.array([o["bounds"]["lo"] for o in objs])
    hi = np.array([o["bounds"]["hi"] for o in objs])
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / np.where(np.abs(d) < 1e-12, 1e-12, d)
        t0 = (lo[None] - loc) * inv[:, None]
        t1 = (hi[None] - loc) * inv[:, None]
    tn, tf = np.minimum(t0, t1).max(axis=2), np.maximum(t0, t1).min(axis=2)
    hit = (tn < tf) & (tf > 0)
    seen = hit.any(axis=1)
    if not seen.any():
        return 0.0
    first = np.where(hit, np.maximum(tn, 0.0), np.inf).argmin(axis=1)[seen]
    return float(np.bincount(first).max() / len(d))


def _in_frustum(cam, pts, aspect=1.0):
    """Bool[ndarray, "P"]: which world points lie inside ``cam``'s view frustum (square image, sensor fit width)."""
    loc, tgt = np.asarray(cam["location"], np.float64), np.asarray(cam["target"], np.float64)
    f = (tgt - loc) / np.linalg.norm(tgt - loc)
    r = np.cross(f, [0, 0, 1.0])
    if np.linalg.norm(r) < 1e-9:  # looking straight down
        r = np.array([1.0, 0.0, 0.0])
    r /= np.linalg.norm(r)
    u = np.cross(r, f)
    half = cam["sensor"] / 2 / cam["lens"]
    c = np.asarray(pts, np.float64) - loc
    depth = c @ f
    return (depth > 0.05) & (np.abs(c @ r) <= half * depth) & (np.abs(c @ u) <= half * depth / aspect)


def _ray_hits_box(o, d, lo, hi, tmax):
    """Bool[ndarray, "R B"]: does the segment o + t d (0 < t < tmax) cross box (lo, hi)? o, d: (R, 3); lo, hi: (B, 3)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / np.where(np.abs(d) < 1e-12, 1e-12, d)
        t0 = (lo[None] - o[:, None]) * inv[:, None]
        t1 = (hi[None] - o[:, None]) * inv[:, None]
    tn = np.minimum(t0, t1).max(axis=2)
    tf = np.maximum(t0, t1).min(axis=2)
    return (tn < tf) & (tf > 1e-4) & (tn < tmax[:, None])


OCCLUDER_TOP = {"bed": 0.5}
"""What share of its height an object's box hides what is behind it with in ``visible_ids`` (1 when not listed): a
bed's box reaches up to its headboard, but over its mattress (about half of it) one sees the nightstands."""

RUGS = ("rug",)
"""Floor coverings: in edition 3 what stands on one is a floor-standing occluder for ``visible_ids``."""

ENCLOSING = ("bookshelf",)
"""Supports whose compartments hide what stands inside them from anywhere but the front."""


def _scene_boxes(graph):
    """Per-graph arrays visible_ids needs: box centres and half sizes, occluders, supports, compartments."""
    objs = graph["objects"]
    lo = np.array([o["bounds"]["lo"] for o in objs])
    hi = np.array([o["bounds"]["hi"] for o in objs])
    c, e = (lo + hi) / 2, (hi - lo) / 2
    index = {o["id"]: k for k, o in enumerate(objs)}
    e3 = graph.get(EDITION_FIELD, 1) >= 3   # edition 3: what stands on a rug (a bed, a coffee table) hides too,
    tops = OCCLUDER_TOP if e3 else {}       # and a bed only up to its mattress
    low = np.array([tops.get(o["category"], 1.0) for o in objs])
    oc, oe = c.copy(), e.copy()
    oe[:, 2] *= low
    oc[:, 2] = lo[:, 2] + oe[:, 2]
    sup = np.array([index.get(o["support"]["object"], -1) if isinstance(o["support"], dict) else -1 for o in objs])
    big = np.array([o["support"] in ("floor", "ground") or (e3 and k >= 0 and objs[k]["category"] in RUGS)
                    for o, k in zip(objs, sup)])
    inside = np.zeros(len(objs), bool)  # stands in a compartment of an enclosing support
    front = np.zeros((len(objs), 2))
    sup_xy = np.zeros((len(objs), 2))
    for i, o in enumerate(objs):
        k = sup[i]
        if k >= 0 and objs[k]["category"] in ENCLOSING and lo[i][2] < hi[k][2] - 0.05:
            a = objs[k]["rotation_z"]
            inside[i] = True
            front[i] = (math.sin(a), -math.cos(a))
            sup_xy[i] = objs[k]["location"][:2]
    return c, e, np.flatnonzero(big), sup, inside, front, sup_xy, oc, oe


_OFFSETS = np.array([[0, 0, 0], [0.5, 0.5, 0.3], [-0.5, -0.5, 0.3], [0.5, -0.5, -0.3], [-0.5, 0.5, -0.3]])


def visible_ids(graph, cam) -> list:
    """Ids of the objects ``cam`` sees: the centre or one of four points inside the object's box is in the frustum
    and the line of sight to it is not blocked by another floor-standing object (boxes shrunk by 15%, so the
    gaps under tables and between chair legs are not counted as walls); what stands inside a bookshelf's
    compartment is seen only from in front of the shelf. Vectorised over objects and rays."""
    objs = graph["objects"]
    if not objs:
        return []
    c, e, occ_idx, sup, inside, front, sup_xy, oc, oe = _scene_boxes(graph)
    loc = np.asarray(cam["location"], np.float64)
    n = len(objs)
    pts = (c[:, None, :] + _OFFSETS[None] * e[:, None, :]).reshape(-1, 3)
    owner = np.repeat(np.arange(n), len(_OFFSETS))
    ok = _in_frustum(cam, pts)
    facing = ~inside | (np.einsum("ij,ij->i", loc[None, :2] - sup_xy, front) >= 0.3)
    ok &= facing[owner]
    if not ok.any():
        return []
    pts, owner = pts[ok], owner[ok]
    room = _room_of(graph, loc)
    if room is not None:   # an apartment: the walls between rooms hide what is not in the camera's own room
        lo, hi = np.asarray(room["lo"][:2]), np.asarray(room["hi"][:2])
        mine = np.all((c[:, :2] >= lo) & (c[:, :2] <= hi), axis=1)
        pts, owner = pts[mine[owner]], owner[mine[owner]]
        if not len(pts):
            return []
    occ_lo, occ_hi = oc[occ_idx] - oe[occ_idx] * 0.85, oc[occ_idx] + oe[occ_idx] * 0.85
    hits = _ray_hits_box(np.repeat(loc[None], len(pts), 0), pts - loc, occ_lo, occ_hi, np.full(len(pts), 0.999))
    hits &= (occ_idx[None, :] != owner[:, None]) & (occ_idx[None, :] != sup[owner][:, None])
    hits &= sup[occ_idx][None, :] != owner[:, None]   # a bed on a rug does not hide the rug
    clear = ~hits.any(axis=1)
    seen = np.zeros(n, bool)
    seen[owner[clear]] = True
    return [o["id"] for o, s in zip(objs, seen) if s]


def in_room(room, p) -> bool:
    """Whether point ``p`` (x, y, ...) lies on ``room``'s floor plan (a graph's ``rooms`` entry)."""
    return room["lo"][0] <= p[0] <= room["hi"][0] and room["lo"][1] <= p[1] <= room["hi"][1]


def _room_of(graph, loc):
    """The room (of a graph with several) whose floor plan holds ``loc``; None for one room or none."""
    rooms = graph.get("rooms") or []
    if len(rooms) < 2:
        return None
    return next((r for r in rooms if in_room(r, loc)), None)


def frustum_fraction(graph, cam, aspect=1.0) -> float:
    """Fraction of the graph's objects whose bounding-box centre lies inside ``cam``'s view frustum."""
    objs = graph["objects"]
    if not objs:
        return 1.0
    loc, tgt = np.asarray(cam["location"]), np.asarray(cam["target"])
    f = (tgt - loc) / np.linalg.norm(tgt - loc)
    r = np.cross(f, [0, 0, 1.0])
    r /= np.linalg.norm(r)
    u = np.cross(r, f)
    half = cam["sensor"] / 2 / cam["lens"]  # tan of the half field of view (sensor fit: width, square image)
    seen = 0
    for o in objs:
        c = (np.asarray(o["bounds"]["lo"]) + np.asarray(o["bounds"]["hi"])) / 2 - loc
        depth = c @ f
        if depth > 0.05 and abs(c @ r) <= half * depth and abs(c @ u) <= half * depth / aspect:
            seen += 1
    return seen / len(objs)


def mat(kind, seed, *parts, palette=None):
    return material(kind, rng_for(seed, "scene", *parts), palette)
