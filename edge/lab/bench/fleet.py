"""``edge bench fleet``: aggregator throughput (1 vs 2 processes), upload-to-release latency, and how much
of the global layer's benefit survives the privacy mechanism, in the household simulator.

Throughput: synthetic weekly reports (built by the device's anonymizer) published over a real Mosquitto to
aggregator processes that share one subscription and one SQLite store; homes per second from the first
publish until every report is stored, with 1 and 2 processes, interleaved, median of ``--runs`` (default 3).
The latency is from the last upload to the signed release arriving at a subscriber. The benefit part is
:mod:`edge.lab.bench._fleet_benefit` (contributing homes -> real reports -> aggregator store and privacy
filter -> signed release -> held-out homes with the release bound to their registry).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import math
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.config import Settings
from edge.context.connection import ConnectionSettings
from edge.lab.bench._fleet_benefit import (
    ArmResult,
    BenefitSetup,
    FleetRelease,
    benefit_setup,
    chosen_budget,
    contributor_reports,
    kept_interval,
    open_budget,
    pair_support,
    paired,
    per_home_net,
    release_draws,
    run_heldout,
)
from edge.lab.fleet.privacy import PrivacyBudget
from edge.lab.fleet.process import AggregatorProcess, LoopbackBroker, start_broker
from edge.lab.fleet.storage import open_store
from edge.lab.fleet.synthetic import SyntheticPair, enroll_keys, fleet_reports, signed_fleet
from edge.sync.envelope import SignedReport
from edge.sync.link import MqttLink
from edge.sync.release import RELEASE_TOPIC
from edge.sync.uploader import report_topic

__all__ = ["report_benefit", "run", "run_benefit"]

T0 = 1_741_000_000.0


async def _wait_count(db: Path, n: int, timeout_s: float) -> None:
    store = open_store(str(db))
    try:
        async with asyncio.timeout(timeout_s):
            while await asyncio.to_thread(store.report_count) < n:  # noqa: ASYNC110 - other processes
                await asyncio.sleep(0.02)
    finally:
        store.close()


async def _round(port: int, db: Path, reports: list[SignedReport], release: bool) -> tuple[float, float]:
    async with MqttLink(ConnectionSettings(port=port, client_id="bench-homes")) as link:
        await link.subscribe(RELEASE_TOPIC)
        t0 = time.perf_counter()
        await asyncio.gather(
            *(
                link.publish(report_topic(r.report), r.to_bytes(), user=(("message-id", r.message_id),))
                for r in reports
            )
        )
        t_uploaded = time.perf_counter()
        await _wait_count(db, len(reports), 300)
        elapsed = time.perf_counter() - t0
        latency = math.nan
        if release:
            await link.publish("edge-fleet/v1/control/release", b"{}")
            msg = await link.get(timeout_s=60)
            while msg is not None and msg.topic != RELEASE_TOPIC:
                msg = await link.get(timeout_s=60)
            latency = time.perf_counter() - t_uploaded if msg is not None else math.nan
    return len(reports) / elapsed, latency


def _throughput(
    reports: list[SignedReport], keys: list[Ed25519PrivateKey], procs: int, release: bool
) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="edge-bench-fleet-") as tmp:
        broker = start_broker(LoopbackBroker())
        db, key = Path(tmp) / "agg.sqlite3", Path(tmp) / "k.pem"
        enroll_keys(str(db), keys)  # every home's device key, as the operator enrolls them
        aggs = [AggregatorProcess(broker.port, db, key, name=f"bench-{i}") for i in range(procs)]
        try:
            for a in aggs:
                a.start()
            return asyncio.run(_round(broker.port, db, reports, release))
        finally:
            for a in aggs:
                a.stop()
            broker.close()


def _runs(values: Sequence[float], digits: int) -> str:
    return ", ".join(f"{x:.{digits}f}" for x in values)


def _aggregation(settings: Settings, homes: int, runs: int) -> None:
    assignment = [
        (SyntheticPair("turn on the kitchen lite", "turn on the kitchen light"), int(homes * 0.6)),
        (
            SyntheticPair("turn of the bedroom lights", "turn off the bedroom lights", "HassTurnOff"),
            int(homes * 0.4),
        ),
    ]
    reports, keys = signed_fleet(
        fleet_reports(homes, assignment, T0, pairs_per_week=settings.sync.pairs_per_week)
    )
    one: list[float] = []
    two: list[float] = []
    latency: list[float] = []
    for _ in range(runs):  # interleaved, so a noisy neighbour hits both alike
        one.append(_throughput(reports, keys, 1, release=False)[0])
        rate, seconds = _throughput(reports, keys, 2, release=True)
        two.append(rate)
        latency.append(seconds)
    m1, m2 = statistics.median(one), statistics.median(two)
    print(f"fleet aggregation: {homes} synthetic homes, median of {runs} runs (1 and 2 processes alternate)")
    print(f"  aggregator throughput, 1 process : {m1:8.0f} homes/s  (runs: {_runs(one, 0)})")
    ratio = m2 / m1
    print(
        f"  aggregator throughput, 2 processes: {m2:8.0f} homes/s  (runs: {_runs(two, 0)})  ratio {ratio:.2f}"
    )
    print(
        f"  last upload -> signed release received: {statistics.median(latency):.2f} s median "
        f"(runs: {_runs(latency, 2)})"
    )


def _short(budget: PrivacyBudget, chosen: PrivacyBudget) -> str:
    if not budget.noisy:
        return f"no noise, k={budget.k}"
    name = f"eps={budget.epsilon:g} (tau={budget.tau:.1f})"
    return f"chosen {name}" if budget == chosen else name


def _fmt(budget: PrivacyBudget) -> str:
    if not budget.noisy:
        return f"no noise, k={budget.k}" if budget.k > 1 else "non-private"
    return f"eps={budget.epsilon:g}, delta={budget.delta:g}, k={budget.k}, m={budget.m}, tau={budget.tau:.1f}"


@dataclass(frozen=True, slots=True)
class _Outcome:
    """A release setting's like-for-like result, averaged over its noise draws."""

    rewritten: float
    wins: float
    losses: float
    first_turns: int
    rate: float  # all-turn defect rate
    per_home: dict[str, float]
    entries: str  # "1 entry x6, 0 x14" over the draws

    @property
    def net(self) -> float:
        return self.wins - self.losses


