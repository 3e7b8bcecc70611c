"""Captions from a corpus item's category, parameters and material: several phrasings, synonyms, true words only.

Size and shape words come from where a parameter falls in its factory's range (bottom third: the "low" word, top
third: the "high" word, middle: nothing). Counts are spelled out ("with five shelves"). The colour word is the
palette name of the main material's colour, and it is only said when that material is painted from the palette
(or is a natural colour named as such) and covers most of the surface, so it is true of the data.

Held out of training: the phrasings in ``HELDOUT_TEMPLATES`` and the (category, colour) pairs in
``heldout_pair``; evaluation prompts use both.
"""
from __future__ import annotations

import zlib

from . import colors

NOUNS = {
    "chair": ("chair", "dining chair", "wooden chair", "seat"),
    "table": ("table", "dining table", "desk"),
    "sofa": ("sofa", "couch", "settee"),
    "bed": ("bed", "bed frame with a mattress"),
    "bookshelf": ("bookshelf", "bookcase", "shelving unit"),
    "cabinet": ("cabinet", "cupboard", "sideboard"),
    "mug": ("mug", "coffee mug", "cup"),
    "bowl": ("bowl", "dish bowl"),
    "plate": ("plate", "dinner plate", "dish"),
    "vase": ("vase", "flower vase"),
    "bottle": ("bottle", "glass bottle"),
    "book": ("book", "hardcover book"),
    "table_lamp": ("table lamp", "desk lamp", "bedside lamp"),
    "floor_lamp": ("floor lamp", "standing lamp"),
    "potted_plant": ("potted plant", "house plant", "plant in a pot"),
    "rock": ("rock", "stone"),
    "tree": ("tree",),
    "bush": ("bush", "shrub"),
    "grass_tuft": ("tuft of grass", "grass clump", "clump of grass"),
}

# category -> ((param, low words, high words), ...)
SHAPE_WORDS = {
    "chair": (("back_height", ("low-backed",), ("high-backed", "tall")), ("seat_width", ("narrow",), ("wide",))),
    "table": (("width", ("small", "short"), ("long", "large")), ("depth", ("narrow",), ("deep", "wide"))),
    "sofa": (("width", ("small", "compact"), ("long", "large")), ("back_height", ("low-backed",), ("high-backed",))),
    "bed": (("width", ("single", "narrow"), ("double", "wide")), ("headboard_height", ("low",), ("tall",))),
    "bookshelf": (("height", ("short", "low"), ("tall",)), ("width", ("narrow",), ("wide",))),
    "cabinet": (("width", ("narrow", "small"), ("wide", "long")), ("height", ("low",), ("tall",))),
    "mug": (("height", ("short",), ("tall",)), ("radius", ("slim", "narrow"), ("wide",))),
    "bowl": (("height", ("shallow",), ("deep",)), ("radius", ("small",), ("large", "big"))),
    "plate": (("rim", ("thin-rimmed",), ("wide-rimmed",)), ("radius", ("small",), ("large", "big"))),
    "vase": (("height", ("short",), ("tall",)), ("neck", ("narrow-necked",), ("wide-mouthed",))),
    "bottle": (("height", ("short", "small"), ("tall",)), ("radius", ("slim",), ("wide", "fat"))),
    "book": (("thickness", ("thin",), ("thick",)), ("height", ("small",), ("large", "big"))),
    "table_lamp": (("height", ("short", "small"), ("tall",)),),
    "floor_lamp": (("height", ("short",), ("tall",)),),
    "potted_plant": (("height", ("small", "short"), ("tall", "large")), ("leaves", ("sparse",), ("leafy", "bushy"))),
    "rock": (("flatness", ("flat",), ("round", "rounded")), ("roughness", ("smooth",), ("rough", "jagged"))),
    "tree": (("crown", ("narrow", "slender"), ("wide", "broad")), ("height", ("small", "young"), ("tall",))),
    "bush": (("height", ("low",), ("tall",)), ("radius", ("small",), ("wide", "large"))),
    "grass_tuft": (("height", ("short",), ("tall", "long")), ("blades", ("sparse", "thin"), ("thick", "dense"))),
}

MATERIAL_WORDS = {"wood": ("wooden", "wood"), "metal": ("metal", "metallic", "steel"), "ceramic": ("ceramic", "porcelain"),
                  "fabric": ("fabric", "upholstered"), "plastic": ("plastic",), "glass": ("glass",),
                  "stone": ("stone",), "paint": ("painted",)}

NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

TRAIN_TEMPLATES = ("a {adjs} {noun}{tail}", "{adjs} {noun}{tail}", "a 3d model of a {adjs} {noun}{tail}",
                   "a {adjs} {noun}{tail}.", "an object: a {adjs} {noun}{tail}", "{noun}{tail}, {adjs}")
