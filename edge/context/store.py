"""The live home: a registry built from discovery (merged with the configured home's names and areas),
the states devices report, immutable versioned snapshots, and state-change events for subscribers.

``handle(message)`` is synchronous and cheap (the parsers are pure); everything from the broker is
validated (:mod:`edge.context.validate`) and bad messages are logged once per topic and ignored, so
nothing a device publishes can crash the store, corrupt the registry or poison the session's
subscriptions. Which entity owns which discovery and which state subscriptions is
:class:`edge.context.registry.Registry`'s business; the store applies its subscribe/unsubscribe operations
to the session as they happen.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from edge.bus import Channel, Overflow
from edge.config import Settings
from edge.context.areas import with_named_areas
from edge.context.changes import CoalescedChanges, StateChange
from edge.context.ha_availability import AvailabilityTracker
from edge.context.ha_discovery import Announcement, parse_ha_config
from edge.context.homes import Home
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.context.mqtt import Message
from edge.context.registry import MAX_DEVICES, Registry, state_topics
from edge.context.validate import PayloadError, check_state, topic_matches
from edge.context.wire import decode_basic_state, decode_json_state
from edge.context.z2m import parse_z2m_devices

__all__ = ["MAX_DEVICES", "ContextStore", "StateChange"]

log = logging.getLogger(__name__)

MAX_PENDING = 512
MAX_WARNED_TOPICS = 4096
Z2M_OFF_LOOP_BYTES = 64 * 1024  # a bigger bridge/devices is parsed in a worker thread
Z2M_PARSE_TIMEOUT_S = 30.0
YIELD_EVERY = 64  # messages handled between two yields to the event loop (a flood never starves waiters)


class Subscriber(Protocol):
    async def subscribe(self, topic: str, qos: int = 0) -> None: ...
    async def unsubscribe(self, topic: str) -> None: ...


class MessageSource(Subscriber, Protocol):
    def messages(self) -> AsyncIterator[Message]: ...


class ChangeSink(Protocol):
    @property
    def closed(self) -> bool: ...
    def put_nowait(self, change: StateChange) -> bool: ...


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
        self._z2m_limit = settings.mqtt.z2m_devices_max_bytes
        self._z2m_ids: dict[str, str] = {}  # Zigbee2MQTT unique_id -> its entity_id (stable across renames)
        self.registry = Registry(home)
        self._devices = self.registry.devices
        self._topics = self.registry.topics
        self._states: dict[str, DeviceState] = {}
        self._availability = AvailabilityTracker()
        self._pending: OrderedDict[str, bytes] = OrderedDict()  # state before its device is known
        self._warned: set[str] = set()
        self._version = 1
        self._snapshot: ContextSnapshot | None = None
        self._subscribers: list[ChangeSink] = []
        self._waiters: dict[str, list[tuple[Callable[[DeviceState], bool], asyncio.Future[DeviceState]]]] = {}
        self.rejected = 0
        self.handled = 0
        self.subscribed = False
        # subscription changes the broker has answered (or the session refused) since the start: what it
        # retains on a new topic (a device's state) arrives after that, so context.settle counts from the last
        self.acknowledged = 0

    # -- registry -----------------------------------------------------------------------------------------
    def subscriptions(self) -> list[str]:
        """Every topic filter the store needs now: discovery, and the live entities' state topics."""
        p, z = self._discovery_prefix, self._z2m_prefix
        return [
            f"{p}/+/+/config",
            f"{p}/+/+/+/config",
            f"{z}/bridge/devices",
            f"{z}/+",
            *sorted(self._topics),
        ]

    # -- messages -----------------------------------------------------------------------------------------
    def handle(self, message: Message) -> None:
        """Apply one MQTT message; malformed ones are logged once per topic and ignored."""
        self.handled += 1
        topic = message.topic
        try:
            if topic.startswith(self._discovery_prefix + "/") and topic.endswith("/config"):
                self._announce(topic, parse_ha_config(topic, message.payload, self._discovery_prefix))
            elif topic == f"{self._z2m_prefix}/bridge/devices":
                self._register_z2m(topic, message.payload)
            elif topic in self._topics or any(topic_matches(f, topic) for f in self.registry.filters):
                self._apply_state(topic, message.payload)
            elif topic.startswith(self._z2m_prefix + "/") and topic.count("/") == 1:
                self._pending[topic] = message.payload[:65536]
                while len(self._pending) > MAX_PENDING:
                    self._pending.popitem(last=False)
        except PayloadError as err:
            self._reject(topic, str(err))
        except Exception as err:  # a parser gap must never take the runtime down
            self._reject(topic, f"{type(err).__name__}: {err}")

    async def _handle_big_z2m(self, message: Message) -> None:
        """A big ``bridge/devices`` is parsed off the event loop (a real network's list is megabytes)."""
        self.handled += 1
        try:
            async with asyncio.timeout(Z2M_PARSE_TIMEOUT_S):
                parsed = await asyncio.to_thread(self._parse_z2m, message.payload)
            self._apply_z2m(message.topic, *parsed)
        except PayloadError as err:
            self._reject(message.topic, str(err))
        except TimeoutError:
            self._reject(
                message.topic, f"parsing took over {Z2M_PARSE_TIMEOUT_S:.0f} s; the devices known are kept"
            )

    def _reject(self, topic: str, why: str) -> None:
        self.rejected += 1
        key = topic[:200]
        if key in self._warned:
            return
        if len(self._warned) >= MAX_WARNED_TOPICS:
            self._warned.clear()
        self._warned.add(key)
        log.warning(
            "ignoring a bad message on %r: %s (further ones on this topic are not logged)", key, why[:300]
        )

    def _register(self, found: Device, source: str) -> None:
        device = self.registry.register(found, source)
        if device is None:
            return
        self._bump()
        for topic in state_topics(device):
            if topic in self._pending:
                self._apply_state(topic, self._pending.pop(topic))

    def _parse_z2m(self, payload: bytes) -> tuple[list[Device], list[str]]:
        problems: list[str] = []
        return parse_z2m_devices(payload, self._z2m_prefix, self._z2m_limit, problems), problems

    def _announce(self, topic: str, announcements: list[Announcement]) -> None:
        """HA discovery keyed as HA keys it: by discovery source. An empty config removes what its source
        created (all components of a device config); a new config on a source updates the entity it
        created, under the same entity_id (a rename is never a second entity); a device config's
        components it no longer lists are removed; an entity_id another config already holds gets
        ``_2``, ``_3``... as in HA."""
        owned = self.registry.sources_under(topic)
        listed = {a.source for a in announcements}
        for source, entity_id in sorted(owned.items()):
            if source != topic and source not in listed:
                self._remove(entity_id, source)
        for found in announcements:
            current = owned.get(found.source)
            if found.problem:  # a bad component: logged, and what it announced before stays
                self._reject(found.source, found.problem)
                continue
            if found.device is None:
                removed = [(s, e) for s, e in owned.items() if found.source in (s, topic)]
                for source, entity_id in removed:
                    self._remove(entity_id, source)
                continue
            device = found.device
            if current is not None:
                device = replace(device, entity_id=current)
            else:
                device = replace(device, entity_id=self._free_entity_id(device.entity_id))
            try:
                self._register(device, found.source)
            except PayloadError as err:
                self._reject(found.source, str(err))

    def _free_entity_id(self, entity_id: str) -> str:
        if self.registry.owner(entity_id) is None or not self._is_ha_source(self.registry.owner(entity_id)):
            return entity_id
        for n in range(2, 100):
            candidate = f"{entity_id[:120]}_{n}"
            if self.registry.owner(candidate) is None and candidate not in self._devices:
                return candidate
        return entity_id

    def _is_ha_source(self, source: str | None) -> bool:
        return bool(source) and str(source).startswith(self._discovery_prefix + "/")

    def _register_z2m(self, topic: str, payload: bytes) -> None:
        self._apply_z2m(topic, *self._parse_z2m(payload))

    def _apply_z2m(self, topic: str, devices: list[Device], problems: list[str]) -> None:
        """Zigbee2MQTT's device list: each device on its own (a bad one does not hide the others), the
        devices it no longer lists are removed, a renamed device (same IEEE address, new friendly name)
        keeps its entity_id, and an entity the HA route announced for a listed device gives way."""
        for problem in problems:
            self._reject(f"{topic}#{problem[:60]}", problem)
        listed: set[str] = set()
        ids: dict[str, str] = {}
        for found in devices:
            uid = str(found.extra.get("unique_id", ""))
            device = replace(found, entity_id=self._z2m_ids[uid]) if uid in self._z2m_ids else found
            for eid, owner in self.registry.superseded_by(device):
                self._remove(eid, owner)
            try:
                self._register(device, topic)
                listed.add(device.entity_id)
                if uid:
                    ids[uid] = device.entity_id
            except PayloadError as err:
                self._reject(f"{topic}#{device.entity_id}", str(err))
        self._z2m_ids = ids
        for gone in sorted(self.registry.owned_by(topic) - listed):
            self._remove(gone, topic)

    def _remove(self, entity_id: str, source: str) -> None:
        if self.registry.remove(entity_id, source):
            self._states.pop(entity_id, None)
            self._availability.forget(entity_id)
            self._bump()

    def _apply_state(self, received: str, payload: bytes) -> None:
        """A message on ``received``, for every entity listening there: on that topic, or on a filter it
        matches (the entity's config names the filter, so the filter is the topic its readers compare)."""
        heard = [received] if received in self._topics else []
        heard += sorted(f for f in self.registry.filters if f != received and topic_matches(f, received))
        for topic in heard:
            self._apply_on(topic, payload)

    def _apply_on(self, topic: str, payload: bytes) -> None:
        now_ms = self._clock() * 1000
        for entity_id in sorted(self._topics.get(topic, ())):
            device = self._devices.get(entity_id)
            if device is None:
                continue
            availability, changed = self._availability.hear(device, topic, payload)
            if changed:
                self._bump()
            if availability and topic not in (device.state_topic, device.extra.get("json_attributes_topic")):
                continue
            previous = self._states.get(entity_id)
            if device.schema in {"ha-basic", "ha-template"} or topic != device.state_topic:
                new = decode_basic_state(device, topic, payload, previous, now_ms)
            else:
                new = decode_json_state(device, payload, previous, now_ms)
            new = check_state(device, new)
            same = previous is not None and previous.state == new.state
            new = replace(new, since_ms=(previous.since_ms or previous.t_ms) if same and previous else now_ms)
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

    def available(self, entity_id: str) -> bool | None:
        """Whether ``entity_id`` is available as its availability topics say (HA's rules, see
        :mod:`edge.context.ha_availability`); None when it declares no availability."""
        device = self._devices.get(entity_id)
        return self._availability.verdict(device) if device is not None else None

    def _visible_states(self) -> dict[str, DeviceState]:
        """The states as a snapshot shows them: an unavailable entity's state is "unavailable" (as in HA),
        its last attributes kept."""
        states = dict(self._states)
        for entity_id in self._devices:
            if self.available(entity_id) is False:
                last = states.get(entity_id)
                attrs = last.attributes if last else {}
                states[entity_id] = DeviceState("unavailable", attrs, last.t_ms if last else 0.0)
        return states

    def snapshot(self, time: datetime | None = None) -> ContextSnapshot:
        """The home now (cached until the next change; ``time`` defaults to local now)."""
        if self._snapshot is None or time is not None:
            areas = tuple(dict.fromkeys([*(self.home.areas if self.home else ()),
                                         *(d.area for d in self._devices.values() if d.area)]))  # fmt: skip
            devices = with_named_areas(self._devices, (*areas, self.satellite.area))  # "Study Heater"
            snap = ContextSnapshot(self._version, self.satellite, devices, self._visible_states(),
                                   time or datetime.now().astimezone(), areas,
                                   now_ms=self._clock() * 1000)  # fmt: skip
            if time is not None:
                return snap
            self._snapshot = snap
        return replace(self._snapshot, time=datetime.now().astimezone(), now_ms=self._clock() * 1000)

    def changes(self, capacity: int = 256) -> Channel[StateChange]:
        """A new drop-oldest channel of every state change from now on."""
        channel: Channel[StateChange] = Channel("state-changes", capacity, Overflow.DROP_OLDEST)
        self._subscribers.append(channel)
        return channel

    def coalesced_changes(self) -> CoalescedChanges:
        """A new sink of state changes coalesced per entity (bounded by the entities; never drops one)."""
        sink = CoalescedChanges()
        self._subscribers.append(sink)
        return sink

    def _emit(self, change: StateChange) -> None:
        self._subscribers = [c for c in self._subscribers if not c.closed]
        for sink in self._subscribers:
            sink.put_nowait(change)
        for accept, found in list(self._waiters.get(change.entity_id, ())):
            # checked against every reported state as it arrives, so a confirmation is never missed
            # because a later report replaced it before the waiting task ran
            if not found.done() and _accepts(accept, change.new):
                found.set_result(change.new)

    async def wait_for(
        self, entity_id: str, accept: Callable[[DeviceState], bool], within_s: float
    ) -> DeviceState | None:
        """The first state of ``entity_id`` that ``accept`` likes, within ``within_s``; None on timeout."""
        state = self._states.get(entity_id)
        if state is not None and _accepts(accept, state):
            return state
        found: asyncio.Future[DeviceState] = asyncio.get_running_loop().create_future()
        waiter = (accept, found)
        self._waiters.setdefault(entity_id, []).append(waiter)
        try:
            async with asyncio.timeout(within_s):
                return await found
        except TimeoutError:
            return None
        finally:
            waiters = self._waiters.get(entity_id, [])
            if waiter in waiters:
                waiters.remove(waiter)
            if not waiters:
                self._waiters.pop(entity_id, None)

    # -- running ------------------------------------------------------------------------------------------
    async def run(self, session: MessageSource) -> None:
        """Subscribe, then apply messages from ``session`` until cancelled, keeping the session's
        subscriptions to what the live entities need, and yielding to the event loop every
        ``YIELD_EVERY`` messages so a flood never starves the tasks waiting for a confirmation."""
        for topic in self.subscriptions():
            await session.subscribe(topic)
        self.registry.take_ops()
        self.subscribed = True  # what the broker retains arrives from now on (context.settle waits for it)
        count = 0
        z2m_list = f"{self._z2m_prefix}/bridge/devices"
        async for message in session.messages():
            if message.topic == z2m_list and len(message.payload) > Z2M_OFF_LOOP_BYTES:
                await self._handle_big_z2m(message)
            else:
                self.handle(message)
            for subscribe, topic in self.registry.take_ops():
                try:
                    await (session.subscribe(topic) if subscribe else session.unsubscribe(topic))
                except PayloadError as err:  # the registry checked it; the session checks again
                    self._reject(topic, str(err))
                self.acknowledged += 1
            count += 1
            if count % YIELD_EVERY == 0:
                await asyncio.sleep(0)


def _accepts(accept: Callable[[DeviceState], bool], state: DeviceState) -> bool:
    try:
        return bool(accept(state))
    except Exception:  # a caller's predicate must not break the store
        log.exception("a wait_for predicate failed")
        return False
