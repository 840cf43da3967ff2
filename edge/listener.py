"""The synchronous heart of the voice pipeline: wake word, voice activity and endpointing per chunk.

:class:`Listener` is fed audio chunks in order (any size) and returns what happened: a turn started (wake),
speech started, an utterance is complete (with its audio, pre-roll included), or nobody spoke. It runs
model inference, so async callers run ``process`` through ``asyncio.to_thread``. The wake detector keeps
running while a turn is open, so a new wake is always seen (barge-in); a wake during an open turn
abandons that turn and starts a new one.

With a streaming recognizer (the fast path) the speech is decoded as it arrives: once its partial
hypothesis is a whole grammar sentence that ``confident`` accepts (the NLU's operating point), the
endpointer ends the utterance after ``semantic_silence_ms`` instead of the full trailing silence, and the
utterance carries the fast path's transcript (``Utterance.fast``; rejected when out of grammar).

With a speculator (``vad.speculative_ms``) a pause that long in the speech hands the audio so far to
Whisper off the listener's thread; when its transcript is a whole request the NLU is sure of and the
silence goes on, the endpointer ends the utterance at ``semantic_silence_ms`` as for the fast path
(:mod:`edge.asr.fastpath.speculate`).
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from edge.asr.fastpath.speculate import Speculator, whole
from edge.asr.fastpath.stream import StreamingRecognizer
from edge.audio.endpoint import Decision, EndpointConfig, Endpointer, EndpointState
from edge.audio.preroll import PreRoll
from edge.audio.vad import VoiceActivityDetector, VoiceFrame
from edge.events import SAMPLE_RATE, AudioChunk, Transcript, WakeDetected
from edge.wake.base import WakeDetector
from edge.wake.store import Heard, WakeEvidenceLog

__all__ = [
    "Listener",
    "ListenerEvent",
    "NoSpeech",
    "TurnStarted",
    "Utterance",
    "VoiceStarted",
    "new_turn_id",
]


def new_turn_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True, slots=True)
class TurnStarted:
    turn_id: str
    t_ms: float
    wake: WakeDetected | None  # None when listening without a wake word


@dataclass(frozen=True, slots=True)
class VoiceStarted:
    turn_id: str
    t_ms: float  # stream time where speech began


@dataclass(frozen=True, slots=True)
class Utterance:
    """A complete utterance for ASR: ``samples`` start at ``start_ms`` (pre-roll included)."""

    turn_id: str
    t_ms: float  # stream time of the decision (end of the last frame seen)
    start_ms: float
    speech_start_ms: float
    speech_end_ms: float
    reason: str  # speech_end, semantic_end, max_length, end_of_stream
    samples: npt.NDArray[np.int16] = field(repr=False)
    fast: Transcript | None = None  # the fast path's decode of the same audio (None: no fast path)

    @property
    def audio_ms(self) -> float:
        return 1000.0 * len(self.samples) / SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class NoSpeech:
    turn_id: str
    t_ms: float
    reason: str  # timeout, rewake, end_of_stream


ListenerEvent = TurnStarted | VoiceStarted | Utterance | NoSpeech

TAIL_MS = 300.0  # audio kept after the last speech window, so ASR hears the final consonant
PAUSE_MARGIN_MS = 150.0  # audio kept before the first speech window
PAUSE_MS = 120.0  # this much silence before the speech start separates it from the wake word


class Listener:
    """Wake -> endpoint -> utterance; with ``wake=None`` it listens continuously (each utterance a turn)."""

    def __init__(
        self,
        wake: WakeDetector | None,
        vad: VoiceActivityDetector,
        endpoint: EndpointConfig,
        preroll_ms: int,
        frame_ms: int = 80,
        *,
        fast: StreamingRecognizer | None = None,
        confident: Callable[[str], bool] | None = None,
        evidence: WakeEvidenceLog | None = None,
        speculator: Speculator | None = None,
        speculative_ms: float = 0.0,
    ) -> None:
        self.wake = wake
        self.evidence = evidence  # issue 18: where the wake word's heard windows go (None: not kept)
        self.fast = fast
        self.confident = confident
        self.speculator = speculator if speculative_ms > 0 else None
        self.speculative_ms = speculative_ms
        self._paused_at: float | None = None  # the speech end a speculation was started for
        self._spoken: tuple[tuple[str, float], bool] | None = None  # a speculation's key and verdict
        self._judged: tuple[str, bool] = ("", False)
        self._refused = ""  # the last complete partial the NLU was not sure of (asked once)
        self.vad = vad
        self.endpointer = Endpointer(endpoint)
        self.preroll_ms = float(preroll_ms)
        # enough history to reach pre-roll before a speech start seen up to a second (or a chunk) later
        self.history = PreRoll(int(preroll_ms + endpoint.min_speech_ms + max(1000, 4 * frame_ms)))
        self.reset()

    def reset(self) -> None:
        if self.wake is not None:
            self.wake.reset()
        self.history.reset()
        self.turn_id = ""
        self._armed_ms = 0.0
        self._capture: list[AudioChunk] = []
        self._recent: deque[VoiceFrame] = deque(maxlen=64)  # VAD windows of this turn, warm-up included
        self._now_ms = 0.0
        self._started = False

    @property
    def in_turn(self) -> bool:
        return bool(self.turn_id)

    def _arm(self, t_ms: float) -> str:
        self.turn_id = new_turn_id()
        self._armed_ms = t_ms
        self._capture = []
        self._recent.clear()
        self.endpointer.reset(t_ms)
        self.vad.reset(t_ms)
        return self.turn_id

    def process(self, chunk: AudioChunk) -> list[ListenerEvent]:
        events: list[ListenerEvent] = []
        if not self._started:
            self._started = True
            if self.wake is None:
                events.append(TurnStarted(self._arm(chunk.t_ms), chunk.t_ms, None))
        self._now_ms = chunk.end_ms
        self.history.process(chunk)
        wake = self.wake.process(chunk) if self.wake is not None else None
        if wake is not None:
            if self.in_turn:
                events.append(NoSpeech(self.turn_id, wake.t_ms, "rewake"))
            events.append(TurnStarted(self._arm(wake.t_ms), wake.t_ms, wake))
        self._keep_heard()
        if wake is not None:
            # warm the VAD on the audio before the wake (aligned to the wake, not to chunk edges), then
            # listen to the rest of this chunk; endpointing decisions start at the wake
            before, after = _split(self.history.snapshot(), wake.t_ms)
            warmup = _trim(before, wake.t_ms - self.preroll_ms)
            self.vad.reset(warmup.t_ms)
            self._recent.extend(self.vad.process(warmup))
            if len(after.samples):
                events.extend(self._listen(after))
            return events
        if self.in_turn:
            events.extend(self._listen(chunk))
        return events

    def _keep_heard(self) -> None:
        """Issue 18: the wake word's near misses, wakes (with this turn's id) and quiet windows go to the
        evidence log, in wall-clock time; a detector that reports none costs nothing."""
        drain: Callable[[], list[Heard]] | None = getattr(self.wake, "drain_heard", None)
        if self.evidence is None or drain is None:
            return
        heard = drain()
        if heard:
            wall = time.time() - self._now_ms / 1000  # stream time 0 on the wall clock
            self.evidence.append(
                replace(h, t=wall + h.t, turn_id=self.turn_id if h.kind == "wake" else "") for h in heard
            )

    def _listen(self, chunk: AudioChunk) -> list[ListenerEvent]:
        events: list[ListenerEvent] = []
        ep = self.endpointer
        if ep.state is EndpointState.SPEECH:
            self._capture.append(chunk)
            self._decode(chunk)
        for frame in self.vad.process(chunk):
            self._recent.append(frame)
            if frame.end_ms <= self._armed_ms:
                continue
            decision = ep.update(frame.end_ms, frame.probability, frame.duration_ms)
            if decision is Decision.SPEECH_START:
                assert ep.speech_start_ms is not None
                events.append(VoiceStarted(self.turn_id, ep.speech_start_ms))
                self._capture = [_trim(self.history.snapshot(), self._utterance_start(ep.speech_start_ms))]
                if self.fast is not None:
                    self.fast.start()
                    self._decode(self._capture[0])
            elif decision in (Decision.SPEECH_END, Decision.SEMANTIC_END, Decision.MAX_LENGTH):
                events.append(self._finish(decision.value))
                break
            elif decision is Decision.NO_SPEECH:
                events.append(NoSpeech(self.turn_id, frame.end_ms, "timeout"))
                self.turn_id = ""
                break
        else:
            self._speculate()
        return events

    def _speculate(self) -> None:
        """At a pause of ``speculative_ms`` (once per pause), the speech so far goes to the speculator."""
        ep = self.endpointer
        if (
            self.speculator is None
            or ep.state is not EndpointState.SPEECH
            or ep.silence_ms < self.speculative_ms
        ):
            return
        if ep.speech_end_ms is None or self._paused_at == ep.speech_end_ms or ep.complete:
            return
        self._paused_at = ep.speech_end_ms
        self.speculator.start(
            self.turn_id, ep.speech_end_ms, np.concatenate([c.samples for c in self._capture])
        )

    def _spoken_whole(self) -> bool:
        """The speculation of exactly the speech so far is ready and a whole request the NLU is sure of."""
        ep = self.endpointer
        if self.speculator is None or ep.speech_end_ms is None or ep.silence_ms <= 0:
            return False
        key = (self.turn_id, ep.speech_end_ms)
        if self._spoken is None or self._spoken[0] != key:
            heard = self.speculator.ready(*key)
            if heard is None:
                return False
            self._spoken = (key, not heard.rejected and whole(heard.text, self.confident))
        return self._spoken[1]

    def _decode(self, chunk: AudioChunk) -> None:
        """Feed the fast path; the endpointer learns whether the words so far are a complete request."""
        if self.fast is None:
            self.endpointer.set_complete(self._spoken_whole())
            return
        partial = self.fast.feed(chunk.samples)
        if not partial.complete:
            self._judged = (partial.text, False)
        elif self._judged != (partial.text, True) and partial.text != self._refused:
            sure = self.confident is None or self.confident(partial.text)
            self._judged = (partial.text, sure)
            self._refused = "" if sure else partial.text
        # the rejection model is asked only at a pause (while speaking, the endpointer ignores it)
        paused = self.endpointer.silence_ms > 0
        fast = self._judged[1] and paused and self.fast.accepted()
        self.endpointer.set_complete(fast or self._spoken_whole())

    def _utterance_start(self, speech_start_ms: float) -> float:
        """Where ASR audio starts: back from the speech start to the last real pause, at most the pre-roll.

        Speech that began before the wake fired (the wake word scores late) is kept; the wake word
        itself is left out when the speaker paused after it. A dip shorter than ``PAUSE_MS`` (a stop
        consonant) is not a pause.
        """
        floor = speech_start_ms - self.preroll_ms
        silence = self.endpointer.config.threshold - self.endpointer.config.hysteresis
        start = speech_start_ms
        quiet_ms = 0.0
        for frame in reversed(self._recent):
            frame_start = frame.end_ms - frame.duration_ms
            if frame.end_ms > speech_start_ms:
                continue
            if frame_start < floor:
                return floor
            if frame.probability < silence:
                quiet_ms += frame.duration_ms
                if quiet_ms >= PAUSE_MS:
                    break
            else:
                quiet_ms = 0.0
                start = frame_start
        return max(floor, start - PAUSE_MARGIN_MS)

    def _finish(self, reason: str) -> Utterance:
        ep = self.endpointer
        assert ep.speech_start_ms is not None and ep.speech_end_ms is not None
        audio = np.concatenate([c.samples for c in self._capture]) if self._capture else np.zeros(0, np.int16)
        start_ms = self._capture[0].t_ms if self._capture else ep.speech_start_ms
        keep = int((ep.speech_end_ms + TAIL_MS - start_ms) * SAMPLE_RATE / 1000)
        utterance = Utterance(
            self.turn_id,
            self._now_ms,
            start_ms,
            ep.speech_start_ms,
            ep.speech_end_ms,
            reason,
            np.ascontiguousarray(audio[: max(0, keep)]),
            self._fast_verdict(),
        )
        self._judged, self._refused = ("", False), ""
        self._paused_at, self._spoken = None, None
        self._capture = []
        if self.wake is None:  # continuous listening: the next utterance is the next turn
            self._arm(self._now_ms)
        else:
            self.turn_id = ""
        return utterance

    def _fast_verdict(self) -> Transcript | None:
        """The fast path's transcript, rejected (Whisper hears the turn) unless the NLU would act on it."""
        fast = self.fast.finish() if self.fast is not None else None
        if fast is None or fast.rejected or self.confident is None or self.confident(fast.text):
            return fast
        return dataclasses.replace(fast, rejected=True, reason="not_confident")

    def finish(self) -> list[ListenerEvent]:
        """End of stream: complete an utterance in progress, or give up a turn still waiting for speech."""
        if not self.in_turn:
            return []
        if self.endpointer.state is EndpointState.SPEECH:
            utterance = self._finish("end_of_stream")
            self.turn_id = ""
            return [utterance]
        turn_id, self.turn_id = self.turn_id, ""
        if self.wake is None:
            return []  # nobody spoke after the last utterance: not a turn
        return [NoSpeech(turn_id, self._now_ms, "end_of_stream")]


def _trim(chunk: AudioChunk, start_ms: float) -> AudioChunk:
    if start_ms <= chunk.t_ms:
        return chunk
    skip = int((start_ms - chunk.t_ms) * SAMPLE_RATE / 1000)
    return AudioChunk(chunk.samples[skip:].copy(), chunk.t_ms + 1000.0 * skip / SAMPLE_RATE)


def _split(chunk: AudioChunk, t_ms: float) -> tuple[AudioChunk, AudioChunk]:
    at = min(len(chunk.samples), max(0, round((t_ms - chunk.t_ms) * SAMPLE_RATE / 1000)))
    before = AudioChunk(chunk.samples[:at].copy(), chunk.t_ms)
    return before, AudioChunk(chunk.samples[at:].copy(), chunk.t_ms + 1000.0 * at / SAMPLE_RATE)
