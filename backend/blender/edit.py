"""Scene edits in Blender: an instruction -> the edited graph (``backend.edit``) -> only the named objects,
lights, cameras and world rebuilt in the scene's collection, all or nothing, with Conjure's own undo.

The full scene graph JSON is kept on the scene's collection (``conjure_graph``) and updated by every edit, so an
edited scene can be rebuilt from it and edited again. What an edit replaces or removes is not deleted: it moves to
the hidden collection "Conjure edit history" (linked to no scene) under a stash name, and ``undo`` puts those very
datablocks back (names, transforms, meshes, materials exactly as they were) and deletes what the edit built.
In the UI each Apply is also one step of Blender's own undo stack (the operator has ``UNDO``); headless bpy has
no undo stack, so ``undo`` here is the one that works everywhere.

Plain scenes (objects carrying ``conjure_category`` but no Conjure graph) get a graph made from their objects;
there only appearance and removal work (placement needs a room).
"""
from __future__ import annotations

import json

import bpy

from ..edit import EditError, apply_instruction
from ..edit.place import PROP
from .edit_plain import apply_plain, plain_graph, undo_plain
from .procgen import Build, SceneBuild, apply_render_settings
from .transaction import datablocks_of, remove_datablocks

GRAPH_KEY = "conjure_graph"
HISTORY_KEY = "conjure_edit_history"
STASH = "Conjure edit history"
MAX_HISTORY = 20
_SECTIONS = ("objects", "structure", "lights", "cameras")


def add_prop_object(tx, coll, o):
    """A prop made from text (a GLB from a generate job) placed as its graph entry says."""
    import os

    from .importers import import_glb
    if not os.path.isfile(o["glb"]):
        raise EditError(f"the prop {o['id']} ('{o['prompt']}') was made as {o['glb']}, which no longer exists")
    ob = import_glb(tx, o["glb"], name=o["id"])
    coll.objects.link(ob)
    ob.location = o["location"]
    ob.rotation_euler = (0.0, 0.0, o["rotation_z"])
    ob["conjure_id"] = o["id"]
    ob["conjure_category"] = PROP
    ob["conjure_prompt"] = o["prompt"]
    return ob


# ----------------------------------------------------------------------------- finding the graph
def scene_collection(scene):
    """The last Conjure-built scene collection linked into ``scene`` (None for a plain scene)."""
    found = [c for c in scene.collection.children_recursive if "conjure_scene_graph" in c]
    return found[-1] if found else None


def graph_of(scene):
    """(collection, graph): the stored graph, or one planned again from the collection's type/seed/params (the
    same seed gives the same graph), or a plain-scene graph from the objects that carry a category."""
    coll = scene_collection(scene)
    if coll is not None:
        if GRAPH_KEY in coll:
            return coll, json.loads(coll[GRAPH_KEY])
        from ..procgen.plan import plan
        head = json.loads(coll["conjure_scene_graph"])
        return coll, plan(head["type"], head["seed"], head["params"], edition=head.get("edition", 1))
    return None, plain_graph(scene)


def selection_ids(objects) -> list:
    return [ob.get("conjure_id") or ob.name for ob in objects]


# ----------------------------------------------------------------------------- stash
def _stash():
    st = bpy.data.collections.get(STASH)
    if st is None:
        st = bpy.data.collections.new(STASH)
        st.use_fake_user = True
    return st


def _objects_by_key(coll) -> dict:
    """Graph key (object / structure id, light / camera name) -> Blender object in ``coll``."""
    out = {}
    for ob in coll.objects:
        key = ob.get("conjure_id") or ob.name
        out[key] = ob
    return out


def _history(holder) -> list:
    return json.loads(holder.get(HISTORY_KEY, "[]"))


def history(scene) -> list:
    """The applied instructions, oldest first: [{"instruction", "message"}]."""
    coll = scene_collection(scene)
    holder = coll if coll is not None else scene
    return [{"instruction": h["instruction"], "message": h["message"]} for h in _history(holder)]


