"""The aggregator's store: one small interface, the same SQL on SQLite (default) and PostgreSQL.

Homes are counted by admitted device key, never by the ``home`` id inside a report: ``devices`` is the
registry the operator fills (``edge aggregator enroll``), and only reports signed by an enrolled, unrevoked
key reach :meth:`FleetStore.ingest`. Deduplication and contribution bounds live in the schema, so several
aggregator processes can share one store without coordinating: ``(key_id, message_id)`` is the primary key
(a replayed or resent report is ignored) and ``UNIQUE (period, key_id)`` admits one report per key per
period, which with at most ``m`` pairs per report bounds each device's contribution. A revoked key's pairs
stop counting at once. A report and its pairs commit in one transaction. SQLite runs in WAL mode with a
busy timeout so processes on one host can share the file. Tables of stores from before admission
(``reports``, ``pairs``: counted by the unauthenticated home id) are left alone and never read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge.errors import EdgeError, ErrorCode
from edge.sync.keyfile import key_id, parse_public_key
from edge.sync.payloads import WeeklyReport

__all__ = ["AdmittedReport", "EnrolledDevice", "FleetStore", "IngestResult", "PairCount", "open_store"]

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS devices (
        key_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL UNIQUE,
        enrolled DOUBLE PRECISION NOT NULL,
        revoked DOUBLE PRECISION,
        label TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS admitted_reports (
        key_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        period TEXT NOT NULL,
        consumer TEXT NOT NULL,
        received DOUBLE PRECISION NOT NULL,
        turns INTEGER NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (key_id, message_id),
        UNIQUE (period, key_id))""",
    """CREATE TABLE IF NOT EXISTS admitted_pairs (
        period TEXT NOT NULL,
        key_id TEXT NOT NULL,
        original TEXT NOT NULL,
        rewritten TEXT NOT NULL,
        intent TEXT NOT NULL,
        UNIQUE (period, key_id, original, rewritten))""",
    "CREATE INDEX IF NOT EXISTS admitted_pairs_period ON admitted_pairs (period)",
    """CREATE TABLE IF NOT EXISTS releases (
        version INTEGER PRIMARY KEY,
        period TEXT NOT NULL,
        created TEXT NOT NULL,
        message TEXT NOT NULL)""",
)


@dataclass(frozen=True, slots=True)
class AdmittedReport:
    """A report whose signature verified against an enrolled, unrevoked key (or, in process, a trusted
    source that stands for one device per ``key_id``)."""

    report: WeeklyReport
    key_id: str


@dataclass(frozen=True, slots=True)
class EnrolledDevice:
    key_id: str
    public_key: str  # 64 hex
    enrolled: float
    revoked: float | None
    label: str = ""

    @property
    def active(self) -> bool:
        return self.revoked is None


@dataclass(frozen=True, slots=True)
class IngestResult:
    accepted: int = 0
    duplicates: int = 0  # the same report from the same key seen before (a resend or a replay)
    rejected: int = 0  # a second, different report from the same key in the same period


@dataclass(frozen=True, slots=True)
class PairCount:
    original: str
    rewritten: str
    homes: int  # distinct admitted device keys
    intent: str = ""  # the catalogue intent the homes' fix had ("" when none): part of the counted key


