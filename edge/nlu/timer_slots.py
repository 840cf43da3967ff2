"""A timer's duration slots as Home Assistant gives them, from the words when the tagger missed a part.

The tagger reads "set a timer for 5 and a half minutes" as ``minutes: 5`` and "half an hour" as nothing;
"create 1 hour timer" sometimes as ``start_hours`` (the slots Home Assistant uses to *name* a running timer
by the duration it was started with). For a timer being started, or changed by an amount, the words decide
(:func:`edge.lang.durations.durations_said`): when they say a duration the slots do not add up to, the
slots become that duration in whole hours, minutes and seconds, as HA's templates give them ("5 and a half
minutes" -> minutes 5, seconds 30; "half an hour" -> minutes 30; "90 minutes" stays minutes 90). A request
about a running timer (cancel, pause, resume, status) names it by the duration it was started with, which
HA's slots call ``start_hours`` / ``start_minutes`` / ``start_seconds`` ("pause the 10 minute timer").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from edge.lang.durations import UNIT_SECONDS, duration_from_slots, duration_slots, durations_said
from edge.nlu.types import Intent

__all__ = ["TIMER_VERBS", "timer_slots", "timer_verb", "timer_verb_of"]

_AMOUNT_INTENTS = frozenset({"HassStartTimer", "HassIncreaseTimer", "HassDecreaseTimer"})
_NAMING_INTENTS = frozenset(
    {"HassCancelTimer", "HassPauseTimer", "HassUnpauseTimer", "HassTimerStatus"}
)  # a duration in them is the one the timer was started with, as Home Assistant's slots say


def timer_slots(intent: str, slots: Mapping[str, str], text: str) -> dict[str, str]:
    """``slots`` with the duration of a started / increased / decreased timer as the words say it."""
    out = dict(slots)
    if intent in _NAMING_INTENTS:  # "cancel the 5 minute timer": the duration names the timer (start_*)
        for unit in UNIT_SECONDS:
            if (value := out.pop(unit, None)) is not None:
                out.setdefault(f"start_{unit}", value)
        if "name" not in out and not any(k.startswith("start_") for k in out) and (name := _named(text)):
            out["name"] = name  # "how much time is left on the pizza timer": the pizza timer's
        return out
    if intent not in _AMOUNT_INTENTS:
        return out
    if intent == "HassStartTimer":  # a timer being started has a duration, not a starting duration
        for unit in UNIT_SECONDS:
            if (value := out.pop(f"start_{unit}", None)) is not None:
                out.setdefault(unit, value)
    said = [d for d in durations_said(text) if intent == "HassStartTimer" or not d.of_timer]
    if len(said) != 1:
        return out  # no duration, or several ("add 5 minutes to the 10 minute timer"): the tags stand
    if duration_from_slots(out) == said[0].seconds and all(out.get(u, "0").isdigit() for u in UNIT_SECONDS):
        return out  # "90 minutes" stays minutes 90
    for unit in UNIT_SECONDS:
        out.pop(unit, None)
    return {**out, **duration_slots(said[0].seconds)}


TIMER_VERBS = (  # Home Assistant's timer verbs (its templates' expansion rules)
    (
        "HassCancelAllTimers",
        re.compile(
            r"^(?:please )?(?:cancel|stop|clear|delete|remove|kill|end|turn off|switch off|get rid of|forget"
            r"|drop|dismiss|abort|ditch)"
            r" (?:all\b.*\btimers|every (?:single )?timer|each timer)\b"
        ),
    ),
    (
        "HassPauseTimer",
        re.compile(
            r"^(?:please )?(?:pause|hold|freeze)\b|\btimers?\b.*\bon hold\b"
        ),  # "put the timer on hold"
    ),
    (
        "HassUnpauseTimer",
        re.compile(
            r"^(?:please )?(?:resume|continue|unpause|restart)\b|^(?:please )?start\b.*\btimer\b.* again$"
        ),
    ),
    (
        "HassIncreaseTimer",
        re.compile(
            r"^(?:please )?(?:(?:increase|extend)\b.*|add\b.*\b(?:to|onto|on)\b.*)\btimer"
            r"|^(?:please )?give\b.*\btimer\b.*\b(?:another|more|extra)\b"  # "give the timer 5 more minutes"
        ),
    ),
    (
        "HassDecreaseTimer",
        re.compile(
            r"^(?:please )?(?:(?:decrease|shorten|reduce)\b.*"
            r"|(?:remove|take|subtract|knock)\b.*\b(?:from|off)\b.*)\btimer"
        ),
    ),
    (  # after the decrease: "remove 5 minutes from the timer" takes time off, "remove the timer" cancels it
        "HassCancelTimer",
        re.compile(
            r"^(?:please )?(?:cancel|stop|kill|end|delete|remove|scrap|turn off|switch off|get rid of|forget"
            r"|drop|dismiss|abort|ditch)\b.*\btimer\b"
        ),
    ),
)
"""Each timer intent with the shape of its requests (on lowercase words), in the order they are tried."""
_STATUS = re.compile(
    r"^(?:how (?:long|much time|much longer)|what(?:s| is) left|time left|when (?:does|will|is))\b"
    r".*\btimers?\b"
    r"|\btimers? status$|^status of\b.*\btimers?\b"
)


_NOT_A_TIMER_NAME = frozenset({
    "the", "my", "a", "an", "this", "that", "our", "your", "its", "all", "every", "each", "any", "some",
    "one", "other", "current", "running", "active", "kitchen", "oven", "on", "for", "of", "off", "left",
    "remaining", "much", "long", "many", "time", "cancel", "stop", "pause", "resume", "unpause", "continue",
    "restart", "end", "clear", "delete", "remove", "check", "status", "first", "second", "last", "new", "old",
    "next", "and",
})  # fmt: skip


def _named(text: str) -> str:
    """The name said right before "timer" ("the pizza timer" -> pizza); "" for a duration, an article, a
    place word or a verb ("the timer", "my kitchen timer", "the 5 minute timer")."""
    words = re.sub(r"[^a-z0-9' ]", " ", text.lower()).split()
    if "timer" not in words:
        return ""
    i = words.index("timer")
    before = words[i - 1] if i else ""
    if not before or before in _NOT_A_TIMER_NAME or before.isdigit() or before.rstrip("s") in _DURATION_WORDS:
        return ""
    return before


_DURATION_WORDS = frozenset({"second", "minute", "hour", "sec", "min", "hr"})


def timer_verb_of(text: str) -> str | None:
    """The timer intent the words of a timer request say (:data:`TIMER_VERBS`; ``HassTimerStatus`` for
    "how long until the timer goes off"), or None (a timer being started, or no timer verb)."""
    said = " ".join(text.lower().replace("'", "").split())
    name = next((name for name, pattern in TIMER_VERBS if pattern.search(said)), None)
    return name or ("HassTimerStatus" if _STATUS.search(said) else None)


_TIMER_NAMES = frozenset({name for name, _ in TIMER_VERBS} | {"HassStartTimer", "HassTimerStatus"})


def timer_verb(intent: Intent) -> Intent:
    """A timer intent whose verb says another timer intent ("pause the timer" read as HassCancelTimer,
    "get rid of the 15 minute timer" read as a start): the verb decides, so a pause never cancels and a
    cancel never starts one. Only among timer intents; a request for later ("turn off the oven in 10
    minutes") starts its timer."""
    if intent.name not in _TIMER_NAMES or intent.slots.get("conversation_command"):
        return intent
    name = timer_verb_of(intent.text)
    if name in {None, intent.name, "HassTimerStatus"}:
        return intent
    return replace(intent, name=str(name), slots=timer_slots(str(name), intent.slots, intent.text))
