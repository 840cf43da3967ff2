"""A Zigbee2MQTT ceiling fan's named speeds as HA's percentage (`edge/context/z2m_fan.py`): found on the real
Hampton Bay 99432 definition of the conformance corpus, read, commanded, simulated, and asked for by voice."""

from __future__ import annotations

import json
from pathlib import Path

from edge.config import Settings
from edge.context.model import Capability, DeviceState
from edge.context.z2m import device_entities
from edge.context.z2m_fan import fan_speeds, mode_for, percentage_of, speeds_of
from edge.context.z2m_wire import decode_command, decode_state, encode_command, encode_state
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import make_snapshot

CORPUS = Path(__file__).parent / "conformance" / "z2m" / "devices.json"
ENTRY = next(
    row["entry"]
    for row in json.loads(CORPUS.read_text("utf-8"))
    if row["entry"]["friendly_name"] == "bedroom ceiling fan"
)
FAN = next(d for d in device_entities(ENTRY, "zigbee2mqtt") if d.domain == "fan")


def test_speeds_map_to_percentages_as_home_assistant_steps_them() -> None:
    speeds = speeds_of(["low", "medium", "high", "on", "smart"])
    assert speeds == ("low", "medium", "high")
    assert [percentage_of(speeds, m) for m in ("off", "low", "medium", "high", "smart")] == [
        0,
        33,
        66,
        100,
        None,
    ]
    assert [mode_for(speeds, p) for p in (0, 1, 33, 34, 50, 66, 67, 100, 150)] == [
        "off", "low", "low", "medium", "medium", "medium", "high", "high", "high",
    ]  # fmt: skip
    assert speeds_of(["off", "1", "2", "3", "4", "on"]) == ("1", "2", "3", "4")
    assert speeds_of(["on", "auto"]) == ()


def test_the_real_definition_gives_a_fan_with_speeds() -> None:
    assert Capability.FAN_SPEED in FAN.capabilities
    assert fan_speeds(FAN) == ("low", "medium", "high")
    assert FAN.extra["fan_mode_key"] == "fan_mode"


def test_read_and_commanded_by_name_and_simulated_back() -> None:
    state = decode_state(FAN, b'{"fan_state": "ON", "fan_mode": "medium"}', None, 1.0)
    assert state.state == "on" and state.attributes["percentage"] == 66
    off = decode_state(FAN, b'{"fan_state": "OFF", "fan_mode": "off"}', state, 2.0)
    assert off.state == "off" and off.attributes["percentage"] == 0
    assert json.loads(encode_command(FAN, "set_percentage", 100)[1]) == {"fan_mode": "high"}
    assert json.loads(encode_command(FAN, "set_percentage", 0)[1]) == {"fan_state": "OFF"}
    assert decode_command(FAN, b'{"fan_mode": "low"}') == [("set_percentage", 33.0)]
    body = json.loads(encode_state(FAN, DeviceState("on", {"percentage": 66})))
    assert body == {"fan_state": "ON", "fan_mode": "medium"}


def test_said_by_voice_sets_the_speed() -> None:
    snap = make_snapshot({FAN.entity_id: FAN}, "bedroom", {FAN.entity_id: "on"})
    intent = NLUParser(Settings()).parse("set the bedroom ceiling fan to high", snap)
    assert intent is not None and intent.name == "HassFanSetSpeed"
    assert intent.targets == (FAN.entity_id,) and intent.slots["percentage"] == "100"
