"""Hesitations said inside a request carry nothing: "er switch off the kitchen lights", "turn on the uh
kitchen light", "set it to um 21". The model has seen some ("um", "uh") and reads around them; others it
has not ("er", "erm", "hmm") turn into words of a name ("no device called 'er switch'").
:func:`without_hesitations` gives the words without them, read before anything else
(``NLUParser.analyse``). Only sounds that are never a word of a request are dropped. Pure."""

from __future__ import annotations

from edge.lang import model_tokens

__all__ = ["HESITATIONS", "without_hesitations"]

HESITATIONS = frozenset(
    {"um", "umm", "uh", "uhh", "uhm", "er", "erm", "err", "hmm", "hm", "mm", "mmm", "ah", "eh"}
)
"""Sounds of hesitation as recognizers write them."""


def without_hesitations(text: str) -> str:
    """``text`` without hesitation sounds (the model's tokens), or ``text`` itself when it has none (or is
    nothing else)."""
    tokens = model_tokens(text)
    kept = [t for t in tokens if t not in HESITATIONS]
    return " ".join(kept) if kept and len(kept) < len(tokens) else text
