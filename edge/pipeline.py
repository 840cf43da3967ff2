"""The asyncio voice pipeline: source -> wake -> endpointing (with pre-roll) -> ASR -> :class:`TurnHandler`.

Three named tasks in one ``TaskGroup`` joined by bounded channels:

* ``listen``: reads the source and runs the :class:`~edge.listener.Listener` (wake word, VAD,
  endpointing) off the loop; the wake word stays armed while earlier turns are transcribed or handled;
* ``asr``: the fast path's transcript when it accepted the utterance, else Whisper's (off the loop, timed);
* ``handle``: gives transcripts to the handler, one after another.

Every step is reported as a :class:`PipelineEvent` through ``emit``; ``t_ms`` is stream time.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from edge.asr.base import Recognizer
from edge.asr.factory import load_recognizer, load_streaming
from edge.asr.fastpath.decide import fast_fields
from edge.asr.fastpath.grammar import GrammarInputs
from edge.asr.fastpath.speculate import Speculator
from edge.asr.fastpath.stream import StreamingRecognizer, keep_compiled
from edge.asr.grammar_only import GrammarOnlyRecognizer, transcribe_turn  # else the fast path's
from edge.audio.endpoint import EndpointConfig
from edge.audio.sources import AudioSource
from edge.audio.vad import VoiceActivityDetector, load_vad
from edge.bus import Channel, ChannelClosed, InFlight, Overflow
from edge.config import Settings
from edge.errors import EdgeError, ErrorCode, StageTimeout, first_edge_error
from edge.events import SAMPLE_RATE, AudioChunk, EventType, PipelineEvent, Transcript, WakeDetected
from edge.listener import Listener, ListenerEvent, NoSpeech, TurnStarted, Utterance, VoiceStarted
from edge.wake.base import WakeDetector
from edge.wake.oww import load_wake_detector
from edge.wake.store import WakeEvidenceLog, wake_dir

__all__ = [
    "Emit",
    "NullHandler",
    "PipelineConfig",
    "PipelineEngines",
    "PipelineStats",
    "TurnAudioSink",
    "TurnHandler",
    "VoicePipeline",
    "build_pipeline",
    "load_engines",
]

log = logging.getLogger(__name__)

Emit = Callable[[PipelineEvent], Awaitable[None]]


class TurnHandler(Protocol):
    """What the rest of the runtime does with a turn (NLU, actions, responses). Called on the loop."""

    async def on_wake(self, wake: WakeDetected, turn_id: str) -> None: ...

    async def on_transcript(self, transcript: Transcript, turn_id: str, emit: Emit) -> None: ...

    async def on_no_speech(self, turn_id: str, t_ms: float) -> None: ...


class TurnAudioSink(Protocol):
    """Takes the audio after a wake word instead of the device's own ASR and turn engine (the Wyoming
    satellite streams it to Home Assistant). Called on the loop; each call must be bounded."""

    async def turn_started(self, wake: WakeDetected, turn_id: str) -> bool:
        """True: the sink takes this turn (its audio goes to the sink, not to ASR and the handler)."""
        ...

    async def turn_audio(self, turn_id: str, chunk: AudioChunk) -> None: ...

    async def turn_ended(self, turn_id: str, reason: str) -> None:
        """The listener's endpoint (``speech_end``, ``max_length``, ``timeout``, ``rewake``...)."""
        ...


class NullHandler:
    """Does nothing: ``edge replay`` without the turn engine."""

    async def on_wake(self, wake: WakeDetected, turn_id: str) -> None:
        return None

    async def on_transcript(self, transcript: Transcript, turn_id: str, emit: Emit) -> None:
        return None

    async def on_no_speech(self, turn_id: str, t_ms: float) -> None:
        return None


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    endpoint: EndpointConfig
    preroll_ms: int = 600
    frame_ms: int = 80
    asr_timeout_s: float = 15.0
    audio_queue_frames: int = 50
    utterance_queue: int = 4
    fast_path_check: float = 0.0  # share of fast-path turns Whisper also hears
    speculative_ms: int = 0  # fastbench: a pause this long starts Whisper on the speech so far (0: never)

    @classmethod
    def from_settings(cls, settings: Settings, no_wake: bool = False) -> PipelineConfig:
        return cls(
            endpoint=EndpointConfig.from_settings(settings.vad, not no_wake, settings.asr.fast_path),
            preroll_ms=settings.vad.preroll_ms,
            frame_ms=settings.audio.frame_ms,
            asr_timeout_s=settings.asr.timeout_s,
            audio_queue_frames=settings.audio.queue_frames,
            fast_path_check=settings.asr.fast_path_check,
            speculative_ms=settings.vad.speculative_ms,
        )


