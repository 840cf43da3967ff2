"""Everything the broker hands us is checked here before it touches the registry or the wire.

The broker is shared with every device, bridge and app of the home, so a retained message is untrusted
input that comes back on every restart. These checks are pure and cheap; each raises :class:`PayloadError`
with the reason (the store logs it once per topic and ignores the message):

- topic names (what we publish to, and the state topics we subscribe to, which are exact topics too):
  UTF-8, 1..``MAX_TOPIC_BYTES`` bytes, no ``+``/``#`` wildcards, no NUL or control characters, never
  ``$``-prefixed (``$SYS`` and friends belong to the broker);
- topic filters (MQTT 3.1.1 section 4.7): ``+`` and ``#`` only as whole levels, ``#`` last, same rules;
- names, ids and areas: no NUL/control characters, bounded length; entity ids ``domain.object_id`` in
  lower-case ASCII;
- numbers: finite, and for attributes with a meaning (brightness 0-255, positions 0-100, temperatures,
  volume 0-1, rgb 0-255) in range: a slight overshoot is clamped, anything wild (1e308, NaN, inf) rejects
  the whole message; no computation on a number happens before it is checked, so no OverflowError;
- JSON depth (``MAX_JSON_DEPTH``) and payload size are bounded by :func:`edge.context.wire.parse_json`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from edge.context.model import Device, DeviceState
from edge.errors import EdgeError, ErrorCode

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_TEXT",
    "MAX_TOPIC_BYTES",
    "PayloadError",
    "check_device",
    "check_json_depth",
    "check_state",
    "check_state_filter",
    "check_text",
    "check_topic_filter",
    "check_topic_name",
    "clean_number",
    "clean_scalar",
    "is_filter",
    "load_json",
    "reads_topic",
    "topic_matches",
]

MAX_TOPIC_BYTES = 512
MAX_TEXT = 128
MAX_JSON_DEPTH = 32

ATTRIBUTE_RANGES: Mapping[str, tuple[float, float]] = {
    "brightness": (0.0, 255.0),
    "current_position": (0.0, 100.0),
    "position": (0.0, 100.0),
    "volume_level": (0.0, 1.0),
    "temperature": (-100.0, 600.0),  # climate target, oven target, or a sensor's reading (°C or °F)
    "current_temperature": (-100.0, 600.0),
    "occupied_heating_setpoint": (-100.0, 600.0),
    "local_temperature": (-100.0, 600.0),
    "humidity": (0.0, 100.0),
    "color_temp": (0.0, 10000.0),
}
"""Attributes whose numbers mean something to the planner: out of range is clamped or rejected."""

CLAMP_SLACK = 0.1
"""A number within this fraction of its range beyond either end is clamped (scaling and rounding
overshoot: z2m brightness 254 -> 255.0, a position of 100.4); further out rejects the message."""

MAX_NUMBER = 1e9  # any other numeric attribute: finite and at most this big
_ENTITY_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}\.[a-z0-9_]{1,128}$")


class PayloadError(EdgeError):
    """A message from the broker we will not use (the reason is the message)."""

    code = ErrorCode.PAYLOAD_INVALID


def _bad_char(text: str) -> str | None:
    for ch in text:
        if ch == "\x00":
            return "a NUL character"
        if unicodedata.category(ch) in {"Cc", "Cs"}:
            return f"a control character (U+{ord(ch):04X})"
    return None


def check_text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    """``value`` if it is a printable text of at most ``limit`` characters."""
    if len(value) > limit:
        raise PayloadError(f"{what} is {len(value)} characters, over {limit}")
    bad = _bad_char(value)
    if bad:
        raise PayloadError(f"{what} {value[:40]!r} contains {bad}")
    return value


def _check_topic_common(topic: str, what: str) -> None:
    if not topic:
        raise PayloadError(f"{what} is empty")
    try:
        size = len(topic.encode("utf-8"))
    except UnicodeEncodeError as err:  # a lone surrogate from a hostile JSON "\udc80"
        raise PayloadError(f"{what} {topic[:60]!r} is not valid UTF-8") from err
    if size > MAX_TOPIC_BYTES:
        raise PayloadError(f"{what} is {size} bytes, over {MAX_TOPIC_BYTES}")
    bad = _bad_char(topic)
    if bad:
        raise PayloadError(f"{what} {topic[:60]!r} contains {bad}")
    if topic.startswith("$"):
        raise PayloadError(f"{what} {topic[:60]!r} is a broker topic ($-prefixed)")


def check_topic_name(topic: str, what: str = "topic") -> str:
    """A topic to publish to or an exact topic to subscribe to: no wildcards."""
    _check_topic_common(topic, what)
    if "+" in topic or "#" in topic:
        raise PayloadError(f"{what} {topic[:60]!r} contains a wildcard (+ or #)")
    return topic


def is_filter(topic: str) -> bool:
    """A subscription filter with a wildcard level (``+`` or ``#``), not one exact topic."""
    return "+" in topic or "#" in topic


def topic_matches(topic_filter: str, topic: str) -> bool:
    """Whether ``topic`` is one the filter subscribes to (MQTT 3.1.1 section 4.7; ``$`` topics need an
    explicit first level)."""
    want, got = topic_filter.split("/"), topic.split("/")
    if got[0].startswith("$") and want[0] in {"+", "#"}:
        return False
    for i, level in enumerate(want):
        if level == "#":
            return True
        if i >= len(got) or (level != "+" and level != got[i]):
            return False
    return len(want) == len(got)


def reads_topic(key: str) -> bool:
    """A config key naming a topic the entity listens on (``state_topic``, ``position_topic``...): Home
    Assistant takes a subscription filter there (OpenMQTTGateway and Theengs Gateway announce BLE sensors
    on ``+/+/BTtoMQTT/<mac>``); topics it publishes to (``*command_topic``, ``set_*``) and availability
    topics stay exact."""
    return "command" not in key and not key.startswith(("set_", "availability"))


def check_state_filter(topic: str, what: str = "state topic") -> str:
    """A topic a discovered entity listens on: exact, or a filter of ``+`` levels beside at least one named
    level (``+/+/BTtoMQTT/<mac>``); ``#`` or only wildcards would hand the entity the whole broker."""
    check_topic_filter(topic, what)
    levels = topic.split("/")
    if "#" in levels or (is_filter(topic) and all(level == "+" for level in levels)):
        raise PayloadError(f"{what} {topic[:60]!r} would take every topic: a state filter names a level")
    return topic


def check_topic_filter(topic: str, what: str = "topic filter") -> str:
    """A subscription filter: ``+`` and ``#`` only as whole levels, ``#`` only as the last level."""
    _check_topic_common(topic, what)
    levels = topic.split("/")
    for i, level in enumerate(levels):
        if level in {"+", "#"}:
            if level == "#" and i != len(levels) - 1:
                raise PayloadError(f"{what} {topic[:60]!r}: '#' must be the last level")
        elif "+" in level or "#" in level:
            raise PayloadError(f"{what} {topic[:60]!r}: a wildcard must be a whole level")
    return topic


def check_json_depth(value: Any, what: str, limit: int = MAX_JSON_DEPTH) -> Any:
    """``value`` if its JSON nesting is at most ``limit`` deep (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                raise PayloadError(f"{what}: JSON nested over {limit} levels")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return value


def clean_number(name: str, value: float) -> float:
    """``value`` checked for attribute ``name``: finite, in range (clamped when just outside)."""
    if not math.isfinite(value):
        raise PayloadError(f"{name} is {value!r}, not a finite number")
    bounds = ATTRIBUTE_RANGES.get(name)
    if bounds is None:
        if abs(value) > MAX_NUMBER:
            raise PayloadError(f"{name} = {value:.3g} is out of range")
        return value
    low, high = bounds
    slack = (high - low) * CLAMP_SLACK
    if not low - slack <= value <= high + slack:
        raise PayloadError(f"{name} = {value:.3g} is outside {low:g}..{high:g}")
    return min(high, max(low, value))


def _clean_attribute(name: str, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        number = clean_number(name, float(value))
        return int(number) if isinstance(value, int) else number
    if name == "rgb_color":
        if not (isinstance(value, list | tuple) and len(value) == 3):
            raise PayloadError(f"rgb_color must be three numbers, got {str(value)[:40]}")
        out = []
        for c in value:
            if isinstance(c, bool) or not isinstance(c, int | float) or not math.isfinite(c):
                raise PayloadError(f"rgb_color has {c!r}")
            if not -1 <= c <= 256:
                raise PayloadError(f"rgb_color component {c:.3g} is outside 0..255")
            out.append(int(min(255, max(0, round(c)))))
        return out
    if isinstance(value, str):
        bad = _bad_char(value)
        if bad:
            raise PayloadError(f"attribute {name} contains {bad}")
    if isinstance(value, list):
        return [_clean_attribute(name, v) for v in value]
    return value


def check_state(device: Device, state: DeviceState) -> DeviceState:
    """A decoded state whose state word is printable and whose numbers are finite and in range."""
    check_text(state.state, f"{device.entity_id}: state", 256)
    attrs: dict[str, Any] = {}
    for name, value in state.attributes.items():
        try:
            attrs[name] = _clean_attribute(name, value)
        except PayloadError:
            informational = name not in ATTRIBUTE_RANGES and isinstance(value, int | float)
            if not informational:
                raise
            # a number the planner never reads beyond MAX_NUMBER (zwave-js-ui's and Zigbee2MQTT's epoch
            # milliseconds ``time``/``last_seen``): that attribute is left out, the state stands
    if attrs == dict(state.attributes):
        return state
    return DeviceState(state.state, attrs, state.t_ms)


_DEVICE_TOPICS = (
    "brightness_command_topic", "brightness_state_topic", "temperature_command_topic",
    "temperature_state_topic", "current_temperature_topic", "position_topic", "set_position_topic",
    "rgb_command_topic", "rgb_state_topic", "mode_state_topic", "mode_command_topic", "availability_topic",
    "json_attributes_topic", "color_temp_command_topic",
)  # fmt: skip


def check_device(device: Device) -> Device:
    """A device from the broker with a sane id, printable names and valid topics (see the module doc)."""
    eid = device.entity_id
    if not _ENTITY_ID.match(eid):
        raise PayloadError(f"entity_id {eid[:60]!r} is not domain.object_id in lower-case letters/digits/_")
    check_text(device.name, f"{eid}: name")
    check_text(device.area, f"{eid}: area")
    check_text(device.device_class, f"{eid}: device_class", 40)
    check_text(device.unit, f"{eid}: unit", 20)
    check_text(device.payload_on, f"{eid}: payload_on")
    check_text(device.payload_off, f"{eid}: payload_off")
    for alias in device.aliases:
        check_text(alias, f"{eid}: alias")
    if device.command_topic:
        check_topic_name(device.command_topic, f"{eid}: command_topic")
    if device.state_topic:
        check_state_filter(device.state_topic, f"{eid}: state_topic")
    for key in _DEVICE_TOPICS:
        value = device.extra.get(key)
        if isinstance(value, str) and value:
            (check_state_filter if reads_topic(key) else check_topic_name)(value, f"{eid}: {key}")
    scale = device.extra.get("brightness_scale")
    if scale is not None:
        try:
            number = float(scale)
        except (TypeError, ValueError) as err:
            raise PayloadError(f"{eid}: brightness_scale {str(scale)[:20]!r} is not a number") from err
        if not 1 <= number <= 65535:
            raise PayloadError(f"{eid}: brightness_scale {number:.3g} is outside 1..65535")
    for key, value in device.extra.items():
        if isinstance(value, str):
            check_text(value, f"{eid}: {key}", 512)
        elif isinstance(value, float | int) and not isinstance(value, bool):
            clean_number(key, float(value))
    return device


def clean_scalar(value: Any, max_string: int = 256) -> Any:
    """A bounded, JSON-safe attribute value, or None to drop it."""
    if isinstance(value, bool | int):
        return value if isinstance(value, bool) or abs(value) < 2**53 else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value[:max_string]
    if isinstance(value, list) and len(value) <= 8 and all(isinstance(v, int | float | str) for v in value):
        return [v[:max_string] if isinstance(v, str) else v for v in value]
    return None


def load_json(payload: bytes, what: str, limit: int) -> Any:
    """JSON from an MQTT payload of at most ``limit`` bytes, bounded in depth (``edge.context.wire``'s
    ``parse_json`` is this with the 64 KB bound of every ordinary topic)."""
    if len(payload) > limit:
        raise PayloadError(f"{what}: payload of {len(payload)} bytes is over {limit}")
    try:
        value = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise PayloadError(f"{what}: payload is not UTF-8") from err
    except RecursionError as err:
        raise PayloadError(f"{what}: payload is nested too deeply") from err
    except ValueError as err:
        raise PayloadError(f"{what}: payload is not JSON ({err})") from err
    return check_json_depth(value, what)
