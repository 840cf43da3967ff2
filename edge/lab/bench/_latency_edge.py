"""The ambient-edge side of ``edge bench latency``: the real runtime on a real broker, fed like a microphone.

A Mosquitto of its own on a free loopback port and the simulated demo home (``edge simulate``, as ``edge
demo`` starts them), then :func:`edge.app.run`, the runtime of ``edge run``, with its settings as they
are (wake word off: every utterance is a turn; no voice; no learning while measuring). The clips are fed
by :class:`ClipFeed` in real time, 80 ms frames on the audio clock, with silence after each clip until the
turn's response (a person waiting for the device), then the next clip. A separate MQTT client subscribed to
everything stamps each message's arrival (``time.monotonic``, the event loop's clock): a clip's latency is
from its last word's place in the stream to the first message on the command topic its turn acted on.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from edge.config import Settings
from edge.context.address import with_broker
from edge.events import AudioChunk, EventType, PipelineEvent
from edge.lab.bench._latency_audio import SAMPLE_RATE, Clip
from edge.lab.bench.barista import barista_verdict
from edge.lab.children import Children, wait_ready

__all__ = ["ClipFeed", "EdgeTurn", "Stamps", "run_edge"]

READY_TIMEOUT_S = 60.0
TURN_TIMEOUT_S = 12.0  # no response this long after a clip ended: the next clip comes anyway
AFTER_TURN_S = 0.4  # silence between a response and the next clip


@dataclass
class Stamps:
    """Arrival time of every message the subscriber saw, and what the runtime's events said."""

    messages: list[tuple[float, str]] = field(default_factory=list)  # (monotonic s, topic)
    actions: list[tuple[float, str, str]] = field(default_factory=list)  # (monotonic s, topic, entity_id)
    transcripts: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    intents: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    voice_ends: list[tuple[float, dict[str, Any]]] = field(default_factory=list)  # (monotonic s, event data)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True, slots=True)
class EdgeTurn:
    clip: str
    latency_s: float | None  # None: no command reached the broker
    entity_id: str  # what the turn acted on, or a custom domain's intent ("" for none)
    correct: bool
    transcript: str
    engine: str
    fast_path: bool
    endpoint: str = ""  # the endpointer's reason (speech_end, semantic_end, ...), " | "-joined if several
    fast: str = ""  # the fast path's own decision: "accepted", or why rejected, with its score and text
    voice_end_s: float | None = None  # the endpoint decision's arrival, after the last word
    transcript_s: float | None = None  # the transcript's arrival, after the last word
    speculative: bool = (
        False  # served by a speculative Whisper decode started at a pause (vad.speculative_ms)
    )


class ClipFeed:
    """A live :class:`~edge.audio.sources.AudioSource` over the clips: real-time 80 ms frames, silence
    after each clip until :meth:`turn_done` (or a timeout). ``starts``/``last_words`` are monotonic times."""

    live = True

    def __init__(self, clips: Sequence[Clip], frame_ms: int = 80) -> None:
        self.clips = list(clips)
        self.frame_ms = frame_ms
        self.starts: list[float] = []
        self.last_words: list[float] = []
        self.end = 0.0
        self._done = asyncio.Event()

    def turn_done(self) -> None:
        self._done.set()

    async def __aiter__(self) -> AsyncIterator[AudioChunk]:
        loop = asyncio.get_running_loop()
        size = SAMPLE_RATE * self.frame_ms // 1000
        silence = np.zeros(size, dtype=np.int16)
        t0 = loop.time()
        sent = 0  # samples so far: frame k is due at t0 + its end on the audio clock

        async def frame(samples: np.ndarray[Any, Any]) -> AudioChunk:
            nonlocal sent
            chunk = AudioChunk(samples, 1000.0 * sent / SAMPLE_RATE)
            sent += len(samples)
            delay = t0 + sent / SAMPLE_RATE - loop.time()
            await asyncio.sleep(max(0.0, delay))
            return chunk

        for _ in range(int(0.5 * 1000 / self.frame_ms)):
            yield await frame(silence)
        for clip in self.clips:
            self._done.clear()
            self.starts.append(t0 + sent / SAMPLE_RATE)
            self.last_words.append(t0 + (sent + clip.last_word_s * SAMPLE_RATE) / SAMPLE_RATE)
            padded = np.concatenate([clip.samples, np.zeros((-len(clip.samples)) % size, np.int16)])
            for i in range(0, len(padded), size):
                yield await frame(padded[i : i + size])
            deadline = loop.time() + TURN_TIMEOUT_S
            while not self._done.is_set() and loop.time() < deadline:
                yield await frame(silence)
            for _ in range(int(AFTER_TURN_S * 1000 / self.frame_ms)):
                yield await frame(silence)
        self.end = t0 + sent / SAMPLE_RATE


