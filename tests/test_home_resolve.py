"""Entity resolution against the demo home: names, aliases, ASR-like misspellings, areas, floors, defaults."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from edge.context.homes import Home, load_home
from edge.context.model import Capability, ContextSnapshot, Satellite
from edge.lang import name_key
from edge.nlu.phonetic import label_score, phonetic_key
from edge.nlu.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def home() -> Home:
    return load_home(ROOT / "devices" / "homes" / "demo.toml")


def snap(home: Home, area: str = "") -> ContextSnapshot:
    return home.snapshot(Satellite(area=area))


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        ("kitchen light", "light.kitchen"),
        ("Kitchen Light", "light.kitchen"),
        ("the kitchen lights", "light.kitchen"),
        ("kitchen lite", "light.kitchen"),
        ("living room lamb", "light.living_room_lamp"),
        ("reading lamp", "light.living_room_lamp"),
        ("kitchen ceiling", "light.kitchen_ceiling"),
        ("television", "media_player.living_room_tv"),
        ("front door", "lock.front_door"),
        ("coffee machine", "coffee_maker.kitchen"),
        ("thermostat", "climate.hallway"),
        ("bedroom fann", "fan.bedroom"),
    ],
)
def test_names_aliases_and_misspellings(home: Home, heard: str, expected: str) -> None:
    res = resolve("HassTurnOn", {"name": heard}, snap(home))
    assert res.outcome == "ok", res
    assert res.targets[0] == expected
    assert 0.0 < res.scores[0] <= 1.0


def test_unknown_name_is_a_clear_no_device(home: Home) -> None:
    res = resolve("HassTurnOn", {"name": "jacuzzi"}, snap(home))
    assert res.outcome == "no_device"
    assert res.targets == ()
    assert "jacuzzi" in res.message


def test_a_word_inside_one_compound_name_finds_it() -> None:
    """ "The strip" for the "tv lightstrip" was "no device called 'strip'"; a kind word found inside names
    ("light" of "lightstrip") never picks one by itself."""
    probe = load_home(ROOT / "tests" / "data" / "probe_home.toml").snapshot(Satellite(area="lounge"))
    res = resolve("HassTurnOn", {"name": "strip"}, probe)
    assert res.outcome == "ok" and res.targets == ("light.lightstrip",)
    assert resolve("HassTurnOn", {"name": "light"}, probe).targets != ("light.lightstrip",)
    assert resolve("HassTurnOn", {"name": "stri"}, probe).outcome == "no_device"  # under five letters


def test_bathroom_fan_is_not_the_bedroom_fan(home: Home) -> None:
    assert resolve("HassTurnOn", {"name": "bathroom heater"}, snap(home)).outcome == "no_device"


def test_area_only_gives_lights_of_that_area(home: Home) -> None:
    res = resolve("HassTurnOn", {"area": "kitchen"}, snap(home))
    assert res.outcome == "ok"
    assert set(res.targets) == {"light.kitchen", "light.kitchen_ceiling"}


def test_area_with_domain_slot(home: Home) -> None:
    res = resolve("HassTurnOff", {"area": "living room", "domain": "blinds"}, snap(home))
    assert res.targets == ("cover.living_room_blinds",)


def test_a_door_that_only_opens_and_closes_fits_a_position_request(home: Home) -> None:
    res = resolve("HassSetPosition", {"area": "garage", "domain": "cover"}, snap(home))
    assert res.targets == ("cover.garage_door",)


def test_floor_gives_every_area_on_it(home: Home) -> None:
    res = resolve("HassTurnOff", {"floor": "upstairs"}, snap(home))
    assert set(res.areas) == {"bedroom", "office"}
    assert set(res.targets) == {"light.bedroom", "light.office_lamp"}


def test_unknown_area(home: Home) -> None:
    res = resolve("HassTurnOn", {"area": "sauna"}, snap(home))
    assert res.outcome == "no_device"
    assert "sauna" in res.message


def test_nothing_named_uses_the_satellite_area(home: Home) -> None:
    res = resolve("HassTurnOn", {}, snap(home, area="Bedroom"))
    assert res.targets == ("light.bedroom",)
    assert resolve("HassMediaPause", {}, snap(home, area="kitchen")).targets == (
        "media_player.kitchen_speaker",
    )


def test_singleton_domains_resolve_from_anywhere(home: Home) -> None:
    s = snap(home, area="office")
    assert resolve("HassClimateSetTemperature", {}, s).targets == ("climate.hallway",)
    assert resolve("HassClimateSetTemperature", {}, s, domains=("oven",)).targets == ("oven.kitchen",)


def test_ambiguous_name_lists_candidates(home: Home) -> None:
    res = resolve("HassTurnOn", {"name": "lamp"}, snap(home))
    assert res.outcome == "ambiguous"
    assert set(res.targets) == {"light.living_room_lamp", "light.office_lamp"}


def test_a_name_that_is_an_area(home: Home) -> None:
    res = resolve("HassTurnOff", {"name": "living room"}, snap(home))
    assert res.outcome == "ok"
    assert set(res.targets) == {"light.living_room_lamp", "light.living_room_ceiling"}


def test_name_restricted_to_area(home: Home) -> None:
    res = resolve("HassTurnOn", {"name": "speaker", "area": "bedroom"}, snap(home))
    assert res.targets == ("media_player.bedroom_speaker",)


def test_area_and_name_that_spell_a_device_name_mean_that_device(home: Home) -> None:
    # kitchen: "kitchen light" and "kitchen ceiling light"; the tagger may split "the kitchen light"
    res = resolve("HassTurnOn", {"area": "kitchen", "name": "light"}, snap(home))
    assert res.targets == ("light.kitchen",)
    room = resolve("HassTurnOn", {"area": "kitchen", "domain": "light"}, snap(home))
    assert set(room.targets) == {"light.kitchen", "light.kitchen_ceiling"}


def test_capability_narrows_defaults(home: Home) -> None:
    res = resolve("HassTurnOn", {"area": "living room"}, snap(home), capability=Capability.COLOR)
    assert set(res.targets) == {"light.living_room_lamp", "light.living_room_ceiling"}


def test_intents_without_a_device(home: Home) -> None:
    assert resolve("HassStartTimer", {"minutes": "5"}, snap(home)).outcome == "no_target_needed"
    assert resolve("UndoLast", {}, snap(home)).ok


def test_domains_as_tuple_and_empty(home: Home) -> None:
    assert resolve("HassTurnOn", {"area": "kitchen"}, snap(home), domains=("media_player",)).targets == (
        "media_player.kitchen_speaker",
    )
    assert resolve("HassTurnOn", {"name": "oven"}, snap(home), domains=()).targets == ("oven.kitchen",)


def test_phonetic_helpers() -> None:
    assert name_key("The Kitchen's  Light!") == "kitchen light"
    assert phonetic_key("kitchen lite") == phonetic_key("kitchen light")
    assert label_score("kitchen light", "kitchen light") == 1.0
    assert label_score("", "kitchen light") == 0.0


def test_fast_for_a_hundred_devices(shared_data: Path) -> None:
    fixture = load_home(shared_data / "ha-intents" / "home_en_fixtures.yaml")
    s = fixture.snapshot()
    assert len(s.devices) >= 100
    resolve("HassTurnOn", {"name": "kitchen cieling"}, s)
    start = time.perf_counter()
    for _ in range(50):
        res = resolve("HassTurnOn", {"name": "kitchen cieling"}, s)
    per_call_s = (time.perf_counter() - start) / 50
    assert res.targets == ("light.kitchen_ceiling",)
    assert per_call_s < 0.05  # generous: shared cores; typically ~0.1 ms
