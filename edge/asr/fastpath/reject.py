"""Is a grammar decode a sentence that was said, or speech forced onto the nearest sentence?

:class:`Evidence` reads one utterance's two decodes (the grammar's and a free phone loop's) into a few
measures; :class:`RejectModel` is a logistic model over them, calibrated on in-grammar and out-of-grammar
sentences spoken by espeak-ng (several voices and rates, with and without background noise) by
``python -m edge.lab.fastpath_calibrate`` (its held-out figures in docs/voice-pipeline.md).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["FAST_PATH", "Evidence", "RejectModel", "phone_distance"]

_FILLERS = frozenset({"<s>", "</s>", "<sil>", "sil", "[noise]", "++noise++", "++breath++", "<null>"})
FRAMES_PER_S = 100.0


@dataclass(frozen=True, slots=True)
class RejectModel:
    """A calibration: the logistic model's weights, each measure's (mean, std) and the operating point."""

    weights: dict[str, float]
    scale: dict[str, tuple[float, float]]
    threshold: float

    @classmethod
    def load(cls, package: str, name: str) -> RejectModel:
        """The calibration stored as ``name`` in ``package`` (a calibration ``--write`` stored); none or an
        unreadable one rejects everything (Whisper, or "not understood", hears it all)."""
        try:
            raw = json.loads(resources.files(package).joinpath(name).read_text("utf-8"))
            scale = {k: (float(v[0]), float(v[1])) for k, v in raw["scale"].items()}
            return cls({k: float(v) for k, v in raw["weights"].items()}, scale, float(raw["threshold"]))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return cls({"bias": 0.0}, {}, 1.0)

    def score(self, evidence: Evidence) -> float:
        """Probability that the grammar decode is what was said (logistic over the standardized measures)."""
        z = self.weights.get("bias", 0.0)
        for name, value in evidence.features().items():
            mean, std = self.scale.get(name, (0.0, 1.0))
            z += self.weights.get(name, 0.0) * (value - mean) / (std or 1.0)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


FAST_PATH = RejectModel.load("edge.asr.fastpath", "reject.json")  # edge.lab.fastpath_calibrate --write


def phone_distance(expected: list[str], heard: list[str]) -> float:
    """Edit distance between two phone strings over the expected length (0 is identical)."""
    if not expected:
        return float(len(heard))
    row = list(range(len(heard) + 1))
    for i in range(1, len(expected) + 1):
        prev, row[0] = row[:], i
        for j in range(1, len(heard) + 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (expected[i - 1] != heard[j - 1]))
    return row[-1] / len(expected)


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str
    frames: int
    score_gap: float  # (grammar path score - phone loop path score) per frame, log units
    log_prob: float  # log10 posterior of the grammar hypothesis (best-path pass only; else -6)
    coverage: float  # share of the speech frames (phone loop: not silence) inside the grammar's words
    phone_distance: float  # grammar words' pronunciation vs the phones heard
    words_per_s: float  # words of the hypothesis per second of speech

    @classmethod
    def read(cls, decoder: Any, phones: Any) -> Evidence:
        hyp = decoder.hyp()
        text = str(hyp.hypstr).strip() if hyp is not None else ""
        frames = max(1, int(decoder.n_frames()))
        if not text:
            return cls("", frames, 0.0, 0.0, 0.0, 0.0, 0.0)
        lm = decoder.get_logmath()
        phone_hyp = phones.hyp()
        g_score = lm.log(hyp.score) if hyp.score > 0 else -1e6
        p_score = lm.log(phone_hyp.score) if phone_hyp is not None and phone_hyp.score > 0 else -1e6
        heard = [s for s in phones.seg() if s.word.lower() not in _FILLERS] if phone_hyp is not None else []
        speech = sum(s.end_frame - s.start_frame + 1 for s in heard)
        words = [s for s in decoder.seg() if s.word.lower() not in _FILLERS]
        inside = 0
        for s in heard:
            inside += sum(
                max(0, min(s.end_frame, w.end_frame) - max(s.start_frame, w.start_frame) + 1) for w in words
            )
        expected: list[str] = []
        for w in text.split():
            expected += str(decoder.lookup_word(w) or "").split()
        return cls(
            text,
            frames,
            (g_score - p_score) / frames,
            math.log10(max(float(hyp.prob), 1e-6)),
            inside / max(1, speech),
            phone_distance(expected, [s.word for s in heard]),
            len(text.split()) / max(0.1, speech / FRAMES_PER_S),
        )

    def features(self) -> dict[str, float]:
        return {
            "score_gap": self.score_gap,
            "log_prob": self.log_prob,
            "coverage": self.coverage,
            "phone_distance": self.phone_distance,
            "words_per_s": self.words_per_s,
        }
