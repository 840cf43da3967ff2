"""Zigbee2MQTT's device list (``<prefix>/bridge/devices``) -> the entities a person can name.

Pure: a payload in, :class:`Device` entities out (``PayloadError`` for a list that is unusable as a
whole). Each paired device is read from its whole ``exposes`` tree as zigbee-herdsman-converters
defines it (``src/lib/exposes.ts``) and as Zigbee2MQTT's Home Assistant extension maps it
(``lib/extension/homeassistant.ts``):

- every control expose (``light``, ``switch``, ``fan``, ``cover``, ``lock``, ``climate``) is one entity;
  an ``endpoint`` (``l1``, ``left``) makes it ``<domain>.<friendly>_<endpoint>`` with its own keys
  (``state_l1``, ``brightness_l1``); a switch or lock whose state property is not ``state[_<ep>]``
  (``window_detection``, ``child_lock``, ``away_mode``) is a setting of the device, not an entity;
- a climate expose's setpoint is the one the device exposes with set access
  (``occupied_heating_setpoint``, ``current_heating_setpoint``, ...), its range kept as min/max;
- top-level ``numeric``/``binary`` exposes with state access and no set access that mean something to a
  person (temperature, humidity, contact, occupancy, water leak, ...) are read-only sensors;
  ``category: config/diagnostic`` exposes (battery, linkquality, power-on behaviour) are not entities.

Each entity carries ``extra["unique_id"]`` as Zigbee2MQTT's Home Assistant discovery spells it
(``<ieee>_<object>_<prefix>``), ``extra["device_id"]`` as its device identifier (``zigbee2mqtt_<ieee>``),
the JSON keys it reads and writes, and ``extra["availability_topic"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from edge.context.capabilities import DOMAIN_CAPABILITIES
from edge.context.model import Capability, Device
from edge.context.validate import PayloadError, load_json
from edge.context.z2m_fan import speeds_of

__all__ = ["MAX_Z2M_DEVICES", "Z2M_DEVICES_MAX_BYTES", "device_entities", "parse_z2m_devices", "z2m_slug"]

MAX_NAME = 128
MAX_Z2M_DEVICES = 1000
MAX_EXPOSES = 256
Z2M_DEVICES_MAX_BYTES = 8 * 1024 * 1024
"""Default bound of ``bridge/devices`` (``mqtt.z2m_devices_max_bytes``): 300 devices of real definitions
take 1.5-4 MB (docs/home-mqtt.md), so 8 MB leaves headroom and still bounds memory."""

_CONTROLS = ("climate", "cover", "lock", "fan", "light", "switch")  # the device's primary entity first
_SETPOINTS = ("occupied_heating_setpoint", "current_heating_setpoint", "heating_setpoint",
              "occupied_cooling_setpoint", "cooling_setpoint")  # fmt: skip
_FEATURE_KEYS = {"brightness": "brightness_key", "color_xy": "color_key", "color_hs": "color_key",
                 "color_temp": "color_temp_key", "position": "position_key",
                 "local_temperature": "temperature_key",
                 "system_mode": "mode_key", "lock_state": "lock_state_key"}  # fmt: skip
_FEATURE_CAPS = {"brightness": Capability.BRIGHTNESS, "color_xy": Capability.COLOR,
                 "color_hs": Capability.COLOR,
                 "color_temp": Capability.COLOR_TEMP, "position": Capability.POSITION,
                 "local_temperature": Capability.TEMPERATURE_READ}  # fmt: skip
_SENSORS = {"temperature": "temperature", "humidity": "humidity", "pressure": "pressure",
            "illuminance": "illuminance", "illuminance_lux": "illuminance", "co2": "carbon_dioxide",
            "pm25": "pm25", "voc": "volatile_organic_compounds", "power": "power", "energy": "energy",
            "soil_moisture": "moisture"}  # fmt: skip
_BINARY_SENSORS = {"contact": "door", "occupancy": "occupancy", "presence": "presence",
                   "water_leak": "moisture",
                   "smoke": "smoke", "gas": "gas", "carbon_monoxide": "carbon_monoxide",
                   "vibration": "vibration", "tamper": "tamper"}  # fmt: skip
ACCESS_STATE, ACCESS_SET = 0b001, 0b010


def z2m_slug(text: str) -> str:
    out = "".join(c if c.isascii() and c.isalnum() else "_" for c in text.lower())
    return "_".join(p for p in out.split("_") if p)[:MAX_NAME]


def _spoken(friendly: str) -> str:
    """How a person says a friendly name: groups (``living room/lamp``) and underscores as spaces."""
    return " ".join(friendly.replace("/", " ").replace("_", " ").split())


def _group_area(friendly: str) -> str:
    """The room a friendly name files the device under: the group that holds it (``kitchen/oven`` ->
    kitchen, ``ground floor/living_room/lamp`` -> living room), as Zigbee2MQTT's docs suggest naming devices
    and its frontend groups them; "" without a group. Bridge/devices carries no area of its own."""
    groups = [g for g in friendly.split("/")[:-1] if g.strip()]
    return " ".join(groups[-1].replace("_", " ").lower().split())[:MAX_NAME] if groups else ""


def _features(expose: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    listed = expose.get("features")
    return [f for f in listed[:MAX_EXPOSES] if isinstance(f, dict)] if isinstance(listed, list) else []


def _str(value: Any) -> str:
    return value[:MAX_NAME] if isinstance(value, str) else ""


def _access(feature: Mapping[str, Any], default: int) -> int:
    """The feature's access bits (``default`` when a hand-written list leaves them out)."""
    access = feature.get("access")
    return access if isinstance(access, int) and not isinstance(access, bool) else default


