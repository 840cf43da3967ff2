"""``edge devices`` as a user runs it: a subprocess against a real Mosquitto holding a retained Zigbee2MQTT
network of 300 devices (built from the conformance corpus's real definitions) and a Home Assistant config."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from edge.commands.devices import summary
from edge.context.broker import MosquittoBroker
from edge.context.mqtt import MqttSession, SessionSettings
from edge.context.z2m import device_entities

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_z2m_conformance import network  # noqa: E402 - the corpus's network builder, one definition of it

HA_LAMP = {"name": "Porch lamp", "unique_id": "porch_lamp_1", "command_topic": "home/porch/set",
           "state_topic": "home/porch/state",
           "device": {"identifiers": ["porch1"], "suggested_area": "Porch"}}  # fmt: skip


def edge(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "edge", *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env, check=False,
    )  # fmt: skip


async def _retain(port: int, messages: list[tuple[str, str]]) -> None:
    async with MqttSession(SessionSettings(port=port, client_id="z2m")) as session:
        assert await session.wait_connected(5.0)
        for topic, payload in messages:
            await session.publish(topic, payload, qos=1, retain=True)


def test_edge_devices_json_shows_a_real_network_of_300_devices(broker: MosquittoBroker) -> None:
    devices = network(300)
    z2m = {d.entity_id for entry in devices for d in device_entities(entry, "zigbee2mqtt")}
    plug = next(e for e in devices if e["definition"]["model"] == "ZNCZ02LM")
    messages = [("zigbee2mqtt/bridge/devices", json.dumps(devices)),
                ("homeassistant/light/porch/config", json.dumps(HA_LAMP)), ("home/porch/state", "ON"),
                (f"zigbee2mqtt/{plug['friendly_name']}",
                 json.dumps({"state": "ON", "power": 12}))]  # fmt: skip
    asyncio.run(_retain(broker.port, messages))
    result = edge("devices", "--broker", f"127.0.0.1:{broker.port}", "--json", "--wait", "30")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by_id = {r["entity_id"]: r for r in rows}
    (porch,) = [r for r in rows if r["source"] == "ha"]  # its entity_id is HA discovery's business
    assert set(by_id) == z2m | {porch["entity_id"]} and len(rows) == len(by_id)
    for row in rows:
        assert {"entity_id", "name", "area", "kind", "state", "capabilities", "source", "available"} <= set(
            row
        )
    assert (porch["source"], porch["area"], porch["state"], porch["kind"]) == ("ha", "porch", "on", "light")
    switch = next(
        r
        for r in rows
        if r.get("ieee_address") == plug["ieee_address"] and r["entity_id"].startswith("switch.")
    )
    assert (switch["source"], switch["state"], switch["model"]) == ("z2m", "on", "ZNCZ02LM")
    assert len({r["ieee_address"] for r in rows if r["source"] == "z2m"}) == 300 - 15  # remotes: no entity

    table = edge("devices", "--broker", f"127.0.0.1:{broker.port}", "--wait", "30")
    assert table.returncode == 0 and table.stdout.splitlines()[-1] == summary(rows)


def test_edge_devices_without_a_broker_says_how_to_fix_it() -> None:
    result = edge("devices", "--broker", "127.0.0.1:9", "--wait", "1")
    assert result.returncode != 0 and "no MQTT broker at 127.0.0.1:9" in result.stderr
    assert "--broker" in result.stderr and "Traceback" not in result.stderr


def test_summary_counts_sources_and_names_the_unavailable() -> None:
    rows: list[dict[str, Any]] = [
        {"entity_id": "light.a", "source": "z2m", "available": True},
        {"entity_id": "light.b", "source": "z2m", "available": False},
        {"entity_id": "switch.c", "source": "ha", "available": None},
        {"entity_id": "lock.d", "source": "home", "available": None},
    ]
    assert summary(rows) == "4 devices (1 ha, 1 home, 2 z2m); unavailable: light.b"
    assert summary([]) == "0 devices (none); none unavailable"
