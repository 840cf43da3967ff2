"""Runtime topics: events map to edge/<site>/<kind>, Hermes intents on request, never blocking."""

from __future__ import annotations

import asyncio
import json

from edge.events import EventType, PipelineEvent
from edge.topics import RuntimeTopics, hermes_intent


class RecordingPublisher:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, dict[str, object], bool]] = []
        self.fail = fail

    async def publish(self, topic: str, payload: bytes, qos: int = 0, retain: bool = False) -> None:
        if self.fail:
            raise ConnectionError("broker away")
        self.sent.append((topic, json.loads(payload), retain))


INTENT = PipelineEvent(
    EventType.INTENT,
    1200.0,
    "t1",
    {
        "intent": "HassTurnOn",
        "slots": {"name": "kitchen light"},
        "confidence": 0.93,
        "text": "turn on the kitchen light",
    },
)


def test_events_go_to_their_topics_and_hermes() -> None:
    pub = RecordingPublisher()
    topics = RuntimeTopics(pub, "kitchen-pi", hermes=True)

    async def go() -> None:
        task = asyncio.create_task(topics.run())
        topics.offer(PipelineEvent(EventType.WAKE, 100.0, "t1", {"word": "hey_jarvis", "score": 0.9}))
        topics.offer(INTENT)
        topics.offer(PipelineEvent(EventType.VOICE_START, 150.0, "t1"))  # not published
        # the MQTT session owns the health topic (retained online, last will offline): no event carries it
        topics.offer(PipelineEvent(EventType.END, 900.0, "", {"turns": 1}))  # not published
        topics.close()
        await asyncio.wait_for(task, 5)

    asyncio.run(go())
    names = [t for t, _, _ in pub.sent]
    assert names == ["edge/kitchen-pi/wake", "edge/kitchen-pi/intent", "hermes/intent/HassTurnOn"]
    assert pub.sent[1][1]["slots"] == {"name": "kitchen light"}
    assert not any(retain for _, _, retain in pub.sent)  # events are telemetry: nothing is retained
    hermes = pub.sent[2][1]
    assert hermes["intent"] == {"intentName": "HassTurnOn", "confidenceScore": 0.93}
    assert hermes["slots"][0]["rawValue"] == "kitchen light"  # type: ignore[index]


def test_hermes_input_is_what_the_nlu_read_in_that_turn() -> None:
    """Intent events carry no text: Hermes' ``input`` comes from the turn's transcript, or its rewrite."""
    pub = RecordingPublisher()
    topics = RuntimeTopics(pub, "s", hermes=True)
    intent = {"intent": "HassTurnOn", "slots": {"name": "kitchen light"}, "confidence": 0.9}

    async def go() -> None:
        task = asyncio.create_task(topics.run())
        heard = {"text": "turn on the kitchen light.", "confidence": 0.8}
        topics.offer(PipelineEvent(EventType.TRANSCRIPT, 1.0, "t1", heard))
        heard2 = {"text": "kitchen lights please", "confidence": 0.5}
        topics.offer(PipelineEvent(EventType.TRANSCRIPT, 2.0, "t2", heard2))
        rewrite = {"original": "kitchen lights please", "rewritten": "turn on the kitchen light"}
        topics.offer(PipelineEvent(EventType.REWRITE, 2.0, "t2", rewrite))
        topics.offer(PipelineEvent(EventType.INTENT, 1.0, "t1", intent))
        topics.offer(PipelineEvent(EventType.INTENT, 2.0, "t2", intent))
        topics.offer(PipelineEvent(EventType.INTENT, 3.0, "t3", intent))  # a turn never heard
        topics.close()
        await asyncio.wait_for(task, 5)

    asyncio.run(go())
    inputs = [
        (body["sessionId"], body["input"]) for topic, body, _ in pub.sent if topic.startswith("hermes/")
    ]
    assert inputs == [
        ("t1", "turn on the kitchen light."),
        ("t2", "turn on the kitchen light"),
        ("t3", ""),
    ]


def test_broker_errors_do_not_stop_publishing() -> None:
    pub = RecordingPublisher(fail=True)
    topics = RuntimeTopics(pub, "s")

    async def go() -> None:
        task = asyncio.create_task(topics.run())
        for i in range(5):
            topics.offer(PipelineEvent(EventType.WAKE, float(i), f"t{i}", {"word": "w", "score": 1.0}))
        topics.close()
        await asyncio.wait_for(task, 5)

    asyncio.run(go())
    assert pub.sent == []


def test_queue_is_bounded_and_drops_oldest() -> None:
    topics = RuntimeTopics(RecordingPublisher(), "s", capacity=3)
    for i in range(10):
        topics.offer(PipelineEvent(EventType.WAKE, float(i), f"t{i}", {"word": "w", "score": 1.0}))
    assert topics._queue.stats().dropped == 7


def test_not_understood_has_no_hermes_form() -> None:
    ev = PipelineEvent(EventType.NOT_UNDERSTOOD, 0.0, "t", {"text": "what is the capital of france"})
    assert hermes_intent(ev, "s") is None


class HangingPublisher:
    """A broker that is away: every publish waits forever (as one waiting for a reconnect does)."""

    def __init__(self) -> None:
        self.attempts = 0

    async def publish(self, topic: str, payload: bytes, qos: int = 0, retain: bool = False) -> None:
        self.attempts += 1
        await asyncio.Event().wait()


def test_a_broker_that_is_away_costs_one_attempt_not_one_per_event() -> None:
    pub = HangingPublisher()
    topics = RuntimeTopics(pub, "s", attempt_s=0.05, retry_after_s=60.0)

    async def go() -> None:
        task = asyncio.create_task(topics.run())
        for i in range(20):
            topics.offer(PipelineEvent(EventType.WAKE, float(i), f"t{i}", {"word": "w", "score": 1.0}))
        topics.close()
        await asyncio.wait_for(task, 30)

    asyncio.run(go())
    assert pub.attempts == 1  # the first event found the broker away; the rest were dropped unsent
    assert topics.dropped == 20
