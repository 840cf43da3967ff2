"""Device payloads on the wire: commands to send and states to read, for each schema.

Schemas: ``ha-json`` (Home Assistant MQTT JSON schema: one JSON state topic, one JSON command topic, with
``brightness_scale``), ``ha-basic`` and ``ha-template`` (HA basic/template schemas with their templates:
:mod:`edge.context.ha_wire`) and ``z2m`` (Zigbee2MQTT JSON, in :mod:`edge.context.z2m_wire`; each function
here hands a ``z2m`` device to it). Decoding is
defensive: oversized, non-UTF-8, non-JSON or deeply nested payloads give :class:`PayloadError`, never a
crash, and attributes are bounded in number and size.
"""

from __future__ import annotations

import json
from typing import Any

from edge.context import z2m_wire
from edge.context.color_temp import to_kelvin, wire_value
from edge.context.ha_wire import decode_ha_state, encode_ha_command, templates
from edge.context.model import Device, DeviceState
from edge.context.validate import PayloadError, clean_number, clean_scalar, load_json

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "PayloadError",
    "decode_basic_state",
    "decode_command",
    "decode_json_state",
    "encode_command",
    "encode_state",
    "parse_json",
]

MAX_PAYLOAD_BYTES = 64 * 1024
MAX_ATTRIBUTES = 64
MAX_STRING = 256

_STATE_WORDS = {"ON": "on", "OFF": "off", "LOCK": "locked", "LOCKED": "locked", "UNLOCK": "unlocked",
                "UNLOCKED": "unlocked", "OPEN": "open", "CLOSE": "closed", "CLOSED": "closed"}  # fmt: skip
_COMMAND_STATE = {"ON": "turn_on", "OFF": "turn_off", "LOCK": "lock", "UNLOCK": "unlock", "OPEN": "open",
                  "CLOSE": "close"}  # fmt: skip
_ACTION_STATE = {v: k for k, v in _COMMAND_STATE.items()}


def parse_json(payload: bytes, what: str) -> Any:
    """JSON from an MQTT payload, bounded in size (64 KB) and depth."""
    return load_json(payload, what, MAX_PAYLOAD_BYTES)


def decode_json_state(
    device: Device, payload: bytes, previous: DeviceState | None, t_ms: float
) -> DeviceState:
    """A JSON state message (``ha-json`` or ``z2m``) merged over the previous state."""
    if device.schema == "z2m":
        return z2m_wire.decode_state(device, payload, previous, t_ms)
    obj = parse_json(payload, device.state_topic or device.entity_id)
    if not isinstance(obj, dict):
        raise PayloadError(f"{device.entity_id}: state must be a JSON object, got {type(obj).__name__}")
    attrs: dict[str, Any] = dict(previous.attributes) if previous else {}
    state = previous.state if previous else "unknown"
    raw_state = obj.get("lock_state", obj.get("state")) if device.domain == "lock" else obj.get("state")
    for key, value in list(obj.items())[: MAX_ATTRIBUTES * 2]:
        if key in {"state", "lock_state"} or not isinstance(key, str) or len(key) > 64:
            continue
        if key == "color" and isinstance(value, dict):
            rgb = [value.get(c) for c in ("r", "g", "b")]
            if all(isinstance(c, int) and not isinstance(c, bool) for c in rgb):
                attrs["rgb_color"] = rgb
            continue
        clean = clean_scalar(value)
        if clean is None:
            continue
        if key == "brightness" and isinstance(clean, int | float) and _scale(device) != 255:
            raw = clean_number("raw brightness", float(clean))
            clean = round(clean_number(key, raw * 255 / _scale(device)), 2)
        name = "current_position" if key == "position" else key
        if name in attrs or len(attrs) < MAX_ATTRIBUTES:
            attrs[name] = clean
    if isinstance(raw_state, str) and raw_state:
        state = _STATE_WORDS.get(raw_state.upper(), raw_state.lower()[:MAX_STRING])
    elif device.domain == "climate" and isinstance(attrs.get("hvac_mode"), str):
        state = str(attrs["hvac_mode"])
    elif device.domain == "sensor" and isinstance(attrs.get("temperature"), int | float):
        state = str(attrs["temperature"])
    return DeviceState(state, attrs, t_ms)


