"""Phrase-level (name) rewrites learned from aligned rephrase pairs (issue 18).

A failed request and the rephrase that worked are aligned word by word; when they differ in one stretch
and the working side says a name or area the home knows there ("turn on the kitten light" -> "turn on the
kitchen light"), the pair of stretches, widened to the whole name ("kitten light" -> "kitchen light"), is
evidence that this home's recognizer hears that name that way. A span rule is accepted with the tables'
discipline (:func:`build_spans`: >= 2 distinct days or >= 2 rephrases, the misheard stretch sounds like the
name, the name works where the misheard stretch fails, the safety policy, quarantine) and applied inside
*any* later request whose words contain the misheard stretch (:func:`apply_spans`); the rewriter applies it
only to requests at risk. Its own outcomes are tracked as the tables' rules are (:func:`track_span`). Pure.

The household's own word for a thing is a span too (:data:`NICKNAME_SPANS`): a stretch in the place of a
whole known name that sounds nothing like it, with a word neither of the home's names nor of its working
requests, no number and no action word ("turn on the mood light" -> "turn on the kitchen lamp": "mood
light" -> "kitchen lamp"), under the same acceptance (days or rephrases, target success, lift, safety).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from edge.feedback.similarity import content_tokens
from edge.learning.chains import ChainTurn, Goal
from edge.learning.edits import ACTION_WORDS, SOUND_ALIKE, sounds_alike
from edge.learning.safety import SafetyPolicy, mentions_safety
from edge.learning.tables import SPAN_LAYER, Acceptance, Rejection, RewriteRule, rule_key
from edge.learning.tracking import ArmCounts, track_outcomes

__all__ = [
    "SPAN_LAYER",
    "SPAN_SOUND",
    "SpanPair",
    "align",
    "alike_spans",
    "apply_spans",
    "build_spans",
    "rule_key",
    "span_pairs",
    "track_span",
]

MAX_SPAN_WORDS = 4
RETRY_S = 30.0  # a request that worked this soon after one that failed may be its retry
NICKNAME_SPANS = True  # a stretch in a name's place that sounds nothing like it: the household's own word
# one rephrase is support for a nickname span when the evidence is clean (as the tables' one-day rules):
# requests heard with it never worked, requests naming its target worked at least ``min_clean_target``
NICKNAME_CLEAN = True
# a request at risk with no span's stretch: a stretch of words this home never used that sounds at least
# this much like a span's misheard stretch counts as it (one name misheard many ways: "glw", "gllow")
SPAN_SOUND = 0.8
MIN_TARGET_SUCCESS = 0.6  # requests naming the target work at least this often (other words may fail)


def align(ref: Sequence[str], hyp: Sequence[str]) -> list[tuple[str, str]]:
    """A minimum-cost word alignment (Levenshtein, unit costs) as (ref word, hyp word) steps; "" marks an
    insertion (no ref word) or a deletion (no hyp word). Ties prefer a match or substitution, then a
    deletion. A pure copy of ``edge.lab.sim.confusions_align.align`` for the runtime."""
    n, m = len(ref), len(hyp)
    d = [[i + j if i == 0 or j == 0 else 0 for j in range(m + 1)] for i in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if ref[i - 1] == hyp[j - 1] else 1
            d[i][j] = min(d[i - 1][j - 1] + cost, d[i - 1][j] + 1, d[i][j - 1] + 1)
    steps: list[tuple[str, str]] = []
    i, j = n, m
    while i or j:
        if i and j and d[i][j] == d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            steps.append((ref[i - 1], hyp[j - 1]))
            i, j = i - 1, j - 1
        elif i and d[i][j] == d[i - 1][j] + 1:
            steps.append((ref[i - 1], ""))
            i -= 1
        else:
            steps.append(("", hyp[j - 1]))
            j -= 1
    steps.reverse()
    return steps


@dataclass(frozen=True, slots=True)
class SpanPair:
    misheard: str
    target: str


def _phrases(words: Sequence[str], known: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of a known phrase in ``words``."""
    out = []
    for phrase in known:
        p = phrase.split()
        for s in range(len(words) - len(p) + 1):
            if p and list(words[s : s + len(p)]) == p:
                out.append((s, s + len(p)))
    return out


