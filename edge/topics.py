"""What the runtime publishes about itself: ``<base>/<site_id>/<kind>`` JSON, optionally Hermes intents.

Publishing never blocks the voice path: events go through a drop-oldest channel to one publisher task.
The health topic is not published here: the MQTT session owns it (a retained online on every connect and
the last will's offline, in one shape), so a second writer would put two shapes on one retained topic.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from typing import Any, Protocol

from edge.bus import Channel, ChannelClosed, Overflow
from edge.events import EventType, PipelineEvent

__all__ = ["EVENT_TOPICS", "Publisher", "RuntimeTopics", "hermes_intent"]

log = logging.getLogger(__name__)

EVENT_TOPICS: dict[EventType, str] = {
    EventType.WAKE: "wake",
    EventType.TRANSCRIPT: "transcript",
    EventType.REWRITE: "rewrite",
    EventType.INTENT: "intent",
    EventType.NOT_UNDERSTOOD: "intent",
    EventType.ACTION: "action",
    EventType.RESULT: "result",
    EventType.RESPONSE: "response",
    EventType.BARGE_IN: "barge_in",
    EventType.ERROR: "error",
}
HEARD_TURNS = 16  # turns whose heard text is kept for their Hermes intents (a turn's intents follow at once)


class Publisher(Protocol):
    async def publish(self, topic: str, payload: bytes, qos: int = 0, retain: bool = False) -> None: ...


def hermes_intent(event: PipelineEvent, site_id: str, heard: str = "") -> tuple[str, dict[str, Any]] | None:
    """The Hermes (Snips/Rhasspy) form of an intent event, so older automations keep working. ``input`` is
    the event's ``text`` or else ``heard``, the text the NLU read in that turn."""
    name = event.data.get("intent")
    if event.type is not EventType.INTENT or not name:
        return None
    slots = event.data.get("slots") or {}
    payload = {
        "input": event.data.get("text") or heard,
        "intent": {"intentName": name, "confidenceScore": event.data.get("confidence", 1.0)},
        "slots": [
            {"slotName": k, "entity": k, "value": {"kind": "Custom", "value": v}, "rawValue": v}
            for k, v in slots.items()
        ],
        "siteId": site_id,
        "sessionId": event.turn_id,
    }
    return f"hermes/intent/{name}", payload


class RuntimeTopics:
    def __init__(
        self,
        publisher: Publisher,
        site_id: str,
        base: str = "edge",
        hermes: bool = False,
        capacity: int = 200,
        *,
        attempt_s: float = 1.0,
        retry_after_s: float = 2.0,
    ) -> None:
        self._publisher = publisher
        self.site_id = site_id
        self.base = base.rstrip("/")
        self.hermes = hermes
        self._queue: Channel[tuple[str, bytes]] = Channel("runtime-topics", capacity, Overflow.DROP_OLDEST)
        self.attempt_s = attempt_s  # how long one event may wait for the broker
        self.retry_after_s = retry_after_s  # after a failure, events are dropped unsent this long
        self._away_until = 0.0
        self.dropped = 0
        self._heard: OrderedDict[str, str] = OrderedDict()  # turn_id -> what the NLU read (Hermes input)

    def topic(self, kind: str) -> str:
        return f"{self.base}/{self.site_id}/{kind}"

    def offer(self, event: PipelineEvent) -> None:
        """Queue an event for publishing; never waits (the oldest is dropped when the queue is full)."""
        kind = EVENT_TOPICS.get(event.type)
        if kind is None:
            return
        body = json.dumps({**event.to_json(), "site_id": self.site_id}).encode()
        self._queue.put_nowait((self.topic(kind), body))
        if not self.hermes:
            return
        self._remember_heard(event)
        if h := hermes_intent(event, self.site_id, self._heard.get(event.turn_id, "")):
            self._queue.put_nowait((h[0], json.dumps(h[1]).encode()))

    def _remember_heard(self, event: PipelineEvent) -> None:
        """The text a turn's intents come from: its transcript, or what a rewrite made of it. Intent
        events carry no text, and Hermes' ``input`` is "the user input that has generated this intent"."""
        key = {EventType.TRANSCRIPT: "text", EventType.REWRITE: "rewritten"}.get(event.type)
        if key is None or not event.turn_id:
            return
        self._heard[event.turn_id] = str(event.data.get(key, ""))
        self._heard.move_to_end(event.turn_id)
        while len(self._heard) > HEARD_TURNS:
            self._heard.popitem(last=False)

    async def run(self) -> None:
        """Publish queued events until :meth:`close`; a broker that is away costs events, never the loop."""
        while True:
            try:
                topic, body = await self._queue.get()
            except ChannelClosed:
                return
            if time.monotonic() < self._away_until:
                self.dropped += 1  # the broker is away: telemetry is dropped, never queued behind it
                continue
            try:
                async with asyncio.timeout(self.attempt_s):
                    await self._publisher.publish(topic, body, qos=0, retain=False)
            except Exception as err:  # the broker may be away; the voice path goes on
                self.dropped += 1
                self._away_until = time.monotonic() + self.retry_after_s
                log.debug("could not publish %s: %s", topic, err)

    def close(self) -> None:
        self._queue.close()
