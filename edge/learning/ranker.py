"""The candidate ranker: a logistic model over retrieval and similarity features with hand-set weights (a
weights file written by :meth:`Ranker.save`, ``ranker.json`` next to this module, is read when present)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from edge.learning.index import Hit, phonetic_string

__all__ = ["FEATURES", "RankContext", "Ranker", "features"]

FEATURES = (
    "bias",
    "char_score",
    "phon_score",
    "phon_ratio",
    "word_edit",
    "char_ratio",
    "history",
    "votes",
    "registry",
    "context_ok",
    "nlu_gain",
    "len_ratio",
)
_DEFAULT_PATH = Path(__file__).with_name("ranker.json")


@dataclass(frozen=True, slots=True)
class RankContext:
    """What the ranker knows besides the texts: live device states and NLU confidences when available."""

    states: dict[str, str]
    original_confidence: float = -1.0  # -1: no parser
    candidate_confidence: dict[str, float] | None = None


def _word_edit(a: str, b: str) -> float:
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return 0.0
    return 1.0 - Levenshtein.distance(wa, wb) / max(len(wa), len(wb))


def features(query: str, hit: Hit, ctx: RankContext) -> list[float]:
    c = hit.candidate
    pq, pc = phonetic_string(query).replace(" ", ""), phonetic_string(c.text).replace(" ", "")
    states = [ctx.states.get(e, "") for e in c.entity_id.split(",") if e]
    context_ok = 0.0 if c.action and states and all(s == c.action for s in states) else 1.0
    nlu_gain = 0.0
    if ctx.original_confidence >= 0 and ctx.candidate_confidence is not None:
        nlu_gain = ctx.candidate_confidence.get(c.text, 0.0) - ctx.original_confidence
    return [
        1.0,
        hit.char_score,
        hit.phon_score,
        fuzz.ratio(pq, pc) / 100.0,
        _word_edit(query, c.text),
        fuzz.ratio(query, c.text) / 100.0,
        math.log1p(c.successes) / 3.0,
        math.log1p(c.votes) / 4.0,
        1.0 if c.source == "registry" else 0.0,
        context_ok,
        nlu_gain,
        min(len(query), len(c.text)) / max(1, len(query), len(c.text)),
    ]


_HAND_WEIGHTS = (-9.0, 2.0, 3.0, 3.0, 2.0, 3.0, 1.0, 0.5, 0.0, 1.0, 2.0, 0.5)


class Ranker:
    def __init__(self, weights: Sequence[float] = _HAND_WEIGHTS) -> None:
        if len(weights) != len(FEATURES):
            raise ValueError(f"ranker needs {len(FEATURES)} weights, got {len(weights)}")
        self.weights = np.asarray(weights, dtype=float)

    def probability(self, query: str, hit: Hit, ctx: RankContext) -> float:
        z = float(np.dot(self.weights, features(query, hit, ctx)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def save(self, path: Path = _DEFAULT_PATH) -> None:
        path.write_text(
            json.dumps(dict(zip(FEATURES, map(float, self.weights), strict=True)), indent=1) + "\n"
        )

    @classmethod
    def load(cls, path: Path = _DEFAULT_PATH) -> Ranker:
        """The committed weights, or hand-set ones when the file is absent."""
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text())
        return cls([float(data[f]) for f in FEATURES])
