"""Snapshots for the command line, batch files, benches and tests: a home (``--home`` or the one demo home,
``devices/homes/demo.toml``), the satellite's area and screen, and states given as ``entity_id=state``
(``media_player.tv=playing:movie`` also sets the media content type) over a base: every device off (benches,
tests) or the home file's own states and attributes (``edge parse``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from edge import resources
from edge.context.homes import Home, load_home
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.errors import ConfigError

__all__ = ["demo_devices", "load_devices", "load_home_or_demo", "make_snapshot", "parse_states"]


def load_devices(home: Path | None) -> dict[str, Device]:
    """The devices of ``home`` (a home TOML or HA fixture YAML), or of the demo home when None."""
    return dict(load_home_or_demo(home).devices)


def load_home_or_demo(home: Path | None) -> Home:
    """``home`` (a home TOML or HA fixture YAML) with its devices, states and areas, or the demo home."""
    if home is None:
        return load_home(_demo_path())
    if home.is_dir():
        raise ConfigError(
            f"home file {home} is a folder",
            hint="pass the home file itself, e.g. --home devices/homes/demo.toml",
        )
    if not home.is_file():
        raise ConfigError(f"home file {home} does not exist", hint="pass --home devices/homes/demo.toml")
    return load_home(home)


def _demo_path() -> Path:
    path = resources.demo_home()
    if not path.is_file():
        raise ConfigError(
            f"the demo home {path} is missing", hint="reinstall ambient-edge, or pass --home FILE"
        )
    return path


def demo_devices() -> dict[str, Device]:
    """The devices of the demo home (``devices/homes/demo.toml``), by entity id."""
    return dict(load_home(_demo_path()).devices)


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
    *,
    base: Mapping[str, DeviceState] | None = None,
    areas: tuple[str, ...] = (),
) -> ContextSnapshot:
    """A snapshot where every device is as ``base`` has it (off when ``base`` lacks it or is None) unless
    ``states`` says otherwise. ``areas``: the home's areas besides those its devices are in."""
    known = base or {}
    table: dict[str, DeviceState] = {eid: known.get(eid, DeviceState("off")) for eid in devices}
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
        areas=tuple(sorted({*areas, *(d.area for d in devices.values() if d.area)})),
    )
