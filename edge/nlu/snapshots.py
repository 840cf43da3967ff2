"""Snapshots for the command line and batch files: a home (TOML via ``edge.context.homes`` when present,
else a small built-in demo registry), the satellite's area and screen, and states given as
``entity_id=state`` (``media_player.tv=playing:movie`` also sets the media content type).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from edge import resources
from edge.context.model import Capability, ContextSnapshot, Device, DeviceState, Satellite
from edge.errors import ConfigError

__all__ = ["BUILTIN_DEVICES", "default_home", "load_devices", "make_snapshot", "parse_states"]

C = Capability
BUILTIN_DEVICES: tuple[Device, ...] = (
    Device(
        "light.kitchen",
        "kitchen light",
        "light",
        area="kitchen",
        capabilities=frozenset({C.ON_OFF, C.BRIGHTNESS}),
    ),
    Device(
        "light.living_room",
        "living room lamp",
        "light",
        area="living room",
        capabilities=frozenset({C.ON_OFF, C.BRIGHTNESS, C.COLOR}),
    ),
    Device(
        "light.bedroom",
        "bedroom light",
        "light",
        area="bedroom",
        capabilities=frozenset({C.ON_OFF, C.BRIGHTNESS}),
    ),
    Device(
        "oven.kitchen",
        "oven",
        "oven",
        area="kitchen",
        capabilities=frozenset({C.ON_OFF, C.TEMPERATURE_SET, C.TEMPERATURE_READ}),
    ),
    Device(
        "climate.hallway",
        "thermostat",
        "climate",
        area="hallway",
        capabilities=frozenset({C.TEMPERATURE_SET, C.TEMPERATURE_READ}),
    ),
    Device(
        "media_player.living_room_tv",
        "living room tv",
        "media_player",
        area="living room",
        device_class="tv",
        capabilities=frozenset({C.ON_OFF, C.MEDIA_PLAYBACK, C.VOLUME, C.MEDIA_SEARCH, C.SCREEN}),
    ),
    Device(
        "media_player.kitchen_speaker",
        "kitchen speaker",
        "media_player",
        area="kitchen",
        device_class="speaker",
        capabilities=frozenset({C.ON_OFF, C.MEDIA_PLAYBACK, C.VOLUME, C.MEDIA_SEARCH}),
    ),
)


def default_home() -> Path | None:
    path = resources.demo_home()
    return path if path.is_file() else None


def load_devices(home: Path | None) -> dict[str, Device]:
    if home is None:
        home = default_home()
    if home is None:
        return {d.entity_id: d for d in BUILTIN_DEVICES}
    if home.is_dir():
        raise ConfigError(
            f"home file {home} is a folder",
            hint="pass the home file itself, e.g. --home devices/homes/demo.toml",
        )
    if not home.is_file():
        raise ConfigError(f"home file {home} does not exist", hint="pass --home devices/homes/demo.toml")
    try:
        homes = importlib.import_module("edge.context.homes")
    except ImportError:
        return {d.entity_id: d for d in BUILTIN_DEVICES}
    devices: dict[str, Device] = dict(homes.load_home(home).devices)
    return devices


def parse_states(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(
                f"--state {item!r} must look like entity_id=state", hint="e.g. --state oven.kitchen=on"
            )
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def make_snapshot(
    devices: Mapping[str, Device],
    area: str = "",
    states: Mapping[str, str] | None = None,
    screen: bool = False,
    time: datetime | None = None,
) -> ContextSnapshot:
    """A snapshot where every device is off unless ``states`` says otherwise."""
    table: dict[str, DeviceState] = {eid: DeviceState("off") for eid in devices}
    for eid, raw in (states or {}).items():
        state, _, media_type = raw.partition(":")
        attrs = {"media_content_type": media_type} if media_type else {}
        table[eid] = DeviceState(state, attrs)
    return ContextSnapshot(
        version=1,
        satellite=Satellite(area=area, has_screen=screen),
        devices=devices,
        states=table,
        time=time or datetime(2025, 1, 1, 19, 0),
        areas=tuple(sorted({d.area for d in devices.values() if d.area})),
    )
