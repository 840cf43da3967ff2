"""Pure units of the voice stack: endpointing, refractory, reframing, pre-roll, ASR judging, resampling."""

from __future__ import annotations

import json

import numpy as np
import pytest

from edge.asr.base import is_silence_phrase
from edge.asr.pocketsphinx import jsgf_grammar
from edge.asr.vosk import parse_result
from edge.asr.whisper import SegmentStats, judge, one_copy, token_budget, vocabulary_prompt, window_frames
from edge.audio.endpoint import Decision, EndpointConfig, Endpointer, EndpointState
from edge.audio.frames import Reframer
from edge.audio.preroll import PreRoll
from edge.audio.resample import resample_poly
from edge.events import AudioChunk
from edge.lang import asr_text
from edge.wake.base import Refractory

CFG = EndpointConfig(
    threshold=0.5, trailing_silence_ms=300, max_utterance_ms=2000, min_speech_ms=90, no_speech_timeout_ms=1000
)


def run(
    ep: Endpointer, probs: list[float], frame_ms: float = 30.0, t0: float = 0.0
) -> list[tuple[float, Decision]]:
    out = []
    for i, p in enumerate(probs):
        end = t0 + (i + 1) * frame_ms
        d = ep.update(end, p, frame_ms)
        if d is not Decision.NONE:
            out.append((end, d))
    return out


def test_endpoint_start_and_end_after_trailing_silence() -> None:
    ep = Endpointer(CFG)
    decisions = run(ep, [0.0] * 5 + [0.9] * 20 + [0.1] * 12)
    assert [d for _, d in decisions] == [Decision.SPEECH_START, Decision.SPEECH_END]
    assert ep.speech_start_ms == pytest.approx(150.0)  # start of the first speech window
    assert ep.speech_end_ms == pytest.approx(750.0)  # end of the last speech window
    assert decisions[1][0] == pytest.approx(750.0 + 300.0)
    assert ep.state is EndpointState.DONE


def test_endpoint_ignores_short_blips_and_bridges_short_pauses() -> None:
    ep = Endpointer(CFG)
    assert run(ep, [0.9, 0.9, 0.1, 0.1]) == []  # 60 ms blip < min_speech_ms
    ep.reset(0.0)
    pause = [0.9] * 10 + [0.1] * 5 + [0.9] * 10 + [0.0] * 20  # 150 ms pause < 300 ms trailing silence
    assert [d for _, d in run(ep, pause)] == [Decision.SPEECH_START, Decision.SPEECH_END]
    assert ep.speech_end_ms == pytest.approx(25 * 30.0)


def test_endpoint_hysteresis_keeps_uncertain_windows_as_speech() -> None:
    ep = Endpointer(CFG)
    decisions = run(ep, [0.9] * 5 + [0.4] * 30)  # 0.4 is above threshold - hysteresis
    assert [d for _, d in decisions] == [Decision.SPEECH_START]
    assert ep.state is EndpointState.SPEECH


def test_endpoint_max_length_cut() -> None:
    ep = Endpointer(CFG)
    decisions = run(ep, [0.9] * 100)
    assert [d for _, d in decisions] == [Decision.SPEECH_START, Decision.MAX_LENGTH]
    assert 2000.0 <= decisions[-1][0] - (ep.speech_start_ms or 0.0) < 2030.0  # first window past the cap


def test_endpoint_no_speech_timeout_is_relative_to_arming() -> None:
    ep = Endpointer(CFG)
    ep.reset(armed_ms=5000.0)
    decisions = run(ep, [0.0] * 40, t0=5000.0)
    assert decisions == [(pytest.approx(6020.0), Decision.NO_SPEECH)]
    continuous = Endpointer(EndpointConfig(no_speech_timeout_ms=0))
    assert run(continuous, [0.0] * 500) == []


def test_endpoint_is_frame_size_invariant() -> None:
    probs_10ms = [0.0] * 30 + [0.95] * 80 + [0.05] * 100
    small = Endpointer(CFG)
    big = Endpointer(CFG)
    a = run(small, probs_10ms, frame_ms=10.0)
    b = run(big, probs_10ms[::3], frame_ms=30.0)
    assert [d for _, d in a] == [d for _, d in b]
    assert small.speech_start_ms == pytest.approx(big.speech_start_ms, abs=30)
    assert a[-1][0] == pytest.approx(b[-1][0], abs=30)


