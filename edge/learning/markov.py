"""The absorbing Markov chain over canonical utterances (self-learning.md section 2), solved per component.

``P = [[Q, R], [0, I]]``, ``N = (I - Q)^-1``, ``B = N R``, ``t = N 1`` and the credit ``c_ij = N_ij R_jS``
(the part of i's eventual success that goes through j). Rows are smoothed toward the global layer's row:
``P[i, .] = (C[i, .] + alpha P_global[i, .]) / (n_i + alpha)``. Each connected component of transient
states is solved on its own with ``numpy.linalg.solve`` (never a dense inverse of the whole graph).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from edge.learning.chains import FAILURE, SUCCESS, Transition

__all__ = ["ABSORBING", "MarkovSolution", "StateResult", "count_transitions", "solve_chain"]

ABSORBING = frozenset({SUCCESS, FAILURE})
Row = Mapping[str, float]


def count_transitions(items: Iterable[Transition]) -> dict[str, dict[str, float]]:
    counts: dict[str, dict[str, float]] = {}
    for t in items:
        row = counts.setdefault(t.source, {})
        row[t.target] = row.get(t.target, 0.0) + 1.0
    return counts


@dataclass(frozen=True, slots=True)
class StateResult:
    """What the chain says about one state ``i`` and its best rewrite candidate ``j*``."""

    state: str
    occurrences: float  # n_i (local counts)
    success: float  # B_iS: chance of eventual success starting from i
    direct_success: float  # R_iS: chance that i itself succeeds
    turns_to_resolution: float  # t_i
    best: str  # j* = argmax_{j != i} c_ij ("" when i has no other state)
    best_credit: float  # c_ij*
    best_direct_success: float  # R_j*S


class MarkovSolution:
    """Per-state results plus the full credit rows of every component (small, kept for inspection)."""

    def __init__(self) -> None:
        self.states: dict[str, StateResult] = {}
        self._component: dict[str, tuple[int, int]] = {}
        self._credits: list[tuple[list[str], np.ndarray]] = []

    def credit(self, i: str, j: str) -> float:
        ci, ii = self._component[i]
        cj, jj = self._component.get(j, (-1, -1))
        if ci != cj:
            return 0.0
        return float(self._credits[ci][1][ii, jj])

    def credit_row(self, i: str) -> dict[str, float]:
        ci, ii = self._component[i]
        names, c = self._credits[ci]
        return {n: float(c[ii, k]) for k, n in enumerate(names)}

    def ranked(self, i: str, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` other states of ``i``'s component with credit > 0, highest credit first: ``j*`` and
        the next candidates."""
        ci, ii = self._component[i]
        names, c = self._credits[ci]
        row = c[ii].copy()
        row[ii] = -1.0
        top = np.argsort(-row, kind="stable")[:k]
        return [(names[j], float(row[j])) for j in top if row[j] > 0]

    def __getitem__(self, state: str) -> StateResult:
        return self.states[state]

    def __contains__(self, state: object) -> bool:
        return state in self.states


def _rows(
    counts: Mapping[str, Row], global_rows: Mapping[str, Row], alpha: float
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    states: set[str] = set(counts)
    for row in counts.values():
        states.update(k for k in row if k not in ABSORBING)
    for s in list(states):
        states.update(k for k in global_rows.get(s, {}) if k not in ABSORBING)
    probs: dict[str, dict[str, float]] = {}
    totals: dict[str, float] = {}
    for s in states:
        local = counts.get(s, {})
        n = float(sum(local.values()))
        g = global_rows.get(s)
        gsum = float(sum(g.values())) if g else 0.0
        totals[s] = n
        if g and gsum > 0:
            keys = set(local) | set(g)
            probs[s] = {k: (local.get(k, 0.0) + alpha * g.get(k, 0.0) / gsum) / (n + alpha) for k in keys}
        elif n > 0:
            probs[s] = {k: v / n for k, v in local.items()}
        else:
            probs[s] = {FAILURE: 1.0}
    return probs, totals


def _components(probs: Mapping[str, Mapping[str, float]]) -> list[list[str]]:
    parent = {s: s for s in probs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s, row in probs.items():
        for k, p in row.items():
            if k not in ABSORBING and k != s and p > 0:
                ra, rb = find(s), find(k)
                if ra != rb:
                    parent[ra] = rb
    groups: dict[str, list[str]] = {}
    for s in sorted(probs):
        groups.setdefault(find(s), []).append(s)
    return list(groups.values())


def solve_chain(
    counts: Mapping[str, Row], global_rows: Mapping[str, Row] | None = None, alpha: float = 5.0
) -> MarkovSolution:
    """Solve every component; ``counts[i][j]`` with j a state, :data:`SUCCESS` or :data:`FAILURE`."""
    probs, totals = _rows(counts, global_rows or {}, alpha)
    out = MarkovSolution()
    for names in _components(probs):
        m = len(names)
        idx = {n: k for k, n in enumerate(names)}
        q = np.zeros((m, m))
        r_s = np.zeros(m)
        for n, k in idx.items():
            for target, p in probs[n].items():
                if target == SUCCESS:
                    r_s[k] += p
                elif target != FAILURE:
                    q[k, idx[target]] += p
        a = np.eye(m) - q
        try:
            fundamental = np.linalg.solve(a, np.eye(m))
        except np.linalg.LinAlgError:  # a closed loop with no way out: leak a little to F
            fundamental = np.linalg.solve(a + 1e-9 * np.eye(m), np.eye(m))
        credit = fundamental * r_s[None, :]
        success = credit.sum(axis=1)
        steps = fundamental.sum(axis=1)
        comp = len(out._credits)
        out._credits.append((names, credit))
        for n, k in idx.items():
            out._component[n] = (comp, k)
            best, best_c, best_r = "", 0.0, 0.0
            if m > 1:
                row = credit[k].copy()
                row[k] = -1.0
                j = int(row.argmax())
                if row[j] > 0:
                    best, best_c, best_r = names[j], float(row[j]), float(r_s[j])
            out.states[n] = StateResult(
                n, totals[n], float(success[k]), float(r_s[k]), float(steps[k]), best, best_c, best_r
            )
    return out
