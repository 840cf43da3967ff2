"""A cover moved a little: "lower the blinds a bit", "open the curtains a little more", "raise the shades
slightly" (``NLUParser.analyse``).

The model reads these as opening or closing (``HassTurnOn`` / ``HassTurnOff`` on the covers), and the blinds
went all the way down when the person asked for a bit. Home Assistant has no intent for a step; its covers
take a position (0 closed .. 100 open). Here, when the request opens or closes covers and says a little (a
bit, a little, slightly, a touch, a notch, a tad), it is ``HassSetPosition`` at the covers' reported position
moved by :data:`STEP` towards open or closed, when every target reports the same position and takes one;
otherwise None (the model's reading stands, and the planner says what the cover cannot do). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from edge.context.model import Capability, ContextSnapshot
from edge.nlu.reported import one_value
from edge.nlu.types import Intent

__all__ = ["STEP", "stepped"]

STEP = 25
"""How far "a bit" moves a cover, in points of its 0-100 position."""

_LITTLE: tuple[tuple[str, ...], ...] = (
    ("a", "bit"),
    ("a", "little"),
    ("slightly",),
    ("a", "touch"),
    ("a", "notch"),
    ("a", "tad"),
    ("little", "bit"),
)


def stepped(intent: Intent, tokens: Sequence[str], snapshot: ContextSnapshot) -> Intent | None:
    """``intent`` (opening or closing covers) as a step of their position when ``tokens`` say a little; None
    when it is not one or a target cannot take it."""
    if intent.name not in {"HassTurnOn", "HassTurnOff"} or not intent.targets or not _says_a_little(tokens):
        return None
    for entity_id in intent.targets:
        device = snapshot.devices.get(entity_id)
        if device is None or device.domain != "cover" or Capability.POSITION not in device.capabilities:
            return None
    position = one_value(snapshot, intent.targets, "current_position")
    if position is None:
        return None  # not reported, or covers at different heights: one position would move them apart
    step = STEP if intent.name == "HassTurnOn" else -STEP
    target = round(max(0.0, min(100.0, position + step)))
    return replace(intent, name="HassSetPosition", slots={**intent.slots, "position": str(target)})


def _says_a_little(tokens: Sequence[str]) -> bool:
    words = tuple(tokens)
    return any(words[i : i + len(p)] == p for p in _LITTLE for i in range(len(words) - len(p) + 1))
