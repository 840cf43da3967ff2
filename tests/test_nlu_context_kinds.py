"""Device kinds from names, device classes and capabilities (``edge.context.kinds``), on devices as Home
Assistant discovery and Zigbee2MQTT announce them, and on the evaluation homes; and what the kinds change
through the real NLU model and planner (a plug oven read from its own sensor, a fan on a plug)."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from edge.actions.planner import plan
from edge.config import Settings, project_root
from edge.context.discovery import Removal, parse_ha_discovery
from edge.context.homes import load_home
from edge.context.kinds import Kind, companion_sensors, kind_of, temperature_sources
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.context.z2m import parse_z2m_devices
from edge.nlu.context_features import context_facts
from edge.nlu.parser import NLUParser
from edge.nlu.targets import choose_targets
from edge.nlu.types import Intent


def _ha(component: str, object_id: str, **config: object) -> Device:
    payload = {"name": object_id.replace("_", " "), "state_topic": f"home/{object_id}", **config}
    found = parse_ha_discovery(f"homeassistant/{component}/{object_id}/config", json.dumps(payload).encode())
    assert not isinstance(found, Removal)
    return found


def _z2m(name: str, exposes: list[dict[str, object]]) -> Device:
    payload = json.dumps([{"friendly_name": name, "definition": {"exposes": exposes}}]).encode()
    (device,) = parse_z2m_devices(payload)
    return device


SWITCH = [{"type": "switch", "features": [{"name": "state"}]}]


@pytest.mark.parametrize(
    ("device", "kind"),
    [
        (_ha("switch", "oven", command_topic="home/oven/set"), Kind.OVEN),
        (_ha("switch", "kettle", command_topic="k/set", device_class="outlet"), Kind.KETTLE),
        (_ha("switch", "desk_socket", command_topic="d/set", device_class="outlet"), Kind.PLUG),
        (_ha("switch", "garden_pump", command_topic="g/set"), Kind.SWITCH),
        (_ha("media_player", "lounge", device_class="tv"), Kind.TV),
        (_ha("media_player", "TV"), Kind.TV),  # Home Assistant's test home: no class, called "TV"
        (_ha("media_player", "kitchen_radio"), Kind.SPEAKER),
        (_ha("cover", "garage", command_topic="c/set", device_class="garage"), Kind.GARAGE_DOOR),
        (_ha("cover", "lounge_blinds", command_topic="c/set", device_class="blind"), Kind.COVER),
        (
            _ha("sensor", "oven_temperature", device_class="temperature", unit_of_measurement="°C"),
            Kind.TEMPERATURE_SENSOR,
        ),
        (_ha("sensor", "lounge_humidity", device_class="humidity"), Kind.SENSOR),
        (_ha("climate", "hallway", temperature_command_topic="t/set"), Kind.THERMOSTAT),
        (_z2m("monitor plug", SWITCH), Kind.MONITOR),
        (_z2m("bathroom extractor", SWITCH), Kind.FAN),
        (_z2m("chest freezer", SWITCH), Kind.FRIDGE),
        (_z2m("hall bulb", [{"type": "light", "features": [{"name": "brightness"}]}]), Kind.LIGHT),
        (_z2m("kitchen thermometer", [{"type": "numeric", "name": "temperature"}]), Kind.TEMPERATURE_SENSOR),
    ],
    ids=lambda v: v.entity_id if isinstance(v, Device) else str(v),
)
def test_kind_from_name_class_and_capabilities(device: Device, kind: Kind) -> None:
    assert kind_of(device) is kind


def _snapshot(devices: list[Device], area: str = "kitchen", **states: str) -> ContextSnapshot:
    return ContextSnapshot(
        1,
        Satellite(area=area),
        {d.entity_id: d for d in devices},
        {eid.replace("__", "."): DeviceState(s) for eid, s in states.items()},
        datetime(2025, 1, 1, 19),
    )


def test_a_sensor_belongs_to_the_device_it_is_named_after_or_announced_with() -> None:
    oven = Device("switch.oven", "oven", "switch", area="kitchen")
    by_name = Device(
        "sensor.oven_temperature", "oven temperature", "sensor", area="kitchen", device_class="temperature"
    )
    room = Device(
        "sensor.kitchen_temperature",
        "kitchen temperature",
        "sensor",
        area="kitchen",
        device_class="temperature",
    )
    elsewhere = Device(
        "sensor.oven_temperature_2", "oven temperature", "sensor", area="garage", device_class="temperature"
    )
    snap = _snapshot([oven, by_name, room, elsewhere])
    assert companion_sensors(oven, snap) == ("sensor.oven_temperature",)
    assert temperature_sources(oven, snap) == ("sensor.oven_temperature",)
    # announced as one physical device over HA discovery: the sensor's name need not say "oven"
    ids = {"device": {"identifiers": ["oven-1234"], "suggested_area": "kitchen"}}
    plug = _ha("switch", "cooker", command_topic="c/set", **ids)
    probe = _ha("sensor", "probe", device_class="temperature", unit_of_measurement="°C", **ids)
    assert kind_of(plug) is Kind.OVEN
    assert companion_sensors(plug, _snapshot([plug, probe])) == ("sensor.probe",)


def test_a_plug_oven_counts_as_the_oven_for_the_model() -> None:
    home = load_home(project_root() / "tests" / "data" / "context_home_z2m.toml")
    snap = ContextSnapshot(
        1,
        Satellite(area="kitchen"),
        home.devices,
        {"switch.oven": DeviceState("on")},
        datetime(2025, 1, 1, 19),
    )
    facts = context_facts(snap)
    assert (facts["oven_present"], facts["oven_on"]) == (1.0, 1.0)


@pytest.fixture(scope="module")
def parser() -> NLUParser:
    return NLUParser(Settings())


def _flat(area: str, **states: str) -> ContextSnapshot:
    home = load_home(project_root() / "tests" / "data" / "context_home_z2m.toml")
    merged = dict(home.states) | {eid.replace("__", "."): DeviceState(s) for eid, s in states.items()}
    return ContextSnapshot(
        1, Satellite(area=area), home.devices, merged, datetime(2025, 1, 1, 19), tuple(home.areas)
    )


def test_how_warm_with_the_plug_oven_on_reads_the_oven_sensor(parser: NLUParser) -> None:
    snap = _flat("kitchen", switch__oven="on", sensor__oven_temperature="180")
    intent = parser.parse("how warm is it in here", snap)
    assert intent is not None and intent.targets == ("sensor.oven_temperature",)
    made = plan(intent, snap)
    assert made.outcome == "answer" and "180" in made.answer


def test_switching_off_the_plug_oven(parser: NLUParser) -> None:
    snap = _flat("kitchen", switch__oven="on")
    intent = parser.parse("switch it off", snap)
    assert intent is not None
    made = plan(intent, snap)
    assert [(c.entity_id, c.action) for c in made.commands] == [("switch.oven", "turn_off")]


def test_the_shared_ha_home_has_a_tv_by_name() -> None:
    shared = Path(os.environ.get("EDGE_SHARED_DATA", project_root().parent / "shared" / "data"))
    fixture = shared / "ha-intents" / "home_en_fixtures.yaml"
    if not fixture.is_file():
        pytest.skip("Home Assistant's test home is not here (../shared/data)")
    home = load_home(fixture)
    assert kind_of(home.devices["media_player.tv"]) is Kind.TV
    assert kind_of(home.devices["fan.ceiling"]) is Kind.FAN


def test_a_device_class_question_reads_that_class_here_first() -> None:
    shared = Path(os.environ.get("EDGE_SHARED_DATA", project_root().parent / "shared" / "data"))
    fixture = shared / "ha-intents" / "home_en_fixtures.yaml"
    if not fixture.is_file():
        pytest.skip("Home Assistant's test home is not here (../shared/data)")
    home = load_home(fixture)
    kitchen = ContextSnapshot(
        1, Satellite(area="kitchen"), home.devices, home.states, datetime(2025, 1, 1, 19)
    )
    gas = {"domain": "binary_sensor", "device_class": "gas"}
    humidity = {"domain": "sensor", "device_class": "humidity"}
    assert choose_targets("HassGetState", gas, "", "", kitchen)[0] == ("binary_sensor.gas",)
    # no humidity sensor in the kitchen: the home's one
    assert choose_targets("HassGetState", humidity, "", "", kitchen)[0] == ("sensor.living_room_humidity",)
    made = plan(
        Intent("HassGetState", gas, text="is there a gas leak", targets=("binary_sensor.gas",)), kitchen
    )
    assert made.outcome == "answer" and not made.commands
