"""Versioned schema of the turn store: an ordered list of migrations keyed by ``PRAGMA user_version``.

Migration *n* (1-based) moves a database from version ``n - 1`` to ``n``. Never edit a released
migration; append a new one. Each migration runs in its own transaction together with the version bump.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from edge.errors import EdgeError, ErrorCode

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate", "schema_version"]

_V1_TURNS = """
CREATE TABLE turns (
    turn_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    home_id TEXT NOT NULL,
    t_start REAL NOT NULL,
    t_end REAL NOT NULL,
    wake_word TEXT NOT NULL DEFAULT '',
    wake_score REAL NOT NULL DEFAULT 0,
    audio_ms REAL NOT NULL DEFAULT 0,
    asr_text TEXT NOT NULL DEFAULT '',
    asr_confidence REAL NOT NULL DEFAULT 0,
    asr_nbest TEXT NOT NULL DEFAULT '[]',
    asr_engine TEXT NOT NULL DEFAULT '',
    rewrite TEXT,
    text TEXT NOT NULL DEFAULT '',
    intent TEXT,
    slots TEXT NOT NULL DEFAULT '{}',
    intent_confidence REAL NOT NULL DEFAULT 0,
    intent_margin REAL NOT NULL DEFAULT 0,
    targets TEXT NOT NULL DEFAULT '[]',
    target_scores TEXT NOT NULL DEFAULT '[]',
    commands TEXT NOT NULL DEFAULT '[]',
    result_ok INTEGER,
    result_error TEXT NOT NULL DEFAULT '',
    response TEXT NOT NULL DEFAULT '',
    timings_ms TEXT NOT NULL DEFAULT '{}',
    context_version INTEGER NOT NULL DEFAULT 0,
    area TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT 'unknown',
    failure_point TEXT NOT NULL DEFAULT ''
);
CREATE INDEX turns_t_start ON turns (t_start);
CREATE INDEX turns_session ON turns (session_id, t_start);
"""

_V2_SIGNALS_EVENTS = """
ALTER TABLE turns ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
CREATE TABLE signals (
    id INTEGER PRIMARY KEY,
    turn_id TEXT NOT NULL REFERENCES turns (turn_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    t REAL NOT NULL,
    strength REAL NOT NULL,
    evidence TEXT NOT NULL DEFAULT '{}',
    related_turn_id TEXT NOT NULL DEFAULT '',
    UNIQUE (turn_id, kind, related_turn_id)
);
CREATE INDEX signals_turn ON signals (turn_id);
CREATE TABLE device_events (
    id INTEGER PRIMARY KEY,
    home_id TEXT NOT NULL DEFAULT '',
    entity_id TEXT NOT NULL,
    old TEXT NOT NULL,
    new TEXT NOT NULL,
    t REAL NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX device_events_t ON device_events (t);
"""

_V3_TAUGHT_AUDIO = """
CREATE INDEX turns_home ON turns (home_id, t_start);
CREATE TABLE taught (
    home_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    t REAL NOT NULL,
    PRIMARY KEY (home_id, kind, key)
);
CREATE TABLE audio (
    turn_id TEXT PRIMARY KEY REFERENCES turns (turn_id) ON DELETE CASCADE,
    t REAL NOT NULL,
    sample_rate INTEGER NOT NULL,
    pcm BLOB NOT NULL
);
CREATE INDEX audio_t ON audio (t);
"""

# crash recovery: the turns whose feedback window the recorder has not closed yet, and the barge-ins (the
# one input of the detectors that was only held in memory)
_V4_OPEN_TURNS_BARGE_INS = """
CREATE TABLE open_turns (
    turn_id TEXT PRIMARY KEY REFERENCES turns (turn_id) ON DELETE CASCADE,
    t_end REAL NOT NULL
);
CREATE TABLE barge_ins (
    id INTEGER PRIMARY KEY,
    turn_id TEXT NOT NULL,
    t REAL NOT NULL,
    response_start REAL NOT NULL,
    response_s REAL NOT NULL,
    UNIQUE (turn_id, t)
);
CREATE INDEX barge_ins_t ON barge_ins (t);
"""

MIGRATIONS: Sequence[str] = (_V1_TURNS, _V2_SIGNALS_EVENTS, _V3_TAUGHT_AUDIO, _V4_OPEN_TURNS_BARGE_INS)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the missing migrations up to ``target``; returns the version reached.

    The connection must be in autocommit mode (``isolation_level=None``): each step is wrapped in an
    explicit ``BEGIN IMMEDIATE`` so a crash mid-migration leaves the previous version intact.
    """
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise EdgeError(
            f"turn store schema version {current} is newer than this software ({SCHEMA_VERSION})",
            hint="upgrade ambient-edge, or point feedback.db_path at a new file",
            code=ErrorCode.STORE_ERROR,
        )
    for version in range(current + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[version - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return schema_version(conn)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
