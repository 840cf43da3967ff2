"""Text, phonetic and interpretation similarity between two requests (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

import jellyfish
from rapidfuzz import fuzz

from edge.lang import fold

__all__ = [
    "ACTION_WORDS",
    "REQUEST_VERBS",
    "STOPWORDS",
    "TokenDiff",
    "content_tokens",
    "phonetic_key",
    "phonetic_similarity",
    "text_similarity",
    "token_diff",
]

STOPWORDS = frozenset(
    {"the", "a", "an", "to", "in", "of", "my", "me", "it", "please", "for", "at", "is", "be", "this"}
    | {"that", "and", "with"}
)

ACTION_WORDS: dict[str, str] = {
    "on": "off",
    "off": "on",
    "open": "close",
    "close": "open",
    "lock": "unlock",
    "unlock": "lock",
    "up": "down",
    "down": "up",
    "play": "pause",
    "pause": "play",
    "start": "stop",
    "stop": "start",
    "raise": "lower",
    "lower": "raise",
    "brighter": "dimmer",
    "dimmer": "brighter",
    "increase": "decrease",
    "decrease": "increase",
    "warmer": "cooler",
    "cooler": "warmer",
}
"""Each action word with its opposite: swapping one for the other is a new command, not a rephrase."""

REQUEST_VERBS = frozenset({"turn", "switch", "put", "set", "make", "get"})
"""Verbs that carry a request without saying what it does ("kill", "dim" do): swapping them rewords it."""


def content_tokens(text: str) -> list[str]:
    return [w for w in fold(text).split() if w not in STOPWORDS]


def phonetic_key(text: str) -> str:
    """Metaphone keys of the content words, space separated ("play maj and dragons" -> "PL MJ ANT TRKNS")."""
    return " ".join(k for k in (jellyfish.metaphone(w) for w in content_tokens(text)) if k)


def text_similarity(a: str, b: str) -> float:
    """0..1: the best of character ratio and word-order-free ratio on folded text."""
    na, nb = fold(a), fold(b)
    if not na or not nb:
        return 0.0
    return max(fuzz.ratio(na, nb), fuzz.token_sort_ratio(na, nb)) / 100.0


def phonetic_similarity(a: str, b: str) -> float:
    ka, kb = phonetic_key(a), phonetic_key(b)
    if not ka or not kb:
        return 0.0
    return max(fuzz.ratio(ka.replace(" ", ""), kb.replace(" ", "")), fuzz.token_sort_ratio(ka, kb)) / 100.0


@dataclass(frozen=True, slots=True)
class TokenDiff:
    """Content words only in the first request (``removed``) and only in the second (``added``)."""

    removed: tuple[str, ...]
    added: tuple[str, ...]
    shared: int

    @property
    def opposite_action(self) -> bool:
        """The requests differ by an action and its opposite ("on" -> "off")."""
        return any(ACTION_WORDS.get(w) in self.added for w in self.removed)

    @property
    def substitution(self) -> bool:
        """Same carrier, a *different* word swapped in: no removed word sounds or looks like an added one.

        "kitchen light on" -> "hall light on" is one; "maj and dragons" -> "imagine dragons" is not.
        """
        removed = [w for w in self.removed if w not in REQUEST_VERBS]  # "switch on" -> "turn on" is a
        added = [w for w in self.added if w not in REQUEST_VERBS]  # rewording, not another request
        if not removed or not added or self.shared == 0:
            return False
        joined_removed, joined_added = " ".join(removed), " ".join(added)
        whole = max(
            fuzz.ratio(joined_removed, joined_added) / 100.0,
            phonetic_similarity(joined_removed, joined_added),
        )
        if whole >= 0.6:
            return False
        best = max(max(fuzz.ratio(r, a) / 100.0, phonetic_similarity(r, a)) for r in removed for a in added)
        return best < 0.6


def token_diff(a: str, b: str) -> TokenDiff:
    ta, tb = content_tokens(a), content_tokens(b)
    sa, sb = set(ta), set(tb)
    return TokenDiff(
        tuple(w for w in ta if w not in sb),
        tuple(w for w in tb if w not in sa),
        len(sa & sb),
    )
