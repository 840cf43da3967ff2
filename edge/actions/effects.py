"""What each action does to a device's state, as pure functions.

The planner uses them to predict the state a device will report (``expected_state``); the simulator uses
the same functions to behave like the device, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from edge.context.color_temp import kelvin_range, wire_value
from edge.context.model import Capability, Device, DeviceState
from edge.context.z2m_fan import fan_speeds, mode_for, percentage_of

__all__ = ["ACTION_CAPABILITY", "EXPECTED_ATTRIBUTE", "apply_action", "state_matches"]

C = Capability

ACTION_CAPABILITY: Mapping[str, Capability] = {
    "turn_on": C.ON_OFF,
    "turn_off": C.ON_OFF,
    "set_brightness": C.BRIGHTNESS,
    "set_color": C.COLOR,
    "set_color_temp": C.COLOR_TEMP,
    "set_temperature": C.TEMPERATURE_SET,
    "set_position": C.POSITION,
    "open": C.OPEN_CLOSE,
    "close": C.OPEN_CLOSE,
    "lock": C.LOCK,
    "unlock": C.LOCK,
    "start": C.VACUUM,
    "return_to_base": C.VACUUM,
    "pause": C.MEDIA_PLAYBACK,
    "play": C.MEDIA_PLAYBACK,
    "next": C.MEDIA_PLAYBACK,
    "previous": C.MEDIA_PLAYBACK,
    "set_volume": C.VOLUME,
    "mute": C.VOLUME,
    "unmute": C.VOLUME,
    "play_media": C.MEDIA_SEARCH,
    "brew": C.BREW,
    "set_percentage": C.FAN_SPEED,
    "set_fan_mode": C.FAN_MODE,
    "clean_area": C.VACUUM,
    "start_mowing": C.MOWER,
    "dock": C.MOWER,
}
"""The capability a device needs for each action."""

EXPECTED_ATTRIBUTE: Mapping[str, str] = {
    "set_brightness": "brightness",
    "set_color_temp": "color_temp",
    "set_temperature": "temperature",
    "set_position": "current_position",
    "set_volume": "volume_level",
    "set_percentage": "percentage",
    "set_fan_mode": "fan_mode",
}
"""The attribute whose reported value confirms an action, besides the state."""

_SIMPLE_STATE = {
    "turn_on": "on",
    "turn_off": "off",
    "lock": "locked",
    "unlock": "unlocked",
    "start": "cleaning",
    "return_to_base": "docked",
    "pause": "paused",
    "play": "playing",
    "next": "playing",
    "previous": "playing",
    "brew": "brewing",
    "clean_area": "cleaning",
    "start_mowing": "mowing",
    "dock": "docked",
}


def _num(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def apply_action(
    device: Device, state: DeviceState, action: str, value: Any = None, t_ms: float = 0.0
) -> DeviceState:
    """The state ``device`` reports after obeying ``action``; unknown actions change nothing."""
    attrs: dict[str, Any] = dict(state.attributes)
    new = state.state
    if action in _SIMPLE_STATE:
        new = _SIMPLE_STATE[action]
        if action == "next":
            attrs["media_track"] = int(_num(attrs.get("media_track"), 1)) + 1
        elif action == "previous":
            attrs["media_track"] = max(1, int(_num(attrs.get("media_track"), 1)) - 1)
    elif action == "set_brightness":
        pct = max(0.0, min(100.0, _num(value)))
        new = "on" if pct > 0 else "off"
        if pct > 0:
            attrs["brightness"] = round(pct * 255 / 100)
    elif action == "set_color":
        new = "on"
        attrs["rgb_color"] = list(value) if isinstance(value, list | tuple) else value
    elif action == "set_color_temp":  # reported as sent: mireds (or kelvin), within the bulb's range
        new = "on"
        low, high = kelvin_range(device, attrs)
        attrs["color_temp"] = wire_value(device, max(low, min(high, _num(value, low))), attrs)
    elif action == "set_temperature":
        attrs["temperature"] = _num(value)
        if device.domain == "oven":
            new = "on"
    elif action == "set_position":
        pos = round(max(0.0, min(100.0, _num(value))))
        attrs["current_position"] = pos
        new = "open" if pos > 0 else "closed"
    elif action in {"open", "close"}:
        new = "open" if action == "open" else "closed"
        if Capability.POSITION in device.capabilities:
            attrs["current_position"] = 100 if action == "open" else 0
    elif action == "set_volume":
        attrs["volume_level"] = round(max(0.0, min(1.0, _num(value))), 2)
    elif action in {"mute", "unmute"}:
        attrs["is_volume_muted"] = action == "mute"
    elif action == "play_media":
        new = "playing"
        attrs["media_title"] = str(value or "")
    elif action == "set_percentage":
        attrs["percentage"] = round(max(0.0, min(100.0, _num(value))))
        if speeds := fan_speeds(device):  # a fan of named speeds reports the speed's own percentage
            attrs["percentage"] = percentage_of(speeds, mode_for(speeds, attrs["percentage"])) or 0
        new = "on" if attrs["percentage"] > 0 else "off"
    elif action == "set_fan_mode":
        attrs["fan_mode"] = str(value)
    else:
        return state
    return DeviceState(new, attrs, t_ms or state.t_ms)


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a == b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        slack = 2.0 if abs(float(b)) > 5 else 0.02  # 0-255 brightness vs 0-1 volume
        return abs(float(a) - float(b)) <= max(slack, 0.02 * abs(float(b)))
    return bool(a == b)


def state_matches(reported: DeviceState, expected_state: str, expected_attributes: Mapping[str, Any]) -> bool:
    """Whether a reported state confirms a command (numbers within 2 %, at least 2 units: scales differ)."""
    if expected_state and reported.state != expected_state:
        return False
    return all(_close(reported.attributes.get(k), v) for k, v in expected_attributes.items())
