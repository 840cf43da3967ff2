"""What the household page shows, read through the runtime's own stores (blocking: run in a thread).

The turn store (:class:`edge.feedback.store.TurnStore`), the learned tables and their versions
(:class:`edge.learning.loop.TableVersions`), the evidence the learner itself uses (``build_goals``,
``track_outcomes``, ``decide``), the taught store, the household's decisions, and the reports the next sync
would send (:func:`edge.sync.service.pending_reports`, as ``edge sync --dry-run``). Nothing here writes:
a store that does not exist yet reads as empty instead of being created.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from edge.config import Settings
from edge.feedback.observations import StoredTurn
from edge.feedback.record import Label, SignalKind
from edge.feedback.store import TurnQuery, TurnStore
from edge.feedback.taught import Macro, TaughtStore
from edge.learning.chains import build_goals
from edge.learning.household import Change, Choices, Household, RewritePair
from edge.learning.loop import TableVersions
from edge.learning.spans import track_span
from edge.learning.tables import SPAN_LAYER, RewriteRule
from edge.learning.tracking import ArmCounts, decide, track_outcomes
from edge.sync.identity import period_bounds
from edge.sync.payloads import WeeklyReport
from edge.sync.service import pending_reports

__all__ = [
    "Learned", "RuleView", "SeenRewrite", "SyncContent", "all_turns", "learned", "recent_turns",
    "signal_names", "sync_content",
]  # fmt: skip


def recent_turns(db: Path, limit: int, before: float | None = None) -> list[StoredTurn]:
    """The newest ``limit`` turns (before ``before``, the turns' clock), newest first, with their signals."""
    if not db.is_file():
        return []
    with TurnStore(db) as store:
        return store.turns(TurnQuery(until=before, limit=limit, newest_first=True))


def all_turns(db: Path) -> list[StoredTurn]:
    if not db.is_file():
        return []
    with TurnStore(db) as store:
        return store.turns(TurnQuery())


@dataclass(frozen=True, slots=True)
class RuleView:
    """A personal rule with its evidence: the turns behind it and how it fared since it applied."""

    rule: RewriteRule
    pair: RewritePair
    behind: tuple[str, ...]  # ids of the defective turns of its original before it went live
    counts: ArmCounts
    verdict: str  # keep | probation | retract (the learner's own decision)
    approved: bool


@dataclass(frozen=True, slots=True)
class SeenRewrite:
    """A rewrite that applied to turns, by pair (the retrieval and global layers leave no table rows)."""

    pair: RewritePair
    layer: str
    original: str  # as heard, the last time
    rewritten: str
    wins: int
    losses: int
    turn_ids: tuple[str, ...]
    approved: bool


@dataclass(frozen=True, slots=True)
class Learned:
    versions: tuple[int, ...]
    active: int
    rules: tuple[RuleView, ...]
    seen: tuple[SeenRewrite, ...]
    choices: Choices
    macros: tuple[Macro, ...]
    preferences: Mapping[str, str]
    history: tuple[Change, ...]
    quarantined: int = 0
    rejected: Mapping[str, int] = field(default_factory=dict)


def _rule_views(turns: Sequence[StoredTurn], versions: TableVersions, choices: Choices) -> list[RuleView]:
    table = versions.active()
    if not table.rules:
        return []
    records = [t.record for t in turns]
    signals = {t.record.turn_id: t.signals for t in turns}
    chain = [c for g in build_goals(records, signals) for c in g.turns]
    out: list[RuleView] = []
    for rule in table.rules.values():
        if rule.layer == SPAN_LAYER:  # a learned name: every request that contains its misheard words
            mine = [c for c in chain if f" {rule.original} " in f" {c.original} "]
            counts = track_span(rule, mine)
        else:
            mine = [c for c in chain if c.original == rule.original]
            counts = track_outcomes(rule, mine)
        behind = tuple(c.turn_id for c in mine if c.defect and (not rule.since or c.t_start < rule.since))
        pair = RewritePair.of(rule.original, rule.rewritten)
        verdict = decide(rule, counts).verdict.value
        out.append(RuleView(rule, pair, behind[-20:], counts, verdict, pair in choices.approved))
    return out


def _seen(turns: Sequence[StoredTurn], choices: Choices) -> list[SeenRewrite]:
    by_pair: dict[RewritePair, list[StoredTurn]] = defaultdict(list)
    for t in turns:
        rw = t.record.rewrite
        if rw is not None and rw.layer not in {"personal", SPAN_LAYER} and rw.original and rw.rewritten:
            by_pair[RewritePair.of(rw.original, rw.rewritten)].append(t)
    out = []
    for pair, group in by_pair.items():
        last = group[-1].record.rewrite
        assert last is not None
        wins = sum(t.record.label == Label.SUCCESS.value for t in group)
        losses = sum(t.record.label == Label.DEFECT.value for t in group)
        ids = tuple(t.record.turn_id for t in group[-20:])
        out.append(
            SeenRewrite(
                pair, last.layer, last.original, last.rewritten, wins, losses, ids, pair in choices.approved
            )
        )
    return sorted(out, key=lambda s: (-len(s.turn_ids), s.pair))


def learned(folder: Path, db: Path, home_id: str) -> Learned:
    """Every learned rewrite with its evidence, the table versions, taught items, the household's record."""
    versions = TableVersions(folder)
    household = Household(folder)
    choices = household.load()
    turns = all_turns(db)
    macros: list[Macro] = []
    preferences: dict[str, str] = {}
    if db.is_file():
        taught = TaughtStore(db, home_id)
        try:
            macros, preferences = taught.macros(), taught.preferences()
        finally:
            taught.close()
    table = versions.active()
    rejected: dict[str, int] = defaultdict(int)
    for r in table.rejected:
        rejected[r.rule] += 1
    return Learned(
        tuple(versions.versions()), versions.active_version(), tuple(_rule_views(turns, versions, choices)),
        tuple(_seen(turns, choices)), choices, tuple(macros), preferences, tuple(household.history(30)),
        len(table.quarantine), dict(rejected),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SyncContent:
    reports: tuple[WeeklyReport, ...]
    running: tuple[WeeklyReport, ...]  # the week in progress: sent only once it has ended
    enabled: bool  # sync.enabled in the settings
    household_off: bool  # switched off on the page


def sync_content(settings: Settings, folder: Path, db: Path) -> SyncContent:
    """What the next sync would send: ``edge sync --dry-run``'s reports (and the running week, apart)."""
    off = Household(folder).load().sync_off
    if not db.is_file():
        return SyncContent((), (), settings.sync.enabled, off)
    now = time.time()
    everything = pending_reports(settings, db, now=now, include_current=True)
    ended = {r.period for r in everything if period_bounds(r.period)[1] <= now}  # pending_reports' own rule
    return SyncContent(
        tuple(r for r in everything if r.period in ended),
        tuple(r for r in everything if r.period not in ended),
        settings.sync.enabled,
        off,
    )


def signal_names(turn: StoredTurn) -> list[str]:
    """The implicit signals that followed a turn, in words."""
    words = {
        SignalKind.BARGE_IN: "barge-in", SignalKind.REPHRASE: "rephrased", SignalKind.UNDO: "undone by hand",
        SignalKind.RESULT_ERROR: "device error", SignalKind.FALSE_WAKE: "false wake",
        SignalKind.ABANDON: "abandoned", SignalKind.EXPLICIT_NEGATIVE: "said no",
        SignalKind.EXPLICIT_POSITIVE: "said thanks",
    }  # fmt: skip
    return list(dict.fromkeys(words.get(s.kind, str(s.kind)) for s in turn.signals))
