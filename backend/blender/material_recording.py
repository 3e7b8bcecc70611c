"""The recording of a node-tree builder: a pure-Python node tree that answers ``materials._Tree``'s calls as a
bpy material's tree would and writes down what they do (``material_templates`` builds and copies templates from it).

A builder run against a ``Recording`` leaves its operations without their values in ``node_tree.ops`` (node types in
order, enum and other settings, links by socket index: the structure, hashed into the template key) and its values
in ``node_tree.values`` (socket defaults, colour-ramp elements, node locations). Socket lookups, default values and
value conversions (float32 storage, clamping) are answered as this Blender does: a node type's sockets are read once
per session from a real node of that type (``probe``). Anything the recording cannot answer raises.
"""
from __future__ import annotations

import hashlib
from array import array

import bpy

_PROBES: dict = {}     # node bl_idname -> _Probe (per session: socket layouts do not change)
_LOOKUPS: dict = {}    # (bl_idname, settings made so far) -> (input lookup, output lookup)


def _f32(x):
    return array("f", (x,))[0]


def _scratch_node(idname, settings=()):
    """(scratch material, a new node of ``idname`` in it with ``settings`` made in order); the caller removes
    the material."""
    mat = bpy.data.materials.new(".conjure_probe")
    try:
        if mat.node_tree is None:
            mat.use_nodes = True
        n = mat.node_tree.nodes.new(idname)
        for k, v in settings:
            setattr(n, k, v)
    except Exception:
        bpy.data.materials.remove(mat)
        raise
    return mat, n


class _Probe:
    """One node type's sockets as this Blender makes them: per input and output, name, identifier, type and
    default; and each value socket's clamping range. ``offsets``: where each input's value starts in the flat float
    array ``node.inputs.foreach_get("default_value", ...)`` reads and ``foreach_set`` writes in one call, when every
    input holds floats (one or a vector); else None (such a node's values are set socket by socket)."""

    def __init__(self, idname):
        mat, n = _scratch_node(idname)
        try:
            self.inputs = [self._socket(s, True) for s in n.inputs]
            self.outputs = [self._socket(s, False) for s in n.outputs]
            self.ramp = None
            if getattr(n, "color_ramp", None) is not None:
                self.ramp = [(_f32(e.position), tuple(e.color)) for e in n.color_ramp.elements]
        finally:
            bpy.data.materials.remove(mat)
        self.offsets, self.width = None, 0
        widths = [1 if isinstance(d, float) else len(d) if isinstance(d, tuple) and all(isinstance(x, float) for x in d)
                  else None for d in (i["default"] for i in self.inputs)]
        if None not in widths:
            self.offsets = [sum(widths[:k]) for k in range(len(widths))]
            self.width = sum(widths)

    @staticmethod
    def lookup(socks):
        """Which socket a string lookup returns, per name and identifier (it finds only available sockets, so
        this depends on the node's settings)."""
        ptrs = [s.as_pointer() for s in socks]
        out = {}
        for key in {s.name for s in socks} | {s.identifier for s in socks}:
            hit = socks.get(key)
            out[key] = None if hit is None else ptrs.index(hit.as_pointer())
        return out

    @staticmethod
    def _socket(s, is_input):
        info = {"name": s.name, "identifier": s.identifier, "type": s.type, "default": None, "range": None}
        if not is_input or not hasattr(s, "default_value"):
            return info
        v = s.default_value
        if isinstance(v, (bool, int, float, str)):
            info["default"] = v
            if isinstance(v, float) or (isinstance(v, int) and not isinstance(v, bool)):
                s.default_value = type(v)(-1e30 if isinstance(v, float) else -2 ** 31 + 1)
                lo = s.default_value
                s.default_value = type(v)(1e30 if isinstance(v, float) else 2 ** 31 - 1)
                info["range"] = (lo, s.default_value)
                s.default_value = v
        else:
            info["default"] = tuple(v)
            n = len(info["default"])
            try:
                s.default_value = (-1e30,) * n
                lo = tuple(s.default_value)
                s.default_value = (1e30,) * n
                info["range"] = (lo, tuple(s.default_value))
                s.default_value = info["default"]   # (``v`` is a live view of the socket)
            except (TypeError, ValueError):
                pass
        return info


