"""Apply an instruction to a scene graph (bpy-free): graph -> (new graph, diff, message).

The input graph is never modified; the new graph differs only in the entries the edit names (plus, for placements,
the objects standing on them), every other entry is the same JSON. A placement that cannot be satisfied, a
name with no match or an edit the new graph would break a constraint with raises ``EditError`` and nothing
changes. ``diff`` lists, per section, the ids added, removed and changed; ``backend.blender.edit`` applies it to
the built scene.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field

import numpy as np

from ..jobs import SpecError
from ..procgen.constraints import violations
from ..procgen.geometry import factory_edition, rng_for
from ..procgen.layout import graph_edition
from ..procgen.materials import material
from . import place as pl
from .grammar import AmbiguousEdit, Edit, EditError, Target, parse
from .light import COOL, WARM, camera, lighting, mix

SECTIONS = (("objects", "id"), ("structure", "id"), ("lights", "name"), ("cameras", "name"))
SOFT = ("fabric", "carpet", "paint", "plastic", "ceramic")
FAMILY = {"wood": ("wood", "planks", "paint"), "planks": ("wood", "planks", "paint"), "metal": ("metal",),
          "fabric": ("fabric", "carpet"), "carpet": ("carpet", "fabric"), "ceramic": ("ceramic", "stone", "tile", "plaster"), "stone": ("stone", "ceramic", "tile", "plaster"),
          "tile": ("tile", "stone", "ceramic"), "plaster": ("plaster", "paint"), "plastic": ("plastic", "paint"),
          "paint": ("paint", "plastic", "wood", "planks", "plaster"), "glass": ("glass",)}


@dataclass
class Result:
    graph: dict
    diff: dict
    edit: Edit
    message: str
    notes: list = field(default_factory=list)


def graph_diff(old, new) -> dict:
    """Per section {"added", "removed", "changed"} ids, plus "world", "render" and "params" flags."""
    out = {}
    for sec, key in SECTIONS:
        a = {e[key]: e for e in old.get(sec, [])}
        b = {e[key]: e for e in new.get(sec, [])}
        out[sec] = {"added": [k for k in b if k not in a], "removed": [k for k in a if k not in b],
                    "changed": [k for k in b if k in a and json.dumps(a[k], sort_keys=True) != json.dumps(b[k], sort_keys=True)]}
    for k in ("world", "render", "params", "rooms", "zones", "openings"):
        out[k] = json.dumps(old.get(k), sort_keys=True) != json.dumps(new.get(k), sort_keys=True)
    return out


def empty(diff) -> bool:
    return not any(any(v.values()) if isinstance(v, dict) else v for v in diff.values())


def _name(cat):
    return cat.replace("_", " ")


def _plural(cat, n):
    w = _name(cat)
    return w if n == 1 else (w[:-1] + "ies" if w.endswith("y") and not w.endswith("ey") else w + ("es" if w.endswith(("s", "sh", "ch")) else "s"))


# ----------------------------------------------------------------------------- targets
def resolve(g, target: Target, selection, ambiguity, notes, *, structure_ok=False) -> list:
    """Ids the target names. ``ambiguity``: "ask" raises AmbiguousEdit; "choose" picks and adds a note."""
    objs = g["objects"]
    if target.pronoun:
        known = {o["id"] for o in objs} | ({s["id"] for s in g["structure"]} if structure_ok else set())
        sel = [i for i in selection if i in known]
        if len(sel) == 1 or (sel and target.plural):
            return sel
        if sel:
            if ambiguity == "ask":
                raise AmbiguousEdit(f"'{target.text}' could be any of the {len(sel)} selected objects: which one?", sel, target.text)
            notes.append(f"'{target.text}' taken as all {len(sel)} selected objects")
            return sel
        if not objs:
            raise EditError(f"'{target.text}': there is nothing in the scene", target.text)
        if ambiguity == "ask":
            raise AmbiguousEdit(f"'{target.text}' with nothing selected: which object?", [o["id"] for o in objs[:12]], target.text)
        big = max(objs, key=lambda o: np.prod(np.subtract(o["bounds"]["hi"], o["bounds"]["lo"])[:2]))
        notes.append(f"nothing selected: '{target.text}' taken as {big['id']} (the largest object)")
        return [big["id"]]
    if target.structure is not None:
        if not structure_ok and target.structure not in ("window", "door"):
            raise EditError(f"the {target.structure} cannot be {'moved' if not structure_ok else 'changed'} this way", target.text)
        ids = [s["id"] for s in g["structure"] if s["category"] == target.structure]
        if not ids:
            raise EditError(f"there is no {target.structure.replace('_', ' ')} in this scene", target.text)
        return ids
    if target.how == "prompt":  # a noun no category matches: props made from text whose prompt names it
        from .match import singular
        head = singular(target.noun.split()[-1])
        ids = [o["id"] for o in objs if o["category"] == pl.PROP and head in {singular(w) for w in o["prompt"].split()}]
        if not ids:
            raise EditError(f"'{target.noun}' is not a kind of object I know, nor a prop made from text in this scene",
                            target.noun)
        if target.plural or len(ids) == 1:
            return ids
        if ambiguity == "ask":
            raise AmbiguousEdit(f"{len(ids)} props match '{target.noun}': which one?", ids, target.text)
        notes.append(f"{len(ids)} props match '{target.noun}'; used {ids[0]}")
        return ids[:1]
    ids = [o["id"] for o in objs if o["category"] in target.categories]
    if target.how != "exact":
        notes.append(f"'{target.text}' read as {', '.join(_name(c) for c in target.categories)} ({target.how})")
    if not ids:
        raise EditError(f"nothing in this scene is a {_name(target.categories[0])}" if len(target.categories) == 1 else
                        f"nothing in this scene is a {target.text.removeprefix('the ')}"
                        f"{'' if target.how == 'exact' else ' (read as ' + _name(target.categories[0]) + ')'}", target.text)
    if target.plural or len(ids) == 1:
        return ids
    sel = [i for i in selection if i in ids]
    if sel:
        return sel
    if ambiguity == "ask":
        raise AmbiguousEdit(f"{len(ids)} objects match '{target.text}': which one? (say '{target.text}s' or 'all' for every one)",
                            ids, target.text)
    notes.append(f"{len(ids)} objects match '{target.text}'; used {ids[0]} (select one, or say all)")
    return ids[:1]


# ----------------------------------------------------------------------------- appearance
def _shade(rgb, k):
    return [round(min(1.0, max(0.0, c * k)), 4) for c in rgb]


def restyle(descs, look, rng_key) -> tuple:
    """New material descriptions for one object's slots: (descs, slots changed)."""
    usable = [i for i, d in enumerate(descs) if d["kind"] not in ("glass", "emission")] \
        or [i for i, d in enumerate(descs) if d["kind"] != "emission"]  # an all-glass vase takes a tint
    if look.kind:
        fam = FAMILY.get(look.kind, (look.kind,))
        slots = [i for i in usable if descs[i]["kind"] in fam] or usable[:1]
    else:
        slots = [i for i in usable if descs[i]["kind"] in SOFT] or usable
    out = [copy.deepcopy(d) for d in descs]
    for i in slots:
        d = out[i]
        if look.kind and look.kind != d["kind"]:
            d = material(look.kind, rng_for(*rng_key, i, look.kind))
        p = d["params"]
        old_base = descs[i]["params"].get("base_color", p["base_color"])
        base = list(look.colour) if look.colour else (p["base_color"] if d["kind"] != descs[i]["kind"] else old_base)
        base = _shade(base, look.shade)
        if "color2" in p and d["kind"] != "tile":
            ratio = float(np.clip(np.mean(p["color2"]) / max(np.mean(p["base_color"]), 1e-4), 0.4, 1.0))
            p["color2"] = _shade(base, ratio)
        p["base_color"] = base
        if look.roughness is not None:
            p["roughness"] = look.roughness
        if look.kind == "metal":
            p.update(metallic=1.0, painted=0)
        out[i] = d
    return out, slots


