"""Node-tree material templates: build a procedural material by copying one whose node tree has the same structure.

In Blender every ``nodes.new``, ``links.new`` and socket ``default_value`` set runs the whole tree's update (25-60 us
each in 4.5, growing with the tree), while ``Material.copy()`` of a finished 30-node material is one C call
(~0.05-0.1 ms). So a material's tree builder (``materials._fill_tree`` and its helpers, written against
``materials._Tree``) is first run against a ``material_recording.Recording``: its operations without their values
are the template key; its values are applied, where they differ from the template's, to a copy of the template.

Templates live in a private store: a Blender data block of their own (``bpy.data.temp_data()``, kept open for the
session), not the user's file. File loads (``read_factory_settings`` included), undo, purges and saves never touch
it, so the first material of a structure in a fresh file is a copy too; ``Material.copy()`` of a store material
lands in the current file (``bpy.data``). The store is freed by ``clear()`` (the add-on's unregister, and at exit
when bpy runs as a Python module). A template is made the first time its structure is asked for in a session: its
tree is built from the recording with as few tree updates as Blender allows (nodes, settings that differ from a new
node's, then every node's values in one ``foreach_set`` per node, the locations in one, then the links).

Values are written with ``foreach_set`` (one call per node, no tree update per value): a template's links, made after
them, update its tree; a copy's values are written before the depsgraph first evaluates the new material (which reads
them from its data), and the copy is tagged for an update besides. Anything the recording cannot answer is built node
by node on a new material (``STATS["unrecorded"]``). A material description's recording is kept under its JSON
(``_recorded``): the same description again skips the pure-Python recording (~0.2 ms a tree). All of this runs on
the main thread, like every other bpy call.
"""
from __future__ import annotations

import ctypes
from array import array

import bpy

from .material_recording import Recording, is_socket, probe  # noqa: F401 (is_socket: materials' import)

TEMPLATE_PREFIX = ".conjure_tmpl_"

_TEMPLATES: dict = {}  # template key -> (store material name, values, node count, link count)
_RECORDINGS: dict = {}  # memo (a description's JSON) -> (its Recording, its template key or None); oldest first
RECORDINGS_MAX = 256   # ~35 KB each
_STORE: list = []      # [the temp_data context manager, its BlendData] while the store is open
ENABLED = True
"""False: every procedural material is built node by node (for comparisons; the same trees either way)."""
STATS = {"copied": 0, "built": 0, "unrecorded": 0, "recalled": 0, "poked": 0}
"""Materials made this session: copied from a template, templates built from a recording, materials built node
by node because the recording could not follow the builder (expected 0: the tests check every kind), and
recordings reused for a description seen before (``_recorded``), and colour ramps written into a copy without
their RNA update (``_poke_ramp``)."""


# --------------------------------------------------------------------------- the store
def _store():
    """The store's BlendData (opened on first use)."""
    if not _STORE:
        cm = bpy.data.temp_data()
        _STORE[:] = [cm, cm.__enter__()]
        if not bpy.app.binary_path:
            # bpy as a Python module: free it before bpy's own exit (in Blender's executable, Python ends after
            # Blender's data is freed; there the add-on's unregister frees it, or the OS at exit)
            import atexit
            atexit.register(clear)
    return _STORE[1]


def templates() -> list:
    """The store's template materials (for tests and diagnostics)."""
    return list(_STORE[1].materials) if _STORE else []


def clear() -> None:
    """Forget every template and kept recording, free the store, and zero ``STATS``."""
    _TEMPLATES.clear()
    _RECORDINGS.clear()
    if _STORE:
        cm = _STORE[0]
        _STORE.clear()
        cm.__exit__(None, None, None)
    STATS.update(copied=0, built=0, unrecorded=0, recalled=0, poked=0)


# --------------------------------------------------------------------------- writing values in few calls
def _write_inputs(node, info, items):
    """Set ``node``'s inputs {index: value} (values as ``_convert`` stores them): one read and one write of every
    input's value when the node's inputs all hold floats, else socket by socket."""
    offs = info.offsets
    if offs is not None and len(node.inputs) == len(offs):
        buf = array("f", bytes(4 * info.width))
        try:
            node.inputs.foreach_get("default_value", buf)
            for i, v in items.items():
                if isinstance(v, tuple):
                    buf[offs[i]:offs[i] + len(v)] = array("f", v)
                else:
                    buf[offs[i]] = v
            node.inputs.foreach_set("default_value", buf)
            return
        except (TypeError, ValueError, RuntimeError):
            pass  # a layout this Blender does not batch: socket by socket (rewrites every value asked for)
    for i, v in items.items():
        node.inputs[i].default_value = v


