"""An MQTT v5 session that survives the broker going away.

``async with MqttSession(settings) as s`` starts one named supervisor task that connects (aiomqtt over
paho), resubscribes everything it was asked to, forwards messages into a bounded queue and, when the
connection drops, reconnects after a jittered exponential backoff, forever. Publishing waits for the
connection at most ``timeout`` seconds and then fails with ``BROKER_UNAVAILABLE``: callers keep working.
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
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import TracebackType

import aiomqtt

from edge.config import MQTTSettings
from edge.errors import EdgeError, ErrorCode

__all__ = ["Message", "MqttSession", "SessionSettings", "backoff_delay"]

log = logging.getLogger(__name__)


def backoff_delay(attempt: int, min_s: float, max_s: float, rng: random.Random) -> float:
    """Full-jitter exponential backoff: uniform in [min_s, min(max_s, min_s * 2**attempt)]."""
    ceiling = min(max_s, min_s * (2 ** min(attempt, 30)))
    return rng.uniform(min_s, max(min_s, ceiling))


@dataclass(frozen=True, slots=True)
class SessionSettings:
    """Where to connect and how to behave. ``health_topic`` "" publishes no health."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str = ""
    password: str = ""
    client_id: str = ""
    tls: bool = False
    ca_file: str = ""
    reconnect_min_s: float = 0.5
    reconnect_max_s: float = 30.0
    keepalive_s: int = 15
    connect_timeout_s: float = 5.0
    publish_timeout_s: float = 5.0
    queue_size: int = 2000
    health_topic: str = ""
    site_id: str = ""

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise EdgeError(f"MQTT port {self.port} is out of range", hint="use 1..65535")
        if not 0 < self.reconnect_min_s <= self.reconnect_max_s:
            raise EdgeError("reconnect_min_s must be > 0 and <= reconnect_max_s", hint="e.g. 0.5 and 30")

    @classmethod
    def from_mqtt(cls, mqtt: MQTTSettings, site_id: str = "", *, health: bool = True) -> SessionSettings:
        topic = f"{mqtt.base_topic}/{site_id or 'default'}/health" if health else ""
        return cls(
            host=mqtt.host, port=mqtt.port, username=mqtt.username, password=mqtt.password,
            client_id=mqtt.client_id, tls=mqtt.tls, ca_file=mqtt.ca_file,
            reconnect_min_s=mqtt.reconnect_min_s, reconnect_max_s=mqtt.reconnect_max_s,
            publish_timeout_s=mqtt.command_timeout_s, health_topic=topic, site_id=site_id,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    payload: bytes
    retain: bool = False
    qos: int = 0


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
        self._subscriptions: dict[str, int] = {}
        self._client: aiomqtt.Client | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.connects = 0
        self._closing = False
        self.disconnects = 0

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

    async def subscribe(self, topic: str, qos: int = 0) -> None:
        """Subscribe now if connected, and again after every reconnect."""
        if self._subscriptions.get(topic) == qos:
            return
        self._subscriptions[topic] = qos
        client = self._client
        if client is not None and self.connected:
            try:
                await client.subscribe(topic, qos, timeout=self.settings.publish_timeout_s)
            except aiomqtt.MqttError as err:
                log.info("subscribe %s deferred to the next connection: %s", topic, err)

    async def publish(
        self,
        topic: str,
        payload: bytes | str,
        qos: int = 0,
        retain: bool = False,
        wait_s: float | None = None,
    ) -> None:
        """Publish, waiting up to ``wait_s`` for a connection; EdgeError(BROKER_UNAVAILABLE) otherwise."""
        limit = self.settings.publish_timeout_s if wait_s is None else wait_s
        body = payload.encode() if isinstance(payload, str) else payload
        try:
            async with asyncio.timeout(limit):
                while True:
                    await self._connected.wait()
                    client = self._client
                    if client is None:
                        await asyncio.sleep(0.05)
                        continue
                    try:
                        await client.publish(topic, body, qos=qos, retain=retain, timeout=limit)
                        return
                    except aiomqtt.MqttError as err:
                        log.debug("publish to %s failed, will retry: %s", topic, err)
                        await asyncio.sleep(0.1)
        except TimeoutError as err:
            raise EdgeError(
                f"could not publish to {topic} within {limit:g}s: the MQTT broker is unavailable",
                hint=f"is the broker running at {self.settings.host}:{self.settings.port}?",
                code=ErrorCode.BROKER_UNAVAILABLE,
            ) from err

    async def messages(self) -> AsyncIterator[Message]:
        while True:
            yield await self._queue.get()

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
        tls = aiomqtt.TLSParameters(ca_certs=s.ca_file or None) if s.tls else None
        return aiomqtt.Client(
            s.host, s.port, username=s.username or None, password=s.password or None,
            identifier=s.client_id or None, protocol=aiomqtt.ProtocolVersion.V5, will=will,
            keepalive=s.keepalive_s, timeout=s.connect_timeout_s, tls_params=tls,
            max_queued_incoming_messages=s.queue_size,
        )  # fmt: skip

    async def _session(self, client: aiomqtt.Client) -> None:
        s = self.settings
        self._client = client
        for topic, qos in list(self._subscriptions.items()):
            await client.subscribe(topic, qos, timeout=s.publish_timeout_s)
        self._set_connected(True)
        if s.health_topic:
            await client.publish(s.health_topic, _health("online", s.site_id), qos=1, retain=True)
        async for m in client.messages:
            body = m.payload if isinstance(m.payload, bytes) else str(m.payload).encode()
            message = Message(str(m.topic), body, bool(m.retain), int(m.qos))
            await self._queue.put(message)  # full queue: back-pressure on the reader, never a loss

    async def _supervise(self) -> None:
        attempt = 0
        while True:
            try:
                async with self._client_for() as client:
                    attempt = 0
                    await self._session(client)
            except aiomqtt.MqttError as err:
                log.debug("MQTT connection ended: %s", err)
            finally:
                self._client = None
                self._set_connected(False)
            delay = backoff_delay(
                attempt, self.settings.reconnect_min_s, self.settings.reconnect_max_s, self._rng
            )
            attempt += 1
            await asyncio.sleep(delay)
