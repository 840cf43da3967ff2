"""The open-vocabulary slot of a media request, completed from the words around it.

A search query ("miles davis", "the new taylor swift album") is a wildcard, as in Home Assistant's
``{search_query}``: any words can fill it, and the tagger, trained on the names it has seen, sometimes tags
only part of a name it has not ("jones" of "norah jones") or none of it. The request's shape says where the
wildcard is: after the verb ("play", "put on", "i want to hear", "listen to" and a quantifier such as
"some" or "something by"), up to the words the tagger gave to another slot ("in the kitchen", "on the tv")
or a closing "please". The tagger's span is kept whenever it is not a part of that stretch.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["QUANTIFIERS", "complete_query", "query_stretch"]

_VERBS = (("put", "on"), ("listen", "to"), ("play", "me"), ("play",), ("hear",))
QUANTIFIERS = (
    ("something", "by"),
    ("a", "song", "by"),
    ("songs", "by"),
    ("music", "by"),
    ("a", "bit", "of"),
    ("some",),
)
_CLOSING = frozenset({"please", "now", "thanks", "thank", "you"})
_LINKS = frozenset({"in", "on", "at", "for", "through", "from"})
_SLOT = "search_query"


def _after(tokens: Sequence[str], start: int, phrases: Sequence[tuple[str, ...]]) -> int:
    for phrase in phrases:
        if tuple(tokens[start : start + len(phrase)]) == phrase:
            return start + len(phrase)
    return start


def query_stretch(tokens: Sequence[str], tags: Sequence[str]) -> tuple[int, int] | None:
    """[start, end) of the words between the verb and the next slot or closing word; None without a verb
    in the first five words or with nothing after it."""
    start = next(
        (end for i in range(min(5, len(tokens))) if (end := _after(tokens, i, _VERBS)) > i),
        None,
    )
    if start is None:
        return None
    start = _after(tokens, start, QUANTIFIERS)
    end = start
    while end < len(tokens):
        tag = tags[end] if end < len(tags) else "O"
        if tag != "O" and tag[2:] != _SLOT:
            break
        nxt = tags[end + 1 : end + 3]
        if tokens[end] in _LINKS and any(t != "O" and t[2:] != _SLOT for t in nxt):
            break
        end += 1
    while end > start and tokens[end - 1] in _CLOSING:
        end -= 1
    end = _without_whole_home(tokens, start, end)
    return (start, end) if end > start else None


_WHOLE_HOME_TAILS = (
    ("everywhere",), ("in", "every", "room"), ("in", "all", "the", "rooms"), ("in", "the", "whole", "house"),
    ("throughout", "the", "house"), ("all", "over", "the", "house"), ("in", "the", "whole", "home"),
    ("throughout", "the", "home"), ("around", "the", "house"),
)  # fmt: skip
"""Where to play, said after what to play ("play the beatles everywhere"): never part of the search."""


def _without_whole_home(tokens: Sequence[str], start: int, end: int) -> int:
    for tail in _WHOLE_HOME_TAILS:
        if end - len(tail) > start and tuple(tokens[end - len(tail) : end]) == tail:
            return end - len(tail)
    return end


def complete_query(tokens: Sequence[str], tags: Sequence[str], tagged: str | None) -> str | None:
    """The search query to use: the tagger's, unless it is missing or only part of the stretch."""
    stretch = query_stretch(tokens, tags)
    if stretch is None:
        return tagged
    words = " ".join(tokens[stretch[0] : stretch[1]])
    if not tagged:
        return words
    return words if tagged != words and f" {tagged} " in f" {words} " else tagged