def _subscriber(host: str, port: int, stamps: Stamps) -> Any:
    import paho.mqtt.client as mqtt  # noqa: PLC0415 - lazy: the bench's own observer, loaded when it runs
    from paho.mqtt.enums import CallbackAPIVersion  # noqa: PLC0415 - lazy: with the client above

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"edge-bench-latency-{os.getpid()}")
    subscribed = threading.Event()

    def on_message(_c: Any, _u: Any, message: Any) -> None:
        now = time.monotonic()
        with stamps.lock:
            stamps.messages.append((now, str(message.topic)))

    client.on_message = on_message
    client.on_connect = lambda c, _u, _f, _rc, _p: c.subscribe("#", qos=0)
    client.on_subscribe = lambda *_a: subscribed.set()
    client.connect(host, port, keepalive=30)
    client.loop_start()
    if not subscribed.wait(10.0):
        client.loop_stop()
        raise RuntimeError(f"the bench's MQTT observer could not subscribe on {host}:{port}")
    return client


def publish_round_trip_s(client: Any, stamps: Stamps, repeats: int = 20) -> float:
    """Median time from publishing a command-sized message to its arrival at the subscriber (QoS 0)."""
    times: list[float] = []
    for i in range(repeats):
        topic = f"bench/latency/probe/{i}"
        t0 = time.monotonic()
        client.publish(topic, json.dumps({"state": "ON", "brightness": 128}), qos=0)
        deadline = t0 + 2.0
        while time.monotonic() < deadline:
            with stamps.lock:
                hit = next((t for t, top in reversed(stamps.messages) if top == topic), None)
            if hit is not None:
                times.append(hit - t0)
                break
            time.sleep(0.0005)
    times.sort()
    return times[len(times) // 2] if times else 0.0


def _runtime_settings(settings: Settings, host: str, port: int) -> Settings:
    s = with_broker(settings, f"{host}:{port}")
    return replace(
        s,
        feedback=replace(s.feedback, tts="none", player="none"),
        learning=replace(s.learning, enabled=False),
    )


def _printer(feed: ClipFeed, stamps: Stamps) -> Any:
    def see(event: PipelineEvent) -> None:
        now = time.monotonic()
        d = event.data
        if event.type is EventType.ACTION:
            stamps.actions.append((now, str(d.get("topic", "")), str(d.get("entity_id", ""))))
        elif event.type is EventType.TRANSCRIPT and not d.get("rejected"):
            stamps.transcripts.append((now, dict(d)))
        elif event.type is EventType.VOICE_END:
            stamps.voice_ends.append((now, dict(d)))
        elif event.type is EventType.INTENT:
            stamps.intents.append((now, dict(d)))
        elif event.type in (EventType.RESPONSE, EventType.ERROR) and not (
            event.type is EventType.RESPONSE and not event.turn_id
        ):
            feed.turn_done()

    return see


def _domain_verdict(clip: Clip, intents: list[dict[str, Any]]) -> tuple[str, bool]:
    """A custom domain's request (barista): its first intent, and whether it is the labelled one exactly."""
    if not intents or clip.label is None:
        return "", False
    first = intents[0]
    name, slots = str(first.get("intent", "")), dict(first.get("slots") or {})
    return name, barista_verdict(name, {k: str(v) for k, v in slots.items()}, dict(clip.label))


def _turns(feed: ClipFeed, stamps: Stamps, intent_topic: str) -> list[EdgeTurn]:
    """Per clip: a device command's arrival on its command topic (the topic the turn's ``action`` named), or
    for a custom domain's request the intent's arrival on ``intent_topic``."""
    out: list[EdgeTurn] = []
    bounds = [*feed.starts[1:], feed.end + 60.0]
    for clip, start, last_word, stop in zip(feed.clips, feed.starts, feed.last_words, bounds, strict=True):
        acted = [(t, topic, eid) for t, topic, eid in stamps.actions if start <= t < stop]
        heard = [d for t, d in stamps.transcripts if start <= t < stop]
        if clip.expect:
            topics = {topic for _t, topic, _e in acted}
            entity = acted[0][2] if acted else ""
            correct = entity == clip.expect
        else:
            topics = {intent_topic}
            entity, correct = _domain_verdict(clip, [d for t, d in stamps.intents if start <= t < stop])
        arrivals = [t for t, topic in stamps.messages if topic in topics and last_word <= t < stop]
        latency = min(arrivals) - last_word if arrivals else None
        engine = str(heard[0].get("engine", "")) if heard else ""
        fast = bool(heard and (heard[0].get("fast_path") or "fast" in engine))
        text = " | ".join(str(d.get("text", "")) for d in heard)
        ends = [(t, d) for t, d in stamps.voice_ends if start <= t < stop]
        heard_at = [t for t, _d in stamps.transcripts if start <= t < stop]
        out.append(
            EdgeTurn(
                clip.name, latency, entity, correct, text, engine, fast,
                endpoint=" | ".join(str(d.get("reason", "")) for _t, d in ends),
                fast=" | ".join(_fast_decision(d) for d in heard if "fast_reason" in d),
                voice_end_s=ends[0][0] - last_word if ends else None,
                transcript_s=heard_at[0] - last_word if heard_at else None,
                speculative=bool(heard and heard[0].get("speculative")),
            )
        )  # fmt: skip
    return out


def _fast_decision(transcript: dict[str, Any]) -> str:
    """The fast path's decision on one utterance: ``accepted 0.93 'text'`` or ``low_score 0.41 'text'``."""
    reason = str(transcript.get("fast_reason") or "accepted")
    score = float(transcript.get("fast_score") or 0.0)
    return f"{reason} {score:.2f} {str(transcript.get('fast_text', ''))!r}"


def run_edge(settings: Settings, clips: Sequence[Clip], home: Path) -> tuple[list[EdgeTurn], float]:
    """Run the runtime over ``clips``; the turns and the median MQTT publish round trip on that broker."""
    from edge.app import RuntimeOptions, run  # noqa: PLC0415 - lazy: the runtime loads only when measured

    stamps = Stamps()
    pipes: list[Any] = []
    try:
        with Children() as children, tempfile.TemporaryDirectory(prefix="edge-bench-latency-") as tmp:
            broker = children.broker()
            sim = children.spawn(
                [sys.executable, "-m", "edge", "simulate", "--home", str(home), "--broker",
                 f"127.0.0.1:{broker.port}"],
                stdout=subprocess.PIPE,
            )  # fmt: skip
            pipes.append(sim.stdout)
            wait_ready(sim, READY_TIMEOUT_S)
            observer = _subscriber("127.0.0.1", broker.port, stamps)
            try:
                publish_s = publish_round_trip_s(observer, stamps)
                feed = ClipFeed(clips, settings.audio.frame_ms)
                options = RuntimeOptions(home=home, no_wake=True, source=feed, db=Path(tmp) / "turns.sqlite3")
                runtime_settings = _runtime_settings(settings, "127.0.0.1", broker.port)
                asyncio.run(run(runtime_settings, options, _printer(feed, stamps)))
                time.sleep(0.3)  # the last command's arrival at the observer
            finally:
                observer.loop_stop()
                observer.disconnect()
    finally:
        for pipe in pipes:  # the simulator has ended: its output pipe is ours to close
            pipe.close()
    intent_topic = (
        f"{settings.mqtt.base_topic}/{settings.satellite.site_id}/intent"  # as RuntimeTopics names it
    )
    return _turns(feed, stamps, intent_topic), publish_s
