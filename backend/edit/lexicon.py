"""Words the edit grammar knows exactly (bpy-free): number words, named colours, material words, category
synonyms and the spatial words. Anything not here goes to the MiniLM matcher (``match.py``).

Colours are linear RGB in [0, 1] (the graph's convention, see ``procgen.materials``). MiniLM places colour names
poorly (all-MiniLM-L6-v2 ranks "crimson" nearer brown and purple than red, measured in issue #13's notes), so
colour names come from this table: the CSS Color Module Level 4 named colours that people use for furniture,
each converted from sRGB with ``color.srgb_to_linear``.
"""
from __future__ import annotations

from ..color import srgb_to_linear

NUMBERS = {"a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "pair of": 2, "a pair of": 2, "couple of": 2,
           "a couple of": 2, "some": 2, "three": 3, "a few": 3, "few": 3, "several": 3, "four": 4, "five": 5,
           "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12,
           "dozen": 12}
MAX_COUNT = 20
"""Most objects one instruction may add."""

# sRGB 0-255 (CSS named colours and a few common furniture names)
_SRGB = {
    "red": (200, 30, 30), "crimson": (220, 20, 60), "scarlet": (255, 36, 0), "maroon": (128, 0, 0),
    "burgundy": (128, 0, 32), "wine": (114, 47, 55), "pink": (255, 160, 190), "rose": (230, 110, 140),
    "magenta": (255, 0, 255), "orange": (240, 120, 20), "coral": (255, 127, 80), "terracotta": (204, 90, 60),
    "rust": (183, 65, 14), "yellow": (240, 210, 40), "mustard": (225, 173, 1), "gold": (212, 175, 55),
    "golden": (212, 175, 55), "ochre": (204, 119, 34), "green": (40, 150, 60), "olive": (128, 128, 0),
    "sage": (156, 175, 136), "emerald": (80, 200, 120), "lime": (150, 220, 60), "mint": (152, 255, 152),
    "forest green": (34, 139, 34), "teal": (0, 128, 128), "turquoise": (64, 224, 208), "cyan": (0, 200, 220),
    "blue": (40, 80, 200), "navy": (0, 0, 128), "navy blue": (0, 0, 128), "sky blue": (135, 206, 235),
    "azure": (0, 127, 255), "cobalt": (0, 71, 171), "indigo": (75, 0, 130), "purple": (128, 40, 160),
    "violet": (143, 0, 255), "lavender": (181, 126, 220), "lilac": (200, 162, 200), "plum": (142, 69, 133),
    "brown": (110, 70, 40), "chocolate": (90, 50, 25), "tan": (210, 180, 140), "beige": (225, 210, 180),
    "cream": (255, 250, 220), "ivory": (255, 255, 240), "white": (240, 240, 240), "off white": (245, 242, 232),
    "grey": (128, 128, 128), "gray": (128, 128, 128), "silver": (192, 192, 192), "charcoal": (54, 69, 79),
    "black": (20, 20, 20),
}
COLOURS = {k: [round(float(c), 4) for c in srgb_to_linear([x / 255.0 for x in v])] for k, v in _SRGB.items()}

