"""The catalogue is Home Assistant's whole English catalogue (plus our own, each said why), old names still
load, and the training data samples every Home Assistant intent."""

from __future__ import annotations

import json
import random
import sqlite3
from importlib import resources
from pathlib import Path

import pytest

from edge.feedback.record import TurnRecord
from edge.feedback.store import TurnStore
from edge.feedback.taught import TaughtStore
from edge.lab.training.ha_data import ha_examples, load_en, per_template
from edge.lab.training.pools import build_pools
from edge.nlu import catalogue
from edge.nlu.catalogue import (
    CATALOGUE,
    EDGE_INTENTS,
    HA_INTENTS,
    LEGACY_INTENTS,
    by_name,
    current_name,
    current_slots,
)
from edge.sync.payloads import DefectCount, RewritePair

ROOT = Path(__file__).resolve().parent.parent


def _installed() -> dict[str, dict[str, object]]:
    """Home Assistant's intents as the installed ``home-assistant-intents`` describes them."""
    text = resources.files("home_assistant_intents").joinpath("intents.json").read_text("utf-8")
    loaded: dict[str, dict[str, object]] = json.loads(text)
    return loaded


def test_the_catalogue_holds_every_english_intent_of_the_installed_package() -> None:
    en = load_en()
    assert en is not None, "home-assistant-intents is a development dependency"
    english = set(en["intents"])
    assert len(english) >= 42
    assert english <= {s.name for s in HA_INTENTS}
    assert {s.name for s in HA_INTENTS} <= set(_installed())  # no invented Hass* name


def test_home_assistant_intents_keep_home_assistants_slot_names() -> None:
    installed = _installed()
    for spec in HA_INTENTS:
        theirs = set(installed[spec.name].get("slots", {}) or {})  # type: ignore[call-overload]
        assert theirs <= set(spec.slots), (spec.name, theirs - set(spec.slots))
        assert spec.origin == "home-assistant"


def test_our_own_intents_are_only_where_home_assistant_has_none_and_each_is_explained() -> None:
    installed = set(_installed())
    doc = catalogue.__doc__ or ""
    for spec in EDGE_INTENTS:
        assert spec.name not in installed and spec.origin == "edge"
        assert f"``{spec.name}``" in doc, f"{spec.name}: say why it exists in the module docstring"
    assert len({s.name for s in CATALOGUE}) == len(CATALOGUE)


def test_old_names_are_gone_from_the_catalogue_and_read_as_the_new_ones() -> None:
    names = {s.name for s in CATALOGUE}
    assert not names & set(LEGACY_INTENTS)
    assert current_name("VolumeDown") == "HassSetVolumeRelative"
    assert current_name("OvenSetTemperature") == "HassClimateSetTemperature"
    assert current_name("HassTurnOn") == "HassTurnOn"
    spec = by_name("OvenGetTemperature")
    assert spec is not None and spec.name == "HassClimateGetTemperature"
    assert current_slots("VolumeDown", {}) == {"volume_step": "down"}
    assert current_slots("VolumeDown", {"volume_step": "20"}) == {"volume_step": "-20"}
    assert current_slots("VolumeUp", {"name": "tv"}) == {"name": "tv", "volume_step": "up"}


def test_a_turn_stored_under_an_old_name_loads_under_the_new_one(tmp_path: Path) -> None:
    with TurnStore(tmp_path / "turns.db") as store:
        store.add_turn(TurnRecord("t1", "s", "h", 0.0, 1.0, intent="VolumeDown", slots={"name": "tv"}))
        store.add_turn(TurnRecord("t2", "s", "h", 2.0, 3.0, intent="OvenGetTemperature"))
        store.add_turn(TurnRecord("t3", "s", "h", 4.0, 5.0, intent="HassTurnOn", slots={"name": "lamp"}))
        turns = {t.record.turn_id: t.record for t in store.turns()}
    assert (turns["t1"].intent, dict(turns["t1"].slots)) == (
        "HassSetVolumeRelative",
        {"name": "tv", "volume_step": "down"},
    )
    assert turns["t2"].intent == "HassClimateGetTemperature"
    assert (turns["t3"].intent, dict(turns["t3"].slots)) == ("HassTurnOn", {"name": "lamp"})


def test_a_macro_taught_under_an_old_name_still_loads(tmp_path: Path) -> None:
    db = tmp_path / "turns.db"
    TurnStore(db).close()  # the schema
    step = {"intent": "VolumeUp", "slots": {"name": "tv"}, "targets": ["media_player.tv"], "text": "louder"}
    with sqlite3.connect(db) as conn:  # as the previous release wrote it
        conn.execute(
            "INSERT INTO taught (home_id, kind, key, value, t) VALUES ('h', 'macro', 'party', ?, 0)",
            (json.dumps([step]),),
        )
    taught = TaughtStore(db, "h")
    try:
        macro = taught.macro("party")
    finally:
        taught.close()
    assert macro is not None
    intent = macro.steps[0].to_intent()
    assert (intent.name, dict(intent.slots)) == ("HassSetVolumeRelative", {"name": "tv", "volume_step": "up"})


def test_a_fleet_payload_naming_an_old_intent_still_loads() -> None:
    pair = RewritePair.from_json({"original": "louder", "rewritten": "volume up", "intent": "VolumeUp"})
    assert pair.intent == "HassSetVolumeRelative"
    defect = DefectCount.from_json({"failure_point": "nlu", "intent": "OvenGetTemperature", "count": 2})
    assert defect.intent == "HassClimateGetTemperature"


@pytest.mark.parametrize(("sentences", "expected"), [(1, 300), (100, 3), (122, 3), (7, 43)])
def test_an_intent_with_few_templates_gets_more_samples_per_template(sentences: int, expected: int) -> None:
    assert per_template(sentences, 3, 300) == expected


def test_training_samples_every_home_assistant_intent() -> None:
    en = load_en()
    assert en is not None
    rng = random.Random(3)
    examples = ha_examples(en, build_pools(ROOT, rng), rng, base=1, min_per_intent=20)
    counts: dict[str, int] = {}
    for ex in examples:
        counts[ex.intent] = counts.get(ex.intent, 0) + 1
    missing = {name for name in en["intents"] if counts.get(name, 0) < 10}
    assert not missing, missing
    broadcast = next(ex for ex in examples if ex.intent == "HassBroadcast")
    assert "B-message" in broadcast.tags  # a wildcard list filled from our pools, tagged as HA's slot
    assert not set(counts) & set(LEGACY_INTENTS)
