"""The turn engine: one utterance in, one turn record out.

Order: dialogue answers (a pending confirmation, "which one?" or teaching question) -> teaching commands
and preferences -> rewrite -> taught phrase (macro) -> NLU -> teachable moment -> plan -> safety gate
(refuse, or ask and keep the exact plans) -> execute -> respond (the response event and the speaker) -> the
record, which the turn driver (:mod:`edge.turns.driver`) hands to the feedback recorder. Build it with
:func:`edge.wiring.build_turns`, the one place it is composed. How the answer to one of its own questions is
taken lives in :mod:`edge.turns.answering`; what it waits for in :mod:`edge.turns.pending`.

Safety (docs/safety.md): every plan carries the provenance of the request (an undo inherits it); the gate
refuses learned plans that touch a lock, garage door or alarm, and asks about direct ones, naming every
device. Only a whole-utterance yes within the window issues a confirmation, attached to the plans that
were asked about; the executors check it again before they publish.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

from edge.actions.gate import (
    CommandKey,
    VerdictKind,
    command_key,
)
from edge.actions.planner import reaches_nothing, which_one
from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.dialog import responses as say
from edge.dialog.confirm import CheckPolicy, is_no, is_yes
from edge.dialog.profile import Preferences
from edge.dialog.teach import offer_phrase, split_actions, teachable_phrase
from edge.dialog.tts import Speaker
from edge.dialog.unsure import unsure_question
from edge.errors import EdgeError, ErrorCode
from edge.events import EventType, PipelineEvent
from edge.feedback.observations import BargeIn
from edge.feedback.record import Asked, Dialog, Rewrite, TurnRecord
from edge.feedback.taught import TaughtStore
from edge.lang import fold
from edge.nlu.types import Intent, Provenance
from edge.turns.answering import Answering
from edge.turns.confirming import confirm_prompt, review_turn
from edge.turns.execute import Outcome, plan_error_text, run_plans
from edge.turns.expect import expected_answers
from edge.turns.heard import Draft, Heard
from edge.turns.pending import Pending, answer_window
from edge.turns.protocols import Emit, HomeView, Parser, PlanLike, Rewriter, Services, UnsureParser
from edge.turns.teaching import Teaching

__all__ = ["TurnEngine"]

log = logging.getLogger(__name__)
CONFIRM_EXPIRED = "I stopped waiting for an answer to that. Please ask again."


class TurnEngine(Answering):
    def __init__(
        self,
        *,
        settings: Settings,
        parser: Parser,
        home: HomeView,
        taught: TaughtStore,
        speaker: Speaker | None = None,
        rewriter: Rewriter | None = None,
        emit: Emit | None = None,
        home_id: str = "home",
        timer: Callable[[], float] = time.perf_counter,
        services: Services | None = None,
    ) -> None:
        """``timer`` times the stages of a turn (``timings_ms``): a simulation passes a fixed one so that
        seeded runs store the same records. ``services`` carries out the intents that need no device
        (None: they are planned like any other and end as "nothing to do")."""
        self.settings = settings
        self.parser, self.home = parser, home
        self.taught, self.speaker = taught, speaker
        self.rewriter, self._emit_fn = rewriter, emit
        self.home_id = home_id
        self.timer = timer
        self.services = services
        self.check = CheckPolicy(settings.nlu.reject_below, settings.nlu.confirm_below)
        self.gate = settings.safety
        self.teaching = Teaching(parser, home, taught)
        self._pending: Pending | None = None
        self._refused_offers: set[tuple[str, str]] = set()  # "Did you mean ...?" refused since start
        self._last_turn_id = ""

    # -- entry points ------------------------------------------------------------------------------
    async def handle(self, heard: Heard, emit: Emit | None = None) -> TurnRecord:
        """One utterance; ``emit`` overrides the engine's event callback for this turn only."""
        if emit is not None:
            saved, self._emit_fn = self._emit_fn, emit
            try:
                return await self.handle(heard)
            finally:
                self._emit_fn = saved
        snapshot = self.home.snapshot()
        d = Draft(
            heard, self.home_id, snapshot.satellite.area, context_version=snapshot.version, clock=self.timer
        )
        d.text = heard.text
        if heard.outside_grammar:  # grammar-only (asr.engine = "grammar"): not understood at the ASR stage
            await self._emit(EventType.NOT_UNDERSTOOD, heard.t_end, d.turn_id, {"text": "", "stage": "asr"})
            return await self._finish(d, say.OUTSIDE_GRAMMAR)
        if heard.no_speech or not fold(heard.text):
            d.no_speech = True
            return await self._finish(d, "")
        pending, self._pending = self._pending, None
        if pending is not None and heard.t_start - pending.t > answer_window(
            pending, self.gate.confirm_window_s
        ):
            if pending.kind == "confirm" and (is_yes(heard.text) or is_no(heard.text)):
                d.dialog = Dialog.CONFIRM_EXPIRED
                return await self._finish(d, CONFIRM_EXPIRED)
            pending = None
        if pending is not None and (text := await self._answer(d, pending, snapshot)) is not None:
            return await self._finish(d, text)
        if (text := await self.teaching.command(d, snapshot)) is not None:
            return await self._finish(d, text)
        return await self._finish(d, await self._request(d, snapshot))

    def expected_answers(self) -> tuple[tuple[str, ...], ...]:
        """zero2w2 (issue 16): the phrases that answer the question waiting now (a grammar-only recognizer
        hears them as their own search; :mod:`edge.turns.expect`)."""
        return expected_answers(self._pending, self.home.snapshot()) if self._pending else ()

    async def barge_in(self, t: float) -> BargeIn | None:
        """The user spoke over the response: stop speaking and say what was cut off (None if nothing was
        being said); the driver records it."""
        if self.speaker is None:
            return None
        cut = await self.speaker.interrupt(t)
        if cut is None or not self._last_turn_id:
            return None
        event = BargeIn(self._last_turn_id, t, cut.t_start, cut.duration_s)
        await self._emit(EventType.BARGE_IN, t, self._last_turn_id, {"elapsed_s": round(event.elapsed_s, 3)})
        return event

    async def announce(self, t: float) -> int:
        """Say what is due unasked (a timer that ended, another satellite's broadcast) at ``t``: a response
        event with no turn (``announcement``: its kind) and the speaker; how many were said."""
        if self.services is None:
            return 0
        said = await self.services.due()
        for item in said:
            await self._emit(EventType.RESPONSE, t, "", {"text": item.text, "announcement": item.kind})
            if self.speaker is not None:
                await self.speaker.say(item.text, t)
        return len(said)

    # -- stages ------------------------------------------------------------------------------------
    async def _request(self, d: Draft, snapshot: ContextSnapshot) -> str:
        text = d.heard.text
        if self.rewriter is not None:
            result = self.rewriter.rewrite(text, snapshot, d.heard.confidence, turn_id=d.turn_id)
            d.lap("rewrite")
            if result is not None and fold(result.rewritten) != fold(text):
                d.rewrite = Rewrite(text, result.rewritten, result.layer, round(float(result.score), 4))
                await self._emit(EventType.REWRITE, d.heard.t_end, d.turn_id, d.rewrite.to_json())
                text = result.rewritten
        d.text = text
        macro = await asyncio.to_thread(self.taught.macro, text) or await asyncio.to_thread(
            self.taught.macro, teachable_phrase(text)
        )
        if macro is not None:
            d.macro = macro.phrase
            intents = tuple(s.to_intent() for s in macro.steps)
            d.describe(intents[0], intents)
            return await self._act(d, intents, snapshot)
        if (compound := await self._compound(d, text, snapshot)) is not None:
            return compound
        intent = await asyncio.to_thread(self.parser.parse, text, snapshot)
        d.lap("nlu")
        if intent is not None and intent.name in _TEACHING_INTENTS:
            intent = None  # teaching was parsed above; the model's guess at it ("study mode") is no request
        if intent is None:
            await self._emit(EventType.NOT_UNDERSTOOD, d.heard.t_end, d.turn_id, {"text": text})
            if (question := self._unsure(d, text, snapshot)) is not None:
                return question
            if (question := await self._ask_back(d, text, snapshot)) is not None:
                return question  # "Did you mean: ...?" (edge.turns.did_you_mean)
            return self._offer_teaching(d, text, "") or say.NOT_UNDERSTOOD
        from_domain = intent.source == "domain"
        if d.rewrite is not None and not intent.learned:
            intent = intent.with_source(d.rewrite_source())
        d.describe(intent, (intent,))
        await self._emit(EventType.INTENT, d.heard.t_end, d.turn_id, intent.to_json())
        if from_domain:
            # a custom domain's intent goes out on the intent topics (and Hermes) for its automations
            d.lap("plan")
            return say.domain_text(intent)
        if intent.name in _ANSWERS:
            d.lap("plan")  # a yes or no with no question waiting (or after it expired): nothing to do
            return say.NOTHING_ASKED
        if self.services is not None and self.services.handles(intent.name):
            return await self._serve(d, intent, snapshot)
        name_slot = intent.slots.get("name", "")
        if name_slot and not intent.targets:
            if (question := await self._ask_back(d, text, snapshot)) is not None:
                return question
            offer = self._offer_teaching(d, text, name_slot)
            return offer or say.no_device_text(name_slot)
        # "study mode": read as activating something, but nothing here is it and no device was named (no
        # pronoun, no area): a phrase of the household's own, offered for teaching
        if (
            not intent.targets
            and not intent.slots.get("area")
            and reaches_nothing(intent, snapshot)
            and (offer := self._offer_teaching(d, text, "")) is not None
        ):
            return offer
        return await self._act(d, (intent,), snapshot)

    async def _compound(self, d: Draft, text: str, snapshot: ContextSnapshot) -> str | None:
        """'turn on the office lamp and turn off the bedroom light': every part a request, all carried out."""
        parts = split_actions(text)
        if len(parts) < 2:
            return None
        intents: list[Intent] = []
        for part in parts:
            intent = await asyncio.to_thread(self.parser.parse, part, snapshot)
            if intent is None or intent.name in _TEACHING_INTENTS or intent.source == "domain":
                return None  # not a list of home requests: the whole sentence goes to the NLU
            intents.append(intent.with_source(d.rewrite_source()) if d.rewrite is not None else intent)
        d.lap("nlu")
        d.describe(intents[0], tuple(intents))
        for intent in intents:
            await self._emit(EventType.INTENT, d.heard.t_end, d.turn_id, intent.to_json())
        served = [i for i in intents if self.services is not None and self.services.handles(i.name)]
        if not served:
            return await self._act(d, tuple(intents), snapshot)
        # "set a timer for 5 minutes and turn off the oven": the services' parts here (a question they
        # would ask is left out), the devices' parts planned together as usual
        assert self.services is not None
        texts = [(await self.services.handle(i, snapshot)).text for i in served]
        devices = tuple(i for i in intents if not self.services.handles(i.name))
        if devices:
            texts.append(await self._act(d, devices, snapshot))
        return " ".join(t for t in texts if t)

    async def _serve(self, d: Draft, intent: Intent, snapshot: ContextSnapshot) -> str:
        """An intent that needs no device, carried out by the services ("Which timer?" waits for the
        answer)."""
        assert self.services is not None
        reply = await self.services.handle(intent, snapshot)
        d.lap("plan")
        d.result_ok = reply.ok
        d.intent = reply.intent or d.intent
        if reply.ask:
            self._pending = Pending("service", d.heard.t_end, intents=(intent,), candidates=reply.ask)
            d.asked = Asked.WHICH
        return reply.text

    def _unsure(self, d: Draft, text: str, snapshot: ContextSnapshot) -> str | None:
        """Below the operating point: ask between the model's two readings, act on nothing. The turn stays
        not understood (no intent) with ``asked`` = ``unsure`` and the top reading's confidence."""
        if not isinstance(self.parser, UnsureParser):
            return None
        readings = self.parser.readings(text, snapshot)
        question = unsure_question(readings, snapshot) if readings else None
        if question is None:
            return None
        self._pending = Pending("unsure", d.heard.t_end, intents=readings)
        d.asked = Asked.UNSURE
        d.intent_confidence, d.intent_margin = readings[0].confidence, readings[0].margin
        return question

    def _offer_teaching(self, d: Draft, text: str, name_slot: str) -> str | None:
        phrase = offer_phrase(text, name_slot)
        if phrase is None:
            return None
        self._pending = Pending("teach", d.heard.t_end, phrase=phrase)
        d.asked = Asked.TEACH
        d.teach_phrase = phrase
        return say.teach_offer(phrase)

    async def _act(self, d: Draft, intents: tuple[Intent, ...], snapshot: ContextSnapshot) -> str:
        if len(intents) == 1 and not d.macro:
            which = which_one(intents[0], snapshot)
            if which.ask:  # several devices fit a singular request: ask which one, act on nothing
                d.lap("plan")
                self._pending = Pending("which", d.heard.t_end, intents=intents, candidates=which.candidates)
                d.asked = Asked.WHICH
                return say.which_question(which.candidates, snapshot)
            if which.refusal:  # "close them" with nothing here to close: say so, act on nothing
                d.lap("plan")
                d.result_ok, d.result_error = False, str(ErrorCode.NO_SUCH_DEVICE)
                return which.refusal
            intents = (which.intent,)  # narrowed to the one in the satellite's area, when that settled it
            d.targets, d.target_scores = which.intent.targets, which.intent.target_scores
        try:
            plans = [self.home.plan(i, snapshot) for i in intents]
        except EdgeError as err:
            d.lap("plan")
            return plan_error_text(d, err, intents[0], snapshot)
        d.lap("plan")
        keys = tuple(tuple(command_key(c) for c in p.commands) for p in plans)
        verdict = review_turn(intents, plans, keys, snapshot)
        if verdict.refused:
            log.warning("refused a %s request: %s", Provenance.strongest(i.provenance for i in intents),
                        verdict.reason)  # fmt: skip
            d.result_ok, d.result_error = False, str(ErrorCode.SAFETY_REFUSED)
            d.refused = verdict.reason
            return say.refused_text(verdict.critical[:1], snapshot, verdict.hijack)
        if verdict.kind is VerdictKind.CONFIRM:
            return self._ask(d, intents, tuple(plans), keys=keys, snapshot=snapshot)
        outcome = await self._execute(d, intents, plans, snapshot)
        d.result_ok, d.result_error = outcome.ok, outcome.error
        text = " ".join(outcome.texts)
        acted = outcome.ok is True and bool(d.commands)
        if self.check.should_ask(d.intent_confidence, acted, d.heard.t_end) and not d.macro:
            d.asked = Asked.CHECK
            text = f"{text} {say.CHECK_QUESTION}"
        return text

    def _ask(
        self,
        d: Draft,
        intents: tuple[Intent, ...],
        plans: tuple[PlanLike, ...],
        *,
        keys: tuple[tuple[CommandKey, ...], ...],
        snapshot: ContextSnapshot,
        again: bool = False,
    ) -> str:
        """Ask about every command of ``plans`` and keep them, exactly, for the answer."""
        self._pending = Pending("confirm", d.heard.t_end, intents=intents, plans=plans, keys=keys)
        d.asked = Asked.CONFIRM
        return confirm_prompt(plans, keys, snapshot, again=again)

    async def _execute(
        self, d: Draft, intents: tuple[Intent, ...], plans: list[PlanLike], snapshot: ContextSnapshot
    ) -> Outcome:
        prefs = Preferences(await asyncio.to_thread(self.taught.preferences))
        timeout_s = self.settings.mqtt.command_timeout_s + 1.0
        return await run_plans(
            d,
            intents,
            plans,
            snapshot,
            executor=self.home,
            prefs=prefs,
            timeout_s=timeout_s,
            emit=self._emit,
        )

    # -- helpers -----------------------------------------------------------------------------------
    async def _finish(self, d: Draft, text: str) -> TurnRecord:
        d.response = text
        if text:
            await self._emit(EventType.RESPONSE, d.heard.t_end, d.turn_id, {"text": text})
            if self.speaker is not None:
                await self.speaker.say(text, d.heard.t_end)
        d.lap("respond")
        record = d.finish(d.heard.t_end)
        self._last_turn_id = record.turn_id
        return record

    async def _emit(self, kind: EventType, t_s: float, turn_id: str, data: dict[str, Any]) -> None:
        if self._emit_fn is None:
            return
        result = self._emit_fn(PipelineEvent(kind, t_s * 1000.0, turn_id, data))
        if inspect.isawaitable(result):
            await result


_TEACHING_INTENTS = frozenset({"TeachMacro", "TeachPreference", "ForgetTaught"})
_ANSWERS = frozenset({"Confirm", "Deny"})
