"""What a device *is* (an oven, a kettle, a TV, a monitor, the blinds), from its name, ``device_class`` and
capabilities, not from its entity-id prefix alone.

Homes arrive over Home Assistant discovery and Zigbee2MQTT, where an oven is often ``switch.oven`` (a smart
plug) next to ``sensor.oven_temperature``, a fan hangs on a plug, a TV is a ``media_player`` with device class
``tv`` (or only called "TV"), and a monitor is a switch. Every reader that asks "is this the oven?" (the
targets of a request, the model's context features, the which-one rule, temperature readings) asks
:func:`kind_of`. Pure: a :class:`~edge.context.model.Device` in, a :class:`Kind` out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import lru_cache

from edge.context.model import Capability, ContextSnapshot, Device

__all__ = [
    "APPLIANCE_KINDS",
    "KIND_WORDS",
    "Kind",
    "companion_sensors",
    "is_active",
    "kind_of",
    "name_words",
    "temperature_sources",
]


class Kind(StrEnum):
    """A kind of device as a person names it."""

    LIGHT = "light"
    OVEN = "oven"
    KETTLE = "kettle"
    COFFEE_MAKER = "coffee_maker"
    WASHER = "washer"  # washing machine, dishwasher, dryer
    FRIDGE = "fridge"  # fridge or freezer: never switched off as part of "everything"
    HEATER = "heater"  # a plug-in heater or radiator (not a thermostat)
    FAN = "fan"
    TV = "tv"
    MONITOR = "monitor"
    SPEAKER = "speaker"
    THERMOSTAT = "thermostat"
    WATER_HEATER = "water_heater"
    TEMPERATURE_SENSOR = "temperature_sensor"
    SENSOR = "sensor"
    BINARY_SENSOR = "binary_sensor"
    COVER = "cover"  # blinds, curtains, shades, awnings, windows
    GARAGE_DOOR = "garage_door"
    GATE = "gate"
    DOOR = "door"
    LOCK = "lock"
    ALARM = "alarm"
    VACUUM = "vacuum"
    LAWN_MOWER = "lawn_mower"
    VALVE = "valve"
    PLUG = "plug"
    SWITCH = "switch"
    PERSON = "person"
    SCENE = "scene"
    OTHER = "other"


APPLIANCE_KINDS = frozenset({Kind.OVEN, Kind.KETTLE, Kind.COFFEE_MAKER, Kind.WASHER, Kind.HEATER})
"""Appliances that run for a while and that "it" most often means when one of them is on."""

# words in a name (or alias) that say what a plug or a switch powers; the first kind found wins
_NAME_KINDS: tuple[tuple[Kind, frozenset[str]], ...] = (
    (Kind.OVEN, frozenset({"oven", "ovens", "stove", "cooker"})),
    (Kind.KETTLE, frozenset({"kettle"})),
    (Kind.COFFEE_MAKER, frozenset({"coffee", "espresso", "nespresso"})),
    (Kind.WASHER, frozenset({"washer", "dishwasher", "dryer", "washing"})),
    (Kind.FRIDGE, frozenset({"fridge", "freezer", "refrigerator"})),
    (Kind.HEATER, frozenset({"heater", "radiator"})),
    (Kind.FAN, frozenset({"fan", "fans", "extractor", "ventilator", "ventilation"})),
    (Kind.TV, frozenset({"tv", "television", "telly", "projector"})),
    (Kind.MONITOR, frozenset({"monitor", "monitors", "screen", "display"})),
    (Kind.SPEAKER, frozenset({"speaker", "speakers", "radio", "soundbar", "stereo", "amplifier"})),
    (Kind.LIGHT, frozenset({"lamp", "lamps", "light", "lights", "nightlight", "lighting", "spots"})),
)
KIND_WORDS: frozenset[str] = frozenset().union(*(keys for _kind, keys in _NAME_KINDS)) | frozenset(
    {"blind", "blinds", "curtain", "curtains", "shade", "shades", "shutter", "shutters", "awning", "cover",
     "covers", "door", "doors", "garage", "gate", "locks", "thermostat", "heating", "plug", "plugs",
     "socket", "sockets", "switches", "vacuum", "music", "window", "windows", "sensor", "valve"}
)  # fmt: skip
"""Words that name a kind of device ("that lamp", "the blinds"): a request with one names a device."""
_MEDIA_SCREEN_WORDS = frozenset({"tv", "television", "telly", "projector", "screen"})
_COVER_CLASSES: Mapping[str, Kind] = {"garage": Kind.GARAGE_DOOR, "gate": Kind.GATE, "door": Kind.DOOR}
_FIXED: Mapping[str, Kind] = {
    "light": Kind.LIGHT,
    "fan": Kind.FAN,
    "lock": Kind.LOCK,
    "alarm_control_panel": Kind.ALARM,
    "vacuum": Kind.VACUUM,
    "lawn_mower": Kind.LAWN_MOWER,
    "valve": Kind.VALVE,
    "oven": Kind.OVEN,
    "coffee_maker": Kind.COFFEE_MAKER,
    "water_heater": Kind.WATER_HEATER,
    "binary_sensor": Kind.BINARY_SENSOR,
    "person": Kind.PERSON,
    "device_tracker": Kind.PERSON,
    "scene": Kind.SCENE,
    "script": Kind.SCENE,
}
_ACTIVE_STATES = frozenset(
    {"on", "playing", "paused", "buffering", "open", "opening", "heat", "cool", "heat_cool", "auto", "dry",
     "fan_only", "cleaning", "brewing", "mowing"}
)  # fmt: skip


def name_words(device: Device) -> tuple[str, ...]:
    """The words of the device's name and aliases, lowercased (punctuation dropped)."""
    return _words((device.name, *device.aliases))