def sync_history(scene) -> None:
    """Mirror the edit history into ``scene.conjure.edit.history`` (the panel's list), when the add-on is on."""
    props = getattr(getattr(scene, "conjure", None), "edit", None)
    if props is None:
        return
    props.history.clear()
    for h in history(scene):
        item = props.history.add()
        item.instruction, item.message = h["instruction"], h["message"]
    props.active_step = len(props.history) - 1


# ----------------------------------------------------------------------------- apply
def apply(scene, instruction: str, selection=(), ambiguity: str = "choose", make_prop=None):
    """Apply one instruction to ``scene``; returns ``backend.edit.Result``. EditError (AmbiguousEdit with
    ``ambiguity="ask"``) leaves the scene untouched. ``make_prop``: see ``backend.edit.apply_instruction``."""
    coll, graph = graph_of(scene)
    res = apply_instruction(graph, instruction, selection=list(selection), ambiguity=ambiguity, make_prop=make_prop)
    if coll is None:
        apply_plain(scene, graph, res, _stash())
    else:
        _apply_graph(scene, coll, graph, res)
    for vl in scene.view_layers:
        vl.update()
    return res


def _apply_graph(scene, coll, old, res):
    new, diff = res.graph, res.diff
    step = len(_history(coll))
    stash = _stash()
    by_key = _objects_by_key(coll)
    entries = {sec: {e.get("id", e.get("name")): e for e in new.get(sec, [])} for sec in _SECTIONS}
    stashed, added = [], []
    tx = Build()
    world_before = scene.world.name if scene.world else ""
    camera_before = scene.camera.name if scene.camera else ""
    exposure_before = scene.view_settings.exposure
    olds = {e["id"]: e for e in old["objects"]}
    moves = [k for k in diff["objects"]["changed"] if _only_moved(olds[k], entries["objects"][k]) and k in by_key]
    moved = []  # [name, old location, old rotation_z, old support]: undo puts them back
    try:
        # 1. What only moved is moved (same mesh, same materials)
        for key in moves:
            ob, o = by_key[key], entries["objects"][key]
            moved.append([ob.name, list(ob.location), ob.rotation_euler.z, ob.get("conjure_support", "")])
            ob.location = o["location"]
            ob.rotation_euler.z = o["rotation_z"]
            ob["conjure_support"] = json.dumps(o["support"])
        # 2. Move what is replaced or removed out of the scene (kept for undo), freeing its names
        for sec in _SECTIONS:
            for key in diff[sec]["removed"] + diff[sec]["changed"]:
                if sec == "objects" and key in moves:
                    continue
                ob = by_key.get(key)
                if ob is None:
                    continue
                orig = ob.name
                coll.objects.unlink(ob)
                stash.objects.link(ob)
                ob.name = f"{orig}~{step}"
                stashed.append([ob.name, orig])
        # 2. Build what is new or changed with the scene builder's own steps
        sb = SceneBuild(new)
        sb.tx = tx
        for sec, kind in (("structure", "structure"), ("objects", "object"), ("lights", "light"), ("cameras", "camera")):
            for key in diff[sec]["added"] + diff[sec]["changed"]:
                if sec == "objects" and key in moves:
                    continue
                before = set(coll.objects.keys())
                if kind == "object" and entries[sec][key]["category"] == PROP:
                    add_prop_object(tx, coll, entries[sec][key])
                else:
                    getattr(sb, f"_add_{kind}")(coll, entries[sec][key])
                for name in set(coll.objects.keys()) - before:
                    ob = coll.objects[name]
                    if sec in ("lights", "cameras"):
                        ob["conjure_id"] = key
                    added.append(name)
        if diff["world"] and new.get("world"):
            sb._add_world(coll, new["world"])
            scene.world = bpy.data.worlds[sb.world_name]
        if diff["cameras"]["changed"] or diff["cameras"]["added"]:
            main = next((n for n in added if coll.objects[n].get("conjure_id") == "camera_main"), None)
            if main:
                scene.camera = coll.objects[main]
        if diff["render"]:
            apply_render_settings(scene, new)
    except BaseException:
        tx.rollback()
        _unstash(coll, stash, stashed)
        _unmove(moved)
        scene.view_settings.exposure = exposure_before
        if world_before:
            scene.world = bpy.data.worlds.get(world_before)
        raise
    tx.commit()
    # 3. The graph is the source of truth; the history holds what undo needs
    hist = _history(coll)
    hist.append({"instruction": res.edit.instruction, "message": res.message, "graph_before": json.dumps(old),
                 "stashed": stashed, "added": added, "moved": moved, "world_before": world_before, "camera_before": camera_before,
                 "exposure_before": exposure_before, "world_after": scene.world.name if scene.world else ""})
    while len(hist) > MAX_HISTORY:  # forget the oldest step: its stashed objects are deleted for good
        for name, _orig in hist.pop(0)["stashed"]:
            ob = bpy.data.objects.get(name)
            if ob is not None:
                remove_datablocks(datablocks_of(ob))
    coll[HISTORY_KEY] = json.dumps(hist)
    coll[GRAPH_KEY] = json.dumps(new)


