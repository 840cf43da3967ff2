"""The number in a request belongs to the slot its intent takes.

The tagger sometimes names a number's slot after the words around it rather than the intent ("set main
valve to 100": ``temperature`` for a ``HassSetPosition``). An intent that takes exactly one number slot
gets the number under that slot's name; a number slot it does not take is never passed on.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["NUMBER_SLOTS", "value_slots"]

NUMBER_SLOTS = frozenset({"brightness", "position", "temperature", "volume_level", "percentage"})
_TAKES: Mapping[str, str] = {
    "HassSetPosition": "position",
    "HassClimateSetTemperature": "temperature",
    "HassSetVolume": "volume_level",
    "HassFanSetSpeed": "percentage",
}


def value_slots(intent: str, slots: Mapping[str, str]) -> dict[str, str]:
    """``slots`` with a stray number slot renamed to the one ``intent`` takes (when it lacks it)."""
    out = dict(slots)
    wanted = _TAKES.get(intent)
    if wanted is None or wanted in out:
        return out
    stray = [k for k in out if k in NUMBER_SLOTS and k != wanted]
    if len(stray) == 1:
        out[wanted] = out.pop(stray[0])
    return out
