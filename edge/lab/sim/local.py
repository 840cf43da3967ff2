"""An in-process simulated home: the same device model as ``edge simulate`` with no MQTT.

One object is the turn engine's home (an :class:`edge.turns.protocols.HomeView`: ``snapshot()``, ``plan()``,
``execute()``, ``drain_events()``) and the simulated home of a scripted session (``toggle()``,
``advance()``). Time is the simulated clock the caller advances, so thousands of turns run in seconds.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from edge.actions.commands import ActionResult, Plan
from edge.actions.effects import state_matches
from edge.actions.executor import preflight
from edge.actions.gate import SafetyGate
from edge.actions.planner import plan as make_plan
from edge.actions.undo import UndoEntry, UndoJournal
from edge.config import Settings
from edge.context.homes import Home, load_home
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.errors import ConfigError, ErrorCode
from edge.feedback.observations import ChangeSource, DeviceEvent
from edge.lab.sim.device_model import Fault, manual_toggle, respond
from edge.nlu.types import Intent
from edge.turns.protocols import PlanLike

__all__ = ["LocalExecutor", "LocalHome"]

EPOCH = datetime(2024, 1, 1, 7, 0).astimezone()


class LocalHome:
    """A simulated home in memory. ``t`` is simulated seconds; snapshots' ``time`` is ``start + t``."""

    def __init__(
        self,
        home: Home,
        satellite: Satellite | None = None,
        *,
        start: datetime = EPOCH,
        command_timeout_s: float = 5.0,
        seed: int = 0,
        home_id: str = "",
    ) -> None:
        self.home = home
        self.home_id = home_id
        self.satellite = satellite or Satellite()
        self.start = start
        self.command_timeout_s = command_timeout_s
        self.journal = UndoJournal()
        self.t = 0.0
        self._states: dict[str, DeviceState] = dict(home.states)
        self._faults: dict[str, Fault] = {}
        self._events: list[DeviceEvent] = []
        self._version = 1
        self._rng = random.Random(seed)
        self.executor = LocalExecutor(self)

    @classmethod
    def from_file(
        cls, path: Path, settings: Settings | None = None, *, seed: int = 0, home_id: str = ""
    ) -> LocalHome:
        s = settings or Settings()
        sat = Satellite(
            s.satellite.site_id, s.satellite.area, s.satellite.has_screen, s.satellite.has_speaker
        )
        timeout_s = s.mqtt.command_timeout_s
        return cls(load_home(path), sat, command_timeout_s=timeout_s, seed=seed, home_id=home_id)

    @property
    def states(self) -> Mapping[str, DeviceState]:
        return dict(self._states)

    def snapshot(self) -> ContextSnapshot:
        return ContextSnapshot(
            version=self._version,
            satellite=self.satellite,
            devices=self.home.devices,
            states=self._states,
            time=self.start + timedelta(seconds=self.t),
            areas=self.home.areas,
        )

    def advance(self, t: float) -> None:
        self.t = max(self.t, t)

    def set_fault(self, entity_id: str, fault: Fault) -> None:
        self._require(entity_id)
        self._faults[entity_id] = fault

    def plan(self, intent: Intent, snapshot: ContextSnapshot, *, confirmed: bool = False) -> Plan:
        """The planner with this home's undo journal; failed plans raise EdgeError (the engine's contract)."""
        return make_plan(intent, snapshot, journal=self.journal, confirmed=confirmed).raise_for_error()

    async def execute(self, plan: PlanLike) -> ActionResult:
        if not isinstance(plan, Plan):
            raise TypeError(f"LocalHome executes plans from its own planner, not {type(plan).__name__}")
        return await self.executor.execute(plan)

    def set_state(self, entity_id: str, state: DeviceState, source: ChangeSource) -> None:
        old = self._states.get(entity_id, DeviceState("unknown"))
        self._states[entity_id] = state
        self._version += 1
        if old.state != state.state:
            self._events.append(DeviceEvent(entity_id, old.state, state.state, self.t, source, self.home_id))

    def toggle(self, entity_id: str, t: float, to: str | None = None) -> DeviceEvent:
        """Someone flips ``entity_id`` by hand at ``t`` (reported among the device events, and returned)."""
        self.advance(t)
        device = self._require(entity_id)
        old = self._states.get(entity_id, DeviceState("unknown"))
        new = manual_toggle(device, old, self.t * 1000, to)
        self._states[entity_id] = new
        self._version += 1
        event = DeviceEvent(entity_id, old.state, new.state, self.t, ChangeSource.MANUAL, self.home_id)
        self._events.append(event)
        return event

    def drain_events(self) -> list[DeviceEvent]:
        """The device events since the last call: commanded changes and toggles by hand, in order."""
        out, self._events = self._events, []
        return out

    def fault(self, entity_id: str) -> Fault:
        return self._faults.get(entity_id, Fault.NONE)

    def rng(self) -> random.Random:
        return self._rng

    def _require(self, entity_id: str) -> Device:
        device = self.home.devices.get(entity_id)
        if device is None:
            raise ConfigError(f"no device {entity_id!r} in home {self.home.name}", hint="check the entity_id")
        return device


class LocalExecutor:
    """Executes plans on a :class:`LocalHome` with the simulated device model (faults included), after
    its own :class:`SafetyGate` has checked them against the home's devices."""

    def __init__(self, home: LocalHome, gate: SafetyGate | None = None) -> None:
        self.home = home
        self.gate = gate if gate is not None else SafetyGate()

    async def execute(self, plan: Plan) -> ActionResult:
        early = preflight(plan, self.gate, self.home.home.devices)
        if early is not None:
            return early
        home = self.home
        before = {c.entity_id: home.states.get(c.entity_id, DeviceState("unknown")) for c in plan.commands}
        confirmed: list[str] = []
        failed: list[str] = []
        latency = 0.0
        error = ""
        for command in plan.commands:
            device = home.home.devices[command.entity_id]
            state = home.states.get(command.entity_id, DeviceState("unknown"))
            fault = home.fault(command.entity_id)
            asked = [(command.action, command.value)]
            response = respond(device, state, asked, fault, home.rng(), t_ms=home.t * 1000)
            if response.state is None or response.delay_s > home.command_timeout_s:
                failed.append(command.entity_id)
                error = error or str(ErrorCode.DEVICE_TIMEOUT)
                latency = max(latency, home.command_timeout_s * 1000)
                continue
            latency = max(latency, response.delay_s * 1000)
            home.set_state(command.entity_id, response.state, ChangeSource.COMMAND)
            if state_matches(response.state, command.expected_state, command.expected_attributes):
                confirmed.append(command.entity_id)
            else:
                failed.append(command.entity_id)
                error = error or str(ErrorCode.DEVICE_ERROR)
        if plan.intent == "UndoLast":
            home.journal.pop()
        elif confirmed:
            home.journal.record(
                UndoEntry(plan.intent, {e: before[e] for e in dict.fromkeys(confirmed)}, home.t)
            )
        ok = not failed
        message = "" if ok else f"no confirmation from {', '.join(failed)}"
        return ActionResult(ok, error, message, latency, tuple(dict.fromkeys(confirmed)), tuple(failed))
