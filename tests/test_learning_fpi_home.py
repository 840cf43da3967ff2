"""Failure points from the household's history: the session's turn just before (a retry) and the home's own
unknown words (a nickname heard with confidence in several sessions), each from the turns before it only."""

from __future__ import annotations

from edge.feedback.record import Label, TurnRecord
from edge.learning.canonical import Lexicon
from edge.learning.fpi import CARRIER_WORDS, FEATURES, featurize, session_next, session_prev
from edge.learning.fpi_home import HOME_FEATURES, SESSIONS, home_words
from edge.learning.fpi_next import AFTER_S
from edge.nlu.snapshots import demo_devices

LEX = Lexicon.from_devices(demo_devices().values())


def _turn(tid: str, text: str, t: float, session: str = "s", **kw: object) -> TurnRecord:
    base: dict[str, object] = {
        "turn_id": tid,
        "session_id": session,
        "home_id": "h",
        "t_start": t,
        "t_end": t + 2.0,
        "asr_text": text,
        "asr_confidence": 0.9,
    }
    base.update(kw)
    return TurnRecord(**base)  # type: ignore[arg-type]


def test_the_turn_just_before_in_the_session_marks_a_retry() -> None:
    first = _turn("t1", "turn on the kitten light", 0.0, intent="HassTurnOn", result_ok=None)
    silent = _turn("t2", "", 5.0, no_speech=True, asr_confidence=0.3)  # said again; nothing read
    again = _turn("t3", "turn on the kitchen light", 9.0, intent="HassTurnOn", result_ok=True)
    late = _turn("t4", "turn on the kitchen light", 11.0 + AFTER_S + 1)
    other = _turn("t5", "stop", 6.0, session="s2")
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
    assert [alone[k] for k in HOME_FEATURES] == [0.0] * len(HOME_FEATURES)


def test_a_nickname_heard_with_confidence_in_several_sessions_becomes_a_household_word() -> None:
    failed = {"result_ok": None, "label": Label.DEFECT.value}
    turns = [
        _turn("a", "turn on the disco ball", 0.0, session="s1", **failed),
        _turn("b", "turn on the disco ball", 100.0, session="s2", **failed),
        _turn("c", "turn on the disco ball", 150.0, session="s2", asr_confidence=0.4, **failed),
        _turn("d", "turn on the dusko bull", 200.0, session="s3", asr_confidence=0.5, **failed),
        _turn("e", "turn on the kitten light", 300.0, session="s4", asr_confidence=0.5, **failed),
        _turn("f", "turn on the disco ball", 400.0, session="s5", **failed),
    ]
    assert SESSIONS == 2
    got = home_words(turns, ["a", "b", "c", "d", "e", "f"], LEX, CARRIER_WORDS)
    v = {tid: dict(zip(HOME_FEATURES, row, strict=True)) for tid, row in got.items()}
    # nothing before the first two sessions: not yet the household's word
    assert v["a"]["home_word"] == v["b"]["home_word"] == 0.0 and v["a"]["home_word_failed"] == 0.0
    assert v["b"]["home_word_failed"] == 1.0  # "disco" failed once before
    assert v["c"]["home_word"] == 1.0 and v["c"]["home_word_alike"] == 1.0
    # misheard, it sounds like the household's word more than like any registry word
    assert (
        v["d"]["home_word"] == 0.0 and v["d"]["home_word_alike"] >= 0.8 and v["d"]["home_over_registry"] > 0
    )
    # a registry name misheard ("kitten" for "kitchen") sounds like the registry, not the household
    assert v["e"]["home_over_registry"] < 0 and v["e"]["home_word_alike"] < v["d"]["home_word_alike"]
    assert (
        v["f"]["home_word_failed"] == 3.0
    )  # a, b, c ("dusko bull" is another word) and v["f"]["home_word_worked"] == 0.0
    # a turn's features come from the turns before it: later turns change nothing
    assert home_words(turns[:3], ["c"], LEX, CARRIER_WORDS)["c"] == got["c"]
    # low-confidence turns alone never make a household word
    quiet = [
        _turn(f"q{i}", "turn on the disco ball", 10.0 * i, session=f"q{i}", asr_confidence=0.5)
        for i in range(4)
    ]
    assert home_words(quiet, ["q3"], LEX, CARRIER_WORDS)["q3"][0] == 0.0


def test_words_that_worked_are_counted_apart_from_those_that_failed() -> None:
    turns = [
        _turn("a", "play the wiggles", 0.0, result_ok=True, label=Label.SUCCESS.value),
        _turn("b", "play the wiggles", 50.0, result_ok=True, label=Label.DEFECT.value),  # acted, but wrong
        _turn("c", "play the wiggles", 100.0, result_ok=None, label=Label.DEFECT.value),
    ]
    row = dict(zip(HOME_FEATURES, home_words(turns, ["c"], LEX, CARRIER_WORDS)["c"], strict=True))
    assert (row["home_word_worked"], row["home_word_failed"]) == (1.0, 1.0)
