"""The turn engine's view of a home on an MQTT broker (an :class:`edge.turns.protocols.HomeView`): snapshots
from the context store, the pure planner with an undo journal, the MQTT executor that waits for each device
to confirm, and the device events: the state changes the store reported, coalesced per entity, each marked
as ours (commanded) or made by hand or by an app."""

from __future__ import annotations

import time
from collections.abc import Callable

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
    """The turn engine's home on a broker. ``clock`` stamps the device events (default: the wall clock,
    the turns' clock on the device)."""

    def __init__(
        self,
        store: ContextStore,
        session: MqttSession,
        settings: Settings,
        *,
        home_id: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.home_id = home_id
        self.clock = clock
        self._changes = store.coalesced_changes()
        self._taken: list[StateChange] = []  # a batch :meth:`changed` waited for, until drained
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

    def device_event(self, change: StateChange, t: float | None = None) -> DeviceEvent | None:
        """A reported state change as a feedback device event at ``t`` (default: the clock now); None when
        the state did not change."""
        if change.old is None or change.old.state == change.new.state:
            return None
        source = self.source_of(change.entity_id, change.new.state)
        return DeviceEvent(
            change.entity_id,
            change.old.state,
            change.new.state,
            self.clock() if t is None else t,
            source,
            self.home_id,
        )

    def drain_events(self) -> list[DeviceEvent]:
        """The state changes reported since the last call (coalesced per entity: the first old state, the
        latest new one) as device events at the clock's time now."""
        now = self.clock()
        changes, self._taken = [*self._taken, *self._changes.take_nowait()], []
        events = (self.device_event(c, now) for c in changes)
        return [e for e in events if e is not None]

    async def changed(self, settle_s: float = 0.25) -> None:
        """Wait until a device reports a change, then ``settle_s`` more for the changes that come with it
        (a chatty sensor costs one batch, not one event per message); ChannelClosed once closed."""
        self._taken += await self._changes.batch(settle_s)

    def close(self) -> None:
        """Stop collecting changes (the store drops a closed sink)."""
        self._changes.close()

    def plan(self, intent: Intent, snapshot: ContextSnapshot, *, confirmed: bool = False) -> Plan:
        return make_plan(intent, snapshot, journal=self.journal, confirmed=confirmed).raise_for_error()

    async def execute(self, plan: PlanLike) -> ActionResult:
        if not isinstance(plan, Plan):
            raise TypeError(f"MqttHome executes plans from its own planner, not {type(plan).__name__}")
        now = time.monotonic()
        for command in plan.commands:
            self._commanded[command.entity_id] = (command.expected_state, now)
        return await self.executor.execute(plan)
