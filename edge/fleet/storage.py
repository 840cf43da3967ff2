"""The aggregator's store: one small interface, the same SQL on SQLite (default) and PostgreSQL.

Deduplication and contribution bounds live in the schema, so several aggregator processes can share one
store without coordinating: ``reports.message_id`` is the primary key (a resent report is ignored) and
``UNIQUE (period, home)`` admits one report per rotated home id per period, which with at most ``m`` pairs
per report bounds each home's contribution. A report and its pairs commit in one transaction. SQLite runs in
WAL mode with a busy timeout so processes on one host can share the file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge.errors import EdgeError, ErrorCode
from edge.sync.payloads import WeeklyReport

__all__ = ["FleetStore", "IngestResult", "PairCount", "open_store"]

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS reports (
        message_id TEXT PRIMARY KEY,
        period TEXT NOT NULL,
        home TEXT NOT NULL,
        consumer TEXT NOT NULL,
        received DOUBLE PRECISION NOT NULL,
        turns INTEGER NOT NULL,
        payload TEXT NOT NULL,
        UNIQUE (period, home))""",
    """CREATE TABLE IF NOT EXISTS pairs (
        period TEXT NOT NULL,
        home TEXT NOT NULL,
        original TEXT NOT NULL,
        rewritten TEXT NOT NULL,
        intent TEXT NOT NULL,
        UNIQUE (period, home, original, rewritten))""",
    "CREATE INDEX IF NOT EXISTS pairs_period ON pairs (period)",
    """CREATE TABLE IF NOT EXISTS releases (
        version INTEGER PRIMARY KEY,
        period TEXT NOT NULL,
        created TEXT NOT NULL,
        message TEXT NOT NULL)""",
)


@dataclass(frozen=True, slots=True)
class IngestResult:
    accepted: int = 0
    duplicates: int = 0  # same message id seen before
    rejected: int = 0  # a second, different report from the same rotated id in the same period


@dataclass(frozen=True, slots=True)
class PairCount:
    original: str
    rewritten: str
    homes: int
    intent: str = ""  # the catalogue intent the homes' fix had ("" when none): part of the counted key


