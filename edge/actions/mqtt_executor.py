"""Executes plans over MQTT: publish each command on its topic, then wait for the device to report the
expected state (a fresh report, newer than the command) within ``timeout_s``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

from edge.actions.commands import ActionResult, Plan
from edge.actions.effects import state_matches
from edge.actions.executor import preflight
from edge.actions.gate import SafetyGate
from edge.actions.undo import UndoEntry, UndoJournal
from edge.context.model import ContextSnapshot, DeviceState
from edge.errors import EdgeError, ErrorCode

__all__ = ["MqttExecutor"]


class CommandPublisher(Protocol):
    async def publish(
        self,
        topic: str,
        payload: bytes | str,
        qos: int = 0,
        retain: bool = False,
        wait_s: float | None = None,
    ) -> None: ...


class StateWatcher(Protocol):
    def state(self, entity_id: str) -> DeviceState | None: ...
    def snapshot(self) -> ContextSnapshot: ...
    async def wait_for(
        self, entity_id: str, accept: Callable[[DeviceState], bool], within_s: float
    ) -> DeviceState | None: ...


class MqttExecutor:
    """The :class:`edge.actions.executor.Executor` for a real (or simulated) home over MQTT. Every plan
    passes its own :class:`SafetyGate` against the watcher's current devices before anything is sent."""

    def __init__(
        self,
        publisher: CommandPublisher,
        watcher: StateWatcher,
        *,
        timeout_s: float = 5.0,
        journal: UndoJournal | None = None,
        clock: Callable[[], float] = time.monotonic,
        gate: SafetyGate | None = None,
    ) -> None:
        self.publisher = publisher
        self.gate = gate if gate is not None else SafetyGate()
        self.watcher = watcher
        self.timeout_s = timeout_s
        self.journal = journal if journal is not None else UndoJournal()
        self._clock = clock

    async def execute(self, plan: Plan) -> ActionResult:
        early = preflight(plan, self.gate, self.watcher.snapshot().devices)
        if early is not None:
            return early
        start = self._clock()
        before = {c.entity_id: self.watcher.state(c.entity_id) for c in plan.commands}
        expected: dict[str, tuple[str, dict[str, Any]]] = {}
        for command in plan.commands:
            if not command.awaits_report:
                continue  # a scene or script reports nothing: published is done
            _state, attrs = expected.get(command.entity_id, ("", {}))
            expected[command.entity_id] = (command.expected_state, {**attrs, **command.expected_attributes})
        sent_ms = start * 1000
        try:
            for command in plan.commands:
                await self.publisher.publish(command.topic, command.payload, qos=1, wait_s=self.timeout_s)
        except EdgeError as err:
            return ActionResult(False, str(err.code), err.message, (self._clock() - start) * 1000)
        remaining = max(0.1, self.timeout_s - (self._clock() - start))
        results = await asyncio.gather(
            *(self._confirm(eid, want, attrs, sent_ms, remaining) for eid, (want, attrs) in expected.items())
        )
        activated = tuple(dict.fromkeys(c.entity_id for c in plan.commands if not c.awaits_report))
        confirmed = activated + tuple(eid for eid, ok in zip(expected, results, strict=True) if ok)
        failed = tuple(eid for eid, ok in zip(expected, results, strict=True) if not ok)
        latency = (self._clock() - start) * 1000
        if plan.intent == "UndoLast":
            if not failed:
                self.journal.pop()
        elif confirmed:
            previous = {e: s for e in confirmed if (s := before.get(e)) is not None}
            self.journal.record(UndoEntry(plan.intent, previous, start))
        if failed:
            message = f"no confirmation from {', '.join(failed)} within {self.timeout_s:g}s"
            return ActionResult(False, str(ErrorCode.DEVICE_TIMEOUT), message, latency, confirmed, failed)
        return ActionResult(True, "", "", latency, confirmed, ())

    async def _confirm(
        self, entity_id: str, state: str, attrs: dict[str, Any], sent_ms: float, within_s: float
    ) -> bool:
        def accept(reported: DeviceState) -> bool:
            return reported.t_ms >= sent_ms and state_matches(reported, state, attrs)

        return await self.watcher.wait_for(entity_id, accept, within_s) is not None
