"""What the words say *not* to do. The model reads a request's verb and names and has seen few negations, so
"don't turn off the kitchen light" was read as turning it off, "turn off all the lights except the kitchen"
turned off the kitchen's, and "switch everything off except the tv" the TV: the opposite of what was said.

- :func:`negated`: a request said in the negative ("don't ...", "do not ...", "never ...", "I don't want
  ..."): never acted on (the parser gives no intent: the device says it did not understand).
- :func:`excepted`: a request with an exception ("... except (for) X", "... but not X", "... apart from X",
  "... other than X", "... but leave / keep X on"): :func:`without` reads the request before it and the
  exception as a request of its own in its place (as :mod:`edge.nlu.conjunctions` does) and acts on the
  first's devices less the exception's; when that cannot be read, nothing is acted on, never the request
  without its exception. Pure; ``read`` is the parser's sure reading of some words, or None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from edge.context.model import ContextSnapshot
from edge.nlu.catalogue import by_name
from edge.nlu.conjunctions import composed, target_span
from edge.nlu.resolve import choose_one
from edge.nlu.types import Intent

__all__ = ["excepted", "may_say_not", "negated", "without"]

_FILLERS = frozenset(
    {"please", "no", "oh", "ok", "okay", "wait", "and", "just", "hey", "um", "uh", "so", "actually"}
)
_SUBJECTS = frozenset({"you", "u", "i", "we", "they"})  # "don't you think ...": a question, not a negation
_WANTS = frozenset({"want", "need", "like"})
_MARKERS: tuple[tuple[str, ...], ...] = (
    ("except", "for"), ("except",), ("but", "not"), ("apart", "from"), ("other", "than"), ("but", "leave"),
    ("but", "keep"), ("excluding",),
)  # fmt: skip
_WHOLE_HOME = ("in", "the", "house")
_TRAILING = frozenset({"on", "off", "running", "alone", "please", "as", "is"})


_CUES = ("don", "not", "never", "except", "apart", "other than", "but ", "excluding")


def may_say_not(text: str) -> bool:
    """A cheap first look at the raw words: False when none of the cues of :func:`negated` or
    :func:`excepted` is there (most requests), so the parser tokenizes nothing more for them."""
    said = text.lower()
    return any(cue in said for cue in _CUES)


def negated(tokens: Sequence[str]) -> bool:
    """Whether ``tokens`` (the model's) say a request in the negative: "don't turn off the light", "please
    do not open the blinds", "never unlock the door", "I don't want the lights on"; not "never mind", not
    "don't you think ...", not a courtesy tail ("... if you don't mind")."""
    words = list(tokens)
    while words and words[0] in _FILLERS:
        words = words[1:]
    if len(words) >= 2 and words[0] in _SUBJECTS and words[1] in {"dont", "do"}:
        rest = words[2:] if words[1] == "dont" else words[3:] if words[2:3] == ["not"] else []
        return bool(rest) and rest[0] in _WANTS  # "i don't want the lights on"
    if words[:1] == ["dont"]:
        rest = words[1:]
    elif words[:2] == ["do", "not"]:
        rest = words[2:]
    elif words[:1] == ["never"] and words[1:2] != ["mind"]:
        rest = words[1:]
    else:
        return False
    return bool(rest) and rest[0] not in _SUBJECTS


def excepted(tokens: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """(the request, its exception) when ``tokens`` hold one ("turn off all the lights except the kitchen":
    "turn off all the lights", "the kitchen"); the exception without what ends it ("but leave the lamp on":
    "the lamp"); None when there is none."""
    for at in range(1, len(tokens)):
        for marker in _MARKERS:
            if tuple(tokens[at : at + len(marker)]) == marker:
                head, tail = list(tokens[:at]), list(tokens[at + len(marker) :])
                while tail and tail[-1] in _TRAILING:
                    tail = tail[:-1]
                return (head, tail) if head and tail else None
    return None


def without(
    text: str,
    parts: tuple[list[str], list[str]],
    snapshot: ContextSnapshot,
    read: Callable[[str], Intent | None],
) -> Intent | None:
    """The request of ``parts[0]`` on its devices less those ``parts[1]`` names, or None (nothing to act on:
    the exception could not be read, removed nothing, or left nothing)."""
    head, tail = parts
    request = read(" ".join(head))
    spec = by_name(request.name) if request is not None else None
    if request is None or spec is None or not spec.moves_device or not request.targets:
        return None
    span = target_span(head, request.slots)
    if span is None:
        return None
    left_out = read(" ".join(composed(head, span, tail)))
    if left_out is None or left_out.name != request.name:
        return None
    if left_out.slots.get("area") and not request.slots.get("area"):
        # "all the lights except the kitchen": a room left out of the whole home's, not of this room's
        request = read(" ".join([*head, *_WHOLE_HOME])) or request
    chosen = choose_one(request.text, request.slots, request.targets, snapshot)
    dropped = choose_one(left_out.text, left_out.slots, left_out.targets, snapshot)
    if chosen.ask or dropped.ask:
        return None
    rest = tuple(t for t in chosen.targets if t not in set(dropped.targets))
    if not rest or len(rest) == len(chosen.targets):
        return None
    return replace(request, text=text, targets=rest, target_scores=())
