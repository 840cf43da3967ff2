"""The retrieval rewriter's threshold and refusals, set from this household's own outcomes (pure).

Each night the learner reads what became of the turns retrieval rewrote (the recorder's labels: a defect is
a turn the user rephrased, undid, talked over or that failed; a turn the device never answered is left
out: the words were not at fault). Two things follow:

- a rewrite (heard -> target) that failed here at least as often as it worked is not made again;
- the threshold is the lowest score (never below the setting) at which the rewrites this home kept would
  have been right often enough: the posterior mean of their precision, a Beta prior of ``PRIOR_PRECISION``
  worth ``PRIOR_WEIGHT`` rewrites, must reach ``TARGET_PRECISION`` (a win/loss of 11.8 is a precision of
  0.922). A home whose retrieval rewrites fail gets a stricter rewriter; one whose rewrites work keeps the
  setting. The threshold never rises above ``CEILING`` (retrieval is then as good as off).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["RetrievalOutcome", "RetrievalPolicy", "policy_from_outcomes"]

TARGET_PRECISION = 0.93
PRIOR_PRECISION = 0.95
PRIOR_WEIGHT = 4.0
CEILING = 0.99
STEP = 1e-4  # just above a failed rewrite's score


@dataclass(frozen=True, slots=True)
class RetrievalOutcome:
    """One turn retrieval rewrote: what was heard, what it was rewritten to (both canonical), the score,
    whether the turn was a defect."""

    original: str
    rewritten: str
    score: float
    defect: bool


@dataclass(frozen=True, slots=True)
class RetrievalPolicy:
    threshold: float = 0.0  # 0: the setting's
    blocked: frozenset[tuple[str, str]] = frozenset()
    outcomes: int = 0
    defects: int = 0

    def allows(self, original: str, rewritten: str, score: float, setting: float) -> bool:
        return score >= max(setting, self.threshold) and (original, rewritten) not in self.blocked


def _precision(ok: int, n: int) -> float:
    a = PRIOR_PRECISION * PRIOR_WEIGHT
    return (a + ok) / (PRIOR_WEIGHT + n)


def policy_from_outcomes(outcomes: Iterable[RetrievalOutcome], setting: float) -> RetrievalPolicy:
    """The home's retrieval policy from its rewritten turns (``setting``: ``learning.personal_threshold``)."""
    seen = list(outcomes)
    per_pair: dict[tuple[str, str], list[int]] = {}
    for o in seen:
        counts = per_pair.setdefault((o.original, o.rewritten), [0, 0])
        counts[0] += 1
        counts[1] += o.defect
    blocked = frozenset(pair for pair, (n, bad) in per_pair.items() if bad and bad * 2 >= n)
    # candidate thresholds: the setting, and just above each failed rewrite's score
    cuts = sorted({setting, *(min(CEILING, o.score + STEP) for o in seen if o.defect and o.score >= setting)})
    threshold = CEILING
    for cut in cuts:
        kept = [o for o in seen if o.score >= cut]
        if _precision(sum(not o.defect for o in kept), len(kept)) >= TARGET_PRECISION:
            threshold = cut
            break
    return RetrievalPolicy(
        threshold=threshold if threshold > setting else 0.0,
        blocked=blocked,
        outcomes=len(seen),
        defects=sum(o.defect for o in seen),
    )
