"""What a device can do, inferred from its domain, device class and attributes (HA style).

Shared by the home loaders (HA fixture YAML) and the discovery parsers, so a light found over MQTT and the
same light read from a file get the same :class:`Capability` set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from edge.context.model import Capability

__all__ = ["DOMAIN_CAPABILITIES", "infer_capabilities", "parse_capabilities"]

C = Capability

DOMAIN_CAPABILITIES: Mapping[str, frozenset[Capability]] = {
    "light": frozenset({C.ON_OFF}),
    "switch": frozenset({C.ON_OFF}),
    "fan": frozenset({C.ON_OFF}),
    "input_boolean": frozenset({C.ON_OFF}),
    "climate": frozenset({C.TEMPERATURE_SET, C.TEMPERATURE_READ}),
    "oven": frozenset({C.ON_OFF, C.TEMPERATURE_SET, C.TEMPERATURE_READ}),
    "coffee_maker": frozenset({C.ON_OFF, C.BREW}),
    "media_player": frozenset({C.ON_OFF, C.MEDIA_PLAYBACK, C.VOLUME, C.MEDIA_SEARCH}),
    "cover": frozenset({C.OPEN_CLOSE}),
    "valve": frozenset({C.OPEN_CLOSE}),
    "lock": frozenset({C.LOCK}),
    "vacuum": frozenset({C.VACUUM}),
    "alarm_control_panel": frozenset({C.ALARM}),
    "sensor": frozenset(),
    "binary_sensor": frozenset(),
}

_COLOR_MODES = {"hs", "rgb", "rgbw", "rgbww", "xy"}


def parse_capabilities(names: Iterable[str], where: str) -> frozenset[Capability]:
    """Capability names from a file; raises ValueError naming the bad one."""
    out: set[Capability] = set()
    valid = {c.value for c in Capability}
    for name in names:
        if name not in valid:
            raise ValueError(f"{where}: unknown capability {name!r} (known: {', '.join(sorted(valid))})")
        out.add(Capability(name))
    return frozenset(out)


def infer_capabilities(
    domain: str, device_class: str, attributes: Mapping[str, Any]
) -> frozenset[Capability]:
    """The capabilities HA would offer for an entity with these attributes."""
    caps = set(DOMAIN_CAPABILITIES.get(domain, frozenset()))
    modes = attributes.get("supported_color_modes")
    mode_set = {str(m) for m in modes} if isinstance(modes, list | tuple) else set()
    if domain == "light":
        if not mode_set or mode_set != {"onoff"}:  # HA lights without modes listed are dimmable
            caps.add(C.BRIGHTNESS)
        if mode_set & _COLOR_MODES or "rgb_color" in attributes or "hs_color" in attributes:
            caps.add(C.COLOR)
        if "color_temp" in mode_set or "color_temp" in attributes:
            caps.add(C.COLOR_TEMP)
    if domain == "cover" and ("position" in attributes or "current_position" in attributes):
        caps.add(C.POSITION)
    if domain == "valve" and "position" in attributes:
        caps.add(C.POSITION)
    if domain == "media_player" and device_class == "tv":
        caps.add(C.SCREEN)
    if domain == "sensor" and (
        device_class == "temperature" or str(attributes.get("unit_of_measurement", "")) in {"°C", "°F"}
    ):
        caps.add(C.TEMPERATURE_READ)
    if "current_temperature" in attributes:
        caps.add(C.TEMPERATURE_READ)
    return frozenset(caps)
