"""The turn store: schema, round trips, signals, labels, migrations, retention, export, async writer."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from edge.config import FeedbackSettings
from edge.errors import EdgeError
from edge.feedback.export import export_jsonl
from edge.feedback.migrations import SCHEMA_VERSION, migrate
from edge.feedback.observations import ChangeSource, DeviceEvent
from edge.feedback.record import FeedbackSignal, Label, Rewrite, SignalKind, TurnRecord
from edge.feedback.recorder import FeedbackRecorder
from edge.feedback.retention import db_bytes, prune
from edge.feedback.store import TurnQuery, TurnStore
from edge.feedback.writer import AsyncTurnStore


def make_turn(i: int, t: float = 0.0, session: str = "s1", home: str = "h1", **kw: object) -> TurnRecord:
    base: dict[str, object] = {
        "turn_id": f"t{i}",
        "session_id": session,
        "home_id": home,
        "t_start": t,
        "t_end": t + 1.5,
        "asr_text": f"turn on light {i}",
        "asr_nbest": ("turn on light", "turn of light"),
        "rewrite": Rewrite("x", "y", "personal", 0.9),
        "intent": "HassTurnOn",
        "slots": {"name": "light"},
        "targets": ("light.kitchen",),
        "target_scores": (0.93,),
        "commands": ({"entity_id": "light.kitchen", "state": "on"},),
        "result_ok": True,
        "timings_ms": {"nlu": 12.5},
        "source": "text",
        "prior_states": {"light.kitchen": "off"},
    }
    base.update(kw)
    return TurnRecord(**base)  # type: ignore[arg-type]


def test_round_trip_every_field(tmp_path: Path) -> None:
    with TurnStore(tmp_path / "t.db") as store:
        record = make_turn(1, result_ok=None, rewrite=None)
        store.add_turn(record)
        store.add_turn(make_turn(2, t=5.0))
        got = store.turn("t1")
        assert got is not None
        assert got.record == record
        assert store.turn("t2").record.rewrite.layer == "personal"  # type: ignore[union-attr]
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_text_that_is_not_valid_unicode_is_stored_not_lost(tmp_path: Path) -> None:
    # an unpaired surrogate (from a file name or a script line that was not UTF-8) once failed the write
    with TurnStore(tmp_path / "t.db") as store:
        store.add_turn(make_turn(1, asr_text="turn on the \udcff lamp", response="Done \ud800."))
        got = store.turn("t1")
    assert got is not None
    assert got.record.asr_text == "turn on the \ufffd lamp"
    assert got.record.response == "Done \ufffd."


def test_signals_attach_and_are_idempotent(tmp_path: Path) -> None:
    with TurnStore(tmp_path / "t.db") as store:
        store.add_turn(make_turn(1))
        sig = FeedbackSignal("t1", SignalKind.REPHRASE, 3.0, 0.9, {"text": 0.8}, "t2")
        store.add_signal(sig)
        store.add_signal(FeedbackSignal("t1", SignalKind.REPHRASE, 3.0, 0.7, {"text": 0.6}, "t2"))
        store.add_signal(FeedbackSignal("t1", SignalKind.UNDO, 9.0, 1.0, {"by": "manual"}))
        got = store.turn("t1")
        assert got is not None
        assert [(s.kind, s.strength) for s in got.signals] == [
            (SignalKind.REPHRASE, 0.7),
            (SignalKind.UNDO, 1.0),
        ]
        assert got.signals[0].related_turn_id == "t2"


def test_label_update_and_queries(tmp_path: Path) -> None:
    with TurnStore(tmp_path / "t.db") as store:
        for i in range(6):
            store.add_turn(
                make_turn(i, t=10.0 * i, session="a" if i < 3 else "b", home="h1" if i % 2 else "h2")
            )
        assert store.set_label("t3", Label.DEFECT, "asr")
        assert not store.set_label("nope", Label.SUCCESS)
        t3 = store.turn("t3")
        assert t3 is not None and (t3.record.label, t3.record.failure_point) == ("defect", "asr")
        assert [t.record.turn_id for t in store.iter_turns(TurnQuery(session_id="b"))] == ["t3", "t4", "t5"]
        assert [t.record.turn_id for t in store.iter_turns(TurnQuery(home_id="h1"))] == ["t1", "t3", "t5"]
        window = store.turns(TurnQuery(since=10.0, until=40.0))
        assert [t.record.turn_id for t in window] == ["t1", "t2", "t3"]
        newest = store.turns(TurnQuery(limit=2, newest_first=True))
        assert [t.record.turn_id for t in newest] == ["t5", "t4"]


def test_device_events(tmp_path: Path) -> None:
    with TurnStore(tmp_path / "t.db") as store:
        store.add_device_event(DeviceEvent("light.kitchen", "on", "off", 12.0, ChangeSource.MANUAL))
        store.add_device_event(DeviceEvent("light.hall", "off", "on", 2.0, ChangeSource.COMMAND))
        events = store.device_events()
        assert [(e.entity_id, e.source) for e in events] == [
            ("light.hall", ChangeSource.COMMAND),
            ("light.kitchen", ChangeSource.MANUAL),
        ]
        assert store.device_events(since=5.0)[0].new == "off"


def test_migration_from_version_one_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == 1
    conn.execute(
        "INSERT INTO turns (turn_id, session_id, home_id, t_start, t_end, asr_text, intent)"
        " VALUES ('old1', 's', 'h', 1.0, 2.0, 'lights on', 'HassTurnOn')"
    )
    conn.close()
    with TurnStore(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        old = store.turn("old1")
        assert old is not None
        assert old.record.asr_text == "lights on" and old.record == TurnRecord(
            "old1", "s", "h", 1.0, 2.0, asr_text="lights on", intent="HassTurnOn"
        )  # every field added since reads as its default
        store.add_signal(FeedbackSignal("old1", SignalKind.ABANDON, 100.0, 0.7))
        assert store.turn("old1").signals[0].kind is SignalKind.ABANDON  # type: ignore[union-attr]


def test_version_three_store_reads_the_same_and_recovery_leaves_it_alone(tmp_path: Path) -> None:
    """A store written before crash recovery existed (schema 3): after migration 4 every turn, signal, label
    and device event reads back as it was, nothing is marked open, and a recorder's recovery changes
    nothing (old turns were labelled by the recorder that wrote them)."""
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=3) == 3
    expected = [make_turn(1, t=10.0), make_turn(2, t=20.0, label="defect", failure_point="nlu")]
    for record in expected:  # rows as the code of schema 3 wrote them: the engine's notes in "extra"
        write_v4_turn(conn, record)
    conn.execute(
        "INSERT INTO signals (turn_id, kind, t, strength, evidence, related_turn_id)"
        """ VALUES ('t2', 'rephrase', 25.0, 0.9, '{"text": 0.8}', 't1')"""
    )
    conn.execute(
        "INSERT INTO device_events (home_id, entity_id, old, new, t, source)"
        " VALUES ('', 'light.kitchen', 'on', 'off', 12.0, 'manual')"
    )
    conn.close()

    async def recover() -> tuple[int, int]:
        async with AsyncTurnStore(path) as turns:
            report = await FeedbackRecorder(turns, FeedbackSettings()).recover(10_000.0)
            return report.open_found, report.settled

    assert asyncio.run(recover()) == (0, 0)
    with TurnStore(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
        assert [t.record for t in store.turns()] == expected
        assert store.turn("t2").signals == (  # type: ignore[union-attr]
            FeedbackSignal("t2", SignalKind.REPHRASE, 25.0, 0.9, {"text": 0.8}, "t1"),
        )
        assert store.device_events() == [DeviceEvent("light.kitchen", "on", "off", 12.0, ChangeSource.MANUAL)]
        assert store.open_turns() == {} and store.barge_ins() == []
        assert store.integrity_check() == "ok"


def write_v4_turn(conn: sqlite3.Connection, record: TurnRecord) -> None:
    """``record`` as a row of schema 2 to 4: the columns of the table, the rest as keys of ``extra`` (JSON),
    only the ones set (as the turn engine wrote them)."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(turns)")} - {"extra"}
    out = record.to_json()
    row = {k: v for k, v in out.items() if k in columns}
    for key in ("asr_nbest", "slots", "targets", "target_scores", "commands", "timings_ms", "rewrite"):
        row[key] = None if row[key] is None else json.dumps(row[key])
    row["result_ok"] = None if record.result_ok is None else int(record.result_ok)
    notes = {k: v for k, v in out.items() if k not in columns and v not in ("", False, {}, [], None)}
    row["extra"] = json.dumps(notes)
    names, marks = ", ".join(row), ", ".join("?" for _ in row)
    conn.execute(f"INSERT INTO turns ({names}) VALUES ({marks})", list(row.values()))


