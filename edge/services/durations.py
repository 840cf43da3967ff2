"""Durations as timers hear and say them: slot values ("10", "ten", "half", "1/2") to seconds, durations
found in free text ("the 5 minute one"), and seconds back to words ("5 minutes and 3 seconds")."""

from __future__ import annotations

import re
from collections.abc import Mapping

from edge.lang import fold, numbers_to_digits

__all__ = ["UNIT_SECONDS", "duration_from_slots", "duration_in_text", "slot_seconds", "spoken_duration"]

UNIT_SECONDS: Mapping[str, int] = {"hours": 3600, "minutes": 60, "seconds": 1}
_HALF = frozenset({"half", "1/2", "a half", "half a", "half an"})
_UNIT_WORDS = {"hour": "hours", "hr": "hours", "minute": "minutes", "min": "minutes", "second": "seconds",
               "sec": "seconds"}  # fmt: skip
_DURATION = re.compile(r"(\d+(?:\.\d+)?|a|an|half an?|half)[ -](hour|hr|minute|min|second|sec)s?\b")


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


def duration_in_text(text: str) -> float | None:
    """The duration written in ``text`` ("the five minute one", "1 hour and 30 minutes"), or None."""
    words = numbers_to_digits(fold(text).replace("-", " ").split())
    total, found = 0.0, False
    for amount, unit in _DURATION.findall(" ".join(words)):
        name = _UNIT_WORDS[unit]
        value = slot_seconds(amount, name) if amount not in {"a", "an"} else float(UNIT_SECONDS[name])
        if value is not None:
            total, found = total + value, True
    return total if found else None


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
