"""The learning loop on a real SQLite turn store (`edge learn --db`, `--rollback`) and the household
simulator (reproducible with a seed; learning reduces defects)."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge.cli import main
from edge.feedback.store import TurnStore
from edge.lab.sim.household import SimLog, simulate_home
from edge.learning.canonical import Lexicon
from edge.learning.loop import Learner, TableVersions

# A medium home over 8 days whose users' failures are learnable. How many rules a given home yields depends
# on the NLU model: with the first three-member ensemble seed 11 yielded none in 8 days (its failures were
# left to devices and blinds) while seed 13 yielded 6.
SEED = 13


@pytest.fixture(scope="module")
def sim_log() -> SimLog:
    return simulate_home(SEED, "home-a", 8, None, size="medium", goals_per_day=(14, 20))


def _fill(db: Path, log: SimLog) -> None:
    with TurnStore(db) as store, store.transaction():
        for t in log.turns:
            store.add_turn(t)
        for s in log.signals:
            store.add_signal(s)


def test_edge_learn_builds_a_table_and_rolls_back(
    tmp_path: Path, sim_log: SimLog, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "turns.sqlite3"
    _fill(db, sim_log)
    assert main(["learn", "--db", str(db), "--profile", "x86_64-dev"]) == 0
    versions = TableVersions(tmp_path / "var" / "learning")
    first = versions.active()
    assert versions.versions() == [1] and len(first) > 0
    # a second build over the same log keeps the rules and adds a version
    assert main(["learn", "--db", str(db), "--profile", "x86_64-dev"]) == 0
    assert versions.versions() == [1, 2]
    assert main(["learn", "--db", str(db), "--rollback", "--profile", "x86_64-dev"]) == 0
    assert versions.active_version() == 1 and versions.active().rules == first.rules
    assert main(["learn", "--db", str(db), "--list", "--profile", "x86_64-dev"]) == 0
    out = capsys.readouterr().out
    assert "* version 1" in out and "->" in out
    with TurnStore(db) as store:
        points = {t.record.failure_point for t in store.turns() if t.record.label == "defect"}
    assert points <= {"false_wake", "asr", "nlu", "entity_resolution", "result", "correct"} and points


def test_rollback_without_history_explains_itself(tmp_path: Path) -> None:
    assert main(["learn", "--db", str(tmp_path / "t.sqlite3"), "--rollback", "--profile", "x86_64-dev"]) == 1


def test_simulator_is_reproducible(sim_log: SimLog) -> None:
    again = simulate_home(SEED, "home-a", 8, None, size="medium", goals_per_day=(14, 20))
    assert [t.to_json() for t in again.turns] == [t.to_json() for t in sim_log.turns]
    stages = {t.failed_stage for t in sim_log.truth.values()}
    assert len(stages & {"asr", "nlu", "entity_resolution", "result", "false_wake"}) >= 3, stages
    assert any(t.rephrase_of for t in sim_log.truth.values())


def test_learning_reduces_defects_on_the_same_seed() -> None:
    def rate(log: SimLog) -> float:
        return sum(not t.achieved for t in log.truth.values()) / len(log.truth)

    learner = Learner()

    def learn(log: SimLog, now: float) -> object:
        learner.rebuild(
            log.turns, log.signals_by_turn(), now, Lexicon.from_devices(log.home.devices.values())
        )
        return learner.rewriter()

    off = [simulate_home(5, f"h{i}", 10, None, size="medium") for i in range(2)]
    on = []
    for i in range(2):
        learner = Learner()
        on.append(simulate_home(5, f"h{i}", 10, learn, size="medium"))  # type: ignore[arg-type]
    before = sum(rate(x) for x in off) / 2
    after = sum(rate(x) for x in on) / 2
    assert after < before
    assert any(t.rewritten for log in on for t in log.truth.values())
