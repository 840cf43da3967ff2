"""Hashed token features: each token becomes a word id plus its character 3-grams, all in one table.

The hashing (CRC-32, a C builtin) is deterministic across processes and platforms, so training and run
time agree without shipping a vocabulary; unseen device names still share n-grams with seen ones. The
table size is a property of a trained model (``buckets`` in its metadata); ``BUCKETS`` is the size new
models are trained with (a larger table means fewer unrelated n-grams sharing a row).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["BUCKETS", "FEATURES_PER_TOKEN", "MAX_TOKENS", "featurize", "token_features"]

BUCKETS = 65536  # rows of the shared embedding table of new models; id 0 is padding
FEATURES_PER_TOKEN = 12  # 1 word id, 1 shape id, up to 10 character 3-grams
MAX_TOKENS = 40


def _bucket(key: str, buckets: int) -> int:
    return 1 + zlib.crc32(key.encode()) % (buckets - 1)


def _shape(token: str) -> str:
    if token.isdigit():
        return "s:num2" if len(token) <= 2 else "s:num3"
    return "s:short" if len(token) <= 3 else "s:word"


def token_features(token: str, buckets: int = BUCKETS) -> list[int]:
    """Feature ids of one normalized token (always starts with the non-zero word id)."""
    ids = [_bucket("w:" + token, buckets), _bucket(_shape(token), buckets)]
    padded = f"<{token}>"
    grams = [padded[i : i + 3] for i in range(len(padded) - 2)]
    if len(grams) > FEATURES_PER_TOKEN - 2:
        step = len(grams) / (FEATURES_PER_TOKEN - 2)
        grams = [grams[int(i * step)] for i in range(FEATURES_PER_TOKEN - 2)]
    ids.extend(_bucket("c:" + g, buckets) for g in grams)
    ids.extend([0] * (FEATURES_PER_TOKEN - len(ids)))
    return ids


def featurize(tokens: Sequence[str], buckets: int = BUCKETS) -> npt.NDArray[np.int64]:
    """A [tokens, FEATURES_PER_TOKEN] id matrix (at least one row: an empty text is one padding token)."""
    rows = [token_features(t, buckets) for t in tokens[:MAX_TOKENS]] or [token_features("<empty>", buckets)]
    return np.asarray(rows, dtype=np.int64)
