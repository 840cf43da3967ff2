"""A Zigbee2MQTT fan's speed as a percentage, the way Home Assistant reads it.

Zigbee2MQTT fans (ceiling fan controllers: Hampton Bay 99432, Sonoff iFan, King of Fans...) expose no
percentage: a ``fan`` expose with a ``mode`` enum (property ``fan_mode``, values such as ``off``, ``low``,
``medium``, ``high``, ``on``, ``smart``). Zigbee2MQTT's Home Assistant discovery turns the speeds among those
values (``low``, ``medium``, ``high``, then ``1``..``9``, in that order) into a percentage over
``speed_range_min`` 1 .. ``speed_range_max`` n, so "set the fan to 66%" is ``{"fan_mode": "medium"}`` and a
reported ``medium`` reads 66. The same here, for devices found by :mod:`edge.context.z2m` (``Device.extra``
``fan_speeds``, comma-separated, and ``fan_mode_key``): the runtime sets and reads a fan's speed as HA does
(``HassFanSetSpeed``), whichever way the fan came in. Pure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from edge.context.model import Device

__all__ = ["ORDERED_SPEEDS", "fan_speeds", "mode_for", "percentage_of", "speeds_of"]

ORDERED_SPEEDS = ("low", "medium", "high", "1", "2", "3", "4", "5", "6", "7", "8", "9")
"""Zigbee2MQTT's fan speeds, slowest first, as its Home Assistant discovery orders them."""


def speeds_of(values: Sequence[object]) -> tuple[str, ...]:
    """The speeds among a ``fan_mode`` enum's values, slowest first (``on``, ``auto``, ``smart`` are not)."""
    said = {str(v) for v in values}
    return tuple(s for s in ORDERED_SPEEDS if s in said)


def fan_speeds(device: Device) -> tuple[str, ...]:
    """The speeds a Zigbee2MQTT fan found by :mod:`edge.context.z2m` takes; () for any other device."""
    raw = device.extra.get("fan_speeds")
    return tuple(s for s in raw.split(",") if s) if isinstance(raw, str) else ()


def percentage_of(speeds: Sequence[str], mode: str) -> int | None:
    """A reported mode as HA's percentage (``ranged_value_to_percentage`` over 1..n); ``off`` 0; None for a
    mode that is no speed (``on``, ``smart``)."""
    if mode == "off":
        return 0
    if mode not in speeds:
        return None
    return (speeds.index(mode) + 1) * 100 // len(speeds)


def mode_for(speeds: Sequence[str], percentage: float) -> str:
    """The speed a percentage sets (HA's ``percentage_to_ranged_value``, rounded up); ``off`` for 0."""
    if percentage <= 0 or not speeds:
        return "off"
    step = math.ceil(min(100.0, percentage) * len(speeds) / 100)
    return speeds[max(1, step) - 1]
