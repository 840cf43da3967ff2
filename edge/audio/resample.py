"""Polyphase resampling in plain numpy (a Kaiser-windowed sinc low-pass, like ``resample_poly``).

Written here because importing scipy.signal costs seconds at start-up on a Pi. :class:`StreamResampler`
is the streaming form: blocks of any size in, the same samples out as one call on the whole signal, with
the filter's history carried across blocks (no clicks at block edges) and memory bounded by the block.
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd

import numpy as np
import numpy.typing as npt

__all__ = ["StreamResampler", "lowpass_taps", "resample_poly"]

BLOCK = 8_192  # output samples per vectorized step (bounds the index matrices: ~3 MB at 48 kHz)
HALF_WIDTH = 10  # filter half-length in zero crossings of the slower rate


@lru_cache(maxsize=16)
def lowpass_taps(
    up: int, down: int, half_width: int = HALF_WIDTH, beta: float = 5.0
) -> npt.NDArray[np.float64]:
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


class StreamResampler:
    """Resample a stream by ``up / down``; ``process(block)`` returns what can be computed so far and
    ``flush()`` the tail. Concatenated, the outputs equal ``resample_poly`` of the whole stream."""

    def __init__(self, up: int, down: int) -> None:
        g = gcd(up, down)
        self.up, self.down = up // g, down // g
        self._taps = lowpass_taps(self.up, self.down).astype(np.float32)
        self._k_taps = int(self._taps.shape[1])
        self._half_len = HALF_WIDTH * max(self.up, self.down)
        self.reset()

    def reset(self) -> None:
        # the buffer holds input samples from absolute index ``_buf_start`` (negative: the zero lead-in)
        self._buf: npt.NDArray[np.float32] = np.zeros(self._k_taps, np.float32)
        self._buf_start = -self._k_taps
        self._n_in = 0
        self._n_out = 0

    @property
    def identity(self) -> bool:
        return self.up == self.down == 1

    def _first_input(self, n: int) -> int:
        """The lowest input index output ``n`` reads."""
        return (self._half_len + n * self.down) // self.up - self._k_taps + 1

    def _emit(self, stop: int) -> npt.NDArray[np.float32]:
        count = max(0, stop - self._n_out)
        out = np.empty(count, dtype=np.float32)
        k = np.arange(self._k_taps)
        for start in range(0, count, BLOCK):
            n = np.arange(self._n_out + start, self._n_out + min(count, start + BLOCK))
            j0, phase = np.divmod(self._half_len + n * self.down, self.up)
            idx = j0[:, None] - k[None, :] - self._buf_start
            out[start : start + len(n)] = np.einsum("nk,nk->n", self._buf[idx], self._taps[phase])
        self._n_out += count
        keep_from = self._first_input(self._n_out) - self._buf_start
        if keep_from > 0:
            self._buf = self._buf[keep_from:].copy()
            self._buf_start += keep_from
        return out

    def process(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        x = np.asarray(x, dtype=np.float32)
        if self.identity:
            return x
        self._buf = np.concatenate((self._buf, x))
        self._n_in += len(x)
        # output n is complete once its newest input, (half_len + n * down) // up, has arrived
        ready = -(-(self._n_in * self.up - self._half_len) // self.down)
        return self._emit(max(ready, self._n_out))

    def flush(self) -> npt.NDArray[np.float32]:
        """The remaining outputs (``ceil(n_in * up / down)`` in all), reading zeros past the end."""
        if self.identity:
            return np.zeros(0, np.float32)
        total = -(-self._n_in * self.up // self.down)
        if total > self._n_out:
            newest = (self._half_len + (total - 1) * self.down) // self.up
            pad = newest + 1 - (self._buf_start + len(self._buf))
            if pad > 0:
                self._buf = np.concatenate((self._buf, np.zeros(pad, np.float32)))
        out = self._emit(total)
        self.reset()
        return out


def resample_poly(x: npt.NDArray[np.float32], up: int, down: int) -> npt.NDArray[np.float32]:
    """Resample 1-D ``x`` by ``up / down``: ``ceil(len(x) * up / down)`` samples, aligned to the input."""
    stream = StreamResampler(up, down)
    if stream.identity or len(x) == 0:
        return np.asarray(x, dtype=np.float32)
    return np.concatenate((stream.process(x), stream.flush()))