_POSE = ("location", "rotation_z", "bounds", "support")


def _only_moved(a, b) -> bool:
    """Do two entries of one object differ in pose only (so the Blender object can just be moved)?"""
    return a["category"] == b["category"] and {k: v for k, v in a.items() if k not in _POSE} == \
        {k: v for k, v in b.items() if k not in _POSE}


def _unmove(moved):
    for name, loc, rz, sup in reversed(moved):
        ob = bpy.data.objects.get(name)
        if ob is not None:
            ob.location = loc
            ob.rotation_euler.z = rz
            ob["conjure_support"] = sup


def _unstash(coll, stash, stashed):
    for name, orig in reversed(stashed):
        ob = bpy.data.objects.get(name)
        if ob is None:
            continue
        stash.objects.unlink(ob)
        coll.objects.link(ob)
        ob.name = orig


def undo(scene) -> str:
    """Undo the last edit exactly; returns its instruction. EditError when there is nothing to undo."""
    coll = scene_collection(scene)
    if coll is None:
        return undo_plain(scene, _stash())
    hist = _history(coll)
    if not hist:
        raise EditError("there is no edit to undo")
    h = hist.pop()
    # 1. Delete what the edit built (its own mesh, materials and data; shared blocks stay)
    for name in h["added"]:
        ob = bpy.data.objects.get(name)
        if ob is not None:
            data = ob.data if isinstance(ob.data, (bpy.types.Light, bpy.types.Camera)) else None
            remove_datablocks(datablocks_of(ob))
            if data is not None and data.users == 0:
                (bpy.data.lights if isinstance(data, bpy.types.Light) else bpy.data.cameras).remove(data)
    # 2. Put the originals back under their names, and what only moved where it was
    _unstash(coll, _stash(), h["stashed"])
    _unmove(h.get("moved", []))
    world_after = bpy.data.worlds.get(h.get("world_after", ""))
    if h["world_before"] and bpy.data.worlds.get(h["world_before"]) is not None:
        scene.world = bpy.data.worlds[h["world_before"]]
        if world_after is not None and world_after.name != h["world_before"] and world_after.users == 0:
            bpy.data.worlds.remove(world_after)
    if h["camera_before"] and bpy.data.objects.get(h["camera_before"]) is not None:
        scene.camera = bpy.data.objects[h["camera_before"]]
    scene.view_settings.exposure = h["exposure_before"]
    coll[GRAPH_KEY] = h["graph_before"]
    coll[HISTORY_KEY] = json.dumps(hist)
    for vl in scene.view_layers:
        vl.update()
    return h["instruction"]


# ----------------------------------------------------------------------------- headless files
def edited_file(graph: dict, blend: str | None, *, render: str | None = None, size: int = 256, samples: int = 16) -> dict:
    """An (edited) graph built in a fresh file with the graph stored on its collection (so it can be edited
    again in Blender), optionally rendered through its camera, saved to ``blend``."""
    from .headless import new_scene
    from .procgen import build_scene
    from .render import render_settings, render_to_file, save_blend
    scene = new_scene()
    coll = build_scene(scene, graph)  # props made from text included (SceneBuild places their GLBs)
    coll[GRAPH_KEY] = json.dumps(graph)
    out = {}
    if render:
        render_settings(scene, engine=graph.get("render", {}).get("engine", "CYCLES"), size=size, samples=samples)
        out["render"] = render_to_file(scene, render)
    if blend:
        out["blend"] = save_blend(blend)
    return out


