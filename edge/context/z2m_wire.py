"""Zigbee2MQTT's JSON on the wire: the state a device publishes on ``<prefix>/<friendly>`` and the command
Zigbee2MQTT accepts on ``<prefix>/<friendly>/set``.

Each entity found by :mod:`edge.context.z2m` carries the keys its device uses in ``Device.extra``
(``state_key`` ``state_l1`` / ``fan_state``, ``brightness_key``, ``setpoint_key``
``current_heating_setpoint``, ``value_on``/``value_off`` ...); a device from the home file has none and
gets Zigbee2MQTT's plain ones (``state``, ``brightness``, ``occupied_heating_setpoint``). Brightness is
0-254 on the wire and 0-255 (HA's scale) in a :class:`DeviceState`. Decoding is defensive like
:mod:`edge.context.wire`: bad payloads raise :class:`PayloadError`, attributes are bounded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from edge.context.color_temp import to_kelvin, wire_value
from edge.context.model import Device, DeviceState
from edge.context.validate import PayloadError, clean_number, clean_scalar, load_json
from edge.context.z2m_fan import fan_speeds, mode_for, percentage_of

__all__ = ["decode_command", "decode_state", "encode_command", "encode_state"]

MAX_PAYLOAD_BYTES = 64 * 1024
MAX_ATTRIBUTES = 64
MAX_STRING = 256

_STATE_WORDS = {"ON": "on", "OFF": "off", "LOCK": "locked", "LOCKED": "locked", "UNLOCK": "unlocked",
                "UNLOCKED": "unlocked", "OPEN": "open", "CLOSE": "closed", "CLOSED": "closed"}  # fmt: skip
_COMMAND_WORDS = {"turn_on": "ON", "turn_off": "OFF", "lock": "LOCK", "unlock": "UNLOCK", "open": "OPEN",
                  "close": "CLOSE"}  # fmt: skip
_ATTRS = (("temperature_key", "local_temperature", "current_temperature"),
          ("setpoint_key", "occupied_heating_setpoint", "temperature"),
          ("position_key", "position", "current_position"), ("mode_key", "system_mode", "hvac_mode"),
          ("color_temp_key", "color_temp", "color_temp"),
          ("brightness_key", "brightness", "brightness"))  # fmt: skip
"""(extra key, Zigbee2MQTT's default property, the attribute name in a DeviceState)."""


def key(device: Device, name: str, default: str) -> str:
    value = device.extra.get(name)
    return value if isinstance(value, str) and value else default


def _on_off(device: Device) -> tuple[Any, Any]:
    return device.extra.get("value_on", "ON"), device.extra.get("value_off", "OFF")


def _brightness_in(value: Any) -> int | None:
    """Zigbee2MQTT's 0-254 as HA's 0-255, checked before any arithmetic."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        raw = clean_number("brightness", float(value))
    except OverflowError as err:
        raise PayloadError(f"brightness {str(value)[:20]}... is out of range") from err
    return round(clean_number("brightness", raw * 255 / 254))


def _own(device: Device, name: str) -> bool:
    """Whether a key of the device's JSON belongs to this entity (``state_l2`` is not ``..._l1``'s)."""
    endpoint = device.extra.get("endpoint")
    if isinstance(endpoint, str) and endpoint:
        return name.endswith(f"_{endpoint}") or not any(name.startswith(p) for p in ("state", "brightness"))
    return True


def decode_state(device: Device, payload: bytes, previous: DeviceState | None, t_ms: float) -> DeviceState:
    """A Zigbee2MQTT state message merged over the previous state. An empty one (Zigbee2MQTT clears the
    retained state of a device's old name when it is renamed) changes nothing."""
    if not payload.strip():
        return previous if previous is not None else DeviceState("unknown", {}, t_ms)
    obj = load_json(payload, device.state_topic or device.entity_id, MAX_PAYLOAD_BYTES)
    if not isinstance(obj, dict):
        raise PayloadError(f"{device.entity_id}: state must be a JSON object, got {type(obj).__name__}")
    attrs: dict[str, Any] = dict(previous.attributes) if previous else {}
    state = previous.state if previous else "unknown"
    renamed = {key(device, extra, default): attr for extra, default, attr in _ATTRS}
    state_key = key(device, "state_key", "state")
    for name, value in list(obj.items())[: MAX_ATTRIBUTES * 2]:
        if not isinstance(name, str) or len(name) > 64 or name == state_key or not _own(device, name):
            continue
        if name == key(device, "color_key", "color") and isinstance(value, dict):
            rgb = [value.get(c) for c in ("r", "g", "b")]
            if all(isinstance(c, int) and not isinstance(c, bool) for c in rgb):
                attrs["rgb_color"] = rgb
            continue
        clean = clean_scalar(value)
        if clean is not None and renamed.get(name) == "brightness":
            clean = _brightness_in(clean)
        if clean is not None and (name in renamed or name in attrs or len(attrs) < MAX_ATTRIBUTES):
            attrs[renamed.get(name, name)] = clean
    speeds = fan_speeds(device)
    mode = obj.get(key(device, "fan_mode_key", "fan_mode")) if speeds else None
    if isinstance(mode, str) and (percentage := percentage_of(speeds, mode)) is not None:
        attrs["percentage"] = percentage  # "medium" of low / medium / high: 66, as HA reads it
    for side in ("min_temp", "max_temp"):
        if isinstance(device.extra.get(side), float):
            attrs[side] = device.extra[side]
    raw = obj.get(state_key)
    if device.domain == "lock" and isinstance(obj.get(key(device, "lock_state_key", "lock_state")), str):
        raw = obj[key(device, "lock_state_key", "lock_state")]
    on, off = _on_off(device)
    if device.domain == "binary_sensor" and raw is not None and raw in (on, off):
        state = "on" if raw == on else "off"
    elif device.domain == "sensor" and isinstance(raw, int | float | str) and not isinstance(raw, bool):
        state = str(clean_scalar(raw))
    elif isinstance(raw, str) and raw:
        state = (
            "on"
            if raw == on
            else "off"
            if raw == off
            else _STATE_WORDS.get(raw.upper(), raw.lower()[:MAX_STRING])
        )
        if device.domain == "lock" and raw in (on, off):
            state = "locked" if raw == on else "unlocked"
    elif device.domain == "climate" and isinstance(attrs.get("hvac_mode"), str):
        state = str(attrs["hvac_mode"])
    elif device.domain == "sensor" and isinstance(attrs.get("temperature"), int | float):
        state = str(attrs["temperature"])
    return DeviceState(state, attrs, t_ms)


def encode_command(device: Device, action: str, value: Any = None) -> tuple[str, str]:
    """(topic, payload) Zigbee2MQTT accepts on ``<prefix>/<friendly>/set`` for ``action``."""
    state_key = key(device, "state_key", "state")
    on, off = _on_off(device)
    body: dict[str, Any]
    if action in {"turn_on", "turn_off"}:
        body = {state_key: on if action == "turn_on" else off}
    elif action in _COMMAND_WORDS:
        body = {state_key: _COMMAND_WORDS[action]}
    elif action == "set_brightness":
        pct = float(value)
        bright = key(device, "brightness_key", "brightness")
        body = {state_key: on, bright: round(pct * 254 / 100)} if pct > 0 else {state_key: off}
    elif action == "set_color":
        body = {
            state_key: on,
            key(device, "color_key", "color"): dict(zip("rgb", (int(c) for c in value), strict=True)),
        }
    elif action == "set_color_temp":  # mireds, within the bulb's value_min..value_max
        body = {state_key: on, key(device, "color_temp_key", "color_temp"): wire_value(device, float(value))}
    elif action == "set_temperature":
        body = {
            key(device, "setpoint_key", "occupied_heating_setpoint")
            if device.domain == "climate"
            else "temperature": value
        }
    elif action == "set_position":
        body = {key(device, "position_key", "position"): round(float(value))}
    elif action == "set_percentage" and (speeds := fan_speeds(device)):
        mode = mode_for(speeds, float(value))  # a ceiling fan's speed by name, as its HA discovery sends it
        body = {state_key: off} if mode == "off" else {key(device, "fan_mode_key", "fan_mode"): mode}
    elif action == "set_percentage":
        body = {state_key: on if float(value) > 0 else off, "percentage": round(float(value))}
    elif action == "set_fan_mode":
        body = {"fan_mode": str(value)}
    else:
        body = {"command": action}
    return device.command_topic, json.dumps(body, separators=(",", ":"))


def decode_command(device: Device, payload: bytes) -> list[tuple[str, Any]]:
    """The actions a Zigbee2MQTT ``/set`` payload asks of ``device``, in order; [] if none."""
    obj = load_json(payload, device.command_topic or device.entity_id, MAX_PAYLOAD_BYTES)
    if not isinstance(obj, dict):
        raise PayloadError(f"{device.entity_id}: command must be a JSON object")
    out: list[tuple[str, Any]] = []
    on, off = _on_off(device)

    def number(name: str) -> float | None:
        found = obj.get(name)
        return float(found) if isinstance(found, int | float) and not isinstance(found, bool) else None

    state = obj.get(key(device, "state_key", "state"))
    bright = number(key(device, "brightness_key", "brightness"))
    if bright is not None:
        out.append(("set_brightness", round(bright * 100 / 254, 1)))
    elif state is not None and state in (on, off) and device.domain not in {"lock", "cover"}:
        out.append(("turn_on" if state == on else "turn_off", None))
    elif isinstance(state, str) and state.upper() in {"LOCK", "UNLOCK", "OPEN", "CLOSE", "ON", "OFF"}:
        words = {v: k for k, v in _COMMAND_WORDS.items()}
        out.append((words[state.upper()], None))
    color = obj.get(key(device, "color_key", "color"))
    if isinstance(color, dict) and all(isinstance(color.get(c), int) for c in "rgb"):
        out.append(("set_color", [color["r"], color["g"], color["b"]]))
    if (kelvin := to_kelvin(number(key(device, "color_temp_key", "color_temp")))) is not None:
        out.append(("set_color_temp", round(kelvin)))
    for name in dict.fromkeys((key(device, "setpoint_key", "occupied_heating_setpoint"), "temperature")):
        if number(name) is not None:
            out.append(("set_temperature", number(name)))
    if number(key(device, "position_key", "position")) is not None:
        out.append(("set_position", number(key(device, "position_key", "position"))))
    if number("percentage") is not None:
        out = [a for a in out if a[0] != "turn_on"] + [("set_percentage", number("percentage"))]
    speeds = fan_speeds(device)
    mode = obj.get(key(device, "fan_mode_key", "fan_mode"))
    if speeds and isinstance(mode, str) and (percentage := percentage_of(speeds, mode)) is not None:
        out.append(("set_percentage", float(percentage)))
    elif isinstance(obj.get("fan_mode"), str) and obj["fan_mode"]:
        out.append(("set_fan_mode", obj["fan_mode"][:MAX_STRING]))
    command = obj.get("command")
    if isinstance(command, str) and command:
        out.append((command[:32], None))
    return out


def encode_state(device: Device, state: DeviceState) -> str:
    """The JSON a Zigbee2MQTT device publishes on its state topic (the simulator's side)."""
    attrs: Mapping[str, Any] = state.attributes
    reverse = {attr: key(device, extra, default) for extra, default, attr in _ATTRS}
    body = {reverse.get(k, k): v for k, v in attrs.items() if k not in {"rgb_color", "min_temp", "max_temp"}}
    if "brightness" in attrs and isinstance(attrs["brightness"], int | float):
        body[reverse["brightness"]] = round(float(attrs["brightness"]) * 254 / 255)
    if (speeds := fan_speeds(device)) and isinstance(attrs.get("percentage"), int | float):
        body.pop("percentage")  # Zigbee2MQTT's fans report their speed by name
        body[key(device, "fan_mode_key", "fan_mode")] = mode_for(speeds, float(attrs["percentage"]))
    if "rgb_color" in attrs and isinstance(attrs["rgb_color"], list) and len(attrs["rgb_color"]) == 3:
        body[key(device, "color_key", "color")] = dict(zip("rgb", attrs["rgb_color"], strict=True))
    words = {
        "on": "ON",
        "off": "OFF",
        "locked": "LOCK",
        "unlocked": "UNLOCK",
        "open": "OPEN",
        "closed": "CLOSE",
    }
    if device.domain == "lock":
        body[key(device, "lock_state_key", "lock_state")] = state.state
    if device.domain == "climate":
        body[reverse["hvac_mode"]] = state.state
    else:
        on, off = _on_off(device)
        word = (
            on
            if state.state == "on"
            else off
            if state.state == "off"
            else words.get(state.state, state.state)
        )
        body[key(device, "state_key", "state")] = word
    return json.dumps(body, separators=(",", ":"))
