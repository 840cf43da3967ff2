"""``edge act`` as a subprocess against ``edge simulate`` as a subprocess, on the test broker."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from edge.config import Settings
from edge.context.address import parse_broker, with_broker
from edge.context.broker import MosquittoBroker
from edge.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "devices" / "homes" / "demo.toml")
EDGE = [sys.executable, "-m", "edge"]


@pytest.fixture
def simulator(broker: MosquittoBroker) -> Iterator[tuple[MosquittoBroker, subprocess.Popen[str]]]:
    proc = subprocess.Popen(
        [*EDGE, "simulate", "--home", DEMO, "--broker", f"127.0.0.1:{broker.port}", "--interactive",
         "--fault", "light.bedroom=no_response"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    assert json.loads(proc.stdout.readline())["ready"] is True
    yield broker, proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=20)


def act(
    broker: MosquittoBroker, intent: dict[str, object], *extra: str
) -> tuple[int, list[dict[str, object]]]:
    out = subprocess.run(
        [*EDGE, "act", json.dumps(intent), "--home", DEMO, "--broker", f"127.0.0.1:{broker.port}", *extra],
        check=False, capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return out.returncode, lines


def test_act_against_simulate(simulator: tuple[MosquittoBroker, subprocess.Popen[str]]) -> None:
    broker, sim = simulator
    code, lines = act(broker, {"intent": "HassTurnOn", "slots": {"name": "kitchen light"}})
    assert code == 0, lines
    action = next(x for x in lines if x.get("type") == "action")
    assert action["topic"] == "home/light/kitchen/set" and action["payload"] == '{"state":"ON"}'
    result = lines[-1]
    assert result["type"] == "result" and result["ok"] is True and result["confirmed"] == ["light.kitchen"]

    code, lines = act(broker, {"intent": "HassTurnOn", "slots": {"name": "bedroom light"}},
                      "--set", "mqtt.command_timeout_s=1.5")  # fmt: skip
    assert code == 1 and lines[-1]["error"] == "device-timeout"

    code, lines = act(broker, {"intent": "HassTurnOff", "slots": {"name": "front door"}, "source": "rewrite"})
    assert code == 1 and lines[-1]["error"] == "safety-refused"  # learned: never, not even confirmed
    code, lines = act(broker, {"intent": "HassTurnOff", "slots": {"name": "front door"}, "source": "rewrite"},
                      "--confirm")  # fmt: skip
    assert code == 1 and lines[-1]["error"] == "safety-refused"
    code, lines = act(broker, {"intent": "HassTurnOff", "slots": {"name": "front door"}})
    assert code == 1 and lines[-1]["error"] == "needs-confirmation"
    code, lines = act(broker, {"intent": "HassTurnOff", "slots": {"name": "front door"}}, "--confirm")
    assert code == 0 and lines[-1]["confirmed"] == ["lock.front_door"]

    assert sim.stdin is not None and sim.stdout is not None
    sim.stdin.write("state lock.front_door\n")
    sim.stdin.flush()
    assert json.loads(sim.stdout.readline())["state"] == "unlocked"
    sim.stdin.write("quit\n")
    sim.stdin.flush()
    assert sim.wait(timeout=20) == 0


def test_act_reports_bad_input_clearly() -> None:
    args = [*EDGE, "act", "{nope", "--home", DEMO]
    out = subprocess.run(args, check=False, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "not JSON" in out.stderr and "fix:" in out.stderr


def test_broker_addresses() -> None:
    assert (parse_broker("10.0.0.2:1884").host, parse_broker("10.0.0.2:1884").port) == ("10.0.0.2", 1884)
    assert (parse_broker("mqtt.local").host, parse_broker("mqtt.local").port) == ("mqtt.local", 1883)
    assert parse_broker(":1999").host == "127.0.0.1"
    assert parse_broker("[::1]:1885").port == 1885
    assert with_broker(Settings(), "h:2000").mqtt.port == 2000
    with pytest.raises(ConfigError, match=r"1\.\.65535"):
        parse_broker("h:99999")
