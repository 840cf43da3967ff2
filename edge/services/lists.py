"""To-do and shopping lists, kept on the device in a SQLite file of their own next to the turn store.

Schema versions are ``PRAGMA user_version`` with numbered migrations (:data:`MIGRATIONS`); a file of an
older version is migrated when opened. Synchronous, one connection behind a lock: the service calls it
through ``asyncio.to_thread``.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from edge.lang import fold

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ListItem",
    "ListStore",
    "item_key",
    "list_in_text",
    "list_key",
    "lists_path",
]

MIGRATIONS: tuple[str, ...] = (
    # 1: the items of every list; ``key`` is the folded item, so "Milk" and "milk" are one item
    """CREATE TABLE IF NOT EXISTS list_items (
        list TEXT NOT NULL, key TEXT NOT NULL, item TEXT NOT NULL, complete INTEGER NOT NULL DEFAULT 0,
        t_added REAL NOT NULL, PRIMARY KEY (list, key))""",
    # 2: when an item was checked off (0: not yet), so a client can show recent ones first
    "ALTER TABLE list_items ADD COLUMN t_complete REAL NOT NULL DEFAULT 0",
)
SCHEMA_VERSION = len(MIGRATIONS)
_ARTICLES = re.compile(r"^(?:(?:my|the|our|a|an)\s+)+")
_NAMED_LIST = re.compile(r"\b(?:to|on|onto|in|from|off|of)\s+(?:my|the|our)\s+([a-z0-9' ]+?)\s+list\b")


@dataclass(frozen=True, slots=True)
class ListItem:
    item: str
    complete: bool = False

    def to_json(self) -> dict[str, object]:
        return {"item": self.item, "complete": self.complete}


def lists_path(turn_db: Path) -> Path:
    """The lists' file next to the turn store: ``var/turns.sqlite3`` -> ``var/turns.lists.sqlite3``."""
    return turn_db.with_name(f"{turn_db.stem}.lists{turn_db.suffix or '.sqlite3'}")


def list_key(name: str) -> str:
    """A list's name as stored and compared: folded, without articles, "list" or a plural s
    ("my Groceries list" -> "grocery", "the to-do list" -> "to do")."""
    text = _ARTICLES.sub("", fold(name).replace("-", " ")).strip()
    text = re.sub(r"\s+lists?$", "", text).strip()
    words = text.split()
    if words and len(words[-1]) > 3 and words[-1].endswith("ies"):
        words[-1] = words[-1][:-3] + "y"
    elif words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def list_in_text(text: str) -> str:
    """The list named in ``text`` when the NLU gave none: "add apples to my trader joes list" -> "trader
    joes"; "" for "the list" or no list."""
    match = _NAMED_LIST.search(fold(text.replace("-", " ")))
    return match.group(1) if match else ""


def item_key(item: str) -> str:
    """An item as compared: folded, without an article ("the milk" is "milk")."""
    return _ARTICLES.sub("", fold(item)).strip()


class ListStore:
    """Every list's items. Thread-safe (a lock around one connection)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self.migrate()

    def migrate(self) -> int:
        """Bring the file to :data:`SCHEMA_VERSION`; the version it had."""
        with self._lock:
            (found,) = self._conn.execute("PRAGMA user_version").fetchone()
            for number in range(found, SCHEMA_VERSION):
                self._conn.execute("BEGIN")
                self._conn.execute(MIGRATIONS[number])
                self._conn.execute(f"PRAGMA user_version = {number + 1}")
                self._conn.execute("COMMIT")
        return int(found)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ListStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def items(self, name: str) -> tuple[ListItem, ...]:
        """The list's items in the order they were added."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT item, complete FROM list_items WHERE list = ? ORDER BY t_added, rowid",
                (list_key(name),),
            ).fetchall()
        return tuple(ListItem(item, bool(complete)) for item, complete in rows)

    def names(self) -> tuple[str, ...]:
        """The lists that hold an item."""
        with self._lock:
            rows = self._conn.execute("SELECT DISTINCT list FROM list_items ORDER BY list").fetchall()
        return tuple(r[0] for r in rows)

    def add(self, name: str, item: str) -> bool:
        """Add ``item`` (or put a checked-off one back on the list); False when it is already on it."""
        key = item_key(item)
        with self._lock:
            row = self._conn.execute(
                "SELECT complete FROM list_items WHERE list = ? AND key = ?", (list_key(name), key)
            ).fetchone()
            if row is not None and not row[0]:
                return False
            self._conn.execute(
                "INSERT OR REPLACE INTO list_items (list, key, item, complete, t_added, t_complete) "
                "VALUES (?, ?, ?, 0, ?, 0)",
                (list_key(name), key, item.strip(), time.time()),
            )
        return True

    def complete(self, name: str, item: str) -> bool:
        """Check ``item`` off ("eggs" also checks off "egg"); False when it is not on the list (or already
        checked off)."""
        with self._lock:
            key = self._find(list_key(name), item, open_only=True)
            if key is None:
                return False
            self._conn.execute(
                "UPDATE list_items SET complete = 1, t_complete = ? WHERE list = ? AND key = ?",
                (time.time(), list_key(name), key),
            )
        return True

    def remove(self, name: str, item: str) -> bool:
        """Delete ``item`` from the list; False when it is not on it."""
        with self._lock:
            key = self._find(list_key(name), item)
            if key is None:
                return False
            self._conn.execute("DELETE FROM list_items WHERE list = ? AND key = ?", (list_key(name), key))
        return True

    def _find(self, list_name: str, item: str, *, open_only: bool = False) -> str | None:
        """The stored key of ``item`` on the list, with or without a plural s (under the lock);
        ``open_only``: not checked off."""
        key = item_key(item)
        for candidate in dict.fromkeys((key, key + "s", key.removesuffix("s"), key.removesuffix("es"))):
            row = self._conn.execute(
                "SELECT key FROM list_items WHERE list = ? AND key = ? AND complete <= ?",
                (list_name, candidate, 0 if open_only else 1),
            ).fetchone()
            if row is not None:
                return str(row[0])
        return None
