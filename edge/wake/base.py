"""The wake-word contract and the refractory logic shared by every detector."""

from __future__ import annotations

from typing import Protocol

from edge.events import AudioChunk, WakeDetected

__all__ = ["Refractory", "WakeDetector"]


class WakeDetector(Protocol):
    """Streaming wake-word detection. ``process`` accepts any chunk size and reports at most one wake."""

    words: tuple[str, ...]

    def reset(self) -> None: ...

    def process(self, chunk: AudioChunk) -> WakeDetected | None: ...


class Refractory:
    """After a wake, ignore further wakes for ``period_ms`` of stream time (one utterance, one wake).

    Pure: the caller passes stream time. A score must also fall below ``rearm_below`` before the same
    word can fire again, so a long score plateau counts once.
    """

    def __init__(self, period_ms: float, rearm_below: float = 0.0) -> None:
        if period_ms < 0:
            raise ValueError("refractory period must be >= 0 ms")
        self.period_ms = period_ms
        self.rearm_below = rearm_below
        self.reset()

    def reset(self) -> None:
        self._last_ms: float | None = None
        self._latched: set[str] = set()

    def allow(self, word: str, score: float, threshold: float, t_ms: float) -> bool:
        """True when ``word`` scoring ``score`` at ``t_ms`` should be reported as a wake."""
        if score < threshold:
            if score < self.rearm_below:
                self._latched.discard(word)
            return False
        if word in self._latched and self.rearm_below > 0:
            return False
        if self._last_ms is not None and t_ms - self._last_ms < self.period_ms:
            return False
        self._last_ms = t_ms
        self._latched.add(word)
        return True
