"""The safety gate's rule over one turn's plans, and the question that asks about them (pure).

The turn engine keeps the exact plans it asked about; see docs/safety.md for the whole dialogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from edge.actions import planner
from edge.actions.gate import CommandKey, Verdict, VerdictKind, command_key, review
from edge.context.model import ContextSnapshot
from edge.dialog import responses as say
from edge.dialog.unsure import unsure_question
from edge.nlu.types import Intent, Provenance
from edge.turns.protocols import PlanLike

__all__ = ["Decision", "confirm_prompt", "decide", "review_turn"]

Decision = Literal["act", "confirm", "ask", "answer", "cannot", "not_understood"]


def review_turn(
    intents: Sequence[Intent],
    plans: Sequence[PlanLike],
    keys: Sequence[tuple[CommandKey, ...]],
    snapshot: ContextSnapshot,
) -> Verdict:
    """The gate's rule on all the plans of one turn, with the provenance of the turn's requests (the
    planner's own ``needs_confirmation``, e.g. a purchase, asks too)."""
    provenance = Provenance.strongest(i.provenance for i in intents)
    asks: Verdict | None = None
    for _intent, plan, plan_keys in zip(intents, plans, keys, strict=True):
        verdict = review(plan_keys, provenance, snapshot.devices)
        if verdict.refused:
            return verdict
        if verdict.kind is VerdictKind.CONFIRM or plan.needs_confirmation:
            asks = asks or Verdict(VerdictKind.CONFIRM, verdict.reason or "the planner asks")
    return asks or Verdict(VerdictKind.ALLOW)


def confirm_prompt(
    plans: Sequence[PlanLike],
    keys: Sequence[tuple[CommandKey, ...]],
    snapshot: ContextSnapshot,
    *,
    again: bool = False,
) -> str:
    """The question naming every device the plans touch (a plan without commands, e.g. a purchase, asks
    with its own prompt)."""
    every = [k for plan_keys in keys for k in plan_keys]
    if not every:
        prompts = [str(getattr(p, "prompt", "") or "") for p in plans]
        return next((p for p in prompts if p), "Do you want me to go ahead?")
    return say.confirm_again(every, snapshot) if again else say.confirm_question(every, snapshot)


def decide(
    intent: Intent | None, snapshot: ContextSnapshot, unsure: Sequence[Intent] = ()
) -> tuple[Decision, str]:
    """What the device would do with one parsed request, and the question when it asks, by the same
    planner and gate the turn engine uses (``edge parse`` prints it): ``act``; ``confirm`` (the gate asks
    first); ``ask`` (several devices fit a singular request: "Which one: ...?"); ``answer`` (a question,
    or a request that needs no device); ``cannot`` (no such device, not supported, refused);
    ``not_understood``. A custom domain's intent is published: ``act``. With no intent, ``unsure`` are the
    two readings of a request below the operating point: ``ask`` between them ("Do you want me to turn on or
    turn off the fan?") when they can be told apart, else ``not_understood``."""
    if intent is None:
        question = unsure_question(unsure, snapshot) if unsure else None
        return ("ask", question) if question else ("not_understood", "")
    if intent.source == "domain":
        return "act", ""
    which = planner.which_one(intent, snapshot)
    if which.ask:
        return "ask", say.which_question(which.candidates, snapshot)
    made = planner.plan(which.intent, snapshot)
    if made.outcome in {"answer", "nothing"}:
        return "answer", made.answer or ""
    if made.error is not None and not made.needs_confirmation:
        return "cannot", made.message
    keys = (tuple(command_key(c) for c in made.commands),)
    verdict = review_turn((which.intent,), (made,), keys, snapshot)
    if verdict.refused:
        return "cannot", verdict.reason
    if verdict.kind is VerdictKind.CONFIRM:
        return "confirm", confirm_prompt((made,), keys, snapshot)
    return "act", ""
