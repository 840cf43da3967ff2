"""A name of this home said with other spacing is the home's name: "set the air con to 21" in a home with an
"aircon", "turn on the nightlight" where the device is the "night light", "the sound bar" for a "soundbar";
and a word people use for the same thing is the one the home's names use: "the telly", "the television" in
a home whose TV is the "samsung tv", "the lounge" in a home with a "living room" (a group the names use
exactly one word of; never when they use two: a home with a "lounge" and a "living room" keeps both).

People (and speech recognizers) split and join compound words freely; the tagger then sees "air" as a name
(no device called that) or misses the name whole. Words that, run together, spell a device's or an area's
name or alias letter for letter (at least five letters, so short words never merge by accident) are written
as the home spells it before the request is read. A span already said as one of the home's spellings is
left alone (a home with both a "night light" and a "nightlight" keeps each). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from edge.context.model import ContextSnapshot
from edge.lang import model_tokens

__all__ = ["home_spelling"]

_MIN_LETTERS = 5
_LONGEST = 3  # words in a span run together


@lru_cache(maxsize=16)
def _spellings(names: tuple[str, ...]) -> Mapping[str, frozenset[str]]:
    """Letters run together -> the home's spellings of them (names of more than one letter run)."""
    found: dict[str, set[str]] = {}
    for name in names:
        key = " ".join(model_tokens(name))  # as the request's words are read ("trader joes")
        letters = key.replace(" ", "")
        if len(letters) >= _MIN_LETTERS and min(map(len, key.split())) > 1:  # not "joe s" of "Joe[']s"
            found.setdefault(letters, set()).add(key)
    return {k: frozenset(v) for k, v in found.items()}


def _names(snapshot: ContextSnapshot) -> tuple[str, ...]:
    names = [n for d in snapshot.devices.values() for n in (d.name, *d.aliases, d.floor) if n]
    return tuple(sorted({*names, *snapshot.areas}))


_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("tv", "television", "telly", "tele"),
    ("living room", "lounge", "sitting room", "front room", "family room"),
    ("fridge", "refrigerator"),
    ("toilet", "loo", "wc", "lavatory"),
    ("garden", "yard", "backyard", "back garden"),
    ("sofa", "couch"),
    ("aircon", "air con", "air conditioning", "air conditioner"),
    ("downstairs", "ground floor", "main floor"),
    ("upstairs", "upper floor", "top floor"),
)
"""Words people use for the same thing or room ("the telly", "the lounge"): one said that the home's names
never use is read as the one they do, when they use exactly one of its group."""


_GROUND = frozenset({"ground floor", "downstairs", "main floor", "ground"})


@lru_cache(maxsize=16)
def _synonyms(names: tuple[str, ...], floors: frozenset[str]) -> tuple[tuple[tuple[str, ...], str], ...]:
    """(a synonym's words, the home's word) for every group the home's names use exactly one word of; in a
    home of two floors, one of them the ground floor, "upstairs" is the other ("first floor" in British
    homes, "second floor" in American ones) and "downstairs" the ground floor."""
    said = [f" {' '.join(model_tokens(n))} " for n in names]
    out: list[tuple[tuple[str, ...], str]] = []
    for group in _SYNONYMS:
        used = [g for g in group if any(f" {g} " in n for n in said)]
        if len(used) == 1:
            out.extend((tuple(g.split()), used[0]) for g in group if g != used[0])
    ground = [f for f in floors if f in _GROUND]
    if len(floors) == 2 and len(ground) == 1 and "upstairs" not in floors:
        upper = next(iter(floors - {ground[0]}))
        out.append((("upstairs",), upper))
        if ground[0] != "downstairs":
            out.append((("downstairs",), ground[0]))
    return tuple(sorted(set(out), key=lambda item: -len(item[0])))  # "back garden" before "garden"


def _in_home_words(tokens: list[str], synonyms: tuple[tuple[tuple[str, ...], str], ...]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for words, home in synonyms:
            if tuple(tokens[i : i + len(words)]) == words:
                out.extend(home.split())
                i += len(words)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def home_spelling(text: str, snapshot: ContextSnapshot) -> str:
    """``text`` with the home's names written as the home spells them (and a synonym of a word its names use
    as that word: "the telly" for the home's "tv"), or ``text`` itself when nothing was said otherwise."""
    names = _names(snapshot)
    spellings = _spellings(names)
    floors = frozenset(" ".join(model_tokens(d.floor)) for d in snapshot.devices.values() if d.floor)
    synonyms = _synonyms(names, floors)
    if not spellings and not synonyms:
        return text
    plain = model_tokens(text)
    tokens = _in_home_words(plain, synonyms) if synonyms else plain
    changed = tokens != plain
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_LONGEST, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            homes = spellings.get("".join(span))
            if homes is None:
                continue
            if " ".join(span) not in homes and len(homes) == 1:
                out.extend(next(iter(homes)).split())
                changed = True
            else:
                out.extend(span)
            i += n
            break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out) if changed else text
