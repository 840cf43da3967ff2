"""What real discovery publishers write that the corpus first showed we misread (pure ContextStore message
handling; ``tests/conformance/ha`` runs the publishers' own payloads over a real Mosquitto): BLE gateways'
wildcard state topics, epoch-millisecond attributes, ESPHome's number states and zwave-js-ui's dimmers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from edge.actions.planner import make_command
from edge.config import MQTTSettings, Settings
from edge.context.model import DeviceState
from edge.context.mqtt import Message
from edge.context.store import ContextStore
from edge.context.validate import topic_matches

BLE = {"stat_t": "+/+/BTtoMQTT/A4C138AABBCC", "dev_cla": "temperature", "unit_of_meas": "°C", "name": "tempc",
       "uniq_id": "A4C138AABBCC-tempc", "val_tpl": "{{ value_json.tempc | is_defined }}",
       "dev": {"ids": ["A4C138AABBCC"], "name": "LYWSD03MMC-AABBCC"}}  # fmt: skip
BLE_TOPIC = "homeassistant/sensor/A4C138AABBCC-tempc/config"
BLE_ID = "sensor.lywsd03mmc_aabbcc_tempc"


def _store() -> ContextStore:
    return ContextStore(Settings(mqtt=MQTTSettings()))


def _send(store: ContextStore, topic: str, payload: Any) -> None:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    store.handle(Message(topic, body))


@pytest.mark.parametrize(
    ("topic_filter", "topic", "matches"),
    [
        ("+/+/BTtoMQTT/AA", "home/gw/BTtoMQTT/AA", True),
        ("+/+/BTtoMQTT/AA", "home/gw/BTtoMQTT/BB", False),
        ("+/+/BTtoMQTT/AA", "home/BTtoMQTT/AA", False),
        ("a/#", "a", True),
        ("a/#", "a/b/c", True),
        ("+/status", "$SYS/status", False),
        ("a/+", "a/b/c", False),
    ],
)
def test_topic_matches_as_mqtt_does(topic_filter: str, topic: str, matches: bool) -> None:
    assert topic_matches(topic_filter, topic) is matches


def test_a_ble_sensor_on_a_wildcard_state_topic_hears_every_gateway() -> None:
    store = _store()
    _send(store, BLE_TOPIC, BLE)
    assert BLE_ID in store.snapshot().devices
    assert "+/+/BTtoMQTT/A4C138AABBCC" in store.subscriptions()
    _send(store, "home/OMG_ESP32/BTtoMQTT/A4C138AABBCC", {"tempc": 22.4})
    assert store.snapshot().state_of(BLE_ID) == "22.4"
    _send(store, "home/OMG_ESP32/BTtoMQTT/A4C138FFFFFF", {"tempc": 30.0})  # another sensor: not this one
    assert store.snapshot().state_of(BLE_ID) == "22.4"
    _send(store, "home/TheengsGateway/BTtoMQTT/A4C138AABBCC", {"tempc": 23.1})  # a second gateway
    assert store.snapshot().state_of(BLE_ID) == "23.1"
    store.handle(Message(BLE_TOPIC, b""))  # removed: its filter is released with it
    assert BLE_ID not in store.snapshot().devices
    assert "+/+/BTtoMQTT/A4C138AABBCC" not in store.subscriptions()
    assert not store.registry.filters


def test_a_wildcard_command_topic_is_refused_by_name_and_costs_nothing_else(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = _store()
    _send(store, BLE_TOPIC, BLE)
    rejected = store.rejected
    _send(store, "homeassistant/switch/x/relay/config", {"name": "Relay", "command_topic": "cmnd/+/POWER"})
    assert store.rejected == rejected + 1
    assert "command_topic 'cmnd/+/POWER' contains a wildcard" in caplog.text
    assert sorted(store.snapshot().devices) == [BLE_ID]
    for n, greedy in enumerate(("#", "+/+", "home/#")):  # a filter that takes every topic is refused by name
        _send(store, f"homeassistant/sensor/x/greedy{n}/config", {"name": "Greedy", "state_topic": greedy})
        assert f"{greedy!r} would take every topic" in caplog.text
    assert sorted(store.snapshot().devices) == [BLE_ID] and sorted(store.registry.filters) == [BLE["stat_t"]]


def test_an_epoch_millisecond_attribute_is_left_out_and_the_state_stands() -> None:
    store = _store()
    lock = {"name": "Front-Door_lock", "command_topic": "zwave/Front/Door/98/0/targetMode/set",
            "state_topic": "zwave/Front/Door/98/0/currentMode", "value_template": "{{ value_json.value }}",
            "json_attributes_topic": "zwave/Front/Door/98/0/currentMode", "state_locked": 255,
            "state_unlocked": 0, "payload_lock": 255, "payload_unlock": 0}  # fmt: skip
    _send(store, "homeassistant/lock/Front-Door/lock/config", lock)
    _send(store, "zwave/Front/Door/98/0/currentMode", {"time": 1733616000000, "value": 255})
    state = store.snapshot().states["lock.front_door_lock"]
    assert state.state == "locked" and state.attributes["value"] == 255 and "time" not in state.attributes
    # a number the planner reads stays checked: a brightness far out of range still refuses the message
    _send(store, "homeassistant/light/l/config",
          {"name": "Lamp", "schema": "json", "command_topic": "l/set", "state_topic": "l"})  # fmt: skip
    _send(store, "l", {"state": "ON", "brightness": 100})
    _send(store, "l", {"state": "OFF", "brightness": 1e12})
    assert store.snapshot().states["light.lamp"].state == "on"


def test_a_number_reads_as_home_assistant_holds_it_and_refuses_text() -> None:
    store = _store()
    number = {"name": "Target", "stat_t": "bath/number/target/state", "cmd_t": "bath/number/target/command"}
    _send(store, "homeassistant/number/bath/target/config", number)
    _send(store, "bath/number/target/state", b"45.000000")
    assert store.snapshot().state_of("number.target") == "45.0"
    rejected = store.rejected
    _send(store, "bath/number/target/state", b"high")
    assert store.rejected == rejected + 1 and store.snapshot().state_of("number.target") == "45.0"


def test_a_dimmer_turned_on_by_brightness_gets_only_its_brightness() -> None:
    store = _store()
    dimmer = {"name": "Hall", "command_topic": "d/targetValue/set", "state_topic": "d/currentValue",
              "brightness_command_topic": "d/targetValue/set", "brightness_state_topic": "d/currentValue",
              "brightness_scale": 99, "on_command_type": "brightness"}  # fmt: skip
    _send(store, "homeassistant/light/hall/config", dimmer)
    device = store.snapshot().devices["light.hall"]
    on = make_command(device, DeviceState("off"), "turn_on", None)
    off = make_command(device, DeviceState("on"), "turn_off", None)
    assert (on.topic, on.payload) == ("d/targetValue/set", "99")
    assert (off.topic, off.payload) == ("d/targetValue/set", "OFF")


def test_a_shutter_whose_state_topic_says_no_cover_word_is_read_by_its_position() -> None:
    store = _store()
    shutter = {"name": "Living Shutter", "stat_t": "tele/shutters/STATE", "cmd_t": "cmnd/shutters/Backlog",
               "pl_open": "ShutterOpen1", "pl_cls": "ShutterClose1", "pos_t": "stat/shutters/SHUTTER1",
               "set_pos_t": "cmnd/shutters/ShutterPosition1"}  # fmt: skip
    _send(store, "homeassistant/cover/A1B2C3_SHT_1/config", shutter)
    rejected = store.rejected
    _send(store, "tele/shutters/STATE", {"POWER1": "OFF", "POWER2": "OFF"})  # Tasmota's telemetry
    assert store.rejected == rejected + 1 and store.snapshot().state_of("cover.living_shutter") == "unknown"
    _send(store, "stat/shutters/SHUTTER1", b"50")
    assert store.snapshot().state_of("cover.living_shutter") == "open"
    _send(store, "stat/shutters/SHUTTER1", b"0")
    assert store.snapshot().state_of("cover.living_shutter") == "closed"
    _send(store, "tele/shutters/STATE", b"opening")  # a real cover word on the state topic still rules
    _send(store, "stat/shutters/SHUTTER1", b"20")
    assert store.snapshot().state_of("cover.living_shutter") == "opening"


def test_a_button_is_pressed_with_home_assistants_default_payload() -> None:
    store = _store()
    _send(store, "homeassistant/button/hall/restart/config", {"name": "Restart", "cmd_t": "hall/restart/cmd"})
    press = make_command(store.snapshot().devices["button.restart"], DeviceState("unknown"), "press", None)
    assert (press.topic, press.payload, press.awaits_report) == ("hall/restart/cmd", "PRESS", False)


def test_a_select_keeps_its_option_as_spelt_and_refuses_one_it_does_not_list() -> None:
    store = _store()
    select = {"name": "Fan", "ops": ["Low", "Medium", "High"], "stat_t": "b/fan/state", "cmd_t": "b/fan/cmd"}
    _send(store, "homeassistant/select/b/fan/config", select)
    _send(store, "b/fan/state", b"Medium")
    assert store.snapshot().state_of("select.fan") == "Medium"
    rejected = store.rejected
    _send(store, "b/fan/state", b"Turbo")
    assert store.rejected == rejected + 1 and store.snapshot().state_of("select.fan") == "Medium"
