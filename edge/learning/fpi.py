"""Failure-point isolation: for a defective turn, the first stage that failed for good - false_wake, asr,
nlu, entity_resolution, result - or correct (recovered downstream), and the fix each class routes to.

Labelling functions over the turn, its signals and the following linked turn vote first; a depth-limited
decision tree (numpy, trained on simulator turns with ground truth, stored as JSON) decides when present.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from edge.feedback.record import FeedbackSignal, SignalKind, TurnRecord
from edge.feedback.similarity import phonetic_similarity, text_similarity, token_diff
from edge.learning.canonical import Lexicon

__all__ = [
    "CLASSES",
    "FEATURES",
    "Fix",
    "Tree",
    "classify",
    "featurize",
    "fit_tree",
    "label_functions",
    "route",
]

CLASSES = ("false_wake", "asr", "nlu", "entity_resolution", "result", "correct")
FEATURES = ("no_speech", "wake_score", "asr_conf", "oov", "no_intent", "intent_conf", "no_target",
            "target_score", "result_fail", "undo", "next_sounds_alike", "next_same_words", "next_entity_only",
            "next_carrier_only", "next_exact", "recovered")  # fmt: skip
_MODEL = Path(__file__).with_name("fpi_tree.json")


def featurize(
    turn: TurnRecord, signals: Sequence[FeedbackSignal], nxt: TurnRecord | None, lexicon: Lexicon
) -> list[float]:
    said = turn.asr_text or turn.text
    f_next = [0.0, 0.0, 0.0, 0.0, 0.0]
    if nxt is not None:
        other = nxt.asr_text or nxt.text
        diff = token_diff(said, other)
        phon, text = phonetic_similarity(said, other), text_similarity(said, other)
        entity_only = (
            bool(diff.removed) and set(diff.removed) <= lexicon.words | set(diff.removed) and diff.shared >= 1
        )
        f_next = [
            float(phon >= 0.75 and text < 0.95),
            float(text),
            float(entity_only and set(turn.slots.get("name", "").split()) >= set(diff.removed)),
            float(
                bool(turn.slots.get("name")) and turn.slots.get("name", "") in other and diff.removed != ()
            ),
            float(text >= 0.999),
        ]
    kinds = {s.kind for s in signals if s.turn_id == turn.turn_id}
    return [
        float(bool(turn.extra.get("no_speech")) or not said.strip()),
        turn.wake_score,
        turn.asr_confidence,
        lexicon.oov_rate(said),
        float(turn.intent is None),
        turn.intent_confidence,
        float(turn.intent is not None and bool(turn.slots.get("name")) and not turn.targets),
        max(turn.target_scores, default=0.0),
        float(turn.result_ok is False or SignalKind.RESULT_ERROR in kinds),
        float(SignalKind.UNDO in kinds),
        *f_next,
        float(bool(turn.rewrite) and turn.result_ok is True and SignalKind.UNDO not in kinds),
    ]


def label_functions(x: Sequence[float]) -> str | None:
    """Rules in stage order (the first irrecoverable stage wins); None when they abstain."""
    v = dict(zip(FEATURES, x, strict=True))
    if v["no_speech"]:
        return "false_wake"
    if v["recovered"]:
        return "correct"
    if v["result_fail"]:
        return "result"
    if v["asr_conf"] < 0.6 and (v["oov"] > 0 or v["next_sounds_alike"]):
        return "asr"
    if v["no_intent"]:
        return "asr" if v["next_sounds_alike"] and v["oov"] > 0 else "nlu"
    if v["no_target"] or v["undo"]:
        return "asr" if v["oov"] > 0 and v["asr_conf"] < 0.7 else "entity_resolution"
    return None


@dataclass(frozen=True, slots=True)
class Tree:
    """A binary tree as flat arrays: ``feature[i] < 0`` marks a leaf predicting ``value[i]``."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[int, ...]

    def predict(self, x: Sequence[float]) -> str:
        i = 0
        while self.feature[i] >= 0:
            i = self.left[i] if x[self.feature[i]] <= self.threshold[i] else self.right[i]
        return CLASSES[self.value[i]]

    def save(self, path: Path = _MODEL) -> None:
        path.write_text(
            json.dumps(
                {k: list(getattr(self, k)) for k in ("feature", "threshold", "left", "right", "value")}
            )
            + "\n"
        )

    @classmethod
    def load(cls, path: Path = _MODEL) -> Tree | None:
        if not path.is_file():
            return None
        d: dict[str, Any] = json.loads(path.read_text())
        return cls(
            tuple(d["feature"]), tuple(d["threshold"]), tuple(d["left"]), tuple(d["right"]), tuple(d["value"])
        )


