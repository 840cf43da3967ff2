"""The global rewrite layer as released by the fleet: ``{"version", "entries": [{"original", "rewritten",
"homes", "score"}, ...]}`` (the sync module verifies the signature before writing the file).

Entries that touch a safety-critical action are dropped on load, whatever the fleet says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from edge.errors import ConfigError
from edge.learning.canonical import canonicalize
from edge.learning.chains import FAILURE, SUCCESS
from edge.learning.safety import mentions_safety

__all__ = ["GlobalEntry", "GlobalTable", "load_global_table"]


@dataclass(frozen=True, slots=True)
class GlobalEntry:
    original: str
    rewritten: str
    homes: int
    score: float


@dataclass(frozen=True, slots=True)
class GlobalTable:
    version: str = ""
    entries: Mapping[str, GlobalEntry] = field(default_factory=dict)
    dropped: int = 0  # entries refused by the safety policy or malformed

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", MappingProxyType(dict(self.entries)))

    def lookup(self, canonical: str) -> GlobalEntry | None:
        return self.entries.get(canonical)

    def rows(self) -> dict[str, dict[str, float]]:
        """The global layer's Markov rows (smoothing prior): original -> target with the entry's score,
        the rest to failure; target -> success with the same score."""
        out: dict[str, dict[str, float]] = {}
        for e in self.entries.values():
            out[e.original] = {e.rewritten: e.score, FAILURE: 1.0 - e.score}
            out.setdefault(e.rewritten, {SUCCESS: e.score, FAILURE: 1.0 - e.score})
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any], min_homes: int = 1) -> GlobalTable:
        if not isinstance(data, Mapping) or not isinstance(data.get("entries"), list):
            raise ConfigError(
                "global rewrite table has no 'entries' list",
                hint="learning.global_table must point at a table released by the fleet",
            )
        entries: dict[str, GlobalEntry] = {}
        dropped = 0
        for raw in data["entries"]:
            try:
                entry = GlobalEntry(
                    canonicalize(str(raw["original"])),
                    canonicalize(str(raw["rewritten"])),
                    int(raw.get("homes", 0)),
                    float(raw.get("score", 0.0)),
                )
            except (KeyError, TypeError, ValueError):
                dropped += 1
                continue
            unsafe = mentions_safety(entry.original) or mentions_safety(entry.rewritten)
            if unsafe or entry.homes < min_homes or not (0.0 <= entry.score <= 1.0) or not entry.original:
                dropped += 1
                continue
            entries[entry.original] = entry
        return cls(str(data.get("version", "")), entries, dropped)


def read_table_file(path: str | Path) -> Any:
    """The JSON of a global rewrite table file; a :class:`ConfigError` with a hint when it is unreadable."""
    p = Path(path)
    try:
        return json.loads(p.read_text())
    except FileNotFoundError as err:
        raise ConfigError(
            f"global rewrite table {p} does not exist",
            hint="run the sync once, or clear learning.global_table",
        ) from err
    except (OSError, json.JSONDecodeError) as err:
        raise ConfigError(
            f"global rewrite table {p} is unreadable: {err}", hint="delete it; sync fetches it again"
        ) from err


def load_global_table(path: str | Path, min_homes: int = 1) -> GlobalTable:
    """An empty table when ``path`` is empty; a :class:`ConfigError` with a hint when it is unreadable."""
    if not str(path):
        return GlobalTable()
    return GlobalTable.from_json(read_table_file(path), min_homes)
