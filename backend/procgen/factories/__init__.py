"""Every asset factory, registered explicitly by name (a duplicate name raises)."""
from ..registry import Registry
from . import furniture, household, interior, kitchen_bath, kitchenware, living, nature, small, soft

_REGISTRY = None


def build_registry() -> Registry:
    registry = Registry()
    for fn in (furniture.FACTORIES + living.FACTORIES + kitchen_bath.FACTORIES + interior.FACTORIES + small.FACTORIES
               + nature.FACTORIES + soft.FACTORIES + kitchenware.FACTORIES + household.FACTORIES):
        registry.register(fn)
    return registry


def registry() -> Registry:
    """The registry of every built-in factory (built once)."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = build_registry()
    return _REGISTRY
