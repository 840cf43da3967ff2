"""Simulated users heard through real audio: each utterance is synthesized with the speaker's espeak-ng
voice (:func:`edge.audio.synth.synthesize`) and transcribed by the runtime's recognizer with the home's
vocabulary prompt, as the voice pipeline does. Transcripts are cached on disk by recognizer, voice, speed,
words and prompt, so a rerun only pays for new utterances.

Also the side-by-side measures that keep the ASR-error model honest: word error rate and how often a
device or artist name is misheard, over the same kind of traffic.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Levenshtein

from edge.asr.base import Recognizer
from edge.audio.io import read_audio
from edge.audio.synth import synthesize
from edge.lab.sim.hearing import HeardText
from edge.lab.sim.household import SimLog
from edge.lab.sim.household_home import ARTISTS
from edge.lab.sim.prompt_effect import NO_PROMPT, Learned
from edge.lab.sim.users import SimUser
from edge.lang import asr_text, numbers_to_digits

__all__ = ["AsrFigures", "AudioHearing", "NoiseMix", "asr_figures", "mix_noise", "pair_figures", "words"]


@dataclass(frozen=True, slots=True)
class NoiseMix:
    """Background noise under the speech: ``path`` a WAV file, ``snr_db`` speech over noise, ``offset_s``
    where in the (looped) noise the clip starts."""

    path: Path
    snr_db: float
    offset_s: float = 0.0

    def key(self) -> list[Any]:
        return [self.path.name, self.snr_db, round(self.offset_s, 2)]


def mix_noise(speech: npt.NDArray[np.int16], noise: npt.NDArray[np.int16], snr_db: float, offset: int = 0
              ) -> npt.NDArray[np.int16]:  # fmt: skip
    """``noise`` (looped from ``offset``) under ``speech`` at ``snr_db`` over the speech's voiced part."""
    if len(speech) == 0 or len(noise) == 0:
        return speech
    s = speech.astype(np.float64)
    idx = (np.arange(len(s)) + offset) % len(noise)
    n = noise[idx].astype(np.float64)
    voiced = s[np.abs(s) > 0.05 * max(1.0, float(np.abs(s).max()))]
    p_s = float(np.mean(voiced**2)) if len(voiced) else float(np.mean(s**2))
    p_n = float(np.mean(n**2)) or 1.0
    mixed = s + n * np.sqrt(p_s / (p_n * 10 ** (snr_db / 10)))
    out: npt.NDArray[np.int16] = np.clip(mixed, -32768, 32767).astype(np.int16)
    return out


class AudioHearing:
    """:class:`edge.lab.sim.hearing.Hearing` through espeak-ng and a real recognizer (blocking; cached)."""

    def __init__(self, recognizer: Recognizer, cache_dir: Path, model_id: str = "") -> None:
        self.recognizer = recognizer
        self.cache_dir = cache_dir
        self.model_id = model_id or getattr(recognizer, "name", "asr")
        self.synthesized = 0  # utterances not found in the cache

    def _key(
        self, voice: str, speed: int, said: str, vocabulary: Sequence[str], noise: NoiseMix | None
    ) -> str:
        parts: list[Any] = [self.model_id, voice, speed, said, list(vocabulary)]
        if noise is not None:  # clean clips keep the keys they always had
            parts.append(noise.key())
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]

    def transcript(
        self, voice: str, speed: int, said: str, vocabulary: Sequence[str], noise: NoiseMix | None = None
    ) -> dict[str, Any]:
        """The cached transcript of ``said`` in ``voice`` at ``speed`` (words per minute) over ``noise``."""
        path = self.cache_dir / f"{self._key(voice, speed, said, vocabulary, noise)}.json"
        if path.is_file():
            data: dict[str, Any] = json.loads(path.read_text())
            return data
        with tempfile.TemporaryDirectory(prefix="edge-sim-audio-") as tmp:
            wav = synthesize(
                said, Path(tmp) / "said.wav", voice=voice, speed=speed, lead_silence_s=0.3, tail_silence_s=0.5
            )
            samples = read_audio(wav)
        if noise is not None:
            bed = _noise_bed(noise.path)
            samples = mix_noise(samples, bed, noise.snr_db, int(noise.offset_s * 16000))
        t = self.recognizer.transcribe(samples, vocabulary)
        data = {
            "text": t.text, "confidence": t.confidence, "engine": t.engine, "rejected": t.rejected,
            "audio_ms": t.audio_ms, "said": said, "voice": voice, "speed": speed,
            "noise": noise.key() if noise else None,
        }  # fmt: skip
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp_path = path.with_suffix(f".{os.getpid()}.tmp")
        tmp_path.write_text(json.dumps(data))
        tmp_path.replace(path)
        self.synthesized += 1
        return data

    def hear(
        self,
        user: SimUser,
        said: str,
        rng: random.Random,
        vocabulary: Sequence[str],
        learned: Learned = NO_PROMPT,
    ) -> HeardText:
        data = self.transcript(user.voice, user.speed, said, vocabulary)
        return HeardText(
            str(data["text"]),
            float(data["confidence"]),
            str(data["engine"]),
            bool(data["rejected"]),
            float(data["audio_ms"]),
        )


@functools.lru_cache(maxsize=8)
def _noise_bed(path: Path) -> npt.NDArray[np.int16]:
    bed: npt.NDArray[np.int16] = read_audio(path)
    return bed


def words(text: str) -> list[str]:
    """Lower case, no punctuation, numbers as digits: "Set it to forty percent." -> set it to 40 percent."""
    return numbers_to_digits(asr_text(text.replace("%", " percent")).split())


@dataclass(frozen=True, slots=True)
class AsrFigures:
    utterances: int
    wer: float  # word errors / words said
    sentence_errors: float  # share of utterances not heard word for word
    names: int  # device, room and artist names said
    names_misheard: float  # share of those not found word for word in what was heard
    rejected: float  # share heard as no speech


def asr_figures(logs: Iterable[SimLog]) -> AsrFigures:
    """What the recognizer (model or real) did to what the users said, over every spoken request."""
    rows: list[tuple[list[str], list[str], set[str], bool]] = []
    for log in logs:
        known = {" ".join(words(d.name)) for d in log.home.devices.values()}
        known |= {" ".join(words(a)) for a in ARTISTS}
        known |= {" ".join(words(d.area)) for d in log.home.devices.values() if d.area}
        by_id = {t.turn_id: t for t in log.turns}
        for tid, said in log.said.items():
            rec = by_id.get(tid)
            if rec is None or not said.strip():
                continue
            rows.append((words(said), words(rec.asr_text), known, rec.no_speech))
    return pair_figures(rows)


def pair_figures(rows: Iterable[tuple[Sequence[str], Sequence[str], set[str], bool]]) -> AsrFigures:
    """:class:`AsrFigures` of (words said, words heard, the home's names, heard as no speech) rows."""
    n = errors = said_words = wrong = rejected = names = missed = 0
    for s, h, known, no_speech in rows:
        n += 1
        said_words += len(s)
        errors += Levenshtein.distance(list(s), list(h))
        wrong += list(s) != list(h)
        rejected += no_speech
        said_text, heard_text = f" {' '.join(s)} ", f" {' '.join(h)} "
        for name in known:
            if name and f" {name} " in said_text:
                names += 1
                missed += f" {name} " not in heard_text
    return AsrFigures(
        n,
        errors / max(1, said_words),
        wrong / max(1, n),
        names,
        missed / max(1, names),
        rejected / max(1, n),
    )
