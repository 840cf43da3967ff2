"""``edge bench fleet``: aggregator throughput (1 vs 2 processes), upload-to-release latency, and how much
of the global layer's benefit survives the privacy mechanism, in the household simulator.

Throughput: synthetic weekly reports (built by the device's anonymizer) published over a real Mosquitto to
aggregator processes that share one subscription and one SQLite store; homes per second from the first
publish until every report is stored, with 1 and 2 processes, interleaved, median of ``--runs`` (default 3).
The latency is from the last upload to the signed release arriving at a subscriber. The benefit part is
:mod:`edge.bench.fleet_benefit` (contributing homes -> real reports -> aggregator store and privacy filter ->
signed release -> held-out homes with the release bound to their registry).
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
from pathlib import Path

from edge.bench.fleet_benefit import (
    ArmResult,
    BenefitSetup,
    Paired,
    benefit_setup,
    chosen_budget,
    contributor_reports,
    fleet_release,
    kept,
    open_budget,
    pair_support,
    paired,
    release_sizes,
    run_heldout,
)
from edge.config import Settings
from edge.fleet.privacy import PrivacyBudget
from edge.fleet.process import AggregatorProcess, LoopbackBroker, start_broker
from edge.fleet.storage import open_store
from edge.fleet.synthetic import SyntheticPair, fleet_reports
from edge.sync.link import LinkSettings, MqttLink
from edge.sync.payloads import WeeklyReport
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


async def _round(port: int, db: Path, reports: list[WeeklyReport], release: bool) -> tuple[float, float]:
    async with MqttLink(LinkSettings(port=port, client_id="bench-homes")) as link:
        await link.subscribe(RELEASE_TOPIC)
        t0 = time.perf_counter()
        await asyncio.gather(
            *(
                link.publish(report_topic(r), r.to_bytes(), user=(("message-id", r.message_id),))
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


def _throughput(reports: list[WeeklyReport], procs: int, release: bool) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="edge-bench-fleet-") as tmp:
        broker = start_broker(LoopbackBroker())
        db, key = Path(tmp) / "agg.sqlite3", Path(tmp) / "k.pem"
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
    reports = fleet_reports(homes, assignment, T0, pairs_per_week=settings.sync.pairs_per_week)
    one: list[float] = []
    two: list[float] = []
    latency: list[float] = []
    for _ in range(runs):  # interleaved, so a noisy neighbour hits both alike
        one.append(_throughput(reports, 1, release=False)[0])
        rate, seconds = _throughput(reports, 2, release=True)
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


def _fmt(budget: PrivacyBudget) -> str:
    if not budget.noisy:
        return f"no noise, k={budget.k}" if budget.k > 1 else "non-private"
    return f"eps={budget.epsilon:g}, delta={budget.delta:g}, k={budget.k}, m={budget.m}, tau={budget.tau:.1f}"


def _line(name: str, arm: ArmResult, pair: Paired | None, open_: Paired | None) -> str:
    if pair is None:
        return f"      {name:<30} {'-':>9} {'-':>11} {'-':>9}   {arm.rate:.4f}"
    share = f"  -> keeps {kept(pair, open_):.0%}" if open_ is not None else ""
    return (
        f"      {name:<30} {pair.rewritten:>9} {f'{pair.wins}/{pair.losses}':>11} "
        f"{-100 * pair.reduction:>+8.2f}pp  {arm.rate:.4f}{share}"
    )


def _table(title: str, base: ArmResult, arms: Sequence[tuple[str, ArmResult]]) -> list[Paired]:
    print(f"    {title}")
    print(f"      {'global layer':<30} {'rewritten':>9} {'wins/losses':>11} {'1st-turn':>9}   all turns")
    print(_line("none", base, None, None))
    out: list[Paired] = []
    for i, (name, arm) in enumerate(arms):
        pair = paired(base, arm)
        out.append(pair)
        print(_line(name, arm, pair, out[0] if i else None))
    return out


def report_benefit(
    setup: BenefitSetup, chosen: PrivacyBudget, others: Sequence[PrivacyBudget], sweep: Sequence[int]
) -> dict[str, float]:
    """Run the whole measurement and print it; returns the shares of the non-private benefit kept."""
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
    open_rel = fleet_release(reports, open_budget(chosen.m), 0)
    private = fleet_release(reports, chosen, 0)
    sizes = release_sizes(reports, chosen, 20)
    draws = ", ".join(f"{n} x{c}" for n, c in sorted(sizes.items()))
    print(
        f"    releases: non-private {open_rel.entries} entries; chosen ({_fmt(chosen)}) {private.entries} "
        f"(entries over 20 noise draws: {draws})"
    )
    t1 = time.perf_counter()
    base = run_heldout(setup, None)
    t_arm = time.perf_counter() - t1
    arms = [
        ("non-private", run_heldout(setup, open_rel.table)),
        ("chosen", run_heldout(setup, private.table)),
    ]
    arms += [(_fmt(b), run_heldout(setup, fleet_release(reports, b, 0).table)) for b in others]
    print("    held-out homes: rewritten first turns against the same goals' first turns without the layer")
    print("    (same goal, same words heard), and the defect rate of all turns")
    full = _table("personal + global layers (the device default):", base, arms)
    g_base = run_heldout(setup, None, personal=False)
    g_arms = [
        (n, run_heldout(setup, t.table, personal=False))
        for n, t in (("non-private", open_rel), ("chosen", private))
    ]
    alone = _table("global layer alone (personal layer and retrieval off):", g_base, g_arms)
    out = {"kept": kept(full[1], full[0]), "kept_global_only": kept(alone[1], alone[0])}
    for n in sweep:
        subset = [r for home in per_home[:n] for r in home]
        o = paired(base, run_heldout(setup, fleet_release(subset, open_budget(chosen.m), 0).table))
        p_rel = fleet_release(subset, chosen, 0)
        p = paired(base, run_heldout(setup, p_rel.table))
        print(
            f"    fleet of {n} homes: non-private net {o.net} ({o.wins}/{o.losses}), chosen net {p.net} "
            f"({p.wins}/{p.losses}, {p_rel.entries} entries) -> keeps {kept(p, o):.0%}"
        )
    print(
        f"    time: contributors {t_contrib:.0f} s, one held-out arm {t_arm:.0f} s ({setup.workers} workers)"
    )
    return out


def run_benefit(settings: Settings, quick: bool) -> int:
    chosen = chosen_budget(settings)
    others = [
        PrivacyBudget(math.inf, chosen.delta, chosen.k, chosen.m),  # k alone: what the noise costs
        PrivacyBudget(2.0, chosen.delta, chosen.k, chosen.m),
    ]
    setup, sweep = benefit_setup(quick)
    report_benefit(dataclasses.replace(setup, pairs_per_week=chosen.m), chosen, others, sweep)
    return 0


def run(settings: Settings, args: argparse.Namespace) -> int:
    quick = bool(getattr(args, "quick", False))
    runs = int(getattr(args, "runs", 0) or 3)
    _aggregation(settings, 300 if quick else 1000, runs)
    return run_benefit(settings, quick)
