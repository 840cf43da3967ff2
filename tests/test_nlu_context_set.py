"""Issue 14's context evaluation set (tests/data/context_eval.jsonl, context_blind.jsonl) is well-formed over
its homes, and the bench parts score as the device acts: with the real NLU model, the real planner and the
real home files; the calibration arithmetic on hand-made points."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from edge.config import Settings, project_root
from edge.lab.bench._nlu_calibration import (
    THRESHOLDS,
    Resolved,
    calibration_report,
    expected_calibration_error,
    format_risk_coverage,
    risk_coverage,
    slots_match,
)
from edge.lab.bench._nlu_context import (
    CONTEXT_BLIND,
    CONTEXT_EVAL,
    HOMES,
    ContextCase,
    Outcome,
    case_problems,
    context_report,
    device_outcome,
    evaluate_context,
    load_homes,
    passes,
    read_cases,
    snapshot_for,
)
from edge.nlu.catalogue import by_name
from edge.nlu.parser import NLUParser

# HA intent names the expectations may accept beside the catalogue's own (the catalogue is moving to HA's)
HA_NAMES = {"HassSetVolumeRelative"}


@pytest.fixture(scope="module")
def parser() -> NLUParser:
    return NLUParser(Settings())


def _shared() -> Path | None:
    path = Path(os.environ.get("EDGE_SHARED_DATA", project_root().parent / "shared" / "data"))
    return path if path.is_dir() else None


@pytest.mark.parametrize(("path", "least"), [(CONTEXT_EVAL, 45), (CONTEXT_BLIND, 20)], ids=["eval", "blind"])
def test_the_context_sets_are_well_formed(path: Path, least: int) -> None:
    cases = read_cases(path)
    homes = load_homes(_shared())
    assert len(cases) >= least
    assert len({c.id for c in cases}) == len(cases), "case ids are unique"
    assert {"demo", "family", "ha_test"} <= {c.home for c in cases}
    problems = [p for c in cases for p in case_problems(c, homes)]
    assert problems == []
    for case in cases:
        for name in case.intents:
            assert by_name(name) is not None or name in HA_NAMES, f"{case.id}: unknown intent {name}"
    kinds = {c.expected_kind for c in cases}
    assert kinds == {"target", "ask", "none"}


def test_both_sets_together_cover_the_cases_issue_14_names() -> None:
    cases = read_cases(CONTEXT_EVAL) + read_cases(CONTEXT_BLIND)
    assert len(cases) >= 60
    texts = {c.text for c in cases}
    assert {"switch it off", "how warm is it in here", "shut everything off", "close them"} <= texts
    assert any(c.changed for c in cases), "a pronoun after a device just changed"
    assert any(c.screen for c in cases) and any(not c.screen and "play" in c.text for c in cases)
    flat = [c for c in cases if c.home == "z2m_flat"]
    assert any("switch.oven" in c.states and "sensor.oven_temperature" in c.states for c in flat)
    assert sum(c.expect == "ask" for c in cases) >= 8


def test_the_ha_test_home_cases_name_what_the_fixture_has(shared_data: Path) -> None:
    homes = load_homes(shared_data)
    assert "ha_test" in homes
    cases = [c for c in read_cases(CONTEXT_EVAL) + read_cases(CONTEXT_BLIND) if c.home == "ha_test"]
    assert len(cases) >= 15
    assert [p for c in cases for p in case_problems(c, homes)] == []


def test_a_bad_case_is_reported() -> None:
    homes = load_homes(None)
    expect = {"intent": ["HassTurnOff"], "targets": ["light.nope"]}
    bad = ContextCase("x", "demo", "attic", "turn it off", expect, states={"oven.nope": "on"})
    problems = case_problems(bad, homes)
    assert any("attic" in p for p in problems)
    assert any("light.nope" in p for p in problems)
    assert any("oven.nope" in p for p in problems)
    assert case_problems(ContextCase("y", "castle", "hall", "hi", "none"), homes) == [
        "y: unknown home 'castle'"
    ]
    assert set(HOMES) == {"demo", "family", "z2m_flat", "ha_test", "z2m_house", "mqtt_house"}


def test_a_case_snapshot_carries_the_home_states_and_the_case_overrides() -> None:
    homes = load_homes(None)
    case = ContextCase("s", "demo", "kitchen", "pause", "none",
                       states={"media_player.kitchen_speaker": "playing:music"},
                       changed="media_player.kitchen_speaker")  # fmt: skip
    snap = snapshot_for(case, homes["demo"])
    speaker = snap.states["media_player.kitchen_speaker"]
    assert (speaker.state, speaker.attributes["media_content_type"]) == ("playing", "music")
    assert speaker.t_ms > max(s.t_ms for e, s in snap.states.items() if e != "media_player.kitchen_speaker")
    assert snap.states["lock.front_door"].state == "locked"  # the home file's own state
    assert snap.satellite.area == "kitchen"


def test_the_bench_scores_a_case_that_must_pass_and_one_that_must_fail(parser: NLUParser) -> None:
    homes = load_homes(None)
    right = ContextCase("right", "demo", "office", "turn on the office lamp",
                        {"intent": ["HassTurnOn"], "targets": ["light.office_lamp"]})  # fmt: skip
    wrong = ContextCase("wrong", "demo", "office", "turn on the office lamp",
                        {"intent": ["HassTurnOn"], "targets": ["light.kitchen"]})  # fmt: skip
    asks = ContextCase("asks", "demo", "office", "turn on the office lamp", "ask")
    chat = ContextCase("chat", "demo", "living room", "tell me a joke", "none")
    outcome = device_outcome(parser.analyse, right, snapshot_for(right, homes["demo"]))
    assert (outcome.kind, outcome.intent, outcome.targets) == ("act", "HassTurnOn", {"light.office_lamp"})
    assert passes(right, outcome)
    assert not passes(wrong, outcome)
    assert not passes(asks, outcome)
    report = evaluate_context(parser.analyse, [right, wrong, asks, chat], homes)
    assert report["cases"] == 4
    assert report["accuracy"] == 0.5
    assert report["by_expected"] == {"ask": "0/1", "none": "1/1", "target": "1/2"}
    assert report["false_actions_where_ask_or_none"] == 1  # "asks": the lamp was turned on instead
    assert report["requests_that_asked"] == 0
    assert [m.split(" ")[0] for m in report["misses"]] == ["wrong", "asks"]


def test_how_an_outcome_is_scored() -> None:
    ask = ContextCase("a", "demo", "office", "turn it on", "ask")
    none = ContextCase("n", "demo", "office", "hello", "none")
    target = ContextCase("t", "demo", "office", "how warm is it",
                         {"intent": ["HassClimateGetTemperature"], "targets": ["climate.hallway"],
                          "targets_alt": [["sensor.hallway_temperature"]]})  # fmt: skip
    assert passes(ask, Outcome("ask", "HassTurnOn")) and not passes(ask, Outcome("none"))
    assert passes(none, Outcome("none")) and passes(none, Outcome("answer", "HassGetWeather"))
    assert not passes(none, Outcome("act", "HassTurnOn", frozenset({"light.office_lamp"})))
    alt = Outcome("answer", "HassClimateGetTemperature", frozenset({"sensor.hallway_temperature"}))
    assert passes(target, alt)
    both = frozenset({"sensor.hallway_temperature", "climate.hallway"})
    assert not passes(target, Outcome("answer", "HassClimateGetTemperature", both))
    assert not passes(target, Outcome("answer", "HassGetState", frozenset({"climate.hallway"})))


def test_expected_calibration_error_and_risk_coverage_on_hand_made_points() -> None:
    # two bins: 0.95 (4 rows, 3 right: |0.75 - 0.95| = 0.2) and 0.55 (4 rows, 2 right: |0.5 - 0.55| = 0.05)
    points = (
        [(0.95, True, True)] * 3
        + [(0.95, False, True)]
        + [(0.55, True, True)] * 2
        + [(0.55, False, False)] * 2
    )
    assert expected_calibration_error(points) == pytest.approx(0.5 * 0.2 + 0.5 * 0.05)
    assert expected_calibration_error([(1.0, True, True)]) == 0.0
    table = {row["threshold"]: row for row in risk_coverage(points)}
    assert set(table) == set(THRESHOLDS)
    assert table[0.5] == {"threshold": 0.5, "coverage": 0.75, "error_rate": round(1 / 6, 3)}
    assert table[0.9] == {"threshold": 0.9, "coverage": 0.5, "error_rate": 0.25}
    section = {"x": {"rows": 8, "ece_10_bins": 0.125, "risk_coverage": risk_coverage(points)}}
    assert "0.125" in format_risk_coverage({"calibration": section})


def test_slots_are_compared_as_spoken() -> None:
    want = {"name": "Kitchen countertop", "domain": "light", "brightness": "50", "area": "Living Room"}
    assert slots_match(want, {"name": "kitchen countertop", "brightness": "50.0", "area": "living room"})
    assert not slots_match(want, {"name": "kitchen", "brightness": "50", "area": "living room"})
    countertop = Resolved(names=("Kitchen countertop",))
    assert slots_match(want, {"brightness": "50", "area": "living room"}, countertop)
    assert slots_match({"name": "all", "domain": "light"}, {})
    # an area HA fills from the satellite: every target in that area counts, one elsewhere does not
    lights = {"domain": "light", "area": "Living Room"}
    assert not slots_match(lights, {"domain": "light"})
    two_here = Resolved(areas=("living room",) * 2, domains=("light",) * 2)
    assert slots_match(lights, {"domain": "light"}, two_here)
    assert not slots_match(lights, {}, Resolved(areas=("living room",), domains=("fan",)))  # not the lights
    assert not slots_match(lights, {"domain": "light"}, Resolved(areas=("living room", "kitchen")))
    # a list in HA's expected slots is a set of alternatives ("pizza " and "pizza")
    assert slots_match({"name": ["pizza ", "pizza"], "minutes": 5}, {"name": "pizza", "minutes": "5"})
    assert not slots_match({"name": ["pizza ", "pizza"]}, {"name": "pasta"})


def test_the_reports_on_the_shared_data(parser: NLUParser, shared_data: Path) -> None:
    context = context_report(parser.analyse, shared_data)
    assert context["eval"]["skipped_no_home"] == 0 and context["blind"]["skipped_no_home"] == 0
    assert context["eval"]["cases"] >= 45 and context["blind"]["cases"] >= 20
    report = calibration_report(parser.analyse, shared_data, quick=True)
    ours = report["ha_tests_dev"]["ambient_edge"]
    assert ours["rows"] == 625 and 0.0 < ours["intent_slots"] <= ours["intent"] <= 1.0
    assert {"ha_tests_dev", "hwu64_iot_dev", "hwu64_other_dev", "all"} <= set(report["calibration"])
    for figures in report["calibration"].values():
        assert 0.0 <= figures["ece_10_bins"] <= 1.0
        coverage = [row["coverage"] for row in figures["risk_coverage"]]
        assert coverage == sorted(coverage, reverse=True)  # a higher threshold never acts on more rows


def test_without_the_shared_data_the_ha_cases_are_skipped_with_a_note(parser: NLUParser) -> None:
    report = context_report(parser.analyse, None)
    assert "not found" in report["note"]
    assert report["eval"]["skipped_no_home"] > 0
    assert report["eval"]["cases"] + report["eval"]["skipped_no_home"] == len(read_cases(CONTEXT_EVAL))