_NOT_REVOKED = "NOT EXISTS (SELECT 1 FROM devices d WHERE d.key_id = {t}.key_id AND d.revoked IS NOT NULL)"


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

    # -- the registry of devices -----------------------------------------------------------------
    def enroll(self, public_key: str, now: float, label: str = "") -> tuple[str, bool]:
        """Admit a device key; (key id, newly enrolled). A revoked key stays revoked."""
        pub = parse_public_key(public_key)
        kid = key_id(pub)
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO devices (key_id, public_key, enrolled, revoked, label) VALUES (?, ?, ?, NULL, ?)"
                " ON CONFLICT DO NOTHING",
                (kid, pub, now, label[:80]),
            )
            return kid, cur.rowcount == 1

    def revoke(self, key: str, now: float) -> bool:
        """Revoke by key id or public key; its pairs stop counting. False when it is unknown."""
        kid = key.strip().lower() if len(key.strip()) == 32 else key_id(key)
        with self._tx() as cur:
            cur.execute("UPDATE devices SET revoked = ? WHERE key_id = ? AND revoked IS NULL", (now, kid))
            if cur.rowcount == 1:
                return True
            return cur.execute("SELECT 1 FROM devices WHERE key_id = ?", (kid,)).fetchone() is not None

    def devices(self, key_ids: Iterable[str] | None = None) -> dict[str, EnrolledDevice]:
        """The registry (or the part of it naming ``key_ids``)."""
        with self._tx() as cur:
            if key_ids is None:
                rows = cur.execute(
                    "SELECT key_id, public_key, enrolled, revoked, label FROM devices"
                ).fetchall()
            else:
                rows = []
                for kid in sorted(set(key_ids)):
                    rows += cur.execute(
                        "SELECT key_id, public_key, enrolled, revoked, label FROM devices WHERE key_id = ?",
                        (kid,),
                    ).fetchall()
        return {
            str(k): EnrolledDevice(str(k), str(p), float(e), None if r is None else float(r), str(lb))
            for k, p, e, r, lb in rows
        }

    # -- reports -----------------------------------------------------------------------------------
    def ingest(self, reports: Sequence[AdmittedReport], consumer: str, now: float) -> IngestResult:
        """Store a batch in one transaction; each report at most once, one per device key and period."""
        accepted = duplicates = rejected = 0
        with self._tx() as cur:
            for a in reports:
                r = a.report
                if cur.execute(
                    "SELECT 1 FROM admitted_reports WHERE key_id = ? AND message_id = ?",
                    (a.key_id, r.message_id),
                ).fetchone():
                    duplicates += 1
                    continue
                cur.execute(
                    "INSERT INTO admitted_reports (key_id, message_id, period, consumer, received, turns,"
                    " payload) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (a.key_id, r.message_id, r.period, consumer, now, r.turns, r.to_bytes().decode()),
                )
                if cur.rowcount != 1:
                    rejected += 1
                    continue
                for p in r.pairs:
                    cur.execute(
                        "INSERT INTO admitted_pairs (period, key_id, original, rewritten, intent)"
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        (r.period, a.key_id, p.original, p.rewritten, p.intent),
                    )
                accepted += 1
        return IngestResult(accepted, duplicates, rejected)

    def pair_counts(self, period: str) -> list[PairCount]:
        """Distinct admitted keys per (original, rewritten, intent); revoked keys do not count."""
        with self._tx() as cur:
            rows = cur.execute(
                "SELECT p.original, p.rewritten, p.intent, COUNT(DISTINCT p.key_id) FROM admitted_pairs p"
                f" WHERE p.period = ? AND {_NOT_REVOKED.format(t='p')}"
                " GROUP BY p.original, p.rewritten, p.intent ORDER BY p.original, p.rewritten, p.intent",
                (period,),
            ).fetchall()
        return [PairCount(str(o), str(w), int(n), str(i)) for o, w, i, n in rows]

    def latest_period(self) -> str | None:
        with self._tx() as cur:
            row = cur.execute("SELECT MAX(period) FROM admitted_reports").fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def report_count(self, period: str | None = None) -> int:
        with self._tx() as cur:
            if period is None:
                row = cur.execute("SELECT COUNT(*) FROM admitted_reports").fetchone()
            else:
                row = cur.execute(
                    "SELECT COUNT(*) FROM admitted_reports WHERE period = ?", (period,)
                ).fetchone()
        return int(row[0])

    def per_consumer(self) -> dict[str, int]:
        with self._tx() as cur:
            rows = cur.execute("SELECT consumer, COUNT(*) FROM admitted_reports GROUP BY consumer").fetchall()
        return {str(c): int(n) for c, n in rows}

    def defect_totals(self, period: str) -> dict[str, int]:
        """Defects by failure point over the period's reports (operator statistics, never released)."""
        totals: dict[str, int] = {}
        with self._tx() as cur:
            rows = cur.execute("SELECT payload FROM admitted_reports WHERE period = ?", (period,)).fetchall()
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
        import psycopg  # noqa: PLC0415 - lazy: psycopg is the optional postgres extra
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
