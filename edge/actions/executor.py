"""The executor contract and the checks every executor makes before it sends anything."""

from __future__ import annotations

from typing import Protocol

from edge.actions.commands import ActionResult, Plan
from edge.errors import ErrorCode

__all__ = ["Executor", "preflight"]


class Executor(Protocol):
    """Carries out a plan and reports whether every device confirmed it."""

    async def execute(self, plan: Plan) -> ActionResult: ...


def preflight(plan: Plan) -> ActionResult | None:
    """A result without sending anything (refused, failed plan, nothing to do), or None to go ahead.

    A plan that needs a confirmation is never executed unless it was confirmed: the safety policy is
    enforced here as well as in the dialogue, so a learned request cannot slip past it.
    """
    if plan.needs_confirmation and not plan.confirmed:
        return ActionResult(False, str(ErrorCode.NEEDS_CONFIRMATION), plan.prompt or "needs a confirmation")
    if plan.error is not None and plan.error is not ErrorCode.NEEDS_CONFIRMATION:
        return ActionResult(False, str(plan.error), plan.message)
    if not plan.commands:
        return ActionResult(True, "", plan.answer or plan.message)
    return None
