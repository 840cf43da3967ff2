"""Confirmation policy (safety) and the rare "Did I get that right?" check. Pure, time as input."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from edge.context.model import ContextSnapshot
from edge.feedback.similarity import normalize
from edge.nlu.types import Intent

__all__ = ["CheckPolicy", "after_yes", "must_confirm", "yes_or_no"]

_YES = re.compile(r"^(yes|yeah|yep|yup|sure|ok|okay|do it|go ahead|please do|correct|right|confirm)\b")
_NO = re.compile(r"^(no|nope|don't|do not|cancel|stop|never mind|nevermind|wrong|not really)\b")


def yes_or_no(text: str) -> bool | None:
    said = normalize(text)
    if _NO.match(said):
        return False
    if _YES.match(said):
        return True
    return None


def after_yes(text: str) -> str:
    """What follows a leading yes ("yes, turn on the lamp" -> "turn on the lamp"; "yes" -> "")."""
    said = normalize(text)
    while m := _YES.match(said):
        said = said[m.end() :].lstrip(" ,")
    return said


def must_confirm(intents: Sequence[Intent], snapshot: ContextSnapshot, planner_says: bool = False) -> bool:
    """A spoken confirmation is needed when the planner asks for it, or when anything learned (a rewrite,
    a macro, an alias) would touch a safety-critical device."""
    if planner_says:
        return True
    for intent in intents:
        critical = any(
            (dev := snapshot.devices.get(e)) is not None and dev.safety_critical for e in intent.targets
        )
        if critical and (intent.learned or intent.source == "macro"):
            return True
    return False


@dataclass(slots=True)
class CheckPolicy:
    """Ask "Did I get that right?" only for low-confidence turns that still did something, and rarely:
    at most once per ``min_interval_s`` and never twice in a row."""

    low: float = 0.35
    high: float = 0.55
    min_interval_s: float = 600.0
    last_asked: float | None = None

    def should_ask(self, confidence: float, acted: bool, now: float) -> bool:
        if not acted or not (self.low <= confidence < self.high):
            return False
        if self.last_asked is not None and now - self.last_asked < self.min_interval_s:
            return False
        self.last_asked = now
        return True
