"""A taught phrase (macro): its steps, as the ``taught`` table keeps them and as a turn record says what the
turn taught (:class:`edge.feedback.record.Taught`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from edge.nlu.catalogue import current_name, current_slots
from edge.nlu.types import Intent

__all__ = ["Macro", "MacroStep"]


@dataclass(frozen=True, slots=True)
class MacroStep:
    """One intent of a macro: the name and slots the NLU gave when it was taught, and its targets."""

    intent: str
    slots: Mapping[str, str] = field(default_factory=dict)
    targets: tuple[str, ...] = ()
    text: str = ""

    def to_intent(self) -> Intent:
        """The step as an Intent marked ``source="macro"`` (the safety policy treats it as learned)."""
        return Intent(self.intent, self.slots, 1.0, self.text, self.targets, source="macro")

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "slots": dict(self.slots),
            "targets": list(self.targets),
            "text": self.text,
        }

    @staticmethod
    def from_intent(intent: Intent) -> MacroStep:
        return MacroStep(intent.name, dict(intent.slots), tuple(intent.targets), intent.text)

    @staticmethod
    def from_json(obj: Mapping[str, Any]) -> MacroStep:
        """A stored step; an intent name the catalogue has replaced is read as the new one."""
        name = str(obj["intent"])
        slots = {str(k): str(v) for k, v in dict(obj.get("slots") or {}).items()}
        return MacroStep(
            current_name(name),
            current_slots(name, slots),
            tuple(str(t) for t in obj.get("targets") or ()),
            str(obj.get("text", "")),
        )


@dataclass(frozen=True, slots=True)
class Macro:
    """A macro of the taught store: ``phrase`` (normalized) -> ``steps``, kept at ``t`` (wall clock)."""

    phrase: str
    steps: tuple[MacroStep, ...]
    t: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"phrase": self.phrase, "steps": [s.to_json() for s in self.steps], "t": self.t}
