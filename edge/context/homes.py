"""Home descriptions: our TOML homes (``devices/homes/*.toml`` + ``devices/types.toml``) and Home Assistant
intent test fixtures (YAML with floors, areas and entities).

A :class:`Home` is the configured view of a house: devices with names, aliases, areas and floors, their
initial states, and which ones talk Zigbee2MQTT. It hands out :class:`ContextSnapshot`s for offline use
(CLI, training, the in-process simulator); the live :class:`edge.context.store.ContextStore` merges it with
what the broker reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from edge import resources
from edge.context.capabilities import infer_capabilities, parse_capabilities
from edge.context.model import Capability, ContextSnapshot, Device, DeviceState, Satellite
from edge.errors import ConfigError
from edge.inputfiles import load_toml, read_text

__all__ = [
    "DeviceType",
    "Home",
    "device_topics",
    "load_device_types",
    "load_home",
    "load_home_fixture",
    "load_home_toml",
]

HA_TOPIC_PREFIX = "home"


def device_topics(entity_id: str, transport: str, z2m_prefix: str = "zigbee2mqtt") -> tuple[str, str, str]:
    """(command_topic, state_topic, schema) a simulated device of this transport uses."""
    domain, _, object_id = entity_id.partition(".")
    if transport == "z2m":
        state = f"{z2m_prefix}/{object_id}"
        return f"{state}/set", state, "z2m"
    base = f"{HA_TOPIC_PREFIX}/{domain}/{object_id}"
    return f"{base}/set", f"{base}/state", "ha-json"


@dataclass(frozen=True, slots=True)
class DeviceType:
    """One entry of ``devices/types.toml``."""

    name: str
    domain: str
    device_class: str = ""
    capabilities: frozenset[Capability] = frozenset()
    attributes: Mapping[str, Any] = field(default_factory=dict)
    unit: str = ""
    state: str = "off"

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))


@dataclass(frozen=True, slots=True)
class Home:
    """A configured home. ``devices`` maps entity_id to :class:`Device`; ``z2m`` holds Zigbee2MQTT ids."""

    name: str
    devices: Mapping[str, Device]
    states: Mapping[str, DeviceState]
    areas: tuple[str, ...] = ()
    floors: tuple[str, ...] = ()
    area_floor: Mapping[str, str] = field(default_factory=dict)
    z2m: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("devices", "states", "area_floor"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    @property
    def device_list(self) -> tuple[Device, ...]:
        return tuple(self.devices.values())

    def transport(self, entity_id: str) -> str:
        return "z2m" if entity_id in self.z2m else "ha"

    def snapshot(
        self, satellite: Satellite | None = None, version: int = 1, time: datetime | None = None
    ) -> ContextSnapshot:
        return ContextSnapshot(
            version=version,
            satellite=satellite or Satellite(),
            devices=self.devices,
            states=self.states,
            time=time or datetime.now().astimezone(),
            areas=self.areas,
        )


def _bad(path: Path, why: str, hint: str = "") -> ConfigError:
    return ConfigError(f"home file {path}: {why}", hint=hint or HOME_HINT)


HOME_HINT = "see devices/homes/demo.toml for the format"


def _read_toml(path: Path, what: str = "home file") -> dict[str, Any]:
    return load_toml(path, what, HOME_HINT)


def _table(value: Any, where: str, path: Path) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(path, f"{where} must be a table of key = value")
    return value


def _rows(value: Any, where: str, path: Path) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(path, f"{where} must be a list")
    return value


def load_device_types(path: Path) -> dict[str, DeviceType]:
    raw = _read_toml(path, "device types file")
    try:
        return _device_types(raw, path)
    except (TypeError, ValueError, KeyError, AttributeError) as err:  # a shape the checks did not foresee
        raise _bad(path, f"unexpected content: {err}") from err


def _device_types(raw: dict[str, Any], path: Path) -> dict[str, DeviceType]:
    out: dict[str, DeviceType] = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("domain"), str):
            raise _bad(path, f"type {name!r} needs a table with a string 'domain'")
        try:
            caps = parse_capabilities(spec.get("capabilities", []), f"type {name!r}")
        except ValueError as err:
            raise _bad(path, str(err)) from err
        out[name] = DeviceType(
            name=name,
            domain=spec["domain"],
            device_class=str(spec.get("device_class", "")),
            capabilities=caps,
            attributes=_table(spec.get("attributes"), f"type {name!r} attributes", path),
            unit=str(spec.get("unit", "")),
            state=str(spec.get("state", "off")),
        )
    return out


def _types_path(home_path: Path, raw: Mapping[str, Any]) -> Path:
    if isinstance(raw.get("types"), str):
        return (home_path.parent / str(raw["types"])).resolve()
    for candidate in (home_path.parent / "types.toml", home_path.parent.parent / "types.toml"):
        if candidate.is_file():
            return candidate
    return resources.device_types()


def _str_list(value: Any, where: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(path, f"{where} must be a list of strings")
    return tuple(value)


def load_home_toml(path: Path, z2m_prefix: str = "zigbee2mqtt") -> Home:
    raw = _read_toml(path)
    types = load_device_types(_types_path(path, raw))
    try:
        return _home_from_toml(raw, types, path, z2m_prefix)
    except (TypeError, ValueError, KeyError, AttributeError) as err:  # a shape the checks did not foresee
        raise _bad(path, f"unexpected content: {err}") from err


def _home_from_toml(raw: dict[str, Any], types: dict[str, DeviceType], path: Path, z2m_prefix: str) -> Home:
    area_floor: dict[str, str] = {}
    areas_raw = raw.get("areas", {})
    if not isinstance(areas_raw, dict):
        raise _bad(path, "[areas] must map area name to floor name")
    for area, floor in areas_raw.items():
        area_floor[area.lower()] = str(floor).lower()
    floors = _str_list(raw.get("floors"), "floors", path) or tuple(dict.fromkeys(area_floor.values()))
    devices: dict[str, Device] = {}
    states: dict[str, DeviceState] = {}
    z2m: set[str] = set()
    for i, spec in enumerate(_rows(raw.get("device"), "[[device]]", path)):
        where = f"device #{i + 1}"
        if not isinstance(spec, dict) or not isinstance(spec.get("entity_id"), str):
            raise _bad(path, f"{where} needs a string entity_id")
        eid = spec["entity_id"]
        dtype = types.get(str(spec.get("type", "")))
        if dtype is None:
            raise _bad(
                path, f"{eid}: unknown type {spec.get('type')!r}", f"use one of: {', '.join(sorted(types))}"
            )
        transport = str(spec.get("transport", "ha"))
        if transport not in {"ha", "z2m"}:
            raise _bad(path, f"{eid}: transport must be 'ha' or 'z2m', got {transport!r}")
        area = str(spec.get("area", "")).lower()
        if area and area not in area_floor:
            area_floor[area] = ""
        command_topic, state_topic, schema = device_topics(eid, transport, z2m_prefix)
        if transport == "z2m":
            z2m.add(eid)
        try:
            device = Device(
                entity_id=eid,
                name=str(spec.get("name", eid.partition(".")[2].replace("_", " "))),
                domain=dtype.domain,
                area=area,
                floor=area_floor.get(area, ""),
                aliases=_str_list(spec.get("aliases"), f"{eid}.aliases", path),
                device_class=str(spec.get("device_class", dtype.device_class)),
                capabilities=dtype.capabilities,
                unit=dtype.unit,
                command_topic=command_topic,
                state_topic=state_topic,
                schema=schema,
                extra={"type": dtype.name, "transport": transport},
            )
        except ValueError as err:
            raise _bad(path, f"{where}: {err}") from err
        if eid in devices:
            raise _bad(path, f"entity_id {eid} appears twice")
        devices[eid] = device
        attrs = {**dtype.attributes, **_table(spec.get("attributes"), f"{eid}.attributes", path)}
        states[eid] = DeviceState(str(spec.get("state", dtype.state)), attrs)
    areas = tuple(dict.fromkeys([*area_floor, *(d.area for d in devices.values() if d.area)]))
    return Home(str(raw.get("name", path.stem)), devices, states, areas, floors, area_floor, frozenset(z2m))


def _fixture_state(value: Any) -> str:
    if isinstance(value, dict):  # {"in": "charging", "out": "on"}: the HA state is "out"
        return str(value.get("out", value.get("in", "unknown")))
    return "unknown" if value is None else str(value)


def load_home_fixture(path: Path) -> Home:
    """A Home Assistant intents test fixture (``home_en_fixtures.yaml``)."""
    text = read_text(path, "home file", "give an HA intents fixture YAML")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise _bad(path, f"not valid YAML: {err}") from err
    except RecursionError as err:
        raise _bad(path, "nests lists or mappings too deeply") from err
    if not isinstance(raw, dict):
        raise _bad(path, "expected a mapping with floors, areas and entities")
    try:
        return _home_from_fixture(raw, path)
    except (TypeError, ValueError, KeyError, AttributeError) as err:  # a shape the checks did not foresee
        raise _bad(path, f"unexpected content: {err}") from err


def _home_from_fixture(raw: dict[str, Any], path: Path) -> Home:
    floor_names = {
        str(f["id"]): str(f.get("name", f["id"])).lower()
        for f in _rows(raw.get("floors"), "floors", path)
        if isinstance(f, dict) and "id" in f
    }
    area_names: dict[str, str] = {}
    area_floor: dict[str, str] = {}
    for a in _rows(raw.get("areas"), "areas", path):
        if isinstance(a, dict) and "id" in a:
            name = str(a.get("name", a["id"])).lower()
            area_names[str(a["id"])] = name
            area_floor[name] = floor_names.get(str(a.get("floor", "")), "")
    devices: dict[str, Device] = {}
    states: dict[str, DeviceState] = {}
    for e in _rows(raw.get("entities"), "entities", path):
        if not isinstance(e, dict) or "." not in str(e.get("id", "")):
            continue
        eid = str(e["id"])
        domain = eid.partition(".")[0]
        attrs = _table(e.get("attributes"), f"{e['id']}.attributes", path)
        device_class = str(attrs.get("device_class", ""))
        area = area_names.get(str(e.get("area", "")), "")
        devices[eid] = Device(
            entity_id=eid,
            name=str(e.get("name", eid)),
            domain=domain,
            area=area,
            floor=area_floor.get(area, ""),
            device_class=device_class,
            capabilities=infer_capabilities(domain, device_class, attrs),
            unit=str(attrs.get("unit_of_measurement", "")),
            extra={"transport": "ha"},
        )
        states[eid] = DeviceState(_fixture_state(e.get("state")), attrs)
    return Home(
        path.stem,
        devices,
        states,
        tuple(area_names.values()),
        tuple(floor_names.values()),
        area_floor,
    )


def load_home(path: Path | str) -> Home:
    """A home from TOML (ours) or YAML (HA intents fixture), chosen by extension."""
    p = Path(path)
    if p.suffix.lower() in {".yaml", ".yml"}:
        return load_home_fixture(p)
    return load_home_toml(p)
