"""The turn engine's view of a home on an MQTT broker: snapshots from the context store, the pure planner
with an undo journal, the MQTT executor that waits for each device to confirm, and which reported state
changes were ours (commanded) and which were made by hand or by an app."""

from __future__ import annotations

import time

from edge.actions.commands import ActionResult, Plan
from edge.actions.gate import SafetyGate
from edge.actions.mqtt_executor import MqttExecutor
from edge.actions.planner import plan as make_plan
from edge.actions.undo import UndoJournal
from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.context.mqtt import MqttSession
from edge.context.store import ContextStore, StateChange
from edge.feedback.observations import ChangeSource, DeviceEvent
from edge.nlu.types import Intent
from edge.turns.protocols import PlanLike

__all__ = ["MqttHome"]


class MqttHome:
    """Planner, executor and context source of the turn engine for a home on a broker."""

    def __init__(self, store: ContextStore, session: MqttSession, settings: Settings) -> None:
        self.store = store
        self.journal = UndoJournal()
        self.executor = MqttExecutor(
            session,
            store,
            timeout_s=settings.mqtt.command_timeout_s,
            journal=self.journal,
            gate=SafetyGate(settings.safety),
        )
        self.timeout_s = settings.mqtt.command_timeout_s
        self._commanded: dict[str, tuple[str, float]] = {}  # entity_id -> (state asked for, monotonic)

    def snapshot(self) -> ContextSnapshot:
        return self.store.snapshot()

    def source_of(self, entity_id: str, new_state: str) -> ChangeSource:
        """Whether a reported change is the one we commanded (within the command timeout) or by hand."""
        asked = self._commanded.get(entity_id)
        if asked and asked[0] == new_state and time.monotonic() - asked[1] <= 2 * self.timeout_s:
            return ChangeSource.COMMAND
        return ChangeSource.MANUAL

    def device_event(self, change: StateChange, home_id: str, t: float | None = None) -> DeviceEvent | None:
        """A reported state change as a feedback device event at ``t`` (default: now); None when the state
        did not change."""
        if change.old is None or change.old.state == change.new.state:
            return None
        source = self.source_of(change.entity_id, change.new.state)
        return DeviceEvent(
            change.entity_id,
            change.old.state,
            change.new.state,
            time.time() if t is None else t,
            source,
            home_id,
        )

    def plan(self, intent: Intent, snapshot: ContextSnapshot, *, confirmed: bool = False) -> Plan:
        return make_plan(intent, snapshot, journal=self.journal, confirmed=confirmed).raise_for_error()

    async def execute(self, plan: PlanLike) -> ActionResult:
        if not isinstance(plan, Plan):
            raise TypeError(f"MqttHome executes plans from its own planner, not {type(plan).__name__}")
        now = time.monotonic()
        for command in plan.commands:
            self._commanded[command.entity_id] = (command.expected_state, now)
        return await self.executor.execute(plan)
