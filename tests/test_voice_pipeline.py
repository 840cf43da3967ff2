"""The asyncio pipeline with real wake/VAD/Whisper on synthesized speech, plus behavioural fakes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from test_voice_support import DEMO, engines, run_pipeline, settings

from edge.audio.io import read_audio
from edge.audio.sources import ArraySource, WavSource
from edge.config import load_settings
from edge.errors import AudioError
from edge.events import PipelineEvent, Transcript, WakeDetected
from edge.pipeline import Emit, NullHandler, PipelineEngines, build_pipeline


def types_of(events: list[dict[str, object]]) -> list[object]:
    return [e["type"] for e in events]


def test_demo_file_gives_wake_transcript_end() -> None:
    events = run_pipeline(read_audio(DEMO))
    assert types_of(events) == ["start", "wake", "voice_start", "voice_end", "transcript", "end"]
    wake, transcript, end = events[1], events[4], events[5]
    assert wake["word"] == "hey_jarvis" and float(wake["score"]) >= 0.5  # type: ignore[arg-type]
    assert "kitchen light" in str(transcript["text"]).lower()
    assert transcript["engine"] == "whisper" and transcript["rejected"] is False
    assert float(transcript["asr_ms"]) > 0 and float(transcript["end_to_transcript_ms"]) >= float(  # type: ignore[arg-type]
        transcript["asr_ms"]  # type: ignore[arg-type]
    )
    assert len({e.get("turn_id") for e in events[1:5]}) == 1
    assert end["turns"] == 1 and float(end["duration_ms"]) == pytest.approx(
        len(read_audio(DEMO)) / 16, abs=80
    )  # type: ignore[arg-type]
    stamps = [float(e["t_ms"]) for e in events[1:4]]  # type: ignore[arg-type]
    assert stamps == sorted(stamps)


@pytest.mark.slow
def test_long_file_with_several_turns(synth: Callable[..., Path]) -> None:
    parts = [
        read_audio(synth("hey jarvis, turn on the kitchen light", name="turn1", lead_silence_s=1.0)),
        read_audio(synth("what a lovely day", name="chatter", lead_silence_s=1.0)),
        read_audio(synth("hey jarvis, turn off the living room lamp", name="turn2", lead_silence_s=1.0)),
    ]
    events = run_pipeline(np.concatenate(parts))
    wakes = [e for e in events if e["type"] == "wake"]
    transcripts = [e for e in events if e["type"] == "transcript"]
    assert len(wakes) == 2 and len(transcripts) == 2
    assert "kitchen" in str(transcripts[0]["text"]).lower()
    assert "living room" in str(transcripts[1]["text"]).lower()
    assert transcripts[0]["turn_id"] != transcripts[1]["turn_id"]
    assert events[-1]["turns"] == 2


def test_no_wake_sends_speech_straight_to_asr(synth: Callable[..., Path]) -> None:
    events = run_pipeline(read_audio(synth("turn on the kitchen light")), no_wake=True)
    assert "wake" not in types_of(events)
    transcripts = [e for e in events if e["type"] == "transcript"]
    assert len(transcripts) == 1 and "kitchen light" in str(transcripts[0]["text"]).lower()
    assert events[-1]["turns"] == 1


class InstantRecognizer:
    """A behavioural fake: answers at once (or after ``delay_s``), so handler timing is under test control."""

    name = "fake"

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.calls: list[tuple[int, tuple[str, ...]]] = []

    def transcribe(self, samples: np.ndarray, vocabulary: Sequence[str] = ()) -> Transcript:
        self.calls.append((len(samples), tuple(vocabulary)))
        time.sleep(self.delay_s)
        return Transcript("fake words", 0.9, self.name, 1000.0 * len(samples) / 16_000)


class SlowHandler:
    """Holds the first turn's handling until a second wake is seen: proves the wake word stays armed."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.second_wake = asyncio.Event()

    async def on_wake(self, wake: WakeDetected, turn_id: str) -> None:
        self.log.append(f"wake:{turn_id}")
        if len([x for x in self.log if x.startswith("wake")]) == 2:
            self.second_wake.set()

    async def on_transcript(self, transcript: Transcript, turn_id: str, emit: Emit) -> None:
        self.log.append(f"transcript:{turn_id}")
        if len([x for x in self.log if x.startswith("transcript")]) == 1:
            async with asyncio.timeout(30):
                await self.second_wake.wait()  # the response is still "playing"
            self.log.append("barge-in seen while handling")

    async def on_no_speech(self, turn_id: str, t_ms: float) -> None:
        self.log.append(f"no_speech:{turn_id}")


