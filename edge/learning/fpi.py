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

from edge.errors import ErrorCode
from edge.feedback.record import Asked, FeedbackSignal, SignalKind, TurnRecord
from edge.lang import fold
from edge.learning.canonical import Lexicon
from edge.learning.edits import sounds_alike
from edge.learning.fpi_next import (
    after_features,
    before_features,
    linked_features,
    session_next,
    session_prev,
)
from edge.learning.fpi_repair import REPAIR_FEATURES, RepairParser, repair_features
from edge.learning.routing import Fix, route
from edge.nlu.catalogue import by_name

__all__ = [
    "CARRIER_WORDS",
    "CLASSES",
    "FEATURES",
    "SPEECH_STAGES",
    "Fix",
    "Forest",
    "Tree",
    "classify",
    "decisive",
    "featurize",
    "fit_forest",
    "fit_tree",
    "label_functions",
    "route",
    "session_next",
    "session_prev",
]

CLASSES = ("false_wake", "asr", "nlu", "entity_resolution", "result", "correct")
FEATURES = ("no_speech", "asr_conf", "oov", "oov_alike", "name_alike", "oov_unslotted", "oov_name_place",
            "no_intent",
            "intent_conf", "intent_margin", "no_target", "multi_target", "default_target", "name_known",
            "target_score", "value_missing", "timeout", "plan_error", "undo", "teach_offer",
            "next_sounds_alike", "next_same_words", "next_entity_only", "next_carrier_only", "next_exact",
            "next_same_intent", "next_same_targets", "next_ok", "recovered", "asked_unsure", "asked_which",
            "asked_check", "n_words", "after", "after_gap", "after_same_words", "after_sounds_alike",
            "after_ok", "after_same_intent", *REPAIR_FEATURES, "before", "before_gap", "before_same_words",
            "before_sounds_alike", "before_same_intent", "before_ok")  # fmt: skip
_MODEL = Path(__file__).with_name("fpi_tree.json")
# Words of everyday home requests besides the registry's names: a word outside both is out of vocabulary.
CARRIER_WORDS = frozenset({
    "turn", "switch", "set", "make", "put", "get", "play", "stop", "start", "pause", "resume", "open",
    "close", "shut", "lock", "unlock", "dim", "brighten", "raise", "lower", "kill", "cut", "power",
    "light", "lights", "lamp", "lamps", "on", "off", "up", "down", "to", "the", "a", "an", "in", "of",
    "my", "please", "can", "could", "would", "you", "i", "want", "hear", "some", "music", "by", "song",
    "songs", "percent", "brightness", "level", "all", "and", "with", "it", "this", "that", "now", "no",
    "yes", "not", "said", "mean", "meant"
})  # fmt: skip
_TIMEOUTS = frozenset({str(ErrorCode.DEVICE_TIMEOUT), str(ErrorCode.DEVICE_ERROR)})
_NOT_VALUES = frozenset(
    {"name", "area", "floor", "domain", "state", "media_class", "device_class", "volume_step"}
)


def _unslotted(said: str, turn: TurnRecord, lexicon: Lexicon) -> float:
    """Share of the out-of-vocabulary words that no slot took up (the NLU passed over them)."""
    slotted = {w for v in turn.slots.values() for w in fold(v).split()}
    words = [w for w in fold(said).split() if not w.isdigit()]
    unknown = [w for w in words if w not in lexicon.words and w not in CARRIER_WORDS]
    return sum(w not in slotted for w in unknown) / len(unknown) if unknown else 0.0


def _oov(said: str, lexicon: Lexicon) -> tuple[float, float, float]:
    """(share of words neither the registry nor everyday requests use; how much the most registry-like of
    them sounds like a registry word; how much the stretch around it sounds like a device name or alias):
    a misheard name ("bedroom like") sounds like one ("bedroom light"), a nickname ("the glow") does not."""
    words = [w for w in fold(said).split() if not w.isdigit()]
    if not words or not lexicon.words:
        return 0.0, 0.0, 0.0
    unknown = [i for i, w in enumerate(words) if w not in lexicon.words and w not in CARRIER_WORDS]
    alike = max((sounds_alike(words[i], k) for i in unknown for k in lexicon.words), default=0.0)
    name_alike = 0.0
    for name in lexicon.names:
        n = len(name.split())
        for i in unknown:
            for start in range(max(0, i - n + 1), min(i, len(words) - n) + 1):
                name_alike = max(name_alike, sounds_alike(" ".join(words[start : start + n]), name))
    return len(unknown) / len(words), alike, name_alike


