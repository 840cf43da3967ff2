"""End to end: synthesized speech replayed into the running runtime turns the simulated device on over a
real Mosquitto, and `edge demo` (what `make run` starts) does the whole set-up by itself."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from edge.context.broker import MosquittoBroker, free_port

ROOT = Path(__file__).resolve().parent.parent
DEMO_HOME = ROOT / "devices" / "homes" / "demo.toml"
DEMO_WAV = ROOT / "edge" / "assets" / "demo_kitchen_light.wav"
EDGE = [sys.executable, "-m", "edge"]
SLOW_ASR = ["--set", "asr.timeout_s=200", "--set", "mqtt.command_timeout_s=15"]


def env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "EDGE_ROOT": str(ROOT)}


@pytest.fixture
def simulated_home(broker: MosquittoBroker) -> Iterator[MosquittoBroker]:
    proc = subprocess.Popen(
        [*EDGE, "simulate", "--home", str(DEMO_HOME), "--broker", f"127.0.0.1:{broker.port}"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        assert ready["ready"] is True
        yield broker
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


def retained(port: int, topic: str, within_s: float = 10.0) -> dict[str, object] | str:
    got: list[bytes] = []
    done = threading.Event()

    def on_message(_c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        got.append(msg.payload)
        done.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.subscribe(topic)
    client.loop_start()
    try:
        assert done.wait(within_s), f"nothing retained on {topic}"
    finally:
        client.loop_stop()
        client.disconnect()
    text = got[-1].decode()
    try:
        parsed: dict[str, object] = json.loads(text)
        return parsed
    except json.JSONDecodeError:
        return text


def events_of(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def first(events: list[dict[str, object]], kind: str) -> dict[str, object]:
    found = [e for e in events if e["type"] == kind]
    assert found, f"no {kind} event in {[e['type'] for e in events]}"
    return found[0]


def test_spoken_command_turns_the_simulated_light_on(simulated_home: MosquittoBroker, tmp_path: Path) -> None:
    port = simulated_home.port
    db = tmp_path / "turns.sqlite3"
    out = subprocess.run(
        [*EDGE, "replay", str(DEMO_WAV), "--json", "--home", str(DEMO_HOME), "--broker", f"127.0.0.1:{port}",
         "--area", "kitchen", "--db", str(db), *SLOW_ASR],
        capture_output=True, text=True, timeout=400, env=env(tmp_path), check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    events = events_of(out.stdout)
    assert first(events, "wake")["word"] == "hey_jarvis"
    assert "kitchen light" in str(first(events, "transcript")["text"]).lower()
    intent = first(events, "intent")
    assert intent["intent"] == "HassTurnOn"
    assert intent["targets"] == ["light.kitchen"]
    assert first(events, "action")["entity_id"] == "light.kitchen"
    assert first(events, "result")["ok"] is True
    assert events[-1]["type"] == "end"
    state = retained(port, "home/light/kitchen/state")
    assert state in ("ON", {"state": "ON"}) or (isinstance(state, dict) and state.get("state") == "ON")
    # the turn is in the store with its device confirmation

    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT intent, result_ok FROM turns").fetchall()
    assert ("HassTurnOn", 1) in [(r[0], r[1]) for r in rows]


def test_make_run_demo_sets_everything_up_and_replays_without_a_microphone(tmp_path: Path) -> None:
    port = free_port()
    out = subprocess.run(
        [*EDGE, "demo", "--set", f"mqtt.port={port}", "--set", f'feedback.db_path="{tmp_path}/t.sqlite3"',
         "--set", 'feedback.tts="none"', *SLOW_ASR],
        capture_output=True, text=True, timeout=400, env=env(tmp_path), check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert f"started Mosquitto on 127.0.0.1:{port}" in out.stdout
    assert "no microphone found" in out.stdout
    assert "intent HassTurnOn" in out.stdout
    assert "confirmed by the device" in out.stdout
    assert "Turned on the kitchen light" in out.stdout


def test_runtime_publishes_its_own_topics(simulated_home: MosquittoBroker, tmp_path: Path) -> None:
    port = simulated_home.port
    seen: list[str] = []
    subscribed = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_subscribe = lambda *_: subscribed.set()
    client.on_message = lambda _c, _u, msg: seen.append(msg.topic)
    client.connect("127.0.0.1", port)
    client.subscribe("edge/kitchen-pi/#")
    client.loop_start()
    try:
        assert subscribed.wait(10)
        out = subprocess.run(
            [*EDGE, "replay", str(DEMO_WAV), "--json", "--broker", f"127.0.0.1:{port}", "--area", "kitchen",
             "--set", 'satellite.site_id="kitchen-pi"', *SLOW_ASR],
            capture_output=True, text=True, timeout=400, env=env(tmp_path), check=False,
        )  # fmt: skip
    finally:
        client.loop_stop()
        client.disconnect()
    assert out.returncode == 0, out.stderr[-2000:]
    # one turn: each of its events once on the runtime's topics (the response was published twice before)
    for kind in ("wake", "transcript", "intent", "action", "result", "response"):
        assert seen.count(f"edge/kitchen-pi/{kind}") == 1, (kind, seen)
    health = retained(port, "edge/kitchen-pi/health")
    assert isinstance(health, dict) and health["status"] in {"online", "offline"}
