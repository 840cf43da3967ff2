"""A light's white said in words: "set the bedroom light to warm white", "make the lamp daylight", "make the
lights warmer" (``NLUParser.analyse``).

Home Assistant has no colour-temperature intent: its ``HassLightSet`` takes a ``color`` or a
``brightness``, and its colour list has no "warm white" or "daylight". We carry a white the same way, as
``HassLightSet`` with the word in its ``color`` slot: an absolute white (:data:`WHITE_KELVIN`) or a step
(:data:`RELATIVE`: "warmer", "cooler", "whiter"); the decider (:mod:`edge.actions.deciders`) sets a
white-spectrum bulb's colour temperature, approximates the white on an RGB-only light, and says a plain
light cannot.

The words are read as a light's only when the request is about a light: the model read a light request
("warmer light please" read as brighter), or a light word ("light", "lamp", "bulb"...) or a light's name is
said, and nothing of a thermostat ("make it warmer in here" stays ``ClimateWarmer``); a word inside a
device's name ("the daylight lamp", "the bottle warmer") is the name's. The lights are the
model's (when its reading was of lights), else the light named whole, else the lights of the room said,
else of the satellite's room. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from edge.context.model import ContextSnapshot
from edge.lang import model_tokens
from edge.nlu.names_said import named_one, names_climate
from edge.nlu.parse_result import ParseResult
from edge.nlu.types import Intent

__all__ = ["RELATIVE", "STEP_KELVIN", "WHITE_KELVIN", "white_reading", "white_word"]

WHITE_KELVIN: Mapping[str, int] = {
    "candlelight": 2200, "candle light": 2200, "warm white": 2700, "soft white": 2700, "warm": 2700,
    "neutral white": 4000, "natural white": 4000, "neutral": 4000, "cool white": 5000, "cold white": 5000,
    "cool": 5000, "daylight": 6500, "day light": 6500, "daylight white": 6500,
}  # fmt: skip
"""Each white and its colour temperature in kelvin (the bulb makers' names: "soft white" 2700 K,
"daylight" 6500 K)."""
RELATIVE: Mapping[str, int] = {"warmer": -1, "cooler": 1, "colder": 1, "whiter": 1}
"""A step of the white: "warmer" is lower kelvin (redder), "cooler" / "whiter" higher (bluer)."""
STEP_KELVIN = 500.0

_BARE = frozenset({"warm", "cool", "neutral"})  # a white only when said as a setting ("to warm")
_BEFORE = frozenset({"to", "on", "at"})
_LIGHT_WORDS = frozenset({"light", "lights", "lamp", "lamps", "bulb", "bulbs", "lighting", "lightbulb"})
_CLIMATE_WORDS = frozenset(
    {"thermostat", "heating", "heat", "heater", "ac", "aircon", "conditioning", "climate", "hvac",
     "temperature", "degrees", "degree", "radiator"}
)  # fmt: skip
_LIGHT_INTENTS = frozenset({"HassLightSet", "LightBrighter", "LightDimmer", "HassTurnOn"})


def white_word(tokens: Sequence[str]) -> str:
    """The white ``tokens`` name (a key of :data:`WHITE_KELVIN` or :data:`RELATIVE`), "" for none."""
    said = f" {' '.join(tokens)} "
    for word in sorted(WHITE_KELVIN, key=len, reverse=True):
        if word in _BARE:
            continue
        if f" {word} " in said:
            return word
    for i, token in enumerate(tokens):
        if token in RELATIVE:
            return token
        if token in _BARE and i and tokens[i - 1] in _BEFORE:
            return token
    return ""


def white_reading(result: ParseResult, tokens: Sequence[str], snapshot: ContextSnapshot) -> ParseResult:
    """``result`` as the white it asks of this home's lights (module doc), else ``result`` unchanged."""
    word = white_word(_without_names(tokens, snapshot))  # "the daylight lamp", "bottle warmer": names
    if not word or "and" in tokens or _CLIMATE_WORDS & set(tokens) or names_climate(tokens, snapshot):
        return result
    lights = [d for d in snapshot.devices.values() if d.domain == "light"]
    read = result.intent or next(iter(result.unsure), None)
    modelled = read is not None and read.name in _LIGHT_INTENTS and _all_lights(read.targets, snapshot)
    named = named_one(tokens, lights, _LIGHT_WORDS)
    if not (modelled or named or _LIGHT_WORDS & set(tokens)):
        return result
    slots: dict[str, str] = {"domain": "light"}
    if modelled and read is not None:
        targets = tuple(read.targets)
        slots.update({k: v for k, v in read.slots.items() if k in {"name", "area", "floor"}})
    elif named is not None:
        targets, slots["name"] = (named.entity_id,), named.name
    else:
        area = _area_said(tokens, snapshot) or snapshot.satellite.area
        targets = tuple(sorted(d.entity_id for d in lights if area and d.area.lower() == area.lower()))
        slots["area"] = area
    if not targets:
        return result
    slots["color"] = word
    base = read or Intent("HassLightSet")
    intent = replace(
        base,
        name="HassLightSet",
        slots=slots,
        text=result.text,
        targets=targets,
        target_scores=(),
        confidence=max(base.confidence, result.confidence),
        needs_confirmation=False,
    )
    return replace(result, intent=intent, needs_confirmation=False, unsure=())


def _without_names(tokens: Sequence[str], snapshot: ContextSnapshot) -> list[str]:
    """``tokens`` with every device name (or alias) said in them taken out, the longest first."""
    said = f" {' '.join(tokens)} "
    keys = {" ".join(model_tokens(n)) for d in snapshot.devices.values() for n in (d.name, *d.aliases)}
    for key in sorted((k for k in keys if k), key=len, reverse=True):
        said = said.replace(f" {key} ", " , ")
    return said.split()


def _all_lights(targets: Sequence[str], snapshot: ContextSnapshot) -> bool:
    devices = [snapshot.devices.get(t) for t in targets]
    return bool(devices) and all(d is not None and d.domain == "light" for d in devices)


def _area_said(tokens: Sequence[str], snapshot: ContextSnapshot) -> str:
    """The room said in the request ("the bedroom lights", "... in the bedroom"), the longest first."""
    said = f" {' '.join(tokens)} "
    for area in sorted(snapshot.areas, key=len, reverse=True):
        key = " ".join(model_tokens(area))
        if key and f" {key} " in said:
            return area
    return ""
