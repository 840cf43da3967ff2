"""The learning loop: rebuild the rewrite table from the turn log, check live rules (Beta tracking), replay
the candidate against recent history, activate it only when it fixes at least as much as the current table,
keep versions on disk and roll back. Pure over turns; :class:`TableVersions` owns the files and
:func:`run_when_idle` runs rebuilds in a thread so the voice path never waits.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from edge.config import LearningSettings
from edge.errors import ConfigError
from edge.feedback.record import FeedbackSignal, TurnRecord
from edge.learning.askback import offer_policy, offers_answered
from edge.learning.canonical import Lexicon
from edge.learning.chains import DAY_S, ChainTurn, Goal, build_goals
from edge.learning.folder_lock import folder_lock
from edge.learning.globaltable import GlobalTable
from edge.learning.index import Candidate
from edge.learning.retrieval_policy import RetrievalOutcome, RetrievalPolicy, policy_from_outcomes
from edge.learning.rewriter import SOUND_THRESHOLD, LearnedRewriter, Parse
from edge.learning.safety import SafetyPolicy
from edge.learning.sound import SOUND_LAYER, plain_requests
from edge.learning.spans import apply_spans, build_spans, track_span
from edge.learning.tables import SPAN_LAYER, Acceptance, RewriteTable, build_table
from edge.learning.tracking import Verdict, decide, track_outcomes
from edge.learning.vocabulary import household_prompt

__all__ = ["Learner", "RebuildReport", "Replay", "TableVersions", "replay", "run_when_idle"]

RECENT_S = 14 * DAY_S
STEADY_USES, STEADY_FAILS = 2, 0.2  # a sound repair's target: said twice or more, failed at most 1 in 5


@dataclass(frozen=True, slots=True)
class Replay:
    """Recent turns a table would rewrite: defective ones it would fix, successful ones it would touch."""

    fixes: int = 0
    breaks: int = 0

    @property
    def net(self) -> int:
        return self.fixes - self.breaks


def replay(table: RewriteTable, turns: Sequence[ChainTurn]) -> Replay:
    """Whole-request rules first, then the span rules (a turn counts once)."""
    fixes = breaks = 0
    spans = table.spans()
    for t in turns:
        rule = table.lookup(t.original)
        target = rule.rewritten if rule is not None else apply_spans(t.original, spans) if spans else ""
        if not target or target in (t.original, t.rewritten):
            continue
        if t.defect:
            fixes += 1
        else:
            breaks += 1
    return Replay(fixes, breaks)


@dataclass(frozen=True, slots=True)
class RebuildReport:
    table: RewriteTable
    activated: bool
    candidate: Replay
    current: Replay
    retracted: tuple[tuple[str, str], ...] = ()
    goals: int = 0
    turns: int = 0


@dataclass(slots=True)
class Learner:
    """In-memory learner for one home (the simulator and the CLI both drive it)."""

    settings: LearningSettings = field(default_factory=LearningSettings)
    acceptance: Acceptance = field(default_factory=Acceptance)
    global_table: GlobalTable = field(default_factory=GlobalTable)
    table: RewriteTable = field(default_factory=RewriteTable)
    history: tuple[Candidate, ...] = ()
    failure_prior: dict[str, float] = field(default_factory=dict)
    unreliable: frozenset[str] = frozenset()  # words whose requests fail at least as often as they work
    steady: frozenset[str] = frozenset()  # requests that worked here at least twice, rarely failing
    personal: bool = True
    retrieval: bool = True
    spans: bool = True  # phrase-level (name) rules beside the personal tables (edge.learning.spans)
    kept: frozenset[tuple[str, str]] = (
        frozenset()
    )  # (original, rewritten) the household kept: never retracted
    retrieval_policy: RetrievalPolicy = field(default_factory=RetrievalPolicy)
    # the sound layer (edge.learning.sound): on with the personal layer, when the NLU is given to check it
    sound: bool = True
    nlu: Parse | None = None
    sound_policy: RetrievalPolicy = field(default_factory=RetrievalPolicy)

    def rebuild(
        self,
        turns: Sequence[TurnRecord],
        signals: Mapping[str, Sequence[FeedbackSignal]],
        now: float,
        lexicon: Lexicon | None = None,
    ) -> RebuildReport:
        goals = build_goals(turns, signals, lexicon)
        chain_turns = [t for g in goals for t in g.turns]
        by_original: dict[str, list[ChainTurn]] = {}  # each live rule reads only its own original's turns
        for t in chain_turns:
            by_original.setdefault(t.original, []).append(t)
        quarantine = set(self.table.quarantine)
        retracted: list[tuple[str, str]] = []
        for rule in self.table.rules.values():
            if rule.layer == SPAN_LAYER:  # a span rule reads every request containing its stretch
                counts = track_span(rule, chain_turns)
            else:
                counts = track_outcomes(rule, by_original.get(rule.original, ()))
            if (
                decide(rule, counts).verdict == Verdict.RETRACT
                and (rule.original, rule.rewritten) not in self.kept
            ):
                quarantine.add((rule.original, rule.rewritten))
                retracted.append((rule.original, rule.rewritten))
        candidate = build_table(
            goals,
            acceptance=self.acceptance,
            policy=SafetyPolicy(lexicon),
            global_rows=self.global_table.rows(),
            quarantine=frozenset(quarantine),
            previous=self.table,
            version=self.table.version + 1,
            created_t=now,
        )
        if self.personal and self.spans:
            candidate = self._with_spans(candidate, goals, frozenset(quarantine), lexicon, now)
        recent = [t for t in chain_turns if t.t_start >= now - RECENT_S]
        cand, cur = replay(candidate, recent), replay(self.table, recent)
        activated = cand.net >= cur.net or bool(retracted)
        if activated:
            self.table = candidate
        else:
            self.table = replace(self.table, quarantine=frozenset(quarantine))
        self._refresh_history(chain_turns, now)
        self.retrieval_policy = self._policy("retrieval", turns, chain_turns)
        self.sound_policy = self._policy(SOUND_LAYER, turns, chain_turns)
        if self.personal and self.sound:  # the table carries them to the device's rewriter
            home_words = lexicon.words if lexicon is not None else frozenset()
            steady = ((c.text, c.successes) for c in self.history if c.text in self.steady)
            plain = plain_requests(steady, home_words)
            offers = offer_policy(offers_answered(turns))  # "Did you mean ...?": the household's answers
            self.table = replace(
                self.table,
                requests=tuple((t, round(w, 4)) for t, w in plain),
                offers_refused=offers.refused,
                offer_threshold=offers.threshold,
            )
        if self.settings.prompt:  # the recognizer's prompt: the household's successful requests
            heard = {t.turn_id: t.asr_text for t in turns}
            prompt = household_prompt(chain_turns, heard, now, lexicon=lexicon)
            self.table = replace(self.table, prompt=prompt)
        return RebuildReport(self.table, activated, cand, cur, tuple(retracted), len(goals), len(chain_turns))

    def _with_spans(
        self,
        table: RewriteTable,
        goals: Sequence[Goal],
        quarantine: frozenset[tuple[str, str]],
        lexicon: Lexicon | None,
        now: float,
    ) -> RewriteTable:
        """``table`` plus the span rules learned from ``goals`` (names and areas of ``lexicon``)."""
        if lexicon is None:
            return table
        spans, rejected = build_spans(
            goals,
            lexicon.names | lexicon.areas,
            acceptance=self.acceptance,
            policy=SafetyPolicy(lexicon),
            quarantine=quarantine,
            previous=self.table.rules,
            created_t=now,
        )
        return replace(table, rules={**table.rules, **spans}, rejected=(*table.rejected, *rejected))

    def _refresh_history(self, turns: Sequence[ChainTurn], now: float) -> None:
        """Successful requests weighted by recency (30-day half-life), each request's failure rate, and the
        words whose requests fail at least as often as they work (a misheard word that sometimes gets
        through is no word of this home). A request that fails as often as it works is no retrieval target,
        however often it worked."""
        weight: dict[str, float] = {}
        seen: dict[str, list[int]] = {}
        spoken: dict[str, list[int]] = {}  # outcomes per text said (words are counted once per text)
        half_life, ln2 = 30 * DAY_S, math.log(2)
        for t in turns:
            said = t.rewritten or t.original
            counts = spoken.setdefault(said, [0, 0])
            counts[0] += 1
            counts[1] += t.defect
            if t.rewritten:
                counts = seen.setdefault(t.original, [0, 0])
                counts[0] += 1
                counts[1] += t.defect
            if not t.defect:
                weight[said] = weight.get(said, 0.0) + math.exp(-(now - t.t_start) / half_life * ln2)
        words: dict[str, list[int]] = {}
        for said, (n, bad) in spoken.items():
            total = seen.setdefault(said, [0, 0])
            total[0] += n
            total[1] += bad
            for w in set(said.split()):
                counts = words.setdefault(w, [0, 0])
                counts[0] += n
                counts[1] += bad
        self.failure_prior = {k: bad / n for k, (n, bad) in seen.items() if n >= 2}
        # a repair's target must have worked here steadily: a request the household gave up on, or one
        # that reached the wrong device unremarked now and then, is no target (edge.learning.sound)
        self.steady = frozenset(
            k for k, (n, bad) in spoken.items() if n >= STEADY_USES and bad <= STEADY_FAILS * n
        )
        self.unreliable = frozenset(w for w, (n, bad) in words.items() if n >= 2 and bad * 2 >= n)
        self.history = tuple(
            Candidate(k, "history", successes=w)
            for k, w in weight.items()
            if self.failure_prior.get(k, 0.0) < 0.5
        )

    def _policy(
        self, layer: str, turns: Sequence[TurnRecord], chain_turns: Sequence[ChainTurn]
    ) -> RetrievalPolicy:
        """A layer's threshold and refusals from what became of this home's rewrites of that layer
        (retrieval, sound; turns the device never answered are not in the goals: the words were not at
        fault)."""
        by_id = {t.turn_id: t for t in chain_turns if t.rewritten}
        outcomes = [
            RetrievalOutcome(c.original, c.rewritten, t.rewrite.score, c.defect)
            for t in turns
            if t.rewrite is not None and t.rewrite.layer == layer and (c := by_id.get(t.turn_id))
        ]
        setting = self.settings.personal_threshold if layer == "retrieval" else SOUND_THRESHOLD
        return policy_from_outcomes(outcomes, setting)

    def rewriter(self) -> LearnedRewriter:
        return LearnedRewriter(
            self.settings,
            personal=self.table if self.personal else RewriteTable(),
            global_table=self.global_table,
            history=self.history,
            failure_prior=self.failure_prior,
            unreliable=self.unreliable,
            retrieval=self.retrieval,
            retrieval_policy=self.retrieval_policy,
            nlu=self.nlu if self.personal and self.sound else None,
            sound_policy=self.sound_policy,
        )


class TableVersions:
    """``table-000001.json`` ... plus ``ACTIVE`` naming the live version; rollback moves ACTIVE back.
    Writes hold the folder's lock (:func:`edge.learning.folder_lock.folder_lock`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def versions(self) -> list[int]:
        return sorted(int(p.stem.split("-")[1]) for p in self.folder.glob("table-*.json"))

    def active_version(self) -> int:
        marker = self.folder / "ACTIVE"
        if marker.is_file():
            return int(marker.read_text().strip() or 0)
        found = self.versions()
        return found[-1] if found else 0

    def path(self, version: int) -> Path:
        return self.folder / f"table-{version:06d}.json"

    def active(self) -> RewriteTable:
        version = self.active_version()
        return RewriteTable.load(self.path(version)) if version else RewriteTable()

    def save(self, table: RewriteTable, activate: bool = True) -> int:
        with folder_lock(self.folder):
            version = max([0, *self.versions()]) + 1
            replace(table, version=version).save(self.path(version))
            if activate:
                self._point(version)
            return version

    def rollback(self) -> int:
        with folder_lock(self.folder):
            current = self.active_version()
            older = [v for v in self.versions() if v < current]
            if not older:
                raise ConfigError(
                    "no earlier rewrite table to roll back to", hint="run `edge learn` to build one first"
                )
            self._point(older[-1])
            return older[-1]

    def _point(self, version: int) -> None:
        tmp = self.folder / "ACTIVE.tmp"
        tmp.write_text(f"{version}\n")
        tmp.replace(self.folder / "ACTIVE")


async def run_when_idle(
    rebuild: Callable[[], object], is_idle: Callable[[], bool], every_s: float = 3600.0, poll_s: float = 30.0
) -> None:
    """The coordinator starts this as a named task: waits for an idle moment, then rebuilds in a thread."""
    while True:
        await asyncio.sleep(every_s)
        waited = 0.0
        while waited < every_s and not is_idle():  # give up waiting after a full period; try next time
            await asyncio.sleep(poll_s)
            waited += poll_s
        if is_idle():
            await asyncio.to_thread(rebuild)
