"""Small factories shared by the runtime and the CLI: where learned tables live, the rewriter they make,
and failure points for the defective turns of a store."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from edge.config import Settings
from edge.context.model import Device
from edge.feedback.record import FeedbackSignal, Label, TurnRecord
from edge.feedback.store import TurnQuery, TurnStore
from edge.learning.canonical import Lexicon
from edge.learning.fpi import Tree, classify, featurize
from edge.learning.loop import Learner, RebuildReport, TableVersions
from edge.learning.rewriter import LearnedRewriter
from edge.sync.instantiate import BoundRewriter, RegistryGlobalLayer
from edge.sync.service import global_table_path

__all__ = ["Rebuilt", "failure_points", "learned_rewriter", "rebuild_tables", "tables_dir"]

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
    layer = _global_layer(settings)
    return learner.rewriter() if layer is None else BoundRewriter(learner.rewriter(), layer)


def _global_layer(settings: Settings) -> RegistryGlobalLayer | None:
    """The fleet's layer where ``edge sync`` installs it (``learning.global_table``, or with fleet sync on
    ``<learning.tables_dir>/global.json``), re-verified against ``sync.public_key`` on this load; None when
    none is installed or it does not verify."""
    if not settings.learning.global_table and not settings.sync.enabled:
        return None
    path = global_table_path(settings)
    if not settings.learning.global_table and not path.exists():
        return None  # sync is on but no release has been installed yet
    return RegistryGlobalLayer.load(path, public_key=settings.sync.public_key)


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


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """What a rebuild did: the learner's report, the active table version after it, failure points written."""

    report: RebuildReport
    version: int
    labelled: int

    def summary(self) -> str:
        r = self.report
        if r.activated:
            head = (
                f"rewrite table version {self.version}: {len(r.table)} rules from {r.turns} turns "
                f"({r.goals} goals); replay fixes {r.candidate.fixes}, touches {r.candidate.breaks} "
                "successful turns"
            )
        else:
            head = (
                f"kept rewrite table version {self.version}: the candidate would fix {r.candidate.fixes} and "
                f"touch {r.candidate.breaks} (current: {r.current.fixes}/{r.current.breaks})"
            )
        return f"{head}; failure points written for {self.labelled} defective turns"


def rebuild_tables(settings: Settings, db: Path | None, devices: Iterable[Device] = ()) -> Rebuilt:
    """Rebuild the personal rewrite table from the turn store (blocking: run it in a thread).

    The candidate replaces the active table only when it does no worse on recent history; failure points
    are written back for defective turns. ``devices`` (the home's registry) lets both know the home's
    names and words; without them they work from the turns alone.
    """

    path = db or Path(settings.feedback.db_path)
    versions = TableVersions(tables_dir(settings, db))
    devices = tuple(devices)
    lexicon = Lexicon.from_devices(devices)
    layer = _global_layer(settings)  # its pairs bound to these devices
    with TurnStore(path) as store:
        stored = store.turns(TurnQuery())
        turns = [s.record for s in stored]
        signals = {s.record.turn_id: list(s.signals) for s in stored}
        learner = Learner(settings.learning)
        if layer is not None:
            learner.global_table = layer.for_devices(devices)
        learner.table = versions.active()
        now = max((t.t_end for t in turns), default=0.0)
        report = learner.rebuild(turns, signals, now, lexicon)
        labelled = 0
        with store.transaction():
            for turn_id, point in failure_points(turns, signals, lexicon).items():
                labelled += store.set_label(turn_id, Label.DEFECT, point)
    version = versions.save(report.table) if report.activated else versions.active_version()
    return Rebuilt(report, version, labelled)
