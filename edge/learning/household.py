"""What the household decided about what the device learned, kept next to the learned tables.

The household page (:mod:`edge.web`) writes it; the runtime reads it wherever learned behaviour is made:
:func:`edge.wiring.learned_rewriter` leaves out every vetoed rewrite (personal, retrieval or global layer:
:class:`edge.learning.vetoed.VetoedRewriter`), a rebuild never learns a vetoed pair again (it is quarantined),
and ``edge sync`` sends nothing while the household has switched sync off. ``household.json`` holds the
current decisions (written atomically); ``household-log.jsonl`` records every change, one JSON line each.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from edge.errors import ConfigError
from edge.learning.canonical import canonicalize
from edge.learning.folder_lock import folder_lock

__all__ = ["Change", "Choices", "Household", "RewritePair", "SetAside", "allow", "approve", "forget", "veto"]

CHOICES_FILE = "household.json"
LOG_FILE = "household-log.jsonl"


@dataclass(frozen=True, slots=True, order=True)
class RewritePair:
    """A rewrite by what it changes: the request (canonical) and what the NLU reads instead (canonical)."""

    original: str
    rewritten: str

    @classmethod
    def of(cls, original: str, rewritten: str) -> RewritePair:
        return cls(canonicalize(original), canonicalize(rewritten))

    @property
    def key(self) -> str:
        """The pair as one form field value (``original\\u2192rewritten``; neither side holds an arrow)."""
        return f"{self.original}\u2192{self.rewritten}"

    @classmethod
    def from_key(cls, key: str) -> RewritePair:
        original, arrow, rewritten = key.partition("\u2192")
        if not arrow or not original.strip() or not rewritten.strip():
            raise ValueError(f"{key!r} is not a rewrite (expected ORIGINAL\u2192REWRITTEN)")
        return cls.of(original, rewritten)


@dataclass(frozen=True, slots=True)
class SetAside:
    """A taught macro or preference the household switched off: its stored value, to put back on enable."""

    kind: str  # "macro" | "preference"
    key: str
    value: Any


@dataclass(frozen=True, slots=True)
class Choices:
    """The household's current decisions. ``vetoed``: pair -> the layer it was seen in."""

    vetoed: Mapping[RewritePair, str] = field(default_factory=dict)
    approved: frozenset[RewritePair] = frozenset()
    forgotten: frozenset[RewritePair] = frozenset()  # deleted: vetoed, and no longer listed as switched off
    approved_taught: frozenset[str] = frozenset()  # "macro:<key>" / "preference:<key>"
    set_aside: Mapping[str, SetAside] = field(default_factory=dict)  # "macro:<key>" -> the stored item
    sync_off: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "vetoed", MappingProxyType(dict(self.vetoed)))
        object.__setattr__(self, "set_aside", MappingProxyType(dict(self.set_aside)))

    def is_vetoed(self, original: str, rewritten: str) -> bool:
        return RewritePair.of(original, rewritten) in self.vetoed

    def to_json(self) -> dict[str, Any]:
        return {
            "vetoed": [[p.original, p.rewritten, layer] for p, layer in sorted(self.vetoed.items())],
            "approved": [[p.original, p.rewritten] for p in sorted(self.approved)],
            "forgotten": [[p.original, p.rewritten] for p in sorted(self.forgotten)],
            "approved_taught": sorted(self.approved_taught),
            "set_aside": [[s.kind, s.key, s.value] for _, s in sorted(self.set_aside.items())],
            "sync_off": self.sync_off,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Choices:
        aside = [SetAside(str(k), str(key), v) for k, key, v in data.get("set_aside", [])]
        return cls(
            {RewritePair(str(a), str(b)): str(layer) for a, b, layer in data.get("vetoed", [])},
            frozenset(RewritePair(str(a), str(b)) for a, b in data.get("approved", [])),
            frozenset(RewritePair(str(a), str(b)) for a, b in data.get("forgotten", [])),
            frozenset(str(k) for k in data.get("approved_taught", [])),
            {f"{s.kind}:{s.key}": s for s in aside},
            bool(data.get("sync_off", False)),
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded change: when, what was done (``action``) and to what (``subject``)."""

    t: float
    action: str
    subject: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"t": self.t, "action": self.action, "subject": dict(self.subject)}


class Household:
    """The decisions file of one home's learned tables folder. Changes hold the folder's lock (threads and
    processes alike: :func:`edge.learning.folder_lock.folder_lock`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / CHOICES_FILE
        self.log_path = folder / LOG_FILE

    def load(self) -> Choices:
        """The decisions (none yet: nothing decided). A file that does not parse is an error naming it."""
        if not self.path.is_file():
            return Choices()
        try:
            return Choices.from_json(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as err:
            raise ConfigError(
                f"cannot read the household's decisions {self.path}: {err}",
                hint="restore it from household-log.jsonl beside it, or move it away to start afresh",
            ) from err

    def change(self, action: str, subject: Mapping[str, Any], edit: Callable[[Choices], Choices]) -> Choices:
        """Apply ``edit`` to the current decisions, save them and record the change."""
        with folder_lock(self.folder):
            after = edit(self.load())
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(after.to_json(), indent=1, sort_keys=True), encoding="utf-8")
            tmp.replace(self.path)
            self.record(action, subject)
        return after

    def record(self, action: str, subject: Mapping[str, Any]) -> None:
        """Append one change to the log (also for changes kept elsewhere: a table rollback, a forget)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(Change(time.time(), action, subject).to_json(), sort_keys=True)
        with self.log_path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")

    def history(self, limit: int = 50) -> list[Change]:
        """The newest ``limit`` recorded changes, newest first (a line that does not parse is skipped)."""
        if not self.log_path.is_file():
            return []
        out: list[Change] = []
        for line in reversed(self.log_path.read_text(encoding="utf-8").splitlines()):
            try:
                raw = json.loads(line)
                out.append(Change(float(raw["t"]), str(raw["action"]), dict(raw["subject"])))
            except (ValueError, KeyError, TypeError):
                continue
            if len(out) >= limit:
                break
        return out


def veto(choices: Choices, pair: RewritePair, layer: str) -> Choices:
    return replace(choices, vetoed={**choices.vetoed, pair: layer}, approved=choices.approved - {pair})


def allow(choices: Choices, pair: RewritePair) -> Choices:
    vetoed = {p: v for p, v in choices.vetoed.items() if p != pair}
    return replace(choices, vetoed=vetoed, forgotten=choices.forgotten - {pair})


def forget(choices: Choices, pair: RewritePair, layer: str) -> Choices:
    return replace(veto(choices, pair, layer), forgotten=choices.forgotten | {pair})


def approve(choices: Choices, pair: RewritePair) -> Choices:
    return replace(choices, approved=choices.approved | {pair})
