"""What the runtime publishes about itself: ``<base>/<site_id>/<kind>`` JSON, optionally Hermes intents.

Publishing never blocks the voice path: events go through a drop-oldest channel to one publisher task.
The health topic is not published here: the MQTT session owns it (a retained online on every connect and
the last will's offline, in one shape), so a second writer would put two shapes on one retained topic.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from edge.bus import Channel, ChannelClosed, Overflow
from edge.events import EventType, PipelineEvent
from edge.lang.numbers import number_words, numbers_to_digits
from edge.nlu import catalogue

__all__ = [
    "EVENT_TOPICS",
    "Heard",
    "Publisher",
    "RuntimeTopics",
    "hermes_intent",
    "hermes_not_recognized",
    "public_slots",
    "slot_value",
]

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


@dataclass(frozen=True, slots=True)
class Heard:
    """What a turn's earlier events said, for its Hermes messages: the transcript as heard (``raw``), the
    text the NLU read (``text``: the transcript or its rewrite), the ASR's confidence and the wake word."""

    raw: str = ""
    text: str = ""
    asr_confidence: float | None = None
    wakeword_id: str | None = None


INTERNAL_SLOTS = frozenset({"domain"})  # ours, never Hermes': the device domain the NLU read from the words
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_WORD = re.compile(r"[^\s.,!?;:\"()]+(?:[.,][0-9]+)*%?")  # a word, "21.5" and "50%" whole, no punctuation
_UNITS = ("percent", "%", "degrees", "degree", "°c", "°f", "°")


def slot_value(value: str) -> dict[str, Any]:
    """A slot's typed Hermes value: ``{"kind": "Number", "value": 50}`` for a number (digits, spelled out,
    or with a unit: "50%", "fifty percent", "21.5 degrees"), else ``{"kind": "Custom", "value": text}``."""
    text = value.strip().lower()
    for unit in _UNITS:
        text = text.removesuffix(unit).strip()
    words = numbers_to_digits(text.split())
    if len(words) == 1 and _NUMBER.fullmatch(words[0]):
        number = float(words[0])
        return {"kind": "Number", "value": int(number) if number.is_integer() else number}
    return {"kind": "Custom", "value": value}


def _span(text: str, value: str) -> tuple[int, int] | None:
    """Where ``value`` (or, for a number, its words) stands in ``text``, as whole words, case-insensitive."""
    candidates = [value]
    typed = slot_value(value)
    if typed["kind"] == "Number" and isinstance(typed["value"], int):
        candidates.append(" ".join(number_words(typed["value"])))
    for candidate in candidates:
        if not candidate.strip():
            continue
        found = re.search(r"(?<!\w)" + re.escape(candidate.strip()) + r"(?!\w)", text, re.IGNORECASE)
        if found:
            return found.start(), found.end()
    return None


def public_slots(intent: str, slots: Mapping[str, Any]) -> dict[str, Any]:
    """The slots another system may see: the intent's catalogue slots (a custom domain's intent, not in
    the catalogue, keeps its own), never an internal one (``domain``)."""
    spec = catalogue.by_name(intent)
    return {k: v for k, v in slots.items() if k not in INTERNAL_SLOTS and (spec is None or k in spec.slots)}


def hermes_slots(
    intent: str, slots: Mapping[str, Any], heard: Heard, confidence: float
) -> list[dict[str, Any]]:
    """An intent's slots as Hermes ``Slot`` objects: only the intent's catalogue slots (a custom domain's
    intent, not in the catalogue, keeps its own), never an internal one; ``range`` in ``input`` (and
    ``rawStart``/``rawEnd`` in ``rawInput``) where the value stands in the words."""
    out: list[dict[str, Any]] = []
    for name, raw in public_slots(intent, slots).items():
        text = str(raw)
        slot: dict[str, Any] = {
            "entity": name,
            "slotName": name,
            "value": slot_value(text),
            "rawValue": text,
            "confidence": confidence,
        }
        if (span := _span(heard.text, text)) is not None:
            raw_span = _span(heard.raw, text)
            slot["range"] = {
                "start": span[0],
                "end": span[1],
                "rawStart": raw_span[0] if raw_span else None,
                "rawEnd": raw_span[1] if raw_span else None,
            }
        out.append(slot)
    return out


