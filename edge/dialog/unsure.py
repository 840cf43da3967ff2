"""The question the device asks instead of acting on a guess, and the answer to it (pure).

Below the operating point (``nlu.act_below``) the parser keeps the model's two readings when both are
plausible and would do different things (:attr:`edge.nlu.parser.ParseResult.unsure`). The device then asks
one short question naming what differs: the action ("Do you want me to turn on or turn off the fan?"), the
device ("Did you mean the oven or the kitchen light?") or both ("Do you want me to dim the lamp or warm up
the thermostat?"). The answer names one reading: by a word only its action has ("off", "turn it on"), a
device only it touches ("the oven"), or its place ("the first one", "the second"); a "no" drops it. Anything
else is a new request. The chosen reading is then planned as a direct request, so through the safety gate:
a lock still asks.
"""

from __future__ import annotations

from collections.abc import Sequence

from edge.context.model import ContextSnapshot
from edge.dialog.responses import names_of, verb_for
from edge.dialog.which import chosen
from edge.lang import fold, name_key
from edge.nlu.types import Intent

__all__ = ["chosen_reading", "doing", "unsure_question"]

_FIRST = frozenset({"first", "former", "1st"})
_SECOND = frozenset({"second", "latter", "2nd", "last"})
_RELATIVE = {"up": "turn up", "down": "turn down"}
_FILLERS = frozenset(
    {"the", "one", "a", "an", "it", "them", "that", "this", "i", "mean", "meant", "said", "please", "yes",
     "yeah", "oh", "um", "uh", "just", "only", "you", "can", "to", "want", "wanted", "do", "in", "of",
     "sorry"}
)  # fmt: skip


def doing(reading: Intent, snapshot: ContextSnapshot) -> str:
    """What a reading would do, as a verb phrase ("turn on", "dim"); "" when it has no short one."""
    if reading.name == "HassSetVolumeRelative":
        step = reading.slots.get("volume_step", "")
        return _RELATIVE.get(step, "turn down" if step.startswith("-") else "turn up")
    verb = verb_for(reading, snapshot)
    return "" if verb == "do that to" else verb


def unsure_question(readings: Sequence[Intent], snapshot: ContextSnapshot) -> str | None:
    """One short question between two readings, or None when they cannot be told apart in a few words
    (then the device says it did not understand)."""
    if len(readings) != 2 or not all(r.targets for r in readings):
        return None
    first, second = readings
    verbs = (doing(first, snapshot), doing(second, snapshot))
    names = (names_of(first.targets, snapshot), names_of(second.targets, snapshot))
    if verbs[0] and verbs[0] == verbs[1] and names[0] != names[1]:
        return f"Did you mean {names[0]} or {names[1]}?"
    if not all(verbs) or verbs[0] == verbs[1]:
        return None
    if names[0] == names[1]:
        return f"Do you want me to {verbs[0]} or {verbs[1]} {names[0]}?"
    return f"Do you want me to {verbs[0]} {names[0]} or {verbs[1]} {names[1]}?"


def chosen_reading(answer: str, readings: Sequence[Intent], snapshot: ContextSnapshot) -> int | None:
    """The index of the reading ``answer`` chooses, or None (not an answer: a new request)."""
    words = fold(answer).split()
    if not words or len(readings) != 2:
        return None
    said = set(words)
    allowed = _FILLERS | _FIRST | _SECOND
    for reading in readings:
        allowed |= set(doing(reading, snapshot).split())
        for target in reading.targets:
            if device := snapshot.devices.get(target):
                for label in (device.name, *device.aliases, device.area):
                    allowed |= set(name_key(label).split())
    if not said <= allowed:
        return None  # "turn on the kitchen light": a new request, even though it says "on"
    if said & _FIRST and not said & _SECOND:
        return 0
    if said & _SECOND and not said & _FIRST:
        return 1
    verbs = [set(doing(r, snapshot).split()) for r in readings]
    only = [v - verbs[1 - i] for i, v in enumerate(verbs)]
    by_verb = [i for i in (0, 1) if only[i] & said]
    if len(by_verb) == 1:
        return by_verb[0]
    if set(readings[0].targets) != set(readings[1].targets):
        offered = tuple(dict.fromkeys((*readings[0].targets, *readings[1].targets)))
        picked = chosen(answer, offered, snapshot)
        holders = [i for i in (0, 1) if picked in readings[i].targets]
        if picked is not None and len(holders) == 1:
            return holders[0]
    return None
