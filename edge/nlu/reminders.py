""" "Wake me up in 20 minutes", "remind me to call mum in an hour", "let me know in 5 minutes": a timer.

Home Assistant has no alarm or reminder intent; its timers are what a voice satellite offers for "in N
minutes" (the timer rings, and says its name). The model reads these as nothing for the home, and "in 20
minutes wake me up" became a timer that would run "wake me up" as a command when it rings. Here the words
"wake me [up]", "remind me [to X]", "let me know", "tell me", "give me a shout / call / nudge" with a delay
(:func:`edge.nlu.delayed.delayed`: "in" / "after" a duration at either end) are ``HassStartTimer`` for that
duration, named after what to be reminded of ("call mum"; "wake up" for waking). Never a device request.
"At 7" (a clock time) is no duration and stays not understood. Pure."""

from __future__ import annotations

import re

from edge.nlu.delayed import delayed
from edge.nlu.types import Intent

__all__ = ["reminder"]

_ASK = re.compile(
    r"^(?:please |(?:can|could|would|will) you (?:please )?)?"
    r"(?:(?P<wake>wake me(?: up)?)|remind me(?: to (?P<what>.+))?|let me know|tell me|"
    r"give me a (?:shout|call|nudge|buzz))(?: please)?$"
)


def reminder(text: str) -> Intent | None:
    """The timer ``text`` asks for as a reminder or a wake-up, or None."""
    later = delayed(text)
    if later is None:
        return None
    asked = _ASK.match(" ".join(later.command.lower().replace(",", " ").split()))
    if asked is None:
        return None
    name = "wake up" if asked.group("wake") else (asked.group("what") or "").strip()
    slots = {**later.slots, **({"name": name} if name else {})}
    return Intent("HassStartTimer", slots, 1.0, text, (), source="text")