def edit_blend_file(path: str, instruction: str, selection, blend_out: str, *, render: str | None = None,
                    size: int = 256, samples: int = 16):
    """Open a .blend, apply one instruction to its scene (with undo history), save it as ``blend_out``."""
    from .render import render_settings, render_to_file, save_blend, stdout_to_stderr
    with stdout_to_stderr():
        bpy.ops.wm.open_mainfile(filepath=path)
    scene = bpy.context.scene
    res = apply(scene, instruction, selection)
    out = {}
    if render:
        render_settings(scene, size=size, samples=samples)
        out["render"] = render_to_file(scene, render)
    out["blend"] = save_blend(blend_out)
    return res, out


# ----------------------------------------------------------------------------- a prop from text, in the UI
class _Wanted(Exception):
    def __init__(self, prompt, seed):
        super().__init__(prompt)
        self.prompt, self.seed = prompt, seed


def prop_request(scene, instruction: str, selection=()):
    """(prompt, seed) when ``instruction`` adds something the asset library lacks (checked as far as it can be
    without the prop: the room, the anchor), else None. EditError when it cannot be done at all."""
    from ..edit import parse
    if parse(instruction).group != "add_prop":
        return None
    coll, graph = graph_of(scene)

    def want(prompt, seed):
        raise _Wanted(prompt, seed)
    try:
        apply_instruction(graph, instruction, selection=list(selection), make_prop=want)
    except _Wanted as w:
        return w.prompt, w.seed
    return None


class PropEdit:
    """An instruction that needs a prop from text, followed in the Jobs list (``session.start_local_work``):
    the headless generate (``python -m backend.cli generate --pipeline embedded``, the Worker Python, its own worker
    process) runs in the background; when its GLB is ready the edit is applied on the main thread, placed by the
    planner like any other object. Nothing waits; cancelling or a failure leaves the scene as it was."""

    def __init__(self, instruction, selection, prompt, seed, out_dir, python, env=None):
        import os
        import subprocess
        import tempfile
        self.instruction, self.selection, self.prompt = instruction, list(selection), prompt
        self.done, self.total = 0, 1
        self.result = None
        os.makedirs(out_dir, exist_ok=True)
        self._out = tempfile.TemporaryFile(mode="w+", dir=out_dir)
        self._err = tempfile.TemporaryFile(mode="w+", dir=out_dir)
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        cmd = [python, "-m", "backend.cli", "generate", prompt, "--pipeline", "embedded", "--seed", str(seed),
               "--name", prompt.replace(" ", "_")[:40], "--out", out_dir, "--quiet", "--offline"]
        self.proc = subprocess.Popen(cmd, cwd=root, stdout=self._out, stderr=self._err, stdin=subprocess.DEVNULL,
                                     env={**os.environ, **(env or {})})

    def step(self, scene) -> bool:
        if self.proc.poll() is None:
            return False
        self._out.seek(0)
        self._err.seek(0)
        out, err = self._out.read(), self._err.read()
        if self.proc.returncode != 0:
            raise RuntimeError(f"making '{self.prompt}' failed: {(err.strip().splitlines() or ['no output'])[-1]}")
        glb = json.loads(out.strip().splitlines()[-1])["paths"]["glb"]
        from ..mesh.glb import read_glb
        pos = read_glb(glb)["positions"]
        made = {"glb": glb, "lo": pos.min(axis=0).tolist(), "hi": pos.max(axis=0).tolist()}
        self.result = apply(scene, self.instruction, self.selection, make_prop=lambda _p, _s: made)
        sync_history(scene)
        self.done = 1
        return True

    def finish(self, scene) -> dict:
        return {"message": self.result.message, "object_name": "", "collection_name": ""}

    def rollback(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
