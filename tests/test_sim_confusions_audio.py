"""The calibration on real audio (a few clips through espeak-ng, the shared background noise and the
runtime's Whisper), noise mixing, and the simulator driven by the measured confusions."""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from edge.config import Settings
from edge.errors import ConfigError
from edge.lab.bench.asr_confusions import transcribe_all
from edge.lab.sim import confusions
from edge.lab.sim.confusions import measure
from edge.lab.sim.confusions_corpus import noise_files, noise_windows, requests
from edge.lab.sim.household import simulate_home
from edge.lab.sim.household_audio import AudioHearing, mix_noise


def test_noise_is_mixed_under_the_voiced_part_at_the_asked_ratio() -> None:
    t = np.arange(16000) / 16000
    speech = np.concatenate([np.zeros(8000), 8000 * np.sin(2 * np.pi * 220 * t)]).astype(np.int16)
    noise = np.random.default_rng(0).normal(0, 3000, 4000).astype(np.int16)
    mixed = mix_noise(speech, noise, 10.0, offset=100)
    added = mixed.astype(np.float64) - speech
    ratio = 10 * np.log10(np.mean(speech[8000:].astype(np.float64) ** 2) / np.mean(added**2))
    assert ratio == pytest.approx(10.0, abs=0.5)
    assert mixed.dtype == np.int16 and len(mixed) == len(speech)
    assert mix_noise(speech, np.zeros(0, np.int16), 10.0) is speech


def test_a_small_calibration_through_espeak_ng_noise_and_whisper(
    whisper_recognizer: object, tmp_path: Path
) -> None:
    noise = noise_files(Settings().shared_data())  # clean speech only when the shared data is absent
    reqs = requests(7, "t", 1, 6, voices=("en-us", "en-gb+f2"), noise=noise)
    audio = AudioHearing(whisper_recognizer, tmp_path, "whisper-tiny.en")  # type: ignore[arg-type]
    clips = transcribe_all(audio, [r for r, _ in reqs], "test")
    assert audio.synthesized == len({(r.said, r.voice, r.speed, r.noise) for r, _ in reqs}) > 0
    m = measure(clips, "whisper-tiny.en", ["en-us+f3"], ["clean"])
    assert m.clips == 6 and set(m.voices) == {"en-us", "en-gb+f2"}
    assert sum(o.n for o in m.words.values()) == sum(len(c.said) for c in clips)  # every word said counted
    assert 0.0 <= m.wer < 0.7  # speech, not noise
    assert any(c.heard for c in clips)
    again = AudioHearing(whisper_recognizer, tmp_path, "whisper-tiny.en")  # type: ignore[arg-type]
    assert [c.heard for c in transcribe_all(again, [r for r, _ in reqs], "test")] == [c.heard for c in clips]
    assert again.synthesized == 0  # all from the cache


def test_calibrated_speakers_hear_the_same_homes_and_requests_worse_than_hand_set_ones() -> None:
    kw = {"size": "small", "goals_per_day": (12, 12)}
    hand = simulate_home(11, "cal-test", 2, None, asr_model="handset", **kw)  # type: ignore[arg-type]
    cal = simulate_home(11, "cal-test", 2, None, asr_model="calibrated", **kw)  # type: ignore[arg-type]
    # the same home and the same first request (the ears have their own random stream; later goals drift
    # apart with the devices' states, as between a control and a treatment arm)
    assert hand.home.devices.keys() == cal.home.devices.keys() and hand.home.nicknames == cal.home.nicknames
    assert hand.said["cal-test-d0-s0-g0-a0"] == cal.said["cal-test-d0-s0-g0-a0"]
    heard = {t.turn_id: t.asr_text for t in cal.turns}
    wrong = sum(heard[t] != cal.said[t] for t in cal.said if t in heard)
    assert wrong > 0
    with pytest.raises(ConfigError, match="unknown simulator ASR model"):
        simulate_home(11, "cal-test", 1, None, asr_model="perfect")


def test_noise_windows_are_seeded_stretches_of_the_noise_files() -> None:
    files = [Path("a.wav"), Path("b.wav")]
    windows = noise_windows(files, 20, 5)
    assert windows == noise_windows(files, 20, 5) and len(windows) == 20
    assert all(p in files and 0.0 <= start <= 30.0 and 1.5 <= n <= 4.0 for p, start, n in windows)
    assert noise_windows([], 20, 5) == []


def test_calibrated_confidence_falls_with_the_words_misheard_and_false_wakes_carry_the_noise_s() -> None:
    logs = [
        simulate_home(s, "conf-test", 6, None, size="small", goals_per_day=(14, 18), asr_model="calibrated")
        for s in (21, 22)
    ]
    right: list[float] = []
    garbled: list[float] = []
    rejected: list[float] = []
    for log in logs:
        for t in log.turns:
            said, heard = log.said.get(t.turn_id, "").split(), t.asr_text.split()
            if not said:
                continue
            if t.no_speech:
                rejected.append(t.asr_confidence)
            elif heard == said:
                right.append(t.asr_confidence)
            elif Levenshtein.distance(said, heard) / len(said) > 0.4:
                garbled.append(t.asr_confidence)
    assert len(right) > 20 and len(garbled) > 5 and rejected
    assert statistics.median(garbled) < statistics.median(right) - 0.15
    m = confusions.load()
    low, high = m.confidence_rejected[0], m.confidence_rejected[-1]
    assert all(low <= c <= high for c in rejected) and all(c > 0 for c in rejected)  # rejected speech
    wakes = [t for log in logs for t in log.turns if log.truth[t.turn_id].failed_stage == "false_wake"]
    assert wakes and all(t.no_speech and 0.0 <= t.asr_confidence <= m.confidence_noise[-1] for t in wakes)
