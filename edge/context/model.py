"""The home as the runtime sees it: devices, their live state, and immutable versioned snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

__all__ = [
    "Capability",
    "ContextSnapshot",
    "Device",
    "DeviceState",
    "MediaActivity",
    "Satellite",
]


class Capability(StrEnum):
    """What a device can do; the planner checks these before it sends a command."""

    ON_OFF = "on_off"
    BRIGHTNESS = "brightness"
    COLOR = "color"
    COLOR_TEMP = "color_temp"
    TEMPERATURE_SET = "temperature_set"  # thermostat or oven target temperature
    TEMPERATURE_READ = "temperature_read"  # current temperature sensor
    POSITION = "position"  # covers/blinds 0-100
    OPEN_CLOSE = "open_close"
    LOCK = "lock"
    MEDIA_PLAYBACK = "media_playback"  # play/pause/next/previous
    VOLUME = "volume"
    MEDIA_SEARCH = "media_search"
    SCREEN = "screen"  # a device that shows video
    VACUUM = "vacuum"
    BREW = "brew"  # coffee maker
    ALARM = "alarm"
    FAN_SPEED = "fan_speed"  # a fan's speed as a percentage
    FAN_MODE = "fan_mode"  # a climate device's fan mode (auto, low, high, ...)
    MOWER = "mower"  # a lawn mower: start mowing, dock


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True)
class Device:
    """One controllable entity, HA style ``entity_id`` (``light.kitchen``).

    ``domain`` is the entity_id prefix (light, switch, climate, media_player, cover, lock, vacuum, fan,
    sensor, oven, coffee_maker, ...). ``device_class`` refines it (garage, blind, tv, speaker, ...).
    ``command_topic``/``state_topic`` and ``schema`` tell the executor how to talk to it
    (``schema`` is "ha-basic", "ha-json" or "z2m"). Whether it is safety-critical is the catalogue's call
    (``edge.nlu.catalogue.is_safety_critical``: by domain and device class).
    """

    entity_id: str
    name: str
    domain: str
    area: str = ""
    floor: str = ""
    aliases: tuple[str, ...] = ()
    device_class: str = ""
    capabilities: frozenset[Capability] = frozenset()
    unit: str = ""
    command_topic: str = ""
    state_topic: str = ""
    schema: str = "ha-basic"
    payload_on: str = "ON"
    payload_off: str = "OFF"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if "." not in self.entity_id:
            raise ValueError(f"entity_id {self.entity_id!r} must look like domain.object_id")
        object.__setattr__(self, "extra", _frozen(self.extra))


@dataclass(frozen=True, slots=True)
class DeviceState:
    """The last state a device reported: ``state`` is HA-like ("on", "off", "playing", "locked", "21.5")."""

    state: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    t_ms: float = 0.0  # monotonic ms when it was last reported
    since_ms: float = 0.0  # monotonic ms when ``state`` took this value (a re-report keeps it; 0: unknown)

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", _frozen(self.attributes))


@dataclass(frozen=True, slots=True)
class MediaActivity:
    entity_id: str
    state: str  # "playing" | "paused"
    media_type: str = ""  # "music" | "movie" | "tvshow" | "audiobook" | ""


@dataclass(frozen=True, slots=True)
class Satellite:
    """This device: where it stands and what it can show or say (from firmware profile and config)."""

    site_id: str = "default"
    area: str = ""
    has_screen: bool = False
    has_speaker: bool = True


@dataclass(frozen=True, slots=True)
class ContextSnapshot:
    """An immutable view of the home at one moment. ``version`` increases with every change."""

    version: int
    satellite: Satellite
    devices: Mapping[str, Device]
    states: Mapping[str, DeviceState]
    time: datetime
    areas: tuple[str, ...] = ()
    now_ms: float = 0.0  # the clock of ``DeviceState.t_ms`` when the snapshot was taken (0: not known)

    def __post_init__(self) -> None:
        object.__setattr__(self, "devices", _frozen(self.devices))
        object.__setattr__(self, "states", _frozen(self.states))

    def state_of(self, entity_id: str) -> str:
        st = self.states.get(entity_id)
        return st.state if st else "unknown"

    def is_on(self, entity_id: str) -> bool:
        return self.state_of(entity_id) in {"on", "playing", "heat", "open", "cleaning", "brewing"}

    @property
    def media(self) -> tuple[MediaActivity, ...]:
        """Media players that are playing or paused, playing first."""
        found = [
            MediaActivity(eid, st.state, str(st.attributes.get("media_content_type", "")))
            for eid, st in self.states.items()
            if eid.startswith("media_player.") and st.state in {"playing", "paused"}
        ]
        return tuple(sorted(found, key=lambda m: (m.state != "playing", m.entity_id)))

    def in_area(self, area: str) -> tuple[Device, ...]:
        key = area.strip().lower()
        return tuple(d for d in self.devices.values() if d.area.lower() == key)
