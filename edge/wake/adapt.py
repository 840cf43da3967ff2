"""A wake word that learns its household: the per-word threshold moved by the household's own wakes (pure).

Two kinds of evidence come from the turn log (read by ``edge.learning.wake_evidence``):

- **false wakes**: a wake with nothing said after it, or a whole request of "never mind" / "cancel";
- **near misses**: a score just under the threshold (within ``NEAR_BAND``) followed within ``AGAIN_S``
  seconds by a wake that went through: the person said the wake word again because it was not heard.

Near misses lower the threshold toward the household's own near-miss scores; false wakes raise it above
their scores. Bounded (``floor`` .. ``ceiling`` around the configured threshold, never below
``ABSOLUTE_FLOOR``), in steps of at most ``MAX_STEP``, with hysteresis (each move needs ``MIN_EVIDENCE``
observations since the last move, and the other kind must be clearly fewer), logged (every move is kept
with its reason and evidence) and reversible (:meth:`WakeThreshold.revert` goes back to the configured
threshold).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

__all__ = [
    "NearMiss",
    "Observation",
    "ObservationKind",
    "WakeMove",
    "WakeThreshold",
]

NEAR_BAND = 0.3  # a score this far under the threshold can be a near miss
AGAIN_S = 8.0  # the wake word said again within this many seconds
MIN_EVIDENCE = 3  # observations since the last move before the threshold moves again
MAX_STEP = 0.1  # one move goes at most this far
MAX_DROP = 0.25  # the floor: at most this far under the configured threshold
MAX_RISE = 0.25
ABSOLUTE_FLOOR = 0.15
MARGIN = 0.02  # the new threshold sits this far under a near miss / over a false wake


class ObservationKind(StrEnum):
    CONFIRMED = "confirmed"  # a wake followed by a request
    FALSE = "false"  # a wake with no speech, or only "never mind"
    NEAR_MISS = "near_miss"  # a score just under the threshold, the wake word heard again seconds later


@dataclass(frozen=True, slots=True)
class Observation:
    t: float
    word: str
    score: float
    kind: ObservationKind


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A peak score of ``word`` under its threshold at ``t`` (the listener's view of a wake not taken)."""

    t: float
    word: str
    score: float


@dataclass(frozen=True, slots=True)
class WakeMove:
    t: float
    old: float
    new: float
    reason: str
    near_misses: int
    false_wakes: int


@dataclass(frozen=True, slots=True)
class WakeThreshold:
    """One word's learned threshold; ``moves`` is the log of every change."""

    word: str
    base: float
    threshold: float = -1.0  # -1: the configured one
    moves: tuple[WakeMove, ...] = ()
    since: float = float("-inf")  # observations after this time count toward the next move
    floor_at: float = field(default=ABSOLUTE_FLOOR)

    def __post_init__(self) -> None:
        if self.threshold < 0:
            object.__setattr__(self, "threshold", self.base)

    @property
    def floor(self) -> float:
        return max(self.floor_at, ABSOLUTE_FLOOR, self.base - MAX_DROP)

    @property
    def ceiling(self) -> float:
        return min(0.95, self.base + MAX_RISE)

    def revert(self, t: float) -> WakeThreshold:
        """Back to the configured threshold (the move is logged like any other)."""
        move = WakeMove(t, self.threshold, self.base, "reverted", 0, 0)
        return replace(self, threshold=self.base, moves=(*self.moves, move), since=t)

    def update(self, observations: Sequence[Observation], now: float) -> WakeThreshold:
        """The threshold after the observations of this word since the last move (unchanged without enough
        evidence, or when the evidence is mixed)."""
        fresh = [o for o in observations if o.word == self.word and self.since < o.t <= now]
        near = sorted(
            o.score for o in fresh if o.kind is ObservationKind.NEAR_MISS and o.score < self.threshold
        )
        false = sorted(o.score for o in fresh if o.kind is ObservationKind.FALSE)
        new, reason = self.threshold, ""
        if len(near) >= MIN_EVIDENCE and len(false) * 4 <= len(near):
            target = near[len(near) // 4] - MARGIN  # under three in four of the household's near misses
            new, reason = (
                max(self.floor, self.threshold - MAX_STEP, min(self.threshold, target)),
                "near misses",
            )
        elif len(false) >= MIN_EVIDENCE and len(false) > len(near):
            target = false[len(false) // 2] + MARGIN  # over half of the false wakes
            new, reason = (
                min(self.ceiling, self.threshold + MAX_STEP, max(self.threshold, target)),
                "false wakes",
            )
        if not reason or abs(new - self.threshold) < 0.005:
            return self
        move = WakeMove(now, self.threshold, round(new, 4), reason, len(near), len(false))
        return replace(self, threshold=round(new, 4), moves=(*self.moves, move), since=now)

    def to_json(self) -> str:
        return json.dumps(
            {
                "word": self.word,
                "base": self.base,
                "threshold": self.threshold,
                "since": self.since if self.since != float("-inf") else None,
                "moves": [_move(m) for m in self.moves],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> WakeThreshold:
        raw = json.loads(text)
        moves = tuple(WakeMove(**m) for m in raw.get("moves", []))
        since = raw.get("since")
        return cls(raw["word"], float(raw["base"]), float(raw["threshold"]), moves,
                   float("-inf") if since is None else float(since))  # fmt: skip


def _move(m: WakeMove) -> dict[str, object]:
    return {"t": m.t, "old": m.old, "new": m.new, "reason": m.reason, "near_misses": m.near_misses,
            "false_wakes": m.false_wakes}  # fmt: skip
