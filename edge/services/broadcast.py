"""Broadcasts between the satellites of one home (``HassBroadcast``: "announce that dinner is ready").

A satellite publishes ``{"message", "site_id", "area", "t"}`` on ``<base>/broadcast`` (QoS 1, never
retained); every satellite subscribes to it and speaks what the others sent. The device's MQTT session has
one reader (the context store), so :class:`BroadcastTap` sits between the session and that reader and
takes the broadcast topic's messages out of the stream into a bounded :class:`BroadcastInbox`.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol

from edge.context.mqtt import Message

__all__ = ["MAX_MESSAGE_CHARS", "Broadcast", "BroadcastInbox", "BroadcastTap", "broadcast_topic", "encode"]

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 300  # a longer message is cut: it is spoken aloud
INBOX_SIZE = 8  # broadcasts waiting to be spoken; when full the oldest is dropped


def broadcast_topic(base: str) -> str:
    return f"{base.rstrip('/')}/broadcast"


@dataclass(frozen=True, slots=True)
class Broadcast:
    message: str
    site_id: str
    area: str = ""


def encode(broadcast: Broadcast) -> bytes:
    body = {
        "message": broadcast.message,
        "site_id": broadcast.site_id,
        "area": broadcast.area,
        "t": time.time(),
    }
    return json.dumps(body).encode()


def decode(payload: bytes) -> Broadcast | None:
    """A broadcast as published by :func:`encode`; None for anything else (logged, never raised)."""
    try:
        body = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict):
        return None
    message, site = body.get("message"), body.get("site_id")
    if not isinstance(message, str) or not isinstance(site, str) or not message.strip():
        return None
    area = body.get("area") if isinstance(body.get("area"), str) else ""
    return Broadcast(" ".join(message.split())[:MAX_MESSAGE_CHARS], site, str(area))


class BroadcastInbox:
    """Broadcasts from the other satellites waiting to be spoken (bounded: the oldest is dropped).
    ``on_arrival`` is called after each one is taken in (the service wakes its announcer with it)."""

    def __init__(self, site_id: str, on_arrival: Callable[[], None] = lambda: None) -> None:
        self.site_id = site_id
        self.on_arrival = on_arrival
        self._waiting: deque[Broadcast] = deque(maxlen=INBOX_SIZE)
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._waiting)

    def receive(self, payload: bytes) -> bool:
        """Take in one message of the broadcast topic; False for our own and for malformed ones."""
        broadcast = decode(payload)
        if broadcast is None:
            log.info("ignored a malformed broadcast (%d bytes)", len(payload))
            return False
        if broadcast.site_id == self.site_id:
            return False  # the satellite that sent it does not say it again
        if len(self._waiting) == self._waiting.maxlen:
            self.dropped += 1
        self._waiting.append(broadcast)
        self.on_arrival()
        return True

    def take(self) -> list[Broadcast]:
        out = list(self._waiting)
        self._waiting.clear()
        return out


class MessageSource(Protocol):
    async def subscribe(self, topic: str, qos: int = 0) -> None: ...
    async def unsubscribe(self, topic: str) -> None: ...
    def messages(self) -> AsyncIterator[Message]: ...


class BroadcastTap:
    """A message source that hands the broadcast topic's messages to ``inbox`` and every other message on
    to its reader (the context store); subscribing passes through. Subscribe the broadcast topic with
    :meth:`start` (the session subscribes it again after every reconnect)."""

    def __init__(self, source: MessageSource, topic: str, inbox: BroadcastInbox) -> None:
        self.source, self.topic, self.inbox = source, topic, inbox

    async def start(self) -> None:
        await self.source.subscribe(self.topic, qos=1)

    async def subscribe(self, topic: str, qos: int = 0) -> None:
        await self.source.subscribe(topic, qos)

    async def unsubscribe(self, topic: str) -> None:
        await self.source.unsubscribe(topic)

    async def messages(self) -> AsyncIterator[Message]:
        async for message in self.source.messages():
            if message.topic == self.topic:
                self.inbox.receive(message.payload)
                continue
            yield message
