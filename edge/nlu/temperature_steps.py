"""A set temperature moved by an amount: "turn the heating up by 2 degrees", "lower the thermostat by 1",
"increase the temperature by 3" (``NLUParser.analyse``).

The model reads these as setting the temperature (``HassClimateSetTemperature``) and tags the amount as the
temperature ("up by 2" asked for 2 degrees, which the planner refused), or as a step warmer or cooler
(``ClimateWarmer`` / ``ClimateCooler``, which move by one degree whatever was said). Home Assistant has no
relative climate intent. Here, when the words say "by <number>" (at most 50) and a direction (the request's
own, or up, increase, raise, warmer, higher; down, decrease, lower, cooler, reduce), it is
``HassClimateSetTemperature`` at the targets' set temperature moved by that amount, when every target
reports the same set temperature; otherwise None (the model's reading stands). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from edge.context.model import ContextSnapshot
from edge.nlu.reported import one_value
from edge.nlu.types import Intent

__all__ = ["by_amount"]

_UP = frozenset({"up", "increase", "raise", "warmer", "higher", "hotter", "bump"})
_DOWN = frozenset({"down", "decrease", "lower", "cooler", "reduce", "colder", "drop"})
_DIRECTED = {"HassClimateSetTemperature": "", "ClimateWarmer": "up", "ClimateCooler": "down"}
"""The requests a step applies to, and the direction the request itself says ("" : the words say it)."""


def by_amount(intent: Intent, tokens: Sequence[str], snapshot: ContextSnapshot) -> Intent | None:
    """``intent`` as the targets' set temperature moved by the amount said after "by" ("up by 2"); None when
    no amount is said that way, no direction, or a target has no set temperature."""
    if intent.name not in _DIRECTED or not intent.targets or (amount := _by(tokens)) is None:
        return None
    words = set(tokens)
    direction = _DIRECTED[intent.name] or (
        "up" if words & _UP and not words & _DOWN else "down" if words & _DOWN and not words & _UP else ""
    )
    if not direction:
        return None  # no direction said, or both
    current = one_value(snapshot, intent.targets, "temperature")
    if current is None:
        return None  # not reported, or thermostats set apart: one temperature would set them alike
    moved = current + (amount if direction == "up" else -amount)
    slots = {**intent.slots, "temperature": f"{moved:g}"}
    return replace(intent, name="HassClimateSetTemperature", slots=slots)


def _by(tokens: Sequence[str]) -> float | None:
    """The amount said as "by <number>" (at most 50 degrees: a step, an oven's too), or None."""
    for i in range(len(tokens) - 1):
        if tokens[i] == "by":
            try:
                amount = float(tokens[i + 1])
            except ValueError:
                continue
            return amount if 0 < amount <= 50 else None
    return None
