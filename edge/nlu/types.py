"""What the NLU hands to the planner: an intent with slots and resolved targets, or nothing for the home."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["Intent"]


@dataclass(frozen=True, slots=True)
class Intent:
    """A parsed request.

    ``name`` is a catalogue intent (Home Assistant names where they exist, e.g. ``HassTurnOn``).
    ``slots`` maps slot names (``name``, ``area``, ``domain``, ``brightness``, ``temperature``, ...) to the
    text values heard. ``targets`` are registry entity_ids chosen by entity resolution (may be empty for
    intents without a device). ``confidence`` is the calibrated probability of the intent; ``margin`` its
    distance to the runner-up. ``source`` says where the request came from: "voice", "rewrite", "macro",
    "text" (learned sources never bypass the safety policy). ``needs_confirmation`` is set by the NLU when
    confidence is between ``nlu.reject_below`` and ``nlu.confirm_below``.
    """

    name: str
    slots: Mapping[str, str] = field(default_factory=dict)
    confidence: float = 1.0
    text: str = ""
    targets: tuple[str, ...] = ()
    margin: float = 1.0
    source: str = "text"
    target_scores: tuple[float, ...] = ()
    needs_confirmation: bool = False  # low confidence: ask "did you mean ...?" before acting

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", MappingProxyType(dict(self.slots)))

    @property
    def learned(self) -> bool:
        return self.source in {"rewrite", "macro", "alias"}

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.name,
            "slots": dict(self.slots),
            "targets": list(self.targets),
            "confidence": round(self.confidence, 4),
        }