def _scalar_word(value: Any) -> str | bool | None:
    return value if isinstance(value, bool) or (isinstance(value, str) and len(value) <= 40) else None


def _control(expose: Mapping[str, Any], kind: str) -> dict[str, Any] | None:
    """Keys, values and capabilities of one control expose, or None when it is a setting of the device."""
    endpoint = _str(expose.get("endpoint"))
    keys: dict[str, Any] = {}
    caps: set[Capability] = set(DOMAIN_CAPABILITIES.get(kind, frozenset()))
    setpoints: dict[str, Mapping[str, Any]] = {}
    for feature in _features(expose):
        name = _str(feature.get("name"))
        prop = _str(feature.get("property")) or (f"{name}_{endpoint}" if endpoint and name else name)
        if not name:
            continue
        if name == "state" and feature.get("type", "binary") == "binary":
            own = prop in {"state", f"state_{endpoint}"} or (kind == "fan" and prop.startswith("fan_state"))
            if not own:
                return None  # window_detection, child_lock, away_mode...: a setting, not an entity
            keys["state_key"] = prop
            for side in ("value_on", "value_off"):
                word = _scalar_word(feature.get(side))
                if word is not None:
                    keys[side] = word
        elif kind == "fan" and name == "mode" and isinstance(feature.get("values"), list):
            if speeds := speeds_of(feature["values"][:MAX_EXPOSES]):  # a ceiling fan's low / medium / high
                keys["fan_mode_key"], keys["fan_speeds"] = prop, ",".join(speeds)
                caps.add(Capability.FAN_SPEED)
        elif name in _SETPOINTS and _access(feature, ACCESS_STATE | ACCESS_SET) & ACCESS_SET:
            setpoints[name] = feature
        elif name in _FEATURE_KEYS and _FEATURE_KEYS[name] not in keys:
            keys[_FEATURE_KEYS[name]] = prop
            if name == "color_temp":  # the bulb's range in mireds (a white spectrum bulb: 250-454)
                for bound, side in (("value_min", "min_mireds"), ("value_max", "max_mireds")):
                    number = feature.get(bound)
                    if isinstance(number, int | float) and not isinstance(number, bool) and 0 < number < 1000:
                        keys[side] = float(number)
        if name in _FEATURE_CAPS:
            caps.add(_FEATURE_CAPS[name])
    if kind == "climate":
        chosen = next((setpoints[n] for n in _SETPOINTS if n in setpoints), None)
        if chosen is None:
            return None
        keys["setpoint_key"] = _str(chosen.get("property"))
        for bound, side in (("value_min", "min_temp"), ("value_max", "max_temp")):
            number = chosen.get(bound)
            if isinstance(number, int | float) and not isinstance(number, bool) and abs(number) < 1000:
                keys[side] = float(number)
        caps |= {Capability.TEMPERATURE_SET}
    elif "state_key" not in keys and kind not in {"cover", "light"}:
        return None
    keys.setdefault("state_key", f"state_{endpoint}" if endpoint else "state")
    keys["endpoint"] = endpoint
    keys["caps"] = caps
    return keys


def _sensor(expose: Mapping[str, Any]) -> dict[str, Any] | None:
    """A top-level numeric/binary expose a person asks about (read-only), or None."""
    name = _str(expose.get("name"))
    prop = _str(expose.get("property")) or name
    access = _access(expose, ACCESS_STATE)
    if not prop or expose.get("category") in {"config", "diagnostic"}:
        return None
    if not access & ACCESS_STATE or access & ACCESS_SET:
        return None
    if expose.get("type") == "numeric" and name in _SENSORS:
        caps = {Capability.TEMPERATURE_READ} if name == "temperature" else set()
        return {"domain": "sensor", "device_class": _SENSORS[name], "state_key": prop, "caps": caps,
                "unit": _str(expose.get("unit"))[:20], "object": name}  # fmt: skip
    if expose.get("type") == "binary" and name in _BINARY_SENSORS:
        out: dict[str, Any] = {"domain": "binary_sensor", "device_class": _BINARY_SENSORS[name],
                               "state_key": prop, "caps": set(), "unit": "", "object": name}  # fmt: skip
        for side in ("value_on", "value_off"):
            word = _scalar_word(expose.get(side))
            if word is not None:
                out[side] = word
        return out
    return None


