"""A name of this home said with other spacing is the home's name: "set the air con to 21" in a home with an
"aircon", "turn on the nightlight" where the device is the "night light", "the sound bar" for a "soundbar".

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
    names = [n for d in snapshot.devices.values() for n in (d.name, *d.aliases)]
    return tuple(sorted({*names, *snapshot.areas}))


def home_spelling(text: str, snapshot: ContextSnapshot) -> str:
    """``text`` with the home's names written as the home spells them, or ``text`` itself when no name was
    said with other spacing."""
    spellings = _spellings(_names(snapshot))
    if not spellings:
        return text
    tokens = model_tokens(text)
    out: list[str] = []
    changed = False
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
