"""Availability as Home Assistant tracks it for MQTT entities.

A config declares ``availability_topic`` (with ``payload_available``/``payload_not_available``, defaults
``online``/``offline``, and ``availability_template``) or an ``availability`` list of such entries, and an
``availability_mode``: ``all`` (available when every topic says so), ``any`` (when one does) or ``latest``
(the last message on any of them decides; the default). Until a topic has spoken its entity is
unavailable, as in HA (a bare Zigbee2MQTT ``availability_topic`` counts only once it has spoken: its
availability feature is off by default and then says nothing). Zigbee2MQTT's
``<prefix>/<friendly_name>/availability`` (``{"state":"online"}`` or the legacy plain ``online``) reads the
same way: a JSON object's ``state`` is the payload.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from edge.context.ha_templates import render_value
from edge.context.model import Device
from edge.context.validate import PayloadError, check_topic_name

__all__ = [
    "Availability",
    "AvailabilityTracker",
    "availability_of",
    "combine",
    "decode_availability",
    "parse_availability",
]

MAX_AVAILABILITY = 8


@dataclass(frozen=True, slots=True)
class Availability:
    topic: str
    payload_available: str = "online"
    payload_not_available: str = "offline"
    template: str = ""


def _entry(item: Mapping[str, Any], base: Mapping[str, Any], where: str, top: bool = False) -> Availability:
    """One entry of the ``availability`` list (``topic``, ``value_template``), or with ``top`` the config's
    own ``availability_topic``/``availability_template`` (its ``value_template`` is the state's)."""
    topic = item.get("availability_topic") if top else item.get("topic")
    if not isinstance(topic, str) or not topic:
        raise PayloadError(f"{where[:100]}: an availability entry needs a topic")
    available = item.get("payload_available", base.get("payload_available", "online"))
    not_available = item.get("payload_not_available", base.get("payload_not_available", "offline"))
    template = item.get("availability_template" if top else "value_template", "")
    return Availability(
        check_topic_name(topic, f"{where[:100]}: availability topic"),
        str(available)[:128],
        str(not_available)[:128],
        template[:4096] if isinstance(template, str) else "",
    )


def parse_availability(cfg: Mapping[str, Any], where: str) -> tuple[Availability, ...]:
    """The availability entries of an (expanded) discovery config."""
    found: list[Availability] = []
    listed = cfg.get("availability")
    if isinstance(listed, list):
        found.extend(_entry(item, cfg, where) for item in listed[:MAX_AVAILABILITY] if isinstance(item, dict))
    if isinstance(cfg.get("availability_topic"), str):
        found.append(_entry(cfg, cfg, where, top=True))
    return tuple(dict.fromkeys(found))


def availability_of(extra: Mapping[str, Any]) -> tuple[Availability, ...]:
    """A device's entries: parsed HA ones, or a bare ``availability_topic`` (Zigbee2MQTT's, set by its
    parser) with the default payloads."""
    listed = extra.get("availability")
    if isinstance(listed, tuple) and all(isinstance(a, Availability) for a in listed):
        return listed
    topic = extra.get("availability_topic")
    return (Availability(topic),) if isinstance(topic, str) and topic else ()


def decode_availability(entry: Availability, payload: bytes, entity_id: str) -> bool | None:
    """True/False for a payload that says available/not available; None for one that says neither."""
    text = payload.decode("utf-8", "replace").strip()[:4096]
    if entry.template:
        text = render_value(entry.template, text, entity_id, what="availability template")
    elif text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("state"), str):
            text = obj["state"]
    if text == entry.payload_available:
        return True
    if text == entry.payload_not_available:
        return False
    return None


def combine(mode: str, seen: Mapping[str, bool], entries: tuple[Availability, ...], latest: bool) -> bool:
    """The entity's availability from what each of its topics said last (``latest``: the newest)."""
    if mode == "all":
        return all(seen.get(e.topic, False) for e in entries)
    if mode == "any":
        return any(seen.get(e.topic, False) for e in entries)
    return latest


class AvailabilityTracker:
    """What each entity's availability topics said last, and HA's verdict on it (the store's part)."""

    def __init__(self) -> None:
        self._seen: dict[str, dict[str, bool]] = {}  # entity -> availability topic -> what it said
        self._latest: dict[str, bool] = {}

    def hear(self, device: Device, topic: str, payload: bytes) -> tuple[bool, bool]:
        """(``topic`` is one of ``device``'s availability topics, what it said changed the record).
        A failing availability template raises :class:`edge.context.ha_templates.TemplateError`."""
        entries = [e for e in availability_of(device.extra) if e.topic == topic]
        changed = False
        for entry in entries:
            said = decode_availability(entry, payload, device.entity_id)
            if said is not None:
                self._seen.setdefault(device.entity_id, {})[topic] = said
                self._latest[device.entity_id] = said
                changed = True
        return bool(entries), changed

    def forget(self, entity_id: str) -> None:
        self._seen.pop(entity_id, None)
        self._latest.pop(entity_id, None)

    def verdict(self, device: Device) -> bool | None:
        """True/False as HA decides; None when the device declares no availability, or only a bare
        Zigbee2MQTT topic that has not spoken (its availability feature is off by default)."""
        entries = availability_of(device.extra)
        seen = self._seen.get(device.entity_id, {})
        if not entries or (not seen and "availability" not in device.extra):
            return None
        mode = str(device.extra.get("availability_mode", "latest"))
        return combine(mode, seen, entries, self._latest.get(device.entity_id, False))
