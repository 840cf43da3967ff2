"""Text normalization shared by training and run time.

ASR output ("Hey Jarvis, set the lights to 50%.") and typed text become the same lowercase token list
(``["set", "the", "lights", "to", "50", "percent"]``): wake words and punctuation go, "%" becomes "percent",
apostrophes vanish ("what's" -> "whats") and spelled numbers become digits ("twenty one" -> "21"). Training
data passes through :func:`normalize_words`, which keeps an alignment so slot tags survive the merging of
number words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "WAKE_PHRASES",
    "normalize",
    "normalize_words",
    "raw_words",
]

WAKE_PHRASES: tuple[tuple[str, ...], ...] = (
    ("hey", "jarvis"),
    ("ok", "jarvis"),
    ("jarvis",),
    ("hey", "mycroft"),
    ("alexa",),
    ("hey", "computer"),
)

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SPLIT_DIGITS = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")


def raw_words(text: str) -> list[tuple[str, int, int]]:
    """Lowercase words of ``text`` with their character spans (``%`` counts as the word "percent")."""
    lowered = text.lower().replace("’", "'")
    out: list[tuple[str, int, int]] = []
    for m in re.finditer(r"%|[a-z0-9]+(?:'[a-z]+)?(?:\.[0-9]+)?", lowered):
        token = m.group(0)
        if token == "%":
            out.append(("percent", m.start(), m.end()))
            continue
        for part in _SPLIT_DIGITS.split(token.replace("'", "")):
            if part:
                out.append((part, m.start(), m.end()))
    return out


def _number_value(words: Sequence[str], i: int) -> tuple[int, int] | None:
    """The number spelled at ``words[i:]`` as (value, words used), or None."""
    w = words[i]
    if w in _TENS:
        value = _TENS[w]
        if i + 1 < len(words) and words[i + 1] in _UNITS and 0 < _UNITS[words[i + 1]] < 10:
            return value + _UNITS[words[i + 1]], 2
        return value, 1
    if w in _UNITS:
        value = _UNITS[w]
        if i + 1 < len(words) and words[i + 1] == "hundred":
            rest = _number_value(words, i + 3) if i + 2 < len(words) and words[i + 2] == "and" else None
            if rest is None and i + 2 < len(words):
                rest = _number_value(words, i + 2)
            if rest is not None and rest[0] < 100:
                used = rest[1] + (3 if words[i + 2] == "and" else 2)
                return value * 100 + rest[0], used
            return value * 100, 2
        return value, 1
    return None


def normalize_words(words: Sequence[str]) -> tuple[list[str], list[int]]:
    """Normalize raw words; returns (tokens, index of the first source word of each token)."""
    tokens: list[str] = []
    source: list[int] = []
    i = 0
    n = len(words)
    while i < n:
        w = words[i]
        number = _number_value(words, i) if w not in {"one"} or _is_numeric_context(words, i) else None
        if number is not None:
            tokens.append(str(number[0]))
            source.append(i)
            i += number[1]
            continue
        if w in {"a", "an"} and i + 1 < n and words[i + 1] == "hundred":
            tokens.append("100")
            source.append(i)
            i += 2
            continue
        tokens.append(w)
        source.append(i)
        i += 1
    return tokens, source


def _is_numeric_context(words: Sequence[str], i: int) -> bool:
    """'one' is a number next to units or other numbers ("one hour", "twenty one"), not in "that one"."""
    nxt = words[i + 1] if i + 1 < len(words) else ""
    return nxt in {"hundred", "hour", "minute", "second", "percent", "degree", "degrees", "point"}


def _strip_wake(words: list[str]) -> list[str]:
    for phrase in WAKE_PHRASES:
        if tuple(words[: len(phrase)]) == phrase:
            return words[len(phrase) :]
    return words


def normalize(text: str) -> list[str]:
    """The model's token list for ``text`` (wake word removed, numbers as digits)."""
    words = _strip_wake([w for w, _s, _e in raw_words(text)])
    tokens, _source = normalize_words(words)
    return tokens