def test_endpoint_config_validation() -> None:
    with pytest.raises(ValueError, match="max_utterance_ms"):
        EndpointConfig(trailing_silence_ms=800, max_utterance_ms=500)


def test_refractory_blocks_repeats_within_period() -> None:
    r = Refractory(2000.0)
    assert r.allow("hey_jarvis", 0.9, 0.5, 1000.0)
    assert not r.allow("hey_jarvis", 0.9, 0.5, 1080.0)
    assert not r.allow("alexa", 0.9, 0.5, 2500.0)  # one wake per period, any word
    assert r.allow("hey_jarvis", 0.9, 0.5, 3100.0)
    assert not r.allow("hey_jarvis", 0.3, 0.5, 9000.0)


def test_refractory_latch_needs_score_to_fall() -> None:
    r = Refractory(100.0, rearm_below=0.25)
    assert r.allow("w", 0.8, 0.5, 0.0)
    assert not r.allow("w", 0.8, 0.5, 500.0)  # still on the same plateau
    assert not r.allow("w", 0.3, 0.5, 580.0)
    assert not r.allow("w", 0.1, 0.5, 660.0)  # fell below: re-armed
    assert r.allow("w", 0.7, 0.5, 740.0)


@pytest.mark.parametrize("chunk", [1, 160, 1280, 4000])
def test_reframer_gives_the_same_frames_for_any_chunk_size(chunk: int) -> None:
    x = np.arange(10_000, dtype=np.int16)
    rf = Reframer(1280, start_ms=500.0)
    frames = []
    for i in range(0, len(x), chunk):
        frames.extend(rf.process(x[i : i + chunk]))
    assert [f.t_ms for f in frames] == [500.0 + 80.0 * i for i in range(7)]
    assert np.array_equal(np.concatenate([f.samples for f in frames]), x[: 7 * 1280])
    tail = rf.flush()
    assert tail is not None and len(tail.samples) == 1280 and tail.samples[10_000 - 7 * 1280 - 1] == 9999


def test_preroll_keeps_the_latest_audio() -> None:
    pre = PreRoll(100)  # 1600 samples
    for i in range(5):
        pre.process(AudioChunk(np.full(1000, i, dtype=np.int16), i * 62.5))
    snap = pre.snapshot()
    assert len(snap.samples) == 1600
    assert snap.end_ms == pytest.approx(5 * 62.5)
    assert set(snap.samples[:600].tolist()) == {3} and set(snap.samples[600:].tolist()) == {4}
    pre.reset()
    assert len(pre.snapshot().samples) == 0


def test_whisper_judge_rules() -> None:
    good = SegmentStats(" Turn on the kitchen light.", -0.2, 0.1)
    assert judge([good], 0.6, -1.0) == (
        "Turn on the kitchen light.",
        pytest.approx(0.8187, abs=1e-3),
        False,
        "",
    )
    silent = SegmentStats(" you", -1.4, 0.95)
    assert judge([silent], 0.6, -1.0)[2:] == (True, "no_speech")
    assert judge([SegmentStats(" Thank you.", -0.3, 0.2)], 0.6, -1.0)[2:] == (True, "silence_phrase")
    assert judge([SegmentStats(" blue kettle", -1.3, 0.2)], 0.6, -1.0)[2:] == (True, "low_logprob")
    assert judge([SegmentStats(" on on on on", -0.3, 0.1, 3.1)], 0.6, -1.0)[2:] == (True, "repetition")
    assert judge([], 0.6, -1.0)[2:] == (True, "no_speech")
    assert (
        judge([SegmentStats(" turn on the kitchen light,", -0.2, 0.1)], 0.6, -1.0)[0]
        == "turn on the kitchen light"
    )


