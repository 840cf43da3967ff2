"""``edge bench latency``: its pure parts (last-word detection, noise mix, HA's end-of-command rule,
statistics) and one quick run of both pipelines on a couple of clips (real runtime, broker, models)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from edge.audio.io import read_audio
from edge.config import load_settings
from edge.lab.bench._latency_audio import SAMPLE_RATE, Clip, last_word_s, mix_noise
from edge.lab.bench._latency_edge import ClipFeed, Stamps, _turns
from edge.lab.bench._latency_ha import CommandSegmenter
from edge.lab.bench._latency_idle import idle_cost
from edge.lab.bench._latency_report import print_report
from edge.lab.bench.latency import measure, percentile, summary


def _tone(seconds: float, dbfs: float = -12.0) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return np.asarray(32767 * 10 ** (dbfs / 20) * np.sin(2 * np.pi * 220 * t), dtype=np.int16)


def test_last_word_is_the_end_of_the_synthesized_speech_not_of_the_silence_after_it(
    synth: Callable[..., Path],
) -> None:
    speech = read_audio(synth("turn on the kitchen light", name="latency_last_word", tail_silence_s=0.0))
    end = last_word_s(speech)
    assert 0.8 < end <= len(speech) / SAMPLE_RATE + 1e-9
    padded = np.concatenate([speech, np.zeros(SAMPLE_RATE, dtype=np.int16)])
    assert last_word_s(padded) == pytest.approx(end, abs=0.011)
    # a quiet noise bed 40 dB under the speech does not move it either
    rng = np.random.default_rng(3)
    hiss = np.asarray(rng.normal(0, 30, len(padded)), dtype=np.int16)
    assert last_word_s(padded + hiss) == pytest.approx(end, abs=0.05)


def test_last_word_of_a_tone_and_of_silence() -> None:
    clip = np.concatenate([np.zeros(4000, np.int16), _tone(1.0), np.zeros(8000, np.int16)])
    assert last_word_s(clip) == pytest.approx(0.25 + 1.0, abs=0.011)
    assert last_word_s(np.zeros(16000, np.int16)) == 0.0
    assert last_word_s(np.zeros(0, np.int16)) == 0.0


def test_noise_is_mixed_at_the_asked_snr() -> None:
    speech = _tone(1.0)
    noise = np.asarray(np.random.default_rng(1).normal(0, 3000, 4000), dtype=np.int16)
    mixed = mix_noise(speech, noise, snr_db=15.0).astype(np.float64)
    added = mixed - speech
    snr = 20 * np.log10(np.sqrt(np.mean(speech.astype(np.float64) ** 2)) / np.sqrt(np.mean(added**2)))
    assert snr == pytest.approx(15.0, abs=0.5)
    assert len(mixed) == len(speech)


def _end_of_command(speech_s: float, step: float = 0.032, silence_s: float = 3.0) -> float | None:
    segmenter = CommandSegmenter()
    t = 0.0
    for i in range(int((speech_s + silence_s) / step)):
        t = (i + 1) * step
        if segmenter.process(step, is_speech=i * step < speech_s):
            return t
    return None


def test_ha_segmenter_waits_its_default_silence_and_the_minimum_command() -> None:
    # 1.5 s of speech: the command ends after 0.7 s of silence (HA's VadSensitivity.DEFAULT)
    end = _end_of_command(1.5)
    assert end is not None and end - 1.5 == pytest.approx(0.7, abs=0.04)
    # 0.5 s of speech: silence counts toward the 1.0 s minimum command, so still 0.7 s of silence
    short = _end_of_command(0.5)
    assert short is not None and short - 0.5 == pytest.approx(0.7, abs=0.04)
    # 0.2 s of speech never starts a command
    assert _end_of_command(0.2) is None


def test_statistics() -> None:
    assert percentile([], 0.5) == 0.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile(list(map(float, range(11))), 0.9) == pytest.approx(9.0)
    assert summary([1.0, 2.0, 3.0]) == {"n": 3, "median_s": 2.0, "p90_s": 2.8}


def test_quick_run_measures_both_pipelines_on_the_same_clips(synth: Callable[..., Path]) -> None:
    if shutil.which("mosquitto") is None:
        pytest.skip("mosquitto is not installed")
    settings = load_settings(None, None, [])
    result = measure(settings, quick=True)
    rows = result["clips"]
    assert len(rows) == 2
    for row in rows:
        assert row["edge_s"] is not None and 0.0 < row["edge_s"] < 15.0, row
        assert row["edge_correct"], row
        assert row["ha_s"] > row["ha_wait_s"] >= 0.6, row  # HA waited its 0.7 s (VAD windows of 32 ms)
    group = result["groups"]["all"]
    assert group["edge"]["n"] == 2 and group["ratio_median"] is not None
    out = io.StringIO()
    skipped = {"error": "not run in this test"}
    report = {"default": result, "single_core": skipped, "idle": skipped, "memory": skipped}
    with redirect_stdout(out):
        print_report(report)
    assert "ambient-edge median / p90" in out.getvalue() and "not run in this test" in out.getvalue()
    alone = io.StringIO()  # --only single: the one-core run is printed as the first column
    with redirect_stdout(alone):
        print_report({"single_core": result, "idle": skipped, "memory": skipped})
    assert "one-core run alone" in alone.getvalue() and "ambient-edge median / p90" in alone.getvalue()


def test_each_clip_gets_the_first_arrival_on_its_own_command_topic_after_its_last_word() -> None:
    clips = [
        Clip("a", "turn on the kitchen light", np.zeros(16000, np.int16), 0.5, expect="light.kitchen"),
        Clip("b", "turn on the bedroom fan", np.zeros(16000, np.int16), 0.5, expect="fan.bedroom"),
        Clip(
            "c",
            "",
            np.zeros(16000, np.int16),
            0.5,
            label={"intent": "orderDrink", "slots": {"size": "small"}},
        ),
        Clip("d", "turn off the office lamp", np.zeros(16000, np.int16), 0.5, expect="light.office_lamp"),
    ]
    feed = ClipFeed(clips)
    feed.starts, feed.last_words, feed.end = [10.0, 20.0, 30.0, 40.0], [11.0, 21.0, 31.0, 41.0], 45.0
    stamps = Stamps()
    stamps.messages = [
        (10.9, "home/kitchen/set"),  # before the last word: not this turn's command
        (12.25, "home/kitchen/set"),
        (12.30, "edge/default/action"),
        (22.0, "home/bedroom_light/set"),  # the wrong device acted on
        (32.5, "edge/default/intent"),
    ]
    stamps.actions = [
        (12.2, "home/kitchen/set", "light.kitchen"),
        (21.9, "home/bedroom_light/set", "light.bedroom"),
    ]
    stamps.intents = [(32.4, {"intent": "orderDrink", "slots": {"size": "small"}})]
    turns = _turns(feed, stamps, "edge/default/intent")
    assert turns[0].latency_s == pytest.approx(1.25) and turns[0].correct
    assert turns[1].latency_s == pytest.approx(1.0) and not turns[1].correct
    assert (
        turns[2].latency_s == pytest.approx(1.5) and turns[2].correct and turns[2].entity_id == "orderDrink"
    )
    assert turns[3].latency_s is None and not turns[3].correct  # nothing published: a miss, not a time


def test_idle_cost_times_the_listening_stage_beside_bare_openwakeword() -> None:
    idle = idle_cost(load_settings(None, None, []), repeats=1)
    assert idle["wake_vad_ms_per_s"] > 0 and idle["bare_oww_ms_per_s"] > 0, idle
    assert 0.3 < idle["ratio"] < 5.0, idle  # the same model over the same frames: the same order of cost