def device_entities(item: Mapping[str, Any], prefix: str) -> list[Device]:
    """The entities of one ``bridge/devices`` entry (none for the coordinator or an unsupported device)."""
    friendly, ieee = item.get("friendly_name"), _str(item.get("ieee_address"))
    if (
        not isinstance(friendly, str)
        or not friendly
        or len(friendly) > MAX_NAME
        or item.get("type") == "Coordinator"
    ):
        return []
    if any(c in friendly for c in "+#") or not z2m_slug(friendly):
        raise PayloadError(f"{prefix}/bridge/devices: friendly_name {friendly[:60]!r} cannot be a topic")
    definition = item.get("definition")
    exposes = definition.get("exposes") if isinstance(definition, dict) else None
    if not isinstance(definition, dict) or not isinstance(exposes, list):
        return []
    found: list[tuple[str, dict[str, Any]]] = []
    for expose in exposes[:MAX_EXPOSES]:
        if not isinstance(expose, dict):
            continue
        kind = expose.get("type")
        if kind in _CONTROLS:
            keys = _control(expose, str(kind))
            if keys is not None:
                found.append((str(kind), keys))
        elif kind in {"numeric", "binary"}:
            sensor = _sensor(expose)
            if sensor is not None:
                found.append(("sensor", sensor))
    base = f"{prefix}/{friendly}"
    common = {"transport": "z2m", "friendly_name": friendly, "ieee_address": ieee,
              "device_id": f"zigbee2mqtt_{ieee}" if ieee else "",
              "availability_topic": f"{base}/availability",
              "model": _str(definition.get("model")), "vendor": _str(definition.get("vendor")),
              "description": _str(definition.get("description"))}  # fmt: skip
    controls = sorted((k for k, _ in found if k != "sensor"), key=_CONTROLS.index)
    primary = controls[0] if controls else ""
    spoken = _spoken(friendly)
    area = _group_area(friendly)
    out: list[Device] = []
    taken: set[str] = set()
    for kind, keys in found:
        endpoint = keys.pop("endpoint", "") if kind != "sensor" else ""
        caps = keys.pop("caps")
        if kind == "sensor":
            domain, obj = str(keys.pop("domain")), str(keys.pop("object"))
            device_class, unit = str(keys.pop("device_class")), str(keys.pop("unit"))
            object_id, suffix = obj, obj
        else:
            domain, device_class, unit = kind, "", ""
            object_id = f"{kind}_{endpoint}" if endpoint else kind
            suffix = endpoint or ("" if kind == primary else kind)
        if len(found) == 1 or z2m_slug(friendly).endswith(z2m_slug(suffix)):
            suffix = ""  # a device of one entity, or "garden temperature": its name says it all
        name = f"{spoken} {suffix.replace('_', ' ')}" if suffix else spoken
        entity_id = f"{domain}.{z2m_slug(friendly)}" + (f"_{z2m_slug(suffix)}" if suffix else "")
        if entity_id in taken:
            continue
        taken.add(entity_id)
        extra = {**common, **keys, "unique_id": f"{ieee}_{object_id}_{prefix}" if ieee else ""}
        out.append(
            Device(
                entity_id=entity_id[: MAX_NAME + 20],
                name=name[:MAX_NAME],
                domain=domain,
                area=area,
                device_class=device_class,
                capabilities=frozenset(caps),
                unit=unit,
                command_topic="" if domain in {"sensor", "binary_sensor"} else f"{base}/set",
                state_topic=base,
                schema="z2m",
                extra=extra,
            )
        )
    return out


def parse_z2m_devices(
    payload: bytes,
    prefix: str = "zigbee2mqtt",
    limit: int = Z2M_DEVICES_MAX_BYTES,
    problems: list[str] | None = None,
) -> list[Device]:
    """``<prefix>/bridge/devices``: the JSON list of paired devices -> their entities. A bad entry is
    skipped, its reason appended to ``problems`` (the others still count); a payload over ``limit``
    bytes is refused whole."""
    if len(payload) > limit:
        raise PayloadError(
            f"{prefix}/bridge/devices is {len(payload)} bytes, over the bound of {limit}; the devices "
            "already known are kept; raise mqtt.z2m_devices_max_bytes in the config for a network this size"
        )
    raw = load_json(payload, f"{prefix}/bridge/devices", limit)
    if not isinstance(raw, list):
        raise PayloadError(f"{prefix}/bridge/devices must be a JSON list, got {type(raw).__name__}")
    if len(raw) > MAX_Z2M_DEVICES:
        raise PayloadError(f"{prefix}/bridge/devices lists {len(raw)} devices, over {MAX_Z2M_DEVICES}")
    out: list[Device] = []
    for item in raw:
        if isinstance(item, dict):
            try:
                out.extend(device_entities(item, prefix))
            except (PayloadError, ValueError) as err:  # one unusable device does not hide the others
                if problems is not None and len(problems) < 64:
                    problems.append(f"{str(item.get('friendly_name'))[:60]!r}: {str(err)[:200]}")
    return out
