"""The wake word learns its household: the threshold moved by near misses and false wakes from the turn log
(bounded, stepwise, with hysteresis, logged, reversible), and the week-by-week measurement on recordings."""

from __future__ import annotations

from argparse import Namespace

import numpy as np
import pytest

from edge.config import Settings
from edge.feedback.record import TurnRecord
from edge.lab.bench import wake_learning
from edge.lab.bench._wake_verifier import Trace, figures, learn_days
from edge.lab.bench.wake_learning import Week, crossing_peaks, learn_weeks
from edge.learning.wake_evidence import observations_from_turns
from edge.wake.adapt import MAX_STEP, NearMiss, Observation, ObservationKind, WakeThreshold
from edge.wake.store import LearnedWord

K = ObservationKind


def _obs(t: float, score: float, kind: ObservationKind, word: str = "hey_jarvis") -> Observation:
    return Observation(t, word, score, kind)


def _wake(tid: str, t: float, text: str, score: float = 0.9, no_speech: bool = False) -> TurnRecord:
    return TurnRecord(tid, "s", "h", t, t + 2.0, wake_word="hey_jarvis", wake_score=score, asr_text=text,
                      text=text, no_speech=no_speech)  # fmt: skip


def test_the_turn_log_gives_confirmed_false_and_near_miss_observations() -> None:
    turns = [
        _wake("a", 100.0, "turn on the light"),
        _wake("b", 200.0, "", no_speech=True),
        _wake("c", 300.0, "never mind"),
        _wake("d", 405.0, "what time is it"),
    ]
    misses = [NearMiss(400.0, "hey_jarvis", 0.42), NearMiss(1000.0, "hey_jarvis", 0.4),
              NearMiss(401.0, "hey_jarvis", 0.1)]  # fmt: skip
    obs = observations_from_turns(turns, misses, {"hey_jarvis": 0.5})
    kinds = [(o.t, o.kind) for o in obs]
    assert kinds == [(100.0, K.CONFIRMED), (200.0, K.FALSE), (300.0, K.FALSE), (400.0, K.NEAR_MISS),
                     (405.0, K.CONFIRMED)]  # fmt: skip
    # a near miss nobody followed with a wake, or far under the threshold, is no evidence


def test_near_misses_lower_the_threshold_in_bounded_logged_steps_and_revert_restores_it() -> None:
    learned = WakeThreshold("hey_jarvis", 0.5)
    near = [_obs(float(t), 0.3, K.NEAR_MISS) for t in range(1, 4)]
    learned = learned.update(near, 10.0)
    assert learned.threshold == pytest.approx(0.5 - MAX_STEP)
    assert [(m.reason, m.near_misses) for m in learned.moves] == [("near misses", 3)]
    assert learned.update(near, 20.0) is learned  # the same evidence counts once (hysteresis)
    for day in range(2, 10):
        more = [_obs(day * 10.0 + t, 0.1, K.NEAR_MISS) for t in range(1, 4)]
        learned = learned.update(more, day * 10.0 + 5)
    assert learned.threshold == pytest.approx(learned.floor) and learned.floor == pytest.approx(0.25)
    restored = learned.revert(200.0)
    assert restored.threshold == 0.5 and restored.moves[-1].reason == "reverted"
    assert WakeThreshold.from_json(restored.to_json()) == restored


def test_false_wakes_raise_it_and_mixed_evidence_leaves_it() -> None:
    false = [_obs(float(t), 0.6, K.FALSE) for t in range(1, 5)]
    raised = WakeThreshold("hey_jarvis", 0.5).update(false, 10.0)
    assert raised.threshold == pytest.approx(0.5 + MAX_STEP)  # over them (0.62), one step at a time
    assert raised.moves[-1].reason == "false wakes"
    mixed = [_obs(1.0, 0.4, K.NEAR_MISS), _obs(2.0, 0.4, K.NEAR_MISS), _obs(3.0, 0.4, K.NEAR_MISS),
             _obs(4.0, 0.6, K.FALSE)]  # fmt: skip
    assert WakeThreshold("hey_jarvis", 0.5).update(mixed, 10.0).moves == ()
    other_word = [_obs(float(t), 0.3, K.NEAR_MISS, word="alexa") for t in range(1, 5)]
    assert WakeThreshold("hey_jarvis", 0.5).update(other_word, 10.0).moves == ()


def test_crossing_peaks_and_the_weekly_log() -> None:
    assert crossing_peaks([0.1, 0.6, 0.8, 0.4, 0.7, 0.1, 0.9], 0.5) == [0.8, 0.9]  # re-armed under 0.25
    week = Week((0.9, 0.45, 0.42, 0.4, 0.3, 0.05), (0.2,), ((0.1, 0.2),))
    learned = learn_weeks("hey_jarvis", [week, week], 0.5)
    assert learned[0].threshold < 0.5 and learned[1].threshold <= learned[0].threshold
    assert week.figures(0.5)["miss_rate"] > week.figures(learned[-1].threshold)["miss_rate"]


@pytest.mark.slow
def test_the_bench_on_the_real_recordings_or_skips_without_them(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings()
    assert wake_learning.run(settings, Namespace(quick=True)) == 0
    out = capsys.readouterr().out
    assert "not found" in out or "\"hey_jarvis on 'jarvis'\"" in out


def _trace(peak: float, centre: float, seed: int) -> Trace:
    """A clip's trace rising to ``peak``, with embedding-like windows around ``centre`` where it matters."""
    scores = (0.0, 0.02, peak / 2, peak, peak / 2, 0.02, 0.0)
    rng = np.random.default_rng(seed)
    windows = {i: (rng.normal(0, 1, (16, 96)) + centre).astype(np.float32) for i in range(2, 5)}
    return Trace(scores, windows)


def test_the_verifier_arm_learns_from_a_weeks_evidence_and_is_scored_on_later_clips() -> None:
    said = [_trace(0.9 if k % 2 else 0.3, 0.5, k) for k in range(40)]  # half of them just under 0.5
    other = [_trace(0.6 if k % 5 == 0 else 0.2, -0.5, 100 + k) for k in range(40)]  # some over it
    week = (said, other, ())
    learned = learn_days("hey_jarvis", 0.5, [week])[-1]
    assert learned.verifier is not None and learned.candidate < 0.5
    later = ([_trace(0.9 if k % 2 else 0.3, 0.5, 500 + k) for k in range(20)],
             [_trace(0.6 if k % 5 == 0 else 0.2, -0.5, 600 + k) for k in range(20)])  # fmt: skip
    before = figures(LearnedWord(WakeThreshold("hey_jarvis", 0.5)), *later, {})
    after = figures(learned, *later, {})
    assert before["miss_rate"] == 0.5 and after["miss_rate"] == 0.0
    assert before["false_accepts_near_miss_speech"] == 4 and after["false_accepts_near_miss_speech"] == 0