def probe(idname) -> _Probe:
    p = _PROBES.get(idname)
    if p is None:
        p = _PROBES[idname] = _Probe(idname)
    return p


def lookups(idname, settings):
    """(input lookup, output lookup) of a node of ``idname`` after ``settings`` ((name, value) in order)."""
    key = (idname, settings)
    hit = _LOOKUPS.get(key)
    if hit is None:
        mat, n = _scratch_node(idname, settings)
        try:
            hit = _LOOKUPS[key] = (_Probe.lookup(n.inputs), _Probe.lookup(n.outputs))
        finally:
            bpy.data.materials.remove(mat)
    return hit


def _convert(info, value):
    """``value`` as this Blender stores it in a socket like ``info`` (float32, clamped)."""
    d, r = info["default"], info["range"]
    if isinstance(d, bool):
        return bool(value)
    if isinstance(d, float):
        v = _f32(float(value))
        return v if r is None else min(max(v, r[0]), r[1])
    if isinstance(d, int):
        v = int(value)
        return v if r is None else min(max(v, r[0]), r[1])
    if isinstance(d, tuple):
        v = tuple(array("f", value))
        if len(v) != len(d):
            raise ValueError(f"socket {info['name']!r} takes {len(d)} values, got {len(v)}")
        return v if r is None else tuple(min(max(x, lo), hi) for x, lo, hi in zip(v, r[0], r[1]))
    if isinstance(d, str):
        return str(value)
    raise TypeError(f"socket {info['name']!r} has no value to set")


# --------------------------------------------------------------------------- the recording
class RecLink:
    __slots__ = ("from_socket", "to_socket", "from_node", "to_node")

    def __init__(self, a, b):
        self.from_socket, self.to_socket, self.from_node, self.to_node = a, b, a.node, b.node


class RecSocket:
    """A socket of a recorded node: its value, links and lookups answer as the real one would."""

    def __init__(self, node, index, is_output, info):
        self.node, self.index, self.is_output, self._info = node, index, is_output, info
        self.name, self.identifier, self.type = info["name"], info["identifier"], info["type"]

    @property
    def default_value(self):
        if self.is_output or self._info["default"] is None:
            raise AttributeError("default_value")
        return self.node.tree.values.get(("in", self.node.index, self.index), self._info["default"])

    @default_value.setter
    def default_value(self, value):
        if self.is_output:
            raise AttributeError("an output's value is not recorded")
        self.node.tree.values[("in", self.node.index, self.index)] = _convert(self._info, value)

    @property
    def links(self):
        side = "from_socket" if self.is_output else "to_socket"
        return tuple(lk for lk in self.node.tree.link_list if getattr(lk, side) is self)

    @property
    def is_linked(self):
        return bool(self.links)


class RecSockets:
    """A node's inputs or outputs; each socket made when first asked for (a Principled BSDF has ~30)."""

    def __init__(self, node, infos, is_output):
        self._infos, self._made = infos, {}
        self._node, self._side = node, int(is_output)

    def _sock(self, i):
        s = self._made.get(i)
        if s is None:
            s = self._made[i] = RecSocket(self._node, i, bool(self._side), self._infos[i])
        return s

    def _find(self, key):
        n = self._node
        return lookups(n.bl_idname, tuple(n.settings))[self._side].get(key)

    def get(self, key, default=None):
        i = self._find(key)
        return default if i is None else self._sock(i)

    def __contains__(self, key):   # ``"Sheen Weight" in node.inputs``, as a bpy collection answers it
        return isinstance(key, str) and self._find(key) is not None

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._sock(range(len(self._infos))[key])
        i = self._find(key)
        if i is None:
            raise KeyError(f"bpy_prop_collection[key]: key {key!r} not found")
        return self._sock(i)

    def __iter__(self):
        return (self._sock(i) for i in range(len(self._infos)))

    def __len__(self):
        return len(self._infos)


