"""The turn record (everything about one turn, as stored) and the feedback signals that attach to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["FeedbackSignal", "Label", "SignalKind", "TurnRecord"]


class SignalKind(StrEnum):
    BARGE_IN = "barge_in"
    REPHRASE = "rephrase"
    UNDO = "undo"
    RESULT_ERROR = "result_error"
    FALSE_WAKE = "false_wake"
    ABANDON = "abandon"
    EXPLICIT_NEGATIVE = "explicit_negative"
    EXPLICIT_POSITIVE = "explicit_positive"


class Label(StrEnum):
    DEFECT = "defect"
    SUCCESS = "success"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class FeedbackSignal:
    """A signal about turn ``turn_id``; ``strength`` in [0, 1]; ``evidence`` says what decided it."""

    turn_id: str
    kind: SignalKind
    t: float  # seconds (session or wall clock) when the signal was observed
    strength: float = 1.0
    evidence: Mapping[str, Any] = field(default_factory=dict)
    related_turn_id: str = ""  # e.g. the rephrasing turn


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One turn, as stored. Times ``t_start``/``t_end`` are seconds (wall clock, or the simulated clock)."""

    turn_id: str
    session_id: str
    home_id: str
    t_start: float
    t_end: float
    wake_word: str = ""
    wake_score: float = 0.0
    audio_ms: float = 0.0
    asr_text: str = ""
    asr_confidence: float = 0.0
    asr_nbest: tuple[str, ...] = ()
    asr_engine: str = ""
    rewrite: Mapping[str, Any] | None = None  # {"original","rewritten","layer","score"}
    text: str = ""  # what the NLU read (after any rewrite)
    intent: str | None = None
    slots: Mapping[str, str] = field(default_factory=dict)
    intent_confidence: float = 0.0
    intent_margin: float = 0.0
    targets: tuple[str, ...] = ()
    target_scores: tuple[float, ...] = ()
    commands: tuple[Mapping[str, Any], ...] = ()
    result_ok: bool | None = None
    result_error: str = ""
    response: str = ""
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    context_version: int = 0
    area: str = ""
    label: str = Label.UNKNOWN.value
    failure_point: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("asr_nbest", "targets", "target_scores", "commands"):
            out[key] = list(out[key])
        return out
