"""Carrying out a turn's plans: each through the executor with a timeout, its action and result events
emitted, the states before it kept for undo detection, and what to say about it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from edge.context.model import ContextSnapshot
from edge.dialog import responses as say
from edge.dialog.profile import Preferences
from edge.errors import EdgeError, ErrorCode
from edge.events import EventType
from edge.nlu.types import Intent
from edge.turns.heard import Draft
from edge.turns.protocols import Executor, PlanLike, command_json

__all__ = ["EmitEvent", "Outcome", "plan_error_text", "run_plans"]

EmitEvent = Callable[[EventType, float, str, dict[str, Any]], Awaitable[None]]
"""``await emit(kind, t_s, turn_id, data)``: the turn engine's event callback."""


@dataclass(slots=True)
class Outcome:
    """How the plans went: ``ok`` (None: nothing was sent), the first error code, the texts to say."""

    ok: bool | None = None
    error: str = ""
    texts: list[str] = field(default_factory=list)


async def run_plans(
    d: Draft,
    intents: Sequence[Intent],
    plans: Sequence[PlanLike],
    snapshot: ContextSnapshot,
    *,
    executor: Executor,
    prefs: Preferences,
    timeout_s: float,
    emit: EmitEvent,
) -> Outcome:
    out = Outcome()
    prior = d.prior_states
    for intent, plan in zip(intents, plans, strict=True):
        commands = [command_json(c) for c in plan.commands]
        for c in commands:
            if eid := c.get("entity_id"):
                prior.setdefault(eid, snapshot.state_of(eid))
            await emit(EventType.ACTION, d.heard.t_end, d.turn_id, c)
        d.commands += commands
        if commands:
            started = time.monotonic()
            try:
                async with asyncio.timeout(timeout_s):
                    result = await executor.execute(plan)
                ok, error = bool(result.ok), str(result.error or "")
            except TimeoutError:
                ok, error = False, str(ErrorCode.DEVICE_TIMEOUT)
            except EdgeError as err:
                ok, error = False, str(err.code)
            d.lap("execute")
            latency_ms = round((time.monotonic() - started) * 1000.0, 1)
            await emit(
                EventType.RESULT,
                d.heard.t_end,
                d.turn_id,
                {"ok": ok, "error": error, "latency_ms": latency_ms},
            )
            out.ok = ok if out.ok is not False else False
            out.error = out.error or error
            if not ok:
                out.texts.append(say.error_text(intent.targets, snapshot, error))
                continue
        if intent.name == "HassGetState" and plan.answer:
            out.texts.append(plan.answer)  # the planner's state answer ("Both kitchen lights are off.")
        elif "Get" in intent.name and intent.targets:
            out.texts.append(say.describe_state(intent.targets[0], snapshot, prefs))
        elif plan.answer:
            out.texts.append(plan.answer)
        elif commands and len(intents) == 1:
            out.texts.append(say.done_text(intent, snapshot))
    if len(intents) > 1 and out.ok is not False:
        out.texts.append("Done.")
    if not out.texts:
        out.texts.append("Done." if out.ok is not False else "Sorry, something went wrong.")
    return out


def plan_error_text(d: Draft, err: EdgeError, intent: Intent, snapshot: ContextSnapshot) -> str:
    """What to say when planning ``intent`` failed with ``err`` (the turn records the failure): the gate's
    refusal, "I don't know a device called ...", or the error in the target's words."""
    d.result_ok, d.result_error = False, str(err.code)
    if err.code == ErrorCode.SAFETY_REFUSED:
        d.refused = err.message
        return err.message
    if err.code == ErrorCode.NO_SUCH_DEVICE:
        return say.no_device_text(intent.slots.get("name", "that"))
    return say.error_text(intent.targets, snapshot, str(err.code)) if intent.targets else err.message
