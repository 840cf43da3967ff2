"""kill -9 of a process recording turns with the real recorder and store, at random points, then restarts:
the store opens intact, at most the turn in flight is lost, and after the restart's recovery every turn
is labelled - with the label an uninterrupted recorder gives the same turns. (The bench does 20 kills.)"""

from __future__ import annotations

import random
from pathlib import Path

from edge.feedback.crash_harness import kill_run, recover_only, reference_labels, stored_labels
from edge.feedback.store import TurnStore


def test_kill_dash_nine_at_random_points_then_recovery(tmp_path: Path) -> None:
    db = tmp_path / "turns.db"
    rng = random.Random(12)
    runs = range(1, 5)
    outcomes = [kill_run(db, run, rng.randint(2, 30), rng) for run in runs]
    last = recover_only(db, len(runs) + 1)

    for outcome in outcomes:
        assert outcome.integrity == "ok"
        assert outcome.anomalies == (), outcome.stdout  # every line read, each ok after its own begin
        assert outcome.lost_acknowledged == 0, (outcome.diagnosis, outcome.stdout)
        assert len(outcome.begun) - len(outcome.acknowledged) <= 1  # one turn in flight at most
        assert outcome.lost <= 1  # the turn in flight, if its commit had not happened
    reports = [o.recovered for o in outcomes[1:]] + [last]
    assert all(r["reopened"] == 0 and r["settled"] == r["open_found"] for r in reports)
    assert sum(r["open_found"] for r in reports) > 0  # the kills left open windows behind

    for run in runs:
        labels, still_open = stored_labels(db, run)
        assert still_open == 0
        assert labels == reference_labels(db, run)
    with TurnStore(db) as store:
        assert store.integrity_check() == "ok" and store.open_turns() == {}
