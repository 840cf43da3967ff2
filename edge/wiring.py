"""Small factories shared by the runtime and the CLI: where learned tables live, the rewriter they make,
and failure points for the defective turns of a store."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from edge.config import Settings
from edge.feedback.record import FeedbackSignal, Label, TurnRecord
from edge.learning.canonical import Lexicon
from edge.learning.fpi import Tree, classify, featurize
from edge.learning.globaltable import load_global_table
from edge.learning.loop import Learner, TableVersions
from edge.learning.rewriter import LearnedRewriter
from edge.sync.instantiate import BoundRewriter, RegistryGlobalLayer

__all__ = ["failure_points", "learned_rewriter", "rebuild_tables", "tables_dir"]

log = logging.getLogger(__name__)


def tables_dir(settings: Settings, db: Path | None) -> Path:
    """The learned tables of the turn store at ``db`` (given explicitly): a relative ``learning.tables_dir``
    is relative to the db's folder; with no db it is relative to the working directory."""
    folder = Path(settings.learning.tables_dir)
    return folder if folder.is_absolute() or db is None else db.parent / folder


def learned_rewriter(settings: Settings, db: Path | None) -> LearnedRewriter | BoundRewriter | None:
    """The rewriter from the active personal table and the fleet's global layer; None when learning is off.

    The global layer's pairs name device types (``kill the {light}``), not this home's devices: the rewriter
    binds them to the registry of the snapshot it is called with (:mod:`edge.sync.instantiate`)."""
    if not settings.learning.enabled:
        return None
    learner = Learner(settings.learning)
    learner.table = TableVersions(tables_dir(settings, db)).active()
    if len(learner.table):
        log.info(
            "learned rewrites: %d personal rules (version %d)", len(learner.table), learner.table.version
        )
    layer = RegistryGlobalLayer.load(settings.learning.global_table)
    return learner.rewriter() if layer is None else BoundRewriter(learner.rewriter(), layer)


def failure_points(
    turns: Sequence[TurnRecord], signals: dict[str, list[FeedbackSignal]], lexicon: Lexicon | None = None
) -> dict[str, str]:
    """turn_id -> failure point for each defective turn that has none yet."""
    tree = Tree.load()
    lex = lexicon or Lexicon()
    by_id = {t.turn_id: t for t in turns}
    rephrased_by = {s.turn_id: s.related_turn_id for ss in signals.values() for s in ss if s.related_turn_id}
    out: dict[str, str] = {}
    for t in turns:
        if t.label != Label.DEFECT.value or t.failure_point:
            continue
        nxt = by_id.get(rephrased_by.get(t.turn_id, ""))
        out[t.turn_id] = classify(featurize(t, signals.get(t.turn_id, ()), nxt, lex), tree)
    return out


def rebuild_tables(settings: Settings, db: Path | None) -> str:
    """Rebuild the personal rewrite table from the turn store (blocking: run it in a thread).

    The candidate replaces the active table only when it does no worse on recent history; failure points
    are written back for defective turns. Returns one line saying what happened.
    """
    from edge.feedback.store import TurnQuery, TurnStore

    path = db or Path(settings.feedback.db_path)
    versions = TableVersions(tables_dir(settings, db))
    with TurnStore(path) as store:
        stored = store.turns(TurnQuery())
        turns = [s.record for s in stored]
        signals = {s.record.turn_id: list(s.signals) for s in stored}
        learner = Learner(settings.learning, global_table=load_global_table(settings.learning.global_table))
        learner.table = versions.active()
        now = max((t.t_end for t in turns), default=0.0)
        report = learner.rebuild(turns, signals, now, Lexicon())
        with store.transaction():
            for turn_id, point in failure_points(turns, signals).items():
                store.set_label(turn_id, Label.DEFECT, point)
    if report.activated:
        version = versions.save(report.table)
        return f"rewrite table version {version}: {len(report.table)} rules from {report.turns} turns"
    return f"kept rewrite table version {versions.active_version()}"