def _asr_tokens(heard: Heard) -> list[list[dict[str, Any]]] | None:
    """The transcript's words as one Hermes ASR hypothesis (the engine gives no per-word confidence: each
    word carries the transcript's)."""
    if not heard.raw or heard.asr_confidence is None:
        return None
    return [
        [
            {
                "value": m.group(),
                "confidence": heard.asr_confidence,
                "rangeStart": m.start(),
                "rangeEnd": m.end(),
            }
            for m in _WORD.finditer(heard.raw)
        ]
    ]


def hermes_intent(
    event: PipelineEvent, site_id: str, heard: Heard | str = ""
) -> tuple[str, dict[str, Any]] | None:
    """The Hermes ``NluIntent`` (rhasspy-hermes) of an intent event, on ``hermes/intent/<name>``.

    ``input`` is the text the NLU read (the event's ``text``, else the turn's transcript or its rewrite),
    ``rawInput`` the transcript as heard; ``heard`` is what the turn's earlier events said (a bare string:
    the text alone)."""
    name = event.data.get("intent")
    if event.type is not EventType.INTENT or not name:
        return None
    if isinstance(heard, str):
        heard = Heard(raw=heard, text=heard)
    text = str(event.data.get("text") or heard.text)
    heard = Heard(heard.raw or text, text, heard.asr_confidence, heard.wakeword_id)
    confidence = float(event.data.get("confidence", 1.0))
    payload: dict[str, Any] = {
        "input": text,
        "rawInput": heard.raw,
        "intent": {"intentName": name, "confidenceScore": confidence},
        "slots": hermes_slots(str(name), event.data.get("slots") or {}, heard, confidence),
        "siteId": site_id,
        "sessionId": event.turn_id or None,
        "id": None,  # the id of an NluQuery this answers: the intent came from speech, not from a query
        "customData": None,
        "asrTokens": _asr_tokens(heard),
        "asrConfidence": heard.asr_confidence,
        "wakewordId": heard.wakeword_id,
        "lang": "en",
    }
    return f"hermes/intent/{name}", payload


def hermes_not_recognized(
    event: PipelineEvent, site_id: str, heard: Heard | None = None
) -> tuple[str, dict[str, Any]] | None:
    """The Hermes ``NluIntentNotRecognized`` of a request not understood, on its Hermes topic."""
    if event.type is not EventType.NOT_UNDERSTOOD:
        return None
    text = str(event.data.get("text") or (heard.text if heard else ""))
    payload: dict[str, Any] = {
        "input": text,
        "siteId": site_id,
        "id": None,  # the id of an NluQuery this answers: the intent came from speech, not from a query
        "customData": None,
        "sessionId": event.turn_id or None,
    }
    return "hermes/nlu/intentNotRecognized", payload


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
        self._heard: OrderedDict[str, Heard] = OrderedDict()  # turn_id -> what its events said (Hermes)

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
        heard = self._heard.get(event.turn_id, Heard())
        for h in (
            hermes_intent(event, self.site_id, heard),
            hermes_not_recognized(event, self.site_id, heard),
        ):
            if h is not None:
                self._queue.put_nowait((h[0], json.dumps(h[1]).encode()))

    def _remember_heard(self, event: PipelineEvent) -> None:
        """What a turn's intents come from: its wake word, its transcript (and ASR confidence), or what a
        rewrite made of it. Intent events carry no text, and Hermes' ``input`` is "the user input that has
        generated this intent"."""
        if not event.turn_id or event.type not in (EventType.WAKE, EventType.TRANSCRIPT, EventType.REWRITE):
            return
        heard = self._heard.get(event.turn_id, Heard())
        data = event.data
        if event.type is EventType.WAKE:
            heard = replace(heard, wakeword_id=str(data.get("word") or data.get("model") or "") or None)
        elif event.type is EventType.TRANSCRIPT:
            text = str(data.get("text", ""))
            confidence = data.get("confidence")
            asr = float(confidence) if isinstance(confidence, int | float) else None
            heard = replace(heard, raw=text, text=text, asr_confidence=asr)
        else:
            heard = replace(heard, text=str(data.get("rewritten", "")))
        self._heard[event.turn_id] = heard
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
