"""The safety gate's rule over one turn's plans, and the question that asks about them (pure).

The turn engine keeps the exact plans it asked about; see docs/safety.md for the whole dialogue.
"""

from __future__ import annotations

from collections.abc import Sequence

from edge.actions.gate import CommandKey, Verdict, VerdictKind, review
from edge.context.model import ContextSnapshot
from edge.dialog import responses as say
from edge.nlu.types import Intent, Provenance
from edge.turns.protocols import PlanLike

__all__ = ["confirm_prompt", "review_turn"]


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
