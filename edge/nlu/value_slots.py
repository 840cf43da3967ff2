"""The number in a request belongs to the slot its intent takes.

The tagger sometimes names a number's slot after the words around it rather than the intent ("set main
valve to 100": ``temperature`` for a ``HassSetPosition``). An intent that takes exactly one number slot
gets the number under that slot's name; a number slot it does not take is never passed on. A number the
tagger left untagged ("set temperature to 20.5": a decimal it has seen little of) is the slot's when it is
the one number of the request and no other slot holds it; for ``HassLightSet``, which takes a brightness,
a colour or a colour temperature, only a number said with "percent" ("set overhead light to 100%").

A device the tagger did not tag, for the intents whose devices have names of their own rather than class
words (a weather source, a lawn mower, a robot vacuum: "what's the weather like in los angeles", "vacuum the
bedroom with rover"): a device of the intent's domain whose whole name is in the words is the ``name``, so
the answer is about Los Angeles, not the first weather source.

Words the tagger leaves, read as Home Assistant's templates read them: a climate fan mode (HA's
``fan_mode`` list: auto, low, medium, high...; "thermostat fan mode auto please"); "here" in a request to
clean an area is the satellite's area (HA's ``<here>``); a media search that ran on into where to play it
("play breaking bad on the tv") ends before "on the tv", which is the ``name`` (or an area, the ``area``),
and a leading quantifier ("some queen") is not part of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from edge.context.model import ContextSnapshot, Device
from edge.lang import model_tokens
from edge.nlu.wildcard import QUANTIFIERS

__all__ = ["FAN_MODES", "NAMED_BY_WORDS", "NUMBER_SLOTS", "media_place", "named_in_words", "value_slots"]

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
    "HassListAddItem": "todo",  # HA: "add {item} to [my|the] {name} [list]": "add bananas to trader joe's"
    "HassListCompleteItem": "todo",
    "HassListRemoveItem": "todo",
}
"""Intents whose device is named by a name of its own, with the domain it is named in."""
FAN_MODES: Mapping[str, str] = {
    "auto": "auto",
    "automatic": "auto",
    "on": "on",
    "off": "off",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "top": "top",
    "middle": "middle",
    "focus": "focus",
    "focused": "focus",
    "diffuse": "diffuse",
    "diffused": "diffuse",
}  # fmt: skip  (Home Assistant's ``fan_mode`` list: the words and the value each gives)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_HERE = frozenset({"here", "this room"})
_PLACE_LINKS = frozenset({"on", "in", "at", "through"})


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


def media_place(query: str, snapshot: ContextSnapshot) -> tuple[str, str, str]:
    """A search query without a leading quantifier and without a trailing "on / in [the] <media player or
    area>": (query, the player's name or "", the area or "")."""
    words = query.split()
    for quantifier in QUANTIFIERS:
        if len(words) > len(quantifier) and tuple(words[: len(quantifier)]) == quantifier:
            words = words[len(quantifier) :]
            break
    players = {
        " ".join(model_tokens(d.name)): d.name
        for d in snapshot.devices.values()
        if d.domain == "media_player"
    }
    areas = {" ".join(model_tokens(a)): a for a in snapshot.areas}
    for i in range(1, len(words)):
        if words[i] not in _PLACE_LINKS:
            continue
        rest = words[i + 1 :]
        place = " ".join(rest[1:] if rest[:1] in (["the"], ["my"]) else rest)
        if place in players or place in areas:
            return " ".join(words[:i]), players.get(place, ""), areas.get(place, "")
    return " ".join(words), "", ""


def _said_here(tokens: Sequence[str]) -> bool:
    said = f" {' '.join(tokens)} "
    return any(f" {here} " in said for here in _HERE)


def value_slots(
    intent: str,
    slots: Mapping[str, str],
    tokens: Sequence[str] = (),
    snapshot: ContextSnapshot | None = None,
) -> dict[str, str]:
    """``slots`` with a stray number slot renamed to the one ``intent`` takes (when it lacks it; with none
    tagged, the one number of the words no slot holds, and for ``HassLightSet`` a number said with
    "percent" as its brightness), and the
    words the tagger left (module docstring) read into the slots they belong to."""
    out = dict(slots)
    if snapshot is None:
        return _number_slot(intent, out, tokens)
    if "name" not in out and (named := named_in_words(intent, tokens, snapshot.devices)):
        out["name"] = named
    if intent == "HassClimateSetFanMode" and "fan_mode" not in out:
        modes = [FAN_MODES[t] for t in tokens if t in FAN_MODES and t != "fan"]
        if modes:
            out["fan_mode"] = modes[-1]
    elif intent == "HassClimateSetFanMode" and (mode := FAN_MODES.get(out["fan_mode"].strip().lower())):
        out["fan_mode"] = mode  # "automatic" as HA's list gives it: auto
    if (
        intent == "HassVacuumCleanArea"
        and "area" not in out
        and snapshot.satellite.area
        and _said_here(tokens)
    ):
        out["area"] = snapshot.satellite.area
    if intent == "HassMediaSearchAndPlay" and out.get("search_query"):
        query, player, area = media_place(out["search_query"], snapshot)
        out["search_query"] = query
        if player and "name" not in out:
            out["name"] = player
        if area and "area" not in out:
            out["area"] = area
    return _number_slot(intent, out, tokens)


def _number_slot(intent: str, slots: dict[str, str], tokens: Sequence[str]) -> dict[str, str]:
    out = slots
    wanted = _TAKES.get(intent)
    if intent == "HassLightSet" and "brightness" not in out:
        wanted = "brightness" if _untagged_number(out, tokens, before="percent") else None
    if wanted is None or wanted in out:
        return out
    stray = [k for k in out if k in NUMBER_SLOTS and k != wanted]
    if len(stray) == 1:
        out[wanted] = out.pop(stray[0])
    elif not stray and (number := _untagged_number(out, tokens)):
        out[wanted] = number  # "set temperature to 20.5", the number left untagged: the one it takes
    return out


def _untagged_number(slots: Mapping[str, str], tokens: Sequence[str], *, before: str = "") -> str:
    """The one number among ``tokens`` (followed by ``before`` when given) that no slot holds, else ""."""
    numbers = [i for i, t in enumerate(tokens) if _NUMBER.fullmatch(t)]
    if len(numbers) != 1:
        return ""
    i = numbers[0]
    if before and list(tokens[i + 1 : i + 2]) != [before]:
        return ""
    held = {w for v in slots.values() for w in str(v).split()}
    return "" if tokens[i] in held else tokens[i]
