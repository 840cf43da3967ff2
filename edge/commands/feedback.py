"""``edge feedback``: recent turns with their signals and labels, JSONL export, and defect statistics."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path
from typing import Any

from edge.commands._util import emit_json, settings_from_args
from edge.errors import EdgeError
from edge.feedback.export import export_jsonl
from edge.feedback.store import TurnQuery, TurnStore

__all__ = ["register", "stats"]


def stats(store: TurnStore, since: float | None) -> dict[str, Any]:
    """Defect rate and per-signal counts over the turns since ``since`` (the turns' clock)."""
    labels: Counter[str] = Counter()
    signals: Counter[str] = Counter()
    n = 0
    for turn in store.iter_turns(TurnQuery(since=since)):
        n += 1
        labels[turn.record.label] += 1
        for kind in {str(s.kind) for s in turn.signals}:
            signals[kind] += 1
    labelled = labels["defect"] + labels["success"]
    return {
        "turns": n,
        "labels": dict(labels),
        "defect_rate": round(labels["defect"] / labelled, 4) if labelled else None,
        "defect_rate_all": round(labels["defect"] / n, 4) if n else None,
        "signals": dict(sorted(signals.items())),
    }


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    db = Path(args.db or settings.feedback.db_path)
    if not db.exists():
        raise EdgeError(
            f"no turn store at {db}", hint="pass --db, or run the assistant (or edge session) first"
        )
    since = time.time() - args.since * 86_400.0 if args.since is not None else None
    with TurnStore(db) as store:
        if args.stats:
            emit_json(stats(store, since))
            return 0
        if args.jsonl:
            n = export_jsonl(store, Path(args.jsonl), TurnQuery(since=since))
            emit_json({"exported": n, "path": args.jsonl})
            return 0
        recent = store.turns(TurnQuery(since=since, limit=args.limit, newest_first=True))
        for turn in reversed(recent):
            emit_json(turn.to_json())
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "feedback", parents=[common], help="recent turns with signals and labels; export; stats"
    )
    p.add_argument("--db", help="turn store (default: feedback.db_path)")
    p.add_argument("--limit", type=int, default=20, help="how many recent turns to list (default 20)")
    p.add_argument("--jsonl", metavar="OUT", help="export the turns (with signals) to this JSONL file")
    p.add_argument("--stats", action="store_true", help="defect rate and counts per signal type")
    p.add_argument("--since", type=float, metavar="DAYS", help="only turns from the last DAYS days")
    p.set_defaults(func=_run)
