"""The model's slot tags read as slots (:func:`decode_slots`: BIO tags, the first span of a slot wins) and a
heard slot value mapped onto a list's own value (:func:`canonical`); a quantifier the tagger took for a name
dropped (:func:`without_quantifier`). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from edge.lang import model_tokens

__all__ = ["canonical", "decode_slots", "without_quantifier"]

_QUANTIFIERS = frozenset({"both", "all", "every", "each"})


def decode_slots(tokens: Sequence[str], tags: Sequence[str]) -> dict[str, str]:
    """BIO tags -> {slot: value}; the first span of a slot wins."""
    spans: list[tuple[str, list[str]]] = []
    for token, tag in zip(tokens, tags, strict=False):
        if tag.startswith("B-") or (tag.startswith("I-") and (not spans or spans[-1][0] != tag[2:])):
            spans.append((tag[2:], [token]))
        elif tag.startswith("I-"):
            spans[-1][1].append(token)
        else:
            spans.append(("", []))
    out: dict[str, str] = {}
    for slot, words in spans:
        if slot and words and slot not in out:
            out[slot] = " ".join(words)
    return out


def canonical(value: str, choices: Sequence[str]) -> str:
    """Map a heard slot value to the domain's list value (compared after the same normalization)."""

    norm = " ".join(model_tokens(value))
    table = {" ".join(model_tokens(c)): c for c in choices}
    if norm in table:
        return table[norm]
    best = process.extractOne(norm, list(table), scorer=fuzz.ratio)
    return table[best[0]] if best and best[1] >= 80 else value


def without_quantifier(slots: dict[str, str]) -> dict[str, str]:
    """``slots`` without a quantifier the tagger read as a name: "both" of "turn off both lamps" (the name
    "both", or "both lamps") read as "all lamps" is (no name, or "lamps")."""
    words = slots.get("name", "").split(maxsplit=1)
    if not words or words[0] not in _QUANTIFIERS:
        return slots
    rest = {k: v for k, v in slots.items() if k != "name"}
    return rest | {"name": words[1]} if words[1:] else rest
