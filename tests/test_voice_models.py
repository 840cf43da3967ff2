"""Real models on espeak-ng speech: wake word, VAD/listener, Whisper, and missing-model errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from test_voice_support import DEMO, engines, fresh_wake, settings

from edge.asr.factory import load_recognizer
from edge.audio.endpoint import EndpointConfig
from edge.audio.io import read_audio
from edge.audio.vad import EnergyVAD, load_vad
from edge.config import load_settings
from edge.errors import ModelError
from edge.events import AudioChunk, WakeDetected
from edge.listener import Listener, NoSpeech, TurnStarted, Utterance, VoiceStarted
from edge.wake.oww import load_wake_detector

WAKE_AND_COMMAND = "hey jarvis, turn on the kitchen light"
NEGATIVES = ["turn on the kitchen light", "what a lovely day", "hey there, how are you"]
# what the turn engine passes as vocabulary hints: command verbs and the home's device names
VOCABULARY = ["turn on", "turn off", "kitchen light", "living room lamp", "thermostat"]


def speech(
    synth: Callable[..., Path], text: str, lead: float = 1.0, tail: float = 1.2, speed: int = 150
) -> Path:
    """Synthesized speech with the given silences (the file name records them)."""
    name = "".join(c if c.isalnum() else "_" for c in f"{text}_{lead}_{tail}_{speed}")
    return synth(text, speed=speed, name=name, lead_silence_s=lead, tail_silence_s=tail)


def wakes(samples: np.ndarray, chunk: int) -> list[WakeDetected]:
    detector = engines().wake
    assert detector is not None
    detector.reset()
    found = []
    for i in range(0, len(samples), chunk):
        w = detector.process(AudioChunk(samples[i : i + chunk], 1000.0 * i / 16_000))
        if w is not None:
            found.append(w)
    return found


def test_wake_fires_on_the_wake_word(synth: Callable[..., Path]) -> None:
    found = wakes(read_audio(speech(synth, WAKE_AND_COMMAND)), 1280)
    assert len(found) == 1
    assert found[0].word == "hey_jarvis" and found[0].score >= 0.5
    assert 1000.0 < found[0].t_ms < 2600.0  # just after "hey jarvis", before the command ends


@pytest.mark.parametrize("text", NEGATIVES)
def test_wake_stays_silent_without_the_wake_word(synth: Callable[..., Path], text: str) -> None:
    assert wakes(read_audio(synth(text)), 1280) == []


def test_wake_is_chunk_size_invariant(synth: Callable[..., Path]) -> None:
    samples = read_audio(speech(synth, WAKE_AND_COMMAND))
    results = {chunk: wakes(samples, chunk) for chunk in (160, 1280, 4000)}
    assert results[160] == results[1280] == results[4000]
    assert len(results[1280]) == 1


def listen(samples: np.ndarray, chunk: int, preroll_ms: int = 600) -> list[object]:
    e = engines()
    s = settings()
    listener = Listener(fresh_wake_cached(), e.vad, EndpointConfig.from_settings(s.vad), preroll_ms, 80)
    out: list[object] = []
    for i in range(0, len(samples), chunk):
        out.extend(listener.process(AudioChunk(samples[i : i + chunk], 1000.0 * i / 16_000)))
    out.extend(listener.finish())
    return out


_wake_for_listener: list[object] = []


def fresh_wake_cached() -> object:
    if not _wake_for_listener:
        _wake_for_listener.append(fresh_wake())
    return _wake_for_listener[0]


def summary(events: list[object]) -> list[tuple[str, float]]:
    out = []
    for e in events:
        if isinstance(e, TurnStarted | VoiceStarted | NoSpeech):
            out.append((type(e).__name__, round(e.t_ms)))
        elif isinstance(e, Utterance):
            out.append(("Utterance", round(e.speech_end_ms)))
            out.append(("samples", len(e.samples)))
    return out


def test_listener_is_chunk_size_invariant(synth: Callable[..., Path]) -> None:
    samples = read_audio(speech(synth, WAKE_AND_COMMAND, tail=1.5))
    runs = {chunk: summary(listen(samples, chunk)) for chunk in (160, 1280, 4000)}
    assert runs[160] == runs[1280] == runs[4000]
    assert [name for name, _ in runs[1280]] == ["TurnStarted", "VoiceStarted", "Utterance", "samples"]


def test_listener_gives_up_when_nobody_speaks(synth: Callable[..., Path]) -> None:
    samples = read_audio(speech(synth, "hey jarvis", lead=0.5, tail=4.0))
    events = listen(samples, 1280)
    assert [type(e).__name__ for e in events] == ["TurnStarted", "NoSpeech"]
    started, gave_up = events
    assert isinstance(started, TurnStarted) and isinstance(gave_up, NoSpeech)
    assert gave_up.reason == "timeout"
    assert gave_up.t_ms - started.t_ms == pytest.approx(settings().vad.no_speech_timeout_ms, abs=40)


def test_transcript_of_the_command(synth: Callable[..., Path]) -> None:
    transcript = engines().recognizer.transcribe(read_audio(synth("turn on the kitchen light")))
    assert "kitchen light" in transcript.text.lower()
    assert not transcript.rejected and 0.3 < transcript.confidence <= 1.0
    assert transcript.engine == "whisper"


def test_preroll_keeps_words_right_after_the_wake_word(synth: Callable[..., Path]) -> None:
    """No pause after the wake word: the command starts before the wake fires, the pre-roll saves it."""
    samples = read_audio(speech(synth, "hey jarvis turn on the kitchen light"))
    with_preroll = [e for e in listen(samples, 1280, preroll_ms=600) if isinstance(e, Utterance)]
    without = [e for e in listen(samples, 1280, preroll_ms=0) if isinstance(e, Utterance)]
    assert len(with_preroll) == len(without) == 1
    assert with_preroll[0].start_ms < without[0].start_ms
    text = engines().recognizer.transcribe(with_preroll[0].samples, VOCABULARY).text.lower()
    assert "turn on" in text and "kitchen light" in text


def test_whisper_hears_a_short_window_after_a_short_request(synth: Callable[..., Path]) -> None:
    """``asr.window_s``: the encoder hears the frames chosen for the utterance (the rest of faster-whisper's
    30 s is padding), and the command is still heard, once, with its words."""
    s = settings()
    short = load_recognizer(replace(s, asr=replace(s.asr, window_s=10.0)))
    model = short._model  # type: ignore[attr-defined]
    model.frames.n = 1000
    assert tuple(model.encode(np.zeros((80, 3000), np.float32)).shape) == (1, 500, 384)
    samples = read_audio(speech(synth, "turn on the kitchen light", lead=0.3, tail=0.5))
    transcript = short.transcribe(samples, VOCABULARY)
    assert model.frames.n == 1000  # a 2 s request: the 10 s floor
    assert transcript.text.lower().count("kitchen light") == 1 and "turn on" in transcript.text.lower()
    assert not transcript.rejected and transcript.confidence > 0.5


@pytest.mark.parametrize("kind", ["silence", "hiss", "hum"])
def test_whisper_rejects_silence_and_noise(kind: str) -> None:
    rng = np.random.default_rng(7)
    n = 32_000
    samples = {
        "silence": np.zeros(n, np.int16),
        "hiss": rng.normal(0, 800, n).astype(np.int16),
        "hum": (2000 * np.sin(2 * np.pi * 50 * np.arange(n) / 16_000)).astype(np.int16),
    }[kind]
    transcript = engines().recognizer.transcribe(samples)
    assert transcript.rejected, transcript
    assert transcript.reason in {"no_speech", "silence_phrase", "low_logprob", "repetition"}


def test_vad_separates_speech_from_silence(synth: Callable[..., Path]) -> None:
    samples = read_audio(speech(synth, "what a lovely day", tail=1.0))
    for vad in (engines().vad, EnergyVAD()):
        vad.reset(0.0)
        frames = vad.process(AudioChunk(samples, 0.0))
        lead = [f.probability for f in frames if f.end_ms < 900]
        voiced = [f.probability for f in frames if 1100 < f.end_ms < 1500]
        assert max(lead) < 0.2 and float(np.mean(voiced)) > 0.6, vad.name


def test_missing_models_name_make_models(tmp_path: Path) -> None:
    s = load_settings("x86_64-dev", overrides=[f'paths.model_dir="{tmp_path}"'])
    with pytest.raises(ModelError, match="make models"):
        load_wake_detector(s)
    with pytest.raises(ModelError, match="make models"):
        load_recognizer(s)
    assert isinstance(load_vad(tmp_path), EnergyVAD)  # the VAD falls back instead of failing


def test_demo_asset_is_16k_mono_speech() -> None:
    samples = read_audio(DEMO)
    assert 3.0 < len(samples) / 16_000 < 7.0
    assert wakes(samples, 1280)[0].word == "hey_jarvis"