def _write_values(nt, values, idnames, poke=False):
    """Write recorded ``values`` ({("in", node, socket) | ("ramp", node, element, attr) | ("loc", node): value})
    into the tree ``nt`` whose nodes are the recorded ones in order. ``poke``: ``nt`` is a new copy that nothing
    has evaluated yet (its material is tagged for an update after): colour ramps may be written by ``_poke_ramp``."""
    nodes = list(nt.nodes)
    inputs, ramps, locs = {}, {}, {}
    for key, v in values.items():
        if key[0] == "in":
            inputs.setdefault(key[1], {})[key[2]] = v
        elif key[0] == "ramp":
            ramps.setdefault(key[1], {})[(key[2], key[3])] = v
        else:
            locs[key[1]] = v
    for ni, items in inputs.items():
        _write_inputs(nodes[ni], probe(idnames[ni]), items)
    for ni, items in ramps.items():
        els = nodes[ni].color_ramp.elements
        pos, col = array("f", bytes(4 * len(els))), array("f", bytes(16 * len(els)))
        els.foreach_get("position", pos)
        els.foreach_get("color", col)
        for (e, attr), v in items.items():
            if attr == "position":
                pos[e] = v
            else:
                col[4 * e:4 * e + 4] = array("f", v)
        if not (poke and _poke_ramp(els, pos, col)):
            els.foreach_set("position", pos)
            els.foreach_set("color", col)
    if locs:
        flat = array("f", bytes(8 * len(nodes)))
        nt.nodes.foreach_get("location", flat)
        for ni, (x, y) in locs.items():
            flat[2 * ni], flat[2 * ni + 1] = x, y
        nt.nodes.foreach_set("location", flat)


def _poke_ramp(els, pos, col) -> bool:
    """Write a colour ramp's element positions ``pos`` and colours ``col`` (float32, as ``foreach_set`` takes
    them) straight into Blender's elements (``CBData``: r, g, b, a, pos as C floats; ``as_pointer``), as
    ``foreach_set`` writes them (no clamping, no re-sorting) but without the ramp's RNA update: that update runs
    the whole node tree's update and, through it, walks every node tree in the file (0.24 ms a ramp in an empty
    file, 1.8 ms with 1000 node-tree materials in it; this: 0.01-0.04 ms; ``benchmarks/ramp_write_cost.py``). True
    when written; False, with nothing written, when the elements do not read back as ``CBData`` holding the values
    RNA reads (another layout): then RNA writes."""
    data = [(ctypes.c_float * 5).from_address(e.as_pointer()) for e in els]
    now_pos, now_col = array("f", bytes(4 * len(els))), array("f", bytes(16 * len(els)))
    els.foreach_get("position", now_pos)
    els.foreach_get("color", now_col)
    if any(array("f", d[:4]) != now_col[4 * i:4 * i + 4] or array("f", d[4:5]) != now_pos[i:i + 1]
           for i, d in enumerate(data)):
        return False
    for i, d in enumerate(data):
        d[0:4] = col[4 * i:4 * i + 4]
        d[4] = pos[i]
    STATS["poked"] += 1
    return True


def _materialize(mat, rec):
    """Build ``rec``'s tree in ``mat`` (a new material): its nodes and their settings in order, every value, then
    the links (whose updates also cover the values written without one)."""
    ops = rec.node_tree.ops
    nt = mat.node_tree
    nt.nodes.clear()
    nodes, links = [], []
    for op in ops[1:]:
        if op[0] == "new":
            nodes.append(nt.nodes.new(op[1]))
        elif op[0] == "set":
            node = nodes[op[1]]
            if getattr(node, op[2]) != op[3]:   # a setting already at the value costs no tree update
                setattr(node, op[2], op[3])
        elif op[0] == "link":
            links.append(op)
        else:
            raise ValueError(f"a template cannot replay {op[0]!r}")
    idnames = [n.bl_idname for n in rec.node_tree.node_list]
    values = {k: v for k, v in rec.node_tree.values.items() if v != _default(k, idnames)}   # a new node's own
    _write_values(nt, values, idnames)
    for _, a, ai, b, bi in links:
        nt.links.new(nodes[a].outputs[ai], nodes[b].inputs[bi])


