"""The intent catalogue: Home Assistant intent names and slots where they exist, plus named additions.

Oven temperature uses dedicated intents (``OvenGetTemperature``/``OvenSetTemperature``) rather than oven
targets of ``HassClimate*``: an oven is a safety-relevant appliance the planner treats differently from a
thermostat, and the split makes the context decision (oven on or not) visible in the intent itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["CATALOGUE", "OUT_OF_DOMAIN", "IntentSpec", "by_name", "catalogue_json"]

Safety = Literal["none", "confirm-if-learned", "always-confirm"]
OUT_OF_DOMAIN = "OutOfDomain"


@dataclass(frozen=True, slots=True)
class IntentSpec:
    name: str
    description: str
    slots: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    moves_device: bool = False
    safety: Safety = "none"
    origin: Literal["home-assistant", "edge"] = "home-assistant"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "slots": list(self.slots),
            "domains": list(self.domains),
            "moves_device": self.moves_device,
            "safety": self.safety,
            "origin": self.origin,
        }


_TARGET = ("name", "area", "floor")
_DEVICES = (
    "light",
    "switch",
    "fan",
    "cover",
    "media_player",
    "climate",
    "vacuum",
    "lock",
    "oven",
    "coffee_maker",
)
_C: Safety = "confirm-if-learned"


def _ha(
    name: str, desc: str, slots: tuple[str, ...] = (), domains: tuple[str, ...] = (), moves: bool = False
) -> IntentSpec:
    return IntentSpec(name, desc, slots, domains, moves, _C if moves else "none", "home-assistant")


def _edge(
    name: str, desc: str, slots: tuple[str, ...] = (), domains: tuple[str, ...] = (), moves: bool = False
) -> IntentSpec:
    return IntentSpec(name, desc, slots, domains, moves, _C if moves else "none", "edge")


CATALOGUE: tuple[IntentSpec, ...] = (
    _ha(
        "HassTurnOn",
        "Turn on (or open, unlock) a device, or devices by area/floor/domain",
        (*_TARGET, "domain", "device_class"),
        _DEVICES,
        True,
    ),
    _ha(
        "HassTurnOff",
        "Turn off (or close) a device, or devices by area/floor/domain",
        (*_TARGET, "domain", "device_class"),
        _DEVICES,
        True,
    ),
    _ha(
        "HassLightSet",
        "Set brightness or colour of lights",
        (*_TARGET, "brightness", "color"),
        ("light",),
        True,
    ),
    _ha("HassGetState", "Ask for the state of a device", (*_TARGET, "domain", "state"), _DEVICES),
    _ha("HassClimateGetTemperature", "Ask the room or thermostat temperature", _TARGET, ("climate",)),
    _ha(
        "HassClimateSetTemperature",
        "Set the thermostat target temperature",
        (*_TARGET, "temperature"),
        ("climate",),
        True,
    ),
    _ha(
        "HassSetPosition",
        "Set the position of a cover (blinds, curtains)",
        (*_TARGET, "position"),
        ("cover", "valve"),
        True,
    ),
    _ha("HassVacuumStart", "Start the robot vacuum", _TARGET, ("vacuum",), True),
    _ha("HassVacuumReturnToBase", "Send the robot vacuum back to its dock", _TARGET, ("vacuum",), True),
    _ha("HassMediaPause", "Pause what is playing", _TARGET, ("media_player",), True),
    _ha("HassMediaUnpause", "Resume paused media", _TARGET, ("media_player",), True),
    _ha("HassMediaNext", "Skip to the next track or episode", _TARGET, ("media_player",), True),
    _ha("HassMediaPrevious", "Go back to the previous track", _TARGET, ("media_player",), True),
    _ha("HassMediaPlayerMute", "Mute a media player", _TARGET, ("media_player",), True),
    _ha("HassMediaPlayerUnmute", "Unmute a media player", _TARGET, ("media_player",), True),
    _ha("HassSetVolume", "Set the volume to a level", (*_TARGET, "volume_level"), ("media_player",), True),
    _ha(
        "HassMediaSearchAndPlay",
        "Search for media and play it; media_class comes from the words or the context (screen -> movie)",
        (*_TARGET, "search_query", "media_class"),
        ("media_player",),
        True,
    ),
    _ha("HassStartTimer", "Start a timer", ("hours", "minutes", "seconds", "name"), ()),
    _ha("HassCancelTimer", "Cancel a timer", ("name",), ()),
    _ha("HassTimerStatus", "Ask how much time is left", ("name",), ()),
    _ha("HassNevermind", "Cancel the current request", (), ()),
    _ha("HassGetCurrentTime", "Ask the time", (), ()),
    _ha("HassGetCurrentDate", "Ask the date", (), ()),
    _ha("HassGetWeather", "Ask the weather", ("name",), ()),
    _ha("HassShoppingListAddItem", "Add an item to the shopping list", ("item",), ()),
    _edge("LightBrighter", "Make lights brighter (relative)", (*_TARGET, "brightness"), ("light",), True),
    _edge("LightDimmer", "Make lights dimmer (relative)", (*_TARGET, "brightness"), ("light",), True),
    _edge("VolumeUp", "Turn the volume up (relative)", (*_TARGET, "volume_step"), ("media_player",), True),
    _edge(
        "VolumeDown", "Turn the volume down (relative)", (*_TARGET, "volume_step"), ("media_player",), True
    ),
    _edge("ClimateWarmer", "Raise the thermostat a little (relative)", _TARGET, ("climate",), True),
    _edge("ClimateCooler", "Lower the thermostat a little (relative)", _TARGET, ("climate",), True),
    _edge(
        "OvenSetTemperature",
        "Set or preheat the oven to a temperature",
        (*_TARGET, "temperature"),
        ("oven",),
        True,
    ),
    _edge("OvenGetTemperature", "Ask the oven temperature", _TARGET, ("oven",)),
    _edge("CoffeeBrew", "Brew coffee on the coffee maker", (*_TARGET, "drink"), ("coffee_maker",), True),
    _edge("UndoLast", "Undo the last action", (), ()),
    _edge("TeachMacro", "Teach a phrase: 'when I say X, do Y'", ("trigger", "action"), ()),
    _edge("TeachPreference", "State a preference ('I prefer Celsius')", ("preference",), ()),
    _edge("ForgetTaught", "Forget something taught ('forget study mode')", ("trigger",), ()),
    _edge("Confirm", "Yes", (), ()),
    _edge("Deny", "No", (), ()),
    _edge(OUT_OF_DOMAIN, "Nothing for the home (chit-chat, general questions): never moves a device", (), ()),
)

_BY_NAME = {spec.name: spec for spec in CATALOGUE}


def by_name(name: str) -> IntentSpec | None:
    return _BY_NAME.get(name)


def catalogue_json(extra: tuple[IntentSpec, ...] = ()) -> list[dict[str, Any]]:
    return [spec.to_json() for spec in (*CATALOGUE, *extra)]
