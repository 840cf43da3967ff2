"""Build the weekly reports a home would send, from the turns in its store.

Input is what the turn store returns (``StoredTurn``: record + signals). Output is one
:class:`~edge.sync.payloads.WeeklyReport` per ISO week: counts only (turns, defects by failure point and
intent, signals, a fixed-bucket latency histogram, versions) and at most ``m`` scrubbed rewrite pairs, the
best-supported first. Rewrite candidates come from a :class:`PairSource`; the default reads them from the
turns themselves (a defective turn rephrased into a successful one, or a live rewrite that succeeded).
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from edge.feedback.observations import StoredTurn
from edge.feedback.record import Label, SignalKind, TurnRecord
from edge.sync.identity import HomeIdentity, period_of
from edge.sync.payloads import (
    FAILURE_POINTS,
    LATENCY_BUCKETS_MS,
    MAX_PAIRS,
    VERSION_KEYS,
    DefectCount,
    RewritePair,
    WeeklyReport,
)
from edge.sync.scrub import DEFAULT_POLICY, HomeDevice, ScrubPolicy, scrub_pair
from edge.sync.vocabulary import INTENTS

__all__ = [
    "CandidatePair",
    "PairSource",
    "TurnPairSource",
    "build_reports",
    "devices_from_turns",
]

_FP_ALIASES = {"asr_error": "asr", "nlu_error": "nlu", "entity_resolution": "entity", "er": "entity"}


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """A rewrite the home found useful (raw text: it never leaves the device unscrubbed)."""

    original: str
    rewritten: str
    intent: str = ""
    support: int = 1  # distinct days (or occurrences) that back it
    t: float = 0.0  # when it was last seen (epoch seconds): decides its period


class PairSource(Protocol):
    def candidates(self, turns: Sequence[StoredTurn]) -> list[CandidatePair]: ...


def _same_request(failed: TurnRecord, fix: TurnRecord) -> bool:
    """The failed turn was understood as the fix was (same intent, slots and targets): it failed later (a
    device that did not respond), so the new words fixed nothing and would teach the fleet nothing."""
    return bool(failed.intent) and (failed.intent, dict(failed.slots), set(failed.targets)) == (
        fix.intent,
        dict(fix.slots),
        set(fix.targets),
    )


class TurnPairSource:
    """Pairs from the store: rephrase chains that ended in success (not mere retries of a request that was
    understood the first time), and live rewrites that succeeded."""

    def candidates(self, turns: Sequence[StoredTurn]) -> list[CandidatePair]:
        by_id = {t.record.turn_id: t for t in turns}
        days: dict[tuple[str, str], set[int]] = defaultdict(set)
        last: dict[tuple[str, str], float] = {}
        intents: dict[tuple[str, str], str] = {}

        def add(original: str, rewritten: str, intent: str, t: float) -> None:
            if not original or not rewritten or original == rewritten:
                return
            key = (original, rewritten)
            days[key].add(int(t // 86_400))
            last[key] = max(last.get(key, t), t)
            intents[key] = intent

        for st in turns:
            rec = st.record
            if rec.rewrite is not None and rec.label == Label.SUCCESS.value:
                add(rec.rewrite.original, rec.rewrite.rewritten, rec.intent or "", rec.t_start)
            for sig in st.signals:
                if sig.kind != SignalKind.REPHRASE or not sig.related_turn_id:
                    continue
                fix = by_id.get(sig.related_turn_id)
                if fix is None or fix.record.label != Label.SUCCESS.value or _same_request(rec, fix.record):
                    continue
                add(
                    rec.asr_text or rec.text,
                    fix.record.text or fix.record.asr_text,
                    fix.record.intent or "",
                    rec.t_start,
                )
        return [CandidatePair(o, r, intents[(o, r)], len(days[(o, r)]), last[(o, r)]) for (o, r) in days]


def devices_from_turns(turns: Iterable[StoredTurn]) -> list[HomeDevice]:
    """Devices seen as targets (entity ids), with the area of the turn that addressed them."""
    seen: dict[str, str] = {}
    for st in turns:
        for target in st.record.targets:
            if "." in target:
                seen.setdefault(target, st.record.area)
    return [HomeDevice.from_entity(eid, area=area) for eid, area in sorted(seen.items())]


def _failure_point(raw: str) -> str:
    fp = _FP_ALIASES.get(raw, raw)
    return fp if fp in FAILURE_POINTS else "unknown"


def _latency_ms(st: StoredTurn) -> float:
    timings: Mapping[str, float] = st.record.timings_ms
    total = timings.get("total")
    return float(total) if total is not None else max(0.0, (st.record.t_end - st.record.t_start) * 1000.0)


def _choose_pairs(
    candidates: Iterable[CandidatePair], devices: Sequence[HomeDevice], m: int, policy: ScrubPolicy
) -> tuple[RewritePair, ...]:
    chosen: list[RewritePair] = []
    seen: set[tuple[str, str]] = set()
    for cand in sorted(candidates, key=lambda c: (-c.support, -c.t, c.original, c.rewritten)):
        scrubbed = scrub_pair(cand.original, cand.rewritten, devices, policy)
        if scrubbed is None or scrubbed in seen:
            continue
        seen.add(scrubbed)
        intent = cand.intent if cand.intent in INTENTS else ""
        chosen.append(RewritePair(scrubbed[0], scrubbed[1], intent))
        if len(chosen) >= m:
            break
    return tuple(chosen)


def build_reports(
    turns: Sequence[StoredTurn],
    identity: HomeIdentity,
    *,
    pairs_per_week: int = 3,
    devices: Sequence[HomeDevice] | None = None,
    pair_source: PairSource | None = None,
    versions: Mapping[str, str] | None = None,
    policy: ScrubPolicy = DEFAULT_POLICY,
    periods: Iterable[str] | None = None,
) -> list[WeeklyReport]:
    """One report per week present in ``turns`` (or per week in ``periods``), oldest first."""
    m = max(0, min(pairs_per_week, MAX_PAIRS))
    devs = list(devices) if devices is not None else devices_from_turns(turns)
    source = pair_source or TurnPairSource()
    weeks: dict[str, list[StoredTurn]] = defaultdict(list)
    for st in turns:
        weeks[period_of(st.record.t_start)].append(st)
    wanted = sorted(set(periods) if periods is not None else set(weeks))
    cands_by_week: dict[str, list[CandidatePair]] = defaultdict(list)
    for cand in source.candidates(turns):
        cands_by_week[period_of(cand.t)].append(cand)
    clean_versions = tuple(sorted((k, v) for k, v in (versions or {}).items() if k in VERSION_KEYS))
    reports = []
    for period in wanted:
        week = weeks.get(period, [])
        defects: Counter[tuple[str, str]] = Counter()
        signals: Counter[str] = Counter()
        latency = [0] * (len(LATENCY_BUCKETS_MS) + 1)
        for st in week:
            rec = st.record
            if rec.label == Label.DEFECT.value:
                intent = rec.intent if rec.intent in INTENTS else ""
                defects[(_failure_point(rec.failure_point), intent or "")] += 1
            for sig in st.signals:
                signals[str(sig.kind)] += 1
            latency[bisect.bisect_left(LATENCY_BUCKETS_MS, _latency_ms(st))] += 1
        reports.append(
            WeeklyReport(
                period=period,
                home=identity.device_id(period),
                turns=len(week),
                defects=tuple(DefectCount(fp, it, n) for (fp, it), n in sorted(defects.items())),
                signals=tuple(sorted(signals.items())),
                latency_ms=tuple(latency),
                versions=clean_versions,
                pairs=_choose_pairs(cands_by_week.get(period, []), devs, m, policy),
            )
        )
    return reports
