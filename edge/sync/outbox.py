"""The durable outbox: reports wait in SQLite (WAL, synchronous=FULL) until the broker has PUBACKed them.

Bounded by rows and bytes: when full, the oldest reports go first (a newer week is worth more than an old
one). An item is removed only by :meth:`Outbox.done`, which the uploader calls after the PUBACK; a crash,
a reboot or days offline lose nothing. Enqueueing the same message id twice keeps one row. The class is
synchronous (one connection, one thread): the uploader calls it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from edge.errors import EdgeError, ErrorCode

__all__ = ["Outbox", "OutboxItem", "OutboxLimits"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    period TEXT NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    size INTEGER NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_try, seq);
CREATE TABLE IF NOT EXISTS queued_periods (
    period TEXT PRIMARY KEY, message_id TEXT NOT NULL, t REAL NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class OutboxLimits:
    max_rows: int = 200  # about four years of weekly reports
    max_bytes: int = 2_000_000

    def __post_init__(self) -> None:
        if self.max_rows < 1 or self.max_bytes < 1024:
            raise EdgeError("outbox limits too small", hint="max_rows >= 1, max_bytes >= 1024")


@dataclass(frozen=True, slots=True)
class OutboxItem:
    seq: int
    message_id: str
    period: str
    topic: str
    payload: bytes
    attempts: int


class Outbox:
    def __init__(self, path: Path | str, limits: OutboxLimits | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or OutboxLimits()
        self.dropped = 0  # rows evicted to stay within the limits since this object was made
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as err:
            raise EdgeError(
                f"cannot open the sync outbox {self.path}: {err}",
                hint="check that the state folder is writable; delete the file if it is corrupt",
                code=ErrorCode.STORE_ERROR,
            ) from err

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def put(self, message_id: str, period: str, topic: str, payload: bytes) -> bool:
        """Queue one message; False if that message id or its period was queued before (one report per
        period, ever). Evicts the oldest when full."""
        if len(payload) > self.limits.max_bytes:
            raise EdgeError(
                f"a {len(payload)}-byte report exceeds the outbox limit of {self.limits.max_bytes} bytes",
                code=ErrorCode.PAYLOAD_INVALID,
            )
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                cur = self._conn.execute(
                    "INSERT INTO queued_periods (period, message_id, t) VALUES (?, ?, ?)"
                    " ON CONFLICT (period) DO NOTHING",
                    (period, message_id, time.time()),
                )
                if cur.rowcount != 1:
                    self._conn.execute("COMMIT")
                    return False
                cur = self._conn.execute(
                    "INSERT INTO outbox (message_id, period, topic, payload, size, created)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
                    (message_id, period, topic, payload, len(payload), time.time()),
                )
                added = cur.rowcount == 1
                self._evict()
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return added

    def _evict(self) -> None:
        while True:
            rows, size = self._conn.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM outbox").fetchone()
            if rows <= self.limits.max_rows and size <= self.limits.max_bytes:
                return
            self._conn.execute(
                "DELETE FROM outbox WHERE seq = (SELECT seq FROM outbox ORDER BY period, seq LIMIT 1)"
            )
            self.dropped += 1

    def queued_periods(self) -> set[str]:
        """Every period whose report was ever queued (sent or still waiting)."""
        with self._lock:
            rows = self._conn.execute("SELECT period FROM queued_periods").fetchall()
        return {str(r[0]) for r in rows}

    def due(self, now: float, limit: int = 50) -> list[OutboxItem]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, message_id, period, topic, payload, attempts FROM outbox"
                " WHERE next_try <= ? ORDER BY seq LIMIT ?",
                (now, limit),
            ).fetchall()
        return [OutboxItem(r[0], r[1], r[2], r[3], bytes(r[4]), r[5]) for r in rows]

    def next_due(self) -> float | None:
        with self._lock:
            row = self._conn.execute("SELECT MIN(next_try) FROM outbox").fetchone()
        return None if row[0] is None else float(row[0])

    def done(self, seq: int) -> None:
        """The broker acknowledged it: remove it."""
        with self._lock:
            self._conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))

    def retry_later(self, seq: int, at: float) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_try = ? WHERE seq = ?", (at, seq)
            )

    def reset_backoff(self) -> None:
        """Make every item due now (after a reconnect)."""
        with self._lock:
            self._conn.execute("UPDATE outbox SET next_try = 0")

    def __len__(self) -> int:
        with self._lock:
            n: int = self._conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        return n

    def size_bytes(self) -> int:
        with self._lock:
            n: int = self._conn.execute("SELECT COALESCE(SUM(size), 0) FROM outbox").fetchone()[0]
        return n
