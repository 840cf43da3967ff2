"""The household verifier (fit/predict), the wake store (bounded, 0600, corrupt files -> one log line and the
default) and the learner's labels from heard windows and turns (pure; the runtime's detector is in
tests/test_wake_runtime.py)."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import numpy as np
import pytest

from edge.feedback.record import TurnRecord
from edge.learning.wake_learn import VERIFIER_FLOOR, learn_wake, training_set
from edge.wake.adapt import WakeThreshold
from edge.wake.store import Heard, HeardKind, LearnedWord, WakeEvidenceLog, WakeState
from edge.wake.verifier import MIN_POSITIVES, Verifier, fit_verifier

SHAPE = (16, 96)


def _windows(n: int, centre: float, seed: int) -> np.ndarray:
    """``n`` embedding-like windows around ``centre`` on half the features (the other half pure noise)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (n, *SHAPE)).astype(np.float32)
    x[:, :, :48] += centre
    return x


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_verifier_separates_the_households_wake_from_other_windows_it_has_not_seen() -> None:
    v = fit_verifier("hey_jarvis", _windows(30, 0.6, 1), _windows(60, -0.6, 2))
    assert v is not None and (v.positives, v.negatives, v.dim) == (30, 60, 16 * 96)
    pos, neg = v.probability(_windows(40, 0.6, 3)), v.probability(_windows(40, -0.6, 4))
    assert pos.min() > 0.9 and neg.max() < 0.1  # held-out windows of either kind
    assert v.accept(_windows(1, 0.6, 5)[0]) and not v.accept(_windows(1, -0.6, 6)[0])
    again = Verifier.from_arrays("hey_jarvis", v.arrays())
    assert np.allclose(again.probability(_windows(5, 0.6, 7)), v.probability(_windows(5, 0.6, 7)))
    with pytest.raises(ValueError, match="takes 1536 features"):
        v.probability(np.zeros((1, 10)))


def test_too_little_evidence_fits_no_verifier_and_fitting_is_deterministic() -> None:
    assert fit_verifier("w", _windows(MIN_POSITIVES - 1, 0.6, 1), _windows(60, -0.6, 2)) is None
    assert fit_verifier("w", _windows(30, 0.6, 1), _windows(3, -0.6, 2)) is None
    a = fit_verifier("w", _windows(12, 0.6, 1), _windows(20, -0.6, 2))
    b = fit_verifier("w", _windows(12, 0.6, 1), _windows(20, -0.6, 2))
    assert a is not None and b is not None and np.array_equal(a.weights, b.weights)
    with pytest.raises(ValueError, match="do not fit together"):
        Verifier.from_arrays("w", {**a.arrays(), "scale": np.ones(3)})


def _heard(t: float, kind: HeardKind, centre: float, seed: int, turn_id: str = "") -> Heard:
    return Heard(t, "hey_jarvis", 0.4, kind, _windows(1, centre, seed)[0], turn_id)


def test_the_evidence_log_is_private_bounded_and_skips_a_corrupt_line_with_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log = WakeEvidenceLog(tmp_path / "wake", limit=5)
    assert log.read() == []  # nothing yet: the default
    log.append(_heard(float(t), HeardKind.QUIET, 0.0, t) for t in range(12))
    assert _mode(log.path) == 0o600
    kept = log.read()
    assert [h.t for h in kept] == [7.0, 8.0, 9.0, 10.0, 11.0]  # the newest ``limit``
    assert len(log.path.read_text().splitlines()) <= 10  # rewritten once it holds twice the limit
    assert np.allclose(kept[-1].features, _windows(1, 0.0, 11)[0], atol=1e-2)  # float16 on disk
    with log.path.open("a") as out:
        out.write("{not json\n")
    log.append([_heard(20.0, HeardKind.WAKE, 0.6, 1, "turn-1")])
    with caplog.at_level(logging.ERROR):
        kept = log.read()
    assert kept[-1].turn_id == "turn-1" and kept[-1].kind is HeardKind.WAKE
    assert "1 unreadable lines skipped" in caplog.text and str(log.path) in caplog.text