def _appearance(g, e, ids, notes):
    entries = {o["id"]: o for o in g["objects"]} | {s["id"]: s for s in g["structure"]}
    n = 0
    for i in ids:
        o = entries[i]
        if o["category"] == pl.PROP:
            raise EditError(f"{i} ('{o['prompt']}') is a prop made from text: its colours are baked into its texture "
                            "and cannot be changed by words yet", e.target.text)
        new, slots = restyle(o["materials"], e.look, (g["seed"], "edit", "look", i, e.look.words))
        if slots:
            o["materials"] = new
            n += 1
    if not n:
        raise EditError(f"{e.target.text} has no material that can take '{e.look.words}'", e.look.words)
    if e.look.how != "exact":
        notes.append(f"'{e.look.words}': {e.look.how}")
    return f"{e.look.words}: {n} object{'s' if n != 1 else ''} ({', '.join(ids[:6])}{'…' if len(ids) > 6 else ''})"


def _glow(g, e, ids, notes):
    lights = {li["name"]: li for li in g["lights"]}
    n = 0
    for o in g["objects"]:
        if o["id"] not in ids:
            continue
        em = [d for d in o["materials"] if d["kind"] == "emission"]
        if not em:
            continue
        n += 1
        li = lights.get(f"light_{o['id']}")
        for d in em + ([li] if li else []):
            p = d["params"] if "params" in d else d
            key = "base_color" if "params" in d else "color"
            if e.setting in ("warm", "cool"):
                p[key] = mix(p[key], WARM if e.setting == "warm" else COOL, 0.5)
            else:
                k = 1.6 if e.setting == "brighter" else 0.6
                if "params" in d:
                    p["strength"] = round(p["strength"] * k, 4)
                else:
                    p["energy"] = round(p["energy"] * k, 4)
    if not n:
        raise EditError(f"the {e.target.text.removeprefix('the ')} does not give light", e.target.text)
    word = {"warm": "warmer", "cool": "cooler", "brighter": "brighter", "dimmer": "dimmer"}[e.setting]
    return f"{n} light{'s' if n != 1 else ''} {word}"


