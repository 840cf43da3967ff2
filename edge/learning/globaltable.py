"""The global rewrite layer as released by the fleet: ``{"version", "entries": [{"original", "rewritten",
"homes", "score"}, ...]}`` (the sync module verifies the signature before writing the file, and again each
time the runtime loads it: :mod:`edge.sync.installed`).

Entries that touch a safety-critical action are dropped on load, whatever the fleet says
(:func:`refused_for_learning`, which the aggregator applies before it releases anything, too): a request the
safety rules forbid for learned text (undo, unlock, open, disarm, and anything the learning safety policy
flags) on either side, a safety device type named on either side (door, gate, garage, alarm), or a
placeholder of a kind the catalogue calls safety-critical (``{lock}``, ``{alarm_control_panel}``).
The executor's confirmation gate is the last line; this is the earlier filter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from edge.errors import ConfigError
from edge.learning.canonical import canonicalize
from edge.learning.chains import FAILURE, SUCCESS
from edge.learning.safety import mentions_safety
from edge.nlu.catalogue import DeviceKind, is_safety_critical

__all__ = ["GlobalEntry", "GlobalTable", "load_global_table", "read_table_file", "refused_for_learning"]

# Verbs that reverse or open (an undo can unlock whatever was locked last) and the device types whose
# commands always need a spoken confirmation; placeholders count by their type ("{lock:2}" is a lock).
_FORBIDDEN_WORDS = re.compile(
    r"\b(undo\w*|revert\w*|reverse|unlock\w*|open\w*|disarm\w*|unarm\w*|unbolt\w*|unlatch\w*|"
    r"locks?|doors?|gates?|garages?|garage_doors?|alarms?|deadbolts?|security|safe|vault|siren)\b"
)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::[0-9+-]+)?\}")


def refused_for_learning(original: str, rewritten: str) -> str:
    """Why a fleet pair may never be learned ("" when it may): either side names a request the safety
    rules forbid for learned text, a safety device type, or holds a slot of a safety-critical kind."""
    for side, text in (("target", rewritten), ("original", original)):
        kinds = [DeviceKind(m.group(1)) for m in _PLACEHOLDER.finditer(text.lower())]
        plain = _PLACEHOLDER.sub(lambda m: f" {m.group(1)} ", text.lower())
        if _FORBIDDEN_WORDS.search(plain) or mentions_safety(plain) or any(map(is_safety_critical, kinds)):
            return f"the {side} {text!r} reverses, opens or names a safety-critical action or device"
    return ""


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
            unsafe = refused_for_learning(entry.original, entry.rewritten)
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
    except (OSError, ValueError, RecursionError) as err:  # ValueError: bad JSON or UTF-8
        raise ConfigError(
            f"global rewrite table {p} is unreadable: {err}", hint="delete it; sync fetches it again"
        ) from err


def load_global_table(path: str | Path, min_homes: int = 1) -> GlobalTable:
    """A plain table file the caller trusts (tests, tools); the runtime loads the fleet's layer only through
    :meth:`edge.sync.instantiate.RegistryGlobalLayer.load`, which re-verifies its signature.

    An empty table when ``path`` is empty; a :class:`ConfigError` with a hint when it is unreadable."""
    if not str(path):
        return GlobalTable()
    return GlobalTable.from_json(read_table_file(path), min_homes)
