"""Slot tags decoded as a sequence: the best BIO path the tagger's scores allow.

Taking each token's best tag on its own can give a sequence no slot has: "turn off the dining room lamp"
-> ``B-name I-area B-...`` ("dining" a name, "room" an area). Here an ``I-X`` may only follow ``B-X`` or
``I-X``, and the path with the highest total log-probability among the valid ones wins (Viterbi over the
per-token scores; a few dozen tags and words, well under a millisecond).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["allowed_transitions", "decode_bio"]

_BLOCKED = -1e9


def allowed_transitions(tags: Sequence[str]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(start [n], transition [n, n]) penalties: 0 where allowed, a large negative number where not."""
    n = len(tags)
    start = np.zeros(n)
    trans = np.zeros((n, n))
    for j, tag in enumerate(tags):
        if not tag.startswith("I-"):
            continue
        start[j] = _BLOCKED
        for i, prev in enumerate(tags):
            if prev[2:] != tag[2:] or prev == "O":
                trans[i, j] = _BLOCKED
    return start, trans


def _log_probs(scores: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    x = scores.astype(np.float64)
    x = x - x.max(axis=-1, keepdims=True)
    out: npt.NDArray[np.float64] = x - np.log(np.exp(x).sum(axis=-1, keepdims=True))
    return out


def decode_bio(
    scores: npt.NDArray[np.floating], start: npt.NDArray[np.float64], trans: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """``scores`` [tokens, tags] (logits or log-probabilities) -> the best valid tag id per token."""
    if scores.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    emit = _log_probs(scores)
    best = start + emit[0]
    back = np.zeros(emit.shape, dtype=np.int64)
    for t in range(1, emit.shape[0]):
        cand = best[:, None] + trans  # [prev, next]
        back[t] = cand.argmax(axis=0)
        best = cand.max(axis=0) + emit[t]
    path = [int(best.argmax())]
    for t in range(emit.shape[0] - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return np.asarray(path[::-1], dtype=np.int64)
