"""Polyphase resampling in plain numpy (a Kaiser-windowed sinc low-pass, like ``resample_poly``).

Written here because importing scipy.signal costs seconds at start-up on a Pi.
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd

import numpy as np
import numpy.typing as npt

__all__ = ["lowpass_taps", "resample_poly"]

BLOCK = 32_768  # output samples per vectorized block (bounds memory for long files)


@lru_cache(maxsize=16)
def lowpass_taps(up: int, down: int, half_width: int = 10, beta: float = 5.0) -> npt.NDArray[np.float64]:
    """Polyphase matrix ``H[phase, k]`` of the anti-aliasing filter, gain ``up`` (so the level is kept)."""
    max_rate = max(up, down)
    half_len = half_width * max_rate
    n = np.arange(2 * half_len + 1) - half_len
    cutoff = 1.0 / max_rate
    h = cutoff * np.sinc(cutoff * n) * np.kaiser(2 * half_len + 1, beta)
    h *= up / h.sum()
    k_taps = -(-len(h) // up)
    padded = np.zeros(k_taps * up)
    padded[: len(h)] = h
    return padded.reshape(k_taps, up).T.copy()  # H[r, k] = h[r + k * up]


def resample_poly(x: npt.NDArray[np.float32], up: int, down: int) -> npt.NDArray[np.float32]:
    """Resample 1-D ``x`` by ``up / down``: ``ceil(len(x) * up / down)`` samples, aligned to the input."""
    g = gcd(up, down)
    up, down = up // g, down // g
    if up == down == 1 or len(x) == 0:
        return np.asarray(x, dtype=np.float32)
    H = lowpass_taps(up, down).astype(np.float32)
    k_taps = H.shape[1]
    half_len = 10 * max(up, down)
    n_out = -(-len(x) * up // down)
    xp = np.concatenate(
        (np.zeros(k_taps, np.float32), np.asarray(x, dtype=np.float32), np.zeros(k_taps + 1, np.float32))
    )
    out = np.empty(n_out, dtype=np.float32)
    k = np.arange(k_taps)
    for start in range(0, n_out, BLOCK):
        n = np.arange(start, min(n_out, start + BLOCK))
        t = half_len + n * down
        j0, phase = np.divmod(t, up)
        idx = np.clip(j0[:, None] - k[None, :] + k_taps, 0, len(xp) - 1)
        out[start : start + len(n)] = np.einsum("nk,nk->n", xp[idx], H[phase])
    return out
