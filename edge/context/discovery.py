"""Device discovery from the broker: Home Assistant MQTT discovery (Zigbee2MQTT's device list is
:mod:`edge.context.z2m`).

Pure parsers: topic + payload -> :class:`Device` (or a removal). Home Assistant's part lives in
:mod:`edge.context.ha_discovery` (re-exported here). Anything malformed raises
:class:`PayloadError` with the reason; the store logs it once per topic and moves on.
"""

from __future__ import annotations

import re

from edge.context.ha_abbreviations import ABBREVIATIONS
from edge.context.ha_discovery import HA_COMPONENTS, expand_abbreviations, parse_ha_config
from edge.context.ha_naming import MAX_NAME, slug
from edge.context.model import Device
from edge.context.validate import PayloadError

__all__ = [
    "ABBREVIATIONS",
    "HA_COMPONENTS",
    "MAX_NAME",
    "Removal",
    "expand_abbreviations",
    "parse_ha_discovery",
    "slug",
]


class Removal:
    """An empty retained discovery config: the entity that config created is gone."""

    __slots__ = ("entity_id",)

    def __init__(self, entity_id: str) -> None:
        self.entity_id = entity_id

    def __repr__(self) -> str:
        return f"Removal({self.entity_id!r})"


def parse_ha_discovery(topic: str, payload: bytes, prefix: str = "homeassistant") -> Device | Removal:
    """One ``<prefix>/<component>/[<node_id>/]<object_id>/config`` message (one entity; the store reads
    every form, device-based discovery too, through :func:`edge.context.ha_discovery.parse_ha_config`)."""
    found = parse_ha_config(topic, payload, prefix)
    if found and found[0].problem:
        raise PayloadError(found[0].problem)
    if len(found) != 1:
        raise PayloadError(f"{topic[:100]}: a device config announces {len(found)} entities")
    device = found[0].device
    if device is None:
        match = re.match(r"^.*/(?P<object>[^/]+)/config$", topic)
        component = topic[len(prefix) + 1 :].split("/", 1)[0]
        return Removal(f"{component}.{slug(match['object'] if match else '')}")
    return device
