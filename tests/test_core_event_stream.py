"""The runtime's event stream, pinned: every message it publishes on ``edge/#`` and ``hermes/#`` while it
runs in process (``edge.app.run``) on a replayed WAV against a real Mosquitto with the demo home served.

Each scenario is recorded once (a subscriber on both trees from before the runtime starts, MQTT v5 with
retain-as-published, so the retained flags are the publisher's) and then checked two ways:

- **snapshot**: the messages, normalized, equal ``tests/snapshots/event_stream_<scenario>.json``. Volatile
  fields become placeholders (times and latencies ``<ms>``, wall-clock stamps ``<time>``, scores and
  confidences ``<score>``, turn ids ``<turn N>`` in order of appearance), and what ASR heard is compared as
  its words (lowercase, no punctuation: Whisper's casing and punctuation are what varies). Turns overlap in
  the pipeline (the listener may hear the next wake word while ASR works on the last turn), so messages are
  listed turn by turn, each turn in arrival order; messages of no turn (health) are listed apart. On a
  mismatch the test prints a unified diff, one line per message. After an intended change, rewrite the
  snapshots with ``UPDATE_SNAPSHOTS=1 pytest tests/test_core_event_stream.py`` and review the diff.
- **invariants**, independent of the snapshot: exactly one response per turn, every turn's messages in
  causal order (wake, transcript, intent, action/result, response), the cross-turn order the runtime
  guarantees, retained flags as designed (only health, by the session), Hermes payloads in the protocol's
  field names with the user's words as ``input``.

The synthesized scenario is replayed as fast as it runs, like ``edge replay``: the listener then runs ahead
of ASR, and the turn handler stamps each of the file's turns no earlier than the previous one was answered
(``EngineTurnHandler(ordered=True)``), so the "yes" after the question confirms it.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import paho.mqtt.client as mqtt
import pytest
import soundfile
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.subscribeoptions import SubscribeOptions

from edge.app import RuntimeOptions, run
from edge.audio.io import read_audio
from edge.config import load_settings
from edge.context.broker import MosquittoBroker
from edge.events import PipelineEvent

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
DEMO_HOME = ROOT / "devices" / "homes" / "demo.toml"
DEMO_WAV = ROOT / "edge" / "assets" / "demo_kitchen_light.wav"
SITE = "kitchen-pi"
TREES = ("edge/#", "hermes/#")
HEALTH = f"edge/{SITE}/health"


@dataclass(frozen=True, slots=True)
class Scenario:
    """A replayed WAV: the demo file, or ``utterances`` synthesized with espeak-ng one after another."""

    name: str
    utterances: tuple[str, ...] = ()
    hermes: bool = False
    realtime: bool = False


SCENARIOS = {
    s.name: s
    for s in (
        Scenario("demo_kitchen_light"),
        Scenario(
            "unlock_confirm_not_understood",
            ("hey jarvis, unlock the front door", "hey jarvis, yes", "hey jarvis, tell me a joke"),
            hermes=True,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    payload: dict[str, Any]
    retain: bool
    qos: int

    @property
    def turn(self) -> str:
        return str(self.payload.get("turn_id") or self.payload.get("sessionId") or "")

    @property
    def kind(self) -> str:
        """``wake``, ``transcript``, ... for the runtime's topics; ``hermes`` for a Hermes intent."""
        return "hermes" if self.topic.startswith("hermes/") else self.topic.rsplit("/", 1)[-1]


@dataclass(slots=True)
class Recording:
    scenario: Scenario
    messages: list[Message] = field(default_factory=list)  # in arrival order
    printed: list[dict[str, Any]] = field(default_factory=list)  # what `edge replay --json` would print
    retained_after: dict[str, dict[str, Any]] = field(default_factory=dict)  # what a newcomer gets

    def turns(self) -> list[list[Message]]:
        order = list(dict.fromkeys(m.turn for m in self.messages if m.turn))
        return [[m for m in self.messages if m.turn == t] for t in order]


