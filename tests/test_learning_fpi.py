"""Failure-point isolation: labelling functions on constructed turns, the tree, and the routing to fixes."""

from __future__ import annotations

import numpy as np

from edge.feedback.record import Asked, FeedbackSignal, Rewrite, SignalKind, TurnRecord
from edge.learning.canonical import Lexicon
from edge.learning.fpi import (
    CLASSES,
    FEATURES,
    SPEECH_STAGES,
    classify,
    decisive,
    featurize,
    fit_tree,
    label_functions,
    route,
    session_next,
    session_prev,
)
from edge.learning.fpi_next import AFTER_S
from edge.nlu.snapshots import demo_devices

LEX = Lexicon.from_devices(demo_devices().values())


def _turn(tid: str = "t1", **kw: object) -> TurnRecord:
    base: dict[str, object] = {
        "turn_id": tid,
        "session_id": "s",
        "home_id": "h",
        "t_start": 0.0,
        "t_end": 2.0,
        "wake_score": 0.9,
        "asr_confidence": 0.9,
        "intent_confidence": 0.9,
    }
    base.update(kw)
    return TurnRecord(**base)  # type: ignore[arg-type]


def _lf(
    turn: TurnRecord, nxt: TurnRecord | None = None, signals: tuple[FeedbackSignal, ...] = ()
) -> str | None:
    return label_functions(featurize(turn, signals, nxt, LEX))


def test_false_wake_is_a_wake_with_nothing_heard_and_a_rejected_transcript_is_misheard_speech() -> None:
    assert _lf(_turn(no_speech=True, wake_score=0.55, asr_confidence=0.0)) == "false_wake"
    # the recognizer decoded something and rejected it as too unsure (a low log-probability): words said
    # it could not read; the model (or the labelling functions) decides, not the rule
    rejected = featurize(_turn(no_speech=True, asr_confidence=0.33), (), None, LEX)
    assert decisive(rejected) is None and label_functions(rejected) == "asr"


def test_the_session_s_next_turn_within_seconds_and_what_it_says_about_the_turn() -> None:
    first = _turn("t1", asr_text="turn on the kitten lite", t_start=0.0, t_end=2.0, asked=Asked.UNSURE)
    again = _turn(
        "t2", asr_text="turn on the kitchen light", t_start=6.0, t_end=8.0, intent="HassTurnOn",
        targets=("light.kitchen",), result_ok=True,
    )  # fmt: skip
    later = _turn("t3", asr_text="what time is it", t_start=8.0 + AFTER_S + 1, t_end=100.0)
    other = _turn("t4", session_id="s2", asr_text="stop", t_start=3.0, t_end=4.0)
    nexts = session_next([later, again, other, first])
    assert nexts == {"t1": again}  # not across sessions, not after a long pause
    v = dict(zip(FEATURES, featurize(first, (), None, LEX, nexts.get("t1")), strict=True))
    assert (v["after"], v["after_gap"], v["after_ok"], v["after_same_intent"]) == (1.0, 4.0, 1.0, 0.0)
    assert v["after_sounds_alike"] == 1.0 and 0.5 < v["after_same_words"] < 0.95
    assert (v["asked_unsure"], v["asked_which"], v["asked_check"], v["n_words"]) == (1.0, 0.0, 0.0, 5.0)
    alone = dict(zip(FEATURES, featurize(first, (), None, LEX), strict=True))
    assert (alone["after"], alone["after_gap"], alone["after_ok"]) == (0.0, AFTER_S, 0.0)


def test_the_turn_just_before_in_the_session_marks_a_retry() -> None:
    first = _turn("t1", asr_text="turn on the kitten light", intent="HassTurnOn")
    silent = _turn(
        "t2", asr_text="", t_start=5.0, t_end=7.0, no_speech=True, asr_confidence=0.3
    )  # said again; nothing read
    again = _turn(
        "t3",
        asr_text="turn on the kitchen light",
        t_start=9.0,
        t_end=11.0,
        intent="HassTurnOn",
        result_ok=True,
    )
    late = _turn("t4", asr_text="turn on the kitchen light", t_start=11.0 + AFTER_S + 1, t_end=50.0)
    other = _turn("t5", asr_text="stop", t_start=6.0, t_end=7.0, session_id="s2")
    turns = [late, again, other, silent, first]
    prev = session_prev(turns)
    assert prev == {"t2": first, "t3": silent}  # not across sessions, not after a long pause
    assert session_next(turns) == {"t1": silent, "t2": again}  # the same pairs, read the other way
    v = dict(zip(FEATURES, featurize(silent, (), None, LEX, before=prev["t2"]), strict=True))
    assert (v["before"], v["before_gap"], v["before_ok"], v["before_same_intent"]) == (1.0, 3.0, 0.0, 0.0)
    w = dict(zip(FEATURES, featurize(again, (), None, LEX, before=first), strict=True))
    assert w["before_sounds_alike"] == 1.0 and 0.5 < w["before_same_words"] < 0.95
    assert w["before_same_intent"] == 1.0
    alone = dict(zip(FEATURES, featurize(first, (), None, LEX), strict=True))
    assert (alone["before"], alone["before_gap"], alone["before_ok"]) == (0.0, AFTER_S, 0.0)


