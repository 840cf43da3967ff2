"""What the device asked and is waiting for an answer to, and how long an answer counts."""

from __future__ import annotations

from dataclasses import dataclass

from edge.actions.gate import CommandKey
from edge.feedback.record import Offer
from edge.nlu.types import Intent
from edge.turns.protocols import PlanLike

__all__ = ["DIALOG_TIMEOUT_S", "Pending", "answer_window"]

DIALOG_TIMEOUT_S = (
    30.0  # teaching, which-one, unsure, did-you-mean and service questions; a safety confirmation has its own
)


@dataclass(slots=True)
class Pending:
    kind: str  # "confirm" | "teach" (offered: "Want to teach me?") | "teach_steps" ("What should I do?")
    # | "which" ("Which one: the front door lock or the back door lock?") | "service" ("Which timer: ...?")
    # | "unsure" ("Do you want me to turn on or turn off the fan?": intents are the two readings)
    # | "did_you_mean" ("Did you mean: turn on the mood light?": ``offer``)
    t: float
    intents: tuple[Intent, ...] = ()
    phrase: str = ""
    plans: tuple[PlanLike, ...] = ()  # confirm: the exact plans asked about
    keys: tuple[tuple[CommandKey, ...], ...] = ()  # ... and their commands, plan by plan
    candidates: tuple[str, ...] = ()  # which: the devices offered; service: the timers
    offer: Offer | None = None  # did_you_mean: the request offered for the one heard


def answer_window(pending: Pending, confirm_window_s: float) -> float:
    """Seconds after the question during which an answer counts: the safety setting's window for a
    confirmation ("Do you want me to unlock ...?"), :data:`DIALOG_TIMEOUT_S` for every other question."""
    return confirm_window_s if pending.kind == "confirm" else DIALOG_TIMEOUT_S
