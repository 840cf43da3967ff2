"""Memory the live runtime gives back (edge/asr/heap.py, issue 17): real onnxruntime sessions, real
openWakeWord models, real glibc. The figures themselves are `edge bench memory`'s (docs/appliance.md)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import types
import wave
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from edge import modelstore, resources
from edge.asr import heap
from edge.asr.heap import SHRINK, ShrinkingSession, trim_heap
from edge.audio.io import read_audio
from edge.config import Settings, load_settings
from edge.errors import ConfigError
from edge.events import AudioChunk
from edge.wake.oww import SampleRing, load_wake_detector

LINUX = sys.platform.startswith("linux")


def _vad_session() -> ort.InferenceSession:
    model = modelstore.require(Settings().model_dir(), "openwakeword", "silero_vad.onnx")
    return ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])


def _vad_feed() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    return {
        "input": rng.normal(0, 0.1, (1, 512)).astype(np.float32),
        "sr": np.array(16000, dtype=np.int64),
        "h": np.zeros((2, 1, 64), dtype=np.float32),
        "c": np.zeros((2, 1, 64), dtype=np.float32),
    }


def test_shrinking_session_gives_the_same_outputs_and_keeps_the_session_interface() -> None:
    plain = _vad_session()
    shrinking = ShrinkingSession(_vad_session())
    feed = _vad_feed()
    for got, want in zip(shrinking.run(None, feed), plain.run(None, feed), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert [i.name for i in shrinking.get_inputs()] == [i.name for i in plain.get_inputs()]
    given = ort.RunOptions()
    shrinking.run(None, feed, given)  # a caller's own run options get the shrinkage too
    assert given.get_run_config_entry(SHRINK) == "cpu:0"


@pytest.mark.skipif(not LINUX, reason="glibc malloc")
def test_trim_runs_only_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(heap._state, "trim", False)
    assert trim_heap() is False
    assert trim_heap(force=True) is True
    monkeypatch.setitem(heap._state, "trim", True)
    assert trim_heap() is True


@pytest.mark.skipif(not LINUX, reason="glibc malloc")
def test_configure_heap_in_a_fresh_process_returns_freed_memory() -> None:
    """A process frees 200 MB of 64 KB blocks: glibc keeps them resident until the trim gives them back."""
    code = (
        "from edge.asr.heap import configure_heap, trim_heap\n"
        "from edge.budget import read_memory\n"
        "assert configure_heap(2, True)\n"
        "blocks = [bytearray(64 * 1024) for _ in range(3200)]\n"
        "keep = blocks[-1]\n"
        "del blocks\n"
        "before = read_memory().rss_mb\n"
        "assert trim_heap()\n"
        "print(before - read_memory().rss_mb)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert float(done.stdout.strip()) > 100  # MB given back


def test_heap_settings_are_validated() -> None:
    settings = load_settings("x86_64-dev", None, [])
    assert settings.profile.malloc_arenas == 2 and settings.profile.trim_memory is True
    with pytest.raises(ConfigError, match=r"profile\.malloc_arenas"):
        load_settings("x86_64-dev", None, ["profile.malloc_arenas=-1"])


def test_openwakeword_warm_up_one_window_at_a_time_gives_the_same_features() -> None:
    """The embeddings of a clip's windows, one window per run, equal openWakeWord's own batched ones."""
    from openwakeword.utils import AudioFeatures  # noqa: PLC0415

    detector = load_wake_detector(load_settings("x86_64-dev", None, ["wake.learn=false"]))
    features = detector._model.preprocessor
    clip = np.random.default_rng(5).integers(-3000, 3000, 16000 * 2).astype(np.int16)
    one_by_one = features._get_embeddings(clip)  # the detector's own: replaced on the instance
    batched = AudioFeatures._get_embeddings(features, clip)  # openWakeWord's, restored on the class
    assert one_by_one.shape == batched.shape == (16, 96)
    np.testing.assert_allclose(one_by_one, batched, rtol=1e-4, atol=1e-4)
    detector.reset()  # reruns the 4-second warm-up: one window at a time
    assert features.feature_buffer.shape == (41, 96)


def test_openwakeword_keeps_its_stream_history_as_int16_and_scores_the_same() -> None:
    """The preprocessor's 10 s of stream history is a :class:`SampleRing` of int16 (not a deque of Python
    ints, ~5 MB once full of speech): the same score on every frame of the demo recording (heard three
    times, so that the history fills), fed as frames or in odd chunks, and a reset empties it."""
    from collections import deque  # noqa: PLC0415

    from openwakeword.utils import AudioFeatures  # noqa: PLC0415

    settings = load_settings("x86_64-dev", None, ["wake.learn=false"])
    audio = np.concatenate([read_audio(resources.demo_wav())] * 3)
    audio = audio[: len(audio) // 1280 * 1280]
    scores: dict[str, list[dict[str, float]]] = {}
    for variant in ("ring", "deque", "ring, odd chunks"):
        np.random.seed(11)  # openWakeWord's warm-up is random noise
        detector = load_wake_detector(settings)
        features = detector._model.preprocessor
        if variant == "deque":  # openWakeWord's own history and methods
            features.raw_data_buffer = deque(maxlen=16000 * 10)
            features._buffer_raw_data = types.MethodType(AudioFeatures._buffer_raw_data, features)
            features._streaming_melspectrogram = types.MethodType(
                AudioFeatures._streaming_melspectrogram, features
            )
        else:
            assert isinstance(features.raw_data_buffer, SampleRing)
        heard: list[dict[str, float]] = []
        if variant.endswith("odd chunks"):  # the listener's path: at most one frame completes per chunk
            last = detector.last_scores
            for at in range(0, len(audio), 777):
                detector.process(AudioChunk(audio[at : at + 777], 1000.0 * at / 16000))
                if detector.last_scores is not last:  # a frame was scored
                    heard.append(last := detector.last_scores)
        else:
            heard = [detector.scores(audio[at : at + 1280]) for at in range(0, len(audio), 1280)]
        scores[variant] = heard
        if variant != "deque":
            assert len(features.raw_data_buffer) == 16000 * 10
            assert features.raw_data_buffer.tail(16000 * 10).nbytes == 320_000
    top = [max(s.values()) for s in scores["ring"]]
    assert len(top) > 150 and sum(t > 0.9 for t in top) >= 3  # the demo's wake word, three times
    assert scores["ring"] == scores["deque"] == scores["ring, odd chunks"]
    detector.reset()
    assert len(detector._model.preprocessor.raw_data_buffer) == 0


def test_the_sample_ring_keeps_the_last_samples() -> None:
    ring = SampleRing(5)
    ring.extend(np.arange(3, dtype=np.int16))
    assert len(ring) == 3 and ring.tail(10).tolist() == [0, 1, 2] and list(ring) == [0, 1, 2]
    ring.extend([3, 4, 5, 6])
    assert ring.tail(10).tolist() == [2, 3, 4, 5, 6] and ring.tail(2).tolist() == [5, 6]
    assert ring.tail(0).tolist() == []
    ring.clear()
    assert len(ring) == 0


def test_piper_with_trim_memory_shrinks_its_arena_and_says_the_same(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """profile.trim_memory: piper's session shrinks its arena after each sentence; the audio is the same."""
    pytest.importorskip("piper")
    from edge.dialog.piper import PiperTTS, find_voice  # noqa: PLC0415 - the voice extra

    text = "The kitchen light is on. The front door is locked."
    pcm = {}
    for trim in (False, True):
        monkeypatch.setitem(heap._state, "trim", trim)
        tts = PiperTTS(find_voice(""), threads=1)
        asyncio.run(tts.synthesize(text, tmp_path / f"{trim}.wav"))
        assert isinstance(tts._loaded.session, ShrinkingSession) is trim
        with wave.open(str(tmp_path / f"{trim}.wav"), "rb") as w:
            pcm[trim] = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    assert len(pcm[True]) == len(pcm[False]) > 22050
    assert np.abs(pcm[True].astype(np.int32) - pcm[False]).max() <= 2  # float rounding at most