def test_asr_like_low_confidence_oov_and_a_sound_alike_rephrase() -> None:
    heard = _turn(
        asr_text="turn on the kitten lite",
        asr_confidence=0.45,
        intent="HassTurnOn",
        slots={"name": "kitten lite"},
    )
    again = _turn("t2", asr_text="turn on the kitchen light", intent="HassTurnOn", targets=("light.kitchen",))
    assert _lf(heard, again) == "asr"


def test_nlu_like_not_understood_with_known_words() -> None:
    said = _turn(asr_text="kill the kitchen light", intent=None, intent_confidence=0.2)
    again = _turn(
        "t2", asr_text="turn off the kitchen light", intent="HassTurnOff", targets=("light.kitchen",)
    )
    assert _lf(said, again) == "nlu"


def test_entity_resolution_like_name_not_found() -> None:
    said = _turn(
        asr_text="turn on the big light",
        intent="HassTurnOn",
        slots={"name": "big light"},
        target_scores=(0.4,),
    )
    assert _lf(said) == "entity_resolution"


def test_result_like_device_timeout() -> None:
    said = _turn(
        asr_text="turn on the kitchen light",
        intent="HassTurnOn",
        targets=("light.kitchen",),
        result_ok=False,
        result_error="device-timeout",
    )
    signal = FeedbackSignal("t1", SignalKind.RESULT_ERROR, 2.0)
    assert _lf(said, None, (signal,)) == "result"


def test_recovered_by_a_rewrite_is_correct() -> None:
    said = _turn(
        asr_text="turn on the kitchen lite",
        intent="HassTurnOn",
        targets=("light.kitchen",),
        result_ok=True,
        rewrite=Rewrite("turn on the kitchen lite", "turn on the kitchen light"),
    )
    assert _lf(said) == "correct"


def test_tree_learns_a_separable_problem_and_routes_fixes() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((300, 4))
    y = np.where(x[:, 0] > 0.5, 1, np.where(x[:, 1] > 0.5, 2, 4))
    tree = fit_tree(x, y, depth=3)
    assert float(np.mean([CLASSES.index(tree.predict(r)) == t for r, t in zip(x, y, strict=True)])) > 0.97
    turn = _turn(asr_text="turn on the big light", slots={"name": "big light"}, intent="HassTurnOn")
    nxt = _turn("t2", asr_text="turn on the kitchen light", targets=("light.kitchen",), intent="HassTurnOn")
    fix = route("entity_resolution", turn, nxt)
    assert (fix.kind, fix.detail["mention"], fix.detail["entity_id"]) == (
        "alias",
        "big light",
        "light.kitchen",
    )
    assert route("result", _turn(targets=("light.kitchen",)), None).kind == "device_alert"
    assert route("false_wake", _turn(), None).kind == "wake_threshold"
    assert route("asr", turn, nxt).kind == "rewrite"
    assert route("nlu", turn, nxt).kind == "nlu_example"
    assert classify(featurize(_turn(no_speech=True, asr_confidence=0.0), (), None, LEX)) == "false_wake"


def test_a_typed_request_never_failed_at_the_wake_word_or_the_recognizer() -> None:
    class Says:  # a model that blames the recognizer for everything
        def __init__(self, point: str) -> None:
            self.point = point

        def predict(self, x: object) -> str:
            return self.point

    x = [0.0] * len(FEATURES)
    x[FEATURES.index("asr_conf")] = 1.0
    assert classify(x, Says("asr")) == "asr"  # type: ignore[arg-type]
    typed = classify(x, Says("asr"), typed=True)  # type: ignore[arg-type]
    assert typed not in SPEECH_STAGES
    assert classify(x, Says("entity_resolution"), typed=True) == "entity_resolution"  # type: ignore[arg-type]
    silent = [0.0] * len(FEATURES)
    silent[FEATURES.index("no_speech")] = 1.0
    assert classify(silent) == "false_wake" and classify(silent, typed=True) not in SPEECH_STAGES
