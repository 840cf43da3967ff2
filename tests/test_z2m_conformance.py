"""Zigbee2MQTT's real device list (tests/conformance/z2m, each entry cited) through the parser, a real
Mosquitto, the ContextStore and the MqttExecutor: every row discovered as expected, its state read, its
command exactly what Zigbee2MQTT accepts; a 300-device network built from the same definitions."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from edge.actions.commands import Plan
from edge.actions.gate import Confirmation
from edge.actions.mqtt_executor import MqttExecutor
from edge.actions.planner import make_command
from edge.config import MQTTSettings, SatelliteSettings, Settings
from edge.context.broker import MosquittoBroker
from edge.context.model import Device, DeviceState
from edge.context.mqtt import Message, MqttSession, SessionSettings
from edge.context.store import ContextStore
from edge.context.z2m import device_entities

CORPUS = Path(__file__).resolve().parent / "conformance" / "z2m"
ROWS: list[dict[str, Any]] = json.loads((CORPUS / "devices.json").read_text("utf-8"))
CASES: list[dict[str, Any]] = json.loads((CORPUS / "cases.json").read_text("utf-8"))
ENTRIES = {row["entry"]["friendly_name"]: row["entry"] for row in ROWS}
PREFIX = "zigbee2mqtt"


def network(size: int) -> list[dict[str, Any]]:
    """``size`` devices built from the corpus's real definitions: new friendly names and IEEE addresses."""
    real = [row["entry"] for row in ROWS if row["entry"].get("definition")]
    out: list[dict[str, Any]] = []
    for i in range(size):
        entry = json.loads(json.dumps(real[i % len(real)]))
        entry["friendly_name"] = f"room {i // len(real)}/{entry['friendly_name'].replace('/', ' ')}"
        entry["ieee_address"] = f"0x00158d{i:010x}"
        entry["network_address"] = 2000 + i
        out.append(entry)
    return out


def settings_for(broker: MosquittoBroker, **mqtt: Any) -> Settings:
    m = MQTTSettings(
        port=broker.port, reconnect_min_s=0.1, reconnect_max_s=0.5, command_timeout_s=5.0, **mqtt
    )
    return Settings(mqtt=m, satellite=SatelliteSettings(site_id="test", area="kitchen"))


async def until(check: Callable[[], bool], within_s: float = 20.0) -> None:
    async with asyncio.timeout(within_s):
        while not check():  # noqa: ASYNC110 - polling a plain predicate
            await asyncio.sleep(0.05)


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[ContextStore, MqttSession]]:
    store = ContextStore(settings)
    async with MqttSession(SessionSettings.from_mqtt(settings.mqtt, "test")) as session:
        task = asyncio.create_task(store.run(session), name="store")
        try:
            yield store, session
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


def run(coro: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(coro())  # type: ignore[arg-type]


def _shape(device: Device) -> dict[str, Any]:
    caps = sorted(c.value for c in device.capabilities)
    return {"entity_id": device.entity_id, "domain": device.domain, "name": device.name,
            "device_class": device.device_class, "capabilities": caps}  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c["friendly"] for c in CASES])
def test_each_real_device_gives_the_expected_entities(case: dict[str, Any]) -> None:
    found = device_entities(ENTRIES[case["friendly"]], PREFIX)
    assert [_shape(d) for d in found] == case["entities"]
    for device in found:
        assert device.state_topic == f"{PREFIX}/{case['friendly']}"
        assert device.extra["availability_topic"] == f"{PREFIX}/{case['friendly']}/availability"
        ieee = ENTRIES[case["friendly"]]["ieee_address"]
        assert device.extra["device_id"] == f"zigbee2mqtt_{ieee}"
        assert str(device.extra["unique_id"]).startswith(f"{ieee}_")


def _matches(state: DeviceState | None, want: dict[str, Any]) -> bool:
    if state is None or state.state != want["state"]:
        return False
    return all(state.attributes.get(k) == v for k, v in want.get("attributes", {}).items())


def test_corpus_over_mosquitto_discovered_read_and_commanded_exactly(broker: MosquittoBroker) -> None:
    async def main() -> None:
        settings = settings_for(broker)
        publisher = SessionSettings(
            port=broker.port, reconnect_min_s=0.1, reconnect_max_s=0.5, client_id="z2m"
        )
        async with MqttSession(publisher) as z2m:
            await z2m.wait_connected(5.0)
            await z2m.publish(
                f"{PREFIX}/bridge/devices", json.dumps([r["entry"] for r in ROWS]), qos=1, retain=True
            )
            for case in CASES:
                if "state" in case:
                    await z2m.publish(
                        f"{PREFIX}/{case['friendly']}", json.dumps(case["state"]), qos=1, retain=True
                    )
            for topic in (f"{PREFIX}/+/set", f"{PREFIX}/+/+/set"):
                await z2m.subscribe(topic)
            async with running(settings) as (store, session):
                wanted = {s: w for c in CASES for s, w in c.get("states", {}).items()}
                await until(lambda: all(_matches(store.state(e), w) for e, w in wanted.items()))
                entities = {e["entity_id"] for c in CASES for e in c["entities"]}
                assert set(store.snapshot().devices) == entities
                executor = MqttExecutor(session, store, timeout_s=5.0)
                for case in [c for c in CASES if "command" in c]:
                    for step in [case, *case.get("more", [])]:  # a case's later commands, in order
                        await _command(case["friendly"], step, store, executor, z2m)

    run(main)


