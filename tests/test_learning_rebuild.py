"""The rebuild's shortcuts (memoized canonical forms, alias lookup by first word, live rules reading only
their own original's turns) and the bench's like-for-like pairing of rewritten turns with the control arm."""

from __future__ import annotations

import random

from edge.context.model import Device
from edge.feedback.record import FeedbackSignal, Label, Rewrite, SignalKind, TurnRecord
from edge.lab.bench.learning import paired
from edge.lab.sim.household import SimLog, SimTruth
from edge.lab.sim.household_home import make_home
from edge.learning.canonical import Canonicalizer, Lexicon, canonicalize
from edge.learning.chains import build_goals
from edge.learning.loop import Learner
from edge.learning.tables import RewriteRule, RewriteTable

LEX = Lexicon.from_devices(
    [
        Device("light.ceiling", "Ceiling light", "light", aliases=("big light",)),
        Device("light.floor", "Floor lamp", "light", aliases=("big light two",)),
        Device("media_player.tv", "Television", "media_player", aliases=("TV",)),
    ]
)
MAJ, IMAGINE = "play maj and dragons", "play imagine dragons"


def test_memoized_canonical_forms_keep_the_longest_alias_match_even_with_a_number_in_it() -> None:
    canon = Canonicalizer(LEX)
    cases = {
        "turn on the big light two": "turn on the floor lamp",
        "Hey Jarvis, um, set the big light to fifty": "set the ceiling light to 50",
        "big lamp on": "big lamp on",  # starts like an alias, is not one
        "the tv and the big light": "the television and the ceiling light",
    }
    for text, expected in cases.items():
        assert canon(text) == expected == canonicalize(text, LEX)
        assert canon(text) == expected  # a second call answers from the cache
    assert set(canon.cache) == set(cases)


def _turn(tid: str, t: float, heard: str, *, rewritten: str = "", defect: bool) -> TurnRecord:
    rewrite = Rewrite(heard, rewritten, "personal") if rewritten else None
    label = Label.DEFECT.value if defect else Label.SUCCESS.value
    return TurnRecord(
        tid,
        f"s-{tid}",
        "h",
        t,
        t + 2.0,
        asr_text=heard,
        rewrite=rewrite,
        text=rewritten or heard,
        label=label,
    )


def test_goals_linking_two_turns_to_one_rephrase_share_its_chain_turn() -> None:
    turns = [
        TurnRecord("a", "s", "h", 0.0, 2.0, asr_text="kill the tv", label="defect"),
        TurnRecord("b", "s", "h", 5.0, 7.0, asr_text="shut the tv", label="defect"),
        TurnRecord("c", "s", "h", 10.0, 12.0, asr_text="turn off the tv", label="success"),
    ]
    signals = {
        "a": [FeedbackSignal("a", SignalKind.REPHRASE, 5.0, related_turn_id="c")],
        "b": [FeedbackSignal("b", SignalKind.REPHRASE, 10.0, related_turn_id="c")],
    }
    goals = build_goals(turns, signals, LEX)
    assert [[t.original for t in g.turns] for g in goals] == [
        ["kill the television", "turn off the television"],
        ["shut the television", "turn off the television"],
    ]
    assert goals[0].turns[1] is goals[1].turns[1]


def test_rebuild_retracts_the_live_rule_whose_rewrites_fail_and_keeps_the_other() -> None:
    day = 86_400.0
    failing = RewriteRule(MAJ, IMAGINE, 0.9, 0.5, 0.5, 3, 1, 2, 0.8, since=0.0)
    quiet = RewriteRule("kill the tv", "turn off the tv", 0.9, 0.5, 0.5, 3, 1, 2, 0.8, since=0.0)
    table = RewriteTable(1, 0.0, {MAJ: failing, quiet.original: quiet})
    turns = [_turn(f"r{k}", k * day, MAJ, rewritten=IMAGINE, defect=True) for k in range(6)]
    turns += [_turn(f"o{k}", k * day + 600.0, "turn on the big light", defect=False) for k in range(6)]
    learner = Learner(table=table)
    report = learner.rebuild(turns, {}, 7 * day, LEX)
    assert report.retracted == ((MAJ, IMAGINE),)
    assert (MAJ, IMAGINE) in learner.table.quarantine
    assert ("kill the tv", "turn off the tv") not in learner.table.quarantine


def _log(home_seed: int, rows: list[tuple[str, str, str, bool, str, str]]) -> SimLog:
    """rows: (goal id, heard, target, achieved, failed stage, rewrite layer)."""
    log = SimLog(make_home("h", random.Random(home_seed), "small"))
    for k, (goal, heard, target, ok, stage, layer) in enumerate(rows):
        tid = f"{goal}-a0"
        rewrite = Rewrite(heard, "x", layer) if layer else None
        log.turns.append(TurnRecord(tid, goal, "h", float(k), k + 1.0, asr_text=heard, rewrite=rewrite))
        log.truth[tid] = SimTruth(tid, goal, "HassTurnOn", target, stage, ok, 0, "", layer)
    return log


def test_rewritten_turns_are_compared_only_with_the_same_request_in_the_control_arm() -> None:
    control = _log(
        1,
        [
            ("g1", "kill the lamp", "light.lamp", False, "nlu", ""),
            ("g2", "turn on the fan", "fan.fan", True, "", ""),  # the arms drifted: another request
            ("g3", "lamp on", "light.lamp", True, "", ""),
        ],
    )
    treat = _log(
        1,
        [
            ("g1", "kill the lamp", "light.lamp", True, "", "personal"),
            ("g2", "turn of the fan", "fan.fan", False, "asr", "retrieval"),
            ("g3", "lamp on", "light.lamp", False, "nlu", "retrieval"),
        ],
    )
    stats, unmatched, coverage = paired([control], [treat])
    assert unmatched == 1
    assert (stats["all"].rewritten, stats["all"].wins, stats["all"].losses) == (2, 1, 1)
    assert (stats["personal"].wins, stats["personal"].losses, stats["personal"].precision) == (1, 0, 1.0)
    assert (stats["retrieval"].rewritten, stats["retrieval"].losses) == (1, 1)
    assert stats["retrieval"].win_loss() == "0/1 = 0.0" and stats["personal"].win_loss() == "1/0 (no losses)"
    assert coverage == 1.0
