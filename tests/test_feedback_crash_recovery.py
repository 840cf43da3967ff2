"""Crash recovery of the feedback windows and batched device-event writes, against real SQLite files.

A process killed mid-session leaves in the store exactly what its committed writes put there: turns
marked open, and possibly a device event or barge-in whose detection never ran. These tests build that
state with the real recorder and store (closing the store where the process would have died, or writing
the last input straight into the file), then start a new recorder on it.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from pathlib import Path
from typing import Any

from edge.config import FeedbackSettings
from edge.feedback.crash_drill import Item, play_item, stream
from edge.feedback.crash_harness import reference_labels, stored_labels
from edge.feedback.event_buffer import DeviceEventBuffer
from edge.feedback.observations import BargeIn, ChangeSource, DeviceEvent
from edge.feedback.record import Label, SignalKind, TurnRecord
from edge.feedback.recorder import FeedbackRecorder, RecoveryReport
from edge.feedback.store import TurnStore
from edge.feedback.writer import AsyncTurnStore

SETTINGS = FeedbackSettings()
LIGHT = "light.kitchen"


def request(turn_id: str, t: float, *, state: str = "on") -> TurnRecord:
    return TurnRecord(
        turn_id, "s1", "h1", t, t + 1.5, asr_text=f"turn {state} the kitchen light", intent="HassTurnOn",
        targets=(LIGHT,), commands=({"entity_id": LIGHT, "state": state},), result_ok=True, response="Done.",
        prior_states={LIGHT: "off" if state == "on" else "on"},
    )  # fmt: skip


async def play(db: Path, items: list[Item], *, until: float | None = None) -> RecoveryReport:
    """A recorder over ``db`` takes ``items`` (and a tick at ``until``); the store is then closed as a
    killed process leaves it: every awaited write committed, no window closed that was still open."""
    async with AsyncTurnStore(db) as store:
        recorder = FeedbackRecorder(store, SETTINGS)
        for item in items:
            await play_item(recorder, item)
        if until is not None:
            await recorder.tick(until)
        return await recorder.recover(0.0)  # the first call recovered already: the same report


def dump(db: Path) -> tuple[list[Any], ...]:
    conn = sqlite3.connect(db)
    try:
        return tuple(
            conn.execute(sql).fetchall()
            for sql in (
                "SELECT turn_id, label, failure_point FROM turns ORDER BY turn_id",
                "SELECT turn_id, kind, t, strength, evidence, related_turn_id FROM signals ORDER BY id",
                "SELECT turn_id, t_end FROM open_turns ORDER BY turn_id",
            )
        )
    finally:
        conn.close()


def test_recovery_labels_what_a_crash_left_open_like_the_live_path_and_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "turns.db"
    items = list(itertools.islice(stream(7), 60))  # requests, put-backs, rephrases, barge-ins, a sensor
    asyncio.run(play(db, items))
    with TurnStore(db) as store:
        left_open = store.open_turns()
    labels, _ = stored_labels(db, 7)
    assert len(left_open) >= 3
    assert any(labels[t] == ("unknown", "") for t in left_open)  # the live path had not decided them yet

    report = asyncio.run(play(db, [], until=7 * 100_000.0 + 10_000.0))
    assert report.open_found == report.settled == len(left_open) and report.reopened == 0
    labels, still_open = stored_labels(db, 7)
    assert still_open == 0
    assert labels == reference_labels(db, 7)  # what an uninterrupted recorder gives the same turns
    assert {label for label, _ in labels.values()} >= {"defect", "success"}

    after_first = dump(db)
    again = asyncio.run(play(db, [], until=7 * 100_000.0 + 20_000.0))
    assert again == RecoveryReport(0, 0, 0, 0)
    assert dump(db) == after_first


def test_inputs_stored_just_before_the_crash_are_detected_at_recovery(tmp_path: Path) -> None:
    """The process died after committing a barge-in and a manual put-back but before detecting them."""
    db = tmp_path / "turns.db"
    asyncio.run(play(db, [request("a", 100.0), request("b", 150.0, state="off")]))
    with TurnStore(db) as store:
        assert set(store.open_turns()) == {"a", "b"}
        store.add_barge_in(BargeIn("a", 101.8, 101.5, 3.0))
        store.add_device_event(DeviceEvent(LIGHT, "off", "on", 170.0, ChangeSource.MANUAL, "h1"))
    asyncio.run(play(db, [], until=2_000.0))
    with TurnStore(db) as store:
        a, b = store.turn("a"), store.turn("b")
        assert store.open_turns() == {}
    assert a is not None and b is not None
    assert a.record.label == Label.DEFECT and [s.kind for s in a.signals] == [SignalKind.BARGE_IN]
    assert b.record.label == Label.DEFECT and [s.kind for s in b.signals] == [SignalKind.UNDO]


def test_turns_still_open_go_back_to_the_live_path(tmp_path: Path) -> None:
    db = tmp_path / "turns.db"
    asyncio.run(play(db, [request("a", 100.0), request("b", 130.0, state="off")]))

    async def restart() -> RecoveryReport | None:
        async with AsyncTurnStore(db) as store:
            recorder = FeedbackRecorder(store, SETTINGS)
            await recorder.tick(140.0)
            # after the restart: the light b turned off is put back on by hand, inside b's undo window
            await recorder.on_device_event(DeviceEvent(LIGHT, "off", "on", 170.0, ChangeSource.MANUAL, "h1"))
            await recorder.tick(1_000.0)
            return recorder.recovery

    report = asyncio.run(restart())
    assert report is not None
    assert (report.open_found, report.settled, report.reopened) == (2, 0, 2)
    with TurnStore(db) as store:
        assert store.open_turns() == {}
        a, b = store.turn("a"), store.turn("b")
        assert sum(1 for _ in store.device_events()) == 1
    assert a is not None and b is not None
    assert b.record.label == Label.DEFECT and [s.kind for s in b.signals] == [SignalKind.UNDO]
    assert a.record.label == Label.SUCCESS and a.signals == ()  # a's windows had passed


def test_five_thousand_events_few_transactions_feedback_kept(tmp_path: Path) -> None:
    """A chatty sensor during a turn's undo window: the events reach the store in batches, and the light
    put back by hand (feedback) is stored and labels the turn."""
    db = tmp_path / "turns.db"

    async def main() -> tuple[int, int, int]:
        async with AsyncTurnStore(db) as store:
            recorder = FeedbackRecorder(store, SETTINGS)
            await recorder.on_turn(request("a", 0.0))
            for i in range(5_000):
                t = 2.0 + i / 5_000
                value = f"{20 + (i % 7) / 10:.1f}"
                await recorder.on_device_event(DeviceEvent("sensor.temp", "x", value, t, home_id="h1"))
                if i == 2_500:
                    await recorder.on_device_event(DeviceEvent(LIGHT, "on", "off", t, home_id="h1"))
            await store.flush()
            await recorder.tick(1_000.0)
            stats = store.stats()
            return stats.commits, stats.event_batches, stats.events_written

    commits, event_batches, written = asyncio.run(main())
    assert written == 5_001  # the writer kept up: nothing had to be coalesced
    assert event_batches <= 5_001 // 20  # at least 20 events per transaction on average
    assert commits < 300
    with TurnStore(db) as store:
        manual = [e for e in store.device_events() if e.entity_id == LIGHT]
        a = store.turn("a")
    assert [(e.old, e.new) for e in manual] == [("on", "off")]
    assert a is not None and a.record.label == Label.DEFECT


def test_flood_on_a_full_buffer_coalesces_per_entity_and_keeps_feedback(tmp_path: Path) -> None:
    db = tmp_path / "turns.db"
    last: dict[str, str] = {}
    kept: list[DeviceEvent] = []

    async def main() -> None:
        async with AsyncTurnStore(db, event_capacity=16) as store:
            for i in range(5_000):  # offered in one go: the writer cannot keep up with 16 places
                entity = f"sensor.s{i % 10}"
                old, new = last.get(entity, "0"), str(i)
                last[entity] = new
                store.offer_device_event(DeviceEvent(entity, old, new, i / 5_000))
                if i % 1_000 == 500:
                    event = DeviceEvent(LIGHT, "on", "off", i / 5_000, ChangeSource.MANUAL)
                    kept.append(event)
                    store.offer_device_event(event, keep=True)
            await store.flush()
            stats = store.stats()
            assert stats.buffer.dropped == 0 and stats.buffer.offered == 5_005
            assert stats.buffer.coalesced > 0 and stats.events_written < 5_005

    asyncio.run(main())
    with TurnStore(db) as store:
        events = store.device_events()
    assert [e for e in events if e.entity_id == LIGHT] == kept  # every one that matters, untouched
    final = {e.entity_id: e.new for e in events}
    assert {k: v for k, v in final.items() if k != LIGHT} == last  # every sensor ends where it ended


def test_buffer_policy_coalesces_merges_and_cancels_only_unkept_events() -> None:
    buffer = DeviceEventBuffer(capacity=2, keep_reserve=1)
    e = DeviceEvent
    assert buffer.offer(e("sensor.a", "1", "2", 1.0)) is True  # first since the last drain: wake
    assert buffer.offer(e("sensor.b", "5", "6", 1.1)) is False
    buffer.offer(e("sensor.a", "2", "3", 1.2))  # full: merged into a's waiting change
    buffer.offer(e("sensor.c", "0", "1", 1.3))  # full, nothing of c waiting: dropped
    buffer.offer(e("light.k", "on", "off", 1.4), keep=True)  # feedback: admitted into the reserve
    buffer.offer(e("light.k", "off", "on", 1.5), keep=True)  # reserve used up: dropped, counted
    buffer.offer(e("sensor.b", "6", "5", 1.6))  # back where it started: b's change disappears
    stats = buffer.stats()
    assert (stats.offered, stats.coalesced, stats.dropped, stats.dropped_kept) == (7, 2, 2, 1)
    assert buffer.drain() == [e("sensor.a", "1", "3", 1.2), e("light.k", "on", "off", 1.4)]
    assert buffer.drain() == [] and buffer.offer(e("sensor.a", "3", "4", 2.0)) is True
