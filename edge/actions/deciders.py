"""What each device intent asks of one device: intent slots + the device's state -> (action, value), or a
message saying why not (pure; the planner calls them per target, ``docs/home-mqtt.md`` has the table).

A decision is transport-neutral; ``edge.context.wire.encode_command`` makes its MQTT form per schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from edge.context.color_temp import kelvin_of, kelvin_range
from edge.context.kinds import Kind, kind_of
from edge.context.model import Capability, Device, DeviceState
from edge.nlu.white_words import RELATIVE, STEP_KELVIN, WHITE_KELVIN

__all__ = [
    "COLORS",
    "DECIDERS",
    "STATELESS_DOMAINS",
    "STEP_BRIGHTNESS",
    "STEP_DEGREES",
    "STEP_VOLUME",
    "WHITE_RGB",
    "Decide",
    "Decision",
    "clean_areas",
    "implied",
    "temperature_range",
    "volume_step",
]

COLORS: Mapping[str, tuple[int, int, int]] = {
    "red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "white": (255, 255, 255),
    "warm white": (255, 180, 107), "yellow": (255, 255, 0), "orange": (255, 165, 0), "purple": (128, 0, 128),
    "pink": (255, 105, 180), "cyan": (0, 255, 255), "magenta": (255, 0, 255),
}  # fmt: skip
WHITE_RGB: Mapping[int, tuple[int, int, int]] = {
    2200: (255, 147, 44), 2700: (255, 180, 107), 4000: (255, 209, 163), 5000: (255, 228, 206),
    6500: (255, 249, 253),
}  # fmt: skip
"""The RGB nearest each white of :data:`WHITE_KELVIN`, for a colour light with no white channel (the
black-body colour; 2700 K is the "warm white" above)."""
STEP_BRIGHTNESS = 25.0
STEP_VOLUME = 10.0
STEP_DEGREES = 1.0
STATELESS_DOMAINS = frozenset({"scene", "script", "button", "input_button"})
"""Domains whose entities are activated and report no state afterwards (HA: a scene is "turned on")."""

Decision = tuple[str, Any] | str  # (action, value) or an error message
Decide = Callable[[Device, DeviceState, Mapping[str, str]], Decision]

_DOWN_WORDS = frozenset(
    {"down", "decrease", "lower", "quieter", "softer", "reduce", "loud", "noisy", "less", "minus"}
)


def _number(text: str | None) -> float | None:
    match = re.search(r"[-+]?\d+(?:\.\d+)?", text or "")
    return float(match.group()) if match else None


def volume_step(slots: Mapping[str, str], text: str = "") -> float:
    """The signed change in volume points of ``HassSetVolumeRelative``: ``volume_step`` "up", "down" or a
    signed number as in HA's lists; an unsigned number, or no slot, takes its direction from the words
    ("turn it down by 20", "too loud")."""
    raw = (slots.get("volume_step") or "").strip().lower()
    value = _number(raw)
    if raw.startswith(("+", "-")) and value is not None:
        return value
    words = set(re.findall(r"[a-z]+", f"{raw} {text.lower()}"))
    sign = -1.0 if raw == "down" or (raw != "up" and words & _DOWN_WORDS) else 1.0
    return sign * abs(value if value is not None else STEP_VOLUME)


def clean_areas(slots: Mapping[str, str]) -> list[str]:
    """The areas a vacuum is sent to clean ("the kitchen and the hall" -> two)."""
    raw = slots.get("area", "").strip().lower()
    parts = re.split(r",|\band\b|&", raw)
    return [p.strip().removeprefix("the ").strip() for p in parts if p.strip()]


def _pct(state: DeviceState) -> float:
    raw = state.attributes.get("brightness")
    if state.state != "on" or not isinstance(raw, int | float):
        return 0.0 if state.state != "on" else 100.0
    return float(raw) * 100 / 255


def _turn(on: bool) -> Decide:
    def decide(d: Device, _s: DeviceState, _slots: Mapping[str, str]) -> Decision:
        if d.domain == "lock":
            return ("lock" if on else "unlock", None)
        if d.domain in {"cover", "valve"}:
            return ("open" if on else "close", None)
        if d.domain == "vacuum":
            return ("start" if on else "return_to_base", None)
        if d.domain == "lawn_mower":
            return ("start_mowing" if on else "dock", None)
        if d.domain in STATELESS_DOMAINS and not on:
            return f"the {d.name} can't be turned off"
        return ("turn_on" if on else "turn_off", None)

    return decide


def _white(d: Device, s: DeviceState, word: str) -> Decision:
    """A white said in words (:mod:`edge.nlu.white_words`): a white-spectrum bulb's colour temperature,
    within its range; a step of 500 K from its reading (the middle of its range when it reports none); the
    nearest RGB on a colour light without white; else why not."""
    if Capability.COLOR_TEMP not in d.capabilities:
        if word in RELATIVE or Capability.COLOR not in d.capabilities:
            return f"the {d.name.lower()} has no white to change"
        return ("set_color", list(WHITE_RGB[WHITE_KELVIN[word]]))
    low, high = kelvin_range(d, s.attributes)
    if word in RELATIVE:
        now = kelvin_of(s.attributes) or (low + high) / 2
        target = max(low, min(high, now + RELATIVE[word] * STEP_KELVIN))
        if abs(target - now) < 1:
            return f"the {d.name.lower()} is already as {'cool' if RELATIVE[word] > 0 else 'warm'} as it goes"
        return ("set_color_temp", round(target))
    return ("set_color_temp", round(max(low, min(high, float(WHITE_KELVIN[word])))))


def _light_set(d: Device, s: DeviceState, slots: Mapping[str, str]) -> Decision:
    if color := slots.get("color", "").strip().lower():
        if color in WHITE_KELVIN or color in RELATIVE:
            return _white(d, s, color)
        rgb = COLORS.get(color)
        return ("set_color", list(rgb)) if rgb else f"I don't know the colour {color}"
    pct = _number(slots.get("brightness"))
    if pct is None:
        return "how bright? say a percentage"
    return ("set_brightness", max(0.0, min(100.0, pct)))


def _relative_light(sign: float) -> Decide:
    def decide(_d: Device, s: DeviceState, slots: Mapping[str, str]) -> Decision:
        step = abs(_number(slots.get("brightness")) or STEP_BRIGHTNESS)
        return ("set_brightness", round(max(1.0, min(100.0, _pct(s) + sign * step)), 1))

    return decide


def temperature_range(d: Device, s: DeviceState) -> tuple[float, float]:
    """The target temperatures ``d`` takes: its own ``min_temp`` / ``max_temp`` (Home Assistant's climate
    attributes) when it reports them, else a safe range for its kind and unit (an oven 30-300 °C, a
    thermostat 5-35 °C or 40-95 °F)."""
    low, high = s.attributes.get("min_temp"), s.attributes.get("max_temp")
    if isinstance(low, int | float) and isinstance(high, int | float) and low < high:
        return float(low), float(high)
    fahrenheit = "F" in (d.unit or str(s.attributes.get("temperature_unit", "")))
    if kind_of(d) is Kind.OVEN:
        return (85.0, 575.0) if fahrenheit else (30.0, 300.0)
    return (40.0, 95.0) if fahrenheit else (5.0, 35.0)


def _set_temperature(d: Device, s: DeviceState, slots: Mapping[str, str]) -> Decision:
    """A thermostat's or an oven's target temperature (the oven is a target of HassClimateSetTemperature),
    never outside the range it takes ("set the heating to 200" is refused, not sent)."""
    value = _number(slots.get("temperature"))
    if value is None:
        return "what temperature?"
    low, high = temperature_range(d, s)
    if not low <= value <= high:
        return f"the {d.name.lower()} takes {low:g} to {high:g} degrees, not {value:g}"
    return ("set_temperature", value)


def _relative_temperature(sign: float) -> Decide:
    def decide(_d: Device, s: DeviceState, _slots: Mapping[str, str]) -> Decision:
        current = s.attributes.get("temperature")
        if not isinstance(current, int | float):
            return "I don't know the current setting"
        return ("set_temperature", float(current) + sign * STEP_DEGREES)

    return decide


def _set_position(_d: Device, _s: DeviceState, slots: Mapping[str, str]) -> Decision:
    value = _number(slots.get("position"))
    return ("set_position", max(0.0, min(100.0, value))) if value is not None else "to what position?"


def _current_volume(s: DeviceState) -> float:
    return float(s.attributes.get("volume_level", 0.5) or 0.0) * 100


def _set_volume(_d: Device, s: DeviceState, slots: Mapping[str, str]) -> Decision:
    raw = slots.get("volume_level") or ""
    value = _number(raw)
    if value is None:
        return "what volume? say a percentage"
    level = _current_volume(s) + value if raw.strip().startswith(("+", "-")) else value
    return ("set_volume", round(max(0.0, min(100.0, level)) / 100, 2))


def _volume_relative(_d: Device, s: DeviceState, slots: Mapping[str, str]) -> Decision:
    """``volume_step`` here is already signed (the planner applies :func:`volume_step` to the words)."""
    level = _current_volume(s) + volume_step(slots)
    return ("set_volume", round(max(0.0, min(100.0, level)) / 100, 2))


def _fan_speed(d: Device, _s: DeviceState, slots: Mapping[str, str]) -> Decision:
    value = _number(slots.get("percentage"))
    if value is None:
        return "what speed? say a percentage"
    if d.schema == "ha-basic" and not d.extra.get("percentage_command_topic"):
        return f"the {d.name} can't set its speed"
    return ("set_percentage", round(max(0.0, min(100.0, value))))


def _fan_mode(d: Device, s: DeviceState, slots: Mapping[str, str]) -> Decision:
    mode = slots.get("fan_mode", "").strip().lower()
    if not mode:
        return "which fan mode?"
    modes = s.attributes.get("fan_modes")
    if isinstance(modes, list | tuple) and modes and mode not in {str(m).lower() for m in modes}:
        return f"the {d.name} has no fan mode {mode} (it has {', '.join(str(m) for m in modes)})"
    if d.schema == "ha-basic" and not d.extra.get("fan_mode_command_topic"):
        return f"the {d.name} can't set a fan mode"
    return ("set_fan_mode", mode)


def _clean_area(d: Device, _s: DeviceState, slots: Mapping[str, str]) -> Decision:
    areas = clean_areas(slots)
    if not areas:
        return "which room should it clean?"
    if d.schema == "ha-basic" and not d.extra.get("send_command_topic"):
        return f"the {d.name} can't be sent to a room"
    return ("clean_area", areas)


def _fixed(action: str) -> Decide:
    def decide(_d: Device, _s: DeviceState, slots: Mapping[str, str]) -> Decision:
        if action == "play_media":
            return (action, slots.get("search_query") or slots.get("media_class") or "")
        return (action, None)

    return decide


_PLAIN_COFFEE = frozenset({"", "coffee", "a coffee", "some coffee", "a cup of coffee", "cup of coffee"})


def _brew(d: Device, _s: DeviceState, slots: Mapping[str, str]) -> Decision:
    """A coffee machine that brews brews; one on a smart plug ("Coffee Machine", ``switch.coffee_machine``:
    HA homes have those more often) is turned on for a plain coffee, and says what it cannot make."""
    if Capability.BREW in d.capabilities or d.domain == "coffee_maker":
        return ("brew", None)
    drink = slots.get("drink", "").strip().lower()
    if Capability.ON_OFF in d.capabilities and drink in _PLAIN_COFFEE:
        return ("turn_on", None)
    return f"the {d.name} can only be turned on, not make {drink or 'that'}"


DECIDERS: Mapping[str, Decide] = {
    "HassTurnOn": _turn(True),
    "HassTurnOff": _turn(False),
    "HassLightSet": _light_set,
    "LightBrighter": _relative_light(1.0),
    "LightDimmer": _relative_light(-1.0),
    "HassClimateSetTemperature": _set_temperature,
    "ClimateWarmer": _relative_temperature(1.0),
    "ClimateCooler": _relative_temperature(-1.0),
    "HassClimateSetFanMode": _fan_mode,
    "HassSetPosition": _set_position,
    "HassVacuumStart": _fixed("start"),
    "HassVacuumReturnToBase": _fixed("return_to_base"),
    "HassVacuumCleanArea": _clean_area,
    "HassMediaPause": _fixed("pause"),
    "HassMediaUnpause": _fixed("play"),
    "HassMediaNext": _fixed("next"),
    "HassMediaPrevious": _fixed("previous"),
    "HassMediaPlayerMute": _fixed("mute"),
    "HassMediaPlayerUnmute": _fixed("unmute"),
    "HassSetVolume": _set_volume,
    "HassSetVolumeRelative": _volume_relative,
    "HassMediaSearchAndPlay": _fixed("play_media"),
    "HassFanSetSpeed": _fan_speed,
    "HassLawnMowerStartMowing": _fixed("start_mowing"),
    "HassLawnMowerDock": _fixed("dock"),
    "CoffeeBrew": _brew,
}
"""The device intents the planner turns into commands (every other intent answers or needs no device)."""

_IMPLIED: Mapping[Capability, frozenset[str]] = {
    Capability.ON_OFF: frozenset({"light", "switch", "fan", "media_player", "input_boolean"})
    | STATELESS_DOMAINS,
    Capability.FAN_SPEED: frozenset({"fan"}),
    Capability.FAN_MODE: frozenset({"climate"}),
    Capability.MOWER: frozenset({"lawn_mower"}),
}


def implied(device: Device, needed: Capability) -> bool:
    """Capabilities a device has without listing them (an HA light always turns on and off, a fan takes a
    percentage, a lawn mower mows); the decider still refuses what its schema has no topic for."""
    return device.domain in _IMPLIED.get(needed, frozenset())
