"""Precomputed rewrite tables: build them from rephrase chains with the acceptance rules, store them as
JSON, look them up by canonical utterance.

Acceptance of ``i -> j*`` (self-learning.md section 2): ``R_j*S >= 0.8``; lift ``R_j*S - R_iS >= 0.3``;
support on >= 2 distinct days (home) or from >= 20 distinct homes (fleet); similar in sound or spelling, or
directly rephrased at least twice; and the safety policy allows it; and the pair is not quarantined.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from edge.errors import ConfigError
from edge.feedback.similarity import phonetic_similarity, text_similarity
from edge.learning.chains import Goal, transitions
from edge.learning.markov import StateResult, count_transitions, solve_chain
from edge.learning.safety import SafetyPolicy

__all__ = [
    "SPAN_LAYER",
    "Acceptance",
    "Evidence",
    "Rejection",
    "RewriteRule",
    "RewriteTable",
    "build_table",
    "evidence",
    "rule_key",
]

SPAN_LAYER = "span"  # a phrase-level rule (:mod:`edge.learning.spans`): keyed apart from whole requests


@dataclass(frozen=True, slots=True)
class Acceptance:
    min_target_success: float = 0.8
    min_lift: float = 0.3
    min_days: int = 2
    min_homes: int = 20
    fleet: bool = False  # support counted in distinct homes instead of days
    min_similarity: float = 0.55
    min_direct: int = 2
    alpha: float = 5.0
    # one day is support enough when the evidence is clean: the original failed every one of at least
    # ``clean_tries`` tries, the target worked at least ``min_clean_target`` of at least ``clean_tries``
    clean_tries: int = 2
    min_clean_target: float = 0.9
    clean_steady: int = 3  # a target that worked on at least this many tries: one failed try of the original
    # a home's rule may go to the next best targets by credit (up to this many in all) when j* fails a rule
    targets: int = 3


@dataclass(frozen=True, slots=True)
class RewriteRule:
    original: str
    rewritten: str
    score: float  # R_j*S: how often the target itself succeeds
    lift: float
    credit: float  # c_ij*
    days: int
    homes: int
    direct: int
    similarity: float
    layer: str = "personal"
    since: float = 0.0  # when the rule first went live (turn clock)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def rule_key(rule: RewriteRule) -> str:
    """A rule's key in :attr:`RewriteTable.rules`: its original; a span rule's is ``span:<misheard>``,
    never a canonical request (which has no colon), so :meth:`RewriteTable.lookup` never returns one."""
    return f"span:{rule.original}" if rule.layer == SPAN_LAYER else rule.original


@dataclass(frozen=True, slots=True)
class Rejection:
    original: str
    candidate: str
    rule: str  # target_success | lift | support | similarity | safety | quarantined | no_candidate
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    days: frozenset[int] = frozenset()
    homes: frozenset[str] = frozenset()
    direct: int = 0


def evidence(goals: Iterable[Goal]) -> dict[tuple[str, str], Evidence]:
    """For every (defective state, later state of the same goal that succeeded): days, homes, direct links."""
    days: dict[tuple[str, str], set[int]] = {}
    homes: dict[tuple[str, str], set[str]] = {}
    direct: dict[tuple[str, str], int] = {}
    for goal in goals:
        final = goal.turns[-1]
        end = final.rewritten or final.original
        for k, t in enumerate(goal.turns[:-1]):
            if final.defect:
                break
            key = (t.original, end)
            days.setdefault(key, set()).add(t.day)
            homes.setdefault(key, set()).add(t.home_id)
            nxt = goal.turns[k + 1]
            if (nxt.rewritten or nxt.original) == end:
                direct[key] = direct.get(key, 0) + 1
        for t in goal.turns:
            if t.rewritten and not t.defect:
                key = (t.original, t.rewritten)
                days.setdefault(key, set()).add(t.day)
                homes.setdefault(key, set()).add(t.home_id)
                direct[key] = direct.get(key, 0) + 1
    return {k: Evidence(frozenset(v), frozenset(homes[k]), direct.get(k, 0)) for k, v in days.items()}


@dataclass(frozen=True, slots=True)
class RewriteTable:
    version: int = 0
    created_t: float = 0.0
    rules: Mapping[str, RewriteRule] = field(default_factory=dict)
    rejected: tuple[Rejection, ...] = ()
    quarantine: frozenset[tuple[str, str]] = frozenset()
    # the household's successful requests (canonical text, recency-weighted uses): the sound layer's targets
    requests: tuple[tuple[str, float], ...] = ()
    # "Did you mean ...?" (edge.learning.askback): pairs (heard, offered) the household refused, the floor
    offers_refused: frozenset[tuple[str, str]] = frozenset()
    offer_threshold: float = 0.0
    # the household's words for the recognizer's prompt, most used first (edge.learning.vocabulary)
    prompt: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", MappingProxyType(dict(self.rules)))

    def lookup(self, canonical: str) -> RewriteRule | None:
        return self.rules.get(canonical)

    def spans(self) -> tuple[RewriteRule, ...]:
        """The phrase-level rules (:mod:`edge.learning.spans`)."""
        return tuple(r for r in self.rules.values() if r.layer == SPAN_LAYER)

    def __len__(self) -> int:
        return len(self.rules)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "created_t": self.created_t,
            "rules": [r.to_json() for r in self.rules.values()],
            "rejected": [asdict(r) for r in self.rejected],
            "quarantine": sorted([a, b] for a, b in self.quarantine),
            "requests": [[text, weight] for text, weight in self.requests],
            "offers_refused": sorted([a, b] for a, b in self.offers_refused),
            "offer_threshold": self.offer_threshold,
            "prompt": list(self.prompt),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RewriteTable:
        try:
            rules = [RewriteRule(**r) for r in data.get("rules", [])]
            return cls(
                int(data.get("version", 0)),
                float(data.get("created_t", 0.0)),
                {rule_key(r): r for r in rules},
                tuple(Rejection(**r) for r in data.get("rejected", [])),
                frozenset((str(a), str(b)) for a, b in data.get("quarantine", [])),
                tuple((str(text), float(weight)) for text, weight in data.get("requests", [])),
                frozenset((str(a), str(b)) for a, b in data.get("offers_refused", [])),
                float(data.get("offer_threshold", 0.0)),
                tuple(str(p) for p in data.get("prompt", [])),
            )
        except (TypeError, ValueError) as err:
            raise ConfigError(
                f"rewrite table is malformed: {err}", hint="roll back with `edge learn --rollback`"
            ) from err

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1, sort_keys=True))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> RewriteTable:
        try:
            return cls.from_json(json.loads(path.read_text()))
        except (OSError, json.JSONDecodeError) as err:
            raise ConfigError(
                f"cannot read rewrite table {path}: {err}", hint="roll back with `edge learn --rollback`"
            ) from err


def _similarity(a: str, b: str) -> float:
    return max(text_similarity(a, b), phonetic_similarity(a, b))


def _clean(source: StateResult, target: StateResult | None, ev: Evidence, acc: Acceptance) -> bool:
    """Evidence clean enough for a rule seen on one day only: the household went from the original to the
    target, the original failed every try (at least ``clean_tries``, or one when the target is steady: at
    least ``clean_steady`` tries), and the target worked at least ``min_clean_target`` of its (at least
    ``clean_tries``) tries."""
    if target is None or ev.direct < 1 or source.direct_success > 0.0:
        return False
    if target.direct_success < acc.min_clean_target or target.occurrences < acc.clean_tries:
        return False
    return source.occurrences >= acc.clean_tries or target.occurrences >= acc.clean_steady


def _refusal(
    state: str,
    j: str,
    *,
    source: StateResult,
    target: StateResult | None,
    ev: Evidence,
    sim: float,
    acc: Acceptance,
    policy: SafetyPolicy,
    quarantine: frozenset[tuple[str, str]],
) -> tuple[str, str] | None:
    """The first acceptance rule ``state -> j`` fails, with its detail; None when it passes them all."""
    r_j = target.direct_success if target is not None else 0.0
    lift = r_j - source.direct_success
    supported = (
        len(ev.homes) >= acc.min_homes
        if acc.fleet
        else len(ev.days) >= acc.min_days or _clean(source, target, ev, acc)
    )
    similar = sim >= acc.min_similarity or ev.direct >= acc.min_direct
    checks = (
        ("target_success", r_j >= acc.min_target_success, f"R_jS={r_j:.2f}"),
        ("lift", lift >= acc.min_lift, f"lift={lift:.2f}"),
        ("support", supported, f"days={len(ev.days)} homes={len(ev.homes)}"),
        ("similarity", similar, f"sim={sim:.2f} direct={ev.direct}"),
        ("quarantined", (state, j) not in quarantine, "retracted earlier"),
    )  # fmt: skip
    failed = next(((name, detail) for name, ok, detail in checks if not ok), None)
    if failed is None:
        verdict = policy.check_rewrite(state, j)
        if not verdict.allowed:
            return ("safety", verdict.reason)
    return failed


def build_table(
    goals: list[Goal],
    *,
    acceptance: Acceptance | None = None,
    policy: SafetyPolicy | None = None,
    global_rows: Mapping[str, Mapping[str, float]] | None = None,
    quarantine: frozenset[tuple[str, str]] = frozenset(),
    previous: RewriteTable | None = None,
    version: int = 1,
    created_t: float = 0.0,
    layer: str = "personal",
) -> RewriteTable:
    """Solve the chain over ``goals`` and keep every ``i -> j*`` that passes all acceptance rules."""
    acc = acceptance or Acceptance()
    policy = policy or SafetyPolicy()
    solution = solve_chain(count_transitions(transitions(goals)), global_rows, acc.alpha)
    support = evidence(goals)
    rules: dict[str, RewriteRule] = {}
    rejected: list[Rejection] = []
    for state, res in solution.states.items():
        if res.direct_success >= acc.min_target_success or not res.best:
            continue  # nothing to fix, or nothing to go to
        # j*, then (a home's table) the next targets by credit when j* fails a rule: a garble that once
        # worked can hold the most credit while the household's usual words for the goal pass every rule
        options = [(res.best, res.best_credit)]
        if not acc.fleet and acc.targets > 1:
            options += [o for o in solution.ranked(state, acc.targets) if o[0] != res.best]
        first: Rejection | None = None
        for j, credit in options:
            target = solution.states.get(j)
            ev = support.get((state, j), Evidence())
            r_j = target.direct_success if target is not None else 0.0
            lift, sim = r_j - res.direct_success, _similarity(state, j)
            failed = _refusal(
                state,
                j,
                source=res,
                target=target,
                ev=ev,
                sim=sim,
                acc=acc,
                policy=policy,
                quarantine=quarantine,
            )
            if failed is not None:
                first = first or Rejection(state, j, *failed)
                continue
            old = previous.lookup(state) if previous is not None else None
            since = old.since if old is not None and old.rewritten == j else created_t
            rules[state] = RewriteRule(
                state, j, round(r_j, 4), round(lift, 4), round(credit, 4),
                len(ev.days), len(ev.homes), ev.direct, round(sim, 3), layer, since,
            )  # fmt: skip
            break
        else:
            if first is not None:
                rejected.append(first)
    return RewriteTable(version, created_t, rules, tuple(rejected), quarantine)