_DEVICE_NOUNS = frozenset({"light", "lights", "lamp", "lamps", "speaker", "fan", "blinds", "tv", "heater"})


def _name_place(said: str, lexicon: Lexicon) -> float:
    """An unknown word where a device's name goes: before a device noun ("the bubble lamp", "big light")
    or as the object itself ("kill the glow", "the glow on"). A nickname sits there; words the NLU failed
    to read (a song, a value) mostly do not."""
    words = [w for w in fold(said).split() if not w.isdigit()]
    nouns = _DEVICE_NOUNS | {n.split()[-1] for n in lexicon.names if n}
    for i, w in enumerate(words):
        if w in lexicon.words or w in CARRIER_WORDS:
            continue
        after = words[i + 1] if i + 1 < len(words) else ""
        if after in nouns or (i > 0 and words[i - 1] == "the" and after in {"", "on", "off", "up", "down"}):
            return 1.0
    return 0.0


def _name_known(turn: TurnRecord, lexicon: Lexicon) -> bool:
    """Every word of the device mention (name, area) is a word of the registry."""
    words = " ".join(turn.slots.get(k, "") for k in ("name", "area", "floor")).split()
    return bool(words) and all(w in lexicon.words for w in words)


def _value_missing(turn: TurnRecord) -> bool:
    """The intent takes a value (brightness, position, what to play) and none was heard."""
    spec = by_name(turn.intent or "")
    values = [s for s in (spec.slots if spec else ()) if s not in _NOT_VALUES]
    return bool(values) and not any(turn.slots.get(v) for v in values)


def featurize(
    turn: TurnRecord,
    signals: Sequence[FeedbackSignal],
    nxt: TurnRecord | None,
    lexicon: Lexicon,
    after: TurnRecord | None = None,
    *,
    nlu: RepairParser | None = None,
    before: TurnRecord | None = None,
) -> list[float]:
    """:data:`FEATURES` of a defective turn: ``nxt`` the retry the rephrase detector linked, ``after`` the
    session's next turn within seconds (:func:`edge.learning.fpi_next.session_next`), ``nlu`` the runtime's
    NLU on the home's registry for the heard words repaired toward the home's vocabulary
    (:mod:`edge.learning.fpi_repair`; None: the turn's own reading stands in), ``before`` the session's
    turn just before within seconds (:func:`edge.learning.fpi_next.session_prev`)."""
    said = turn.asr_text or turn.text
    f_next = linked_features(turn, nxt, lexicon)
    kinds = {s.kind for s in signals if s.turn_id == turn.turn_id}
    oov, alike, name_alike = _oov(said, lexicon)
    failed = turn.result_ok is False or SignalKind.RESULT_ERROR in kinds
    timeout = failed and turn.result_error in _TIMEOUTS
    return [
        float(turn.no_speech or not said.strip()),
        turn.asr_confidence,
        oov,
        alike,
        name_alike,
        _unslotted(said, turn, lexicon),
        _name_place(said, lexicon),
        float(turn.intent is None),
        turn.intent_confidence,
        turn.intent_margin,
        float(turn.intent is not None and not turn.targets),
        float(len(turn.targets) > 1),
        float(bool(turn.targets) and not (turn.slots.keys() & {"name", "area", "floor"})),
        float(_name_known(turn, lexicon)),
        max(turn.target_scores, default=0.0),
        float(_value_missing(turn)),
        float(timeout),
        float(failed and not timeout),
        float(SignalKind.UNDO in kinds),
        float(turn.asked is Asked.TEACH),
        *f_next,
        float(turn.rewrite is not None and turn.result_ok is True and SignalKind.UNDO not in kinds),
        float(turn.asked is Asked.UNSURE),
        float(turn.asked is Asked.WHICH),
        float(turn.asked is Asked.CHECK),
        float(len(said.split())),
        *after_features(turn, after),
        *repair_features(turn, lexicon, CARRIER_WORDS, nlu),
        *before_features(turn, before),
    ]