HELDOUT_TEMPLATES = ("a render of a {adjs} {noun}{tail}", "there is a {adjs} {noun}{tail}",
                     "a {noun} that is {adjs}{tail}")


def _tails(category: str, p: dict, rng) -> list:
    """Count and feature phrases that hold for these parameters ("with five shelves", "without a handle")."""
    n = lambda k: NUMBERS[int(k)] if 0 <= int(k) < len(NUMBERS) else str(int(k))  # noqa: E731
    if category == "bookshelf":
        return [f" with {n(p['shelves'])} shelves"]
    if category == "sofa":
        k = int(p["cushions"])
        return [f" with {n(k)} seat cushion{'s' if k > 1 else ''}"]
    if category == "bed":
        k = int(p["pillows"])
        return [f" with {n(k)} pillow{'s' if k > 1 else ''}"]
    if category == "cabinet":
        if p["drawers"]:
            return [" with drawers"]
        k = int(p["doors"])
        return [f" with {n(k)} door{'s' if k > 1 else ''}"]
    if category == "mug":
        return [" with a handle" if p["handle"] else " without a handle"]
    if category == "chair":
        return [" with a cushion"] if p["cushion"] else [" without a cushion"]
    if category == "table":
        return [" on a single pedestal"] if p["pedestal"] else [" with four legs"]
    if category == "book":
        return [" standing upright"] if p["standing"] else [" lying flat"]
    return []


def _noun(category: str, p: dict, rng) -> str:
    if category == "tree":
        return str(rng.choice(("pine tree", "fir tree", "conifer") if p["conifer"] else ("oak tree", "leafy tree", "tree")))
    if category == "rock" and p["size"] > 1.5:
        return str(rng.choice(("boulder", "large rock")))
    if category == "cabinet" and p["drawers"]:
        return str(rng.choice(("chest of drawers", "dresser", "cabinet")))
    if category == "table" and p["pedestal"]:
        return str(rng.choice(("pedestal table", "table")))
    return str(rng.choice(NOUNS[category]))


def shape_words(category: str, p: dict, ranges: dict) -> list:
    """Every (param, words) whose value is in the bottom or top third of its range."""
    out = []
    for name, low, high in SHAPE_WORDS.get(category, ()):
        lo, hi = ranges[name]
        t = (p[name] - lo) / max(hi - lo, 1e-9)
        if t < 1 / 3:
            out.append(low)
        elif t > 2 / 3:
            out.append(high)
    return out


def heldout_pair(category: str, color: str | None) -> bool:
    """One (category, colour) pair per category never appears in training."""
    if color is None:
        return False
    return colors.NAMES[zlib.crc32(category.encode()) % len(colors.NAMES)] == color


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def caption(meta: dict, ranges: dict, rng, heldout: bool = False) -> str:
    """One caption of a corpus item, drawn from ``rng``; ``heldout`` uses the evaluation phrasings."""
    category, p = meta["category"], meta["params"]
    adjs = []
    for words in shape_words(category, p, ranges):
        if rng.random() < 0.6:
            adjs.append(str(rng.choice(words)))
    if meta.get("color") and rng.random() < 0.85:
        adjs.append(meta["color"])
    mat = MATERIAL_WORDS.get(meta.get("kind"))
    if mat and "upholstered" in mat and category not in ("sofa", "chair", "bed"):
        mat = ("fabric",)
    noun = _noun(category, p, rng)
    if mat and rng.random() < 0.5 and not any(w in noun for w in mat):
        adjs.append(str(rng.choice(mat)))
    if noun.startswith("wooden ") and meta.get("kind") != "wood":
        noun = noun[len("wooden "):]
    tails = _tails(category, p, rng)
    tail = tails[0] if tails and rng.random() < 0.7 else ""
    templates = HELDOUT_TEMPLATES if heldout else TRAIN_TEMPLATES
    template = str(rng.choice(templates))
    if not adjs:
        template = {"{noun}{tail}, {adjs}": "{noun}{tail}", "a {noun} that is {adjs}{tail}": "a {noun}{tail}"}.get(
            template, template)
    text = template.format(adjs=" ".join(adjs) if "that is" not in template else " and ".join(adjs),
                           noun=noun, tail=tail)
    text = " ".join(text.split())
    # fix articles: "a 3d model of a {adjs}" -> "an" before a vowel
    words = text.split(" ")
    for i in range(len(words) - 1):
        if words[i] in ("a", "an"):
            words[i] = _article(words[i + 1])
    return " ".join(words)
