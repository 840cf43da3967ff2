"""Where a device is when its discovery says nowhere: the area its name begins with.

Tasmota announces no area, Zigbee2MQTT's device list none, and HA's own area registry never reaches MQTT;
people name such devices after their room anyway ("Study Heater", "Kitchen Kettle"). A device with no area
(from discovery or the home file) whose name starts with the name of one of the home's areas is taken to
be in that area, so "turn it off" and "everything" in the study include the study heater. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from edge.context.model import Device
from edge.lang import name_key

__all__ = ["area_from_name", "with_named_areas"]


def area_from_name(device: Device, areas: Iterable[str]) -> str:
    """The area ``device``'s name begins with (the longest that fits, as a whole word), "" when none does
    or the device already has an area."""
    if device.area:
        return ""
    name = f"{name_key(device.name)} "
    fits = [a for a in areas if (key := name_key(a)) and name.startswith(key + " ") and name != key + " "]
    return max(fits, key=len, default="")


def with_named_areas(devices: Mapping[str, Device], areas: Iterable[str]) -> dict[str, Device]:
    """``devices`` with the area-less ones placed in the area their name begins with (see the module)."""
    known = tuple(dict.fromkeys(a.lower() for a in areas if a))
    out = dict(devices)
    for entity_id, device in devices.items():
        if not device.area and (area := area_from_name(device, known)):
            out[entity_id] = replace(device, area=area)
    return out
