"""``edge bench reliability``, broker part: hostile content, a flood and a broker restart on a real broker.

- fuzz: hostile MQTT messages (discovery configs with wildcard/NUL/``$`` topics, JSON of any shape, deep
  nesting, huge numbers, NUL, non-UTF-8) published through a real Mosquitto to the runtime's context store:
  crashes, hangs, broker disconnects, peak RSS growth, and whether commands afterwards all work;
- flood: a sensor publishing ``rate`` changing states a second (from another process) while commands run:
  of the commands the device confirmed, how many the runtime reported done;
- restart: the broker stopped and started on the same port; time from the broker being back to a
  successful command (median), and commands lost or duplicated (a command issued while the broker is away,
  which returns within the command timeout, must reach the device exactly once).

The scenarios are shared with ``tests/test_reliability_broker.py``, which asserts on them.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge import resources
from edge.actions.mqtt_executor import MqttExecutor
from edge.actions.planner import plan
from edge.config import MQTTSettings, SatelliteSettings, Settings
from edge.context.broker import MosquittoBroker
from edge.context.homes import Home, load_home
from edge.context.mqtt import MqttSession, SessionSettings
from edge.context.store import ContextStore
from edge.errors import EdgeError
from edge.lab.bench._reliability_common import Figure
from edge.lab.sim.devices import DeviceSimulator
from edge.nlu.types import Intent

__all__ = [
    "Rig",
    "flood_command",
    "hostile_messages",
    "measure",
    "rig",
    "rss_mb",
    "toggle_commands",
    "until",
]

DEMO = resources.demo_home()
CHATTY_CONFIG = "homeassistant/sensor/chatty/config"
CHATTY_STATE = "home/sensor/chatty/state"
TOGGLED = ("light.kitchen", "light.bedroom", "switch.office_plug", "light.office_lamp")


def settings_for(port: int, timeout_s: float = 5.0) -> Settings:
    mqtt = MQTTSettings(port=port, reconnect_min_s=0.1, reconnect_max_s=0.5, command_timeout_s=timeout_s)
    return Settings(mqtt=mqtt, satellite=SatelliteSettings(site_id="bench", area="kitchen"))


@dataclass
class Rig:
    home: Home
    store: ContextStore
    sim: DeviceSimulator
    runtime: MqttSession
    executor: MqttExecutor
    store_task: asyncio.Task[None]


async def until(check: Any, within_s: float = 15.0) -> None:
    async with asyncio.timeout(within_s):
        while not check():  # noqa: ASYNC110 - polling a plain predicate
            await asyncio.sleep(0.02)


@asynccontextmanager
async def rig(port: int, timeout_s: float = 5.0, *, tag: str = "r") -> AsyncIterator[Rig]:
    """The demo home served by the simulator, read by a runtime session + context store, commanded by
    the MQTT executor; ready when every device has a state."""
    settings = settings_for(port, timeout_s)
    home = load_home(DEMO)
    sim_settings = SessionSettings(
        port=port, reconnect_min_s=0.1, reconnect_max_s=0.5, client_id=f"sim-{tag}", session_expiry_s=300
    )
    async with (
        MqttSession(sim_settings) as sim_session,
        MqttSession(SessionSettings.from_mqtt(settings.mqtt, f"bench-{tag}")) as runtime,
    ):
        sim = DeviceSimulator(home, sim_session, seed=1)
        store = ContextStore(settings, home)
        tasks = [
            asyncio.create_task(sim.run(), name="sim"),
            asyncio.create_task(store.run(runtime), name="store"),
        ]
        try:
            await until(lambda: all(store.state(e) for e in home.devices), 20)
            yield Rig(home, store, sim, runtime, MqttExecutor(runtime, store, timeout_s=timeout_s), tasks[1])
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def toggle_commands(r: Rig, entity_id: str) -> Intent:
    on = r.store.snapshot().state_of(entity_id) == "on"
    name = r.home.devices[entity_id].name
    return Intent("HassTurnOff" if on else "HassTurnOn", {"name": name})


async def command_ok(r: Rig, entity_id: str) -> bool:
    result = await r.executor.execute(plan(toggle_commands(r, entity_id), r.store.snapshot()))
    return bool(result.ok)


# -- hostile messages ----------------------------------------------------------------------------------
_HOSTILE_TOPICS = ["a/#/b", "a/b+", "#", "+", "$SYS/broker/load", "home/light/kitchen/set", "x\x00y", "",
                   "home/\x07bell", "a" * 700, "zigbee2mqtt/evil+", "ok/topic",
                   "home/light/kitchen/state"]  # fmt: skip
_NUMBERS = [1e308, -1e308, float("inf"), float("nan"), 10**400, -(2**70), 255, 256, 300, -1, 0.5, 1e-308]


def _json_any(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice([None, True, "x\x00", "é", rng.choice(_NUMBERS), rng.randint(-5, 300), "ON", ""])
    if roll < 0.7:
        return [_json_any(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["state", "brightness", "position", "temperature", "color", "name", "friendly_name", "x"]
    return {rng.choice(keys): _json_any(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def _dumps(value: Any) -> bytes:
    text = json.dumps(value, allow_nan=True, default=str)
    return text.encode("utf-8", "surrogatepass")


def hostile_messages(n: int, seed: int = 0) -> list[tuple[str, bytes]]:
    """``n`` (topic, payload) pairs a hostile or broken device could publish (all valid MQTT topics: the
    broker refuses the rest; the hostile topics travel inside discovery payloads)."""
    rng = random.Random(seed)
    out: list[tuple[str, bytes]] = []
    for i in range(n):
        kind = rng.randrange(7)
        if kind == 0:  # a discovery config with a hostile topic or name
            cfg = {"name": rng.choice(["kitchen light", "evil\x00", "x" * 300, "front door", "ok"]),
                   "schema": "json", "unique_id": f"u{i % 50}",
                   "state_topic": rng.choice(_HOSTILE_TOPICS), "command_topic": rng.choice(_HOSTILE_TOPICS),
                   "brightness_scale": rng.choice([255, 1e308, 0, "x"])}  # fmt: skip
            out.append((f"homeassistant/light/evil_{i % 40}/config", _dumps(cfg)))
        elif kind == 1:  # a Zigbee2MQTT device list with hostile friendly names
            names = [
                rng.choice(["bad+name", "bad#", "nul\x00", "$SYS", "fine_one", "kitchen"]) for _ in range(3)
            ]
            exposes = [{"type": "light", "features": [{"name": "state"}, {"name": "brightness"}]}]
            body = [{"friendly_name": f, "definition": {"exposes": exposes}} for f in names]
            where = "zigbee2mqtt/bridge/devices" + ("/../evil" if rng.random() < 0.1 else "")
            out.append((where, _dumps(body)))
        elif kind == 2:  # a state with numbers of any size on a real device's topic
            topic = rng.choice(
                ["home/light/kitchen/state", "zigbee2mqtt/bedroom", "home/climate/hallway/state"]
            )
            out.append((topic, _dumps({"state": "ON", rng.choice(["brightness", "temperature", "position"]):
                                        rng.choice(_NUMBERS)})))  # fmt: skip
        elif kind == 3:  # deep nesting
            d = rng.choice([10, 40, 1000, 20000])
            out.append(
                (rng.choice(["zigbee2mqtt/bedroom", "homeassistant/light/deep/config"]), b"[" * d + b"]" * d)
            )
        elif kind == 4:  # non-UTF-8 and NUL bytes
            out.append((rng.choice(["zigbee2mqtt/bedroom", "homeassistant/lock/x/config"]),
                        bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))))  # fmt: skip
        else:  # JSON of any shape anywhere
            topic = rng.choice(["homeassistant/switch/any/config", "zigbee2mqtt/office_plug", "edge/x",
                                "zigbee2mqtt/bridge/devices", "home/light/kitchen/state",
                                "zigbee2mqtt/new_thing"])  # fmt: skip
            out.append((topic, _dumps(_json_any(rng))))
    return out


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB (Linux)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = float(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


# -- flood from another process --------------------------------------------------------------------------
def flood_command(port: int, topic: str, rate: float, seconds: float) -> list[str]:
    return [sys.executable, "-m", "edge.lab.bench._reliability_broker", "flood", str(port), topic, str(rate),
            str(seconds)]  # fmt: skip


def _flood(port: int, topic: str, rate: float, seconds: float) -> None:
    import paho.mqtt.client as paho  # noqa: PLC0415 - lazy: paho is the lab's independent second client, not the runtime's
    from paho.mqtt.enums import CallbackAPIVersion  # noqa: PLC0415 - lazy: paho is the lab's independent second client, not the runtime's

    client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
    client.connect("127.0.0.1", port)
    client.loop_start()
    start = time.monotonic()
    sent = 0
    while (now := time.monotonic()) - start < seconds:
        due = int((now - start) * rate)
        while sent < due:
            client.publish(topic, json.dumps({"temperature": 15 + (sent % 1000) / 100}), qos=0)
            sent += 1
        time.sleep(0.002)
    client.loop_stop()
    client.disconnect()
    print(sent)


# -- the scenarios ---------------------------------------------------------------------------------------
async def fuzz(port: int, n: int) -> dict[str, float]:
    messages = hostile_messages(n, seed=12)
    rss0, _ = rss_mb()
    async with rig(port, tag="fuzz") as r, MqttSession(SessionSettings(port=port, client_id="evil")) as evil:
        assert await evil.wait_connected(10)
        invalid = 0
        for i, (topic, body) in enumerate(messages):
            try:
                await evil.publish(topic, body, qos=0 if i % 10 else 1)
            except EdgeError:
                invalid += 1  # our own session refuses an invalid topic; the broker would too
        await evil.publish("home/light/kitchen/state", b'{"state":"OFF"}', qos=1)  # sentinel
        hung = 0
        try:
            await until(lambda: r.store.snapshot().state_of("light.kitchen") == "off", 60)
        except TimeoutError:
            hung = 1
        crashed = int(r.store_task.done())
        oks = [await command_ok(r, e) for e in TOGGLED]
        _, peak = rss_mb()
        return {"crashed": crashed, "hung": hung, "disconnects": r.runtime.disconnects,
                "rss_growth_mb": max(0.0, peak - rss0), "commands_ok": sum(oks), "commands": len(oks),
                "rejected": r.store.rejected, "subscriptions": r.runtime.subscription_count,
                "refused_topics": invalid}  # fmt: skip


async def flood(port: int, rate: float, seconds: float) -> dict[str, float]:
    async with rig(port, tag="flood") as r:
        cfg = {"name": "chatty sensor", "object_id": "chatty", "schema": "json", "state_topic": CHATTY_STATE,
               "device_class": "temperature", "unit_of_measurement": "°C"}  # fmt: skip
        await r.runtime.publish(CHATTY_CONFIG, json.dumps(cfg), qos=1, retain=True)
        await until(lambda: "sensor.chatty" in r.store.snapshot().devices, 10)
        proc = await asyncio.create_subprocess_exec(
            *flood_command(port, CHATTY_STATE, rate, seconds), stdout=asyncio.subprocess.PIPE
        )
        received0 = r.runtime.received
        confirmed = done = 0
        try:
            await until(lambda: r.store.state("sensor.chatty") is not None, 10)
            started = time.monotonic()
            i = 0
            while time.monotonic() - started < seconds - 0.5:
                entity = TOGGLED[i % len(TOGGLED)]
                seen = r.sim.commands_seen
                want = toggle_commands(r, entity)
                result = await r.executor.execute(plan(want, r.store.snapshot()))
                expected = "on" if want.name == "HassTurnOn" else "off"
                if r.sim.commands_seen > seen and r.sim.states[entity].state == expected:
                    confirmed += 1  # the device acted and reported it
                    done += int(result.ok)
                i += 1
        finally:
            out, _ = await proc.communicate()
        sent = int(out.strip() or 0)
        await r.runtime.publish(CHATTY_CONFIG, b"", qos=1, retain=True)
        return {"sent": sent, "received": r.runtime.received - received0, "confirmed": confirmed,
                "reported_done": done, "coalesced": r.runtime.coalesced}  # fmt: skip


async def restart(broker: MosquittoBroker, rounds: int) -> dict[str, Any]:
    latencies: list[float] = []
    lost = duplicated = 0
    async with rig(broker.port, tag="restart") as r:
        for k in range(rounds):
            await asyncio.to_thread(broker.stop)
            await until(lambda: not r.runtime.connected, 10)
            await asyncio.sleep(0.3 + 0.2 * (k % 3))
            entity = TOGGLED[k % len(TOGGLED)]
            seen = r.sim.commands_seen
            if k % 2:  # issued while the broker is away; it returns within the command timeout
                pending = asyncio.create_task(command_ok(r, entity))
                await asyncio.sleep(0.5)
                await asyncio.to_thread(broker.start)
                ok = await pending
            else:  # issued once the broker is back: timed from its return
                await asyncio.to_thread(broker.start)
                back = time.monotonic()
                ok = await command_ok(r, entity)
                if ok:
                    latencies.append(time.monotonic() - back)
            await asyncio.sleep(0.3)
            lost += int(not ok or r.sim.commands_seen == seen)
            duplicated += int(r.sim.commands_seen - seen > 1)
    return {"latencies": latencies, "lost": lost, "duplicated": duplicated}


def measure(*, quick: bool = False) -> list[Figure]:
    try:
        MosquittoBroker.executable()
    except EdgeError as err:
        return [Figure("broker part skipped", str(err.message))]
    n = 2000 if quick else 10_000
    with MosquittoBroker() as broker:
        f = asyncio.run(fuzz(broker.port, n))
    with MosquittoBroker() as broker:
        fl = asyncio.run(flood(broker.port, 5000.0, 4.0 if quick else 10.0))
    with MosquittoBroker() as broker:
        rs = asyncio.run(restart(broker, 4 if quick else 10))
    ratio = fl["reported_done"] / fl["confirmed"] if fl["confirmed"] else 0.0
    lat = rs["latencies"]
    return [
        Figure(f"fuzzed MQTT messages ({n}, hostile topics included): crashes", int(f["crashed"]), "", "0"),
        Figure("fuzz: hangs", int(f["hung"]), "", "0"),
        Figure("fuzz: broker disconnects of the runtime", int(f["disconnects"]), "", "0"),
        Figure("fuzz: peak RSS growth", round(f["rss_growth_mb"], 1), "MB", "bounded"),
        Figure(
            "fuzz: later commands that worked", f"{int(f['commands_ok'])}/{int(f['commands'])}", "", "all"
        ),
        Figure("fuzz: messages rejected by validation", int(f["rejected"]), "", ""),
        Figure(
            "flood: sensor messages sent", int(fl["sent"]), "msgs", f"~5,000/s for {4 if quick else 10} s"
        ),
        Figure(
            "flood: confirmed commands reported done",
            f"{int(fl['reported_done'])}/{int(fl['confirmed'])}",
            "",
            "all",
        ),
        Figure("flood: confirmed commands reported done (ratio)", round(ratio, 3), "", "1.0"),
        Figure("flood: sensor states coalesced away (latest wins)", int(fl["coalesced"]), "msgs", ""),
        Figure(
            "restart: broker back -> command confirmed, median",
            round(statistics.median(lat), 3) if lat else "n/a",
            "s",
            "< 2 s",
        ),
        Figure("restart: slowest", round(max(lat), 3) if lat else "n/a", "s", ""),
        Figure("restart: commands lost", int(rs["lost"]), "", "0"),
        Figure("restart: commands duplicated", int(rs["duplicated"]), "", "0"),
    ]


if __name__ == "__main__" and len(sys.argv) == 6 and sys.argv[1] == "flood":
    _flood(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