# ----------------------------------------------------------------------------- placement groups
def _where(place, anchor_ids):
    if place.relation == "on":
        return f"on {anchor_ids[0]}"
    if place.relation == "near":
        return f"by {anchor_ids[0] if anchor_ids else 'it'}"
    if place.relation == "wall":
        return f"against the {place.wall + ' ' if place.wall else ''}wall"
    return {"corner": "in a corner", "middle": "in the middle", "floor": "on the floor"}.get(place.relation, "in the room")


def _pick_category(cats, place):
    want_small = place is not None and place.relation == "on"
    pref = [c for c in cats if pl.small(c) == want_small]
    return (pref or list(cats))[0]


_NO_ROOM = ("no free spot {where} keeps clear of the other furniture, the walls and the door, window and camera zones")


def _placement(g, e, selection, ambiguity, notes, key):
    P = pl.Planner(g, key) if e.group in ("add", "more", "move", "swap", "vary") else None
    place = e.place
    anchor_ids = []
    abox = None
    if place is not None and place.anchor is not None:
        anchor_ids = resolve(g, place.anchor, selection, ambiguity, notes, structure_ok=True)
        abox = pl.anchor_box(g, place.anchor, anchor_ids)
        if P is not None and anchor_ids and anchor_ids[0] in {o["id"] for o in g["objects"]}:
            P.set_room(P.room_of(P.by_id(anchor_ids[0])))
    group = e.group
    if group in ("add", "more"):
        if group == "more":
            ids = [o["id"] for o in g["objects"] if o["category"] in e.target.categories]
            cat = g["objects"][[o["id"] for o in g["objects"]].index(ids[0])]["category"] if ids else e.target.categories[0]
            have = [o for o in g["objects"] if o["category"] == cat]
            count = int(min(4, max(1, round(len(have) * 0.3))))
        else:
            cat, count = _pick_category(e.target.categories, place), e.count
            have = []
        where = _where(place, anchor_ids) if place else "in the room"
        added = []
        if place is not None and place.relation == "on":
            if place.anchor.structure is not None:
                raise EditError(f"things cannot stand on the {place.anchor.structure}", place.anchor.text)
            if not pl.small(cat):
                raise EditError(f"a {_name(cat)} is too big to stand on the {_name(P.by_id(anchor_ids[0])['category'])}: "
                                "it goes on the floor", e.instruction)
            for sid in anchor_ids:
                need = count - len(added)
                if need <= 0:
                    break
                added += P.add_on(cat, P.by_id(sid), need)
        elif pl.small(cat) and (place is None or place.relation == "anywhere"):
            sups = [o for o in g["objects"] if o["category"] in pl.SUPPORT_ORDER]
            if group == "more":
                used = [o["support"]["object"] for o in g["objects"] if o["category"] == cat and isinstance(o["support"], dict)]
                sups = sorted(sups, key=lambda s: -used.count(s["id"]))
            else:
                sups.sort(key=lambda s: pl.SUPPORT_ORDER.index(s["category"]))
            on_floor = [o for o in g["objects"] if o["category"] == cat and o["support"] == "floor"]
            if group == "more" and cat in pl.FLOOR_OK and 2 * len(on_floor) >= len(have):
                sups = []  # more of what mostly stands on the floor: on the floor
            for sup in sups:
                need = count - len(added)
                if need <= 0:
                    break
                added += P.add_on(cat, sup, need)
            where = "on the furniture"
            if len(added) < count and cat in pl.FLOOR_OK:  # plants and boxes may stand on the floor
                for _ in range(count - len(added)):
                    o = P.add_floor(cat, pl_anywhere(), None)
                    if o is None:
                        break
                    added.append(o)
                where = "in the room"
        else:
            for _ in range(count):
                o = P.add_floor(cat, place or pl_anywhere(), abox)
                if o is None:
                    break
                added.append(o)
        if not added or (group == "add" and len(added) < count):
            head = (f"only {len(added)} of {count} {_plural(cat, count)} fit" if added else
                    f"no {_plural(cat, count)} fit" if count > 1 else f"a {_name(cat)} does not fit")
            if place is not None and place.relation == "on":
                raise EditError(f"{head} on the {_name(P.by_id(anchor_ids[0])['category'])}: its free surface is too small",
                                e.instruction)
            raise EditError(f"{head} {where}: " + _NO_ROOM.format(where=where), e.instruction)
        ids = [o["id"] for o in added]
        P.finish(ids)
        if e.look is not None:
            _appearance(g, Edit("appearance", e.instruction, target=e.target, look=e.look), ids, notes)
        return f"added {len(ids)} {_plural(cat, len(ids))} {where}: {', '.join(ids)}"
    ids = resolve(g, e.target, selection, ambiguity, notes)
    if group == "remove":
        deps = pl.dependents(g, ids)
        pl.remove_ids(g, ids + deps)
        return f"removed {', '.join(ids)}" + (f" and the {len(deps)} things on {'it' if len(ids) == 1 else 'them'}" if deps else "")
    if group == "clear":
        deps = pl.dependents(g, ids)
        if not deps:
            raise EditError(f"there is nothing on the {e.target.text.removeprefix('the ')}", e.target.text)
        pl.remove_ids(g, deps)
        return f"cleared {', '.join(ids)}: removed {len(deps)} things"
    if group == "fewer":
        have = [o["id"] for o in g["objects"] if o["id"] in ids]
        k = max(1, round(len(have) / 3))
        pick = sorted(rng_for(g["seed"], "edit", *key, "fewer").choice(len(have), size=k, replace=False).tolist())
        gone = [have[i] for i in pick]
        deps = pl.dependents(g, gone)
        pl.remove_ids(g, gone + deps)
        return f"removed {k} of {len(have)}: {', '.join(gone)}"
    if group == "move":
        moved = []
        for i in ids:
            o = P.by_id(i)
            if isinstance(o["support"], dict) and place.relation == "on":
                r = P.move_on(o, P.by_id(anchor_ids[0]))
            elif place.relation == "on":
                raise EditError(f"a {_name(o['category'])} stands on the floor; it cannot go on the "
                                f"{_name(P.by_id(anchor_ids[0])['category'])}", e.instruction)
            elif o["support"] in ("wall", "ceiling"):
                raise EditError(f"the {_name(o['category'])} hangs on the {o['support']}; moving it is not supported", e.target.text)
            else:
                if anchor_ids and i in anchor_ids:
                    raise EditError(f"the {_name(o['category'])} cannot be moved next to itself", e.instruction)
                r = P.move_floor(o, place, abox)
            if r is None:
                raise EditError(f"the {_name(o['category'])} does not fit {_where(place, anchor_ids)}: "
                                + _NO_ROOM.format(where=_where(place, anchor_ids)), e.instruction)
            moved.append(i)
        P.finish([])
        return f"moved {', '.join(moved)} {_where(place, anchor_ids)}"
    if group in ("swap", "vary"):
        done, dropped = [], []
        for i in ids:
            o = P.by_id(i)
            cat = o["category"] if group == "vary" else e.category
            new, gone = P.replace(o, cat, keep_dependents=group == "vary")
            if new is None:
                raise EditError(f"a {_name(cat)} does not fit where the {_name(o['category'])} is, nor anywhere else: "
                                + _NO_ROOM.format(where="there"), e.instruction)
            done.append(new["id"])
            dropped += [d for d in gone if d != i]
        P.finish(done)
        what = "new" if group == "vary" else "swapped in"
        return f"{what} {', '.join(done)}" + (f"; {len(dropped)} things that stood on it removed" if dropped else "")
    raise AssertionError(group)


