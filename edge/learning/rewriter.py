"""The online rewriter the turn engine calls before the NLU.

Order: personal exact (the precomputed table) -> global exact -> names (span rules) and retrieval (only
for at-risk requests, only above 0.7 personal / 0.8 global with a margin) -> the household's own request
nearest in sound (:mod:`edge.learning.sound`: only for an at-risk request the NLU cannot act on, only to
a request the NLU acts on) -> none. Nothing learned may reach a safety-critical action:
safety requests are never rewritten and safety targets are never produced. A small deterministic holdout
of table hits stays unrewritten so live rules can be checked (:mod:`edge.learning.tracking`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from edge.config import LearningSettings
from edge.context.model import ContextSnapshot
from edge.feedback.record import Offer
from edge.feedback.similarity import content_tokens
from edge.lang import fold
from edge.learning.askback import OFFER_MARGIN, OfferPolicy, askable, changes_nothing
from edge.learning.canonical import Lexicon, canonicalize
from edge.learning.edits import repairs_only
from edge.learning.globaltable import GlobalTable
from edge.learning.index import Candidate, Hit, RetrievalIndex, registry_requests
from edge.learning.ranker import RankContext, Ranker
from edge.learning.retrieval_policy import RetrievalPolicy
from edge.learning.safety import mentions_safety
from edge.learning.sound import SOUND_LAYER, SoundIndex, keeps_known
from edge.learning.spans import alike_spans, apply_spans
from edge.learning.tables import SPAN_LAYER, RewriteRule, RewriteTable
from edge.learning.tracking import in_holdout
from edge.nlu.catalogue import is_safety_critical
from edge.nlu.questions import read_question
from edge.nlu.types import Intent

__all__ = ["LearnedRewriter", "RewriteResult", "carry_numbers"]

Parse = Callable[[str, ContextSnapshot], "Intent | None"]
_NUM = re.compile(r"\b\d+\b")
AT_RISK_ASR = 0.75
MARGIN = 0.1
SOUND_THRESHOLD = 0.7  # the sound layer's similarity floor (measured: precision 0.93 with the margin)
SOUND_MARGIN = 0.05  # lead over the nearest other request
RANK_TOP = 12


@dataclass(frozen=True, slots=True)
class RewriteResult:
    original: str
    rewritten: str
    layer: str  # "personal" | "span" | "global" | "retrieval" | "sound"
    score: float

    def to_json(self) -> dict[str, object]:
        return {
            "original": self.original,
            "rewritten": self.rewritten,
            "layer": self.layer,
            "score": self.score,
        }


def carry_numbers(query: str, candidate: str) -> str:
    """Slot substitution for numbers: "set the lamp to 40" keeps its 40 in "set the lamp to 50 percent"."""
    q, c = _NUM.findall(query), _NUM.findall(candidate)
    if len(q) == 1 and len(c) == 1:
        return _NUM.sub(q[0], candidate, count=1)
    return candidate


class LearnedRewriter:
    """Cheap per call: exact lookups are dict hits; retrieval is numpy posting lists plus ~20 rankings."""

    def __init__(
        self,
        settings: LearningSettings | None = None,
        *,
        personal: RewriteTable | None = None,
        global_table: GlobalTable | None = None,
        history: Iterable[Candidate] = (),
        failure_prior: Mapping[str, float] | None = None,
        ranker: Ranker | None = None,
        parse: Parse | None = None,
        retrieval: bool = True,
        unreliable: Iterable[str] = (),
        retrieval_policy: RetrievalPolicy | None = None,
        nlu: Parse | None = None,
        sound_policy: RetrievalPolicy | None = None,
    ) -> None:
        self.settings = settings or LearningSettings()
        self.personal = personal if personal is not None else RewriteTable()  # may hold requests only
        self.global_table = global_table or GlobalTable()
        self.history = tuple(history)
        self.failure_prior = dict(failure_prior or {})
        self.ranker = ranker or Ranker.load()
        self.parse = parse
        self.retrieval = retrieval
        self.unreliable = frozenset(unreliable)
        self.retrieval_policy = retrieval_policy or RetrievalPolicy()
        self._index_key: tuple[object, ...] = ()
        self._index: RetrievalIndex | None = None
        self._lexicon = Lexicon()
        self._calls = itertools.count()
        self._spans = self.personal.spans()
        # the sound layer (needs the NLU to tell whether it can act): the household's successful requests
        self.nlu = nlu
        self.sound_policy = sound_policy or RetrievalPolicy()
        self._sound = SoundIndex.of(self.personal.requests) if nlu is not None else SoundIndex()

    # -- index --------------------------------------------------------------------------------------
    def index_for(self, snapshot: ContextSnapshot) -> RetrievalIndex:
        key = tuple(sorted((d.entity_id, d.name, d.aliases) for d in snapshot.devices.values()))
        if self._index is None or key != self._index_key:
            globals_ = [
                Candidate(e.rewritten, "global", votes=e.homes) for e in self.global_table.entries.values()
            ]
            personal_targets = [
                Candidate(r.rewritten, "history", successes=1.0)
                for r in self.personal.rules.values()
                if r.layer != SPAN_LAYER  # a span rule's target is a name, not a request
            ]
            cands = [
                *registry_requests(snapshot.devices.values()),
                *self.history,
                *personal_targets,
                *globals_,
            ]
            self._index = RetrievalIndex(c for c in cands if not mentions_safety(c.text))
            self._index_key = key
            self._lexicon = Lexicon.from_devices(snapshot.devices.values())
        return self._index

    # -- the protocol -------------------------------------------------------------------------------
    def rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = ""
    ) -> RewriteResult | None:
        if not self.settings.enabled or not fold(text):
            return None
        result = self._rewrite(text, snapshot, asr_confidence, turn_id)
        if result is not None and _turns_question_into_command(text, result.rewritten):
            return None  # a question is never rewritten into a command ("how do I turn on the tv")
        return result

    def _rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str
    ) -> RewriteResult | None:
        index = self.index_for(snapshot)
        canonical = canonicalize(text, self._lexicon)
        if mentions_safety(canonical, self._lexicon):
            return None  # a safety request is never rewritten (nor rewritten into)
        holdout_key = turn_id or f"{canonical}#{next(self._calls)}"
        rule = self.personal.lookup(canonical)
        if (
            rule is not None
            and rule.rewritten != canonical
            and not mentions_safety(rule.rewritten, self._lexicon)
        ):
            if in_holdout(holdout_key, self.settings.holdout):
                return None
            return RewriteResult(text, rule.rewritten, "personal", rule.score)
        entry = self.global_table.lookup(canonical)
        safe_entry = entry is not None and not mentions_safety(entry.rewritten, self._lexicon)
        if entry is not None and safe_entry and entry.score >= self.settings.global_threshold:
            if in_holdout(holdout_key, self.settings.holdout):
                return None
            return RewriteResult(text, entry.rewritten, "global", entry.score)
        spans = self._spans
        risky = bool(self.retrieval or spans or len(self._sound)) and self.at_risk(
            canonical, snapshot, asr_confidence, index
        )
        if not risky and not spans:
            # a span rule (a name this home's recognizer mishears, or the household's own word for a thing)
            # applies to every request that says its stretch, at risk or not: the NLU may act confidently on
            # the wrong device ("turn the glow off" read as the guest room light), which no at-risk test
            # sees (docs/learning.md, "Homes the bench has not seen")
            return None
        if spans:
            fixed = self._apply_spans(text, canonical, spans, holdout_key, index if risky else None)
            if fixed is not None and risky and self.retrieval and fixed.rewritten not in index.texts:
                # the name repaired, other words may still be misheard: retrieval from the repaired text
                more = self._retrieve(text, fixed.rewritten, snapshot, index)
                if more is not None:
                    return RewriteResult(text, more.rewritten, SPAN_LAYER, min(fixed.score, more.score))
            if fixed is not None:
                return fixed
        if not risky:
            return None
        found = self._retrieve(text, canonical, snapshot, index) if self.retrieval else None
        return found or self._by_sound(text, canonical, snapshot, holdout_key)

    def _by_sound(
        self, text: str, canonical: str, snapshot: ContextSnapshot, holdout_key: str
    ) -> RewriteResult | None:
        """A request the NLU cannot act on, repaired to the household's own successful request nearest in
        sound, when it clearly is the nearest, keeps every name, area, action word and number heard, and
        the NLU acts on it (:mod:`edge.learning.sound`)."""
        if self.nlu is None or not len(self._sound) or self._reads(text, snapshot) != "cannot":
            return None
        near = self._nearest_in_sound(canonical, keeps_known, SOUND_MARGIN)
        if near is None:
            return None
        target, similarity = near
        if not self.sound_policy.allows(canonical, target, similarity, SOUND_THRESHOLD):
            return None
        if mentions_safety(target, self._lexicon) or self._reads(target, snapshot) != "acts":
            return None
        if in_holdout(holdout_key, self.settings.holdout):
            return None
        return RewriteResult(text, target, SOUND_LAYER, similarity)

    def _nearest_in_sound(
        self, canonical: str, rule: Callable[[str, str, Collection[str]], bool], margin: float
    ) -> tuple[str, float] | None:
        """The household's request nearest in sound to ``canonical`` that ``rule`` allows (the numbers heard
        carried into it), with its similarity, when it is ahead of the next by ``margin``."""
        names = self._lexicon.names | self._lexicon.areas
        match = self._sound.nearest(canonical, lambda t: rule(canonical, carry_numbers(canonical, t), names))
        if match is None or match.margin < margin:
            return None
        return carry_numbers(canonical, match.text), match.similarity

    def offer(
        self, text: str, snapshot: ContextSnapshot, refused: Collection[tuple[str, str]] = ()
    ) -> Offer | None:
        """ "Did you mean ...?" for a request the NLU could not act on (:mod:`edge.learning.askback`): the
        household's steady request nearest in sound, clearly the nearest, which the NLU acts on, on no
        safety device, not refused here (the table's pairs and ``refused``, this session's); None when
        asking is off (``learning.ask_back``) or nothing qualifies. Unlike the silent repair, it may change
        a name, action or number heard: the user says whether it is what they meant."""
        if not (self.settings.enabled and self.settings.ask_back) or self.nlu is None or not len(self._sound):
            return None
        self.index_for(snapshot)  # the lexicon of this snapshot's registry
        canonical = canonicalize(text, self._lexicon)
        if not canonical or mentions_safety(canonical, self._lexicon):
            return None  # a safety request keeps its own confirmation
        near = self._nearest_in_sound(canonical, askable, OFFER_MARGIN)
        if near is None:
            return None
        target, similarity = near
        policy = OfferPolicy(self.personal.offer_threshold, self.personal.offers_refused | set(refused))
        if target == canonical or not policy.allows(canonical, target, similarity):
            return None
        if mentions_safety(target, self._lexicon):
            return None
        intent = self.nlu(target, snapshot)
        if self._reading(intent, snapshot) != "acts" or (
            intent is not None and changes_nothing(intent, snapshot)
        ):
            return None
        return Offer(canonical, target, similarity)

    def _reads(self, text: str, snapshot: ContextSnapshot) -> str:
        """How the NLU reads ``text`` at its operating point: "acts" (an intent, and a device when it
        names one), "cannot", or "safety" (a safety-critical device among its targets: "ulock the font
        door" read as the front door lock is neither repaired nor ever a repair)."""
        assert self.nlu is not None
        return self._reading(self.nlu(text, snapshot), snapshot)

    @staticmethod
    def _reading(intent: Intent | None, snapshot: ContextSnapshot) -> str:
        if intent is None or (intent.slots.get("name") and not intent.targets):
            return "cannot"
        devices = (snapshot.devices.get(e) for e in intent.targets)
        return "safety" if any(d is not None and is_safety_critical(d) for d in devices) else "acts"

    def _apply_spans(
        self,
        text: str,
        canonical: str,
        spans: tuple[RewriteRule, ...],
        holdout_key: str,
        index: RetrievalIndex | None = None,
    ) -> RewriteResult | None:
        """The home's learned name mishearings replaced inside the request (:mod:`edge.learning.spans`),
        never into a safety request; the holdout keeps a share as heard so the rules can be checked. With
        ``index`` (a request at risk), a stretch heard as words this home never used that sounds like a
        span's misheard stretch counts as it (:func:`edge.learning.spans.alike_spans`: "glw", "gllow"
        for a learned "gloow")."""
        live = [r for r in spans if (r.original, r.rewritten) not in self.personal.quarantine]
        used = [r for r in live if f" {r.original} " in f" {canonical} "]
        if not used and index is not None:
            used = alike_spans(canonical, live, self._lexicon.words | index.vocabulary)
        if not used:
            return None
        target = apply_spans(canonical, used)
        if target == canonical or mentions_safety(target, self._lexicon):
            return None
        if in_holdout(holdout_key, self.settings.holdout):
            return None
        return RewriteResult(text, target, SPAN_LAYER, min(r.score for r in used))

    def at_risk(
        self, canonical: str, snapshot: ContextSnapshot, asr_confidence: float, index: RetrievalIndex
    ) -> bool:
        """Low ASR confidence, words neither the registry nor any known request uses, a failure prior, or
        (with a parser) a request the NLU rejects or cannot resolve."""
        if self.failure_prior.get(canonical, 0.0) >= 0.5:
            return True  # this home's own record: it fails at least as often as it works
        if canonical in index.texts:
            return False  # a request this home is known to handle
        if asr_confidence < AT_RISK_ASR:
            return True
        words = [w for w in canonical.split() if not w.isdigit()]
        if any(w not in index.vocabulary for w in words):
            return True
        if self.parse is not None:
            intent = self.parse(canonical, snapshot)
            return intent is None or (bool(intent.slots.get("name")) and not intent.targets)
        return False

    def _retrieve(
        self, text: str, canonical: str, snapshot: ContextSnapshot, index: RetrievalIndex
    ) -> RewriteResult | None:
        hits = index.search(canonical, k=RANK_TOP)
        if not hits:
            return None
        ctx = RankContext({e: s.state for e, s in snapshot.states.items()})
        if self.parse is not None:
            original = self.parse(canonical, snapshot)
            conf = {h.candidate.text: _confidence(self.parse(h.candidate.text, snapshot)) for h in hits[:5]}
            ctx = RankContext(ctx.states, _confidence(original), conf)
        known = self._lexicon.words | (index.vocabulary - self.unreliable)  # this home's words
        blocked = self.retrieval_policy.blocked  # rewrites that failed in this home
        admissible = [
            (h, t)
            for h in hits
            if repairs_only(canonical, t := carry_numbers(canonical, h.candidate.text), known)
            and (canonical, t) not in blocked
        ]
        if not admissible:
            return None
        scored = sorted(
            ((self.ranker.probability(canonical, h, ctx), h, t) for h, t in admissible), key=lambda x: -x[0]
        )
        best_p, best, target = scored[0]
        meaning = _meaning(best.candidate)
        runner_up = next((p for p, h, _t in scored[1:] if _meaning(h.candidate) != meaning), 0.0)
        threshold = (
            self.settings.global_threshold
            if best.candidate.source == "global"
            else self.settings.personal_threshold
        )
        if best.candidate.source != "global":  # the home's own outcomes may ask for more
            threshold = max(threshold, self.retrieval_policy.threshold)
        if best_p < threshold or best_p - runner_up < MARGIN or target == canonical:
            return None
        if mentions_safety(target, self._lexicon):
            return None
        return RewriteResult(text, target, "retrieval", round(best_p, 4))

    def candidates(self, text: str, snapshot: ContextSnapshot, k: int = 20) -> list[Hit]:
        """Retrieval hits for ``text`` (for training the ranker and for inspection)."""
        index = self.index_for(snapshot)
        return index.search(canonicalize(text, self._lexicon), k=k)


def _turns_question_into_command(original: str, rewritten: str) -> bool:
    """A question (not a request phrased as one) whose rewrite is no longer a question."""
    asked = read_question(original)
    if asked is None or asked.kind == "request":
        return False
    after = read_question(rewritten)
    return after is None or after.kind == "request"


def _meaning(c: Candidate) -> tuple[str, ...]:
    """Candidates doing the same thing ("turn on the lamp", "turn on lamp") do not compete for the margin."""
    if c.entity_id:
        return (c.entity_id, c.action)
    return tuple(content_tokens(c.text))


def _confidence(intent: Intent | None) -> float:
    if intent is None:
        return 0.0
    return intent.confidence if not intent.slots.get("name") or intent.targets else intent.confidence / 2
