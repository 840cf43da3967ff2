"""An early filter for everything learned: no rewrite, macro or alias should lead to a safety-critical
action (unlock, open the garage, disarm, purchase). Tables drop such entries and the online rewriter refuses
them by their words. What counts is the plan: :mod:`edge.actions.gate` refuses any learned plan that would
touch a lock, garage door or alarm, whatever the words (an innocent "and do that" -> "undo that" too)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from edge.context.model import ContextSnapshot
from edge.lang import fold
from edge.learning.canonical import Lexicon
from edge.nlu.catalogue import SAFETY_CRITICAL_INTENTS, is_safety_critical
from edge.nlu.types import Intent

__all__ = ["SafetyPolicy", "SafetyVerdict", "mentions_safety"]

_SAFETY_WORDS = re.compile(
    r"\b(unlock\w*|lock\w*|disarm\w*|arm|alarm\w*|garage|gate|deadbolt|security|purchase\w*|buy|order\w*|"
    r"checkout|pay|payment)\b"
)
_OPEN_DOOR = re.compile(r"\b(open|raise|lift)\b.*\bdoor\b|\bdoor\b.*\b(open|up)\b")

Parse = Callable[[str, ContextSnapshot], "Intent | None"]


def mentions_safety(text: str, lexicon: Lexicon | None = None) -> bool:
    """Words that point at a safety-critical action or device (cheap, conservative)."""
    said = fold(text)
    if _SAFETY_WORDS.search(said) or _OPEN_DOOR.search(said):
        return True
    return lexicon is not None and any(
        re.search(rf"\b{re.escape(name)}\b", said) for name in lexicon.safety_names
    )


@dataclass(frozen=True, slots=True)
class SafetyVerdict:
    allowed: bool
    needs_confirmation: bool
    reason: str = ""


_OK = SafetyVerdict(True, False)


class SafetyPolicy:
    """Checks a learned change by its words, the home's safety-critical device names and, when a parser
    and snapshot are supplied, by what the target would actually do."""

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        parse: Parse | None = None,
        snapshot: ContextSnapshot | None = None,
    ) -> None:
        self.lexicon, self.parse, self.snapshot = lexicon, parse, snapshot

    def intent_is_critical(self, intent: Intent, snapshot: ContextSnapshot | None = None) -> bool:
        snap = snapshot or self.snapshot
        if intent.name in SAFETY_CRITICAL_INTENTS:
            return True
        return snap is not None and any(
            (dev := snap.devices.get(e)) is not None and is_safety_critical(dev) for e in intent.targets
        )

    def check_rewrite(
        self, original: str, target: str, snapshot: ContextSnapshot | None = None
    ) -> SafetyVerdict:
        """A learned rewrite ``original -> target``: refused when either side touches safety (rewriting
        away from "lock the door" is as dangerous as rewriting into "unlock the door")."""
        lexicon = self.lexicon or (Lexicon.from_snapshot(snapshot) if snapshot else None)
        if mentions_safety(target, lexicon):
            return SafetyVerdict(False, True, "target names a safety-critical action or device")
        if mentions_safety(original, lexicon):
            return SafetyVerdict(False, True, "original is a safety-critical request")
        snap = snapshot or self.snapshot
        if self.parse is not None and snap is not None:
            intent = self.parse(target, snap)
            if intent is not None and self.intent_is_critical(intent, snap):
                return SafetyVerdict(False, True, f"target acts on a safety-critical device ({intent.name})")
        return _OK

    def check_intent(self, intent: Intent, snapshot: ContextSnapshot) -> SafetyVerdict:
        """A learned intent at run time: refused when it names a critical device or intent (the gate
        decides on the plan; this is the early word-and-target check)."""
        if intent.learned and self.intent_is_critical(intent, snapshot):
            return SafetyVerdict(False, False, "learned request on a safety-critical device")
        return _OK
