"""Where and how the device's MQTT clients connect: one settings type and one way to open a connection.

:class:`ConnectionSettings` describes a connection to one broker: the home broker (``[mqtt]``, read by the
runtime's :class:`edge.context.mqtt.MqttSession`, whose settings extend it) or the fleet's upstream broker
(``[sync]``, read by :class:`edge.sync.link.MqttLink`). Both reconnect by its :class:`Backoff` and open each
connection with :func:`open_client`: aiomqtt, MQTT v5, TLS when asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import aiomqtt

from edge.config import MQTTSettings, SyncSettings
from edge.context import mqtt_v5
from edge.context.backoff import Backoff
from edge.errors import EdgeError, ErrorCode

__all__ = ["FLEET_RECONNECT", "RECONNECT_CAP_S", "ConnectionSettings", "connected_within", "open_client"]

ClientT = TypeVar("ClientT", bound=aiomqtt.Client)

RECONNECT_CAP_S = 5.0
"""The runtime never waits longer than this between two attempts to reach the home broker (whatever the
config says): a home hub that is back should be used at once."""

FLEET_RECONNECT = Backoff(min_s=1.0, max_s=8.0)
"""Between two attempts to reach the fleet's upstream broker: nothing waits on it by the second, and
thousands of homes come back after its outage (full jitter spreads them)."""


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """One broker connection. ``client_id`` "" lets the broker name the client; ``ca_file`` "" with ``tls``
    trusts the system's CA store; ``session_expiry_s`` > 0 (with a ``client_id``) asks the broker to keep
    the session, its subscriptions and the QoS 1 messages for it, that long while the client is away.
    ``reconnect_min_s`` .. ``reconnect_max_s`` bound the wait between two attempts (:attr:`backoff`)."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str = ""
    password: str = ""
    client_id: str = ""
    tls: bool = False
    ca_file: str = ""
    keepalive_s: int = 15
    connect_timeout_s: float = 5.0
    reconnect_min_s: float = 0.5
    reconnect_max_s: float = RECONNECT_CAP_S
    session_expiry_s: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise EdgeError(f"MQTT port {self.port} is out of range", hint="use 1..65535")
        if not 0 < self.reconnect_min_s <= self.reconnect_max_s:
            raise EdgeError("reconnect_min_s must be > 0 and <= reconnect_max_s", hint="e.g. 0.5 and 30")
        if self.keepalive_s < 1 or not self.connect_timeout_s > 0 or self.session_expiry_s < 0:
            raise EdgeError(
                "keepalive_s must be >= 1, connect_timeout_s > 0 and session_expiry_s >= 0",
                hint="e.g. keepalive_s 15, connect_timeout_s 5, session_expiry_s 0 (no persistent session)",
            )

    @property
    def backoff(self) -> Backoff:
        """The wait between two connection attempts: full jitter, reset on every connection."""
        return Backoff(self.reconnect_min_s, self.reconnect_max_s)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def persistent(self) -> bool:
        return self.session_expiry_s > 0 and bool(self.client_id)

    @classmethod
    def from_mqtt(cls, mqtt: MQTTSettings) -> ConnectionSettings:
        """The home broker of ``[mqtt]``, reconnecting within :data:`RECONNECT_CAP_S`."""
        return ConnectionSettings(
            host=mqtt.host, port=mqtt.port, username=mqtt.username, password=mqtt.password,
            client_id=mqtt.client_id, tls=mqtt.tls, ca_file=mqtt.ca_file,
            reconnect_min_s=min(mqtt.reconnect_min_s, RECONNECT_CAP_S),
            reconnect_max_s=min(mqtt.reconnect_max_s, RECONNECT_CAP_S),
        )  # fmt: skip

    @classmethod
    def from_sync(cls, sync: SyncSettings, client_id: str = "") -> ConnectionSettings:
        """The fleet's upstream broker of ``[sync]``: a longer keepalive and connect deadline (a link over
        the internet) and :data:`FLEET_RECONNECT`."""
        return ConnectionSettings(
            host=sync.host, port=sync.port, username=sync.username, password=sync.password,
            client_id=client_id, tls=sync.tls, ca_file=sync.ca_file, keepalive_s=30, connect_timeout_s=10.0,
            reconnect_min_s=FLEET_RECONNECT.min_s, reconnect_max_s=FLEET_RECONNECT.max_s,
        )  # fmt: skip


def open_client(
    client_type: type[ClientT],
    settings: ConnectionSettings,
    *,
    will: aiomqtt.Will | None = None,
    incoming_queue: int = 0,
) -> ClientT:
    """A client of ``client_type`` (``aiomqtt.Client`` or a subclass; MQTT v5) for one connection: ``async
    with`` it connects, leaving it disconnects. ``incoming_queue`` > 0 bounds aiomqtt's queue of received
    messages (past it aiomqtt drops and logs). Certificates are read when it connects, in aiomqtt's
    connecting thread, not on the event loop."""
    s = settings
    tls = aiomqtt.TLSParameters(ca_certs=s.ca_file or None) if s.tls else None
    properties = mqtt_v5.session_expiry(s.session_expiry_s) if s.persistent else None
    return client_type(
        s.host, s.port, username=s.username or None, password=s.password or None,
        identifier=s.client_id or None, protocol=aiomqtt.ProtocolVersion.V5, will=will,
        keepalive=s.keepalive_s, timeout=s.connect_timeout_s, tls_params=tls,
        max_queued_incoming_messages=incoming_queue, clean_start=not s.persistent, properties=properties,
    )  # fmt: skip


async def connected_within(
    connected: asyncio.Event, timeout_s: float, address: str, error: Callable[[], str], hint: str
) -> None:
    """Wait until ``connected`` is set; after ``timeout_s`` a clear :class:`EdgeError` naming the broker
    ``address``, why the last attempt failed (``error()``, read when the wait ends) and what to check."""
    try:
        async with asyncio.timeout(timeout_s):
            await connected.wait()
    except TimeoutError as err:
        why = error()
        raise EdgeError(
            f"no MQTT connection to {address} within {timeout_s:g}s" + (f" ({why})" if why else ""),
            hint=hint,
            code=ErrorCode.BROKER_UNAVAILABLE,
        ) from err