def decode_basic_state(
    device: Device, topic: str, payload: bytes, previous: DeviceState | None, t_ms: float
) -> DeviceState:
    """A basic- or template-schema message on one of the device's topics
    (:func:`edge.context.ha_wire.decode_ha_state`); HA's vacuum reports JSON on its state topic."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise PayloadError(f"{topic}: payload of {len(payload)} bytes is over {MAX_PAYLOAD_BYTES}")
    try:
        text = payload.decode("utf-8").strip()
    except UnicodeDecodeError as err:
        raise PayloadError(f"{topic}: payload is not UTF-8") from err
    if device.domain == "vacuum" and topic == device.state_topic and not templates(device):
        return decode_json_state(device, payload, previous, t_ms)
    return decode_ha_state(device, topic, text, previous, t_ms)


def _scale(device: Device) -> float:
    """A JSON light's ``brightness_scale`` (HA's default 255)."""
    try:
        return float(device.extra.get("brightness_scale", 255) or 255)
    except (TypeError, ValueError):
        return 255.0


def encode_command(device: Device, action: str, value: Any = None) -> tuple[str, str]:
    """(topic, payload) that asks ``device`` to do ``action``."""
    if device.schema in {"ha-basic", "ha-template"}:
        return encode_ha_command(device, action, value)
    if device.schema == "z2m":
        return z2m_wire.encode_command(device, action, value)
    body: dict[str, Any]
    if action in _ACTION_STATE:
        body = {"state": _ACTION_STATE[action]}
    elif action == "set_brightness":
        pct = float(value)
        scaled = round(pct * _scale(device) / 100)
        body = {"state": "ON", "brightness": scaled} if pct > 0 else {"state": "OFF"}
    elif action == "set_color":
        body = {"state": "ON", "color": dict(zip("rgb", (int(c) for c in value), strict=True))}
    elif action == "set_color_temp":  # mireds, or kelvin with color_temp_kelvin (HA's JSON schema)
        body = {"state": "ON", "color_temp": wire_value(device, float(value))}
    elif action == "set_temperature":
        body = {"temperature": value}
    elif action == "set_position":
        body = {"position": round(float(value))}
    elif action == "set_volume":
        body = {"volume_level": value}
    elif action == "set_percentage":
        body = {"state": "ON" if float(value) > 0 else "OFF", "percentage": round(float(value))}
    elif action == "set_fan_mode":
        body = {"fan_mode": str(value)}
    elif action == "clean_area":
        body = {"command": "clean_area", "areas": [str(a) for a in value]}
    elif action == "play_media":
        body = {"command": "play_media", "media_title": str(value or "")}
    else:
        body = {"command": action}
    return device.command_topic, json.dumps(body, separators=(",", ":"))


def decode_command(device: Device, payload: bytes) -> list[tuple[str, Any]]:
    """The actions a JSON command (``ha-json`` / ``z2m``) asks for, in order; [] if it asks for nothing."""
    if device.schema == "z2m":
        return z2m_wire.decode_command(device, payload)
    obj = parse_json(payload, device.command_topic or device.entity_id)
    if not isinstance(obj, dict):
        raise PayloadError(f"{device.entity_id}: command must be a JSON object")
    out: list[tuple[str, Any]] = []
    state = obj.get("state")
    if isinstance(obj.get("brightness"), int | float) and not isinstance(obj.get("brightness"), bool):
        out.append(("set_brightness", round(float(obj["brightness"]) * 100 / _scale(device), 1)))
    elif isinstance(state, str) and state.upper() in _COMMAND_STATE:
        out.append((_COMMAND_STATE[state.upper()], None))
    color = obj.get("color")
    if isinstance(color, dict) and all(isinstance(color.get(c), int) for c in "rgb"):
        out.append(("set_color", [color["r"], color["g"], color["b"]]))
    if (kelvin := to_kelvin(obj.get("color_temp"))) is not None:
        out.append(("set_color_temp", round(kelvin)))
    for key in ("temperature",):
        if isinstance(obj.get(key), int | float) and not isinstance(obj.get(key), bool):
            out.append(("set_temperature", float(obj[key])))
    if isinstance(obj.get("position"), int | float) and not isinstance(obj.get("position"), bool):
        out.append(("set_position", float(obj["position"])))
    if isinstance(obj.get("volume_level"), int | float) and not isinstance(obj.get("volume_level"), bool):
        out.append(("set_volume", float(obj["volume_level"])))
    if isinstance(obj.get("percentage"), int | float) and not isinstance(obj.get("percentage"), bool):
        out = [a for a in out if a[0] != "turn_on"] + [("set_percentage", float(obj["percentage"]))]
    if isinstance(obj.get("fan_mode"), str) and obj["fan_mode"]:
        out.append(("set_fan_mode", obj["fan_mode"][:MAX_STRING]))
    areas = obj.get("areas")
    if obj.get("command") == "clean_area" and isinstance(areas, list):
        return [*out, ("clean_area", [str(a)[:MAX_STRING] for a in areas[:8]])]
    command = obj.get("command")
    if isinstance(command, str) and command:
        out.append((command[:32], clean_scalar(obj.get("media_title"))))
    return out


def encode_state(device: Device, state: DeviceState) -> str:
    """The JSON a device of this schema publishes on its state topic."""
    if device.schema == "z2m":
        return z2m_wire.encode_state(device, state)
    body: dict[str, Any] = {
        **state.attributes,
        "state": _ACTION_STATE.get(f"turn_{state.state}", state.state),
    }
    return json.dumps(body, separators=(",", ":"))
