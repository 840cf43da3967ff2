"""Home Assistant discovery keyed, named and tracked as HA does it, through the real ContextStore (pure
message handling; the conformance corpus drives the same code over a real Mosquitto)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from edge.actions.planner import make_command
from edge.config import MQTTSettings, Settings
from edge.context.ha_discovery import expand_abbreviations
from edge.context.model import Device, DeviceState
from edge.context.mqtt import Message
from edge.context.store import ContextStore
from edge.dialog.responses import error_text

WEATHER = {"identifiers": ["zigbee2mqtt_0x0017880104e45522"], "name": "weather_sensor"}


def _store() -> ContextStore:
    return ContextStore(Settings(mqtt=MQTTSettings()))


def _send(store: ContextStore, topic: str, payload: Any) -> None:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    store.handle(Message(topic, body))


def test_names_are_composed_and_never_two_alike() -> None:
    store = _store()
    for kind in ("temperature", "humidity"):  # Zigbee2MQTT without object_id: HA names them by class
        cfg = {"device_class": kind, "state_topic": "zigbee2mqtt/weather_sensor", "device": WEATHER,
               "value_template": "{{ value_json." + kind + " }}"}  # fmt: skip
        _send(store, f"homeassistant/sensor/0x0017880104e45522/{kind}/config", cfg)
    devices = store.snapshot().devices
    assert sorted(devices) == ["sensor.weather_sensor_humidity", "sensor.weather_sensor_temperature"]
    assert devices["sensor.weather_sensor_temperature"].name == "weather_sensor Temperature"
    _send(store, "homeassistant/light/0x1/light/config",
          {"name": None, "command_topic": "a/set", "device": {"name": "Hall Lamp"}})  # fmt: skip
    _send(store, "homeassistant/switch/0x2/switch/config",
          {"name": "Plug Left", "command_topic": "b/set", "device": {"name": "Plug"}})  # fmt: skip
    names = {d.entity_id: d.name for d in store.snapshot().devices.values()}
    assert names["light.hall_lamp"] == "Hall Lamp" and names["switch.plug_left"] == "Plug Left"


def test_default_entity_id_and_object_id_win_over_the_name() -> None:
    store = _store()
    named = {"name": "Temp", "default_entity_id": "sensor.porch", "object_id": "x", "state_topic": "t/1"}
    _send(store, "homeassistant/sensor/n/a/config", named)
    _send(
        store,
        "homeassistant/sensor/n/b/config",
        {"name": "Other", "object_id": "Garden Temp", "state_topic": "t/2"},
    )
    assert {"sensor.porch", "sensor.garden_temp"} <= set(store.snapshot().devices)


def test_removal_removes_what_that_config_created_and_rename_keeps_the_entity() -> None:
    store = _store()
    topic = "homeassistant/switch/node/relay1/config"
    _send(
        store,
        topic,
        {"name": "Kettle", "object_id": "kitchen_kettle", "command_topic": "k/set", "state_topic": "k"},
    )
    assert "switch.kitchen_kettle" in store.snapshot().devices
    _send(
        store, topic, {"name": "Tea Kettle", "object_id": "tea", "command_topic": "k/set", "state_topic": "k"}
    )
    devices = store.snapshot().devices
    assert (
        list(devices) == ["switch.kitchen_kettle"] and devices["switch.kitchen_kettle"].name == "Tea Kettle"
    )
    _send(store, "k", b"ON")
    assert store.snapshot().state_of("switch.kitchen_kettle") == "on"
    store.handle(Message(topic, b""))
    assert store.snapshot().devices == {}
    assert "k" not in store.subscriptions()  # its state topic is released too


def test_a_second_config_taking_an_entity_id_gets_a_suffix_as_in_ha() -> None:
    store = _store()
    _send(
        store,
        "homeassistant/sensor/a/t/config",
        {"name": "Probe", "object_id": "probe", "state_topic": "p/1"},
    )
    _send(
        store,
        "homeassistant/sensor/b/t/config",
        {"name": "Probe two", "object_id": "probe", "state_topic": "p/2"},
    )
    assert sorted(store.snapshot().devices) == ["sensor.probe", "sensor.probe_2"]


def test_device_based_discovery_adds_updates_and_removes_components() -> None:
    store = _store()
    topic = "homeassistant/device/0AFFD2/config"
    base = {
        "dev": {"ids": "ea334450945afc", "name": "Kitchen"},
        "o": {"name": "bla2mqtt"},
        "stat_t": "sensorBedroom/state",
    }
    cmps = {"t": {"p": "sensor", "dev_cla": "temperature", "val_tpl": "{{ value_json.temperature }}"},
            "h": {"p": "sensor", "dev_cla": "humidity", "val_tpl": "{{ value_json.humidity }}"}}  # fmt: skip
    _send(store, topic, {**base, "cmps": cmps})
    _send(store, "sensorBedroom/state", {"temperature": 23.2, "humidity": 43.7})
    snap = store.snapshot()
    assert (
        snap.state_of("sensor.kitchen_temperature") == "23.2"
        and snap.state_of("sensor.kitchen_humidity") == "43.7"
    )
    _send(store, topic, {**base, "cmps": {"t": cmps["t"], "h": {"p": "sensor"}}})  # HA's way to drop one
    assert list(store.snapshot().devices) == ["sensor.kitchen_temperature"]
    store.handle(Message(topic, b""))
    assert store.snapshot().devices == {}


def test_platforms_nothing_is_said_about_pass_quietly_and_a_bad_component_costs_only_itself(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A firmware ``update`` or an ``event`` entity is normal beside a light: passed over without a warning,
    on its own topic or inside a device config. A component that is bad (an unknown platform, a name that
    is not a string) is reported on its own; the device's other components stand, and what the bad one
    announced before stays as it was."""
    store = _store()
    with caplog.at_level(logging.WARNING):
        _send(
            store, "homeassistant/update/porch01/firmware/config", {"state_topic": "porch01/fw", "name": "Fw"}
        )
        _send(
            store,
            "homeassistant/event/porch01/button/config",
            {"state_topic": "porch01/b", "event_types": []},
        )
    assert store.rejected == 0 and not caplog.records and store.snapshot().devices == {}
    topic = "homeassistant/device/porch01/config"
    base = {"dev": {"ids": "porch01", "name": "Porch"}, "o": {"name": "bla2mqtt"}}
    light = {"p": "light", "cmd_t": "porch01/light/set", "stat_t": "porch01/light/state"}
    lamp = {"p": "switch", "name": "Lamp", "cmd_t": "porch01/lamp/set", "stat_t": "porch01/lamp/state"}
    _send(
        store, topic, {**base, "cmps": {"l": light, "s": lamp, "fw": {"p": "update", "stat_t": "porch01/fw"}}}
    )
    assert sorted(store.snapshot().devices) == ["light.porch", "switch.porch_lamp"] and store.rejected == 0
    bad_lamp = {**lamp, "name": {"not": "a string"}}
    _send(store, topic, {**base, "cmps": {"l": light, "s": bad_lamp, "x": {"p": "teleporter"}}})
    assert sorted(store.snapshot().devices) == ["light.porch", "switch.porch_lamp"]  # the lamp as it was
    assert store.rejected == 2
    assert any("teleporter" in r.getMessage() for r in caplog.records)
    _send(store, "homeassistant/update/porch01/firmware/config", b"")  # an unread platform's removal
    assert sorted(store.snapshot().devices) == ["light.porch", "switch.porch_lamp"]


