"""What the user taught: personal macros (phrase -> intents with slots) and preferences (key -> value).

Kept in the ``taught`` table of the turn store so a taught phrase survives a restart with the turns.
Synchronous, one connection; the turn engine calls it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edge.feedback.macro import Macro, MacroStep
from edge.feedback.store import open_connection
from edge.lang import fold

__all__ = ["Macro", "MacroStep", "TaughtStore"]

MACRO = "macro"
PREFERENCE = "preference"


class TaughtStore:
    """Macros and preferences of one home. Thread-safe (a lock around one connection)."""

    def __init__(self, path: Path | str, home_id: str = "") -> None:
        self.home_id = home_id
        self._lock = threading.Lock()
        self._conn = open_connection(path, check_same_thread=False)  # shared by threads behind the lock

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _put(self, kind: str, key: str, value: Any) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO taught (home_id, kind, key, value, t) VALUES (?, ?, ?, ?, ?)",
                (self.home_id, kind, key, json.dumps(value), time.time()),
            )

    def _get_all(self, kind: str) -> list[tuple[str, Any, float]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT key, value, t FROM taught WHERE home_id = ? AND kind = ? ORDER BY key",
                (self.home_id, kind),
            ).fetchall()
        return [(k, json.loads(v), t) for k, v, t in rows]

    # -- macros ------------------------------------------------------------------------------------
    def add_macro(self, phrase: str, steps: Sequence[MacroStep]) -> Macro:
        key = fold(phrase)
        if not key or not steps:
            raise ValueError("a macro needs a phrase and at least one step")
        self._put(MACRO, key, [s.to_json() for s in steps])
        return Macro(key, tuple(steps), time.time())

    def macro(self, phrase: str) -> Macro | None:
        key = fold(phrase)
        with self._lock:
            row = self._conn.execute(
                "SELECT value, t FROM taught WHERE home_id = ? AND kind = ? AND key = ?",
                (self.home_id, MACRO, key),
            ).fetchone()
        return _macro(key, json.loads(row[0]), row[1]) if row else None

    def macros(self) -> list[Macro]:
        return [_macro(k, v, t) for k, v, t in self._get_all(MACRO)]

    def forget(self, phrase: str) -> bool:
        key = fold(phrase)
        with self._lock:
            cur = self._conn.execute(
                "DELETE FROM taught WHERE home_id = ? AND key = ? AND kind IN (?, ?)",
                (self.home_id, key, MACRO, PREFERENCE),
            )
        return cur.rowcount > 0

    # -- preferences -------------------------------------------------------------------------------
    def set_preference(self, key: str, value: str) -> None:
        self._put(PREFERENCE, key, value)

    def preferences(self) -> dict[str, str]:
        return {k: str(v) for k, v, _t in self._get_all(PREFERENCE)}


def _macro(phrase: str, steps: list[dict[str, Any]], t: float) -> Macro:
    return Macro(phrase, tuple(MacroStep.from_json(s) for s in steps), t)
