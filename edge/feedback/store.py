"""The turn store: one SQLite file in WAL mode holding turns, their signals, device events and taught items.

Durability: WAL with ``synchronous=FULL``. A kill -9 can never corrupt a WAL database (any sync level); FULL
also makes every commit survive a power cut, which matters on a Pi with an SD card and costs one fsync per
commit - negligible at a few turns a minute, and the writer groups queued writes into one transaction.
The class here is synchronous and owns one connection: use it from one thread (the writer thread of
:class:`edge.feedback.writer.AsyncTurnStore`, a CLI, a test).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from edge.errors import EdgeError, ErrorCode
from edge.feedback.migrations import SCHEMA_VERSION, migrate
from edge.feedback.observations import BargeIn, ChangeSource, DeviceEvent, StoredTurn
from edge.feedback.record import (
    Asked,
    Dialog,
    FeedbackSignal,
    Label,
    Offer,
    Rewrite,
    SignalKind,
    Taught,
    TurnRecord,
)
from edge.nlu.catalogue import current_name, current_slots

__all__ = ["TurnQuery", "TurnStore", "open_connection"]

# JSON columns: mappings and lists; ``rewrite`` and ``taught`` are objects (or NULL) with typed decoders
_JSON_FIELDS = frozenset(
    {
        "asr_nbest", "rewrite", "slots", "targets", "target_scores", "commands", "timings_ms",
        "prior_states", "teach_refused", "taught", "offer",
    }
)  # fmt: skip
_TUPLE_FIELDS = frozenset({"asr_nbest", "targets", "target_scores", "commands", "teach_refused"})
_OBJECTS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "rewrite": Rewrite.from_json,
    "taught": Taught.from_json,
    "offer": Offer.from_json,
}
_ENUMS: dict[str, Callable[[str], Any]] = {"asked": Asked, "dialog": Dialog}
_FIELDS = tuple(f.name for f in fields(TurnRecord))


def open_connection(
    path: Path | str, *, timeout_s: float = 5.0, check_same_thread: bool = True
) -> sqlite3.Connection:
    """Open (creating folders), set WAL/FULL/incremental vacuum, migrate, return an autocommit connection."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path, timeout=timeout_s, isolation_level=None, check_same_thread=check_same_thread
        )
    except (OSError, sqlite3.Error) as err:
        raise EdgeError(
            f"cannot open the turn store {path}: {err}",
            hint="check feedback.db_path and that its folder is writable",
            code=ErrorCode.STORE_ERROR,
        ) from err
    try:
        fresh = (
            conn.execute("PRAGMA user_version").fetchone()[0] == 0
            and not conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
        )
        if fresh:
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")  # only takes effect before the first table
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except sqlite3.DatabaseError as err:
        conn.close()
        raise EdgeError(
            f"the turn store {path} is not a usable SQLite database: {err}",
            hint="move the file away; a new store is created on the next start",
            code=ErrorCode.STORE_ERROR,
        ) from err
    return conn


@dataclass(frozen=True, slots=True)
class TurnQuery:
    """Which turns to read: all filters optional; times are in the turns' clock (seconds)."""

    home_id: str | None = None
    session_id: str | None = None
    since: float | None = None
    until: float | None = None
    limit: int | None = None
    newest_first: bool = False


_SURROGATE = re.compile("[\ud800-\udfff]")


def _to_db(name: str, value: Any) -> Any:
    if name in _JSON_FIELDS:
        if value is None:
            return None
        if name in _OBJECTS:
            return json.dumps(value.to_json())
        if name in _TUPLE_FIELDS:
            return json.dumps([dict(v) if isinstance(v, Mapping) else v for v in value])
        return json.dumps(dict(value))
    if name == "result_ok":
        return None if value is None else int(bool(value))
    if name == "no_speech":
        return int(bool(value))
    if isinstance(value, str):
        # SQLite stores UTF-8: an unpaired surrogate (a transcript or script line that was not valid text)
        # would fail the whole turn's write, so it is stored as U+FFFD instead
        return _SURROGATE.sub("\ufffd", value)
    return value


