"""Answers that need no device: the time and date from the device clock, the weather from a ``weather.*``
entity of the snapshot, and Home Assistant's ``HassRespond`` answers, told truthfully for this product."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from edge.context.model import ContextSnapshot
from edge.lang import fold
from edge.nlu.social import response_of

__all__ = ["NO_WEATHER", "RESPONSES", "current_date", "current_time", "respond", "weather"]

NO_WEATHER = "I don't have a weather source. Add a weather entity to your home and ask me again."

RESPONSES: Mapping[str, str] = {
    "hello": "Hello! How can I help?",
    "listening": (
        "No. I only listen for the wake word, and I understand what you say here on this device; "
        "nothing is recorded before you say it."
    ),
    "data": (
        "Your data stays in your home: requests are understood on this device and kept on it. Nothing "
        "leaves the home unless you turn on fleet learning, and then only anonymized rephrasings."
    ),
    "commands": (
        "You can ask me to switch lights and devices, set the heating, open or close covers, play music, "
        "set timers, add things to your lists, or ask the time, the date and the weather."
    ),
    "creator": "I'm ambient edge, an open-source voice assistant that runs entirely in your home.",
    "thanks": "You're welcome.",
}
"""Home Assistant's ``HassRespond`` response names (hello, listening, data, commands, creator), answered
for this product: nothing leaves the home unless the user opted in to fleet learning (docs/fleet.md)."""

_CONDITIONS: Mapping[str, str] = {
    "clear": "and clear",
    "clear-night": "and clear",
    "cloudy": "and cloudy",
    "exceptional": "and exceptional",
    "fog": "with fog",
    "hail": "with hail",
    "lightning": "with lightning",
    "lightning-rainy": "with lightning and rain",
    "partlycloudy": "and partly cloudy",
    "pouring": "and pouring rain",
    "rainy": "and raining",
    "snowy": "and snowing",
    "snowy-rainy": "with snow and rain",
    "sunny": "and sunny",
    "windy": "and windy",
    "windy-variant": "with wind and clouds",
}  # fmt: skip  (Home Assistant's HassGetWeather response)
_ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def respond(text: str, response: str = "") -> str:
    """The answer to a ``HassRespond`` request: by the response name the NLU gave, else read from the
    words; a greeting when nothing else fits."""
    if response in RESPONSES:
        return RESPONSES[response]
    return RESPONSES[response_of(fold(text))]


def current_time(now: datetime) -> str:
    """Home Assistant's form: "3:05 PM"."""
    hour = now.hour % 12 or 12
    return f"It's {hour}:{now.minute:02d} {'AM' if now.hour < 12 else 'PM'}."


def current_date(now: datetime) -> str:
    """Home Assistant's form: "December 6th, 2026" (with the weekday first)."""
    day = f"{now.day}{_ORDINAL.get(now.day, 'th')}"
    return f"Today is {now:%A}, {now:%B} {day}, {now.year}."


def weather(snapshot: ContextSnapshot, name: str = "") -> str:
    """The weather from the snapshot's ``weather.*`` entity (the one named, else the first), or
    :data:`NO_WEATHER`; a named place with no such entity says so."""
    sources = sorted(e for e in snapshot.devices if e.startswith("weather."))
    if not sources:
        return NO_WEATHER
    chosen = sources[0]
    if name.strip():
        wanted = fold(name)
        named = [e for e in sources if wanted in fold(snapshot.devices[e].name) or wanted in e]
        if not named:
            return f"I don't have the weather for {name.strip()}."
        chosen = named[0]
    state = snapshot.states.get(chosen)
    if state is None or state.state in {"unknown", "unavailable", ""}:
        return "The weather source isn't reporting right now."
    temp = state.attributes.get("temperature")
    unit = str(state.attributes.get("temperature_unit", "")).strip()
    condition = _CONDITIONS.get(state.state.lower(), f"and {state.state.replace('-', ' ')}")
    if isinstance(temp, int | float):
        degrees = f"{temp:g}{' ' + unit if unit else ' degrees'}"
        return f"It's {degrees} {condition}."
    return f"It's {condition.removeprefix('and ').removeprefix('with ')}."
