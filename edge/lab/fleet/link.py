"""The aggregator's link to the upstream broker: paho-mqtt 2.x (MQTT v5) in its own network thread.

Why paho here, when the device uses aiomqtt (:mod:`edge.sync.link`): the aggregator acknowledges a report
only after the batch holding it is committed to its store (``manual_ack``), so a process killed between
receipt and commit loses nothing: the broker sends the message again from its persistent session. aiomqtt
2.x has no manual acknowledgement (paho acknowledges inside its callback, before aiomqtt's consumer sees
the message). This runs off the device, in ``edge aggregator``; the import contract keeps paho out of the
runtime.

paho runs its network loop in its own thread (``loop_start``) and reconnects on its own (doubling from the
connection's ``reconnect_min_s`` to ``reconnect_max_s``, whole seconds); callbacks hop onto the event loop
with ``call_soon_threadsafe``. Publishing awaits the PUBACK (QoS 1) with a deadline; received messages come
out of a bounded queue whose ``put`` blocks paho's thread when full (back-pressure, never the event loop).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

import paho.mqtt.client as mqtt  # manual acknowledgement (see the module docstring)
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from edge.context.connection import ConnectionSettings, connected_within
from edge.errors import EdgeError, ErrorCode
from edge.sync.link import LinkMessage

__all__ = ["AggregatorLink"]

log = logging.getLogger("edge.lab.fleet.link")


class AggregatorLink:
    """``async with AggregatorLink(settings) as link``: subscribe, read, :meth:`ack` once stored, publish."""

    def __init__(
        self, settings: ConnectionSettings, *, manual_ack: bool = True, queue_size: int = 1000
    ) -> None:
        if queue_size < 1:
            raise EdgeError(f"queue_size {queue_size} must be >= 1")
        self.settings = settings
        self.manual_ack = manual_ack
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=settings.client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=manual_ack,
        )
        low = max(1, round(settings.reconnect_min_s))
        self._client.reconnect_delay_set(low, max(low, round(settings.reconnect_max_s)))
        if settings.username:
            self._client.username_pw_set(settings.username, settings.password)
        if settings.tls:
            ctx = ssl.create_default_context(cafile=settings.ca_file or None)
            self._client.tls_set_context(ctx)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_publish = self._on_publish
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connected = asyncio.Event()
        self._subscriptions: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        self._waiting: dict[int, asyncio.Future[None]] = {}
        self._acked_early: set[int] = set()
        self._abandoned: set[int] = set()
        self._queue: asyncio.Queue[LinkMessage] = asyncio.Queue(queue_size)
        self._closing = False
        self.connect_error = ""

    # -- lifecycle -------------------------------------------------------------------------------
    async def __aenter__(self) -> AggregatorLink:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self, wait: bool = True) -> None:
        """Begin connecting; with ``wait`` raise ``BROKER_UNAVAILABLE`` if not connected in time."""
        self._loop = asyncio.get_running_loop()
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        if self.settings.session_expiry_s:
            props.SessionExpiryInterval = self.settings.session_expiry_s
        clean = self.settings.session_expiry_s == 0
        self._client.connect_async(
            self.settings.host,
            self.settings.port,
            self.settings.keepalive_s,
            clean_start=clean,
            properties=props,
        )
        self._client.loop_start()
        if wait:
            try:
                await self.wait_connected(self.settings.connect_timeout_s)
            except EdgeError:
                await self.close()  # no paho thread left behind
                raise

    async def wait_connected(self, timeout_s: float) -> None:
        await connected_within(
            self._connected, timeout_s, self.settings.address, lambda: self.connect_error,
            "check --broker, --username, $EDGE_FLEET_PASSWORD and --tls/--ca-file, and the broker",
        )  # fmt: skip

    async def close(self) -> None:
        self._closing = True
        self._client.disconnect()
        await asyncio.to_thread(self._client.loop_stop)
        with self._lock:
            waiting, self._waiting = self._waiting, {}
        for fut in waiting.values():
            if not fut.done():
                fut.cancel()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    # -- operations ------------------------------------------------------------------------------
    async def subscribe(self, topic: str, qos: int = 1, timeout_s: float = 10.0) -> None:
        """Subscribe now and again after every reconnect; connected, wait for the broker's SUBACK (what is
        published after this returns reaches us: "ready" means subscribed) or raise ``BROKER_UNAVAILABLE``."""
        self._subscriptions.append((topic, qos))
        if not self.connected:
            return
        rc, mid = self._client.subscribe(topic, qos)
        if rc != mqtt.MQTT_ERR_SUCCESS or mid is None:
            raise EdgeError(f"subscribe failed: {mqtt.error_string(rc)}", code=ErrorCode.BROKER_UNAVAILABLE)
        await self._acked(mid, timeout_s, f"no SUBACK for {topic} within {timeout_s}s")

    async def publish(
        self,
        topic: str,
        payload: bytes,
        *,
        qos: int = 1,
        retain: bool = False,
        user: tuple[tuple[str, str], ...] = (),
        timeout_s: float = 10.0,
    ) -> None:
        """Publish and, for QoS 1, wait for the broker's PUBACK; raise ``BROKER_UNAVAILABLE`` if none."""
        if not self.connected:
            raise EdgeError("not connected to the upstream broker", code=ErrorCode.BROKER_UNAVAILABLE)
        props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        if user:
            props.UserProperty = list(user)
        # never hold our lock while calling into paho: paho calls on_publish holding its own mutex
        info = self._client.publish(topic, payload, qos=qos, retain=retain, properties=props)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise EdgeError(
                f"publish failed: {mqtt.error_string(info.rc)}", code=ErrorCode.BROKER_UNAVAILABLE
            )
        if qos == 0:
            return
        await self._acked(info.mid, timeout_s, f"no PUBACK for {topic} within {timeout_s}s")

    async def _acked(self, mid: int, timeout_s: float, missing: str) -> None:
        """Wait for the broker's acknowledgement of packet ``mid`` (PUBACK or SUBACK: one id space)."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if mid in self._acked_early:
                self._acked_early.discard(mid)
                return
            self._waiting[mid] = fut
        try:
            async with asyncio.timeout(timeout_s):
                await fut
        except TimeoutError as err:
            with self._lock:
                self._abandoned.add(mid)
            raise EdgeError(missing, code=ErrorCode.BROKER_UNAVAILABLE) from err
        finally:
            with self._lock:
                self._waiting.pop(mid, None)

    def ack(self, message: LinkMessage) -> None:
        """Acknowledge a message received with ``manual_ack`` (after it is safely stored)."""
        if self.manual_ack and message.qos > 0:
            self._client.ack(message.mid, message.qos)

    async def messages(self) -> AsyncIterator[LinkMessage]:
        while True:
            yield await self._queue.get()

    async def get(self, timeout_s: float) -> LinkMessage | None:
        try:
            async with asyncio.timeout(timeout_s):
                return await self._queue.get()
        except TimeoutError:
            return None

    # -- paho callbacks (paho's thread) ----------------------------------------------------------
    def _call(self, fn: Any, *args: Any) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(fn, *args)

    def _on_connect(
        self, client: mqtt.Client, _u: Any, _f: Any, reason: ReasonCode, _p: Properties | None
    ) -> None:
        if reason.is_failure:
            self.connect_error = str(reason)
            log.warning("upstream broker refused the connection: %s", reason)
            return
        for topic, qos in self._subscriptions:
            _rc, mid = client.subscribe(topic, qos)
            if mid is not None:
                with self._lock:  # nobody waits for a resubscription's SUBACK (paho's thread runs both)
                    self._abandoned.add(mid)
        self._call(self._connected.set)

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: ReasonCode, _p: Any) -> None:
        self._call(self._connected.clear)
        if not self._closing:
            log.info("upstream broker connection lost (%s); reconnecting", reason)

    def _on_subscribe(self, _c: mqtt.Client, _u: Any, mid: int, _r: Any, _p: Any) -> None:
        self._on_publish(_c, _u, mid, None, _p)  # the same waiters: one id space

    def _on_publish(self, _c: mqtt.Client, _u: Any, mid: int, _r: ReasonCode | None, _p: Any) -> None:
        with self._lock:
            fut = self._waiting.get(mid)
            if fut is None:
                if mid in self._abandoned:  # a late PUBACK for a publish we gave up on
                    self._abandoned.discard(mid)
                else:  # PUBACK before publish() registered its waiter
                    self._acked_early.add(mid)
                return
        self._call(_resolve, fut)

    def _on_message(self, _c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        props = getattr(msg, "properties", None)
        user = tuple((str(k), str(v)) for k, v in getattr(props, "UserProperty", []) or [])
        item = LinkMessage(msg.topic, bytes(msg.payload), msg.qos, bool(msg.retain), msg.mid, user)
        loop = self._loop
        if loop is None or loop.is_closed() or self._closing:
            return
        try:  # blocks paho's thread (not the event loop) while the queue is full
            asyncio.run_coroutine_threadsafe(self._queue.put(item), loop).result(timeout=30)
        except Exception:  # the loop is gone or stuck: drop; unacked QoS 1 comes back on reconnect
            log.warning("dropped an incoming message on %s (consumer not keeping up)", msg.topic)


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)
