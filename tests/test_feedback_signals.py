"""The pure detectors and the labeller over hand-made turn histories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from edge.config import FeedbackSettings
from edge.feedback.labels import label_turn
from edge.feedback.observations import BargeIn, ChangeSource, DeviceEvent
from edge.feedback.record import Asked, Dialog, Label, SignalKind, TurnRecord
from edge.feedback.rephrase import Interpretation, detect_rephrase
from edge.feedback.signals import (
    detect_abandon,
    detect_all,
    detect_barge_in,
    detect_explicit,
    detect_false_wake,
    detect_rephrases,
    detect_undo,
)

S = FeedbackSettings()


def turn(tid: str, t: float, text: str, **kw: object) -> TurnRecord:
    base: dict[str, object] = {
        "turn_id": tid,
        "session_id": "s",
        "home_id": "h",
        "t_start": t,
        "t_end": t + 2.0,
        "asr_text": text,
        "text": text,
    }
    base.update(kw)
    return TurnRecord(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("prev", "nxt", "gap", "response", "expected"),
    [
        ("play maj and dragons", "play imagine dragons", 4, "", True),  # ASR-like
        ("turn on the lamp in the living room", "switch on the living room lamp", 6, "Sorry?", False),
        ("lights on in the kitchen", "kitchen lights on", 5, "Sorry, I didn't understand that.", True),
        (
            "turn on the study lamp",
            "turn on the desk lamp",
            5,
            "I don't know a device called study lamp.",
            True,
        ),
        ("kitchen light on", "hall light on", 3, "", False),  # a sequence of commands
        ("turn on the kitchen light", "turn on the hall light", 3, "Done.", False),
        ("turn on the kitchen light", "turn off the kitchen light", 3, "Done.", False),
        ("set the oven to 180", "set the oven to 200", 8, "Done.", False),
        ("play jazz", "turn on the kitchen light", 3, "Playing jazz.", False),
        ("turn on the light", "the kitchen", 2, "Which light do you mean?", False),  # answer, not rephrase
        ("turn on the kitchen light", "turn on the kitchen light", 200, "", False),  # outside the window
        ("set the thermostat to 70", "set the thermostat to seventy degrees", 8, "", True),  # same value
        ("set the thermostat to 70", "set the thermostat to seventy five", 8, "Done.", False),  # new value
        ("play jazz", "no, play jazz in the living room", 4, "Playing jazz.", True),  # a correction
        ("turn on the light", "turn on the light in the office", 5, "", True),  # refined
        ("turn on the light", "no", 3, "Done.", False),  # a bare "no" is explicit feedback, not a rephrase
    ],
)
def test_rephrase_cases(prev: str, nxt: str, gap: float, response: str, expected: bool) -> None:
    decision = detect_rephrase(prev, nxt, gap, S, prev_response=response)
    assert decision.rephrase is expected, decision.evidence
    assert 0.0 <= decision.score <= 1.0


def test_weak_window_scores_lower_and_interpretation_counts() -> None:
    strong = detect_rephrase("turn on the telly", "turn on the TV", 10, S, prev_response="Sorry, I couldn't.")
    weak = detect_rephrase("turn on the telly", "turn on the TV", 60, S, prev_response="Sorry, I couldn't.")
    assert strong.strong and not weak.strong and weak.score < strong.score
    same = Interpretation("HassTurnOn", ("light.kitchen",), True)
    other = Interpretation("HassTurnOn", ("light.hall",), True)
    assert not detect_rephrase("lights on", "lamp on", 3, S, prev_interp=same, next_interp=other).rephrase


def test_history_links_rephrase_to_the_turn_it_rephrases() -> None:
    history = [
        turn("a", 0, "play maj and dragons", intent=None, response="Sorry, I didn't understand that."),
        turn("b", 5, "play imagine dragons", intent="PlayMedia", result_ok=True, response="Playing."),
        turn("c", 12, "kitchen light on", intent="HassTurnOn", targets=("light.kitchen",), result_ok=True),
        turn("d", 16, "hall light on", intent="HassTurnOn", targets=("light.hall",), result_ok=True),
    ]
    signals = detect_rephrases(history, S)
    assert [(s.turn_id, s.related_turn_id) for s in signals] == [("a", "b")]
    assert signals[0].strength >= 0.6


def test_barge_in_strength() -> None:
    assert detect_barge_in(BargeIn("a", t=10.5, response_start=10.0, response_s=6.0)).strength == 1.0
    late = detect_barge_in(BargeIn("a", t=15.0, response_start=10.0, response_s=6.0))
    assert late.strength == 0.5 and late.kind is SignalKind.BARGE_IN


def test_undo_by_hand_within_window_only() -> None:
    cmd = ({"entity_id": "light.kitchen", "state": "on"},)
    t1 = turn("a", 0, "kitchen light on", intent="HassTurnOn", commands=cmd, result_ok=True,
              prior_states={"light.kitchen": "off"})  # fmt: skip
    back = DeviceEvent("light.kitchen", "on", "off", 30.0, ChangeSource.MANUAL)
    late = DeviceEvent("light.kitchen", "on", "off", 300.0, ChangeSource.MANUAL)
    ours = DeviceEvent("light.kitchen", "on", "off", 30.0, ChangeSource.COMMAND)
    assert [s.evidence["by"] for s in detect_undo([t1], [back], S)] == ["manual"]
    assert detect_undo([t1], [late], S) == []
    assert detect_undo([t1], [ours], S) == []
    voice = turn("b", 10, "undo that", intent="UndoLast")
    undo = detect_undo([t1, voice], [], S)
    assert [(s.turn_id, s.related_turn_id, s.evidence["by"]) for s in undo] == [("a", "b", "voice")]


def test_false_wake_and_cancel() -> None:
    assert detect_false_wake(turn("a", 0, "", no_speech=True))[0].strength == 1.0
    assert detect_false_wake(turn("b", 0, "never mind"))[0].evidence["reason"] == "cancelled at once"
    assert detect_false_wake(turn("c", 0, "turn on the light")) == []


def test_explicit_feedback_and_check_question() -> None:
    t1 = turn("a", 0, "turn on the fan", intent="HassTurnOn", result_ok=True, response="Done.")
    neg = detect_explicit([t1, turn("b", 4, "no, I said the fan light")], S)
    assert [(s.kind, s.turn_id) for s in neg] == [(SignalKind.EXPLICIT_NEGATIVE, "a")]
    asked = turn("c", 0, "lights on", intent="HassTurnOn", response="Done. Did I get that right?",
                 asked=Asked.CHECK)  # fmt: skip
    yes = detect_explicit([asked, turn("d", 3, "yes")], S)  # the engine marks no answer to a check
    assert [s.kind for s in yes] == [SignalKind.EXPLICIT_POSITIVE]
    confirm = turn("e", 0, "unlock the door", response="Do you want me to unlock the front door?",
                   asked=Asked.CONFIRM)  # fmt: skip
    assert detect_explicit([confirm, turn("f", 2, "no", dialog=Dialog.CONFIRM)], S) == []


def test_abandon_after_defect_and_labels() -> None:
    failed = turn("a", 0, "turn on the flux capacitor", intent=None, response="Sorry, I didn't understand.")
    ok = turn("b", 200, "kitchen light on", intent="HassTurnOn", result_ok=True, response="Done.")
    assert [s.turn_id for s in detect_abandon([failed, ok], [], now=400, settings=S)] == ["a"]
    assert detect_abandon([failed], [], now=50, settings=S) == []  # window still open
    signals = detect_all([failed, ok], [], [], now=400, settings=S)
    assert label_turn(failed, signals, 400, S).label is Label.DEFECT
    assert label_turn(ok, signals, 400, S).label is Label.SUCCESS
    assert label_turn(ok, signals, 210, S).label is Label.UNKNOWN  # too early to call it


REPHRASE_BATCH = [
    {"prev": "play maj and dragons", "next": "play imagine dragons", "gap_s": 4},
    {"prev": "kitchen light on", "next": "hall light on", "gap_s": 3, "prev_response": "Done."},
    {"prev": "turn on the light", "next": "the kitchen", "gap_s": 2, "prev_response": "Which light?"},
]


def test_rephrase_batch_cli(tmp_path: Path) -> None:
    src = tmp_path / "pairs.jsonl"
    src.write_text("\n".join(json.dumps(p) for p in REPHRASE_BATCH) + "\n")
    out = subprocess.run(
        [sys.executable, "-m", "edge", "rephrase", "--batch", str(src)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["rephrase"] for x in lines] == [True, False, False]
    assert all(set(x) == {"rephrase", "score"} for x in lines)
    same = detect_rephrase("play maj and dragons", "play imagine dragons", 4, S)
    assert lines[0]["score"] == same.score  # the CLI runs the runtime's function


def test_rephrase_batch_cli_bad_line(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"prev": "a", "gap_s": 1}\n')
    out = subprocess.run(
        [sys.executable, "-m", "edge", "rephrase", "--batch", str(src)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 1 and "line 1: missing key 'next'" in out.stderr and "fix:" in out.stderr
