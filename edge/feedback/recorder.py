"""The feedback recorder: stores turns, device events and barge-ins, runs the detectors as new turns
arrive (and on :meth:`tick` for abandonment), stores the signals and keeps each turn's label current.

It keeps only a recent window in memory (the longest detector window plus a margin); everything is in the
store. Detectors are pure, so re-running them over the window is idempotent (signals are keyed by turn,
kind and related turn).

Every turn is stored as *open*; once its windows have closed the recorder *settles* it (final label) in
the same transaction as its last signals. On its first call the recorder recovers what a crash left
open (:mod:`edge.feedback.recovery`): closed windows are labelled from the store, still-open ones come
back into memory. Device events are offered to the store's writer without waiting (batched, coalesced
per entity under a flood); the ones that can be feedback (a manual change of a device a recent turn
commanded, our own commands' confirmations) are marked to be kept, and only those are held in memory:
they are the only events the detectors read.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, replace

from edge.config import FeedbackSettings
from edge.feedback.labels import label_turn, windows_closed
from edge.feedback.observations import BargeIn, ChangeSource, DeviceEvent
from edge.feedback.record import FeedbackSignal, Label, TurnRecord
from edge.feedback.recovery import History, SignalKey, load_history, plan_recovery, signal_key
from edge.feedback.rephrase import Meaning
from edge.feedback.signals import commanded_entities, detect_all
from edge.feedback.store import TurnStore
from edge.feedback.writer import AsyncTurnStore

__all__ = ["FeedbackRecorder", "RecoveryReport"]

_RECENT_EVENTS = 256  # events seen just before a turn was recorded (a change by hand while it finished)
_IDLE_DETECT_S = 1.0  # events that cannot be feedback run the time-based detectors at most this often


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    """What the start-up recovery found: turns a crash left open, how many it labelled (windows closed),
    how many went back to the live path (windows still open), and the signals it added."""

    open_found: int
    settled: int
    reopened: int
    signals_added: int


class FeedbackRecorder:
    """The turn driver's ``Recorder`` (:mod:`edge.turns.driver`). Calls are serialized by a lock."""

    def __init__(
        self, store: AsyncTurnStore, settings: FeedbackSettings, sense: Meaning | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.sense = sense  # the NLU model's reading of two requests (edge.nlu.sense), for rephrases
        self._longest = max(settings.rephrase_weak_s, settings.undo_window_s, settings.abandon_s)
        self._horizon = 2 * self._longest
        self._feedback_s = max(settings.rephrase_weak_s, settings.undo_window_s)
        self._turns: list[TurnRecord] = []
        self._events: list[DeviceEvent] = []
        self._recent: deque[DeviceEvent] = deque(maxlen=_RECENT_EVENTS)
        self._barge_ins: list[BargeIn] = []
        self._labels: dict[str, tuple[str, str]] = {}
        self._settled: set[str] = set()
        self._lock = asyncio.Lock()
        self._last_detect = float("-inf")
        self.signals: dict[SignalKey, FeedbackSignal] = {}
        self.recovery: RecoveryReport | None = None

    # -- the Recorder calls --------------------------------------------------------------------------
    async def on_turn(self, record: TurnRecord) -> None:
        async with self._lock:
            await self._recover_once(record.t_end)

            def add(s: TurnStore) -> None:
                s.add_turn(record)
                s.open_turn(record.turn_id, record.t_end)

            await self.store.write(add)
            self._turns.append(record)
            commanded = commanded_entities(record)
            seen = set(self._events)
            self._events += [
                e for e in self._recent if e.entity_id in commanded and e.t >= record.t_end and e not in seen
            ]
            await self._detect(record.t_end)

    async def on_device_event(self, event: DeviceEvent) -> None:
        """Never waits for the disk: the event is offered to the store's writer."""
        async with self._lock:
            await self._recover_once(event.t)
            feedback = self._may_be_feedback(event)
            self.store.offer_device_event(event, keep=feedback or event.source == ChangeSource.COMMAND)
            if feedback:
                self._events.append(event)
                await self._detect(event.t)
                return
            self._recent.append(event)
            if event.t - self._last_detect >= _IDLE_DETECT_S:
                await self._detect(event.t)

    async def on_barge_in(self, event: BargeIn) -> None:
        async with self._lock:
            await self._recover_once(event.t)
            await self.store.add_barge_in(event)
            self._barge_ins.append(event)
            await self._detect(event.t)

    async def tick(self, now: float) -> None:
        """Run the time-based detectors (abandonment) and settle labels whose windows closed."""
        async with self._lock:
            await self._recover_once(now)
            await self._detect(now)

    async def recover(self, now: float) -> RecoveryReport:
        """Recover the turns a crash left open (done by the first call anyway; later calls do nothing)."""
        async with self._lock:
            return await self._recover_once(now)

    # -- recovery ------------------------------------------------------------------------------------
    async def _recover_once(self, now: float) -> RecoveryReport:
        if self.recovery is not None:
            return self.recovery
        history = await self.store.read(lambda s: load_history(s, self._horizon))
        plan = plan_recovery(history, now, self.settings, self.sense)

        def write(s: TurnStore) -> None:
            for signal in plan.new_signals:
                s.add_signal(signal)
            for turn_id, decision in plan.settle:
                s.settle(turn_id, decision.label, decision.failure_point)

        if plan.new_signals or plan.settle:
            await self.store.write(write)
        if plan.reopen:
            self._put_back(history, set(plan.reopen), plan.signals, now)
        self.recovery = RecoveryReport(
            len(history.open_ids), len(plan.settle), len(plan.reopen), len(plan.new_signals)
        )
        return self.recovery

    def _put_back(
        self, history: History, reopen: set[str], signals: tuple[FeedbackSignal, ...], now: float
    ) -> None:
        since = now - self._horizon
        self._turns = [t for t in history.turns if t.t_end >= since or t.turn_id in reopen]
        kept = {t.turn_id for t in self._turns}
        self._settled = kept - reopen
        self._labels = {t.turn_id: (t.label, t.failure_point) for t in self._turns}
        self._barge_ins = [b for b in history.barge_ins if b.turn_id in kept]
        self.signals = {signal_key(s): s for s in signals if s.turn_id in kept}
        self._events = [e for e in history.events if self._may_be_feedback(e)]

    # -- detection -----------------------------------------------------------------------------------
    def _may_be_feedback(self, event: DeviceEvent) -> bool:
        """A change by hand of a device a turn in memory commanded, within that turn's feedback windows:
        the only events the detectors read (undo by hand, a device put back before a rephrase)."""
        if event.source != ChangeSource.MANUAL:
            return False
        return any(
            turn.t_end <= event.t <= turn.t_end + self._feedback_s
            and event.entity_id in commanded_entities(turn)
            for turn in self._turns
        )

    async def _detect(self, now: float) -> None:
        self._last_detect = now
        found = detect_all(self._turns, self._events, self._barge_ins, now, self.settings, sense=self.sense)
        new: list[FeedbackSignal] = []
        for s in found:
            key = signal_key(s)
            if s.turn_id not in self._settled and self.signals.get(key) != s:
                self.signals[key] = s
                new.append(s)
        all_signals = list(self.signals.values())
        labels: list[tuple[str, Label, str]] = []
        settle: list[tuple[str, Label, str]] = []
        for i, turn in enumerate(self._turns):
            if turn.turn_id in self._settled:
                continue
            decision = label_turn(turn, all_signals, now, self.settings)
            value = (decision.label.value, decision.failure_point)
            if windows_closed(turn, now, self.settings):
                settle.append((turn.turn_id, decision.label, decision.failure_point))
                self._settled.add(turn.turn_id)
            elif self._labels.get(turn.turn_id, (Label.UNKNOWN.value, "")) != value:
                labels.append((turn.turn_id, decision.label, decision.failure_point))
            if self._labels.get(turn.turn_id) != value:
                self._labels[turn.turn_id] = value
                self._turns[i] = replace(turn, label=value[0], failure_point=value[1])
        if new or labels or settle:

            def write(s: TurnStore) -> None:
                for signal in new:
                    s.add_signal(signal)
                for turn_id, label, point in labels:
                    s.set_label(turn_id, label, point)
                for turn_id, label, point in settle:
                    s.settle(turn_id, label, point)

            await self.store.write(write)
        self._forget_before(now - self._horizon)

    def _forget_before(self, t: float) -> None:
        keep = {r.turn_id for r in self._turns if r.t_end >= t}
        self._turns = [r for r in self._turns if r.turn_id in keep]
        self._events = [e for e in self._events if e.t >= t]
        self._barge_ins = [b for b in self._barge_ins if b.turn_id in keep]
        self.signals = {k: v for k, v in self.signals.items() if v.turn_id in keep}
        self._settled &= keep
        self._labels = {k: v for k, v in self._labels.items() if k in keep}
