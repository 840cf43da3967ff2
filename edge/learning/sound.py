"""The household's own successful requests, searched by sound (issue 18: repairs of garbled requests).

Most misheard requests are garbled differently each time ("kll the kitchen light", "to guest off the
kitchen light"), so no rule learned from one retry meets them again; but the household says the same few
requests over and over, and a garbled one still sounds like the one meant. The index holds the requests
that worked in this home, each under its sound (the metaphone key of every word, the words run together:
"kll the kitchen light" -> "KL0KXNLT"), and gives the nearest to a heard request with its similarity (the
mean of the ratio of the sound keys and of the spellings, as ``edits.sounds_alike``) and the margin to the
nearest request that is not the same one. Numbers are no part of the sound ("set the lamp to 40" finds
"set the lamp to 30 percent" and keeps its 40: ``rewriter.carry_numbers``). Pure; built at learn time.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from edge.learning.edits import ACTION_WORDS, SOUND_ALIKE, sounds_alike
from edge.learning.index import phonetic_string

__all__ = ["SOUND_LAYER", "SoundIndex", "SoundMatch", "keeps_known", "sound_key"]

SOUND_LAYER = "sound"
FILLERS = frozenset({"the", "a", "an", "to", "of", "and", "please", "my", "some", "it", "for", "at", "now"})
# words that say what to do: never added out of nowhere nor lost ("kill", "dim" and "on" are not "the")
MEANING_WORDS = ACTION_WORDS | frozenset(
    {"kill", "cut", "shut", "dim", "brighten", "raise", "lower", "play", "pause", "set", "make", "light"}
)

_DIGITS = re.compile(r"\d+")
_TOP = 8


def sound_key(text: str) -> str:
    """The request's sound without its numbers: metaphone keys of its words, run together."""
    return phonetic_string(_DIGITS.sub(" ", text)).replace(" ", "")


def keeps_known(heard: str, target: str, names: Collection[str]) -> bool:
    """Is ``target`` a repair of ``heard`` that changes no meaning heard? The words that carry meaning
    (this home's device names and areas, ``names`` as phrases; action words and the verbs that say what to
    do; numbers) are all kept, and none is added except as the sound-alike repair of the words it replaces
    (``edits.sounds_alike``): "to guest off the kitchen light" may become "turn off the kitchen light" and
    "turn on the kitten light" "turn on the kitchen light", never "turn on the kitchen light" from "turn
    the kitchen light" (an "on" out of nowhere), nor "turn on the study light" from "turn on the mid
    light"."""
    meaning = {w for phrase in names for w in phrase.split()} | MEANING_WORDS
    h, t = heard.split(), target.split()
    if any((w in meaning or w.isdigit()) and w not in t for w in h):
        return False
    if any(w.isdigit() and w not in h for w in t):
        return False  # a value out of nowhere: "set the lamp to easy fans" is not "... to 50 percent"
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=h, b=t, autojunk=False).get_opcodes():
        if op == "delete" and any(w not in FILLERS for w in h[i1:i2]):
            return False  # a word dropped is no repair: "big light on" -> "light on" is another light
        added = [w for w in t[j1:j2] if w in meaning and w not in h]
        if op in {"equal", "delete"} or not added:
            continue
        if op == "insert" or sounds_alike(" ".join(h[i1:i2]), " ".join(t[j1:j2])) < SOUND_ALIKE:
            return False
    return True


def plain_requests(
    requests: Iterable[tuple[str, float]], home_words: Collection[str]
) -> list[tuple[str, float]]:
    """The requests fit to be a repair's target: every word a word of the home (``home_words``: its
    registry's), a number, or a word of at least two different successful requests. A garbled request
    that got through ("ulock the font door", "play some puk"), even more than once, is no target."""
    merged: dict[str, float] = {}
    for text, weight in requests:
        merged[text] = merged.get(text, 0.0) + weight
    seen: dict[str, int] = {}
    for text in merged:
        for w in set(text.split()):
            seen[w] = seen.get(w, 0) + 1
    return [
        (text, weight)
        for text, weight in merged.items()
        if all(w in home_words or w.isdigit() or seen.get(w, 0) >= 2 for w in text.split())
    ]


def _spelling(text: str) -> str:
    return _DIGITS.sub("", text).replace(" ", "")


@dataclass(frozen=True, slots=True)
class SoundMatch:
    """The nearest successful request: its text, similarity (0..1) and lead over the next other one."""

    text: str
    similarity: float
    margin: float


@dataclass(frozen=True, slots=True)
class SoundIndex:
    """``texts[i]`` worked in this home ``weights[i]`` times (recency-weighted); ``keys[i]`` its sound."""

    texts: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    keys: tuple[str, ...] = ()

    @classmethod
    def of(cls, requests: Iterable[tuple[str, float]]) -> SoundIndex:
        merged: dict[str, float] = {}
        for text, weight in requests:
            if text.strip():
                merged[text] = merged.get(text, 0.0) + weight
        texts = tuple(sorted(merged))
        return cls(texts, tuple(merged[t] for t in texts), tuple(sound_key(t) for t in texts))

    def __len__(self) -> int:
        return len(self.texts)

    def similarity(self, heard: str, i: int) -> float:
        """The mean of sound and spelling ratios between ``heard`` and ``texts[i]`` (0..1)."""
        sound = fuzz.ratio(sound_key(heard), self.keys[i])
        spelled = fuzz.ratio(_spelling(heard), _spelling(self.texts[i]))
        return (sound + spelled) / 200.0

    def nearest(self, heard: str, admissible: Callable[[str], bool] = lambda _t: True) -> SoundMatch | None:
        """The successful request nearest in sound to ``heard``, with its lead over the next other one;
        None when the index is empty, holds ``heard`` itself (a request that works here needs no repair),
        or the nearest is not ``admissible`` (an inadmissible one nearer than the rest still makes the
        repair doubtful: measured, choosing among the admissible ones only lost a tenth of precision)."""
        if not self.texts or heard in self.texts:
            return None
        key = sound_key(heard)
        if not key:
            return None
        shortlist = process.extract(key, self.keys, scorer=fuzz.ratio, limit=_TOP)
        scored = sorted(
            ((self.similarity(heard, i), self.weights[i], i) for _k, _s, i in shortlist), reverse=True
        )
        best, _w, i = scored[0]
        if not admissible(self.texts[i]):
            return None
        runner_up = next((sim for sim, _w2, j in scored[1:] if self.keys[j] != self.keys[i]), 0.0)
        return SoundMatch(self.texts[i], round(best, 4), round(best - runner_up, 4))