def decisive(x: Sequence[float]) -> str | None:
    """The cases the turn itself settles, before any model: nothing was heard at all (no confidence: the
    recognizer found no speech, as it does on noise alone; one it rejected with some confidence heard words
    it could not read, and the model decides); a rewrite that worked; the one device we addressed, matched
    with confidence, never answered."""
    v = dict(zip(FEATURES, x, strict=True))
    if v["no_speech"] and v["asr_conf"] <= 0.0:
        return "false_wake"
    if v["recovered"]:
        return "correct"
    if v["timeout"] and not v["multi_target"] and v["target_score"] >= 0.9:
        return "result"
    return None


def label_functions(x: Sequence[float]) -> str | None:
    """Rules in stage order (the first irrecoverable stage wins); None when they abstain."""
    v = dict(zip(FEATURES, x, strict=True))
    if (settled := decisive(x)) is not None:
        return settled
    if v["no_speech"]:
        return "asr"  # rejected with some confidence: speech the recognizer could not read
    if v["timeout"]:
        return "result"
    if v["oov"] > 0 and v["oov_alike"] >= 0.6 and (v["asr_conf"] < 0.7 or v["next_sounds_alike"]):
        return "asr"
    if v["asr_conf"] < 0.6 and v["next_sounds_alike"]:
        return "asr"
    if v["no_intent"] or v["value_missing"] or v["plan_error"]:
        return "nlu"
    if v["no_target"] or v["multi_target"] or v["undo"]:
        return "entity_resolution"
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
        data: dict[str, Any] = {"features": list(FEATURES), "classes": list(CLASSES)}
        data.update({k: list(getattr(self, k)) for k in ("feature", "threshold", "left", "right", "value")})
        path.write_text(json.dumps(data) + "\n")

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Tree:
        return cls(
            tuple(d["feature"]), tuple(d["threshold"]), tuple(d["left"]), tuple(d["right"]), tuple(d["value"])
        )

    @classmethod
    def load(cls, path: Path = _MODEL) -> Tree | Forest | None:
        """The stored model (a tree or a forest); None when there is none or it was fitted on other
        features or classes (the labelling functions decide then)."""
        if not path.is_file():
            return None
        d: dict[str, Any] = json.loads(path.read_text())
        if d.get("features") != list(FEATURES) or d.get("classes") != list(CLASSES):
            return None
        if "trees" in d:
            return Forest(tuple(cls.from_json(t) for t in d["trees"]))
        return cls.from_json(d)


@dataclass(frozen=True, slots=True)
class Forest:
    """Trees fitted on bootstrap samples and feature subsets; the class most of them name wins (ties go
    to the earlier stage). Steadier than one tree when the training homes are few and each has its own
    habits."""

    trees: tuple[Tree, ...]

    def predict(self, x: Sequence[float]) -> str:
        votes = [0] * len(CLASSES)
        for tree in self.trees:
            votes[CLASSES.index(tree.predict(x))] += 1
        return CLASSES[int(np.argmax(votes))]

    def save(self, path: Path = _MODEL) -> None:
        keys = ("feature", "threshold", "left", "right", "value")
        data: dict[str, Any] = {"features": list(FEATURES), "classes": list(CLASSES)}
        data["trees"] = [{k: list(getattr(t, k)) for k in keys} for t in self.trees]
        path.write_text(json.dumps(data) + "\n")


