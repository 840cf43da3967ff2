"""The catalogue: every English intent of Home Assistant (``home-assistant-intents``), with HA's names and
slot names, plus our own intents only where HA has none.

Our own intents, and why each exists (HA has no intent for it):

- ``LightBrighter`` / ``LightDimmer``: relative brightness ("brighter", "dim it a bit"); HA only sets levels.
- ``ClimateWarmer`` / ``ClimateCooler``: "make it warmer", "I'm cold": a step on the current setpoint.
- ``CoffeeBrew``: the coffee maker's brew (with the drink); HA has no appliance-programme intent.
- ``UndoLast``: undo the last action from the undo journal (the self-learning loop's first repair).
- ``TeachMacro`` / ``TeachPreference`` / ``ForgetTaught``: the teaching dialogue.
- ``Confirm`` / ``Deny``: the whole-utterance yes/no that the safety gate's confirmation needs.
- ``OutOfDomain``: chit-chat and general questions, which never move a device.

Oven temperature is HA's: ``HassClimateGetTemperature`` / ``HassClimateSetTemperature`` whose *targets*
pick the oven (the running appliance in the area, or the oven named); the planner sets an oven's
temperature like a thermostat's. Relative volume is ``HassSetVolumeRelative`` (``volume_step``: "up",
"down" or a signed percentage, as HA's lists). Names used before (``VolumeUp``, ``OvenGetTemperature``...)
are read through :data:`LEGACY_INTENTS` wherever something stored may name them.

What is safety-critical is decided here, once, by the kind of device a command reaches
(:data:`SAFETY_CRITICAL_KINDS`, :func:`is_safety_critical`): the gate (``edge.actions.gate``), learning, the
fleet's binding and release filters and teaching all ask :func:`is_safety_critical`. No catalogue intent is
critical by itself (what makes "open" dangerous is the garage door it opens); the only intent-level rule is
:data:`SAFETY_CRITICAL_INTENTS`, names from outside the catalogue that learning refuses (docs/safety.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, Protocol

__all__ = [
    "CATALOGUE",
    "EDGE_INTENTS",
    "HA_INTENTS",
    "LEGACY_INTENTS",
    "LEGACY_SLOTS",
    "OUT_OF_DOMAIN",
    "SAFETY_CRITICAL_INTENTS",
    "SAFETY_CRITICAL_KINDS",
    "DeviceKind",
    "IntentSpec",
    "by_name",
    "catalogue_json",
    "current_name",
    "current_slots",
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
    "valve",
    "media_player",
    "climate",
    "vacuum",
    "lock",
    "oven",
    "coffee_maker",
    "input_boolean",
)
_TIMER = ("start_hours", "start_minutes", "start_seconds", "name", "area")
_MEDIA = ("media_player",)


def _ha(
    name: str, desc: str, slots: tuple[str, ...] = (), domains: tuple[str, ...] = (), moves: bool = False
) -> IntentSpec:
    return IntentSpec(name, desc, slots, domains, moves, "home-assistant")


def _edge(
    name: str, desc: str, slots: tuple[str, ...] = (), domains: tuple[str, ...] = (), moves: bool = False
) -> IntentSpec:
    return IntentSpec(name, desc, slots, domains, moves, "edge")


HA_INTENTS: tuple[IntentSpec, ...] = (
    _ha(
        "HassTurnOn",
        "Turn on (open, unlock, start) a device or devices by area/floor/domain; activate a scene, script",
        (*_TARGET, "domain", "device_class"),
        (*_DEVICES, "scene", "script", "button", "input_button"),
        True,
    ),
    _ha(
        "HassTurnOff",
        "Turn off (or close, lock) a device, or devices by area/floor/domain",
        (*_TARGET, "domain", "device_class"),
        _DEVICES,
        True,
    ),
    _ha(
        "HassGetState",
        "Ask the state of anything: a device, a sensor, a lock, a cover, who is home (never acts)",
        (*_TARGET, "domain", "device_class", "state"),
        (*_DEVICES, "sensor", "binary_sensor", "person"),
    ),
    _ha("HassNevermind", "Cancel the current request", (), ()),
    _ha("HassRespond", "A reply and nothing else: greetings, questions about the assistant", ("response",)),
    _ha("HassBroadcast", "Announce a message on the other satellites", ("message",), ("assist_satellite",)),
    _ha(
        "HassSetPosition",
        "Set the position of a cover or valve (blinds, curtains)",
        (*_TARGET, "domain", "device_class", "position"),
        ("cover", "valve"),
        True,
    ),
    _ha("HassGetCurrentDate", "Ask the date", (), ()),
    _ha("HassGetCurrentTime", "Ask the time", (), ()),
    _ha(
        "HassLightSet",
        "Set brightness, colour or colour temperature of lights",
        (*_TARGET, "domain", "brightness", "color", "temperature"),
        ("light",),
        True,
    ),
    _ha(
        "HassClimateSetTemperature",
        "Set a target temperature: the thermostat, or the oven when the oven is the target",
        (*_TARGET, "temperature"),
        ("climate", "oven"),
        True,
    ),
    _ha(
        "HassClimateGetTemperature",
        "Ask the temperature: the room's, or a running appliance's (the oven) when it is the target",
        _TARGET,
        ("climate", "sensor", "oven"),
    ),
    _ha(
        "HassClimateSetFanMode", "Set a climate device's fan mode", (*_TARGET, "fan_mode"), ("climate",), True
    ),
    _ha("HassShoppingListAddItem", "Add an item to the shopping list", ("item",), ("shopping_list",)),
    _ha("HassShoppingListCompleteItem", "Check an item off the shopping list", ("item",), ("shopping_list",)),
    _ha("HassGetWeather", "Ask the weather", ("name",), ("weather",)),
    _ha("HassListAddItem", "Add an item to a to-do list", ("item", "name"), ("todo",)),
    _ha("HassListCompleteItem", "Check an item off a to-do list", ("item", "name"), ("todo",)),
    _ha("HassListRemoveItem", "Remove an item from a to-do list", ("item", "name"), ("todo",)),
    _ha("HassVacuumStart", "Start the robot vacuum", _TARGET, ("vacuum",), True),
    _ha(
        "HassVacuumReturnToBase",
        "Send the robot vacuum back to its dock",
        ("name", "area"),
        ("vacuum",),
        True,
    ),
    _ha("HassVacuumCleanArea", "Send the robot vacuum to clean an area", ("name", "area"), ("vacuum",), True),
    _ha("HassMediaPause", "Pause what is playing", ("name", "area"), _MEDIA, True),
    _ha("HassMediaUnpause", "Resume paused media", ("name", "area"), _MEDIA, True),
    _ha("HassMediaNext", "Skip to the next track or episode", ("name", "area"), _MEDIA, True),
    _ha("HassMediaPrevious", "Go back to the previous track", ("name", "area"), _MEDIA, True),
    _ha("HassSetVolume", "Set the volume to a level", ("name", "area", "volume_level"), _MEDIA, True),
    _ha("HassMediaPlayerMute", "Mute a media player", ("name", "area"), _MEDIA, True),
    _ha("HassMediaPlayerUnmute", "Unmute a media player", ("name", "area"), _MEDIA, True),
    _ha(
        "HassSetVolumeRelative",
        "Turn the volume up or down (volume_step: up, down or a signed percentage)",
        ("volume_step", *_TARGET),
        _MEDIA,
        True,
    ),
    _ha(
        "HassMediaSearchAndPlay",
        "Search for media and play it; media_class comes from the words or the context (screen -> movie)",
        ("name", "area", "search_query", "media_class"),
        _MEDIA,
        True,
    ),
    _ha(
        "HassStartTimer",
        "Start a timer (optionally running a command when it ends)",
        ("hours", "minutes", "seconds", "name", "conversation_command"),
    ),
    _ha("HassCancelAllTimers", "Cancel every timer", ("area",)),
    _ha("HassCancelTimer", "Cancel a timer", _TIMER),
    _ha("HassIncreaseTimer", "Add time to a timer", ("hours", "minutes", "seconds", *_TIMER)),
    _ha("HassDecreaseTimer", "Take time off a timer", ("hours", "minutes", "seconds", *_TIMER)),
    _ha("HassPauseTimer", "Pause a running timer", _TIMER),
    _ha("HassUnpauseTimer", "Resume a paused timer", _TIMER),
    _ha("HassTimerStatus", "Ask how much time is left", _TIMER),
    _ha("HassFanSetSpeed", "Set a fan's speed (percentage)", (*_TARGET, "percentage"), ("fan",), True),
    _ha("HassLawnMowerStartMowing", "Start the lawn mower", ("name",), ("lawn_mower",), True),
    _ha("HassLawnMowerDock", "Send the lawn mower back to its dock", ("name",), ("lawn_mower",), True),
)
"""Every English intent of ``home-assistant-intents``, with its names and slots (``intents.json``)."""

EDGE_INTENTS: tuple[IntentSpec, ...] = (
    _edge("LightBrighter", "Make lights brighter (relative)", (*_TARGET, "brightness"), ("light",), True),
    _edge("LightDimmer", "Make lights dimmer (relative)", (*_TARGET, "brightness"), ("light",), True),
    _edge("ClimateWarmer", "Raise the thermostat a little (relative)", _TARGET, ("climate",), True),
    _edge("ClimateCooler", "Lower the thermostat a little (relative)", _TARGET, ("climate",), True),
    _edge("CoffeeBrew", "Brew coffee on the coffee maker", (*_TARGET, "drink"), ("coffee_maker",), True),
    _edge("UndoLast", "Undo the last action", (), ()),
    _edge("TeachMacro", "Teach a phrase: 'when I say X, do Y'", ("trigger", "action"), ()),
    _edge("TeachPreference", "State a preference ('I prefer Celsius')", ("preference",), ()),
    _edge("ForgetTaught", "Forget something taught ('forget study mode')", ("trigger",), ()),
    _edge("Confirm", "Yes", (), ()),
    _edge("Deny", "No", (), ()),
    _edge(OUT_OF_DOMAIN, "Nothing for the home (chit-chat, general questions): never moves a device", (), ()),
)
"""Our own intents, only where Home Assistant has none (the module docstring says why each exists)."""

CATALOGUE: tuple[IntentSpec, ...] = (*HA_INTENTS, *EDGE_INTENTS)

LEGACY_INTENTS: Mapping[str, str] = MappingProxyType(
    {
        "VolumeUp": "HassSetVolumeRelative",
        "VolumeDown": "HassSetVolumeRelative",
        "OvenGetTemperature": "HassClimateGetTemperature",
        "OvenSetTemperature": "HassClimateSetTemperature",
    }
)
"""Names this project used before it took Home Assistant's: what a stored turn, a learned rewrite or a
fleet layer written then names is read as (:func:`current_name`)."""

LEGACY_SLOTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "VolumeUp": MappingProxyType({"volume_step": "up"}),
        "VolumeDown": MappingProxyType({"volume_step": "down"}),
    }
)
"""The slot an old name implied: ``VolumeDown`` is ``HassSetVolumeRelative`` with ``volume_step`` down."""


def current_name(name: str) -> str:
    """The catalogue's name for an intent name read from storage (an old name mapped to its new one)."""
    return LEGACY_INTENTS.get(name, name)


def current_slots(name: str, slots: Mapping[str, str]) -> dict[str, str]:
    """The slots of an intent read from storage, with what an old name implied (a direction) added."""
    implied = LEGACY_SLOTS.get(name, {})
    out = dict(slots)
    for key, value in implied.items():
        step = out.get(key, "").strip()
        if not step:
            out[key] = value
        elif value == "down" and not step.startswith("-") and step[:1].isdigit():
            out[key] = f"-{step}"  # VolumeDown "by 10" was a step down
    return out


_BY_NAME = {spec.name: spec for spec in CATALOGUE}


def by_name(name: str) -> IntentSpec | None:
    """The spec of an intent, by its name or an old name (:data:`LEGACY_INTENTS`)."""
    return _BY_NAME.get(current_name(name))


def catalogue_json(extra: tuple[IntentSpec, ...] = ()) -> list[dict[str, Any]]:
    return [spec.to_json() for spec in (*CATALOGUE, *extra)]