def test_every_abbreviation_expands_in_the_device_and_availability_blocks() -> None:
    raw = {"~": "tasmota/plug", "stat_t": "~/STATE", "pl_avail": "Online", "json_attr_t": "~/attr",
           "avty": [{"t": "~/LWT", "val_tpl": "{{ value }}"}], "dev": {"ids": ["x"], "mdl_id": "Z"},
           "bri_val_tpl": "{{ value_json.Dimmer }}", "stat_locked": "L", "def_ent_id": "light.x"}  # fmt: skip
    cfg = expand_abbreviations(raw)
    assert cfg["state_topic"] == "tasmota/plug/STATE" and cfg["json_attributes_topic"] == "tasmota/plug/attr"
    assert cfg["availability"] == [{"topic": "tasmota/plug/LWT", "value_template": "{{ value }}"}]
    assert cfg["device"] == {"identifiers": ["x"], "model_id": "Z"}
    assert (
        cfg["brightness_value_template"]
        and cfg["state_locked"] == "L"
        and cfg["default_entity_id"] == "light.x"
    )


@pytest.mark.parametrize(
    ("mode", "said", "available"),
    [("latest", ["online", "offline"], False), ("latest", ["offline", "online"], True),
     ("all", ["online", None], False), ("any", ["offline", "online"], True),
     ("all", ["online", "online"], True)],
)  # fmt: skip
def test_availability_modes(mode: str, said: list[str | None], available: bool) -> None:
    store = _store()
    cfg = {"name": "Pump", "command_topic": "p/set", "state_topic": "p/state", "availability_mode": mode,
           "availability": [{"topic": "p/a"}, {"topic": "p/b", "payload_available": "online"}]}  # fmt: skip
    _send(store, "homeassistant/switch/pump/config", cfg)
    assert store.available("switch.pump") is False  # HA: unavailable until a topic says otherwise
    for topic, payload in zip(("p/a", "p/b"), said, strict=True):
        if payload is not None:
            store.handle(Message(topic, payload.encode()))
    assert store.available("switch.pump") is available
    assert (store.snapshot().state_of("switch.pump") == "unavailable") is not available


