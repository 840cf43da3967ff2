"""Home Assistant's basic and template schemas on the wire, as HA reads and writes them.

States: each of a device's state topics (``state_topic``, ``brightness_state_topic``,
``current_temperature_topic``...) is read through its template when the config has one
(``value_template``/``state_value_template``, ``brightness_value_template``...), so several topics may
point at one JSON topic (a Zigbee2MQTT thermostat found through HA discovery: one message, many
attributes). The state text is matched against the config's ``state_*``/``payload_*`` options first, then
the usual words. ``json_attributes_topic`` (with ``json_attributes_template``) adds attributes.

Commands: the config's ``payload_*`` options, then its command templates (``command_template``,
``brightness_command_template``, ``set_position_template``, ``temperature_command_template``,
``percentage_command_template``, ``command_on_template``/``command_off_template`` of ``schema: template``
lights, a lawn mower's ``start_mowing_command_template``/``dock_command_template``...). A template that
fails raises :class:`TemplateError` naming the entity and the template.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from typing import Any

from edge.context.color_temp import wire_value
from edge.context.ha_templates import TemplateError, render_command, render_value
from edge.context.model import Device, DeviceState
from edge.context.validate import PayloadError, check_json_depth, clean_number

__all__ = ["decode_ha_state", "encode_ha_command", "optimistic", "templates"]

log = logging.getLogger(__name__)

MAX_STRING = 256
MAX_ATTRIBUTES = 64
_WORDS = {"ON": "on", "OFF": "off", "LOCK": "locked", "LOCKED": "locked", "UNLOCK": "unlocked",
          "UNLOCKED": "unlocked", "OPEN": "open", "CLOSE": "closed", "CLOSED": "closed", "OPENING": "opening",
          "CLOSING": "closing", "STOPPED": "stopped", "JAMMED": "jammed", "LOCKING": "locking",
          "UNLOCKING": "unlocking", "TRUE": "on", "FALSE": "off"}  # fmt: skip
_STATE_OPTIONS = (("state_locked", "locked"), ("state_unlocked", "unlocked"), ("state_locking", "locking"),
                  ("state_unlocking", "unlocking"), ("state_jammed", "jammed"), ("state_open", "open"),
                  ("state_opening", "opening"), ("state_closed", "closed"), ("state_closing", "closing"),
                  ("state_stopped", "stopped"))  # fmt: skip
_FEATURES = {  # state topic key: (template key, attribute)
    "brightness_state_topic": ("brightness_value_template", "brightness"),
    "current_temperature_topic": ("current_temperature_template", "current_temperature"),
    "temperature_state_topic": ("temperature_state_template", "temperature"),
    "position_topic": ("position_template", "current_position"),
    "rgb_state_topic": ("rgb_value_template", "rgb_color"),
    "mode_state_topic": ("mode_state_template", "hvac_mode"),
    "percentage_state_topic": ("percentage_value_template", "percentage"),
    "fan_mode_state_topic": ("fan_mode_state_template", "fan_mode"),
    "action_topic": ("action_template", "hvac_action"),
    "color_temp_state_topic": ("color_temp_value_template", "color_temp"),
    "preset_mode_state_topic": ("preset_mode_value_template", "preset_mode"),
}
_TEXT_ATTRS = {"hvac_mode", "fan_mode", "hvac_action", "preset_mode"}
_COVER_STATES = frozenset({"open", "closed", "opening", "closing", "stopped"})


def templates(device: Device) -> Mapping[str, str]:
    found = device.extra.get("templates")
    return found if isinstance(found, Mapping) else {}


def optimistic(device: Device) -> bool:
    """HA's optimistic mode: declared (``optimistic: true``), or an HA-discovered entity with no topic to
    report on; its commands are done once sent (nothing will confirm them)."""
    if device.extra.get("optimistic") is True:
        return True
    if device.extra.get("transport") != "ha" or device.state_topic:
        return False
    return not any(device.extra.get(key) for key in _FEATURES)


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError as err:
        raise PayloadError(f"{what}: expected a number, got {text[:40]!r}") from err


def _state_word(device: Device, text: str) -> str:
    extra = device.extra
    if device.domain == "number":  # HA's number.mqtt holds a float: ESPHome's "45.000000" reads "45.0"
        return str(clean_number(device.entity_id, _number(text, f"{device.entity_id} state")))
    if device.domain == "select":  # the option as the device spells it, one of its options (as HA)
        options = extra.get("options")
        if isinstance(options, tuple) and options and text not in options:
            raise PayloadError(f"{device.entity_id}: {text[:40]!r} is not one of its options")
        return text[:MAX_STRING]
    for key, word in _STATE_OPTIONS:
        if key in extra and text == str(extra[key]):
            return word
    if device.domain not in {"lock", "cover", "valve", "vacuum"}:
        if text in {str(extra.get("state_on", device.payload_on)), device.payload_on}:
            return "on"
        if text in {str(extra.get("state_off", device.payload_off)), device.payload_off}:
            return "off"
    if device.domain in {"cover", "valve"} and text.lstrip("-").replace(".", "", 1).isdigit():
        return "closed" if float(text) <= float(extra.get("position_closed", 0)) else "open"
    return _WORDS.get(text.upper(), text.lower()[:MAX_STRING])


def _cover_word(device: Device, text: str) -> str:
    """A cover's or valve's state: one of HA's five, else refused as HA refuses it (Tasmota's shutter
    reports its whole STATE JSON on its state topic; the position then tells open from closed)."""
    word = _state_word(device, text)
    if word not in _COVER_STATES:
        raise PayloadError(f"{device.entity_id}: state {text[:40]!r} is not one of {sorted(_COVER_STATES)}")
    return word


def _feature(device: Device, attr: str, text: str, attrs: dict[str, Any], what: str) -> None:
    if attr in _TEXT_ATTRS:
        attrs[attr] = text.lower()[:MAX_STRING]
    elif attr == "rgb_color":
        parts = text.split(",")
        if len(parts) == 3 and all(p.strip().isdigit() for p in parts):
            attrs[attr] = [int(p) for p in parts]
    elif attr == "brightness":
        raw = clean_number("raw brightness", _number(text, what))
        scale = float(device.extra.get("brightness_scale", 255) or 255)
        attrs[attr] = round(clean_number(attr, raw * 255 / scale), 2)
    elif attr == "current_position":
        raw = _number(text, what)
        low = float(device.extra.get("position_closed", 0))
        high = float(device.extra.get("position_open", 100))
        attrs[attr] = round(clean_number(attr, (raw - low) * 100 / ((high - low) or 100)), 2)
    elif attr == "percentage":  # HA's ranged_value_to_percentage over speed_range_min..speed_range_max
        low = int(device.extra.get("speed_range_min", 1))
        high = int(device.extra.get("speed_range_max", 100))
        raw = clean_number("raw percentage", _number(text, what))
        attrs[attr] = max(0, min(100, int((raw - (low - 1)) * 100 // max(1, high - low + 1))))
    else:
        attrs[attr] = round(clean_number(attr, _number(text, what)), 2)


def _json_attributes(device: Device, text: str, attrs: dict[str, Any]) -> None:
    source = templates(device).get("json_attributes_template")
    body = render_value(source, text, device.entity_id, what="json_attributes_template") if source else text
    try:
        obj = check_json_depth(json.loads(body), f"{device.entity_id} json attributes")
    except (ValueError, RecursionError) as err:
        raise PayloadError(f"{device.entity_id}: json attributes are not a JSON object") from err
    if not isinstance(obj, dict):
        raise PayloadError(f"{device.entity_id}: json attributes are not a JSON object")
    for key, value in list(obj.items())[:MAX_ATTRIBUTES]:
        usable = isinstance(value, bool | int | str) or (isinstance(value, float) and math.isfinite(value))
        room = key in attrs or len(attrs) < MAX_ATTRIBUTES
        if isinstance(key, str) and len(key) <= 64 and key != "state" and usable and room:
            attrs[key] = value[:MAX_STRING] if isinstance(value, str) else value


def decode_ha_state(
    device: Device, topic: str, text: str, previous: DeviceState | None, t_ms: float
) -> DeviceState:
    """A basic/template-schema message on one of ``device``'s topics merged over the previous state.
    A template that fails for the main state raises (the previous state is kept); one that fails for a
    secondary attribute is logged by the store the same way, and that attribute keeps its value."""
    attrs: dict[str, Any] = dict(previous.attributes) if previous else {}
    state = previous.state if previous else "unknown"
    tpl = templates(device)
    readings = 0  # what this topic carries for the device, and how many of them failed to render
    failures: list[PayloadError] = []
    if topic == device.state_topic:
        readings += 1
        key = "state_template" if device.schema == "ha-template" else "value_template"
        source = tpl.get("state_value_template") or tpl.get(key)
        try:
            raw = render_value(source, text, device.entity_id, state, key) if source else text
            if raw and raw.lower() not in {"none", "null"}:  # HA ignores an empty state
                cover = device.domain in {"cover", "valve"}
                state = _cover_word(device, raw) if cover else _state_word(device, raw)
            if device.schema == "ha-template" and "brightness_template" in tpl:
                value = render_value(
                    tpl["brightness_template"], text, device.entity_id, state, "brightness_template"
                )
                if value:
                    attrs["brightness"] = round(
                        clean_number("brightness", _number(value, "brightness_template")), 2
                    )
        except PayloadError as failed:
            failures.append(failed)
    for key, (tkey, attr) in _FEATURES.items():
        if device.extra.get(key) != topic:
            continue
        readings += 1
        try:
            value = render_value(tpl[tkey], text, device.entity_id, state, tkey) if tkey in tpl else text
            if value:
                _feature(device, attr, value, attrs, f"{topic[:80]} ({tkey})")
            if attr == "hvac_mode" and value:
                state = value.lower()[:MAX_STRING]
        except TemplateError as failed:
            failures.append(failed)
    position = attrs.get("current_position")  # a position says open or closed (HA's, with no state topic)
    settled = device.domain in {"cover", "valve"} and state not in {"opening", "closing"}
    if settled and topic == device.extra.get("position_topic") and isinstance(position, int | float):
        state = "closed" if position <= 0 else "open"
    if device.extra.get("json_attributes_topic") == topic:
        readings += 1
        _json_attributes(device, text, attrs)
    if not readings:
        raise PayloadError(f"{topic[:100]}: not a state topic of {device.entity_id}")
    if failures and len(failures) == readings:
        raise failures[0]  # nothing on this topic could be read: keep the previous state, say why once
    for failure in failures:  # Tasmota's {"Dimmer":50} has no POWER: HA reads what it can, so do we
        log.debug("%s", str(failure)[:300])
    return DeviceState(state, attrs, t_ms)


_ACTION_PAYLOAD = {"lock": "LOCK", "unlock": "UNLOCK", "open": "OPEN", "close": "CLOSE", "stop": "STOP",
                   "press": "PRESS"}  # fmt: skip
_VALUE_TOPICS = {  # action: (command topic key, command template key)
    "set_brightness": ("brightness_command_topic", "brightness_command_template"),
    "set_temperature": ("temperature_command_topic", "temperature_command_template"),
    "set_position": ("set_position_topic", "set_position_template"),
    "set_color": ("rgb_command_topic", "rgb_command_template"),
    "set_color_temp": ("color_temp_command_topic", "color_temp_command_template"),
    "set_percentage": ("percentage_command_topic", "percentage_command_template"),
    "set_fan_mode": ("fan_mode_command_topic", "fan_mode_command_template"),
    "set_hvac_mode": ("mode_command_topic", "mode_command_template"),
}


def _ranged(device: Device, pct: float) -> int:
    """A fan percentage in the device's ``speed_range_min``..``speed_range_max`` (HA's
    ``percentage_to_ranged_value`` rounded up)."""
    low = int(device.extra.get("speed_range_min", 1))
    high = int(device.extra.get("speed_range_max", 100))
    return math.ceil((high - low + 1) * pct / 100)


def _template_light(device: Device, action: str, value: Any) -> tuple[str, str]:
    tpl = templates(device)
    eid = device.entity_id
    if action == "turn_off":
        return device.command_topic, render_command(tpl.get("command_off_template", ""), None, eid,
                                                    {"state": "off"}, "command_off_template")  # fmt: skip
    scope: dict[str, Any] = {"state": "on"}
    if action == "set_brightness":
        scope["brightness"] = round(float(value) * 255 / 100)
    elif action == "set_color":
        scope.update(zip(("red", "green", "blue"), (int(c) for c in value), strict=True))
    elif action == "set_color_temp":
        scope["color_temp"] = wire_value(device, float(value))
    return device.command_topic, render_command(tpl.get("command_on_template", ""), None, eid, scope,
                                                "command_on_template")  # fmt: skip


def _brightness_on(device: Device) -> tuple[str, str]:
    """``on_command_type: brightness``: HA turns the light on by its brightness alone (no ``payload_on``),
    at full scale when it knows no earlier level; so do we (we never guess an earlier level)."""
    extra, tpl = device.extra, templates(device)
    topic = str(extra["brightness_command_topic"])
    full = round(float(extra.get("brightness_scale", 255) or 255))
    key = "brightness_command_template"
    if key in tpl:
        return topic, render_command(tpl[key], full, device.entity_id, what=key)
    return topic, str(full)


def encode_ha_command(device: Device, action: str, value: Any) -> tuple[str, str]:
    """(topic, payload) for a basic- or template-schema device, as HA would publish it."""
    if device.schema == "ha-template" and device.domain == "light":
        return _template_light(device, action, value)
    extra, tpl, eid = device.extra, templates(device), device.entity_id
    brightness_on = extra.get("on_command_type") == "brightness" and extra.get("brightness_command_topic")
    if action == "turn_on" and brightness_on:  # HA sends only a brightness (zwave-js-ui's dimmers)
        return _brightness_on(device)
    if action in {"turn_on", "turn_off"}:
        payload = device.payload_on if action == "turn_on" else device.payload_off
        key = "command_template"
        if key in tpl:
            payload = render_command(tpl[key], payload, eid, what=key)
        return device.command_topic, payload
    if action in _ACTION_PAYLOAD or f"payload_{action}" in extra:
        payload = str(extra.get(f"payload_{action}", _ACTION_PAYLOAD.get(action, action)))
        if "command_template" in tpl and device.domain in {"lock", "valve"}:
            payload = render_command(tpl["command_template"], payload, eid, what="command_template")
        return device.command_topic, payload
    if action in _VALUE_TOPICS and extra.get(_VALUE_TOPICS[action][0]):
        topic_key, tkey = _VALUE_TOPICS[action]
        scope: dict[str, Any] = {}
        command: Any
        if action == "set_brightness":
            command = round(float(value) * float(extra.get("brightness_scale", 255) or 255) / 100)
        elif action == "set_temperature":
            command = float(value)
        elif action == "set_position":
            low, high = float(extra.get("position_closed", 0)), float(extra.get("position_open", 100))
            command = round(low + (high - low) * float(value) / 100)
            scope = {"position": command, "position_open": high, "position_closed": low}
        elif action == "set_color":
            command = ",".join(str(int(c)) for c in value)
            scope = dict(zip(("red", "green", "blue"), (int(c) for c in value), strict=True))
        elif action == "set_percentage":
            command = _ranged(device, float(value))
        elif action == "set_color_temp":  # mireds, or kelvin with color_temp_kelvin: true
            command = wire_value(device, float(value))
        else:
            command = str(value)
        if tkey in tpl:
            return str(extra[topic_key]), render_command(tpl[tkey], command, eid, scope, tkey)
        if isinstance(command, float):
            return str(extra[topic_key]), f"{command:g}"
        return str(extra[topic_key]), str(command)
    if action in {"start_mowing", "dock", "pause"} and extra.get(f"{action}_command_topic"):
        payload = str(extra.get(f"{action}_payload", action))  # HA publishes the action's own name
        if (key := f"{action}_command_template") in tpl:
            payload = render_command(tpl[key], action, eid, what=key)
        return str(extra[f"{action}_command_topic"]), payload
    if action == "clean_area" and extra.get("send_command_topic"):
        body = {"command": "clean_area", "areas": list(value)}
        return str(extra["send_command_topic"]), json.dumps(body, separators=(",", ":"))
    return device.command_topic, action
