"""Endpointing as a pure state machine: speech probabilities and stream time in, decisions out.

Nothing here reads a clock or audio; the caller feeds ``update(end_ms, probability, duration_ms)`` once
per VAD window, which makes every decision reproducible in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from edge.config import VADSettings

__all__ = ["Decision", "EndpointConfig", "EndpointState", "Endpointer"]


class EndpointState(StrEnum):
    WAITING = "waiting"  # armed, no speech yet
    SPEECH = "speech"  # speech started, waiting for trailing silence
    DONE = "done"  # a decision ended the utterance; reset() to arm again


class Decision(StrEnum):
    NONE = "none"
    SPEECH_START = "speech_start"
    SPEECH_END = "speech_end"  # trailing silence reached
    SEMANTIC_END = "semantic_end"  # a complete, confident request and a short silence (set_complete)
    MAX_LENGTH = "max_length"  # utterance cut at max_utterance_ms
    NO_SPEECH = "no_speech"  # nobody spoke within no_speech_timeout_ms


@dataclass(frozen=True, slots=True)
class EndpointConfig:
    threshold: float = 0.5
    trailing_silence_ms: float = 700.0
    max_utterance_ms: float = 8000.0
    min_speech_ms: float = 150.0
    no_speech_timeout_ms: float = 3000.0  # 0 disables the timeout (continuous listening)
    hysteresis: float = 0.15  # in speech, a window is silence only below threshold - hysteresis
    semantic_silence_ms: float = 0.0  # silence that ends a complete request (set_complete); 0 disables

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError("threshold must be in (0, 1)")
        if self.max_utterance_ms <= self.trailing_silence_ms:
            raise ValueError("max_utterance_ms must exceed trailing_silence_ms")
        if self.semantic_silence_ms < 0:
            raise ValueError("semantic_silence_ms must be >= 0 (0 disables semantic endpointing)")

    @classmethod
    def from_settings(
        cls, vad: VADSettings, no_speech_timeout: bool = True, semantic: bool = False
    ) -> EndpointConfig:
        return cls(
            threshold=vad.speech_threshold,
            trailing_silence_ms=vad.trailing_silence_ms,
            max_utterance_ms=vad.max_utterance_ms,
            min_speech_ms=vad.min_speech_ms,
            no_speech_timeout_ms=vad.no_speech_timeout_ms if no_speech_timeout else 0.0,
            # semantic ends: the fast path, or a speculative Whisper decode at a pause (vad.speculative_ms)
            semantic_silence_ms=min(vad.semantic_silence_ms, vad.trailing_silence_ms)
            if semantic or vad.speculative_ms > 0
            else 0.0,
        )


class Endpointer:
    """Decides where an utterance starts and ends.

    * speech starts after ``min_speech_ms`` of windows at or above ``threshold`` (a shorter blip is ignored);
      ``speech_start_ms`` is the start of the first of those windows;
    * speech ends after ``trailing_silence_ms`` of windows below ``threshold - hysteresis``, or after
      ``semantic_silence_ms`` of them while the caller says the words so far are a complete request
      (``set_complete(True)``: the fast path's partial is a whole grammar sentence the NLU is sure of);
      ``speech_end_ms`` is the end of the last speech window;
    * the utterance is cut ``max_utterance_ms`` after speech started;
    * with no speech ``no_speech_timeout_ms`` after arming, the turn is given up.
    """

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.reset(0.0)

    def reset(self, armed_ms: float = 0.0) -> None:
        self.state = EndpointState.WAITING
        self.armed_ms = armed_ms
        self.speech_start_ms: float | None = None
        self.speech_end_ms: float | None = None
        self._candidate_ms: float | None = None  # start of the current run of speech windows
        self._silence_ms = 0.0
        self.complete = False

    @property
    def silence_ms(self) -> float:
        """The silence since the last speech window (0 while speaking)."""
        return self._silence_ms

    def set_complete(self, complete: bool) -> None:
        """Whether what was said so far is a complete request (read at the next silent window)."""
        self.complete = complete

    def update(self, end_ms: float, probability: float, duration_ms: float) -> Decision:
        cfg = self.config
        start_ms = end_ms - duration_ms
        if self.state is EndpointState.DONE:
            return Decision.NONE
        if self.state is EndpointState.WAITING:
            if probability >= cfg.threshold:
                if self._candidate_ms is None:
                    self._candidate_ms = start_ms
                if end_ms - self._candidate_ms >= cfg.min_speech_ms:
                    self.state = EndpointState.SPEECH
                    self.speech_start_ms = self._candidate_ms
                    self.speech_end_ms = end_ms
                    self._silence_ms = 0.0
                    return Decision.SPEECH_START
            else:
                self._candidate_ms = None
            if cfg.no_speech_timeout_ms > 0 and end_ms - self.armed_ms >= cfg.no_speech_timeout_ms:
                self.state = EndpointState.DONE
                return Decision.NO_SPEECH
            return Decision.NONE
        # SPEECH
        assert self.speech_start_ms is not None
        if probability < cfg.threshold - cfg.hysteresis:
            self._silence_ms += duration_ms
        else:
            self._silence_ms = 0.0
            self.speech_end_ms = end_ms
        if self._silence_ms >= cfg.trailing_silence_ms:
            self.state = EndpointState.DONE
            return Decision.SPEECH_END
        if self.complete and 0 < cfg.semantic_silence_ms <= self._silence_ms:
            self.state = EndpointState.DONE
            return Decision.SEMANTIC_END
        if end_ms - self.speech_start_ms >= cfg.max_utterance_ms:
            self.state = EndpointState.DONE
            self.speech_end_ms = end_ms
            return Decision.MAX_LENGTH
        return Decision.NONE
