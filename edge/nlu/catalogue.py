"""The catalogue: the intents (Home Assistant names and slots where they exist, plus named additions) and
what is safety-critical.

Oven temperature uses dedicated intents (``OvenGetTemperature``/``OvenSetTemperature``) rather than oven
targets of ``HassClimate*``: an oven is a safety-relevant appliance the planner treats differently from a
thermostat, and the split makes the context decision (oven on or not) visible in the intent itself.

What is safety-critical is decided here, once, by the kind of device a command reaches
(:data:`SAFETY_CRITICAL_KINDS`, :func:`is_safety_critical`): the gate (``edge.actions.gate``), learning, the
fleet's binding and release filters and teaching all ask :func:`is_safety_critical`. No catalogue intent is
critical by itself (what makes "open" dangerous is the garage door it opens); the only intent-level rule is
:data:`SAFETY_CRITICAL_INTENTS`, names from outside the catalogue that learning refuses (docs/safety.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

__all__ = [
    "CATALOGUE",
    "OUT_OF_DOMAIN",
    "SAFETY_CRITICAL_INTENTS",
    "SAFETY_CRITICAL_KINDS",
    "DeviceKind",
    "IntentSpec",
    "by_name",
    "catalogue_json",
    "is_safety_critical",
]

OUT_OF_DOMAIN = "OutOfDomain"


class HasKind(Protocol):
    """Anything with a Home Assistant domain and device class (``edge.context.model.Device``)."""

    @property
    def domain(self) -> str: ...
    @property
    def device_class(self) -> str: ...


@dataclass(frozen=True, slots=True)
class DeviceKind:
    """A kind of device: its Home Assistant domain and device class ("" for every device of the domain)."""

    domain: str
    device_class: str = ""


SAFETY_CRITICAL_KINDS: frozenset[DeviceKind] = frozenset(
    {
        DeviceKind("lock"),
        DeviceKind("alarm_control_panel"),
        DeviceKind("garage"),
        *(
            DeviceKind(domain, opening)
            for domain in ("cover", "valve")
            for opening in ("garage", "gate", "door")  # the covers and valves that let someone in
        ),
        DeviceKind("valve", "gas"),
    }
)
"""Locks, alarm panels, garage doors, gates and doors (covers or valves), gas valves: every command to one
asks first and nothing learned ever reaches one."""

SAFETY_CRITICAL_INTENTS = frozenset(
    {"HassUnlock", "HassAlarmDisarm", "HassGarageOpen", "Purchase", "HassPurchase"}
)
"""Intent names outside the catalogue (a custom domain's, another assistant's) that mean a safety-critical
action by themselves: the learning filters never let a learned change lead to one."""


def is_safety_critical(device: HasKind) -> bool:
    """Whether ``device`` (or a :class:`DeviceKind`) is of a safety-critical kind."""
    kinds = SAFETY_CRITICAL_KINDS
    return DeviceKind(device.domain) in kinds or DeviceKind(device.domain, device.device_class) in kinds


@dataclass(frozen=True, slots=True)
class IntentSpec:
    name: str
    description: str
    slots: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    moves_device: bool = False
    origin: Literal["home-assistant", "edge"] = "home-assistant"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "slots": list(self.slots),
            "domains": list(self.domains),
            "moves_device": self.moves_device,
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


def _ha(
    name: str, desc: str, slots: tuple[str, ...] = (), domains: tuple[str, ...] = (), moves: bool = False
) -> IntentSpec:
    return IntentSpec(name, desc, slots, domains, moves, "home-assistant")


def _edge(
    name: str, desc: str, slots: tuple[str, ...] = (), domains: tuple[str, ...] = (), moves: bool = False
) -> IntentSpec:
    return IntentSpec(name, desc, slots, domains, moves, "edge")


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
