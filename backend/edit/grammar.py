"""Instruction -> typed ``Edit`` (bpy-free): a small grammar of verbs, counts and spatial words; the nouns,
colours and materials it finds are resolved by ``match``. Anything not understood raises ``EditError`` naming
the part that was not understood.

Groups: appearance ("make the chairs red", "the table should be dark walnut"), glow ("make the lamp glow warmer"),
add ("add three mugs on the table", "put a plant in the corner"), move ("move the sofa against the window wall"),
remove ("remove the lamp"), clear ("clear the table"), swap ("swap the sofa for a bed"), vary ("a different
bookshelf"), more / fewer ("more plants", "fewer books"), room ("make the room bigger"), lighting ("make it night",
"warm evening light"), camera ("look at the table from above"), add_prop ("add a brass telescope by the window":
a noun no category matches becomes a prompt for a prop from text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import lexicon as lx
from . import match

MAX_CHARS = 200


class EditError(ValueError):
    """An instruction that is not understood or cannot be done; ``part`` is the words at fault."""

    def __init__(self, message: str, part: str = ""):
        super().__init__(message)
        self.part = part


class AmbiguousEdit(EditError):
    """The instruction names one object but several match (or "it" with no selection): ``candidates`` are the ids
    to choose from; the panel asks, headless applies to the selection or picks and says so."""

    def __init__(self, message: str, candidates: list, part: str = ""):
        super().__init__(message, part)
        self.candidates = list(candidates)


@dataclass(frozen=True)
class Target:
    """What an instruction is about: categories of objects, a room part, or the selection ("it")."""
    text: str
    categories: tuple = ()
    plural: bool = False
    pronoun: bool = False
    structure: str | None = None
    how: str = "exact"
    noun: str = ""
    """With ``how == "prompt"``: a noun no category matches, looked up among props made from text."""


PROP = "prop"
"""Category of a prop made from text by an edit ("add a brass telescope"): its entry holds the GLB and its box."""


@dataclass(frozen=True)
class Place:
    """Where: relation "on" | "near" | "corner" | "wall" | "middle" | "floor" | "anywhere"; ``anchor`` the thing
    named ("the table"); ``wall`` "window" | "door" | a compass name | "" (any wall)."""
    relation: str = "anywhere"
    anchor: Target | None = None
    wall: str | None = None


@dataclass(frozen=True)
class Look:
    """A material change: colour (linear RGB) and/or material kind, shade multiplier, finish roughness."""
    colour: tuple | None = None
    colour_name: str | None = None
    kind: str | None = None
    shade: float = 1.0
    roughness: float | None = None
    words: str = ""
    how: str = "exact"


@dataclass(frozen=True)
class Edit:
    group: str
    instruction: str
    target: Target | None = None
    count: int = 0
    category: str | None = None
    place: Place | None = None
    look: Look | None = None
    setting: str | None = None
    prompt: str | None = None
    notes: tuple = field(default=())


_SPATIAL = (" in front of ", " on top of ", " next to ", " against ", " beside ", " under ", " onto ", " near ",
            " into ", " on ", " by ", " in ", " at ", " to ", " towards ", " toward ")
_FILLER_END = (" please", " for me", " instead", " now", " too", " as well")


def normalise(text: str) -> str:
    if not isinstance(text, str):
        raise EditError("the instruction must be text")
    t = text.strip().lower()
    if not t:
        raise EditError("the instruction is empty: say what to change, e.g. 'make the chairs red'")
    if len(t) > MAX_CHARS:
        raise EditError(f"the instruction is {len(t)} characters long; keep it under {MAX_CHARS}")
    t = t.replace("’", "'").replace("-", " ")
    t = re.sub(r"[.!?,;:]+$", "", t)
    t = re.sub(r"^(please |could you |can you |let's |lets |i'd like to |i want to )+", "", t)
    t = re.sub(r"\s+", " ", t).strip()
    for f in _FILLER_END:
        if t.endswith(f):
            t = t[: -len(f)]
    if not re.fullmatch(r"[a-z0-9 ']+", t):
        bad = "".join(sorted(set(re.sub(r"[a-z0-9 ']", "", t))))
        raise EditError(f"the instruction has characters I do not read: {bad!r}", bad)
    return t


# ----------------------------------------------------------------------------- pieces
def parse_target(text: str, *, allow_structure: bool = True, allow_prop: bool = False) -> Target:
    t = text.strip()
    plural_forced = False
    for pre in ("all of the ", "all the ", "all ", "every ", "each ", "both ", "the two ", "the ", "my ", "our ",
                "a ", "an ", "that ", "this ", "those ", "these "):
        if t.startswith(pre) and t not in lx.PRONOUNS:
            plural_forced |= pre in ("all of the ", "all the ", "all ", "every ", "each ", "both ", "the two ",
                                     "those ", "these ")
            t = t[len(pre):]
    if text.strip() in lx.PRONOUNS or t in lx.PRONOUNS:
        return Target(text.strip(), pronoun=True, plural=text.strip() in ("them", "these", "those"))
    if not t:
        raise EditError(f"'{text}' does not name a thing", text)
    if allow_structure:
        s = match.structure(t)
        if s is not None:
            return Target(text.strip(), structure=s, plural=t.endswith("s"))
    words = t.split()
    while len(words) > 1 and (words[0] in lx.COLOURS or words[0] in lx.SHADES or words[0] in ("big", "small", "little",
                                                                                           "large", "old", "new")):
        words = words[1:]  # "the red chair": colours and sizes do not filter (yet); the noun decides
    found = match.noun(" ".join(words))
    if found is None and allow_prop:  # perhaps a prop made from text ("the telescope"): resolved by its prompt
        return Target(text.strip(), (PROP,), plural=" ".join(words) != match.singular(" ".join(words)) or plural_forced,
                      how="prompt", noun=" ".join(words))
    if found is None:
        why = "" if match.encoder_available() else f" (the MiniLM matcher is unavailable: {match.encoder_error()})"
        raise EditError(f"'{' '.join(words)}' is not a kind of object I know{why}", " ".join(words))
    cats, plural, how = found
    return Target(text.strip(), cats, plural or plural_forced, how=how)


def parse_look(text: str) -> Look:
    words = [w for w in text.replace("coloured", "").replace("colored", "").split() if w not in (
        "colour", "color", "a", "an", "in", "with", "made", "of", "be", "look", "looking", "more", "and", "ish", "some",
        "finish", "tone", "toned", "shade")]
    if not words:
        raise EditError(f"'{text}' does not say what it should look like (a colour or a material)", text)
    colour, cname, kind, shade, rough, hows = None, None, None, 1.0, None, []
    i = 0
    while i < len(words):
        two = " ".join(words[i:i + 2])
        w = words[i]
        if w.endswith("ish") and w[:-3] in lx.COLOURS:
            w = w[:-3]
        if len(words) > i + 1 and two in lx.COLOURS:
            colour, cname, i = lx.COLOURS[two], two, i + 2
            continue
        if len(words) > i + 1 and two in lx.MATERIALS:
            kind, c = lx.MATERIALS[two]
            cname = cname or c
            i += 2
            continue
        if w in lx.SHADES:
            shade *= lx.SHADES[w]
        elif w in ("darker", "lighter"):
            shade *= lx.SHADES["dark" if w == "darker" else "light"]
        elif w in lx.FINISH:
            rough = lx.FINISH[w]
        elif w in lx.COLOURS:
            colour, cname = lx.COLOURS[w], w
        else:
            m = match.material_word(w)
            if m is None:
                raise EditError(f"'{w}' is not a colour or material I know", w)
            (kind, c), how = m
            if how != "exact":
                hows.append(f"{w}: {how}")
            if colour is None and c is not None:
                cname = c
        i += 1
    if colour is None and cname is not None:
        colour = lx.COLOURS[cname]
    if colour is None and kind is None and rough is None and shade == 1.0:
        raise EditError(f"'{text}' does not say what it should look like (a colour or a material)", text)
    return Look(tuple(colour) if colour else None, cname, kind, shade, rough, text, "; ".join(hows) or "exact")


def _split_place(text: str):
    """'three mugs on the table' -> ('three mugs', ' on ', 'the table'); the earliest spatial word wins."""
    best = None
    for kw in _SPATIAL:
        k = f" {text} ".find(kw)
        if k >= 0 and (best is None or k < best[0] or (k == best[0] and len(kw) > len(best[1]))):
            best = (k, kw)
    if best is None:
        return text, None, None
    k, kw = best
    padded = f" {text} "
    return padded[:k].strip(), kw.strip(), padded[k + len(kw):].strip()


def parse_place(kw: str | None, rest: str | None) -> Place:
    if kw is None:
        return Place("anywhere")
    r = rest.strip()
    r = re.sub(r"^(the|a|an) ", "", r)
    r = re.sub(r" of the room$| of the scene$", "", r)
    if kw == "under":
        raise EditError("placing things under other things is not supported yet: say 'by the ...' or 'on the ...'",
                        f"under {rest}")
    if r in ("corner", "corners", "a corner", "far corner", "empty corner"):
        return Place("corner")
    if r in ("middle", "centre", "center", "middle of the room"):
        return Place("middle")
    if r in ("floor", "ground"):
        return Place("floor")
    if r.endswith("wall") or kw == "against":
        wall = r[:-4].strip() if r.endswith("wall") else ""
        if r in ("window", "door"):
            wall = r
        wall = re.sub(r"^(the|a) ", "", wall)
        if wall not in ("", "window", "door", "far", "back") + lx.WALL_NAMES:
            raise EditError(f"'{r}' is not a wall I know: say the window wall, the door wall or north/south/east/west",
                            r)
        return Place("wall", wall=wall)
    anchor = parse_target(r, allow_prop=True)
    if kw in ("on", "onto", "on top of"):
        if anchor.structure == "floor":
            return Place("floor")
        return Place("on", anchor)
    if kw in ("in",) and anchor.structure is None and not anchor.pronoun:
        return Place("on", anchor)  # "in the bookshelf"
    return Place("near", anchor)


def _count_and_noun(np_: str):
    """'three mugs' -> (3, 'mugs'); 'a mug' -> (1, 'mug'); '12 books' -> (12, 'books')."""
    for phrase in sorted(lx.NUMBERS, key=len, reverse=True):
        if np_.startswith(phrase + " "):
            return lx.NUMBERS[phrase], np_[len(phrase) + 1:].strip(), True
    m = re.match(r"^(\d+) (.+)$", np_)
    if m:
        return int(m.group(1)), m.group(2), True
    return 1, np_, False


# ----------------------------------------------------------------------------- the grammar
_MOODS = {"night": "night", "nighttime": "night", "midnight": "night", "evening": "evening", "sunset": "evening",
          "dusk": "evening", "golden": "evening", "day": "day", "daytime": "day", "daylight": "day", "morning": "day",
          "noon": "day", "sunny": "day", "brighter": "brighter", "bright": "brighter", "lighter": "brighter",
          "darker": "darker", "dimmer": "darker", "dim": "darker", "warmer": "warm", "warm": "warm", "cooler": "cool",
          "cool": "cool", "cold": "cool", "colder": "cool"}
_MOOD_FILLER = {"make", "it", "the", "a", "light", "lighting", "lights", "time", "lit", "room", "scene", "more", "in",
                "at", "hour", "turn", "switch", "to", "set", "be", "should", "let", "bit", "much", "little", "its",
                "it's", "sun", "outside", "change", "mood", "atmosphere", "with", "and"}
_ROOM_SIZES = {"bigger": "bigger", "larger": "bigger", "smaller": "smaller", "wider": "wider", "narrower": "narrower",
               "deeper": "deeper", "shallower": "shallower", "longer": "deeper", "shorter": "shallower",
               "taller": "taller", "higher": "taller", "lower": "lower"}
_GLOW = {"warmer": "warm", "cooler": "cool", "colder": "cool", "brighter": "brighter", "stronger": "brighter",
         "dimmer": "dimmer", "softer": "dimmer", "weaker": "dimmer", "warm": "warm", "cool": "cool"}
_VIEWS = {"from above": "above", "from the top": "above", "from overhead": "above", "top down": "above",
          "from up high": "above", "from the side": "side", "from the front": "front", "up close": "close",
          "closer": "close", "from the door": "door", "from the doorway": "door"}


def parse(instruction: str) -> Edit:
    """One instruction -> an Edit. Raises EditError naming the part not understood."""
    t = normalise(instruction)
    words = t.split()
    # 1. Lighting: only mood words and filler ("make it night", "warm evening light")
    moods = [_MOODS[w] for w in words if w in _MOODS]
    if moods and all(w in _MOODS or w in _MOOD_FILLER for w in words):
        mood = next((m for m in ("night", "evening", "day") if m in moods), moods[0])
        return Edit("lighting", t, setting=mood)
    # 2. Room size
    m = re.fullmatch(r"(?:make |let )?(?:the |a )?(?:room|space) (?:a bit |a little |much |be |should be )*(\w+)", t) \
        or re.fullmatch(r"(?:make it |a )?(\w+) room", t)
    if m and m.group(1) in _ROOM_SIZES:
        return Edit("room", t, setting=_ROOM_SIZES[m.group(1)])
    # 3. Glow
    m = re.fullmatch(r"(?:make )?(.+?) (?:glow|shine|light|burn) (\w+)", t)
    if m and m.group(2) in _GLOW:
        return Edit("glow", t, target=parse_target(m.group(1), allow_structure=False), setting=_GLOW[m.group(2)])
    # 4. Camera
    m = re.fullmatch(r"(?:look at|view|show me|show|frame|focus on|point the camera at|aim the camera at|look down at)"
                     r" (.+?)((?: " + "| ".join(_VIEWS) + r"))?", t)
    if m:
        view = _VIEWS[m.group(2).strip()] if m.group(2) else ("above" if t.startswith("look down") else "eye")
        return Edit("camera", t, target=parse_target(m.group(1), allow_prop=True), setting=view)
    # 5. Remove / clear
    m = re.fullmatch(r"(?:remove|delete|take away|take out|get rid of|throw away|throw out|lose) (some|a few) (.+)", t)
    if m:
        return Edit("fewer", t, target=parse_target(m.group(2), allow_structure=False))
    m = re.fullmatch(r"(?:clear|empty|clean)(?: off| up| out)? (.+?)(?: off)?", t)
    if m:
        return Edit("clear", t, target=parse_target(m.group(1), allow_structure=False))
    m = re.fullmatch(r"(?:remove|delete|take away|take out|get rid of|throw away|throw out|lose) (.+?)(?: from (?:the )?(?:room|scene))?", t)
    if m:
        tgt = parse_target(m.group(1), allow_structure=False, allow_prop=True)
        return Edit("remove", t, target=tgt)
    # 6. Swap
    m = re.fullmatch(r"(?:swap|replace|exchange|switch|substitute) (.+?) (?:for|with|by) (.+)", t) \
        or re.fullmatch(r"(?:change|turn) (.+?) (?:into|to) (an? .+)", t)
    if m:
        new = parse_target(m.group(2), allow_structure=False)
        if new.pronoun:
            raise EditError(f"'{m.group(2)}' does not say what to put instead", m.group(2))
        return Edit("swap", t, target=parse_target(m.group(1), allow_structure=False), category=new.categories[0])
    # 7. Vary
    m = re.fullmatch(r"(?:(?:give me|use|try|i want|show me|get) )?(?:a |an )?(?:different|other|new|another) (.+)", t) \
        or re.fullmatch(r"(?:vary|re ?roll|regenerate|reshuffle) (.+)", t)
    if m:
        return Edit("vary", t, target=parse_target(m.group(1), allow_structure=False))
    # 8. More / fewer
    m = re.fullmatch(r"(?:add |put in |i want |we need |with )?(more|fewer|less) (.+)", t)
    if m:
        return Edit("more" if m.group(1) == "more" else "fewer", t, target=parse_target(m.group(2), allow_structure=False))
    # 9. Move (a definite thing to a place) / add (a counted thing)
    m = re.fullmatch(r"(move|shift|push|slide|bring|put|place|set|stand) (.+)", t)
    if m and not m.group(2).startswith(tuple(f"{n} " for n in lx.NUMBERS)) and not re.match(r"\d", m.group(2)):
        what, kw, rest = _split_place(m.group(2))
        if kw is None:
            raise EditError(f"'{t}' does not say where to: add e.g. 'in the corner' or 'by the window'", t)
        return Edit("move", t, target=parse_target(what, allow_structure=False, allow_prop=True), place=parse_place(kw, rest))
    m = re.fullmatch(r"(?:add|put|place|insert|include|there should be|bring in|i want|give me|we need|stand) (.+)", t)
    if m:
        np_, kw, rest = _split_place(m.group(1))
        count, noun_phrase, _explicit = _count_and_noun(np_)
        if not 1 <= count <= lx.MAX_COUNT:
            raise EditError(f"{count} is more than one instruction adds (at most {lx.MAX_COUNT})", str(count))
        place = parse_place(kw, rest)
        look = None
        words = noun_phrase.split()
        # leading colour / material words describe the new things: "add a red mug"
        lead = []
        while len(words) > 1 and (words[0] in lx.COLOURS or words[0] in lx.SHADES or words[0] in lx.MATERIALS) \
                and match.singular(" ".join(words)) not in match.NOUNS:  # "wine glasses" is a noun, not a colour
            lead.append(words.pop(0))
        try:
            tgt = parse_target(" ".join(words), allow_structure=False)
        except EditError:
            # 10. Nothing in the library: a prop from text ("a brass telescope")
            return Edit("add_prop", t, count=count, prompt=noun_phrase, place=place)
        if lead:
            look = parse_look(" ".join(lead))
        return Edit("add", t, target=tgt, count=count, category=tgt.categories[0], place=place, look=look)
    # 11. Appearance
    m = re.fullmatch(r"(.+?) (?:should be|must be|needs to be|to be|is|are|in|could be) (.+)", t)
    if m and not t.startswith(("make ", "paint ", "colour ", "color ", "turn ")):
        return Edit("appearance", t, target=parse_target(m.group(1), allow_prop=True), look=parse_look(m.group(2)))
    m = re.fullmatch(r"(?:make|paint|colour|color|turn|dye|stain|change|recolour|recolor|redo) (.+)", t)
    if m:
        rest = m.group(1).split()
        target_err = look_err = None
        for k in range(1, len(rest)):  # the shortest target that parses with a look after it
            tgt_text, look_text = " ".join(rest[:k]), re.sub(r"^(to|into|in) ", "", " ".join(rest[k:]))
            try:
                tgt = parse_target(tgt_text, allow_prop=k == len(rest) - 1)  # an unknown noun only as the last try
            except EditError as e:
                target_err = e
                continue
            if tgt.structure and any(match.structure(re.sub(r"^the ", "", " ".join(rest[:j]))) for j in range(k + 1, len(rest))):
                continue  # "the wall tiles blue": the wall tiles, not the wall in blue tiles
            try:
                return Edit("appearance", t, target=tgt, look=parse_look(look_text))
            except EditError as e:
                look_err = look_err or e
        raise look_err or target_err or EditError(f"'{t}' does not say what it should look like", t)
    raise EditError(f"I do not understand '{t}': start with a verb such as add, remove, move, make, swap, clear, or say "
                    "'more ...', 'a different ...', 'make it night', 'look at ...'", words[0])
