"""Settings for procedural assets and scenes, hung on ``scene.conjure.procgen``."""
import bpy
from bpy.props import BoolProperty, CollectionProperty, EnumProperty, FloatProperty, IntProperty, StringProperty

from ..backend.procgen import registry
from ..backend.procgen.plan import SCENE_PARAMS, SCENE_TYPES

CATEGORY_ITEMS = tuple((name, name.replace("_", " ").title(), registry().get(name).doc.split("\n")[0])
                       for name in registry().names())
SCENE_ITEMS = (("room", "Room", "Indoor room of a type drawn from the seed: walls, door, window, furniture, small objects"),
               ("tabletop", "Tabletop", "A table covered with small objects"),
               ("outdoor", "Outdoor", "Terrain to the horizon with trees, rocks, flowers and grass under a sky"),
               ("living_room", "Living Room", "Sofa facing a TV and a coffee table on a rug, armchairs, shelves"),
               ("bedroom", "Bedroom", "Bed against a wall with nightstands and lamps, wardrobe, dresser"),
               ("kitchen", "Kitchen", "Counter run with a sink, fridge, a small table or stool"),
               ("dining_room", "Dining Room", "Table with chairs and place settings under a pendant, sideboard"),
               ("office", "Office", "Desk with a chair and a screen, bookshelves, cabinet"),
               ("bathroom", "Bathroom", "Bathtub, toilet, vanity with a mirror"),
               ("apartment", "Apartment", "Rooms in a row with doors between them, each furnished by its type"))
assert tuple(i[0] for i in SCENE_ITEMS) == SCENE_TYPES
_DENSITY = SCENE_PARAMS["room"]["density"]


class ConjureProcgenParam(bpy.types.PropertyGroup):
    """One high-level asset parameter; used only when ``override`` is on (otherwise drawn from the seed)."""

    value: FloatProperty(name="Value", description="Parameter value (checked against its range when used)")
    override: BoolProperty(name="Set", description="Use this value instead of drawing it from the seed")
    lo: FloatProperty()
    hi: FloatProperty()
    integer: BoolProperty()
    doc: StringProperty()


def fill_params(props) -> None:
    """Reset ``props.params`` to the parameters of ``props.category`` (all drawn from the seed)."""
    spec = registry().get(props.category)
    props.params.clear()
    for p in spec.params:
        item = props.params.add()
        item.name, item.lo, item.hi, item.integer, item.doc = p.name, p.lo, p.hi, p.integer, p.doc
        item.value = (p.lo + p.hi) / 2 if not p.integer else p.lo
    props.params_category = props.category


def _on_category(self, _context):
    fill_params(self)


class ConjureProcgenProps(bpy.types.PropertyGroup):
    category: EnumProperty(name="Category", items=CATEGORY_ITEMS, update=_on_category,
                           description="Kind of asset to add")
    seed: IntProperty(name="Seed", min=0, default=0, description="Same seed and parameters give the same asset")
    params: CollectionProperty(type=ConjureProcgenParam)
    params_category: StringProperty(description="Category the parameter list was made for")
    scene_type: EnumProperty(name="Type", items=SCENE_ITEMS, description="Kind of scene to generate")
    scene_seed: IntProperty(name="Seed", min=0, default=0, description="Same seed gives the same scene")
    density: FloatProperty(name="Density", min=_DENSITY[0], max=_DENSITY[1], default=1.0,
                           description="How full the scene is (1 = typical)")


CLASSES = (ConjureProcgenParam, ConjureProcgenProps)
