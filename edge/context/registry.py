"""Which devices the runtime knows, who announced each one, and which state topics they need.

Discovery is untrusted (anything on the broker can publish a retained config), so the registry keeps:

- an **owner** per discovered entity: the discovery topic (or ``<z2m>/bridge/devices``) that announced it.
  Only the owner may re-announce or remove it; a config for the same entity_id from another topic, or one
  that takes the name or alias of a different device, is kept apart (rejected with a reason, logged once
  by the store), so a hostile config named "kitchen light" cannot turn one request into a fan-out;
- **subscriptions owned per entity**: each state topic maps to the entities that need it; re-announcing
  with new topics releases the old ones (unless another entity still needs them), removal releases them
  too, so the number of subscriptions stays bounded by the live entities. The subscribe/unsubscribe
  operations wait in :attr:`Registry.ops` for the store to apply them to the session;
- **one entity per physical device**: Zigbee2MQTT announces a device on its bridge (``bridge/devices``)
  and, with its Home Assistant extension on, again as HA discovery (``unique_id`` ``<ieee>_light_<base>``,
  device identifier ``zigbee2mqtt_<ieee>``). Both are keyed by the IEEE address; the bridge route is kept:
  its entities replace the HA route's (:meth:`Registry.superseded_by`) and the HA route's are refused
  while the bridge lists the device, so the entity never flips between the two;
- a **shared command topic** (two entities commanding the same topic) is logged: the executor's safety gate
  refuses a non-lock device whose command topic is a lock's.

The home file is the root of trust: its devices are never removed by discovery (a removal by their owner
restores the configured device), and with a home file a same-named device is accepted only in another of
the home's areas.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from edge.context.ha_availability import availability_of
from edge.context.homes import Home
from edge.context.model import Device
from edge.context.validate import PayloadError, check_device, is_filter
from edge.lang import name_key

__all__ = ["MAX_DEVICES", "Registry"]

log = logging.getLogger(__name__)

MAX_DEVICES = 2000
MAX_LOGGED_SHARES = 1024
_BASIC_STATE_KEYS = ("brightness_state_topic", "current_temperature_topic", "temperature_state_topic",
                     "position_topic", "rgb_state_topic", "mode_state_topic", "percentage_state_topic",
                     "fan_mode_state_topic", "action_topic", "color_temp_state_topic",
                     "preset_mode_state_topic")  # fmt: skip


_Z2M_UNIQUE_ID = re.compile(r"^(0x[0-9a-fA-F]{16})_")


def physical_id(device: Device) -> str:
    """``zigbee2mqtt_<ieee>`` for an entity of a Zigbee2MQTT device (either route), else ""."""
    device_id = device.extra.get("device_id")
    if isinstance(device_id, str) and device_id.startswith("zigbee2mqtt_0x"):
        return device_id.lower()
    unique_id = device.extra.get("unique_id")
    match = _Z2M_UNIQUE_ID.match(unique_id) if isinstance(unique_id, str) else None
    return f"zigbee2mqtt_{match[1].lower()}" if match else ""


def _labels(device: Device) -> set[str]:
    return {label for label in (name_key(device.name), *(name_key(a) for a in device.aliases)) if label}


def state_topics(device: Device) -> list[str]:
    """The topics ``device`` reports on: its state (one, or one per feature for HA's basic and template
    schemas), its ``json_attributes_topic`` and its availability topics."""
    topics = [device.state_topic] if device.state_topic else []
    basic = device.schema in {"ha-basic", "ha-template"}
    keys = (*_BASIC_STATE_KEYS, "json_attributes_topic") if basic else ()
    for key in keys:
        value = device.extra.get(key)
        if isinstance(value, str) and value and value not in topics:
            topics.append(value)
    if device.schema == "ha-json" and isinstance(device.extra.get("json_attributes_topic"), str):
        topics.append(str(device.extra["json_attributes_topic"]))
    for entry in availability_of(device.extra):
        if entry.topic not in topics:
            topics.append(entry.topic)
    return topics


class Registry:
    """Devices, their owners and the state topics they need (see the module docstring)."""

    def __init__(self, home: Home | None = None) -> None:
        self.home = home
        self.devices: dict[str, Device] = dict(home.devices) if home else {}
        self.topics: dict[str, set[str]] = {}
        self.filters: set[str] = set()  # the keys of ``topics`` with a wildcard (a BLE gateway's +/+/...)
        self.ops: list[tuple[bool, str]] = []  # (True: subscribe / False: unsubscribe, topic)
        self._owner: dict[str, str] = {}
        self._areas = {name_key(a) for a in home.areas} if home else set()
        self._shares_logged: set[tuple[str, str]] = set()
        self._bridged: dict[str, set[str]] = {}  # physical id -> the bridge route's entities of it
        self._announced: dict[str, set[str]] = {}  # physical id -> the HA route's entities of it
        for device in self.devices.values():
            self._index(device)
        self.ops.clear()  # the store subscribes to every topic at start

    # -- subscriptions ------------------------------------------------------------------------------------
    def _index(self, device: Device) -> None:
        for topic in state_topics(device):
            owners = self.topics.setdefault(topic, set())
            if not owners:
                self.ops.append((True, topic))
                if is_filter(topic):
                    self.filters.add(topic)
            owners.add(device.entity_id)

    def _unindex(self, device: Device, keep: tuple[str, ...] = ()) -> None:
        """Release ``device``'s state topics except ``keep`` (a re-announcement's topics: an unchanged
        topic is never unsubscribed and subscribed again, which would replay its retained state)."""
        for topic in state_topics(device):
            if topic in keep:
                continue
            owners = self.topics.get(topic)
            if owners is None:
                continue
            owners.discard(device.entity_id)
            if not owners:
                del self.topics[topic]
                self.filters.discard(topic)
                self.ops.append((False, topic))

    def take_ops(self) -> list[tuple[bool, str]]:
        ops, self.ops = self.ops, []
        return ops

    # -- registration -------------------------------------------------------------------------------------
    def merge(self, found: Device) -> Device:
        """A discovered device, with the configured home's names, aliases and area when ids match."""
        known = self.home.devices.get(found.entity_id) if self.home else None
        if known is None:
            floor = self.home.area_floor.get(found.area, "") if self.home else ""
            return replace(found, floor=floor) if floor else found
        return replace(
            found,
            name=known.name,
            aliases=known.aliases,
            area=known.area or found.area,
            floor=known.floor,
            device_class=found.device_class or known.device_class,
            capabilities=found.capabilities | known.capabilities,
            unit=found.unit or known.unit,
        )

    def _clash(self, device: Device) -> Device | None:
        """Another device this one would be confused with: the same name or alias, unless both sit in
        different areas the home file declares."""
        mine = _labels(device)
        area = name_key(device.area)
        for other in self.devices.values():
            if other.entity_id == device.entity_id or not mine & _labels(other):
                continue
            theirs = name_key(other.area)
            if area and theirs and area != theirs and area in self._areas and theirs in self._areas:
                continue
            return other
        return None

    def register(self, found: Device, source: str) -> Device | None:
        """Add or update ``found`` announced on ``source``; the registered device, or None when nothing
        changed. PayloadError when it is invalid or kept apart."""
        device = self.merge(check_device(found))
        eid = device.entity_id
        physical = physical_id(device)
        bridge = device.extra.get("transport") == "z2m"
        if physical and not bridge and self._bridged.get(physical):
            raise PayloadError(
                f"{eid} is Zigbee2MQTT device {physical[12:]}, already known from its bridge as "
                f"{sorted(self._bridged[physical])[0]}; one entity per device (the bridge route is kept)"
            )
        owner = self._owner.get(eid)
        if owner is not None and owner != source:
            raise PayloadError(f"{eid} is already announced on {owner[:80]}; ignoring a second announcement")
        current = self.devices.get(eid)
        if current == device and owner == source:
            return None
        if current is None and len(self.devices) >= MAX_DEVICES:
            raise PayloadError(f"registry is full ({MAX_DEVICES} devices); ignoring {eid}")
        clash = self._clash(device)
        if clash is not None:
            raise PayloadError(
                f"{eid} is named like {clash.entity_id} ({device.name[:40]!r}); kept apart so one request "
                "cannot reach both"
            )
        self._log_shared_command_topic(device)
        self.devices[eid] = device
        self._owner[eid] = source
        if physical:
            (self._bridged if bridge else self._announced).setdefault(physical, set()).add(eid)
        self._index(device)
        if current is not None:
            self._unindex(current, keep=tuple(state_topics(device)))
        return device

    def _log_shared_command_topic(self, device: Device) -> None:
        topic = device.command_topic
        if not topic:
            return
        for other in self.devices.values():
            if other.entity_id != device.entity_id and other.command_topic == topic:
                if physical_id(device) and physical_id(device) == physical_id(other):
                    continue  # the endpoints of one Zigbee2MQTT device share its /set topic
                key = (device.entity_id, other.entity_id)
                if key not in self._shares_logged and len(self._shares_logged) < MAX_LOGGED_SHARES:
                    self._shares_logged.add(key)
                    log.warning(
                        "%s commands the same topic as %s (%s)", device.entity_id, other.entity_id, topic[:80]
                    )
                return

    def remove(self, entity_id: str, source: str) -> bool:
        """Removal by ``source`` (an empty retained config); only the owner may remove. True if changed."""
        if self._owner.get(entity_id) != source:
            return False
        del self._owner[entity_id]
        current = self.devices.pop(entity_id, None)
        physical = physical_id(current) if current is not None else ""
        for index in (self._bridged, self._announced):
            if physical in index:
                index[physical].discard(entity_id)
                if not index[physical]:
                    del index[physical]
        configured = self.home.devices.get(entity_id) if self.home else None
        if configured is not None:  # the home file's device stays
            self.devices[entity_id] = configured
            self._index(configured)
            if current is not None:
                self._unindex(current, keep=tuple(state_topics(configured)))
            return True
        if current is not None:
            self._unindex(current)
        return True

    def superseded_by(self, device: Device) -> list[tuple[str, str]]:
        """(entity_id, owner) of the HA-route entities of the physical device a bridge-route ``device``
        belongs to: the store removes them before it registers ``device``."""
        physical = physical_id(device)
        if not physical or device.extra.get("transport") != "z2m":
            return []
        return [
            (eid, self._owner[eid]) for eid in sorted(self._announced.get(physical, ())) if eid in self._owner
        ]

    def owned_by(self, source: str) -> set[str]:
        return {eid for eid, owner in self._owner.items() if owner == source}

    def owner(self, entity_id: str) -> str | None:
        """The discovery source that announced ``entity_id`` (None: the home file's, or unknown)."""
        return self._owner.get(entity_id)

    def sources_under(self, source: str) -> dict[str, str]:
        """``{source: entity_id}`` for ``source`` itself and the components of a device-based config
        announced on it (``<topic>#<component id>``): what an empty config on ``source`` removes."""
        prefix = source + "#"
        return {own: eid for eid, own in self._owner.items() if own == source or own.startswith(prefix)}