# --------------------------------------------------------------------------- templates
def _default(key, idnames):
    if key[0] == "in":
        return probe(idnames[key[1]]).inputs[key[2]]["default"]
    if key[0] == "loc":
        return (0.0, 0.0)
    d = probe(idnames[key[1]]).ramp[key[2]]
    return d[0] if key[3] == "position" else d[1]


def _template(key):
    """(the store's template for ``key``, its values), or (None, None) (never made, or changed since)."""
    entry = _TEMPLATES.get(key)
    if entry is None or not _STORE:
        return None, None
    name, values, n_nodes, n_links = entry
    mat = _STORE[1].materials.get(name)
    nt = mat.node_tree if mat is not None else None
    if nt is None or len(nt.nodes) != n_nodes or len(nt.links) != n_links:
        del _TEMPLATES[key]
        if mat is not None:
            _STORE[1].materials.remove(mat)
        return None, None
    return mat, values


def _make_template(key, rec):
    """A new template in the store for ``rec``'s structure (with ``rec``'s values), or None if the tree Blender
    built does not have the recorded shape (the structure is then always built node by node)."""
    store = _store()
    tmpl = store.materials.new(TEMPLATE_PREFIX + key)
    try:
        if tmpl.node_tree is None:  # Blender < 5.0 makes materials without nodes
            tmpl.use_nodes = True
        _materialize(tmpl, rec)
    except Exception:
        store.materials.remove(tmpl)
        raise
    nt, tree = tmpl.node_tree, rec.node_tree
    if (len(nt.nodes) != len(tree.node_list) or len(nt.links) != len(tree.link_list)
            or [n.bl_idname for n in nt.nodes] != [n.bl_idname for n in tree.node_list]):
        store.materials.remove(tmpl)
        return None
    _TEMPLATES[key] = (tmpl.name, dict(tree.values), len(tree.node_list), len(tree.link_list))
    STATS["built"] += 1
    return tmpl


def _apply(mat, rec, tmpl_values):
    """Set on ``mat`` (a copy of the template) every value of ``rec`` that differs from the template's."""
    tree = rec.node_tree
    idnames = [n.bl_idname for n in tree.node_list]
    diff = {}
    for key in tree.values.keys() | tmpl_values.keys():
        new = tree.values[key] if key in tree.values else _default(key, idnames)
        old = tmpl_values[key] if key in tmpl_values else _default(key, idnames)
        if new != old:
            diff[key] = new
    if diff:
        _write_values(mat.node_tree, diff, idnames, poke=True)


def _recorded(fill, memo):
    """(``fill``'s recording, its template key), or (None, None) when the recording cannot follow ``fill``.
    ``memo``: a string that determines everything ``fill`` does (a material description's JSON); its recording is
    then kept (``_RECORDINGS``, read-only) and the same ``memo`` later skips the pure-Python recording."""
    hit = _RECORDINGS.get(memo) if memo is not None else None
    if hit is not None:
        STATS["recalled"] += 1
        return hit
    rec = Recording()
    try:
        fill(rec)
    except Exception:  # the recording cannot answer something: build node by node (which raises any real error)
        return None, None
    ops = rec.node_tree.ops
    out = (rec, rec.key() if ops[:1] == [("clear",)] and ("clear",) not in ops[1:] else None)
    if memo is not None:
        if len(_RECORDINGS) >= RECORDINGS_MAX:
            del _RECORDINGS[next(iter(_RECORDINGS))]    # the oldest
        _RECORDINGS[memo] = out
    return out


def build(name, fill, new_material, memo=None):
    """A new material named ``name`` whose node tree ``fill(mat_like)`` builds (``mat_like`` has ``.node_tree``):
    a copy of this structure's template with ``fill``'s values (the template made first if it is new), or else
    built node by node by ``fill`` on ``new_material(name)``. ``memo``: see ``_recorded``."""
    rec, key = _recorded(fill, memo)
    tmpl = values = None
    if key is not None:
        tmpl, values = _template(key)
        if tmpl is None:
            try:
                tmpl, values = _make_template(key, rec), rec.node_tree.values
            except Exception:   # Blender refused to build it this way: node by node (which raises a real error)
                tmpl = None
    if tmpl is None:
        STATS["unrecorded"] += 1
        mat = new_material(name)
        try:
            fill(mat)
        except Exception:
            bpy.data.materials.remove(mat)
            raise
        return mat
    mat = tmpl.copy()  # the copy is made in the current file (bpy.data), not in the store
    try:
        mat.name = name
        _apply(mat, rec, values)
        mat.update_tag()
    except Exception:
        bpy.data.materials.remove(mat)
        raise
    STATS["copied"] += 1
    return mat
