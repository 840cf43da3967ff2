"""The device's sync service: read the turn store, queue completed weeks, upload, fetch the global layer.

Paths: the per-home secret, the device's report-signing key (``device.key``, Ed25519, 0600) and the outbox
live under ``<paths.state_dir>/sync/``; the global layer goes to
``learning.global_table`` (default ``<learning.tables_dir>/global.json``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from edge import __version__
from edge.config import Settings
from edge.feedback.store import TurnQuery, TurnStore
from edge.sync.anonymize import build_reports
from edge.sync.identity import HomeIdentity, period_bounds
from edge.sync.keyfile import load_or_create_key
from edge.sync.outbox import Outbox
from edge.sync.payloads import WeeklyReport
from edge.sync.uploader import enqueue_report

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = [
    "SyncPaths",
    "device_key",
    "enqueue_completed",
    "global_table_path",
    "pending_reports",
]


@dataclass(frozen=True, slots=True)
class SyncPaths:
    secret: Path
    outbox: Path
    device_key: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> SyncPaths:
        base = Path(settings.paths.state_dir) / "sync"
        return cls(base / "home.secret", base / "outbox.sqlite3", base / "device.key")


def device_key(settings: Settings) -> Ed25519PrivateKey:
    """The device's report-signing key, created (0600) on first use; its public half is what the fleet
    operator enrolls (``edge sync --print-device-key``)."""
    return load_or_create_key(SyncPaths.from_settings(settings).device_key)


def global_table_path(settings: Settings) -> Path:
    if settings.learning.global_table:
        return Path(settings.learning.global_table)
    return Path(settings.learning.tables_dir) / "global.json"


def pending_reports(
    settings: Settings, db: Path, *, now: float | None = None, include_current: bool = False
) -> list[WeeklyReport]:
    """The reports for every week in the store that has ended (and the running one if asked)."""
    now = time.time() if now is None else now
    identity = HomeIdentity.load_or_create(SyncPaths.from_settings(settings).secret)
    with TurnStore(db) as store:
        turns = store.turns(TurnQuery())
    reports = build_reports(
        turns,
        identity,
        pairs_per_week=settings.sync.pairs_per_week,
        versions={"edge": __version__},
    )
    return [r for r in reports if include_current or period_bounds(r.period)[1] <= now]


def enqueue_completed(settings: Settings, db: Path, outbox: Outbox, now: float | None = None) -> int:
    """Queue the reports of ended weeks not queued before, signed; returns how many were added."""
    done = outbox.queued_periods()
    key = device_key(settings)
    added = 0
    for report in pending_reports(settings, db, now=now):
        if report.period not in done and enqueue_report(outbox, report, key):
            added += 1
    return added
