"""Home Assistant MQTT discovery conformance: configs and states as the projects that publish them write
them (each row of ``corpus.yaml`` and ``blind.yaml`` cites its source file), run against a real Mosquitto
through the real ContextStore and MQTT executor.

Per row: the retained config(s) are published, then the state messages; the registry entry (entity_id,
name, domain, capabilities, availability) and the state read must be what the row expects; then one action
is planned and executed, the device side checks the exact topic and payload the project accepts, and
answers with the row's reply, which the executor must take as the confirmation.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from edge.actions.commands import Plan
from edge.actions.gate import Confirmation
from edge.actions.mqtt_executor import MqttExecutor
from edge.actions.planner import make_command
from edge.config import MQTTSettings, SatelliteSettings, Settings
from edge.context.broker import MosquittoBroker
from edge.context.model import DeviceState
from edge.context.mqtt import Message, MqttSession, SessionSettings
from edge.context.store import ContextStore

HERE = Path(__file__).resolve().parent
ROWS: list[dict[str, Any]] = [
    *yaml.safe_load((HERE / "corpus.yaml").read_text(encoding="utf-8")),
    *yaml.safe_load((HERE / "blind.yaml").read_text(encoding="utf-8")),
]
_PREFIXES = itertools.count()


def _payload(value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else json.dumps(value, separators=(",", ":")).encode()


async def _until(check: Any, within_s: float = 10.0) -> None:
    async with asyncio.timeout(within_s):
        while not check():  # noqa: ASYNC110 - polling a plain predicate
            await asyncio.sleep(0.02)


def _close(actual: Any, expected: Any) -> bool:
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return abs(float(actual) - float(expected)) <= 0.6
    return bool(actual == expected)


async def _run(row: dict[str, Any], port: int) -> None:
    prefix = f"ha{next(_PREFIXES)}_{row['id'].replace('-', '_')}"
    settings = Settings(
        mqtt=MQTTSettings(port=port, discovery_prefix=prefix, z2m_prefix=f"{prefix}_z2m",
                          reconnect_min_s=0.1, reconnect_max_s=0.5),
        satellite=SatelliteSettings(site_id="test", area="kitchen"),
    )  # fmt: skip
    configs = row["configs"] if "configs" in row else [[row["config_topic"], row["config"]]]
    expect = row["expect"]
    async with (
        MqttSession(SessionSettings(port=port, client_id=f"{prefix}-dev", reconnect_min_s=0.1)) as dev,
        MqttSession(SessionSettings.from_mqtt(settings.mqtt, f"{prefix}-rt")) as runtime,
    ):
        store = ContextStore(settings)
        task = asyncio.create_task(store.run(runtime))
        try:
            assert await dev.wait_connected(10) and await runtime.wait_connected(10)
            if "command" in row:
                await dev.subscribe(row["command"]["topic"], qos=1)
            for topic, config in configs:
                local = prefix + topic[len("homeassistant") :]
                await dev.publish(local, _payload(config), qos=1, retain=True)
            eid = expect["entity_id"]
            await _until(lambda: eid in store.snapshot().devices)
            await asyncio.sleep(0.2)  # the state topics' subscriptions settle
            for topic, payload in row.get("messages", []):
                await dev.publish(topic, _payload(payload), qos=1)
            await _until(lambda: store.snapshot().state_of(eid) == expect["state"])
            device = store.snapshot().devices[eid]
            assert device.name == expect["name"], device
            assert device.domain == expect["domain"]
            assert {str(c) for c in device.capabilities} >= set(expect.get("capabilities", [])), device
            state = store.snapshot().states.get(eid) or DeviceState("unknown")  # a scene reports none
            for key, value in expect.get("attributes", {}).items():
                await _until(lambda k=key, v=value: _close(store.snapshot().states[eid].attributes.get(k), v))
            if "available" in expect:
                assert store.available(eid) is expect["available"]
            for other in expect.get("others", []):
                assert other in store.snapshot().devices, sorted(store.snapshot().devices)
            for ignored in expect.get("absent", []):  # a platform we do not read is passed over, nothing else
                assert ignored not in store.snapshot().devices, sorted(store.snapshot().devices)
            if "command" in row:  # a sensor has nothing to command
                await _command(row, store, dev, runtime, device, store.state(eid) or state)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            for topic, _config in configs:
                await dev.publish(prefix + topic[len("homeassistant") :], b"", qos=1, retain=True)


async def _command(
    row: dict[str, Any], store: ContextStore, dev: MqttSession, runtime: MqttSession, device: Any,
    state: DeviceState,
) -> None:  # fmt: skip
    want = row["command"]
    cmd = make_command(device, state, want["action"], want.get("value"))
    assert (cmd.topic, cmd.payload) == (want["topic"], want["payload"]), cmd
    plan = Plan("Conformance", (cmd,))
    plan = plan.with_confirmation(Confirmation.issue(plan.keys, 0.0, 0.0))
    executor = MqttExecutor(runtime, store, timeout_s=5.0)
    seen: list[Message] = []

    async def device_side() -> None:
        async for message in dev.messages():
            if message.topic == want["topic"]:
                seen.append(message)
                for topic, payload in row.get("reply", []):
                    await dev.publish(topic, _payload(payload), qos=1)
                return

    responder = asyncio.create_task(device_side())
    try:
        result = await executor.execute(plan)
        await _until(lambda: bool(seen), 5.0)  # an optimistic device's command is done once sent
    finally:
        responder.cancel()
        await asyncio.gather(responder, return_exceptions=True)
    assert seen and seen[0].payload.decode() == want["payload"]
    if row.get("reply"):
        assert result.ok, result


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_row(row: dict[str, Any], shared_broker: MosquittoBroker) -> None:
    assert row.get("source"), "every row cites the file its payloads came from"
    asyncio.run(asyncio.wait_for(_run(row, shared_broker.port), 40))