def test_newer_schema_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(EdgeError, match="newer than this software") as info:
        TurnStore(path)
    assert info.value.hint


def test_garbage_file_gives_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(EdgeError, match="not a usable SQLite database"):
        TurnStore(path)


def test_retention_by_age_and_size(tmp_path: Path) -> None:
    day = 86_400.0
    with TurnStore(tmp_path / "t.db") as store:
        assert store.conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental
        with store.transaction():
            for i in range(40):  # 40 old turns, 100 days ago
                store.add_turn(make_turn(i, t=0.0))
            for i in range(40, 2040):  # recent, with a big payload so the size limit bites
                store.add_turn(make_turn(i, t=100 * day + i, response="x" * 1500))
            store.add_signal(FeedbackSignal("t1", SignalKind.UNDO, 1.0))
        before = db_bytes(store)
        assert before > 3 * 1024 * 1024
        settings = FeedbackSettings(retention_days=90, max_db_mb=1)
        report = prune(store, settings, now=100 * day + 3000)
        assert report.turns_by_age == 40
        assert report.turns_by_size > 0
        assert store.turn("t1") is None
        assert store.conn.execute("SELECT count(*) FROM signals").fetchone()[0] == 0  # cascaded
        assert db_bytes(store) <= 1024 * 1024
        remaining = [t.record.turn_id for t in store.iter_turns()]
        assert remaining and remaining[-1] == "t2039"  # newest kept
        assert (tmp_path / "t.db").stat().st_size < before  # pages given back to the file system
        assert store.integrity_check() == "ok"