def _outcome(base: ArmResult, runs: Sequence[tuple[int, FleetRelease, ArmResult]]) -> _Outcome:
    total = sum(n for n, _, _ in runs)
    parts = [(n / total, paired(base, arm), arm, per_home_net(base, arm)) for n, _, arm in runs]
    per_home: dict[str, float] = {}
    for w, _, _, homes in parts:
        for h, v in homes.items():
            per_home[h] = per_home.get(h, 0.0) + w * v
    return _Outcome(
        sum(w * p.rewritten for w, p, _, _ in parts),
        sum(w * p.wins for w, p, _, _ in parts),
        sum(w * p.losses for w, p, _, _ in parts),
        parts[0][1].first_turns,
        sum(w * arm.rate for w, _, arm, _ in parts),
        per_home,
        ", ".join(f"{rel.entries} x{n}" for n, rel, _ in runs),
    )


def _num(x: float) -> str:
    return f"{x:.0f}" if x == int(x) else f"{x:.1f}"


def _line(name: str, o: _Outcome, open_: _Outcome | None) -> str:
    share = f"  -> keeps {o.net / open_.net:.0%}" if open_ is not None and open_.net > 0 else ""
    return (
        f"      {name:<26} {_num(o.rewritten):>9} {_num(o.wins) + '/' + _num(o.losses):>11} "
        f"{-100 * o.net / max(1, o.first_turns):>+8.2f}pp  {o.rate:.4f}{share}"
    )


def _table(
    arms: _Arms, title: str, personal: bool, settings: Sequence[tuple[str, list[tuple[int, FleetRelease]]]]
) -> list[_Outcome]:
    base = arms.run(None, personal=personal)
    print(f"    {title}")
    print(f"      {'global layer':<26} {'rewritten':>9} {'wins/losses':>11} {'1st-turn':>9}   all turns")
    print(f"      {'none':<26} {'-':>9} {'-':>11} {'-':>9}   {base.rate:.4f}")
    out: list[_Outcome] = []
    for name, draws in settings:
        o = _outcome(base, [(n, rel, arms.run(rel, personal=personal)) for n, rel in draws])
        out.append(o)
        noisy = (
            f" [entries over {sum(n for n, _ in draws)} noise draws: {o.entries}]" if len(draws) > 1 else ""
        )
        print(_line(name, o, out[0] if len(out) > 1 else None) + noisy)
    return out


