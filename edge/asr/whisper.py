"""faster-whisper (CTranslate2, int8) on a model folder from the cache, with hallucination rejection."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from edge.asr.base import audio_ms, check_samples, is_silence_phrase
from edge.asr.memory import defer_import
from edge.config import ASRSettings
from edge.errors import ErrorCode, ModelError
from edge.events import Transcript

__all__ = ["SegmentStats", "WhisperRecognizer", "judge", "vocabulary_prompt"]

MAX_PROMPT_WORDS = 150  # Whisper reads at most ~224 prompt tokens


@dataclass(frozen=True, slots=True)
class SegmentStats:
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float = 1.0


def vocabulary_prompt(vocabulary: Sequence[str]) -> str | None:
    """A short prompt naming the domain's words, the home's devices and rooms: Whisper then prefers those
    spellings. Phrases are kept in order until ``MAX_PROMPT_WORDS`` words."""
    phrases: list[str] = []
    words = 0
    for phrase in dict.fromkeys(p.strip() for p in vocabulary if p.strip()):
        words += len(phrase.split())
        if words > MAX_PROMPT_WORDS:
            break
        phrases.append(phrase)
    return ", ".join(phrases) + "." if phrases else None


def judge(
    segments: Sequence[SegmentStats], no_speech_threshold: float, logprob_threshold: float
) -> tuple[str, float, bool, str]:
    """(text, confidence, rejected, reason) for decoded segments; pure, so the rules are unit-testable.

    A segment is dropped when Whisper itself thinks there was no speech (``no_speech_prob`` above the
    threshold while the decoding was unsure). The whole result is rejected when nothing is left, when the
    average log-probability is below ``logprob_threshold``, when the text is a phrase Whisper invents for
    silence, or when it loops (a high compression ratio).
    """
    kept = [
        s
        for s in segments
        if not (s.no_speech_prob > no_speech_threshold and s.avg_logprob < logprob_threshold)
    ]
    if not kept:  # keep what was decoded for the record; ``rejected`` tells consumers to ignore it
        heard = " ".join(s.text.strip() for s in segments).strip()
        return heard, 0.0, True, "no_speech"
    text = " ".join(s.text.strip() for s in kept).strip()
    logprob = sum(s.avg_logprob for s in kept) / len(kept)
    confidence = round(math.exp(min(0.0, logprob)), 4)
    if not text or is_silence_phrase(text):
        return text, confidence, True, "silence_phrase"
    if logprob < logprob_threshold:
        return text, confidence, True, "low_logprob"
    if max(s.compression_ratio for s in kept) > 2.4:
        return text, confidence, True, "repetition"
    return text, confidence, False, ""


class WhisperRecognizer:
    """Whisper tiny.en (or any CTranslate2 Whisper folder): greedy, no timestamps, no own VAD."""

    name = "whisper"

    def __init__(self, model_dir: Path, settings: ASRSettings, threads: int = 2) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        if not (model_dir / "model.bin").is_file():
            raise ModelError(
                f"no Whisper model in {model_dir} (model.bin missing)",
                hint="run `make models`, or point asr.model at a CTranslate2 Whisper folder",
            )
        # PyAV (~16 MB of FFmpeg libraries) only decodes files; the runtime hands faster-whisper arrays
        defer_import("av", unless_imported="faster_whisper")
        from faster_whisper import WhisperModel  # noqa: PLC0415 - lazy: an optional engine, loaded only when configured

        try:
            self._model: Any = WhisperModel(
                str(model_dir), device="cpu", compute_type=settings.compute_type, cpu_threads=threads
            )
        except (RuntimeError, ValueError, OSError) as err:
            raise ModelError(
                f"cannot load Whisper from {model_dir}: {err}",
                code=ErrorCode.MODEL_CORRUPT,
                hint="run `make models` to restore it",
            ) from err
        self.settings = settings
        self.model_dir = model_dir

    def decode(self, samples: npt.NDArray[np.int16], vocabulary: Sequence[str] = ()) -> list[SegmentStats]:
        audio = samples.astype(np.float32) / 32768.0
        segments, _info = self._model.transcribe(
            audio,
            language="en" if self.model_dir.name.endswith(".en") else None,
            beam_size=self.settings.beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
            without_timestamps=True,
            initial_prompt=vocabulary_prompt(vocabulary) if self.settings.use_domain_vocabulary else None,
            temperature=0.0,
            no_speech_threshold=None,  # judge() applies the configured rules and records why
            log_prob_threshold=None,
        )
        return [
            SegmentStats(s.text, float(s.avg_logprob), float(s.no_speech_prob), float(s.compression_ratio))
            for s in segments
        ]

    def transcribe(self, samples: npt.NDArray[np.int16], vocabulary: Sequence[str] = ()) -> Transcript:
        check_samples(samples)
        if len(samples) == 0:
            return Transcript("", 0.0, self.name, 0.0, rejected=True, reason="empty")
        text, confidence, rejected, reason = judge(
            self.decode(samples, vocabulary),
            self.settings.no_speech_threshold,
            self.settings.logprob_threshold,
        )
        return Transcript(text, confidence, self.name, audio_ms(samples), rejected=rejected, reason=reason)
