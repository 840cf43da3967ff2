"""Hostile payloads on discovery and state topics never crash the store or corrupt the registry."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge.config import MQTTSettings, Settings
from edge.context.broker import MosquittoBroker
from edge.context.discovery import parse_ha_discovery
from edge.context.homes import load_home
from edge.context.mqtt import Message, MqttSession, SessionSettings
from edge.context.store import ContextStore
from edge.context.wire import PayloadError, decode_command, decode_json_state
from edge.context.z2m import parse_z2m_devices

ROOT = Path(__file__).resolve().parent.parent
HOME = load_home(ROOT / "devices" / "homes" / "demo.toml")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=6)
    ),
    max_leaves=30,
)
KEYS = ["name", "stat_t", "cmd_t", "~", "schema", "state_topic", "command_topic", "device", "uniq_id"]
KEYS += ["object_id", "brightness", "supported_color_modes", "dev_cla", "state", "friendly_name"]
KEYS += ["definition", "exposes", "features", "type", "position", "color"]
keys = st.sampled_from(KEYS)
configs = st.dictionaries(keys, json_values, max_size=8)
payloads = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    configs.map(lambda v: json.dumps(v).encode()),
    st.lists(configs, max_size=4).map(lambda v: json.dumps(v).encode()),
    st.just(b"[" * 100_000 + b"]" * 100_000),
    st.just(b'{"name": "' + b"x" * 1_000_000 + b'"}'),
    st.just(b"\xff\xfe\x00bad utf8"),
)
TOPICS = [
    "homeassistant/light/x/config",
    "homeassistant/light/node/evil/config",
    "homeassistant/lock/f/config",
]
TOPICS += ["homeassistant/teleporter/x/config", "homeassistant//config", "zigbee2mqtt/bridge/devices"]
TOPICS += [
    "zigbee2mqtt/bedroom",
    "home/light/kitchen/state",
    "zigbee2mqtt/front_door",
    "home/climate/hallway/state",
]
topics = st.sampled_from(TOPICS)


def fresh_store() -> ContextStore:
    return ContextStore(Settings(), HOME)


STORE = fresh_store()


def check_store_survives(topic: str, payload: bytes) -> None:
    before = set(STORE.snapshot().devices)
    STORE.handle(Message(topic, payload, retain=True))
    snap = STORE.snapshot()
    assert set(HOME.devices) <= set(snap.devices)  # configured devices are never lost
    assert len(snap.devices) <= len(before) + 4
    for device in snap.devices.values():
        assert len(device.name) <= 128 and "." in device.entity_id
    for state in snap.states.values():
        assert isinstance(state.state, str) and len(state.state) <= 256
        assert len(state.attributes) <= 64


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topic=topics, payload=payloads)
def test_store_survives_hostile_messages(topic: str, payload: bytes) -> None:
    check_store_survives(topic, payload)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topic=topics, payload=payloads)
def test_store_survives_1000_hostile_messages(topic: str, payload: bytes) -> None:
    check_store_survives(topic, payload)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=payloads)
def test_parsers_raise_only_1000_payloads(payload: bytes) -> None:
    device = HOME.devices["light.kitchen"]
    for call in (
        lambda: parse_ha_discovery("homeassistant/light/x/config", payload),
        lambda: parse_z2m_devices(payload),
        lambda: decode_json_state(device, payload, None, 0.0),
        lambda: decode_command(device, payload),
    ):
        with contextlib.suppress(PayloadError):
            call()


def test_real_discovery_examples_parse() -> None:
    abbreviated = {"~": "kitchen/light2", "name": "Counter light", "uniq_id": "k2", "cmd_t": "~/set",
                   "stat_t": "~/state", "bri_cmd_t": "~/bri/set", "bri_stat_t": "~/bri", "bri_scl": 100,
                   "dev": {"name": "Counter", "sa": "Kitchen"}}  # fmt: skip
    device = parse_ha_discovery("homeassistant/light/counter/config", json.dumps(abbreviated).encode())
    assert not isinstance(device, type(None))
    # HA's naming (issue 15): the entity_id comes from the composed name, not the topic's object id
    assert getattr(device, "entity_id", "") == "light.counter_light"
    assert getattr(device, "command_topic", "") == "kitchen/light2/set"
    assert getattr(device, "area", "") == "kitchen"
    assert getattr(device, "extra", {})["brightness_command_topic"] == "kitchen/light2/bri/set"
    features = [{"name": "state"}, {"name": "brightness"}, {"name": "color_xy"}]
    z2m = [
        {"friendly_name": "hall_bulb", "definition": {"exposes": [{"type": "light", "features": features}]}}
    ]
    (bulb,) = parse_z2m_devices(json.dumps(z2m).encode())
    assert bulb.entity_id == "light.hall_bulb" and bulb.command_topic == "zigbee2mqtt/hall_bulb/set"


def test_hostile_payloads_over_the_real_broker(broker: MosquittoBroker) -> None:
    rng = random.Random(7)
    junk: list[tuple[str, bytes]] = []
    for i in range(60):
        topic = rng.choice([f"homeassistant/light/x{i % 5}/config", *TOPICS])
        bodies = [b"\xff\xfe", b"{not json", b"[" * 5000, json.dumps({"name": ["x"] * 50}).encode(), b""]
        bodies += [json.dumps({"state": {"nested": True}}).encode(), b"x" * 200_000]
        body: Any = rng.choice(bodies)
        junk.append((topic, body))

    async def main() -> None:
        settings = Settings(mqtt=MQTTSettings(port=broker.port))
        store = fresh_store()
        async with (
            MqttSession(SessionSettings(port=broker.port, client_id="evil")) as evil,
            MqttSession(SessionSettings.from_mqtt(settings.mqtt, "fuzz")) as runtime,
        ):
            task = asyncio.create_task(store.run(runtime), name="store")
            assert await runtime.wait_connected(10) and await evil.wait_connected(10)
            await asyncio.sleep(0.5)
            for topic, body in junk:
                await evil.publish(topic, body, qos=1)
            await evil.publish("home/light/kitchen/state", b'{"state":"ON","brightness":99}', qos=1)
            async with asyncio.timeout(20):
                while store.snapshot().state_of("light.kitchen") != "on":  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            assert not task.done()
            assert store.rejected > 0
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    asyncio.run(main())
