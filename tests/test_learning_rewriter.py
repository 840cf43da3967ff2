"""The online rewriter: retrieval over personal + global indexes, runtime order, canonical forms, safety."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from edge.config import LearningSettings
from edge.context.model import Capability, ContextSnapshot, Device
from edge.errors import ConfigError
from edge.learning.canonical import Lexicon, canonicalize
from edge.learning.chains import ChainTurn, Goal
from edge.learning.globaltable import GlobalTable, load_global_table
from edge.learning.index import Candidate
from edge.learning.rewriter import LearnedRewriter
from edge.learning.safety import SafetyPolicy
from edge.learning.tables import RewriteRule, RewriteTable, build_table
from edge.nlu.snapshots import make_snapshot

C = Capability
DEVICES = {
    d.entity_id: d
    for d in (
        Device(
            "light.kitchen",
            "kitchen light",
            "light",
            area="kitchen",
            aliases=("cooker lamp",),
            capabilities=frozenset({C.ON_OFF, C.BRIGHTNESS}),
        ),
        Device("light.bedroom", "bedroom light", "light", area="bedroom", capabilities=frozenset({C.ON_OFF})),
        Device("fan.office", "office fan", "fan", area="office", capabilities=frozenset({C.ON_OFF})),
        Device("lock.front_door", "front door", "lock", capabilities=frozenset({C.LOCK})),
        Device(
            "cover.garage",
            "garage door",
            "cover",
            device_class="garage",
            capabilities=frozenset({C.OPEN_CLOSE}),
        ),
    )
}
NO_HOLDOUT = LearningSettings(holdout=0.0)


@pytest.fixture
def snapshot() -> ContextSnapshot:
    return make_snapshot(DEVICES)


def test_canonicalize_strips_wake_fillers_numbers_and_aliases() -> None:
    lex = Lexicon.from_devices(DEVICES.values())
    assert (
        canonicalize("Hey Jarvis, um, set the Cooker Lamp to twenty five!", lex)
        == "set the kitchen light to 25"
    )
    assert "front door" in lex.safety_names


@pytest.mark.parametrize(
    "heard", ["turn on the kitchen lite", "turn on the kitten light", "turn on the kichen light"]
)
def test_retrieval_finds_the_registry_request(snapshot: ContextSnapshot, heard: str) -> None:
    result = LearnedRewriter(NO_HOLDOUT).rewrite(heard, snapshot, asr_confidence=0.55)
    assert result is not None and result.layer == "retrieval"
    assert result.rewritten == "turn on the kitchen light"


def test_retrieval_keeps_numbers(snapshot: ContextSnapshot) -> None:
    result = LearnedRewriter(NO_HOLDOUT).rewrite("set the kitchen lite to 40 percent", snapshot, 0.5)
    assert result is not None and result.rewritten == "set the kitchen light to 40 percent"


@pytest.mark.parametrize(
    "heard", ["what's the weather tomorrow", "tell me a joke", "turn on the kitchen light"]
)
def test_unrelated_or_fine_requests_are_left_alone(snapshot: ContextSnapshot, heard: str) -> None:
    assert LearnedRewriter(NO_HOLDOUT).rewrite(heard, snapshot, asr_confidence=0.5) is None


def test_runtime_order_personal_then_global_then_retrieval(snapshot: ContextSnapshot) -> None:
    rule = RewriteRule("turn on the kitchen lite", "turn on the bedroom light", 0.9, 0.5, 0.5, 2, 1, 2, 0.7)
    personal = RewriteTable(1, 0.0, {rule.original: rule})
    glob = GlobalTable.from_json(
        {
            "version": "1",
            "entries": [
                {
                    "original": "turn on the kitchen lite",
                    "rewritten": "turn on the office fan",
                    "homes": 30,
                    "score": 0.9,
                },
                {
                    "original": "turn on the kitchen lights please",
                    "rewritten": "turn on the office fan",
                    "homes": 30,
                    "score": 0.9,
                },
            ],
        }
    )
    both = LearnedRewriter(NO_HOLDOUT, personal=personal, global_table=glob)
    first = both.rewrite("turn on the kitchen lite", snapshot, 0.9)
    assert first is not None and (first.layer, first.rewritten) == ("personal", "turn on the bedroom light")
    second = LearnedRewriter(NO_HOLDOUT, global_table=glob).rewrite("turn on the kitchen lite", snapshot, 0.9)
    assert second is not None and (second.layer, second.rewritten) == ("global", "turn on the office fan")
    third = LearnedRewriter(NO_HOLDOUT).rewrite("turn on the kitchen lite", snapshot, 0.5)
    assert third is not None and third.layer == "retrieval"
    assert (
        LearnedRewriter(NO_HOLDOUT, retrieval=False).rewrite("turn on the kitchen lite", snapshot, 0.5)
        is None
    )


def test_holdout_leaves_some_table_hits_unrewritten(snapshot: ContextSnapshot) -> None:
    rule = RewriteRule("kill the office fan", "turn off the office fan", 0.9, 0.5, 0.5, 2, 1, 2, 0.7)
    rw = LearnedRewriter(LearningSettings(holdout=0.1), personal=RewriteTable(1, 0.0, {rule.original: rule}))
    results = [rw.rewrite("kill the office fan", snapshot, 0.9, turn_id=f"t{i}") for i in range(400)]
    held = sum(r is None for r in results)
    assert 15 < held < 70


def test_retrieval_is_fast_with_2000_utterances(snapshot: ContextSnapshot) -> None:
    words = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
        "kilo",
        "lima",
    ]
    history = [
        Candidate(f"play {a} {b} {c} {d} on the office speaker", "history", 2.0)
        for a in words
        for b in words
        for c in words
        for d in words[:2]
    ][:2000]
    rw = LearnedRewriter(NO_HOLDOUT, history=history)
    rw.rewrite("turn on the kitchen lite", snapshot, 0.5)  # builds the index
    n = 50
    t0 = time.perf_counter()
    for _ in range(n):
        rw.rewrite("turn on the kitchen lite", snapshot, 0.5)
    per_call_ms = (time.perf_counter() - t0) / n * 1000
    print(f"rewrite: {per_call_ms:.2f} ms per call over {len(rw.index_for(snapshot))} utterances")
    assert len(rw.index_for(snapshot)) >= 2000


# -- adversarial safety ----------------------------------------------------------------------------


def _chain(bad: str, good: str, days: int = 4) -> list[Goal]:
    return [
        Goal(
            (
                ChainTurn(f"b{d}{k}", "s", "h", d * 86_400.0 + k, bad, "", True),
                ChainTurn(f"g{d}{k}", "s", "h", d * 86_400.0 + k + 5, good, "", False),
            )
        )
        for d in range(days)
        for k in range(3)
    ]


def test_repeated_rephrasing_of_open_the_garage_never_becomes_a_rule() -> None:
    lex = Lexicon.from_devices(DEVICES.values())
    table = build_table(_chain("open the grage", "open the garage door"), policy=SafetyPolicy(lex))
    assert len(table) == 0 and table.rejected[0].rule == "safety"


def test_a_rewrite_into_unlock_the_front_door_is_refused() -> None:
    lex = Lexicon.from_devices(DEVICES.values())
    table = build_table(_chain("on lock the front store", "unlock the front door"), policy=SafetyPolicy(lex))
    assert len(table) == 0
    # a target naming only the device (no safety verb) is caught through the home's safety names
    table = build_table(_chain("open the front dour", "the front door please"), policy=SafetyPolicy(lex))
    assert len(table) == 0


def test_global_entries_pointing_at_unlock_are_dropped(tmp_path: Path, snapshot: ContextSnapshot) -> None:
    path = tmp_path / "global.json"
    path.write_text(
        json.dumps(
            {
                "version": "7",
                "entries": [
                    {
                        "original": "let me in",
                        "rewritten": "unlock the front door",
                        "homes": 500,
                        "score": 0.99,
                    },
                    {
                        "original": "open sesame",
                        "rewritten": "open the garage door",
                        "homes": 500,
                        "score": 0.99,
                    },
                    {"original": "buy it", "rewritten": "purchase the item", "homes": 500, "score": 0.99},
                    {"original": "lights of", "rewritten": "turn off the lights", "homes": 40, "score": 0.95},
                ],
            }
        )
    )
    table = load_global_table(path)
    assert set(table.entries) == {"lights of"} and table.dropped == 3
    rw = LearnedRewriter(NO_HOLDOUT, global_table=table)
    for said in ("let me in", "open sesame", "unlock the front dor", "open the garage dor"):
        assert rw.rewrite(said, snapshot, 0.3) is None


def test_a_personal_rule_into_a_safety_target_is_never_applied_at_runtime(snapshot: ContextSnapshot) -> None:
    rule = RewriteRule("front dor", "unlock the front door", 0.99, 0.9, 0.9, 9, 1, 9, 0.9)
    rw = LearnedRewriter(NO_HOLDOUT, personal=RewriteTable(1, 0.0, {rule.original: rule}))
    assert rw.rewrite("front dor", snapshot, 0.9) is None  # the original names a safety device


def test_bad_global_table_gives_an_error_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "g.json").write_text("{not json")
    with pytest.raises(ConfigError) as err:
        load_global_table(tmp_path / "g.json")
    assert err.value.hint
    with pytest.raises(ConfigError):
        GlobalTable.from_json({"version": 1})