@dataclass(frozen=True, slots=True)
class PipelineStats:
    turns: int
    transcripts: int
    duration_ms: float
    dropped_frames: int


@dataclass(frozen=True, slots=True)
class PipelineEngines:
    """The loaded models; load once and share between pipelines (tests, benches, long-running apps)."""

    wake: WakeDetector | None
    vad: VoiceActivityDetector
    recognizer: Recognizer
    fast: StreamingRecognizer | None = None  # the fast path (asr.fast_path)
    wake_evidence: WakeEvidenceLog | None = None  # issue 18: the wake word's heard windows (wake.learn)


@dataclass(frozen=True, slots=True)
class _Job:
    utterance: Utterance
    decided_at: float  # wall clock (perf_counter) when the endpointer decided


class VoicePipeline:
    def __init__(
        self,
        source: AudioSource,
        engines: PipelineEngines,
        handler: TurnHandler,
        emit: Emit,
        config: PipelineConfig,
        *,
        vocabulary: Callable[[], Sequence[str]] = tuple,
        sink: TurnAudioSink | None = None,
        confident: Callable[[str], bool] | None = None,
    ) -> None:
        self.source, self.sink, self.engines, self.handler = source, sink, engines, handler
        self.emit, self.config, self.vocabulary = emit, config, vocabulary
        self._sink_turn = ""  # the turn whose audio goes to the sink
        self.speculator = Speculator(engines.recognizer, vocabulary)  # used when config.speculative_ms > 0
        self.listener = Listener(
            engines.wake, engines.vad, config.endpoint, config.preroll_ms, config.frame_ms,
            fast=engines.fast, confident=confident, evidence=engines.wake_evidence,
            speculator=self.speculator, speculative_ms=config.speculative_ms,
        )  # fmt: skip
        self._checks = random.Random(0)
        overflow = Overflow.DROP_OLDEST if source.live else Overflow.BLOCK
        self.audio: Channel[AudioChunk] = Channel("audio", config.audio_queue_frames, overflow)
        self.jobs: Channel[_Job] = Channel("utterances", config.utterance_queue, Overflow.BLOCK)
        self.transcripts: Channel[tuple[Transcript, str, float]] = Channel("transcripts", 8, Overflow.BLOCK)
        self._handling = InFlight()  # transcripts handed to the handler and not yet handled
        self._turns = 0
        self._transcripts = 0
        self._end_ms = 0.0

    async def run(self) -> PipelineStats:
        started = time.perf_counter()
        await self.emit(PipelineEvent(EventType.START, 0.0, data={"wake": self.engines.wake is not None}))
        try:
            if self.engines.fast is not None:  # compiled before the first word, then as the home changes
                await asyncio.to_thread(self.engines.fast.prepare)
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self._read(), name="pipeline-source")
                tg.create_task(self._listen(), name="pipeline-listen")
                tg.create_task(self._asr(), name="pipeline-asr")
                handle = tg.create_task(self._handle(), name="pipeline-handle")
                if self.engines.fast is not None:
                    refresh = tg.create_task(keep_compiled(self.engines.fast))
                    handle.add_done_callback(lambda _t: refresh.cancel())
        except ExceptionGroup as group:
            # a domain error (no microphone, unreadable file) surfaces as itself, so callers and the
            # CLI can report it with its code and fix instead of a traceback
            first = first_edge_error(group)
            if first is not None:
                raise first from group
            raise
        dropped = self.audio.stats().dropped
        stats = PipelineStats(self._turns, self._transcripts, round(self._end_ms, 1), dropped)
        await self.emit(
            PipelineEvent(
                EventType.END,
                self._end_ms,
                data={
                    "turns": stats.turns,
                    "duration_ms": stats.duration_ms,
                    "wall_ms": round(1000 * (time.perf_counter() - started), 1),
                    "dropped_frames": stats.dropped_frames,
                },
            )
        )
        return stats

    async def _read(self) -> None:
        try:
            async for chunk in self.source:
                await self.audio.put(chunk)
        except EdgeError as err:
            await self._error(err.code, str(err), self._end_ms)
            raise
        finally:
            self.audio.close()

    async def _listen(self) -> None:
        try:
            while True:
                try:
                    chunk = await self.audio.get()
                except ChannelClosed:
                    break
                events = await asyncio.to_thread(self.listener.process, chunk)
                self._end_ms = max(self._end_ms, chunk.end_ms)
                if self.sink is not None and self._sink_turn:
                    await self.sink.turn_audio(self._sink_turn, chunk)
                for event in events:
                    await self._on_listener_event(event, chunk)
            for event in self.listener.finish():
                await self._on_listener_event(event)
        finally:
            self.jobs.close()

    async def _to_sink(self, event: ListenerEvent, chunk: AudioChunk | None) -> bool:
        """True when the sink has (or just took) this event's turn: its audio went there, not to ASR."""
        if self.sink is None:
            return False
        if isinstance(event, TurnStarted) and event.wake is not None:
            if not await self.sink.turn_started(event.wake, event.turn_id):
                return False
            self._sink_turn = event.turn_id
            if chunk is not None and chunk.end_ms > event.wake.t_ms:  # the rest of the wake's chunk
                skip = max(0, round((event.wake.t_ms - chunk.t_ms) * SAMPLE_RATE / 1000))
                rest = AudioChunk(chunk.samples[skip:], chunk.t_ms + 1000.0 * skip / SAMPLE_RATE)
                await self.sink.turn_audio(event.turn_id, rest)
            return True
        if not self._sink_turn or event.turn_id != self._sink_turn:
            return False
        if isinstance(event, Utterance | NoSpeech):
            self._sink_turn = ""
            await self.sink.turn_ended(event.turn_id, event.reason)
        return True

    async def _on_listener_event(self, event: ListenerEvent, chunk: AudioChunk | None = None) -> None:
        sunk = await self._to_sink(event, chunk)
        if isinstance(event, TurnStarted):
            self._turns += 1
            if event.wake is not None:
                wake = event.wake
                data = {"word": wake.word, "score": round(wake.score, 3), "model": wake.model}
                await self.emit(PipelineEvent(EventType.WAKE, wake.t_ms, event.turn_id, data))
                if not sunk:
                    await self.handler.on_wake(wake, event.turn_id)
        elif isinstance(event, VoiceStarted):
            await self.emit(PipelineEvent(EventType.VOICE_START, event.t_ms, event.turn_id))
        elif isinstance(event, Utterance):
            data = {
                "reason": event.reason,
                "speech_start_ms": round(event.speech_start_ms, 1),
                "audio_ms": round(event.audio_ms, 1),
            }
            await self.emit(PipelineEvent(EventType.VOICE_END, event.speech_end_ms, event.turn_id, data))
            if not sunk:
                await self.jobs.put(_Job(event, time.perf_counter()))
        elif isinstance(event, NoSpeech):
            if self.engines.wake is None:
                self._turns -= 1  # continuous listening: an armed slot nobody spoke into is not a turn
            await self.emit(
                PipelineEvent(EventType.ERROR, event.t_ms, event.turn_id, _no_speech_data(event.reason))
            )
            if not sunk:
                await self.handler.on_no_speech(event.turn_id, event.t_ms)

    async def _asr(self) -> None:
        try:
            async for job in self.jobs:
                utterance = job.utterance
                vocabulary = tuple(self.vocabulary())
                t0 = time.perf_counter()
                if isinstance(self.engines.recognizer, GrammarOnlyRecognizer):  # hears the question the turns
                    await self._handling.settled(self.config.asr_timeout_s)  # before this one left waiting
                answers = tuple(getattr(self.handler, "expected_answers", tuple)())
                try:
                    async with asyncio.timeout(self.config.asr_timeout_s):
                        spoken = await self.speculator.take(utterance.turn_id, utterance.speech_end_ms)
                        transcript = await asyncio.to_thread(
                            transcribe_turn, self.engines.recognizer, utterance.samples, vocabulary,
                            utterance.fast, check=self._checks.random() < self.config.fast_path_check,
                            heard=spoken, answers=answers,
                        )  # fmt: skip
                except (TimeoutError, EdgeError) as raised:
                    err = raised if isinstance(raised, EdgeError) else StageTimeout(
                        f"ASR took longer than {self.config.asr_timeout_s:.0f} s",
                        hint="raise asr.timeout_s or use a smaller ASR model for this profile",
                    )  # fmt: skip
                    await self._error(err.code, str(err), utterance.t_ms, utterance.turn_id)
                    continue
                done = time.perf_counter()
                self._transcripts += 1
                data = {
                    "text": transcript.text,
                    "confidence": round(transcript.confidence, 4),
                    "engine": transcript.engine,
                    **(fast_fields(transcript, utterance.fast) if self.engines.fast else {}),
                    **({"speculative": spoken is not None} if self.config.speculative_ms else {}),
                    "audio_ms": round(transcript.audio_ms, 1),
                    "rejected": transcript.rejected,
                    "reason": transcript.reason,
                    "alternatives": list(transcript.alternatives),
                    "asr_ms": round(1000 * (done - t0), 1),
                    "end_to_transcript_ms": round(1000 * (done - job.decided_at), 1),
                }
                await self.emit(PipelineEvent(EventType.TRANSCRIPT, utterance.t_ms, utterance.turn_id, data))
                self._handling.started()
                await self.transcripts.put((transcript, utterance.turn_id, utterance.t_ms))
        finally:
            self.transcripts.close()

    async def _handle(self) -> None:
        async for transcript, turn_id, t_ms in self.transcripts:

            async def on_stream_clock(event: PipelineEvent, t_ms: float = t_ms) -> None:
                # the turn engine stamps events with its own clock; the stream speaks audio time
                await self.emit(replace(event, t_ms=t_ms))

            try:
                await self.handler.on_transcript(transcript, turn_id, on_stream_clock)
            finally:
                self._handling.finished()

    async def _error(self, code: ErrorCode, message: str, t_ms: float, turn_id: str = "") -> None:
        log.warning("pipeline %s: %s", code, message)
        await self.emit(
            PipelineEvent(EventType.ERROR, t_ms, turn_id, {"code": str(code), "message": message})
        )