@lru_cache(maxsize=4096)
def _words(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", " ".join(names).lower()))


def _named(words: Iterable[str]) -> Kind | None:
    said = set(words)
    for kind, keys in _NAME_KINDS:
        if said & keys:
            return kind
    return None


def kind_of(device: Device) -> Kind:
    """The kind of ``device``: by domain where the domain says it (a light, a lock), by device class and
    capabilities where it refines it (a cover of class garage, a media player with a screen), and by the
    words of its name where the domain is only a relay (``switch.oven`` "oven", "monitor plug")."""
    return _kind(
        device.domain, device.device_class.lower(), name_words(device), device.capabilities, device.unit
    )


@lru_cache(maxsize=4096)  # asked for every device of the home on every request
def _kind(
    domain: str, cls: str, words: tuple[str, ...], capabilities: frozenset[Capability], unit: str
) -> Kind:
    if cls == "oven":
        return Kind.OVEN
    if domain in _FIXED:
        return _FIXED[domain]
    if domain == "climate":
        return Kind.OVEN if _named(words) is Kind.OVEN else Kind.THERMOSTAT
    if domain == "cover":
        by_name = Kind.GARAGE_DOOR if "garage" in words and "door" in words else Kind.COVER
        return _COVER_CLASSES.get(cls, by_name)
    if domain == "media_player":
        screen = cls == "tv" or Capability.SCREEN in capabilities or bool(_MEDIA_SCREEN_WORDS & set(words))
        return Kind.TV if screen else Kind.SPEAKER
    if domain == "sensor":
        reads = cls == "temperature" or Capability.TEMPERATURE_READ in capabilities
        return Kind.TEMPERATURE_SENSOR if reads or unit in {"°C", "°F"} else Kind.SENSOR
    if domain in {"switch", "input_boolean"}:
        named = _named(words)
        if named is not None:
            return named
        return Kind.PLUG if cls == "outlet" or "plug" in words or "socket" in words else Kind.SWITCH
    return Kind.OTHER


def is_active(snapshot: ContextSnapshot, entity_id: str) -> bool:
    """Whether the device is doing something now: on, playing, open, heating, cleaning, brewing."""
    return snapshot.state_of(entity_id).lower() in _ACTIVE_STATES


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


_READ_ONLY = frozenset({"sensor", "binary_sensor"})


def _appliance_id(device: Device, snapshot: ContextSnapshot) -> str:
    """``device``'s discovery device when that device *is* the appliance (a plug or an oven with its own
    sensors: nothing else on it to control), "" otherwise: an ESPHome or Tasmota board that runs the
    oven's relay, the lights and a room sensor is no oven, and its room sensor is the room's."""
    own_id = str(device.extra.get("device_id", ""))
    if not own_id:
        return ""
    for other in snapshot.devices.values():
        same = other.entity_id != device.entity_id and str(other.extra.get("device_id", "")) == own_id
        if same and other.domain not in _READ_ONLY:
            return ""
    return own_id


def companion_sensors(device: Device, snapshot: ContextSnapshot) -> tuple[str, ...]:
    """Temperature sensors that belong to ``device``: in its area (or both without one), and named after it
    ("oven temperature" beside "oven") or sharing its discovery device (``extra['device_id']``) when that
    device is the appliance itself (:func:`_appliance_id`)."""
    name = _key(device.name)
    own_id = _appliance_id(device, snapshot)
    found = []
    for other in snapshot.devices.values():
        if other.entity_id == device.entity_id or kind_of(other) is not Kind.TEMPERATURE_SENSOR:
            continue
        if other.area.lower() != device.area.lower():
            continue
        same_device = bool(own_id) and str(other.extra.get("device_id", "")) == own_id
        if same_device or (name and _key(other.name).startswith(name + " ")):
            found.append(other.entity_id)
    return tuple(sorted(found))


def temperature_sources(device: Device, snapshot: ContextSnapshot) -> tuple[str, ...]:
    """Where ``device``'s temperature is read: itself when it reads one, else its companion sensors."""
    if Capability.TEMPERATURE_READ in device.capabilities:
        return (device.entity_id,)
    return companion_sensors(device, snapshot)
