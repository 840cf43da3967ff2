"""The planner's commands for Home Assistant's device intents beyond on/off: relative volume, fan speed,
climate fan mode, lawn mowers, cleaning an area, scenes and scripts, the oven as a temperature target
(pure: intent + snapshot -> commands and their MQTT form per schema)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path

import pytest

from edge.actions.planner import plan
from edge.context.homes import load_home
from edge.context.model import Capability, ContextSnapshot, Device, DeviceState, Satellite
from edge.context.wire import decode_command
from edge.errors import ErrorCode
from edge.lab.sim.local import LocalHome
from edge.nlu.targets import choose_targets
from edge.nlu.types import Intent

ROOT = Path(__file__).resolve().parent.parent
C = Capability

DEVICES = (
    Device("fan.bedroom", "bedroom fan", "fan", "bedroom", capabilities=frozenset({C.ON_OFF}),
           command_topic="home/fan/bedroom/set", schema="ha-json"),
    Device("fan.attic", "attic fan", "fan", "attic", command_topic="attic/fan/set", schema="ha-basic",
           extra={"percentage_command_topic": "attic/fan/speed/set"}),
    Device("fan.porch", "porch fan", "fan", "porch", command_topic="porch/fan/set", schema="ha-basic"),
    Device("climate.hall", "hall thermostat", "climate", "hall",
           capabilities=frozenset({C.TEMPERATURE_SET}), command_topic="home/climate/hall/set",
           schema="ha-json"),
    Device("climate.den", "den heat pump", "climate", "den", command_topic="den/hp/set", schema="ha-basic",
           extra={"fan_mode_command_topic": "den/hp/fan_mode/set"}),
    Device("lawn_mower.garden", "lawn mower", "lawn_mower", "garden",
           command_topic="home/lawn_mower/garden/set", schema="ha-json"),
    Device("lawn_mower.front", "front mower", "lawn_mower", "front yard", command_topic="front/mower",
           schema="ha-basic", extra={"start_mowing_command_topic": "front/mower/start",
                                     "dock_command_topic": "front/mower/dock"}),
    Device("vacuum.robo", "robot vacuum", "vacuum", "hall", capabilities=frozenset({C.VACUUM}),
           command_topic="home/vacuum/robo/command", schema="ha-json"),
    Device("light.kitchen", "kitchen light", "light", "kitchen", capabilities=frozenset({C.ON_OFF}),
           command_topic="home/light/kitchen/set", schema="ha-json"),
    Device("scene.movie_night", "movie night", "scene", command_topic="home/scene/movie_night/set"),
    Device("script.bedtime", "bedtime routine", "script", command_topic="home/script/bedtime/set",
           schema="ha-json"),
    Device("media_player.tv", "tv", "media_player", "living room",
           capabilities=frozenset({C.ON_OFF, C.VOLUME}), command_topic="home/tv/set", schema="ha-json"),
)  # fmt: skip


def home(**states: DeviceState) -> ContextSnapshot:
    table = {d.entity_id: DeviceState("off") for d in DEVICES}
    table["media_player.tv"] = DeviceState("playing", {"volume_level": 0.5})
    table["climate.hall"] = DeviceState("heat", {"fan_modes": ["auto", "low", "high"]})
    table.update({k.replace("__", "."): v for k, v in states.items()})
    return ContextSnapshot(1, Satellite(area="kitchen"), {d.entity_id: d for d in DEVICES}, table,
                           datetime(2025, 1, 1, 19, 0))  # fmt: skip


def one(intent: Intent, snapshot: ContextSnapshot | None = None) -> tuple[str, str, str]:
    p = plan(intent, snapshot or home())
    assert p.ok and len(p.commands) == 1, p
    c = p.commands[0]
    return c.entity_id, c.topic, c.payload


@pytest.mark.parametrize(
    ("slots", "text", "level"),
    [
        ({"volume_step": "up"}, "turn up the volume", 0.6),
        ({"volume_step": "down"}, "turn down the volume", 0.4),
        ({"volume_step": "-20"}, "", 0.3),
        ({"volume_step": "25"}, "turn the volume up by 25", 0.75),
        ({"volume_step": "20"}, "turn the volume down by 20", 0.3),  # HA's down list is signed; words say it
        ({}, "it's too loud", 0.4),
        ({}, "louder please", 0.6),
    ],
)
def test_relative_volume_reads_its_direction(slots: dict[str, str], text: str, level: float) -> None:
    intent = Intent("HassSetVolumeRelative", {"name": "tv", **slots}, text=text, targets=("media_player.tv",))
    p = plan(intent, home())
    assert [(c.action, c.value) for c in p.commands] == [("set_volume", level)]
    assert json.loads(p.commands[0].payload) == {"volume_level": level}


def test_an_old_volume_intent_from_a_stored_macro_still_plans() -> None:
    p = plan(Intent("VolumeDown", {"name": "tv"}, targets=("media_player.tv",), source="macro"), home())
    assert p.intent == "HassSetVolumeRelative"
    assert [(c.action, c.value) for c in p.commands] == [("set_volume", 0.4)]


def test_fan_speed_per_schema() -> None:
    speed = Intent("HassFanSetSpeed", {"name": "bedroom fan", "percentage": "40"})
    assert one(speed) == ("fan.bedroom", "home/fan/bedroom/set", '{"state":"ON","percentage":40}')
    attic = Intent("HassFanSetSpeed", {"name": "attic fan", "percentage": "75%"})
    assert one(attic) == ("fan.attic", "attic/fan/speed/set", "75")
    porch = plan(Intent("HassFanSetSpeed", {"name": "porch fan", "percentage": "50"}), home())
    assert porch.error is ErrorCode.NOT_SUPPORTED and "speed" in porch.message


def test_climate_fan_mode_checks_the_modes_the_device_reports() -> None:
    low = Intent("HassClimateSetFanMode", {"name": "hall thermostat", "fan_mode": "low"})
    assert one(low) == ("climate.hall", "home/climate/hall/set", '{"fan_mode":"low"}')
    turbo = plan(Intent("HassClimateSetFanMode", {"name": "hall thermostat", "fan_mode": "turbo"}), home())
    assert turbo.error is ErrorCode.NOT_SUPPORTED and "auto, low, high" in turbo.message
    den = Intent("HassClimateSetFanMode", {"name": "den heat pump", "fan_mode": "auto"})
    assert one(den) == ("climate.den", "den/hp/fan_mode/set", "auto")


def test_lawn_mowers_start_and_dock() -> None:
    start = Intent("HassLawnMowerStartMowing", {"name": "lawn mower"})
    assert one(start) == ("lawn_mower.garden", "home/lawn_mower/garden/set", '{"command":"start_mowing"}')
    dock = Intent("HassLawnMowerDock", {"name": "front mower"})
    assert one(dock) == ("lawn_mower.front", "front/mower/dock", "dock")
    p = plan(Intent("HassLawnMowerStartMowing", {"name": "lawn mower"}), home())
    assert p.commands[0].expected_state == "mowing"


def test_cleaning_an_area_sends_the_vacuum_with_the_areas_not_the_areas_devices() -> None:
    intent = Intent("HassVacuumCleanArea", {"area": "kitchen and the hallway"}, text="vacuum the kitchen",
                    targets=("light.kitchen",))  # fmt: skip
    entity, topic, payload = one(intent)
    assert (entity, topic) == ("vacuum.robo", "home/vacuum/robo/command")
    assert json.loads(payload) == {"command": "clean_area", "areas": ["kitchen", "hallway"]}
    device = {d.entity_id: d for d in DEVICES}["vacuum.robo"]
    assert decode_command(device, payload.encode()) == [("clean_area", ["kitchen", "hallway"])]
    assert plan(Intent("HassVacuumCleanArea", {}, text="clean"), home()).error is ErrorCode.NOT_SUPPORTED


def test_a_scene_is_activated_through_turn_on_and_awaits_no_report() -> None:
    p = plan(Intent("HassTurnOn", {"name": "movie night"}, targets=("scene.movie_night",)), home())
    c = p.commands[0]
    assert (c.action, c.topic, c.payload, c.awaits_report) == (
        "turn_on",
        "home/scene/movie_night/set",
        "ON",
        False,
    )
    script = plan(Intent("HassTurnOn", {}, targets=("script.bedtime",)), home()).commands[0]
    assert (script.payload, script.awaits_report) == ('{"state":"ON"}', False)
    off = plan(Intent("HassTurnOff", {}, targets=("scene.movie_night",)), home())
    assert off.error is ErrorCode.NOT_SUPPORTED and "can't be turned off" in off.message


def test_the_oven_is_a_target_of_the_climate_temperature_intents() -> None:
    local = LocalHome(load_home(ROOT / "devices" / "homes" / "demo.toml"), Satellite(area="kitchen"))
    intent = Intent("HassClimateSetTemperature", {"temperature": "220"}, targets=("oven.kitchen",))
    p = plan(intent, local.snapshot())
    assert [(c.entity_id, c.action, c.value) for c in p.commands] == [
        ("oven.kitchen", "set_temperature", 220.0)
    ]
    assert asyncio.run(local.execute(p)).ok
    assert local.snapshot().states["oven.kitchen"].attributes["temperature"] == 220
    legacy = plan(
        Intent("OvenSetTemperature", {"temperature": "180"}, targets=("oven.kitchen",)), local.snapshot()
    )
    assert legacy.intent == "HassClimateSetTemperature" and legacy.commands[0].value == 180.0


@pytest.mark.parametrize(
    "name", ["HassListCompleteItem", "HassListRemoveItem", "HassShoppingListCompleteItem", "HassBroadcast"]
)
def test_service_intents_plan_nothing_for_a_device(name: str) -> None:
    p = plan(Intent(name, {"item": "milk", "name": "kitchen light"}, text="x"), home())
    assert (p.outcome, p.commands) == ("nothing", ())


def test_a_kind_word_or_an_area_and_kind_names_the_devices_of_that_kind() -> None:
    """ "start the vacuum" in a home whose vacuum is called something else, "are the kitchen lights on": a
    name that names no device but a kind (the area's) means those devices, as Home Assistant reads it."""
    snap = home()
    assert choose_targets("HassVacuumStart", {"name": "vacuum"}, "vacuum", "", snap)[0] == ("vacuum.robo",)
    lights = choose_targets("HassGetState", {"name": "kitchen lights"}, "light", "", snap)[0]
    assert lights == ("light.kitchen",)
    named = choose_targets("HassTurnOn", {"name": "movie night"}, "", "", snap)[0]
    assert named == ("scene.movie_night",)  # a device's own name stays a name


def test_a_temperature_outside_what_the_device_takes_is_refused() -> None:
    """ "set the heating to 200" is never sent to a thermostat; the device's own min/max win when reported."""
    hall = Intent("HassClimateSetTemperature", {"temperature": "200"}, targets=("climate.hall",))
    refused = plan(hall, home())
    assert not refused.commands and refused.error is ErrorCode.NOT_SUPPORTED
    assert "takes 5 to 35 degrees, not 200" in refused.message
    assert one(Intent("HassClimateSetTemperature", {"temperature": "21"}, targets=("climate.hall",)))
    narrow = home(climate__hall=DeviceState("heat", {"min_temp": 16, "max_temp": 24}))
    assert not plan(
        Intent("HassClimateSetTemperature", {"temperature": "26"}, targets=("climate.hall",)), narrow
    ).commands
    oven = LocalHome(
        load_home(ROOT / "devices" / "homes" / "demo.toml"), Satellite(area="kitchen")
    ).snapshot()
    assert plan(
        Intent("HassClimateSetTemperature", {"temperature": "200"}, targets=("oven.kitchen",)), oven
    ).ok
