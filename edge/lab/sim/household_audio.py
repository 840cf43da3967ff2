"""Simulated users heard through real audio: each utterance is synthesized with the speaker's espeak-ng
voice (:func:`edge.audio.synth.synthesize`) and transcribed by the runtime's recognizer with the home's
vocabulary prompt, as the voice pipeline does. Transcripts are cached on disk by recognizer, voice, speed,
words and prompt, so a rerun only pays for new utterances.

Also the side-by-side measures that keep the ASR-error model honest: word error rate and how often a
device or artist name is misheard, over the same kind of traffic.
"""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from edge.asr.base import Recognizer
from edge.audio.io import read_audio
from edge.audio.synth import synthesize
from edge.lab.sim.hearing import HeardText
from edge.lab.sim.household import SimLog
from edge.lab.sim.household_home import ARTISTS
from edge.lab.sim.users import SimUser
from edge.lang import asr_text, numbers_to_digits

__all__ = ["AsrFigures", "AudioHearing", "asr_figures", "words"]


class AudioHearing:
    """:class:`edge.lab.sim.hearing.Hearing` through espeak-ng and a real recognizer (blocking; cached)."""

    def __init__(self, recognizer: Recognizer, cache_dir: Path, model_id: str = "") -> None:
        self.recognizer = recognizer
        self.cache_dir = cache_dir
        self.model_id = model_id or getattr(recognizer, "name", "asr")
        self.synthesized = 0  # utterances not found in the cache

    def _key(self, user: SimUser, said: str, vocabulary: Sequence[str]) -> str:
        raw = json.dumps([self.model_id, user.voice, user.speed, said, list(vocabulary)])
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def hear(self, user: SimUser, said: str, rng: random.Random, vocabulary: Sequence[str]) -> HeardText:
        path = self.cache_dir / f"{self._key(user, said, vocabulary)}.json"
        if path.is_file():
            data = json.loads(path.read_text())
        else:
            with tempfile.TemporaryDirectory(prefix="edge-sim-audio-") as tmp:
                wav = synthesize(
                    said, Path(tmp) / "said.wav", voice=user.voice, speed=user.speed,
                    lead_silence_s=0.3, tail_silence_s=0.5,
                )  # fmt: skip
                t = self.recognizer.transcribe(read_audio(wav), vocabulary)
            data = {
                "text": t.text, "confidence": t.confidence, "engine": t.engine, "rejected": t.rejected,
                "audio_ms": t.audio_ms, "said": said, "voice": user.voice,
            }  # fmt: skip
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp_path = path.with_suffix(".tmp")
            tmp_path.write_text(json.dumps(data))
            tmp_path.replace(path)
            self.synthesized += 1
        return HeardText(
            str(data["text"]),
            float(data["confidence"]),
            str(data["engine"]),
            bool(data["rejected"]),
            float(data["audio_ms"]),
        )


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
    n = errors = said_words = wrong = rejected = names = missed = 0
    for log in logs:
        known = {" ".join(words(d.name)) for d in log.home.devices.values()}
        known |= {" ".join(words(a)) for a in ARTISTS}
        known |= {" ".join(words(d.area)) for d in log.home.devices.values() if d.area}
        by_id = {t.turn_id: t for t in log.turns}
        for tid, said in log.said.items():
            rec = by_id.get(tid)
            if rec is None or not said.strip():
                continue
            s, h = words(said), words(rec.asr_text)
            n += 1
            said_words += len(s)
            errors += Levenshtein.distance(s, h)
            wrong += s != h
            rejected += rec.no_speech
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