class FleetStore:
    """Backend-neutral logic over a DB-API connection; ``?`` placeholders are rewritten for psycopg."""

    def __init__(self, conn: Any, paramstyle: str, begin: str) -> None:
        self._conn = conn
        self._pg = paramstyle == "format"
        self._begin = begin
        with self._tx() as cur:
            for stmt in _SCHEMA:
                cur.execute(stmt)

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._pg else sql

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        cur = self._conn.cursor()
        if self._begin:
            cur.execute(self._begin)
        try:
            yield _Cursor(cur, self._sql)
        except BaseException:
            self._conn.rollback() if self._pg else cur.execute("ROLLBACK")
            raise
        else:
            self._conn.commit() if self._pg else cur.execute("COMMIT")
        finally:
            cur.close()

    def close(self) -> None:
        self._conn.close()

    def ingest(self, reports: Sequence[WeeklyReport], consumer: str, now: float) -> IngestResult:
        """Store a batch in one transaction; each report at most once, one per home and period."""
        accepted = duplicates = rejected = 0
        with self._tx() as cur:
            for r in reports:
                if cur.execute("SELECT 1 FROM reports WHERE message_id = ?", (r.message_id,)).fetchone():
                    duplicates += 1
                    continue
                cur.execute(
                    "INSERT INTO reports (message_id, period, home, consumer, received, turns, payload)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (r.message_id, r.period, r.home, consumer, now, r.turns, r.to_bytes().decode()),
                )
                if cur.rowcount != 1:
                    rejected += 1
                    continue
                for p in r.pairs:
                    cur.execute(
                        "INSERT INTO pairs (period, home, original, rewritten, intent)"
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        (r.period, r.home, p.original, p.rewritten, p.intent),
                    )
                accepted += 1
        return IngestResult(accepted, duplicates, rejected)

    def pair_counts(self, period: str) -> list[PairCount]:
        with self._tx() as cur:
            rows = cur.execute(
                "SELECT original, rewritten, intent, COUNT(DISTINCT home) FROM pairs WHERE period = ?"
                " GROUP BY original, rewritten, intent ORDER BY original, rewritten, intent",
                (period,),
            ).fetchall()
        return [PairCount(str(o), str(w), int(n), str(i)) for o, w, i, n in rows]

    def latest_period(self) -> str | None:
        with self._tx() as cur:
            row = cur.execute("SELECT MAX(period) FROM reports").fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def report_count(self, period: str | None = None) -> int:
        with self._tx() as cur:
            if period is None:
                row = cur.execute("SELECT COUNT(*) FROM reports").fetchone()
            else:
                row = cur.execute("SELECT COUNT(*) FROM reports WHERE period = ?", (period,)).fetchone()
        return int(row[0])

    def per_consumer(self) -> dict[str, int]:
        with self._tx() as cur:
            rows = cur.execute("SELECT consumer, COUNT(*) FROM reports GROUP BY consumer").fetchall()
        return {str(c): int(n) for c, n in rows}

    def defect_totals(self, period: str) -> dict[str, int]:
        """Defects by failure point over the period's reports (operator statistics, never released)."""
        totals: dict[str, int] = {}
        with self._tx() as cur:
            rows = cur.execute("SELECT payload FROM reports WHERE period = ?", (period,)).fetchall()
        for (payload,) in rows:
            for d in json.loads(payload)["defects"]:
                totals[d["failure_point"]] = totals.get(d["failure_point"], 0) + int(d["count"])
        return totals

    def latest_release(self) -> tuple[int, str] | None:
        with self._tx() as cur:
            row = cur.execute(
                "SELECT version, message FROM releases ORDER BY version DESC LIMIT 1"
            ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def next_version(self) -> int:
        with self._tx() as cur:
            row = cur.execute("SELECT COALESCE(MAX(version), 0) FROM releases").fetchone()
        return int(row[0]) + 1

    def save_release(self, version: int, period: str, created: str, message: str) -> bool:
        """Record a release; False if another process took that version first."""
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO releases (version, period, created, message) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (version, period, created, message),
            )
            return bool(cur.rowcount == 1)


class _Cursor:
    def __init__(self, cur: Any, sql: Any) -> None:
        self._cur = cur
        self._sql = sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        self._cur.execute(self._sql(sql), tuple(params))
        return self

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cur.fetchall())

    @property
    def rowcount(self) -> int:
        return int(self._cur.rowcount)


def _open_sqlite(path: Path, busy_timeout_s: float) -> FleetStore:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    return FleetStore(conn, "qmark", "BEGIN IMMEDIATE")


def _open_postgres(dsn: str, timeout_s: float) -> FleetStore:
    try:
        import psycopg
    except ImportError as err:
        raise EdgeError(
            "PostgreSQL support needs psycopg",
            hint="install the optional extra: pip install 'ambient-edge[postgres]'",
            code=ErrorCode.STORE_ERROR,
        ) from err
    try:
        conn = psycopg.connect(dsn, connect_timeout=max(1, int(timeout_s)))
    except psycopg.Error as err:
        raise EdgeError(
            f"cannot connect to PostgreSQL: {err}",
            hint="check the --postgres DSN and that the server accepts connections",
            code=ErrorCode.STORE_ERROR,
        ) from err
    return FleetStore(conn, "format", "")


def open_store(db: str = "", postgres: str = "", timeout_s: float = 30.0) -> FleetStore:
    """SQLite at ``db`` (default) or PostgreSQL at the ``postgres`` DSN."""
    if postgres:
        return _open_postgres(postgres, timeout_s)
    if not db:
        raise EdgeError("no aggregator store given", hint="pass --db PATH or --postgres DSN")
    try:
        return _open_sqlite(Path(db), timeout_s)
    except sqlite3.Error as err:
        raise EdgeError(f"cannot open the aggregator store {db}: {err}", code=ErrorCode.STORE_ERROR) from err
