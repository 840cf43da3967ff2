"""``python -m edge.lab.bench._learning_defects``: every defective turn of a simulated home falls in exactly
one category, by the simulator's truth, and the reasons cover the learning arm's request turns of days 1+
whose goal was met later."""

from __future__ import annotations

import pytest

from edge.lab.bench._learning_defects import categories, main, run
from edge.learning.chains import DAY_S


def test_every_defective_turn_has_one_category_and_each_later_met_turn_a_reason() -> None:
    arm = run(20250101, 1, 3, learning=True)
    log, tables = arm.logs[0], arm.tables[0]
    assert sorted(tables) == [1, 2, 3]  # the table each night built
    cats, whys = categories(log, tables)
    truths = list(log.truth.values())
    assert len(cats) == sum(not t.achieved for t in truths) > 0
    starts = {t.turn_id: t.t_start for t in log.turns}
    met = {t.goal_id for t in truths if t.achieved and t.attempt >= 0}
    later = [
        t
        for t in truths
        if not t.achieved and t.attempt >= 0 and t.goal_id in met and starts.get(t.turn_id, 0.0) >= DAY_S
    ]
    assert len(whys) == len(later)
    assert sum(c.startswith("day 0") for c in cats) == sum(
        not t.achieved and t.attempt >= 0 and starts.get(t.turn_id, 0.0) < DAY_S for t in truths
    )
    assert categories(log, None)[1] == []  # no tables: no reasons


def test_the_command_prints_both_arms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--homes", "1", "--days", "2"]) == 0
    out = capsys.readouterr().out
    assert "learning off" in out and "tables + retrieval" in out and "all defective / all turns" in out
