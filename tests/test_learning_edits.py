"""Retrieval rewrites repair misheard words and nothing else: the edit policy, the words a home relies on,
and the learner's view of turns the device never answered."""

from __future__ import annotations

import dataclasses

import pytest

from edge.config import LearningSettings
from edge.context.model import Capability, Device
from edge.feedback.record import FeedbackSignal, SignalKind, TurnRecord
from edge.learning.canonical import Lexicon
from edge.learning.chains import ChainTurn, build_goals, is_defect
from edge.learning.edits import repairs_only, sounds_alike
from edge.learning.loop import Learner
from edge.learning.rewriter import LearnedRewriter
from edge.nlu.snapshots import make_snapshot

C = Capability
DEVICES = {
    d.entity_id: d
    for d in (
        Device("light.study", "study light", "light", area="study", capabilities=frozenset({C.ON_OFF})),
        Device("light.bedroom", "bedroom light", "light", area="bedroom", capabilities=frozenset({C.ON_OFF})),
        Device("light.office", "office lamp", "light", area="office", capabilities=frozenset({C.ON_OFF})),
    )
}
LEX = Lexicon.from_devices(DEVICES.values())
KNOWN = LEX.words | {"turn", "on", "off", "the", "set", "to", "percent", "dim", "play", "adele"}


@pytest.mark.parametrize(
    ("heard", "candidate"),
    [
        ("turn on the study like", "turn on the study light"),
        ("turn on the stady light", "turn on the study light"),
        ("play maj and dragons", "play imagine dragons"),
        ("play sum adele", "play adele"),
    ],
)
def test_sound_alike_repairs_of_unknown_words_pass(heard: str, candidate: str) -> None:
    assert repairs_only(heard, candidate, KNOWN)


@pytest.mark.parametrize(
    ("heard", "candidate", "why"),
    [
        ("turn on the study like", "turn on the bedroom light", "a known room is lost"),
        ("turn on the study like", "turn off the study light", "the action flips"),
        ("dim the study light to 30 percent", "set the study light to 30 percent", "a word the home uses"),
        ("turn the study light on", "turn on the study light", "nothing unknown is repaired"),
        ("light up the bubble lamp", "light up the office lamp", "a nickname is no mishearing"),
        ("play the beetles", "play adele", "not alike"),
        ("set the study like to 40", "set the study light to 50", "a number changes"),
        ("turn off the fairy lights", "turn off the bedroom light", "alike only in 'lights'"),
        ("play norah jones", "play imagine dragons", "two other words, word for word"),
    ],
)
def test_other_requests_are_no_repairs(heard: str, candidate: str, why: str) -> None:
    assert not repairs_only(heard, candidate, KNOWN), why


def test_sound_likeness_needs_spelling_and_sound() -> None:
    assert sounds_alike("like", "light") > sounds_alike("dim", "set")
    assert sounds_alike("bed rum", "bedroom") > 0.8 and sounds_alike("bubble", "office") < 0.2


def _turn(tid: str, text: str, t: float, **kw: object) -> TurnRecord:
    base: dict[str, object] = {"intent": "HassTurnOn", "targets": ("light.study",), "result_ok": True}
    base.update(kw)
    return TurnRecord(tid, f"s{tid}", "h", t, t + 1.0, asr_text=text, text=text, **base)  # type: ignore[arg-type]


def test_words_whose_requests_mostly_fail_are_repaired_and_words_that_work_are_kept() -> None:
    """'like' gets through now and then but mostly fails: the retrieval layer may repair it; 'dim' works."""
    turns: list[TurnRecord] = []
    for day in range(4):
        t = day * 86_400.0 + 3600
        turns += [
            _turn(f"ok{day}", "turn on the study light", t, label="success"),
            _turn(f"dim{day}", "dim the study light to 30 percent", t + 400, label="success"),
            _turn(f"bad{day}", "turn on the study like", t + 800, targets=(), result_ok=None, label="defect"),
            _turn(
                f"bad2{day}", "turn off the study like", t + 1200, targets=(), result_ok=None, label="defect"
            ),
        ]
    turns.append(_turn("lucky", "turn on the study like", 5 * 86_400.0, label="success"))
    learner = Learner(LearningSettings(holdout=0.0))
    learner.rebuild(turns, {}, 6 * 86_400.0, LEX)
    assert "like" in learner.unreliable and "dim" not in learner.unreliable
    rewriter: LearnedRewriter = learner.rewriter()
    snap = make_snapshot(DEVICES)
    fixed = rewriter.rewrite("turn on the study like", snap, 0.9)
    assert fixed is not None and fixed.rewritten == "turn on the study light" and fixed.layer == "retrieval"
    assert rewriter.rewrite("dim the study light to 40 percent", snap, 0.5) is None


def test_a_device_that_never_answered_is_no_evidence_against_the_words() -> None:
    command = ({"entity_id": "light.study", "state": "on"},)
    timeout = _turn(
        "t1",
        "turn on the study light",
        10.0,
        result_ok=False,
        result_error="device-timeout",
        commands=command,
    )
    again = _turn("t2", "switch on the study light", 20.0, commands=command)
    timeout, again = (dataclasses.replace(t, session_id="s") for t in (timeout, again))
    link = FeedbackSignal("t1", SignalKind.REPHRASE, 20.0, 0.9, related_turn_id="t2")
    goals = build_goals([timeout, again], {"t1": [link]}, LEX)
    assert [[t.turn_id for t in g.turns] for g in goals] == [["t2"]]


def test_a_request_that_did_nothing_and_said_so_is_a_defect() -> None:
    said = _turn(
        "n", "turn on the big light", 0.0, targets=(), result_ok=None,
        response="I don't know a device called big light.",
    )  # fmt: skip
    assert is_defect(said, ())
    assert not is_defect(
        _turn("y", "turn on the study light", 0.0, response="Turned on the study light."), ()
    )
    assert ChainTurn("x", "s", "h", 0.0, "a", "", True).device_fault is False
