"""An MQTT v5 session that survives the broker going away.

``async with MqttSession(settings) as s`` starts one named supervisor task that connects (aiomqtt over
paho), resubscribes everything it is subscribed to now, forwards messages and, when the connection drops,
reconnects after a short full-jitter backoff (``settings.backoff``, capped at ``reconnect_max_s``, reset
on every connection), forever. A publish that finds the broker away wakes the supervisor, which then
retries within ``reconnect_min_s`` instead of sleeping out its backoff; the publish waits for the
connection at most its deadline and then fails with ``BROKER_UNAVAILABLE`` (callers keep working). A
message is handed to the broker at most once: it is retried only when paho refused it before sending.

Incoming messages go to a bounded queue (``coalesce_by_topic=False``: back-pressure, in order) or, for
the runtime's context store, are coalesced per topic (latest wins): the reader never falls behind a chatty
device, so the client library's own queue never overflows and a confirmation is never dropped.

Topics are checked (:mod:`edge.context.validate`) before they reach paho or the broker: an invalid filter
or a NUL would otherwise raise in the reader or make the broker drop the connection on every reconnect.
With a ``health_topic`` it publishes a retained ``{"status": "online"}`` and leaves a last will of
``{"status": "offline"}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, fields
from types import TracebackType

import aiomqtt

from edge.config import MQTTSettings
from edge.context.connection import ConnectionSettings, open_client
from edge.context.validate import PayloadError, check_topic_filter, check_topic_name
from edge.errors import EdgeError, ErrorCode

__all__ = ["Message", "MqttSession", "SessionSettings"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SessionSettings(ConnectionSettings):
    """The connection (:class:`ConnectionSettings`) and what the session does on it. ``health_topic`` ""
    publishes no health."""

    publish_timeout_s: float = 5.0
    queue_size: int = 2000
    health_topic: str = ""
    site_id: str = ""
    coalesce_by_topic: bool = False  # latest message per topic wins (state readers); False: every one

    @classmethod
    def from_mqtt(cls, mqtt: MQTTSettings, site_id: str = "", *, health: bool = True) -> SessionSettings:
        topic = f"{mqtt.base_topic}/{site_id or 'default'}/health" if health else ""
        connection = ConnectionSettings.from_mqtt(mqtt)
        return cls(
            **{f.name: getattr(connection, f.name) for f in fields(ConnectionSettings)},
            publish_timeout_s=mqtt.command_timeout_s, health_topic=topic, site_id=site_id,
            coalesce_by_topic=True,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    payload: bytes
    retain: bool = False
    qos: int = 0


def _message(m: aiomqtt.Message) -> Message:
    body = m.payload if isinstance(m.payload, bytes) else str(m.payload).encode()
    return Message(str(m.topic), body, bool(m.retain), int(m.qos))


def _health(status: str, site_id: str) -> bytes:
    return json.dumps({"status": status, "site_id": site_id, "t": round(time.time(), 3)}).encode()


class MqttSession:
    """A reconnecting MQTT v5 client (see the module docstring)."""

    def __init__(
        self,
        settings: SessionSettings,
        *,
        on_connection: Callable[[bool], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self._listeners: list[Callable[[bool], None]] = [on_connection] if on_connection else []
        self._rng = rng or random.Random()
        self._queue: asyncio.Queue[Message] = asyncio.Queue(settings.queue_size)
        self._latest: OrderedDict[str, Message] = OrderedDict()  # coalesce_by_topic: topic -> newest
        self._readable = asyncio.Event()
        self._writable = asyncio.Event()
        self._writable.set()
        self._wake = asyncio.Event()  # a publisher waits for the broker: retry now, not after the backoff
        self._waiting = 0
        self._subscriptions: dict[str, int] = {}
        self._client: aiomqtt.Client | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.connects = 0
        self._closing = False
        self.disconnects = 0
        self.received = 0
        self.coalesced = 0  # messages replaced by a newer one on the same topic before they were read

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def __aenter__(self) -> MqttSession:
        self._task = asyncio.create_task(self._supervise(), name=f"mqtt-session-{self.settings.port}")
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closing = True
        client = self._client
        if client is not None and self.settings.health_topic:
            with contextlib.suppress(Exception):
                payload = _health("offline", self.settings.site_id)
                await client.publish(self.settings.health_topic, payload, qos=1, retain=True, timeout=2.0)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def add_listener(self, listener: Callable[[bool], None]) -> None:
        """Call ``listener(True/False)`` on every connect and disconnect (on the event loop)."""
        self._listeners.append(listener)

    async def wait_connected(self, within_s: float) -> bool:
        try:
            async with asyncio.timeout(within_s):
                await self._connected.wait()
            return True
        except TimeoutError:
            return False

    @property
    def subscription_count(self) -> int:
        return len(self._subscriptions)

    async def subscribe(self, topic: str, qos: int = 0) -> None:
        """Subscribe now if connected, and again after every reconnect. An invalid filter raises
        PayloadError and is never sent (the broker would drop the connection, on every reconnect)."""
        if self._subscriptions.get(topic) == qos:
            return
        self._subscriptions[check_topic_filter(topic) if not topic.startswith("$share/") else topic] = qos
        client = self._client
        if client is not None and self.connected:
            try:
                await client.subscribe(topic, qos, timeout=self.settings.publish_timeout_s)
            except aiomqtt.MqttError as err:
                log.info("subscribe %s deferred to the next connection: %s", topic, err)

    async def unsubscribe(self, topic: str) -> None:
        """Stop receiving ``topic`` now if connected, and no longer resubscribe it."""
        if self._subscriptions.pop(topic, None) is None:
            return
        client = self._client
        if client is not None and self.connected:
            try:
                await client.unsubscribe(topic, timeout=self.settings.publish_timeout_s)
            except aiomqtt.MqttError as err:  # gone with the connection anyway
                log.debug("unsubscribe %s: %s", topic, err)

    async def publish(
        self,
        topic: str,
        payload: bytes | str,
        qos: int = 0,
        retain: bool = False,
        wait_s: float | None = None,
    ) -> None:
        """Publish, waiting up to ``wait_s`` for a connection; EdgeError(BROKER_UNAVAILABLE) otherwise.

        Sent at most once: retried only while paho refuses it (no connection). Once handed over, a
        missing acknowledgement is logged, not retried (the device may have it; callers that need to
        know wait for the device's report). An invalid topic raises PayloadError at once."""
        check_topic_name(topic)
        limit = self.settings.publish_timeout_s if wait_s is None else wait_s
        body = payload.encode() if isinstance(payload, str) else payload
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        try:
            async with asyncio.timeout(limit):
                while True:
                    await self._wait_connection()
                    client = self._client
                    if client is None:
                        await asyncio.sleep(0.05)
                        continue
                    try:
                        left = max(0.05, deadline - loop.time() - 0.05)  # inside the outer deadline
                        await client.publish(topic, body, qos=qos, retain=retain, timeout=left)
                        return
                    except aiomqtt.MqttCodeError as err:
                        log.debug("publish to %s refused before sending, will retry: %s", topic, err)
                        await asyncio.sleep(0.05)
                    except aiomqtt.MqttError as err:
                        log.warning("publish to %s sent but not acknowledged: %s", topic, err)
                        return
        except TimeoutError as err:
            raise EdgeError(
                f"could not publish to {topic} within {limit:g}s: the MQTT broker is unavailable",
                hint=f"is the broker running at {self.settings.host}:{self.settings.port}?",
                code=ErrorCode.BROKER_UNAVAILABLE,
            ) from err

    async def _wait_connection(self) -> None:
        if self._connected.is_set():
            return
        self._waiting += 1
        self._wake.set()
        try:
            await self._connected.wait()
        finally:
            self._waiting -= 1

    async def messages(self) -> AsyncIterator[Message]:
        if not self.settings.coalesce_by_topic:
            while True:
                yield await self._queue.get()
        while True:
            while not self._latest:
                self._readable.clear()
                await self._readable.wait()
            _topic, message = self._latest.popitem(last=False)
            self._writable.set()
            yield message

    async def _deliver(self, message: Message) -> None:
        self.received += 1
        if not self.settings.coalesce_by_topic:
            await self._queue.put(message)  # full queue: back-pressure on the reader
            return
        if message.topic in self._latest:
            self.coalesced += 1
        else:
            while len(self._latest) >= self.settings.queue_size:  # that many distinct topics unread
                self._writable.clear()
                await self._writable.wait()
        self._latest[message.topic] = message  # a known topic keeps its place in line: fair to all
        self._readable.set()

    def _set_connected(self, up: bool) -> None:
        if up == self.connected:
            return
        if up:
            self._connected.set()
            self.connects += 1
            log.info("MQTT connected to %s:%s", self.settings.host, self.settings.port)
        else:
            self._connected.clear()
            if self._closing:
                log.info("MQTT session to %s:%s closed", self.settings.host, self.settings.port)
            else:
                self.disconnects += 1
                log.warning("MQTT broker %s:%s is away; reconnecting", self.settings.host, self.settings.port)
        for listener in list(self._listeners):
            listener(up)

    def _client_for(self) -> aiomqtt.Client:
        s = self.settings
        will = None
        if s.health_topic:
            will = aiomqtt.Will(s.health_topic, _health("offline", s.site_id), qos=1, retain=True)
        return open_client(aiomqtt.Client, s, will=will, incoming_queue=s.queue_size)

    async def _session(self, client: aiomqtt.Client) -> None:
        s = self.settings
        self._client = client
        for topic, qos in list(self._subscriptions.items()):
            await client.subscribe(topic, qos, timeout=s.publish_timeout_s)
        self._set_connected(True)
        if s.health_topic:
            await client.publish(s.health_topic, _health("online", s.site_id), qos=1, retain=True)
        # aiomqtt's iterator costs a few event-loop turns per message while paho adds one message per turn:
        # under a flood its queue would fill and drop (confirmations among them). So after each message,
        # everything already queued is taken at once.
        backlog: asyncio.Queue[aiomqtt.Message] | None = getattr(client, "_queue", None)
        async for m in client.messages:
            await self._deliver(_message(m))
            while backlog is not None and not backlog.empty():
                await self._deliver(_message(backlog.get_nowait()))

    async def _supervise(self) -> None:
        attempt = 0
        while True:
            self._wake.clear()
            try:
                async with self._client_for() as client:
                    attempt = 0
                    await self._session(client)
            except aiomqtt.MqttError as err:
                log.debug("MQTT connection ended: %s", err)
            except PayloadError as err:  # cannot happen with checked topics; never a dead supervisor
                log.error("MQTT session: %s", err)
            finally:
                self._client = None
                self._set_connected(False)
            await self._backoff(attempt)
            attempt += 1

    async def _backoff(self, attempt: int) -> None:
        """Sleep the jittered backoff, cut short to at most ``reconnect_min_s`` (jittered) while, or as
        soon as, a publisher waits for the broker."""
        s = self.settings
        delay = s.backoff.delay(attempt, self._rng.random())
        loop = asyncio.get_running_loop()
        until = loop.time() + delay
        if not self._waiting:
            try:
                async with asyncio.timeout(delay):
                    await self._wake.wait()
            except TimeoutError:
                return
        prompt = loop.time() + self._rng.uniform(0.5, 1.0) * min(s.reconnect_min_s, 0.5)
        await asyncio.sleep(max(0.0, min(until, prompt) - loop.time()))
