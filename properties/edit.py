"""Settings of "Edit with words" (``scene.conjure.edit``). Data only."""
import bpy
from bpy.props import CollectionProperty, EnumProperty, IntProperty, StringProperty

from .procgen import CATEGORY_ITEMS


class ConjureEditStep(bpy.types.PropertyGroup):
    """One applied instruction (a mirror of the history kept on the scene's collection)."""

    instruction: StringProperty(name="Instruction")
    message: StringProperty(name="What changed")


class ConjureEditProps(bpy.types.PropertyGroup):
    instruction: StringProperty(name="Instruction", maxlen=200,
                                description="What to change, e.g. 'make the chairs red', 'add three mugs on the table', "
                                            "'move the sofa against the window wall', 'make it night'")
    history: CollectionProperty(type=ConjureEditStep)
    active_step: IntProperty(name="Step")
    message: StringProperty(name="Result", description="What the last instruction did")
    question: StringProperty(name="Question", description="What the last instruction left open")
    candidates: StringProperty(name="Candidates", description="JSON list of the object ids to choose from")
    pending: StringProperty(name="Pending", description="The instruction waiting for an answer")
    category: EnumProperty(name="Category", items=CATEGORY_ITEMS,
                           description="What the selected plain objects are, so instructions can name them")


CLASSES = (ConjureEditStep, ConjureEditProps)