def with_recognizer(recognizer: InstantRecognizer) -> PipelineEngines:
    real = engines()
    return PipelineEngines(real.wake, real.vad, recognizer)


def run_with(
    samples: np.ndarray, recognizer: InstantRecognizer, handler: object, overrides: tuple[str, ...] = ()
) -> list[dict[str, object]]:

    events: list[dict[str, object]] = []
    s = load_settings("x86_64-dev", overrides=list(overrides)) if overrides else settings()

    async def emit(event: PipelineEvent) -> None:
        events.append(event.to_json())

    async def main() -> None:
        shared = with_recognizer(recognizer)
        assert shared.wake is not None
        shared.wake.reset()
        pipeline = build_pipeline(
            s,
            ArraySource(samples),
            handler,
            emit,
            engines=shared,
            vocabulary=lambda: ["kitchen light"],  # type: ignore[arg-type]
        )
        await pipeline.run()

    asyncio.run(main())
    return events


def test_wake_stays_armed_while_a_turn_is_handled(synth: Callable[..., Path]) -> None:
    one = read_audio(synth("hey jarvis, turn on the kitchen light", name="turn1", lead_silence_s=1.0))
    two = read_audio(synth("hey jarvis, turn off the living room lamp", name="turn2", lead_silence_s=1.0))
    handler = SlowHandler()
    recognizer = InstantRecognizer()
    events = run_with(np.concatenate([one, two]), recognizer, handler)
    assert "barge-in seen while handling" in handler.log
    first_transcript = handler.log.index(next(x for x in handler.log if x.startswith("transcript")))
    second_wake = [i for i, x in enumerate(handler.log) if x.startswith("wake")][1]
    assert first_transcript < second_wake
    assert types_of(events).count("transcript") == 2
    assert recognizer.calls[0][1] == ("kitchen light",)  # vocabulary hints reach the recognizer


def test_asr_timeout_is_reported_and_the_pipeline_goes_on() -> None:
    class Quiet:
        async def on_wake(self, wake: WakeDetected, turn_id: str) -> None: ...
        async def on_transcript(self, transcript: Transcript, turn_id: str, emit: Emit) -> None: ...
        async def on_no_speech(self, turn_id: str, t_ms: float) -> None: ...

    # no speculative decode at pauses: on a loaded machine one finished while the replay crawled on, and the
    # final transcript (its result) never waited on the recognizer, so nothing timed out
    overrides = ("asr.timeout_s=0.2", "vad.speculative_ms=0")
    events = run_with(read_audio(DEMO), InstantRecognizer(delay_s=1.5), Quiet(), overrides)
    errors = [e for e in events if e["type"] == "error"]
    assert len(errors) == 1 and errors[0]["code"] == "stage-timeout"
    assert "asr.timeout_s" in str(errors[0]["message"])
    assert events[-1]["type"] == "end"


def test_a_source_error_surfaces_as_the_edge_error() -> None:
    """No microphone (or a bad file) reaches the caller as an AudioError with its code, not a task group."""

    events: list[dict[str, object]] = []

    async def emit(event: PipelineEvent) -> None:
        events.append(event.to_json())

    async def main() -> None:
        source = WavSource(ROOT_MISSING)
        await build_pipeline(settings(), source, NullHandler(), emit, engines=engines()).run()

    with pytest.raises(AudioError, match="does not exist"):
        asyncio.run(main())
    assert [e["type"] for e in events] == ["start", "error"]
    assert events[1]["code"] == "audio-unreadable"


ROOT_MISSING = Path("/nonexistent/voice/test.wav")