def test_the_learned_state_round_trips_privately_and_a_corrupt_file_is_the_default(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert WakeState.load(tmp_path) == WakeState()
    v = fit_verifier("hey_jarvis", _windows(12, 0.6, 1), _windows(20, -0.6, 2))
    state = WakeState({"hey_jarvis": LearnedWord(WakeThreshold("hey_jarvis", 0.5, 0.4), v, 0.1),
                       "alexa": LearnedWord(WakeThreshold("alexa", 0.5))})  # fmt: skip
    state.save(tmp_path)
    assert _mode(tmp_path / "learned.json") == 0o600 and _mode(tmp_path / "verifier-hey_jarvis.npz") == 0o600
    loaded = WakeState.load(tmp_path)
    word = loaded.words["hey_jarvis"]
    assert word.threshold.threshold == 0.4 and word.candidate == 0.1 and word.verifier is not None
    assert loaded.words["alexa"].verifier is None and loaded.words["alexa"].candidate == 0.5
    (tmp_path / "verifier-hey_jarvis.npz").write_bytes(b"garbage")
    with caplog.at_level(logging.ERROR):
        partly = WakeState.load(tmp_path)
    assert "hey_jarvis" not in partly.words and "alexa" in partly.words  # that word alone falls back
    assert "edge wake --revert" in caplog.text
    (tmp_path / "learned.json").write_text("{broken")
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        assert WakeState.load(tmp_path) == WakeState()
    assert "cannot be read" in caplog.text
    raw = {
        "words": {"alexa": {"threshold": {"word": "alexa", "base": 0.5, "threshold": 7.0}, "verifier": False}}
    }
    (tmp_path / "learned.json").write_text(json.dumps(raw))
    assert WakeState.load(tmp_path) == WakeState()  # an out-of-range threshold is not used


def _turn(tid: str, t: float, text: str, intent: str | None) -> TurnRecord:
    return TurnRecord(tid, "s", "h", t, t + 2.0, wake_word="hey_jarvis", wake_score=0.9, asr_text=text,
                      text=text, intent=intent, no_speech=not text)  # fmt: skip


def test_labels_come_from_the_turns_and_the_wakes_that_followed_near_misses() -> None:
    turns = [_turn("ok", 100.0, "turn on the light", "HassTurnOn"), _turn("false", 200.0, "", None),
             _turn("cancel", 300.0, "never mind", None), _turn("unsure", 400.0, "blorp", None),
             _turn("again", 505.0, "what time is it", "HassGetTime")]  # fmt: skip
    w = HeardKind.WAKE
    heard = [_heard(100.0, w, 0.6, 1, "ok"), _heard(200.0, w, -0.6, 2, "false"),
             _heard(300.0, w, -0.6, 3, "cancel"), _heard(400.0, w, 0.0, 4, "unsure"),
             _heard(500.0, HeardKind.NEAR, 0.6, 5), _heard(700.0, HeardKind.NEAR, -0.6, 6),
             _heard(800.0, HeardKind.QUIET, -0.6, 7)]  # fmt: skip
    data = training_set("hey_jarvis", heard, turns)
    assert len(data.positives) == 2  # the understood wake, the near miss said again 5 s later
    assert len(data.negatives) == 4  # no speech, "never mind", a near miss nobody followed, a quiet window
    assert training_set("alexa", heard, turns).positives.size == 0


def test_learning_fits_a_verifier_only_with_enough_of_the_household_and_lowers_the_candidates() -> None:
    few = [_heard(float(t), HeardKind.WAKE, 0.6, t, f"t{t}") for t in range(5)]
    turns = [_turn(f"t{t}", float(t), "turn on the light", "HassTurnOn") for t in range(40)]
    quiet = [_heard(1000.0 + t, HeardKind.QUIET, -0.6, 100 + t) for t in range(30)]
    state = learn_wake(WakeState(), {"hey_jarvis": 0.5}, few + quiet, turns, 2000.0)
    assert state.words["hey_jarvis"].verifier is None and state.words["hey_jarvis"].candidate == 0.5
    many = [_heard(float(t), HeardKind.WAKE, 0.6, t, f"t{t}") for t in range(40)]
    state = learn_wake(state, {"hey_jarvis": 0.5}, many + quiet, turns, 2000.0)
    learned = state.words["hey_jarvis"]
    assert learned.verifier is not None and learned.candidate == pytest.approx(VERIFIER_FLOOR)
    assert learned.accepts(
        0.2, lambda: _windows(1, 0.6, 999)[0]
    )  # under the threshold, the verifier says yes
    assert not learned.accepts(0.9, lambda: _windows(1, -0.6, 998)[0])  # over it, and the verifier says no
    assert not learned.accepts(0.05, lambda: pytest.fail("no window is judged under the floor"))