def test_a_phrase_whisper_loops_on_is_kept_once() -> None:
    looped = " open the garage door, open the garage door, open the garage door, open the"
    text, _, rejected, reason = judge([SegmentStats(looped, -0.1, 0.02, 3.4)], 0.6, -1.0)
    assert (text, rejected, reason) == ("open the garage door", False, "")
    looped_with_commas = "Turn, living room light on, turn, living room light on, turn"
    assert one_copy(looped_with_commas) == "Turn, living room light on"
    assert one_copy("turn it on turn it on") == "turn it on"
    cut = "Can I get a medium cappuccino? Can I get a medium cappuccino? Can I get a medium cappucc"
    assert one_copy(cut) == "Can I get a medium cappuccino?"  # the token budget ended the loop mid-word
    assert one_copy("turn it on turn it off") is None
    assert one_copy("play, queen, play, queen, play, queen,") == "play, queen"
    for whole in ("switch on the office light.", "on on on on", "no no", "the light the lamp the light", ""):
        assert one_copy(whole) is None, whole
    # a loop on a short unit is still Whisper hallucinating, and a low log-probability still rejects
    assert judge([SegmentStats(" on on on on", -0.3, 0.1, 3.1)], 0.6, -1.0)[2:] == (True, "repetition")
    assert judge([SegmentStats(looped, -1.4, 0.1, 3.4)], 0.6, -1.0)[2:] == (True, "low_logprob")


@pytest.mark.parametrize(
    ("seconds", "window_s", "frames"),
    [
        (2.0, 10.0, 1000),  # a short request: the floor
        (2.0, 30.0, 3000),  # 30 s: Whisper's own window, whatever was said
        (9.5, 10.0, 1200),  # longer than the floor: the utterance + 1 s, in 2 s steps
        (12.0, 15.0, 1500),
        (29.5, 10.0, 3000),  # never more than Whisper's 30 s
        (0.0, 4.0, 400),
        (3.0, 7.005, 702),  # an even number of frames (the encoder's convolution halves them)
    ],
)
def test_whisper_window_frames(seconds: float, window_s: float, frames: int) -> None:
    assert window_frames(int(seconds * 16_000), window_s) == frames


def test_whisper_token_budget_grows_with_speech_and_is_capped() -> None:
    assert token_budget(0) == 16
    assert token_budget(3 * 16_000) == 34
    assert token_budget(30 * 16_000) == 196
    assert token_budget(60 * 16_000) == 200  # prompt (<= 224) + budget stays inside Whisper's 448


def test_text_helpers() -> None:
    assert asr_text("I'll see you next time!") == "ill see you next time"
    assert is_silence_phrase(" Thanks for watching.")
    assert not is_silence_phrase("turn on the light")
    assert vocabulary_prompt(["kitchen light", "kitchen light", " ", "porch"]) == "kitchen light, porch."
    assert vocabulary_prompt([]) is None
    assert "<command> = turn on the light | dim lamp;" in jsgf_grammar(["Turn on the light!", "dim lamp"])


def test_vosk_result_parsing() -> None:
    plain = {"text": "불 켜", "result": [{"word": "불", "conf": 0.9}, {"word": "켜", "conf": 0.7}]}
    assert parse_result(json.dumps(plain)) == ("불 켜", 0.8, ())
    nbest = {"alternatives": [{"text": "a b", "confidence": 300.0}, {"text": "a c", "confidence": 298.0}]}
    text, conf, alts = parse_result(json.dumps(nbest))
    assert (text, alts) == ("a b", ("a c",)) and 0.85 < conf < 0.9
    assert parse_result(json.dumps({"text": ""})) == ("", 0.0, ())


@pytest.mark.parametrize(("up", "down"), [(2, 1), (1, 3), (160, 441), (1, 6)])
def test_resampler_keeps_a_tone_and_removes_aliases(up: int, down: int) -> None:
    rate = 16_000 * down // up
    t = np.arange(rate) / rate
    tone = np.sin(2 * np.pi * 1000 * t).astype(np.float32)
    out = resample_poly(tone, up, down)
    assert len(out) == 16_000
    mid = out[2000:-2000]
    ref = np.sin(2 * np.pi * 1000 * np.arange(16_000) / 16_000)[2000:-2000]
    assert np.max(np.abs(mid - ref)) < 0.01  # same level and phase
    if rate > 16_000:
        alias = np.sin(2 * np.pi * 12_000 * t).astype(np.float32)  # above the new Nyquist
        assert np.sqrt(np.mean(resample_poly(alias, up, down)[2000:-2000] ** 2)) < 0.01


def test_resampler_matches_the_reference_implementation() -> None:
    signal = pytest.importorskip("scipy.signal")
    x = np.random.default_rng(0).normal(size=44_100).astype(np.float32)
    assert np.allclose(resample_poly(x, 160, 441), signal.resample_poly(x, 160, 441), atol=1e-4)
