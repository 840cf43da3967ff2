"""MQTT v5 properties in the form aiomqtt takes them.

aiomqtt is the device's one MQTT client, and its API types MQTT v5 properties (a session expiry on CONNECT,
user properties on PUBLISH) as paho's ``Properties``, for which it has no type or constructor of its own.
This module builds them; it is the one module of the runtime that names paho, and the import contract in
pyproject.toml forbids paho everywhere else on the device, so nothing there drives a paho client.
"""

from __future__ import annotations

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

__all__ = ["publish_properties", "session_expiry", "user_properties"]


def session_expiry(seconds: int) -> Properties:
    """CONNECT properties that keep the session (subscriptions, queued QoS 1 messages) ``seconds`` long."""
    props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    props.SessionExpiryInterval = seconds
    return props


def publish_properties(user: tuple[tuple[str, str], ...]) -> Properties | None:
    """PUBLISH properties carrying ``user`` as MQTT v5 user properties (None when there are none)."""
    if not user:
        return None
    props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    props.UserProperty = list(user)
    return props


def user_properties(properties: object) -> tuple[tuple[str, str], ...]:
    """The user properties of a received message's ``properties`` (None or without any: empty)."""
    pairs = getattr(properties, "UserProperty", None) or []
    return tuple((str(k), str(v)) for k, v in pairs)
