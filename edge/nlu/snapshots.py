"""Snapshots for the command line, batch files, benches and tests: a home (``--home`` or the one demo home,
``devices/homes/demo.toml``), the satellite's area and screen, and states given as ``entity_id=state``
(``media_player.tv=playing:movie`` also sets the media content type).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from edge import resources
from edge.context.homes import load_home
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.errors import ConfigError

__all__ = ["demo_devices", "load_devices", "make_snapshot", "parse_states"]


def load_devices(home: Path | None) -> dict[str, Device]:
    """The devices of ``home`` (a home TOML or HA fixture YAML), or of the demo home when None."""
    if home is None:
        return demo_devices()
    if home.is_dir():
        raise ConfigError(
            f"home file {home} is a folder",
            hint="pass the home file itself, e.g. --home devices/homes/demo.toml",
        )
    if not home.is_file():
        raise ConfigError(f"home file {home} does not exist", hint="pass --home devices/homes/demo.toml")
    return dict(load_home(home).devices)


def demo_devices() -> dict[str, Device]:
    """The devices of the demo home (``devices/homes/demo.toml``), by entity id."""
    path = resources.demo_home()
    if not path.is_file():
        raise ConfigError(
            f"the demo home {path} is missing", hint="reinstall ambient-edge, or pass --home FILE"
        )
    return dict(load_home(path).devices)


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
