"""Custom properties on datablocks: JSON for structures, and integers wider than Blender's 32 bits."""
from __future__ import annotations

import json


def set_props(block, props: dict) -> None:
    """Set custom properties; dicts and lists are stored as JSON text, integers past 32 bits as text."""
    for key, value in props.items():
        if isinstance(value, (dict, list)):
            value = json.dumps(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            value = id_int(value)
        block[key] = value


def id_int(value):
    """An int custom property if it fits Blender's 32 bits, else text (seeds go up to 2**32 - 1)."""
    value = int(value)
    return value if -2**31 <= value < 2**31 else str(value)


def read_int(block, key: str, default: int = 0) -> int:
    """An integer stored by ``id_int`` (int or text)."""
    value = block.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
