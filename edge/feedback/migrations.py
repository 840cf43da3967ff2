"""Versioned schema of the turn store: an ordered list of migrations keyed by ``PRAGMA user_version``.

Migration *n* (1-based) moves a database from version ``n - 1`` to ``n``. Never edit a released
migration; append a new one. Each migration runs in its own transaction together with the version bump.
A migration is SQL, or a function over the connection when rows have to be read and rewritten (5); such
a function depends on nothing but this module, so what it does stays what it did when it was released.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from edge.errors import EdgeError, ErrorCode

__all__ = ["LEGACY_COLUMN", "MIGRATIONS", "SCHEMA_VERSION", "Migration", "migrate", "schema_version"]

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

# typed turn records: the keys of the free-form ``extra`` column become columns of their own
_V5_TYPED_COLUMNS = """
ALTER TABLE turns ADD COLUMN no_speech INTEGER NOT NULL DEFAULT 0;
ALTER TABLE turns ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN macro TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN prior_states TEXT NOT NULL DEFAULT '{}';
ALTER TABLE turns ADD COLUMN refused TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN asked TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN dialog TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN teach_phrase TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN taught TEXT;
ALTER TABLE turns ADD COLUMN teach_refused TEXT NOT NULL DEFAULT '[]';
ALTER TABLE turns RENAME COLUMN extra TO legacy_extra;
"""
LEGACY_COLUMN = "legacy_extra"  # what migration 5 found in ``extra`` and did not recognise (nothing reads it)
# the values the code of schema 4 wrote: anything else stays in the legacy column, untouched
_V5_ASKED = frozenset({"confirm", "teach", "check"})
_V5_DIALOG = frozenset({"confirm", "confirm_expired", "teach", "forget", "preference"})
_V5_TEXT = ("source", "macro", "refused", "teach_phrase")
_V5_BATCH = 1_000


def _v5_typed_turns(conn: sqlite3.Connection) -> None:
    """Add the typed columns, then move each turn's ``extra`` keys into them (rows read in rowid batches)."""
    for statement in _statements(_V5_TYPED_COLUMNS):
        conn.execute(statement)
    last = 0
    while True:
        rows = conn.execute(
            f"SELECT rowid, {LEGACY_COLUMN} FROM turns WHERE rowid > ? AND {LEGACY_COLUMN} != '{{}}'"
            " ORDER BY rowid LIMIT ?",
            (last, _V5_BATCH),
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        conn.executemany(
            "UPDATE turns SET no_speech = :no_speech, source = :source, macro = :macro,"
            " prior_states = :prior_states, refused = :refused, asked = :asked, dialog = :dialog,"
            " teach_phrase = :teach_phrase, taught = :taught, teach_refused = :teach_refused,"
            f" {LEGACY_COLUMN} = :legacy WHERE rowid = :rowid",
            [{**_v5_columns(raw), "rowid": rowid} for rowid, raw in rows],
        )


def _v5_columns(raw: str) -> dict[str, Any]:
    """One turn's ``extra`` (JSON) as the new columns' values, and what is left of it (usually ``{}``)."""
    try:
        left = json.loads(raw)
    except ValueError:
        left = None
    out: dict[str, Any] = {
        "no_speech": 0, "source": "", "macro": "", "prior_states": "{}", "refused": "", "asked": "",
        "dialog": "", "teach_phrase": "", "taught": None, "teach_refused": "[]",
    }  # fmt: skip
    if not isinstance(left, dict):
        return {**out, "legacy": raw}  # not an object: kept as it was
    if isinstance(left.get("no_speech"), bool):
        out["no_speech"] = int(left.pop("no_speech"))
    for key in _V5_TEXT:
        if isinstance(left.get(key), str):
            out[key] = left.pop(key)
    for key, allowed in (("asked", _V5_ASKED), ("dialog", _V5_DIALOG)):
        if left.get(key) in allowed:
            out[key] = left.pop(key)
    prior = left.get("prior_states")
    if isinstance(prior, dict) and all(isinstance(v, str) for v in prior.values()):
        out["prior_states"] = json.dumps(left.pop("prior_states"))
    refused = left.get("teach_refused")
    if isinstance(refused, list) and all(isinstance(v, str) for v in refused):
        out["teach_refused"] = json.dumps(left.pop("teach_refused"))
    if _v5_is_macro(left.get("taught")):
        taught = left.pop("taught")  # {"phrase", "steps"}: the shape schema 5 keeps
        out["taught"] = json.dumps(taught)
    return {**out, "legacy": json.dumps(left)}


def _v5_is_macro(value: object) -> bool:
    """``{"phrase": str, "steps": [{"intent": str, ...}, ...]}`` as schema 4 wrote it."""
    if not isinstance(value, dict) or not isinstance(value.get("phrase"), str):
        return False
    steps = value.get("steps")
    return isinstance(steps, list) and all(
        isinstance(s, dict) and isinstance(s.get("intent"), str) for s in steps
    )


# issue 18: "Did you mean: ...?" asked or answered (JSON object: heard, offered, score, answer)
_V6_OFFER = """
ALTER TABLE turns ADD COLUMN offer TEXT;
"""

Migration = str | Callable[[sqlite3.Connection], None]
MIGRATIONS: Sequence[Migration] = (
    _V1_TURNS,
    _V2_SIGNALS_EVENTS,
    _V3_TAUGHT_AUDIO,
    _V4_OPEN_TURNS_BARGE_INS,
    _v5_typed_turns,
    _V6_OFFER,
)
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
        if schema_version(conn) >= version:  # another connection migrated while this one waited
            conn.execute("COMMIT")
            continue
        try:
            step = MIGRATIONS[version - 1]
            if isinstance(step, str):
                for statement in _statements(step):
                    conn.execute(statement)
            else:
                step(conn)
            conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return schema_version(conn)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
