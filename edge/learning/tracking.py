"""Keeping live rewrites honest: Beta posteriors for "rewritten" vs "original" outcomes of each live rule.

A small share of the rule's occurrences stays unrewritten (the holdout, chosen deterministically by a hash
of the turn id). The original arm starts from the chain's estimate of the original's direct success (the
evidence that created the rule); outcomes after the rule went live update both arms. The rule stays while
``P(rewritten better) >= keep``; below ``retract`` it is retracted and the pair quarantined; in between it
stays on probation.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from edge.learning.chains import ChainTurn
from edge.learning.tables import RewriteRule

__all__ = ["ArmCounts", "Decision", "Verdict", "decide", "in_holdout", "p_better", "track_outcomes"]

_GRID = np.linspace(0.0005, 0.9995, 1000)


def in_holdout(key: str, fraction: float) -> bool:
    """Deterministic: the same turn id is always in (or out of) the holdout."""
    if fraction <= 0:
        return False
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64 < fraction


def _beta_pdf(a: float, b: float) -> np.ndarray:
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    return np.exp(log_norm + (a - 1) * np.log(_GRID) + (b - 1) * np.log1p(-_GRID))


def p_better(a_rew: float, b_rew: float, a_orig: float, b_orig: float) -> float:
    """P(X > Y) for X ~ Beta(a_rew, b_rew), Y ~ Beta(a_orig, b_orig), by quadrature on a fixed grid."""
    fx = _beta_pdf(a_rew, b_rew)
    fy = _beta_pdf(a_orig, b_orig)
    fx /= fx.sum()
    fy /= fy.sum()
    cdf_y = np.cumsum(fy) - fy / 2
    return float(np.clip((fx * cdf_y).sum(), 0.0, 1.0))


@dataclass(frozen=True, slots=True)
class ArmCounts:
    rewritten_ok: int = 0
    rewritten_bad: int = 0
    original_ok: int = 0
    original_bad: int = 0


class Verdict(StrEnum):
    KEEP = "keep"
    PROBATION = "probation"
    RETRACT = "retract"


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    p_better: float
    counts: ArmCounts


def _same(text: str, phrase: str) -> bool:
    return text == phrase


def track_outcomes(
    rule: RewriteRule, turns: Iterable[ChainTurn], within: Callable[[str, str], bool] = _same
) -> ArmCounts:
    """Outcomes of ``rule.original`` since the rule went live, split by whether it was rewritten.
    ``within(text, phrase)`` says whether a turn's text is the rule's (a whole request: equal; a span
    rule passes its own test: the phrase inside the text)."""
    rw_ok = rw_bad = or_ok = or_bad = 0
    for t in turns:
        if t.t_start < rule.since or not within(t.original, rule.original):
            continue
        if t.rewritten and within(t.rewritten, rule.rewritten):
            rw_ok += not t.defect
            rw_bad += t.defect
        elif not t.rewritten:
            or_ok += not t.defect
            or_bad += t.defect
    return ArmCounts(rw_ok, rw_bad, or_ok, or_bad)


def decide(
    rule: RewriteRule,
    counts: ArmCounts,
    *,
    keep: float = 0.9,
    retract: float = 0.5,
    prior_weight: float = 10.0,
    min_outcomes: int = 4,
) -> Decision:
    """Posterior comparison; the original's prior carries the chain's evidence (``score - lift``)."""
    base = min(max(rule.score - rule.lift, 0.0), 1.0)
    a_o = 1.0 + prior_weight * base + counts.original_ok
    b_o = 1.0 + prior_weight * (1.0 - base) + counts.original_bad
    a_r = 1.0 + counts.rewritten_ok
    b_r = 1.0 + counts.rewritten_bad
    p = p_better(a_r, b_r, a_o, b_o)
    n = counts.rewritten_ok + counts.rewritten_bad
    if n >= min_outcomes and p < retract:
        verdict = Verdict.RETRACT
    elif p >= keep:
        verdict = Verdict.KEEP
    else:
        verdict = Verdict.PROBATION
    return Decision(verdict, round(p, 4), counts)
