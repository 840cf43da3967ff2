"""Retention: drop turns older than ``retention_days``, keep the file under ``max_db_mb`` and the stored audio
under ``max_audio_mb`` (oldest first), then give the freed pages back with an incremental vacuum."""

from __future__ import annotations

from dataclasses import dataclass

from edge.config import FeedbackSettings
from edge.feedback.store import TurnStore

__all__ = ["PruneReport", "db_bytes", "prune"]

_DAY_S = 86_400.0
_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class PruneReport:
    turns_by_age: int
    turns_by_size: int
    audio_removed: int
    events_removed: int
    bytes_before: int
    bytes_after: int


def db_bytes(store: TurnStore) -> int:
    """Bytes the database really uses (pages minus free pages); the WAL is checkpointed first."""
    conn = store.conn
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    return int((pages - free) * size)


def _audio_bytes(store: TurnStore) -> int:
    return int(store.conn.execute("SELECT coalesce(sum(length(pcm)), 0) FROM audio").fetchone()[0])


def prune(store: TurnStore, settings: FeedbackSettings, now: float) -> PruneReport:
    """Apply the retention policy at time ``now`` (seconds, the turns' clock)."""
    before = db_bytes(store)
    cutoff = now - settings.retention_days * _DAY_S
    with store.transaction() as conn:
        by_age = conn.execute("DELETE FROM turns WHERE t_end < ?", (cutoff,)).rowcount
        events = conn.execute("DELETE FROM device_events WHERE t < ?", (cutoff,)).rowcount
        conn.execute("DELETE FROM barge_ins WHERE t < ?", (cutoff,))
        audio = 0
        if not settings.keep_audio:
            audio += conn.execute("DELETE FROM audio").rowcount
    audio += _trim_audio(store, settings.max_audio_mb * _MB)
    by_size = _trim_size(store, settings.max_db_mb * _MB)
    store.conn.execute("PRAGMA incremental_vacuum")
    return PruneReport(by_age, by_size, audio, events, before, db_bytes(store))


def _trim_audio(store: TurnStore, limit: int) -> int:
    removed = 0
    while _audio_bytes(store) > limit:
        with store.transaction() as conn:
            removed += conn.execute(
                "DELETE FROM audio WHERE turn_id IN (SELECT turn_id FROM audio ORDER BY t LIMIT"
                " max(1, (SELECT count(*) FROM audio) / 10))"
            ).rowcount
    return removed


def _trim_size(store: TurnStore, limit: int) -> int:
    """Drop the oldest tenth of the turns (and older device events) until the store fits."""
    removed = 0
    while db_bytes(store) > limit and store.count_turns() > 0:
        with store.transaction() as conn:
            oldest = conn.execute(
                "SELECT t_start FROM turns ORDER BY t_start LIMIT 1 OFFSET"
                " max(0, (SELECT count(*) FROM turns) / 10 - 1)"
            ).fetchone()[0]
            removed += conn.execute("DELETE FROM turns WHERE t_start <= ?", (oldest,)).rowcount
            conn.execute("DELETE FROM device_events WHERE t <= ?", (oldest,))
            conn.execute("DELETE FROM barge_ins WHERE t <= ?", (oldest,))
        store.conn.execute("PRAGMA incremental_vacuum")
    return removed
