"""The preference profile: declarative statements ("I prefer Celsius", "I like jazz") -> key/value pairs
that responses and the NLU read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from edge.lang import fold

__all__ = ["Preferences", "parse_preference"]

_UNIT = re.compile(r"^i (prefer|like|want|use) (degrees )?(celsius|centigrade|fahrenheit)( please)?$")
_LIKE = re.compile(r"^i (really )?(like|love|prefer|enjoy|listen to) (?P<what>[\w' ]+?)( music)?$")
_FAN = re.compile(r"^i(?: am|'m) (a |an |a big )?(?P<team>[\w' ]+?) fan$")
_NOT_TASTES = frozenset({"it", "that", "this", "you", "the light", "the lights"})


def parse_preference(text: str) -> tuple[str, str] | None:
    """("temperature_unit", "fahrenheit"), ("music", "jazz"), ("team", "warriors") or None."""
    said = fold(text)
    if m := _UNIT.match(said):
        unit = m.group(3)
        return ("temperature_unit", "fahrenheit" if unit == "fahrenheit" else "celsius")
    if m := _FAN.match(said):
        return ("team", m.group("team").strip())
    if (m := _LIKE.match(said)) and m.group("what").strip() not in _NOT_TASTES:
        what = m.group("what").strip()
        if not what.startswith(("to ", "when ")):
            return ("music", what)
    return None


@dataclass(frozen=True, slots=True)
class Preferences:
    values: Mapping[str, str] = field(default_factory=dict)

    @property
    def fahrenheit(self) -> bool:
        return self.values.get("temperature_unit", "") == "fahrenheit"

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)
