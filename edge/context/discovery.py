"""Device discovery from the broker: Home Assistant MQTT discovery (Zigbee2MQTT's device list is
:mod:`edge.context.z2m`).

Pure parsers: topic + payload -> :class:`Device` (or a removal). Anything malformed raises
:class:`PayloadError` with the reason; the store logs it once per topic and moves on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from edge.context.capabilities import DOMAIN_CAPABILITIES
from edge.context.model import Capability, Device
from edge.context.wire import PayloadError, parse_json

__all__ = [
    "ABBREVIATIONS",
    "HA_COMPONENTS",
    "MAX_NAME",
    "Removal",
    "expand_abbreviations",
    "parse_ha_discovery",
    "slug",
]

MAX_NAME = 128

HA_COMPONENTS = frozenset(
    {"light", "switch", "fan", "climate", "cover", "lock", "vacuum", "sensor", "binary_sensor", "valve",
     "alarm_control_panel", "media_player", "oven", "coffee_maker", "button", "number", "select", "siren"}
)  # fmt: skip
"""Components we accept (media_player, oven, coffee_maker are our simulator's additions)."""

ABBREVIATIONS: Mapping[str, str] = {
    "stat_t": "state_topic", "cmd_t": "command_topic", "bri_cmd_t": "brightness_command_topic",
    "bri_stat_t": "brightness_state_topic", "bri_scl": "brightness_scale", "pl_on": "payload_on",
    "pl_off": "payload_off", "stat_on": "state_on", "stat_off": "state_off", "uniq_id": "unique_id",
    "obj_id": "object_id", "dev_cla": "device_class", "unit_of_meas": "unit_of_measurement",
    "dev": "device", "sa": "suggested_area", "temp_cmd_t": "temperature_command_topic",
    "temp_stat_t": "temperature_state_topic", "curr_temp_t": "current_temperature_topic",
    "pos_t": "position_topic", "set_pos_t": "set_position_topic", "pl_lock": "payload_lock",
    "pl_unlk": "payload_unlock", "stat_locked": "state_locked", "stat_unlocked": "state_unlocked",
    "pl_open": "payload_open", "pl_cls": "payload_close", "rgb_cmd_t": "rgb_command_topic",
    "rgb_stat_t": "rgb_state_topic", "mode_stat_t": "mode_state_topic", "mode_cmd_t": "mode_command_topic",
    "avty_t": "availability_topic", "json_attr_t": "json_attributes_topic",
    "sup_clrm": "supported_color_modes",
    "clr_temp_cmd_t": "color_temp_command_topic", "ids": "identifiers", "mf": "manufacturer", "mdl": "model",
}  # fmt: skip

_TOPIC_KEYS = {
    "state_topic", "command_topic", "brightness_command_topic", "brightness_state_topic",
    "temperature_command_topic", "temperature_state_topic", "current_temperature_topic", "position_topic",
    "set_position_topic", "rgb_command_topic", "rgb_state_topic", "mode_state_topic", "mode_command_topic",
    "availability_topic", "json_attributes_topic", "color_temp_command_topic",
}  # fmt: skip
_EXTRA_KEYS = _TOPIC_KEYS | {"brightness_scale", "state_on", "state_off", "payload_lock", "payload_unlock",
                             "state_locked", "state_unlocked", "payload_open", "payload_close"}  # fmt: skip
_SLUG = re.compile(r"[^a-z0-9]+")
_DISCOVERY = re.compile(r"^(?P<component>[^/]+)/(?:(?P<node>[^/]+)/)?(?P<object>[^/]+)/config$")


class Removal:
    """An empty retained discovery config: the entity is gone."""

    __slots__ = ("entity_id",)

    def __init__(self, entity_id: str) -> None:
        self.entity_id = entity_id

    def __repr__(self) -> str:
        return f"Removal({self.entity_id!r})"


def slug(text: str) -> str:
    return _SLUG.sub("_", text.lower()).strip("_")[:MAX_NAME]


def expand_abbreviations(config: Mapping[str, Any]) -> dict[str, Any]:
    """Long keys for HA's abbreviated ones, ``~`` expanded in topics, the device block expanded too."""
    out = {ABBREVIATIONS.get(k, k): v for k, v in config.items() if isinstance(k, str)}
    base = out.get("~")
    if isinstance(out.get("device"), dict):
        out["device"] = {ABBREVIATIONS.get(k, k): v for k, v in out["device"].items()}
    if isinstance(base, str):
        for key in _TOPIC_KEYS:
            value = out.get(key)
            if isinstance(value, str):
                if value.startswith("~"):
                    out[key] = base + value[1:]
                elif value.endswith("~"):
                    out[key] = value[:-1] + base
    return out


def _text(value: Any, what: str, where: str, limit: int = MAX_NAME) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PayloadError(f"{where}: {what} must be a string, got {type(value).__name__}")
    text = str(value)
    if len(text) > limit:
        raise PayloadError(f"{where}: {what} is {len(text)} characters, over {limit}")
    return text


def _ha_capabilities(component: str, cfg: Mapping[str, Any], device_class: str) -> frozenset[Capability]:
    caps = set(DOMAIN_CAPABILITIES.get(component, frozenset()))
    modes = cfg.get("supported_color_modes")
    mode_set = {str(m) for m in modes} if isinstance(modes, list) else set()
    if component == "light":
        if cfg.get("brightness_command_topic") or cfg.get("brightness") is True or mode_set - {"onoff"}:
            caps.add(Capability.BRIGHTNESS)
        if cfg.get("rgb_command_topic") or mode_set & {"rgb", "rgbw", "rgbww", "hs", "xy"}:
            caps.add(Capability.COLOR)
        if cfg.get("color_temp_command_topic") or "color_temp" in mode_set:
            caps.add(Capability.COLOR_TEMP)
    if cfg.get("temperature_command_topic"):
        caps.add(Capability.TEMPERATURE_SET)
    if cfg.get("current_temperature_topic"):
        caps.add(Capability.TEMPERATURE_READ)
    if component in {"cover", "valve"} and (cfg.get("set_position_topic") or cfg.get("position_topic")):
        caps.add(Capability.POSITION)
    if component == "media_player" and device_class == "tv":
        caps.add(Capability.SCREEN)
    if component == "sensor" and (
        device_class == "temperature" or cfg.get("unit_of_measurement") in {"°C", "°F"}
    ):
        caps.add(Capability.TEMPERATURE_READ)
    return frozenset(caps)


def parse_ha_discovery(topic: str, payload: bytes, prefix: str = "homeassistant") -> Device | Removal:
    """One ``<prefix>/<component>/[<node_id>/]<object_id>/config`` message."""
    if not topic.startswith(prefix + "/"):
        raise PayloadError(f"{topic[:100]}: not under the discovery prefix {prefix!r}")
    match = _DISCOVERY.match(topic[len(prefix) + 1 :])
    if match is None:
        raise PayloadError(f"{topic[:100]}: not a discovery config topic")
    component, topic_object = match["component"], match["object"]
    if component not in HA_COMPONENTS:
        raise PayloadError(f"{topic[:100]}: unknown component {component[:40]!r}")
    if not payload.strip():
        return Removal(f"{component}.{slug(topic_object)}")
    raw = parse_json(payload, topic)
    if not isinstance(raw, dict):
        raise PayloadError(f"{topic[:100]}: config must be a JSON object")
    cfg = expand_abbreviations(raw)
    device_block = cfg.get("device") if isinstance(cfg.get("device"), dict) else {}
    assert isinstance(device_block, dict)
    object_id = slug(_text(cfg.get("object_id"), "object_id", topic) or topic_object)
    if not object_id:
        raise PayloadError(f"{topic[:100]}: no usable object_id")
    name = _text(cfg.get("name"), "name", topic) or _text(device_block.get("name"), "device name", topic)
    device_class = _text(cfg.get("device_class"), "device_class", topic, 40)
    extra: dict[str, Any] = {"transport": "ha", "unique_id": _text(cfg.get("unique_id"), "unique_id", topic)}
    identifiers = device_block.get("identifiers")
    first = identifiers[0] if isinstance(identifiers, list) and identifiers else identifiers
    if isinstance(first, str) and first:
        extra["device_id"] = first[:MAX_NAME]  # the entities of one physical device belong together
    for key in _EXTRA_KEYS:
        if key in cfg:
            extra[key] = _text(cfg[key], key, topic, 512)
    schema = "ha-json" if cfg.get("schema") == "json" else "ha-basic"
    try:
        return Device(
            entity_id=f"{component}.{object_id}",
            name=name or object_id.replace("_", " "),
            domain=component,
            area=_text(device_block.get("suggested_area"), "suggested_area", topic).lower(),
            device_class=device_class,
            capabilities=_ha_capabilities(component, cfg, device_class),
            unit=_text(cfg.get("unit_of_measurement"), "unit_of_measurement", topic, 20),
            command_topic=_text(cfg.get("command_topic"), "command_topic", topic, 512),
            state_topic=_text(cfg.get("state_topic"), "state_topic", topic, 512),
            schema=schema,
            payload_on=_text(cfg.get("payload_on"), "payload_on", topic) or "ON",
            payload_off=_text(cfg.get("payload_off"), "payload_off", topic) or "OFF",
            extra=extra,
        )
    except ValueError as err:
        raise PayloadError(f"{topic[:100]}: {err}") from err
