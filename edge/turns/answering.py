"""The turn engine's answers to its own questions: a pending confirmation ("Do you want me to unlock the front
door?"), "Which one?", "Which timer?", the two readings below the operating point, the teaching offer, and
"Did you mean ...?" (:mod:`edge.turns.did_you_mean`).

A mixin of :class:`edge.turns.engine.TurnEngine` (the state it reads is the engine's: the pending
question, the home, the gate's settings, the services and teaching); kept apart so that how a question is
answered reads in one place. An answer that is no answer returns None: the utterance is a new request.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from edge.actions.gate import CommandKey, VerdictKind, command_key
from edge.config import SafetySettings
from edge.context.model import ContextSnapshot
from edge.dialog.confirm import confirmation_for, is_no, is_yes
from edge.dialog.unsure import chosen_reading
from edge.dialog.which import chosen, every_one
from edge.errors import EdgeError, ErrorCode
from edge.feedback.record import Dialog
from edge.nlu.types import Intent
from edge.turns.confirming import review_turn
from edge.turns.did_you_mean import DidYouMean
from edge.turns.execute import Outcome
from edge.turns.heard import Draft
from edge.turns.pending import Pending
from edge.turns.protocols import HomeView, PlanLike, Services
from edge.turns.teaching import Teaching

__all__ = ["Answering"]


class _Stages(Protocol):
    """The engine's own stages, which an answer runs (defined by :class:`edge.turns.engine.TurnEngine`)."""

    async def _act(self, d: Draft, intents: tuple[Intent, ...], snapshot: ContextSnapshot) -> str: ...

    async def _execute(
        self, d: Draft, intents: tuple[Intent, ...], plans: list[PlanLike], snapshot: ContextSnapshot
    ) -> Outcome: ...

    def _ask(
        self,
        d: Draft,
        intents: tuple[Intent, ...],
        plans: tuple[PlanLike, ...],
        *,
        keys: tuple[tuple[CommandKey, ...], ...],
        snapshot: ContextSnapshot,
        again: bool = False,
    ) -> str: ...


class Answering(DidYouMean, _Stages):
    """How the engine takes the answer to a question it asked."""

    home: HomeView
    gate: SafetySettings
    services: Services | None
    teaching: Teaching
    _pending: Pending | None

    async def _answer(self, d: Draft, pending: Pending, snapshot: ContextSnapshot) -> str | None:
        """The answer to our question; None when the user ignored it and asked something else."""
        if pending.kind == "confirm":
            return await self._confirm(d, pending, snapshot)
        if pending.kind == "did_you_mean" and pending.offer is not None:
            return await self._answer_offer(d, pending.offer, snapshot)
        if pending.kind == "service" and self.services is not None:
            reply = await self.services.answer(pending.intents[0], pending.candidates, d.heard.text)
            if reply is None:
                return None  # not an answer: a new request
            d.describe(pending.intents[0], pending.intents)
            d.result_ok = reply.ok
            d.intent = reply.intent or d.intent
            return reply.text
        if pending.kind == "unsure":
            # a reading named by its action, its device or its place runs as a direct request (through the
            # gate: a lock still asks); a "no" drops it; anything else is a new request
            if is_no(d.heard.text):
                d.dialog = Dialog.UNSURE
                return "OK."
            index = chosen_reading(d.heard.text, pending.intents, snapshot)
            if index is None:
                return None
            intent = pending.intents[index]
            d.describe(intent, (intent,))
            return await self._act(d, (intent,), snapshot)
        if pending.kind == "which":
            # the device named in the answer ("both": every one offered), through the gate as a direct
            # request (a lock still asks); anything else is a new request
            if every_one(d.heard.text):  # the request's own words would ask again: it carries them all
                intent = replace(pending.intents[0], targets=pending.candidates, text="")
                intent = replace(intent, target_scores=tuple(1.0 for _ in intent.targets))
            elif (target := chosen(d.heard.text, pending.candidates, snapshot)) is not None:
                intent = replace(pending.intents[0], targets=(target,), target_scores=(1.0,))
            else:
                return None
            d.describe(intent, (intent,))
            return await self._act(d, (intent,), snapshot)
        text, ask_steps = await self.teaching.answer(d, pending.kind == "teach", pending.phrase, snapshot)
        if ask_steps:
            self._pending = Pending("teach_steps", d.heard.t_end, phrase=pending.phrase)
        return text

    async def _confirm(self, d: Draft, pending: Pending, snapshot: ContextSnapshot) -> str | None:
        """The answer to "Do you want me to ...?": a whole-utterance yes runs exactly the plans asked about
        (with a confirmation token each), a no cancels, anything else drops the question (None)."""
        if is_no(d.heard.text):
            d.dialog = Dialog.CONFIRM
            return "OK, I won't."
        if not is_yes(d.heard.text):
            return None
        d.dialog = Dialog.CONFIRM
        intents = pending.intents
        d.describe(intents[0], intents)
        try:
            fresh = [self.home.plan(i, snapshot, confirmed=True) for i in intents]
        except EdgeError as err:
            d.result_ok, d.result_error = False, str(err.code)
            return "Things changed since I asked, so I did nothing."
        fresh_keys = tuple(tuple(command_key(c) for c in p.commands) for p in fresh)
        if fresh_keys != pending.keys:
            verdict = review_turn(intents, fresh, fresh_keys, snapshot)
            if verdict.kind is VerdictKind.CONFIRM:
                return self._ask(d, intents, tuple(fresh), keys=fresh_keys, snapshot=snapshot, again=True)
            d.result_ok, d.result_error = False, str(ErrorCode.NEEDS_CONFIRMATION)
            return "Things changed since I asked, so I did nothing."
        plans: list[PlanLike] = []
        for plan, keys in zip(pending.plans, pending.keys, strict=True):
            token = confirmation_for(keys, d.heard.text, pending.t, d.heard.t_start, self.gate)
            plans.append(plan.with_confirmation(token) if token is not None else plan)
        outcome = await self._execute(d, intents, plans, snapshot)
        d.result_ok, d.result_error = outcome.ok, outcome.error
        return " ".join(outcome.texts)
