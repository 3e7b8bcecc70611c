"""Built-in implicit-shape presets (bpy-free): the panel's preset menu and the demo's default job."""
from __future__ import annotations

PRESETS: dict[str, dict] = {
    "snowman": {
        "label": "Snowman",
        "blend": 0.06,
        "primitives": [
            {"kind": "sphere", "center": [0, 0, 0.42], "size": [0.42, 0, 0], "color": [0.92, 0.93, 0.97]},
            {"kind": "sphere", "center": [0, 0, 0.98], "size": [0.28, 0, 0], "color": [0.92, 0.93, 0.97]},
            {"kind": "capsule", "center": [0, -0.22, 1.0], "end": [0, -0.45, 1.02], "size": [0.045, 0, 0],
             "color": [0.95, 0.4, 0.05]},
            {"kind": "torus", "center": [0, 0, 0.78], "size": [0.24, 0.06, 0], "color": [0.75, 0.08, 0.08]},
        ],
    },
    "mushroom": {
        "label": "Mushroom",
        "blend": 0.05,
        "primitives": [
            {"kind": "capsule", "center": [0, 0, 0.1], "end": [0, 0, 0.55], "size": [0.1, 0, 0],
             "color": [0.93, 0.88, 0.78]},
            {"kind": "sphere", "center": [0, 0, 0.55], "size": [0.4, 0, 0], "color": [0.8, 0.1, 0.08]},
            {"kind": "box", "center": [0, 0, 0.3], "size": [0.6, 0.6, 0.3], "subtract": True,
             "color": [0.93, 0.88, 0.78]},
        ],
    },
    "dumbbell": {
        "label": "Dumbbell",
        "blend": 0.03,
        "primitives": [
            {"kind": "capsule", "center": [-0.5, 0, 0.2], "end": [0.5, 0, 0.2], "size": [0.05, 0, 0],
             "color": [0.6, 0.6, 0.62]},
            {"kind": "box", "center": [-0.5, 0, 0.2], "size": [0.08, 0.2, 0.2], "color": [0.1, 0.1, 0.12]},
            {"kind": "box", "center": [0.5, 0, 0.2], "size": [0.08, 0.2, 0.2], "color": [0.1, 0.1, 0.12]},
        ],
    },
    "ring": {
        "label": "Ring",
        "blend": 0.0,
        "primitives": [
            {"kind": "torus", "center": [0, 0, 0.1], "size": [0.4, 0.1, 0], "color": [0.9, 0.7, 0.2]},
            {"kind": "sphere", "center": [0, -0.5, 0.1], "size": [0.12, 0, 0], "color": [0.2, 0.4, 0.95]},
        ],
    },
}

DEFAULT_PRESET = "snowman"


def preset_params(name: str, **overrides) -> dict:
    """The ``params`` dict of an implicit_shape job for a preset."""
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r} (known: {', '.join(PRESETS)})")
    p = PRESETS[name]
    return {"primitives": [dict(x) for x in p["primitives"]], "blend": p["blend"], **overrides}
