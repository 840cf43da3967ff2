"""Issue 14's idiom families and negatives, the held-out guard, and the adjudicated HWU64 figure."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from edge import resources
from edge.lab.bench._hwu_adjudicated import ADJUDICATED
from edge.lab.bench.nlu import evaluate_hwu
from edge.lab.training import pools as P
from edge.lab.training.examples import Example
from edge.lab.training.generate import family_examples
from edge.lab.training.heldout import drop_heldout, heldout_sentences
from edge.lab.training.hwu64 import IOT_MAP, HwuRow, iot_expected, read_hwu64
from edge.lab.training.templates import FAMILIES, RULES
from edge.lab.training.templates_household import HOUSEHOLD_FAMILIES
from edge.lab.training.templates_idioms import IDIOM_FAMILIES
from edge.nlu.catalogue import by_name
from edge.nlu.grammar import parse_template


def _generated(name: str, n: int = 150) -> list[Example]:
    rng = random.Random(5)
    pools = P.build_pools(resources.data_dir(), rng)
    rules = {k: parse_template(v) for k, v in RULES.items()}
    return family_examples(IDIOM_FAMILIES[name], pools, rng, rules, n)


def test_the_idiom_families_come_just_before_the_household_ones() -> None:
    names = list(FAMILIES)
    end = len(names) - len(HOUSEHOLD_FAMILIES)
    assert names[end - len(IDIOM_FAMILIES) : end] == list(IDIOM_FAMILIES)
    assert names[end:] == list(HOUSEHOLD_FAMILIES)


@pytest.mark.parametrize("name", sorted(IDIOM_FAMILIES))
def test_every_idiom_family_labels_a_catalogue_intent(name: str) -> None:
    examples = _generated(name, 60)
    assert len(examples) >= 50
    for ex in examples:
        assert ex.intent == "OutOfDomain" or by_name(ex.intent) is not None, ex
    if name.startswith("neg_"):
        assert {ex.intent for ex in examples} == {"OutOfDomain"}
    else:
        assert all(by_name(ex.intent) and by_name(ex.intent).moves_device for ex in examples)  # type: ignore[union-attr]


def test_game_negatives_name_games_from_the_wider_pool() -> None:
    texts = {" ".join(ex.tokens) for ex in _generated("neg_games_apps", 400)}
    assert any("league of legends" in t for t in texts) or any("canasta" in t for t in texts)
    assert all("play" in t or "open" in t or "launch" in t or "start" in t or "load" in t for t in texts)


def test_drop_heldout_removes_exact_evaluation_sentences_only() -> None:
    keep = Example(("put", "the", "lamp", "out"), ("O", "O", "O", "O"), "HassTurnOff")
    drop = Example(("lights", "out"), ("O", "O"), "HassTurnOff")
    assert drop_heldout([keep, drop], frozenset({"lights out"}), "test") == [keep]


def test_the_guard_knows_the_evaluation_sentences_of_the_checkout() -> None:
    held = heldout_sentences(None)  # tests/data only
    assert "is the office lamp on" in held or len(held) > 100


def test_no_idiom_family_carries_an_evaluation_sentence(shared_data: Path) -> None:
    held = heldout_sentences(shared_data)
    assert len(held) > 3000  # HWU64's held-out half + HA's tests + tests/data
    for name in IDIOM_FAMILIES:
        kept = drop_heldout(_generated(name, 300), held, name)
        assert not [ex for ex in kept if " ".join(ex.tokens) in held]


def _iot_dev(shared: Path) -> list[HwuRow]:
    return [r for r in read_hwu64(shared) if r.held_out and r.scenario == "iot" and r.intent in IOT_MAP]


def test_adjudicated_rows_are_iot_dev_rows_read_otherwise_than_labelled(shared_data: Path) -> None:
    rows = {r.answer_id: r for r in _iot_dev(shared_data)}
    for answer_id, verdict in ADJUDICATED.items():
        assert answer_id in rows, answer_id
        assert verdict.why
        assert [a for a in verdict.accepted if a != iot_expected(rows[answer_id])], answer_id
        for intent in verdict.accepted:
            assert intent is None or by_name(intent) is not None


def test_the_adjudicated_figure_sits_beside_the_raw_one(shared_data: Path) -> None:
    rows = read_hwu64(shared_data)
    by_text = {r.text: r for r in _iot_dev(shared_data)}

    def catalogue_reading(text: str) -> tuple[str | None, dict[str, str]]:
        row = by_text.get(text)
        if row is None:
            return None, {}
        verdict = ADJUDICATED.get(row.answer_id)
        if verdict is None:
            return iot_expected(row), {}
        return next(a for a in verdict.accepted if a != iot_expected(row)), {}

    report = evaluate_hwu(rows, catalogue_reading)
    assert report["iot_rows_adjudicated"] == len(ADJUDICATED)
    assert report["iot_intent_accuracy_adjudicated"] == 1.0
    wrong = len(ADJUDICATED) / report["iot_rows"]
    assert report["iot_intent_accuracy"] == pytest.approx(1.0 - wrong)
