""" "it", "that", "them", "everything" from live state and the satellite's area (``edge.nlu.referents``),
through the real NLU model, the real planner and the real home files; the pure parts (what counts as a
reference, which change is "just now") on hand-made snapshots."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest

from edge.actions.planner import plan, which_one
from edge.config import Settings, project_root
from edge.context.homes import Home, load_home
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.context.mqtt import Message
from edge.context.store import ContextStore
from edge.nlu.parser import NLUParser
from edge.nlu.referents import RECENT_MS, just_changed, refer, reference
from edge.nlu.types import Intent


@pytest.fixture(scope="module")
def parser() -> NLUParser:
    return NLUParser(Settings())


@pytest.fixture(scope="module")
def family() -> Home:
    return load_home(project_root() / "devices" / "homes" / "family.toml")


def _snap(home: Home, area: str, changed: str = "", screen: bool = False, **states: str) -> ContextSnapshot:
    table = dict(home.states) | {eid.replace("__", "."): DeviceState(s) for eid, s in states.items()}
    if changed:
        st = table[changed]
        table[changed] = DeviceState(st.state, st.attributes, t_ms=50_000.0)
    return ContextSnapshot(
        1, Satellite(area=area, has_screen=screen), home.devices, table, datetime(2025, 1, 1, 19),
        tuple(home.areas), now_ms=52_000.0,
    )  # fmt: skip


def _acts(parser: NLUParser, text: str, snap: ContextSnapshot) -> list[tuple[str, str]]:
    intent = parser.parse(text, snap)
    assert intent is not None, text
    return sorted((c.entity_id, c.action) for c in plan(intent, snap).commands)


def test_it_is_the_one_active_device_and_never_the_lights_that_are_off(
    parser: NLUParser, family: Home
) -> None:
    snap = _snap(family, "kitchen", switch__kettle="on")
    assert _acts(parser, "switch it off", snap) == [("switch.kettle", "turn_off")]


def test_that_is_the_device_that_just_changed(parser: NLUParser, family: Home) -> None:
    both = {"switch__kettle": "on", "oven__kitchen": "on"}
    assert _acts(parser, "turn that off", _snap(family, "kitchen", "oven.kitchen", **both)) == [
        ("oven.kitchen", "turn_off")
    ]
    assert _acts(parser, "turn that off", _snap(family, "kitchen", "switch.kettle", **both)) == [
        ("switch.kettle", "turn_off")
    ]


def test_several_active_and_no_change_asks_and_the_answer_acts_on_that_one_only(
    parser: NLUParser, family: Home
) -> None:
    snap = _snap(family, "kitchen", switch__kettle="on", oven__kitchen="on")
    intent = parser.parse("switch it off", snap)
    assert intent is not None
    which = which_one(intent, snap)
    assert which.ask and set(which.candidates) == {"switch.kettle", "oven.kitchen"}
    assert plan(intent, snap).outcome == "ask"
    # the answer names the kettle: the engine plans the request on exactly that device
    answered = replace(intent, targets=("switch.kettle",), target_scores=(1.0,))
    assert [c.entity_id for c in plan(answered, snap).commands] == ["switch.kettle"]


def test_everything_is_every_active_harmless_device_here(parser: NLUParser, family: Home) -> None:
    snap = _snap(
        family, "garage", light__garage="on", cover__garage_door="open", switch__garage_freezer="on",
        lock__back_door="unlocked",
    )  # fmt: skip
    assert _acts(parser, "shut everything off", snap) == [("light.garage", "turn_off")]


def test_close_them_means_the_open_covers_and_nothing_open_says_so(parser: NLUParser, family: Home) -> None:
    assert _acts(parser, "close them", _snap(family, "dining room")) == [
        ("cover.dining_room_curtains", "close")
    ]
    shut = _snap(family, "dining room", cover__dining_room_curtains="closed")
    intent = parser.parse("close them", shut)
    assert intent is not None
    made = plan(intent, shut)
    assert not made.commands and made.outcome == "no_target" and "nothing here to close" in made.message


def test_a_named_device_is_never_overridden_by_the_pronoun_rule(parser: NLUParser, family: Home) -> None:
    snap = _snap(family, "kitchen", "switch.kettle", switch__kettle="on", light__kitchen="on")
    assert _acts(parser, "turn off the kitchen light", snap) == [("light.kitchen", "turn_off")]


def test_a_screen_changes_what_play_means(parser: NLUParser, family: Home) -> None:
    screen = parser.parse("play the hunger games", _snap(family, "living room", screen=True))
    kids = parser.parse("play the hunger games", _snap(family, "kids room", screen=True))
    assert screen is not None and screen.targets == ("media_player.living_room_tv",)
    assert kids is not None and kids.targets == ("media_player.kids_speaker",)  # no TV there: its speaker


def test_show_me_with_no_screen_here_says_so() -> None:
    home = load_home(project_root() / "devices" / "homes" / "family.toml")
    snap = _snap(home, "kitchen")
    intent = Intent("HassMediaSearchAndPlay", {"search_query": "the news"}, text="show me the news")
    made = plan(intent, snap)
    assert not made.commands and "no screen in the kitchen" in made.message


@pytest.mark.parametrize(
    ("text", "slots", "kind"),
    [
        ("turn it off", {}, "one"),
        ("switch that off", {}, "one"),
        ("close them", {}, "set"),
        ("shut everything off", {}, "all"),
        ("turn it all off", {}, "all"),
        ("turn that lamp off", {}, None),  # a device word: named
        ("turn it off", {"name": "kettle"}, None),
        ("turn off the light", {}, None),
    ],
)
def test_what_counts_as_a_reference(text: str, slots: dict[str, str], kind: str | None) -> None:
    assert reference(text, slots) == kind


def _clocked(stamps: dict[str, float], now: float) -> tuple[ContextSnapshot, list[Device]]:
    devices = [Device(eid, eid.split(".")[1], eid.split(".")[0], area="x") for eid in stamps]
    snap = ContextSnapshot(
        1, Satellite(area="x"), {d.entity_id: d for d in devices},
        {eid: DeviceState("on", t_ms=t) for eid, t in stamps.items()}, datetime(2025, 1, 1), now_ms=now,
    )  # fmt: skip
    return snap, devices


def test_just_changed_is_recent_and_clearly_the_last() -> None:
    snap, devices = _clocked({"light.a": 10_000.0, "switch.b": 50_000.0}, now=55_000.0)
    assert just_changed(snap, devices) == snap.devices["switch.b"]
    stale, devices = _clocked({"light.a": 10_000.0, "switch.b": 50_000.0}, now=50_000.0 + RECENT_MS + 1)
    assert just_changed(stale, devices) is None
    batch, devices = _clocked({"light.a": 50_000.0, "switch.b": 50_200.0}, now=51_000.0)
    assert just_changed(batch, devices) is None  # start-up's retained states, a scene: not one change


def test_the_store_dates_a_change_not_a_report() -> None:
    clock = [100.0]
    store = ContextStore(Settings(), clock=lambda: clock[0])
    cfg = {"name": "desk plug", "state_topic": "home/plug", "command_topic": "home/plug/set"}
    store.handle(Message("homeassistant/switch/desk_plug/config", json.dumps(cfg).encode()))
    store.handle(Message("home/plug", b"ON"))
    clock[0] = 160.0
    store.handle(Message("home/plug", b"ON"))  # a periodic re-report: no change
    state = store.snapshot().states["switch.desk_plug"]
    assert (state.t_ms, state.since_ms) == (160_000.0, 100_000.0)
    assert store.snapshot().now_ms == 160_000.0
    clock[0] = 170.0
    store.handle(Message("home/plug", b"OFF"))
    assert store.snapshot().states["switch.desk_plug"].since_ms == 170_000.0


def test_a_lock_verb_refers_to_the_locks_here_and_never_to_anything_else(family: Home) -> None:
    snap = _snap(family, "garage", light__garage="on", lock__back_door="locked")
    found = refer("HassTurnOff", {}, "unlock it", snap)
    assert found is not None and found.targets == ("lock.back_door",)
    made = plan(Intent("HassTurnOff", {}, text="unlock it", targets=found.targets), snap)
    assert [c.action for c in made.commands] == ["unlock"] and made.needs_confirmation
    nothing = refer("HassTurnOff", {}, "unlock it", _snap(family, "kitchen", light__kitchen="on"))
    assert nothing is not None and nothing.targets == ()


def test_close_everything_closes_the_covers_here_but_never_the_garage_door(family: Home) -> None:
    snap = _snap(family, "garage", cover__garage_door="open")
    found = refer("HassTurnOff", {}, "close everything", snap)
    assert found is not None and found.targets == ()
    living = refer("HassTurnOff", {}, "close everything", _snap(family, "living room"))
    assert living is not None and living.targets == ("cover.living_room_blinds",)


def test_without_an_area_a_reference_keeps_the_usual_defaults(family: Home) -> None:
    assert refer("HassTurnOff", {}, "turn everything off", _snap(family, "")) is None
