"""The device's link to the fleet's upstream broker (reports up, the signed global layer down): aiomqtt.

``async with MqttLink(ConnectionSettings.from_sync(settings.sync)) as link`` starts one named supervisor
task that connects (MQTT v5, TLS when asked), replays the subscriptions, forwards received messages and,
when the connection drops, reconnects after the connection's backoff (full jitter, reset on every
connection), until the link is closed. ``publish`` waits for the broker's PUBACK (QoS 1) up to a deadline
and raises ``BROKER_UNAVAILABLE`` when it does not come, when the broker refuses the message (a reason code
>= 0x80, e.g. not authorized) or when there is no connection: the caller (the uploader's outbox) keeps the
message and tries again later; nothing is resent here. It returns False when the broker took the message
but no subscription matched it (reason code 0x10): a report then reached no aggregator.

Received messages go to a bounded queue (back-pressure on the reader); behind it aiomqtt's own queue is
bounded to the same size and drops past it, with a log line. The link receives one retained release topic,
which the broker sends again on the next connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiomqtt
from aiomqtt.exceptions import MqttConnectError

from edge.context import mqtt_v5
from edge.context.connection import ConnectionSettings, connected_within, open_client
from edge.errors import EdgeError, ErrorCode

__all__ = ["NO_MATCHING_SUBSCRIBERS", "LinkMessage", "MqttLink"]

log = logging.getLogger("edge.sync.link")

NO_MATCHING_SUBSCRIBERS = 0x10  # an MQTT v5 PUBACK reason code: accepted, but no subscription matched


@dataclass(frozen=True, slots=True)
class LinkMessage:
    """One received message; ``user`` holds the MQTT v5 user properties."""

    topic: str
    payload: bytes
    qos: int
    retain: bool
    mid: int
    user: tuple[tuple[str, str], ...] = ()

    def prop(self, name: str) -> str | None:
        return next((v for k, v in self.user if k == name), None)


def _link_message(m: aiomqtt.Message) -> LinkMessage:
    body = m.payload if isinstance(m.payload, bytes) else str(m.payload).encode()
    user = mqtt_v5.user_properties(m.properties)
    return LinkMessage(str(m.topic), body, int(m.qos), bool(m.retain), int(m.mid), user)


class _PubackClient(aiomqtt.Client):
    """aiomqtt's client that also tells the reason code of a QoS 1 publish's PUBACK: aiomqtt 2.x resolves
    its ``publish`` on any PUBACK and drops the code, so "no matching subscribers" (a report that reached no
    aggregator) or "not authorized" would pass for delivered. Relies on two of aiomqtt's own names:
    ``_client``, the connection's paho client that aiomqtt runs on this event loop, and ``_on_publish``, its
    PUBACK callback; tests/test_sync_link.py pins both through what they do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pubacks: dict[int, asyncio.Future[int]] = {}

    def _on_publish(self, client: Any, userdata: Any, mid: int, reason_code: Any, properties: Any) -> None:
        super()._on_publish(client, userdata, mid, reason_code, properties)
        waiter = self._pubacks.pop(mid, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(int(reason_code.value))

    async def publish_qos1(self, topic: str, payload: bytes, retain: bool, properties: Any) -> int:
        """Hand the message to the connection and return its PUBACK's reason code (waits for it: the
        caller sets the deadline). PUBACKs are read on this event loop, so none can come before the waiter
        is registered."""
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        info = self._client.publish(topic, payload, 1, retain, properties)
        if info.rc != 0:  # no connection: paho refused it before sending
            raise aiomqtt.MqttCodeError(info.rc, "Could not publish message")
        self._pubacks[info.mid] = waiter
        try:
            return await waiter
        finally:
            self._pubacks.pop(info.mid, None)

    def abandon_pubacks(self) -> None:
        """The connection is gone: fail every publish still waiting for its PUBACK now, not at its deadline
        (the message may or may not have reached the broker; the caller keeps it and tries again)."""
        waiters, self._pubacks = self._pubacks, {}
        for waiter in waiters.values():
            if not waiter.done():
                waiter.set_exception(aiomqtt.MqttError("the connection was lost before the PUBACK"))


class MqttLink:
    """``async with MqttLink(settings) as link: await link.publish(...)``; reconnects on its own."""

    def __init__(
        self, settings: ConnectionSettings, *, queue_size: int = 1000, rng: random.Random | None = None
    ) -> None:
        if queue_size < 1:
            raise EdgeError(f"queue_size {queue_size} must be >= 1")
        self.settings = settings
        self.queue_size = queue_size
        self._rng = rng or random.Random()
        self._queue: asyncio.Queue[LinkMessage] = asyncio.Queue(queue_size)
        self._subscriptions: dict[str, int] = {}
        self._client: _PubackClient | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.connect_error = ""  # why the last attempt failed ("" once connected)
        self.connects = 0
        self.disconnects = 0  # connections lost (not closed by us)

    # -- lifecycle -------------------------------------------------------------------------------
    async def __aenter__(self) -> MqttLink:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self, wait: bool = True) -> None:
        """Begin connecting; with ``wait`` raise ``BROKER_UNAVAILABLE`` if not connected in time (closed)."""
        if self._task is None:
            self._closing = False
            name = f"mqtt-link-{self.settings.address}"
            self._task = asyncio.create_task(self._supervise(), name=name)
        if wait:
            try:
                await self.wait_connected(self.settings.connect_timeout_s)
            except EdgeError:
                await self.close()
                raise

    async def wait_connected(self, timeout_s: float) -> None:
        await connected_within(
            self._connected, timeout_s, self.settings.address, lambda: self.connect_error,
            "check sync.host/port, credentials and TLS settings, and that the broker runs",
        )  # fmt: skip

    async def close(self) -> None:
        """Disconnect (gracefully when connected) and stop reconnecting."""
        task, self._task = self._task, None
        self._closing = True
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    # -- operations ------------------------------------------------------------------------------
    async def subscribe(self, topic: str, qos: int = 1) -> None:
        """Subscribe now if connected, and again after every reconnect."""
        self._subscriptions[topic] = qos
        client = self._client
        if client is not None and self.connected:
            try:
                await client.subscribe(topic, qos, timeout=self.settings.connect_timeout_s)
            except aiomqtt.MqttError as err:  # the connection went: the next one subscribes
                log.info("subscribe %s deferred to the next connection: %s", topic, err)

    async def publish(
        self,
        topic: str,
        payload: bytes,
        *,
        qos: int = 1,
        retain: bool = False,
        user: tuple[tuple[str, str], ...] = (),
        timeout_s: float = 10.0,
    ) -> bool:
        """Publish and, for QoS 1, wait for the broker's PUBACK: True when a subscription matched (QoS 0:
        always), False when none did (the broker may still retain it); ``BROKER_UNAVAILABLE`` when there is
        no connection, no PUBACK within ``timeout_s`` or the broker refused the message."""
        client = self._client
        if client is None or not self.connected:
            raise EdgeError("not connected to the upstream broker", code=ErrorCode.BROKER_UNAVAILABLE)
        properties = mqtt_v5.publish_properties(user)
        try:
            async with asyncio.timeout(timeout_s):
                if qos == 0:
                    await client.publish(topic, payload, qos=0, retain=retain, properties=properties)
                    return True
                code = await client.publish_qos1(topic, payload, retain, properties)
        except TimeoutError as err:
            raise EdgeError(
                f"no PUBACK for {topic} within {timeout_s:g}s", code=ErrorCode.BROKER_UNAVAILABLE
            ) from err
        except aiomqtt.MqttError as err:  # refused before sending: the connection is going
            raise EdgeError(f"publish failed: {err}", code=ErrorCode.BROKER_UNAVAILABLE) from err
        if code >= 0x80:
            raise EdgeError(
                f"the upstream broker refused {topic} (MQTT reason code {code:#x})",
                hint="check the broker's access rules for this device's user",
                code=ErrorCode.BROKER_UNAVAILABLE,
            )
        return code != NO_MATCHING_SUBSCRIBERS

    async def messages(self) -> AsyncIterator[LinkMessage]:
        while True:
            yield await self._queue.get()

    async def get(self, timeout_s: float) -> LinkMessage | None:
        try:
            async with asyncio.timeout(timeout_s):
                return await self._queue.get()
        except TimeoutError:
            return None

    # -- the supervisor ----------------------------------------------------------------------------
    async def _supervise(self) -> None:
        attempt = 0
        while True:
            try:
                async with open_client(
                    _PubackClient, self.settings, incoming_queue=self.queue_size
                ) as client:
                    attempt = 0
                    await self._serve(client)
            except aiomqtt.MqttError as err:
                self._note_failure(err)
            except Exception:  # a gap in the client library must not leave a dead supervisor
                log.exception("upstream broker link: unexpected error; reconnecting")
            finally:
                if self._client is not None:
                    self._client.abandon_pubacks()
                self._client = None
                self._set_connected(False)
            await asyncio.sleep(self.settings.backoff.delay(attempt, self._rng.random()))
            attempt += 1

    async def _serve(self, client: _PubackClient) -> None:
        self._client = client
        self.connect_error = ""
        done: set[str] = set()
        while todo := [(t, q) for t, q in self._subscriptions.items() if t not in done]:
            for topic, qos in todo:  # also what subscribe() added meanwhile
                await client.subscribe(topic, qos, timeout=self.settings.connect_timeout_s)
                done.add(topic)
        self._set_connected(True)
        async for message in client.messages:
            await self._queue.put(_link_message(message))  # full: back-pressure on this reader

    def _note_failure(self, err: aiomqtt.MqttError) -> None:
        if self.connected:
            log.info("upstream broker connection lost (%s); reconnecting", err)
            return
        reason = str(err) or type(err).__name__
        if reason != self.connect_error:  # one line per new reason, not one per attempt
            level = logging.WARNING if isinstance(err, MqttConnectError) else logging.INFO
            log.log(level, "cannot connect to the upstream broker %s: %s", self.settings.address, reason)
        self.connect_error = reason

    def _set_connected(self, up: bool) -> None:
        if up == self.connected:
            return
        if up:
            self.connects += 1
            self._connected.set()
            log.info("connected to the upstream broker %s", self.settings.address)
        else:
            self._connected.clear()
            if not self._closing:
                self.disconnects += 1
