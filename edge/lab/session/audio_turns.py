"""Audio lines of a scripted session through the real voice path: wake word, VAD endpointing, ASR.

A WAV/FLAC is replayed as fast as it can be read, and every time is on the session clock (the line's ``t``
plus stream time). So a wake word in the file reaches the engine as a possible barge-in, a wake followed
by silence as a turn with no speech (a false wake), and each endpointed utterance as a turn, exactly as
the runtime on a microphone would hear them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from edge.audio.sources import WavSource
from edge.config import Settings
from edge.events import EventType, PipelineEvent, Transcript, WakeDetected
from edge.pipeline import Emit, PipelineEngines, build_pipeline
from edge.turns.driver import TurnDriver
from edge.turns.handler import heard_from

__all__ = ["AudioTurns"]


class AudioTurns:
    """Plays audio files through a :class:`TurnDriver` on a simulated clock. Load the engines once
    (``edge.pipeline.load_engines``) and reuse them for every line."""

    def __init__(
        self,
        settings: Settings,
        engines: PipelineEngines,
        vocabulary: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        self.settings = settings
        self.engines = engines
        self.vocabulary = vocabulary

    async def play(
        self, wav: Path, t0: float, driver: TurnDriver, session_id: str, *, no_wake: bool = False
    ) -> float:
        """Replay ``wav`` as heard from ``t0``; returns the session time at the end of the file.
        ``no_wake`` sends every utterance straight to ASR (a recording that holds no wake word)."""
        handler = _SessionClockHandler(driver, t0, session_id)
        source = WavSource(wav, frame_ms=self.settings.audio.frame_ms)
        pipeline = build_pipeline(
            self.settings,
            source,
            handler,
            handler.observe,
            no_wake=no_wake or self.engines.wake is None,
            engines=self.engines,
            vocabulary=self.vocabulary,
        )
        stats = await pipeline.run()
        return t0 + stats.duration_ms / 1000.0


class _SessionClockHandler:
    """The pipeline's ``TurnHandler`` with times taken from the stream, offset by the line's start."""

    def __init__(self, driver: TurnDriver, t0: float, session_id: str) -> None:
        self.driver = driver
        self.t0 = t0
        self.session_id = session_id
        self._wakes: dict[str, tuple[WakeDetected, float]] = {}
        self._speech_end: dict[str, float] = {}

    def at(self, t_ms: float) -> float:
        return self.t0 + t_ms / 1000.0

    async def observe(self, event: PipelineEvent) -> None:
        if event.type is EventType.VOICE_END:
            self._speech_end[event.turn_id] = self.at(event.t_ms)

    async def on_wake(self, wake: WakeDetected, turn_id: str) -> None:
        t = self.at(wake.t_ms)
        await self.driver.barge_in(t)
        self._wakes[turn_id] = (wake, t)

    async def on_transcript(self, transcript: Transcript, turn_id: str, emit: Emit) -> None:
        t_end = self._speech_end.pop(turn_id, self.t0 + transcript.audio_ms / 1000.0)
        wake, t_start = self._wakes.pop(turn_id, (None, t_end - transcript.audio_ms / 1000.0))
        heard = heard_from(transcript, wake, t_start, t_end, session_id=self.session_id, turn_id=turn_id)
        await self.driver.hear(heard)

    async def on_no_speech(self, turn_id: str, t_ms: float) -> None:
        t = self.at(t_ms)
        wake, t_start = self._wakes.pop(turn_id, (None, t))
        heard = heard_from(None, wake, t_start, t, session_id=self.session_id, turn_id=turn_id)
        await self.driver.hear(heard)
