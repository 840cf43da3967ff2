"""Crash recovery of the feedback windows.

The recorder marks every turn it records as open (``open_turns``) in the same transaction as the turn, and
settles it (final label, no longer open) in the transaction that stores the signals its windows produced.
A kill -9 leaves the turns of the last few minutes open. On the next start :func:`load_history` reads what
the store holds around them (earlier turns as context, later turns, device events, barge-ins, the signals
stored so far) and :func:`plan_recovery` runs the same detectors and labeller as the live path: turns whose
windows have closed by ``now`` get the label the live path would have given them when their windows closed
(no detector looks past a closed window, so later evaluation gives the same decision); the others go back
to the live recorder. Running it twice changes nothing: a settled turn is no longer open, and signals are
keyed by turn, kind and related turn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from edge.config import FeedbackSettings
from edge.feedback.labels import LabelDecision, label_turn, windows_closed
from edge.feedback.observations import BargeIn, DeviceEvent
from edge.feedback.record import FeedbackSignal, TurnRecord
from edge.feedback.rephrase import Meaning
from edge.feedback.signals import detect_all
from edge.feedback.store import TurnQuery, TurnStore

__all__ = ["History", "RecoveryPlan", "SignalKey", "load_history", "plan_recovery", "signal_key"]

SignalKey = tuple[str, str, str]
_LONGEST_TURN_S = 600.0  # turns are read by start time; none lasts longer than this


def signal_key(signal: FeedbackSignal) -> SignalKey:
    return (signal.turn_id, str(signal.kind), signal.related_turn_id)


@dataclass(frozen=True, slots=True)
class History:
    """What the store holds around the open turns (everything from ``horizon`` before the oldest)."""

    open_ids: frozenset[str] = frozenset()
    turns: tuple[TurnRecord, ...] = ()
    events: tuple[DeviceEvent, ...] = ()
    barge_ins: tuple[BargeIn, ...] = ()
    signals: tuple[FeedbackSignal, ...] = ()


@dataclass(frozen=True, slots=True)
class RecoveryPlan:
    """``settle``: open turns whose windows have closed, with their final label; ``reopen``: the ones still
    open at ``now``; ``new_signals``: signals of open turns the store does not hold yet (or holds
    differently); ``signals``: every signal of the history, stored and new."""

    settle: tuple[tuple[str, LabelDecision], ...]
    reopen: tuple[str, ...]
    new_signals: tuple[FeedbackSignal, ...]
    signals: tuple[FeedbackSignal, ...]


def load_history(store: TurnStore, horizon_s: float) -> History:
    """Read the open turns and their surroundings (synchronous: run it on the store's reader thread)."""
    open_turns = store.open_turns()
    if not open_turns:
        return History()
    since = min(open_turns.values()) - horizon_s
    stored = [
        t for t in store.iter_turns(TurnQuery(since=since - _LONGEST_TURN_S)) if t.record.t_end >= since
    ]
    return History(
        frozenset(open_turns),
        tuple(t.record for t in stored),
        tuple(store.device_events(since=since)),
        tuple(store.barge_ins(since=since)),
        tuple(s for t in stored for s in t.signals),
    )


def plan_recovery(
    history: History, now: float, settings: FeedbackSettings, sense: Meaning | None = None
) -> RecoveryPlan:
    """Run the detectors over the history at ``now`` and decide each open turn (pure; ``sense``: as the
    live recorder's)."""
    known = {signal_key(s): s for s in history.signals}
    found = detect_all(history.turns, history.events, history.barge_ins, now, settings, sense=sense)
    new = _changed(found, known, history.open_ids)
    for s in new:
        known[signal_key(s)] = s
    signals = tuple(known.values())
    settle: list[tuple[str, LabelDecision]] = []
    reopen: list[str] = []
    for turn in history.turns:
        if turn.turn_id not in history.open_ids:
            continue
        if windows_closed(turn, now, settings):
            settle.append((turn.turn_id, label_turn(turn, signals, now, settings)))
        else:
            reopen.append(turn.turn_id)
    return RecoveryPlan(tuple(settle), tuple(reopen), tuple(new), signals)


def _changed(
    found: Iterable[FeedbackSignal], known: dict[SignalKey, FeedbackSignal], open_ids: frozenset[str]
) -> list[FeedbackSignal]:
    out: dict[SignalKey, FeedbackSignal] = {}
    for s in found:
        key = signal_key(s)
        if s.turn_id in open_ids and known.get(key) != s:
            out[key] = s
    return list(out.values())
