"""Number words: the one table of English number words, and the ways the runtime reads and writes them.

Two readers turn spelled numbers into digits, on purpose with different rules:
:func:`read_number` is the NLU's (``"one"`` only in a numeric context, "three hundred and fifty" -> 350,
"a hundred" -> 100 is handled by its caller) and :func:`numbers_to_digits` is the rewrite tables' (greedy,
every "one" is 1, "and" ends a number). The learned tables are keyed by the second one's output, so
changing it would orphan every stored rewrite. :func:`number_words` goes the other way (350 -> three
hundred fifty) for the grammar matcher.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

__all__ = [
    "NUMBER_WORDS",
    "TENS",
    "UNITS",
    "number_words",
    "numbers_to_digits",
    "read_decimals",
    "read_number",
]

UNITS: tuple[str, ...] = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
"""The words for 0-19; a word's index is its value."""
TENS: tuple[str, ...] = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
"""The words for 20, 30, ... 90; a word's index is its value divided by ten."""
_SCALES = {"hundred": 100, "thousand": 1000}

_UNIT = {w: i for i, w in enumerate(UNITS)}
_TEN = {w: 10 * i for i, w in enumerate(TENS) if w}
NUMBER_WORDS: Mapping[str, int] = MappingProxyType({**_UNIT, **_TEN, **_SCALES})
"""Every number word with its value: the units, the tens, "hundred" and "thousand"."""


def read_number(words: Sequence[str], i: int) -> tuple[int, int] | None:
    """The number spelled at ``words[i:]`` as (value, words used), or None (the NLU's reading)."""
    w = words[i]
    if w in _TEN:
        value = _TEN[w]
        if i + 1 < len(words) and words[i + 1] in _UNIT and 0 < _UNIT[words[i + 1]] < 10:
            return value + _UNIT[words[i + 1]], 2
        return value, 1
    if w in _UNIT:
        value = _UNIT[w]
        if i + 1 < len(words) and words[i + 1] == "hundred":
            rest = read_number(words, i + 3) if i + 2 < len(words) and words[i + 2] == "and" else None
            if rest is None and i + 2 < len(words):
                rest = read_number(words, i + 2)
            if rest is not None and rest[0] < 100:
                used = rest[1] + (3 if words[i + 2] == "and" else 2)
                return value * 100 + rest[0], used
            return value * 100, 2
        return value, 1
    return None


def read_decimals(words: Sequence[str], i: int) -> tuple[str, int] | None:
    """The decimals spelled after a number at ``words[i:]``, "point five" / "point two five" / "point 5", as
    (digits, words used); None unless "point" is followed by at least one digit."""
    if i >= len(words) or words[i] != "point":
        return None
    digits: list[str] = []
    for w in words[i + 1 :]:
        if w in _UNIT and _UNIT[w] < 10:
            digits.append(str(_UNIT[w]))
        elif w.isdigit() and len(w) == 1:
            digits.append(w)
        else:
            break
    return ("".join(digits), 1 + len(digits)) if digits else None


def numbers_to_digits(words: list[str]) -> list[str]:
    """``["set", "it", "to", "twenty", "one"]`` -> ``["set", "it", "to", "21"]`` (up to 999; the rewrite
    tables' reading: greedy, every "one" a number, "and" ends one)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w not in _UNIT and w not in _TEN and not (w == "hundred" and out and out[-1].isdigit()):
            out.append(w)
            i += 1
            continue
        value = 0
        consumed = 0
        while i + consumed < len(words):
            x = words[i + consumed]
            if x in _TEN and value % 100 == 0:
                value += _TEN[x]
            elif x in _UNIT and value % 10 == 0 and (value % 100 == 0 or value % 100 >= 20):
                value += _UNIT[x]
            elif x == "hundred" and 0 < value < 10:
                value *= 100
            else:
                break
            consumed += 1
        i += max(1, consumed)
        decimals = read_decimals(words, i) if consumed else None  # "twenty point five" -> 20.5
        out.append(f"{value}.{decimals[0]}" if decimals else str(value))
        i += decimals[1] if decimals else 0
    return out


def number_words(value: int) -> list[str]:
    """English words for 0 <= value < 1,000,000 ("350" -> three hundred fifty); digits beyond as is."""
    if value < 0 or value >= 1_000_000:
        return [str(value)]
    if value < 20:
        return [UNITS[value]]
    if value < 100:
        tens, ones = divmod(value, 10)
        return [TENS[tens]] + ([UNITS[ones]] if ones else [])
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        return [UNITS[hundreds], "hundred"] + (number_words(rest) if rest else [])
    thousands, rest = divmod(value, 1000)
    return [*number_words(thousands), "thousand"] + (number_words(rest) if rest else [])
