"""Retained messages on a broker the lab does not own: read them, and take back the ones it published.

``edge demo --broker H:P`` publishes a simulated home (discovery configs, states) and the runtime's own
topics there; on exit it publishes an empty retained payload (which deletes a retained message, MQTT 3.3.1.3)
on exactly the topics it wrote, so the owner's broker is left as it was. Every call is bounded by a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterable

import aiomqtt

__all__ = ["clear_retained", "published_since", "read_retained", "restore_under"]

log = logging.getLogger(__name__)


def _client(host: str, port: int, timeout_s: float) -> aiomqtt.Client:
    return aiomqtt.Client(
        host, port, identifier=f"edge-demo-clean-{uuid.uuid4().hex[:8]}", timeout=timeout_s,
        protocol=aiomqtt.ProtocolVersion.V5,
    )  # fmt: skip


async def read_retained(
    host: str, port: int, topic_filter: str = "#", quiet_s: float = 0.4, timeout_s: float = 5.0
) -> dict[str, bytes]:
    """Every retained message under ``topic_filter``: topic -> payload. The broker sends them right after
    the subscription, flagged retained; reading stops ``quiet_s`` after the last message, or at ``timeout_s``
    on a busy broker whose live messages (not flagged) keep coming. A broker that cannot be reached raises
    (``aiomqtt.MqttError``, ``OSError`` or ``TimeoutError``)."""
    found: dict[str, bytes] = {}
    loop = asyncio.get_running_loop()
    # aiomqtt's own timeout bounds the connection and the subscription
    async with _client(host, port, timeout_s) as client:
        await client.subscribe(topic_filter, qos=1)
        messages = client.messages
        deadline = loop.time() + timeout_s
        while (left := deadline - loop.time()) > 0:
            try:
                async with asyncio.timeout(min(quiet_s, left)):
                    message = await anext(messages)
            except (TimeoutError, StopAsyncIteration):
                break
            if message.retain and message.payload:
                body = message.payload
                found[str(message.topic)] = body if isinstance(body, bytes) else str(body).encode()
    return found


async def _clear(host: str, port: int, topics: list[str], timeout_s: float) -> None:
    async with asyncio.timeout(timeout_s), _client(host, port, timeout_s) as client:
        for topic in topics:
            await client.publish(topic, b"", qos=1, retain=True)


def clear_retained(host: str, port: int, topics: Iterable[str], timeout_s: float = 5.0) -> int:
    """Delete the retained message of each topic (an empty retained payload, QoS 1); the number sent.
    Synchronous, for clean-up paths outside an event loop; a broker that is gone is logged, not raised."""
    todo = sorted(set(topics))
    if not todo:
        return 0
    try:
        asyncio.run(_clear(host, port, todo, timeout_s))
    except (aiomqtt.MqttError, OSError, TimeoutError) as err:
        log.warning("could not remove %d retained topic(s) from %s:%d: %s", len(todo), host, port, err)
        return 0
    return len(todo)


async def published_since(
    host: str, port: int, topic_filter: str, before: dict[str, bytes], timeout_s: float = 5.0
) -> set[str]:
    """Topics under ``topic_filter`` retained now that were not retained in ``before``."""
    with contextlib.suppress(aiomqtt.MqttError, OSError, TimeoutError):
        now = await read_retained(host, port, topic_filter, timeout_s=timeout_s)
        return set(now) - set(before)
    return set()


async def restore_under(
    host: str, port: int, topic_filter: str, before: dict[str, bytes], timeout_s: float = 5.0
) -> int:
    """Put the retained messages under ``topic_filter`` back as ``before`` held them: a topic retained now
    that was not there is deleted, one whose payload changed gets its old payload back. For a runtime that
    ended without its own clean-up (SIGKILL): its last will stays retained. The number of topics written;
    a broker that is gone is logged, never raised."""
    try:
        now = await read_retained(host, port, topic_filter, timeout_s=timeout_s)
        changed = sorted(t for t, body in now.items() if before.get(t) != body)
        if changed:
            async with asyncio.timeout(timeout_s), _client(host, port, timeout_s) as client:
                for topic in changed:
                    await client.publish(topic, before.get(topic, b""), qos=1, retain=True)
    except (aiomqtt.MqttError, OSError, TimeoutError) as err:
        log.warning("could not restore retained topics under %s on %s:%d: %s", topic_filter, host, port, err)
        return 0
    return len(changed)
