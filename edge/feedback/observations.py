"""What the feedback recorder observes besides turns: device state changes and barge-ins."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from edge.feedback.record import FeedbackSignal, TurnRecord

__all__ = ["EXPORT_VERSION", "BargeIn", "ChangeSource", "DeviceEvent", "StoredTurn", "signal_to_json"]

# the JSON form of a stored turn (docs/feedback.md, "Export"): 2 since turn records are typed (schema 5;
# version 1 lines had no "version" and carried the engine's notes in "turn"."extra")
EXPORT_VERSION = 2


class ChangeSource(StrEnum):
    MANUAL = "manual"  # by hand, a wall switch or another app: the broker shows it, no command of ours
    COMMAND = "command"  # the state we asked for


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    """A device changed state from ``old`` to ``new`` at ``t`` seconds (same clock as the turns)."""

    entity_id: str
    old: str
    new: str
    t: float
    source: ChangeSource = ChangeSource.MANUAL
    home_id: str = ""

    def __post_init__(self) -> None:
        if "." not in self.entity_id:
            raise ValueError(f"entity_id {self.entity_id!r} must look like domain.object_id")

    def to_json(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "old": self.old,
            "new": self.new,
            "t": self.t,
            "source": str(self.source),
        }


@dataclass(frozen=True, slots=True)
class BargeIn:
    """The user spoke (or said the wake word) at ``t`` while turn ``turn_id``'s response was playing.

    ``response_start`` is when speaking began and ``response_s`` how long the full response would last.
    """

    turn_id: str
    t: float
    response_start: float
    response_s: float

    @property
    def elapsed_s(self) -> float:
        return max(0.0, self.t - self.response_start)

    @property
    def fraction(self) -> float:
        return self.elapsed_s / self.response_s if self.response_s > 0 else 0.0


@dataclass(frozen=True, slots=True)
class StoredTurn:
    """A turn as read back from the store with every signal attached to it so far."""

    record: TurnRecord
    signals: tuple[FeedbackSignal, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "turn": self.record.to_json(),
            "signals": [signal_to_json(s) for s in self.signals],
            "label": self.record.label,
            "version": EXPORT_VERSION,
        }


def signal_to_json(signal: FeedbackSignal) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": str(signal.kind),
        "t": round(signal.t, 3),
        "strength": round(signal.strength, 3),
        "evidence": dict(signal.evidence),
    }
    if signal.related_turn_id:
        out["related_turn_id"] = signal.related_turn_id
    return out
