"""Courtesy said after a request ("light up the living room for me", "turn off the fan if you can"): the
request is the same without it. The model, which has seen fewer such tails, is sometimes unsure of a request
because of one; :func:`without_courtesy` gives the words without the tail, and the parser reads those when
its reading of the whole was under the operating point (``NLUParser.analyse``: the same intent, then sure,
stands; anything else, the first reading stands). Pure."""

from __future__ import annotations

from edge.lang import model_tokens

__all__ = ["REPEATS", "TAILS", "said_again", "without_courtesy"]

TAILS: tuple[tuple[str, ...], ...] = tuple(
    tuple(t.split())
    for t in (
        "for me", "for us", "please", "thanks", "thank you", "thanks a lot", "cheers", "if you can",
        "if you could", "if you would", "if you don't mind", "if you dont mind", "would you", "will you",
        "could you", "can you", "for me please", "now", "right now", "now please", "mate", "buddy",
        "again", "once again", "once more", "one more time",
    )
)  # fmt: skip
"""Words that end a request without changing it, longest matched first ("again": the request is the same
said a second time)."""
_LONGEST_FIRST = sorted(TAILS, key=len, reverse=True)
REPEATS = frozenset({"again", "more", "time"})
"""The tail words that say the request is said again ("once more", "one more time")."""


def without_courtesy(text: str) -> str:
    """``text``'s words (the model's tokens) without courtesy at the end, "" when nothing is left or there
    was none."""
    return " ".join(_split(model_tokens(text))[0])


def said_again(text: str) -> bool:
    """Whether ``text`` ends by saying it is said again ("switch it off again", "... once more please")."""
    if not any(word in text.lower() for word in REPEATS):
        return False  # most requests: nothing to tokenize
    return bool(REPEATS.intersection(_split(model_tokens(text))[1]))


def _split(words: list[str]) -> tuple[list[str], list[str]]:
    """(the request, its tail); the request is empty when there was no tail or nothing else."""
    cut = len(words)
    changed = True
    while changed and cut:
        changed = False
        for tail in _LONGEST_FIRST:
            if cut > len(tail) and tuple(words[cut - len(tail) : cut]) == tail:
                cut -= len(tail)
                changed = True
                break
    return (words[:cut], words[cut:]) if 0 < cut < len(words) else ([], [])
