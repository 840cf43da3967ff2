"""Every message that crosses a stage boundary: frozen, slotted dataclasses with a JSON wire form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "OUTSIDE_GRAMMAR",
    "SAMPLE_RATE",
    "AudioChunk",
    "EventType",
    "PipelineEvent",
    "Transcript",
    "WakeDetected",
]

SAMPLE_RATE = 16_000
"""Every stage after the audio source works on 16 kHz mono signed 16-bit PCM."""


class EventType(StrEnum):
    """The ``type`` field of each JSON line ``edge replay --json`` prints."""

    START = "start"
    WAKE = "wake"
    VOICE_START = "voice_start"
    VOICE_END = "voice_end"
    TRANSCRIPT = "transcript"
    REWRITE = "rewrite"
    INTENT = "intent"
    NOT_UNDERSTOOD = "not_understood"
    ACTION = "action"
    RESULT = "result"
    RESPONSE = "response"
    BARGE_IN = "barge_in"
    ERROR = "error"
    END = "end"


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """A run of 16 kHz mono int16 samples; ``t_ms`` is the stream time of the first sample."""

    samples: npt.NDArray[np.int16]
    t_ms: float

    def __post_init__(self) -> None:
        if self.samples.dtype != np.int16 or self.samples.ndim != 1:
            raise ValueError("AudioChunk needs a 1-D int16 array")

    @property
    def duration_ms(self) -> float:
        return 1000.0 * len(self.samples) / SAMPLE_RATE

    @property
    def end_ms(self) -> float:
        return self.t_ms + self.duration_ms


@dataclass(frozen=True, slots=True)
class WakeDetected:
    word: str
    score: float
    t_ms: float
    model: str


# Transcript.reason of an utterance a grammar-only recognizer (asr.engine = "grammar") could not place in the
# home's grammar: the turn answers that the satellite only knows the home's commands (docs/appliance.md)
OUTSIDE_GRAMMAR = "outside_grammar"


@dataclass(frozen=True, slots=True)
class Transcript:
    """What ASR heard. ``confidence`` is in [0, 1]; ``alternatives`` is the n-best after the top one."""

    text: str
    confidence: float
    engine: str
    audio_ms: float
    alternatives: tuple[str, ...] = ()
    rejected: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PipelineEvent:
    """One observable step of a turn. ``t_ms`` is stream time (audio clock), ``data`` is JSON-safe."""

    type: EventType
    t_ms: float
    turn_id: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": str(self.type), "t_ms": round(self.t_ms, 1)}
        if self.turn_id:
            out["turn_id"] = self.turn_id
        out.update(self.data)
        return out
