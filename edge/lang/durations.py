"""Durations as timers hear and say them: slot values ("10", "ten", "half", "1/2") to seconds, durations
found in free text ("the 5 minute one"), and seconds back to words ("5 minutes and 3 seconds")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from edge.lang.normalize import fold
from edge.lang.numbers import numbers_to_digits

__all__ = [
    "UNIT_SECONDS",
    "Said",
    "duration_from_slots",
    "duration_in_text",
    "duration_slots",
    "duration_words",
    "durations_said",
    "slot_seconds",
    "spoken_duration",
]

UNIT_SECONDS: Mapping[str, int] = {"hours": 3600, "minutes": 60, "seconds": 1}
_HALF = frozenset({"half", "1/2", "a half", "half a", "half an"})
_UNIT_WORDS = {"hour": "hours", "hr": "hours", "minute": "minutes", "min": "minutes", "second": "seconds",
               "sec": "seconds"}  # fmt: skip


def slot_seconds(value: str, unit: str) -> float | None:
    """One slot value in seconds: ``slot_seconds("10", "minutes") == 600``; "half" of an hour or a minute
    is half of it, "half" seconds 30 seconds (Home Assistant's reading); None when it is no number."""
    text = fold(value).strip()
    scale = UNIT_SECONDS[unit]
    if text in _HALF:
        return 30.0 if unit == "seconds" else scale / 2
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text) * scale
    words = numbers_to_digits(text.split())
    if len(words) == 1 and words[0].isdigit():
        return float(words[0]) * scale
    if text in {"a", "an", "one"}:
        return float(scale)
    return None


def duration_from_slots(slots: Mapping[str, str], prefix: str = "") -> float | None:
    """The duration the slots ``<prefix>hours``/``minutes``/``seconds`` say, in seconds; None when none of
    them is there (``prefix="start_"``: the duration a timer was started with, Home Assistant's slots)."""
    total, found = 0.0, False
    for unit in UNIT_SECONDS:
        raw = slots.get(prefix + unit)
        if raw is None or not raw.strip():
            continue
        seconds = slot_seconds(raw, unit)
        if seconds is not None:
            total, found = total + seconds, True
    return total if found else None


@dataclass(frozen=True, slots=True)
class Said:
    """A duration said in the text, ``seconds`` long, at words ``[start, end)``; ``of_timer``: it names
    a timer ("the 1 hour timer", "the timer for 1 hour") rather than an amount of time ("by 5 minutes")."""

    seconds: float
    start: int
    end: int
    of_timer: bool


def duration_words(text: str) -> list[str]:
    """The words :func:`durations_said` counts in (its ``start`` / ``end`` index these)."""
    said = fold(text.replace("1/2", "half").replace("-", " "), decimals=True)
    return numbers_to_digits(said.split())


def _component(words: list[str], i: int) -> tuple[float, int] | None:
    """One "<amount> <unit>" at ``words[i]``: (seconds, index after it), or None."""
    w, n, j = words[i], 0.0, i + 1
    if re.fullmatch(r"\d+(?:\.\d+)?", w):
        n = float(w)
        if words[j : j + 3] == ["and", "a", "half"]:
            n, j = n + 0.5, j + 3
        elif words[j : j + 1] == ["quarters"]:  # "three quarters of an hour"
            n, j = n / 4, j + 1
            j += 1 if words[j : j + 1] == ["of"] else 0
            j += 1 if words[j : j + 1] in (["a"], ["an"]) else 0
    elif w in {"a", "an", "one"}:
        n = 1.0
    elif w == "half":
        n, j = 0.5, j + (1 if words[j : j + 1] in (["a"], ["an"]) else 0)
    elif w in {"quarter", "couple"}:  # "a quarter of an hour", "a couple of minutes"
        n = 0.25 if w == "quarter" else 2.0
        j += 1 if words[j : j + 1] == ["of"] else 0
        j += 1 if words[j : j + 1] in (["a"], ["an"]) else 0
    else:
        return None
    unit = _UNIT_WORDS.get(words[j].removesuffix("s")) if j < len(words) else None
    if unit is None:
        return None
    j += 1
    if words[j : j + 3] == ["and", "a", "half"]:
        n, j = n + 0.5, j + 3
    elif words[j : j + 3] == ["and", "a", "quarter"]:  # "an hour and a quarter"
        n, j = n + 0.25, j + 3
    return n * UNIT_SECONDS[unit], j


def durations_said(text: str) -> list[Said]:
    """Every duration in ``text``, its parts joined ("1 hour, 15 minutes and 30 seconds" is one, "5 and
    a half minutes", "half an hour", "1/2 a minute", "a quarter of an hour", "three quarters of an hour",
    "a couple of minutes" too)."""
    words = duration_words(text)
    out: list[Said] = []
    i = 0
    while i < len(words):
        part = _component(words, i)
        if part is None:
            i += 1
            continue
        total, j = part
        while True:  # "1 hour 15 minutes", "1 hour, 15 minutes, and 30 seconds" (fold drops the commas)
            k = j
            while k < len(words) and words[k] == "and":
                k += 1
            more = _component(words, k) if k < len(words) else None
            if more is None:
                break
            total, j = total + more[0], more[1]
        before = words[max(0, i - 2) : i]
        of_timer = words[j : j + 1] in (["timer"], ["timers"]) or (
            len(before) == 2 and before[0] in {"timer", "timers"} and before[1] in {"for", "of"}
        )
        out.append(Said(total, i, j, of_timer))
        i = j
    return out


def duration_slots(seconds: float) -> dict[str, str]:
    """Seconds as Home Assistant's timer slots in whole units: 330 -> minutes 5, seconds 30."""
    left, out = round(seconds), {}
    for unit, size in UNIT_SECONDS.items():
        if left >= size:
            out[unit], left = str(left // size), left % size
    return out


def duration_in_text(text: str) -> float | None:
    """The duration written in ``text`` ("the five minute one", "1 hour and 30 minutes"), or None."""
    said = durations_said(text)
    return sum(d.seconds for d in said) if said else None


def spoken_duration(seconds: float, *, adjective: bool = False) -> str:
    """Seconds as words: ``spoken_duration(303) == "5 minutes and 3 seconds"``, ``3600`` -> "1 hour";
    ``adjective``: "5 minute" (as in "the 5 minute timer")."""
    left = max(0, round(seconds))
    hours, rest = divmod(left, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{n} {unit if n == 1 or adjective else unit + 's'}"
        for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second"))
        if n
    ]
    if not parts:
        return "0 seconds"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