async def _command(
    friendly: str, case: dict[str, Any], store: ContextStore, executor: MqttExecutor, z2m: MqttSession
) -> None:
    cmd = case["command"]
    device = store.snapshot().devices[cmd["entity_id"]]
    state = store.state(cmd["entity_id"]) or DeviceState("unknown")
    command = make_command(device, state, cmd["action"], cmd["value"])
    sent: asyncio.Future[Message] = asyncio.get_running_loop().create_future()

    async def listen() -> None:
        async for message in z2m.messages():
            if message.topic.endswith("/set") and not sent.done():
                sent.set_result(message)
                await z2m.publish(f"{PREFIX}/{friendly}", json.dumps(case["reply"]), qos=1)

    task = asyncio.create_task(listen())
    try:
        plan = Plan(intent="test", commands=(command,))
        now = time.monotonic()  # a lock is safety-critical: it goes out with a spoken "yes" only
        plan = replace(plan, confirmation=Confirmation.issue(plan.keys, now, now))
        result = await executor.execute(plan)
        message = await asyncio.wait_for(sent, 5.0)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert (message.topic, json.loads(message.payload)) == (cmd["topic"], cmd["payload"]), friendly
    assert result.ok and result.confirmed == (cmd["entity_id"],), (friendly, result)


def test_a_network_of_300_real_devices_is_discovered_off_the_event_loop(broker: MosquittoBroker) -> None:
    devices = network(300)
    body = json.dumps(devices).encode()
    assert 64 * 1024 < len(body) < 8 * 1024 * 1024
    expected = {d.entity_id for entry in devices for d in device_entities(entry, PREFIX)}

    async def main() -> None:
        async with MqttSession(SessionSettings(port=broker.port, client_id="z2m")) as z2m:
            await z2m.wait_connected(5.0)
            await z2m.publish(f"{PREFIX}/bridge/devices", body, qos=1, retain=True)
            async with running(settings_for(broker)) as (store, _session):
                await until(lambda: len(store.snapshot().devices) == len(expected))
                assert set(store.snapshot().devices) == expected and store.rejected == 0

    run(main)
    assert len(expected) > 450  # 300 devices, more entities: multi-endpoint, fan + light, sensors


def test_over_the_bound_one_log_line_and_the_known_devices_stay(caplog: pytest.LogCaptureFixture) -> None:
    store = ContextStore(Settings(mqtt=MQTTSettings(z2m_devices_max_bytes=200_000)))
    topic = f"{PREFIX}/bridge/devices"
    store.handle(Message(topic, json.dumps(network(10)).encode()))
    known = set(store.snapshot().devices)
    big = json.dumps(network(300)).encode()
    with caplog.at_level(logging.WARNING):
        store.handle(Message(topic, big))
        store.handle(Message(topic, big))
    assert set(store.snapshot().devices) == known and len(known) > 10
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1, lines
    assert (
        f"{len(big)} bytes" in lines[0] and "200000" in lines[0] and "mqtt.z2m_devices_max_bytes" in lines[0]
    )


def test_a_rename_is_the_same_entity_and_a_dropped_device_goes() -> None:
    store = ContextStore(Settings())
    topic = f"{PREFIX}/bridge/devices"
    plug, bulb = dict(ENTRIES["power_plug"]), dict(ENTRIES["bulb"])
    store.handle(Message(topic, json.dumps([plug, bulb]).encode()))
    before = store.snapshot().devices["switch.power_plug"]
    store.handle(Message(f"{PREFIX}/power_plug", json.dumps({"state": "ON"}).encode()))
    store.handle(Message(f"{PREFIX}/power_plug", b""))  # Zigbee2MQTT clears the old name's retained state
    assert store.rejected == 0 and store.snapshot().state_of("switch.power_plug") == "on"
    store.handle(Message(topic, json.dumps([{**plug, "friendly_name": "kettle plug"}, bulb]).encode()))
    after = store.snapshot().devices
    assert "switch.kettle_plug" not in after and after["switch.power_plug"].name == "kettle plug"
    assert after["switch.power_plug"].command_topic == f"{PREFIX}/kettle plug/set" != before.command_topic
    assert sum(1 for d in after.values() if d.extra.get("ieee_address") == plug["ieee_address"]) == 3
    store.handle(Message(topic, json.dumps([bulb]).encode()))
    assert set(store.snapshot().devices) == {"light.bulb"}


def _ha_route() -> Message:
    route = json.loads((CORPUS / "ha_route.json").read_text("utf-8"))
    payload = dict(route["payload"], object_id="bulb_via_ha")  # a different entity_id, the same bulb
    return Message(route["topic"], json.dumps(payload).encode())


@pytest.mark.parametrize("ha_first", [True, False])
def test_one_entity_per_device_when_both_routes_announce_it(ha_first: bool) -> None:
    store = ContextStore(Settings())
    bridge = Message(f"{PREFIX}/bridge/devices", json.dumps([ENTRIES["bulb"]]).encode())
    for message in [_ha_route(), bridge] if ha_first else [bridge, _ha_route()]:
        store.handle(message)
    store.handle(_ha_route())  # a retained re-announcement never flips it back
    devices = store.snapshot().devices
    assert list(devices) == ["light.bulb"] and devices["light.bulb"].extra["transport"] == "z2m"