def span_pairs(
    failed: str, worked: str, known: Iterable[str], vocabulary: frozenset[str] = frozenset()
) -> list[SpanPair]:
    """The differing stretches of ``failed`` against ``worked`` (canonical texts) that touch a known
    phrase (a name, an area) of ``worked``, each widened to the phrases it touches ("kitten light" ->
    "kitchen light"). A stretch touching no known phrase (another verb, a filler) is left out; one whose
    words do not sound like what they replace (another name), unless they are the household's own word
    for the whole name (:func:`_nickname`, with ``vocabulary``), or whose misheard side is a known phrase
    itself or says nothing but stopwords, gives no pair. With ``vocabulary`` (the words of the
    requests that work in this home), a stretch touching no name is kept when every misheard word is
    unknown there and every word it replaces is known ("kll" -> "kill"): a misheard carrier word."""
    ref, hyp = worked.split(), failed.split()
    steps = align(ref, hyp)
    ref_at = []  # index in ref of each step (an insertion: the ref word it precedes)
    i = 0
    for r, _h in steps:
        ref_at.append(i)
        i += bool(r)
    diff = [k for k, (r, h) in enumerate(steps) if r != h]
    stretches: list[list[int]] = []
    for k in diff:
        if stretches and stretches[-1][-1] == k - 1:
            stretches[-1].append(k)
        else:
            stretches.append([k])
    known = tuple(known)
    phrases = _phrases(ref, known)
    out: list[SpanPair] = []
    for ks in stretches:
        lo, hi = ref_at[ks[0]], ref_at[ks[-1]] + (1 if steps[ks[-1]][0] else 0)
        touching = [(s, e) for s, e in phrases if s < max(hi, lo + 1) and e > min(lo, hi - 1)]
        if not touching:
            mis = [h for _r, h in (steps[k] for k in ks) if h]
            tgt = [r for r, _h in (steps[k] for k in ks) if r]
            if (
                vocabulary
                and mis
                and tgt
                and not any(w in vocabulary for w in mis)
                and all(w in vocabulary for w in tgt)
                and _alike(mis, tgt)
                and len(mis) <= MAX_SPAN_WORDS
            ):
                out.append(SpanPair(" ".join(mis), " ".join(tgt)))
            continue
        lo, hi = min(lo, *(s for s, _ in touching)), max(hi, *(e for _, e in touching))
        first = min([k for k, (r, _h) in enumerate(steps) if r and ref_at[k] >= lo] + [ks[0]])
        last = max([k for k, (r, _h) in enumerate(steps) if r and ref_at[k] < hi] + [ks[-1]])
        region = steps[first : last + 1]
        said_mis = [h for r, h in region if r != h and h]
        said_tgt = [r for r, h in region if r != h and r]
        if not said_mis or not said_tgt:
            continue
        heard_all, meant_all = [h for _r, h in region if h], " ".join(r for r, _h in region if r)
        if not _alike(said_mis, said_tgt) and not (
            NICKNAME_SPANS and meant_all in known and _nickname(heard_all, known, vocabulary)
        ):
            continue
        misheard = " ".join(h for _r, h in region if h)
        target = " ".join(r for r, _h in region if r)
        if len(misheard.split()) > MAX_SPAN_WORDS or misheard in known or not content_tokens(misheard):
            continue
        pair = SpanPair(misheard, target)
        if pair not in out:
            out.append(pair)
    return out


def _nickname(said: list[str], known: Sequence[str], vocabulary: frozenset[str]) -> bool:
    """Do ``said``, the words in a name's place that sound nothing like it, look like the household's own
    word for the thing ("mood light" for "kitchen lamp")? Words of content, no number, one at least
    neither of a known name or area nor of this home's working requests (``vocabulary``)."""
    known_words = {w for k in known for w in k.split()}
    return (
        bool(vocabulary)
        and len(said) <= MAX_SPAN_WORDS - 1
        and bool(content_tokens(" ".join(said)))
        and not any(w.isdigit() or w in ACTION_WORDS for w in said)
        and any(w not in known_words and w not in vocabulary for w in said)
    )


