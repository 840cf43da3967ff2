"""``edge learn [--db PATH] [--rollback] [--list]``: rebuild the rewrite table from the turn store, replay it
against recent history, activate it when it is no worse, and write failure points back to the store."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edge.commands._util import settings_from_args
from edge.feedback.record import Label
from edge.feedback.store import TurnQuery, TurnStore
from edge.learning.canonical import Lexicon
from edge.learning.fpi import Tree, classify, featurize
from edge.learning.globaltable import load_global_table
from edge.learning.loop import Learner, TableVersions

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    db = Path(args.db or settings.feedback.db_path)
    tables_dir = Path(settings.learning.tables_dir)
    if args.db and not tables_dir.is_absolute():
        tables_dir = db.parent / tables_dir
    versions = TableVersions(tables_dir)
    if args.rollback:
        print(f"active rewrite table is now version {versions.rollback()}")
        return 0
    if args.list:
        active = versions.active_version()
        for v in versions.versions():
            print(f"{'*' if v == active else ' '} version {v}")
        for rule in versions.active().rules.values():
            print(f"  {rule.original!r} -> {rule.rewritten!r} (score {rule.score}, lift {rule.lift})")
        return 0
    with TurnStore(db) as store:
        stored = store.turns(TurnQuery())
        turns = [s.record for s in stored]
        signals = {s.record.turn_id: list(s.signals) for s in stored}
        learner = Learner(settings.learning, global_table=load_global_table(settings.learning.global_table))
        learner.table = versions.active()
        now = max((t.t_end for t in turns), default=0.0)
        report = learner.rebuild(turns, signals, now, Lexicon())
        if report.activated:
            version = versions.save(report.table)
            print(
                f"rewrite table version {version}: {len(report.table)} rules from {report.turns} turns "
                f"({report.goals} goals); replay fixes {report.candidate.fixes}, "
                f"touches {report.candidate.breaks} "
                f"successful turns"
            )
        else:
            print(
                f"kept the current table: the candidate would fix {report.candidate.fixes} and touch "
                f"{report.candidate.breaks} (current: {report.current.fixes}/{report.current.breaks})"
            )
        tree = Tree.load()
        lex = Lexicon()
        following = {s.related_turn_id: s.turn_id for ss in signals.values() for s in ss if s.related_turn_id}
        by_id = {t.turn_id: t for t in turns}
        labelled = 0
        with store.transaction():
            for t in turns:
                if t.label != Label.DEFECT.value or t.failure_point:
                    continue
                nxt = by_id.get(next((r for r, src in following.items() if src == t.turn_id), ""))
                point = classify(featurize(t, signals.get(t.turn_id, ()), nxt, lex), tree)
                labelled += store.set_label(t.turn_id, Label.DEFECT, point)
        print(f"failure points written for {labelled} defective turns")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "learn", parents=[common], help="rebuild, list or roll back the learned rewrite tables"
    )
    p.add_argument("--db", help="turn store (default: feedback.db_path)")
    p.add_argument("--rollback", action="store_true", help="make the previous table version active")
    p.add_argument("--list", action="store_true", help="list table versions and the active rules")
    p.set_defaults(func=_run)
