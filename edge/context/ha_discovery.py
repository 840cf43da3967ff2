"""Home Assistant MQTT discovery, read as Home Assistant reads it (pure parser).

One config message -> :class:`Announcement` s, each keyed by its **discovery source** the way HA keys a
discovered entity: the config topic (``<prefix>/<component>/[<node_id>/]<object_id>/config``), or for
device-based discovery (``<prefix>/device/<object_id>/config`` with ``cmps``, HA 2024.11+) the topic plus
``#<component id>``. An empty payload removes whatever that source created (whatever its entity_id); a new
config on the same source updates that entity (the store keeps its entity_id: a rename, never a second one).

Keys are expanded with every abbreviation HA defines (:mod:`edge.context.ha_abbreviations`) and ``~``;
names follow HA's rules (:mod:`edge.context.ha_naming`); templates are kept in ``extra["templates"]`` and
rendered by :mod:`edge.context.wire` through :mod:`edge.context.ha_templates`; availability in
``extra["availability"]`` (:mod:`edge.context.ha_availability`). Anything malformed raises
:class:`PayloadError` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from edge.context.capabilities import DOMAIN_CAPABILITIES
from edge.context.ha_abbreviations import ABBREVIATIONS, DEVICE_ABBREVIATIONS, ORIGIN_ABBREVIATIONS
from edge.context.ha_availability import parse_availability
from edge.context.ha_naming import MAX_NAME, compose_name, entity_object_id
from edge.context.ha_templates import MAX_TEMPLATE
from edge.context.model import Capability, Device
from edge.context.validate import PayloadError, check_state_filter, check_text, check_topic_name, reads_topic
from edge.context.wire import parse_json

__all__ = [
    "HA_COMPONENTS",
    "HA_UNREAD",
    "Announcement",
    "expand_abbreviations",
    "parse_ha_config",
    "text_option",
]

HA_COMPONENTS = frozenset(
    {"light", "switch", "fan", "climate", "cover", "lock", "vacuum", "sensor", "binary_sensor", "valve",
     "alarm_control_panel", "media_player", "oven", "coffee_maker", "button", "number", "select", "siren",
     "lawn_mower", "scene"}
)  # fmt: skip
"""Components we accept (media_player, oven, coffee_maker are our simulator's additions)."""
HA_UNREAD = frozenset(
    {"camera", "device_automation", "device_tracker", "event", "humidifier", "image", "notify", "tag", "text",
     "update", "water_heater"}
)  # fmt: skip
"""Home Assistant's other MQTT platforms: nothing this device says or asks about. Their configs are passed
over quietly (a firmware ``update`` entity beside a light is normal, not a bad message), and one of them in
a device config does not cost the device's other components."""
# a lawn mower reports its activity (mowing, paused, docked, error) on its own topic, read as its state
_ACTIVITY = {"activity_state_topic": "state_topic", "activity_value_template": "value_template"}

MAX_COMPONENTS = 64
_COLOR_MODES = {"rgb", "rgbw", "rgbww", "hs", "xy"}
_DISCOVERY = re.compile(r"^(?P<component>[^/]+)/(?:(?P<node>[^/]+)/)?(?P<object>[^/]+)/config$")
_SHARED_SKIP = {"components", "device", "origin", "platform"}
_OPTION_KEYS = frozenset({
    "brightness_scale", "state_on", "state_off", "state_locked", "state_unlocked", "state_locking",
    "state_unlocking", "state_jammed", "state_open", "state_opening", "state_closed", "state_closing",
    "state_stopped", "payload_lock", "payload_unlock", "payload_open", "payload_close", "payload_stop",
    "payload_start", "payload_pause", "payload_return_to_base", "payload_locate", "payload_clean_spot",
    "payload_press", "payload_on", "payload_off", "position_open", "position_closed", "speed_range_min",
    "speed_range_max", "min_temp", "max_temp", "temperature_unit", "optimistic", "schema", "brightness",
    "entity_category", "payload_reset_percentage", "on_command_type", "min_mireds", "max_mireds",
    "min_kelvin", "max_kelvin", "color_temp_kelvin",
})  # fmt: skip
_TOPIC_SUFFIX = ("_topic",)


@dataclass(frozen=True, slots=True)
class Announcement:
    """What one discovery source says now: a device, or None (the source's entity is removed); with a
    ``problem``, that source's config is bad and whatever it announced before stays as it was."""

    source: str
    device: Device | None
    problem: str = ""


def _expand_block(block: Any, table: Mapping[str, str]) -> dict[str, Any]:
    if not isinstance(block, dict):
        return {}
    return {table.get(k, k): v for k, v in block.items() if isinstance(k, str)}


def expand_abbreviations(config: Mapping[str, Any], base: str | None = None) -> dict[str, Any]:
    """Long keys for HA's abbreviated ones (the device and origin blocks too), ``~`` expanded in every
    ``*_topic`` and in the availability list."""
    out = {ABBREVIATIONS.get(k, k): v for k, v in config.items() if isinstance(k, str)}
    if "device" in out:
        out["device"] = _expand_block(out["device"], DEVICE_ABBREVIATIONS)
    if "origin" in out:
        out["origin"] = _expand_block(out["origin"], ORIGIN_ABBREVIATIONS)
    tilde = out.get("~", base)
    if isinstance(out.get("availability"), list):
        out["availability"] = [_expand_block(a, ABBREVIATIONS) for a in out["availability"][:16]]
    if isinstance(tilde, str):
        for item in [out, *(a for a in out.get("availability", ()) if isinstance(a, dict))]:
            for key, value in item.items():
                if (key.endswith(_TOPIC_SUFFIX) or key == "topic") and isinstance(value, str):
                    if value.startswith("~"):
                        item[key] = tilde + value[1:]
                    elif value.endswith("~"):
                        item[key] = value[:-1] + tilde
    return out


def text_option(value: Any, what: str, where: str, limit: int = MAX_NAME) -> str:
    """An option HA reads as a string (``cv.string``: numbers and booleans as Python writes them)."""
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise PayloadError(f"{where}: {what} must be a string, got {type(value).__name__}")
    text = str(value)
    if len(text) > limit:
        raise PayloadError(f"{where}: {what} is {len(text)} characters, over {limit}")
    return text


def _capabilities(component: str, cfg: Mapping[str, Any], device_class: str) -> frozenset[Capability]:
    caps = set(DOMAIN_CAPABILITIES.get(component, frozenset()))
    modes = cfg.get("supported_color_modes")
    mode_set = {str(m) for m in modes} if isinstance(modes, list) else set()
    json_light = component == "light" and cfg.get("schema") in {"json", "template"}
    if component == "light":
        if (
            cfg.get("brightness_command_topic")
            or cfg.get("brightness") is True
            or mode_set - {"onoff"}
            or (cfg.get("schema") == "template" and cfg.get("brightness_template"))
        ):
            caps.add(Capability.BRIGHTNESS)
        if cfg.get("rgb_command_topic") or mode_set & _COLOR_MODES or cfg.get("rgb") is True:
            caps.add(Capability.COLOR)
        if cfg.get("schema") == "template" and cfg.get("red_template"):
            caps.add(Capability.COLOR)
        temp_light = json_light and cfg.get("color_temp")
        if cfg.get("color_temp_command_topic") or "color_temp" in mode_set or temp_light:
            caps.add(Capability.COLOR_TEMP)
    if cfg.get("temperature_command_topic"):
        caps.add(Capability.TEMPERATURE_SET)
    if cfg.get("current_temperature_topic"):
        caps.add(Capability.TEMPERATURE_READ)
    if component in {"cover", "valve"} and (cfg.get("set_position_topic") or cfg.get("position_topic")):
        caps.add(Capability.POSITION)
    if component == "fan" and cfg.get("percentage_command_topic"):
        caps.add(Capability.FAN_SPEED)
    if component == "climate" and cfg.get("fan_mode_command_topic"):
        caps.add(Capability.FAN_MODE)
    if component == "media_player" and device_class == "tv":
        caps.add(Capability.SCREEN)
    degrees = cfg.get("unit_of_measurement") in {"°C", "°F"}
    if component == "sensor" and (device_class == "temperature" or degrees):
        caps.add(Capability.TEMPERATURE_READ)
    return frozenset(caps)


def _extra(cfg: Mapping[str, Any], where: str) -> dict[str, Any]:
    extra: dict[str, Any] = {"transport": "ha"}
    templates: dict[str, str] = {}
    for key, value in cfg.items():
        if key.endswith("_topic") and isinstance(value, str) and value:
            check = check_state_filter if reads_topic(key) else check_topic_name
            extra[key] = check(text_option(value, key, where, 512), f"{where}: {key}")
        elif key.endswith("_template") and isinstance(value, str) and value.strip():
            if len(value) > MAX_TEMPLATE or "\x00" in value:
                raise PayloadError(f"{where}: {key} is over {MAX_TEMPLATE} characters or holds a NUL")
            templates[key] = value
        elif key in _OPTION_KEYS and isinstance(value, str | int | float) and not isinstance(value, bool):
            extra[key] = text_option(value, key, where, 512) if isinstance(value, str) else value
        elif key in _OPTION_KEYS and isinstance(value, bool):
            extra[key] = value if key in {"optimistic", "brightness", "color_temp_kelvin"} else str(value)
        elif key == "options" and isinstance(value, list):  # a select's options, spelt as it spells them
            extra[key] = tuple(check_text(text_option(o, key, where), f"{where}: option") for o in value[:64])
    if templates:
        extra["templates"] = MappingProxyType(templates)
    availability = parse_availability(cfg, where)
    if availability:
        extra["availability"] = availability
        extra["availability_mode"] = str(cfg.get("availability_mode", "latest"))
    return extra


def _device(component: str, cfg: dict[str, Any], where: str, fallback_object: str) -> Device:
    if component == "lawn_mower":
        cfg = {**cfg, **{own: cfg[key] for key, own in _ACTIVITY.items() if key in cfg}}
    block = cfg.get("device") if isinstance(cfg.get("device"), dict) else {}
    assert isinstance(block, dict)
    device_name = text_option(block.get("name"), "device name", where)
    if "name" in cfg:
        own = text_option(cfg.get("name"), "name", where)
        name = compose_name(device_name, own, explicit_null=cfg.get("name") is None)
    else:  # no name key: HA names the entity after its device class ("weather_sensor Temperature")
        device_class_name = str(cfg.get("device_class", "")).replace("_", " ").capitalize()
        name = compose_name(device_name, device_class_name, explicit_null=False)
    object_id = entity_object_id(component, cfg, name, fallback_object, where)
    device_class = text_option(cfg.get("device_class"), "device_class", where, 40)
    extra = _extra(cfg, where)
    extra["unique_id"] = text_option(cfg.get("unique_id"), "unique_id", where)
    identifiers = block.get("identifiers")
    first = identifiers[0] if isinstance(identifiers, list) and identifiers else identifiers
    if isinstance(first, str) and first:
        extra["device_id"] = first[:MAX_NAME]  # the entities of one physical device belong together
    if device_name:
        extra["device_name"] = device_name
    schema = {"json": "ha-json", "template": "ha-template"}.get(str(cfg.get("schema", "")), "ha-basic")
    payload_on = text_option(cfg.get("payload_on"), "payload_on", where) if "payload_on" in cfg else "ON"
    payload_off = text_option(cfg.get("payload_off"), "payload_off", where) if "payload_off" in cfg else "OFF"
    try:
        return Device(
            entity_id=f"{component}.{object_id}",
            name=name or object_id.replace("_", " "),
            domain=component,
            area=text_option(block.get("suggested_area"), "suggested_area", where).lower(),
            device_class=device_class,
            capabilities=_capabilities(component, cfg, device_class),
            unit=text_option(cfg.get("unit_of_measurement"), "unit_of_measurement", where, 20),
            command_topic=str(extra.get("command_topic", "")),
            state_topic=str(extra.get("state_topic", "")),
            schema=schema,
            payload_on=payload_on,
            payload_off=payload_off,
            extra=extra,
        )
    except ValueError as err:
        raise PayloadError(f"{where}: {err}") from err


def parse_ha_config(topic: str, payload: bytes, prefix: str = "homeassistant") -> list[Announcement]:
    """One config message under ``prefix``: what each discovery source it speaks for says now."""
    if not topic.startswith(prefix + "/"):
        raise PayloadError(f"{topic[:100]}: not under the discovery prefix {prefix!r}")
    match = _DISCOVERY.match(topic[len(prefix) + 1 :])
    if match is None:
        raise PayloadError(f"{topic[:100]}: not a discovery config topic")
    component, topic_object = match["component"], match["object"]
    if component in HA_UNREAD:
        return []
    if component != "device" and component not in HA_COMPONENTS:
        raise PayloadError(f"{topic[:100]}: unknown component {component[:40]!r}")
    if not payload.strip():
        return [Announcement(topic, None)]  # the store removes this source and every ``#cmp`` of it
    raw = parse_json(payload, topic)
    if not isinstance(raw, dict):
        raise PayloadError(f"{topic[:100]}: config must be a JSON object")
    if component != "device":
        return [Announcement(topic, _device(component, expand_abbreviations(raw), topic, topic_object))]
    return _device_based(topic, raw, topic_object)


def _device_based(topic: str, raw: dict[str, Any], topic_object: str) -> list[Announcement]:
    """``<prefix>/device/<object_id>/config``: the shared keys (``dev``, ``o``, ``~``, ``stat_t``,
    availability...) apply to every component in ``cmps``; a component given only its platform (or
    missing from a later config) is removed by the store."""
    shared = expand_abbreviations(raw)
    components = shared.get("components")
    if not isinstance(components, dict) or not components:
        raise PayloadError(f"{topic[:100]}: a device config needs a 'cmps' object of components")
    if len(components) > MAX_COMPONENTS:
        raise PayloadError(f"{topic[:100]}: {len(components)} components, over {MAX_COMPONENTS}")
    base = {k: v for k, v in shared.items() if k not in _SHARED_SKIP}
    out: list[Announcement] = []
    for cmp_id, body in components.items():
        source = f"{topic}#{str(cmp_id)[:64]}"
        if not isinstance(body, dict):
            out.append(Announcement(source, None, f"{source[:100]}: a component must be a JSON object"))
            continue
        own = expand_abbreviations(body, base=shared.get("~") if isinstance(shared.get("~"), str) else None)
        platform = own.get("platform")
        if platform in HA_UNREAD:
            continue
        if not isinstance(platform, str) or platform not in HA_COMPONENTS:
            out.append(Announcement(source, None, f"{source[:100]}: unknown platform {str(platform)[:40]!r}"))
            continue
        if set(own) <= {"platform"}:
            out.append(Announcement(source, None))
            continue
        cfg = {**base, **own, "device": shared.get("device", {})}
        try:
            out.append(Announcement(source, _device(platform, cfg, source, f"{topic_object}_{cmp_id}")))
        except PayloadError as err:  # this component is bad; the device's others stand
            out.append(Announcement(source, None, str(err)))
    return out
