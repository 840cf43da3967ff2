"""The absorbing Markov chain, the acceptance rules and the Beta tracking of live rewrites."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edge.learning.chains import FAILURE, SUCCESS, ChainTurn, Goal
from edge.learning.markov import solve_chain
from edge.learning.safety import SafetyPolicy
from edge.learning.tables import Acceptance, RewriteRule, RewriteTable, build_table
from edge.learning.tracking import ArmCounts, Verdict, decide, in_holdout, p_better, track_outcomes

S, F = SUCCESS, FAILURE
MAJ, IMAGINE, SONGS, DRAGONS = (
    "play maj and dragons",
    "play imagine dragons",
    "play imagine dragon songs",
    "play dragons",
)
# The doc's row for "play maj and dragons" is given; the "etc." rows are reconstructed so that the doc's
# figures follow: R_1S = 107/109, R_2S = 0.71, R_3S = 0.2 (no loops back).
WORKED = {
    MAJ: {MAJ: 10, IMAGINE: 50, SONGS: 15, DRAGONS: 5, F: 20},
    IMAGINE: {S: 107, F: 2},
    SONGS: {S: 71, F: 29},
    DRAGONS: {S: 1, F: 4},
}


def test_worked_example_of_the_doc() -> None:
    sol = solve_chain(WORKED)
    row = sol.credit_row(MAJ)
    c = [row[MAJ], row[IMAGINE], row[SONGS], row[DRAGONS]]
    assert [round(v, 3) for v in c] == [0.0, 0.545, 0.118, 0.011]
    assert round(sol[MAJ].success, 3) == 0.675
    assert sol[MAJ].best == IMAGINE


def test_per_component_solve_equals_dense_solve() -> None:
    rng = np.random.default_rng(3)
    names = [f"s{i}" for i in range(12)]
    counts: dict[str, dict[str, float]] = {}
    for block in (names[:5], names[5:9], names[9:]):  # three components
        for n in block:
            row = {m: float(rng.integers(0, 4)) for m in block}
            row[S] = float(rng.integers(1, 6))
            row[F] = float(rng.integers(0, 4))
            counts[n] = row
    sol = solve_chain(counts)
    q = np.zeros((12, 12))
    r = np.zeros(12)
    for i, n in enumerate(names):
        total = sum(counts[n].values())
        for k, v in counts[n].items():
            if k == S:
                r[i] = v / total
            elif k != F:
                q[i, names.index(k)] = v / total
    dense = np.linalg.inv(np.eye(12) - q)
    for i, n in enumerate(names):
        assert sol[n].success == pytest.approx(float(dense[i] @ r))
        for j, m in enumerate(names):
            assert sol.credit(n, m) == pytest.approx(float(dense[i, j] * r[j]), abs=1e-12)


def test_smoothing_toward_the_global_row() -> None:
    local = {"a": {F: 1.0}}
    sol = solve_chain(local, {"a": {"b": 1.0}, "b": {S: 1.0}}, alpha=5.0)
    assert sol["a"].best == "b"
    assert sol["a"].success == pytest.approx(5 / 6)


def _turn(orig: str, day: int, defect: bool, home: str = "h", rewritten: str = "") -> ChainTurn:
    return ChainTurn(f"{orig}{day}{home}{defect}", "s", home, day * 86_400.0 + 100, orig, rewritten, defect)


def _goals(bad: str, good: str, days: int, homes: int = 1, repeats: int = 3) -> list[Goal]:
    out = []
    for h in range(homes):
        for d in range(days):
            for _ in range(repeats):
                out.append(Goal((_turn(bad, d, True, f"h{h}"), _turn(good, d, False, f"h{h}"))))
    return out


def test_acceptance_accepts_a_clear_case() -> None:
    table = build_table(_goals("turn on the kitchen lite", "turn on the kitchen light", days=3))
    rule = table.lookup("turn on the kitchen lite")
    assert rule is not None and rule.rewritten == "turn on the kitchen light" and rule.days == 3


@pytest.mark.parametrize(
    ("goals", "acceptance", "rule"),
    [
        (  # one day, one try: no support yet
            _goals("turn on the kitchen lite", "turn on the kitchen light", days=1, repeats=1),
            Acceptance(),
            "support",
        ),
        (  # one day, clean evidence, but the clean rule asks for more tries
            _goals("turn on the kitchen lite", "turn on the kitchen light", days=1),
            Acceptance(clean_tries=4),
            "support",
        ),
        (
            _goals("turn on the kitchen lite", "turn on the kitchen light", days=3, homes=3),
            Acceptance(fleet=True, min_homes=20),
            "support",
        ),
        (
            _goals("turn on the kitchen lite", "turn on the kitchen light", days=3),
            Acceptance(min_target_success=1.1),
            "target_success",
        ),
        (
            _goals("turn on the kitchen lite", "turn on the kitchen light", days=3),
            Acceptance(min_lift=1.5),
            "lift",
        ),
        (
            _goals("banana", "turn on the kitchen light", days=3, repeats=1),
            Acceptance(min_direct=5),
            "similarity",
        ),
        (_goals("open the grage", "open the garage", days=3), Acceptance(), "safety"),
    ],
)
def test_each_acceptance_rule_can_reject(goals: list[Goal], acceptance: Acceptance, rule: str) -> None:
    table = build_table(goals, acceptance=acceptance, policy=SafetyPolicy())
    assert len(table) == 0
    assert [r.rule for r in table.rejected] == [rule]


def test_one_day_is_support_enough_when_the_evidence_is_clean() -> None:
    """The original failed every try (3 of 3) and the target worked every time: accepted on its first day.
    One try of either side (unless the target is steady), an original that also worked, or a target that
    also failed, is not clean."""
    clean = _goals("turn on the kitchen lite", "turn on the kitchen light", days=1)
    rule = build_table(clean).lookup("turn on the kitchen lite")
    assert rule is not None and rule.rewritten == "turn on the kitchen light" and rule.days == 1
    lite_worked = [*clean, Goal((_turn("turn on the kitchen lite", 0, False),))]
    assert [r.rule for r in build_table(lite_worked).rejected] == ["support"]
    light_failed = [*clean, Goal((_turn("turn on the kitchen light", 0, True),))]
    table = build_table(light_failed)
    assert table.lookup("turn on the kitchen lite") is None  # R_jS 3/4 < 0.9: not clean (nor >= 0.8)
    once = _goals("turn on the kitchen lite", "turn on the kitchen light", days=1, repeats=1)
    assert [r.rule for r in build_table(once).rejected] == ["support"]
    # one failed try is enough when the target is steady: it worked on 3 tries of its own
    steady = [*once, *(Goal((_turn("turn on the kitchen light", 0, False),)) for _ in range(2))]
    rule = build_table(steady).lookup("turn on the kitchen lite")
    assert rule is not None and rule.days == 1
    stricter = build_table(steady, acceptance=Acceptance(clean_steady=4))
    assert stricter.lookup("turn on the kitchen lite") is None
    # the fleet's support is homes, never a clean day
    fleet = build_table(clean, acceptance=Acceptance(fleet=True, min_homes=20))
    assert [r.rule for r in fleet.rejected] == ["support"]
    # clean evidence passes support only: safety still refuses
    garage = build_table(_goals("open the grage", "open the garage", days=1), policy=SafetyPolicy())
    assert len(garage) == 0 and [r.rule for r in garage.rejected] == ["safety"]


def test_quarantined_pairs_are_rejected() -> None:
    goals = _goals("turn on the kitchen lite", "turn on the kitchen light", days=3)
    table = build_table(
        goals, quarantine=frozenset({("turn on the kitchen lite", "turn on the kitchen light")})
    )
    assert len(table) == 0 and table.rejected[0].rule == "quarantined"


def test_low_direct_success_states_only_and_direct_rephrase_overrides_similarity() -> None:
    goals = _goals("banana", "turn on the kitchen light", days=3, repeats=1)
    assert build_table(goals).lookup("banana") is not None  # 3 direct rephrases, no similarity needed


def test_beta_tracking_retracts_a_rewrite_that_stops_winning() -> None:
    rule = RewriteRule("a", "b", score=0.95, lift=0.6, credit=0.6, days=3, homes=1, direct=3, similarity=0.9)
    assert decide(rule, ArmCounts(rewritten_ok=20, rewritten_bad=1)).verdict == Verdict.KEEP
    turns = [ChainTurn(f"t{i}", "s", "h", float(i), "a", "b", defect=i % 5 != 0) for i in range(20)]
    turns += [ChainTurn(f"o{i}", "s", "h", float(i), "a", "", defect=False) for i in range(3)]
    counts = track_outcomes(rule, turns)
    assert counts == ArmCounts(4, 16, 3, 0)
    assert decide(rule, counts).verdict == Verdict.RETRACT


def test_p_better_and_holdout_are_sane() -> None:
    assert p_better(30, 2, 2, 30) > 0.99
    assert p_better(2, 2, 2, 2) == pytest.approx(0.5, abs=1e-6)
    share = sum(in_holdout(f"turn-{i}", 0.07) for i in range(20_000)) / 20_000
    assert 0.06 < share < 0.08
    assert in_holdout("turn-1", 0.07) == in_holdout("turn-1", 0.07)


def test_table_round_trips_through_json(tmp_path: object) -> None:
    table = build_table(_goals("turn on the kitchen lite", "turn on the kitchen light", days=3), version=4)

    path = Path(str(tmp_path)) / "t.json"
    table.save(path)
    again = RewriteTable.load(path)
    assert again.rules == table.rules and again.version == 4


def test_a_rule_goes_to_the_next_target_when_the_best_fails_a_rule() -> None:
    """j* holds the most credit but works only 3 times in 4 (a garble that sometimes got through); the
    household's usual words for the goal worked every time, on two days: the home's table takes them
    (``Acceptance.targets``); with one target, or for the fleet, the rule is refused as before."""
    glow, garble, usual = "turn the glow off", "turn off for office lamp", "turn the office lamp off"
    goals = [Goal((_turn(glow, 0, True), _turn(garble, 0, False))) for _ in range(3)]
    goals.append(Goal((_turn(glow, 0, True), _turn(garble, 0, True))))
    goals += [Goal((_turn(glow, d, True), _turn(usual, d, False))) for d in (1, 2)]
    counts = {glow: {garble: 4.0, usual: 2.0}, garble: {S: 3.0, F: 1.0}, usual: {S: 2.0}}
    assert solve_chain(counts)[glow].best == garble
    one = build_table(goals, acceptance=Acceptance(targets=1))
    assert one.lookup(glow) is None and [(r.candidate, r.rule) for r in one.rejected] == [
        (garble, "target_success")
    ]
    rule = build_table(goals, acceptance=Acceptance(targets=3)).lookup(glow)
    assert rule is not None and (rule.rewritten, rule.days, rule.score) == (usual, 2, 1.0)
    fleet = build_table(goals, acceptance=Acceptance(targets=3, fleet=True, min_homes=1))
    assert fleet.lookup(glow) is None
    # the next target still passes every rule: safety too
    lock = "unlock the front door"
    unsafe = [Goal((_turn(glow, 0, True), _turn(garble, 0, d == 3))) for d in range(4)]
    unsafe += [Goal((_turn(glow, d, True), _turn(lock, d, False))) for d in (1, 2)]
    assert build_table(unsafe, acceptance=Acceptance(targets=3), policy=SafetyPolicy()).lookup(glow) is None