# material word -> (material kind, colour name or None)
MATERIALS = {
    "wood": ("wood", None), "wooden": ("wood", None), "timber": ("wood", None), "walnut": ("wood", "chocolate"),
    "oak": ("wood", "tan"), "pine": ("wood", "beige"), "maple": ("wood", "tan"), "cherry": ("wood", "rust"),
    "mahogany": ("wood", "maroon"), "teak": ("wood", "ochre"), "ebony": ("wood", "black"), "birch": ("wood", "cream"),
    "bamboo": ("wood", "tan"),
    "metal": ("metal", None), "metallic": ("metal", None), "steel": ("metal", "silver"),
    "stainless steel": ("metal", "silver"), "iron": ("metal", "charcoal"), "aluminium": ("metal", "silver"),
    "aluminum": ("metal", "silver"), "chrome": ("metal", "silver"), "brass": ("metal", "gold"),
    "bronze": ("metal", "ochre"), "copper": ("metal", "rust"),
    "fabric": ("fabric", None), "cloth": ("fabric", None), "velvet": ("fabric", None), "linen": ("fabric", "beige"),
    "cotton": ("fabric", None), "wool": ("fabric", None), "leather": ("fabric", "brown"), "tweed": ("fabric", None),
    "ceramic": ("ceramic", None), "porcelain": ("ceramic", "white"), "china": ("ceramic", "white"),
    "plastic": ("plastic", None), "glass": ("glass", None), "stone": ("stone", None), "marble": ("stone", "off white"),
    "granite": ("stone", "grey"), "concrete": ("stone", "grey"), "slate": ("stone", "charcoal"),
    "tile": ("tile", None), "tiled": ("tile", None), "plaster": ("plaster", None), "painted": ("paint", None),
    "paint": ("paint", None), "lacquered": ("paint", None),
}
SHADES = {"dark": 0.45, "deep": 0.55, "light": 1.6, "pale": 1.8, "bright": 1.3, "dull": 0.8}
"""Value multipliers of colour modifiers ("dark walnut", "light oak")."""
FINISH = {"matte": 0.9, "matt": 0.9, "glossy": 0.1, "shiny": 0.15, "polished": 0.15, "satin": 0.4}
"""Roughness of finish words."""

# extra names of categories (the category's own name, with spaces, is always known)
SYNONYMS = {
    "pillow": "cushion", "throw pillow": "cushion", "throw cushion": "cushion", "couch": "sofa", "settee": "sofa", "sofa bed": "sofa", "loveseat": "sofa", "seat": "chair",
    "dining chair": "chair", "bookcase": "bookshelf", "shelf": "bookshelf", "shelves": "bookshelf",
    "cupboard": "cabinet", "sideboard": "cabinet", "dresser": "cabinet", "closet": "wardrobe",
    "television": "tv", "telly": "tv", "screen": "monitor", "computer": "laptop", "notebook": "laptop",
    "counter": "kitchen_counter", "refrigerator": "fridge", "bath": "bathtub", "tub": "bathtub", "sink": "vanity",
    "shower cubicle": "shower", "shower stall": "shower", "shower enclosure": "shower", "shower screen": "shower",
    "carpet": "rug", "drapes": "curtain", "painting": "wall_art", "picture": "wall_art", "poster": "wall_art",
    "art": "wall_art", "pendant": "ceiling_light", "chandelier": "ceiling_light", "cup": "mug",
    "dish": "plate", "glass": "wine_glass", "wineglass": "wine_glass", "plant": "potted_plant",
    "houseplant": "potted_plant", "pot plant": "potted_plant", "flowerpot": "potted_plant", "box": "storage_box",
    "apple": "fruit", "orange": "fruit", "novel": "book", "bench": "stool", "side table": "nightstand",
    "bedside table": "nightstand", "desk lamp": "table_lamp", "reading lamp": "floor_lamp",
    "standing lamp": "floor_lamp", "nightstand": "nightstand", "dining table": "table", "kitchen table": "table",
}
GROUPS = {"lamp": ("table_lamp", "floor_lamp"), "light": ("table_lamp", "floor_lamp", "ceiling_light"),
          "furniture": "furniture", "seating": "seating", "storage": "storage", "tableware": "tableware",
          "dishes": "tableware", "decor": "decor", "decoration": "decor", "electronics": "electronics",
          "lighting": "lighting", "textile": "textile", "tables": "table",
          "stuff": "object", "things": "object", "objects": "object"}
"""Nouns naming several categories: a tuple of categories or a semantic tag they share."""
STRUCTURE = {"wall": "wall", "walls": "wall", "floor": "floor", "ceiling": "ceiling", "door": "door",
             "window": "window", "skirting": "skirting", "skirting board": "skirting", "baseboard": "skirting",
             "wall tiles": "wall_tiles", "wall tiling": "wall_tiles", "cornice": "cornice", "crown moulding": "cornice",
             "crown molding": "cornice"}
"""Room parts that appearance edits can reach (and spatial phrases can name)."""

PRONOUNS = ("it", "this", "that", "them", "these", "those", "the selection", "selection", "the selected objects",
            "the selected object", "selected objects", "selected", "what is selected", "this one", "that one")
WALL_NAMES = ("south", "east", "north", "west")
"""plan_room.WALLS order."""
