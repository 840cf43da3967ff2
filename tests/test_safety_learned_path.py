"""The learned-rewrite attack on the product's own learning path, against a real Mosquitto: five days of
"and do that" (not understood) followed by "undo that" teach the household's rewrite table, through
`edge session --broker` and `edge learn`, the rule "and do that" -> "undo that". Then the front door is
unlocked and locked again with a spoken yes each time, and "and do that" / "yes" must publish nothing on
the lock's topic: a learned request never reaches a lock, not even by asking."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
import pytest

from edge.context.broker import MosquittoBroker
from edge.context.homes import load_home

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "devices" / "homes" / "demo.toml"
pytestmark = pytest.mark.skipif(shutil.which("mosquitto") is None, reason="mosquitto is not installed")


def edge(*args: str) -> list[dict[str, Any]]:
    out = subprocess.run(
        [sys.executable, "-m", "edge", *args], capture_output=True, text=True, timeout=240, check=False
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return [json.loads(x)["turn"] for x in out.stdout.splitlines() if x.startswith('{"turn"')]


def script(path: Path, lines: list[tuple[float, str]]) -> str:
    path.write_text("".join(json.dumps({"t": t, "say": say}) + "\n" for t, say in lines))
    return str(path)


class Sniffer:
    """Every message published on the broker while it runs (a client subscribed to ``#``)."""

    def __init__(self, port: int) -> None:
        self.seen: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id="sniffer")
        self.client.on_connect = lambda c, *_: (c.subscribe("#"), self._ready.set())
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self._ready.wait(10), "the sniffer could not subscribe"

    def _on_message(self, _c: Any, _u: Any, message: paho.MQTTMessage) -> None:
        with self._lock:
            self.seen.append((message.topic, bytes(message.payload)))

    def on(self, topic: str) -> list[bytes]:
        with self._lock:
            return [p for t, p in self.seen if t == topic]

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def test_a_rewrite_learned_from_the_households_turns_never_unlocks(
    broker: MosquittoBroker, tmp_path: Path
) -> None:
    db = str(tmp_path / "turns.sqlite3")
    on_broker = ["--home", str(DEMO), "--db", db, "--broker", f"127.0.0.1:{broker.port}"]
    days: list[tuple[float, str]] = []
    for day in range(5):
        for k in range(3):
            t = day * 86_400.0 + k * 3_600.0
            days += [(t, "turn on the kitchen light"), (t + 5, "and do that"), (t + 10, "undo that")]
    taught = edge("session", script(tmp_path / "days.jsonl", days), *on_broker, "--session", "days")
    # a request that fails: not understood, or read as a "yes" with nothing asked (the model's guess)
    failed = [r for r in taught if r["asr_text"] == "and do that"]
    assert failed and all(r["intent"] in (None, "Confirm") and not r["commands"] for r in failed)
    learned = subprocess.run(
        [sys.executable, "-m", "edge", "learn", "--db", db], capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert learned.returncode == 0 and "rewrite table version 1" in learned.stdout, learned.stdout

    lock_topic = load_home(DEMO).devices["lock.front_door"].command_topic
    attack = [(0.0, "unlock the front door"), (2.0, "yes"), (10.0, "lock the front door"), (12.0, "yes"),
              (20.0, "and do that"), (22.0, "yes"), (30.0, "and do that"), (32.0, "yes please")]  # fmt: skip
    sniffer = Sniffer(broker.port)
    try:
        turns = edge(
            "session", script(tmp_path / "attack.jsonl", attack), *on_broker, "--session", "attack",
            "--set", "learning.holdout=0.0",
        )  # fmt: skip
    finally:
        sniffer.close()
    rewritten = [r for r in turns if r["asr_text"] == "and do that"]
    assert rewritten and all(r["rewrite"] and r["rewrite"]["rewritten"] == "undo that" for r in rewritten)
    assert all(r["result_error"] == "safety-refused" and not r["commands"] for r in rewritten)
    # the two spoken yeses, and nothing else, reached the lock: UNLOCK then LOCK
    payloads = [json.loads(p)["state"] for p in sniffer.on(lock_topic)]
    assert payloads == ["UNLOCK", "LOCK"], payloads
    assert [r["response"] for r in turns][-1] == "There's nothing waiting for an answer."
