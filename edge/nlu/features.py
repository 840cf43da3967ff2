"""Hashed token features: each token becomes a word id plus its character 3-grams, all in one table.

The hashing (CRC-32, a C builtin) is deterministic across processes and platforms, so training and run
time agree without shipping a vocabulary; unseen device names still share n-grams with seen ones.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["BUCKETS", "FEATURES_PER_TOKEN", "MAX_TOKENS", "featurize", "token_features"]

BUCKETS = 16384  # rows of the shared embedding table; id 0 is padding
FEATURES_PER_TOKEN = 12  # 1 word id, 1 shape id, up to 10 character 3-grams
MAX_TOKENS = 40


def _bucket(key: str) -> int:
    return 1 + zlib.crc32(key.encode()) % (BUCKETS - 1)


def _shape(token: str) -> str:
    if token.isdigit():
        return "s:num2" if len(token) <= 2 else "s:num3"
    return "s:short" if len(token) <= 3 else "s:word"


def token_features(token: str) -> list[int]:
    """Feature ids of one normalized token (always starts with the non-zero word id)."""
    ids = [_bucket("w:" + token), _bucket(_shape(token))]
    padded = f"<{token}>"
    grams = [padded[i : i + 3] for i in range(len(padded) - 2)]
    if len(grams) > FEATURES_PER_TOKEN - 2:
        step = len(grams) / (FEATURES_PER_TOKEN - 2)
        grams = [grams[int(i * step)] for i in range(FEATURES_PER_TOKEN - 2)]
    ids.extend(_bucket("c:" + g) for g in grams)
    ids.extend([0] * (FEATURES_PER_TOKEN - len(ids)))
    return ids


def featurize(tokens: Sequence[str]) -> npt.NDArray[np.int64]:
    """A [tokens, FEATURES_PER_TOKEN] id matrix (at least one row: an empty text is one padding token)."""
    rows = [token_features(t) for t in tokens[:MAX_TOKENS]] or [token_features("<empty>")]
    return np.asarray(rows, dtype=np.int64)