def test_zigbee2mqtt_availability_topic_reads_json_and_legacy() -> None:
    store = _store()
    cfg = {
        "name": "Bulb",
        "command_topic": "z/bulb/set",
        "state_topic": "z/bulb",
        "availability_topic": "z/bulb/availability",
    }
    _send(store, "homeassistant/switch/bulb/config", cfg)
    assert store.available("switch.bulb") is False  # an HA config's topic: unavailable until it speaks
    store.handle(Message("z/bulb/availability", b'{"state":"online"}'))
    assert store.available("switch.bulb") is True
    store.handle(Message("z/bulb/availability", b"offline"))
    assert store.available("switch.bulb") is False
    _send(store, "homeassistant/switch/other/config", {"name": "Other", "command_topic": "o/set"})
    assert store.available("switch.other") is None  # declares no availability


def test_an_unavailable_device_is_said_to_be_unavailable() -> None:
    store = _store()
    _send(store, "homeassistant/switch/pump/config",
          {"name": "Garden Pump", "command_topic": "p/set", "availability_topic": "p/lwt"})  # fmt: skip
    store.handle(Message("p/lwt", b"offline"))
    text = error_text(["switch.garden_pump"], store.snapshot(), "device-timeout")
    assert text == "The garden pump is unavailable right now."
    store.handle(Message("p/lwt", b"online"))
    assert "couldn't reach" in error_text(["switch.garden_pump"], store.snapshot(), "device-timeout")


def test_a_template_that_fails_keeps_the_state_and_logs_one_line(caplog: pytest.LogCaptureFixture) -> None:
    store = _store()
    cfg = {
        "name": "Kettle",
        "command_topic": "k/set",
        "state_topic": "k",
        "value_template": "{{ value_json.POWER }}",
    }
    _send(store, "homeassistant/switch/k/config", cfg)
    _send(store, "k", {"POWER": "ON"})
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            _send(store, "k", {"Uptime": 5})
    assert store.snapshot().state_of("switch.kettle") == "on"
    lines = [r.getMessage() for r in caplog.records if "value_template" in r.getMessage()]
    assert len(lines) == 1 and "switch.kettle" in lines[0] and "{{ value_json.POWER }}" in lines[0]


def test_optimistic_devices_are_done_once_sent() -> None:
    store = _store()
    _send(
        store,
        "homeassistant/cover/a/config",
        {"name": "Awning", "command_topic": "aw/set", "optimistic": True},
    )
    _send(
        store, "homeassistant/switch/b/config", {"name": "Bell", "command_topic": "bell/set"}
    )  # no state topic
    _send(
        store, "homeassistant/switch/c/config", {"name": "Fan", "command_topic": "f/set", "state_topic": "f"}
    )
    devices = store.snapshot().devices
    unknown = DeviceState("unknown")
    assert not make_command(devices["cover.awning"], unknown, "open", None).awaits_report
    assert not make_command(devices["switch.bell"], unknown, "turn_on", None).awaits_report
    assert make_command(devices["switch.fan"], unknown, "turn_on", None).awaits_report


def test_a_zigbee2mqtt_device_availability_topic_counts_once_it_speaks() -> None:
    store = _store()
    extra = {"transport": "z2m", "availability_topic": "zigbee2mqtt/hall/availability"}
    device = Device("light.hall", "hall", "light", command_topic="zigbee2mqtt/hall/set",
                    state_topic="zigbee2mqtt/hall", schema="z2m", extra=extra)  # fmt: skip
    store.registry.register(device, "zigbee2mqtt/bridge/devices")
    assert "zigbee2mqtt/hall/availability" in store.subscriptions()
    assert store.available("light.hall") is None  # Zigbee2MQTT's availability feature may be off
    store.handle(Message("zigbee2mqtt/hall/availability", b'{"state":"offline"}'))
    assert store.available("light.hall") is False
    assert store.snapshot().state_of("light.hall") == "unavailable"
    store.handle(Message("zigbee2mqtt/hall/availability", b"online"))
    assert store.available("light.hall") is True