def _alike(misheard: list[str], target: list[str]) -> bool:
    if len(misheard) == len(target) > 1:
        return all(sounds_alike(a, b) >= SOUND_ALIKE for a, b in zip(misheard, target, strict=True))
    return sounds_alike(" ".join(misheard), " ".join(target)) >= SOUND_ALIKE


def _contains(text: str, span: str) -> bool:
    return f" {span} " in f" {text} "


def apply_spans(text: str, rules: Iterable[RewriteRule]) -> str:
    """``text`` with every misheard stretch of ``rules`` (longest first, whole words) replaced."""
    out = f" {text} "
    for rule in sorted(rules, key=lambda r: -len(r.original)):
        if f" {rule.original} " in out:
            out = out.replace(f" {rule.original} ", f" {rule.rewritten} ")
    return out.strip()


def alike_spans(canonical: str, spans: Collection[RewriteRule], known: Collection[str]) -> list[RewriteRule]:
    """The span rules whose misheard stretch sounds like a stretch of ``canonical`` (as many words, none of
    them ``known``), each rewritten to that stretch; none when two rules with different targets meet the
    request (no guessing between names)."""
    words = canonical.split()
    found: list[RewriteRule] = []
    for rule in spans:
        n = len(rule.original.split())
        best, stretch = SPAN_SOUND, ""
        for k in range(len(words) - n + 1):
            part = words[k : k + n]
            if any(w in known or w.isdigit() for w in part):
                continue
            alike = sounds_alike(" ".join(part), rule.original)
            if alike >= best:
                best, stretch = alike, " ".join(part)
        if stretch:
            found.append(replace(rule, original=stretch))
    if len({r.rewritten for r in found}) != 1:
        return []
    return found[:1]


def track_span(rule: RewriteRule, turns: Iterable[ChainTurn]) -> ArmCounts:
    """Outcomes of the requests containing ``rule.original`` since the rule went live: rewritten by it
    (the span replaced) or left as heard (the holdout, or not at risk)."""
    return track_outcomes(rule, turns, within=_contains)


@dataclass(slots=True)
class _Support:
    days: set[int]
    pairs: int = 0


def _span_evidence(
    goals: Sequence[Goal], known: Sequence[str], vocabulary: frozenset[str]
) -> dict[SpanPair, _Support]:
    found: dict[SpanPair, _Support] = {}
    memo: dict[tuple[str, str], list[SpanPair]] = {}

    def add(failed: str, worked: str, day: int) -> None:
        pairs = memo.get((failed, worked))
        if pairs is None:
            pairs = memo[failed, worked] = span_pairs(failed, worked, known, vocabulary)
        for pair in pairs:
            s = found.setdefault(pair, _Support(set()))
            s.days.add(day)
            s.pairs += 1

    for goal in goals:
        final = goal.turns[-1]
        if not final.defect and len(goal.turns) > 1:
            end = final.rewritten or final.original
            for t in goal.turns[:-1]:
                if t.defect and not t.device_fault:
                    add(t.original, end, t.day)
        for t in goal.turns:  # a span rewrite that worked keeps its own evidence
            if t.rewritten and not t.defect:
                add(t.original, t.rewritten, t.day)
    # a failed request and the next one that worked, seconds later, that the rephrase detector left
    # apart: a garbled request shares few words with its retry; the name stretch that sounds alike is
    # the link (span_pairs asks for it)
    goal_of = {t.turn_id: k for k, g in enumerate(goals) for t in g.turns}
    ordered = sorted((t for g in goals for t in g.turns), key=lambda t: (t.session_id, t.t_start))
    for t, u in itertools.pairwise(ordered):
        if (
            t.session_id == u.session_id
            and u.t_start - t.t_start <= RETRY_S
            and t.defect
            and not t.device_fault
            and not u.defect
            and goal_of[t.turn_id] != goal_of[u.turn_id]
        ):
            add(t.original, u.rewritten or u.original, t.day)
    return found


def _vocabulary(turns: Sequence[ChainTurn]) -> frozenset[str]:
    """The words of this home's requests that work: each word's requests work more often than not."""
    counts: dict[str, list[int]] = {}
    for t in turns:
        for w in set((t.rewritten or t.original).split()):
            c = counts.setdefault(w, [0, 0])
            c[0] += 1
            c[1] += not t.defect
    return frozenset(w for w, (n, ok) in counts.items() if ok * 2 > n)


