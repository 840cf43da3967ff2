"""The fleet's learning benefit in the household simulator, end to end through the real pieces.

1. Contributing homes (:func:`edge.lab.sim.household.simulate_home`) run for whole ISO weeks with their own
   learners (personal layer on, no global layer).
2. Each home's weekly reports are built by the device code (:func:`edge.sync.anonymize.build_reports`) from
   the turns and signals as the turn store returns them, with the home's registry for the scrubber:
   vocabulary-only pairs with generic device slots, at most ``m`` a week, a rotating id per week.
3. The reports go into the aggregator's store (SQLite) and one release per week is built by the aggregator's
   code (:func:`edge.lab.fleet.publish.make_release`: k distinct homes, Laplace noise, tau; entries carried
   forward), signed, and verified as a device verifies it.
4. Held-out homes (another seed: never contributors) run with the released table bound to their own
   registry (:mod:`edge.sync.instantiate`), and the same homes without a global layer.

"Non-private" releases every reported pair exactly (no k, no noise, no tau). The benefit is measured goal for
goal: a first request the global layer rewrote against the same goal's first request without the layer, when
both asked for the same thing in the same words (a win: only the rewritten one achieved the goal; a loss: the
other way round). The share kept is the private release's net fixes over the non-private release's. The
all-turn defect rate is reported too, but arms drift apart (a goal's on/off follows device states the arms
change), so small differences there are noise.
"""

from __future__ import annotations

import dataclasses
import json
import math
import multiprocessing
import random
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.config import Settings
from edge.feedback.observations import StoredTurn
from edge.lab.fleet.privacy import PrivacyBudget
from edge.lab.fleet.publish import build_table, make_release
from edge.lab.fleet.storage import AdmittedReport, open_store
from edge.lab.sim.household import RewriterLike, SimLog, simulate_home
from edge.learning.canonical import Lexicon
from edge.learning.chains import DAY_S
from edge.learning.loop import Learner
from edge.sync.anonymize import build_reports
from edge.sync.identity import HomeIdentity
from edge.sync.instantiate import BoundRewriter, RegistryGlobalLayer
from edge.sync.payloads import WeeklyReport
from edge.sync.release import public_key_hex, sign_table, verify_release
from edge.sync.scrub import HomeDevice

__all__ = [
    "ArmResult",
    "BenefitSetup",
    "FleetRelease",
    "Paired",
    "benefit_setup",
    "chosen_budget",
    "contributor_reports",
    "fleet_release",
    "kept_interval",
    "open_budget",
    "pair_support",
    "paired",
    "per_home_net",
    "release_draws",
    "run_heldout",
]

T = TypeVar("T")
R = TypeVar("R")
SIZES = ("small", "medium", "large")
WEEK_START_S = 4 * DAY_S  # simulated time starts on Thursday 1970-01-01; Monday 1970-01-05 starts 1970-W02


@dataclass(frozen=True, slots=True)
class BenefitSetup:
    seed: int = 20250
    contributors: int = 600
    weeks: int = 1
    heldout: int = 30
    heldout_days: int = 7
    pairs_per_week: int = 3
    workers: int = 2
    noise_draws: int = 3  # releases of a noisy setting the held-out homes are run with (averaged)


def open_budget(m: int) -> PrivacyBudget:
    """Every reported pair released exactly: no noise, no tau, k = 1."""
    return PrivacyBudget(epsilon=math.inf, delta=1e-6, k=1, m=m)


