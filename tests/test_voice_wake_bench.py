"""The wake-word benchmark's pieces: crossings of a score trace, and traces from the real detector."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from edge.audio.io import read_audio
from edge.config import load_settings
from edge.lab.bench.wake import crossings, score_traces
from edge.wake.oww import load_wake_detector


def test_crossings_count_separate_events_only() -> None:
    assert crossings([0.0, 0.6, 0.7, 0.6, 0.1, 0.0], 0.5) == 1
    assert crossings([0.0, 0.6, 0.1, 0.6, 0.0], 0.5) == 2  # fell below half the threshold in between
    assert crossings([0.6, 0.3, 0.6], 0.5) == 1  # never re-armed (0.3 > 0.25)
    assert crossings([0.1, 0.2], 0.5) == 0


def test_traces_rise_on_the_wake_word_and_stay_low_on_silence(synth: Callable[..., Path]) -> None:
    detector = load_wake_detector(load_settings(None, None, []))
    speech = score_traces(detector, read_audio(synth("hey jarvis")))
    assert max(speech["hey_jarvis"]) > 0.5
    silence = score_traces(detector, np.zeros(32000, dtype=np.int16))
    assert max(silence["hey_jarvis"]) < 0.1