def _no_speech_data(reason: str) -> dict[str, str]:
    return {"code": "no-speech", "message": f"no speech after the wake word ({reason})", "reason": reason}


def load_engines(settings: Settings, no_wake: bool = False) -> PipelineEngines:
    """Load the wake model, VAD and recognizer named by ``settings`` (blocking: seconds on a Pi)."""

    recognizer = load_recognizer(settings)  # first: loading Whisper briefly needs ~170 MB more than it keeps
    wake = None if no_wake else load_wake_detector(settings)
    vad = load_vad(settings.model_dir(), threads=1)
    evidence = WakeEvidenceLog(wake_dir(settings)) if wake is not None and settings.wake.learn else None
    return PipelineEngines(wake, vad, recognizer, load_streaming(settings, recognizer), evidence)


def build_pipeline(
    settings: Settings,
    source: AudioSource,
    handler: TurnHandler,
    emit: Emit,
    *,
    no_wake: bool = False,
    engines: PipelineEngines | None = None,
    vocabulary: Callable[[], Sequence[str]] = tuple,
    sink: TurnAudioSink | None = None,
    grammar: Callable[[], GrammarInputs] | None = None,
    confident: Callable[[str], bool] | None = None,
) -> VoicePipeline:
    """The pipeline for ``edge replay`` / ``edge run``: pass ``engines`` to reuse loaded models."""
    if engines is None:
        engines = load_engines(settings, no_wake=no_wake)
    elif no_wake and engines.wake is not None:
        engines = replace(engines, wake=None)
    if not settings.asr.fast_path:
        engines = replace(engines, fast=None)
    elif engines.fast is not None and grammar is not None:
        engines.fast.use(grammar)  # this home's requests (the fast path's own templates alone otherwise)
    config = PipelineConfig.from_settings(settings, no_wake)
    return VoicePipeline(
        source, engines, handler, emit, config, vocabulary=vocabulary, sink=sink, confident=confident
    )
