"""The product's runtime for one simulated household, composed as the device composes it
(:func:`edge.wiring.build_turns`): the real :class:`edge.turns.engine.TurnEngine` with the NLU model from
``models/nlu`` (:class:`edge.nlu.parser.NLUParser`: contextual intent model + entity resolution), the
planner and executor of :class:`edge.lab.sim.local.LocalHome` (in-memory devices with faults and an undo
journal), the feedback recorder on a real SQLite turn store (taught phrases in it too), a speaker whose
responses last as long as they would be spoken, and the learned rewriter of the night before. Every turn,
device event (commanded or by hand) and barge-in goes through the turn driver, and every tick of the
simulated clock reaches the recorder, so signals and labels come from the device's own path.

Besides running turns it answers the simulator's ground-truth questions without executing anything: would
these words have met the goal (parse + plan on a given snapshot), and would the intent the engine chose
have met it on the right device.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from edge.config import Settings
from edge.context.model import ContextSnapshot, DeviceState, Satellite
from edge.dialog.teach import teachable_phrase
from edge.dialog.tts import Speaker
from edge.errors import EdgeError
from edge.feedback.observations import BargeIn, DeviceEvent
from edge.feedback.record import FeedbackSignal, TurnRecord
from edge.feedback.store import TurnQuery, TurnStore
from edge.lab.sim.device_model import Fault
from edge.lab.sim.goals import SimGoal, goal_met, predicted_states
from edge.lab.sim.household_home import SimHome
from edge.lab.sim.local import LocalHome
from edge.lang import fold
from edge.nlu.parser import NLUParser, default_model_dir
from edge.nlu.types import Intent
from edge.turns.heard import Heard
from edge.turns.protocols import Parser, Rewriter
from edge.wiring import Turns, build_turns

__all__ = ["START", "SimRuntime", "SpokenLength", "Stored", "response_s", "shared_parser"]

START = datetime(2024, 1, 1)  # midnight: the simulated clock's hour of day is the snapshot's hour


@functools.cache
def _parser(model_dir: Path, settings: Settings) -> NLUParser:
    return NLUParser(settings, model_dir)


def shared_parser(settings: Settings) -> NLUParser:
    """One loaded NLU model per process (and per settings): every simulated home uses the same one."""
    return _parser(default_model_dir(settings), settings)


def response_s(text: str) -> float:
    """How long a response takes to say (seconds)."""
    return 0.3 + len(text) / 15.0


class SpokenLength:
    """A TTS that makes no sound: each response lasts :func:`response_s`, so a barge-in cuts it (or comes
    after it ended) as on a speaker."""

    name = "simulated"

    async def synthesize(self, text: str, out: Path) -> float:
        return response_s(text) if text else 0.0


@dataclass(frozen=True, slots=True)
class Stored:
    """What a simulated home's turn store holds: the turns (with the recorder's labels), their signals,
    the device events and the barge-ins."""

    turns: list[TurnRecord]
    signals: list[FeedbackSignal]
    events: list[DeviceEvent]
    barge_ins: list[BargeIn]


def _read(store: TurnStore, since: float | None) -> Stored:
    stored = store.turns(TurnQuery(since=since))
    signals = [s for t in stored for s in t.signals]
    return Stored([t.record for t in stored], signals, store.device_events(since), store.barge_ins(since))


def _no_time() -> float:
    return 0.0  # stage timings are wall-clock laps: they would make seeded runs differ


class SimRuntime:
    """One household's runtime on a turn store in ``folder``. Open it with :meth:`open` (or ``async with``)
    and drive it from one event loop."""

    def __init__(self, sim: SimHome, local: LocalHome, turns: Turns, parser: Parser) -> None:
        self.sim = sim
        self.local = local
        self.turns = turns
        self.parser = parser

    @classmethod
    async def open(
        cls, sim: SimHome, folder: Path, *, settings: Settings, parser: Parser, seed: int = 0
    ) -> SimRuntime:
        local = LocalHome(
            sim.to_home(),
            Satellite(area=sim.area),
            start=START,
            command_timeout_s=settings.mqtt.command_timeout_s,
            seed=seed,
            home_id=sim.home_id,
        )
        turns = await build_turns(
            settings, local, db=folder / f"{sim.home_id}.sqlite3", home_id=sim.home_id, parser=parser,
            rewriter=None, speaker=Speaker(SpokenLength(), workdir=folder), timer=_no_time,
        )  # fmt: skip
        return cls(sim, local, turns, parser)

    async def aclose(self) -> None:
        await self.turns.aclose()

    async def __aenter__(self) -> SimRuntime:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- running turns -----------------------------------------------------------------------------
    def use_rewriter(self, rewriter: object | None) -> None:
        """The learned rewriter for the next turns (anything with the engine's ``rewrite`` signature)."""
        self.turns.engine.rewriter = cast("Rewriter | None", rewriter)

    def states(self) -> dict[str, DeviceState]:
        return dict(self.local.states)

    def snapshot(self) -> ContextSnapshot:
        return self.local.snapshot()

    def set_faults(self, rng: random.Random) -> None:
        """Each faulty device ignores this turn's command with its own probability."""
        for entity_id, chance in self.sim.faulty.items():
            self.local.set_fault(entity_id, Fault.NO_RESPONSE if rng.random() < chance else Fault.NONE)

    async def tick(self, now: float) -> None:
        """Simulated time passes: the home's clock, then the recorder's (abandonment, settled labels)."""
        self.local.advance(now)
        await self.turns.driver.tick(now)

    async def handle(self, heard: Heard) -> TurnRecord:
        """One utterance through the driver: the engine's turn, recorded with the device events it caused."""
        self.local.advance(heard.t_start)
        record = await self.turns.driver.hear(heard)
        self.sim.sync(self.local.states)
        return record

    async def by_hand(self, entity_id: str, to: str, t: float) -> DeviceEvent:
        """Someone puts ``entity_id`` back to ``to`` at the switch or in the app at ``t``."""
        event = self.local.toggle(entity_id, t, to)
        await self.turns.driver.events()
        self.sim.sync(self.local.states)
        return event

    async def barge_in(self, t: float) -> BargeIn | None:
        """The user talks over the response at ``t`` (None: it had already ended)."""
        return await self.turns.driver.barge_in(t)

    async def stored(self, since: float | None = None) -> Stored:
        """What the turn store holds now (once every write so far is committed): the turns that started
        at ``since`` or later with their signals, and the device events and barge-ins since then."""
        await self.turns.store.flush()
        return await self.turns.store.read(functools.partial(_read, since=since))

    # -- ground truth (nothing executes) -----------------------------------------------------------
    def plan_meets(self, goal: SimGoal, intents: tuple[Intent, ...], snapshot: ContextSnapshot) -> bool:
        commands: list[tuple[str, str, object]] = []
        for intent in intents:
            try:
                plan = self.local.plan(intent, snapshot, confirmed=True)
            except EdgeError:
                return False
            commands += [(c.entity_id, c.action, c.value) for c in plan.commands]
        states: Mapping[str, DeviceState] = snapshot.states
        return goal_met(goal, snapshot.devices, states, predicted_states(commands, snapshot.devices, states))

    def would_meet(self, goal: SimGoal, text: str, snapshot: ContextSnapshot) -> bool:
        """Would ``text``, heard exactly, have met the goal (taught phrases, then the NLU and resolver)?"""
        taught = self.turns.taught
        macro = taught.macro(text) or taught.macro(teachable_phrase(text))
        if macro is not None:
            return self.plan_meets(goal, tuple(s.to_intent() for s in macro.steps), snapshot)
        intent = self.parser.parse(text, snapshot)
        return intent is not None and self.plan_meets(goal, (intent,), snapshot)

    def failed_stage(self, goal: SimGoal, said: str, record: TurnRecord, snapshot: ContextSnapshot) -> str:
        """The first stage that failed for good on a turn that did not meet its goal: result (the request
        was understood right, intent and devices, and the device did not do it), asr (the words said would
        have worked), nlu (no intent, or one that would not meet the goal even on the right device),
        entity_resolution (the right request on the wrong or no device)."""
        if record.no_speech:
            return "asr" if said.strip() else "false_wake"  # words said, nothing heard: the recognizer
        intent_ok = False
        if record.intent is not None and record.intent != "Macro":
            on_goal = Intent(
                record.intent, dict(record.slots), record.intent_confidence, record.text, (goal.entity_id,)
            )
            intent_ok = self.plan_meets(goal, (on_goal,), snapshot)
        right_devices = bool(record.targets) if goal.action == "play" else record.targets == (goal.entity_id,)
        if intent_ok and right_devices:
            return "result"
        if fold(said) != fold(record.asr_text) and self.would_meet(goal, said, snapshot):
            return "asr"
        return "entity_resolution" if intent_ok else "nlu"