@pytest.mark.skipif(not LINUX, reason="/proc/self/status and clear_refs")
def test_the_memory_bench_prints_its_steps() -> None:
    """`python -m edge.lab.bench.memory --steps`: the bench's sequence step by step (the docs' step table);
    zero2w's stack (grammar only, espeak-ng) stays within its 256 MB in use."""
    done = subprocess.run(
        [sys.executable, "-m", "edge.lab.bench.memory", "--steps", "--profile", "zero2w"],
        capture_output=True, text=True, timeout=240, check=True,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    steps = [line.split("  ")[0].strip() for line in lines[1:-1]]
    loading = "recognizer, wake word, VAD (and the fast path's decoders)"
    assert steps[:3] == ["Python, settings, imports", loading, "NLU (loaded, one parse)"]
    assert "home changed: grammar recompiled" in steps and "a yes/no answer heard" in steps
    in_use = float(lines[-1].split()[-2])
    assert 100 < in_use <= 256


_MAPPED = (
    "import ctypes, ctypes.util, sys\n"
    "from edge.asr import heap\n"
    "from edge.budget import read_memory\n"
    "assert heap.configure_heap(2, sys.argv[1] == 'trim')\n"
    "libc = ctypes.CDLL(ctypes.util.find_library('c'))\n"
    "libc.malloc.restype = ctypes.c_void_p\n"
    "libc.malloc.argtypes = [ctypes.c_size_t]\n"
    "libc.free.argtypes = [ctypes.c_void_p]\n"
    "def kept(mb):\n"
    "    block = libc.malloc(mb << 20)\n"
    "    ctypes.memset(block, 1, mb << 20)\n"
    "    before = read_memory().rss_mb\n"
    "    libc.free(block)\n"
    "    return before - read_memory().rss_mb\n"
    "kept(24)  # freed from its own mapping: glibc's threshold rises to 24 MB, as loading a model leaves it\n"
    "with heap.large_buffers_mapped(8 << 20) as on:\n"
    "    with heap.large_buffers_mapped(8 << 20):  # nested (two decodes at once): the last restores\n"
    "        pass\n"
    "    inside = kept(16)\n"
    "print(on, inside, kept(16))\n"
)


@pytest.mark.skipif(not LINUX, reason="glibc malloc")
@pytest.mark.parametrize("trim", ["trim", "no-trim"])
def test_large_buffers_mapped_gives_a_freed_buffer_back_only_inside_the_block(trim: str) -> None:
    """In a fresh process whose glibc threshold has risen: a 16 MB buffer freed inside the block leaves
    (its own mapping), the same buffer freed after it stays in the heap (the threshold is back up); with
    ``profile.trim_memory`` off the block changes nothing."""
    done = subprocess.run(
        [sys.executable, "-c", _MAPPED, trim], capture_output=True, text=True, timeout=60, check=True
    )
    on, inside, after = done.stdout.split()
    assert on == str(trim == "trim")
    assert float(after) < 2  # MB given back: none, the heap keeps it for the next malloc
    assert (float(inside) > 14) is (trim == "trim")


def test_large_buffers_mapped_changes_nothing_in_lean_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(heap._state, "trim", True)
    monkeypatch.setattr(heap, "lean_memory", lambda: True)  # lean memory's own 128 KB threshold holds
    with heap.large_buffers_mapped(8 << 20) as on:
        assert on is False
    assert heap._mapped["users"] == 0


def test_whisper_hears_the_same_with_its_buffers_mapped(
    whisper_recognizer: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo command decoded with the decode's large buffers mapped and without: the same segments
    (text, log-probability, no-speech probability): only where the memory lives changes."""
    from edge import resources  # noqa: PLC0415
    from edge.asr.whisper import WhisperRecognizer  # noqa: PLC0415
    from edge.audio.io import read_audio  # noqa: PLC0415

    assert isinstance(whisper_recognizer, WhisperRecognizer)
    speech = read_audio(resources.demo_wav())[32_000:]
    monkeypatch.setitem(heap._state, "trim", False)
    plain = whisper_recognizer.decode(speech)
    monkeypatch.setitem(heap._state, "trim", True)
    monkeypatch.setattr(heap, "lean_memory", lambda: False)
    mapped = whisper_recognizer.decode(speech)
    assert heap._mapped["users"] == 0
    assert mapped == plain and "kitchen light" in mapped[0].text.lower()
