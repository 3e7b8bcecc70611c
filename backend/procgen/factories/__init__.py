"""Every asset factory, registered explicitly by name (a duplicate name raises)."""
from ..registry import Registry
from . import furniture, nature, small


def build_registry() -> Registry:
    registry = Registry()
    for fn in furniture.FACTORIES + small.FACTORIES + nature.FACTORIES:
        registry.register(fn)
    return registry
