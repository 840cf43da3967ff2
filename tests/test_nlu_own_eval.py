"""The committed model on the project's own evaluation sets (tests/data/): everyday home requests phrased
unlike the training templates, and out-of-domain requests sharing their words. ``nlu_dev_eval.tsv``
guided which template families were added; ``nlu_blind_eval.tsv`` never changed anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edge.config import Settings
from edge.errors import ConfigError
from edge.lab.bench.nlu import BLIND_EVAL, DEV_EVAL, PARTS, evaluate_own, read_own, selected_parts
from edge.nlu.catalogue import by_name
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot

SETS = [pytest.param(DEV_EVAL, id="dev"), pytest.param(BLIND_EVAL, id="blind")]
# At most this many out-of-domain rows may move a device: 2 on each set. The blind set is never tuned on; the
# first model run on it had 3 (a game, a question about vacuums, "turn the page"), the current one has 2.
MAX_FALSE_ACTIONS = {DEV_EVAL: 2, BLIND_EVAL: 2}


@pytest.fixture(scope="module")
def parser() -> NLUParser:
    return NLUParser(Settings())


def figures(parser: NLUParser, path: Path) -> dict[str, Any]:
    snapshot = make_snapshot(demo_devices(), area="living room")

    def predict(text: str) -> tuple[str | None, dict[str, str]]:
        intent = parser.parse(text, snapshot)
        return (intent.name, dict(intent.slots)) if intent else (None, {})

    return evaluate_own(read_own(path), predict)


@pytest.mark.parametrize("path", SETS)
def test_the_set_is_well_formed(path: Path) -> None:
    rows = read_own(path)
    home = [want for want, _text in rows if want != "OutOfDomain"]
    ood = [want for want, _text in rows if want == "OutOfDomain"]
    assert len(home) >= 60 and len(ood) >= 60
    assert all(by_name(want) is not None for want in home), "every expected intent is in the catalogue"
    texts = [text for _want, text in rows]
    assert len(set(texts)) == len(texts), "no sentence twice"


def test_the_sets_do_not_share_sentences() -> None:
    dev = {text for _want, text in read_own(DEV_EVAL)}
    blind = {text for _want, text in read_own(BLIND_EVAL)}
    assert not dev & blind


@pytest.mark.parametrize("path", SETS)
def test_home_requests_are_understood(parser: NLUParser, path: Path) -> None:
    result = figures(parser, path)
    assert result["home_intent_accuracy"] >= 0.90, result["home_misses"]


@pytest.mark.parametrize("path", SETS)
def test_out_of_domain_requests_move_nothing(parser: NLUParser, path: Path) -> None:
    result = figures(parser, path)
    assert result["ood_false_actions"] <= MAX_FALSE_ACTIONS[path], result["ood_false_action_texts"]


def test_the_evaluation_can_fail() -> None:
    """A predictor that always turns something on fails both parts."""
    always_on = evaluate_own(read_own(DEV_EVAL), lambda _text: ("HassTurnOn", {}))
    assert always_on["ood_false_actions"] == always_on["ood_rows"]
    assert always_on["home_intent_accuracy"] < 0.3


def test_bench_parts_are_chosen_by_name() -> None:
    """``edge bench nlu --only context,ha`` runs those parts; an unknown part is a clear error."""
    assert selected_parts("") == frozenset(PARTS)
    assert selected_parts(" context, ha ") == {"context", "ha"}
    with pytest.raises(ConfigError, match="unknown bench nlu part"):
        selected_parts("context,hwu64")