def _from_db(name: str, value: Any) -> Any:
    if name in _JSON_FIELDS:
        if value is None:
            return None
        loaded = json.loads(value)
        if name in _OBJECTS:
            return _OBJECTS[name](loaded)
        return tuple(loaded) if name in _TUPLE_FIELDS else loaded
    if name == "result_ok":
        return None if value is None else bool(value)
    if name == "no_speech":
        return bool(value)
    if name in _ENUMS:
        return _ENUMS[name](value)
    return value


def _signal_from_row(row: sqlite3.Row | tuple[Any, ...]) -> FeedbackSignal:
    turn_id, kind, t, strength, evidence, related = row
    return FeedbackSignal(turn_id, SignalKind(kind), t, strength, json.loads(evidence), related)


class TurnStore:
    """Synchronous access to the store over one connection (one thread)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.conn = open_connection(self.path)
        self._columns = tuple(r[1] for r in self.conn.execute("PRAGMA table_info(turns)"))
        missing = set(_FIELDS) - set(self._columns)
        if missing:  # a TurnRecord field without a migration: a programming error, say so loudly
            raise EdgeError(f"turn store lacks columns {sorted(missing)}", code=ErrorCode.STORE_ERROR)

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> TurnStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return SCHEMA_VERSION

    def transaction(self) -> _Tx:
        return _Tx(self.conn)

    # -- writes ----------------------------------------------------------------------------------
    def add_turn(self, record: TurnRecord) -> None:
        names = ", ".join(_FIELDS)
        marks = ", ".join("?" for _ in _FIELDS)
        values = [_to_db(n, getattr(record, n)) for n in _FIELDS]
        self.conn.execute(f"INSERT OR REPLACE INTO turns ({names}) VALUES ({marks})", values)

    def add_signal(self, signal: FeedbackSignal) -> None:
        self.conn.execute(
            "INSERT INTO signals (turn_id, kind, t, strength, evidence, related_turn_id)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (turn_id, kind, related_turn_id) DO UPDATE SET"
            " t = excluded.t, strength = excluded.strength, evidence = excluded.evidence",
            (
                signal.turn_id,
                str(signal.kind),
                signal.t,
                signal.strength,
                json.dumps(dict(signal.evidence)),
                signal.related_turn_id,
            ),
        )

    def add_device_event(self, event: DeviceEvent) -> None:
        self.conn.execute(
            "INSERT INTO device_events (home_id, entity_id, old, new, t, source) VALUES (?, ?, ?, ?, ?, ?)",
            (event.home_id, event.entity_id, event.old, event.new, event.t, str(event.source)),
        )

    def add_device_events(self, events: Sequence[DeviceEvent]) -> None:
        self.conn.executemany(
            "INSERT INTO device_events (home_id, entity_id, old, new, t, source) VALUES (?, ?, ?, ?, ?, ?)",
            [(e.home_id, e.entity_id, e.old, e.new, e.t, str(e.source)) for e in events],
        )

    def add_barge_in(self, event: BargeIn) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO barge_ins (turn_id, t, response_start, response_s) VALUES (?, ?, ?, ?)",
            (event.turn_id, event.t, event.response_start, event.response_s),
        )

    def open_turn(self, turn_id: str, t_end: float) -> None:
        """Mark a stored turn's feedback window as open (the recorder closes it with :meth:`settle`)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO open_turns (turn_id, t_end) VALUES (?, ?)", (turn_id, t_end)
        )

    def settle(self, turn_id: str, label: Label | str, failure_point: str) -> bool:
        """The turn's windows have closed: its final label, and it is no longer open."""
        found = self.set_label(turn_id, label, failure_point)
        self.conn.execute("DELETE FROM open_turns WHERE turn_id = ?", (turn_id,))
        return found

    def add_audio(self, turn_id: str, t: float, pcm: bytes, sample_rate: int = 16_000) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO audio (turn_id, t, sample_rate, pcm) VALUES (?, ?, ?, ?)",
            (turn_id, t, sample_rate, pcm),
        )

    def set_label(self, turn_id: str, label: Label | str, failure_point: str | None = None) -> bool:
        """Set a turn's label (and failure point when given); False when there is no such turn."""
        value = Label(label).value
        if failure_point is None:
            cur = self.conn.execute("UPDATE turns SET label = ? WHERE turn_id = ?", (value, turn_id))
        else:
            cur = self.conn.execute(
                "UPDATE turns SET label = ?, failure_point = ? WHERE turn_id = ?",
                (value, failure_point, turn_id),
            )
        return cur.rowcount > 0

    # -- reads -----------------------------------------------------------------------------------
    def turn(self, turn_id: str) -> StoredTurn | None:
        rows = list(self._select("WHERE turn_id = ?", [turn_id], ""))
        return self._attach(rows)[0] if rows else None

    def turns(self, query: TurnQuery | None = None) -> list[StoredTurn]:
        return list(self.iter_turns(query))

    def iter_turns(self, query: TurnQuery | None = None, batch: int = 500) -> Iterator[StoredTurn]:
        """Turns matching ``query`` in time order (or newest first), each with its signals."""
        q = query or TurnQuery()
        where, params = [], []
        for column, op, value in (
            ("home_id", "=", q.home_id),
            ("session_id", "=", q.session_id),
            ("t_start", ">=", q.since),
            ("t_start", "<", q.until),
        ):
            if value is not None:
                where.append(f"{column} {op} ?")
                params.append(value)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        order = "ORDER BY t_start DESC, rowid DESC" if q.newest_first else "ORDER BY t_start, rowid"
        limit = f" LIMIT {int(q.limit)}" if q.limit is not None else ""
        chunk: list[TurnRecord] = []
        for record in self._select(clause, params, order + limit):
            chunk.append(record)
            if len(chunk) >= batch:
                yield from self._attach(chunk)
                chunk = []
        if chunk:
            yield from self._attach(chunk)

    def signals_for(self, turn_ids: Iterable[str]) -> dict[str, list[FeedbackSignal]]:
        ids = list(turn_ids)
        out: dict[str, list[FeedbackSignal]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ", ".join("?" for _ in part)
            for row in self.conn.execute(
                "SELECT turn_id, kind, t, strength, evidence, related_turn_id FROM signals"
                f" WHERE turn_id IN ({marks}) ORDER BY t, id",
                part,
            ):
                out[row[0]].append(_signal_from_row(row))
        return out

    def device_events(self, since: float | None = None, until: float | None = None) -> list[DeviceEvent]:
        rows = self.conn.execute(
            "SELECT entity_id, old, new, t, source, home_id FROM device_events"
            " WHERE t >= ? AND t < ? ORDER BY t, id",
            (since if since is not None else float("-inf"), until if until is not None else float("inf")),
        )
        return [DeviceEvent(e, o, n, t, ChangeSource(s), h) for e, o, n, t, s, h in rows]

    def barge_ins(self, since: float | None = None, until: float | None = None) -> list[BargeIn]:
        rows = self.conn.execute(
            "SELECT turn_id, t, response_start, response_s FROM barge_ins"
            " WHERE t >= ? AND t < ? ORDER BY t, id",
            (since if since is not None else float("-inf"), until if until is not None else float("inf")),
        )
        return [BargeIn(turn_id, t, start, length) for turn_id, t, start, length in rows]

    def open_turns(self) -> dict[str, float]:
        """turn_id -> t_end of every turn whose feedback window was never closed."""
        rows = self.conn.execute("SELECT turn_id, t_end FROM open_turns ORDER BY t_end, turn_id")
        return {str(turn_id): float(t_end) for turn_id, t_end in rows}

    def count_turns(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM turns").fetchone()[0])

    def integrity_check(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])

    def _select(self, clause: str, params: list[Any], order: str) -> Iterator[TurnRecord]:
        names = ", ".join(_FIELDS)
        for row in self.conn.execute(f"SELECT {names} FROM turns {clause} {order}", params):
            values = {n: _from_db(n, v) for n, v in zip(_FIELDS, row, strict=True)}
            old = values.get("intent")
            if old and current_name(old) != old:  # a turn stored under a name the catalogue has replaced
                values["slots"] = current_slots(old, values.get("slots") or {})
                values["intent"] = current_name(old)
            yield TurnRecord(**values)

    def _attach(self, records: list[TurnRecord]) -> list[StoredTurn]:
        signals = self.signals_for(r.turn_id for r in records)
        return [StoredTurn(r, tuple(signals[r.turn_id])) for r in records]


class _Tx:
    """``with store.transaction():`` - one BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")