def report_benefit(setup: BenefitSetup, chosen: PrivacyBudget, others: Sequence[PrivacyBudget]) -> float:
    """Run the whole measurement and print it; returns the share of the non-private benefit kept."""
    t0 = time.perf_counter()
    per_home = contributor_reports(setup)
    t_contrib = time.perf_counter() - t0
    reports = [r for home in per_home for r in home]
    support = pair_support(reports)
    sent = sum(len(r.pairs) for r in reports)
    senders = sum(1 for home in per_home if any(r.pairs for r in home))
    print(
        f"  fleet benefit in the household simulator (seed {setup.seed}): {setup.contributors} contributing "
        f"homes x {setup.weeks} ISO week(s) with their own learners; {sent} scrubbed pairs from {senders} "
        f"homes (m={chosen.m}), {len(support)} distinct; held-out: {setup.heldout} other homes x "
        f"{setup.heldout_days} days"
    )
    top = sorted(support.items(), key=lambda x: (-x[1], x[0]))[:5]
    print("    most reported (homes in one week): " + "; ".join(f"{o} -> {w} ({n})" for (o, w), n in top))
    draws = setup.noise_draws
    settings = [("non-private", release_draws(reports, open_budget(chosen.m), draws))]
    settings += [(_short(b, chosen), release_draws(reports, b, draws)) for b in (chosen, *others)]
    most = settings[1][1][0][1]
    print(
        f"    releases: non-private {settings[0][1][0][1].entries} entries; chosen ({_fmt(chosen)}), "
        "most frequent draw: " + ("; ".join(f"{o} -> {w}" for o, w in most.pairs()[:6]) or "empty")
    )
    print(
        "    held-out homes: first turns the global layer rewrote against the same goals' first turns without"
    )
    print("    it (same goal, same words heard): wins/losses, first-turn defect rate; all-turn defect rate;")
    print("    a noisy release is the average over its noise draws")
    arms = _Arms(setup)
    t1 = time.perf_counter()
    arms.run(None, personal=True)
    t_arm = time.perf_counter() - t1
    full = _table(arms, "personal + global layers (the device default):", True, settings)
    homes = sorted({g.split("-")[0] for g in arms.run(None, personal=True).firsts})
    low, high = kept_interval(full[1].per_home, full[0].per_home, homes)
    print(f"      chosen: 90% interval of the share kept (held-out homes resampled): {low:.0%} .. {high:.0%}")
    _table(arms, "global layer alone (personal layer and retrieval off):", False, settings[:2])
    print(
        f"    time: contributors {t_contrib:.0f} s, one held-out arm {t_arm:.0f} s, {len(arms.done)} arms "
        f"({setup.workers} workers)"
    )
    return full[1].net / full[0].net if full[0].net > 0 else math.nan


class _Arms:
    """Held-out runs, one per distinct table: releases with the same pairs and scores share a run, and an
    empty release is the run without a global layer."""

    def __init__(self, setup: BenefitSetup) -> None:
        self.setup = setup
        self.done: dict[tuple[object, ...], ArmResult] = {}

    def run(self, release: FleetRelease | None, *, personal: bool) -> ArmResult:
        entries = () if release is None else release.pairs_scored()
        key = (personal, entries)
        if key not in self.done:
            table = release.table if release is not None and entries else None
            self.done[key] = run_heldout(self.setup, table, personal=personal)
        return self.done[key]


def run_benefit(settings: Settings, quick: bool) -> int:
    chosen = chosen_budget(settings)
    alternative = 1.0 if chosen.epsilon != 1.0 else 2.0  # the other end of the documented range
    others = [
        PrivacyBudget(math.inf, chosen.delta, chosen.k, chosen.m),  # k alone: what the noise costs
        PrivacyBudget(alternative, chosen.delta, chosen.k, chosen.m),
    ]
    setup = dataclasses.replace(benefit_setup(quick), pairs_per_week=chosen.m)
    report_benefit(setup, chosen, others)
    return 0


def run(settings: Settings, args: argparse.Namespace) -> int:
    quick = bool(getattr(args, "quick", False))
    runs = int(getattr(args, "runs", 0) or 3)
    _aggregation(settings, 300 if quick else 1000, runs)
    return run_benefit(settings, quick)
