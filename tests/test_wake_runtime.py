"""The wake word learning on the runtime's real detector: the listener keeps near misses and wakes (with their
embedding windows) on real speech, the learned state loaded by ``load_wake_detector`` changes what wakes,
``wake.learn=false`` ignores it, and ``edge wake --status/--revert`` shows and undoes it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from edge.audio.endpoint import EndpointConfig
from edge.audio.io import read_audio
from edge.audio.vad import load_vad
from edge.cli import main
from edge.config import Settings, load_settings
from edge.events import AudioChunk
from edge.feedback.record import TurnRecord
from edge.lab.bench._wake_verifier import observe
from edge.learning.wake_learn import training_set
from edge.listener import Listener, TurnStarted
from edge.wake.adapt import NEAR_BAND, WakeThreshold
from edge.wake.oww import OpenWakeWordDetector, load_wake_detector
from edge.wake.store import HeardKind, LearnedWord, WakeEvidenceLog, WakeState, wake_dir
from edge.wake.verifier import fit_verifier

WORD = "hey_jarvis"


def _settings(state: Path, threshold: float = 0.5, learn: bool = True) -> Settings:
    s = load_settings(None, None, [f"paths.state_dir={json.dumps(str(state))}"])
    return dataclasses.replace(s, wake=dataclasses.replace(s.wake, threshold=threshold, learn=learn))


def _wakes(detector: OpenWakeWordDetector, samples: np.ndarray) -> list[float]:
    detector.reset()
    found = []
    samples = np.concatenate([np.zeros(16000, np.int16), samples, np.zeros(16000, np.int16)])  # as observe()
    for i in range(0, len(samples) - 1279, 1280):
        wake = detector.process(AudioChunk(samples[i : i + 1280], i / 16.0))
        if wake is not None:
            found.append(wake.score)
    return found


@pytest.fixture(scope="module")
def probe() -> OpenWakeWordDetector:
    s = load_settings(None, None, [])
    return load_wake_detector(
        dataclasses.replace(s, wake=dataclasses.replace(s.wake, threshold=0.99, learn=False))
    )


def test_the_listener_keeps_a_near_miss_then_the_wake_said_again_with_its_turn(
    synth: Callable[..., Path], probe: OpenWakeWordDetector, tmp_path: Path
) -> None:
    bare = read_audio(synth("jarvis"))  # the bare name: people say it, the model scores it low
    peak = max(observe(probe, bare)[WORD].scores)
    threshold = min(0.9, peak + 2 * NEAR_BAND / 3)  # the bare name lands in the near band under the threshold
    full = read_audio(synth("hey jarvis"))
    assert max(observe(probe, full)[WORD].scores) >= threshold
    s = _settings(tmp_path, threshold)
    log = WakeEvidenceLog(wake_dir(s))
    listener = Listener(load_wake_detector(s), load_vad(s.model_dir()), EndpointConfig.from_settings(s.vad),
                        s.vad.preroll_ms, evidence=log)  # fmt: skip
    audio = np.concatenate([np.zeros(16000, np.int16), bare, np.zeros(16000, np.int16), full])
    events = []
    for i in range(0, len(audio), 1280):
        events += listener.process(AudioChunk(audio[i : i + 1280], i / 16.0))
    started = [e for e in events if isinstance(e, TurnStarted)]
    assert len(started) == 1  # the bare name did not wake the device
    heard = log.read()
    kinds = [h.kind for h in heard]
    # near misses, then the wake; the wake's own fall through the band is not one
    assert kinds[0] is HeardKind.NEAR and kinds[-1] is HeardKind.WAKE, kinds
    assert kinds.count(HeardKind.WAKE) == 1, kinds
    near, wake = heard[0], heard[-1]
    assert near.score == pytest.approx(peak, abs=0.02) and near.features.shape == (16, 96)
    assert wake.turn_id == started[0].turn_id and 0 < wake.t - near.t < 8.0  # said again seconds later
    said = "turn on the light"
    turn = TurnRecord(wake.turn_id, "s", "h", wake.t, wake.t + 2, wake_word=WORD, wake_score=wake.score,
                      asr_text=said, text=said, intent="HassTurnOn")  # fmt: skip
    data = training_set(WORD, heard, [turn])
    assert len(data.positives) == len(heard)  # the confirmed wake, and the near misses it followed


def _windows(detector: OpenWakeWordDetector, audio: np.ndarray, at_least: float) -> list[np.ndarray]:
    trace = observe(detector, audio)[WORD]
    return [w for i, w in trace.windows.items() if trace.scores[i] >= at_least]


def test_the_loaded_state_changes_the_detectors_decision_and_learning_off_ignores_it(
    synth: Callable[..., Path], probe: OpenWakeWordDetector, tmp_path: Path
) -> None:
    bare = read_audio(synth("jarvis"))
    full = read_audio(synth("hey jarvis"))
    others = [read_audio(synth(t)) for t in ("hey travis", "jarvis please", "turn on the kitchen light")]
    floor = 0.05
    pos = _windows(probe, bare, floor) + _windows(probe, full, floor)
    neg = [w for a in [*others, np.zeros(48000, np.int16)] for w in observe(probe, a)[WORD].windows.values()]
    assert pos and neg
    pos, neg = pos * (1 + 12 // len(pos)), neg * (1 + 12 // len(neg))
    s = _settings(tmp_path)
    assert _wakes(load_wake_detector(s), bare) == []  # untouched: the bare name is under the threshold

    yes = fit_verifier(WORD, pos, neg)
    assert yes is not None
    WakeState({WORD: LearnedWord(WakeThreshold(WORD, 0.5), yes, floor)}).save(wake_dir(s))
    assert len(_wakes(load_wake_detector(s), bare)) == 1  # the household's verifier takes it from the floor
    assert _wakes(load_wake_detector(_settings(tmp_path, learn=False)), bare) == []  # wake.learn=false

    no = fit_verifier(WORD, neg, pos)  # a verifier that has learned the opposite
    assert no is not None
    WakeState({WORD: LearnedWord(WakeThreshold(WORD, 0.5), no, floor)}).save(wake_dir(s))
    assert _wakes(load_wake_detector(s), full) == []  # it decides over the threshold too

    lowered = WakeThreshold(WORD, 0.5, round(max(0.06, max(observe(probe, bare)[WORD].scores) - 0.03), 3))
    WakeState({WORD: LearnedWord(lowered)}).save(wake_dir(s))
    assert len(_wakes(load_wake_detector(s), bare)) == 1  # a learned threshold alone is used as well


def test_edge_wake_status_and_revert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = _settings(tmp_path)
    moved = WakeThreshold(WORD, 0.5).update([], 0.0)
    moved = dataclasses.replace(moved, threshold=0.4)
    rng = np.random.default_rng(0)
    v = fit_verifier(WORD, rng.normal(1, 1, (12, 16, 96)), rng.normal(-1, 1, (12, 16, 96)))
    WakeState({WORD: LearnedWord(moved, v, 0.1)}).save(wake_dir(s))
    state = ["--set", f"paths.state_dir={json.dumps(str(tmp_path))}"]
    assert main(["wake", *state]) == 0
    out = capsys.readouterr().out
    assert "threshold 0.400 (configured 0.500" in out and "verifier on 12 wakes / 12 other windows" in out
    assert main(["wake", "--revert", *state]) == 0
    capsys.readouterr()
    back = WakeState.load(wake_dir(s)).words[WORD]
    assert back.threshold.threshold == 0.5 and back.verifier is None
    assert back.threshold.moves[-1].reason == "reverted"
    assert not list(wake_dir(s).glob("verifier-*.npz"))