def _outcomes(turns: Sequence[ChainTurn], *, said: bool) -> dict[str, list[int]]:
    """Per distinct text (as heard and not rewritten, or as said): [requests, successes]."""
    out: dict[str, list[int]] = {}
    for t in turns:
        text = (t.rewritten or t.original) if said else ("" if t.rewritten else t.original)
        if text:
            c = out.setdefault(f" {text} ", [0, 0])
            c[0] += 1
            c[1] += not t.defect
    return out


def _success(outcomes: Mapping[str, list[int]], span: str) -> float:
    """Success rate of the requests containing ``span`` (a home says a few hundred distinct things)."""
    n = ok = 0
    needle = f" {span} "
    for text, (k, good) in outcomes.items():
        if needle in text:
            n += k
            ok += good
    return ok / n if n else 0.0


def build_spans(
    goals: Sequence[Goal],
    known: Iterable[str],
    *,
    acceptance: Acceptance | None = None,
    policy: SafetyPolicy | None = None,
    quarantine: frozenset[tuple[str, str]] = frozenset(),
    previous: Mapping[str, RewriteRule] | None = None,
    created_t: float = 0.0,
) -> tuple[dict[str, RewriteRule], list[Rejection]]:
    """Accepted span rules keyed by :func:`rule_key`, and every rejected candidate with its reason."""
    acc = acceptance or Acceptance()
    policy = policy or SafetyPolicy()
    known = tuple(sorted(set(known)))
    turns = [t for g in goals for t in g.turns if not t.device_fault]
    heard, said = _outcomes(turns, said=False), _outcomes(turns, said=True)
    by_misheard: dict[str, list[tuple[SpanPair, _Support]]] = {}
    for pair, sup in _span_evidence(goals, known, _vocabulary(turns)).items():
        by_misheard.setdefault(pair.misheard, []).append((pair, sup))
    rules: dict[str, RewriteRule] = {}
    rejected: list[Rejection] = []
    for misheard, options in by_misheard.items():
        options.sort(key=lambda ps: (-ps[1].pairs, ps[0].target))
        pair, sup = options[0]
        r_mis, r_tgt = _success(heard, misheard), _success(said, pair.target)
        checks = (
            ("ambiguous", len(options) == 1 or options[1][1].pairs < sup.pairs, "another name as often"),
            ("support", len(sup.days) >= acc.min_days or sup.pairs >= acc.min_direct
             or (NICKNAME_CLEAN and r_mis == 0.0 and r_tgt >= acc.min_clean_target
                 and sounds_alike(misheard, pair.target) < SOUND_ALIKE),
             f"days={len(sup.days)} rephrases={sup.pairs}"),
            ("target_success", r_tgt >= MIN_TARGET_SUCCESS, f"R_jS={r_tgt:.2f}"),
            ("lift", r_tgt - r_mis >= acc.min_lift, f"lift={r_tgt - r_mis:.2f}"),
            ("quarantined", (misheard, pair.target) not in quarantine, "retracted or vetoed earlier"),
        )  # fmt: skip
        failed = next(((name, detail) for name, ok, detail in checks if not ok), None)
        if failed is None:
            verdict = policy.check_rewrite(misheard, pair.target)
            if not verdict.allowed or mentions_safety(pair.target, policy.lexicon):
                failed = ("safety", verdict.reason or "target names a safety-critical device")
        if failed is not None:
            rejected.append(Rejection(misheard, pair.target, *failed))
            continue
        sim = round(sounds_alike(misheard, pair.target), 3)
        rule = RewriteRule(
            misheard, pair.target, round(r_tgt, 4), round(r_tgt - r_mis, 4), 0.0,
            len(sup.days), 1, sup.pairs, sim, SPAN_LAYER, created_t,
        )  # fmt: skip
        old = (previous or {}).get(rule_key(rule))
        if old is not None and old.rewritten == pair.target:
            rule = replace(rule, since=old.since)
        rules[rule_key(rule)] = rule
    return rules, rejected