def _add_prop(g, e, selection, ambiguity, notes, key, make_prop):
    """"add a brass telescope by the window": a prop from text, placed on the floor by the planner."""
    if make_prop is None:
        raise EditError(f"'{e.prompt}' is not in the asset library, and making a prop from text needs the worker: "
                        "run this instruction with `python -m backend.cli edit` (it starts one), or make it with Prop "
                        "from Text", e.prompt)
    P = pl.Planner(g, key)
    place = e.place
    anchor_ids, abox = [], None
    if place is not None and place.anchor is not None:
        if place.relation == "on":
            raise EditError(f"a prop made from text stands on the floor; it cannot go on the {place.anchor.text}", e.instruction)
        anchor_ids = resolve(g, place.anchor, selection, ambiguity, notes, structure_ok=True)
        abox = pl.anchor_box(g, place.anchor, anchor_ids)
    seed = int(rng_for(g["seed"], "edit", *key, "prop").integers(0, 2**31 - 1))
    made = make_prop(e.prompt, seed)
    lo, hi = np.asarray(made["lo"], np.float64), np.asarray(made["hi"], np.float64)
    n = sum(1 for o in g["objects"] if o["category"] == pl.PROP)
    ids = []
    for k in range(e.count):
        entry = {"id": f"prop_{n + k}", "category": pl.PROP, "prompt": e.prompt, "seed": seed, "params": {},
                 "glb": made["glb"], "box": {"lo": lo.tolist(), "hi": hi.tolist()}, "materials": [],
                 "semantic": ["object", "prop"]}
        if P.add_box(entry, lo, hi, place or pl_anywhere(), abox) is None:
            raise EditError(f"the {e.prompt} ({hi[0] - lo[0]:.2f} x {hi[1] - lo[1]:.2f} m) does not fit "
                            f"{_where(place, anchor_ids) if place else 'in the room'}: "
                            + _NO_ROOM.format(where=_where(place, anchor_ids) if place else "in the room"), e.instruction)
        ids.append(entry["id"])
    P.finish([])
    return f"added {', '.join(ids)} ('{e.prompt}', made from text) {_where(place, anchor_ids) if place else 'in the room'}"


