"""faster-whisper (CTranslate2, int8) on a model folder from the cache, with hallucination rejection."""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from edge.asr.base import audio_ms, check_samples, is_silence_phrase
from edge.asr.heap import large_buffers_mapped
from edge.asr.memory import defer_import
from edge.config import ASRSettings
from edge.errors import ErrorCode, ModelError
from edge.events import Transcript

__all__ = [
    "SegmentStats",
    "WhisperRecognizer",
    "judge",
    "one_copy",
    "token_budget",
    "vocabulary_prompt",
    "window_frames",
]

MAX_PROMPT_WORDS = 150  # Whisper reads at most ~224 prompt tokens
FRAMES_PER_S = 100  # Whisper's log-mel frames (10 ms hop)
WHOLE_WINDOW = 3000  # 30 s: the window Whisper was trained on and faster-whisper pads every segment to
WINDOW_STEP = 200  # windows grow in 2 s steps (few distinct shapes for the encoder's buffers)
WINDOW_MARGIN = 100  # 1 s of padding heard after the utterance
LOOP_UNIT_WORDS = 2  # a looped phrase this long is kept once; one word looped ("on on on") is a hallucination
TOKENS_BASE, TOKENS_PER_S, TOKENS_MAX = 16, 6, 200  # a decode's token budget: people say < 4 tokens a second
MAPPED_BYTES = 8 << 20  # a decode's buffers this large get their own mapping, unmapped when freed (heap.py)


def window_frames(samples: int, window_s: float, rate: int = 16000) -> int:
    """How many of the 3000 feature frames Whisper's encoder hears for an utterance of ``samples``: at least
    ``window_s`` seconds, else the utterance plus 1 s rounded up to 2 s steps, never more than Whisper's 30 s.

    The encoder's cost grows with its window (self-attention: with its square), and faster-whisper always
    encodes 30 s, however short the request; a shorter window after a short request is most of Whisper's
    decode time and of its memory (docs/voice-pipeline.md, "Whisper's window")."""
    content = math.ceil(samples * FRAMES_PER_S / rate)
    grown = math.ceil((content + WINDOW_MARGIN) / WINDOW_STEP) * WINDOW_STEP
    floor = 2 * math.ceil(window_s * FRAMES_PER_S / 2)  # the encoder's convolution halves: an even count
    return min(WHOLE_WINDOW, max(floor, grown))


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


def one_copy(text: str) -> str | None:
    """The phrase once when ``text`` is that phrase said over and over (the last copy may be cut short), else
    None: "open the garage door, open the garage door, open the gar" -> "open the garage door". Whisper
    loops so after a whole, right transcript, more often when its window is short (``asr.window_s``); one
    word looped ("on on on") is left to the repetition rule (a hallucination in noise)."""
    raw = text.split()
    key = ["".join(ch for ch in w.lower() if ch.isalnum()) for w in raw]
    for unit in range(1, len(key) // 2 + 1):  # the shortest period is the phrase
        whole = all(key[i] == key[i % unit] for i in range(len(key) - 1))
        if whole and key[-1] and key[(len(key) - 1) % unit].startswith(key[-1]):  # the budget cut a word
            return " ".join(raw[:unit]).rstrip(",;:-") if unit >= LOOP_UNIT_WORDS else None
    return None


def judge(
    segments: Sequence[SegmentStats], no_speech_threshold: float, logprob_threshold: float
) -> tuple[str, float, bool, str]:
    """(text, confidence, rejected, reason) for decoded segments; pure, so the rules are unit-testable.

    A segment is dropped when Whisper itself thinks there was no speech (``no_speech_prob`` above the
    threshold while the decoding was unsure). The whole result is rejected when nothing is left, when the
    average log-probability is below ``logprob_threshold``, when the text is a phrase Whisper invents for
    silence, or when it loops (a high compression ratio) on anything but a whole phrase (:func:`one_copy`).
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
    looped = one_copy(text)
    # a trailing comma is the prompt's style (a comma-separated list), not speech: "turn on the light,"
    text = (looped or text).rstrip(",;: ")
    logprob = sum(s.avg_logprob for s in kept) / len(kept)
    confidence = round(math.exp(min(0.0, logprob)), 4)
    if not text or is_silence_phrase(text):
        return text, confidence, True, "silence_phrase"
    if logprob < logprob_threshold:
        return text, confidence, True, "low_logprob"
    if looped is None and max(s.compression_ratio for s in kept) > 2.4:
        return text, confidence, True, "repetition"
    return text, confidence, False, ""


def token_budget(samples: int, rate: int = 16000) -> int:
    """The most tokens a decode of ``samples`` may make: a loop stops there instead of at Whisper's 448."""
    return min(TOKENS_MAX, TOKENS_BASE + math.ceil(TOKENS_PER_S * samples / rate))


def _windowed_model(model_dir: Path, settings: ASRSettings, threads: int) -> Any:
    """faster-whisper's model with an encoder that hears only the frames :func:`window_frames` chose for the
    utterance being decoded (per thread: decodes may overlap). faster-whisper pads each segment's features
    to 3000 frames before encoding; the frames cut are that padding's (log-mel of silence), and CTranslate2's
    encoder takes any even number of frames up to 3000 (positions beyond are never read)."""
    from faster_whisper import WhisperModel  # noqa: PLC0415 - lazy: an optional engine, loaded only when configured

    class WindowedWhisper(WhisperModel):  # type: ignore[misc]  # faster-whisper ships no type hints
        frames = threading.local()

        def encode(self, features: Any) -> Any:
            limit = getattr(self.frames, "n", WHOLE_WINDOW)
            if features.shape[-1] > limit:
                features = np.ascontiguousarray(features[..., :limit])
            return super().encode(features)

    return WindowedWhisper(
        str(model_dir), device="cpu", compute_type=settings.compute_type, cpu_threads=threads
    )


class WhisperRecognizer:
    """Whisper tiny.en (or any CTranslate2 Whisper folder): greedy, no timestamps, no own VAD; its encoder's
    window fitted to the utterance when ``asr.window_s`` is under 30 s."""

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
        try:
            self._model: Any = _windowed_model(model_dir, settings, threads)
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
        self._model.frames.n = window_frames(len(samples), self.settings.window_s)
        # CTranslate2's int8 GEMMs and attention allocate 8-54 MB buffers per layer; glibc's threshold, risen
        # to 32 MB once models load, kept those under 32 MB in its heaps for good, under the next layer's
        # attention scores and every later step (docs/appliance.md, "Whisper's buffers mapped")
        with large_buffers_mapped(MAPPED_BYTES):
            return self._decode(audio, len(samples), vocabulary)

    def _decode(
        self, audio: npt.NDArray[np.float32], samples: int, vocabulary: Sequence[str]
    ) -> list[SegmentStats]:
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
            max_new_tokens=token_budget(samples),
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
