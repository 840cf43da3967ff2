"""A household verifier on the wake model's embeddings (pure numpy; no scikit-learn at run time).

openWakeWord's custom verifier (``openwakeword/custom_verifier_model.py``, ``train_verifier_model``) is a
logistic regression (``C=0.001``) on the standardized, flattened embedding window the wake model scored
(``preprocessor.get_features(model_inputs[model])``: 16 frames x 96 for the bundled models) of a
detection, trained on the user's own wake-word clips against other speech. This is the same model fitted
on the device: positives are the household's confirmed wakes and the near misses it said again,
negatives its false wakes and windows it heard with no wake. The detector runs it only on a candidate (a
score at or over the lowered threshold), so the wake path pays one dot product per candidate frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["ACCEPT_P", "MIN_NEGATIVES", "MIN_POSITIVES", "Verifier", "fit_verifier"]

MIN_POSITIVES = 10  # fewer confirmed wakes than this: no verifier, nothing changes
MIN_NEGATIVES = 10
L2 = 1.0  # ridge on the mean loss of standardized features (openWakeWord's C=0.001 on a few hundred rows)
STEPS = 400
SCALE_FLOOR = 1e-3
# p(wake) a candidate needs: the most conservative point that lost no wake on a validation week (train on
# the first third of the recordings, validate on the second; docs/learning.md), since a false wake costs more
ACCEPT_P = 0.7

Features = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Verifier:
    """``p(wake | embedding window)``; ``accept`` when it reaches ``threshold``."""

    word: str
    mean: npt.NDArray[np.float32]
    scale: npt.NDArray[np.float32]
    weights: npt.NDArray[np.float32]
    bias: float
    threshold: float = ACCEPT_P
    positives: int = 0
    negatives: int = 0

    @property
    def dim(self) -> int:
        return int(self.weights.shape[0])

    def probability(self, features: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """One probability per row of ``features`` (rows of any shape that flattens to ``dim``)."""
        x = _rows(features)
        if x.shape[1] != self.dim:
            raise ValueError(f"verifier for {self.word} takes {self.dim} features, got {x.shape[1]}")
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return _sigmoid(z.astype(np.float64))

    def accept(self, features: npt.ArrayLike) -> bool:
        """True when the single window ``features`` (any shape) is the household's wake word."""
        return bool(self.probability(np.asarray(features).reshape(1, -1))[0] >= self.threshold)

    def arrays(self) -> dict[str, Any]:
        """The fitted parameters as arrays (for ``np.savez``; :meth:`from_arrays` reads them back)."""
        meta = np.array([self.bias, self.threshold, self.positives, self.negatives], dtype=np.float64)
        return {"mean": self.mean, "scale": self.scale, "weights": self.weights, "meta": meta}

    @classmethod
    def from_arrays(cls, word: str, arrays: Any) -> Verifier:
        mean, scale, weights = (
            np.asarray(arrays[k], dtype=np.float32).ravel() for k in ("mean", "scale", "weights")
        )
        meta = np.asarray(arrays["meta"], dtype=np.float64).ravel()
        if not mean.shape == scale.shape == weights.shape or meta.shape != (4,) or not np.all(scale > 0):
            raise ValueError(f"verifier arrays for {word} do not fit together")
        if not (np.all(np.isfinite(weights)) and np.isfinite(meta).all()):
            raise ValueError(f"verifier for {word} holds non-finite numbers")
        return cls(word, mean, scale, weights, float(meta[0]), float(meta[1]), int(meta[2]), int(meta[3]))


def fit_verifier(
    word: str,
    positives: npt.ArrayLike,
    negatives: npt.ArrayLike,
    *,
    l2: float = L2,
    threshold: float = ACCEPT_P,
) -> Verifier | None:
    """A logistic regression on standardized, flattened windows, classes weighted equally (None with fewer
    than ``MIN_POSITIVES`` positives or ``MIN_NEGATIVES`` negatives: not enough of the household yet)."""
    pos, neg = _rows(positives), _rows(negatives)
    if len(pos) < MIN_POSITIVES or len(neg) < MIN_NEGATIVES:
        return None
    if pos.shape[1] != neg.shape[1]:
        raise ValueError(f"positive windows have {pos.shape[1]} features, negative {neg.shape[1]}")
    x = np.vstack([pos, neg]).astype(np.float64)
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
    weight = np.where(y > 0, 0.5 / len(pos), 0.5 / len(neg))  # balanced: each class counts half
    mean = x.mean(axis=0)
    scale = np.maximum(x.std(axis=0), SCALE_FLOOR)
    z = (x - mean) / scale
    w, b = _minimize(z, y, weight, l2)
    f32 = np.float32
    return Verifier(
        word, mean.astype(f32), scale.astype(f32), w.astype(f32), b, threshold, len(pos), len(neg)
    )


def _minimize(
    z: npt.NDArray[np.float64], y: npt.NDArray[np.float64], weight: npt.NDArray[np.float64], l2: float
) -> tuple[npt.NDArray[np.float64], float]:
    """Weighted mean logistic loss + ``l2 / 2 * |w|^2`` (bias free) by Nesterov's accelerated gradient with
    the step from the loss's Lipschitz bound: deterministic, converges on a strongly convex problem."""
    zb = np.hstack([z, np.ones((len(z), 1))])
    lipschitz = 0.25 * float(np.linalg.norm(zb * np.sqrt(weight)[:, None], 2)) ** 2 + l2
    momentum = (np.sqrt(lipschitz) - np.sqrt(l2)) / (np.sqrt(lipschitz) + np.sqrt(l2))
    ridge = np.full(zb.shape[1], l2)
    ridge[-1] = 0.0
    theta = np.zeros(zb.shape[1])
    ahead = theta.copy()
    for _ in range(STEPS):
        grad = zb.T @ ((_sigmoid(zb @ ahead) - y) * weight) + ridge * ahead
        new = ahead - grad / lipschitz
        ahead = new + momentum * (new - theta)
        theta = new
    return theta[:-1], float(theta[-1])


def _rows(features: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Windows as rows: ``(n, ...)`` -> ``(n, features)``; one flat window -> one row."""
    x = np.asarray(features, dtype=np.float32)
    if x.ndim <= 1:
        return x.reshape(1, -1) if x.size else np.zeros((0, 0), dtype=np.float32)
    return x.reshape(x.shape[0], -1)


def _sigmoid(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)
