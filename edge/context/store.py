"""The live home: a registry built from discovery (merged with the configured home's names and areas),
the states devices report, immutable versioned snapshots, and state-change events for subscribers.

``handle(message)`` is synchronous and cheap (the parsers are pure); bad payloads are logged once per
topic and ignored, so nothing a device publishes can crash the store or corrupt the registry.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from edge.bus import Channel, Overflow
from edge.config import Settings
from edge.context.discovery import Removal, parse_ha_discovery, parse_z2m_devices
from edge.context.homes import Home
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.context.mqtt import Message
from edge.context.wire import PayloadError, decode_basic_state, decode_json_state

__all__ = ["ContextStore", "StateChange"]

log = logging.getLogger(__name__)

MAX_DEVICES = 2000
MAX_PENDING = 512
MAX_WARNED_TOPICS = 4096


@dataclass(frozen=True, slots=True)
class StateChange:
    """``entity_id`` went from ``old`` to ``new`` at ``t`` (monotonic seconds)."""

    entity_id: str
    old: DeviceState | None
    new: DeviceState
    t: float


class Subscriber(Protocol):
    async def subscribe(self, topic: str, qos: int = 0) -> None: ...


class MessageSource(Subscriber, Protocol):
    def messages(self) -> AsyncIterator[Message]: ...


class ContextStore:
    """Registry + states + snapshots (see the module docstring)."""

    def __init__(
        self, settings: Settings, home: Home | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self.home = home
        self._clock = clock
        sat = settings.satellite
        self.satellite = Satellite(sat.site_id, sat.area, sat.has_screen, sat.has_speaker)
        self._discovery_prefix = settings.mqtt.discovery_prefix
        self._z2m_prefix = settings.mqtt.z2m_prefix
        self._devices: dict[str, Device] = dict(home.devices) if home else {}
        self._states: dict[str, DeviceState] = {}
        self._topics: dict[str, set[str]] = {}
        self._pending: OrderedDict[str, bytes] = OrderedDict()  # state before its device is known
        self._warned: set[str] = set()
        self._version = 1
        self._snapshot: ContextSnapshot | None = None
        self._subscribers: list[Channel[StateChange]] = []
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self._new_topics: list[str] = []
        self.rejected = 0
        for device in self._devices.values():
            self._index(device)

    # -- registry -----------------------------------------------------------------------------------------
    def subscriptions(self) -> list[str]:
        p, z = self._discovery_prefix, self._z2m_prefix
        return [
            f"{p}/+/+/config",
            f"{p}/+/+/+/config",
            f"{z}/bridge/devices",
            f"{z}/+",
            *sorted(self._topics),
        ]

    def _state_topics(self, device: Device) -> list[str]:
        topics = [device.state_topic] if device.state_topic else []
        if device.schema == "ha-basic":
            for key in ("brightness_state_topic", "current_temperature_topic", "temperature_state_topic",
                        "position_topic", "rgb_state_topic", "mode_state_topic"):  # fmt: skip
                value = device.extra.get(key)
                if isinstance(value, str) and value:
                    topics.append(value)
        return topics

    def _index(self, device: Device) -> None:
        for topic in self._state_topics(device):
            if topic not in self._topics:
                self._new_topics.append(topic)
            self._topics.setdefault(topic, set()).add(device.entity_id)

    def _unindex(self, entity_id: str) -> None:
        for ids in self._topics.values():
            ids.discard(entity_id)

    def _merge(self, found: Device) -> Device:
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

    def _register(self, found: Device) -> None:
        device = self._merge(found)
        if self._devices.get(device.entity_id) == device:
            return
        if device.entity_id not in self._devices and len(self._devices) >= MAX_DEVICES:
            raise PayloadError(f"registry is full ({MAX_DEVICES} devices); ignoring {device.entity_id}")
        self._unindex(device.entity_id)
        self._devices[device.entity_id] = device
        self._index(device)
        self._bump()
        for topic in self._state_topics(device):
            if topic in self._pending:
                self._apply_state(topic, self._pending.pop(topic))

    # -- messages -----------------------------------------------------------------------------------------
    def handle(self, message: Message) -> None:
        """Apply one MQTT message; malformed ones are logged once per topic and ignored."""
        topic = message.topic
        try:
            if topic.startswith(self._discovery_prefix + "/") and topic.endswith("/config"):
                result = parse_ha_discovery(topic, message.payload, self._discovery_prefix)
                if isinstance(result, Removal):
                    self._remove(result.entity_id)
                else:
                    self._register(result)
            elif topic == f"{self._z2m_prefix}/bridge/devices":
                for device in parse_z2m_devices(message.payload, self._z2m_prefix):
                    self._register(device)
            elif topic in self._topics:
                self._apply_state(topic, message.payload)
            elif topic.startswith(self._z2m_prefix + "/") and topic.count("/") == 1:
                self._pending[topic] = message.payload[:65536]
                while len(self._pending) > MAX_PENDING:
                    self._pending.popitem(last=False)
        except PayloadError as err:
            self._reject(topic, str(err))
        except (ValueError, TypeError, KeyError, RecursionError) as err:  # a parser gap must not crash us
            self._reject(topic, f"{type(err).__name__}: {err}")

    def _reject(self, topic: str, why: str) -> None:
        self.rejected += 1
        key = topic[:200]
        if key in self._warned:
            return
        if len(self._warned) >= MAX_WARNED_TOPICS:
            self._warned.clear()
        self._warned.add(key)
        log.warning(
            "ignoring a bad message on %s: %s (further ones on this topic are not logged)", key, why[:300]
        )

    def _remove(self, entity_id: str) -> None:
        if entity_id in self._devices:
            self._unindex(entity_id)
            del self._devices[entity_id]
            self._states.pop(entity_id, None)
            self._bump()

    def _apply_state(self, topic: str, payload: bytes) -> None:
        now_ms = self._clock() * 1000
        for entity_id in sorted(self._topics.get(topic, ())):
            device = self._devices.get(entity_id)
            if device is None:
                continue
            previous = self._states.get(entity_id)
            if device.schema == "ha-basic":
                new = decode_basic_state(device, topic, payload, previous, now_ms)
            else:
                new = decode_json_state(device, payload, previous, now_ms)
            self._states[entity_id] = new
            self._bump()
            self._emit(StateChange(entity_id, previous, new, now_ms / 1000))

    # -- snapshots and events -----------------------------------------------------------------------------
    def _bump(self) -> None:
        self._version += 1
        self._snapshot = None

    @property
    def version(self) -> int:
        return self._version

    def state(self, entity_id: str) -> DeviceState | None:
        return self._states.get(entity_id)

    def snapshot(self, time: datetime | None = None) -> ContextSnapshot:
        """The home now (cached until the next change; ``time`` defaults to local now)."""
        if self._snapshot is None or time is not None:
            areas = tuple(dict.fromkeys([*(self.home.areas if self.home else ()),
                                         *(d.area for d in self._devices.values() if d.area)]))  # fmt: skip
            snap = ContextSnapshot(self._version, self.satellite, dict(self._devices), dict(self._states),
                                   time or datetime.now().astimezone(), areas)  # fmt: skip
            if time is not None:
                return snap
            self._snapshot = snap
        return replace(self._snapshot, time=datetime.now().astimezone())

    def changes(self, capacity: int = 256) -> Channel[StateChange]:
        """A new drop-oldest channel of every state change from now on."""
        channel: Channel[StateChange] = Channel("state-changes", capacity, Overflow.DROP_OLDEST)
        self._subscribers.append(channel)
        return channel

    def _emit(self, change: StateChange) -> None:
        self._subscribers = [c for c in self._subscribers if not c.closed]
        for channel in self._subscribers:
            channel.put_nowait(change)
        for event in self._waiters.get(change.entity_id, ()):
            event.set()

    async def wait_for(
        self, entity_id: str, accept: Callable[[DeviceState], bool], within_s: float
    ) -> DeviceState | None:
        """The first state of ``entity_id`` that ``accept`` likes, within ``within_s``; None on timeout."""
        event = asyncio.Event()
        self._waiters.setdefault(entity_id, set()).add(event)
        try:
            async with asyncio.timeout(within_s):
                while True:
                    state = self._states.get(entity_id)
                    if state is not None and accept(state):
                        return state
                    event.clear()
                    await event.wait()
        except TimeoutError:
            return None
        finally:
            waiters = self._waiters.get(entity_id, set())
            waiters.discard(event)
            if not waiters:
                self._waiters.pop(entity_id, None)

    # -- running ------------------------------------------------------------------------------------------
    async def run(self, session: MessageSource) -> None:
        """Subscribe and apply messages from ``session`` until cancelled."""
        for topic in self.subscriptions():
            await session.subscribe(topic)
        self._new_topics.clear()
        async for message in session.messages():
            self.handle(message)
            while self._new_topics:
                await session.subscribe(self._new_topics.pop())
