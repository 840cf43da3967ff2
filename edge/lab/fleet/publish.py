"""Build a release from the store: privacy filter, scores, priors, signature; carried-forward entries.

A release covers one period. The counted key is (original, rewritten, intent): each home adds at most one
to at most ``m`` keys, and only keys whose noisy count passes the privacy filter are released. Entries
released earlier stay in the table (re-publishing them is post-processing of an earlier release and costs
no new budget) unless this period releases another target for the same original. An entry's ``score`` is
the share of the original's released noisy votes that go to a rewrite meaning the same (the same intent and
the same slots: "set the {light} to {num} percent" and "dim the {light} to {num} percent" are one meaning),
so equivalent wordings do not split the fleet's confidence; the device takes the best-supported wording.
``priors`` are the global Markov rows the devices smooth toward: for each original, the probability of each
released target. The table is flat: no target is itself rewritten by another entry (the better-supported of
two chained entries stays). Everything after the filter uses released noisy counts only (post-processing).
A pair the devices' safety rules forbid for learned text (:func:`edge.learning.globaltable.
refused_for_learning`: undo, unlock, open, disarm, a safety device type) is never released, however many
homes sent it, and an entry of an earlier release that is such a pair is not carried forward.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.errors import EdgeError, ErrorCode
from edge.lab.fleet.privacy import PrivacyBudget, private_counts
from edge.lab.fleet.storage import FleetStore, PairCount
from edge.learning.globaltable import refused_for_learning
from edge.sync.release import GlobalEntry, GlobalTable, sign_table, verify_release

__all__ = ["build_table", "make_release"]


def _meaning(rewritten: str, intent: str) -> tuple[str, ...]:
    if not intent:
        return ("", rewritten)
    return (intent, *sorted(t for t in rewritten.split() if t.startswith("{")))


def _without_chains(entries: Iterable[GlobalEntry]) -> list[GlobalEntry]:
    """No target that another entry rewrites again (A -> B with B -> C, or B -> A): the better-supported
    entry stays. A device would otherwise rewrite into a request the fleet says needs rewriting, and the
    devices' Markov smoothing reads the rows as one chain."""
    kept: list[GlobalEntry] = []
    originals: set[str] = set()
    targets: set[str] = set()
    for e in sorted(entries, key=lambda e: (-e.score, -e.homes, e.original, e.rewritten)):
        if e.original in targets or e.rewritten in originals:
            continue
        kept.append(e)
        originals.add(e.original)
        targets.add(e.rewritten)
    return kept


def build_table(
    counts: list[PairCount],
    budget: PrivacyBudget,
    rng: random.Random,
    *,
    version: int,
    period: str,
    previous: GlobalTable | None = None,
) -> GlobalTable:
    allowed = [c for c in counts if not refused_for_learning(c.original, c.rewritten)]
    noisy = private_counts({(c.original, c.rewritten, c.intent): c.homes for c in allowed}, budget, rng)
    by_original: dict[str, dict[str, float]] = defaultdict(dict)
    intents: dict[tuple[str, str], tuple[float, str]] = {}
    for (original, rewritten, intent), n in sorted(noisy.items()):
        by_original[original][rewritten] = by_original[original].get(rewritten, 0.0) + n
        if n > intents.get((original, rewritten), (-1.0, ""))[0]:
            intents[(original, rewritten)] = (n, intent)
    entries: dict[tuple[str, str], GlobalEntry] = {}
    priors: dict[str, dict[str, float]] = {}
    if previous is not None:
        for e in previous.entries:
            if e.original not in by_original and not refused_for_learning(e.original, e.rewritten):
                entries[(e.original, e.rewritten)] = e
        priors.update({k: dict(v) for k, v in previous.priors.items() if k not in by_original})
    for original, targets in by_original.items():
        total = sum(targets.values())
        meaning = {t: _meaning(t, intents[(original, t)][1]) for t in targets}
        votes: dict[tuple[str, ...], float] = defaultdict(float)
        for t, n in targets.items():
            votes[meaning[t]] += n
        priors[original] = {t: round(n / total, 4) for t, n in sorted(targets.items())}
        for rewritten, n in targets.items():
            score = round(votes[meaning[rewritten]] / total, 4)
            intent = intents[(original, rewritten)][1]
            entries[(original, rewritten)] = GlobalEntry(original, rewritten, round(n), score, intent)
    flat = _without_chains(entries.values())
    ordered = tuple(sorted(flat, key=lambda e: (e.original, -e.score, -e.homes, e.rewritten)))
    priors = {k: v for k, v in priors.items() if any(e.original == k for e in flat)}
    return GlobalTable(
        version=version,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        entries=ordered,
        priors=priors,
        privacy=budget.describe(),
        period=period,
    )


def make_release(
    store: FleetStore,
    budget: PrivacyBudget,
    key: Ed25519PrivateKey,
    rng: random.Random,
    *,
    period: str | None = None,
    attempts: int = 5,
) -> bytes | None:
    """Build, sign and record the next release; None when the store holds no reports yet."""
    period = period or store.latest_period()
    if period is None:
        return None
    pub = key.public_key().public_bytes_raw().hex()
    for _ in range(attempts):  # another process may take the same version number first
        latest = store.latest_release()
        previous = verify_release(latest[1].encode(), pub)[0] if latest else None
        version = (latest[0] if latest else 0) + 1
        table = build_table(
            store.pair_counts(period), budget, rng, version=version, period=period, previous=previous
        )
        message = sign_table(table, key)
        if store.save_release(version, period, table.created, message.decode()):
            return message
    raise EdgeError(
        f"could not allocate a release version after {attempts} attempts",
        hint="another aggregator keeps releasing at the same time; retry",
        code=ErrorCode.STORE_ERROR,
    )