def _pool_map(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    if workers <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        return list(pool.map(fn, items, chunksize=max(1, len(items) // (workers * 8))))


def stored_turns(log: SimLog, shift_s: float = 0.0) -> list[StoredTurn]:
    """The simulated turns as the turn store returns them (records with their signals), ``shift_s`` later."""
    by_turn = log.signals_by_turn()
    return [
        StoredTurn(
            dataclasses.replace(t, t_start=t.t_start + shift_s, t_end=t.t_end + shift_s),
            tuple(by_turn.get(t.turn_id, ())),
        )
        for t in log.turns
    ]


def registry(log: SimLog) -> list[HomeDevice]:
    return [HomeDevice.from_entity(d.entity_id, d.name, d.area, d.aliases) for d in log.home.devices.values()]


def _learn(learner: Learner, layer: RegistryGlobalLayer | None) -> Callable[[SimLog, float], RewriterLike]:
    def learn(log: SimLog, now: float) -> RewriterLike:
        devices = log.home.devices.values()
        if layer is not None:
            learner.global_table = layer.for_devices(devices)  # the rebuild's Markov prior
        learner.rebuild(log.turns, log.signals_by_turn(), now, Lexicon.from_devices(devices))
        rewriter = learner.rewriter()
        return BoundRewriter(rewriter, layer) if layer is not None else rewriter

    return learn


def _contributor(job: tuple[int, int, int, int]) -> list[WeeklyReport]:
    seed, h, weeks, m = job
    log = simulate_home(seed, f"contrib{h:04d}", 7 * weeks, _learn(Learner(), None), size=SIZES[h % 3])
    identity = HomeIdentity(random.Random(f"{seed}:{h}:secret").randbytes(32))
    turns = stored_turns(log, WEEK_START_S)  # whole ISO weeks: day 0 becomes a Monday
    return build_reports(turns, identity, pairs_per_week=m, devices=registry(log))


def contributor_reports(setup: BenefitSetup) -> list[list[WeeklyReport]]:
    """Each contributing home's weekly reports."""
    jobs = [(setup.seed, h, setup.weeks, setup.pairs_per_week) for h in range(setup.contributors)]
    return _pool_map(_contributor, jobs, setup.workers)


@dataclass(frozen=True, slots=True)
class FleetRelease:
    """The last signed release after one release per week, verified; its table as the device stores it."""

    budget: PrivacyBudget
    table: Mapping[str, Any]
    entries: int
    version: int

    def pairs(self) -> list[tuple[str, str]]:
        return [(str(e["original"]), str(e["rewritten"])) for e in self.table["entries"]]

    def pairs_scored(self) -> tuple[tuple[str, str, float], ...]:
        """What a device acts on: the pairs and their scores (the noisy counts aside)."""
        return tuple(
            sorted(
                (str(e["original"]), str(e["rewritten"]), float(e["score"])) for e in self.table["entries"]
            )
        )


def _in_process(reports: Sequence[WeeklyReport]) -> list[AdmittedReport]:
    """The bench's own simulated homes, each counted as one device per week (no MQTT, no signatures:
    admission is measured by ``edge bench reliability`` and tests/test_fleet_admission.py)."""
    return [AdmittedReport(r, r.home[:32]) for r in reports]


def fleet_release(reports: Sequence[WeeklyReport], budget: PrivacyBudget, noise_seed: int) -> FleetRelease:
    """The aggregator's path: reports into its store, one release per week (``make_release``: privacy
    filter, carried-forward entries, signature, recorded version), the last one verified as a device does."""
    rng = random.Random(noise_seed)
    key = Ed25519PrivateKey.generate()
    with tempfile.TemporaryDirectory(prefix="edge-fleet-benefit-") as tmp:
        store = open_store(str(Path(tmp) / "fleet.sqlite3"))
        try:
            store.ingest(_in_process(reports), "bench", now=0.0)
            message = b""
            for period in sorted({r.period for r in reports}):
                message = make_release(store, budget, key, rng, period=period) or message
        finally:
            store.close()
    return _verified(message, key, budget)


def _verified(message: bytes, key: Ed25519PrivateKey, budget: PrivacyBudget) -> FleetRelease:
    table, text = verify_release(message, public_key_hex(key))
    return FleetRelease(budget, json.loads(text), len(table.entries), table.version)


def release_draws(
    reports: Sequence[WeeklyReport], budget: PrivacyBudget, draws: int = 20
) -> list[tuple[int, FleetRelease]]:
    """The distinct releases over ``draws`` noise draws (one when there is no noise), each with how many
    draws gave it; releases with the same pairs and scores count as one. The store is filled once and each
    draw runs the aggregator's table builder over its weeks, then signs and verifies the result."""
    key = Ed25519PrivateKey.generate()
    with tempfile.TemporaryDirectory(prefix="edge-fleet-benefit-") as tmp:
        store = open_store(str(Path(tmp) / "fleet.sqlite3"))
        try:
            store.ingest(_in_process(reports), "bench", now=0.0)
            weeks = [(p, store.pair_counts(p)) for p in sorted({r.period for r in reports})]
        finally:
            store.close()
    groups: dict[tuple[tuple[str, str, float], ...], list[FleetRelease]] = {}
    for seed in range(draws if budget.noisy else 1):
        rng = random.Random(seed)
        table = None
        for version, (period, counts) in enumerate(weeks, 1):
            table = build_table(counts, budget, rng, version=version, period=period, previous=table)
        if table is None:
            continue
        release = _verified(sign_table(table, key), key, budget)
        groups.setdefault(release.pairs_scored(), []).append(release)
    return sorted(((len(g), g[0]) for g in groups.values()), key=lambda x: (-x[0], x[1].entries))


def pair_support(reports: Iterable[WeeklyReport]) -> dict[tuple[str, str], int]:
    """For every reported pair, the most distinct homes that sent it in one week (a release's count)."""
    homes: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in reports:
        for p in r.pairs:
            homes[(r.period, p.original, p.rewritten)].add(r.home)
    out: dict[tuple[str, str], int] = {}
    for (_, o, w), hs in homes.items():
        out[(o, w)] = max(out.get((o, w), 0), len(hs))
    return out


@dataclass(frozen=True, slots=True)
class FirstTurn:
    """A goal's first request: what was asked, the words heard (before any rewrite), the outcome."""

    intent: str
    target: str
    heard: str
    achieved: bool
    layer: str  # the rewrite layer that changed it, or ""


@dataclass(frozen=True, slots=True)
class ArmResult:
    turns: int = 0
    defects: int = 0
    firsts: Mapping[str, FirstTurn] = dataclasses.field(default_factory=dict)  # goal id -> first turn

    @property
    def rate(self) -> float:
        return self.defects / max(1, self.turns)

    def __add__(self, other: ArmResult) -> ArmResult:
        return ArmResult(
            self.turns + other.turns, self.defects + other.defects, {**self.firsts, **other.firsts}
        )


@dataclass(frozen=True, slots=True)
class Paired:
    """The global layer's rewritten first turns against the same goals' first turns without it."""

    first_turns: int  # first turns of the control arm
    rewritten: int  # like-for-like: the control asked for the same thing in the same words
    wins: int  # the rewritten turn achieved the goal, the control turn did not
    losses: int  # the other way round
    unmatched: int  # rewritten first turns without a like-for-like control turn (left out)

    @property
    def net(self) -> int:
        return self.wins - self.losses

    @property
    def reduction(self) -> float:
        """Drop of the first-turn defect rate the layer's rewrites bring (like-for-like)."""
        return self.net / max(1, self.first_turns)


def paired(control: ArmResult, treatment: ArmResult, layer: str = "global") -> Paired:
    rewritten = wins = losses = unmatched = 0
    for goal, t in treatment.firsts.items():
        if t.layer != layer:
            continue
        c = control.firsts.get(goal)
        if c is None or (c.intent, c.target, c.heard) != (t.intent, t.target, t.heard):
            unmatched += 1
            continue
        rewritten += 1
        wins += t.achieved and not c.achieved
        losses += c.achieved and not t.achieved
    return Paired(len(control.firsts), rewritten, wins, losses, unmatched)


@dataclass(frozen=True, slots=True)
class _HeldoutJob:
    seed: int
    home: int
    days: int
    table: Mapping[str, Any] | None
    personal: bool


def _heldout(job: _HeldoutJob) -> ArmResult:
    layer = RegistryGlobalLayer(job.table) if job.table is not None else None
    learner = Learner(personal=job.personal, retrieval=job.personal)
    log = simulate_home(
        job.seed, f"heldout{job.home:03d}", job.days, _learn(learner, layer), size=SIZES[job.home % 3]
    )
    records = {t.turn_id: t for t in log.turns}
    firsts = {}
    for truth in log.truth.values():
        rec = records.get(truth.turn_id)
        if truth.attempt == 0 and rec is not None:
            heard = rec.rewrite.original if rec.rewrite else rec.asr_text
            firsts[truth.goal_id] = FirstTurn(
                truth.intent, truth.target, heard, truth.achieved, truth.rewritten
            )
    return ArmResult(len(log.truth), sum(not t.achieved for t in log.truth.values()), firsts)


def run_heldout(setup: BenefitSetup, table: Mapping[str, Any] | None, *, personal: bool = True) -> ArmResult:
    """The held-out homes (seed + 1: never contributors) with ``table`` as their global layer (or none).
    ``personal=False`` turns the personal layer and retrieval off: the global layer alone."""
    jobs = [_HeldoutJob(setup.seed + 1, h, setup.heldout_days, table, personal) for h in range(setup.heldout)]
    total = ArmResult()
    for result in _pool_map(_heldout, jobs, setup.workers):
        total = total + result
    return total


def per_home_net(control: ArmResult, treatment: ArmResult) -> dict[str, float]:
    """Net fixes (wins - losses) of the global layer's like-for-like first turns, per held-out home."""
    out: dict[str, float] = defaultdict(float)
    for goal, t in treatment.firsts.items():
        c = control.firsts.get(goal)
        if (
            t.layer == "global"
            and c is not None
            and (c.intent, c.target, c.heard) == (t.intent, t.target, t.heard)
        ):
            out[goal.split("-")[0]] += int(t.achieved) - int(c.achieved)
    return out


def kept_interval(
    private: Mapping[str, float], open_: Mapping[str, float], homes: Sequence[str], draws: int = 2000
) -> tuple[float, float]:
    """A 90% bootstrap interval of the share kept (net fixes per home), resampling the held-out homes."""
    rng = random.Random(0)
    shares = []
    for _ in range(draws):
        sample = [rng.choice(homes) for _ in homes]
        net_open = sum(open_.get(h, 0.0) for h in sample)
        if net_open > 0:
            shares.append(sum(private.get(h, 0.0) for h in sample) / net_open)
    if not shares:
        return math.nan, math.nan
    shares.sort()
    return shares[int(0.05 * len(shares))], shares[int(0.95 * len(shares)) - 1]


def chosen_budget(settings: Settings) -> PrivacyBudget:
    """The fleet's privacy setting (the ``edge aggregator`` defaults), with the devices' ``m``."""
    return PrivacyBudget(m=min(3, max(1, settings.sync.pairs_per_week)))


def benefit_setup(quick: bool) -> BenefitSetup:
    """The simulator run: contributing homes and weeks, held-out homes and days."""
    if quick:
        return BenefitSetup(contributors=300, heldout=16)
    return BenefitSetup(contributors=1000, heldout=24)
