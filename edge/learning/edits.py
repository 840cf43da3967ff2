"""What a retrieval rewrite may change: a misheard request is repaired, never turned into another request.

Retrieval finds near neighbours by spelling and sound, and a near neighbour is often a different request
("cut the study light" / "cut the bedroom light", "light" / "lamp", "on" / "off", "adele" / "queen"). A
retrieval rewrite is therefore held to an edit policy, word by word (aligned with difflib):

- every word the home knows (its registry's names, aliases and areas, and the words of the requests that
  work in it), every action word and every number of the request is kept: a word the home uses
  successfully was not misheard;
- no such word is added, except as the sound-alike repair of words the home does not know;
- every replaced stretch sounds or is spelled alike (``kitchen like`` -> ``kitchen light``, ``maj and``
  -> ``imagine``), judged on what differs: words alike at either end are set aside first ("fairy lights"
  -> "bedroom light" is "fairy" -> "bedroom", not a repair), and a stretch of as many words as it replaces
  is judged word by word ("norah jones" -> "imagine dragons" is two other words); other words may be
  dropped ("play sum adele" -> "play adele");
- at least one word the home does not know is replaced or dropped: with nothing to repair, a reordering
  or an added word only makes another request.

Nicknames and new phrasings ("the big light" -> "the living room light") are not sound repairs: they are
learned from the user's own rephrases by the rewrite tables. Pure.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Collection

from rapidfuzz import fuzz

from edge.learning.index import phonetic_string

__all__ = ["ACTION_WORDS", "SOUND_ALIKE", "repairs_only", "sounds_alike"]

ACTION_WORDS = frozenset({"on", "off", "open", "close", "lock", "unlock", "up", "down", "start", "stop"})
SOUND_ALIKE = 0.46
SAME_WORD = 0.8  # "lights" / "light": the same word heard, set aside before judging a replaced stretch
_NUMBER = re.compile(r"^\d+$")


@functools.lru_cache(maxsize=16384)
def sounds_alike(a: str, b: str) -> float:
    """0..1: the mean of spelling and metaphone similarity of two word stretches. Both count: two-letter
    metaphone keys share a letter by chance ("dim"/"set": TM/ST), and spelling alone misses "bed rum"."""
    if not a or not b:
        return 0.0
    pa, pb = phonetic_string(a).replace(" ", ""), phonetic_string(b).replace(" ", "")
    return (fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")) + fuzz.ratio(pa, pb)) / 200.0


def _fixed(word: str, known: Collection[str]) -> bool:
    return word in known or word in ACTION_WORDS or bool(_NUMBER.match(word))


def repairs_only(query: str, candidate: str, known: Collection[str]) -> bool:
    """Is ``candidate`` a repair of ``query`` under the policy above? ``known``: the home's words."""
    q, c = query.split(), candidate.split()
    if not q or not c:
        return False
    if any(_fixed(w, known) and w not in c for w in q):
        return False  # a known name, an action or a number would be lost
    if all(_fixed(w, known) or w in c for w in q):
        return False  # nothing unknown is repaired: a reordering or an addition is another request
    q_set = set(q)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=q, b=c, autojunk=False).get_opcodes():
        if op in {"equal", "delete"}:
            continue
        added = c[j1:j2]
        if op == "insert":
            if any(_fixed(w, known) and w not in q_set for w in added):
                return False  # a name or an action out of nowhere
            continue
        said, added = _trim_alike(q[i1:i2], added)
        if any(_fixed(w, known) and w not in q_set for w in added) and not said:
            return False  # what is left of the stretch is a name or an action out of nowhere
        if said and added and not _stretch_alike(said, added):
            return False
    return True


def _trim_alike(said: list[str], added: list[str]) -> tuple[list[str], list[str]]:
    """The replaced stretch without the words alike at either end ("fairy lights" / "bedroom light" ->
    "fairy" / "bedroom")."""
    while len(said) > 1 and len(added) > 1 and sounds_alike(said[0], added[0]) >= SAME_WORD:
        said, added = said[1:], added[1:]
    while len(said) > 1 and len(added) > 1 and sounds_alike(said[-1], added[-1]) >= SAME_WORD:
        said, added = said[:-1], added[:-1]
    return said, added


def _stretch_alike(said: list[str], added: list[str]) -> bool:
    if len(said) == len(added) > 1:  # as many words: each one is misheard for its own counterpart
        return all(sounds_alike(a, b) >= SOUND_ALIKE for a, b in zip(said, added, strict=True))
    return sounds_alike(" ".join(said), " ".join(added)) >= SOUND_ALIKE