class RecElement:
    def __init__(self, ramp, index):
        object.__setattr__(self, "_ramp", ramp)
        object.__setattr__(self, "_index", index)

    def __getattr__(self, k):
        key = ("ramp", self._ramp.node.index, self._index, k)
        if key in self._ramp.node.tree.values:
            return self._ramp.node.tree.values[key]
        raise AttributeError(k)

    def __setattr__(self, k, v):
        if k == "position":
            v = min(max(_f32(float(v)), 0.0), 1.0)
        elif k == "color":
            v = tuple(array("f", v))
            if len(v) != 4:
                raise ValueError("a ramp colour takes 4 values")
        else:
            raise AttributeError(f"ramp element attribute {k!r} is not recorded")
        self._ramp.node.tree.values[("ramp", self._ramp.node.index, self._index, k)] = v


class RecElements:
    def __init__(self, ramp, n):
        self._ramp, self._els = ramp, [RecElement(ramp, i) for i in range(n)]

    def __getitem__(self, i):
        return self._els[i]

    def __len__(self):
        return len(self._els)


class RecRamp:
    def __init__(self, node, defaults):
        self.node = node
        self.elements = RecElements(self, len(defaults))
        self.defaults = defaults


class RecNode:
    """A recorded node: settings go into the structure, socket values and the location into the values."""

    def __init__(self, tree, index, idname):
        info = probe(idname)
        d = self.__dict__
        d["tree"], d["index"], d["bl_idname"], d["settings"] = tree, index, idname, []
        d["inputs"] = RecSockets(self, info.inputs, False)
        d["outputs"] = RecSockets(self, info.outputs, True)
        d["color_ramp"] = RecRamp(self, info.ramp) if info.ramp is not None else None

    def __setattr__(self, k, v):
        if k == "location":
            self.tree.values[("loc", self.index)] = (_f32(float(v[0])), _f32(float(v[1])))
            return
        if k in ("tree", "index", "bl_idname", "settings", "inputs", "outputs", "color_ramp") or k.startswith("_"):
            raise AttributeError(f"node attribute {k!r} is not recorded")
        if not isinstance(v, (bool, int, float, str)):
            raise TypeError(f"node setting {k!r} = {v!r} is not recorded")
        self.tree.ops.append(("set", self.index, k, v))
        self.settings.append((k, v))
        self.__dict__[k] = v

    @property
    def location(self):
        return self.tree.values.get(("loc", self.index), (0.0, 0.0))


class RecNodes:
    def __init__(self, tree):
        self.tree = tree

    def new(self, idname):
        n = RecNode(self.tree, len(self.tree.node_list), idname)
        self.tree.ops.append(("new", idname))
        self.tree.node_list.append(n)
        return n

    def clear(self):
        self.tree.ops.append(("clear",))
        self.tree.node_list.clear()
        self.tree.link_list.clear()
        self.tree.values.clear()

    def __len__(self):
        return len(self.tree.node_list)


class RecLinks:
    def __init__(self, tree):
        self.tree = tree

    def new(self, a, b):
        if not (isinstance(a, RecSocket) and isinstance(b, RecSocket)) or not a.is_output or b.is_output:
            raise TypeError("links.new takes an output and an input of this tree")
        # an input takes one link: Blender replaces the one it had
        self.tree.link_list[:] = [lk for lk in self.tree.link_list if lk.to_socket is not b]
        lk = RecLink(a, b)
        self.tree.link_list.append(lk)
        self.tree.ops.append(("link", a.node.index, a.index, b.node.index, b.index))
        return lk

    def __len__(self):
        return len(self.tree.link_list)


class RecTree:
    def __init__(self):
        self.ops, self.node_list, self.link_list, self.values = [], [], [], {}
        self.nodes, self.links = RecNodes(self), RecLinks(self)


class Recording:
    """Stands where a material is passed to ``materials._Tree``: ``.node_tree`` records the calls."""

    def __init__(self):
        self.node_tree = RecTree()

    def key(self) -> str:
        """The structure without its values: the template key."""
        return hashlib.sha256(repr(self.node_tree.ops).encode()).hexdigest()[:16]


def is_socket(v) -> bool:
    return isinstance(v, (bpy.types.NodeSocket, RecSocket))
