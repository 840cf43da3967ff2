"""A device request for later ("open the garage door in 5 minutes", "in an hour, turn off the heating") is
a timer carrying the request (Home Assistant's ``HassStartTimer`` with ``conversation_command``), never the
request now.

Only a delay the words put at either end of the request counts: "in <duration>" or "after <duration>"
first (a comma may follow) or last. "for an hour" is how long, not when, and stays the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from edge.lang.durations import duration_slots, duration_words, durations_said

__all__ = ["Delayed", "delayed"]

_DELAY_WORDS = frozenset({"in", "after"})


@dataclass(frozen=True, slots=True)
class Delayed:
    """The request's words without the delay, and the delay as a timer's slots."""

    command: str
    slots: dict[str, str]


def delayed(text: str) -> Delayed | None:
    """The request and its delay when ``text`` asks for a device request later; None otherwise."""
    words = duration_words(text)
    for said in durations_said(text):
        before = said.start - 1
        if before < 0 or words[before] not in _DELAY_WORDS or said.of_timer:
            continue
        if before == 0 and said.end < len(words):  # "in 5 minutes, open the garage door"
            command = words[said.end :]
        elif said.end == len(words) and before > 0:  # "open the garage door in 5 minutes"
            command = words[:before]
        else:
            continue
        if command:
            return Delayed(" ".join(command), duration_slots(said.seconds))
    return None
