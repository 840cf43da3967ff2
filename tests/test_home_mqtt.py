"""The home over a real Mosquitto: discovery in both formats, retained state, commands confirmed by the
simulated devices, faults, and a broker restart mid-run."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from edge.actions.mqtt_executor import MqttExecutor
from edge.actions.planner import plan
from edge.config import MQTTSettings, SatelliteSettings, Settings
from edge.context.broker import MosquittoBroker
from edge.context.homes import Home, load_home
from edge.context.model import Capability
from edge.context.mqtt import MqttSession, SessionSettings
from edge.context.store import ContextStore
from edge.lab.sim.device_model import Fault
from edge.lab.sim.devices import DeviceSimulator
from edge.nlu.types import Intent

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "devices" / "homes" / "demo.toml"


def settings_for(broker: MosquittoBroker, timeout_s: float = 5.0) -> Settings:
    mqtt = MQTTSettings(
        port=broker.port, reconnect_min_s=0.1, reconnect_max_s=0.5, command_timeout_s=timeout_s
    )
    return Settings(mqtt=mqtt, satellite=SatelliteSettings(site_id="test", area="kitchen"))


@dataclass
class Rig:
    home: Home
    store: ContextStore
    sim: DeviceSimulator
    runtime: MqttSession
    executor: MqttExecutor


async def until(check: Callable[[], bool], within_s: float = 15.0) -> None:
    async with asyncio.timeout(within_s):
        while not check():  # noqa: ASYNC110 - polling a plain predicate
            await asyncio.sleep(0.05)


@asynccontextmanager
async def rig(broker: MosquittoBroker, timeout_s: float = 5.0, store_home: bool = True) -> AsyncIterator[Rig]:
    settings = settings_for(broker, timeout_s)
    home = load_home(DEMO)
    sim_settings = SessionSettings(
        port=broker.port, reconnect_min_s=0.1, reconnect_max_s=0.5, client_id="sim"
    )
    async with (
        MqttSession(sim_settings) as sim_session,
        MqttSession(SessionSettings.from_mqtt(settings.mqtt, "test")) as runtime,
    ):
        sim = DeviceSimulator(home, sim_session, seed=1)
        store = ContextStore(settings, home if store_home else None)
        tasks = [
            asyncio.create_task(sim.run(), name="sim"),
            asyncio.create_task(store.run(runtime), name="store"),
        ]
        try:
            yield Rig(home, store, sim, runtime, MqttExecutor(runtime, store, timeout_s=timeout_s))
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def run(coro: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(coro())  # type: ignore[arg-type]


def test_discovery_builds_the_registry_from_both_formats(broker: MosquittoBroker) -> None:
    async def main() -> None:
        async with rig(broker, store_home=False) as r:
            await until(lambda: len(r.store.snapshot().devices) == len(r.home.devices))
            await until(lambda: all(r.store.state(e) for e in r.home.devices))
            snap = r.store.snapshot()
            kitchen = snap.devices["light.kitchen"]
            assert (
                kitchen.schema == "ha-json" and kitchen.area == "kitchen" and kitchen.name == "kitchen light"
            )
            assert Capability.BRIGHTNESS in kitchen.capabilities
            lamp = snap.devices["light.living_room_lamp"]
            assert lamp.schema == "z2m" and Capability.COLOR in lamp.capabilities
            assert snap.devices["lock.front_door"].domain == "lock"
            assert Capability.POSITION in snap.devices["cover.living_room_blinds"].capabilities
            assert snap.devices["media_player.living_room_tv"].device_class == "tv"
            assert snap.state_of("lock.front_door") == "locked"
            assert snap.state_of("climate.hallway") == "heat"
            assert snap.states["light.living_room_ceiling"].attributes["brightness"] == 180
            assert snap.states["cover.living_room_blinds"].attributes["current_position"] == 100

    run(main)


def test_home_file_names_merge_and_retained_state_shows(broker: MosquittoBroker) -> None:
    async def main() -> None:
        async with rig(broker) as r:
            await until(lambda: all(r.store.state(e) for e in r.home.devices))
            v1 = r.store.snapshot().version
            snap = r.store.snapshot()
            assert snap.devices["lock.front_door"].aliases == ("front door",)
            assert snap.devices["light.bedroom"].floor == "upstairs"
            assert snap.satellite.area == "kitchen"
        async with rig(broker) as r2:  # a new runtime sees the retained state at once
            await until(lambda: r2.store.state("light.living_room_ceiling") is not None)
            assert r2.store.snapshot().state_of("light.living_room_ceiling") == "on"
            assert r2.store.snapshot().version >= 1 and v1 > 1

    run(main)


def test_command_reaches_the_device_and_is_confirmed(broker: MosquittoBroker) -> None:
    async def main() -> None:
        async with rig(broker) as r:
            await until(lambda: all(r.store.state(e) for e in r.home.devices))
            changes = r.store.changes()
            for intent in (
                Intent("HassTurnOn", {"name": "kitchen light"}),
                Intent("HassLightSet", {"name": "bedroom light", "brightness": "40"}),
                Intent("HassSetPosition", {"name": "blinds", "position": "30"}),
                Intent("HassClimateSetTemperature", {"temperature": "200"}, targets=("oven.kitchen",)),
            ):
                p = plan(intent, r.store.snapshot())
                result = await r.executor.execute(p)
                assert result.ok, (intent, result)
            snap = r.store.snapshot()
            assert snap.state_of("light.kitchen") == "on"
            assert snap.states["light.bedroom"].attributes["brightness"] in range(100, 104)
            assert snap.states["cover.living_room_blinds"].attributes["current_position"] == 30
            assert snap.states["oven.kitchen"].attributes["temperature"] == 200
            first = await changes.get()
            assert (first.entity_id, first.old and first.old.state, first.new.state) == (
                "light.kitchen",
                "off",
                "on",
            )
            undo = await r.executor.execute(
                plan(Intent("UndoLast"), r.store.snapshot(), journal=r.executor.journal)
            )
            assert undo.ok
            assert r.store.snapshot().states["oven.kitchen"].attributes["temperature"] == 180

    run(main)


def test_no_response_fault_times_out_within_the_timeout(broker: MosquittoBroker) -> None:
    async def main() -> None:
        async with rig(broker, timeout_s=1.5) as r:
            await until(lambda: all(r.store.state(e) for e in r.home.devices))
            r.sim.set_fault("light.kitchen", Fault.NO_RESPONSE)
            loop = asyncio.get_running_loop()
            start = loop.time()
            result = await r.executor.execute(
                plan(Intent("HassTurnOn", {"name": "kitchen light"}), r.store.snapshot())
            )
            assert not result.ok and result.error == "device-timeout"
            assert result.failed == ("light.kitchen",)
            assert loop.time() - start < 1.5 + 3.0  # bounded by the timeout (generous slack)

    run(main)


def test_manual_toggle_shows_as_a_state_change(broker: MosquittoBroker) -> None:
    async def main() -> None:
        async with rig(broker) as r:
            await until(lambda: all(r.store.state(e) for e in r.home.devices))
            changes = r.store.changes()
            await r.sim.toggle("light.office_lamp")
            change = await asyncio.wait_for(changes.get(), 10)
            assert (change.entity_id, change.new.state) == ("light.office_lamp", "on")

    run(main)


def test_broker_restart_loses_nothing(broker: MosquittoBroker) -> None:
    async def main() -> None:
        async with rig(broker) as r:
            await until(lambda: all(r.store.state(e) for e in r.home.devices))
            assert (
                await r.executor.execute(
                    plan(Intent("HassTurnOn", {"name": "kitchen light"}), r.store.snapshot())
                )
            ).ok
            await asyncio.to_thread(broker.restart)
            await until(lambda: r.runtime.disconnects >= 1 and r.runtime.connected, 30)
            assert r.store.snapshot().state_of("light.kitchen") == "on"  # kept through the outage
            await until(lambda: r.sim.session.connected, 30)
            result = await r.executor.execute(
                plan(Intent("HassTurnOff", {"name": "kitchen light"}), r.store.snapshot())
            )
            assert result.ok, result
            assert r.store.snapshot().state_of("light.kitchen") == "off"

    run(main)


def test_health_topic_online_and_last_will(broker: MosquittoBroker) -> None:
    async def main() -> None:
        settings = settings_for(broker)
        seen: list[dict[str, object]] = []
        async with MqttSession(SessionSettings(port=broker.port, client_id="watcher")) as watcher:
            await watcher.subscribe("edge/test/health")
            async with MqttSession(SessionSettings.from_mqtt(settings.mqtt, "test")) as runtime:
                assert await runtime.wait_connected(10)
                async for m in watcher.messages():
                    seen.append(json.loads(m.payload))
                    if seen[-1]["status"] == "online":
                        break
            async for m in watcher.messages():
                seen.append(json.loads(m.payload))
                if seen[-1]["status"] == "offline":
                    break
        assert [s["status"] for s in seen][-2:] == ["online", "offline"]

    asyncio.run(asyncio.wait_for(main(), 30))
