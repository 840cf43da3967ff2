"""The retrieval rewriter's threshold and refusals come from the household's own outcomes."""

from __future__ import annotations

from edge.config import LearningSettings
from edge.context.model import Capability, Device
from edge.feedback.record import Rewrite, TurnRecord
from edge.learning.loop import Learner
from edge.learning.retrieval_policy import RetrievalOutcome, RetrievalPolicy, policy_from_outcomes
from edge.learning.rewriter import LearnedRewriter
from edge.nlu.snapshots import make_snapshot

SETTING = LearningSettings().personal_threshold


def _o(score: float, defect: bool, original: str = "a", rewritten: str = "b") -> RetrievalOutcome:
    return RetrievalOutcome(original, rewritten, score, defect)


def test_a_home_whose_rewrites_work_keeps_the_setting() -> None:
    policy = policy_from_outcomes([_o(0.75, False), _o(0.8, False), _o(0.9, False)], SETTING)
    assert policy == RetrievalPolicy(0.0, frozenset(), 3, 0)
    assert policy.allows("a", "b", 0.71, SETTING) and not policy.allows("a", "b", 0.69, SETTING)


def test_failed_rewrites_raise_the_threshold_above_them_and_block_their_pair() -> None:
    outcomes = [_o(0.74, True, "x", "y"), _o(0.78, True, "p", "q"), _o(0.95, False), _o(0.97, False)]
    policy = policy_from_outcomes(outcomes, SETTING)
    assert 0.78 < policy.threshold <= 0.95  # above both failures; what worked above them stays allowed
    assert policy.blocked == {("x", "y"), ("p", "q")}
    assert policy.allows("a", "b", 0.96, SETTING) and not policy.allows("c", "d", 0.77, SETTING)
    assert not policy.allows("x", "y", 0.99, SETTING)


def test_a_pair_that_works_more_often_than_it_fails_is_not_blocked() -> None:
    outcomes = [_o(0.9, True), _o(0.9, False), _o(0.9, False)]
    assert policy_from_outcomes(outcomes, SETTING).blocked == frozenset()


DEVICES = {
    "light.study": Device(
        "light.study", "study light", "light", area="study", capabilities=frozenset({Capability.ON_OFF})
    )
}


def _turn(tid: str, t: float, heard: str, rewritten: str, score: float, label: str) -> TurnRecord:
    return TurnRecord(
        tid, f"s{tid}", "h", t, t + 1.0, asr_text=heard, text=rewritten, intent="HassTurnOn",
        targets=("light.study",), commands=({"entity_id": "light.study"},), result_ok=label == "success",
        result_error="" if label == "success" else "no-such-device", response="OK.",
        rewrite=Rewrite(heard, rewritten, "retrieval", score), label=label,
    )  # fmt: skip


def test_the_learner_reads_the_homes_retrieval_outcomes_into_the_rewriter() -> None:
    turns = [
        _turn(f"t{i}", i * 3600.0, "turn on the study like", "turn on the study light", 0.8, "defect")
        for i in range(2)
    ]
    learner = Learner()
    learner.rebuild(turns, {}, 3 * 3600.0)
    assert learner.retrieval_policy.outcomes == 2 and learner.retrieval_policy.defects == 2
    assert ("turn on the study like", "turn on the study light") in learner.retrieval_policy.blocked
    rewriter = learner.rewriter()
    assert isinstance(rewriter, LearnedRewriter) and rewriter.retrieval_policy is learner.retrieval_policy
    snapshot = make_snapshot(DEVICES)
    assert rewriter.rewrite("turn on the study like", snapshot, 0.5) is None  # it failed here twice
