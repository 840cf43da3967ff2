"""The executor contract and the checks every executor makes before it sends anything."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from edge.actions.commands import ActionResult, Plan
from edge.actions.gate import SafetyGate
from edge.context.model import Device
from edge.errors import ErrorCode

__all__ = ["Executor", "preflight"]


class Executor(Protocol):
    """Carries out a plan and reports whether every device confirmed it."""

    async def execute(self, plan: Plan) -> ActionResult: ...


def preflight(plan: Plan, gate: SafetyGate, devices: Mapping[str, Device]) -> ActionResult | None:
    """A result without sending anything (refused, failed plan, nothing to do), or None to go ahead.

    ``gate`` is the executor's safety gate and ``devices`` the executor's own current view of the home
    (never the plan's claims): a command on a safety-critical device goes out only with a fresh, unused
    spoken confirmation of exactly these commands, never from anything learned, and never through a
    device whose command topic is a lock's. Whatever produced the plan.
    """
    if plan.error is not None and plan.error is not ErrorCode.NEEDS_CONFIRMATION:
        return ActionResult(False, str(plan.error), plan.message)
    if plan.needs_confirmation and not plan.confirmed:
        return ActionResult(False, str(ErrorCode.NEEDS_CONFIRMATION), plan.prompt or "needs a confirmation")
    if not plan.commands:
        return ActionResult(True, "", plan.answer or plan.message)
    admission = gate.admit(plan.keys, plan.provenance, devices, plan.confirmation)
    if not admission.ok:
        return ActionResult(False, str(admission.error), admission.message)
    return None
