"""The voice pipeline's ``TurnAudioSink`` hook (what the Wyoming satellite uses), with the real wake word,
VAD and Whisper: a sink that takes a turn gets its audio after the wake word, in order and without gaps, up
to the end of speech, and the device's own ASR and turn engine never see it; a sink that declines changes
nothing. Then the satellite's own logic against a recorded connection."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
from test_voice_support import DEMO, engines, settings
from wyoming.asr import Transcript as WyTranscript
from wyoming.audio import AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.info import Describe

from edge.audio.io import read_audio
from edge.audio.sources import ArraySource
from edge.events import AudioChunk, PipelineEvent, Transcript, WakeDetected
from edge.pipeline import Emit, build_pipeline
from edge.wyoming import Satellite


class Sink:
    """Records what the pipeline hands over; ``take`` says whether it takes the turns."""

    def __init__(self, take: bool) -> None:
        self.take = take
        self.started: list[tuple[str, str]] = []
        self.chunks: list[AudioChunk] = []
        self.ended: list[tuple[str, str]] = []

    async def turn_started(self, wake: WakeDetected, turn_id: str) -> bool:
        self.started.append((wake.word, turn_id))
        return self.take

    async def turn_audio(self, turn_id: str, chunk: AudioChunk) -> None:
        assert turn_id == self.started[-1][1]
        self.chunks.append(chunk)

    async def turn_ended(self, turn_id: str, reason: str) -> None:
        self.ended.append((turn_id, reason))


class Handler:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def on_wake(self, wake: WakeDetected, turn_id: str) -> None:
        self.calls.append("wake")

    async def on_transcript(self, transcript: Transcript, turn_id: str, emit: Emit) -> None:
        self.calls.append(f"transcript:{transcript.text}")

    async def on_no_speech(self, turn_id: str, t_ms: float) -> None:
        self.calls.append("no_speech")


def replay(samples: npt.NDArray[np.int16], sink: Sink, handler: Handler) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []

    async def emit(event: PipelineEvent) -> None:
        events.append(event.to_json())

    async def main() -> None:
        cfg = settings()
        shared = engines()
        assert shared.wake is not None
        shared.wake.reset()
        source = ArraySource(samples, frame_ms=cfg.audio.frame_ms)
        await build_pipeline(cfg, source, handler, emit, engines=shared, sink=sink).run()

    asyncio.run(main())
    return events


def test_a_sink_that_takes_the_turn_gets_its_audio_and_asr_does_not() -> None:
    sink, handler = Sink(take=True), Handler()
    events = replay(read_audio(DEMO), sink, handler)
    assert [word for word, _ in sink.started] == ["hey_jarvis"]
    assert sink.ended == [(sink.started[0][1], "speech_end")]
    assert handler.calls == [] and "transcript" not in [e["type"] for e in events]
    assert [e["type"] for e in events][:4] == ["start", "wake", "voice_start", "voice_end"]  # still reported
    wake = next(e for e in events if e["type"] == "wake")
    assert sink.chunks[0].t_ms >= float(wake["t_ms"]) - 1  # type: ignore[arg-type]
    for before, after in zip(sink.chunks, sink.chunks[1:], strict=False):
        assert abs(after.t_ms - before.end_ms) < 0.1  # in order, nothing dropped or repeated
    audio = np.concatenate([c.samples for c in sink.chunks])
    assert "kitchen light" in engines().recognizer.transcribe(audio, []).text.lower()


def test_a_sink_that_declines_changes_nothing() -> None:
    sink, handler = Sink(take=False), Handler()
    replay(read_audio(DEMO), sink, handler)
    assert len(sink.started) == 1 and sink.chunks == [] and sink.ended == []
    assert handler.calls[0] == "wake" and "kitchen light" in handler.calls[1].lower()


def test_a_wake_word_nobody_follows_ends_the_sink_turn(synth: Callable[..., Path]) -> None:
    sink, handler = Sink(take=True), Handler()
    samples = read_audio(synth("hey jarvis", name="wake_alone", tail_silence_s=4.0))
    events = replay(samples, sink, handler)
    assert len(sink.started) == 1, events
    assert sink.ended == [(sink.started[0][1], "timeout")]
    assert handler.calls == []  # the device's engine is not told of a turn it did not have
    streamed_ms = sum(c.duration_ms for c in sink.chunks) if sink.chunks else 0.0
    assert 0 < streamed_ms <= settings().vad.no_speech_timeout_ms + 200


class Link:
    """A Home Assistant connection, recorded (the satellite's logic alone; the TCP path is in
    test_wyoming_satellite.py)."""

    def __init__(self, broken: bool = False) -> None:
        self.peer = "ha"
        self.broken = broken
        self.sent: list[str] = []

    async def send(self, event: Event) -> None:
        if self.broken:
            raise ConnectionResetError("gone")
        self.sent.append(event.type)


async def satellite_logic() -> None:
    link, wake = Link(), WakeDetected("hey_jarvis", 0.9, 1000.0, "hey_jarvis")
    chunk = AudioChunk(np.zeros(1280, np.int16), 1000.0)
    satellite = Satellite(player=None)
    assert not await satellite.turn_started(wake, "t0")  # not run by Home Assistant: the device answers
    satellite.run(link)
    assert await satellite.turn_started(wake, "t1")
    await satellite.turn_audio("t1", chunk)
    # Home Assistant's own VAD ended the request first: nothing more is streamed, no audio-stop
    assert await satellite.on_event(link, WyTranscript(text="turn on the kitchen light").event())
    await satellite.turn_audio("t1", chunk)
    await satellite.turn_ended("t1", "speech_end")
    assert link.sent == ["detection", "run-pipeline", "audio-start", "audio-chunk"]
    # an error from its pipeline ends the turn too, and is not answered
    assert await satellite.turn_started(wake, "t2")
    assert await satellite.on_event(link, Error(text="stt failed", code="stt-no-text").event())
    await satellite.turn_audio("t2", chunk)
    assert link.sent.count("audio-chunk") == 1
    # a spoken answer with no player on the device: "played" at once
    await satellite.on_event(link, AudioStart(rate=22050, width=2, channels=1).event())
    await satellite.on_event(link, AudioStop().event())
    for _ in range(50):
        if link.sent[-1] == "played":
            break
        await asyncio.sleep(0.01)
    assert link.sent[-1] == "played"
    assert not await satellite.on_event(link, Describe().event())  # left to the server
    # a Home Assistant that cannot be written to loses the satellite; the turn stays the device's
    broken = Link(broken=True)
    satellite.run(broken)
    assert not await satellite.turn_started(wake, "t3") and not satellite.running


def test_the_satellite_stops_on_what_home_assistant_says() -> None:
    asyncio.run(satellite_logic())
