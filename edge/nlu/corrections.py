"""A request corrected as it is said: "turn on the kitchen light, I mean the office lamp", "turn on the
kitchen light, no wait, the ceiling light", "set it to 20, sorry, 21", "turn off the fan, actually turn it
on". People correct themselves mid-sentence; the model reads the whole utterance and acted on the first
name (the kitchen light went on). :func:`correction` splits at the last correction marker (I mean, I
meant, no wait, sorry, or rather, actually, and a "no" set off by commas); the part after it replaces what
it corrects: a request of its own when it starts with a verb, else the target or value of the part before
it (:func:`edge.nlu.conjunctions.composed` puts it in the place the first part named its target). The
parser reads that (``NLUParser.analyse``) and keeps it only when it is sure; else the utterance is not
acted on as said (the first name was withdrawn). Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from edge.lang import model_tokens
from edge.nlu.conjunctions import composed, starts_a_request, target_span
from edge.nlu.types import Intent

__all__ = ["MARKERS", "SURE", "corrected_words", "correction"]

MARKERS: tuple[tuple[str, ...], ...] = (
    ("no", "i", "mean"),
    ("i", "mean"),
    ("i", "meant"),
    ("no", "wait"),
    ("or", "rather"),
    ("no", "sorry"),
    ("sorry",),
    ("actually",),
)
"""Words that withdraw what was just said, longest first."""
SURE = 0.9
"""How sure the model must be of the corrected request to act on it: its words were never said together
(above the operating point, ``nlu.act_below`` 0.7, because a guess here acts on what nobody asked for)."""
_COMMA = ","
_PRONOUNS = frozenset({"it", "them", "that"})
_FILLERS = frozenset({_COMMA, "no", "wait", "um", "uh", "oh"})


def correction(text: str) -> tuple[list[str], list[str]] | None:
    """(the words before the correction, the words after it), or None when ``text`` corrects nothing (no
    marker, or nothing on either side of it)."""
    tokens: list[str] = []
    for i, piece in enumerate(text.split(_COMMA)):
        tokens += ([_COMMA] if i else []) + model_tokens(piece)
    at = _last_marker(tokens)
    if at is None:
        return None
    start, end = at
    before = [w for w in tokens[:start] if w != _COMMA]
    after = tokens[end:]
    while after and after[0] in _FILLERS:
        after = after[1:]
    after = [w for w in after if w != _COMMA]
    if not before or not after or after[0] == "not":
        return None  # "..., no, not the lamp": an exception, :mod:`edge.nlu.negation`'s
    return before, after


def _last_marker(tokens: Sequence[str]) -> tuple[int, int] | None:
    """Where the last marker is: one of :data:`MARKERS`, or a "no" after a comma ("..., no, the lamp")."""
    found: tuple[int, int] | None = None
    for i in range(len(tokens)):
        if tokens[i] == "no" and i > 0 and tokens[i - 1] == _COMMA:
            found = (i, i + 1)
            continue
        for marker in MARKERS:
            if tuple(tokens[i : i + len(marker)]) == marker:
                found = (i, i + len(marker))
                break
    return found


def corrected_words(
    before: Sequence[str], after: Sequence[str], read: Callable[[str], Intent | None]
) -> list[str] | None:
    """The request as corrected: ``after`` alone when it is a request of its own; a number in the place of
    the last number said before ("set it to 20, sorry, 21"); else ``after`` in the place of the target the
    words before named (``read``: the parser's sure reading of them); "it" in a request of its own is that
    target ("turn off the fan, actually turn it on"). None when it cannot be put anywhere."""
    first = read(" ".join(before))
    span = target_span(before, first.slots) if first is not None else None
    if starts_a_request(after[0]):
        if span is None or not _PRONOUNS & set(after):
            return list(after)
        named = list(before[span[0] : span[1]])  # "turn off the fan, actually turn it on": the fan
        return [w for word in after for w in (named if word in _PRONOUNS else [word])]
    if len(after) <= 2 and _number(after[0]) and (last := _last_number(before)) is not None:
        return [*before[:last], *after, *before[last + 1 :]] if len(after) == 1 else [*before[:last], *after]
    return composed(before, span, after) if span is not None else None


def _number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def _last_number(words: Sequence[str]) -> int | None:
    return next((i for i in range(len(words) - 1, -1, -1) if _number(words[i])), None)
