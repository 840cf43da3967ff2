"""Phrase-level (name) rewrites learned from aligned rephrase pairs (`edge/learning/spans.py`): the alignment
and span extraction, acceptance and safety, application inside another request, retraction, and the whole
path through a real turn store, `rebuild_tables` and `learned_rewriter`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from edge.config import LearningSettings, Settings
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.feedback.record import FeedbackSignal, Label, SignalKind, TurnRecord
from edge.feedback.store import TurnStore
from edge.learning.canonical import Lexicon
from edge.learning.chains import ChainTurn, Goal
from edge.learning.household import Choices
from edge.learning.index import Candidate
from edge.learning.loop import Learner, TableVersions
from edge.learning.rewriter import LearnedRewriter
from edge.learning.safety import SafetyPolicy
from edge.learning.spans import align, alike_spans, apply_spans, build_spans, span_pairs, track_span
from edge.learning.tables import SPAN_LAYER, RewriteRule, RewriteTable, rule_key
from edge.learning.tracking import Verdict, decide
from edge.web.reads import _rule_views
from edge.wiring import learned_rewriter, rebuild_tables

DAY = 86_400.0
DEVICES = (
    Device("light.kitchen", "kitchen light", "light", area="kitchen"),
    Device("light.mood", "mood light", "light", area="living room"),
    Device("lock.front", "front door lock", "lock", area="hallway"),
    Device("media_player.kitchen", "kitchen speaker", "media_player", area="kitchen"),
)
LEX = Lexicon.from_devices(DEVICES)
KNOWN = LEX.names | LEX.areas


def snapshot() -> ContextSnapshot:
    devices = {d.entity_id: d for d in DEVICES}
    states = {e: DeviceState("off") for e in devices}
    return ContextSnapshot(1, Satellite(area="kitchen"), devices, states, datetime(2024, 1, 5, 20, 0))


def test_align_marks_substitutions_insertions_and_deletions() -> None:
    assert align(["turn", "on", "the", "light"], ["turn", "the", "lite"]) == [
        ("turn", "turn"), ("on", ""), ("the", "the"), ("light", "lite"),
    ]  # fmt: skip
    assert align(["a"], ["a", "b"]) == [("a", "a"), ("", "b")]


def pairs(failed: str, worked: str) -> list[tuple[str, str]]:
    return [(p.misheard, p.target) for p in span_pairs(failed, worked, KNOWN)]


def test_span_pairs_widen_the_differing_stretch_to_the_known_name() -> None:
    kitchen = [("kitten light", "kitchen light")]
    assert pairs("turn on the kitten light", "turn on the kitchen light") == kitchen
    assert pairs("turn on the moonlight", "turn on the mood light") == [("moonlight", "mood light")]
    # another verb in the retry is no name: only the name's stretch is learned
    assert pairs("kill the kitten light", "turn off the kitchen light") == kitchen


def test_span_pairs_refuse_what_is_not_a_misheard_name() -> None:
    # a different name (a change of mind), not a mishearing of it
    assert pairs("turn on the mood light", "turn on the kitchen light") == []
    # a word that sounds nothing like the name is no mishearing; without the home's vocabulary it cannot be
    # told for the household's own word (test_a_households_own_word_for_a_thing_is_a_span)
    assert pairs("turn on the reading nook", "turn on the kitchen light") == []
    # the differing words are no known name or area
    assert pairs("turn on the kitchen light please", "turn on the kitchen light now") == []
    # nothing differs
    assert pairs("turn on the kitchen light", "turn on the kitchen light") == []


def chain(tid: str, day: int, original: str, defect: bool, rewritten: str = "", k: int = 0) -> ChainTurn:
    return ChainTurn(tid, f"s{day}-{k}", "h", day * DAY + k * 600.0, original, rewritten, defect)


def rephrase_goals(days: list[int], bad: str, good: str) -> list[Goal]:
    return [
        Goal((chain(f"b{d}{k}", d, bad, True, k=k), chain(f"g{d}{k}", d, good, False, k=k)))
        for k, d in enumerate(days)
    ]


def test_a_span_is_accepted_on_two_days_and_refused_on_one() -> None:
    bad, good = "turn on the kitten light", "turn on the kitchen light"
    rules, _rejected = build_spans(rephrase_goals([0, 1], bad, good), KNOWN, policy=SafetyPolicy(LEX))
    rule = rules[rule_key(RewriteRule("kitten light", "", 0, 0, 0, 0, 0, 0, 0, SPAN_LAYER))]
    assert (rule.original, rule.rewritten, rule.layer, rule.days) == (
        "kitten light",
        "kitchen light",
        "span",
        2,
    )
    rules, rejected = build_spans(rephrase_goals([0], bad, good), KNOWN, policy=SafetyPolicy(LEX))
    assert not rules and [r.rule for r in rejected] == ["support"]


def test_a_lock_is_never_the_target_of_a_learned_span() -> None:
    goals = rephrase_goals([0, 1, 2], "check the front door luck", "check the front door lock")
    rules, rejected = build_spans(goals, KNOWN, policy=SafetyPolicy(LEX))
    assert not rules and {r.rule for r in rejected} == {"safety"}
    # and the rewriter refuses it even from a table that holds one
    lock = RewriteRule("door luck", "door lock", 1.0, 0.9, 0, 3, 1, 3, 0.9, SPAN_LAYER)
    table = RewriteTable(1, 0.0, {rule_key(lock): lock})
    rewriter = LearnedRewriter(personal=table, retrieval=False)
    assert rewriter.rewrite("check the front door luck", snapshot(), 0.3) is None


def test_quarantined_spans_are_not_learned_again() -> None:
    goals = rephrase_goals([0, 1], "turn on the kitten light", "turn on the kitchen light")
    rules, rejected = build_spans(goals, KNOWN, quarantine=frozenset({("kitten light", "kitchen light")}))
    assert not rules and [r.rule for r in rejected] == ["quarantined"]


def span_table() -> RewriteTable:
    rule = RewriteRule("kitten light", "kitchen light", 0.95, 0.9, 0, 2, 1, 2, 0.8, SPAN_LAYER)
    return RewriteTable(1, 0.0, {rule_key(rule): rule})


def test_a_span_is_applied_inside_a_different_request() -> None:
    rewriter = LearnedRewriter(LearningSettings(holdout=0.0), personal=span_table())
    result = rewriter.rewrite("dim the kitten light to 30 percent", snapshot(), 0.4)
    assert result is not None and result.layer == "span"
    assert result.rewritten == "dim the kitchen light to 30 percent"
    assert span_table().lookup("kitten light") is None  # a span never matches a whole request
    # a request the home is known to handle, heard confidently, is not at risk: left alone
    assert rewriter.rewrite("turn on the kitchen light", snapshot(), 0.95) is None
    assert apply_spans("the kitten light and the kitten light", span_table().spans()) == (
        "the kitchen light and the kitchen light"
    )


def test_a_span_applies_where_the_nlu_acts_confidently_on_the_wrong_device() -> None:
    """The household's own word ("glow" for the mood light) heard right and confidently, in a request the
    home's log counts as handled (the NLU read it as another device and nobody objected): no at-risk test
    sees it, the span still applies; a request without the stretch is left alone."""
    glow = RewriteRule("glow", "mood light", 0.95, 0.9, 0, 2, 1, 2, 0.1, SPAN_LAYER)
    table = RewriteTable(1, 0.0, {rule_key(glow): glow})
    known = [Candidate("turn the glow off", "history", successes=3.0)]
    rewriter = LearnedRewriter(LearningSettings(holdout=0.0), personal=table, history=known)
    index = rewriter.index_for(snapshot())
    assert not rewriter.at_risk("turn the glow off", snapshot(), 0.95, index)
    result = rewriter.rewrite("turn the glow off", snapshot(), 0.95)
    assert result is not None and (result.layer, result.rewritten) == ("span", "turn the mood light off")
    assert rewriter.rewrite("turn off the kitchen light", snapshot(), 0.95) is None
    # a safety request is never rewritten, at risk or not
    lock = RewriteRule("glow", "front door lock", 0.95, 0.9, 0, 2, 1, 2, 0.1, SPAN_LAYER)
    locked = RewriteTable(1, 0.0, {"span:glow": lock})
    unsafe = LearnedRewriter(LearningSettings(holdout=0.0), personal=locked)
    assert unsafe.rewrite("unlock the glow", snapshot(), 0.95) is None
    assert unsafe.rewrite("turn the glow off", snapshot(), 0.95) is None


def test_a_name_misheard_many_ways_meets_its_span_by_sound() -> None:
    """The household's "glow" heard as "gloow" learned; "glw" and "gllow" later, words this home never
    used, sound like it: in a request at risk they count as the span's stretch. A word the home uses, or
    two spans with different names meeting the request, are left alone."""
    gloow = RewriteRule("gloow", "mood light", 0.95, 0.9, 0, 2, 1, 2, 0.1, SPAN_LAYER)
    assert [(r.original, r.rewritten) for r in alike_spans("turn the glw off", [gloow], set())] == [
        ("glw", "mood light")
    ]
    assert alike_spans("turn the glow off", [gloow], {"glow"}) == []  # a word of this home
    assert alike_spans("turn the kitchen light off", [gloow], set()) == []  # nothing sounds like it
    other = RewriteRule("gllw", "kitchen light", 0.95, 0.9, 0, 2, 1, 2, 0.1, SPAN_LAYER)
    assert alike_spans("turn the glw off", [gloow, other], set()) == []  # which name? no guess
    rewriter = LearnedRewriter(
        LearningSettings(holdout=0.0), personal=RewriteTable(1, 0.0, {"span:gloow": gloow})
    )
    result = rewriter.rewrite("turn the gllow off", snapshot(), 0.4)
    assert result is not None and (result.layer, result.rewritten) == ("span", "turn the mood light off")


def test_a_span_that_keeps_failing_is_retracted() -> None:
    rule = span_table().spans()[0]
    turns = [
        chain(f"r{k}", 1, "play jazz on the kitten light", True, "play jazz on the kitchen light", k)
        for k in range(5)
    ] + [chain("o1", 1, "turn the kitten light off", False, k=9)]
    counts = track_span(rule, turns)
    assert (counts.rewritten_ok, counts.rewritten_bad, counts.original_ok) == (0, 5, 1)
    assert decide(rule, counts).verdict is Verdict.RETRACT


def turn(turn_id: str, t: float, text: str, ok: bool) -> TurnRecord:
    return TurnRecord(
        turn_id=turn_id, session_id=f"s{int(t // 600)}", home_id="h", t_start=t, t_end=t + 2, asr_text=text,
        text=text, intent="HassTurnOn" if ok else None, slots={"name": "kitchen light"} if ok else {},
        intent_confidence=0.9 if ok else 0.2, targets=("light.kitchen",) if ok else (),
        result_ok=True if ok else None, label=(Label.SUCCESS if ok else Label.DEFECT).value,
    )  # fmt: skip


def test_the_store_rebuild_and_runtime_rewriter_learn_and_apply_a_name(tmp_path: Path) -> None:
    db = tmp_path / "turns.sqlite3"
    with TurnStore(db) as store, store.transaction():
        for day in range(3):  # each day a different request with the same mishearing, then its rephrase
            t = day * DAY + 3600.0
            said = ("turn on the {} light", "switch on the {} light", "turn on the {} light please")[day]
            bad, good = (
                turn(f"b{day}", t, said.format("kitten"), False),
                turn(f"g{day}", t + 8, said.format("kitchen"), True),
            )
            store.add_turn(bad)
            store.add_turn(good)
            store.add_signal(FeedbackSignal(bad.turn_id, SignalKind.REPHRASE, t + 8, 0.9, {}, good.turn_id))
    settings = Settings()
    rebuilt = rebuild_tables(settings, db, DEVICES)
    spans = rebuilt.report.table.spans()
    assert [(r.original, r.rewritten) for r in spans] == [("kitten light", "kitchen light")]
    rewriter = learned_rewriter(settings, db)
    assert rewriter is not None
    results = [
        rewriter.rewrite("set the kitten light to 40 percent", snapshot(), 0.5, f"x{i}") for i in range(30)
    ]
    applied = [r for r in results if r is not None]
    assert applied and all(r.rewritten == "set the kitchen light to 40 percent" for r in applied)
    assert {r.layer for r in applied} == {"span"}


def test_the_learner_without_spans_learns_none() -> None:
    goals_turns = []
    for day in range(2):
        t = day * DAY
        goals_turns += [
            turn(f"b{day}", t, "turn on the kitten light", False),
            turn(f"g{day}", t + 8, "turn on the kitchen light", True),
        ]
    signals = {
        f"b{d}": [FeedbackSignal(f"b{d}", SignalKind.REPHRASE, d * DAY + 8, 0.9, {}, f"g{d}")]
        for d in range(2)
    }
    on, off = Learner(), Learner(spans=False)
    on.rebuild(goals_turns, signals, 2 * DAY, LEX)
    off.rebuild(goals_turns, signals, 2 * DAY, LEX)
    assert [r.original for r in on.table.spans()] == ["kitten light"] and not off.table.spans()


def test_a_misheard_carrier_word_is_a_span_when_the_home_knows_the_word() -> None:
    vocabulary = frozenset({"kill", "the", "kitchen", "light", "turn", "off"})
    got = span_pairs("kll the kitchen light", "kill the kitchen light", KNOWN, vocabulary)
    assert [(p.misheard, p.target) for p in got] == [("kll", "kill")]
    # a real word of this home is never taken for a mishearing of another one
    assert span_pairs("turn the kitchen light", "kill the kitchen light", KNOWN, vocabulary) == []


HOME_WORDS = frozenset(
    {"turn", "on", "off", "the", "kitchen", "light", "dim", "to", "hallway", "front", "door"}
)


def test_a_households_own_word_for_a_thing_is_a_span() -> None:
    def own(failed: str, worked: str) -> list[tuple[str, str]]:
        return [(p.misheard, p.target) for p in span_pairs(failed, worked, KNOWN, HOME_WORDS)]

    nook = [("reading nook", "kitchen light")]
    assert own("turn on the reading nook", "turn on the kitchen light") == nook  # sounds nothing like it
    assert own("put the reading nook on", "turn on the kitchen light") == []  # "on" is no part of a name
    assert own("turn on the hallway", "turn on the kitchen light") == []  # another thing the home has
    assert own("turn the reading nook on", "turn the kitchen light on") == nook
    assert own("reading nook to 40", "dim the kitchen light to 40") == []  # "dim the" is no name

    goals = rephrase_goals([0, 1], "turn on the reading nook", "turn on the kitchen light")
    # the home's other requests work: its vocabulary
    goals += [Goal((chain(f"o{d}", d, "turn off the kitchen light", False, k=5),)) for d in (0, 1)]
    rules, _rejected = build_spans(goals, KNOWN, policy=SafetyPolicy(LEX))
    rule = rules["span:reading nook"]
    assert (rule.rewritten, rule.layer, rule.days) == ("kitchen light", SPAN_LAYER, 2)
    table = RewriteTable(1, 0.0, rules)
    rewriter = LearnedRewriter(LearningSettings(holdout=0.0), personal=table, retrieval=False)
    got = rewriter.rewrite("turn off the reading nook", snapshot(), 0.3)  # another request, at risk
    assert got is not None and (got.rewritten, got.layer) == ("turn off the kitchen light", "span")
    # one rephrase is support when the evidence is clean: the nickname never worked as heard, the name
    # always did; not when the name failed too, nor for a stretch that sounds like the name
    assert "span:reading nook" in build_spans(goals[:1], KNOWN, policy=SafetyPolicy(LEX))[0]
    failed_too = [*goals[:1], Goal((chain("x", 0, "turn on the kitchen light", True, k=7),))]
    assert not build_spans(failed_too, KNOWN, policy=SafetyPolicy(LEX))[0]
    kitten = rephrase_goals([0], "turn on the kitten light", "turn on the kitchen light")
    assert not build_spans(kitten, KNOWN, policy=SafetyPolicy(LEX))[0]
    # a nickname of the lock is never learned
    lock = rephrase_goals([0, 1, 2], "lock the castle gate", "lock the front door lock")
    rules, rejected = build_spans(lock, KNOWN, policy=SafetyPolicy(LEX))
    assert not rules and {r.rule for r in rejected} == {"safety"}


def test_the_household_page_lists_a_span_rule_with_its_own_outcomes(tmp_path: Path) -> None:
    versions = TableVersions(tmp_path / "learning")
    versions.save(span_table())
    views = _rule_views([], versions, Choices())
    assert [(v.rule.original, v.rule.rewritten, v.rule.layer) for v in views] == [
        ("kitten light", "kitchen light", "span")
    ]


def test_an_unlinked_retry_seconds_later_is_evidence_for_the_name() -> None:
    # the detector left the garbled request and its retry apart: each is a goal of its own
    goals = []
    for day in (0, 1):
        bad = chain(f"b{day}", day, "so on the kitten light", True)
        good = replace(chain(f"g{day}", day, "turn on the kitchen light", False), t_start=bad.t_start + 9)
        late = replace(chain(f"l{day}", day, "turn on the kitchen light", False), t_start=bad.t_start + 200)
        goals += [Goal((bad,)), Goal((good,)), Goal((late,))]
    rules, _ = build_spans(goals, KNOWN, policy=SafetyPolicy(LEX))
    assert [(r.original, r.rewritten, r.direct) for r in rules.values()] == [
        ("kitten light", "kitchen light", 2)
    ]
    # a success minutes later is not a retry
    far = [g for g in goals if not g.turns[0].turn_id.startswith("g")]
    assert build_spans(far, KNOWN, policy=SafetyPolicy(LEX))[0] == {}


def test_retrieval_continues_from_the_repaired_name_and_the_layer_stays_span() -> None:
    rewriter = LearnedRewriter(LearningSettings(holdout=0.0), personal=span_table())
    result = rewriter.rewrite("switch of the kitten light", snapshot(), 0.4)
    assert result is not None and result.layer == "span" and "kitchen light" in result.rewritten
