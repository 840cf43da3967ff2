"""The product's runtime for one simulated household: the real :class:`edge.turns.engine.TurnEngine` with
the NLU model from ``models/nlu`` (:class:`edge.nlu.parser.NLUParser`: contextual intent model + entity
resolution), the planner and executor of :class:`edge.lab.sim.local.LocalHome` (in-memory devices with faults
and an undo journal), a :class:`TaughtStore` in memory and the learned rewriter of the night before.

Besides running turns it answers the simulator's ground-truth questions without executing anything: would
these words have met the goal (parse + plan on a given snapshot), and would the intent the engine chose
have met it on the right device.
"""

from __future__ import annotations

import dataclasses
import functools
import random
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import cast

from edge.config import Settings
from edge.context.model import ContextSnapshot, DeviceState, Satellite
from edge.dialog.teach import teachable_phrase
from edge.errors import EdgeError
from edge.feedback.observations import DeviceEvent
from edge.feedback.record import TurnRecord
from edge.feedback.taught import TaughtStore
from edge.lab.sim.device_model import Fault
from edge.lab.sim.goals import SimGoal, goal_met, predicted_states
from edge.lab.sim.household_home import SimHome
from edge.lab.sim.local import LocalHome
from edge.lang import fold
from edge.nlu.parser import NLUParser, default_model_dir
from edge.nlu.types import Intent
from edge.turns.engine import TurnEngine
from edge.turns.heard import Heard
from edge.turns.protocols import Parser, Rewriter

__all__ = ["START", "SimRuntime", "shared_parser"]

START = datetime(2024, 1, 1)  # midnight: the simulated clock's hour of day is the snapshot's hour


@functools.cache
def _parser(model_dir: Path, settings: Settings) -> NLUParser:
    return NLUParser(settings, model_dir)


def shared_parser(settings: Settings) -> NLUParser:
    """One loaded NLU model per process (and per settings): every simulated home uses the same one."""
    return _parser(default_model_dir(settings), settings)


class SimRuntime:
    """One household's runtime. Not thread-safe; drive it from one event loop at a time."""

    def __init__(self, sim: SimHome, *, settings: Settings, parser: Parser, seed: int = 0) -> None:
        self.sim = sim
        self.parser = parser
        self.local = LocalHome(
            sim.to_home(),
            Satellite(area=sim.area),
            start=START,
            command_timeout_s=settings.mqtt.command_timeout_s,
            seed=seed,
        )
        self.taught = TaughtStore(":memory:", sim.home_id)
        self.engine = TurnEngine(
            settings=settings,
            parser=parser,
            planner=self.local,
            executor=self.local,
            context=self.local,
            taught=self.taught,
            home_id=sim.home_id,
        )

    def close(self) -> None:
        self.taught.close()

    # -- running turns -----------------------------------------------------------------------------
    def use_rewriter(self, rewriter: object | None) -> None:
        """The learned rewriter for the next turns (anything with the engine's ``rewrite`` signature)."""
        self.engine.rewriter = cast("Rewriter | None", rewriter)

    def states(self) -> dict[str, DeviceState]:
        return dict(self.local.states)

    def snapshot(self) -> ContextSnapshot:
        return self.local.snapshot()

    def set_faults(self, rng: random.Random) -> None:
        """Each faulty device ignores this turn's command with its own probability."""
        for entity_id, chance in self.sim.faulty.items():
            self.local.set_fault(entity_id, Fault.NO_RESPONSE if rng.random() < chance else Fault.NONE)

    async def handle(self, heard: Heard) -> TurnRecord:
        self.local.advance(heard.t_start)
        record = await self.engine.handle(heard)
        self.local.drain_events()  # commanded changes; the simulator records the manual ones it makes
        self.sim.sync(self.local.states)
        return dataclasses.replace(record, timings_ms={})  # wall-clock laps would break reproducibility

    def by_hand(self, entity_id: str, to: str, t: float) -> DeviceEvent:
        """Someone puts ``entity_id`` back to ``to`` at the switch or in the app."""
        event = dataclasses.replace(self.local.toggle(entity_id, t, to), home_id=self.sim.home_id)
        self.sim.sync(self.local.states)
        return event

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
        macro = self.taught.macro(text) or self.taught.macro(teachable_phrase(text))
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