def pl_anywhere():
    from .grammar import Place
    return Place("anywhere")


def _room_size(g, e, notes):
    from .resize import resize
    return resize(g, e.setting, pl.dependents)


# ----------------------------------------------------------------------------- entry
def apply_instruction(graph: dict, instruction, *, selection=(), ambiguity: str = "choose", check: bool = True,
                      make_prop=None) -> Result:
    """Parse and apply one instruction. ``selection``: ids (graph ids) the user has selected; ``ambiguity``:
    "choose" (headless: apply to the selection or pick and say so) or "ask" (raise AmbiguousEdit).
    ``make_prop(prompt, seed) -> {"glb": path, "lo": [x, y, z], "hi": [x, y, z]}`` makes a prop from text (a
    generate job of the chosen pipeline) for things the asset library does not have; without it such an
    instruction raises EditError."""
    # 1. Check inputs
    if not isinstance(graph, dict) or "objects" not in graph or graph.get("version") != 2:
        raise EditError("not a Conjure scene graph (version 2)")
    if ambiguity not in ("choose", "ask"):
        raise ValueError(f"ambiguity must be 'choose' or 'ask', got {ambiguity!r}")
    e = instruction if isinstance(instruction, Edit) else parse(instruction)
    try:  # the edit builds, moves and checks the graph's assets as its own factory edition made them
        edition = graph_edition(graph)
    except SpecError as err:
        raise EditError(str(err)) from None
    with factory_edition(edition):
        # 2. Apply to a copy
        g = copy.deepcopy(graph)
        notes: list = []
        step = len(graph.get("edits", []))
        # the RNG of an edit is keyed by what it means, not its wording: paraphrases give the same bytes
        t, p = e.target, e.place
        key = (step, e.group, e.category or "", ",".join(t.categories) if t else "", t.plural if t else False, e.count,
               p.relation if p else "", p.wall or "" if p else "", ",".join(p.anchor.categories) if p and p.anchor else "",
               (p.anchor.structure or "") if p and p.anchor else "")
        if e.group == "appearance":
            msg = _appearance(g, e, resolve(g, e.target, selection, ambiguity, notes, structure_ok=True), notes)
        elif e.group == "glow":
            msg = _glow(g, e, resolve(g, e.target, selection, ambiguity, notes), notes)
        elif e.group == "lighting":
            msg = lighting(g, e, notes)
        elif e.group == "camera":
            msg = camera(g, e, resolve(g, e.target, selection, ambiguity, notes), notes)
        elif e.group == "room":
            msg = _room_size(g, e, notes)
        elif e.group == "add_prop":
            msg = _add_prop(g, e, list(selection), ambiguity, notes, key, make_prop)
        else:
            msg = _placement(g, e, list(selection), ambiguity, notes, key)
        diff = graph_diff(graph, g)
        if empty(diff):
            raise EditError(f"'{e.instruction}' changes nothing", e.instruction)
        # 3. Constraint checks: the edit may not add a problem the scene did not have
        if check and diff["objects"]["added"] + diff["objects"]["changed"] + diff["objects"]["removed"]:
            new = violations(g)
            if new:  # only problems the scene did not have before count
                before = set(violations(graph))
                new = [v for v in new if v not in before]
            if new:
                raise EditError(f"'{e.instruction}' would break the scene's constraints: {'; '.join(new[:3])}", e.instruction)
        g.setdefault("edits", []).append(e.instruction)
        return Result(g, diff, e, msg, notes)
