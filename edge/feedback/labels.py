"""The rule labeller: defect / success / unknown for one turn, from its signals and its own outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from edge.config import FeedbackSettings
from edge.feedback.record import FeedbackSignal, Label, SignalKind, TurnRecord
from edge.feedback.rephrase import response_failed
from edge.feedback.signals import is_speech

__all__ = ["LabelDecision", "label_turn", "windows_closed"]

_DEFECT_KINDS = frozenset(
    {
        SignalKind.BARGE_IN,
        SignalKind.REPHRASE,
        SignalKind.UNDO,
        SignalKind.RESULT_ERROR,
        SignalKind.FALSE_WAKE,
        SignalKind.ABANDON,
        SignalKind.EXPLICIT_NEGATIVE,
    }
)
_DEFECT_AT = 0.5
_FAILURE_POINT = {SignalKind.FALSE_WAKE: "false_wake", SignalKind.RESULT_ERROR: "result"}


@dataclass(frozen=True, slots=True)
class LabelDecision:
    label: Label
    failure_point: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)


def windows_closed(turn: TurnRecord, now: float, settings: FeedbackSettings) -> bool:
    """Every later signal that could still attach to this turn would have arrived by now."""
    longest = max(settings.rephrase_weak_s, settings.undo_window_s, settings.abandon_s)
    return now - turn.t_end >= longest


def label_turn(
    turn: TurnRecord, signals: Sequence[FeedbackSignal], now: float, settings: FeedbackSettings
) -> LabelDecision:
    """Rules: any defect signal of strength >= 0.5 -> defect (strongest first as evidence); an explicit yes
    -> success; not understood -> defect; once the windows have closed, a turn that worked -> success;
    otherwise unknown."""
    mine = [s for s in signals if s.turn_id == turn.turn_id]
    defects = sorted(
        (s for s in mine if s.kind in _DEFECT_KINDS and s.strength >= _DEFECT_AT),
        key=lambda s: -s.strength,
    )
    evidence: dict[str, Any] = {"signals": [{"kind": str(s.kind), "strength": s.strength} for s in mine]}
    if defects:
        top = defects[0]
        return LabelDecision(
            Label.DEFECT, _FAILURE_POINT.get(top.kind, ""), {**evidence, "by": str(top.kind)}
        )
    if any(s.kind == SignalKind.EXPLICIT_POSITIVE for s in mine):
        return LabelDecision(Label.SUCCESS, "", {**evidence, "by": "explicit_positive"})
    dialog = bool(turn.dialog)
    if is_speech(turn) and turn.intent is None and not dialog:
        return LabelDecision(Label.DEFECT, "", {**evidence, "by": "not_understood"})
    if not windows_closed(turn, now, settings):
        return LabelDecision(Label.UNKNOWN, "", {**evidence, "by": "windows open"})
    worked = turn.result_ok is True or (
        turn.result_ok is None and bool(turn.response) and not response_failed(turn.response)
    )
    if worked and (turn.intent is not None or dialog):
        return LabelDecision(Label.SUCCESS, "", {**evidence, "by": "no defect signal"})
    return LabelDecision(Label.UNKNOWN, "", {**evidence, "by": "no evidence"})