# -- recording -------------------------------------------------------------------------------------------
@contextmanager
def demo_home_served(port: int) -> Iterator[None]:
    """The simulated demo home on the broker (what `make run` starts), as the end-to-end test has it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "edge", "simulate", "--home", str(DEMO_HOME), "--broker", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert json.loads(proc.stdout.readline())["ready"] is True
        yield
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


class Subscriber:
    """A paho client on ``edge/#`` and ``hermes/#`` (MQTT v5, retain as published), recording in order."""

    def __init__(self, port: int) -> None:
        self.messages: list[Message] = []
        self.offline = threading.Event()
        subscribed = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe([(t, SubscribeOptions(qos=1, retainAsPublished=True)) for t in TREES])
        self.client.loop_start()
        assert subscribed.wait(10), "the recorder could not subscribe"

    def _on_message(self, _c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        payload = json.loads(msg.payload)
        self.messages.append(Message(msg.topic, payload, bool(msg.retain), int(msg.qos)))
        if msg.topic == HEALTH and payload.get("status") == "offline":
            self.offline.set()

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def retained_now(port: int) -> dict[str, dict[str, Any]]:
    """The retained messages a subscriber arriving now is given on both trees. The broker queues them when
    it handles the subscription, so a marker published once it is acknowledged arrives after them."""
    seen: dict[str, dict[str, Any]] = {}
    done = threading.Event()
    marker = "test/retained-marker"

    def on_message(_c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        if msg.topic == marker:
            done.set()
        elif msg.retain:
            seen[msg.topic] = json.loads(msg.payload)

    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_message = on_message
    client.on_subscribe = lambda c, *_: c.publish(marker, b"1")
    client.connect("127.0.0.1", port)
    client.subscribe([(t, SubscribeOptions(qos=1)) for t in (*TREES, marker)])
    client.loop_start()
    try:
        assert done.wait(10), "the marker never came back"
    finally:
        client.loop_stop()
        client.disconnect()
    return seen


def scenario_wav(scenario: Scenario, request: pytest.FixtureRequest, out: Path) -> Path:
    if not scenario.utterances:
        return DEMO_WAV
    synth: Callable[..., Path] = request.getfixturevalue("synth")

    def say(text: str) -> npt.NDArray[np.int16]:  # 4 s of silence from the end of one turn to the next wake
        name = "event_stream_" + words(text).replace(" ", "_")
        return read_audio(synth(text, name=name, lead_silence_s=1.0, tail_silence_s=3.0))

    soundfile.write(out, np.concatenate([say(t) for t in scenario.utterances]), 16_000, subtype="PCM_16")
    return out


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def recording(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Recording:
    scenario = SCENARIOS[request.param]
    tmp = tmp_path_factory.mktemp(scenario.name)
    wav = scenario_wav(scenario, request, tmp / "turns.wav")
    rec = Recording(scenario)
    with MosquittoBroker() as broker, demo_home_served(broker.port):
        settings = load_settings("x86_64-dev", None, [
            'mqtt.host="127.0.0.1"', f"mqtt.port={broker.port}", f"mqtt.hermes={json.dumps(scenario.hermes)}",
            f'satellite.site_id="{SITE}"', 'satellite.area="kitchen"', 'feedback.tts="none"',
            "asr.timeout_s=200", "mqtt.command_timeout_s=15",
        ])  # fmt: skip
        db = tmp / "turns.sqlite3"
        options = RuntimeOptions(home=DEMO_HOME, wav=wav, realtime=scenario.realtime, db=db)

        def printer(event: PipelineEvent) -> None:
            rec.printed.append(event.to_json())

        subscriber = Subscriber(broker.port)
        try:
            assert asyncio.run(run(settings, options, printer)) == 0
            assert subscriber.offline.wait(10), "the runtime left without saying it went offline"
        finally:
            subscriber.close()
        rec.messages = subscriber.messages
        rec.retained_after = retained_now(broker.port)
    return rec


# -- normalizing and comparing ---------------------------------------------------------------------------
TIMES = {"t_ms", "latency_ms", "asr_ms", "end_to_transcript_ms", "audio_ms", "speech_start_ms", "elapsed_s"}
SCORES = {"score", "confidence", "confidenceScore", "asrConfidence"}
HEARD = {"transcript": ("text", "alternatives"), "not_understood": ("text",), "rewrite": ("original",)}


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def _number(value: Any, key: str, low: float = 0.0, high: float = float("inf")) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high
    assert ok, f"{key}={value!r} is not a number in [{low}, {high}]"


def normalize(msg: Message, turns: dict[str, str]) -> dict[str, Any]:
    """The message with its volatile fields replaced by placeholders (checking their types as it goes)."""

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if key in ("turn_id", "sessionId"):
            return turns.setdefault(value, f"<turn {len(turns) + 1}>")
        if key in TIMES:
            _number(value, key)
            return "<ms>"
        if key == "t":
            _number(value, key, low=1e9)
            return "<time>"
        if key in SCORES:
            _number(value, key, high=1.0)
            return "<score>"
        if key == "speculative":  # whether a decode begun at the pause served the turn: a matter of timing
            assert isinstance(value, bool), f"speculative={value!r} is not a bool"
            return "<bool>"
        return value

    payload: dict[str, Any] = walk(msg.payload)
    for key in HEARD.get(str(payload.get("type")), ()):
        value = payload[key]
        payload[key] = [words(v) for v in value] if isinstance(value, list) else words(value)
    if msg.kind == "hermes":  # what Whisper heard, as words; offsets in it move with its punctuation
        payload["input"] = words(payload["input"])
        if "rawInput" in payload:
            payload["rawInput"] = words(payload["rawInput"])
        for slot in payload.get("slots") or ():
            if "range" in slot:
                assert all(isinstance(v, int | None) for v in slot["range"].values()), slot
                slot["range"] = "<range>"
        tokens = payload.get("asrTokens") or [[]]
        if payload.get("asrTokens") is not None:
            payload["asrTokens"] = words(" ".join(t["value"] for t in tokens[0]))
    return {"topic": msg.topic, "retain": msg.retain, "qos": msg.qos, "payload": payload}


def snapshot_of(rec: Recording) -> dict[str, Any]:
    turns: dict[str, str] = {}
    return {
        "scenario": rec.scenario.name,
        "utterances": list(rec.scenario.utterances) or [DEMO_WAV.name],
        "site": [normalize(m, turns) for m in rec.messages if not m.turn],
        "turns": [[normalize(m, turns) for m in turn] for turn in rec.turns()],
    }


def lines(snapshot: dict[str, Any]) -> list[str]:
    """One line per message, for a readable diff."""

    def line(where: str, m: dict[str, Any]) -> str:
        body = json.dumps(m["payload"], sort_keys=True, ensure_ascii=False)
        return f"{where:<7} {m['topic']} retain={int(m['retain'])} qos={m['qos']} {body}"

    out = [f"scenario {snapshot['scenario']}: {' | '.join(snapshot['utterances'])}"]
    out += [line("site", m) for m in snapshot["site"]]
    for i, turn in enumerate(snapshot["turns"], 1):
        out += [line(f"turn {i}", m) for m in turn]
    return out


def test_event_stream_matches_the_snapshot(recording: Recording) -> None:
    got = snapshot_of(recording)
    path = SNAPSHOTS / f"event_stream_{recording.scenario.name}.json"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1 to write it, then review it"
    want = json.loads(path.read_text())
    if got != want:
        diff = difflib.unified_diff(lines(want), lines(got), "snapshot", "this run", lineterm="", n=2)
        pytest.fail(
            f"the event stream differs from {path.relative_to(ROOT)} (UPDATE_SNAPSHOTS=1 rewrites it after an"
            " intended change):\n" + "\n".join(diff),
            pytrace=False,
        )


# -- invariants ------------------------------------------------------------------------------------------
STAGE = {"wake": 0, "transcript": 1, "rewrite": 2, "intent": 3, "hermes": 3, "action": 4, "result": 4}
ENGINE = {"rewrite", "intent", "hermes", "action", "result", "response"}  # the turn engine's, turn by turn


def test_exactly_one_response_per_turn(recording: Recording) -> None:
    printed = [e["turn_id"] for e in recording.printed if e["type"] == "transcript"]
    turns = recording.turns()
    assert [t[0].turn for t in turns] == printed, "every turn the pipeline heard is on the broker, in order"
    assert len(turns) == (len(recording.scenario.utterances) or 1) == recording.printed[-1]["turns"]
    for turn in turns:
        responses = [m for m in turn if m.kind == "response"]
        assert len(responses) == 1, [m.topic for m in turn]
        assert responses[0].payload["text"]


def test_each_turn_is_in_causal_order(recording: Recording) -> None:
    for turn in recording.turns():
        kinds = [m.kind for m in turn]
        assert kinds[0] == "wake" and kinds[1] == "transcript" and kinds[-1] == "response", kinds
        stages = [STAGE.get(k, 5) for k in kinds]
        assert stages == sorted(stages), kinds
        acts = "".join(k[0] for k in kinds if k in ("action", "result"))
        assert re.fullmatch("(a+r)*", acts), f"each result answers the actions before it: {kinds}"
        if "hermes" in kinds:  # a Hermes intent follows its own edge intent
            assert all(kinds[i - 1] == "intent" for i, k in enumerate(kinds) if k == "hermes"), kinds
        stamps = [m.payload["t_ms"] for m in turn if m.kind != "hermes"]
        assert stamps == sorted(stamps), f"stream time runs forward within a turn: {stamps}"


def test_turns_follow_each_other(recording: Recording) -> None:
    """The listener may run ahead of ASR, but wakes come in stream order, and the turn engine finishes one
    turn's messages before it starts the next one's."""
    order = [t[0].turn for t in recording.turns()]
    wakes = [m.turn for m in recording.messages if m.kind == "wake"]
    engine = list(dict.fromkeys(m.turn for m in recording.messages if m.kind in ENGINE))
    assert wakes == order and engine == order
    seen_done: set[str] = set()
    for m in recording.messages:
        assert m.turn not in seen_done or m.kind not in ENGINE, f"{m.topic} after its turn's response"
        if m.kind == "response":
            seen_done.add(m.turn)


def test_only_health_is_retained_and_the_session_owns_it(recording: Recording) -> None:
    for m in recording.messages:
        assert m.retain is (m.topic == HEALTH), f"{m.topic} retain={m.retain}"
    health = [m.payload for m in recording.messages if m.topic == HEALTH]
    assert [h["status"] for h in health] == ["online", "offline"], health  # once each, in one shape
    assert all(set(h) == {"status", "site_id", "t"} and h["site_id"] == SITE for h in health), health
    assert recording.retained_after == {HEALTH: health[-1]}


HERMES_INTENT = {  # rhasspy-hermes NluIntent / Snips hermes/intent/<name>
    "input", "intent", "siteId", "id", "slots", "sessionId", "customData", "asrTokens", "asrConfidence",
    "rawInput", "wakewordId", "lang",
}  # fmt: skip
HERMES_SLOT = {"entity", "slotName", "rawValue", "value", "confidence", "range", "start", "end"}
NOT_RECOGNIZED = "hermes/nlu/intentNotRecognized"


def test_hermes_intents_speak_the_protocol(recording: Recording) -> None:
    every = [m for m in recording.messages if m.kind == "hermes"]
    hermes = [m for m in every if m.topic != NOT_RECOGNIZED]
    intents = [m for m in recording.messages if m.kind == "intent" and m.payload["type"] == "intent"]
    if not recording.scenario.hermes:
        assert every == [], "Hermes is off by default"
        return
    assert [(m.turn, m.payload["intent"]) for m in intents] == [
        (h.turn, h.payload["intent"]["intentName"]) for h in hermes
    ], "one Hermes intent for every intent"
    missed = [
        m.turn for m in recording.messages if m.kind == "intent" and m.payload["type"] == "not_understood"
    ]
    assert [m.turn for m in every if m.topic == NOT_RECOGNIZED] == missed, (
        "and intentNotRecognized for the rest"
    )
    heard = {m.turn: m.payload["text"] for m in recording.messages if m.kind == "transcript"}
    for h in hermes:
        body = h.payload
        assert set(body) <= HERMES_INTENT and {"input", "intent", "siteId", "sessionId"} <= set(body), body
        assert h.topic == f"hermes/intent/{body['intent']['intentName']}"
        assert set(body["intent"]) == {"intentName", "confidenceScore"}
        assert body["siteId"] == SITE and body["input"] == heard[h.turn], body
        for slot in body["slots"]:
            assert set(slot) <= HERMES_SLOT and set(slot["value"]) == {"kind", "value"}, slot
