"""The device's one backoff policy: capped exponential growth with jitter.

Every retry on the device waits by it: the home broker's session and the fleet link between two connection
attempts (:attr:`edge.context.connection.ConnectionSettings.backoff`), the uploader between two tries of one
report. Pure: the caller passes the attempt number, the random draw and, for :meth:`Backoff.retry_at`, the
clock; nothing here sleeps, reads the time or owns a random generator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from edge.errors import EdgeError

__all__ = ["Backoff"]

_MAX_DOUBLINGS = 60  # 2**60 times any sane min_s is past every cap; keeps the power finite


@dataclass(frozen=True, slots=True)
class Backoff:
    """Before retry ``attempt`` (0 for the first one after a success) wait between
    ``max(min_s, (1 - jitter) * ceiling)`` and ``ceiling = min(max_s, min_s * 2**attempt)``.

    ``jitter`` 1 is full jitter (anywhere from ``min_s`` up to the ceiling: what spreads a fleet's retries
    after an outage best), 0 a fixed doubling schedule. The first retry waits ``min_s``, whatever the jitter.
    """

    min_s: float = 0.5
    max_s: float = 5.0
    jitter: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.min_s) and math.isfinite(self.max_s) and 0 < self.min_s <= self.max_s):
            raise EdgeError(
                f"backoff between {self.min_s} and {self.max_s} s is not a range",
                hint="the shortest wait must be > 0 and <= the longest, e.g. 0.5 and 30",
            )
        if not 0.0 <= self.jitter <= 1.0:
            raise EdgeError(f"backoff jitter {self.jitter} is not in [0, 1]", hint="1 is full jitter")

    def ceiling(self, attempt: int) -> float:
        """The longest wait before retry ``attempt``."""
        return min(self.max_s, self.min_s * 2.0 ** min(max(attempt, 0), _MAX_DOUBLINGS))

    def delay(self, attempt: int, draw: float) -> float:
        """The wait before retry ``attempt`` for a uniform ``draw`` in [0, 1] (``rng.random()``)."""
        if not 0.0 <= draw <= 1.0:
            raise ValueError(f"draw {draw} is not in [0, 1]")
        high = self.ceiling(attempt)
        low = max(self.min_s, high * (1.0 - self.jitter))
        return min(high, low + (high - low) * draw)  # min: no rounding past the ceiling

    def retry_at(self, now: float, attempt: int, draw: float) -> float:
        """When retry ``attempt`` is due, on the clock that gave ``now``."""
        return now + self.delay(attempt, draw)