def test_audio_is_pruned_when_not_kept_and_bounded_when_kept(tmp_path: Path) -> None:
    with TurnStore(tmp_path / "t.db") as store:
        with store.transaction():
            for i in range(30):
                store.add_turn(make_turn(i, t=float(i)))
                store.add_audio(f"t{i}", float(i), b"\x01\x00" * 40_000)  # 80 kB each
        kept = prune(store, FeedbackSettings(keep_audio=True, max_audio_mb=1), now=100.0)
        left = store.conn.execute("SELECT count(*), sum(length(pcm)) FROM audio").fetchone()
        assert kept.audio_removed > 0 and left[1] <= 1024 * 1024
        assert store.conn.execute("SELECT min(t) FROM audio").fetchone()[0] > 0.0  # oldest went first
        prune(store, FeedbackSettings(keep_audio=False), now=100.0)
        assert store.conn.execute("SELECT count(*) FROM audio").fetchone()[0] == 0


def test_export_jsonl(tmp_path: Path) -> None:
    with TurnStore(tmp_path / "t.db") as store:
        store.add_turn(make_turn(1))
        store.add_signal(FeedbackSignal("t1", SignalKind.REPHRASE, 3.0, 0.9, {}, "t2"))
        out = tmp_path / "out" / "turns.jsonl"
        assert export_jsonl(store, out) == 1
    line = json.loads(out.read_text().splitlines()[0])
    assert line["turn"]["turn_id"] == "t1" and line["turn"]["rewrite"]["layer"] == "personal"
    assert line["signals"][0] == {
        "kind": "rephrase",
        "t": 3.0,
        "strength": 0.9,
        "evidence": {},
        "related_turn_id": "t2",
    }


def test_async_store_group_commit_and_reads(tmp_path: Path) -> None:
    async def main() -> None:
        async with AsyncTurnStore(tmp_path / "a.db", queue_size=4) as store:
            await asyncio.gather(*(store.add_turn(make_turn(i, t=float(i))) for i in range(50)))
            await store.add_signals([FeedbackSignal("t3", SignalKind.UNDO, 5.0)])
            assert await store.set_label("t3", Label.DEFECT)
            with pytest.raises(sqlite3.IntegrityError):  # a bad write fails alone...
                await store.add_signals([FeedbackSignal("missing", SignalKind.UNDO, 5.0)])
            await store.add_turn(make_turn(99, t=99.0))  # ...and the writer goes on
            turns = await store.turns()
            assert len(turns) == 51
            t3 = await store.turn("t3")
            assert t3 is not None and t3.record.label == "defect" and len(t3.signals) == 1

    asyncio.run(main())
