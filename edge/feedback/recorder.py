"""The feedback recorder: stores turns, device events and barge-ins, runs the detectors as new turns
arrive (and on :meth:`tick` for abandonment), stores the signals and keeps each turn's label current.

It keeps only a recent window in memory (the longest detector window plus a margin); everything is in the
store. Detectors are pure, so re-running them over the window is idempotent (signals are keyed by turn,
kind and related turn)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from edge.config import FeedbackSettings
from edge.feedback.labels import label_turn
from edge.feedback.observations import BargeIn, DeviceEvent
from edge.feedback.record import FeedbackSignal, Label, TurnRecord
from edge.feedback.signals import detect_all
from edge.feedback.writer import AsyncTurnStore

__all__ = ["FeedbackRecorder"]


class FeedbackRecorder:
    """Implements the turn engine's ``TurnObserver``. Calls are serialized by a lock."""

    def __init__(self, store: AsyncTurnStore, settings: FeedbackSettings) -> None:
        self.store = store
        self.settings = settings
        self._horizon = 2 * max(settings.rephrase_weak_s, settings.undo_window_s, settings.abandon_s)
        self._turns: list[TurnRecord] = []
        self._events: list[DeviceEvent] = []
        self._barge_ins: list[BargeIn] = []
        self._labels: dict[str, tuple[str, str]] = {}
        self._lock = asyncio.Lock()
        self.signals: dict[tuple[str, str, str], FeedbackSignal] = {}

    async def on_turn(self, record: TurnRecord) -> None:
        async with self._lock:
            await self.store.add_turn(record)
            self._turns.append(record)
            await self._detect(record.t_end)

    async def on_device_event(self, event: DeviceEvent) -> None:
        async with self._lock:
            await self.store.add_device_event(event)
            self._events.append(event)
            await self._detect(event.t)

    async def on_barge_in(self, event: BargeIn) -> None:
        async with self._lock:
            self._barge_ins.append(event)
            await self._detect(event.t)

    async def tick(self, now: float) -> None:
        """Run the time-based detectors (abandonment) and settle labels whose windows closed."""
        async with self._lock:
            await self._detect(now)

    async def _detect(self, now: float) -> None:
        found = detect_all(self._turns, self._events, self._barge_ins, now, self.settings)
        new = []
        for s in found:
            key = (s.turn_id, str(s.kind), s.related_turn_id)
            if self.signals.get(key) != s:
                self.signals[key] = s
                new.append(s)
        if new:
            await self.store.add_signals(new)
        all_signals = list(self.signals.values())
        for i, turn in enumerate(self._turns):
            decision = label_turn(turn, all_signals, now, self.settings)
            value = (decision.label.value, decision.failure_point)
            if self._labels.get(turn.turn_id, (Label.UNKNOWN.value, "")) != value:
                self._labels[turn.turn_id] = value
                await self.store.set_label(turn.turn_id, decision.label, decision.failure_point)
                self._turns[i] = replace(turn, label=value[0], failure_point=value[1])
        self._forget_before(now - self._horizon)

    def _forget_before(self, t: float) -> None:
        keep = {r.turn_id for r in self._turns if r.t_end >= t}
        self._turns = [r for r in self._turns if r.turn_id in keep]
        self._events = [e for e in self._events if e.t >= t]
        self._barge_ins = [b for b in self._barge_ins if b.turn_id in keep]
        self.signals = {k: v for k, v in self.signals.items() if v.turn_id in keep}
