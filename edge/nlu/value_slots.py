"""The number in a request belongs to the slot its intent takes.

The tagger sometimes names a number's slot after the words around it rather than the intent ("set main
valve to 100": ``temperature`` for a ``HassSetPosition``). An intent that takes exactly one number slot
gets the number under that slot's name; a number slot it does not take is never passed on.

A device the tagger did not tag, for the intents whose devices have names of their own rather than class
words (a weather source, a lawn mower, a robot vacuum: "what's the weather like in los angeles", "vacuum the
bedroom with rover"): a device of the intent's domain whose whole name is in the words is the ``name``, so
the answer is about Los Angeles, not the first weather source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from edge.context.model import Device
from edge.lang import model_tokens

__all__ = ["NAMED_BY_WORDS", "NUMBER_SLOTS", "named_in_words", "value_slots"]

NUMBER_SLOTS = frozenset({"brightness", "position", "temperature", "volume_level", "percentage"})
_TAKES: Mapping[str, str] = {
    "HassSetPosition": "position",
    "HassClimateSetTemperature": "temperature",
    "HassSetVolume": "volume_level",
    "HassFanSetSpeed": "percentage",
}
NAMED_BY_WORDS: Mapping[str, str] = {
    "HassGetWeather": "weather",
    "HassLawnMowerStartMowing": "lawn_mower",
    "HassLawnMowerDock": "lawn_mower",
    "HassVacuumStart": "vacuum",
    "HassVacuumReturnToBase": "vacuum",
    "HassVacuumCleanArea": "vacuum",
}
"""Intents whose device is named by a name of its own, with the domain it is named in."""


def named_in_words(intent: str, tokens: Sequence[str], devices: Mapping[str, Device]) -> str:
    """The name of the one device of ``intent``'s :data:`NAMED_BY_WORDS` domain whose whole name is in
    ``tokens`` (the longest when names nest), else ""."""
    domain = NAMED_BY_WORDS.get(intent)
    if domain is None:
        return ""
    said = f" {' '.join(tokens)} "
    found = {
        d.name: len(key)
        for d in devices.values()
        if d.domain == domain and (key := " ".join(model_tokens(d.name))) and f" {key} " in said
    }
    longest = max(found.values(), default=0)
    named = [name for name, size in found.items() if size == longest]
    return named[0] if len(named) == 1 else ""


def value_slots(
    intent: str,
    slots: Mapping[str, str],
    tokens: Sequence[str] = (),
    devices: Mapping[str, Device] | None = None,
) -> dict[str, str]:
    """``slots`` with a stray number slot renamed to the one ``intent`` takes (when it lacks it), and the
    device named in ``tokens`` (:func:`named_in_words`) when the tagger gave no ``name``."""
    out = dict(slots)
    if "name" not in out and devices and (named := named_in_words(intent, tokens, devices)):
        out["name"] = named
    wanted = _TAKES.get(intent)
    if wanted is None or wanted in out:
        return out
    stray = [k for k in out if k in NUMBER_SLOTS and k != wanted]
    if len(stray) == 1:
        out[wanted] = out.pop(stray[0])
    return out