def fit_forest(
    x: np.ndarray, y: np.ndarray, *, n_trees: int = 25, depth: int = 6, min_leaf: int = 20, seed: int = 0
) -> Forest:
    """Bagged class-balanced trees, each on a bootstrap sample of the rows and two thirds of the
    features (the others are hidden from it as constant columns)."""
    rng = np.random.default_rng(seed)
    trees = []
    k = max(1, (2 * x.shape[1]) // 3)
    for _ in range(n_trees):
        rows = rng.integers(0, len(y), len(y))
        hidden = rng.permutation(x.shape[1])[k:]
        xs = x[rows].copy()
        xs[:, hidden] = 0.0
        trees.append(fit_tree(xs, y[rows], depth=depth, min_leaf=min_leaf))
    return Forest(tuple(trees))


def fit_tree(x: np.ndarray, y: np.ndarray, depth: int = 5, min_leaf: int = 5, balanced: bool = True) -> Tree:
    """CART with Gini impurity; ``y`` holds class indices into :data:`CLASSES`. ``balanced`` weighs each
    class alike (rare failure points count as much as common ones, as the macro figures do). Each node
    scans every feature once in sorted order (cumulative class weights), so fitting stays fast."""
    k = len(CLASSES)
    counts = np.bincount(y, minlength=k).astype(float)
    class_w = np.where(counts > 0, len(y) / (k * np.maximum(counts, 1)), 0.0) if balanced else np.ones(k)
    onehot = np.zeros((len(y), k))
    onehot[np.arange(len(y)), y] = class_w[y]
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[int] = []

    def gini(w: np.ndarray) -> np.ndarray:
        total = w.sum(axis=-1)
        safe = np.where(total > 0, total, 1.0)
        return np.asarray(1.0 - ((w / safe[..., None]) ** 2).sum(axis=-1))

    def best_split(rows: np.ndarray) -> tuple[float, int, float]:
        w_all = onehot[rows].sum(axis=0)
        total = w_all.sum()
        best = (float(gini(w_all)), -1, 0.0)
        for f in range(x.shape[1]):
            order = rows[np.argsort(x[rows, f], kind="stable")]
            values = x[order, f]
            cum = np.cumsum(onehot[order], axis=0)[:-1]
            n_left = np.arange(1, len(order))
            ok = (values[:-1] < values[1:]) & (n_left >= min_leaf) & (len(order) - n_left >= min_leaf)
            if not ok.any():
                continue
            w_left, w_right = cum[ok], w_all - cum[ok]
            t_left = w_left.sum(axis=1)
            score = (t_left * gini(w_left) + (total - t_left) * gini(w_right)) / total
            i = int(score.argmin())
            if float(score[i]) < best[0] - 1e-9:
                best = (float(score[i]), f, float(values[:-1][ok][i]))
        return best

    def grow(rows: np.ndarray, level: int) -> int:
        node = len(feature)
        feature.append(-1)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        weights = onehot[rows].sum(axis=0)
        value.append(int(weights.argmax()))
        if level >= depth or len(rows) < 2 * min_leaf or float(gini(weights)) == 0.0:
            return node
        _score, f, cut = best_split(rows)
        if f < 0:
            return node
        mask = x[rows, f] <= cut
        feature[node], threshold[node] = f, cut
        left[node] = grow(rows[mask], level + 1)
        right[node] = grow(rows[~mask], level + 1)
        return node

    grow(np.arange(len(y)), 0)
    return Tree(tuple(feature), tuple(threshold), tuple(left), tuple(right), tuple(value))


SPEECH_STAGES = frozenset({"false_wake", "asr"})  # stages a typed request never went through


def classify(x: Sequence[float], tree: Tree | Forest | None = None, *, typed: bool = False) -> str:
    """What the turn settles (:func:`decisive`), else the tree when one is trained, else the labelling
    functions, defaulting to nlu. ``typed``: text that no wake word or recognizer heard (``edge session``,
    a text satellite), which never failed at either; the rules' or nlu's reading instead."""
    if (settled := decisive(x)) is not None and not (typed and settled in SPEECH_STAGES):
        return settled
    point = tree.predict(x) if tree is not None else (label_functions(x) or "nlu")
    if typed and point in SPEECH_STAGES:
        rules = label_functions(x)
        return rules if rules is not None and rules not in SPEECH_STAGES else "nlu"
    return point
