"""Names that end in a number: "kitchen bulb 2", "shutter 1", "lamp 3" (Home Assistant numbers devices it
finds alike, and households keep the numbers), and rooms that do: "bedroom 2", "bathroom 2".

The model reads a number as a value: "open shutter one" opened both shutters, "open shutter 1" set shutter
1 to position 1 (nearly closed), "turn on kitchen bulb 2" asked "turn on or change the kitchen bulbs?". When
the words say such a name whole (or its last word and number, "bulb 3", when only one name ends so), the
request is read without the number ("open shutter", "turn on kitchen bulb") and its reading narrowed to the
device(s) the numbered name is: the devices must be among the ones the reading acts on or asks about (or,
when it named nothing and went to this room's devices, able to do what it asks: "dim bulb 3" said in the
living room), else the request is read as it was said. A numbered room said ("set bedroom 2 to 19 degrees"
set a temperature of 2 °C) is read without its number and the reading kept to the devices in that room.
Pure: :func:`numbered` finds the name, :func:`narrowed` narrows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from edge.context.model import ContextSnapshot
from edge.lang import model_tokens
from edge.nlu.parse_result import ParseResult
from edge.nlu.state_fit import ruled_out
from edge.nlu.types import Intent

__all__ = ["Numbered", "narrowed", "numbered"]


@dataclass(frozen=True, slots=True)
class Numbered:
    """A numbered name said: the words without its number, the devices it names (for a room: the room's),
    the name as said (a room: as the home spells it), and whether it is a room's."""

    plain: str
    devices: tuple[str, ...]
    name: str
    area: bool = False


def _spans(snapshot: ContextSnapshot) -> Mapping[tuple[str, ...], tuple[str, frozenset[str]]]:
    names = tuple((d.entity_id, n) for d in snapshot.devices.values() for n in (d.name, *d.aliases))
    areas = tuple(a for a in snapshot.areas if a[-1:].isdigit())
    if not areas and not any(n[-1:].isdigit() for _, n in names):
        return {}
    return _spans_of(names, areas)


@lru_cache(maxsize=16)
def _spans_of(
    names: tuple[tuple[str, str], ...], areas: tuple[str, ...]
) -> Mapping[tuple[str, ...], tuple[str, frozenset[str]]]:
    """Numbered names (and their last word and number) -> ("", the devices they name); numbered rooms ->
    (the room, ())."""
    spans: dict[tuple[str, ...], set[str]] = {}
    for entity_id, name in names:
        words = tuple(model_tokens(name))
        if len(words) < 2 or not words[-1].isdigit() or not words[-2].isalpha():
            continue
        spans.setdefault(words, set()).add(entity_id)
        spans.setdefault(words[-2:], set()).add(entity_id)
    out = {k: ("", frozenset(v)) for k, v in spans.items()}
    for area in areas:
        words = tuple(model_tokens(area))
        if len(words) > 1 and words[-1].isdigit():
            out.setdefault(words, (area, frozenset()))  # a device's name wins over a room's
    return out


def numbered(text: str, snapshot: ContextSnapshot) -> Numbered | None:
    """The longest numbered name or room ``text`` says, or None."""
    tokens = ["1" if t == "one" else t for t in model_tokens(text)]  # "shutter one" ("one" is also a word)
    if not any(t.isdigit() for t in tokens):
        return None
    spans = _spans(snapshot)
    best: tuple[int, int] | None = None  # (start, length)
    for words in spans:
        n = len(words)
        for at in range(len(tokens) - n + 1):
            if tuple(tokens[at : at + n]) == words and (best is None or n > best[1]):
                best = (at, n)
    if best is None:
        return None
    at, n = best
    said = tuple(tokens[at : at + n])
    plain = " ".join([*tokens[: at + n - 1], *tokens[at + n :]])
    area, devices = spans[said]
    if area:
        here = area.lower()
        inside = (d.entity_id for d in snapshot.devices.values() if d.area.lower() == here)
        return Numbered(plain, tuple(sorted(inside)), area, area=True)
    return Numbered(plain, tuple(sorted(devices)), " ".join(said))


def _narrow(intent: Intent, found: Numbered, snapshot: ContextSnapshot) -> Intent | None:
    kept = tuple(t for t in intent.targets if t in found.devices)
    if found.area:  # "set bedroom 2 to 19": the reading's devices in that room, never another's
        slots = {**intent.slots, "area": found.name} if "area" in intent.slots else dict(intent.slots)
        return (
            replace(intent, slots=slots, targets=kept, target_scores=tuple(1.0 for _ in kept))
            if kept
            else None
        )
    if not kept and "name" not in intent.slots and not ruled_out(intent.name, found.devices, snapshot):
        kept = found.devices  # "dim bulb 3" said in another room: the bulb named, not this room's lights
    if not kept:
        return None
    scores = dict(zip(intent.targets, intent.target_scores, strict=False))
    slots = {k: v for k, v in intent.slots.items() if k not in {"name", "area"}} | {"name": found.name}
    return replace(intent, slots=slots, targets=kept, target_scores=tuple(scores.get(t, 1.0) for t in kept))


def narrowed(
    result: ParseResult, found: Numbered, text: str, snapshot: ContextSnapshot
) -> ParseResult | None:
    """``result`` (the reading without the number) narrowed to the numbered devices, with ``text`` as said;
    None when neither its intent nor its readings act on them."""
    if result.intent is not None:
        intent = _narrow(result.intent, found, snapshot)
        return None if intent is None else replace(result, text=text, intent=replace(intent, text=text))
    readings: Sequence[Intent] = result.unsure
    if not readings:
        return None
    kept = [_narrow(r, found, snapshot) for r in readings]
    if any(k is None for k in kept):
        return None
    return replace(result, text=text, unsure=tuple(replace(k, text=text) for k in kept if k is not None))