def fit_tree(x: np.ndarray, y: np.ndarray, depth: int = 5, min_leaf: int = 5) -> Tree:
    """CART with Gini impurity; ``y`` holds class indices into :data:`CLASSES`."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[int] = []

    def gini(labels: np.ndarray) -> float:
        if len(labels) == 0:
            return 0.0
        p = np.bincount(labels, minlength=len(CLASSES)) / len(labels)
        return float(1.0 - (p * p).sum())

    def grow(rows: np.ndarray, level: int) -> int:
        node = len(feature)
        feature.append(-1)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        value.append(int(np.bincount(y[rows], minlength=len(CLASSES)).argmax()))
        if level >= depth or len(rows) < 2 * min_leaf or gini(y[rows]) == 0.0:
            return node
        best = (gini(y[rows]), -1, 0.0)
        for f in range(x.shape[1]):
            for cut in np.unique(x[rows, f])[:-1]:
                mask = x[rows, f] <= cut
                n_l = int(mask.sum())
                if n_l < min_leaf or len(rows) - n_l < min_leaf:
                    continue
                score = (n_l * gini(y[rows[mask]]) + (len(rows) - n_l) * gini(y[rows[~mask]])) / len(rows)
                if score < best[0] - 1e-9:
                    best = (score, f, float(cut))
        if best[1] < 0:
            return node
        mask = x[rows, best[1]] <= best[2]
        feature[node], threshold[node] = best[1], best[2]
        left[node] = grow(rows[mask], level + 1)
        right[node] = grow(rows[~mask], level + 1)
        return node

    grow(np.arange(len(y)), 0)
    return Tree(tuple(feature), tuple(threshold), tuple(left), tuple(right), tuple(value))


def classify(x: Sequence[float], tree: Tree | None = None) -> str:
    """The tree when one is trained; otherwise the labelling functions, defaulting to nlu."""
    if tree is not None:
        return tree.predict(x)
    return label_functions(x) or "nlu"


@dataclass(frozen=True, slots=True)
class Fix:
    """Where a failure class goes: ``kind`` rewrite | phonetic_alias | nlu_example | alias | teach |
    device_alert | wake_threshold | none, with what it needs."""

    failure_point: str
    kind: str
    detail: dict[str, str]


def route(failure_point: str, turn: TurnRecord, nxt: TurnRecord | None) -> Fix:
    said = turn.asr_text or turn.text
    fixed = (nxt.asr_text or nxt.text) if nxt is not None else ""
    if failure_point == "asr":
        return Fix("asr", "rewrite" if fixed else "phonetic_alias", {"from": said, "to": fixed})
    if failure_point == "nlu":
        return Fix(
            "nlu",
            "nlu_example",
            {"text": said, "label_from": fixed, "intent": nxt.intent or "" if nxt else ""},
        )
    if failure_point == "entity_resolution":
        mention = turn.slots.get("name", "")
        target = nxt.targets[0] if nxt is not None and nxt.targets else ""
        return Fix(
            "entity_resolution", "alias" if target else "teach", {"mention": mention, "entity_id": target}
        )
    if failure_point == "result":
        return Fix(
            "result", "device_alert", {"entity_ids": ",".join(turn.targets), "error": turn.result_error}
        )
    if failure_point == "false_wake":
        return Fix(
            "false_wake", "wake_threshold", {"area": turn.area, "hour": str(int(turn.t_start // 3600 % 24))}
        )
    return Fix(failure_point, "none", {})
