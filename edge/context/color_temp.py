"""A light's white colour temperature: kelvin in the action layer, mireds (or kelvin) on the wire. Pure.

Zigbee2MQTT's ``color_temp`` is in mireds (1,000,000 / kelvin), its expose's ``value_min`` /
``value_max`` the bulb's range (an IKEA white spectrum bulb: 250-454 mireds, 4000-2200 K). Home
Assistant's MQTT light takes mireds on ``color_temp_command_topic`` and in its JSON schema's
``color_temp``, kelvin when its config says ``color_temp_kelvin: true``; its range is ``min_mireds`` /
``max_mireds`` (or ``min_kelvin`` / ``max_kelvin``), and a light reports ``min_mireds`` / ``max_mireds``
(``min_color_temp_kelvin`` / ``max_color_temp_kelvin``) among its attributes. Without any, HA's default
2000-6535 K.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from edge.context.model import Device

__all__ = ["DEFAULT_KELVIN", "in_kelvin", "kelvin_of", "kelvin_range", "to_kelvin", "wire_value"]

DEFAULT_KELVIN = (2000.0, 6535.0)
"""Home Assistant's default range of an MQTT light (``DEFAULT_MIN_KELVIN`` / ``DEFAULT_MAX_KELVIN``)."""
_MIREDS_BELOW = 1000.0  # a reading under 1000 is mireds (bulbs: 140-550), above it kelvin (1500-10000)


def _positive(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 100_000
    return float(value) if ok else None


def to_kelvin(value: Any) -> float | None:
    """A reported colour temperature in kelvin: mireds under 1000 are converted, kelvin kept."""
    number = _positive(value)
    if number is None:
        return None
    return number if number >= _MIREDS_BELOW else 1_000_000 / number


def in_kelvin(device: Device) -> bool:
    """Whether ``device`` takes and reports kelvin (HA's ``color_temp_kelvin: true``), not mireds."""
    return device.extra.get("color_temp_kelvin") in {True, "True", "true"}


def kelvin_range(device: Device, attributes: Mapping[str, Any] | None = None) -> tuple[float, float]:
    """The warmest and coolest white ``device`` takes, in kelvin: its config's (or expose's) range, else
    the one its state reports, else :data:`DEFAULT_KELVIN`."""
    for source in (device.extra, attributes or {}):
        for low_key, high_key in (
            ("min_kelvin", "max_kelvin"),
            ("min_color_temp_kelvin", "max_color_temp_kelvin"),
            ("max_mireds", "min_mireds"),
        ):
            low, high = to_kelvin(source.get(low_key)), to_kelvin(source.get(high_key))
            if low is not None and high is not None and low < high:
                return low, high
    return DEFAULT_KELVIN


def wire_value(device: Device, kelvin: float, attributes: Mapping[str, Any] | None = None) -> int:
    """The whole number ``device`` is sent for ``kelvin``, within its range: mireds (1e6 / K) or kelvin."""
    low, high = kelvin_range(device, attributes)
    clamped = max(low, min(high, float(kelvin)))
    return round(clamped) if in_kelvin(device) else round(1_000_000 / clamped)


def kelvin_of(attributes: Mapping[str, Any]) -> float | None:
    """The colour temperature a state reports, in kelvin (``color_temp_kelvin``, else ``color_temp``)."""
    return to_kelvin(attributes.get("color_temp_kelvin")) or to_kelvin(attributes.get("color_temp"))
