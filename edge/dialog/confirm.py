"""Answers to our questions and the rare "Did I get that right?" check. Pure, time as input.

A confirmation is the WHOLE utterance meaning yes ("yes", "yes please", "sure", "go ahead", ...): "sure
is cold in here" or "okay google what is the weather" are new requests, never a yes. Only the dialogue
issues a :class:`edge.actions.gate.Confirmation`, and only for such a yes within the window.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from edge.actions.gate import CommandKey, Confirmation, GateSettings
from edge.lang import fold

__all__ = ["CheckPolicy", "after_yes", "confirmation_for", "is_no", "is_yes", "yes_or_no"]

YES = frozenset(
    {"yes", "yeah", "yep", "yup", "sure", "ok", "okay", "do it", "go ahead", "confirm", "confirmed",
     "correct", "please do", "yes do it", "yes go ahead", "yes please do", "yes confirm", "ok do it",
     "okay do it", "sure go ahead", "yes i do", "i do", "yes sure", "yes yes", "affirmative", "do that",
     "yes do that", "go for it", "yes it is", "that is right", "thats right", "right"}
)  # fmt: skip
"""Whole normalised utterances that mean yes (``fold`` already drops "please" and leading fillers)."""
NO = frozenset(
    {"no", "nope", "no thanks", "no thank you", "dont", "don t", "do not", "cancel", "stop", "never mind",
     "nevermind", "no dont", "no don t", "no do not", "not now", "no cancel", "no stop", "wrong",
     "not really", "no way", "negative", "leave it", "forget it", "no never mind"}
)  # fmt: skip
_LEADING_YES = re.compile(r"^(yes|yeah|yep|yup|sure|ok|okay|do it|go ahead|please do|correct|confirm)\b")
_LEADING_NO = re.compile(r"^(no|nope|don't|do not|cancel|stop|never mind|nevermind|wrong|not really)\b")


def _said(text: str) -> str:
    return " ".join(fold(text).replace("'", " ").split())


def is_yes(text: str) -> bool:
    """The whole utterance means yes."""
    return _said(text) in YES


def is_no(text: str) -> bool:
    """The whole utterance means no."""
    return _said(text) in NO


def yes_or_no(text: str) -> bool | None:
    """A leading yes or no, for the teaching dialogue only ("yes, turn on the lamp" teaches the lamp);
    a safety confirmation uses :func:`is_yes`."""
    said = fold(text)
    if _LEADING_NO.match(said):
        return False
    if _LEADING_YES.match(said):
        return True
    return None


def after_yes(text: str) -> str:
    """What follows a leading yes ("yes, turn on the lamp" -> "turn on the lamp"; "yes" -> "")."""
    said = fold(text)
    while m := _LEADING_YES.match(said):
        said = said[m.end() :].lstrip(" ,")
    return said


def confirmation_for(
    commands: Iterable[CommandKey], answer: str, asked_at: float, answered_at: float, settings: GateSettings
) -> Confirmation | None:
    """The confirmation token for ``commands``: only for a whole-utterance yes within the window."""
    if not is_yes(answer) or not 0 <= answered_at - asked_at <= settings.confirm_window_s:
        return None
    return Confirmation.issue(commands, asked_at, answered_at)


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
